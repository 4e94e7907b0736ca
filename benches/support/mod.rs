//! N-input consolidations of the public test wallet ("abandon … about"), shared by the
//! criterion benches and the `bench_psbt` example that `scripts/bench-peers` uses.

use std::str::FromStr;

use bitcoin::bip32::DerivationPath;
use bitcoin::hashes::Hash;
use bitcoin::psbt::Psbt;
use bitcoin::{Amount, ScriptBuf, WPubkeyHash};
use coldsign::btc::builder::SpendBuilder;
use coldsign::keys::accounts::key_expression;
use coldsign::keys::material::{HdKeys, KeyMaterial};
use coldsign::keys::mnemonic::SecretMnemonic;
use miniscript::descriptor::{Descriptor, DescriptorPublicKey};
use secrecy::SecretString;

/// The public test mnemonic.
pub const WORDS: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

/// The script types measured: name, descriptor template, account path.
pub const TYPES: [(&str, &str, &str); 2] = [
    ("p2wpkh", "wpkh({0})", "m/84'/1'/0'"),
    ("p2tr", "tr({0})", "m/86'/1'/0'"),
];

/// The key tree of [`WORDS`].
pub fn keys() -> HdKeys {
    KeyMaterial::Bip39 {
        mnemonic: SecretMnemonic::parse(WORDS).unwrap(),
        passphrase: SecretString::from(""),
    }
    .hd()
    .unwrap()
}

/// An N-input consolidation of our coins of one script type (receive addresses 0..N), paid
/// to one outside P2WPKH output.
pub fn consolidation(hd: &HdKeys, template: &str, account: &str, n: u32) -> Psbt {
    let path = DerivationPath::from_str(account).unwrap();
    let key = key_expression(
        hd.fingerprint(),
        &path,
        &hd.xpub(&path, bitcoin::NetworkKind::Test),
    );
    let d = Descriptor::<DescriptorPublicKey>::from_str(
        &template.replace("{0}", &format!("{key}/<0;1>/*")),
    )
    .unwrap();
    let receive = d.into_single_descriptors().unwrap().remove(0);
    let mut b = SpendBuilder::new();
    for i in 0..n {
        b = b.fund(
            &receive.at_derivation_index(i).unwrap(),
            Amount::from_sat(100_000),
        );
    }
    b.pay(
        ScriptBuf::new_p2wpkh(&WPubkeyHash::hash(b"sink")),
        Amount::from_sat(99_000 * n as u64),
    )
    .build()
}

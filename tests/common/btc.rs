//! Bitcoin test helpers: key trees from known mnemonics, descriptors at an index, and
//! finalize-then-verify with Bitcoin Core's interpreter (libbitcoinconsensus).

use std::str::FromStr;

use bitcoin::bip32::DerivationPath;
use bitcoin::psbt::Psbt;
use bitcoin::{Network, NetworkKind};
use coldsign::btc::finalize;
use coldsign::btc::ownership::Policies;
use coldsign::btc::psbt_v2::PsbtVersion;
use coldsign::btc::wallets::Wallet;
use coldsign::keys::accounts::key_expression;
use coldsign::keys::material::{HdKeys, KeyMaterial};
use coldsign::keys::mnemonic::SecretMnemonic;
use coldsign::review::bitcoin::{review, BtcReview, FeeLimits};
use coldsign::signer::{software, InputOutcome};
use miniscript::descriptor::{DefiniteDescriptorKey, Descriptor, DescriptorPublicKey};
use secrecy::SecretString;

/// A third public BIP39 vector mnemonic, for a third cosigner.
pub const LETTER: &str =
    "letter advice cage absurd amount doctor acoustic avoid letter advice cage above";

/// The key tree of `words` (no passphrase).
pub fn hd(words: &str) -> HdKeys {
    let material = KeyMaterial::Bip39 {
        mnemonic: SecretMnemonic::parse(words).unwrap(),
        passphrase: SecretString::from(""),
    };
    material.hd().unwrap()
}

/// `[fp/path]tpub` of `hd` at `path` (test network encoding).
pub fn key(hd: &HdKeys, path: &str) -> String {
    let path = DerivationPath::from_str(path).unwrap();
    key_expression(hd.fingerprint(), &path, &hd.xpub(&path, NetworkKind::Test))
}

/// A multipath descriptor from a template where `{0}`, `{1}`… stand for `keys[i]/<0;1>/*`.
pub fn multipath(template: &str, keys: &[String]) -> Descriptor<DescriptorPublicKey> {
    let mut text = template.to_string();
    for (i, k) in keys.iter().enumerate() {
        text = text.replace(&format!("{{{i}}}"), &format!("{k}/<0;1>/*"));
    }
    Descriptor::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// The single descriptor at `branch`/`index`.
pub fn at(
    d: &Descriptor<DescriptorPublicKey>,
    branch: usize,
    index: u32,
) -> Descriptor<DefiniteDescriptorKey> {
    d.clone().into_single_descriptors().unwrap()[branch]
        .at_derivation_index(index)
        .unwrap()
}

/// The standard single-sig descriptor of `hd` for a script template like "wpkh({0})" and
/// account path like "m/84'/1'/0'".
pub fn standard(hd: &HdKeys, template: &str, account: &str) -> Descriptor<DescriptorPublicKey> {
    multipath(template, &[key(hd, account)])
}

/// Reviews on regtest with the given registered wallets.
pub fn review_with(psbt: &Psbt, hd: &HdKeys, wallets: Vec<Wallet>) -> BtcReview {
    let policies = Policies::new(hd, wallets);
    review(
        psbt,
        PsbtVersion::V0,
        Network::Regtest,
        &policies,
        &FeeLimits::default(),
    )
}

/// Reviews and signs with `hd` (and its registered wallets); returns the outcomes.
pub fn sign_with(
    psbt: &mut Psbt,
    hd: &HdKeys,
    wallets: Vec<Wallet>,
) -> (BtcReview, Vec<InputOutcome>) {
    let policies = Policies::new(hd, wallets);
    let r = review(
        psbt,
        PsbtVersion::V0,
        Network::Regtest,
        &policies,
        &FeeLimits::default(),
    );
    let outcomes = software::sign_psbt(psbt, &r, &policies);
    (r, outcomes)
}

/// Finalizes, extracts and verifies every input with libbitcoinconsensus; panics otherwise.
pub fn finalize_and_verify(psbt: &Psbt) -> bitcoin::Transaction {
    let mut p = psbt.clone();
    for f in finalize::finalize(&mut p) {
        assert!(
            f.finalized,
            "input {} did not finalize: {:?}",
            f.index, f.error
        );
    }
    let tx = finalize::extract(&p).unwrap();
    finalize::verify(&tx, &finalize::spent_outputs(&p).unwrap()).unwrap();
    tx
}

/// An outside (not ours) P2WPKH script.
pub fn outside() -> bitcoin::ScriptBuf {
    use bitcoin::hashes::Hash;
    bitcoin::ScriptBuf::new_p2wpkh(&bitcoin::WPubkeyHash::hash(b"somebody else"))
}

/// A benign regtest spend: two of our wpkh coins to an outside address, with verified change.
pub fn benign_spend() -> Psbt {
    use bitcoin::Amount;
    let ours = hd(super::ABANDON);
    let d = standard(&ours, "wpkh({0})", "m/84'/1'/0'");
    coldsign::btc::builder::SpendBuilder::new()
        .fund(&at(&d, 0, 0), Amount::from_sat(1_000_000))
        .fund(&at(&d, 0, 1), Amount::from_sat(500_000))
        .pay(outside(), Amount::from_sat(1_200_000))
        .pay_to_descriptor(&at(&d, 1, 0), Amount::from_sat(290_000))
        .build()
}

/// The warning codes of a review.
pub fn codes(r: &BtcReview) -> Vec<&'static str> {
    r.warnings.iter().map(|w| w.code).collect()
}

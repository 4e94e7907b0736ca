//! The floor `scripts/bench-peers` compares signers against: a minimal rust-bitcoin signing
//! loop and nothing else. One sighash cache for the whole transaction, each child key one
//! BIP32 step from a cached branch key (m/purpose'/1'/0'/branch), low-R ECDSA for P2WPKH and a
//! BIP340 key-path signature for P2TR. No review, no checks, no keystore.
//!
//! `cargo run --release --example sign_floor -- IN.psbt OUT.psbt` (base64 in and out; the
//! public test wallet "abandon … about").

use std::collections::HashMap;

use bitcoin::bip32::{DerivationPath, Xpriv};
use bitcoin::key::TapTweak;
use bitcoin::psbt::Psbt;
use bitcoin::secp256k1::{Keypair, Message, Secp256k1};
use bitcoin::sighash::{EcdsaSighashType, Prevouts, SighashCache, TapSighashType};
use bitcoin::TxOut;

const WORDS: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = &args[..] else {
        panic!("usage: sign_floor IN.psbt OUT.psbt");
    };
    let text = std::fs::read_to_string(input).expect("read IN");
    let mut psbt: Psbt = text.trim().parse().expect("base64 PSBT");
    let secp = Secp256k1::new();
    let seed = bip39::Mnemonic::parse(WORDS).expect("mnemonic").to_seed("");
    let master = Xpriv::new_master(bitcoin::NetworkKind::Test, &seed).expect("master");
    let mut branches: HashMap<DerivationPath, Xpriv> = HashMap::new();
    let mut child = |path: &DerivationPath| {
        let (last, parent) = path.as_ref().split_last().expect("a path");
        let branch = branches
            .entry(DerivationPath::from(parent))
            .or_insert_with_key(|p| master.derive_priv(&secp, p).expect("derive"));
        branch
            .derive_priv(&secp, &[*last])
            .expect("derive")
            .private_key
    };
    let tx = psbt.unsigned_tx.clone();
    let prevouts: Vec<TxOut> = psbt
        .inputs
        .iter()
        .map(|i| i.witness_utxo.clone().expect("witness_utxo"))
        .collect();
    let mut cache = SighashCache::new(&tx);
    for (index, input) in psbt.inputs.iter_mut().enumerate() {
        if let Some((_, (_, (_, path)))) = input.tap_key_origins.iter().next() {
            let keypair = Keypair::from_secret_key(&secp, &child(path));
            let tweaked = keypair.tap_tweak(&secp, input.tap_merkle_root).to_keypair();
            let hash = cache
                .taproot_key_spend_signature_hash(
                    index,
                    &Prevouts::All(&prevouts),
                    TapSighashType::Default,
                )
                .expect("sighash");
            let signature = secp.sign_schnorr_no_aux_rand(&Message::from(hash), &tweaked);
            input.tap_key_sig = Some(bitcoin::taproot::Signature {
                signature,
                sighash_type: TapSighashType::Default,
            });
        } else if let Some((public_key, (_, path))) = input.bip32_derivation.iter().next() {
            let spent = &prevouts[index];
            let hash = cache
                .p2wpkh_signature_hash(
                    index,
                    &spent.script_pubkey,
                    spent.value,
                    EcdsaSighashType::All,
                )
                .expect("sighash");
            let signature = secp.sign_ecdsa_low_r(&Message::from(hash), &child(path));
            input.partial_sigs.insert(
                bitcoin::PublicKey::new(*public_key),
                bitcoin::ecdsa::Signature {
                    signature,
                    sighash_type: EcdsaSighashType::All,
                },
            );
        }
    }
    std::fs::write(output, psbt.to_string()).expect("write OUT");
}

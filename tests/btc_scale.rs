//! A 5,000-input P2WPKH consolidation is reviewed and signed in one pass: one sighash cache
//! for all inputs, child keys derived from a cached account key. (Speed is for benchmarks,
//! not tests; this checks the work completes and is correct at that size: signatures on a
//! sample directly, then every input with Bitcoin Core's interpreter.)

mod common;

use bitcoin::hashes::Hash;
use bitcoin::{Amount, ScriptBuf, WPubkeyHash};
use coldsign::btc::builder::SpendBuilder;
use common::btc::*;
use common::ABANDON;

#[test]
fn five_thousand_inputs() {
    let ours = hd(ABANDON);
    let d = standard(&ours, "wpkh({0})", "m/84'/1'/0'");
    let mut builder = SpendBuilder::new();
    for i in 0..5_000 {
        builder = builder.fund(&at(&d, (i % 2) as usize, i / 2), Amount::from_sat(10_000));
    }
    let mut psbt = builder
        .pay(
            ScriptBuf::new_p2wpkh(&WPubkeyHash::hash(b"cold")),
            Amount::from_sat(49_000_000),
        )
        .build();
    let (review, outcomes) = sign_with(&mut psbt, &ours, vec![]);
    assert_eq!(review.inputs.len(), 5_000);
    assert!(review
        .inputs
        .iter()
        .all(|i| i.signable && i.amount_verified));
    assert!(outcomes.iter().all(|o| o.signatures == 1));
    // Signatures on a sample of inputs verify (a 5-input transaction cut from the same PSBT
    // would change the sighash, so check the ECDSA signatures directly).
    let secp = bitcoin::secp256k1::Secp256k1::verification_only();
    let mut cache = bitcoin::sighash::SighashCache::new(&psbt.unsigned_tx);
    for i in [0usize, 1, 2_499, 4_998, 4_999] {
        let input = &psbt.inputs[i];
        let (pk, sig) = input.partial_sigs.iter().next().unwrap();
        let spent = input.witness_utxo.as_ref().unwrap();
        let hash = cache
            .p2wpkh_signature_hash(i, &spent.script_pubkey, spent.value, sig.sighash_type)
            .unwrap();
        secp.verify_ecdsa(
            &bitcoin::secp256k1::Message::from(hash),
            &sig.signature,
            &pk.inner,
        )
        .unwrap();
    }
    // The signed PSBT's base64, encoded while it is serialized, is the standard encoding of
    // its bytes; version 2 and hex go through the bytes and must agree when decoded.
    use bitcoin::base64::prelude::{Engine, BASE64_STANDARD};
    use coldsign::btc::psbt_v2::PsbtVersion;
    use coldsign::request::{encode_psbt, Encoded, Encoding};
    let text = encode_psbt(&psbt, PsbtVersion::V0, None, Encoding::Base64).unwrap();
    assert_eq!(
        text,
        (BASE64_STANDARD.encode(psbt.serialize()) + "\n").into_bytes()
    );
    // `sign` writes it into its file as it encodes it: the same text.
    let mut written = Vec::new();
    Encoded::psbt(&psbt, PsbtVersion::V0, None, Encoding::Base64)
        .unwrap()
        .write_to(&mut written)
        .unwrap();
    assert_eq!(written, text);
    use bitcoin::hex::DisplayHex;
    let hex = encode_psbt(&psbt, PsbtVersion::V0, None, Encoding::Hex).unwrap();
    assert_eq!(
        hex,
        (psbt.serialize().to_lower_hex_string() + "\n").into_bytes()
    );
    // And every input finalizes and verifies with Bitcoin Core's interpreter (linear in N).
    assert_eq!(finalize_and_verify(&psbt).input.len(), 5_000);
}

/// The memoised derivations (branch-key caches for public and private keys) give exactly what
/// a plain BIP32 walk from the master key gives, for standard paths, mixed hardened paths and
/// repeated look-ups (served from the memo).
#[test]
fn cached_derivations_match_plain_bip32() {
    use bitcoin::bip32::DerivationPath;
    use coldsign::btc::ownership::Policies;
    use coldsign::keys::material::PrivateKeyCache;

    let ours = hd(ABANDON);
    let policies = Policies::new(&ours, vec![]);
    let mut keys = PrivateKeyCache::new(&ours);
    let secp = ours.secp();
    for round in 0..2 {
        for path in [
            "m",
            "m/0",
            "m/84'/1'/0'/0/0",
            "m/84'/1'/0'/0/7",
            "m/84'/1'/0'/1/7",
            "m/86'/0'/3'/0/2147483647",
            "m/0/1'/2",
            "m/44'/0'/0'/0'",
            "m/1/2/3/4",
        ] {
            let path: DerivationPath = path.parse().unwrap();
            let plain = ours.private_key(&path);
            let expected = plain.expose_secret().public_key(secp);
            let cached = keys.key(&path);
            assert_eq!(
                cached.expose_secret().secret_bytes(),
                plain.expose_secret().secret_bytes(),
                "private key at {path} (round {round})"
            );
            assert_eq!(
                policies.public_key(ours.fingerprint(), &path),
                Some(expected),
                "public key at {path}"
            );
        }
    }
}

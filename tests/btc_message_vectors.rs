//! BIP-322's official test vectors (bitcoin/bips bip-0322/*.json) and legacy BIP-137
//! signatures as Coldcard publishes them, through coldsign's library.

use std::str::FromStr;

use bitcoin::bip32::{DerivationPath, Fingerprint};
use bitcoin::secp256k1::Secp256k1;
use bitcoin::{Address, Network, PrivateKey};
use coldsign::btc::message::bip322::{self, Proof};
use coldsign::btc::message::sign::sign_with_key;
use coldsign::btc::message::{self, bip137, MessageError};
use coldsign::keys::accounts::Standard;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/fixtures/bip322/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn script(address: &str) -> bitcoin::ScriptBuf {
    Address::from_str(address)
        .unwrap()
        .require_network(Network::Bitcoin)
        .unwrap()
        .script_pubkey()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn text(case: &Value, field: &str) -> String {
    case[field].as_str().unwrap_or_default().to_string()
}

#[test]
fn message_hashes_and_virtual_transactions_match_the_bip() {
    for case in fixture("basic-test-vectors.json")["tx_hashes"]
        .as_array()
        .unwrap()
    {
        let message = text(case, "message");
        assert_eq!(
            hex(&bip322::message_hash(message.as_bytes())),
            case["message_hash"]
        );
        let spend = bip322::to_spend(&script(&text(case, "address")), message.as_bytes());
        assert_eq!(spend.compute_txid().to_string(), case["to_spend_tx_hash"]);
        assert_eq!(
            bip322::to_sign(&spend).compute_txid().to_string(),
            case["to_sign_tx_hash"]
        );
    }
}

/// Every simple and full signature of both vector files verifies, through the interpreter;
/// full ones report their time locks.
#[test]
fn every_simple_and_full_vector_verifies() {
    let secp = Secp256k1::new();
    let mut checked = 0;
    for file in ["basic-test-vectors.json", "generated-test-vectors.json"] {
        let vectors = fixture(file);
        for section in ["simple", "full"] {
            let Some(cases) = vectors[section].as_array() else {
                continue;
            };
            for case in cases {
                let challenge = script(&text(case, "address"));
                let message = text(case, "message");
                for signature in case["bip322_signatures"].as_array().unwrap() {
                    let signature = signature.as_str().unwrap();
                    let shown = message::verify(&secp, &challenge, message.as_bytes(), signature)
                        .unwrap_or_else(|e| panic!("{file} {section} {}: {e}", case["type"]));
                    assert!(shown.contains(&format!("BIP-322 {section}")), "{shown}");
                    if let Proof::Full(_) = Proof::decode(signature).unwrap() {
                        let valid = bip322::verify(
                            &challenge,
                            message.as_bytes(),
                            &Proof::decode(signature).unwrap(),
                        )
                        .unwrap();
                        assert_eq!(
                            u64::from(valid.lock_time),
                            case["lock_time"].as_u64().unwrap_or(0)
                        );
                        assert_eq!(
                            u64::from(valid.sequence),
                            case["sequence"].as_u64().unwrap_or(0)
                        );
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 20, "{checked}");
}

#[test]
fn every_error_vector_is_refused_and_proofs_of_funds_are_unsupported() {
    let secp = Secp256k1::new();
    for file in ["basic-test-vectors.json", "generated-test-vectors.json"] {
        for case in fixture(file)["error"].as_array().unwrap() {
            let Ok(address) = Address::from_str(&text(case, "address")) else {
                continue; // an unparsable address is refused before any signature is read
            };
            let result = message::verify(
                &secp,
                &address.assume_checked().script_pubkey(),
                text(case, "message").as_bytes(),
                &text(case, "signature"),
            );
            assert!(result.is_err(), "{file}: {} verified", case["description"]);
        }
        for case in fixture(file)["proof_of_funds"]
            .as_array()
            .into_iter()
            .flatten()
        {
            assert!(matches!(
                Proof::decode(case["bip322_signatures"][0].as_str().unwrap()),
                Err(MessageError::Unsupported(_))
            ));
        }
    }
}

/// Signing the single-key vectors (p2wpkh, p2tr, p2sh-p2wpkh, p2pkh) with their keys gives
/// signatures that verify; the BIP's own ECDSA ones are reproduced byte for byte (RFC 6979,
/// low-R).
#[test]
fn signing_the_single_key_vectors_reproduces_them() {
    let secp = Secp256k1::new();
    let origin = (Fingerprint::default(), DerivationPath::master());
    let mut reproduced = 0;
    for file in ["basic-test-vectors.json", "generated-test-vectors.json"] {
        let vectors = fixture(file);
        for section in ["simple", "full"] {
            for case in vectors[section].as_array().into_iter().flatten() {
                let standard = match (case["type"].as_str().unwrap(), case["lock_time"].as_u64()) {
                    ("p2wpkh", None | Some(0)) => Standard::Bip84,
                    ("p2tr", None | Some(0)) => Standard::Bip86,
                    ("p2sh-p2wpkh", None | Some(0)) => Standard::Bip49,
                    ("p2pkh", None | Some(0)) => Standard::Bip44,
                    _ => continue,
                };
                if case["tx_version"].as_u64().unwrap_or(0) != 0 {
                    continue;
                }
                let key = PrivateKey::from_wif(case["private_keys"][0].as_str().unwrap()).unwrap();
                let challenge = script(&text(case, "address"));
                let message = text(case, "message");
                let proof = sign_with_key(
                    &secp,
                    &key.inner,
                    standard,
                    origin.clone(),
                    &challenge,
                    message.as_bytes(),
                )
                .unwrap();
                let ours = proof.encode(true);
                message::verify(&secp, &challenge, message.as_bytes(), &ours).unwrap();
                let published: Vec<&str> = case["bip322_signatures"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap())
                    .collect();
                // The BIP's own vectors list a low-R signature; btcd's generated ones need not.
                if file == "basic-test-vectors.json" && standard != Standard::Bip86 {
                    assert!(
                        published.contains(&ours.as_str()),
                        "{file} {}: {ours}",
                        case["type"]
                    );
                    reproduced += 1;
                }
            }
        }
    }
    assert!(reproduced >= 2, "{reproduced}");
}

/// Coldcard's published signed export (docs/msg-signing.md): a compressed-P2PKH header on a
/// testnet address.
#[test]
fn coldcards_published_legacy_signature_verifies() {
    let secp = Secp256k1::new();
    let address = Address::from_str("mtHSVByP9EYZmB26jASDdPVm19gvpecb5R")
        .unwrap()
        .require_network(Network::Testnet)
        .unwrap();
    let message =
        "f1591bfb04a89f723e1f14eb01a6b2f6f507eb0967d0a5d7822b329b98018ae4  coldcard-export.json";
    let signature =
        "IFOvGVJrm31S0j+F4dVfQ5kbRKWKcmhmXIn/Lw8iIgaCG5QNZswjrN4X673R7jTZo1kvLmiD4hlIrbuLh/HqDuk=";
    let kind = bip137::verify(
        &secp,
        &address.script_pubkey(),
        message.as_bytes(),
        signature,
    )
    .unwrap();
    assert_eq!(kind, bip137::HeaderKind::P2pkhCompressed);
    assert!(bip137::verify(
        &secp,
        &address.script_pubkey(),
        b"another message",
        signature
    )
    .is_err());
}

/// Legacy signatures made here verify for P2PKH, and (compressed header, as Electrum reads
/// it) for the same key's P2WPKH and P2SH-P2WPKH addresses, and for no other key.
#[test]
fn legacy_signatures_round_trip_for_each_header_reading() {
    let secp = Secp256k1::new();
    let key = PrivateKey::from_wif("L3VFeEujGtevx9w18HD1fhRbCH67Az2dpCymeRE1SoPK6XQtaN2k").unwrap();
    let public = bitcoin::CompressedPublicKey(key.inner.public_key(&secp));
    let signature = bip137::sign(&secp, &key.inner, b"Hello World");
    for address in [
        Address::p2pkh(public, Network::Bitcoin),
        Address::p2wpkh(&public, Network::Bitcoin),
        Address::p2shwpkh(&public, Network::Bitcoin),
    ] {
        bip137::verify(&secp, &address.script_pubkey(), b"Hello World", &signature).unwrap();
    }
    let other = script("bc1qp0ahvfh83088w49k405szqgg4f3pptr7p2g06tdxfjcd40z4lh4q95lsz9");
    assert!(matches!(
        bip137::verify(&secp, &other, b"Hello World", &signature),
        Err(MessageError::Invalid(_))
    ));
}

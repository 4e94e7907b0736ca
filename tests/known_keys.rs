//! Reading a PSBT with keys already known as points (the keys remembered beside the keystore,
//! docs/review.md "Remembered derivations") gives exactly what reading it without them gives:
//! the same PSBT, or an error either way. The official vectors, every one-byte change and cut
//! of two of them, and the consolidations the benches sign.

use bitcoin::base64::prelude::{Engine, BASE64_STANDARD};
use bitcoin::consensus::encode;
use bitcoin::hashes::Hash;
use bitcoin::{absolute, transaction, Amount, OutPoint, ScriptBuf, Sequence, TxIn, TxOut, Txid};
use coldsign::btc::known_keys::KnownKeys;
use coldsign::btc::psbt_v2::{parse_any, parse_any_knowing};
use coldsign::request::PsbtFile;
use serde_json::Value;

#[allow(dead_code)]
#[path = "../fuzz/harness.rs"]
mod harness;
#[allow(dead_code)]
#[path = "../benches/support/mod.rs"]
mod support;

fn fixture(name: &str) -> Value {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The valid PSBTs of the BIP174, BIP371 and BIP370 vectors, as text.
fn valid_vectors() -> Vec<String> {
    let mut texts = Vec::new();
    for (file, field) in [
        ("bip174.json", "psbt"),
        ("bip371.json", "psbt"),
        ("bip370.json", "hex"),
    ] {
        for case in fixture(file)["valid"].as_array().unwrap() {
            texts.push(case[field].as_str().unwrap().to_string());
        }
    }
    texts
}

/// Reads `bytes` both ways and says whether they agree (and how, for a message).
fn agree(bytes: &[u8], known: &KnownKeys) -> Result<(), String> {
    match (parse_any(bytes), parse_any_knowing(bytes, known)) {
        (Ok(plain), Ok(knowing)) if plain == knowing => Ok(()),
        (Err(_), Err(_)) => Ok(()),
        (plain, knowing) => Err(format!("{plain:?}\nvs\n{knowing:?}")),
    }
}

#[test]
fn official_vectors_read_the_same_with_their_keys_known() {
    let mut with_keys = 0;
    for text in valid_vectors() {
        let file = PsbtFile::decode(text.as_bytes()).unwrap();
        let known = harness::known_keys_of(&file.psbt);
        with_keys += usize::from(!known.is_empty());
        // The fuzz harness: as version 0 and 2, and with a few bytes changed.
        harness::psbt_known_keys(text.as_bytes());
    }
    assert!(with_keys >= 10, "only {with_keys} vectors name keys");
}

#[test]
fn every_one_byte_change_and_cut_reads_the_same() {
    let bip174 = &fixture("bip174.json")["valid"];
    let bip371 = &fixture("bip371.json")["valid"];
    // The vectors with the most keys: BIP32 derivations of inputs and outputs, and taproot
    // internal keys, key origins and leaf hashes.
    let most = |from: &Value| {
        from.as_array()
            .unwrap()
            .iter()
            .map(|case| {
                BASE64_STANDARD
                    .decode(case["psbt"].as_str().unwrap())
                    .unwrap()
            })
            .max_by_key(|bytes| {
                let psbt = parse_any(bytes).unwrap().0;
                psbt.inputs
                    .iter()
                    .map(|i| i.bip32_derivation.len() + 2 * i.tap_key_origins.len())
                    .sum::<usize>()
            })
            .unwrap()
    };
    for bytes in [most(bip174), most(bip371)] {
        let known = harness::known_keys_of(&parse_any(&bytes).unwrap().0);
        assert!(!known.is_empty());
        agree(&bytes, &known).unwrap();
        for at in 0..bytes.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut changed = bytes.clone();
                changed[at] ^= flip;
                agree(&changed, &known).unwrap_or_else(|e| panic!("byte {at} ^ {flip:#04x}: {e}"));
            }
            agree(&bytes[..at], &known).unwrap_or_else(|e| panic!("cut at {at}: {e}"));
        }
    }
}

#[test]
fn consolidations_read_the_same_with_their_keys_known() {
    let hd = support::keys();
    for (name, template, account) in support::TYPES {
        let psbt = support::consolidation(&hd, template, account, 50);
        let bytes = psbt.serialize();
        let known = harness::known_keys_of(&psbt);
        let (read, _, _) = parse_any_knowing(&bytes, &known).unwrap();
        assert!(
            read == psbt,
            "{name}: the psbt read with known keys differs"
        );
        agree(&bytes, &known).unwrap();
    }
}

/// A one-input, one-output PSBT whose input lists `pairs` (key, value) as they are.
fn psbt_with_input_pairs(pairs: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let tx = bitcoin::Transaction {
        version: transaction::Version::TWO,
        lock_time: absolute::LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint::new(Txid::from_byte_array([7; 32]), 0),
            script_sig: ScriptBuf::new(),
            sequence: Sequence::MAX,
            witness: bitcoin::Witness::new(),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(1_000),
            script_pubkey: ScriptBuf::new_op_return([]),
        }],
    };
    let mut out = b"psbt\xff".to_vec();
    let pair = |out: &mut Vec<u8>, key: &[u8], value: &[u8]| {
        out.extend(encode::serialize(&encode::VarInt(key.len() as u64)));
        out.extend(key);
        out.extend(encode::serialize(&encode::VarInt(value.len() as u64)));
        out.extend(value);
    };
    pair(&mut out, &[0x00], &encode::serialize(&tx));
    out.push(0x00);
    for (key, value) in pairs {
        pair(&mut out, key, value);
    }
    out.extend([0x00, 0x00]);
    out
}

#[test]
fn a_key_listed_both_compressed_and_uncompressed_is_a_duplicate_either_way() {
    let hd = support::keys();
    let path = "m/84'/1'/0'/0/0".parse().unwrap();
    let key = hd.xpub(&path, bitcoin::NetworkKind::Test).public_key;
    let origin = [hd.fingerprint().to_bytes(), [0u8; 4]].concat();
    let compressed = [&[0x06][..], &key.serialize()].concat();
    let uncompressed = [&[0x06][..], &key.serialize_uncompressed()].concat();
    let mut known = KnownKeys::none();
    known.offer_key(&key);

    let once = psbt_with_input_pairs(&[(compressed.clone(), origin.clone())]);
    let (read, _, _) = parse_any_knowing(&once, &known).unwrap();
    assert_eq!(read, parse_any(&once).unwrap().0);

    let twice = psbt_with_input_pairs(&[(compressed, origin.clone()), (uncompressed, origin)]);
    let plain = parse_any(&twice).unwrap_err().to_string();
    let knowing = parse_any_knowing(&twice, &known).unwrap_err().to_string();
    assert!(plain.contains("duplicate key"), "{plain}");
    // The compressed key was read from the known point, not by rust-bitcoin: the duplicate
    // is found when it is put back, and said in this crate's words.
    assert!(
        knowing.starts_with("psbt input 0 has a duplicate key 06"),
        "{knowing}"
    );
}

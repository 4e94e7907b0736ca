//! Official PSBT vectors (fixtures/README.md names each source): BIP174 parsing and every
//! role (signer results against Bitcoin Core's rpc_psbt.json, since Core grinds low-R), the
//! BIP174 signer checks, BIP371 taproot fields and taproot signing (rust-bitcoin's vectors).

mod common;

use bitcoin::base64::prelude::{Engine, BASE64_STANDARD};
use bitcoin::hex::{DisplayHex, FromHex};
use bitcoin::psbt::Psbt;
use bitcoin::secp256k1::{Parity, Secp256k1, SecretKey};
use bitcoin::sighash::SighashCache;
use bitcoin::{PrivateKey, TxOut, XOnlyPublicKey};
use coldsign::btc::finalize;
use coldsign::request::PsbtFile;
use coldsign::review::bitcoin::spent_output;
use coldsign::signer::software::{sign_ecdsa_input, sign_taproot_input, TaprootKey};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn psbt(b64: &Value) -> Psbt {
    Psbt::deserialize(&BASE64_STANDARD.decode(b64.as_str().unwrap()).unwrap()).unwrap()
}

fn list(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap()
}

#[test]
fn bip174_bip371_invalid_vectors_are_rejected_and_valid_ones_parse() {
    for (file, min_invalid, min_valid) in [("bip174.json", 19, 10), ("bip371.json", 11, 6)] {
        let f = fixture(file);
        assert!(list(&f["invalid"]).len() >= min_invalid && list(&f["valid"]).len() >= min_valid);
        for case in list(&f["invalid"]) {
            let result = PsbtFile::decode(case["psbt"].as_str().unwrap().as_bytes());
            assert!(
                result.is_err(),
                "{file}: accepted invalid PSBT ({})",
                case["reason"]
            );
        }
        for case in list(&f["valid"]) {
            PsbtFile::decode(case["psbt"].as_str().unwrap().as_bytes())
                .unwrap_or_else(|e| panic!("{file}: rejected valid PSBT ({}): {e}", case["note"]));
        }
    }
}

/// Signs every input of `p` with each WIF key whose public key the input lists.
fn sign_with_wifs(p: &mut Psbt, wifs: &[&str]) -> Vec<Result<usize, String>> {
    let secp = Secp256k1::new();
    let keys: Vec<PrivateKey> = wifs
        .iter()
        .map(|w| PrivateKey::from_wif(w).unwrap())
        .collect();
    let tx = p.unsigned_tx.clone();
    let mut cache = SighashCache::new(&tx);
    (0..p.inputs.len())
        .map(|i| {
            let spent: TxOut = spent_output(&p.inputs[i], &tx.input[i].previous_output)
                .cloned()
                .ok_or("no utxo")?;
            let mine: Vec<(bitcoin::secp256k1::PublicKey, &SecretKey)> = keys
                .iter()
                .map(|k| (k.public_key(&secp).inner, &k.inner))
                .filter(|(pk, _)| p.inputs[i].bip32_derivation.contains_key(pk))
                .collect();
            sign_ecdsa_input(&secp, &mut cache, i, &mut p.inputs[i], &spent, &mine)
        })
        .collect()
}

#[test]
fn signer_role_matches_bitcoin_core_byte_for_byte() {
    let core = fixture("core-rpc-psbt.json");
    let mut signing_cases = 0;
    for case in list(&core["signer"]) {
        let wifs: Vec<&str> = list(&case["privkeys"])
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        let mut p = psbt(&case["psbt"]);
        let results = sign_with_wifs(&mut p, &wifs);
        let expected = psbt(&case["result"]);
        if case["psbt"] == case["result"] {
            // Core's must-not-sign cases: every input that has a key of ours is refused.
            assert!(
                results.iter().any(|r| r.is_err()),
                "signed a PSBT Core refuses: {results:?}"
            );
            continue;
        }
        signing_cases += 1;
        assert!(
            results.iter().all(|r| matches!(r, Ok(n) if *n > 0)),
            "{results:?}"
        );
        assert_eq!(p, expected, "signatures differ from Bitcoin Core's");
    }
    assert!(signing_cases >= 2);
}

#[test]
fn bip174_roles_creator_signer_combiner_finalizer_extractor() {
    let roles = &fixture("bip174.json")["roles"];
    let step = |name: &str| {
        list(&roles["steps"])
            .iter()
            .find(|s| s["name"].as_str().unwrap().starts_with(name))
            .unwrap()
            .clone()
    };
    // Creator: a PSBT is the unsigned transaction and empty maps.
    let created = psbt(&step("creator")["psbt"]);
    assert_eq!(
        Psbt::from_unsigned_tx(created.unsigned_tx.clone())
            .unwrap()
            .serialize(),
        created.serialize()
    );
    // Signer 1 reproduces the BIP exactly (its signatures happen to have low R).
    let s1 = step("signer 1");
    let wifs: Vec<&str> = list(&s1["keys"])
        .iter()
        .map(|k| k["wif"].as_str().unwrap())
        .collect();
    let mut p = psbt(&s1["input_psbt"]);
    sign_with_wifs(&mut p, &wifs);
    assert_eq!(p, psbt(&s1["expected_psbt"]));
    // Signer 2: the BIP shows a high-R signature for m/0'/0'/1'; a low-R signer (ours, Core's)
    // produces a different valid signature for that key and the same for the other.
    let s2 = step("signer 2");
    let wifs: Vec<&str> = list(&s2["keys"])
        .iter()
        .map(|k| k["wif"].as_str().unwrap())
        .collect();
    let mut p = psbt(&s2["input_psbt"]);
    sign_with_wifs(&mut p, &wifs);
    let bip = psbt(&s2["expected_psbt"]);
    let ours_sigs: Vec<_> = p
        .inputs
        .iter()
        .flat_map(|i| i.partial_sigs.iter())
        .collect();
    let bip_sigs: Vec<_> = bip
        .inputs
        .iter()
        .flat_map(|i| i.partial_sigs.iter())
        .collect();
    assert_eq!(ours_sigs.len(), bip_sigs.len());
    let differing: Vec<_> = ours_sigs
        .iter()
        .zip(&bip_sigs)
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(differing.len(), 1, "exactly the high-R signature differs");
    assert!(
        differing[0].1 .1.to_vec().len() > differing[0].0 .1.to_vec().len(),
        "ours is the shorter, low-R one"
    );
    // Combiner.
    let comb = step("combiner");
    let mut combined = psbt(&list(&comb["input_psbts"])[0]);
    for other in &list(&comb["input_psbts"])[1..] {
        combined.combine(psbt(other)).unwrap();
    }
    assert_eq!(combined, psbt(&comb["psbt"]));
    // Finalizer: the same final scripts as the BIP.
    let fin = step("finalizer");
    let mut p = psbt(&fin["input_psbt"]);
    assert!(finalize::finalize(&mut p).iter().all(|f| f.finalized));
    let expected = psbt(&fin["psbt"]);
    for (ours, theirs) in p.inputs.iter().zip(&expected.inputs) {
        assert_eq!(ours.final_script_sig, theirs.final_script_sig);
        assert_eq!(ours.final_script_witness, theirs.final_script_witness);
    }
    // Extractor.
    let ext = step("extractor");
    let tx = finalize::extract(&psbt(&ext["input_psbt"])).unwrap();
    assert_eq!(
        bitcoin::consensus::encode::serialize_hex(&tx),
        ext["tx_hex"].as_str().unwrap()
    );
    // The BIP's combiner example with unknown keys.
    let unknown = &fixture("bip174.json")["combiner_unknown_keys"];
    let inputs: Vec<Psbt> = list(&unknown["input_psbts"]).iter().map(psbt).collect();
    assert_eq!(inputs.len(), 2);
    let mut merged = inputs[0].clone();
    merged.combine(inputs[1].clone()).unwrap();
    assert_eq!(merged, psbt(&unknown["expected_psbt"]));
}

#[test]
fn bip174_signer_checks_refuse_mismatched_scripts() {
    let f = fixture("bip174.json");
    let wifs: Vec<&str> = list(&f["roles"]["keys"])
        .iter()
        .filter_map(|k| k["wif"].as_str())
        .collect();
    assert_eq!(list(&f["signer_checks_fail"]).len(), 4);
    for case in list(&f["signer_checks_fail"]) {
        let mut p = psbt(&case["psbt"]);
        let results = sign_with_wifs(&mut p, &wifs);
        let refusal = results
            .iter()
            .find_map(|r| r.as_ref().err())
            .unwrap_or_else(|| panic!("signed despite: {}", case["reason"]));
        assert!(
            refusal.contains("does not hash to the spent output")
                || refusal.contains("needs the previous transaction"),
            "{}: refused for another reason: {refusal}",
            case["reason"]
        );
    }
}

/// A BIP371 signing vector's unsigned PSBT, its signing key and that key's leaves.
fn signing_vector(v: &Value) -> (Psbt, SecretKey, Vec<bitcoin::taproot::TapLeafHash>) {
    let p = psbt(&v["derived"]["unsigned_psbt"]);
    let path = v["signing_key_path"]
        .as_str()
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    let hex = list(&v["keys"]).iter().find(|k| k["path"] == path).unwrap()["privkey_hex"]
        .as_str()
        .unwrap();
    let secret = SecretKey::from_slice(&Vec::from_hex(hex).unwrap()).unwrap();
    let xonly = XOnlyPublicKey::from(secret.public_key(&Secp256k1::new()));
    let leaves = p.inputs[0]
        .tap_key_origins
        .get(&xonly)
        .map(|(l, _)| l.clone())
        .unwrap_or_default();
    (p, secret, leaves)
}

/// Signs input 0 of `p` with `key` (zero auxiliary randomness).
fn sign_first_input(p: &mut Psbt, key: TaprootKey) -> Result<usize, String> {
    let prevouts = vec![p.inputs[0].witness_utxo.clone().unwrap()];
    let tx = p.unsigned_tx.clone();
    let mut cache = SighashCache::new(&tx);
    let zero = || [0u8; 32];
    sign_taproot_input(
        &Secp256k1::new(),
        &mut cache,
        0,
        &mut p.inputs[0],
        &prevouts,
        &[key],
        &zero,
    )
}

#[test]
fn bip371_taproot_signing_key_path_and_script_path() {
    let secp = Secp256k1::new();
    for v in list(&fixture("bip371.json")["signing"]) {
        let (mut p, secret, leaves) = signing_vector(v);
        let public = secret.public_key(&secp);
        let prevouts = vec![p.inputs[0].witness_utxo.clone().unwrap()];
        let n = sign_first_input(&mut p, TaprootKey::new(public, leaves, &secret)).unwrap();
        assert_eq!(n, 1);
        let input = &p.inputs[0];
        let signature = match v["spend"].as_str().unwrap() {
            "key_path" => input.tap_key_sig.unwrap().signature,
            _ => input.tap_script_sigs.values().next().unwrap().signature,
        };
        let expected = v["expected"]
            .get("tap_key_sig")
            .or(v["expected"].get("tap_script_sig_signature"))
            .unwrap()
            .as_str()
            .unwrap();
        assert_eq!(
            signature.as_ref().to_lower_hex_string(),
            expected[..128],
            "{}",
            v["name"]
        );
        // The finalized transaction is the vector's, and Core's interpreter accepts it.
        assert!(finalize::finalize(&mut p).iter().all(|f| f.finalized));
        let tx = finalize::extract(&p).unwrap();
        assert_eq!(
            bitcoin::consensus::encode::serialize_hex(&tx),
            v["expected"]["tx_hex"].as_str().unwrap()
        );
        finalize::verify(&tx, &prevouts).unwrap();
    }
}

#[test]
fn bip371_key_path_signing_refuses_a_key_that_does_not_tweak_to_the_spent_output() {
    let secp = Secp256k1::new();
    let signing = fixture("bip371.json")["signing"].clone();
    let v = list(&signing)
        .iter()
        .find(|v| v["spend"] == "key_path")
        .unwrap();
    let (p, secret, leaves) = signing_vector(v);
    let public = secret.public_key(&secp);
    // The wrong parity: the secret would be tweaked without its negation (or with it).
    let mut wrong = TaprootKey::new(public, leaves.clone(), &secret);
    wrong.parity = match wrong.parity {
        Parity::Even => Parity::Odd,
        Parity::Odd => Parity::Even,
    };
    // A merkle root the spent output was not made with.
    let mut rerooted = p.clone();
    rerooted.inputs[0].tap_merkle_root =
        Some(bitcoin::taproot::TapNodeHash::assume_hidden([7; 32]));
    for (mut p, key) in [
        (p.clone(), wrong),
        (rerooted, TaprootKey::new(public, leaves, &secret)),
    ] {
        let refusal = sign_first_input(&mut p, key).unwrap_err();
        assert!(refusal.contains("not the key of the output"), "{refusal}");
        assert!(p.inputs[0].tap_key_sig.is_none());
    }
}

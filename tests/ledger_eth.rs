//! The Ledger Ethereum app against transcripts from `@ledgerhq/hw-app-eth`'s tests
//! (fixtures/ledger/eth.json), replayed byte for byte by a FAKE transport. The recorded
//! signatures must recover to the signing address, and the software key (speculos seed)
//! must reproduce them with RFC 6979.
//!
//! Opt-in: `COLDSIGN_SPECULOS=host:port` (Ethereum app, speculos seed) runs
//! `speculos_address_matches_our_derivation`.

mod common;

use std::str::FromStr;

use alloy_primitives::keccak256;
use bitcoin::bip32::DerivationPath;
use bitcoin::secp256k1::ecdsa::{RecoverableSignature, RecoveryId};
use bitcoin::secp256k1::{Message, Secp256k1};
use coldsign::hw::ledger_eth::LedgerEth;
use coldsign::hw::{DeviceError, EthSig};
use coldsign::keys::ethereum::address_of;
use common::ledger::{replay, text, SPECULOS_SEED};

fn cases() -> Vec<serde_json::Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/ledger/eth.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn hex(s: &str) -> Vec<u8> {
    data_encoding::HEXLOWER_PERMISSIVE
        .decode(s.trim_start_matches("0x").as_bytes())
        .unwrap()
}

fn b32(s: &str) -> [u8; 32] {
    hex(s).try_into().unwrap()
}

fn path(case: &serde_json::Value) -> DerivationPath {
    DerivationPath::from_str(&text(case, "path")).unwrap()
}

/// Runs the case's request against `eth`.
fn sign(eth: &mut LedgerEth, case: &serde_json::Value) -> Result<EthSig, DeviceError> {
    let p = path(case);
    match case["kind"].as_str().unwrap() {
        "tx" => eth.eth_sign_transaction(&p, &hex(&text(case, "tx"))),
        "personal" => eth.eth_sign_personal(&p, &hex(&text(case, "message"))),
        "eip712_hashed" => eth.eth_sign_typed_hashed(
            &p,
            b32(&text(case, "domain_separator")),
            b32(&text(case, "message_hash")),
        ),
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn address_replays_and_matches_the_public_key() {
    let case = cases()
        .into_iter()
        .find(|c| c["kind"] == "address")
        .unwrap();
    let mut t = replay(&case);
    let address = LedgerEth::new(&mut t)
        .eth_address(&path(&case), false)
        .unwrap();
    assert_eq!(address.to_vec(), hex(&text(&case, "address")));
    assert!(t.finished());
}

#[test]
fn signing_requests_replay_byte_exact() {
    for case in cases().iter().filter(|c| c["kind"] != "address") {
        let mut t = replay(case);
        let sig = sign(&mut LedgerEth::new(&mut t), case)
            .unwrap_or_else(|e| panic!("{}: {e}", text(case, "name")));
        assert!(t.finished(), "{}: all chunks sent", text(case, "name"));
        assert_eq!(sig.v, case["v"].as_u64().unwrap(), "{}", text(case, "name"));
        assert_eq!(sig.r, b32(&text(case, "r")));
        assert_eq!(sig.s, b32(&text(case, "s")));
    }
}

#[test]
fn a_changed_transaction_fails_the_replay() {
    for case in cases().iter().filter(|c| c["kind"] == "tx") {
        // Change one byte of the destination address (after its 0x94 RLP prefix).
        let mut tx = hex(&text(case, "tx"));
        let to = tx.iter().position(|b| *b == 0x94).unwrap() + 5;
        tx[to] ^= 1;
        let mut t = replay(case);
        let err = LedgerEth::new(&mut t)
            .eth_sign_transaction(&path(case), &tx)
            .unwrap_err();
        assert!(matches!(err, DeviceError::ReplayMismatch { .. }), "{err}");
    }
}

/// Every valid recorded signature recovers to the address the device derives for its path;
/// for the speculos seed, the software key reproduces r and s exactly (RFC 6979).
#[test]
fn recorded_signatures_verify_and_the_software_key_reproduces_them() {
    let hd = common::btc::hd(SPECULOS_SEED);
    let abandon = common::btc::hd(common::ABANDON);
    let standard = DerivationPath::from_str("m/44'/60'/0'/0/0").unwrap();
    let secp = Secp256k1::new();
    let mut reproduced = 0;
    for case in cases()
        .iter()
        .filter(|c| c["kind"] == "tx" && c["note"].is_null())
    {
        let msg = Message::from_digest(keccak256(hex(&text(case, "tx"))).0);
        let mut compact = b32(&text(case, "r")).to_vec();
        compact.extend(b32(&text(case, "s")));
        let recovered: Vec<[u8; 20]> = [0, 1]
            .into_iter()
            .filter_map(|id| {
                let sig =
                    RecoverableSignature::from_compact(&compact, RecoveryId::from_i32(id).unwrap())
                        .ok()?;
                let pk = secp.recover_ecdsa(&msg, &sig).ok()?;
                Some(address_of(&pk).0 .0)
            })
            .collect();
        // The recordings come from devices seeded with public test mnemonics (speculos,
        // "abandon … about"), or from the device of the older recordings, whose address is
        // in the getAddress transcript.
        let older = hex("0xCbA98362e199c41E1864D0923AF9646d3A648451");
        let candidates: Vec<_> = [&hd, &abandon]
            .into_iter()
            .flat_map(|h| [path(case), standard.clone()].map(|p| h.private_key(&p)))
            .collect();
        let signer = candidates
            .iter()
            .find(|k| recovered.contains(&address_of(&k.expose_secret().public_key(&secp)).0 .0));
        assert!(
            signer.is_some() || recovered.iter().any(|a| a.to_vec() == older),
            "{}: signature recovers to a known signer, not {recovered:02x?}",
            text(case, "name")
        );
        if let Some(key) = signer {
            let sig = secp
                .sign_ecdsa(&msg, key.expose_secret())
                .serialize_compact();
            assert_eq!(sig.to_vec(), compact, "{}", text(case, "name"));
            reproduced += 1;
        }
    }
    assert!(
        reproduced >= 3,
        "the speculos-seed signatures are reproduced"
    );
}

#[test]
fn a_rejection_on_the_device_is_declined_and_a_dashboard_is_the_wrong_app() {
    let p = DerivationPath::from_str("m/44'/60'/0'/0/0").unwrap();
    let request = "e002000015058000002c8000003c800000000000000000000000";
    for (sw, code) in [("6985", 1), ("6e00", 3), ("5515", 3), ("6d00", 3)] {
        let mut t =
            coldsign::hw::replay::FakeReplayTransport::from_text(&format!("=> {request}\n<= {sw}"))
                .unwrap();
        let err = LedgerEth::new(&mut t).eth_address(&p, false).unwrap_err();
        assert_eq!(coldsign::Error::from(err).exit_code() as i32, code, "{sw}");
    }
}

#[test]
fn speculos_address_matches_our_derivation() {
    let Some(mut t) = common::ledger::speculos() else {
        return;
    };
    let p = DerivationPath::from_str("m/44'/60'/0'/0/0").unwrap();
    let address = LedgerEth::new(&mut *t).eth_address(&p, false).unwrap();
    let secp = Secp256k1::new();
    let key = common::btc::hd(SPECULOS_SEED).private_key(&p);
    assert_eq!(
        address,
        address_of(&key.expose_secret().public_key(&secp)).0 .0
    );
}

/// The device half of `eth sign --device ledger` on the recorded typed transactions (signed
/// by a Speculos device with the speculos seed): the request is the recorded unsigned bytes,
/// the replay checks every byte coldsign sends, the signature must recover to the seed's
/// address at the path, and the raw transaction coldsign would write recovers to it too.
/// Against any other address the signature is refused with the verification exit code.
#[test]
fn device_signatures_become_raw_transactions_of_the_device_address() {
    use alloy_eips::eip2718::Decodable2718;
    use coldsign::ceremony::check_recovers;
    use coldsign::eth::tx::UnsignedTx;
    use coldsign::eth::EthPayload;
    use coldsign::hw::eth_signer::ledger_sign;

    let hd = common::btc::hd(SPECULOS_SEED);
    let secp = Secp256k1::new();
    let mut checked = 0;
    for name in [
        "signTransaction supports EIP1559",
        "signTransaction supports EIP2930",
    ] {
        let case = cases().into_iter().find(|c| c["name"] == name).unwrap();
        let tx = UnsignedTx::decode(&hex(&text(&case, "tx"))).unwrap();
        let hash = tx.signature_hash();
        let device = alloy_primitives::Address::from(
            address_of(
                &hd.private_key(&path(&case))
                    .expose_secret()
                    .public_key(&secp),
            )
            .0,
        );
        let mut t = replay(&case);
        let sig = ledger_sign(
            &mut LedgerEth::new(&mut t),
            &path(&case),
            &EthPayload::Transaction(tx.clone()),
            true,
        )
        .unwrap();
        assert!(t.finished());
        check_recovers(&sig, hash, device).unwrap();
        let other = alloy_primitives::Address::repeat_byte(0x11);
        let err = check_recovers(&sig, hash, other).unwrap_err();
        assert_eq!(err.exit_code() as i32, 4, "{name}");

        let raw = tx.into_raw_signed(sig);
        let signed = alloy_consensus::TxEnvelope::decode_2718(&mut raw.as_slice()).unwrap();
        assert_eq!(signed.signature_hash(), hash);
        assert_eq!(
            coldsign::eth::sign::recover(signed.signature_hash(), signed.signature()),
            Some(device),
            "{name}"
        );
        checked += 1;
    }
    assert_eq!(checked, 2);
}

/// The legacy parity for a chain id above 109 follows hw-app-eth's getParity: the recorded
/// one-byte `v` of the five-byte chain id case (0x84) is parity 1 for the id's first four
/// bytes; that signature then recovers (over the recorded bytes, which are not canonical RLP
/// and so never a coldsign request) to the "abandon … about" seed's address.
#[test]
fn legacy_parity_of_a_truncated_v_matches_the_recording() {
    use coldsign::hw::eth_signer::ledger_legacy_parity;
    let case = cases()
        .into_iter()
        .find(|c| c["name"] == "signTransaction5BytesChainID")
        .unwrap();
    let v = case["v"].as_u64().unwrap();
    assert!(ledger_legacy_parity(v, 0x0002_a15c_308d).unwrap());
    let sig = alloy_primitives::Signature::new(
        alloy_primitives::U256::from_be_bytes(b32(&text(&case, "r"))),
        alloy_primitives::U256::from_be_bytes(b32(&text(&case, "s"))),
        true,
    );
    let abandon = common::btc::hd(common::ABANDON);
    let secp = Secp256k1::new();
    let key = abandon.private_key(&DerivationPath::from_str("m/44'/60'/0'/0/0").unwrap());
    assert_eq!(
        coldsign::eth::sign::recover(keccak256(hex(&text(&case, "tx"))), &sig).map(|a| a.0 .0),
        Some(address_of(&key.expose_secret().public_key(&secp)).0 .0)
    );
}

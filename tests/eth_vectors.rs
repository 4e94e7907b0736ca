//! Ethereum vectors through the whole signer: the Trezor firmware's EIP-1559 signing fixtures
//! ("all all …" seed) reproduced by `coldsign eth sign` byte for byte, and the EIP-4527
//! reference requests and signature decoded and reviewed. (EIP-155's example and the EIP-712
//! Mail hash are unit tests in src/eth; cast cross-checks are in eth_anvil and eth_messages.)

mod common;

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{hex, Address, Bytes, TxKind, U256};
use coldsign::eth::{EthPayload, EthRequest};
use common::Sandbox;

fn fixture(name: &str) -> serde_json::Value {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn quantity(v: &serde_json::Value) -> u128 {
    match v {
        serde_json::Value::String(s) => {
            u128::from_str_radix(s.trim_start_matches("0x"), 16).unwrap()
        }
        other => other.as_u64().unwrap().into(),
    }
}

#[test]
fn trezor_firmware_eip1559_fixtures_are_reproduced_by_eth_sign() {
    let fx = fixture("trezor/eth_sign_tx_eip1559.json");
    let sb = Sandbox::new();
    sb.restore(fx["setup"]["mnemonic"].as_str().unwrap());
    for case in fx["tests"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let p = &case["parameters"];
        let tx = TxEip1559 {
            chain_id: p["chain_id"].as_u64().unwrap(),
            nonce: quantity(&p["nonce"]) as u64,
            gas_limit: quantity(&p["gas_limit"]) as u64,
            max_fee_per_gas: quantity(&p["max_gas_fee"]),
            max_priority_fee_per_gas: quantity(&p["max_priority_fee"]),
            to: TxKind::Call(
                p["to_address"]
                    .as_str()
                    .unwrap()
                    .parse::<Address>()
                    .unwrap(),
            ),
            value: U256::from(quantity(&p["value"])),
            access_list: Default::default(),
            input: Bytes::from(hex::decode(p["data"].as_str().unwrap()).unwrap()),
        };
        let file = format!("{name}.hex");
        std::fs::write(
            sb.path(&file),
            hex::encode_prefixed(tx.encoded_for_signing()),
        )
        .unwrap();
        let out = format!("{name}.signed");
        sb.run_keyed(
            &[
                "eth",
                "sign",
                &file,
                "-o",
                &out,
                "--yes",
                "--path",
                p["path"].as_str().unwrap(),
                "--allow",
                "eth.calldata.blind",
                "--allow",
                "eth.fee.high",
            ],
            "",
        )
        .ok();
        let raw = hex::decode(std::fs::read_to_string(sb.path(&out)).unwrap().trim()).unwrap();
        let TxEnvelope::Eip1559(signed) = TxEnvelope::decode_2718(&mut raw.as_slice()).unwrap()
        else {
            panic!("{name}: not an EIP-1559 transaction");
        };
        assert_eq!(signed.tx(), &tx, "{name}: fields");
        let sig = signed.signature();
        let r = case["result"]["sig_r"].as_str().unwrap();
        let s = case["result"]["sig_s"].as_str().unwrap();
        assert_eq!(hex::encode(sig.r().to_be_bytes::<32>()), r, "{name}: r");
        assert_eq!(hex::encode(sig.s().to_be_bytes::<32>()), s, "{name}: s");
        assert_eq!(
            u64::from(sig.v()),
            case["result"]["sig_v"].as_u64().unwrap(),
            "{name}: v"
        );
    }
}

#[test]
fn eip4527_reference_requests_decode_and_their_chain_mismatch_is_flagged() {
    let fx = fixture("eip-4527.json");
    for case in fx["eth_sign_request"].as_array().unwrap() {
        let request = EthRequest::decode(case["ur"].as_str().unwrap().as_bytes()).unwrap();
        assert_eq!(request.chain_id, Some(1));
        assert_eq!(
            request
                .key
                .path
                .as_ref()
                .unwrap()
                .to_string()
                .trim_start_matches("m/"),
            case["derivation_path"]
                .as_str()
                .unwrap()
                .trim_start_matches("m/")
        );
        let EthPayload::Transaction(tx) = &request.payload else {
            panic!("data type 1 is a legacy transaction");
        };
        assert_eq!(
            hex::encode(tx.encoded_for_signing()),
            case["sign_data"].as_str().unwrap()
        );
        // The reference request's RLP carries EIP-155 chain id 0 while the request says 1:
        // a signer must not sign bytes bound to another chain than the one it shows.
        let from = Address::repeat_byte(0x11);
        let review = coldsign::review::ethereum::review(
            &request,
            from,
            None,
            &coldsign::eth::flows::Known::builtin(),
        );
        let codes: Vec<_> = review.warnings.iter().map(|w| w.code).collect();
        assert!(codes.contains(&"eth.chain.mismatch"), "{codes:?}");
        assert!(codes.contains(&"eth.calldata.blind"), "{codes:?}");
    }
    for case in fx["eth_signature"].as_array().unwrap() {
        let ur = case["ur"].as_str().unwrap();
        let text = ur.as_bytes();
        let Some(coldsign::transport::collect::Received::Ur { ur_type, cbor }) =
            coldsign::transport::collect::receive(text).unwrap()
        else {
            panic!("not a UR");
        };
        let coldsign::transport::registry::Payload::EthSignature(sig) =
            coldsign::transport::registry::Payload::from_ur(&ur_type, &cbor).unwrap()
        else {
            panic!("not an eth-signature");
        };
        assert_eq!(
            hex::encode(&sig.signature),
            case["signature"].as_str().unwrap()
        );
    }
}

/// Decodes a calldata fixture (made by cast) as a call to `to`, returning the call and codes.
fn decode_fixture(name: &str, to: Address) -> (coldsign::eth::calldata::Call, Vec<&'static str>) {
    use coldsign::eth::calldata::{Decoder, Operation, RawCall};
    let path = format!(
        "{}/fixtures/eth-calldata/{name}.hex",
        env!("CARGO_MANIFEST_DIR")
    );
    let data = hex::decode(std::fs::read_to_string(path).unwrap().trim()).unwrap();
    let mut decoder = Decoder::new(1, coldsign::eth::flows::Known::builtin(), Address::ZERO);
    let call = decoder.decode(
        "call",
        RawCall {
            to: Some(to),
            value: U256::ZERO,
            operation: Operation::Call,
            data: &data,
        },
    );
    (call, decoder.warnings.iter().map(|w| w.code).collect())
}

#[test]
fn calldata_made_by_cast_decodes_with_the_expected_findings() {
    let usdc: Address = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
        .parse()
        .unwrap();
    let safe = Address::repeat_byte(0x5a);
    let (call, codes) = decode_fixture("erc20-transfer", usdc);
    assert_eq!(
        call.function.as_deref(),
        Some("transfer(address to, uint256 amount)")
    );
    assert_eq!(call.args[1].value, "1 USDC (1000000 raw)");
    assert!(codes.is_empty(), "{codes:?}");
    let (_, codes) = decode_fixture("erc20-approve-unlimited", usdc);
    assert_eq!(
        codes,
        ["eth.erc20.unlimited-approval", "eth.erc20.unknown-spender"]
    );
    let (call, codes) = decode_fixture("safe-exec-erc20", safe);
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(
        call.nested[0].function.as_deref(),
        Some("transfer(address to, uint256 amount)")
    );
    let (call, codes) = decode_fixture("safe-exec-multisend", safe);
    let batch = &call.nested[0];
    assert_eq!(batch.place, "call → Safe call");
    assert_eq!(batch.nested.len(), 2);
    assert_eq!(batch.nested[1].place, "call → Safe call → MultiSend #2");
    assert!(
        codes.contains(&"eth.safe.delegatecall-multisend"),
        "{codes:?}"
    );
    assert!(
        codes.contains(&"eth.safe.delegatecall"),
        "the nested DELEGATECALL to USDC: {codes:?}"
    );
    let (_, codes) = decode_fixture("safe-swap-owner", safe);
    assert_eq!(codes, ["eth.safe.admin"]);
}

#[test]
fn permit2_typed_data_is_flagged() {
    let json = std::fs::read(format!(
        "{}/fixtures/eip712-permit2.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let request = EthRequest::decode(&json).unwrap();
    let review = coldsign::review::ethereum::review(
        &request,
        Address::repeat_byte(0x11),
        None,
        &coldsign::eth::flows::Known::builtin(),
    );
    let codes: Vec<_> = review.warnings.iter().map(|w| w.code).collect();
    assert!(codes.contains(&"eth.permit"), "{codes:?}");
    assert!(codes.contains(&"eth.erc20.unlimited-approval"), "{codes:?}");
}

/// The review's codes for an unsigned transaction.
fn tx_codes(unsigned: &[u8]) -> Vec<&'static str> {
    let request = EthRequest::decode(hex::encode_prefixed(unsigned).as_bytes()).unwrap();
    let review = coldsign::review::ethereum::review(
        &request,
        Address::repeat_byte(0x11),
        None,
        &coldsign::eth::flows::Known::builtin(),
    );
    review.warnings.iter().map(|w| w.code).collect()
}

#[test]
fn eip7702_authorizations_contract_creation_and_huge_fees_are_flagged() {
    use alloy_consensus::TxEip7702;
    use alloy_eips::eip7702::{Authorization, SignedAuthorization};
    let delegate = Address::repeat_byte(0xde);
    let auth = Authorization {
        chain_id: U256::ZERO,
        address: delegate,
        nonce: 0,
    };
    let tx = TxEip7702 {
        chain_id: 1,
        nonce: 0,
        gas_limit: 60_000,
        max_fee_per_gas: 2_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
        to: Address::repeat_byte(0x11),
        value: U256::ZERO,
        access_list: Default::default(),
        authorization_list: vec![SignedAuthorization::new_unchecked(
            auth,
            0,
            U256::from(1u8),
            U256::from(1u8),
        )],
        input: Bytes::new(),
    };
    assert!(tx_codes(&tx.encoded_for_signing()).contains(&"eth.eip7702.authorization"));
    let create = TxEip1559 {
        chain_id: 1,
        nonce: 0,
        gas_limit: 100_000,
        max_fee_per_gas: 2_000_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
        to: TxKind::Create,
        value: U256::ZERO,
        access_list: Default::default(),
        input: Bytes::from(vec![0x60, 0x00]),
    };
    let codes = tx_codes(&create.encoded_for_signing());
    assert!(codes.contains(&"eth.contract.create"), "{codes:?}");
    assert!(codes.contains(&"eth.fee.high"), "{codes:?}");
}

//! What the opt-in emulator suites (tests/emulator_trezor.rs, tests/emulator_ledger.rs)
//! share: spends of real regtest coins to a device's keys, run through the real CLI, and
//! Bitcoin Core's verdict on the result.

use std::process::Command;
use std::str::FromStr;

use bitcoin::consensus::encode::deserialize;
use bitcoin::{Amount, Block, Transaction};
use coldsign::btc::builder::SpendBuilder;
use miniscript::descriptor::{DefiniteDescriptorKey, Descriptor, DescriptorPublicKey};
use serde_json::json;

use super::bitcoind::{Bitcoind, THROWAWAY_ADDRESS};
use super::{btc, Outcome, Sandbox};

/// A coinbase of 50 BTC paying `descriptor`, mined on `node` (mature once 100 more blocks
/// are mined).
pub fn coinbase_to(node: &Bitcoind, descriptor: &Descriptor<DefiniteDescriptorKey>) -> Transaction {
    let address = descriptor.address(bitcoin::Network::Regtest).unwrap();
    let hash = node.mine_to(&address.to_string(), 1).remove(0);
    let hex = node.rpc("getblock", &[json!(hash), json!(0)]);
    let bytes = data_encoding::HEXLOWER
        .decode(hex.as_str().unwrap().as_bytes())
        .unwrap();
    let block: Block = deserialize(&bytes).unwrap();
    block.txdata[0].clone()
}

/// A spend of one mature regtest coin of `wallet` (receive index 0): 1 BTC to an outside
/// address, the rest less a 10,000-sat fee to change (index 0 of the change branch).
pub fn regtest_spend(
    node: &Bitcoind,
    wallet: &Descriptor<DescriptorPublicKey>,
) -> bitcoin::psbt::Psbt {
    let receive = btc::at(wallet, 0, 0);
    let coin = coinbase_to(node, &receive);
    node.mature();
    let value = coin.output[0].value;
    let outside = bitcoin::Address::from_str(THROWAWAY_ADDRESS)
        .unwrap()
        .assume_checked()
        .script_pubkey();
    SpendBuilder::new()
        .spend(coin, 0, &receive)
        .pay(outside, Amount::ONE_BTC)
        .pay_to_descriptor(
            &btc::at(wallet, 1, 0),
            value - Amount::ONE_BTC - Amount::from_sat(10_000),
        )
        .build()
}

/// Finalizes `signed` with the CLI (Bitcoin Core's interpreter checks every input) and asks
/// `node` whether it would accept the transaction.
pub fn finalize_and_accept(sb: &Sandbox, node: &Bitcoind, signed: &str) {
    let out = sb
        .run(
            &[
                "--network",
                "regtest",
                "finalize",
                signed,
                "--extract",
                "-o",
                "final.hex",
            ],
            "",
        )
        .ok();
    let hex = std::fs::read_to_string(sb.path("final.hex")).unwrap_or_else(|_| {
        panic!("no final.hex: {}\n{}", out.stdout, out.stderr);
    });
    let verdict = node.rpc("testmempoolaccept", &[json!([hex.trim()])]);
    assert_eq!(verdict[0]["allowed"], json!(true), "{verdict}");
}

/// `coldsign ARGS` in `sb` with the emulator variables `env` set.
pub fn run_on(sb: &Sandbox, env: &[(&str, String)], args: &[&str]) -> Outcome {
    let mut cmd: Command = sb.command();
    for (name, value) in env {
        cmd.env(name, value);
    }
    sb.run_with(cmd, args, "")
}

/// A file of fixtures/.
fn fixture(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// The Ethereum account the emulator suites sign with.
pub const ETH_PATH: &str = "m/44'/60'/0'/0/0";

/// An unsigned EIP-1559 transaction on chain 1 from nonce `nonce` to `to` with `value` wei
/// and `input`, written as hex to `name`.
fn write_eip1559(
    sb: &Sandbox,
    name: &str,
    nonce: u64,
    to: alloy_primitives::Address,
    value: u64,
    input: Vec<u8>,
) -> coldsign::eth::tx::UnsignedTx {
    let tx = coldsign::eth::tx::UnsignedTx::Eip1559(alloy_consensus::TxEip1559 {
        chain_id: 1,
        nonce,
        gas_limit: 90_000,
        max_fee_per_gas: 30_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
        to: alloy_primitives::TxKind::Call(to),
        value: alloy_primitives::U256::from(value),
        access_list: Default::default(),
        input: input.into(),
    });
    let hex = data_encoding::HEXLOWER.encode(&tx.encoded_for_signing());
    std::fs::write(sb.path(name), format!("0x{hex}\n")).unwrap();
    tx
}

/// The signed raw transaction in `name` recovers to `from`.
fn assert_signed_by(sb: &Sandbox, name: &str, from: alloy_primitives::Address) {
    use alloy_eips::eip2718::Decodable2718;
    let text = std::fs::read_to_string(sb.path(name)).unwrap();
    let raw = data_encoding::HEXLOWER_PERMISSIVE
        .decode(text.trim().trim_start_matches("0x").as_bytes())
        .unwrap();
    let signed = alloy_consensus::TxEnvelope::decode_2718(&mut raw.as_slice()).unwrap();
    let recovered = coldsign::eth::sign::recover(signed.signature_hash(), signed.signature());
    assert_eq!(recovered, Some(from), "{name}");
}

/// `eth sign --device DEVICE` of an EIP-1559 payment, an ERC-20 transfer (USDC; flagged
/// `eth.device.blind-contract-call` and refused until accepted when `blind_calls`), a
/// personal message and EIP-712 typed data (accepting `typed_allow`), through `run` (the CLI
/// with the emulator's variables). Every signature must recover to `from` (coldsign refuses to write
/// one that does not; the raw transactions are recovered here again).
pub fn eth_flows(
    sb: &Sandbox,
    run: &dyn Fn(&Sandbox, &[&str]) -> Outcome,
    device: &str,
    from: alloy_primitives::Address,
    typed_allow: &[&str],
    blind_calls: bool,
) {
    let sign = |request: &str, out: &str, extra: &[&str]| {
        let mut args = vec![
            "eth", "sign", request, "-o", out, "--path", ETH_PATH, "--device", device, "--yes",
        ];
        args.extend_from_slice(extra);
        run(sb, &args).ok();
        assert!(sb.path(out).exists(), "{out}");
    };
    let vitalik = alloy_primitives::address!("d8dA6BF26964aF9D7eEd9e03E53415D37aA96045");
    write_eip1559(
        sb,
        "pay.hex",
        0,
        vitalik,
        10_000_000_000_000_000,
        Vec::new(),
    );
    sign("pay.hex", "pay.signed", &[]);
    assert_signed_by(sb, "pay.signed", from);

    let usdc = alloy_primitives::address!("A0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
    let transfer = std::fs::read_to_string(fixture("eth-calldata/erc20-transfer.hex")).unwrap();
    let transfer = data_encoding::HEXLOWER
        .decode(transfer.trim().trim_start_matches("0x").as_bytes())
        .unwrap();
    write_eip1559(sb, "erc20.hex", 1, usdc, 0, transfer);
    if blind_calls {
        // The device would sign the call blind: flagged, and refused unless accepted.
        let args = [
            "eth",
            "sign",
            "erc20.hex",
            "-o",
            "erc20.signed",
            "--path",
            ETH_PATH,
            "--device",
            device,
            "--yes",
        ];
        let refused = run(sb, &args).fails_after_review(1);
        assert!(
            refused.stderr.contains("eth.device.blind-contract-call"),
            "{}",
            refused.stderr
        );
        sign(
            "erc20.hex",
            "erc20.signed",
            &["--allow", "eth.device.blind-contract-call"],
        );
    } else {
        sign("erc20.hex", "erc20.signed", &[]);
    }
    assert_signed_by(sb, "erc20.signed", from);

    let account = from.to_checksum(None);
    let message = [
        "eth",
        "message",
        "--text",
        "coldsign on a device",
        "--from",
        &account,
        "--path",
        ETH_PATH,
        "-o",
        "message.txt",
    ];
    run(sb, &message).ok();
    sign("message.txt", "message.sig", &[]);

    let mail = fixture("eip712-mail.json");
    let typed = [
        "eth",
        "message",
        "--typed-data",
        mail.to_str().unwrap(),
        "--from",
        &account,
        "--path",
        ETH_PATH,
        "-o",
        "typed.txt",
    ];
    run(sb, &typed).ok();
    let mut allow = Vec::new();
    for code in typed_allow {
        allow.extend(["--allow", *code]);
    }
    sign("typed.txt", "typed.sig", &allow);
}

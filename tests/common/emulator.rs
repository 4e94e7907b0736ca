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

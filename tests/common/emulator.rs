//! What the opt-in emulator suites (tests/emulator_trezor.rs, tests/emulator_ledger.rs)
//! share: spends of real regtest coins to a device's keys, run through the real CLI, and
//! Bitcoin Core's verdict on the result.

use std::process::Command;
use std::str::FromStr;

use bitcoin::bip32::DerivationPath;
use bitcoin::consensus::encode::deserialize;
use bitcoin::{Amount, Block, NetworkKind, Transaction};
use coldsign::btc::builder::SpendBuilder;
use coldsign::btc::wallets::{registry_dir, Wallet};
use coldsign::files::Replace;
use coldsign::keys::material::HdKeys;
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
pub fn write_eip1559(
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

/// The CLI on an emulator: `coldsign --network regtest ARGS` with its variables.
pub type Run<'a> = &'a dyn Fn(&Sandbox, &[&str]) -> Outcome;

/// The single-sig kinds: purpose and descriptor template.
pub const SINGLE_SIG: [(u32, &str); 4] = [
    (44, "pkh({0})"),
    (49, "sh(wpkh({0}))"),
    (84, "wpkh({0})"),
    (86, "tr({0})"),
];

/// The first line `coldsign` printed, as the script of an address (the Ledger's Bitcoin Test
/// app shows testnet encodings on regtest).
fn shown_script(out: &Outcome) -> bitcoin::ScriptBuf {
    let line = out.stdout.lines().next().unwrap_or_default();
    bitcoin::Address::from_str(line)
        .unwrap_or_else(|e| panic!("{line:?}: {e}"))
        .assume_checked()
        .script_pubkey()
}

/// Every single-sig account's xpub from `device xpub`, and an address of each shown on the
/// device (`device address --show`), equal coldsign's own derivation from `hd`.
pub fn xpubs_and_shown_addresses(run: Run, device: &str, hd: &HdKeys) {
    let sb = Sandbox::new();
    for (purpose, template) in SINGLE_SIG {
        let account = format!("m/{purpose}'/1'/0'");
        let path = DerivationPath::from_str(&account).unwrap();
        let xpub = ["device", "xpub", "--device", device, "--path", &account];
        let out = run(&sb, &xpub).ok();
        let expected = hd.xpub(&path, NetworkKind::Test).to_string();
        assert_eq!(out.stdout.lines().next(), Some(expected.as_str()));

        let wallet = btc::standard(hd, template, &account);
        let ours = btc::at(&wallet, 0, 3).script_pubkey();
        let address = format!("{account}/0/3");
        let show = [
            "device", "address", "--device", device, "--path", &address, "--show",
        ];
        assert_eq!(shown_script(&run(&sb, &show).ok()), ours, "{template}");
    }
}

/// `sign spend.psbt -o signed.psbt --device DEVICE --yes` (plus `extra`) in `sb`.
pub fn sign_spend(run: Run, sb: &Sandbox, device: &str) -> Outcome {
    let args = [
        "sign",
        "spend.psbt",
        "-o",
        "signed.psbt",
        "--device",
        device,
        "--yes",
    ];
    run(sb, &args)
}

/// Spends of real regtest coins of `hd` of each of `kinds` (from [`SINGLE_SIG`]), signed on
/// the device through `sign --device` without a keystore (the device's xpubs prove the
/// change), finalized by the CLI and accepted by Bitcoin Core.
pub fn single_sig_spends(
    run: Run,
    device: &str,
    hd: &HdKeys,
    node: &Bitcoind,
    kinds: &[(u32, &str)],
) {
    for (purpose, template) in kinds {
        let sb = Sandbox::new();
        let wallet = btc::standard(hd, template, &format!("m/{purpose}'/1'/0'"));
        sb.write_psbt("spend.psbt", &regtest_spend(node, &wallet));
        let out = sign_spend(run, &sb, device).ok();
        assert!(out.stderr.contains("change"), "{template}: {}", out.stderr);
        finalize_and_accept(&sb, node, "signed.psbt");
    }
}

/// A 2-of-3 sortedmulti (`template`) of the device's `seed`, "abandon" and "letter" at
/// `account`, registered beside the sandbox's (absent) keystore, where a device-only signer
/// looks for it; returns the descriptor.
pub fn register_multisig(
    sb: &Sandbox,
    seed: &str,
    template: &str,
    account: &str,
) -> Descriptor<DescriptorPublicKey> {
    let keys: Vec<String> = [seed, super::ABANDON, btc::LETTER]
        .iter()
        .map(|s| btc::key(&btc::hd(s), account))
        .collect();
    let wallet = btc::multipath(template, &keys);
    Wallet::parse(Some("vault"), &wallet.to_string())
        .unwrap()
        .save(&registry_dir(&keystore_of(sb)), Replace::Never)
        .unwrap();
    wallet
}

fn keystore_of(sb: &Sandbox) -> std::path::PathBuf {
    sb.path("data/coldsign/keystore.json")
}

/// With the multisig `wallet` registered as "vault": its address shown on the device equals
/// coldsign's; a spend of a regtest coin signed on the device (one signature), co-signed by
/// "abandon", is accepted by Bitcoin Core.
pub fn multisig_flow(
    run: Run,
    sb: &Sandbox,
    device: &str,
    wallet: &Descriptor<DescriptorPublicKey>,
    node: &Bitcoind,
) {
    let show = [
        "device", "address", "--device", device, "--wallet", "vault", "--index", "2", "--show",
    ];
    let ours = btc::at(wallet, 0, 2).script_pubkey();
    assert_eq!(shown_script(&run(sb, &show).ok()), ours);

    sb.write_psbt("spend.psbt", &regtest_spend(node, wallet));
    let out = sign_spend(run, sb, device).ok();
    assert!(out.stderr.contains("change"), "{}", out.stderr);
    let text = std::fs::read_to_string(sb.path("signed.psbt")).unwrap();
    let bytes = data_encoding::BASE64
        .decode(text.trim().as_bytes())
        .unwrap();
    let mut psbt = bitcoin::psbt::Psbt::deserialize(&bytes).unwrap();
    assert_eq!(psbt.inputs[0].partial_sigs.len(), 1);
    let wallets = Wallet::load_all(&registry_dir(&keystore_of(sb))).unwrap();
    btc::sign_with(&mut psbt, &btc::hd(super::ABANDON), wallets);
    assert_eq!(psbt.inputs[0].partial_sigs.len(), 2);
    sb.write_psbt("cosigned.psbt", &psbt);
    finalize_and_accept(sb, node, "cosigned.psbt");
}

/// Rejected on the device (`run` declines): exit code 1 and no output file.
pub fn rejection(run: Run, device: &str, hd: &HdKeys) {
    let sb = Sandbox::new();
    let wallet = btc::standard(hd, "wpkh({0})", "m/84'/1'/0'");
    let psbt = SpendBuilder::new()
        .fund(&btc::at(&wallet, 0, 0), Amount::from_sat(1_000_000))
        .pay(btc::outside(), Amount::from_sat(500_000))
        .pay_to_descriptor(&btc::at(&wallet, 1, 0), Amount::from_sat(490_000))
        .build();
    sb.write_psbt("spend.psbt", &psbt);
    let out = sign_spend(run, &sb, device);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("declined"), "{}", out.stderr);
    assert!(!sb.path("signed.psbt").exists());
}

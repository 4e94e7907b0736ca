//! Ethereum end to end on a real anvil node: build online → EIP-4527 request (UR text or raw
//! hex) → signed by coldsign in a process without network → broadcast → mined. ERC-20 through
//! an OpenZeppelin token compiled by solc-js; a Safe 1.4.1 2-of-3 from the official artifacts;
//! every signed transaction byte-compared with `cast mktx` where cast can make it.

mod common;

use std::path::PathBuf;

use common::eth::{Anvil, ACCOUNT0};
use common::{Sandbox, ABANDON, LEGAL};

const BOB: &str = "0x000000000000000000000000000000000000b0b0";
const ETHER: u128 = 1_000_000_000_000_000_000;

fn signer() -> Sandbox {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    sb
}

fn read(sb: &Sandbox, name: &str) -> String {
    std::fs::read_to_string(sb.path(name)).unwrap()
}

/// Build → sign offline → broadcast, with the request and answer in `format` ("ur" or "raw").
/// UR requests go through the chain-agnostic `coldsign inspect` and `coldsign sign`; raw hex
/// through their `eth` aliases.
fn send(sb: &Sandbox, node: &Anvil, build: &[&str], format: &str, tag: &str) -> serde_json::Value {
    let req = format!("{tag}.req");
    let sig = format!("{tag}.sig");
    let mut args = vec![
        "eth", "build", "--rpc", &node.url, "--from", ACCOUNT0, "--format", format, "-o", &req,
    ];
    args.extend_from_slice(build);
    sb.run(&args, "").ok();
    let mut sign = vec!["eth", "sign", &req, "-o", &sig, "--yes"];
    if format == "ur" {
        let review = sb.run_offline(&["--json", "inspect", &req], "").ok().json();
        assert_eq!(review["kind"], "transaction", "{review}");
        sign = vec!["sign", &req, "-o", &sig, "--yes", "--ur"];
    }
    sb.run_offline(&sign, "").ok();
    let mut broadcast = vec!["--json", "eth", "broadcast", &sig, "--rpc", &node.url];
    if format == "ur" {
        broadcast.extend_from_slice(&["--request", &req]);
    }
    let mined = sb.run(&broadcast, "").ok().json();
    assert_eq!(mined["status"], 1, "{mined}");
    mined
}

#[test]
fn ether_transfers_cross_the_gap_as_ur_and_as_raw_hex_and_are_mined() {
    let Some(node) = Anvil::start() else { return };
    let sb = signer();
    let before = node.balance(ACCOUNT0);
    send(&sb, &node, &["--to", BOB, "--value", "1.5"], "ur", "a");
    assert!(read(&sb, "a.req").starts_with("ur:eth-sign-request/"));
    assert!(read(&sb, "a.sig").starts_with("ur:eth-signature/"));
    assert_eq!(node.balance(BOB), 3 * ETHER / 2);
    assert!(node.balance(ACCOUNT0) <= before - 3 * ETHER / 2);
    send(
        &sb,
        &node,
        &["--to", BOB, "--value", "0.25", "--type", "legacy"],
        "raw",
        "b",
    );
    send(
        &sb,
        &node,
        &["--to", BOB, "--value", "0.25", "--type", "2930"],
        "raw",
        "c",
    );
    assert!(read(&sb, "b.req").starts_with("0xf8") || read(&sb, "b.req").starts_with("0xe"));
    assert_eq!(node.balance(BOB), 2 * ETHER);
    assert!(!sb.transcript().contains("private"));
}

#[test]
fn signed_transactions_equal_cast_mktx() {
    let Some(node) = Anvil::start() else { return };
    let sb = signer();
    for (tx_type, cast_flags) in [("1559", vec![]), ("legacy", vec!["--legacy"])] {
        let fixed = [
            "--to",
            BOB,
            "--value",
            "0.001",
            "--nonce",
            "7",
            "--gas-limit",
            "30000",
            "--max-fee",
            "3",
            "--priority-fee",
            "2",
            "--type",
            tx_type,
        ];
        let mut args = vec![
            "eth", "build", "--rpc", &node.url, "--from", ACCOUNT0, "-o", "req",
        ];
        args.extend_from_slice(&fixed);
        sb.run(&args, "").ok();
        sb.run_offline(&["eth", "sign", "req", "-o", "tx", "--yes"], "")
            .ok();
        let ours = read(&sb, "tx").trim().to_string();
        let mut cast = vec![
            "mktx",
            BOB,
            "--value",
            "0.001ether",
            "--nonce",
            "7",
            "--gas-limit",
            "30000",
            "--gas-price",
            "3gwei",
            "--chain",
            "31337",
            "--mnemonic",
            ABANDON,
        ];
        if tx_type == "1559" {
            cast.extend_from_slice(&["--priority-gas-price", "2gwei"]);
        }
        cast.extend_from_slice(&cast_flags);
        assert_eq!(
            ours,
            node.cast(&cast),
            "{tx_type} transaction differs from cast mktx"
        );
        std::fs::remove_file(sb.path("req")).unwrap();
        std::fs::remove_file(sb.path("tx")).unwrap();
    }
}

fn erc20_bin() -> Option<String> {
    let path = std::env::var_os("COLDSIGN_TEST_ERC20_BIN").map(PathBuf::from);
    match path.and_then(|p| std::fs::read_to_string(p).ok()) {
        Some(bin) => Some(bin.trim().to_string()),
        None => {
            assert!(
                std::env::var_os("COLDSIGN_TEST_REQUIRE_TOOLS").is_none(),
                "the compiled test token is required (scripts/test compiles it)"
            );
            eprintln!("skipping: COLDSIGN_TEST_ERC20_BIN not set (scripts/test compiles it)");
            None
        }
    }
}

#[test]
fn erc20_transfer_through_coldsign_moves_the_tokens() {
    let Some(node) = Anvil::start() else { return };
    let Some(bin) = erc20_bin() else { return };
    let args = node.cast_local(&[
        "abi-encode",
        "constructor(address,uint256)",
        ACCOUNT0,
        "1000000000000000000000",
    ]);
    let token = node.deploy(&format!("0x{bin}{}", args.trim_start_matches("0x")));
    let sb = signer();
    let mined = send(
        &sb,
        &node,
        &["--to", BOB, "--token", &token, "--amount", "12.5"],
        "ur",
        "t",
    );
    assert_eq!(mined["status"], 1);
    let balance = node.cast(&["call", &token, "balanceOf(address)(uint256)", BOB]);
    assert!(balance.starts_with("12500000000000000000"), "{balance}");
    // The offline review decoded the call.
    assert!(sb
        .transcript()
        .contains("transfer(address to, uint256 amount)"));
}

fn artifact(name: &str) -> Option<String> {
    let dir = std::env::var_os("COLDSIGN_TEST_SAFE_ARTIFACTS").map(PathBuf::from);
    let Some(dir) = dir else {
        assert!(
            std::env::var_os("COLDSIGN_TEST_REQUIRE_TOOLS").is_none(),
            "the Safe artifacts are required (scripts/test installs them)"
        );
        eprintln!("skipping: COLDSIGN_TEST_SAFE_ARTIFACTS not set");
        return None;
    };
    let path = dir.join(format!("{name}.json"));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    Some(json["bytecode"].as_str().unwrap().to_string())
}

/// Deploys Safe 1.4.1 (singleton + proxy factory) and a proxy with `owners` and `threshold`.
fn deploy_safe(node: &Anvil, owners: &[&str], threshold: u32) -> Option<String> {
    let singleton = node.deploy(&artifact("Safe.sol/Safe")?);
    let factory = node.deploy(&artifact("proxies/SafeProxyFactory.sol/SafeProxyFactory")?);
    let zero = "0x0000000000000000000000000000000000000000";
    let setup = node.cast_local(&[
        "calldata",
        "setup(address[],uint256,address,bytes,address,address,uint256,address)",
        &format!("[{}]", owners.join(",")),
        &threshold.to_string(),
        zero,
        "0x",
        zero,
        zero,
        "0",
        zero,
    ]);
    let create = [
        "createProxyWithNonce(address,bytes,uint256)",
        &singleton,
        &setup,
        "0",
    ];
    let mut call = vec!["call", &factory];
    call.extend_from_slice(&create);
    let proxy = node.cast(&call);
    let proxy = proxy
        .trim_start_matches("0x000000000000000000000000")
        .to_string();
    let mut send = vec![factory.as_str()];
    send.extend_from_slice(&create);
    node.send(0, &send);
    Some(format!("0x{proxy}"))
}

fn eth_address(sb: &Sandbox) -> String {
    let export = sb
        .run_keyed(&["--json", "key", "export", "--watch-only"], "")
        .ok()
        .json();
    export["ethereum"][0]["address"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn safe_2_of_3_executes_with_two_offline_signatures_only() {
    let Some(node) = Anvil::start() else { return };
    let alice = signer();
    let bob = Sandbox::new();
    bob.restore(LEGAL);
    let (a, b) = (eth_address(&alice), eth_address(&bob));
    assert_eq!(a, ACCOUNT0);
    let carol = "0x00000000000000000000000000000000000c4201";
    let Some(safe) = deploy_safe(&node, &[&a, &b, carol], 2) else {
        return;
    };
    node.send(0, &["--value", "5ether", &safe]);
    let recipient = "0x000000000000000000000000000000000000d00d";

    // Each owner gets the same SafeTx (nonce 0) and signs it offline.
    let make = |sb: &Sandbox, owner: &str, file: &str, extra: &[&str]| -> serde_json::Value {
        let mut args = vec![
            "--json", "eth", "safe-tx", "--rpc", &node.url, "--safe", &safe, "--from", owner, "-o",
            file,
        ];
        args.extend_from_slice(extra);
        sb.run(&args, "").ok().json()
    };
    let transfer = ["--to", recipient, "--value", "1"];
    let review = make(&alice, &a, "safetx.ur", &transfer);
    let ours = review["review"]["safe"]["safe_tx_hash"]
        .as_str()
        .unwrap()
        .to_string();
    let theirs = node.cast(&[
        "call", &safe,
        "getTransactionHash(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,uint256)(bytes32)",
        recipient, "1000000000000000000", "0x", "0", "0", "0", "0",
        "0x0000000000000000000000000000000000000000", "0x0000000000000000000000000000000000000000", "0",
    ]);
    assert_eq!(
        ours, theirs,
        "our safeTxHash differs from the contract's getTransactionHash"
    );
    make(&bob, &b, "safetx.ur", &transfer);
    alice
        .run_offline(&["eth", "sign", "safetx.ur", "-o", "sig-a", "--yes"], "")
        .ok();
    bob.run_offline(&["eth", "sign", "safetx.ur", "-o", "sig-b", "--yes"], "")
        .ok();
    assert!(
        alice.transcript().contains(&ours),
        "the review shows the safeTxHash"
    );
    // In ether beside the SafeTx's wei, and without the legacy hash this Safe does not use.
    let screen = alice.transcript();
    assert!(
        screen
            .lines()
            .any(|l| l.starts_with("  value: ") && l.ends_with(" ETH)")),
        "{screen}"
    );
    assert!(!screen.contains("Safe < 1.3.0"), "{screen}");
    std::fs::copy(bob.path("sig-b"), alice.path("sig-b")).unwrap();

    let exec = |sigs: &[&str], extra: &[&str], out: &str| {
        let mut args = vec![
            "eth",
            "safe-exec",
            "safetx.ur",
            "--rpc",
            &node.url,
            "--from",
            &a,
            "-o",
            out,
        ];
        for s in sigs {
            args.extend_from_slice(&["--signature", s]);
        }
        args.extend_from_slice(extra);
        alice.run(&args, "")
    };
    // One signature: coldsign says so; forced through, the Safe itself reverts (GS020).
    let short = exec(&["sig-a"], &[], "one.ur").fails_with(2);
    assert!(
        short.stderr.contains("the Safe needs 2"),
        "{}",
        short.stderr
    );
    let reverted = exec(&["sig-a"], &["--skip-owner-check"], "one.ur").fails_with(2);
    assert!(reverted.stderr.contains("GS020"), "{}", reverted.stderr);
    assert!(!alice.path("one.ur").exists());

    let built = exec(&["sig-a", "sig-b"], &[], "exec.ur").ok();
    // The host says which safeTxHash it executes and whose signatures it carries.
    assert!(
        built.stderr.contains(&format!(
            "safeTxHash {ours} carries 2 owner signature(s), the Safe's threshold is 2"
        )),
        "{}",
        built.stderr
    );
    alice
        .run_offline(&["eth", "sign", "exec.ur", "-o", "exec.tx", "--yes"], "")
        .ok();
    let mined = alice
        .run(
            &["--json", "eth", "broadcast", "exec.tx", "--rpc", &node.url],
            "",
        )
        .ok()
        .json();
    assert_eq!(mined["status"], 1);
    assert_eq!(node.balance(recipient), ETHER);

    // A DELEGATECALL SafeTx is refused unless explicitly allowed.
    let dc = [
        "--to",
        BOB,
        "--operation",
        "delegatecall",
        "--data",
        "0x12345678",
    ];
    make(&alice, &a, "dc.ur", &dc);
    let refused = alice
        .run_offline(
            &[
                "eth",
                "sign",
                "dc.ur",
                "-o",
                "dc-sig",
                "--yes",
                "--allow",
                "eth.calldata.blind",
            ],
            "",
        )
        .fails_after_review(1);
    assert!(
        refused.stderr.contains("eth.safe.delegatecall"),
        "{}",
        refused.stderr
    );
    assert!(!alice.path("dc-sig").exists());
    alice
        .run_offline(
            &[
                "eth",
                "sign",
                "dc.ur",
                "-o",
                "dc-sig",
                "--yes",
                "--allow",
                "eth.calldata.blind",
                "--allow",
                "eth.safe.delegatecall",
            ],
            "",
        )
        .ok();
}

#[test]
fn online_errors_are_clear_and_write_nothing() {
    let sb = signer();
    let unreachable = sb
        .run(
            &[
                "eth",
                "build",
                "--rpc",
                "http://127.0.0.1:9",
                "--from",
                ACCOUNT0,
                "--to",
                BOB,
                "--value",
                "1",
                "-o",
                "r",
            ],
            "",
        )
        .fails_with(6);
    assert!(unreachable
        .stderr
        .contains("cannot reach http://127.0.0.1:9"));
    let typo = sb
        .run(
            &[
                "eth",
                "build",
                "--rpc",
                "http://127.0.0.1:9",
                "--from",
                ACCOUNT0,
                "--to",
                "0x000000000000000000000000000000000000b0B0",
                "-o",
                "r",
            ],
            "",
        )
        .fails_with(2);
    assert!(typo.stderr.contains("checksum"), "{}", typo.stderr);
    assert!(!sb.path("r").exists());
}

#[test]
fn blind_calldata_is_refused_unless_allowed() {
    let Some(node) = Anvil::start() else { return };
    let sb = signer();
    sb.run(
        &[
            "eth",
            "build",
            "--rpc",
            &node.url,
            "--from",
            ACCOUNT0,
            "--to",
            BOB,
            "--data",
            "0xdeadbeef",
            "--gas-limit",
            "50000",
            "-o",
            "req",
        ],
        "",
    )
    .ok();
    let refused = sb
        .run_offline(&["eth", "sign", "req", "-o", "tx", "--yes"], "")
        .fails_after_review(1);
    assert!(refused.stderr.contains("eth.calldata.blind"));
    assert!(!sb.path("tx").exists());
    sb.run_offline(
        &[
            "eth",
            "sign",
            "req",
            "-o",
            "tx",
            "--yes",
            "--allow",
            "eth.calldata.blind",
        ],
        "",
    )
    .ok();
}

/// Four eyes on Ethereum: two of three approvers review the request on their own machines;
/// the signer signs only with their approvals, and the transaction is mined.
#[test]
fn an_approved_transfer_is_signed_and_mined_and_one_approval_is_not_enough() {
    let Some(node) = Anvil::start() else { return };
    let sb = signer();
    sb.run(
        &[
            "eth", "build", "--rpc", &node.url, "--from", ACCOUNT0, "--to", BOB, "--value", "0.5",
            "-o", "req.ur",
        ],
        "",
    )
    .ok();
    let approvers = common::approvals::approval_quorum(&sb);
    let [(_, alice), (_, bob), _] = approvers.as_slice() else {
        unreachable!()
    };
    common::approvals::approve(alice, &sb, "req.ur", &sb, "alice.ur", &[]);
    common::approvals::approve(bob, &sb, "req.ur", &sb, "bob.ur", &[]);
    let sign = |approvals: &[&str]| {
        let mut args = vec![
            "--json",
            "sign",
            "req.ur",
            "-o",
            "tx",
            "--yes",
            "--policy",
            "policy.toml",
        ];
        for a in approvals {
            args.extend(["--approval", a]);
        }
        sb.run_offline(&args, "")
    };
    let one = sign(&["alice.ur"]);
    assert_eq!(one.code, 1, "{}", one.stdout);
    assert!(!sb.path("tx").exists());
    let signed = sign(&["alice.ur", "bob.ur"]).ok().json();
    assert_eq!(signed["approvers"], serde_json::json!(["alice", "bob"]));
    let mined = sb
        .run(
            &["--json", "eth", "broadcast", "tx", "--rpc", &node.url],
            "",
        )
        .ok()
        .json();
    assert_eq!(mined["status"], 1, "{mined}");
    assert_eq!(node.balance(BOB), ETHER / 2);
}

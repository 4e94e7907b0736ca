//! ERC-7730 descriptors on the signer, through the real binary: `coldsign registry import`
//! shows what each descriptor covers and is audited; an installed descriptor names a call the
//! built-in decoders cannot explain (no longer blind, signable with `--yes`) only on its exact
//! chain and contract; a descriptor whose fields disagree with the review's own decoding is
//! high; removing it makes the call blind again. The hand-written descriptors are in
//! fixtures/erc7730/; one real registry descriptor is read in place from
//! `COLDSIGN_ERC7730_DIR` (default ../shared/erc7730).

mod common;

use std::path::{Path, PathBuf};

use alloy_consensus::{SignableTransaction, TxEip1559};
use alloy_primitives::{address, hex, Address, TxKind, U256};
use alloy_sol_types::{sol, SolCall};
use common::eth::ACCOUNT0;
use common::{warning_codes as codes, Sandbox, ABANDON};
use serde_json::Value;

sol! {
    struct Order { address tokenIn; address tokenOut; uint256 amountIn; uint256 minOut; address recipient; }
    function swap(Order order, uint64 deadline, uint16 feeBps, uint8 mode, uint32 lock, uint256 chain);
    function transfer(address to, uint256 value);
    function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures);
}

const ROUTER: Address = address!("0x2222222222222222222222222222222222222222");
const USDC: Address = address!("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
const WETH: Address = address!("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2");
const STRANGER: Address = address!("0x8ba1f109551bD432803012645Ac136ddd64DBA72");

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/erc7730")
}

fn me() -> Address {
    ACCOUNT0.parse().unwrap()
}

/// An unsigned EIP-1559 transaction as the request file holds it.
fn tx(chain_id: u64, to: Address, data: Vec<u8>) -> String {
    let tx = TxEip1559 {
        chain_id,
        nonce: 3,
        gas_limit: 200_000,
        max_fee_per_gas: 30_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
        to: TxKind::Call(to),
        value: U256::ZERO,
        access_list: Default::default(),
        input: data.into(),
    };
    hex::encode_prefixed(tx.encoded_for_signing())
}

fn swap_data() -> Vec<u8> {
    swap_to(me())
}

/// The router's swap paying `recipient`.
fn swap_to(recipient: Address) -> Vec<u8> {
    swapCall {
        order: Order {
            tokenIn: USDC,
            tokenOut: WETH,
            amountIn: U256::from(2_500_000u64),
            minOut: U256::from(1_000_000_000_000_000u64),
            recipient,
        },
        deadline: 1_900_000_000,
        feeBps: 30,
        mode: 0,
        lock: 3600,
        chain: U256::from(1u8),
    }
    .abi_encode()
}

fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    sb
}

/// `eth inspect` of a transaction as JSON.
fn inspect(sb: &Sandbox, name: &str, request: &str) -> Value {
    std::fs::write(sb.path(name), request).unwrap();
    sb.run_keyed(&["--json", "eth", "inspect", name], "")
        .ok()
        .json()
}

fn import(sb: &Sandbox, path: &Path) -> Value {
    sb.run_keyed(
        &[
            "--json",
            "registry",
            "import",
            path.to_str().unwrap(),
            "--yes",
        ],
        "",
    )
    .ok()
    .json()
}

fn installed_hash(sb: &Sandbox, owner: &str) -> String {
    let list = sb
        .run_keyed(&["--json", "registry", "list"], "")
        .ok()
        .json();
    list.as_array()
        .unwrap()
        .iter()
        .find(|s| s["owner"] == owner)
        .and_then(|s| s["hash"].as_str())
        .unwrap()
        .to_string()
}

#[test]
fn import_shows_coverage_and_is_audited() {
    let sb = sandbox();
    // Refused without a confirmation when stdin is not a terminal; nothing stored.
    let file = fixtures().join("calldata-usdc.json");
    sb.run_keyed(&["registry", "import", file.to_str().unwrap()], "")
        .fails_with(2);
    assert!(!sb.path("erc7730").exists());
    let out = sb
        .run_keyed(
            &[
                "--json",
                "registry",
                "import",
                file.to_str().unwrap(),
                "--yes",
            ],
            "",
        )
        .ok();
    for shown in [
        "owner     Circle",
        "chain 1 0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
        "0xa9059cbb transfer(address to,uint256 value)",
        "0x095ea7b3 approve(address spender,uint256 value)",
    ] {
        assert!(
            out.stderr.contains(shown),
            "{shown:?} not in\n{}",
            out.stderr
        );
    }
    let imported = out.json();
    let hash = imported["imported"][0]["hash"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(out.stderr.contains(&hash), "{}", out.stderr);
    // EIP-712 descriptors show their domain and primary types.
    let permit = fixtures().join("eip712-usdc-permit.json");
    let out = sb
        .run_keyed(
            &["registry", "import", permit.to_str().unwrap(), "--yes"],
            "",
        )
        .ok();
    assert!(
        out.stderr.contains("domain    name = \"USD Coin\""),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("describes Permit(address owner"),
        "{}",
        out.stderr
    );
    // Both imports are in the audit log, which still verifies.
    let log = std::fs::read_to_string(sb.path("audit.log")).unwrap();
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Each import records its descriptor, then the store as a whole (so that signing can tell
    // a change made behind its back).
    let verdicts: Vec<&str> = lines
        .iter()
        .map(|l| l["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(
        verdicts,
        [
            "descriptor-imported",
            "descriptors-changed",
            "descriptor-imported",
            "descriptors-changed"
        ]
    );
    assert!(lines.iter().all(|l| l["event"] == "configuration"));
    assert_eq!(
        format!("0x{}", lines[0]["request_sha256"].as_str().unwrap()),
        hash
    );
    assert!(lines[0]["detail"].as_str().unwrap().contains("Circle"));
    sb.run_keyed(&["log", "verify"], "").ok();
    // show and list name the same descriptor.
    let shown = sb.run_keyed(&["registry", "show", &hash[2..12]], "").ok();
    assert!(
        shown.stdout.contains("owner     Circle"),
        "{}",
        shown.stdout
    );
    sb.run_keyed(&["registry", "show", "zz"], "").fails_with(2);
}

#[test]
fn a_described_call_is_shown_and_signed_only_on_its_chain_and_address() {
    let sb = sandbox();
    // Without a descriptor the router's swap is blind.
    let blind = inspect(&sb, "swap.json", &tx(1, ROUTER, swap_data()));
    assert!(codes(&blind).contains(&"eth.calldata.blind".to_string()));
    assert!(blind["calls"][0].get("clear_signed").is_none());
    import(&sb, &fixtures().join("calldata-router.json"));
    let review = inspect(&sb, "swap.json", &tx(1, ROUTER, swap_data()));
    assert!(
        !codes(&review).contains(&"eth.calldata.blind".to_string()),
        "{review:#}"
    );
    let shown = &review["calls"][0]["clear_signed"];
    assert_eq!(shown["intent"], "Swap");
    assert_eq!(shown["descriptor_owner"], "Example Router Ltd");
    let labels: Vec<&str> = shown["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.starts_with(&["Send", "Receive at least", "Beneficiary"]),
        "{labels:?}"
    );
    assert!(
        shown["fields"][0]["value"]
            .as_str()
            .unwrap()
            .contains("2.5 USDC"),
        "{shown:#}"
    );
    // The text review shows the intent and the fields.
    let text = sb.run_keyed(&["eth", "inspect", "swap.json"], "").ok();
    assert!(text.stdout.contains("intent: Swap"), "{}", text.stdout);
    assert!(text.stdout.contains("Receive at least:"), "{}", text.stdout);
    assert!(!text.stdout.contains("BLIND DATA"), "{}", text.stdout);
    // Nothing serious is left: it signs with --yes.
    sb.run_keyed(&["eth", "sign", "swap.json", "-o", "swap.sig", "--yes"], "")
        .ok();
    assert!(sb.path("swap.sig").exists());
    // The same call on another chain, or to another contract, stays blind and is refused.
    for (name, request) in [
        ("chain10.json", tx(10, ROUTER, swap_data())),
        ("other.json", tx(1, STRANGER, swap_data())),
    ] {
        let review = inspect(&sb, name, &request);
        assert!(
            codes(&review).contains(&"eth.calldata.blind".to_string()),
            "{name}"
        );
        assert!(review["calls"][0].get("clear_signed").is_none(), "{name}");
        sb.run_keyed(&["eth", "sign", name, "-o", "x.sig", "--yes"], "")
            .fails_after_review(1);
    }
    // Removing the descriptor makes the swap blind again.
    let hash = installed_hash(&sb, "Example Router Ltd");
    sb.run_keyed(&["registry", "remove", &hash], "").ok();
    let again = inspect(&sb, "swap.json", &tx(1, ROUTER, swap_data()));
    assert!(codes(&again).contains(&"eth.calldata.blind".to_string()));
    let log = std::fs::read_to_string(sb.path("audit.log")).unwrap();
    assert!(log.contains("\"descriptor-removed\""));
}

#[test]
fn a_described_call_inside_a_safe_transaction_is_not_blind() {
    let sb = sandbox();
    let safe: Address = address!("0x5afe5afe5afe5afe5afe5afe5afe5afe5afe0001");
    let exec = execTransactionCall {
        to: ROUTER,
        value: U256::ZERO,
        data: swap_data().into(),
        operation: 0,
        safeTxGas: U256::ZERO,
        baseGas: U256::ZERO,
        gasPrice: U256::ZERO,
        gasToken: Address::ZERO,
        refundReceiver: Address::ZERO,
        signatures: Default::default(),
    }
    .abi_encode();
    let request = tx(1, safe, exec);
    let blind = inspect(&sb, "exec.json", &request);
    assert!(codes(&blind).contains(&"eth.calldata.blind".to_string()));
    import(&sb, &fixtures().join("calldata-router.json"));
    let review = inspect(&sb, "exec.json", &request);
    assert!(
        !codes(&review).contains(&"eth.calldata.blind".to_string()),
        "{review:#}"
    );
    let inner = &review["calls"][0]["nested"][0];
    assert_eq!(inner["clear_signed"]["intent"], "Swap", "{review:#}");
    // Only the inner call is described: the Safe's execTransaction keeps its own decoding.
    assert!(review["calls"][0].get("clear_signed").is_none());
}

#[test]
fn an_address_only_a_descriptor_shows_is_checked_for_look_alikes() {
    let sb = sandbox();
    import(&sb, &fixtures().join("calldata-router.json"));
    // The swap pays a look-alike of the signer's own address (same first and last digits).
    let poisoned = address!("0x9858000000000000000000000000000000000a94");
    let review = inspect(&sb, "swap.json", &tx(1, ROUTER, swap_to(poisoned)));
    assert_eq!(review["calls"][0]["clear_signed"]["intent"], "Swap");
    assert!(
        codes(&review).contains(&"addr.lookalike".to_string()),
        "{review:#}"
    );
    let honest = inspect(&sb, "honest.json", &tx(1, ROUTER, swap_data()));
    assert!(!codes(&honest).contains(&"addr.lookalike".to_string()));
}

/// A descriptor for USDC's transfer whose "To" shows the sender and whose amount is of
/// another token: it names things the review decoded differently.
const LYING: &str = r#"{
  "context": { "$id": "USDC", "contract": { "deployments": [{ "chainId": 1, "address": "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48" }] } },
  "metadata": { "owner": "Not Circle", "constants": { "dai": "0x6B175474E89094C44Da98b954EedeAC495271d0F" } },
  "display": {
    "formats": {
      "transfer(address to,uint256 value)": {
        "intent": "Send",
        "fields": [
          { "path": "value", "label": "Amount", "format": "tokenAmount", "params": { "token": "$.metadata.constants.dai" } },
          { "path": "@.from", "label": "To", "format": "addressName" }
        ]
      }
    }
  }
}"#;

#[test]
fn a_descriptor_that_disagrees_with_the_decoded_transfer_is_high() {
    let sb = sandbox();
    let data = transferCall {
        to: STRANGER,
        value: U256::from(1_000_000u64),
    }
    .abi_encode();
    let request = tx(1, USDC, data);
    // The honest descriptor agrees with the decoded transfer.
    import(&sb, &fixtures().join("calldata-usdc.json"));
    let honest = inspect(&sb, "transfer.json", &request);
    assert_eq!(honest["calls"][0]["clear_signed"]["intent"], "Send");
    assert!(!codes(&honest).contains(&"eth.clear-sign.mismatch".to_string()));
    let hash = installed_hash(&sb, "Circle");
    sb.run_keyed(&["registry", "remove", &hash], "").ok();
    std::fs::write(sb.path("lying.json"), LYING).unwrap();
    import(&sb, &sb.path("lying.json"));
    let review = inspect(&sb, "transfer.json", &request);
    let mismatches: Vec<&Value> = review["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"] == "eth.clear-sign.mismatch")
        .collect();
    assert!(
        mismatches.len() >= 2 && mismatches.iter().all(|w| w["severity"] == "high"),
        "{review:#}"
    );
    // The review's own movement is still listed, with the real recipient.
    assert!(review["movements"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["kind"] == "token-transfer"
            && m["to"]
                .as_str()
                .unwrap()
                .contains(&STRANGER.to_checksum(None))));
    sb.run_keyed(
        &["eth", "sign", "transfer.json", "-o", "t.sig", "--yes"],
        "",
    )
    .fails_after_review(1);
}

#[test]
fn a_real_registry_descriptor_clears_its_own_test_transaction() {
    let Some(dir) = common::erc7730_registry() else {
        return;
    };
    let lido = dir.join("registry/lido");
    let tests: Value = serde_json::from_slice(
        &std::fs::read(lido.join("tests/calldata-wstETH.tests.json")).unwrap(),
    )
    .unwrap();
    let case = tests["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["description"] == "Wrap stETH - chain 1")
        .expect("the registry's wrap test case");
    let raw = case["rawTx"].as_str().unwrap();
    let sb = sandbox();
    let before = inspect(&sb, "wrap.json", raw);
    assert!(codes(&before).contains(&"eth.calldata.blind".to_string()));
    import(&sb, &lido.join("calldata-wstETH.json"));
    let review = inspect(&sb, "wrap.json", raw);
    assert!(
        !codes(&review).contains(&"eth.calldata.blind".to_string()),
        "{review:#}"
    );
    let shown = &review["calls"][0]["clear_signed"];
    assert_eq!(shown["descriptor_owner"], "Lido DAO");
    assert!(!shown["intent"].as_str().unwrap().is_empty());
}

/// A descriptor for an order message of a fictional exchange at 0x3333…3333 on chain 1.
const ORDER_DESCRIPTOR: &str = r#"{
  "context": { "eip712": {
    "domain": { "name": "Example Exchange" },
    "deployments": [{ "chainId": 1, "address": "0x3333333333333333333333333333333333333333" }]
  } },
  "metadata": { "owner": "Example Exchange Ltd" },
  "display": {
    "formats": {
      "Order(address maker,uint256 amount,uint256 expiry)": {
        "intent": "Place order",
        "fields": [
          { "path": "maker", "label": "Maker", "format": "addressName" },
          { "path": "amount", "label": "Amount", "format": "raw" },
          { "path": "expiry", "label": "Expires", "format": "date", "params": { "encoding": "timestamp" } }
        ]
      }
    }
  }
}"#;

/// The order as EIP-712 typed data in `domain_name`'s domain.
fn order(domain_name: &str) -> String {
    serde_json::json!({
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"}
            ],
            "Order": [
                {"name": "maker", "type": "address"},
                {"name": "amount", "type": "uint256"},
                {"name": "expiry", "type": "uint256"}
            ]
        },
        "primaryType": "Order",
        "domain": {"name": domain_name, "chainId": 1, "verifyingContract": "0x3333333333333333333333333333333333333333"},
        "message": {"maker": ACCOUNT0, "amount": "1000", "expiry": "1900000000"}
    })
    .to_string()
}

#[test]
fn a_described_typed_message_is_no_longer_unrecognised() {
    let sb = sandbox();
    let unrecognised = "eth.typed-data.unrecognised".to_string();
    assert!(codes(&inspect(&sb, "order.json", &order("Example Exchange"))).contains(&unrecognised));
    std::fs::write(sb.path("order-descriptor.json"), ORDER_DESCRIPTOR).unwrap();
    import(&sb, &sb.path("order-descriptor.json"));
    let review = inspect(&sb, "order.json", &order("Example Exchange"));
    assert!(!codes(&review).contains(&unrecognised), "{review:#}");
    assert_eq!(review["clear_signed"]["intent"], "Place order");
    assert_eq!(review["clear_signed"]["fields"][1]["value"], "1000");
    let text = sb.run_keyed(&["eth", "inspect", "order.json"], "").ok();
    assert!(
        text.stdout.contains("intent: Place order"),
        "{}",
        text.stdout
    );
    // Another domain name at the same address is not described.
    let other = inspect(&sb, "other.json", &order("Exampel Exchange"));
    assert!(codes(&other).contains(&unrecognised));
    assert!(other.get("clear_signed").is_none());
}

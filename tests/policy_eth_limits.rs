//! The treasury policy's Ethereum amount limits through the binary: native value and ERC-20
//! tokens per transaction and per rolling 24 hours (from the verified audit log), approvals
//! counted at their allowance, a token of unknown decimals denied, a replacement (same nonce)
//! counted once, and a Bitcoin-only default-deny policy denying Ethereum.

mod common;

use alloy_consensus::{SignableTransaction, TxEip1559};
use alloy_primitives::{hex, Address, TxKind, U256};
use alloy_sol_types::{sol, SolCall};
use common::eth::ACCOUNT0;
use common::{Outcome, Sandbox, ABANDON};
use serde_json::{json, Value};

sol! {
    function transfer(address to, uint256 amount);
    function approve(address spender, uint256 amount);
}

fn addr(text: &str) -> Address {
    text.to_lowercase().parse().unwrap()
}
/// Someone new: no entry anywhere.
fn stranger() -> Address {
    addr("0x8ba1f109551bd432803012645ac136ddd64dba72")
}
/// USDC on mainnet: 6 decimals in the built-in registry.
fn usdc() -> Address {
    addr("0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48")
}
/// Uniswap's Permit2, a spender the registry knows.
fn permit2() -> Address {
    addr("0x000000000022d473030f116ddee9f6b43ac78ba3")
}
/// A token the registry does not know.
fn unknown_token() -> Address {
    addr("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
}

/// `milli` thousandths of an ether.
fn milli_eth(milli: u64) -> U256 {
    U256::from(milli) * U256::from(10u64.pow(15))
}
fn usdc_units(whole: u64) -> U256 {
    U256::from(whole) * U256::from(1_000_000u64)
}

/// An unsigned EIP-1559 transaction on mainnet with nonce `nonce`, as hex.
fn tx(nonce: u64, to: Address, value: U256, data: Vec<u8>) -> String {
    let tx = TxEip1559 {
        chain_id: 1,
        nonce,
        gas_limit: 100_000,
        max_fee_per_gas: 2_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
        to: TxKind::Call(to),
        value,
        access_list: Default::default(),
        input: data.into(),
    };
    hex::encode_prefixed(tx.encoded_for_signing())
}

fn signer(policy: &str) -> Sandbox {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    std::fs::write(sb.path("policy.toml"), policy).unwrap();
    // Accepted as an operator would (for mainnet, the network these requests are signed on);
    // a malformed policy is refused here, and again when signing.
    sb.run_keyed(&["log", "attest", "--policy", "policy.toml"], "");
    sb
}

/// Signs the transaction `hex` under the sandbox's policy.
fn sign(sb: &Sandbox, hex: String) -> Outcome {
    sign_file(sb, "tx.hex", &hex)
}

/// Signs `contents`, written to `name`, under the sandbox's policy.
fn sign_file(sb: &Sandbox, name: &str, contents: &str) -> Outcome {
    std::fs::write(sb.path(name), contents).unwrap();
    sb.run_keyed(
        &[
            "eth",
            "sign",
            name,
            "-o",
            "out.sig",
            "--policy",
            "policy.toml",
            "--yes",
            "--force",
        ],
        "",
    )
}

fn denied(out: Outcome, rule: &str, detail: &str) {
    let out = out.fails_after_review(1);
    assert!(
        out.stderr.contains(rule) && out.stderr.contains(detail),
        "expected {rule} with {detail:?}:\n{}",
        out.stderr
    );
}

#[test]
fn native_value_is_limited_per_transaction_in_eth_units() {
    let sb = signer("[ethereum]\nmax_per_transaction = \"1.5 ETH\"\n");
    denied(
        sign(&sb, tx(0, stranger(), milli_eth(2_000), vec![])),
        "ethereum.max_per_transaction",
        "2 ETH sent or allowed against a limit of 1.5 ETH",
    );
    sign(&sb, tx(0, stranger(), milli_eth(1_500), vec![])).ok();
}

#[test]
fn native_value_is_limited_per_24_hours_and_a_replacement_counts_once() {
    let sb = signer("[ethereum]\nmax_per_24h = \"2 ETH\"\n");
    sign(&sb, tx(0, stranger(), milli_eth(1_500), vec![])).ok();
    denied(
        sign(&sb, tx(1, stranger(), milli_eth(1_000), vec![])),
        "ethereum.max_per_24h",
        "2.5 ETH sent or allowed in 24 hours including this against a limit of 2 ETH",
    );
    // The same nonce replaces the first transaction: 1.8 ETH, not 3.3 ETH.
    sign(&sb, tx(0, stranger(), milli_eth(1_800), vec![])).ok();
    // And the replacement is what counts from then on.
    denied(
        sign(&sb, tx(1, stranger(), milli_eth(300), vec![])),
        "ethereum.max_per_24h",
        "2.1 ETH sent or allowed in 24 hours",
    );
    sign(&sb, tx(1, stranger(), milli_eth(200), vec![])).ok();
}

#[test]
fn a_token_of_known_decimals_is_limited_and_approvals_count_at_their_allowance() {
    let policy = format!(
        "[ethereum]\n[[ethereum.token_limits]]\nlabel = \"USDC\"\naddress = \"{}\"\nmax_per_transaction = \"1000 USDC\"\nmax_per_24h = 1500\n",
        usdc().to_checksum(None)
    );
    let sb = signer(&policy);
    let send = |nonce, whole| {
        let data = transferCall {
            to: stranger(),
            amount: usdc_units(whole),
        }
        .abi_encode();
        sign(&sb, tx(nonce, usdc(), U256::ZERO, data))
    };
    denied(
        send(0, 1_200),
        "ethereum.token_limits \"USDC\".max_per_transaction",
        "1200 USDC sent or allowed against a limit of 1000 USDC",
    );
    send(0, 800).ok();
    // An approval counts at its allowance: 800 + 800 USDC in 24 hours.
    let approve = approveCall {
        spender: permit2(),
        amount: usdc_units(800),
    }
    .abi_encode();
    denied(
        sign(&sb, tx(1, usdc(), U256::ZERO, approve)),
        "ethereum.token_limits \"USDC\".max_per_24h",
        "1600 USDC sent or allowed in 24 hours including this against a limit of 1500 USDC",
    );
    send(1, 700).ok();
}

#[test]
fn an_unlimited_approval_exceeds_any_token_limit() {
    let policy = format!(
        "[ethereum]\nallow_unlimited_approval = true\n[[ethereum.token_limits]]\nlabel = \"USDC\"\naddress = \"{}\"\nmax_per_transaction = \"1000000000 USDC\"\n",
        usdc().to_checksum(None)
    );
    let sb = signer(&policy);
    let approve = approveCall {
        spender: permit2(),
        amount: U256::MAX,
    }
    .abi_encode();
    denied(
        sign(&sb, tx(0, usdc(), U256::ZERO, approve)),
        "ethereum.token_limits \"USDC\".max_per_transaction",
        "an unlimited or unbounded amount of USDC",
    );
}

/// An EIP-2612 permit of `whole` USDC for Permit2, as typed data.
fn usdc_permit(whole: u64) -> String {
    let fields = |list: &[(&str, &str)]| -> Vec<Value> {
        list.iter()
            .map(|(n, t)| json!({"name": n, "type": t}))
            .collect()
    };
    json!({
        "types": {
            "EIP712Domain": fields(&[("name", "string"), ("version", "string"), ("chainId", "uint256"), ("verifyingContract", "address")]),
            "Permit": fields(&[("owner", "address"), ("spender", "address"), ("value", "uint256"), ("nonce", "uint256"), ("deadline", "uint256")]),
        },
        "primaryType": "Permit",
        "domain": {"name": "USD Coin", "version": "2", "chainId": 1, "verifyingContract": usdc().to_checksum(None)},
        "message": {"owner": ACCOUNT0, "spender": permit2().to_checksum(None), "value": usdc_units(whole).to_string(), "nonce": 0, "deadline": 1_900_000_000u64},
    })
    .to_string()
}

#[test]
fn a_permit_counts_at_its_allowance() {
    let policy = format!(
        "[ethereum]\nallow_permit = true\n[[ethereum.token_limits]]\nlabel = \"USDC\"\naddress = \"{}\"\nmax_per_transaction = \"1000 USDC\"\n",
        usdc().to_checksum(None)
    );
    let sb = signer(&policy);
    denied(
        sign_file(&sb, "permit.json", &usdc_permit(2_000)),
        "ethereum.token_limits \"USDC\".max_per_transaction",
        "2000 USDC sent or allowed against a limit of 1000 USDC",
    );
    sign_file(&sb, "permit.json", &usdc_permit(500)).ok();
}

#[test]
fn a_limit_on_a_token_of_unknown_decimals_denies() {
    let policy = format!(
        "[ethereum]\n[[ethereum.token_limits]]\nlabel = \"Mystery\"\naddress = \"{}\"\nmax_per_transaction = \"1000000\"\n",
        unknown_token().to_checksum(None)
    );
    let sb = signer(&policy);
    let data = transferCall {
        to: stranger(),
        amount: U256::from(1u8),
    }
    .abi_encode();
    denied(
        sign(&sb, tx(0, unknown_token(), U256::ZERO, data)),
        "ethereum.token_limits \"Mystery\".max_per_transaction",
        "does not know the decimals",
    );
}

#[test]
fn a_bitcoin_only_default_deny_policy_denies_ethereum() {
    for policy in [
        "[bitcoin]\nunlisted = \"deny\"\n",
        "[bitcoin]\n[[bitcoin.allow]]\nlabel = \"Vault\"\naddress = \"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4\"\n",
    ] {
        let sb = signer(policy);
        denied(
            sign(&sb, tx(0, stranger(), milli_eth(1), vec![])),
            "policy.sections",
            "has no [ethereum] section",
        );
    }
    // A policy that denies nothing by default leaves a chain without a section alone.
    let sb = signer("[bitcoin]\nmax_per_24h = \"0.5 BTC\"\n");
    sign(&sb, tx(0, stranger(), milli_eth(1), vec![])).ok();
}

#[test]
fn a_malformed_amount_is_bad_input() {
    for policy in [
        "[ethereum]\nmax_per_transaction = \"five ETH\"\n",
        "[ethereum]\nmax_per_transaction = \"0.0000000000000000001 ETH\"\n",
        "[bitcoin]\nmax_per_transaction = \"0.05 BTCX\"\n",
    ] {
        let sb = signer(policy);
        let out = sign(&sb, tx(0, stranger(), milli_eth(1), vec![]));
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            out.stderr.contains("error: policy policy.toml"),
            "{}",
            out.stderr
        );
    }
}

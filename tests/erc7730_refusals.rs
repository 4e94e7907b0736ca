//! ERC-7730 behaviour that must hold whatever the registry says: a descriptor applies only
//! to its exact chain and contract (or EIP-712 domain); malformed, oversized or escaping
//! descriptors are refused; a field that disagrees with the review's own decoding is
//! reported; nesting is bounded. Uses the hand-written descriptors in fixtures/erc7730/.

use std::path::{Path, PathBuf};

use alloy_dyn_abi::{DynSolValue, JsonAbiExt, TypedData};
use alloy_primitives::{address, Address, U256};
use coldsign::erc7730::crosscheck::{disagreements, Movement};
use coldsign::erc7730::{signature, Call, ClearSigned, Descriptor, Directory, Registry, TokenInfo};

const USDC: Address = address!("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
const DAI: Address = address!("0x6B175474E89094C44Da98b954EedeAC495271d0F");
const ROUTER: Address = address!("0x2222222222222222222222222222222222222222");
const ALICE: Address = address!("0x1111111111111111111111111111111111111111");

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/erc7730")
}

fn registry() -> Registry {
    let (registry, skipped) = Registry::load_dir(&fixtures()).unwrap();
    assert!(skipped.is_empty(), "{skipped:?}");
    registry
}

fn tokens() -> Directory {
    let mut d = Directory::default();
    let token = |symbol: &str, decimals| TokenInfo {
        symbol: symbol.into(),
        decimals,
    };
    d.add_token(1, USDC, token("USDC", 6));
    d.add_token(1, DAI, token("DAI", 18));
    d
}

/// Calldata for `signature` (a display.formats key) with `args`.
fn calldata(signature: &str, args: &[DynSolValue]) -> Vec<u8> {
    signature::parse(signature)
        .unwrap()
        .abi_encode_input(args)
        .unwrap()
}

fn transfer(to: Address, amount: u64) -> Vec<u8> {
    calldata(
        "transfer(address to,uint256 value)",
        &[
            DynSolValue::Address(to),
            DynSolValue::Uint(U256::from(amount), 256),
        ],
    )
}

fn call(chain_id: u64, to: Address, data: &[u8]) -> Call<'_> {
    Call {
        chain_id,
        from: None,
        to,
        value: U256::ZERO,
        data,
    }
}

fn shown(cs: &ClearSigned) -> Vec<(String, String)> {
    cs.fields
        .iter()
        .map(|f| (f.label.clone(), f.value.clone()))
        .collect()
}

#[test]
fn a_descriptor_renders_its_own_contract_on_its_own_chain() {
    let data = transfer(ALICE, 1_500_000);
    let cs = registry()
        .clear_sign_call(&call(1, USDC, &data), &tokens())
        .unwrap()
        .unwrap();
    assert_eq!(cs.intent, "Send");
    assert_eq!(
        shown(&cs),
        vec![
            ("Amount".into(), "1.5 USDC".into()),
            ("To".into(), ALICE.to_checksum(None)),
        ]
    );
    assert_eq!(
        cs.interpolated_intent.as_deref(),
        Some("Send 1.5 USDC to 0x1111111111111111111111111111111111111111")
    );
    assert_eq!(cs.descriptor_owner.as_deref(), Some("Circle"));
    assert!(cs.warnings.is_empty());
}

#[test]
fn another_chain_another_address_or_selector_alone_is_not_described() {
    let registry = registry();
    let data = transfer(ALICE, 1);
    // Same address on another chain, the same selector on another contract: blind.
    assert!(registry
        .clear_sign_call(&call(10, USDC, &data), &tokens())
        .is_none());
    assert!(registry
        .clear_sign_call(&call(1, DAI, &data), &tokens())
        .is_none());
    // A selector the descriptor does not describe.
    let other = calldata(
        "burn(uint256 amount)",
        &[DynSolValue::Uint(U256::from(1), 256)],
    );
    assert!(registry
        .clear_sign_call(&call(1, USDC, &other), &tokens())
        .is_none());
    // No selector at all (a plain transfer).
    assert!(registry
        .clear_sign_call(&call(1, USDC, &[]), &tokens())
        .is_none());
}

#[test]
fn calldata_that_does_not_match_its_descriptor_is_an_error_not_a_fallback() {
    let registry = registry();
    let mut data = transfer(ALICE, 1);
    data.truncate(30);
    let err = registry
        .clear_sign_call(&call(1, USDC, &data), &tokens())
        .unwrap()
        .unwrap_err();
    assert!(err.contains("does not decode"), "{err}");
    // Bytes after the parameters are shown as a warning, never silently dropped.
    let mut data = transfer(ALICE, 1);
    data.extend_from_slice(&[0xde, 0xad]);
    let cs = registry
        .clear_sign_call(&call(1, USDC, &data), &tokens())
        .unwrap()
        .unwrap();
    assert!(cs
        .warnings
        .iter()
        .any(|w| w.contains("2 bytes after the parameters")));
}

fn bytes_of(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap()
}

#[test]
fn malformed_oversized_and_escaping_descriptors_are_refused() {
    let good = String::from_utf8(bytes_of("calldata-usdc.json")).unwrap();
    assert!(Descriptor::from_bytes(good.as_bytes()).is_ok());
    let refused = |text: &str, why: &str| {
        let err = Descriptor::from_bytes(text.as_bytes()).unwrap_err();
        assert!(err.contains(why), "{err} does not say {why}");
    };
    refused(
        &good.replacen(
            "\"owner\": \"Circle\"",
            "\"owner\": \"Circle\", \"owner\": \"Evil\"",
            1,
        ),
        "duplicate key",
    );
    refused(&format!("{good} {{}}"), "trailing");
    refused(&format!("{good}{}", " ".repeat(1 << 20)), "bytes");
    // One edit of the good descriptor each, and what the refusal must say.
    for (from, to, why) in [
        (
            "\"format\": \"addressName\"",
            "\"format\": \"evil\"",
            "unknown field format",
        ),
        ("\"path\": \"to\"", "\"path\": \"to..x\"", "path"),
        (
            "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
            "0xA0b8",
            "valid address",
        ),
        ("\"chainId\": 1", "\"chainId\": -1", "chainId"),
        (
            "transfer(address to,uint256 value)",
            "approve(address a,uint256 b)",
            "same selector",
        ),
    ] {
        refused(&good.replacen(from, to, 1), why);
    }
    let deep = format!("{}{}", "[".repeat(64), "]".repeat(64));
    refused(&deep, "nesting");
    refused("{\"context\": {\"contract\": {}}, \"display\": {\"formats\": {\"f()\": {\"fields\": []}}}}", "include-only");

    // An include that leaves the registry directory.
    let dir = tempfile::tempdir().unwrap();
    let registry_dir = dir.path().join("registry");
    std::fs::create_dir(&registry_dir).unwrap();
    std::fs::write(dir.path().join("outside.json"), &good).unwrap();
    std::fs::write(
        registry_dir.join("escape.json"),
        r#"{"includes": "../outside.json", "metadata": {"owner": "x"}}"#,
    )
    .unwrap();
    let (registry, skipped) = Registry::load_dir(&registry_dir).unwrap();
    assert!(registry.descriptors().is_empty());
    assert!(
        skipped[0].reason.contains("outside the registry directory"),
        "{skipped:?}"
    );
    // A descriptor that includes itself.
    std::fs::write(
        registry_dir.join("escape.json"),
        r#"{"includes": "escape.json"}"#,
    )
    .unwrap();
    let (_, skipped) = Registry::load_dir(&registry_dir).unwrap();
    assert!(skipped[0].reason.contains("deeper"), "{skipped:?}");
}

/// `calldata` on USDC rendered with `descriptor` alone.
fn render_with(descriptor: &str, calldata: &[u8]) -> ClearSigned {
    let mut registry = Registry::new();
    registry.add(Descriptor::from_bytes(descriptor.as_bytes()).unwrap());
    registry
        .clear_sign_call(&call(1, USDC, calldata), &tokens())
        .unwrap()
        .unwrap()
}

#[test]
fn a_field_that_disagrees_with_the_decoded_transfer_is_reported() {
    let honest = registry();
    let data = transfer(ALICE, 2_000_000);
    let moved = [Movement::Token {
        token: USDC,
        to: ALICE,
        amount: U256::from(2_000_000u64),
    }];
    let cs = honest
        .clear_sign_call(&call(1, USDC, &data), &tokens())
        .unwrap()
        .unwrap();
    assert_eq!(disagreements(&cs, &moved), Vec::<String>::new());

    // A descriptor that names a constant recipient and prices the amount in another token.
    let lying = String::from_utf8(bytes_of("calldata-usdc.json"))
        .unwrap()
        .replacen(
            r#"{ "path": "to", "label": "To", "format": "addressName" }"#,
            r#"{ "value": "0x000000000000000000000000000000000000dEaD", "label": "To", "format": "addressName" }"#,
            1,
        )
        .replacen(r#""params": { "tokenPath": "@.to" }"#, r#""params": { "token": "0x6B175474E89094C44Da98b954EedeAC495271d0F" }"#, 1);
    let cs = render_with(&lying, &data);
    assert_eq!(shown(&cs)[0].1, "0.000000000002 DAI");
    let found = disagreements(&cs, &moved);
    assert!(
        found.iter().any(|d| d.contains("other tokens only")),
        "{found:?}"
    );
    assert!(found.iter().any(|d| d.contains("pays 0x1111")), "{found:?}");

    // The right token, the wrong amount (a path to another parameter).
    let wrong_amount = String::from_utf8(bytes_of("calldata-usdc.json"))
        .unwrap()
        .replacen(
            r#"{ "path": "value", "label": "Amount""#,
            r#"{ "value": "1", "label": "Amount""#,
            1,
        );
    let cs = render_with(&wrong_amount, &data);
    let found = disagreements(&cs, &moved);
    assert!(
        found.iter().any(|d| d.contains("the descriptor shows 1")),
        "{found:?}"
    );
}

#[test]
fn every_field_format_of_the_router_renders() {
    let data = calldata(
        "swap((address tokenIn,address tokenOut,uint256 amountIn,uint256 minOut,address recipient) order,uint64 deadline,uint16 feeBps,uint8 mode,uint32 lock,uint256 chain)",
        &[
            DynSolValue::Tuple(vec![
                DynSolValue::Address(USDC),
                DynSolValue::Address(address!("0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE")),
                DynSolValue::Uint(U256::from(2_500_000u64), 256),
                DynSolValue::Uint(U256::from(10u64).pow(U256::from(15)), 256),
                DynSolValue::Address(Address::ZERO),
            ]),
            DynSolValue::Uint(U256::from(1_709_191_632u64), 64),
            DynSolValue::Uint(U256::from(30u64), 16),
            DynSolValue::Uint(U256::from(1u64), 8),
            DynSolValue::Uint(U256::from(8250u64), 32),
            DynSolValue::Uint(U256::from(42161u64), 256),
        ],
    );
    let mut c = call(1, ROUTER, &data);
    c.from = Some(ALICE);
    let cs = registry().clear_sign_call(&c, &tokens()).unwrap().unwrap();
    assert_eq!(
        shown(&cs),
        vec![
            ("Send".into(), "2.5 USDC".into()),
            ("Receive at least".into(), "0.001 ETH".into()),
            ("Beneficiary".into(), "Sender".into()),
            ("Deadline".into(), "2024-02-29 07:27:12 UTC".into()),
            ("Fee".into(), "0.3%".into()),
            ("Mode".into(), "exact out".into()),
            ("Lock".into(), "02:17:30".into()),
            ("Destination".into(), "Arbitrum One".into()),
        ]
    );
    assert_eq!(
        cs.interpolated_intent.as_deref(),
        Some("Swap 2.5 USDC for at least 0.001 ETH")
    );
    // "Sender" stands for the signer, and the facts say so.
    assert!(
        cs.facts.iter().any(|f| matches!(f,
        coldsign::erc7730::Fact::Address { address, means_sender: true, .. } if *address == ALICE))
    );
}

#[test]
fn arrays_are_iterated_with_their_paired_tokens() {
    let data = calldata(
        "sweep(address[] tokens,uint256[] amounts,address to)",
        &[
            DynSolValue::Array(vec![DynSolValue::Address(USDC), DynSolValue::Address(DAI)]),
            DynSolValue::Array(vec![
                DynSolValue::Uint(U256::from(1_000_000u64), 256),
                DynSolValue::Uint(U256::from(10u64).pow(U256::from(18)), 256),
            ]),
            DynSolValue::Address(ALICE),
        ],
    );
    let cs = registry()
        .clear_sign_call(&call(1, ROUTER, &data), &tokens())
        .unwrap()
        .unwrap();
    assert_eq!(
        shown(&cs)[..2],
        [
            ("Amount".into(), "1 USDC".into()),
            ("Amount".into(), "1 DAI".into())
        ]
    );
    assert_eq!(cs.fields[1].path, "#.amounts.[1]");
}

fn execute(target: Address, inner: Vec<u8>) -> Vec<u8> {
    calldata(
        "execute(address target,uint256 value,bytes data)",
        &[
            DynSolValue::Address(target),
            DynSolValue::Uint(U256::ZERO, 256),
            DynSolValue::Bytes(inner),
        ],
    )
}

#[test]
fn embedded_calldata_renders_through_the_callee_descriptor_and_nesting_is_bounded() {
    let registry = registry();
    let data = execute(USDC, transfer(ALICE, 3_000_000));
    let cs = registry
        .clear_sign_call(&call(1, ROUTER, &data), &tokens())
        .unwrap()
        .unwrap();
    let nested = cs.fields[0].nested.as_ref().unwrap();
    assert_eq!(nested.intent, "Send");
    assert_eq!(shown(nested)[0], ("Amount".into(), "3 USDC".into()));
    // The nested transfer's facts reach the cross-check.
    let moved = [Movement::Token {
        token: USDC,
        to: ALICE,
        amount: U256::from(3_000_000u64),
    }];
    assert!(disagreements(&cs, &moved).is_empty());

    // A call to a contract without a descriptor stays visible as raw calldata, with a warning.
    let data = execute(DAI, transfer(ALICE, 1));
    let cs = registry
        .clear_sign_call(&call(1, ROUTER, &data), &tokens())
        .unwrap()
        .unwrap();
    assert!(cs.fields[0].value.starts_with("0xa9059cbb"));
    assert!(cs.warnings.iter().any(|w| w.contains("has no descriptor")));

    // The router calling itself again and again: refused at the depth limit.
    let mut data = transfer(ALICE, 1);
    for _ in 0..6 {
        data = execute(ROUTER, data);
    }
    let err = registry
        .clear_sign_call(&call(1, ROUTER, &data), &tokens())
        .unwrap()
        .unwrap_err();
    assert!(err.contains("nested deeper"), "{err}");
}

fn permit(name: &str, chain_id: u64) -> TypedData {
    serde_json::from_value(serde_json::json!({
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}
            ],
            "Permit": [
                {"name": "owner", "type": "address"}, {"name": "spender", "type": "address"},
                {"name": "value", "type": "uint256"}, {"name": "nonce", "type": "uint256"},
                {"name": "deadline", "type": "uint256"}
            ]
        },
        "primaryType": "Permit",
        "domain": {"name": name, "version": "2", "chainId": chain_id, "verifyingContract": USDC.to_string()},
        "message": {"owner": ALICE.to_string(), "spender": ROUTER.to_string(), "value": "5000000", "nonce": 0, "deadline": 1798761600u64}
    }))
    .unwrap()
}

#[test]
fn eip712_descriptors_apply_only_to_their_domain() {
    let registry = registry();
    let cs = registry
        .clear_sign_typed(&permit("USD Coin", 1), None, &tokens())
        .unwrap()
        .unwrap();
    assert_eq!(cs.intent, "Authorize spending of tokens");
    assert_eq!(
        shown(&cs),
        vec![
            ("Spender".into(), ROUTER.to_checksum(None)),
            ("Max spending amount".into(), "5 USDC".into()),
            ("Valid until".into(), "2027-01-01 00:00:00 UTC".into()),
        ]
    );
    // Another name in the domain, or another chain: not described.
    assert!(registry
        .clear_sign_typed(&permit("USD Coin ", 1), None, &tokens())
        .is_none());
    assert!(registry
        .clear_sign_typed(&permit("USD Coin", 10), None, &tokens())
        .is_none());
}

#[test]
fn a_token_unknown_to_the_signer_is_shown_raw_with_a_warning() {
    let data = transfer(ALICE, 7);
    let cs = registry()
        .clear_sign_call(&call(1, USDC, &data), &Directory::default())
        .unwrap()
        .unwrap();
    assert!(shown(&cs)[0].1.starts_with("7 raw units of unknown token"));
    assert!(cs
        .warnings
        .iter()
        .any(|w| w.contains("unknown to the signer")));
}

#[test]
fn a_rendering_with_more_fields_than_a_reviewer_can_read_is_refused() {
    let n = 1100;
    let data = calldata(
        "sweep(address[] tokens,uint256[] amounts,address to)",
        &[
            DynSolValue::Array(vec![DynSolValue::Address(USDC); n]),
            DynSolValue::Array(vec![DynSolValue::Uint(U256::from(1u8), 256); n]),
            DynSolValue::Address(ALICE),
        ],
    );
    let err = registry()
        .clear_sign_call(&call(1, ROUTER, &data), &tokens())
        .unwrap()
        .unwrap_err();
    assert!(err.contains("more than 1024 fields"), "{err}");
}

//! An adversarial corpus for the Ethereum review, scored the held-out way: every request is
//! reviewed by the real binary (`coldsign --json eth inspect`); an attack is caught when the
//! request is refused (non-zero exit) or the review carries a high or deny warning with one of
//! the expected codes; its benign twin must exit 0 with no high or deny warning.
//!
//! The requests are built here from the public specifications (ERC-20, ERC-721, EIP-2612,
//! DAI's permit, Permit2, EIP-3009, Seaport, CoW Protocol, EIP-2771, Safe, EIP-191, EIP-712)
//! with alloy's encoders and plain JSON, never with the review code.

mod common;

use alloy_consensus::{SignableTransaction, TxEip1559};
use alloy_primitives::{hex, Address, Bytes, TxKind, U256};
use alloy_sol_types::{sol, SolCall};
use common::eth::ACCOUNT0;
use common::{Sandbox, ABANDON};
use serde_json::{json, Value};

sol! {
    function transfer(address to, uint256 amount);
    function approve(address spender, uint256 amount);
    function increaseAllowance(address spender, uint256 addedValue);
    function setApprovalForAll(address operator, bool approved);
    function deposit();
    function withdraw(uint256 amount);
    function multiSend(bytes transactions);
    function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures);
}

fn addr(text: &str) -> Address {
    text.to_lowercase().parse().unwrap()
}

fn me() -> Address {
    addr(ACCOUNT0)
}
/// Someone new: no entry anywhere.
fn stranger() -> Address {
    addr("0x8ba1f109551bd432803012645ac136ddd64dba72")
}
/// The attacker.
fn attacker() -> Address {
    addr("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf")
}
/// An address-book entry ("Payroll").
fn payroll() -> Address {
    addr("0x2546bcd3c84621e976d8185a91a922ae77ecec30")
}
/// The Safe the signer co-owns.
fn safe() -> Address {
    addr("0x5afe5afe5afe5afe5afe5afe5afe5afe5afe0001")
}
fn usdc() -> Address {
    addr("0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48")
}
fn weth() -> Address {
    addr("0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2")
}
fn dai() -> Address {
    addr("0x6b175474e89094c44da98b954eedeac495271d0f")
}
fn permit2() -> Address {
    addr("0x000000000022d473030f116ddee9f6b43ac78ba3")
}
fn universal_router() -> Address {
    addr("0x3fc91a3afd70395cd496c647d5a6cc9d4b2b7fad")
}
fn seaport() -> Address {
    addr("0x0000000000000068f116a894984e2db1123eb395")
}
fn multisend() -> Address {
    addr("0x38869bf66a61cf6bdb996a6ae40d5853fd43b526")
}
fn cow_settlement() -> Address {
    addr("0x9008d19f58aabd9ed0d60971565aa8510560ab41")
}
fn mail_domain() -> Address {
    addr("0xcccccccccccccccccccccccccccccccccccccccc")
}
fn nft() -> Address {
    addr("0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d")
}

fn cs(a: Address) -> String {
    a.to_checksum(None)
}

fn pow10(n: u8) -> U256 {
    U256::from(10u8).pow(U256::from(n))
}

/// An unsigned EIP-1559 transaction on mainnet from the test account, as hex.
fn tx(to: Option<Address>, value: U256, data: Vec<u8>) -> String {
    tx_with_gas(to, value, data, 300_000, 30_000_000_000)
}

/// The same with a gas limit and a max fee per gas.
fn tx_with_gas(to: Option<Address>, value: U256, data: Vec<u8>, gas: u64, fee: u128) -> String {
    let tx = TxEip1559 {
        chain_id: 1,
        nonce: 7,
        gas_limit: gas,
        max_fee_per_gas: fee,
        max_priority_fee_per_gas: 1_000_000_000,
        to: to.map_or(TxKind::Create, TxKind::Call),
        value,
        access_list: Default::default(),
        input: data.into(),
    };
    hex::encode_prefixed(tx.encoded_for_signing())
}

fn eth(n: u64) -> U256 {
    U256::from(n) * pow10(18)
}

/// The Safe's execTransaction with a gas refund, as calldata.
fn exec(
    inner_to: Address,
    data: Vec<u8>,
    operation: u8,
    refund: (u64, u64, Address, Address),
) -> Vec<u8> {
    let (safe_tx_gas, gas_price, gas_token, receiver) = refund;
    execTransactionCall {
        to: inner_to,
        value: U256::ZERO,
        data: data.into(),
        operation,
        safeTxGas: U256::from(safe_tx_gas),
        baseGas: U256::from(if gas_price > 0 { 50_000u64 } else { 0 }),
        gasPrice: U256::from(gas_price),
        gasToken: gas_token,
        refundReceiver: receiver,
        signatures: Bytes::from(vec![0u8; 65]),
    }
    .abi_encode()
}

/// MultiSend's packed batch: operation ‖ to ‖ value ‖ data length ‖ data, per call.
fn multisend_batch(calls: &[(Address, Vec<u8>)]) -> Vec<u8> {
    let mut packed = Vec::new();
    for (to, data) in calls {
        packed.push(0u8);
        packed.extend_from_slice(to.as_slice());
        packed.extend_from_slice(&U256::ZERO.to_be_bytes::<32>());
        packed.extend_from_slice(&U256::from(data.len()).to_be_bytes::<32>());
        packed.extend_from_slice(data);
    }
    multiSendCall {
        transactions: packed.into(),
    }
    .abi_encode()
}

fn erc20_transfer(to: Address, amount: U256) -> Vec<u8> {
    transferCall { to, amount }.abi_encode()
}

fn erc20_approve(spender: Address, amount: U256) -> Vec<u8> {
    approveCall { spender, amount }.abi_encode()
}

/// EIP-712 typed data: `fields` declares every type but the domain, whose type is derived
/// from the domain object in the standard order.
fn typed(primary: &str, types: Value, domain: Value, message: Value) -> String {
    let mut types = types;
    let order = ["name", "version", "chainId", "verifyingContract", "salt"];
    let kinds = ["string", "string", "uint256", "address", "bytes32"];
    let domain_type: Vec<Value> = order
        .iter()
        .zip(kinds)
        .filter(|(n, _)| domain.get(**n).is_some())
        .map(|(n, t)| json!({"name": n, "type": t}))
        .collect();
    types["EIP712Domain"] = Value::Array(domain_type);
    json!({"types": types, "primaryType": primary, "domain": domain, "message": message})
        .to_string()
}

fn fields(list: &[(&str, &str)]) -> Value {
    Value::Array(
        list.iter()
            .map(|(n, t)| json!({"name": n, "type": t}))
            .collect(),
    )
}

fn eip2612(spender: Address, value: U256, with_chain: bool) -> String {
    let mut domain =
        json!({"name": "USD Coin", "version": "2", "chainId": 1, "verifyingContract": cs(usdc())});
    if !with_chain {
        domain.as_object_mut().unwrap().remove("chainId");
    }
    typed(
        "Permit",
        json!({"Permit": fields(&[("owner","address"),("spender","address"),("value","uint256"),("nonce","uint256"),("deadline","uint256")])}),
        domain,
        json!({"owner": cs(me()), "spender": cs(spender), "value": value.to_string(), "nonce": 0, "deadline": 1_900_000_000u64}),
    )
}

fn dai_permit(spender: Address, allowed: bool) -> String {
    typed(
        "Permit",
        json!({"Permit": fields(&[("holder","address"),("spender","address"),("nonce","uint256"),("expiry","uint256"),("allowed","bool")])}),
        json!({"name": "Dai Stablecoin", "version": "1", "chainId": 1, "verifyingContract": cs(dai())}),
        json!({"holder": cs(me()), "spender": cs(spender), "nonce": 0, "expiry": 1_900_000_000u64, "allowed": allowed}),
    )
}

fn permit2_domain(contract: Address) -> Value {
    json!({"name": "Permit2", "chainId": 1, "verifyingContract": cs(contract)})
}

fn permit_details() -> Value {
    fields(&[
        ("token", "address"),
        ("amount", "uint160"),
        ("expiration", "uint48"),
        ("nonce", "uint48"),
    ])
}

fn permit_single(contract: Address, spender: Address, amount: U256) -> String {
    typed(
        "PermitSingle",
        json!({"PermitSingle": fields(&[("details","PermitDetails"),("spender","address"),("sigDeadline","uint256")]), "PermitDetails": permit_details()}),
        permit2_domain(contract),
        json!({"details": {"token": cs(usdc()), "amount": amount.to_string(), "expiration": 1_900_000_000u64, "nonce": 0}, "spender": cs(spender), "sigDeadline": "1900000000"}),
    )
}

fn permit_batch(amounts: &[U256]) -> String {
    let tokens = [usdc(), weth(), dai()];
    let details: Vec<Value> = amounts
        .iter()
        .zip(tokens)
        .map(|(a, t)| json!({"token": cs(t), "amount": a.to_string(), "expiration": 1_900_000_000u64, "nonce": 0}))
        .collect();
    typed(
        "PermitBatch",
        json!({"PermitBatch": fields(&[("details","PermitDetails[]"),("spender","address"),("sigDeadline","uint256")]), "PermitDetails": permit_details()}),
        permit2_domain(permit2()),
        json!({"details": details, "spender": cs(universal_router()), "sigDeadline": "1900000000"}),
    )
}

fn permit_transfer(spender: Address, witness: bool) -> String {
    let mut types =
        json!({"TokenPermissions": fields(&[("token","address"),("amount","uint256")])});
    let mut message = json!({"permitted": {"token": cs(usdc()), "amount": (U256::from(250u64) * pow10(6)).to_string()}, "spender": cs(spender), "nonce": 1, "deadline": 1_900_000_000u64});
    let primary = if witness {
        types["PermitWitnessTransferFrom"] = fields(&[
            ("permitted", "TokenPermissions"),
            ("spender", "address"),
            ("nonce", "uint256"),
            ("deadline", "uint256"),
            ("witness", "Intent"),
        ]);
        types["Intent"] = fields(&[("recipient", "address"), ("note", "string")]);
        message["witness"] = json!({"recipient": cs(me()), "note": "swap"});
        "PermitWitnessTransferFrom"
    } else {
        types["PermitTransferFrom"] = fields(&[
            ("permitted", "TokenPermissions"),
            ("spender", "address"),
            ("nonce", "uint256"),
            ("deadline", "uint256"),
        ]);
        "PermitTransferFrom"
    };
    typed(primary, types, permit2_domain(permit2()), message)
}

fn eip3009(primary: &str, to: Address) -> String {
    typed(
        primary,
        json!({primary: fields(&[("from","address"),("to","address"),("value","uint256"),("validAfter","uint256"),("validBefore","uint256"),("nonce","bytes32")])}),
        json!({"name": "USD Coin", "version": "2", "chainId": 1, "verifyingContract": cs(usdc())}),
        json!({"from": cs(me()), "to": cs(to), "value": (U256::from(5_000u64) * pow10(6)).to_string(), "validAfter": 0, "validBefore": 1_900_000_000u64, "nonce": format!("0x{}", "11".repeat(32))}),
    )
}

/// A Seaport 1.6 listing of one NFT; `consideration` is (wei, recipient) per item.
fn seaport_listing(consideration: &[(U256, Address)]) -> String {
    seaport_listing_in(Address::ZERO, consideration)
}

/// The same, paid in ERC-20 `token` (the zero address: ether).
fn seaport_listing_in(token: Address, consideration: &[(U256, Address)]) -> String {
    let item_type = if token.is_zero() { 0 } else { 1 };
    let item = fields(&[
        ("itemType", "uint8"),
        ("token", "address"),
        ("identifierOrCriteria", "uint256"),
        ("startAmount", "uint256"),
        ("endAmount", "uint256"),
    ]);
    let mut citem = item.clone();
    citem
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "recipient", "type": "address"}));
    let cons: Vec<Value> = consideration
        .iter()
        .map(|(wei, to)| json!({"itemType": item_type, "token": cs(token), "identifierOrCriteria": 0, "startAmount": wei.to_string(), "endAmount": wei.to_string(), "recipient": cs(*to)}))
        .collect();
    typed(
        "OrderComponents",
        json!({
            "OrderComponents": fields(&[("offerer","address"),("zone","address"),("offer","OfferItem[]"),("consideration","ConsiderationItem[]"),("orderType","uint8"),("startTime","uint256"),("endTime","uint256"),("zoneHash","bytes32"),("salt","uint256"),("conduitKey","bytes32"),("counter","uint256")]),
            "OfferItem": item,
            "ConsiderationItem": citem
        }),
        json!({"name": "Seaport", "version": "1.6", "chainId": 1, "verifyingContract": cs(seaport())}),
        json!({
            "offerer": cs(me()), "zone": cs(Address::ZERO),
            "offer": [{"itemType": 2, "token": cs(nft()), "identifierOrCriteria": 1234, "startAmount": 1, "endAmount": 1}],
            "consideration": cons, "orderType": 0, "startTime": 1_700_000_000u64, "endTime": 1_900_000_000u64,
            "zoneHash": format!("0x{}", "00".repeat(32)), "salt": "12345", "conduitKey": format!("0x{}", "00".repeat(32)), "counter": 0
        }),
    )
}

fn cow_order(receiver: Address) -> String {
    typed(
        "Order",
        json!({"Order": fields(&[("sellToken","address"),("buyToken","address"),("receiver","address"),("sellAmount","uint256"),("buyAmount","uint256"),("validTo","uint32"),("appData","bytes32"),("feeAmount","uint256"),("kind","string"),("partiallyFillable","bool"),("sellTokenBalance","string"),("buyTokenBalance","string")])}),
        json!({"name": "Gnosis Protocol", "version": "v2", "chainId": 1, "verifyingContract": cs(cow_settlement())}),
        json!({"sellToken": cs(usdc()), "buyToken": cs(weth()), "receiver": cs(receiver), "sellAmount": "1000000000", "buyAmount": "300000000000000000", "validTo": 1_900_000_000u64, "appData": format!("0x{}", "00".repeat(32)), "feeAmount": "0", "kind": "sell", "partiallyFillable": false, "sellTokenBalance": "erc20", "buyTokenBalance": "erc20"}),
    )
}

fn forward_request(target: Address, data: Vec<u8>) -> String {
    typed(
        "ForwardRequest",
        json!({"ForwardRequest": fields(&[("from","address"),("to","address"),("value","uint256"),("gas","uint256"),("nonce","uint256"),("data","bytes")])}),
        json!({"name": "MinimalForwarder", "version": "0.0.1", "chainId": 1, "verifyingContract": cs(addr("0x4a0a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a10"))}),
        json!({"from": cs(me()), "to": cs(target), "value": 0, "gas": 100000, "nonce": 0, "data": hex::encode_prefixed(data)}),
    )
}

/// The Mail example of EIP-712 with `contents`.
fn mail(contents: &str) -> String {
    typed(
        "Mail",
        json!({"Person": fields(&[("name","string"),("wallet","address")]), "Mail": fields(&[("from","Person"),("to","Person"),("contents","string")])}),
        json!({"name": "Ether Mail", "version": "1", "chainId": 1, "verifyingContract": cs(mail_domain())}),
        json!({"from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"}, "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"}, "contents": contents}),
    )
}

/// A SafeTx (Safe ≥ 1.3.0 domain) calling `to` with `data`, with a refund.
fn safe_tx(
    to: Address,
    value: U256,
    data: Vec<u8>,
    refund: (u64, u64, Address, Address),
) -> String {
    let (safe_tx_gas, gas_price, gas_token, receiver) = refund;
    typed(
        "SafeTx",
        json!({"SafeTx": fields(&[("to","address"),("value","uint256"),("data","bytes"),("operation","uint8"),("safeTxGas","uint256"),("baseGas","uint256"),("gasPrice","uint256"),("gasToken","address"),("refundReceiver","address"),("nonce","uint256")])}),
        json!({"chainId": 1, "verifyingContract": cs(safe())}),
        json!({"to": cs(to), "value": value.to_string(), "data": hex::encode_prefixed(data), "operation": 0, "safeTxGas": safe_tx_gas.to_string(), "baseGas": if gas_price > 0 {"50000"} else {"0"}, "gasPrice": gas_price.to_string(), "gasToken": cs(gas_token), "refundReceiver": cs(receiver), "nonce": "5"}),
    )
}

/// A request: what the file holds.
enum Request {
    /// Unsigned transaction hex or typed-data JSON, inspected as a file.
    File(String),
    /// A personal message (made into an EIP-4527 request by `eth message --hex`).
    Message(Vec<u8>),
}

struct Case {
    name: &'static str,
    request: Request,
    /// Codes that count as catching it; empty for a benign case.
    codes: &'static [&'static str],
}

fn attack(name: &'static str, request: Request, codes: &'static [&'static str]) -> Case {
    Case {
        name,
        request,
        codes,
    }
}

fn benign(name: &'static str, request: Request) -> Case {
    Case {
        name,
        request,
        codes: &[],
    }
}

use Request::{File, Message};

/// A deceptive personal message and its plain twin.
fn message_pair(
    attack_name: &'static str,
    attack_text: &str,
    benign_name: &'static str,
    benign_text: &str,
) -> (Case, Case) {
    (
        attack(
            attack_name,
            Message(attack_text.as_bytes().to_vec()),
            &["eth.text.deceptive"],
        ),
        benign(benign_name, Message(benign_text.as_bytes().to_vec())),
    )
}

/// Attack and benign twin, pair by pair.
fn corpus() -> Vec<(Case, Case)> {
    let huge = U256::from(1u8) << 200;
    let tx_to = |to: Address, data: Vec<u8>| File(tx(Some(to), U256::ZERO, data));
    let no_refund = (0, 0, Address::ZERO, Address::ZERO);
    vec![
        (
            attack(
                "approve 2^200 (unlimited in effect, not 2^256-1)",
                tx_to(usdc(), erc20_approve(permit2(), huge)),
                &["eth.erc20.unlimited-approval"],
            ),
            benign(
                "bounded approval to the real Permit2",
                tx_to(
                    usdc(),
                    erc20_approve(permit2(), U256::from(100u64) * pow10(6)),
                ),
            ),
        ),
        (
            attack(
                "approve 10^13 whole USDC (6 decimals)",
                tx_to(
                    usdc(),
                    erc20_approve(permit2(), U256::from(10u64).pow(U256::from(19u8))),
                ),
                &["eth.erc20.unlimited-approval"],
            ),
            benign(
                "approve 1,000 USDC to Permit2",
                tx_to(
                    usdc(),
                    erc20_approve(permit2(), U256::from(1_000u64) * pow10(6)),
                ),
            ),
        ),
        (
            attack(
                "increaseAllowance by 2^255",
                tx_to(
                    dai(),
                    increaseAllowanceCall {
                        spender: universal_router(),
                        addedValue: U256::from(1u8) << 255,
                    }
                    .abi_encode(),
                ),
                &["eth.erc20.unlimited-approval"],
            ),
            benign(
                "ERC-20 transfer to a new address",
                tx_to(
                    usdc(),
                    erc20_transfer(stranger(), U256::from(25u64) * pow10(6)),
                ),
            ),
        ),
        (
            attack(
                "bounded approval to a stranger",
                tx_to(
                    usdc(),
                    erc20_approve(attacker(), U256::from(50u64) * pow10(6)),
                ),
                &["eth.erc20.unknown-spender"],
            ),
            benign(
                "bounded approval to an address-book entry",
                tx_to(
                    usdc(),
                    erc20_approve(payroll(), U256::from(50u64) * pow10(6)),
                ),
            ),
        ),
        (
            attack(
                "setApprovalForAll to a stranger",
                tx_to(
                    nft(),
                    setApprovalForAllCall {
                        operator: attacker(),
                        approved: true,
                    }
                    .abi_encode(),
                ),
                &["eth.nft.approval-for-all"],
            ),
            benign(
                "setApprovalForAll revoked",
                tx_to(
                    nft(),
                    setApprovalForAllCall {
                        operator: attacker(),
                        approved: false,
                    }
                    .abi_encode(),
                ),
            ),
        ),
        (
            attack(
                "USDC sent to the USDC contract",
                tx_to(
                    usdc(),
                    erc20_transfer(usdc(), U256::from(900u64) * pow10(6)),
                ),
                &["eth.value.unrecoverable"],
            ),
            benign(
                "USDC sent to a new address",
                tx_to(
                    usdc(),
                    erc20_transfer(stranger(), U256::from(900u64) * pow10(6)),
                ),
            ),
        ),
        (
            attack(
                "USDC sent to the WETH contract",
                tx_to(
                    usdc(),
                    erc20_transfer(weth(), U256::from(900u64) * pow10(6)),
                ),
                &["eth.value.unrecoverable"],
            ),
            benign(
                "USDC sent to an address-book entry",
                tx_to(
                    usdc(),
                    erc20_transfer(payroll(), U256::from(900u64) * pow10(6)),
                ),
            ),
        ),
        (
            attack(
                "ether sent to the SHA-256 precompile",
                File(tx(
                    Some(addr("0x0000000000000000000000000000000000000002")),
                    eth(3),
                    Vec::new(),
                )),
                &["eth.value.unrecoverable"],
            ),
            benign(
                "ordinary transfer to a new address",
                File(tx(Some(stranger()), eth(3), Vec::new())),
            ),
        ),
        (
            attack(
                "ether sent to the zero address",
                File(tx(Some(Address::ZERO), eth(1), Vec::new())),
                &["eth.value.unrecoverable"],
            ),
            benign(
                "ether sent to an address-book entry",
                File(tx(Some(payroll()), eth(1), Vec::new())),
            ),
        ),
        (
            attack(
                "ether sent to the USDC contract",
                File(tx(Some(usdc()), eth(2), Vec::new())),
                &["eth.value.unrecoverable"],
            ),
            benign(
                "ether wrapped with WETH deposit()",
                File(tx(Some(weth()), eth(2), depositCall {}.abi_encode())),
            ),
        ),
        (
            attack(
                "contract creation with value",
                File(tx(None, eth(5), vec![0x60, 0x00, 0x60, 0x00, 0xf3])),
                &["eth.value.unrecoverable", "eth.contract.create"],
            ),
            benign(
                "small transfer to a new address",
                File(tx(
                    Some(stranger()),
                    U256::from(10u64).pow(U256::from(15u8)),
                    Vec::new(),
                )),
            ),
        ),
        (
            attack(
                "Safe execTransaction refunds gas to a stranger",
                tx_to(
                    safe(),
                    exec(
                        stranger(),
                        Vec::new(),
                        0,
                        (100_000, 1_000_000_000_000, Address::ZERO, attacker()),
                    ),
                ),
                &["eth.safe.refund"],
            ),
            benign(
                "Safe execTransaction with no refund",
                tx_to(
                    safe(),
                    exec(
                        usdc(),
                        erc20_transfer(stranger(), U256::from(10u64) * pow10(6)),
                        0,
                        no_refund,
                    ),
                ),
            ),
        ),
        (
            attack(
                "SafeTx refund to tx.origin (refundReceiver 0)",
                File(safe_tx(
                    stranger(),
                    eth(1),
                    Vec::new(),
                    (60_000, 200_000_000_000, Address::ZERO, Address::ZERO),
                )),
                &["eth.safe.refund"],
            ),
            benign(
                "SafeTx paying ether, no refund",
                File(safe_tx(stranger(), eth(1), Vec::new(), no_refund)),
            ),
        ),
        (
            attack(
                "SafeTx refund in USDC, unbounded (safeTxGas 0), to a stranger",
                File(safe_tx(
                    payroll(),
                    eth(1),
                    Vec::new(),
                    (0, 1_000_000, usdc(), attacker()),
                )),
                &["eth.safe.refund"],
            ),
            benign(
                "SafeTx refund to the signer itself",
                File(safe_tx(
                    payroll(),
                    eth(1),
                    Vec::new(),
                    (60_000, 1_000_000_000, Address::ZERO, me()),
                )),
            ),
        ),
        (
            attack(
                "MultiSend batch hides an unlimited approval",
                tx_to(
                    safe(),
                    exec(
                        multisend(),
                        multisend_batch(&[
                            (
                                usdc(),
                                erc20_transfer(payroll(), U256::from(5u64) * pow10(6)),
                            ),
                            (usdc(), erc20_approve(attacker(), U256::MAX)),
                        ]),
                        1,
                        no_refund,
                    ),
                ),
                &["eth.erc20.unlimited-approval", "eth.erc20.unknown-spender"],
            ),
            benign(
                "MultiSend batch payout",
                tx_to(
                    safe(),
                    exec(
                        multisend(),
                        multisend_batch(&[
                            (
                                usdc(),
                                erc20_transfer(payroll(), U256::from(5u64) * pow10(6)),
                            ),
                            (
                                usdc(),
                                erc20_transfer(stranger(), U256::from(7u64) * pow10(6)),
                            ),
                        ]),
                        1,
                        no_refund,
                    ),
                ),
            ),
        ),
        (
            attack(
                "EIP-2612 permit to a stranger",
                File(eip2612(attacker(), U256::from(100u64) * pow10(6), true)),
                &["eth.permit", "eth.erc20.unknown-spender"],
            ),
            benign(
                "EIP-2612 permit of 100 USDC to Permit2",
                File(eip2612(permit2(), U256::from(100u64) * pow10(6), true)),
            ),
        ),
        (
            attack(
                "EIP-2612 permit without chainId (replayable on every chain)",
                File(eip2612(permit2(), U256::from(100u64) * pow10(6), false)),
                &["eth.typed-data.any-chain"],
            ),
            benign(
                "EIP-2612 permit of 5 USDC to Permit2",
                File(eip2612(permit2(), U256::from(5u64) * pow10(6), true)),
            ),
        ),
        (
            attack(
                "DAI permit allowed=true (unlimited)",
                File(dai_permit(universal_router(), true)),
                &["eth.erc20.unlimited-approval", "eth.permit"],
            ),
            benign(
                "DAI permit allowed=false (revocation)",
                File(dai_permit(universal_router(), false)),
            ),
        ),
        (
            attack(
                "Permit2 PermitSingle for a fake Permit2 contract",
                File(permit_single(
                    addr("0x000000000022d473030f116ddee9f6b43ac7aaaa"),
                    universal_router(),
                    U256::from(100u64) * pow10(6),
                )),
                &["eth.typed-data.unrecognised", "addr.lookalike"],
            ),
            benign(
                "Permit2 PermitSingle of 100 USDC to the Universal Router",
                File(permit_single(
                    permit2(),
                    universal_router(),
                    U256::from(100u64) * pow10(6),
                )),
            ),
        ),
        (
            attack(
                "Permit2 PermitSingle to a stranger",
                File(permit_single(
                    permit2(),
                    attacker(),
                    U256::from(100u64) * pow10(6),
                )),
                &["eth.permit", "eth.erc20.unknown-spender"],
            ),
            benign(
                "Permit2 PermitSingle of 1 USDC to the Universal Router",
                File(permit_single(permit2(), universal_router(), pow10(6))),
            ),
        ),
        (
            attack(
                "Permit2 PermitBatch hides one unlimited token",
                File(permit_batch(&[
                    U256::from(10u64) * pow10(6),
                    (U256::from(1u8) << 160) - U256::from(1u8),
                    pow10(18),
                ])),
                &["eth.erc20.unlimited-approval", "eth.permit"],
            ),
            benign(
                "Permit2 PermitBatch, all bounded",
                File(permit_batch(&[
                    U256::from(10u64) * pow10(6),
                    pow10(17),
                    pow10(18),
                ])),
            ),
        ),
        (
            attack(
                "Permit2 PermitTransferFrom to a stranger",
                File(permit_transfer(attacker(), false)),
                &["eth.permit", "eth.erc20.unknown-spender"],
            ),
            benign(
                "Permit2 PermitTransferFrom to the Universal Router",
                File(permit_transfer(universal_router(), false)),
            ),
        ),
        (
            attack(
                "Permit2 PermitWitnessTransferFrom to a stranger",
                File(permit_transfer(attacker(), true)),
                &["eth.permit", "eth.erc20.unknown-spender"],
            ),
            benign(
                "Permit2 PermitWitnessTransferFrom to the Universal Router",
                File(permit_transfer(universal_router(), true)),
            ),
        ),
        (
            attack(
                "EIP-3009 TransferWithAuthorization to a stranger",
                File(eip3009("TransferWithAuthorization", attacker())),
                &["eth.permit"],
            ),
            benign(
                "EIP-3009 TransferWithAuthorization to an address-book entry",
                File(eip3009("TransferWithAuthorization", payroll())),
            ),
        ),
        (
            attack(
                "EIP-3009 ReceiveWithAuthorization to a stranger",
                File(eip3009("ReceiveWithAuthorization", attacker())),
                &["eth.permit"],
            ),
            benign(
                "EIP-3009 ReceiveWithAuthorization to the signer",
                File(eip3009("ReceiveWithAuthorization", me())),
            ),
        ),
        (
            attack(
                "Seaport listing that pays the offerer nothing",
                File(seaport_listing(&[(eth(10), attacker())])),
                &["eth.order.one-sided"],
            ),
            benign(
                "Seaport listing for 10 ETH with a 2.5% fee",
                File(seaport_listing(&[
                    (eth(10), me()),
                    (
                        U256::from(25u64) * pow10(16),
                        addr("0x0000a26b00c1f0df003000390027140000faa719"),
                    ),
                ])),
            ),
        ),
        (
            attack(
                "Seaport listing whose fee exceeds the price",
                File(seaport_listing(&[(pow10(15), me()), (eth(9), attacker())])),
                &["eth.order.one-sided"],
            ),
            benign(
                "Seaport listing for 1 ETH",
                File(seaport_listing(&[(eth(1), me())])),
            ),
        ),
        (
            attack(
                "Seaport listing paid only in a token nobody can name",
                File(seaport_listing_in(
                    addr("0x3333333333333333333333333333333333333333"),
                    &[(eth(1000), me())],
                )),
                &["eth.order.one-sided"],
            ),
            benign(
                "Seaport listing paid in WETH",
                File(seaport_listing_in(weth(), &[(eth(2), me())])),
            ),
        ),
        (
            attack(
                "CoW order paying a stranger",
                File(cow_order(attacker())),
                &["eth.order.one-sided"],
            ),
            benign(
                "CoW order paying the signer (receiver 0)",
                File(cow_order(Address::ZERO)),
            ),
        ),
        (
            attack(
                "ForwardRequest carrying an unlimited approval",
                File(forward_request(
                    usdc(),
                    erc20_approve(attacker(), U256::MAX),
                )),
                &["eth.erc20.unlimited-approval", "eth.erc20.unknown-spender"],
            ),
            benign(
                "ForwardRequest carrying a USDC transfer",
                File(forward_request(
                    usdc(),
                    erc20_transfer(stranger(), U256::from(3u64) * pow10(6)),
                )),
            ),
        ),
        (
            attack(
                "unknown typed data (an exchange order) from an unlisted domain",
                File(typed(
                    "Order",
                    json!({"Order": fields(&[("maker","address"),("asset","address"),("amount","uint256")])}),
                    json!({"name": "Some Exchange", "version": "1", "chainId": 1, "verifyingContract": cs(addr("0x1111222233334444555566667777888899990000"))}),
                    json!({"maker": cs(me()), "asset": cs(usdc()), "amount": "1000000000"}),
                )),
                &["eth.typed-data.unrecognised"],
            ),
            benign(
                "the EIP-712 Mail example, its domain in the address book",
                File(mail("Hello, Bob!")),
            ),
        ),
        (
            attack(
                "typed data with a duplicate spender key",
                File(eip2612(permit2(), pow10(6), true).replacen(
                    "\"spender\":",
                    &format!("\"spender\":\"{}\",\"spender\":", cs(attacker())),
                    1,
                )),
                &[],
            ),
            benign(
                "EIP-2612 permit of 1 USDC to Permit2",
                File(eip2612(permit2(), pow10(6), true)),
            ),
        ),
        (
            attack(
                "typed data whose EIP712Domain type leaves out chainId",
                File(mail("Hello").replacen("{\"name\":\"chainId\",\"type\":\"uint256\"},", "", 1)),
                &[],
            ),
            benign("the Mail example saying hello", File(mail("Hello"))),
        ),
        (
            attack(
                "typed data with a boolean written as a string",
                File(
                    dai_permit(universal_router(), false)
                        .replace("\"allowed\":false", "\"allowed\":\"false\""),
                ),
                &[],
            ),
            benign(
                "DAI permit revocation",
                File(dai_permit(universal_router(), false)),
            ),
        ),
        (
            attack(
                "typed data with trailing data",
                File(mail("Hi") + "{}"),
                &[],
            ),
            benign("the Mail example saying hi", File(mail("Hi"))),
        ),
        (
            attack(
                "typed-data string with a right-to-left override",
                File(mail("pay 100 to \u{202E}0001 tnuocca")),
                &["eth.text.deceptive"],
            ),
            benign("typed-data string in Cyrillic", File(mail("Привет, Боб"))),
        ),
        message_pair(
            "personal message with a right-to-left override",
            "Sign in to example.com \u{202E}moc.live",
            "personal message to sign in",
            "Sign in to example.com\nNonce: 8f2a",
        ),
        message_pair(
            "personal message with zero-width characters",
            "Approve\u{200B}only\u{200D} login",
            "personal message with plain words",
            "Approve only login",
        ),
        message_pair(
            "personal message with a Cyrillic letter inside a Latin word",
            "Sign in to p\u{0430}ypal.com",
            "personal message in Russian",
            "Войти на сайт",
        ),
        (
            attack(
                "call to a fake USDC (look-alike of the real contract)",
                tx_to(
                    addr("0xa0b800000000000000000000000000000006eb48"),
                    erc20_transfer(stranger(), pow10(6)),
                ),
                &["addr.lookalike"],
            ),
            benign(
                "call to the real USDC",
                tx_to(usdc(), erc20_transfer(stranger(), pow10(6))),
            ),
        ),
        (
            attack(
                "DAI permit allowed=true to a stranger",
                File(dai_permit(attacker(), true)),
                &["eth.erc20.unlimited-approval", "eth.permit"],
            ),
            benign(
                "DAI permit revoking a stranger",
                File(dai_permit(attacker(), false)),
            ),
        ),
        (
            attack(
                "a Permit whose amount field is not EIP-2612's (another contract's struct)",
                File(eip2612(attacker(), pow10(6), true).replace("\"value\"", "\"amount\"")),
                &["eth.typed-data.unrecognised"],
            ),
            benign(
                "EIP-2612 permit of 2 USDC to Permit2",
                File(eip2612(permit2(), U256::from(2u8) * pow10(6), true)),
            ),
        ),
        (
            attack(
                "deposit() with ether into an unknown contract",
                File(tx(Some(stranger()), eth(4), depositCall {}.abi_encode())),
                &["eth.calldata.blind"],
            ),
            benign(
                "WETH withdraw (unwrap)",
                tx_to(weth(), withdrawCall { amount: eth(4) }.abi_encode()),
            ),
        ),
        message_pair(
            "personal message hiding text behind a zero-width joiner between letters",
            "I agree\u{200D}to transfer",
            "personal message with emoji",
            "gm \u{2764}\u{FE0F} \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}",
        ),
        (
            attack(
                "USDC sent to the Permit2 contract",
                tx_to(
                    usdc(),
                    erc20_transfer(permit2(), U256::from(40u64) * pow10(6)),
                ),
                &["eth.value.unrecoverable"],
            ),
            benign(
                "USDC approved to the Permit2 contract",
                tx_to(
                    usdc(),
                    erc20_approve(permit2(), U256::from(40u64) * pow10(6)),
                ),
            ),
        ),
        (
            attack(
                "ether sent to Seaport with no call",
                File(tx(Some(seaport()), eth(1), Vec::new())),
                &["eth.value.unrecoverable"],
            ),
            benign(
                "ether sent to WETH with no call (its receive function wraps it)",
                File(tx(Some(weth()), eth(1), Vec::new())),
            ),
        ),
        (
            attack(
                "a fee of up to 27 ETH (30M gas at 900 gwei)",
                File(tx_with_gas(
                    Some(stranger()),
                    eth(1),
                    Vec::new(),
                    30_000_000,
                    900_000_000_000,
                )),
                &["eth.fee.high"],
            ),
            benign(
                "a transfer with a 21,000 gas, 50 gwei fee",
                File(tx_with_gas(
                    Some(stranger()),
                    eth(1),
                    Vec::new(),
                    21_000,
                    50_000_000_000,
                )),
            ),
        ),
        (
            attack(
                "transfer to a look-alike of the signer's own address",
                File(tx(
                    Some(addr("0x9858000000000000000000000000000000000a94")),
                    eth(1),
                    Vec::new(),
                )),
                &["addr.lookalike"],
            ),
            benign(
                "transfer to the signer's own address",
                File(tx(Some(me()), eth(1), Vec::new())),
            ),
        ),
    ]
}

fn inspect(sb: &Sandbox, case: &Case, n: usize) -> (i32, Vec<(String, String)>) {
    let file = match &case.request {
        File(text) => {
            let name = format!("case{n}.txt");
            std::fs::write(sb.path(&name), text).unwrap();
            name
        }
        Message(bytes) => {
            let name = format!("case{n}.ur");
            sb.run(
                &[
                    "eth",
                    "message",
                    "--hex",
                    &hex::encode_prefixed(bytes),
                    "--from",
                    ACCOUNT0,
                    "-o",
                    &name,
                ],
                "",
            )
            .ok();
            name
        }
    };
    let out = sb.run_keyed(&["--json", "eth", "inspect", &file], "");
    if out.code != 0 {
        return (out.code, Vec::new());
    }
    let review = out.json();
    let warnings = review["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["code"].as_str().unwrap().to_string(),
                w["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (0, warnings)
}

fn serious(severity: &str) -> bool {
    severity == "high" || severity == "deny"
}

#[test]
fn every_attack_is_caught_and_every_benign_twin_stays_clean() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    for (label, address) in [
        ("Payroll", payroll()),
        ("Ether Mail", mail_domain()),
        ("Treasury Safe", safe()),
    ] {
        sb.run_keyed(&["address", "add", label, &cs(address)], "")
            .ok();
    }
    let corpus = corpus();
    assert!(corpus.len() >= 20);
    let mut failures = Vec::new();
    let mut n = 0;
    for (bad, good) in &corpus {
        n += 1;
        let (code, warnings) = inspect(&sb, bad, n);
        let caught = code != 0
            || warnings
                .iter()
                .any(|(c, s)| serious(s) && bad.codes.contains(&c.as_str()));
        if !caught {
            failures.push(format!(
                "MISSED attack {:?}: exit {code}, {warnings:?}",
                bad.name
            ));
        }
        n += 1;
        let (code, warnings) = inspect(&sb, good, n);
        let clean = code == 0 && !warnings.iter().any(|(_, s)| serious(s));
        if !clean {
            failures.push(format!(
                "FALSE ALARM on benign {:?}: exit {code}, {warnings:?}",
                good.name
            ));
        }
    }
    eprintln!(
        "{} attacks, {} benign twins, {} failures",
        corpus.len(),
        corpus.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_review_lists_every_movement_with_its_amount() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let refund = safe_tx(
        payroll(),
        eth(1),
        Vec::new(),
        (100_000, 1_000_000_000, Address::ZERO, attacker()),
    );
    std::fs::write(sb.path("refund.json"), refund).unwrap();
    let review = sb
        .run_keyed(&["--json", "eth", "inspect", "refund.json"], "")
        .ok()
        .json();
    let movements = review["movements"].as_array().unwrap();
    let kinds: Vec<&str> = movements
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["refund", "native"], "{movements:#?}");
    // gasPrice × (safeTxGas + baseGas) = 1 gwei × 150,000 gas.
    assert_eq!(movements[0]["raw_amount"], "150000000000000");
    assert_eq!(movements[1]["raw_amount"], eth(1).to_string());
}

#[test]
fn a_policy_vouches_for_a_typed_data_domain_as_the_address_book_does() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    std::fs::write(sb.path("mail.json"), mail("Hello, Bob!")).unwrap();
    let sign = |policy: Option<&str>| {
        let mut args = vec!["eth", "sign", "mail.json", "-o", "mail.sig", "--yes"];
        if let Some(p) = policy {
            args.extend(["--policy", p]);
        }
        sb.run_keyed(&args, "")
    };
    // Unexplained and vouched for by no one: high, so --yes refuses.
    let refused = sign(None).fails_after_review(1);
    assert!(refused.stderr.contains("eth.typed-data.unrecognised"));
    let policy = |file: &str, label: &str, contract: Address| {
        sb.write_policy(file, format!(
                "[ethereum]\n[[ethereum.contracts]]\nlabel = \"{label}\"\naddress = \"{}\"\nselectors = []\n",
                cs(contract)
            ));
    };
    // A policy whose contracts list other contracts denies it.
    policy("other.toml", "USDC", usdc());
    let denied = sign(Some("other.toml")).fails_after_review(1);
    assert!(
        denied.stderr.contains("ethereum.contracts"),
        "{}",
        denied.stderr
    );
    // A policy that lists the domain's contract vouches for it.
    policy("mail.toml", "Ether Mail", mail_domain());
    sign(Some("mail.toml")).ok();
    assert!(sb.path("mail.sig").exists());
}

#[test]
fn imported_tokens_name_amounts_and_catch_their_look_alikes() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let token = addr("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
    let list = |address: &str| {
        json!({"name": "Example list", "timestamp": "2026-01-01T00:00:00Z",
               "version": {"major": 1, "minor": 0, "patch": 0},
               "tokens": [{"chainId": 1, "address": address, "name": "Example", "symbol": "EXM", "decimals": 9}]})
        .to_string()
    };
    std::fs::write(sb.path("lower.json"), list(&format!("{token:x}"))).unwrap();
    sb.run_keyed(&["address", "import-tokens", "lower.json", "--yes"], "")
        .fails_with(2);
    std::fs::write(sb.path("list.json"), list(&cs(token))).unwrap();
    // Refused without a confirmation when stdin is not a terminal; shown when accepted.
    sb.run_keyed(&["address", "import-tokens", "list.json"], "")
        .fails_with(2);
    let shown = sb
        .run_keyed(&["address", "import-tokens", "list.json", "--yes"], "")
        .ok();
    assert!(shown.stderr.contains("EXM"), "{}", shown.stderr);
    std::fs::write(
        sb.path("pay.hex"),
        tx(
            Some(token),
            U256::ZERO,
            erc20_transfer(stranger(), U256::from(1_500_000_000u64)),
        ),
    )
    .unwrap();
    let review = sb
        .run_keyed(&["--json", "eth", "inspect", "pay.hex"], "")
        .ok()
        .json();
    let kinds: Vec<&str> = review["movements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["fee", "token-transfer"]);
    assert!(
        review["movements"][1]["amount"]
            .as_str()
            .unwrap()
            .starts_with("1.5 EXM"),
        "{review:#}"
    );
    let fake = addr("0x5aa00000000000000000000000000000000beaed");
    std::fs::write(
        sb.path("fake.hex"),
        tx(Some(fake), U256::ZERO, erc20_transfer(stranger(), pow10(9))),
    )
    .unwrap();
    let review = sb
        .run_keyed(&["--json", "eth", "inspect", "fake.hex"], "")
        .ok()
        .json();
    assert!(review.to_string().contains("addr.lookalike"), "{review:#}");
}

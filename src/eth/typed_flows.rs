//! Typed data that moves value by signature alone, decoded like calls: EIP-2612 and DAI
//! permits, Permit2 (allowances, transfers, witness transfers, single and batch), EIP-3009
//! transfer and receive authorisations, Seaport and CoW Protocol orders, and meta-transactions
//! that carry a call (EIP-2771 ForwardRequest, native MetaTransaction), whose inner call is
//! decoded like any other. What is not one of these is not explained.

use alloy_dyn_abi::TypedData;
use alloy_primitives::{Address, Bytes, U256};
use serde_json::Value;

use super::calldata::{Call, Decoder, Operation, RawCall, Touch};
use super::flows::{Movement, MovementKind};
use super::registry::ContractKind;
use super::typed_data::{address_field, uint_field};
use crate::i18n::Text;
use crate::review::Severity;

const PLACE: &str = "typed data";

// The encodeType strings of the structs the signer explains, as their contracts hash them: a
// struct is recognised by its exact type (the contract checks the same type hash), never by
// its name alone.
const EIP2612: &str =
    "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)";
const DAI_PERMIT: &str =
    "Permit(address holder,address spender,uint256 nonce,uint256 expiry,bool allowed)";
const PERMIT_DETAILS: &str =
    "PermitDetails(address token,uint160 amount,uint48 expiration,uint48 nonce)";
const TOKEN_PERMISSIONS: &str = "TokenPermissions(address token,uint256 amount)";
const PERMIT2_STRUCTS: &[&str] = &[
    "PermitSingle(PermitDetails details,address spender,uint256 sigDeadline)",
    "PermitBatch(PermitDetails[] details,address spender,uint256 sigDeadline)",
    "PermitTransferFrom(TokenPermissions permitted,address spender,uint256 nonce,uint256 deadline)",
    "PermitBatchTransferFrom(TokenPermissions[] permitted,address spender,uint256 nonce,uint256 deadline)",
];
/// Witness transfers: these fields, then `witness` of any type (shown field by field).
const PERMIT2_WITNESS: &[&str] = &[
    "PermitWitnessTransferFrom(TokenPermissions permitted,address spender,uint256 nonce,uint256 deadline,",
    "PermitBatchWitnessTransferFrom(TokenPermissions[] permitted,address spender,uint256 nonce,uint256 deadline,",
];
const EIP3009: &[&str] = &[
    "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)",
    "ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)",
];
const EIP3009_CANCEL: &str = "CancelAuthorization(address authorizer,bytes32 nonce)";
const SEAPORT_ORDER: &str = "OrderComponents(address offerer,address zone,OfferItem[] offer,ConsiderationItem[] consideration,uint8 orderType,uint256 startTime,uint256 endTime,bytes32 zoneHash,uint256 salt,bytes32 conduitKey,uint256 counter)ConsiderationItem(uint8 itemType,address token,uint256 identifierOrCriteria,uint256 startAmount,uint256 endAmount,address recipient)OfferItem(uint8 itemType,address token,uint256 identifierOrCriteria,uint256 startAmount,uint256 endAmount)";
const COW_ORDER: &str = "Order(address sellToken,address buyToken,address receiver,uint256 sellAmount,uint256 buyAmount,uint32 validTo,bytes32 appData,uint256 feeAmount,string kind,bool partiallyFillable,string sellTokenBalance,string buyTokenBalance)";
/// OpenZeppelin MinimalForwarder and ERC2771Forwarder.
const FORWARD_REQUEST: &[&str] = &[
    "ForwardRequest(address from,address to,uint256 value,uint256 gas,uint256 nonce,bytes data)",
    "ForwardRequest(address from,address to,uint256 value,uint256 gas,uint256 nonce,uint48 deadline,bytes data)",
];
const META_TRANSACTION: &str =
    "MetaTransaction(uint256 nonce,address from,bytes functionSignature)";

/// Whether `encoded` is one of the Permit2 structs (its referenced types appended).
fn is_permit2(encoded: &str) -> bool {
    PERMIT2_STRUCTS.iter().any(|s| {
        encoded == format!("{s}{PERMIT_DETAILS}") || encoded == format!("{s}{TOKEN_PERMISSIONS}")
    }) || PERMIT2_WITNESS
        .iter()
        .any(|p| encoded.starts_with(p) && encoded.contains(TOKEN_PERMISSIONS))
}

/// Decodes `typed`'s value movements into `decoder`. Returns the calls a meta-transaction
/// carries, or `None` when the signer cannot explain the typed data: its struct is not one of
/// the above, or its domain is not the contract that struct belongs to.
pub fn explain(typed: &TypedData, decoder: &mut Decoder<'_>) -> Option<Vec<Call>> {
    let m = &typed.message;
    let contract = typed.domain.verifying_contract;
    let kind = contract
        .and_then(|c| decoder.known.registry.contract(decoder.chain_id, c))
        .map(|c| c.kind);
    let encoded = typed.encode_type().ok()?;
    let encoded = encoded.as_str();
    let explained = match encoded {
        _ if is_permit2(encoded) => {
            (kind == Some(ContractKind::Permit2)).then(|| permit2(m, decoder))
        }
        EIP2612 | DAI_PERMIT => contract.map(|token| permit(m, token, decoder)),
        _ if EIP3009.contains(&encoded) => {
            contract.and_then(|token| authorization(m, token, decoder))
        }
        EIP3009_CANCEL => Some(()),
        SEAPORT_ORDER if kind == Some(ContractKind::Marketplace) => seaport(m, decoder),
        COW_ORDER if kind == Some(ContractKind::Settlement) => cow_order(m, decoder),
        _ if FORWARD_REQUEST.contains(&encoded) => {
            return forwarded(m, address_field(m, "/to"), "data", decoder).map(|c| vec![c])
        }
        META_TRANSACTION => {
            return forwarded(m, contract, "functionSignature", decoder).map(|c| vec![c])
        }
        _ => None,
    };
    explained.map(|()| Vec::new())
}

/// The shown deadline, unless it is "never" in effect.
fn until(m: &Value, pointer: &str) -> Option<U256> {
    uint_field(m, pointer)
}

/// One summary of a signature that moves value: high when `risky` (an unlimited right, or a
/// party the signer cannot name), since a signature is a bearer instrument: whoever holds it
/// can use it until its deadline, and nothing of it shows in the account's history.
fn summarise(decoder: &mut Decoder<'_>, what: &str, first_movement: usize, risky: bool) {
    let list = decoder.movements[first_movement..]
        .iter()
        .map(|mv| format!("{} of {} to {}", mv.amount, mv.asset, mv.to))
        .collect::<Vec<_>>()
        .join("; ");
    decoder.warn(
        "eth.permit",
        if risky {
            Severity::High
        } else {
            Severity::Warning
        },
        Text::new("warning-eth-permit")
            .arg("what", what)
            .arg("list", list),
    );
}

/// Whether a right for `spender` over the movements since `first` is risky: unlimited, or
/// non-zero for a spender the signer cannot name (a zero right is a revocation).
fn risky_right(decoder: &Decoder<'_>, first: usize, spender: Address) -> bool {
    let rights = &decoder.movements[first..];
    let granted = rights
        .iter()
        .any(|mv| mv.raw_amount.as_deref() != Some("0"));
    rights.iter().any(|mv| mv.unlimited) || (granted && !decoder.is_known(spender))
}

fn permit2(m: &Value, decoder: &mut Decoder<'_>) {
    let first = decoder.movements.len();
    let spender = address_field(m, "/spender").unwrap_or_default();
    let deadline = until(m, "/sigDeadline").or_else(|| until(m, "/deadline"));
    // Allowances (`details`, each with its expiration) and transfers (`permitted`, until the
    // signature's deadline); one item or an array of them.
    for (key, kind) in [
        ("details", MovementKind::SignedApproval),
        ("permitted", MovementKind::SignedTransfer),
    ] {
        let items = match m.get(key) {
            Some(Value::Array(items)) => items.clone(),
            Some(item) => vec![item.clone()],
            None => Vec::new(),
        };
        for item in items {
            let token = address_field(&item, "/token").unwrap_or_default();
            let amount = uint_field(&item, "/amount").unwrap_or_default();
            let expiry = until(&item, "/expiration").or(deadline);
            decoder.approval(PLACE, kind, token, spender, amount, expiry);
        }
    }
    let risky = risky_right(decoder, first, spender);
    summarise(decoder, "permit2", first, risky);
}

fn permit(m: &Value, token: Address, decoder: &mut Decoder<'_>) {
    let first = decoder.movements.len();
    let spender = address_field(m, "/spender").unwrap_or_default();
    // EIP-2612 `value`; DAI's older permit has `allowed: true` for unlimited.
    let amount = uint_field(m, "/value").unwrap_or_else(|| {
        if m.get("allowed").and_then(Value::as_bool) == Some(true) {
            U256::MAX
        } else {
            U256::ZERO
        }
    });
    let deadline = until(m, "/deadline").or_else(|| until(m, "/expiry"));
    decoder.approval(
        PLACE,
        MovementKind::SignedApproval,
        token,
        spender,
        amount,
        deadline,
    );
    let risky = risky_right(decoder, first, spender);
    summarise(decoder, "permit", first, risky);
}

fn authorization(m: &Value, token: Address, decoder: &mut Decoder<'_>) -> Option<()> {
    let first = decoder.movements.len();
    let from = address_field(m, "/from")?;
    let to = address_field(m, "/to")?;
    let value = uint_field(m, "/value")?;
    decoder.movements.push(Movement {
        place: PLACE.into(),
        kind: MovementKind::SignedTransfer,
        from: decoder.show_address(from),
        to: decoder.show_address(to),
        asset: decoder.show_address(token),
        amount: decoder.token_amount(token, value).into(),
        raw_amount: Some(value.to_string()),
        unlimited: false,
        until: until(m, "/validBefore").map(|u| u.to_string()),
    });
    decoder.check_token_recipient(PLACE, token, to);
    decoder.touches.push(Touch::Recipient(to));
    let risky = !decoder.is_ours_or_listed(to);
    summarise(decoder, "eip3009", first, risky);
    Some(())
}

/// A Seaport item: (asset shown, amount shown, the larger of its start and end amounts).
fn seaport_item(item: &Value, decoder: &Decoder<'_>) -> Option<(String, Text, U256)> {
    let kind = u8::try_from(uint_field(item, "/itemType")?).ok()?;
    let token = address_field(item, "/token")?;
    let id = uint_field(item, "/identifierOrCriteria")?;
    let start = uint_field(item, "/startAmount")?;
    let end = uint_field(item, "/endAmount")?;
    let amount = start.max(end);
    let symbol = super::chains::symbol(decoder.chain_id);
    let asset = match kind {
        0 => symbol.to_string(),
        1 => decoder.show_address(token),
        2 | 3 => format!("NFT #{id} of {}", decoder.show_address(token)),
        4 | 5 => format!(
            "any NFT matching criteria {id} of {}",
            decoder.show_address(token)
        ),
        _ => return None,
    };
    let shown = match kind {
        0 => Text::verbatim(format!("{} {symbol}", super::format_amount(amount, 18))),
        1 => decoder.token_amount(token, amount),
        _ => Text::verbatim(amount),
    };
    Some((asset, shown, amount))
}

fn seaport(m: &Value, decoder: &mut Decoder<'_>) -> Option<()> {
    let offerer = address_field(m, "/offerer")?;
    let until_time = until(m, "/endTime").map(|u| u.to_string());
    let mut offered = 0usize;
    for item in m.get("offer")?.as_array()? {
        let (asset, amount, raw) = seaport_item(item, decoder)?;
        offered += 1;
        decoder.movements.push(Movement {
            place: PLACE.into(),
            kind: MovementKind::OrderOffer,
            from: decoder.show_address(offerer),
            to: "whoever fills the order".into(),
            asset,
            amount: amount.into(),
            raw_amount: Some(raw.to_string()),
            unlimited: false,
            until: until_time.clone(),
        });
    }
    // (asset, amount, whether it is an ERC-20 the signer cannot name: no value it can state).
    let mut to_offerer: Vec<(String, U256, bool)> = Vec::new();
    let mut to_others: Vec<(String, U256, String)> = Vec::new();
    for item in m.get("consideration")?.as_array()? {
        let (asset, amount, raw) = seaport_item(item, decoder)?;
        let recipient = address_field(item, "/recipient")?;
        decoder.movements.push(Movement {
            place: PLACE.into(),
            kind: MovementKind::OrderConsideration,
            from: "whoever fills the order".into(),
            to: decoder.show_address(recipient),
            asset: asset.clone(),
            amount: amount.into(),
            raw_amount: Some(raw.to_string()),
            unlimited: false,
            until: until_time.clone(),
        });
        if recipient == offerer {
            let nameless = uint_field(item, "/itemType") == Some(U256::from(1u8))
                && address_field(item, "/token")
                    .is_some_and(|t| decoder.known.registry.token(decoder.chain_id, t).is_none());
            to_offerer.push((asset, raw, nameless));
        } else {
            to_others.push((asset, raw, decoder.show_address(recipient)));
        }
    }
    let received = |asset: &str| {
        to_offerer
            .iter()
            .filter(|(a, _, _)| a == asset)
            .fold(U256::ZERO, |sum, (_, n, _)| sum.saturating_add(*n))
    };
    let one_sided = if offered > 0 && to_offerer.iter().all(|(_, n, _)| n.is_zero()) {
        Some(Text::new("warning-eth-order-one-sided-nothing"))
    } else if offered > 0 && to_offerer.iter().all(|(_, _, nameless)| *nameless) {
        Some(Text::new("warning-eth-order-one-sided-nameless"))
    } else {
        to_others
            .iter()
            .find(|(asset, n, _)| *n > received(asset))
            .map(|(asset, _, who)| {
                Text::new("warning-eth-order-one-sided-third-party")
                    .arg("who", who)
                    .arg("asset", asset)
            })
    };
    if let Some(why) = one_sided {
        decoder.warn(
            "eth.order.one-sided",
            Severity::High,
            why.text_arg("place", super::place::said(PLACE)),
        );
    }
    decoder.warn(
        "eth.order",
        Severity::Warning,
        Text::new("warning-eth-order-seaport")
            .text_arg("place", super::place::said(PLACE))
            .arg("until", until_time.as_deref().unwrap_or("?")),
    );
    Some(())
}

fn cow_order(m: &Value, decoder: &mut Decoder<'_>) -> Option<()> {
    let sell = address_field(m, "/sellToken")?;
    let buy = address_field(m, "/buyToken")?;
    let receiver = address_field(m, "/receiver")?;
    let sell_amount = uint_field(m, "/sellAmount")?.checked_add(uint_field(m, "/feeAmount")?)?;
    let buy_amount = uint_field(m, "/buyAmount")?;
    let until_time = until(m, "/validTo").map(|u| u.to_string());
    let receiver = if receiver.is_zero() {
        decoder.owner
    } else {
        receiver
    };
    decoder.movements.push(Movement {
        place: PLACE.into(),
        kind: MovementKind::OrderOffer,
        from: decoder.payer_shown(),
        to: "the CoW Protocol settlement (solvers)".into(),
        asset: decoder.show_address(sell),
        amount: decoder.token_amount(sell, sell_amount).into(),
        raw_amount: Some(sell_amount.to_string()),
        unlimited: false,
        until: until_time.clone(),
    });
    decoder.movements.push(Movement {
        place: PLACE.into(),
        kind: MovementKind::OrderConsideration,
        from: "the CoW Protocol settlement (solvers)".into(),
        to: decoder.show_address(receiver),
        asset: decoder.show_address(buy),
        amount: Text::new("amount-at-least")
            .text_arg("amount", decoder.token_amount(buy, buy_amount))
            .into(),
        raw_amount: Some(buy_amount.to_string()),
        unlimited: false,
        until: until_time,
    });
    decoder.touches.push(Touch::Recipient(receiver));
    if !decoder.is_ours_or_listed(receiver) {
        decoder.warn(
            "eth.order.one-sided",
            Severity::High,
            Text::new("warning-eth-order-one-sided-cow")
                .text_arg("place", super::place::said(PLACE))
                .arg("receiver", decoder.show_address(receiver)),
        );
    }
    decoder.warn(
        "eth.order",
        Severity::Warning,
        Text::new("warning-eth-order-cow").text_arg("place", super::place::said(PLACE)),
    );
    Some(())
}

/// A meta-transaction: the call it carries, decoded as made by its `from`.
fn forwarded(
    m: &Value,
    to: Option<Address>,
    data_field: &str,
    decoder: &mut Decoder<'_>,
) -> Option<Call> {
    let from = address_field(m, "/from")?;
    let to = to?;
    let data: Bytes = m.get(data_field)?.as_str()?.parse().ok()?;
    let value = uint_field(m, "/value").unwrap_or_default();
    decoder.warn(
        "eth.meta-tx",
        Severity::Warning,
        Text::new("warning-eth-meta-tx")
            .text_arg("place", super::place::said(PLACE))
            .arg("from", decoder.show_address(from))
            .arg("to", decoder.show_address(to)),
    );
    Some(decoder.decode_as(
        from,
        &format!("{PLACE} → forwarded call"),
        RawCall {
            to: Some(to),
            value,
            operation: Operation::Call,
            data: &data,
        },
    ))
}

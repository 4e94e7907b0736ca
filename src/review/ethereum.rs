//! The Ethereum review: what a transaction, typed-data signature or personal message really
//! does, computed on the signer from the request alone (plus the address book).

use alloy_dyn_abi::TypedData;
use alloy_primitives::{eip191_hash_message, Address, B256, U256};
use serde::Serialize;

use crate::erc7730::ClearSigned;
use crate::eth::calldata::{Call, Decoder, Operation, RawCall, Touch};
use crate::eth::flows::{Known, Movement, Refund};
use crate::eth::safe::{self, SafeHashes};
use crate::eth::tx::UnsignedTx;
use crate::eth::typed_data::{self, TypedView};
use crate::eth::{chains, typed_flows, EthPayload, EthRequest};
use crate::i18n::Text;
use crate::review::text::suspicious_text;
use crate::review::{intent_digest, lookalike, Severity, Warning};

/// Transaction fields as shown.
#[derive(Debug, Clone, Serialize)]
pub struct TxView {
    /// Transaction type.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Account nonce.
    pub nonce: u64,
    /// Value in wei.
    pub value_wei: String,
    /// Gas limit.
    pub gas_limit: u64,
    /// Gas price or max fee per gas, wei.
    pub max_fee_per_gas: String,
    /// Priority fee cap, wei (dynamic-fee types).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_priority_fee_per_gas: Option<String>,
    /// gas limit × max fee + value, in wei: the most the sender can lose.
    pub max_total_cost_wei: String,
    /// Access-list entries.
    pub access_list_entries: usize,
    /// EIP-7702 authorizations: (chain id, delegate address, nonce).
    pub authorizations: Vec<String>,
}

/// A personal message as shown.
#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    /// The text, when it is printable UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The bytes as hex.
    pub hex: String,
    /// The text with deceptive characters escaped, when it has any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escaped: Option<String>,
}

/// A SafeTx as shown.
#[derive(Debug, Clone, Serialize)]
pub struct SafeView {
    /// The Safe.
    pub safe: String,
    /// The Safe nonce of this transaction.
    pub nonce: String,
    /// Every hash, to compare with the Safe web page and the device screen.
    #[serde(flatten)]
    pub hashes: SafeHashes,
    /// Whether the domain being signed is the legacy one (no chain id).
    pub legacy_domain: bool,
}

/// The whole Ethereum review.
#[derive(Debug, Clone, Serialize)]
pub struct EthReview {
    /// `transaction`, `typed-data` or `personal-message`.
    pub kind: &'static str,
    /// The chain, when the signature is bound to one.
    pub chain_id: Option<u64>,
    /// The chain's name ("unknown chain N" otherwise).
    pub chain: String,
    /// The signing address (derived by the signer, or stated by the host in online views).
    pub from: String,
    /// Its derivation path, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Transaction fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction: Option<TxView>,
    /// Decoded calls (the transaction's call, a SafeTx's call, a meta-transaction's call).
    pub calls: Vec<Call>,
    /// Every movement of value the request causes or authorises.
    pub movements: Vec<Movement>,
    /// Typed data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub typed_data: Option<TypedView>,
    /// Safe hashes, for a SafeTx.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safe: Option<SafeView>,
    /// Personal message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<MessageView>,
    /// Typed data as an installed ERC-7730 descriptor shows it, when one describes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clear_signed: Option<ClearSigned>,
    /// The 32-byte hash the key signs.
    pub signing_hash: B256,
    /// Findings, most serious first.
    pub warnings: Vec<Warning>,
    /// Fingerprint of the request's meaning, to compare across signers and screens.
    pub intent_digest: String,
    /// Recipients and called contracts, for policy rules.
    #[serde(skip)]
    pub touches: Vec<Touch>,
    /// Native value leaving the account, in wei.
    #[serde(skip)]
    pub value: U256,
    /// The most the fee can be, in wei.
    #[serde(skip)]
    pub max_fee: U256,
}

/// Max fee per gas above which the fee is flagged (1,000 gwei).
const HIGH_FEE_PER_GAS: u128 = 1_000_000_000_000;
/// The most the fee can cost (gas limit × max fee per gas) from which it is flagged: one
/// whole coin, hundreds of times an ordinary transaction's fee on every chain of the table.
const HIGH_FEE_TOTAL: u128 = 1_000_000_000_000_000_000;

/// Ether (or the chain's coin) from wei, exactly.
pub fn show_wei(wei: U256, chain_id: Option<u64>) -> String {
    let symbol = chain_id.map_or("ETH", chains::symbol);
    format!("{} {symbol}", crate::eth::format_amount(wei, 18))
}

/// Reviews `request` to be signed by `from`, naming addresses from `known` (address book and
/// registry) and flagging every shown address that imitates one of them.
pub fn review(
    request: &EthRequest,
    from: Address,
    path: Option<String>,
    known: &Known<'_>,
) -> EthReview {
    let mut warnings = Vec::new();
    let (kind, chain_id, signing_hash) = match &request.payload {
        EthPayload::Transaction(tx) => ("transaction", Some(tx.chain_id()), tx.signature_hash()),
        EthPayload::TypedData(t) => (
            "typed-data",
            t.domain
                .chain_id
                .and_then(|c| u64::try_from(c).ok())
                .or(request.chain_id),
            t.eip712_signing_hash().expect("checked when decoded"),
        ),
        EthPayload::PersonalMessage(m) => ("personal-message", None, eip191_hash_message(m)),
    };
    if let (Some(stated), Some(actual)) = (request.chain_id, chain_id) {
        if stated != actual {
            warnings.push(Warning::said(
                "eth.chain.mismatch",
                Severity::Deny,
                Text::new("warning-eth-chain-mismatch")
                    .arg("stated", stated)
                    .arg("actual", actual),
            ));
        }
    }
    if let Some(id) = chain_id {
        if chains::by_id(id).is_none() {
            warnings.push(Warning::said(
                "eth.chain.unknown",
                Severity::Warning,
                Text::new("warning-eth-chain-unknown").arg("id", id),
            ));
        }
    }
    if let Some(stated) = request.address {
        if stated != from {
            warnings.push(Warning::said(
                "eth.from.mismatch",
                Severity::Deny,
                Text::new("warning-eth-from-mismatch")
                    .arg("stated", stated.to_checksum(None))
                    .arg("key", from.to_checksum(None)),
            ));
        }
    }
    let mut decoder = Decoder::new(chain_id.unwrap_or(1), *known, from);
    let mut out = EthReview {
        kind,
        chain_id,
        chain: chain_id.map_or_else(
            || "any chain (personal messages are not bound to a chain)".into(),
            chains::describe,
        ),
        from: from.to_checksum(None),
        path,
        transaction: None,
        calls: Vec::new(),
        movements: Vec::new(),
        typed_data: None,
        safe: None,
        message: None,
        clear_signed: None,
        signing_hash,
        warnings: Vec::new(),
        intent_digest: String::new(),
        touches: Vec::new(),
        value: U256::ZERO,
        max_fee: U256::ZERO,
    };
    match &request.payload {
        EthPayload::Transaction(tx) => transaction(&mut out, tx, &mut decoder),
        EthPayload::TypedData(t) => typed(&mut out, t, &mut decoder),
        EthPayload::PersonalMessage(m) => out.message = Some(message(m, &mut warnings)),
    }
    lookalikes(&decoder, known, &mut warnings);
    warnings.append(&mut decoder.warnings);
    out.touches = decoder.touches;
    out.movements = decoder.movements;
    warnings.sort_by_key(|w| std::cmp::Reverse(w.severity));
    out.warnings = warnings;
    out.intent_digest = intent_digest(&canonical_intent(chain_id, from, signing_hash));
    out
}

/// Every address the review shows that imitates an address-book entry or a known contract
/// without being it is high: the address-poisoning attack.
fn lookalikes(decoder: &Decoder<'_>, known: &Known<'_>, warnings: &mut Vec<Warning>) {
    let mut shown = decoder.shown.borrow().clone();
    shown.sort_unstable();
    shown.dedup();
    let shown_text: Vec<String> = shown.iter().map(|a| a.to_checksum(None)).collect();
    warnings.extend(lookalike::check_addresses(&shown_text, known.book));
    let chain = decoder.chain_id;
    for a in shown {
        if known.registry.name(chain, a).is_some()
            || known.book.label_of(&a.to_checksum(None)).is_some()
        {
            continue;
        }
        let ours = [(decoder.owner, "you"), (decoder.payer, "safe")];
        if let Some((real, what)) = ours
            .iter()
            .find(|(real, _)| lookalike::eth_imitates(a, *real))
        {
            warnings.push(Warning::said(
                "addr.lookalike",
                Severity::High,
                Text::new("warning-addr-lookalike-ours")
                    .arg("address", a.to_checksum(None))
                    .arg("what", what)
                    .arg("real", real.to_checksum(None)),
            ));
            continue;
        }
        if let Some((real, name)) = known.registry.imitated(chain, a) {
            warnings.push(Warning::said(
                "addr.lookalike",
                Severity::High,
                Text::new("warning-addr-lookalike-registry")
                    .arg("address", a.to_checksum(None))
                    .arg("name", name)
                    .arg("real", real.to_checksum(None)),
            ));
        }
    }
}

/// The canonical text behind the intent digest: what is signed, by whom, for which chain.
pub fn canonical_intent(chain_id: Option<u64>, from: Address, signing_hash: B256) -> String {
    format!(
        "coldsign-intent-v1\nethereum\nchain {}\nfrom {}\nsigning-hash {signing_hash}\n",
        chain_id.map_or("any".into(), |c| c.to_string()),
        from.to_checksum(None)
    )
}

fn transaction(out: &mut EthReview, tx: &UnsignedTx, decoder: &mut Decoder<'_>) {
    let fee_per_gas = tx.max_fee_per_gas();
    out.value = tx.value();
    out.max_fee = U256::from(tx.gas_limit()) * U256::from(fee_per_gas);
    decoder.fee(tx.gas_limit(), fee_per_gas);
    out.transaction = Some(TxView {
        kind: tx.kind(),
        nonce: tx.nonce(),
        value_wei: tx.value().to_string(),
        gas_limit: tx.gas_limit(),
        max_fee_per_gas: fee_per_gas.to_string(),
        max_priority_fee_per_gas: tx.max_priority_fee_per_gas().map(|p| p.to_string()),
        max_total_cost_wei: tx.max_total_cost().to_string(),
        access_list_entries: tx.access_list_len(),
        authorizations: tx
            .authorizations()
            .iter()
            .map(|a| {
                format!(
                    "chain {} → delegate {} (nonce {})",
                    a.chain_id,
                    decoder.show_address(a.address),
                    a.nonce
                )
            })
            .collect(),
    });
    if fee_per_gas > HIGH_FEE_PER_GAS || out.max_fee >= U256::from(HIGH_FEE_TOTAL) {
        decoder.warn(
            "eth.fee.high",
            Severity::High,
            Text::new("warning-eth-fee-high")
                .arg("gwei", fee_per_gas / 1_000_000_000)
                .arg("gas", tx.gas_limit())
                .arg("cost", show_wei(out.max_fee, out.chain_id)),
        );
    }
    for a in tx.authorizations() {
        let key = if a.chain_id.is_zero() {
            "warning-eth-eip7702-authorization-every-chain"
        } else {
            "warning-eth-eip7702-authorization"
        };
        let delegate = decoder.show_address(a.address);
        decoder.warn(
            "eth.eip7702.authorization",
            Severity::Deny,
            Text::new(key).arg("delegate", delegate),
        );
    }
    out.calls.push(decoder.decode(
        "call",
        RawCall {
            to: tx.to(),
            value: tx.value(),
            operation: Operation::Call,
            data: tx.input(),
        },
    ));
}

fn typed(out: &mut EthReview, t: &TypedData, decoder: &mut Decoder<'_>) {
    out.typed_data = Some(typed_data::view(t));
    for (at, escaped, reasons) in typed_data::deceptive_strings(t) {
        decoder.warn(
            "eth.text.deceptive",
            Severity::High,
            Text::new("warning-eth-text-deceptive-typed-data")
                .arg("at", at)
                .text_arg("reasons", reasons.unwrap_or_else(|| Text::verbatim("")))
                .arg("escaped", escaped),
        );
    }
    let mut addresses = Vec::new();
    typed_data::message_addresses(&t.message, &mut addresses);
    if let Some(c) = t.domain.verifying_contract {
        addresses.push(c);
    }
    addresses.iter().for_each(|a| {
        decoder.show_address(*a);
    });
    if t.primary_type == "SafeTx" {
        safe_tx(out, t, decoder);
        return;
    }
    if t.domain.chain_id.is_none() {
        decoder.warn(
            "eth.typed-data.any-chain",
            Severity::High,
            Text::new("warning-eth-typed-data-any-chain"),
        );
    }
    let first = decoder.exact.len();
    let explained = typed_flows::explain(t, decoder);
    out.clear_signed = decoder.described_typed(t, decoder.owner, first);
    match explained {
        Some(calls) => out.calls.extend(calls),
        None if out.clear_signed.is_none() => unexplained(t, decoder),
        None => {}
    }
}

/// Typed data the signer cannot explain: its fields are shown, and it is high unless its
/// domain's verifying contract is in the address book (the person vouched for it).
fn unexplained(t: &TypedData, decoder: &mut Decoder<'_>) {
    let listed = t.domain.verifying_contract.and_then(|c| {
        decoder
            .known
            .book
            .label_of(&c.to_checksum(None))
            .map(str::to_string)
    });
    let name = t.domain.name.as_deref().map(|n| format!("{n:?}"));
    let contract = t.domain.verifying_contract.map(|c| decoder.show_address(c));
    let (severity, key) = match &listed {
        Some(_) => (
            Severity::Warning,
            "warning-eth-typed-data-unrecognised-listed",
        ),
        None => (Severity::High, "warning-eth-typed-data-unrecognised"),
    };
    decoder.warn(
        "eth.typed-data.unrecognised",
        severity,
        Text::new(key)
            .arg("type", &t.primary_type)
            .arg("named", if name.is_some() { "yes" } else { "no" })
            .arg("name", name.unwrap_or_default())
            .arg(
                "has_contract",
                if contract.is_some() { "yes" } else { "no" },
            )
            .arg("contract", contract.unwrap_or_default())
            .arg(
                "label",
                listed.map(|l| format!("{l:?}")).unwrap_or_default(),
            ),
    );
}

fn safe_tx(out: &mut EthReview, t: &TypedData, decoder: &mut Decoder<'_>) {
    let (Some(safe_address), Some(tx)) =
        (t.domain.verifying_contract, safe::from_message(&t.message))
    else {
        decoder.warn(
            "eth.calldata.blind",
            Severity::Deny,
            Text::new("warning-eth-calldata-blind-safe-tx"),
        );
        return;
    };
    let chain_id = out.chain_id.unwrap_or(0);
    let hashes = safe::hashes(&tx, safe_address, chain_id);
    let legacy_domain = t.domain.chain_id.is_none();
    let signed = if legacy_domain {
        hashes.legacy_safe_tx_hash
    } else {
        hashes.safe_tx_hash
    };
    if signed != out.signing_hash {
        decoder.warn(
            "eth.safe.hash-mismatch",
            Severity::Deny,
            Text::new("warning-eth-safe-hash-mismatch"),
        );
    }
    let Some(operation) = Operation::from_u8(tx.operation) else {
        decoder.warn(
            "eth.calldata.blind",
            Severity::Deny,
            Text::new("warning-eth-calldata-blind-safe-operation").arg("operation", tx.operation),
        );
        return;
    };
    decoder.payer = safe_address;
    decoder.refund(
        "Safe call",
        Refund {
            gas_price: tx.gasPrice,
            gas_token: tx.gasToken,
            receiver: tx.refundReceiver,
            safe_tx_gas: tx.safeTxGas,
            base_gas: tx.baseGas,
        },
    );
    out.value = if operation == Operation::Call {
        tx.value
    } else {
        U256::ZERO
    };
    out.calls.push(decoder.decode(
        "Safe call",
        RawCall {
            to: Some(tx.to),
            value: tx.value,
            operation,
            data: &tx.data,
        },
    ));
    // The SafeTx's own value field is in wei; say it in ether beside it.
    if let Some(line) = out.typed_data.as_mut().and_then(|t| {
        t.message
            .iter_mut()
            .find(|l| l.starts_with("  value: ") && !l.starts_with("   "))
    }) {
        line.push_str(&format!(" ({})", show_wei(tx.value, out.chain_id)));
    }
    out.safe = Some(SafeView {
        safe: decoder.show_address(safe_address),
        nonce: tx.nonce.to_string(),
        hashes,
        legacy_domain,
    });
}

fn message(m: &[u8], warnings: &mut Vec<Warning>) -> MessageView {
    let text = std::str::from_utf8(m)
        .ok()
        .filter(|s| !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t'))
        .map(str::to_string);
    if text.is_none() || m.len() == 32 {
        warnings.push(Warning::said(
            "eth.message.blind",
            Severity::High,
            Text::new("warning-eth-message-blind")
                .arg("bytes", m.len())
                .arg("kind", if text.is_none() { "binary" } else { "text" }),
        ));
    }
    let escaped =
        std::str::from_utf8(m)
            .ok()
            .and_then(suspicious_text)
            .map(|(escaped, reasons)| {
                warnings.push(Warning::said(
                    "eth.text.deceptive",
                    Severity::High,
                    Text::new("warning-eth-text-deceptive-message")
                        .text_arg(
                            "reasons",
                            Text::comma_list(reasons).unwrap_or_else(|| Text::verbatim("")),
                        )
                        .arg("escaped", &escaped),
                ));
                escaped
            });
    MessageView {
        text: text.filter(|_| escaped.is_none()),
        hex: alloy_primitives::hex::encode_prefixed(m),
        escaped,
    }
}

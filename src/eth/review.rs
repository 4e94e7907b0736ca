//! The Ethereum review: what a transaction, typed-data signature or personal message really
//! does, computed on the signer from the request alone (plus the address book).

use alloy_dyn_abi::TypedData;
use alloy_primitives::{eip191_hash_message, Address, B256, U256};
use serde::Serialize;

use super::calldata::{Call, Decoder, Operation, RawCall, Touch};
use super::safe::{self, SafeHashes};
use super::tx::UnsignedTx;
use super::typed_data::{self, TypedView};
use super::{chains, EthPayload, EthRequest};
use crate::review::{intent_digest, Severity, Warning};

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
    /// Decoded calls (the transaction's call, or a SafeTx's call).
    pub calls: Vec<Call>,
    /// Typed data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub typed_data: Option<TypedView>,
    /// Safe hashes, for a SafeTx.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safe: Option<SafeView>,
    /// Personal message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<MessageView>,
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

/// Ether (or the chain's coin) from wei, exactly.
pub fn show_wei(wei: U256, chain_id: Option<u64>) -> String {
    let symbol = chain_id.map_or("ETH", chains::symbol);
    format!("{} {symbol}", super::format_amount(wei, 18))
}

/// Reviews `request` to be signed by `from`. `label` names address-book entries.
pub fn review(
    request: &EthRequest,
    from: Address,
    path: Option<String>,
    label: &dyn Fn(Address) -> Option<String>,
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
            warnings.push(Warning::new(
                "eth.chain.mismatch",
                Severity::Deny,
                format!(
                    "the request says chain {stated} but what is signed is bound to chain {actual}"
                ),
            ));
        }
    }
    if let Some(id) = chain_id {
        if chains::by_id(id).is_none() {
            warnings.push(Warning::new(
                "eth.chain.unknown",
                Severity::Warning,
                format!(
                    "chain id {id} is not in the signer's table: check which network this is for"
                ),
            ));
        }
    }
    if let Some(stated) = request.address {
        if stated != from {
            warnings.push(Warning::new(
                "eth.from.mismatch",
                Severity::Deny,
                format!(
                    "the request names signer {} but this key is {}",
                    stated.to_checksum(None),
                    from.to_checksum(None)
                ),
            ));
        }
    }
    let mut decoder = Decoder::new(chain_id.unwrap_or(1), label);
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
        typed_data: None,
        safe: None,
        message: None,
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
    warnings.append(&mut decoder.warnings);
    out.touches = decoder.touches;
    warnings.sort_by_key(|w| std::cmp::Reverse(w.severity));
    out.warnings = warnings;
    out.intent_digest = intent_digest(&canonical_intent(chain_id, from, signing_hash));
    out
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
    if fee_per_gas > HIGH_FEE_PER_GAS {
        decoder.warnings.push(Warning::new(
            "eth.fee.high",
            Severity::High,
            format!(
                "max fee per gas is {} gwei: the fee alone can cost {}",
                fee_per_gas / 1_000_000_000,
                show_wei(out.max_fee, out.chain_id)
            ),
        ));
    }
    for a in tx.authorizations() {
        decoder.warnings.push(Warning::new(
            "eth.eip7702.authorization",
            Severity::Deny,
            format!(
                "EIP-7702: this transaction makes the account {}run the code of {}: that code gets full control of the account",
                if a.chain_id.is_zero() { "on EVERY chain " } else { "" },
                decoder.show_address(a.address)
            ),
        ));
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
    typed_data::classify(t, decoder);
    if t.primary_type != "SafeTx" {
        return;
    }
    let (Some(safe_address), Some(tx)) =
        (t.domain.verifying_contract, safe::from_message(&t.message))
    else {
        decoder.warnings.push(Warning::new(
            "eth.calldata.blind",
            Severity::Deny,
            "a SafeTx without a verifying contract or with unreadable fields",
        ));
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
        decoder.warnings.push(Warning::new(
            "eth.safe.hash-mismatch",
            Severity::Deny,
            "the SafeTx typed data does not hash to the recomputed safeTxHash (extra domain fields or types)",
        ));
    }
    let Some(operation) = Operation::from_u8(tx.operation) else {
        decoder.warnings.push(Warning::new(
            "eth.calldata.blind",
            Severity::Deny,
            format!(
                "Safe operation {} is neither CALL nor DELEGATECALL",
                tx.operation
            ),
        ));
        return;
    };
    decoder.refund("Safe call", tx.gasPrice, tx.gasToken, tx.refundReceiver);
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
        warnings.push(Warning::new(
            "eth.message.blind",
            Severity::High,
            format!(
                "the message is {} bytes of {}: it may be a hash of something else, so signing it may authorise anything",
                m.len(),
                if text.is_none() { "binary data" } else { "text" }
            ),
        ));
    }
    MessageView {
        text,
        hex: alloy_primitives::hex::encode_prefixed(m),
    }
}

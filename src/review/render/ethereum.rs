//! The human rendering of an Ethereum review: this text is the confirmation screen.

use std::fmt::Write as _;

use alloy_primitives::U256;

use super::{column, label_columns, render_warnings};
use crate::erc7730::ClearSigned;
use crate::eth::calldata::{Call, Operation};
use crate::eth::flows::{Movement, MovementKind};
use crate::eth::place;
use crate::i18n::width::pad_end;
use crate::i18n::{t, Text};
use crate::review::ethereum::{show_wei, EthReview};

fn wei(text: &str, chain: Option<u64>) -> String {
    text.parse::<U256>()
        .map(|w| show_wei(w, chain))
        .unwrap_or_else(|_| text.to_string())
}

fn gwei(text: &str) -> String {
    match text.parse::<u128>() {
        Ok(w) => format!("{} gwei", crate::eth::format_amount(U256::from(w), 9)),
        Err(_) => text.to_string(),
    }
}

fn render_call(s: &mut String, c: &Call, chain: Option<u64>, indent: usize) {
    let pad = " ".repeat(indent);
    let key = if c.operation == Operation::DelegateCall {
        "review-eth-call-delegate"
    } else {
        "review-eth-call"
    };
    let to = c.to.clone().unwrap_or_else(|| t("review-eth-new-contract"));
    let call = Text::new(key)
        .text_arg("place", place::said(&c.place))
        .arg("to", to);
    let _ = writeln!(s, "{pad}{}", call.localized());
    if c.value_wei != "0" {
        let value = Text::new("review-eth-call-value").arg("value", wei(&c.value_wei, chain));
        let _ = writeln!(s, "{pad}  {}", value.localized());
    }
    if let Some(shown) = &c.clear_signed {
        render_clear_signed(s, shown, &format!("{pad}  "));
    }
    match (&c.function, c.blind, c.data_bytes) {
        (_, true, n) => {
            let blind = Text::new("review-eth-blind-data").arg("bytes", n);
            let _ = writeln!(s, "{pad}  {}", blind.localized());
        }
        (Some(f), _, _) => {
            let _ = writeln!(s, "{pad}  {f}");
            for a in &c.args {
                let value = own_address(&a.value).unwrap_or_else(|| a.value.clone());
                let _ = writeln!(s, "{pad}    {}: {value}", a.name);
            }
        }
        (None, _, 0) => {
            let _ = writeln!(s, "{pad}  {}", t("review-eth-plain-transfer"));
        }
        (None, _, _) => {}
    }
    for n in &c.nested {
        render_call(s, n, chain, indent + 4);
    }
}

/// A descriptor's view: its intent, who wrote it, and each labelled field (nested calls
/// indented under theirs).
fn render_clear_signed(s: &mut String, shown: &ClearSigned, pad: &str) {
    let intent = shown.interpolated_intent.as_ref().unwrap_or(&shown.intent);
    let owner = shown
        .descriptor_owner
        .clone()
        .unwrap_or_else(|| t("review-eth-no-stated-owner"));
    let line = Text::new("review-eth-descriptor-intent")
        .arg("intent", intent)
        .arg("owner", owner)
        .arg("hash", shown.descriptor_hash);
    let _ = writeln!(s, "{pad}{}", line.localized());
    for field in &shown.fields {
        let _ = writeln!(s, "{pad}  {}: {}", field.label, field.value);
        if let Some(inner) = &field.nested {
            render_clear_signed(s, inner, &format!("{pad}    "));
        }
    }
}

/// The catalog message of a movement's kind (its English is the kind's JSON name).
fn movement_kind(kind: MovementKind) -> &'static str {
    match kind {
        MovementKind::Native => "review-eth-kind-native",
        MovementKind::TokenTransfer => "review-eth-kind-token-transfer",
        MovementKind::Approval => "review-eth-kind-approval",
        MovementKind::SignedApproval => "review-eth-kind-signed-approval",
        MovementKind::SignedTransfer => "review-eth-kind-signed-transfer",
        MovementKind::OrderOffer => "review-eth-kind-order-offer",
        MovementKind::OrderConsideration => "review-eth-kind-order-consideration",
        MovementKind::Refund => "review-eth-kind-refund",
        MovementKind::Fee => "review-eth-kind-fee",
    }
}

/// A movement's party in the operator's language: the network, a new contract, whoever fills
/// an order or executes a Safe transaction, or an address with its label, where the signer's
/// own label (`you`) is said too.
fn party(text: &str) -> String {
    match text {
        "the network (block producer)" => t("review-eth-party-network"),
        "a new contract" => t("review-eth-party-new-contract"),
        "whoever fills the order" => t("review-eth-party-filler"),
        "the CoW Protocol settlement (solvers)" => t("review-eth-party-cow-settlement"),
        "whoever executes it (refundReceiver 0 = tx.origin, anyone who submits the signed transaction)" => {
            t("review-eth-party-executor")
        }
        _ => own_address(text).unwrap_or_else(|| text.to_string()),
    }
}

/// An address the review labelled as the signer's own (`0x… (you)`), with that label in the
/// operator's language; `None` for any other text (call arguments are otherwise shown as is).
fn own_address(text: &str) -> Option<String> {
    let address = text.strip_suffix(" (you)")?;
    let hex = address.strip_prefix("0x")?;
    (hex.len() == 40 && hex.chars().all(|c| c.is_ascii_hexdigit())).then(|| {
        Text::new("review-eth-party-you")
            .arg("address", address)
            .localized()
    })
}

/// Every movement of value, one line each.
fn render_movements(s: &mut String, movements: &[Movement]) {
    let heading = Text::new("review-eth-movements").arg("count", movements.len());
    let _ = writeln!(s, "\n{}", heading.localized());
    if movements.is_empty() {
        let _ = writeln!(s, "  {}", t("review-eth-movements-none"));
    }
    for m in movements {
        let kind = pad_end(&t(movement_kind(m.kind)), 19);
        let until = m
            .until
            .as_deref()
            .map(|u| {
                Text::new("review-eth-movement-until")
                    .arg("until", u)
                    .localized()
            })
            .unwrap_or_default();
        let asset = Text::new("review-eth-movement-asset").arg("asset", &m.asset);
        let route = Text::new("review-eth-movement-route")
            .arg("from", party(&m.from))
            .arg("to", party(&m.to))
            .arg(
                "place",
                format!("{}{until}", place::said(&m.place).localized()),
            );
        let _ = writeln!(
            s,
            "  {kind} {}\n  {:<19} {}\n  {:<19} {}",
            m.amount.localized(),
            "",
            asset.localized(),
            "",
            route.localized()
        );
    }
}

/// The labels of the review's first column.
const LABELS: [&str; 14] = [
    "review-intent-digest",
    "review-eth-from",
    "review-eth-type",
    "review-eth-nonce",
    "review-eth-value",
    "review-eth-gas",
    "review-eth-max-cost",
    "review-eth-access-list",
    "review-eth-authorization",
    "review-eth-primary-type",
    "review-eth-domain-hash",
    "review-eth-message-hash",
    "review-eth-message-bytes",
    "review-eth-signing-hash",
];

/// The labels of a Safe's hashes.
const SAFE_LABELS: [&str; 3] = [
    "review-eth-domain-hash",
    "review-eth-message-hash",
    "review-eth-safe-tx-hash",
];

/// Renders the review for a person.
pub fn render(r: &EthReview) -> String {
    let mut s = String::new();
    let what = match r.kind {
        "transaction" => "review-eth-transaction",
        "typed-data" => "review-eth-typed-data",
        _ => "review-eth-personal-message",
    };
    let heading = Text::new(what).arg("chain", &r.chain);
    let _ = writeln!(s, "{}", heading.localized());
    let columns = label_columns(&LABELS, 15);
    let label = |key| column(key, columns);
    let _ = writeln!(s, "{}{}", label("review-intent-digest"), r.intent_digest);
    let _ = writeln!(
        s,
        "{}{}{}",
        label("review-eth-from"),
        r.from,
        r.path
            .as_ref()
            .map(|p| format!(" ({p})"))
            .unwrap_or_default()
    );
    if let Some(tx) = &r.transaction {
        let _ = writeln!(s, "{}{}", label("review-eth-type"), tx.kind);
        let _ = writeln!(s, "{}{}", label("review-eth-nonce"), tx.nonce);
        let _ = writeln!(
            s,
            "{}{}",
            label("review-eth-value"),
            wei(&tx.value_wei, r.chain_id)
        );
        let tip = tx
            .max_priority_fee_per_gas
            .as_deref()
            .map(|p| {
                Text::new("review-eth-priority")
                    .arg("gwei", gwei(p))
                    .localized()
            })
            .unwrap_or_default();
        let gas = Text::new("review-eth-gas-line")
            .arg("limit", tx.gas_limit)
            .arg("max", gwei(&tx.max_fee_per_gas))
            .arg("tip", tip);
        let _ = writeln!(s, "{}{}", label("review-eth-gas"), gas.localized());
        let cost = Text::new("review-eth-max-cost-line")
            .arg("cost", wei(&tx.max_total_cost_wei, r.chain_id));
        let _ = writeln!(s, "{}{}", label("review-eth-max-cost"), cost.localized());
        if tx.access_list_entries > 0 {
            let entries =
                Text::new("review-eth-access-list-entries").arg("count", tx.access_list_entries);
            let _ = writeln!(
                s,
                "{}{}",
                label("review-eth-access-list"),
                entries.localized()
            );
        }
        for a in &tx.authorizations {
            let _ = writeln!(s, "{}{a}", label("review-eth-authorization"));
        }
    }
    if let Some(typed) = &r.typed_data {
        let _ = writeln!(
            s,
            "{}{}",
            label("review-eth-primary-type"),
            typed.primary_type
        );
        let _ = writeln!(s, "{}", t("review-eth-domain"));
        for a in &typed.domain {
            let _ = writeln!(s, "  {}: {}", a.name, a.value);
        }
        let _ = writeln!(s, "{}", t("review-eth-message"));
        for line in &typed.message {
            let _ = writeln!(s, "{line}");
        }
        if let Some(shown) = &r.clear_signed {
            render_clear_signed(&mut s, shown, "");
        }
        let _ = writeln!(
            s,
            "{}{}",
            label("review-eth-domain-hash"),
            typed.domain_separator
        );
        let _ = writeln!(
            s,
            "{}{}",
            label("review-eth-message-hash"),
            typed.message_hash
        );
    }
    if let Some(m) = &r.message {
        match (&m.text, &m.escaped) {
            (_, Some(escaped)) => {
                let _ = writeln!(
                    s,
                    "{}\n  {}",
                    t("review-eth-message-text-escaped"),
                    escaped.replace('\n', "\n  ")
                );
            }
            (Some(text), None) => {
                let _ = writeln!(
                    s,
                    "{}\n  {}",
                    t("review-eth-message-text"),
                    text.replace('\n', "\n  ")
                );
            }
            (None, None) => {
                let _ = writeln!(s, "{}{}", label("review-eth-message-bytes"), m.hex);
            }
        }
    }
    if !r.calls.is_empty() {
        let _ = writeln!(s);
        for c in &r.calls {
            render_call(&mut s, c, r.chain_id, 0);
        }
    }
    render_movements(&mut s, &r.movements);
    if let Some(safe) = &r.safe {
        let h = &safe.hashes;
        // Only the domain being signed: a legacy hash beside the current one is noise that
        // invites comparing the wrong one.
        let (domain, safe_tx_hash, which) = if safe.legacy_domain {
            (
                h.legacy_domain_separator,
                h.legacy_safe_tx_hash,
                format!("  {}", t("review-eth-safe-legacy")),
            )
        } else {
            (h.domain_separator, h.safe_tx_hash, String::new())
        };
        let heading = Text::new("review-eth-safe")
            .arg("safe", &safe.safe)
            .arg("nonce", &safe.nonce);
        let _ = writeln!(s, "\n{}{which}", heading.localized());
        let safe_columns = label_columns(&SAFE_LABELS, 13);
        let safe_label = |key| column(key, safe_columns);
        let _ = writeln!(s, "  {}{domain}", safe_label("review-eth-domain-hash"));
        let _ = writeln!(
            s,
            "  {}{}",
            safe_label("review-eth-message-hash"),
            h.message_hash
        );
        let _ = writeln!(
            s,
            "  {}{safe_tx_hash}  {}",
            safe_label("review-eth-safe-tx-hash"),
            t("review-eth-safe-compare")
        );
    }
    let _ = writeln!(
        s,
        "\n{}{}",
        label("review-eth-signing-hash"),
        r.signing_hash
    );
    render_warnings(&mut s, &r.warnings);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_address_labelled_ours_has_its_label_said() {
        let ours = "0x9858EfFD232B4033E47d90003D41EC34EcaEda94 (you)";
        assert_eq!(own_address(ours).as_deref(), Some(ours));
        assert_eq!(own_address("a string argument (you)"), None);
        assert_eq!(own_address("0x9858 (you)"), None);
        assert_eq!(party("a string argument (you)"), "a string argument (you)");
    }
}

//! The human rendering of an Ethereum review: this text is the confirmation screen.

use std::fmt::Write as _;

use alloy_primitives::U256;

use super::render_warnings;
use crate::erc7730::ClearSigned;
use crate::eth::calldata::{Call, Operation};
use crate::eth::flows::Movement;
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
    let op = if c.operation == Operation::DelegateCall {
        " by DELEGATECALL"
    } else {
        ""
    };
    let to = c.to.as_deref().unwrap_or("(new contract)");
    let _ = writeln!(s, "{pad}{}{op}: to {to}", c.place);
    if c.value_wei != "0" {
        let _ = writeln!(s, "{pad}  value {}", wei(&c.value_wei, chain));
    }
    if let Some(shown) = &c.clear_signed {
        render_clear_signed(s, shown, &format!("{pad}  "));
    }
    match (&c.function, c.blind, c.data_bytes) {
        (_, true, n) => {
            let _ = writeln!(s, "{pad}  BLIND DATA: {n} bytes the signer cannot decode");
        }
        (Some(f), _, _) => {
            let _ = writeln!(s, "{pad}  {f}");
            for a in &c.args {
                let _ = writeln!(s, "{pad}    {}: {}", a.name, a.value);
            }
        }
        (None, _, 0) => {
            let _ = writeln!(s, "{pad}  plain transfer (no data)");
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
    let _ = writeln!(
        s,
        "{pad}intent: {intent}  (descriptor by {}, {})",
        shown
            .descriptor_owner
            .as_deref()
            .unwrap_or("no stated owner"),
        shown.descriptor_hash
    );
    for field in &shown.fields {
        let _ = writeln!(s, "{pad}  {}: {}", field.label, field.value);
        if let Some(inner) = &field.nested {
            render_clear_signed(s, inner, &format!("{pad}    "));
        }
    }
}

/// Every movement of value, one line each.
fn render_movements(s: &mut String, movements: &[Movement]) {
    let _ = writeln!(s, "\nvalue movements ({})", movements.len());
    if movements.is_empty() {
        let _ = writeln!(s, "  none: nothing of value leaves or is authorised");
    }
    for m in movements {
        let kind = serde_json::to_value(m.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let until = m
            .until
            .as_deref()
            .map(|u| format!(", until {u}"))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "  {kind:<19} {}\n  {:<19} asset {}\n  {:<19} from {} to {} ({}{until})",
            m.amount, "", m.asset, "", m.from, m.to, m.place
        );
    }
}

/// Renders the review for a person.
pub fn render(r: &EthReview) -> String {
    let mut s = String::new();
    let what = match r.kind {
        "transaction" => "Ethereum transaction",
        "typed-data" => "EIP-712 typed data signature",
        _ => "personal message signature (EIP-191)",
    };
    let _ = writeln!(s, "{what} on {}", r.chain);
    let _ = writeln!(s, "intent digest  {}", r.intent_digest);
    let _ = writeln!(
        s,
        "from           {}{}",
        r.from,
        r.path
            .as_ref()
            .map(|p| format!(" ({p})"))
            .unwrap_or_default()
    );
    if let Some(t) = &r.transaction {
        let _ = writeln!(s, "type           {}", t.kind);
        let _ = writeln!(s, "nonce          {}", t.nonce);
        let _ = writeln!(s, "value          {}", wei(&t.value_wei, r.chain_id));
        let tip = t
            .max_priority_fee_per_gas
            .as_deref()
            .map(|p| format!(", priority {}", gwei(p)))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "gas            {} × max {}{tip}",
            t.gas_limit,
            gwei(&t.max_fee_per_gas)
        );
        let _ = writeln!(
            s,
            "max total cost {} (value + the most the fee can be)",
            wei(&t.max_total_cost_wei, r.chain_id)
        );
        if t.access_list_entries > 0 {
            let _ = writeln!(s, "access list    {} entries", t.access_list_entries);
        }
        for a in &t.authorizations {
            let _ = writeln!(s, "authorization  {a}");
        }
    }
    if let Some(t) = &r.typed_data {
        let _ = writeln!(s, "primary type   {}", t.primary_type);
        let _ = writeln!(s, "domain");
        for a in &t.domain {
            let _ = writeln!(s, "  {}: {}", a.name, a.value);
        }
        let _ = writeln!(s, "message");
        for line in &t.message {
            let _ = writeln!(s, "{line}");
        }
        if let Some(shown) = &r.clear_signed {
            render_clear_signed(&mut s, shown, "");
        }
        let _ = writeln!(s, "domain hash    {}", t.domain_separator);
        let _ = writeln!(s, "message hash   {}", t.message_hash);
    }
    if let Some(m) = &r.message {
        match (&m.text, &m.escaped) {
            (_, Some(escaped)) => {
                let _ = writeln!(
                    s,
                    "message text (deceptive characters escaped)\n  {}",
                    escaped.replace('\n', "\n  ")
                );
            }
            (Some(text), None) => {
                let _ = writeln!(s, "message text\n  {}", text.replace('\n', "\n  "));
            }
            (None, None) => {
                let _ = writeln!(s, "message bytes  {}", m.hex);
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
                "  (the legacy domain of Safe < 1.3.0: no chain id)",
            )
        } else {
            (h.domain_separator, h.safe_tx_hash, "")
        };
        let _ = writeln!(s, "\nSafe {} nonce {}{which}", safe.safe, safe.nonce);
        let _ = writeln!(s, "  domain hash  {domain}");
        let _ = writeln!(s, "  message hash {}", h.message_hash);
        let _ = writeln!(
            s,
            "  safeTxHash   {safe_tx_hash}  (compare with the Safe web page and your device)"
        );
    }
    let _ = writeln!(s, "\nsigning hash   {}", r.signing_hash);
    render_warnings(&mut s, &r.warnings);
    s
}

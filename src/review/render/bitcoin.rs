//! The human rendering of a Bitcoin review: this text is the confirmation screen.

use std::fmt::Write as _;

use super::render_warnings;
use crate::review::bitcoin::{describe_locktime, BtcReview, OutputKind};

/// Satoshis as BTC with eight decimals.
pub fn btc(sats: u64) -> String {
    format!("{}.{:08} BTC", sats / 100_000_000, sats % 100_000_000)
}

/// Where a review is shown: what it may call verified depends on who computed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vantage {
    /// The signer checked amounts and change itself.
    Signer,
    /// The online host (`build`, `bump`): the review repeats what its watch-only wallet and
    /// backend claim, which only the signer's review verifies.
    Host,
}

/// Renders the review for a person, as the signer sees it.
pub fn render(r: &BtcReview) -> String {
    render_from(r, Vantage::Signer)
}

/// Renders the review for a person at `vantage`.
pub fn render_from(r: &BtcReview, vantage: Vantage) -> String {
    let verified = match vantage {
        Vantage::Signer => "verified",
        Vantage::Host => "per this host's wallet",
    };
    let mut s = String::new();
    if vantage == Vantage::Host {
        let _ = writeln!(
            s,
            "preview by the online host from its watch-only wallet: nothing here is verified; the signer's review is the one to trust"
        );
    }
    let _ = writeln!(
        s,
        "PSBT v{} on {}, txid {}",
        r.psbt_version, r.network, r.txid
    );
    let _ = writeln!(s, "intent digest  {}", r.intent_digest);
    let _ = writeln!(s, "\ninputs ({})", r.inputs.len());
    for i in &r.inputs {
        let amount = i.amount.map(btc).unwrap_or_else(|| "unknown amount".into());
        let check = if i.amount_verified {
            verified
        } else {
            "UNVERIFIED"
        };
        let owner = match &i.owner {
            Some(o) => format!("ours: {} {} ({})", o.fingerprint, o.path, o.wallet),
            None => "not ours".into(),
        };
        let action = if i.finalized {
            "final".to_string()
        } else if i.signable {
            format!("sign, sighash {}", i.sighash)
        } else {
            format!(
                "skip: {}",
                i.not_signed_because.as_deref().unwrap_or("not ours")
            )
        };
        let _ = writeln!(s, "  {:>3}  {}  {}", i.index, i.outpoint, i.script_type);
        let _ = writeln!(s, "       {amount} ({check}); {owner}; {action}");
        if let Some(count) = &i.signatures {
            let state = if count.complete() {
                "complete"
            } else {
                "more needed"
            };
            let _ = writeln!(s, "       multisig: {count} ({state})");
        }
        if let Some(lock) = &i.relative_lock {
            let _ = writeln!(s, "       relative lock: {lock}");
        }
    }
    let _ = writeln!(s, "\noutputs ({})", r.outputs.len());
    for o in &r.outputs {
        let place = o
            .address
            .clone()
            .unwrap_or_else(|| format!("{} script {}", o.script_type, o.script));
        let kind = match (o.kind, &o.owner) {
            (OutputKind::Change, Some(w)) => {
                format!("change, {verified} ({} {})", w.wallet, w.path)
            }
            (OutputKind::OursNotChange, Some(w)) => {
                format!("ours, not change ({} {})", w.wallet, w.path)
            }
            (OutputKind::OpReturn, _) if o.amount > 0 => "BURNED (OP_RETURN data)".into(),
            (OutputKind::OpReturn, _) => "data (OP_RETURN)".into(),
            (OutputKind::Unspendable, _) => "BURNED (no one can spend it)".into(),
            _ => "EXTERNAL".into(),
        };
        let label = o
            .label
            .as_deref()
            .map(|l| format!("  {l:?}"))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "  {:>3}  {:>20}  {place}{label}  {kind}",
            o.index,
            btc(o.amount)
        );
        for flag in &o.flags {
            let _ = writeln!(s, "       !!! {flag}: see the warnings below");
        }
        if let Some(reason) = &o.reason {
            let _ = writeln!(s, "       {reason}");
        }
    }
    render_totals(&mut s, r);
    let lock = if r.locktime == 0 {
        "none".into()
    } else {
        describe_locktime(r.locktime)
    };
    let _ = writeln!(
        s,
        "locktime  {lock}; replaceable (RBF): {}",
        if r.rbf { "yes" } else { "no" }
    );
    render_warnings(&mut s, &r.warnings);
    s
}

/// Appends the conservation lines: inputs = external + change + ours-not-change + burned + fee.
fn render_totals(s: &mut String, r: &BtcReview) {
    let t = &r.totals;
    let b = &t.balance;
    let amount = |sats: Option<u64>| sats.map(btc).unwrap_or_else(|| "UNKNOWN".into());
    let _ = writeln!(s, "\n{:<19}{}", "inputs", amount(b.inputs));
    for (label, sats) in [
        ("external", b.external),
        ("change", b.change),
        ("ours, not change", b.ours_not_change),
        ("burned", b.burned),
    ] {
        let _ = writeln!(s, "  {label:<17}{}", btc(sats));
    }
    let fee = match (b.fee, t.fee_rate) {
        (Some(fee), Some(rate)) => {
            let approx = if t.vsize_exact { "" } else { "~" };
            format!(
                "{} ({fee} sat, {rate:.1} sat/vB at {approx}{} vB)",
                btc(fee),
                t.vsize
            )
        }
        _ => "UNKNOWN".into(),
    };
    let _ = writeln!(s, "  {:<17}{fee}", "fee");
    match &b.unbalanced_because {
        None => {
            let _ = writeln!(
                s,
                "balanced: inputs = external + change + ours, not change + burned + fee"
            );
        }
        Some(why) => {
            let _ = writeln!(s, "NOT BALANCED: {why}");
        }
    }
}

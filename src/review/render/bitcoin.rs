//! The human rendering of a Bitcoin review: this text is the confirmation screen.

use std::fmt::Write;

use super::{column, label_columns, render_warnings};
use crate::i18n::{t, Text};
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
    let mut s = String::new();
    write_from(&mut s, r, vantage);
    s
}

/// Writes the review for a person at `vantage` into `s` as it is rendered (a review of
/// thousands of inputs is never held whole as text).
pub fn write_from(s: &mut dyn Write, r: &BtcReview, vantage: Vantage) {
    let verified = t(match vantage {
        Vantage::Signer => "review-verified",
        Vantage::Host => "review-per-host-wallet",
    });
    if vantage == Vantage::Host {
        let _ = writeln!(s, "{}", t("review-host-preview"));
    }
    let header = Text::new("review-btc-header")
        .arg("version", r.psbt_version)
        .arg("network", &r.network)
        .arg("txid", &r.txid);
    let _ = writeln!(s, "{}", header.localized());
    let _ = writeln!(
        s,
        "{}{}",
        column("review-intent-digest", 15),
        r.intent_digest
    );
    let inputs = Text::new("review-btc-inputs").arg("count", r.inputs.len());
    let _ = writeln!(s, "\n{}", inputs.localized());
    for i in &r.inputs {
        let amount = i
            .amount
            .map(btc)
            .unwrap_or_else(|| t("review-unknown-amount"));
        let check = if i.amount_verified {
            verified.clone()
        } else {
            t("review-unverified")
        };
        let owner = match &i.owner {
            Some(o) => Text::new("review-btc-input-ours")
                .arg("fingerprint", o.fingerprint)
                .arg("path", &o.path)
                .arg("wallet", &o.wallet)
                .localized(),
            None => t("review-not-ours"),
        };
        let action = if i.finalized {
            t("review-btc-input-final")
        } else if i.signable {
            Text::new("review-btc-input-sign")
                .arg("sighash", &i.sighash)
                .localized()
        } else {
            let reason = i
                .not_signed_because
                .as_ref()
                .map(|r| r.localized())
                .unwrap_or_else(|| t("review-not-ours"));
            Text::new("review-btc-input-skip")
                .arg("reason", reason)
                .localized()
        };
        let _ = writeln!(s, "  {:>3}  {}  {}", i.index, i.outpoint, i.script_type);
        let _ = writeln!(s, "       {amount} ({check}); {owner}; {action}");
        if let Some(count) = &i.signatures {
            let state = t(if count.complete() {
                "review-multisig-complete"
            } else {
                "review-multisig-more-needed"
            });
            let multisig = Text::new("review-multisig")
                .text_arg("count", count.said())
                .arg("state", state);
            let _ = writeln!(s, "       {}", multisig.localized());
        }
        if let Some(lock) = &i.relative_lock {
            let lock = Text::new("review-relative-lock").text_arg("lock", lock.text().clone());
            let _ = writeln!(s, "       {}", lock.localized());
        }
    }
    let outputs = Text::new("review-btc-outputs").arg("count", r.outputs.len());
    let _ = writeln!(s, "\n{}", outputs.localized());
    for o in &r.outputs {
        let place = o.address.clone().unwrap_or_else(|| {
            Text::new("review-btc-output-script")
                .arg("type", o.script_type)
                .arg("script", &o.script)
                .localized()
        });
        let kind = match (o.kind, &o.owner) {
            (OutputKind::Change, Some(w)) => Text::new("review-btc-output-change")
                .arg("verified", &verified)
                .arg("wallet", &w.wallet)
                .arg("path", &w.path)
                .localized(),
            (OutputKind::OursNotChange, Some(w)) => Text::new("review-btc-output-ours")
                .arg("wallet", &w.wallet)
                .arg("path", &w.path)
                .localized(),
            (OutputKind::OpReturn, _) if o.amount > 0 => t("review-btc-output-burned-data"),
            (OutputKind::OpReturn, _) => t("review-btc-output-data"),
            (OutputKind::Unspendable, _) => t("review-btc-output-unspendable"),
            _ => t("review-btc-output-external"),
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
            let flag = Text::new("review-btc-output-flag").arg("flag", flag);
            let _ = writeln!(s, "       !!! {}", flag.localized());
        }
        if let Some(reason) = &o.reason {
            let _ = writeln!(s, "       {}", reason.localized());
        }
    }
    render_totals(s, r);
    let lock = if r.locktime == 0 {
        t("review-locktime-none")
    } else {
        describe_locktime(r.locktime).localized()
    };
    let rbf = t(if r.rbf { "review-yes" } else { "review-no" });
    let locktime = Text::new("review-btc-locktime")
        .arg("lock", lock)
        .arg("rbf", rbf);
    let _ = writeln!(s, "{}", locktime.localized());
    render_warnings(s, &r.warnings);
}

/// The labels of the conservation lines below the inputs' total, in order (the fee last).
const TOTAL_LABELS: [&str; 6] = [
    "review-total-external",
    "review-total-change",
    "review-total-ours-not-change",
    "review-total-burned",
    "review-total-fee",
    "review-total-inputs",
];

/// Appends the conservation lines: inputs = external + change + ours-not-change + burned + fee.
fn render_totals(s: &mut dyn Write, r: &BtcReview) {
    let totals = &r.totals;
    let b = &totals.balance;
    let amount = |sats: Option<u64>| sats.map(btc).unwrap_or_else(|| t("review-unknown"));
    // The amounts start in one column (19 in English), however wide the labels are.
    let columns = label_columns(&TOTAL_LABELS, 17);
    let _ = writeln!(
        s,
        "\n{}{}",
        column("review-total-inputs", columns + 2),
        amount(b.inputs)
    );
    let parts = [b.external, b.change, b.ours_not_change, b.burned];
    for (key, sats) in TOTAL_LABELS.into_iter().zip(parts) {
        let _ = writeln!(s, "  {}{}", column(key, columns), btc(sats));
    }
    let fee = match (b.fee, totals.fee_rate) {
        (Some(fee), Some(rate)) => {
            let approx = if totals.vsize_exact { "" } else { "~" };
            Text::new("review-btc-fee")
                .arg("amount", btc(fee))
                .arg("sats", fee)
                .arg("rate", format!("{rate:.1}"))
                .arg("vsize", format!("{approx}{}", totals.vsize))
                .localized()
        }
        _ => t("review-unknown"),
    };
    let _ = writeln!(s, "  {}{fee}", column("review-total-fee", columns));
    let balance = match &b.unbalanced_because {
        None => Text::new("review-btc-balanced"),
        Some(why) => Text::new("review-btc-not-balanced").text_arg("why", why.text().clone()),
    };
    let _ = writeln!(s, "{}", balance.localized());
}

//! Where every satoshi goes: inputs = external + change + ours-not-change + burned + fee, in
//! checked arithmetic, and whether the fee is reasonable.

use serde::Serialize;

use super::amounts::checked_sum;
use super::{Checks, FeeLimits, InputView, OutputKind, OutputView};
use crate::i18n::{Phrase, Text};
use crate::review::Severity;

/// The conservation equation of a review, each term in satoshis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Balance {
    /// Sum of the inputs' amounts; `None` when one is unknown.
    pub inputs: Option<u64>,
    /// Paid to scripts that are not ours (anyone-can-spend and non-standard ones included).
    pub external: u64,
    /// Verified change of the spending wallet.
    pub change: u64,
    /// Paid to our own keys outside this spend's change (another wallet or account, a receive
    /// address, a key no wallet scans).
    pub ours_not_change: u64,
    /// Sent to outputs no one can spend (OP_RETURN and provably unspendable scripts).
    pub burned: u64,
    /// What the miner takes; `None` when the inputs are unknown or the outputs exceed them.
    pub fee: Option<u64>,
    /// Whether inputs = external + change + ours_not_change + burned + fee holds exactly.
    pub balanced: bool,
    /// Why not, when not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unbalanced_because: Option<Phrase>,
}

impl Balance {
    /// Sorts every output into exactly one term and checks the equation.
    pub fn new(inputs: &[InputView], outputs: &[OutputView]) -> Self {
        let term = |kinds: &[OutputKind]| {
            checked_sum(
                outputs
                    .iter()
                    .filter(|o| kinds.contains(&o.kind))
                    .map(|o| o.amount),
            )
        };
        let terms = [
            term(&[OutputKind::External]),
            term(&[OutputKind::Change]),
            term(&[OutputKind::OursNotChange]),
            term(&[OutputKind::OpReturn, OutputKind::Unspendable]),
        ];
        let input_total = match inputs.iter().position(|i| i.amount.is_none()) {
            Some(n) => Err(Text::new("balance-input-amount-unknown").arg("index", n)),
            None => checked_sum(inputs.iter().filter_map(|i| i.amount))
                .ok_or_else(|| Text::new("balance-out-of-range")),
        };
        let output_total = checked_sum(outputs.iter().map(|o| o.amount));
        let fee = input_total
            .as_ref()
            .ok()
            .zip(output_total)
            .and_then(|(i, o)| i.checked_sub(o));
        let check = balances(input_total.clone(), terms, fee);
        // Out-of-range amounts never reach a review through the request decoder; shown as the
        // largest value rather than wrapped if a library caller passes them.
        let [external, change, ours_not_change, burned] = terms.map(|t| t.unwrap_or(u64::MAX));
        Balance {
            inputs: input_total.ok(),
            external,
            change,
            ours_not_change,
            burned,
            fee,
            balanced: check.is_ok(),
            unbalanced_because: check.err().map(Phrase::from),
        }
    }
}

/// Checks inputs = external + change + ours_not_change + burned + fee.
fn balances(
    inputs: Result<u64, Text>,
    terms: [Option<u64>; 4],
    fee: Option<u64>,
) -> Result<(), Text> {
    let inputs = inputs?;
    let fee = fee.ok_or_else(|| Text::new("balance-outputs-exceed-inputs"))?;
    let mut parts = Vec::with_capacity(5);
    for t in terms {
        parts.push(t.ok_or_else(|| Text::new("balance-out-of-range"))?);
    }
    parts.push(fee);
    match checked_sum(parts) {
        Some(total) if total == inputs => Ok(()),
        _ => Err(Text::new("balance-does-not-add-up")),
    }
}

impl Checks<'_, '_> {
    /// Flags fees above the limits (absolute, relative to the amount sent, per vbyte).
    pub(super) fn check_fee(
        &mut self,
        fee: u64,
        input_total: u64,
        external: u64,
        vsize: u64,
        limits: &FeeLimits,
    ) {
        let base = if external > 0 { external } else { input_total };
        let rate = fee as f64 / vsize.max(1) as f64;
        if fee > limits.max_fee {
            self.warn(
                "fee.high",
                Severity::High,
                Text::new("warning-fee-high-absolute")
                    .arg("fee", fee)
                    .arg("limit", limits.max_fee),
            );
        } else if fee > 10_000 && fee as f64 > base as f64 * limits.max_fraction {
            self.warn(
                "fee.high",
                Severity::High,
                Text::new("warning-fee-high-fraction")
                    .arg("fee", fee)
                    .arg(
                        "percent",
                        format!("{:.1}", 100.0 * fee as f64 / base as f64),
                    )
                    .arg("base_kind", if external > 0 { "sent" } else { "moved" })
                    .arg("base", base),
            );
        } else if rate > limits.max_rate {
            self.warn(
                "fee.high",
                Severity::High,
                Text::new("warning-fee-high-rate")
                    .arg("rate", format!("{rate:.1}"))
                    .arg("limit", limits.max_rate),
            );
        }
    }
}

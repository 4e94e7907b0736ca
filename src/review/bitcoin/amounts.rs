//! Amounts in checked arithmetic: no amount and no running total may exceed 21,000,000 BTC
//! (`MAX_MONEY`, the consensus range of Bitcoin Core's `MoneyRange`). A request that breaks
//! this is malformed: the request decoder refuses it before any review, so the review's totals
//! can never wrap.

use bitcoin::psbt::Psbt;

use super::spent_output;

/// 21,000,000 BTC in satoshis.
pub const MAX_MONEY: u64 = 21_000_000 * 100_000_000;

/// Why a PSBT's amounts are out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AmountError {
    /// One amount above `MAX_MONEY`.
    #[error("{what} is {sats} sat, above the 21,000,000 BTC that can exist")]
    Amount {
        /// Which amount, e.g. "output 2".
        what: String,
        /// The amount as written.
        sats: u64,
    },
    /// A running total above `MAX_MONEY` (or beyond 64 bits).
    #[error("the {what} add up to more than the 21,000,000 BTC that can exist")]
    Total {
        /// Which total, e.g. "outputs".
        what: &'static str,
    },
}

/// The sum of `amounts`, or `None` when one amount or a running total leaves the money range.
pub fn checked_sum(amounts: impl IntoIterator<Item = u64>) -> Option<u64> {
    amounts.into_iter().try_fold(0u64, |total, a| {
        total
            .checked_add(a)
            .filter(|t| a <= MAX_MONEY && *t <= MAX_MONEY)
    })
}

/// Checks every amount the PSBT states: each output, the output each input spends (from its
/// witness UTXO and its previous transaction), every output of each previous transaction, and
/// the totals of each.
pub fn check(psbt: &Psbt) -> Result<(), AmountError> {
    let tx = &psbt.unsigned_tx;
    in_range(
        tx.output
            .iter()
            .enumerate()
            .map(|(i, o)| (format!("output {i}"), o.value.to_sat())),
        "outputs",
    )?;
    for (index, input) in psbt.inputs.iter().enumerate() {
        if let Some(w) = &input.witness_utxo {
            in_range(
                [(format!("input {index}'s witness UTXO"), w.value.to_sat())],
                "inputs",
            )?;
        }
        if let Some(prev) = &input.non_witness_utxo {
            in_range(
                prev.output.iter().enumerate().map(|(vout, o)| {
                    (
                        format!("output {vout} of input {index}'s previous transaction"),
                        o.value.to_sat(),
                    )
                }),
                "outputs of a previous transaction",
            )?;
        }
    }
    in_range(
        tx.input
            .iter()
            .zip(&psbt.inputs)
            .enumerate()
            .filter_map(|(i, (txin, input))| {
                spent_output(input, &txin.previous_output)
                    .map(|o| (format!("input {i}"), o.value.to_sat()))
            }),
        "inputs",
    )
}

fn in_range(
    amounts: impl IntoIterator<Item = (String, u64)>,
    what: &'static str,
) -> Result<(), AmountError> {
    let mut total = 0u64;
    for (name, sats) in amounts {
        if sats > MAX_MONEY {
            return Err(AmountError::Amount { what: name, sats });
        }
        total = total
            .checked_add(sats)
            .filter(|t| *t <= MAX_MONEY)
            .ok_or(AmountError::Total { what })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_stop_at_max_money() {
        assert_eq!(checked_sum([1, 2, 3]), Some(6));
        assert_eq!(checked_sum([MAX_MONEY]), Some(MAX_MONEY));
        assert_eq!(checked_sum([MAX_MONEY, 1]), None);
        assert_eq!(checked_sum([u64::MAX, 1]), None);
        assert_eq!(checked_sum([MAX_MONEY + 1]), None);
    }
}

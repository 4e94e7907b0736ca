//! Finalizing (BIP174's finalizer, see `satisfy`), extracting, and verifying inputs with
//! Bitcoin Core's own script interpreter (`core_verify`) before anything is written.
//! Everything here is linear in the input count; the script checks run on all cores.

use bitcoin::psbt::{Input, Psbt};
use bitcoin::{Transaction, TxOut};
use serde::Serialize;

use super::core_verify::CoreChecker;
use super::satisfy::{satisfy, KnownKeys};
use crate::i18n::{Phrase, Text};
use crate::review::bitcoin::signatures::multisig_signatures;
use crate::review::bitcoin::spent_output;

/// What finalizing did to one input.
#[derive(Debug, Clone, Serialize)]
pub struct FinalizeOutcome {
    /// Input position.
    pub index: usize,
    /// Whether the input is final now.
    pub finalized: bool,
    /// Why not, when not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Phrase>,
    /// Its signatures were complete but fail Bitcoin Core's script verification (a bad
    /// partial signature): the PSBT cannot become a valid transaction as it is.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub verification_failed: bool,
}

/// Finalizes every input that can be; returns one outcome per input. Each input finalized
/// here is then verified with Bitcoin Core's interpreter, and left unfinalized (with the
/// reason) when it fails; inputs that were final already are left as they are.
pub fn finalize(psbt: &mut Psbt) -> Vec<FinalizeOutcome> {
    let keys = KnownKeys::new(psbt);
    let spent = spent_outputs(psbt);
    let mut outcomes: Vec<FinalizeOutcome> = (0..psbt.inputs.len())
        .map(|index| FinalizeOutcome {
            index,
            finalized: is_final(&psbt.inputs[index]),
            error: None,
            verification_failed: false,
        })
        .collect();
    let spent = match spent {
        Ok(spent) => spent,
        Err(e) => {
            for o in outcomes.iter_mut().filter(|o| !o.finalized) {
                o.error = Some(Text::new("finalize-cannot-verify").arg("error", &e).into());
            }
            return outcomes;
        }
    };
    let mut fresh = Vec::new();
    for o in outcomes.iter_mut().filter(|o| !o.finalized) {
        match satisfy(psbt, o.index, &spent[o.index], &keys) {
            Ok(fin) => fresh.push((o.index, fin)),
            Err(e) => {
                let why = match multisig_signatures(&psbt.inputs[o.index]) {
                    Some(count) if !count.complete() => {
                        Text::new("finalize-missing-signatures").text_arg("count", count.said())
                    }
                    _ => Text::verbatim(one_line(&e)),
                };
                o.error = Some(why.into());
            }
        }
    }
    let mut originals = Vec::with_capacity(fresh.len());
    for (index, (witness, script_sig)) in fresh {
        let original = std::mem::take(&mut psbt.inputs[index]);
        let input = &mut psbt.inputs[index];
        input.non_witness_utxo = original.non_witness_utxo.clone();
        input.witness_utxo = original.witness_utxo.clone();
        input.final_script_sig = (!script_sig.is_empty()).then_some(script_sig);
        input.final_script_witness = (!witness.is_empty()).then_some(witness);
        originals.push((index, original));
    }
    let checked: Vec<usize> = originals.iter().map(|(i, _)| *i).collect();
    let failures = verify_inputs(&transaction(psbt), &spent, &checked);
    for (index, original) in originals {
        match failures.iter().find(|f| f.index() == index) {
            Some(failure) => {
                psbt.inputs[index] = original;
                outcomes[index].error = Some(Text::verbatim(failure).into());
                outcomes[index].verification_failed = true;
            }
            None => outcomes[index].finalized = true,
        }
    }
    outcomes
}

fn is_final(input: &Input) -> bool {
    input.final_script_sig.is_some() || input.final_script_witness.is_some()
}

/// Why a transaction failed verification.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// An input's spent output is unknown, so it cannot be verified.
    #[error("input {0}: the spent output is unknown, so the script cannot be verified")]
    UnknownSpent(usize),
    /// The script interpreter rejected an input.
    #[error("input {index} fails Bitcoin Core's script verification ({reason})")]
    Script {
        /// The input.
        index: usize,
        /// The error, as the `bitcoinconsensus` crate names it (`ERR_SCRIPT`: the script fails).
        reason: String,
    },
}

impl VerifyError {
    /// The input concerned.
    pub fn index(&self) -> usize {
        match self {
            VerifyError::UnknownSpent(index) | VerifyError::Script { index, .. } => *index,
        }
    }
}

/// The spent outputs of a PSBT's inputs, in order.
pub fn spent_outputs(psbt: &Psbt) -> Result<Vec<TxOut>, VerifyError> {
    psbt.unsigned_tx
        .input
        .iter()
        .zip(&psbt.inputs)
        .enumerate()
        .map(|(i, (txin, input))| {
            spent_output(input, &txin.previous_output)
                .cloned()
                .ok_or(VerifyError::UnknownSpent(i))
        })
        .collect()
}

/// Verifies every input of `tx` spending `spent` with all standard flags including taproot;
/// the first failing input is reported.
pub fn verify(tx: &Transaction, spent: &[TxOut]) -> Result<(), VerifyError> {
    let all: Vec<usize> = (0..tx.input.len()).collect();
    match verify_inputs(tx, spent, &all).into_iter().next() {
        Some(failure) => Err(failure),
        None => Ok(()),
    }
}

/// Verifies the inputs `indexes` of `tx` (other inputs may be unsigned: no sighash covers
/// another input's scriptSig or witness) with Bitcoin Core's interpreter ([`CoreChecker`]: the
/// transaction is parsed and hashed once), spread over the available cores. Returns the
/// failures in input order.
pub fn verify_inputs(tx: &Transaction, spent: &[TxOut], indexes: &[usize]) -> Vec<VerifyError> {
    let checker = CoreChecker::new(tx, spent);
    let check = |index: usize| -> Option<VerifyError> {
        if index >= spent.len() {
            return Some(VerifyError::UnknownSpent(index));
        }
        let verdict = match &checker {
            Ok(checker) => checker.verify(index),
            Err(e) => Err(*e),
        };
        verdict.err().map(|e| VerifyError::Script {
            index,
            reason: format!("{e:?}"),
        })
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = indexes.len().div_ceil(threads).max(64);
    std::thread::scope(|scope| {
        let workers: Vec<_> = indexes
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().filter_map(|&i| check(i)).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .zip(indexes.chunks(chunk))
            .flat_map(|(w, part)| {
                // A worker that died verified nothing: its inputs count as failing.
                w.join().unwrap_or_else(|_| {
                    part.iter()
                        .map(|&index| VerifyError::Script {
                            index,
                            reason: "the verification thread stopped".into(),
                        })
                        .collect()
                })
            })
            .collect()
    })
}

/// Extracts the network transaction from a fully finalized PSBT (no fee-rate limit: the
/// review already judged the fee). Fails naming the first input that is not final.
pub fn extract(psbt: &Psbt) -> Result<Transaction, usize> {
    if let Some(i) = psbt
        .inputs
        .iter()
        .position(|i| i.final_script_sig.is_none() && i.final_script_witness.is_none())
    {
        return Err(i);
    }
    Ok(transaction(psbt))
}

/// The transaction with every final scriptSig and witness present so far.
fn transaction(psbt: &Psbt) -> Transaction {
    let mut tx = psbt.unsigned_tx.clone();
    for (txin, input) in tx.input.iter_mut().zip(&psbt.inputs) {
        txin.script_sig = input.final_script_sig.clone().unwrap_or_default();
        txin.witness = input.final_script_witness.clone().unwrap_or_default();
    }
    tx
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Finalizes every input that can be ([`finalize`]); when all are final, extracts the network
/// transaction and verifies every input with Bitcoin Core's interpreter (an input that fails
/// is a verification error). [`finalize`] has verified the inputs it finalized, so only those
/// that came final are checked here: each input once.
pub fn finalize_and_verify(
    psbt: &mut Psbt,
) -> crate::Result<(Vec<FinalizeOutcome>, Option<Transaction>)> {
    let came_final: Vec<usize> = (0..psbt.inputs.len())
        .filter(|&i| is_final(&psbt.inputs[i]))
        .collect();
    let outcomes = finalize(psbt);
    let Ok(tx) = extract(psbt) else {
        return Ok((outcomes, None));
    };
    let spent = spent_outputs(psbt).map_err(|e| crate::Error::bad_input(e.to_string()))?;
    match verify_inputs(&tx, &spent, &came_final).into_iter().next() {
        Some(failure) => Err(crate::Error::verification(failure.to_string())),
        None => Ok((outcomes, Some(tx))),
    }
}

/// The first input that is not final, and why (empty when the finalizer gave no reason).
pub fn first_not_final(outcomes: &[FinalizeOutcome]) -> (usize, Text) {
    outcomes
        .iter()
        .find(|o| !o.finalized)
        .map(|o| {
            let why = o.error.as_ref().map(|e| e.text().clone());
            (o.index, why.unwrap_or_else(|| Text::verbatim("")))
        })
        .unwrap_or_else(|| (0, Text::verbatim("")))
}

//! Finalizing (miniscript's finalizer), extracting, and verifying every input of the result
//! with Bitcoin Core's own script interpreter (libbitcoinconsensus) before anything is written.

use bitcoin::psbt::Psbt;
use bitcoin::secp256k1::Secp256k1;
use bitcoin::{Transaction, TxOut};
use miniscript::psbt::PsbtExt;
use serde::Serialize;

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
    pub error: Option<String>,
}

/// Finalizes every input that can be; returns one outcome per input.
pub fn finalize(psbt: &mut Psbt) -> Vec<FinalizeOutcome> {
    let secp = Secp256k1::verification_only();
    (0..psbt.inputs.len())
        .map(|index| {
            let input = &psbt.inputs[index];
            if input.final_script_sig.is_some() || input.final_script_witness.is_some() {
                return FinalizeOutcome {
                    index,
                    finalized: true,
                    error: None,
                };
            }
            match psbt.finalize_inp_mut(&secp, index) {
                Ok(()) => FinalizeOutcome {
                    index,
                    finalized: true,
                    error: None,
                },
                Err(e) => FinalizeOutcome {
                    index,
                    finalized: false,
                    error: Some(one_line(&e.to_string())),
                },
            }
        })
        .collect()
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
        /// libbitcoinconsensus's error.
        reason: String,
    },
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

/// Verifies every input of `tx` spending `spent` with all standard flags including taproot.
pub fn verify(tx: &Transaction, spent: &[TxOut]) -> Result<(), VerifyError> {
    let bytes = bitcoin::consensus::serialize(tx);
    let utxos: Vec<bitcoinconsensus::Utxo> = spent
        .iter()
        .map(|o| bitcoinconsensus::Utxo {
            script_pubkey: o.script_pubkey.as_bytes().as_ptr(),
            script_pubkey_len: o.script_pubkey.len() as u32,
            value: o.value.to_sat() as i64,
        })
        .collect();
    let flags = bitcoinconsensus::VERIFY_ALL_PRE_TAPROOT | bitcoinconsensus::VERIFY_TAPROOT;
    for (index, out) in spent.iter().enumerate() {
        bitcoinconsensus::verify_with_flags(
            out.script_pubkey.as_bytes(),
            out.value.to_sat(),
            &bytes,
            Some(&utxos),
            index,
            flags,
        )
        .map_err(|e| VerifyError::Script {
            index,
            reason: format!("{e:?}"),
        })?;
    }
    Ok(())
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
    Ok(psbt.clone().extract_tx_unchecked_fee_rate())
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

//! Device signatures are never trusted: each is verified against the sighash coldsign computes
//! itself from the PSBT it reviewed, then merged into the PSBT.

use bitcoin::psbt::Psbt;
use bitcoin::secp256k1::{Message, Secp256k1, Verification, XOnlyPublicKey};
use bitcoin::sighash::{Prevouts, SighashCache};
use bitcoin::taproot::{self, TapLeafHash};
use bitcoin::{ecdsa, PublicKey, TxOut};

use super::{DeviceError, Result};
use crate::i18n::Text;
use crate::review::bitcoin::spent_output;
use crate::signer::software::ecdsa_message;
use crate::signer::InputOutcome;

/// One signature returned by a device.
#[derive(Debug, Clone)]
pub enum DeviceSignature {
    /// An ECDSA signature for a legacy or segwit v0 input.
    Ecdsa(PublicKey, ecdsa::Signature),
    /// A taproot signature: key path (no leaf; the key is the internal key) or script path.
    Taproot(XOnlyPublicKey, Option<TapLeafHash>, taproot::Signature),
}

fn spent(psbt: &Psbt, index: usize) -> Result<TxOut> {
    let input = psbt.inputs.get(index).ok_or_else(|| {
        DeviceError::Protocol(format!("signature for input {index}, which does not exist"))
    })?;
    spent_output(input, &psbt.unsigned_tx.input[index].previous_output)
        .cloned()
        .ok_or_else(|| DeviceError::Protocol(format!("input {index}: the spent output is unknown")))
}

fn bad(index: usize, what: impl std::fmt::Display) -> DeviceError {
    DeviceError::Protocol(format!(
        "input {index}: the device's signature does not verify for this PSBT ({what})"
    ))
}

/// The taproot output key of `out` (its witness program).
fn output_key(out: &TxOut) -> Option<XOnlyPublicKey> {
    let script = &out.script_pubkey;
    if !script.is_p2tr() {
        return None;
    }
    XOnlyPublicKey::from_slice(script.as_bytes().get(2..34)?).ok()
}

/// Verifies `sig` for input `index` of `psbt` (the transaction coldsign reviewed).
pub fn verify<C: Verification>(
    secp: &Secp256k1<C>,
    psbt: &Psbt,
    index: usize,
    sig: &DeviceSignature,
) -> Result<()> {
    let out = spent(psbt, index)?;
    let mut cache = SighashCache::new(&psbt.unsigned_tx);
    match sig {
        DeviceSignature::Ecdsa(pk, s) => {
            let msg = ecdsa_message(&mut cache, index, &psbt.inputs[index], &out, s.sighash_type)
                .map_err(|e| bad(index, e))?;
            secp.verify_ecdsa(&msg, &s.signature, &pk.inner)
                .map_err(|e| bad(index, e))
        }
        DeviceSignature::Taproot(key, leaf, s) => {
            let prevouts = (0..psbt.inputs.len())
                .map(|i| spent(psbt, i))
                .collect::<Result<Vec<_>>>()?;
            let prevouts = Prevouts::All(&prevouts);
            let (hash, key) = match leaf {
                Some(leaf) => (
                    cache.taproot_script_spend_signature_hash(
                        index,
                        &prevouts,
                        *leaf,
                        s.sighash_type,
                    ),
                    *key,
                ),
                // The key path is checked against the output key the spent script commits
                // to, as consensus does: devices name either the internal key (Trezor) or
                // the tweaked one (the Ledger Bitcoin app).
                None => (
                    cache.taproot_key_spend_signature_hash(index, &prevouts, s.sighash_type),
                    output_key(&out)
                        .ok_or_else(|| bad(index, "the spent output is not taproot"))?,
                ),
            };
            let hash = hash.map_err(|e| bad(index, e))?;
            secp.verify_schnorr(&s.signature, &Message::from(hash), &key)
                .map_err(|e| bad(index, e))
        }
    }
}

/// Verifies every signature, then adds them to `psbt`; reports per input.
pub fn merge(psbt: &mut Psbt, sigs: Vec<(usize, DeviceSignature)>) -> Result<Vec<InputOutcome>> {
    let secp = Secp256k1::verification_only();
    for (index, sig) in &sigs {
        verify(&secp, psbt, *index, sig)?;
    }
    let mut counts = vec![0usize; psbt.inputs.len()];
    for (index, sig) in sigs {
        let input = &mut psbt.inputs[index];
        match sig {
            DeviceSignature::Ecdsa(pk, s) => {
                input.partial_sigs.insert(pk, s);
            }
            DeviceSignature::Taproot(_, None, s) => input.tap_key_sig = Some(s),
            DeviceSignature::Taproot(key, Some(leaf), s) => {
                input.tap_script_sigs.insert((key, leaf), s);
            }
        }
        counts[index] += 1;
    }
    Ok(counts
        .into_iter()
        .enumerate()
        .map(|(index, signatures)| InputOutcome {
            index,
            signatures,
            not_signed_because: (signatures == 0)
                .then(|| Box::new(Text::new("reason-device-did-not-sign").into())),
        })
        .collect())
}

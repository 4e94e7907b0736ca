//! The software signer: keys from the encrypted keystore. ECDSA per RFC 6979 with low-R
//! grinding (the bytes Bitcoin Core produces), Schnorr per BIP340 with fresh auxiliary
//! randomness. Only inputs the review proved ours are signed.

use bitcoin::hashes::Hash;
use bitcoin::psbt::{Input, Psbt};
use bitcoin::secp256k1::{Keypair, Message};
use bitcoin::sighash::{EcdsaSighashType, Prevouts, SighashCache};
use bitcoin::taproot::{LeafVersion, TapLeafHash};
use bitcoin::{ecdsa, key::TapTweak, taproot, Script, ScriptBuf, TxOut};

use super::InputOutcome;
use crate::btc::ownership::Policies;
use crate::keys::material::PrivateKeyCache;
use crate::keys::random_bytes;
use crate::review::bitcoin::{spent_output, BtcReview};

/// Signs every input `review` marks signable. One sighash cache serves all inputs.
pub fn sign_psbt(psbt: &mut Psbt, review: &BtcReview, policies: &Policies) -> Vec<InputOutcome> {
    let tx = psbt.unsigned_tx.clone();
    let spent: Vec<Option<TxOut>> = tx
        .input
        .iter()
        .zip(&psbt.inputs)
        .map(|(i, inp)| spent_output(inp, &i.previous_output).cloned())
        .collect();
    let all_spent: Option<Vec<TxOut>> = spent.iter().cloned().collect();
    let mut cache = SighashCache::new(&tx);
    let mut keys = PrivateKeyCache::new(policies.hd());
    let mut signer = InputSigner {
        policies,
        keys: &mut keys,
        all_spent: all_spent.as_deref(),
    };
    review
        .inputs
        .iter()
        .zip(psbt.inputs.iter_mut())
        .map(|(view, input)| {
            let index = view.index;
            let outcome = |signatures, reason: Option<String>| InputOutcome {
                index,
                signatures,
                not_signed_because: reason,
            };
            if !view.signable {
                return outcome(0, view.not_signed_because.clone());
            }
            let Some(out) = &spent[index] else {
                return outcome(0, Some("the spent output is unknown".into()));
            };
            let result = if out.script_pubkey.is_p2tr() {
                signer.taproot(&mut cache, index, input)
            } else {
                signer.ecdsa(&mut cache, index, input, out)
            };
            match result {
                Ok(0) => outcome(0, Some("none of our keys can sign this input".into())),
                Ok(n) => outcome(n, None),
                Err(reason) => outcome(0, Some(reason)),
            }
        })
        .collect()
}

struct InputSigner<'a, 'p, 'k> {
    policies: &'a Policies<'p>,
    keys: &'a mut PrivateKeyCache<'k>,
    all_spent: Option<&'a [TxOut]>,
}

impl InputSigner<'_, '_, '_> {
    fn ecdsa(
        &mut self,
        cache: &mut SighashCache<&bitcoin::Transaction>,
        index: usize,
        input: &mut Input,
        out: &TxOut,
    ) -> Result<usize, String> {
        let ty = input
            .ecdsa_hash_ty()
            .map_err(|e| format!("unsupported sighash type: {e}"))?;
        refuse_single_bug(ty.to_u32(), index, cache)?;
        let message = ecdsa_message(cache, index, input, out, ty)?;
        let ours: Vec<_> = input
            .bip32_derivation
            .iter()
            .filter(|(pk, src)| self.policies.is_our_key(src, &pk.serialize()))
            .map(|(pk, src)| (*pk, src.1.clone()))
            .collect();
        let secp = self.policies.hd().secp();
        for (public_key, path) in &ours {
            let key = self.keys.key(path);
            let signature = secp.sign_ecdsa_low_r(&message, key.expose_secret());
            input.partial_sigs.insert(
                bitcoin::PublicKey::new(*public_key),
                ecdsa::Signature {
                    signature,
                    sighash_type: ty,
                },
            );
        }
        Ok(ours.len())
    }

    fn taproot(
        &mut self,
        cache: &mut SighashCache<&bitcoin::Transaction>,
        index: usize,
        input: &mut Input,
    ) -> Result<usize, String> {
        let prevouts = self
            .all_spent
            .ok_or("taproot signing needs the spent output of every input")?;
        let ty = input
            .taproot_hash_ty()
            .map_err(|e| format!("unsupported sighash type: {e}"))?;
        refuse_single_bug(ty as u32, index, cache)?;
        let secp = self.policies.hd().secp();
        let mut count = 0;
        let origins: Vec<_> = input
            .tap_key_origins
            .iter()
            .filter(|(pk, (_, src))| self.policies.is_our_key(src, &pk.serialize()))
            .map(|(pk, (leaves, src))| (*pk, leaves.clone(), src.1.clone()))
            .collect();
        for (xonly, leaves, path) in origins {
            let key = self.keys.key(&path);
            let keypair = Keypair::from_secret_key(secp, key.expose_secret());
            if leaves.is_empty() && input.tap_internal_key == Some(xonly) {
                let sighash = cache
                    .taproot_key_spend_signature_hash(index, &Prevouts::All(prevouts), ty)
                    .map_err(|e| format!("cannot compute the taproot sighash: {e}"))?;
                let tweaked = keypair.tap_tweak(secp, input.tap_merkle_root).to_keypair();
                let signature = secp.sign_schnorr_with_aux_rand(
                    &Message::from(sighash),
                    &tweaked,
                    &random_bytes::<32>(),
                );
                input.tap_key_sig = Some(taproot::Signature {
                    signature,
                    sighash_type: ty,
                });
                count += 1;
            }
            let signable: Vec<TapLeafHash> =
                leaves.into_iter().filter(|l| has_leaf(input, l)).collect();
            for leaf in &signable {
                let sighash = cache
                    .taproot_script_spend_signature_hash(index, &Prevouts::All(prevouts), *leaf, ty)
                    .map_err(|e| format!("cannot compute the taproot sighash: {e}"))?;
                let signature = secp.sign_schnorr_with_aux_rand(
                    &Message::from(sighash),
                    &keypair,
                    &random_bytes::<32>(),
                );
                input.tap_script_sigs.insert(
                    (xonly, *leaf),
                    taproot::Signature {
                        signature,
                        sighash_type: ty,
                    },
                );
                count += 1;
            }
        }
        Ok(count)
    }
}

/// SIGHASH_SINGLE on an input with no output at its index signs the constant 1 (legacy) or is
/// invalid (taproot): never signed, whatever the operator allowed.
fn refuse_single_bug(
    sighash: u32,
    index: usize,
    cache: &SighashCache<&bitcoin::Transaction>,
) -> Result<(), String> {
    if sighash & 0x1f == 0x03 && index >= cache.transaction().output.len() {
        return Err("SIGHASH_SINGLE without a matching output is never signed".into());
    }
    Ok(())
}

/// Whether the input carries the script of `leaf` (only such leaves can be finalized).
fn has_leaf(input: &Input, leaf: &TapLeafHash) -> bool {
    input.tap_scripts.values().any(|(script, version)| {
        TapLeafHash::from_script(script, *version) == *leaf && *version == LeafVersion::TapScript
    })
}

/// The ECDSA sighash message for a legacy, P2SH, segwit v0 or nested segwit input.
fn ecdsa_message(
    cache: &mut SighashCache<&bitcoin::Transaction>,
    index: usize,
    input: &Input,
    out: &TxOut,
    ty: EcdsaSighashType,
) -> Result<Message, String> {
    let spk = &out.script_pubkey;
    let err = |e: &dyn std::fmt::Display| format!("cannot compute the sighash: {e}");
    let redeem = input.redeem_script.as_ref();
    let inner: &Script = if spk.is_p2sh() {
        redeem.ok_or("a P2SH input needs its redeem script")?
    } else {
        spk
    };
    if inner.is_p2wpkh() {
        return cache
            .p2wpkh_signature_hash(index, inner, out.value, ty)
            .map(Message::from)
            .map_err(|e| err(&e));
    }
    if inner.is_p2wsh() {
        let ws: &ScriptBuf = input
            .witness_script
            .as_ref()
            .ok_or("a P2WSH input needs its witness script")?;
        if ScriptBuf::new_p2wsh(&ws.wscript_hash()) != *inner {
            return Err("the witness script does not hash to the spent output".into());
        }
        return cache
            .p2wsh_signature_hash(index, ws, out.value, ty)
            .map(Message::from)
            .map_err(|e| err(&e));
    }
    let code = if spk.is_p2sh() {
        inner
    } else {
        spk.as_script()
    };
    cache
        .legacy_signature_hash(index, code, ty.to_u32())
        .map(|h| Message::from_digest(h.to_byte_array()))
        .map_err(|e| err(&e))
}

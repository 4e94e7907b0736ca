//! The software signer: keys from the encrypted keystore. ECDSA per RFC 6979 with low-R
//! grinding (the bytes Bitcoin Core produces), Schnorr per BIP340 with fresh auxiliary
//! randomness. Only inputs the review proved ours are signed, and only with keys whose
//! derivation was verified.

use bitcoin::hashes::Hash;
use bitcoin::psbt::{Input, Psbt};
use bitcoin::secp256k1::{All, Keypair, Message, Parity, PublicKey, Secp256k1, SecretKey};
use bitcoin::sighash::{EcdsaSighashType, Prevouts, SighashCache};
use bitcoin::taproot::{LeafVersion, TapLeafHash, TapNodeHash, TapTweakHash};
use bitcoin::{ecdsa, taproot, Script, ScriptBuf, Transaction, TxOut, XOnlyPublicKey};

use super::{capabilities, InputOutcome, Signed, Signer, SignerInfo};
use crate::btc::finalize::spent_outputs;
use crate::btc::ownership::Policies;
use crate::eth::account::SigningKey;
use crate::i18n::{Phrase, Text};
use crate::keys::material::PrivateKeyCache;
use crate::keys::random_bytes;
use crate::keys::secret::PrivateKey;
use crate::prompt::Prompt;
use crate::request::Request;
use crate::review::bitcoin::{spent_output, BtcReview};
use crate::review::Review;
use crate::{Error, Result};

/// The keystore as a [`Signer`]: Bitcoin inputs with the keys the review proved ours (the
/// same [`Policies`] serve review and signing, so no key is derived twice), Ethereum requests
/// with the resolved account key.
pub struct SoftwareSigner<'a> {
    policies: Option<&'a Policies<'a>>,
    eth_key: Option<SigningKey>,
}

impl<'a> SoftwareSigner<'a> {
    /// Signs PSBTs with the keys of `policies`.
    pub fn bitcoin(policies: &'a Policies<'a>) -> Self {
        SoftwareSigner {
            policies: Some(policies),
            eth_key: None,
        }
    }

    /// Signs Ethereum requests with `key`.
    pub fn ethereum(key: SigningKey) -> Self {
        SoftwareSigner {
            policies: None,
            eth_key: Some(key),
        }
    }
}

impl Signer for SoftwareSigner<'_> {
    fn info(&self) -> SignerInfo {
        capabilities::SOFTWARE
    }

    fn sign(&mut self, request: &mut Request, review: &Review, _: &dyn Prompt) -> Result<Signed> {
        match (request, review, self.policies, &self.eth_key) {
            (Request::Bitcoin(file), Review::Bitcoin(r), Some(policies), _) => {
                Ok(Signed::Psbt(sign_psbt(&mut file.psbt, r, policies)))
            }
            (Request::Ethereum(_), Review::Ethereum(r), _, Some(key)) => {
                let secp = bitcoin::secp256k1::Secp256k1::signing_only();
                Ok(Signed::Ethereum(crate::eth::sign::sign_hash(
                    &secp,
                    &key.key,
                    r.signing_hash,
                )))
            }
            (request, ..) => Err(Error::Internal(format!(
                "the keystore signer was opened for another chain than this {} request",
                request.chain()
            ))),
        }
    }
}

/// Where BIP340's auxiliary randomness comes from.
pub type AuxRand<'a> = &'a dyn Fn() -> [u8; 32];

/// Fresh auxiliary randomness from the operating system (what signing uses).
pub fn fresh_aux() -> [u8; 32] {
    random_bytes::<32>()
}

/// Signs every input `review` marks signable. One sighash cache serves all inputs, and keys
/// come from a cache of account keys.
pub fn sign_psbt(psbt: &mut Psbt, review: &BtcReview, policies: &Policies) -> Vec<InputOutcome> {
    let Some(hd) = policies.hd() else {
        return review
            .inputs
            .iter()
            .map(|view| InputOutcome {
                index: view.index,
                signatures: 0,
                not_signed_because: Some(Box::new(Text::new("reason-watch-only").into())),
            })
            .collect();
    };
    // The transaction is borrowed beside the inputs being signed, not copied; each input's
    // spent output is read as it is signed, and taproot's list of every spent output is
    // gathered only when some input needs it.
    let tx = &psbt.unsigned_tx;
    let any_taproot = tx.input.iter().zip(&psbt.inputs).any(|(txin, input)| {
        spent_output(input, &txin.previous_output).is_some_and(|out| out.script_pubkey.is_p2tr())
    });
    let all_spent = any_taproot.then(|| spent_outputs(psbt).ok()).flatten();
    let mut cache = SighashCache::new(tx);
    let mut keys = PrivateKeyCache::new(hd);
    let secp = hd.secp();
    review
        .inputs
        .iter()
        .zip(tx.input.iter().zip(psbt.inputs.iter_mut()))
        .map(|(view, (txin, input))| {
            let index = view.index;
            let outcome = |signatures, reason: Option<Phrase>| InputOutcome {
                index,
                signatures,
                not_signed_because: reason.map(Box::new),
            };
            if !view.signable {
                return outcome(0, view.not_signed_because.as_deref().cloned());
            }
            let Some(out) = &spent_output(input, &txin.previous_output).cloned() else {
                return outcome(0, Some(Text::new("reason-spent-output-unknown").into()));
            };
            let result = if out.script_pubkey.is_p2tr() {
                let ours = our_taproot_keys(input, policies, &mut keys);
                let refs: Vec<_> = ours
                    .iter()
                    .map(|(public, leaves, secret)| {
                        TaprootKey::new(*public, leaves.clone(), secret.expose_secret())
                    })
                    .collect();
                all_spent
                    .as_deref()
                    .ok_or_else(|| {
                        "taproot signing needs the spent output of every input".to_string()
                    })
                    .and_then(|prevouts| {
                        sign_taproot_input(
                            secp, &mut cache, index, input, prevouts, &refs, &fresh_aux,
                        )
                    })
            } else {
                let ours = our_ecdsa_keys(input, policies, &mut keys);
                let refs: Vec<_> = ours.iter().map(|(p, k)| (*p, k.expose_secret())).collect();
                sign_ecdsa_input(secp, &mut cache, index, input, out, &refs)
            };
            match result {
                Ok(0) => outcome(0, Some(Text::new("reason-no-key-signs").into())),
                Ok(n) => outcome(n, None),
                Err(reason) => outcome(
                    0,
                    Some(
                        Text::new("reason-signing-failed")
                            .arg("detail", reason)
                            .into(),
                    ),
                ),
            }
        })
        .collect()
}

/// Our verified ECDSA keys among the input's BIP32 derivations.
fn our_ecdsa_keys(
    input: &Input,
    policies: &Policies,
    keys: &mut PrivateKeyCache,
) -> Vec<(PublicKey, PrivateKey)> {
    input
        .bip32_derivation
        .iter()
        .filter(|(pk, src)| policies.is_our_key(src, &pk.serialize()))
        .map(|(pk, src)| (*pk, keys.key(&src.1)))
        .collect()
}

/// Our verified taproot keys (the full public key the review derived, so its parity is known)
/// with the leaves each may sign.
fn our_taproot_keys(
    input: &Input,
    policies: &Policies,
    keys: &mut PrivateKeyCache,
) -> Vec<(PublicKey, Vec<TapLeafHash>, PrivateKey)> {
    input
        .tap_key_origins
        .iter()
        .filter(|(pk, (_, src))| policies.is_our_key(src, &pk.serialize()))
        .filter_map(|(_, (leaves, src))| {
            let public = policies.public_key(src.0, &src.1)?;
            Some((public, leaves.clone(), keys.key(&src.1)))
        })
        .collect()
}

/// A taproot key to sign with: the x-only key and the parity of the full key its secret
/// gives (which decides how BIP341 tweaks the secret), the leaves it signs, and the secret.
pub struct TaprootKey<'a> {
    /// The x-only public key, as the PSBT lists it.
    pub xonly: XOnlyPublicKey,
    /// The parity of `secret`'s full public key.
    pub parity: Parity,
    /// The leaves this key signs (none: only the key path, if it is the internal key).
    pub leaves: Vec<TapLeafHash>,
    /// The secret key.
    pub secret: &'a SecretKey,
}

impl<'a> TaprootKey<'a> {
    /// The key whose full public key is `public` (the caller proved that `secret` gives it).
    pub fn new(public: PublicKey, leaves: Vec<TapLeafHash>, secret: &'a SecretKey) -> Self {
        let (xonly, parity) = public.x_only_public_key();
        TaprootKey {
            xonly,
            parity,
            leaves,
            secret,
        }
    }
}

/// Adds an ECDSA signature (low-R, RFC 6979) for each of `keys` to input `index`: legacy,
/// P2SH, segwit v0 and nested segwit inputs. Returns the number of signatures added.
pub fn sign_ecdsa_input(
    secp: &Secp256k1<All>,
    cache: &mut SighashCache<&Transaction>,
    index: usize,
    input: &mut Input,
    spent: &TxOut,
    keys: &[(PublicKey, &SecretKey)],
) -> Result<usize, String> {
    let ty = input
        .ecdsa_hash_ty()
        .map_err(|e| format!("unsupported sighash type: {e}"))?;
    refuse_single_bug(ty.to_u32(), index, cache)?;
    let message = ecdsa_message(cache, index, input, spent, ty)?;
    for (public_key, secret) in keys {
        let signature = secp.sign_ecdsa_low_r(&message, secret);
        input.partial_sigs.insert(
            bitcoin::PublicKey::new(*public_key),
            ecdsa::Signature {
                signature,
                sighash_type: ty,
            },
        );
    }
    Ok(keys.len())
}

/// Adds Schnorr signatures to taproot input `index`: a key-path signature (tweaked with the
/// merkle root) for a key listed with no leaves that is the internal key, and a script-path
/// signature for every listed leaf whose script the input carries.
pub fn sign_taproot_input(
    secp: &Secp256k1<All>,
    cache: &mut SighashCache<&Transaction>,
    index: usize,
    input: &mut Input,
    prevouts: &[TxOut],
    keys: &[TaprootKey],
    aux: AuxRand,
) -> Result<usize, String> {
    let ty = input
        .taproot_hash_ty()
        .map_err(|e| format!("unsupported sighash type: {e}"))?;
    refuse_single_bug(ty as u32, index, cache)?;
    let sighash_err =
        |e: &dyn std::fmt::Display| format!("cannot compute the taproot sighash: {e}");
    let mut count = 0;
    for key in keys {
        if key.leaves.is_empty() && input.tap_internal_key == Some(key.xonly) {
            let spent = prevouts
                .get(index)
                .ok_or("the spent output of this input is missing")?;
            let tweaked = key_path_keypair(secp, key, input.tap_merkle_root, spent)?;
            let sighash = cache
                .taproot_key_spend_signature_hash(index, &Prevouts::All(prevouts), ty)
                .map_err(|e| sighash_err(&e))?;
            let signature =
                secp.sign_schnorr_with_aux_rand(&Message::from(sighash), &tweaked, &aux());
            input.tap_key_sig = Some(taproot::Signature {
                signature,
                sighash_type: ty,
            });
            count += 1;
        }
        let present: Vec<TapLeafHash> = key
            .leaves
            .iter()
            .filter(|l| has_leaf(input, l))
            .copied()
            .collect();
        if present.is_empty() {
            continue;
        }
        let keypair = Keypair::from_secret_key(secp, key.secret);
        for leaf in &present {
            let sighash = cache
                .taproot_script_spend_signature_hash(index, &Prevouts::All(prevouts), *leaf, ty)
                .map_err(|e| sighash_err(&e))?;
            let signature =
                secp.sign_schnorr_with_aux_rand(&Message::from(sighash), &keypair, &aux());
            input.tap_script_sigs.insert(
                (key.xonly, *leaf),
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

/// The key-path keypair of `key`: its secret tweaked by BIP341's TapTweak in scalar arithmetic
/// (the parity is known, so the internal point is not recomputed), and checked against the key
/// of the output it spends.
fn key_path_keypair(
    secp: &Secp256k1<All>,
    key: &TaprootKey,
    merkle_root: Option<TapNodeHash>,
    spent: &TxOut,
) -> Result<Keypair, String> {
    let tweak = TapTweakHash::from_key_and_tweak(key.xonly, merkle_root).to_scalar();
    let even = match key.parity {
        Parity::Even => *key.secret,
        Parity::Odd => key.secret.negate(),
    };
    let tweaked = even
        .add_tweak(&tweak)
        .map_err(|_| "the taproot tweak gives no valid key".to_string())?;
    let keypair = Keypair::from_secret_key(secp, &tweaked);
    let output_key = keypair.x_only_public_key().0.serialize();
    let spk = spent.script_pubkey.as_bytes();
    if !spent.script_pubkey.is_p2tr() || spk.get(2..) != Some(&output_key[..]) {
        return Err("the tweaked key is not the key of the output this input spends".into());
    }
    Ok(keypair)
}

/// SIGHASH_SINGLE on an input with no output at its index signs the constant 1 (legacy) or is
/// invalid (taproot): never signed, whatever the operator allowed.
fn refuse_single_bug(
    sighash: u32,
    index: usize,
    cache: &SighashCache<&Transaction>,
) -> Result<(), String> {
    if sighash & 0x1f == 0x03 && index >= cache.transaction().output.len() {
        return Err("SIGHASH_SINGLE without a matching output is never signed".into());
    }
    Ok(())
}

/// Whether the input carries the script of `leaf` (only such leaves can be finalized).
fn has_leaf(input: &Input, leaf: &TapLeafHash) -> bool {
    input.tap_scripts.values().any(|(script, version)| {
        *version == LeafVersion::TapScript && TapLeafHash::from_script(script, *version) == *leaf
    })
}

/// The ECDSA sighash message for a legacy, P2SH, segwit v0 or nested segwit input. The
/// redeem and witness scripts must hash to the spent output (BIP174's signer checks).
pub(crate) fn ecdsa_message(
    cache: &mut SighashCache<&Transaction>,
    index: usize,
    input: &Input,
    out: &TxOut,
    ty: EcdsaSighashType,
) -> Result<Message, String> {
    let spk = &out.script_pubkey;
    let err = |e: &dyn std::fmt::Display| format!("cannot compute the sighash: {e}");
    let inner: &Script = if spk.is_p2sh() {
        let redeem = input
            .redeem_script
            .as_ref()
            .ok_or("a P2SH input needs its redeem script")?;
        if ScriptBuf::new_p2sh(&redeem.script_hash()) != *spk {
            return Err("the redeem script does not hash to the spent output".into());
        }
        redeem
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
        let ws = input
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
    if input.witness_utxo.is_some() && input.non_witness_utxo.is_none() {
        return Err("a non-segwit input needs the previous transaction, not a witness UTXO".into());
    }
    cache
        .legacy_signature_hash(index, inner, ty.to_u32())
        .map(|h| Message::from_digest(h.to_byte_array()))
        .map_err(|e| err(&e))
}

//! Signing messages with the keystore's keys: a whole BIP-322 signature for single-key
//! addresses (P2WPKH, P2TR key path, P2SH-P2WPKH, P2PKH), a legacy BIP-137 signature for
//! P2PKH and P2WPKH, and our share of a multisig address as a BIP-322 PSBT that cosigners
//! complete (`coldsign combine`) and [`finish_psbt`] turns into the signature.
//!
//! Every signature is made through the same PSBT path as transactions (the software signer's
//! sighash code, the finalizer) and verified with Bitcoin Core's interpreter before it is
//! returned.

use bitcoin::bip32::{DerivationPath, Fingerprint};
use bitcoin::key::CompressedPublicKey;
use bitcoin::psbt::Psbt;
use bitcoin::secp256k1::{All, PublicKey, Secp256k1, SecretKey};
use bitcoin::sighash::SighashCache;
use bitcoin::{ScriptBuf, XOnlyPublicKey};
use miniscript::descriptor::{DefiniteDescriptorKey, Descriptor};
use miniscript::psbt::PsbtInputExt;

use super::bip322::{self, Proof};
use super::{bip137, MessageError};
use crate::btc::address_search::Found;
use crate::btc::finalize;
use crate::i18n::Text;
use crate::keys::accounts::Standard;
use crate::keys::material::HdKeys;
use crate::signer::software::{fresh_aux, sign_ecdsa_input, sign_taproot_input, TaprootKey};
use crate::{Error, Result};

/// Which signature to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Legacy for P2PKH (what Bitcoin Core verifies), BIP-322 for everything else.
    Auto,
    /// BIP-322 (simple for native segwit, full otherwise).
    Bip322,
    /// Legacy BIP-137 as Electrum writes it (P2PKH and P2WPKH only).
    Legacy,
}

/// What signing produced.
#[derive(Debug, Clone)]
pub enum Signed {
    /// A complete signature (BIP-322 or legacy).
    Signature {
        /// The signature text.
        text: String,
        /// `bip322-simple`, `bip322-full` or `legacy`.
        format: &'static str,
    },
    /// Our share of a multisig proof: a BIP-322 PSBT awaiting the cosigners' shares.
    Share(Box<Psbt>),
}

/// Signs `message` for the found address `found` with our key(s). `prefixed`: write BIP-322's
/// variant prefix (off only for verifiers that predate it).
pub fn sign(
    hd: &HdKeys,
    found: &Found,
    message: &[u8],
    format: Format,
    prefixed: bool,
) -> Result<Signed> {
    let descriptor = found.descriptor()?;
    let Some(standard) = found.policy.standard else {
        if format == Format::Legacy {
            return Err(Error::said(Text::new("error-msg-legacy-single-key"), None));
        }
        // Our keys alone may meet the wallet's threshold (1-of-n, a single-key miniscript):
        // then the signature is complete; otherwise the share waits for cosigners.
        let psbt = share(hd, &descriptor, message)?;
        let mut attempt = psbt.clone();
        return Ok(
            match finish_psbt(&mut attempt, &descriptor.script_pubkey(), message) {
                Ok(proof) => signature(&proof, prefixed),
                Err(_) => Signed::Share(Box::new(psbt)),
            },
        );
    };
    let path = found
        .single_key_path()
        .ok_or_else(|| Error::Internal("a standard account key without a path".into()))?;
    let legacy = match (format, standard) {
        (Format::Legacy, Standard::Bip44 | Standard::Bip84) => true,
        (Format::Legacy, _) => {
            return Err(Error::said(
                Text::new("error-msg-legacy-script").arg("script", standard.script_name()),
                Some(Text::new("hint-msg-legacy-script")),
            ))
        }
        (Format::Auto, Standard::Bip44) => true,
        _ => false,
    };
    let key = hd.private_key(&path);
    if legacy {
        return Ok(Signed::Signature {
            text: bip137::sign(hd.secp(), key.expose_secret(), message),
            format: "legacy",
        });
    }
    let script = descriptor.script_pubkey();
    let proof = sign_with_key(
        hd.secp(),
        key.expose_secret(),
        standard,
        (hd.fingerprint(), path),
        &script,
        message,
    )?;
    Ok(signature(&proof, prefixed))
}

fn signature(proof: &Proof, prefixed: bool) -> Signed {
    Signed::Signature {
        text: proof.encode(prefixed),
        format: match proof {
            Proof::Simple(_) => "bip322-simple",
            Proof::Full(_) => "bip322-full",
        },
    }
}

/// The BIP-322 signature of `message` for the single-key address `script` of layout
/// `standard`, made with `key` (whose origin the PSBT records).
pub fn sign_with_key(
    secp: &Secp256k1<All>,
    key: &SecretKey,
    standard: Standard,
    origin: (Fingerprint, DerivationPath),
    script: &bitcoin::Script,
    message: &[u8],
) -> Result<Proof> {
    let mut psbt = bip322::unsigned_psbt(script, message);
    let public = key.public_key(secp);
    add_key_fields(&mut psbt, standard, public, origin)?;
    let keys = if standard == Standard::Bip86 {
        Keys::Taproot(vec![TaprootKey::new(public, Vec::new(), key)])
    } else {
        Keys::Ecdsa(vec![(public, key)])
    };
    sign_input(secp, &mut psbt, keys)?;
    finish_psbt(&mut psbt, script, message)
}

/// The keys that sign a BIP-322 PSBT's input.
enum Keys<'a> {
    /// ECDSA keys (legacy, nested and native segwit v0).
    Ecdsa(Vec<(PublicKey, &'a SecretKey)>),
    /// Taproot keys with the leaves each signs (none: the key path of the internal key).
    Taproot(Vec<TaprootKey<'a>>),
}

/// Signs the only input of a BIP-322 PSBT with the software signer's sighash code.
fn sign_input(secp: &Secp256k1<All>, psbt: &mut Psbt, keys: Keys) -> Result<()> {
    let tx = psbt.unsigned_tx.clone();
    let mut cache = SighashCache::new(&tx);
    let spent = psbt.inputs[0]
        .witness_utxo
        .clone()
        .ok_or_else(|| Error::Internal("the BIP-322 PSBT lost its UTXO".into()))?;
    let input = &mut psbt.inputs[0];
    let signed = match keys {
        Keys::Taproot(keys) => {
            sign_taproot_input(secp, &mut cache, 0, input, &[spent], &keys, &fresh_aux)
        }
        Keys::Ecdsa(keys) => sign_ecdsa_input(secp, &mut cache, 0, input, &spent, &keys),
    };
    signed
        .map(|_| ())
        .map_err(|e| Error::Internal(format!("cannot sign the message: {e}")))
}

/// The PSBT key fields of a single-key address.
fn add_key_fields(
    psbt: &mut Psbt,
    standard: Standard,
    public: PublicKey,
    origin: (Fingerprint, DerivationPath),
) -> Result<()> {
    let input = &mut psbt.inputs[0];
    match standard {
        Standard::Bip86 => {
            let xonly = XOnlyPublicKey::from(public);
            input.tap_internal_key = Some(xonly);
            input.tap_key_origins.insert(xonly, (Vec::new(), origin));
        }
        Standard::Bip49 => {
            let wpkh = CompressedPublicKey(public).wpubkey_hash();
            input.redeem_script = Some(ScriptBuf::new_p2wpkh(&wpkh));
            input.bip32_derivation.insert(public, origin);
        }
        Standard::Bip44 | Standard::Bip84 => {
            input.bip32_derivation.insert(public, origin);
        }
        Standard::Bip48 => {
            return Err(Error::Internal(
                "a BIP48 key is not a single-key address".into(),
            ))
        }
    }
    Ok(())
}

/// The BIP-322 PSBT of a registered wallet's address at `descriptor` (multisig or
/// miniscript: P2WSH, P2SH-P2WSH, P2SH, taproot) with our signatures added (every key of ours
/// in it). miniscript's updater fills the scripts and every key's origin, so cosigners can
/// sign and combine.
fn share(
    hd: &HdKeys,
    descriptor: &Descriptor<DefiniteDescriptorKey>,
    message: &[u8],
) -> Result<Psbt> {
    let secp = hd.secp();
    let script = descriptor.script_pubkey();
    let mut psbt = bip322::unsigned_psbt(&script, message);
    let input = &mut psbt.inputs[0];
    input
        .update_with_descriptor_unchecked(descriptor)
        .map_err(|e| Error::Internal(format!("cannot describe the wallet's input: {e}")))?;
    let ours = |fingerprint: Fingerprint, path: &DerivationPath, public: &[u8]| {
        let key = (fingerprint == hd.fingerprint()).then(|| hd.private_key(path))?;
        let derived = key.expose_secret().public_key(secp);
        let bytes = derived.serialize();
        let matches = match public.len() {
            32 => bytes[1..] == *public,
            _ => bytes[..] == *public,
        };
        matches.then_some((derived, key))
    };
    let ecdsa: Vec<_> = input
        .bip32_derivation
        .iter()
        .filter_map(|(pk, (fp, path))| Some((*pk, ours(*fp, path, &pk.serialize())?.1)))
        .collect();
    let taproot: Vec<_> = input
        .tap_key_origins
        .iter()
        .filter_map(|(x, (leaves, (fp, path)))| {
            let (public, key) = ours(*fp, path, &x.serialize())?;
            Some((public, leaves.clone(), key))
        })
        .collect();
    let keys = if script.is_p2tr() {
        Keys::Taproot(
            taproot
                .iter()
                .map(|(public, leaves, key)| {
                    TaprootKey::new(*public, leaves.clone(), key.expose_secret())
                })
                .collect(),
        )
    } else {
        Keys::Ecdsa(ecdsa.iter().map(|(p, k)| (*p, k.expose_secret())).collect())
    };
    if ecdsa.is_empty() && taproot.is_empty() {
        return Err(Error::said(Text::new("error-msg-no-key-of-ours"), None));
    }
    sign_input(secp, &mut psbt, keys)?;
    Ok(psbt)
}

/// Finalizes a BIP-322 PSBT whose signatures are all present (ours alone, or combined from
/// every cosigner), checks it is for `challenge` and `message`, and returns the signature:
/// simple for native segwit, full otherwise.
pub fn finish_psbt(psbt: &mut Psbt, challenge: &bitcoin::Script, message: &[u8]) -> Result<Proof> {
    let expected = bip322::to_sign(&bip322::to_spend(challenge, message));
    if psbt.unsigned_tx.input.len() != 1
        || psbt.unsigned_tx.input[0].previous_output != expected.input[0].previous_output
    {
        return Err(MessageError::Invalid(
            "the PSBT is not the BIP-322 proof of this message for this address".into(),
        )
        .into());
    }
    let outcome = finalize::finalize(psbt);
    if let Some(error) = outcome.into_iter().find_map(|o| o.error) {
        return Err(Error::unverified(
            Text::new("error-message-signature-incomplete").arg("error", error),
        ));
    }
    let tx = finalize::extract(psbt)
        .map_err(|i| Error::unverified(Text::new("error-input-not-finalized").arg("index", i)))?;
    let simple = challenge.is_witness_program()
        && tx == {
            let mut plain = expected.clone();
            plain.input[0].witness = tx.input[0].witness.clone();
            plain
        };
    let proof = if simple {
        Proof::Simple(tx.input[0].witness.clone())
    } else {
        Proof::Full(tx)
    };
    bip322::verify(challenge, message, &proof)?;
    Ok(proof)
}

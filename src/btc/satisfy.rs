//! The final scriptSig and witness of one PSBT input, from its signatures and scripts (BIP174's
//! finalizer role). The same inference as miniscript's finalizer, but linear in the input
//! count: the key-hash map is built once per PSBT, not once per input, and no per-input
//! interpreter run recomputes the sighash midstates (every finalized input is verified by
//! Bitcoin Core's interpreter instead, see `finalize`).

use std::collections::BTreeMap;

use bitcoin::hashes::hash160;
use bitcoin::key::CompressedPublicKey;
use bitcoin::psbt::{Input, Psbt};
use bitcoin::taproot::LeafVersion;
use bitcoin::{PublicKey, Script, ScriptBuf, TxOut, Witness, XOnlyPublicKey};
use miniscript::psbt::PsbtInputSatisfier;
use miniscript::{
    BareCtx, Descriptor, ExtParams, Legacy, Miniscript, Satisfier, ScriptContext, Segwitv0,
    SigType, Tap, ToPublicKey,
};

/// Every key the PSBT lists (BIP32 and taproot origins of all inputs), by hash: raw `pkh`
/// fragments in scripts name keys only by hash.
pub struct KnownKeys {
    ecdsa: BTreeMap<hash160::Hash, PublicKey>,
    schnorr: BTreeMap<hash160::Hash, XOnlyPublicKey>,
}

impl KnownKeys {
    /// The keys of `psbt`.
    pub fn new(psbt: &Psbt) -> Self {
        let mut keys = KnownKeys {
            ecdsa: BTreeMap::new(),
            schnorr: BTreeMap::new(),
        };
        for input in &psbt.inputs {
            for key in input.bip32_derivation.keys() {
                let key = PublicKey::new(*key);
                keys.ecdsa.insert(key.pubkey_hash().into(), key);
            }
            for key in input.tap_key_origins.keys() {
                keys.schnorr
                    .insert(key.to_pubkeyhash(SigType::Schnorr), *key);
            }
        }
        keys
    }
}

/// The final (witness, scriptSig) of input `index`, spending `spent`.
pub fn satisfy(
    psbt: &Psbt,
    index: usize,
    spent: &TxOut,
    keys: &KnownKeys,
) -> Result<(Witness, ScriptBuf), String> {
    let satisfier = PsbtInputSatisfier::new(psbt, index);
    let spk = &spent.script_pubkey;
    if spk.is_p2tr() {
        return taproot_witness(&satisfier, keys).map(|w| (w, ScriptBuf::new()));
    }
    let descriptor = descriptor(&psbt.inputs[index], spk, keys)?;
    let (witness, script_sig) = descriptor
        .get_satisfaction(&satisfier)
        .map_err(|e| format!("cannot satisfy the script: {e}"))?;
    Ok((Witness::from_slice(&witness), script_sig))
}

/// The smallest taproot witness: the key-path signature, else the cheapest satisfiable leaf.
fn taproot_witness(satisfier: &PsbtInputSatisfier, keys: &KnownKeys) -> Result<Witness, String> {
    if let Some(sig) = Satisfier::<XOnlyPublicKey>::lookup_tap_key_spend_sig(satisfier) {
        return Ok(Witness::from_slice(&[sig.to_vec()]));
    }
    let leaves = Satisfier::<XOnlyPublicKey>::lookup_tap_control_block_map(satisfier)
        .ok_or("no key-path signature and no script leaves")?;
    leaves
        .iter()
        .filter(|(_, (_, version))| *version == LeafVersion::TapScript)
        .filter_map(|(control, (script, _))| {
            let ms = parse::<Tap>(script, &keys.schnorr).ok()?;
            let mut stack = ms.satisfy(satisfier).ok()?;
            stack.push(script.to_bytes());
            stack.push(control.serialize());
            Some(Witness::from_slice(&stack))
        })
        // The smallest; among equals the last, as miniscript's finalizer picks.
        .max_by_key(|w| std::cmp::Reverse(w.size()))
        .ok_or_else(|| "no taproot path can be satisfied with the signatures present".into())
}

/// The descriptor an input spends, inferred from its spent script, redeem and witness scripts
/// (each checked to hash to the script it claims to be).
fn descriptor(
    input: &Input,
    spk: &Script,
    keys: &KnownKeys,
) -> Result<Descriptor<PublicKey>, String> {
    let err = |e: miniscript::Error| e.to_string();
    if spk.is_p2pk() {
        let bytes = spk.as_bytes();
        let key = PublicKey::from_slice(&bytes[1..bytes.len() - 1]).map_err(|e| e.to_string())?;
        return Ok(Descriptor::new_pk(key));
    }
    if spk.is_p2pkh() {
        let key = signed_key(input, |k| ScriptBuf::new_p2pkh(&k.pubkey_hash()) == *spk)?;
        return Descriptor::new_pkh(key).map_err(err);
    }
    if spk.is_p2wpkh() {
        return Descriptor::new_wpkh(signed_wpkh_key(input, spk)?).map_err(err);
    }
    if spk.is_p2wsh() {
        if input.redeem_script.is_some() {
            return Err("a P2WSH input has a redeem script".into());
        }
        let ms = parse::<Segwitv0>(witness_script(input, spk)?, &keys.ecdsa)?;
        return Descriptor::new_wsh(ms).map_err(err);
    }
    if spk.is_p2sh() {
        let redeem = input
            .redeem_script
            .as_ref()
            .ok_or("a P2SH input needs its redeem script")?;
        if redeem.to_p2sh() != *spk {
            return Err("the redeem script does not hash to the spent output".into());
        }
        if redeem.is_p2wsh() {
            let ms = parse::<Segwitv0>(witness_script(input, redeem)?, &keys.ecdsa)?;
            return Descriptor::new_sh_wsh(ms).map_err(err);
        }
        if redeem.is_p2wpkh() {
            return Descriptor::new_sh_wpkh(signed_wpkh_key(input, redeem)?).map_err(err);
        }
        if input.witness_script.is_some() {
            return Err("a P2SH input has a witness script".into());
        }
        return Descriptor::new_sh(parse::<Legacy>(redeem, &keys.ecdsa)?).map_err(err);
    }
    if input.witness_script.is_some() || input.redeem_script.is_some() {
        return Err("a bare script input has a redeem or witness script".into());
    }
    Descriptor::new_bare(parse::<BareCtx>(spk, &keys.ecdsa)?).map_err(err)
}

/// The witness script, checked to hash to `p2wsh`.
fn witness_script<'a>(input: &'a Input, p2wsh: &Script) -> Result<&'a Script, String> {
    let ws = input
        .witness_script
        .as_ref()
        .ok_or("a P2WSH input needs its witness script")?;
    if ws.to_p2wsh() != *p2wsh {
        return Err("the witness script does not hash to the spent output".into());
    }
    Ok(ws)
}

/// The key of a partial signature for which `fits` holds.
fn signed_key(input: &Input, fits: impl Fn(&PublicKey) -> bool) -> Result<PublicKey, String> {
    input
        .partial_sigs
        .keys()
        .copied()
        .find(fits)
        .ok_or_else(|| "no signature for the key of this script".into())
}

/// The signing key of a P2WPKH program.
fn signed_wpkh_key(input: &Input, program: &Script) -> Result<PublicKey, String> {
    signed_key(input, |k| {
        CompressedPublicKey::try_from(*k)
            .is_ok_and(|c| ScriptBuf::new_p2wpkh(&c.wpubkey_hash()) == *program)
    })
}

/// A script as miniscript (any fragment allowed: the script is already committed to), raw key
/// hashes replaced by the keys they name.
fn parse<Ctx: ScriptContext>(
    script: &Script,
    keys: &BTreeMap<hash160::Hash, Ctx::Key>,
) -> Result<Miniscript<Ctx::Key, Ctx>, String> {
    Miniscript::<Ctx::Key, Ctx>::parse_with_ext(script, &ExtParams::allow_all())
        .map(|ms| ms.substitute_raw_pkh(keys))
        .map_err(|e| format!("the script is not miniscript: {e}"))
}

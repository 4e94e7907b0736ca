//! BIP-322 generic signed messages: the virtual `to_spend` and `to_sign` transactions, the
//! `smp` (simple: the witness stack) and `ful` (full: the signed `to_sign`) encodings, and
//! verification with Bitcoin Core's script interpreter.

use bitcoin::base64::prelude::{Engine, BASE64_STANDARD};
use bitcoin::blockdata::opcodes::all::OP_RETURN;
use bitcoin::blockdata::opcodes::OP_0;
use bitcoin::consensus::{deserialize, serialize};
use bitcoin::hashes::{sha256, Hash, HashEngine};
use bitcoin::psbt::{raw, Psbt};
use bitcoin::script::{Builder, Instruction};
use bitcoin::secp256k1::ecdsa;
use bitcoin::sighash::EcdsaSighashType;
use bitcoin::transaction::Version;
use bitcoin::{
    absolute, Amount, OutPoint, Script, ScriptBuf, Sequence, Transaction, TxIn, TxOut, Txid,
    Witness,
};

use super::MessageError;
use crate::btc::finalize;

/// The BIP340 tag of the message hash.
pub const TAG: &[u8] = b"BIP0322-signed-message";

/// BIP-322's global PSBT field holding the message (`PSBT_GLOBAL_GENERIC_SIGNED_MESSAGE`).
pub const PSBT_GLOBAL_GENERIC_SIGNED_MESSAGE: u8 = 0x09;

/// `sha256_tag(message)` with the tag `BIP0322-signed-message`.
pub fn message_hash(message: &[u8]) -> [u8; 32] {
    let tag = sha256::Hash::hash(TAG);
    let mut engine = sha256::Hash::engine();
    engine.input(tag.as_byte_array());
    engine.input(tag.as_byte_array());
    engine.input(message);
    sha256::Hash::from_engine(engine).to_byte_array()
}

/// The virtual transaction whose only output, paying `challenge` (the address's script),
/// commits to the message.
pub fn to_spend(challenge: &Script, message: &[u8]) -> Transaction {
    let script_sig = Builder::new()
        .push_opcode(OP_0)
        .push_slice(message_hash(message))
        .into_script();
    Transaction {
        version: Version(0),
        lock_time: absolute::LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint {
                txid: Txid::all_zeros(),
                vout: 0xFFFF_FFFF,
            },
            script_sig,
            sequence: Sequence(0),
            witness: Witness::new(),
        }],
        output: vec![TxOut {
            value: Amount::ZERO,
            script_pubkey: challenge.to_owned(),
        }],
    }
}

/// The unsigned `to_sign` transaction spending `to_spend`'s output, with the default
/// (simple-format) version, lock time and sequence.
pub fn to_sign(to_spend: &Transaction) -> Transaction {
    Transaction {
        version: Version(0),
        lock_time: absolute::LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint {
                txid: to_spend.compute_txid(),
                vout: 0,
            },
            script_sig: ScriptBuf::new(),
            sequence: Sequence(0),
            witness: Witness::new(),
        }],
        output: vec![TxOut {
            value: Amount::ZERO,
            script_pubkey: Builder::new().push_opcode(OP_RETURN).into_script(),
        }],
    }
}

/// `to_sign` as a PSBT (BIP-322 "PSBT-based signing"): the spent output in both UTXO fields
/// and the message in the global field 0x09. Signers add their partial signatures to it;
/// coldsign's multisig shares cross the air gap in this form.
pub fn unsigned_psbt(challenge: &Script, message: &[u8]) -> Psbt {
    let spend = to_spend(challenge, message);
    let mut psbt = Psbt::from_unsigned_tx(to_sign(&spend))
        .expect("to_sign has empty scriptSigs and witnesses");
    psbt.inputs[0].witness_utxo = Some(spend.output[0].clone());
    psbt.inputs[0].non_witness_utxo = Some(spend);
    psbt.unknown.insert(
        raw::Key {
            type_value: PSBT_GLOBAL_GENERIC_SIGNED_MESSAGE,
            key: Vec::new(),
        },
        message.to_vec(),
    );
    psbt
}

/// The message a BIP-322 PSBT carries (global field 0x09).
pub fn psbt_message(psbt: &Psbt) -> Option<&[u8]> {
    psbt.unknown
        .iter()
        .find(|(k, _)| k.type_value == PSBT_GLOBAL_GENERIC_SIGNED_MESSAGE && k.key.is_empty())
        .map(|(_, v)| v.as_slice())
}

/// A BIP-322 signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// `smp`: the witness stack of `to_sign` (native segwit scripts, default fields).
    Simple(Witness),
    /// `ful`: the whole signed `to_sign` transaction (any script type, time locks).
    Full(Transaction),
}

impl Proof {
    /// The variant prefix BIP-322 requires signers to write.
    pub fn prefix(&self) -> &'static str {
        match self {
            Proof::Simple(_) => "smp",
            Proof::Full(_) => "ful",
        }
    }

    /// The signature text: the variant prefix (unless `prefixed` is false, for verifiers
    /// written before the BIP required it) and the base64 of the consensus encoding.
    pub fn encode(&self, prefixed: bool) -> String {
        let bytes = match self {
            Proof::Simple(witness) => serialize(witness),
            Proof::Full(tx) => serialize(tx),
        };
        let body = BASE64_STANDARD.encode(bytes);
        if prefixed {
            format!("{}{body}", self.prefix())
        } else {
            body
        }
    }

    /// Reads a signature. `smp` and `ful` prefixes are honoured, `pof` (proof of funds) is
    /// refused; without a prefix the simple format is tried first, then the full one (the
    /// BIP's backward compatibility). Trailing bytes are an error.
    pub fn decode(text: &str) -> Result<Proof, MessageError> {
        let text = text.trim();
        let (prefix, body) = match text.get(..3) {
            Some(p @ ("smp" | "ful" | "pof")) => (Some(p), &text[3..]),
            _ => (None, text),
        };
        let bytes = BASE64_STANDARD
            .decode(body)
            .map_err(|e| MessageError::Malformed(format!("the signature is not base64: {e}")))?;
        if bytes.is_empty() {
            return Err(MessageError::Malformed("the signature is empty".into()));
        }
        let simple = || deserialize::<Witness>(&bytes).map(Proof::Simple);
        let full = || deserialize::<Transaction>(&bytes).map(Proof::Full);
        match prefix {
            Some("smp") => simple().map_err(|e| malformed("simple", e)),
            Some("ful") => full().map_err(|e| malformed("full", e)),
            Some(_) => Err(MessageError::Unsupported(
                "BIP-322 proof-of-funds (pof) signatures are not supported".into(),
            )),
            None => simple()
                .or_else(|_| full())
                .map_err(|e| malformed("simple or full", e)),
        }
    }
}

fn malformed(format: &str, e: bitcoin::consensus::encode::Error) -> MessageError {
    MessageError::Malformed(format!("not a BIP-322 {format} signature: {e}"))
}

/// A signature that verified: BIP-322's "valid at time T and age S".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Valid {
    /// `to_sign`'s nLockTime (0: no time lock).
    pub lock_time: u32,
    /// The nSequence of `to_sign`'s input (0: no relative lock).
    pub sequence: u32,
}

/// Verifies `proof` of `message` for the address script `challenge`: builds `to_spend` and
/// `to_sign`, checks the fields BIP-322 fixes, runs Bitcoin Core's interpreter (all consensus
/// flags, taproot included) and BIP-322's signature rules (SIGHASH_ALL, or DEFAULT for
/// taproot; low-S ECDSA).
pub fn verify(challenge: &Script, message: &[u8], proof: &Proof) -> Result<Valid, MessageError> {
    let spend = to_spend(challenge, message);
    let signed = match proof {
        Proof::Simple(witness) => {
            let mut tx = to_sign(&spend);
            if !challenge.is_witness_program() {
                tx.input[0].script_sig = nested_p2wpkh_script_sig(challenge, witness)?;
            }
            tx.input[0].witness = witness.clone();
            tx
        }
        Proof::Full(tx) => {
            check_full_fields(tx, &spend)?;
            tx.clone()
        }
    };
    finalize::verify(&signed, &spend.output)
        .map_err(|e| MessageError::Invalid(format!("invalid signature: {e}")))?;
    check_signature_rules(challenge, &signed.input[0])?;
    Ok(Valid {
        lock_time: signed.lock_time.to_consensus_u32(),
        sequence: signed.input[0].sequence.0,
    })
}

/// The scriptSig of a P2SH-P2WPKH `to_sign` whose signature came in the simple format, as
/// bip322-js and Sparrow write it (the BIP asks for the full format there): the push of the
/// P2WPKH program of the witness's key. The interpreter then checks it hashes to the address.
fn nested_p2wpkh_script_sig(
    challenge: &Script,
    witness: &Witness,
) -> Result<ScriptBuf, MessageError> {
    let key = match (challenge.is_p2sh(), witness.len(), witness.last()) {
        (true, 2, Some(key)) => bitcoin::CompressedPublicKey::from_slice(key).ok(),
        _ => None,
    };
    let key = key.ok_or_else(|| {
        MessageError::Invalid(
            "invalid signature: a simple signature needs a native segwit (or p2sh-p2wpkh) address; this one needs the full format"
                .into(),
        )
    })?;
    let program = ScriptBuf::new_p2wpkh(&key.wpubkey_hash());
    let push = bitcoin::script::PushBytesBuf::try_from(program.into_bytes())
        .map_err(|_| MessageError::Malformed("oversized program".into()))?;
    Ok(Builder::new().push_slice(push).into_script())
}

/// The fields of a full `to_sign` that BIP-322 fixes.
fn check_full_fields(tx: &Transaction, spend: &Transaction) -> Result<(), MessageError> {
    let op_return = Builder::new().push_opcode(OP_RETURN).into_script();
    let expected = OutPoint {
        txid: spend.compute_txid(),
        vout: 0,
    };
    if tx.input.len() != 1 {
        return Err(MessageError::Unsupported(format!(
            "to_sign has {} inputs: proofs of funds are not supported",
            tx.input.len()
        )));
    }
    if tx.input[0].previous_output != expected {
        return Err(MessageError::Invalid(
            "invalid signature: to_sign does not spend this message's to_spend (another message or address)"
                .into(),
        ));
    }
    if tx.output.len() != 1
        || tx.output[0].value != Amount::ZERO
        || tx.output[0].script_pubkey != op_return
    {
        return Err(MessageError::Invalid(
            "invalid signature: to_sign must have exactly one output, 0 sat to OP_RETURN".into(),
        ));
    }
    if !matches!(tx.version.0, 0 | 2) {
        return Err(MessageError::Unsupported(format!(
            "to_sign has version {}; BIP-322 knows 0 and 2 (inconclusive)",
            tx.version.0
        )));
    }
    Ok(())
}

/// BIP-322's rules beyond consensus for the signatures it can recognise: ECDSA signatures
/// (in the witness or scriptSig) must be SIGHASH_ALL and low-S; a taproot key-path signature
/// must be SIGHASH_DEFAULT or SIGHASH_ALL.
fn check_signature_rules(challenge: &Script, input: &TxIn) -> Result<(), MessageError> {
    let rule = |what: String| Err(MessageError::Invalid(format!("invalid signature: {what}")));
    if challenge.is_p2tr() {
        let items: Vec<&[u8]> = input.witness.iter().collect();
        let annexed = items.len() == 2 && items[1].first() == Some(&0x50);
        if items.len() == 1 || annexed {
            return match items[0].len() {
                64 => Ok(()),
                65 if items[0][64] == 0x01 => Ok(()),
                _ => rule(
                    "a taproot key-path signature must use SIGHASH_DEFAULT or SIGHASH_ALL".into(),
                ),
            };
        }
        return Ok(());
    }
    let pushes = input
        .script_sig
        .instructions()
        .filter_map(|i| match i {
            Ok(Instruction::PushBytes(p)) => Some(p.as_bytes().to_vec()),
            _ => None,
        })
        .chain(input.witness.iter().map(<[u8]>::to_vec));
    for item in pushes {
        let Some((&hash_type, der)) = item.split_last() else {
            continue;
        };
        let Ok(signature) = ecdsa::Signature::from_der(der) else {
            continue;
        };
        if hash_type != EcdsaSighashType::All as u8 {
            return rule(format!(
                "ECDSA signature with sighash type {hash_type:#04x}; BIP-322 requires SIGHASH_ALL"
            ));
        }
        let mut normalized = signature;
        normalized.normalize_s();
        if normalized != signature {
            return rule("ECDSA signature with a high S value".into());
        }
    }
    Ok(())
}

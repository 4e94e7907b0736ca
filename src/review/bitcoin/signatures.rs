//! How many signatures a multisig input holds and how many it needs, read from its witness or
//! redeem script (`multi`/`sortedmulti`: `OP_k <keys> OP_n OP_CHECKMULTISIG`) and its partial
//! signatures. Only signatures by a key of the script count.

use bitcoin::opcodes::all::OP_CHECKMULTISIG;
use bitcoin::opcodes::{Class, ClassifyContext};
use bitcoin::psbt::Input;
use bitcoin::script::Instruction;
use bitcoin::{PublicKey, Script};
use serde::Serialize;

use crate::i18n::Text;

/// Signatures present and needed on one multisig input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SignatureCount {
    /// Partial signatures by keys of the script.
    pub present: usize,
    /// The script's threshold.
    pub needed: usize,
}

impl SignatureCount {
    /// Whether enough signatures are present to finalize.
    pub fn complete(&self) -> bool {
        self.present >= self.needed
    }

    /// The count for people, in the operator's language (English: its `Display`).
    pub fn said(&self) -> Text {
        Text::new("review-signature-count")
            .arg("present", self.present)
            .arg("needed", self.needed)
    }
}

impl std::fmt::Display for SignatureCount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} of {} signatures", self.present, self.needed)
    }
}

/// The signature count of an input spending a bare multisig script (P2WSH, P2SH-P2WSH or P2SH);
/// `None` for any other script or a finalized input.
pub fn multisig_signatures(input: &Input) -> Option<SignatureCount> {
    if input.final_script_sig.is_some() || input.final_script_witness.is_some() {
        return None;
    }
    let script = input
        .witness_script
        .as_ref()
        .or(input.redeem_script.as_ref())?;
    let (needed, keys) = multisig_script(script)?;
    let present = input
        .partial_sigs
        .keys()
        .filter(|k| keys.contains(k))
        .count();
    Some(SignatureCount { present, needed })
}

/// The threshold and key count of a bare multisig script (`OP_k <keys> OP_n
/// OP_CHECKMULTISIG`); `None` for any other script.
pub fn multisig_threshold(script: &Script) -> Option<(usize, usize)> {
    multisig_script(script).map(|(needed, keys)| (needed, keys.len()))
}

/// The threshold and keys, in script order, of `OP_k <keys> OP_n OP_CHECKMULTISIG`; `None`
/// for any other script.
pub fn multisig_script(script: &Script) -> Option<(usize, Vec<PublicKey>)> {
    let instructions = script.instructions().collect::<Result<Vec<_>, _>>().ok()?;
    let [first, middle @ .., count, last] = instructions.as_slice() else {
        return None;
    };
    if *last != Instruction::Op(OP_CHECKMULTISIG) {
        return None;
    }
    let number = |i: &Instruction| match i {
        Instruction::Op(op) => match op.classify(ClassifyContext::Legacy) {
            Class::PushNum(n) => usize::try_from(n).ok(),
            _ => None,
        },
        Instruction::PushBytes(_) => None,
    };
    let (needed, total) = (number(first)?, number(count)?);
    let keys = middle
        .iter()
        .map(|i| match i {
            Instruction::PushBytes(b) => PublicKey::from_slice(b.as_bytes()).ok(),
            Instruction::Op(_) => None,
        })
        .collect::<Option<Vec<_>>>()?;
    (needed >= 1 && needed <= total && keys.len() == total).then_some((needed, keys))
}

#[cfg(test)]
mod tests {
    use bitcoin::secp256k1::{Secp256k1, SecretKey};
    use bitcoin::{ecdsa, ScriptBuf};

    use super::*;

    fn key(byte: u8) -> (SecretKey, PublicKey) {
        let secret = SecretKey::from_slice(&[byte; 32]).unwrap();
        (secret, PublicKey::new(secret.public_key(&Secp256k1::new())))
    }

    #[test]
    fn counts_only_signatures_by_keys_of_the_script() {
        let (s1, k1) = key(1);
        let (_, k2) = key(2);
        let (s3, k3) = key(3);
        let script = ScriptBuf::builder()
            .push_int(2)
            .push_key(&k1)
            .push_key(&k2)
            .push_int(2)
            .push_opcode(OP_CHECKMULTISIG)
            .into_script();
        let secp = Secp256k1::new();
        let msg = bitcoin::secp256k1::Message::from_digest([7; 32]);
        let sig = |s: &SecretKey| ecdsa::Signature::sighash_all(secp.sign_ecdsa(&msg, s));
        let mut input = Input {
            witness_script: Some(script),
            ..Default::default()
        };
        assert_eq!(
            multisig_signatures(&input),
            Some(SignatureCount {
                present: 0,
                needed: 2
            })
        );
        input.partial_sigs.insert(k1, sig(&s1));
        input.partial_sigs.insert(k3, sig(&s3));
        let count = multisig_signatures(&input).unwrap();
        assert_eq!(count.to_string(), "1 of 2 signatures");
        assert!(!count.complete());
        input.witness_script = Some(ScriptBuf::builder().push_key(&k1).into_script());
        assert_eq!(multisig_signatures(&input), None);
    }
}

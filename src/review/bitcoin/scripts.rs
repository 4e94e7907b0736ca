//! What an output script lets happen to its coins, from the script alone: a standard template
//! with an address, nobody can ever spend it (the value is burned), anyone can spend it, or a
//! script with no standard meaning. Rules from Bitcoin Core's interpreter and policy
//! (`script/interpreter.cpp`, `policy/policy.cpp`) and BIP141/BIP341.

use bitcoin::opcodes::{all::OP_RESERVED, Class, ClassifyContext};
use bitcoin::script::Instruction;
use bitcoin::{Script, ScriptBuf, WitnessVersion, XOnlyPublicKey};

use crate::i18n::Text;

/// Scripts longer than this fail in every spend (`MAX_SCRIPT_SIZE`).
const MAX_SCRIPT_SIZE: usize = 10_000;
/// The witness program of pay-to-anchor (P2A), `OP_1 <0x4e73>`.
const ANCHOR_PROGRAM: [u8; 2] = [0x4e, 0x73];

/// The verdict on one output script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptClass {
    /// P2PKH, P2SH, P2WPKH, P2WSH or P2TR with a valid program: it has an address.
    Standard(&'static str),
    /// No one can ever spend it: whatever it holds is burned.
    Unspendable {
        /// Short name, e.g. `op_return`.
        kind: &'static str,
        /// Why, for a person.
        reason: Text,
    },
    /// Anyone (in practice the first miner or bot to see it) can spend it.
    AnyoneCanSpend {
        /// Short name, e.g. `p2a`.
        kind: &'static str,
        /// Why, for a person.
        reason: Text,
    },
    /// Not a standard template: the review cannot tell who may spend it.
    NonStandard {
        /// Short name, e.g. `bare_multisig`.
        kind: &'static str,
        /// Why, for a person.
        reason: Text,
    },
}

impl ScriptClass {
    /// The short name shown as the output's `script_type`.
    pub fn kind(&self) -> &'static str {
        match self {
            ScriptClass::Standard(k)
            | ScriptClass::Unspendable { kind: k, .. }
            | ScriptClass::AnyoneCanSpend { kind: k, .. }
            | ScriptClass::NonStandard { kind: k, .. } => k,
        }
    }

    /// The reason, for anything but a standard template.
    pub fn reason(&self) -> Option<&Text> {
        match self {
            ScriptClass::Standard(_) => None,
            ScriptClass::Unspendable { reason, .. }
            | ScriptClass::AnyoneCanSpend { reason, .. }
            | ScriptClass::NonStandard { reason, .. } => Some(reason),
        }
    }
}

/// Classifies an output script.
pub fn classify(script: &Script) -> ScriptClass {
    let unspendable = |kind, reason: Text| ScriptClass::Unspendable { kind, reason };
    let anyone = |kind, reason: Text| ScriptClass::AnyoneCanSpend { kind, reason };
    if script.is_op_return() {
        return unspendable("op_return", Text::new("script-op-return"));
    }
    if script.len() > MAX_SCRIPT_SIZE {
        return unspendable(
            "oversize",
            Text::new("script-oversize")
                .arg("bytes", script.len())
                .arg("limit", MAX_SCRIPT_SIZE),
        );
    }
    if let Some(version) = script.witness_version() {
        return witness(version, script.as_bytes().get(2..).unwrap_or_default());
    }
    if script.is_p2pkh() {
        return ScriptClass::Standard("p2pkh");
    }
    if script.is_p2sh() {
        return ScriptClass::Standard("p2sh");
    }
    if script.is_empty() {
        return anyone("empty", Text::new("script-empty"));
    }
    let mut last_push_true = None;
    for instruction in script.instructions() {
        match instruction {
            Err(_) => return unspendable("malformed", Text::new("script-malformed")),
            Ok(Instruction::Op(op)) if op.classify(ClassifyContext::Legacy) == Class::IllegalOp => {
                return unspendable(
                    "disabled_opcode",
                    Text::new("script-disabled-opcode").arg("opcode", op),
                )
            }
            Ok(Instruction::PushBytes(data)) => last_push_true = Some(truthy(data.as_bytes())),
            Ok(Instruction::Op(op)) => match op.classify(ClassifyContext::Legacy) {
                Class::PushNum(n) => last_push_true = Some(n != 0),
                _ if op == OP_RESERVED => last_push_true = Some(false),
                _ => last_push_true = None,
            },
        }
    }
    if script.is_push_only() {
        return match last_push_true {
            Some(true) => anyone("push_only", Text::new("script-push-only-true")),
            _ => unspendable("push_only", Text::new("script-push-only-false")),
        };
    }
    if script.is_p2pk() && script.p2pk_public_key().is_none() {
        return unspendable("p2pk_invalid_key", Text::new("script-p2pk-invalid-key"));
    }
    if script.is_p2pk() {
        return ScriptClass::NonStandard {
            kind: "p2pk",
            reason: Text::new("script-p2pk"),
        };
    }
    if script.is_multisig() {
        return ScriptClass::NonStandard {
            kind: "bare_multisig",
            reason: Text::new("script-bare-multisig"),
        };
    }
    ScriptClass::NonStandard {
        kind: "nonstandard",
        reason: Text::new("script-nonstandard"),
    }
}

/// The script behind a P2SH or P2WSH output when the PSBT reveals it (`redeem_script`,
/// `witness_script`) and it hashes to the output: what really decides who can spend the coins.
/// Nested P2SH-P2WSH gives the witness script; P2SH-P2WPKH reveals nothing more.
pub fn revealed<'s>(
    script: &Script,
    redeem: Option<&'s Script>,
    witness: Option<&'s Script>,
) -> Option<&'s Script> {
    let witness_behind = |outer: &Script| {
        witness.filter(|w| ScriptBuf::new_p2wsh(&w.wscript_hash()).as_script() == outer)
    };
    if script.is_p2wsh() {
        return witness_behind(script);
    }
    let redeem = redeem.filter(|r| script.is_p2sh() && r.to_p2sh().as_script() == script)?;
    if redeem.is_p2wsh() {
        witness_behind(redeem)
    } else if redeem.is_witness_program() {
        None
    } else {
        Some(redeem)
    }
}

/// A witness program: v0 needs 20 or 32 bytes, v1 32 bytes on the curve (or P2A); every
/// other version and length has no spending rules yet.
fn witness(version: WitnessVersion, program: &[u8]) -> ScriptClass {
    let n = program.len();
    match (version, n) {
        (WitnessVersion::V0, 20) => ScriptClass::Standard("p2wpkh"),
        (WitnessVersion::V0, 32) => ScriptClass::Standard("p2wsh"),
        (WitnessVersion::V0, _) => ScriptClass::Unspendable {
            kind: "witness_v0_invalid",
            reason: Text::new("script-witness-v0-invalid").arg("bytes", n),
        },
        (WitnessVersion::V1, 32) => match XOnlyPublicKey::from_slice(program) {
            Ok(_) => ScriptClass::Standard("p2tr"),
            Err(_) => ScriptClass::Unspendable {
                kind: "p2tr_invalid_key",
                reason: Text::new("script-p2tr-invalid-key"),
            },
        },
        (WitnessVersion::V1, _) if program == ANCHOR_PROGRAM => ScriptClass::AnyoneCanSpend {
            kind: "p2a",
            reason: Text::new("script-p2a"),
        },
        _ => ScriptClass::AnyoneCanSpend {
            kind: "witness_unknown",
            reason: Text::new("script-witness-unknown")
                .arg("version", version.to_num())
                .arg("bytes", n),
        },
    }
}

/// Script truth: any non-zero byte, except a sole sign bit at the end (negative zero).
fn truthy(data: &[u8]) -> bool {
    match data.split_last() {
        None => false,
        Some((last, rest)) => rest.iter().any(|b| *b != 0) || (*last & 0x7f) != 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcoin::hex::FromHex;
    use bitcoin::ScriptBuf;

    fn class(hex: &str) -> ScriptClass {
        classify(&ScriptBuf::from_bytes(Vec::from_hex(hex).unwrap()))
    }

    #[test]
    fn scripts_are_classified_by_what_they_allow() {
        let p2wpkh = format!("0014{}", "11".repeat(20));
        assert_eq!(class(&p2wpkh), ScriptClass::Standard("p2wpkh"));
        assert_eq!(class(&format!("0020{}", "11".repeat(32))).kind(), "p2wsh");
        // The BIP86 test vector's output key is on the curve.
        let tr = "5120a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c";
        assert_eq!(class(tr), ScriptClass::Standard("p2tr"));
        // x = 5 is not on secp256k1.
        let off_curve = format!("5120{}05", "00".repeat(31));
        assert_eq!(class(&off_curve).kind(), "p2tr_invalid_key");
        assert_eq!(
            class(&format!("0015{}", "11".repeat(21))).kind(),
            "witness_v0_invalid"
        );
        assert_eq!(class("51024e73").kind(), "p2a");
        assert_eq!(
            class(&format!("5210{}", "11".repeat(16))).kind(),
            "witness_unknown"
        );
        assert_eq!(
            class(&format!("6014{}", "11".repeat(20))).kind(),
            "witness_unknown"
        );
        assert_eq!(class("6a04deadbeef").kind(), "op_return");
        assert_eq!(class("").kind(), "empty");
        assert!(matches!(class("51"), ScriptClass::AnyoneCanSpend { .. }));
        assert!(matches!(class("00"), ScriptClass::Unspendable { .. }));
        assert!(matches!(class("0180"), ScriptClass::Unspendable { .. }));
        assert_eq!(class("7e51").kind(), "disabled_opcode");
        assert_eq!(class("4c05aa").kind(), "malformed");
        let pk = "21020000000000000000000000000000000000000000000000000000000000000001ac";
        assert!(matches!(class(pk), ScriptClass::NonStandard { .. }));
        let off_curve_pk = format!("2102{}05ac", "00".repeat(31));
        assert_eq!(class(&off_curve_pk).kind(), "p2pk_invalid_key");
        assert_eq!(
            class("a914000000000000000000000000000000000000000087").kind(),
            "p2sh"
        );
        assert_eq!(
            class("76a914000000000000000000000000000000000000000088ac").kind(),
            "p2pkh"
        );
        assert_eq!(class("75").kind(), "nonstandard");
    }

    #[test]
    fn scripts_behind_hashes_are_revealed_only_when_they_match() {
        let op_true = ScriptBuf::from_bytes(vec![0x51]);
        let p2wsh = ScriptBuf::new_p2wsh(&op_true.wscript_hash());
        assert_eq!(
            revealed(&p2wsh, None, Some(&op_true)),
            Some(op_true.as_script())
        );
        let other = ScriptBuf::from_bytes(vec![0x52]);
        assert_eq!(revealed(&p2wsh, None, Some(&other)), None);
        let p2sh = op_true.to_p2sh();
        assert_eq!(
            revealed(&p2sh, Some(&op_true), None),
            Some(op_true.as_script())
        );
        let nested = p2wsh.to_p2sh();
        assert_eq!(
            revealed(&nested, Some(&p2wsh), Some(&op_true)),
            Some(op_true.as_script())
        );
        assert_eq!(revealed(&nested, Some(&p2wsh), None), None);
    }
}

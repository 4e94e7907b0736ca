//! Legacy signed messages ("Bitcoin Signed Message", BIP-137): a 65-byte recoverable ECDSA
//! signature, base64, whose header byte names the recovery id and the address type.
//!
//! | Header | Address type |
//! | --- | --- |
//! | 27–30 | P2PKH, uncompressed key |
//! | 31–34 | P2PKH, compressed key (Bitcoin Core, Electrum for every address type, Coldcard before 5.1) |
//! | 35–38 | P2SH-P2WPKH (BIP-137; Trezor, Sparrow, Coldcard 5.1+) |
//! | 39–42 | P2WPKH (BIP-137) |
//!
//! Verification recovers the key and accepts the address when it is that key's address of the
//! header's type; a compressed-P2PKH header is also accepted for the key's P2WPKH and
//! P2SH-P2WPKH addresses, as Electrum and Sparrow verify.

use bitcoin::base64::prelude::{Engine, BASE64_STANDARD};
use bitcoin::consensus::encode::VarInt;
use bitcoin::hashes::{sha256d, Hash, HashEngine};
use bitcoin::key::CompressedPublicKey;
use bitcoin::secp256k1::ecdsa::{RecoverableSignature, RecoveryId};
use bitcoin::secp256k1::{All, Message, Secp256k1, SecretKey, Verification};
use bitcoin::{PublicKey, Script, ScriptBuf};

use super::MessageError;

/// The message hash: double SHA-256 of "\x18Bitcoin Signed Message:\n", the message length as
/// a compact size, and the message.
pub fn message_hash(message: &[u8]) -> [u8; 32] {
    let mut engine = sha256d::Hash::engine();
    engine.input(b"\x18Bitcoin Signed Message:\n");
    let length = bitcoin::consensus::serialize(&VarInt(message.len() as u64));
    engine.input(&length);
    engine.input(message);
    sha256d::Hash::from_engine(engine).to_byte_array()
}

/// The address type a header byte announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderKind {
    /// 27–30.
    P2pkhUncompressed,
    /// 31–34.
    P2pkhCompressed,
    /// 35–38.
    P2shP2wpkh,
    /// 39–42.
    P2wpkh,
}

impl HeaderKind {
    fn of(header: u8) -> Option<HeaderKind> {
        Some(match header {
            27..=30 => HeaderKind::P2pkhUncompressed,
            31..=34 => HeaderKind::P2pkhCompressed,
            35..=38 => HeaderKind::P2shP2wpkh,
            39..=42 => HeaderKind::P2wpkh,
            _ => return None,
        })
    }

    /// A name for messages.
    pub fn name(self) -> &'static str {
        match self {
            HeaderKind::P2pkhUncompressed => "p2pkh (uncompressed key)",
            HeaderKind::P2pkhCompressed => "p2pkh (compressed key)",
            HeaderKind::P2shP2wpkh => "p2sh-p2wpkh",
            HeaderKind::P2wpkh => "p2wpkh",
        }
    }
}

/// Whether text looks like a legacy signature (65 bytes of base64 with a header of 27–42),
/// to tell it from a BIP-322 one.
pub fn is_legacy(text: &str) -> bool {
    BASE64_STANDARD
        .decode(text.trim())
        .is_ok_and(|b| b.len() == 65 && HeaderKind::of(b[0]).is_some())
}

/// Verifies a legacy signature of `message` for the address script `address`; returns the
/// header's address type.
pub fn verify<C: Verification>(
    secp: &Secp256k1<C>,
    address: &Script,
    message: &[u8],
    signature: &str,
) -> Result<HeaderKind, MessageError> {
    let bytes = BASE64_STANDARD
        .decode(signature.trim())
        .map_err(|e| MessageError::Malformed(format!("the signature is not base64: {e}")))?;
    let [header, rest @ ..] = bytes.as_slice() else {
        return Err(MessageError::Malformed("the signature is empty".into()));
    };
    if rest.len() != 64 {
        return Err(MessageError::Malformed(format!(
            "a legacy signature has 65 bytes, not {}",
            bytes.len()
        )));
    }
    let kind = HeaderKind::of(*header).ok_or_else(|| {
        MessageError::Malformed(format!("header byte {header} is outside BIP-137's 27-42"))
    })?;
    let recovery = RecoveryId::from_i32(i32::from((header - 27) & 3))
        .map_err(|e| MessageError::Malformed(format!("bad recovery id: {e}")))?;
    let signature = RecoverableSignature::from_compact(rest, recovery)
        .map_err(|e| MessageError::Malformed(format!("bad signature values: {e}")))?;
    let digest = Message::from_digest(message_hash(message));
    let key = secp
        .recover_ecdsa(&digest, &signature)
        .map_err(|_| MessageError::Invalid("invalid signature: no key recovers from it".into()))?;
    let compressed = kind != HeaderKind::P2pkhUncompressed;
    let public = PublicKey {
        compressed,
        inner: key,
    };
    let candidates: Vec<ScriptBuf> = match kind {
        HeaderKind::P2pkhUncompressed => vec![ScriptBuf::new_p2pkh(&public.pubkey_hash())],
        HeaderKind::P2pkhCompressed => {
            let c = CompressedPublicKey(key);
            vec![
                ScriptBuf::new_p2pkh(&public.pubkey_hash()),
                ScriptBuf::new_p2wpkh(&c.wpubkey_hash()),
                nested(c),
            ]
        }
        HeaderKind::P2shP2wpkh => vec![nested(CompressedPublicKey(key))],
        HeaderKind::P2wpkh => vec![ScriptBuf::new_p2wpkh(
            &CompressedPublicKey(key).wpubkey_hash(),
        )],
    };
    if candidates.iter().any(|c| c.as_script() == address) {
        Ok(kind)
    } else {
        Err(MessageError::Invalid(format!(
            "invalid signature: it was made by another key (or for another message); header says {}",
            kind.name()
        )))
    }
}

fn nested(key: CompressedPublicKey) -> ScriptBuf {
    ScriptBuf::new_p2sh(&ScriptBuf::new_p2wpkh(&key.wpubkey_hash()).script_hash())
}

/// Signs `message` with a compressed key as Bitcoin Core and Electrum write it (header
/// 31–34, whatever the address type).
pub fn sign(secp: &Secp256k1<All>, key: &SecretKey, message: &[u8]) -> String {
    let digest = Message::from_digest(message_hash(message));
    let signature = secp.sign_ecdsa_recoverable(&digest, key);
    let (recovery, compact) = signature.serialize_compact();
    let mut bytes = Vec::with_capacity(65);
    // The recovery id is 0..=3, so the header is 31..=34.
    bytes.push(31 + recovery.to_i32() as u8);
    bytes.extend_from_slice(&compact);
    BASE64_STANDARD.encode(bytes)
}

//! Bitcoin message signing and verification: BIP-322 (simple and full, every script type the
//! signer holds keys for, multisig shares as BIP-322 PSBTs) and legacy BIP-137 signatures as
//! Bitcoin Core, Electrum, Sparrow and Coldcard write them. Formats: docs/messages.md.

pub mod bip137;
pub mod bip322;
pub mod ceremony;
pub mod request;
pub mod sign;

use crate::Error;

/// Why a message signature was not accepted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MessageError {
    /// The signature (or request) cannot be read.
    #[error("{0}")]
    Malformed(String),
    /// The signature is well formed but does not prove the address signed the message.
    #[error("{0}")]
    Invalid(String),
    /// A valid-looking form coldsign does not handle (proof of funds, unknown versions).
    #[error("{0}")]
    Unsupported(String),
}

impl From<MessageError> for Error {
    fn from(e: MessageError) -> Self {
        match e {
            MessageError::Invalid(m) => Error::verification(m),
            MessageError::Malformed(m) | MessageError::Unsupported(m) => Error::bad_input(m),
        }
    }
}

/// [`verify`] for `address`, with a verification context of its own.
pub fn verify_address(
    address: &bitcoin::Address,
    message: &[u8],
    signature: &str,
) -> Result<String, MessageError> {
    let secp = bitcoin::secp256k1::Secp256k1::verification_only();
    verify(&secp, &address.script_pubkey(), message, signature)
}

/// Verifies `signature` of `message` for the address script `address`: a legacy (BIP-137)
/// signature when it has that shape, BIP-322 otherwise. Returns what was verified, for a
/// person.
pub fn verify<C: bitcoin::secp256k1::Verification>(
    secp: &bitcoin::secp256k1::Secp256k1<C>,
    address: &bitcoin::Script,
    message: &[u8],
    signature: &str,
) -> Result<String, MessageError> {
    if bip137::is_legacy(signature) {
        let kind = bip137::verify(secp, address, message, signature)?;
        return Ok(format!(
            "legacy (BIP-137) signature, header for {}",
            kind.name()
        ));
    }
    let proof = bip322::Proof::decode(signature)?;
    let valid = bip322::verify(address, message, &proof)?;
    let format = match proof {
        bip322::Proof::Simple(_) => "simple",
        bip322::Proof::Full(_) => "full",
    };
    let mut text = format!("BIP-322 {format} signature");
    if valid.lock_time != 0 || valid.sequence != 0 {
        text.push_str(&format!(
            ", valid only from lock time {} with relative lock {}",
            valid.lock_time, valid.sequence
        ));
    }
    Ok(text)
}

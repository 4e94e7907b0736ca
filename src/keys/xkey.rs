//! Strict parsing of serialized BIP32 extended keys, including the validity rules of BIP32
//! test vector 5 that `bitcoin::bip32` does not check on its own.

use bitcoin::base58;
use bitcoin::bip32::{Xpriv, Xpub};

use crate::error::Said;
use crate::i18n::Text;

/// Why an extended key string was rejected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum XkeyError {
    /// Not base58 or the checksum failed.
    #[error("extended key is not valid base58check")]
    Base58,
    /// Not 78 bytes.
    #[error("extended key has {0} bytes instead of 78")]
    Length(usize),
    /// Version bytes unknown or of the wrong kind (public vs private).
    #[error("unknown or mismatched extended key version {0}")]
    Version(String),
    /// Depth 0 but a parent fingerprint or child index is set.
    #[error("extended key has depth 0 but a non-zero parent fingerprint or child index")]
    MasterFields,
    /// The key data is not a valid key.
    #[error("extended key contains an invalid {0} key")]
    KeyData(&'static str),
}

impl XkeyError {
    /// The message as a catalog text.
    pub(crate) fn said(&self) -> Said {
        let message = match self {
            XkeyError::Base58 => Text::new("error-xkey-base58"),
            XkeyError::Length(bytes) => Text::new("error-xkey-length").arg("bytes", bytes),
            XkeyError::Version(version) => Text::new("error-xkey-version").arg("version", version),
            XkeyError::MasterFields => Text::new("error-xkey-master-fields"),
            XkeyError::KeyData(kind) => Text::new("error-xkey-key-data").arg("kind", kind),
        };
        Said::new(message, None)
    }
}

const XPUB: [u8; 4] = [0x04, 0x88, 0xB2, 0x1E];
const TPUB: [u8; 4] = [0x04, 0x35, 0x87, 0xCF];
const XPRV: [u8; 4] = [0x04, 0x88, 0xAD, 0xE4];
const TPRV: [u8; 4] = [0x04, 0x35, 0x83, 0x94];

/// Decodes base58check and checks length and the depth-0 rules; returns the 78 bytes.
pub(crate) fn decode_checked(s: &str) -> Result<Vec<u8>, XkeyError> {
    let data = base58::decode_check(s.trim()).map_err(|_| XkeyError::Base58)?;
    if data.len() != 78 {
        return Err(XkeyError::Length(data.len()));
    }
    if data[4] == 0 && (data[5..9] != [0; 4] || data[9..13] != [0; 4]) {
        return Err(XkeyError::MasterFields);
    }
    Ok(data)
}

/// Parses a standard `xpub`/`tpub` with every BIP32 validity check.
pub fn parse_xpub(s: &str) -> Result<Xpub, XkeyError> {
    let mut data = decode_checked(s)?;
    if data[..4] != XPUB && data[..4] != TPUB {
        return Err(XkeyError::Version(
            bitcoin::hex::DisplayHex::to_lower_hex_string(&data[..4]),
        ));
    }
    xpub_from_bytes(&mut data)
}

/// Builds an `Xpub` from 78 checked bytes whose version is already known to be public.
pub(crate) fn xpub_from_bytes(data: &mut [u8]) -> Result<Xpub, XkeyError> {
    if data[45] != 0x02 && data[45] != 0x03 {
        return Err(XkeyError::KeyData("public"));
    }
    Xpub::decode(data).map_err(|_| XkeyError::KeyData("public"))
}

/// Parses an `xprv`/`tprv` with every BIP32 validity check (the key byte must be 0x00 and the
/// scalar in 1..n-1).
pub fn parse_xpriv(s: &str) -> Result<Xpriv, XkeyError> {
    let data = zeroize::Zeroizing::new(decode_checked(s)?);
    if data[..4] != XPRV && data[..4] != TPRV {
        return Err(XkeyError::Version(
            bitcoin::hex::DisplayHex::to_lower_hex_string(&data[..4]),
        ));
    }
    if data[45] != 0 {
        return Err(XkeyError::KeyData("private"));
    }
    Xpriv::decode(&data).map_err(|_| XkeyError::KeyData("private"))
}

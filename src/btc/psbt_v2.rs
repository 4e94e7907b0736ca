//! PSBT version 2 (BIP370) ↔ version 0 (BIP174) conversion.
//! (Temporary v0-only stand-in; replaced by the full converter.)

use bitcoin::psbt::Psbt;

/// A PSBT's version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PsbtVersion {
    /// BIP174.
    V0,
    /// BIP370.
    V2,
}

/// Fields of a v2 PSBT with no v0 equivalent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V2Extras;

/// Why a PSBT could not be converted.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PsbtV2Error(String);

/// Parses PSBT bytes of either version into a v0 PSBT.
pub fn parse_any(bytes: &[u8]) -> Result<(Psbt, PsbtVersion, Option<V2Extras>), PsbtV2Error> {
    Psbt::deserialize(bytes)
        .map(|p| (p, PsbtVersion::V0, None))
        .map_err(|e| PsbtV2Error(e.to_string()))
}

/// Serializes a v0 PSBT as version 2.
pub fn serialize_v2(psbt: &Psbt, _extras: Option<&V2Extras>) -> Vec<u8> {
    psbt.serialize()
}

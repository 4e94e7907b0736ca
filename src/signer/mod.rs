//! Signers: one interface, several backends (the software keystore now; hardware wallets later).

pub mod software;

use serde::Serialize;

/// What happened to one input.
#[derive(Debug, Clone, Serialize)]
pub struct InputOutcome {
    /// Input position.
    pub index: usize,
    /// Signatures added by this signer.
    pub signatures: usize,
    /// Why nothing was signed, when nothing was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_signed_because: Option<String>,
}

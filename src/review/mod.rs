//! The review: what a request really does, computed on the signing side from the request and
//! the signer's own key knowledge. Never shipped, never trusted from the host.

pub mod bitcoin;

use serde::Serialize;
use sha2::{Digest, Sha256};

/// How serious a warning is. Ordered: `Deny` is the most serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Shown for information.
    Info,
    /// Worth a look; signing proceeds after the normal confirmation.
    Warning,
    /// Dangerous: confirming needs part of the intent digest typed, and `--yes` needs an
    /// explicit `--allow CODE`.
    High,
    /// Refused unless the code is named with `--allow CODE`.
    Deny,
}

/// One finding, with a stable code (documented in docs/warnings.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Stable identifier, e.g. `btc.utxo.unverified`.
    pub code: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// What was found, for a person.
    pub message: String,
}

impl Warning {
    /// A new warning.
    pub fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Warning { code, severity, message: message.into() }
    }
}

/// The short human-comparable fingerprint of a request's meaning: the first 64 bits of
/// SHA-256 over its canonical text, as four groups of four hex digits.
pub fn intent_digest(canonical: &str) -> String {
    let hash = Sha256::digest(canonical.as_bytes());
    let hex: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}", &hex[0..4], &hex[4..8], &hex[8..12], &hex[12..16])
}

//! The review: what a request really does, computed on the signing side from the request and
//! the signer's own key knowledge. Never shipped, never trusted from the host.

pub mod bitcoin;
pub mod ethereum;
pub mod lookalike;
pub mod render;
pub mod text;

use std::fmt::Write as _;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audit::Summary;
use crate::eth::calldata::Touch;
use crate::i18n::Text;
pub use crate::review::ethereum::EthReview;
use bitcoin::{BtcReview, OutputKind};

/// The review of any request: what it does, computed on the signing side.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Review {
    /// A Bitcoin PSBT.
    Bitcoin(Box<BtcReview>),
    /// An Ethereum transaction, typed data or message.
    Ethereum(Box<EthReview>),
}

impl Review {
    /// The findings, most serious first.
    pub fn warnings(&self) -> &[Warning] {
        match self {
            Review::Bitcoin(r) => &r.warnings,
            Review::Ethereum(r) => &r.warnings,
        }
    }

    /// The request's intent digest.
    pub fn intent_digest(&self) -> &str {
        match self {
            Review::Bitcoin(r) => &r.intent_digest,
            Review::Ethereum(r) => &r.intent_digest,
        }
    }

    /// What the audit log records about the request.
    pub fn summary(&self) -> Summary {
        match self {
            Review::Bitcoin(r) => Summary {
                chain: "bitcoin".into(),
                network: r.network.clone(),
                inputs: r.inputs.len(),
                outputs: r.outputs.len(),
                external: r.totals.external,
                fee: r.totals.fee,
                destinations: r
                    .outputs
                    .iter()
                    .filter(|o| o.kind == OutputKind::External)
                    .map(|o| o.address.clone().unwrap_or_else(|| o.script.clone()))
                    .collect(),
                assets: Vec::new(),
                spends: r
                    .inputs
                    .iter()
                    .map(|i| outpoint_text(&i.outpoint))
                    .collect(),
            },
            Review::Ethereum(r) => {
                let gwei = |wei: alloy_primitives::U256| {
                    u64::try_from(wei / alloy_primitives::U256::from(1_000_000_000u64))
                        .unwrap_or(u64::MAX)
                };
                Summary {
                    chain: "ethereum".into(),
                    network: r.chain_id.map_or("eth:any".into(), |c| format!("eth:{c}")),
                    inputs: 0,
                    outputs: r.calls.len(),
                    external: gwei(r.value),
                    fee: Some(gwei(r.max_fee)),
                    destinations: r
                        .touches
                        .iter()
                        .filter_map(|t| match t {
                            Touch::Recipient(a) => Some(a.to_checksum(None)),
                            Touch::Contract(..) => None,
                        })
                        .collect(),
                    assets: crate::eth::policy::audit_assets(&crate::eth::policy::outflows(r)),
                    spends: r
                        .transaction
                        .iter()
                        .map(|t| format!("{}/{}", r.from, t.nonce))
                        .collect(),
                }
            }
        }
    }

    /// Sorts the findings, most serious first.
    pub fn sort_warnings(&mut self) {
        let warnings = match self {
            Review::Bitcoin(r) => &mut r.warnings,
            Review::Ethereum(r) => &mut r.warnings,
        };
        warnings.sort_by_key(|w| std::cmp::Reverse(w.severity));
    }
}

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
    /// What was found, for a person, in English (JSON and the audit log carry this).
    pub message: String,
    /// The same in the catalogs, for the review screen in the operator's language.
    #[serde(skip)]
    pub text: Text,
}

impl Warning {
    /// A new warning whose message is the catalog text `text` (every warning's is: the
    /// English in `message` is computed from the English catalog).
    pub fn said(code: &'static str, severity: Severity, text: Text) -> Self {
        Warning {
            code,
            severity,
            message: text.english(),
            text,
        }
    }

    /// The message in the process's language ([`crate::i18n::current`]).
    pub fn localized(&self) -> String {
        self.text.localized()
    }
}

/// `txid:vout` in a string sized for it once (formatting grows a string by doubling, and the
/// audit record lists every input).
fn outpoint_text(outpoint: &::bitcoin::OutPoint) -> String {
    let mut text = String::with_capacity(64 + 1 + 10);
    let _ = write!(text, "{outpoint}");
    text
}

/// The short human-comparable fingerprint of a request's meaning: the first 64 bits of
/// SHA-256 over its canonical text, as four groups of four hex digits.
pub fn intent_digest(canonical: &str) -> String {
    digest_text(&Sha256::digest(canonical.as_bytes()))
}

/// Takes a canonical text as it is written and gives its intent digest, so that a large
/// request's text is never held whole.
#[derive(Default)]
pub struct IntentHasher(Sha256);

impl std::fmt::Write for IntentHasher {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        self.0.update(text.as_bytes());
        Ok(())
    }
}

impl IntentHasher {
    /// The intent digest of everything written.
    pub fn digest(self) -> String {
        digest_text(&self.0.finalize())
    }
}

/// The first 64 bits of `hash` as four groups of four hex digits.
fn digest_text(hash: &[u8]) -> String {
    let hex: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}",
        &hex[0..4],
        &hex[4..8],
        &hex[8..12],
        &hex[12..16]
    )
}

/// What must happen before signing, given the warnings and what the operator allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// Refused: these deny-level codes (or, with `--yes`, high-level codes) were not allowed.
    Refuse(Vec<&'static str>),
    /// Ask the person; when `type_digest` is set they must type part of the intent digest.
    Confirm {
        /// High-severity warnings remain, so a plain "y" is not enough.
        type_digest: bool,
    },
    /// Proceed without asking (`--yes` and nothing serious left unallowed).
    Proceed,
}

/// Decides the gate. Deny-level warnings refuse unless each code is in `allowed`. With
/// `auto_yes` the prompt is skipped only when no high- or deny-level warning is left
/// unallowed: `--yes` never silences a danger by itself.
pub fn gate(warnings: &[Warning], allowed: &[String], auto_yes: bool) -> Gate {
    let unallowed = |level: Severity| {
        let mut codes: Vec<&'static str> = warnings
            .iter()
            .filter(|w| w.severity == level && !allowed.iter().any(|a| a == w.code))
            .map(|w| w.code)
            .collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    };
    let denied = unallowed(Severity::Deny);
    if !denied.is_empty() {
        return Gate::Refuse(denied);
    }
    let high = unallowed(Severity::High);
    match (auto_yes, high.is_empty()) {
        (true, true) => Gate::Proceed,
        (true, false) => Gate::Refuse(high),
        (false, empty) => Gate::Confirm {
            type_digest: !empty,
        },
    }
}

//! What `inspect` and `sign` report: the review, and after signing the decision, what was
//! signed and where it went.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Report;
use crate::i18n::Text;
use crate::policy::Verdict;
use crate::review::render::render;
use crate::review::{EthReview, Review};
use crate::signer::InputOutcome;

/// The review, human (the confirmation screen) or JSON.
#[derive(Serialize)]
pub struct Inspected<'a> {
    /// The review of the request.
    #[serde(flatten)]
    pub review: &'a Review,
}

impl Report for Inspected<'_> {
    fn human(&self) -> String {
        render(self.review)
    }
}

/// What settled the signature: the policy's verdict and hash, the approvers.
#[derive(Serialize)]
pub struct Decision {
    /// The policy's verdict, when a policy applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<Verdict>,
    /// SHA-256 of the policy file that applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_sha256: Option<String>,
    /// The approvers whose approvals were verified.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub approvers: Vec<String>,
}

/// A signed PSBT: the review, the decision and what was signed per input.
#[derive(Serialize)]
pub struct SignedPsbt {
    /// The review that was confirmed.
    pub review: Review,
    /// What settled the signature.
    #[serde(flatten)]
    pub decision: Decision,
    /// What was signed, per input.
    pub inputs: Vec<InputOutcome>,
    /// Where the signed PSBT went.
    pub output: PathBuf,
    /// Whether the review and decision went into the audit log (not without a keystore).
    pub audit_logged: bool,
    /// `--qr --json`: the signed PSBT as UR parts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qr: Option<Vec<String>>,
}

impl Report for SignedPsbt {
    fn human(&self) -> String {
        let mut s = String::new();
        for i in &self.inputs {
            let line = match &i.not_signed_because {
                None => Text::new("report-input-signed")
                    .arg("index", i.index)
                    .arg("count", i.signatures)
                    .arg("plural", if i.signatures == 1 { "one" } else { "other" }),
                Some(why) => Text::new("report-input-not-signed")
                    .arg("index", i.index)
                    .text_arg("reason", why.text().clone()),
            };
            s.push_str(&format!("{}\n", line.localized()));
        }
        if self.output != Path::new("-") {
            s.push_str(&written("report-psbt-written", &self.output));
        }
        s
    }
}

/// A signed Ethereum request: the review, the decision, the signature and where it went.
#[derive(Serialize)]
pub struct SignedEth {
    /// The review that was confirmed.
    pub review: Box<EthReview>,
    /// What settled the signature.
    #[serde(flatten)]
    pub decision: Decision,
    /// The signature r ‖ s ‖ v (v = 27/28), hex.
    pub signature: String,
    /// The transaction hash, for transactions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_hash: Option<String>,
    /// Where the signature or signed transaction went.
    pub output: PathBuf,
    /// The hardware wallet that signed, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<&'static str>,
    /// Whether the review and decision went into the audit log (not without a keystore).
    pub audit_logged: bool,
    /// `--qr --json`: the signature as UR parts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qr: Option<Vec<String>>,
}

impl Report for SignedEth {
    fn human(&self) -> String {
        let signer = match self.device {
            Some(device) => Text::new("report-signed-by-device").arg("device", device),
            None => Text::new("report-signed-by"),
        };
        let mut s = format!("{}\n", signer.arg("address", &self.review.from).localized());
        if let Some(h) = &self.transaction_hash {
            let line = Text::new("report-transaction-hash").arg("hash", h);
            s.push_str(&format!("{}\n", line.localized()));
        }
        if self.output != Path::new("-") {
            s.push_str(&written("report-written", &self.output));
        }
        s
    }
}

/// Either signed request, as `sign` reports it.
#[derive(Serialize)]
#[serde(untagged)]
pub enum SignedRequest {
    /// A signed PSBT.
    Psbt(SignedPsbt),
    /// A signed Ethereum request.
    Ethereum(SignedEth),
}

impl SignedRequest {
    /// Adds the result's UR parts (`--qr --json`).
    pub fn set_qr(&mut self, parts: Option<Vec<String>>) {
        match self {
            SignedRequest::Psbt(r) => r.qr = parts,
            SignedRequest::Ethereum(r) => r.qr = parts,
        }
    }
}

/// The line `key` saying the result went to `path`.
fn written(key: &'static str, path: &Path) -> String {
    format!(
        "{}\n",
        Text::new(key).arg("path", path.display()).localized()
    )
}

impl Report for SignedRequest {
    fn human(&self) -> String {
        match self {
            SignedRequest::Psbt(r) => r.human(),
            SignedRequest::Ethereum(r) => r.human(),
        }
    }
}

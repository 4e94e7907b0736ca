//! What `approve` and `approver-key` report.

use std::path::PathBuf;

use serde::Serialize;

use super::Report;
use crate::approval::{Approval, ApproverKey, APPROVER_PATH};
use crate::i18n::Text;

/// `approve`: an approval signed and written.
#[derive(Serialize)]
pub struct Approved {
    /// The intent digest approved.
    pub intent_digest: String,
    /// The approver's key.
    pub approver: String,
    /// Unix seconds after which it no longer counts.
    pub expires: u64,
    /// Where it was written.
    pub output: PathBuf,
}

impl Approved {
    /// The report of `approval` written to `output`.
    pub fn new(approval: &Approval, output: PathBuf) -> Self {
        Approved {
            intent_digest: approval.intent_digest.clone(),
            approver: approval.approver.to_string(),
            expires: approval.expires,
            output,
        }
    }
}

impl Report for Approved {
    fn human(&self) -> String {
        let line = Text::new("report-approved")
            .arg("digest", &self.intent_digest)
            .arg("approver", &self.approver)
            .arg("expires", self.expires)
            .arg("path", self.output.display());
        format!("{}\n", line.localized())
    }
}

/// `approver-key`: the key a policy's `[approvals]` lists.
#[derive(Serialize)]
pub struct ApproverView {
    /// The approver's x-only public key.
    pub key: String,
    /// Its derivation path.
    pub path: &'static str,
}

impl ApproverView {
    /// The view of `key`.
    pub fn new(key: &ApproverKey) -> Self {
        ApproverView {
            key: key.public().to_string(),
            path: APPROVER_PATH,
        }
    }
}

impl Report for ApproverView {
    fn human(&self) -> String {
        let listing = Text::new("report-approver-key-listing").arg("key", &self.key);
        format!("{}\n{}\n", self.key, listing.localized())
    }
}

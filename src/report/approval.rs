//! What `approve` and `approver-key` report.

use std::path::PathBuf;

use serde::Serialize;

use super::Report;
use crate::approval::{Approval, ApproverKey, APPROVER_PATH};

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
        format!(
            "approved {} as {}; expires at {} (Unix time); written to {}\n",
            self.intent_digest,
            self.approver,
            self.expires,
            self.output.display()
        )
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
        format!(
            "{}\n(list it in the policy: [[approvals.approvers]] name = \"…\" key = \"{}\")\n",
            self.key, self.key
        )
    }
}

//! What the `log` commands report: a verified audit log, and what an attestation recorded.

use std::path::PathBuf;

use serde::Serialize;

use super::Report;
use crate::audit::Verified;
use crate::i18n::{t, Text};
use crate::policy::LoadedPolicy;
use crate::trusted::Unrecorded;

/// `log verify`: the log is valid.
#[derive(Serialize)]
pub struct VerifyReport {
    /// How many entries it holds.
    pub entries: usize,
    /// Its head hash.
    pub head: String,
    /// Always true (an invalid log is an error).
    pub valid: bool,
}

impl VerifyReport {
    /// The report of a verified log.
    pub fn new(verified: Verified) -> Self {
        VerifyReport {
            entries: verified.entries.len(),
            head: verified.head,
            valid: true,
        }
    }
}

impl Report for VerifyReport {
    fn human(&self) -> String {
        let line = Text::new("report-log-valid")
            .arg("entries", self.entries)
            .arg("head", &self.head);
        format!("{}\n", line.localized())
    }
}

/// `log attest`: the parts recorded as checked and the policies accepted.
#[derive(Serialize)]
pub struct Attested {
    /// The parts whose new fingerprints were recorded.
    pub recorded: Vec<Unrecorded>,
    /// The policy files accepted.
    pub policies: Vec<AcceptedPolicy>,
}

/// A policy file accepted for signing.
#[derive(Serialize)]
pub struct AcceptedPolicy {
    /// Where it lives.
    pub path: PathBuf,
    /// Its fingerprint.
    pub sha256: String,
}

impl Attested {
    /// The report of `recorded` parts and accepted `policies`.
    pub fn new(recorded: Vec<Unrecorded>, policies: &[LoadedPolicy]) -> Self {
        Attested {
            recorded,
            policies: policies
                .iter()
                .map(|p| AcceptedPolicy {
                    path: p.path.clone(),
                    sha256: p.sha256.clone(),
                })
                .collect(),
        }
    }
}

impl Report for Attested {
    fn human(&self) -> String {
        let mut s = String::new();
        for u in &self.recorded {
            let line = Text::new("report-log-recorded")
                .text_arg("part", u.part_said())
                .arg("path", u.path.display())
                .arg("sha256", &u.sha256);
            s.push_str(&format!("{}\n", line.localized()));
        }
        for p in &self.policies {
            let line = Text::new("report-log-accepted-policy")
                .arg("path", p.path.display())
                .arg("sha256", &p.sha256);
            s.push_str(&format!("{}\n", line.localized()));
        }
        if s.is_empty() {
            s.push_str(&format!("{}\n", t("report-log-unchanged")));
        }
        s
    }
}

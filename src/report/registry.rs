//! Results of `coldsign registry …`: the ERC-7730 descriptors the signer trusts.

use std::path::PathBuf;

use serde::Serialize;

use super::Report;
use crate::erc7730::registry::Skipped;
use crate::erc7730::store::Summary;
use crate::i18n::{t, Text};

/// Descriptors installed by an import, and the files skipped.
#[derive(Serialize)]
pub struct DescriptorsImported {
    /// The descriptors installed.
    pub imported: Vec<Summary>,
    /// Files that were not usable descriptors.
    pub skipped: Vec<SkippedFile>,
    /// The store's directory.
    pub stored: PathBuf,
}

/// A file skipped by an import, with the reason.
#[derive(Serialize)]
pub struct SkippedFile {
    /// The file.
    pub file: String,
    /// Why it was skipped.
    pub reason: String,
}

impl From<&Skipped> for SkippedFile {
    fn from(s: &Skipped) -> Self {
        SkippedFile {
            file: s.file.display().to_string(),
            reason: s.reason.clone(),
        }
    }
}

impl Report for DescriptorsImported {
    fn human(&self) -> String {
        let line = Text::new("report-registry-imported")
            .arg("count", self.imported.len())
            .arg("path", self.stored.display());
        format!("{}\n", line.localized())
    }
}

/// Installed descriptors (`list`, `show`).
#[derive(Serialize)]
pub struct Descriptors(pub Vec<Summary>);

impl Report for Descriptors {
    fn human(&self) -> String {
        if self.0.is_empty() {
            return format!("{}\n", t("report-registry-none"));
        }
        self.0.iter().map(Summary::localized).collect()
    }
}

/// A descriptor uninstalled.
#[derive(Serialize)]
pub struct DescriptorRemoved {
    /// What was removed.
    pub removed: Summary,
}

impl Report for DescriptorRemoved {
    fn human(&self) -> String {
        let line = Text::new("report-registry-removed").arg("summary", self.removed.localized());
        line.localized()
    }
}

//! What `qr show --text` and `qr read` report.

use std::path::PathBuf;

use serde::Serialize;

use super::Report;
use crate::i18n::Text;

/// UR parts, one per line.
#[derive(Serialize)]
pub struct Parts {
    /// The parts, in order.
    pub parts: Vec<String>,
}

impl Report for Parts {
    fn human(&self) -> String {
        self.parts.iter().map(|p| format!("{p}\n")).collect()
    }
}

/// A transfer reassembled from its parts.
#[derive(Serialize)]
pub struct ReadReport {
    /// What the payload is.
    pub kind: String,
    /// Its size in bytes.
    pub bytes: usize,
    /// How many parts were read.
    pub parts: usize,
    /// Where it was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<PathBuf>,
}

impl Report for ReadReport {
    fn human(&self) -> String {
        let line = match &self.output {
            Some(path) => Text::new("report-qr-read-written").arg("path", path.display()),
            None => Text::new("report-qr-read"),
        };
        let line = line
            .arg("kind", &self.kind)
            .arg("bytes", self.bytes)
            .arg("parts", self.parts);
        format!("{}\n", line.localized())
    }
}

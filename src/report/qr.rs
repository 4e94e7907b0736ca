//! What `qr show --text` and `qr read` report.

use std::path::PathBuf;

use serde::Serialize;

use super::Report;

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
        let to = self
            .output
            .as_ref()
            .map(|o| format!(", written to {}", o.display()))
            .unwrap_or_default();
        format!(
            "{}: {} bytes from {} parts{to}\n",
            self.kind, self.bytes, self.parts
        )
    }
}

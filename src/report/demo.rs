//! What `coldsign demo --json` reports.

use serde::Serialize;

use super::Report;

/// The demo's transaction, ready to broadcast.
#[derive(Serialize)]
pub struct DemoReport {
    /// Its txid.
    pub txid: String,
    /// The intent digest of the review the signer confirmed.
    pub intent_digest: String,
    /// Its virtual size.
    pub vsize: usize,
}

/// The steps were the text; nothing more to say.
impl Report for DemoReport {
    fn human(&self) -> String {
        String::new()
    }
}

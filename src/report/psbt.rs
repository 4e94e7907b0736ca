//! What the PSBT commands beside signing report: `digest` and `finalize`.

use std::path::Path;

use bitcoin::psbt::Psbt;
use serde::Serialize;

use super::Report;
use crate::btc::finalize::FinalizeOutcome;
use crate::btc::psbt_tools;
use crate::i18n::Text;
use crate::review::bitcoin::psbt_intent_digest;

/// `digest`: the intent digest computed without any key (for the online host).
#[derive(Serialize)]
pub struct Digest {
    /// The intent digest every signer shows.
    pub intent_digest: String,
    /// The transaction id.
    pub txid: String,
    /// The network, or a note that it is some test network.
    pub network: String,
}

impl Digest {
    /// The digest of `psbt` on `network` (none when only "a test network" is known).
    pub fn new(psbt: &Psbt, network: Option<bitcoin::Network>) -> Self {
        Digest {
            intent_digest: psbt_intent_digest(psbt),
            txid: psbt.unsigned_tx.compute_txid().to_string(),
            network: match network {
                Some(network) => network.to_string(),
                None => "a test network (coin type 1'; the digest does not depend on it)".into(),
            },
        }
    }
}

impl Report for Digest {
    fn human(&self) -> String {
        [
            Text::new("report-digest-intent").arg("digest", &self.intent_digest),
            Text::new("report-digest-txid").arg("txid", &self.txid),
            Text::new("report-digest-network").arg("network", &self.network),
        ]
        .iter()
        .map(|line| format!("{}\n", line.localized()))
        .collect()
    }
}

/// `finalize`: what became of each input, and the transaction when complete.
#[derive(Serialize)]
pub struct Finalized<'a> {
    /// One outcome per input.
    pub inputs: Vec<FinalizeOutcome>,
    /// Whether every input is final.
    pub complete: bool,
    /// The transaction id, when complete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub txid: Option<String>,
    /// Where the result was written.
    pub output: &'a Path,
}

impl<'a> Finalized<'a> {
    /// The report of `finalized`, written to `output`.
    pub fn new(finalized: psbt_tools::Finalized, output: &'a Path) -> Self {
        Finalized {
            complete: finalized.tx.is_some(),
            txid: finalized.tx.as_ref().map(|t| t.compute_txid().to_string()),
            inputs: finalized.outcomes,
            output,
        }
    }
}

impl Report for Finalized<'_> {
    fn human(&self) -> String {
        let mut s = String::new();
        for i in self.inputs.iter().filter(|i| !i.finalized) {
            let line = Text::new("report-input-not-final")
                .arg("index", i.index)
                .text_arg(
                    "reason",
                    i.error
                        .as_ref()
                        .map_or_else(|| Text::verbatim("?"), |e| e.text().clone()),
                );
            s.push_str(&format!("{}\n", line.localized()));
        }
        if let Some(txid) = &self.txid {
            let line = Text::new("report-finalized").arg("txid", txid);
            s.push_str(&format!("{}\n", line.localized()));
        }
        s
    }
}

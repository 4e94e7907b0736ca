//! What the online Ethereum commands report: a request built, a transaction broadcast.

use std::path::Path;

use alloy_primitives::B256;
use serde::Serialize;

use super::Report;
use crate::eth::rpc::Receipt;
use crate::i18n::Text;
use crate::review::ethereum::EthReview;
use crate::{Error, Result};

/// `eth build`, `eth safe-tx`, `eth safe-exec`: the request written to a file.
#[derive(Serialize)]
pub struct Built<'a> {
    /// The review the signer will show.
    pub review: &'a EthReview,
    /// Where the request was written.
    pub output: &'a Path,
}

impl Report for Built<'_> {
    fn human(&self) -> String {
        let digest =
            Text::new("report-eth-intent-digest").arg("digest", &self.review.intent_digest);
        let mut s = format!("{}\n", digest.localized());
        if self.output != Path::new("-") {
            let written =
                Text::new("report-eth-request-written").arg("path", self.output.display());
            s.push_str(&format!("{}\n", written.localized()));
        }
        s
    }
}

/// `eth broadcast`: the transaction sent, and its receipt when waited for.
#[derive(Serialize)]
pub struct Broadcasted {
    /// The transaction hash.
    pub transaction_hash: B256,
    /// 1 success, 0 reverted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u64>,
    /// The block it was mined in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block: Option<u64>,
    /// Gas used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gas_used: Option<u64>,
}

impl Broadcasted {
    /// A transaction sent, not waited for.
    pub fn sent(transaction_hash: B256) -> Self {
        Broadcasted {
            transaction_hash,
            status: None,
            block: None,
            gas_used: None,
        }
    }

    /// A transaction mined with `receipt`.
    pub fn mined(transaction_hash: B256, receipt: &Receipt) -> Self {
        Broadcasted {
            transaction_hash,
            status: Some(receipt.status),
            block: Some(receipt.block),
            gas_used: Some(receipt.gas_used),
        }
    }

    /// A verification error when the mined transaction reverted.
    pub fn check_success(&self) -> Result<()> {
        match (self.status, self.block) {
            (Some(status), Some(block)) if status != 1 => Err(Error::unverified(
                Text::new("error-tx-reverted")
                    .arg("txid", self.transaction_hash)
                    .arg("block", block),
            )),
            _ => Ok(()),
        }
    }
}

impl Report for Broadcasted {
    fn human(&self) -> String {
        let heading = Text::new("report-eth-transaction").arg("txid", self.transaction_hash);
        let mut s = format!("{}\n", heading.localized());
        if let (Some(status), Some(block), Some(gas)) = (self.status, self.block, self.gas_used) {
            let outcome = if status == 1 {
                "report-eth-success"
            } else {
                "report-eth-reverted"
            };
            let mined = Text::new("report-eth-mined")
                .arg("block", block)
                .text_arg("outcome", Text::new(outcome))
                .arg("gas", gas);
            s.push_str(&format!("{}\n", mined.localized()));
        }
        s
    }
}

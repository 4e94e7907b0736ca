//! What `message sign`, `message verify` and `message finalize` report.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Report;
use crate::btc::message::request::MessageReview;
use crate::i18n::Text;

/// A signed message request: the review and the signature, or our share of a multisig proof.
#[derive(Serialize)]
pub struct SignedMessage {
    /// The review that was confirmed.
    pub review: MessageReview,
    /// `bip322-simple`, `bip322-full`, `legacy` or `bip322-psbt-share`.
    pub format: &'static str,
    /// The signature text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Our share of a multisig proof, a BIP-322 PSBT (base64).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_psbt: Option<String>,
    /// Where it was written (`-`: nowhere but the report).
    pub output: PathBuf,
}

impl Report for SignedMessage {
    fn human(&self) -> String {
        let text = self.signature.as_ref().or(self.share_psbt.as_ref());
        match (text, self.output == Path::new("-")) {
            (Some(text), true) => format!("{text}\n"),
            _ if self.share_psbt.is_some() => format!(
                "{}\n",
                Text::new("report-message-share-written")
                    .arg("path", self.output.display())
                    .localized()
            ),
            _ => format!(
                "{}\n",
                Text::new("report-message-signature-written")
                    .arg("format", self.format)
                    .arg("path", self.output.display())
                    .localized()
            ),
        }
    }
}

/// A signature that proves the address signed the message.
#[derive(Serialize)]
pub struct Verified {
    /// Always true (an invalid signature is an error).
    pub valid: bool,
    /// The address that signed.
    pub address: String,
    /// What was verified, for a person.
    pub format: String,
}

impl Report for Verified {
    fn human(&self) -> String {
        let line = Text::new("report-message-valid")
            .arg("format", &self.format)
            .arg("address", &self.address);
        format!("{}\n", line.localized())
    }
}

/// A multisig BIP-322 proof finished from its combined shares.
#[derive(Serialize)]
pub struct Finalized {
    /// The address (or its script in hex when it has none).
    pub address: String,
    /// The message as text (escaped when suspicious), when it is UTF-8.
    pub message: Option<String>,
    /// The BIP-322 signature.
    pub signature: String,
}

impl Report for Finalized {
    fn human(&self) -> String {
        format!("{}\n", self.signature)
    }
}

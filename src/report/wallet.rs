//! Results of `coldsign wallet …` for wallets registered on the signer.

use serde::Serialize;

use super::Report;
use crate::btc::wallet_summary::{summarize, WalletSummary};
use crate::btc::wallets::{Cosigner, Wallet};
use crate::i18n::{t, Text};
use crate::keys::material::HdKeys;
use crate::review::render::{column, label_columns};
use crate::Result;

/// A registered wallet: its descriptor, policy summary and cosigners.
#[derive(Serialize)]
pub struct WalletView {
    /// The wallet's name.
    pub name: String,
    /// Its descriptor.
    pub descriptor: String,
    /// The policy in a few words and the first receive address (import and show).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub summary: Option<WalletSummary>,
    /// Every cosigner, ours marked.
    pub cosigners: Vec<Cosigner>,
}

impl WalletView {
    /// The view of `wallet` on `network`, with its policy summarised (an error when it cannot
    /// be).
    pub fn new(
        wallet: &Wallet,
        network: bitcoin::Network,
        cosigners: Vec<Cosigner>,
    ) -> Result<Self> {
        Ok(WalletView {
            name: wallet.name.clone(),
            descriptor: wallet.descriptor.to_string(),
            summary: Some(summarize(&wallet.descriptor, network)?),
            cosigners,
        })
    }
}

impl WalletView {
    /// The view of a stored wallet for `wallet show` (no summary when it cannot be made).
    pub fn stored(wallet: &Wallet, network: bitcoin::Network, hd: &HdKeys) -> Self {
        WalletView {
            name: wallet.name.clone(),
            descriptor: wallet.descriptor.to_string(),
            summary: summarize(&wallet.descriptor, network).ok(),
            cosigners: wallet.cosigners(hd),
        }
    }
}

impl Report for WalletView {
    fn human(&self) -> String {
        let heading = Text::new("report-wallet").arg("name", &self.name);
        let mut s = format!("{}\n  {}\n", heading.localized(), self.descriptor);
        if let Some(summary) = &self.summary {
            let labels = ["report-wallet-policy", "report-wallet-first-receive"];
            let columns = label_columns(&labels, 15);
            let receive = Text::new("report-wallet-first-receive-value")
                .arg("address", &summary.first_receive);
            s.push_str(&format!(
                "  {}{}\n  {}{}\n",
                column(labels[0], columns),
                summary.policy.localized(),
                column(labels[1], columns),
                receive.localized()
            ));
        }
        s.push_str(&format!("  {}\n", t("report-wallet-cosigners")));
        for c in &self.cosigners {
            let ours = if c.ours {
                format!("  {}", t("report-wallet-this-signer"))
            } else {
                String::new()
            };
            s.push_str(&format!(
                "    {} {} {}{ours}\n",
                c.fingerprint, c.path, c.xpub
            ));
        }
        s
    }
}

/// One wallet in `wallet list`.
#[derive(Serialize)]
pub struct Listed {
    /// Its name.
    pub name: String,
    /// "watch-only" or "signer".
    pub kind: &'static str,
    /// Its descriptor.
    pub descriptor: String,
}

/// Every wallet, watch-only and registered.
#[derive(Serialize)]
pub struct WalletList(pub Vec<Listed>);

impl Report for WalletList {
    fn human(&self) -> String {
        if self.0.is_empty() {
            return format!("{}\n", t("report-wallet-none"));
        }
        self.0
            .iter()
            .map(|w| {
                let kind = t(if w.kind == "signer" {
                    "report-wallet-kind-signer"
                } else {
                    "report-wallet-kind-watch-only"
                });
                format!("{}  {kind}  {}\n", w.name, w.descriptor)
            })
            .collect()
    }
}

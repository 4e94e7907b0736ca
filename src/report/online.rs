//! What the online host's wallet commands report: a watch-only wallet added, receive
//! addresses handed out, a transaction broadcast.

use std::path::{Path, PathBuf};

use miniscript::descriptor::{Descriptor, DescriptorPublicKey};
use serde::Serialize;

use super::Report;
use crate::i18n::Text;
use crate::online::store::WatchWallet;
use crate::review::bitcoin::BtcReview;

/// `wallet add`: the watch-only wallet created.
#[derive(Serialize)]
pub struct Added {
    /// Its name.
    pub name: String,
    /// Its network.
    pub network: String,
    /// Its descriptor.
    pub descriptor: String,
    /// Its first receive address, to compare with the signer's.
    pub first_receive: String,
    /// Where it is stored.
    pub path: PathBuf,
}

impl Added {
    /// The report of `wallet`, added as `name` with `descriptor` and stored at `path`.
    pub fn new(
        name: String,
        wallet: &WatchWallet,
        descriptor: &Descriptor<DescriptorPublicKey>,
        path: PathBuf,
    ) -> Self {
        Added {
            name,
            network: wallet.network().to_string(),
            descriptor: descriptor.to_string(),
            first_receive: wallet.first_receive(),
            path,
        }
    }
}

impl Report for Added {
    fn human(&self) -> String {
        let heading = Text::new("report-online-wallet")
            .arg("name", &self.name)
            .arg("network", &self.network);
        let receive = Text::new("report-online-first-receive").arg("address", &self.first_receive);
        format!(
            "{}\n  {}\n  {}\n",
            heading.localized(),
            self.descriptor,
            receive.localized()
        )
    }
}

/// `wallet addresses`: new receive addresses handed out.
#[derive(Serialize)]
pub struct Addresses {
    /// The wallet's name.
    pub wallet: String,
    /// The addresses, each with its index.
    pub addresses: Vec<AddressView>,
}

/// One receive address.
#[derive(Serialize)]
pub struct AddressView {
    /// Its index on the receive branch.
    pub index: u32,
    /// The address.
    pub address: String,
}

impl From<bdk_wallet::AddressInfo> for AddressView {
    fn from(info: bdk_wallet::AddressInfo) -> Self {
        AddressView {
            index: info.index,
            address: info.address.to_string(),
        }
    }
}

impl Report for Addresses {
    fn human(&self) -> String {
        self.addresses
            .iter()
            .map(|a| format!("{}  {}\n", a.index, a.address))
            .collect()
    }
}

/// `build` and `bump`: the unsigned PSBT written, with the review the signer will show.
#[derive(Serialize)]
pub struct Built<'a> {
    /// Where the PSBT was written.
    pub output: &'a Path,
    /// `bump`: the transaction this one replaces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
    /// The review.
    #[serde(flatten)]
    pub review: &'a BtcReview,
    /// The UR text parts of the QR code, when shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qr: Option<Vec<String>>,
    /// The review as text, rendered from the host's vantage.
    #[serde(skip)]
    pub rendered: String,
}

impl Report for Built<'_> {
    fn human(&self) -> String {
        let replaces = self
            .replaces
            .as_deref()
            .map(|t| {
                let line = Text::new("report-online-replaces").arg("txid", t);
                format!("{}\n", line.localized())
            })
            .unwrap_or_default();
        let written = Text::new("report-online-psbt-written").arg("path", self.output.display());
        let compare =
            Text::new("report-online-compare-digest").arg("digest", &self.review.intent_digest);
        format!(
            "{}\n{replaces}{}\n{}\n",
            self.rendered,
            written.localized(),
            compare.localized()
        )
    }
}

/// `broadcast`: the transaction sent.
#[derive(Serialize)]
pub struct Broadcast {
    /// Its id.
    pub txid: String,
}

impl Report for Broadcast {
    fn human(&self) -> String {
        format!("{}\n", self.txid)
    }
}

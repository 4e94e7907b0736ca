//! What the online host's wallet commands report: a watch-only wallet added, receive
//! addresses handed out, a transaction broadcast.

use std::path::{Path, PathBuf};

use miniscript::descriptor::{Descriptor, DescriptorPublicKey};
use serde::Serialize;

use super::Report;
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
        format!(
            "watch-only wallet {} ({})\n  {}\n  first receive address {}\n",
            self.name, self.network, self.descriptor, self.first_receive
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
            .map(|t| format!("replaces transaction {t} (only one of the two can confirm)\n"))
            .unwrap_or_default();
        format!(
            "{}\n{replaces}unsigned PSBT written to {}\ncompare the intent digest {} on every signer\n",
            self.rendered,
            self.output.display(),
            self.review.intent_digest
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

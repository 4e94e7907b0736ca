//! What the online host's wallet commands report: a watch-only wallet added, receive
//! addresses handed out, a transaction broadcast.

use std::path::PathBuf;

use serde::Serialize;

use super::Report;

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

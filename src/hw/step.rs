//! The steps of a device session, named in device errors (`ledger: reading the xpub at
//! m/84'/0'/0': …`) in the operator's language.

use std::fmt;

use crate::i18n::Text;

/// What coldsign was asking the device for when it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// Opening the session (a Trezor's features).
    Connect,
    /// Checking that the Bitcoin app (2.1 or later) is open.
    CheckApp,
    /// Reading the master key fingerprint.
    Fingerprint,
    /// Reading the xpub at a path.
    Xpub(String),
    /// Getting a single-signature address at a path.
    Address(String),
    /// Getting an address of a registered wallet at an index.
    WalletAddress {
        /// The wallet's name.
        wallet: String,
        /// The address index.
        index: u32,
    },
    /// Registering a wallet policy.
    Register(String),
    /// Signing a PSBT.
    SignPsbt,
    /// Reading the Ethereum address at a path.
    EthAddress(String),
    /// Signing an Ethereum request.
    EthSign,
}

impl Step {
    /// The step as a catalog text.
    pub fn text(&self) -> Text {
        match self {
            Step::Connect => Text::new("device-step-connect"),
            Step::CheckApp => Text::new("device-step-check-app"),
            Step::Fingerprint => Text::new("device-step-fingerprint"),
            Step::Xpub(path) => Text::new("device-step-xpub").arg("path", path),
            Step::Address(path) => Text::new("device-step-address").arg("path", path),
            Step::WalletAddress { wallet, index } => Text::new("device-step-wallet-address")
                .arg("wallet", wallet)
                .arg("index", index),
            Step::Register(wallet) => Text::new("device-step-register").arg("wallet", wallet),
            Step::SignPsbt => Text::new("device-step-sign-psbt"),
            Step::EthAddress(path) => Text::new("device-step-eth-address").arg("path", path),
            Step::EthSign => Text::new("device-step-eth-sign"),
        }
    }
}

/// The English text (what `--json` errors and the audit log carry).
impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text().english())
    }
}

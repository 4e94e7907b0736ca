//! coldsign: air-gapped key custody for Bitcoin and Ethereum.
//!
//! The library holds all logic; `cli` only parses arguments and renders results. The data
//! path (docs/architecture.md): bytes from a file or QR code ([`transport`]) become a
//! [`request::Request`]; the signer computes its own [`review::Review`]; the
//! [`ceremony`] runs review → audit ([`audit`]) → [`policy`] → the person's gate
//! ([`prompt::Prompt`]) → a [`signer::Signer`] (the keystore in [`keys`], or a hardware wallet
//! through [`hw`]) → verification → the answer goes back the same way. [`btc`] and [`eth`]
//! hold each chain's formats and rules; [`online`] the network side (watch-only wallets, node
//! clients; not in the air-gapped build).

pub mod addressbook;
pub mod airgap;
pub mod approval;
pub mod approver;
pub mod audit;
pub mod btc;
pub mod ceremony;
pub mod cli;
pub mod config;
pub mod configure;
pub mod demo;
pub mod erc7730;
pub mod error;
pub mod eth;
pub mod files;
#[cfg(feature = "hw")]
pub mod hw;
pub mod i18n;
pub mod keys;
#[cfg(feature = "online")]
pub mod online;
pub mod policy;
pub mod prompt;
pub mod release;
pub mod report;
pub mod request;
pub mod review;
pub mod signer;
pub mod signing;
pub mod transport;
pub mod trusted;

pub use error::{Error, ExitCode, Result};

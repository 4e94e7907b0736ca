//! coldsign: air-gapped key custody for Bitcoin and Ethereum.
//!
//! The library holds all logic; `cli` only parses arguments and renders results.

pub mod addressbook;
pub mod airgap;
pub mod audit;
pub mod btc;
pub mod cli;
pub mod error;
pub mod eth;
pub mod files;
#[cfg(feature = "hw")]
pub mod hw;
pub mod keys;
#[cfg(feature = "online")]
pub mod online;
pub mod policy;
pub mod prompt;
pub mod release;
pub mod request;
pub mod review;
pub mod signer;
pub mod transport;

pub use error::{Error, ExitCode, Result};

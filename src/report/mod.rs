//! What a command tells the person when it is done: each result is a value that serializes
//! to JSON (`--json`) and renders itself as text. The library builds these values; `cli` only
//! chooses between the two renderings and writes them.

pub mod demo;
pub mod message;
pub mod qr;
pub mod sign;

use serde::Serialize;

pub mod approval;
pub mod audit;
#[cfg(feature = "online")]
pub mod eth;
pub mod keys;
#[cfg(feature = "online")]
pub mod online;
pub mod psbt;

/// A command's result: JSON for `--json`, text otherwise.
pub trait Report: Serialize {
    /// The human rendering.
    fn human(&self) -> String;
}

pub mod address;
#[cfg(feature = "hw")]
pub mod device;
pub mod multisig;
pub mod registry;
pub mod wallet;

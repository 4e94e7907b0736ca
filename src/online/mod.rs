//! The online host (feature `online`): watch-only wallets stored with bdk_wallet in SQLite,
//! the Bitcoin Core JSON-RPC and Electrum backends, unsigned PSBTs built for an offline
//! signer, broadcast and fee bumps. It holds no private key and never signs.

pub mod backend;
pub mod build;
pub mod deliver;
pub use crate::config;
pub mod import;
pub mod payouts;
mod settings;
pub mod store;

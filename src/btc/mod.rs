//! Bitcoin: PSBT reading and conversion, wallet policies, review, signing and finalizing.
//! (Named `btc` so that paths never confuse it with the `bitcoin` crate.)

pub mod address_search;
pub mod bip373;
pub mod builder;
pub mod core_verify;
pub mod derive;
pub mod finalize;
pub mod known_keys;
pub mod message;
pub mod multisig;
pub mod network;
pub mod ownership;
pub mod psbt_tools;
pub mod psbt_v2;
pub mod remembered;
pub mod satisfy;
pub mod wallet_summary;
pub mod wallets;

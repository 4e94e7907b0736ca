//! Bitcoin: PSBT reading and conversion, wallet policies, review, signing and finalizing.
//! (Named `btc` so that paths never confuse it with the `bitcoin` crate.)

pub mod psbt_v2;

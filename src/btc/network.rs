//! What a PSBT says about its network: the BIP44 coin type of its key origins (0' for mainnet,
//! 1' for every test network). Scripts carry no network; addresses are only how scripts are
//! shown.

use bitcoin::bip32::{ChildNumber, DerivationPath};
use bitcoin::psbt::Psbt;

/// The coin type every key origin of a PSBT agrees on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoinType {
    /// 0': Bitcoin mainnet.
    Main,
    /// 1': testnet, signet or regtest (which one, the request cannot say).
    Test,
}

/// The coin type of `path` (its second step, hardened 0 or 1), if it follows BIP44's layout.
fn coin_type(path: &DerivationPath) -> Option<CoinType> {
    match path.into_iter().nth(1)? {
        ChildNumber::Hardened { index: 0 } => Some(CoinType::Main),
        ChildNumber::Hardened { index: 1 } => Some(CoinType::Test),
        _ => None,
    }
}

/// The coin type all of `psbt`'s key origins (inputs and outputs, BIP32 and taproot) agree on;
/// `None` when they name none or disagree.
pub fn coin_type_of(psbt: &Psbt) -> Option<CoinType> {
    let inputs = psbt.inputs.iter().flat_map(|i| {
        i.bip32_derivation
            .values()
            .chain(i.tap_key_origins.values().map(|(_, s)| s))
    });
    let outputs = psbt.outputs.iter().flat_map(|o| {
        o.bip32_derivation
            .values()
            .chain(o.tap_key_origins.values().map(|(_, s)| s))
    });
    let mut found = None;
    for (_, path) in inputs.chain(outputs) {
        match (found, coin_type(path)) {
            (_, None) => {}
            (None, seen) => found = seen,
            (Some(a), Some(b)) if a != b => return None,
            _ => {}
        }
    }
    found
}

/// The network to sign `psbt` for: `given` when the person named one, else `default`
/// (mainnet); a request whose keys are for a test network (coin type 1') with no network given
/// is refused rather than guessed.
pub fn network_for(
    psbt: &Psbt,
    given: Option<bitcoin::Network>,
    default: bitcoin::Network,
) -> crate::Result<bitcoin::Network> {
    if let Some(network) = given {
        return Ok(network);
    }
    match coin_type_of(psbt) {
        Some(CoinType::Test) => Err(crate::Error::usage(
            "the request's keys are for a test network (coin type 1') and no network was given",
            "pass --network testnet, signet or regtest (or set COLDSIGN_NETWORK, or network in config.toml)",
        )),
        _ => Ok(default),
    }
}

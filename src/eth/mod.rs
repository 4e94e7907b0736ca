//! Ethereum: requests as they cross the gap (EIP-4527 `eth-sign-request`, unsigned RLP,
//! typed-data JSON), their review, and signing; online, transactions built from a node, Safe
//! executions and broadcast.

pub mod account;
#[cfg(feature = "online")]
pub mod broadcast;
#[cfg(feature = "online")]
pub mod build;
pub mod calldata;
pub mod chains;
pub mod clear_sign;
pub mod flows;
pub mod place;
pub mod policy;
pub mod registry;
pub mod request;
#[cfg(feature = "online")]
pub mod rpc;
pub mod safe;
#[cfg(feature = "online")]
pub mod safe_chain;
pub mod sign;
pub mod strict_json;
pub mod tx;
pub mod typed_check;
pub mod typed_data;
pub mod typed_flows;

use alloy_dyn_abi::TypedData;
use alloy_primitives::Address;
use bitcoin::bip32::{DerivationPath, Fingerprint};

pub use request::EthRequest;
use tx::UnsignedTx;

/// What is to be signed.
#[derive(Debug, Clone)]
pub enum EthPayload {
    /// A transaction.
    Transaction(UnsignedTx),
    /// EIP-712 typed data.
    TypedData(Box<TypedData>),
    /// An EIP-191 personal message.
    PersonalMessage(Vec<u8>),
}

/// Where the signing key is, as the request states it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyHint {
    /// Derivation path.
    pub path: Option<DerivationPath>,
    /// Master fingerprint.
    pub fingerprint: Option<Fingerprint>,
}

/// `value` in units of 10^`decimals`, exactly, without trailing zeros ("1.5", "3", "0.000021").
pub fn format_amount(value: alloy_primitives::U256, decimals: u8) -> String {
    let text = alloy_primitives::utils::format_units(value, decimals)
        .unwrap_or_else(|_| value.to_string());
    match text.split_once('.') {
        Some((whole, fraction)) => match fraction.trim_end_matches('0') {
            "" => whole.to_string(),
            fraction => format!("{whole}.{fraction}"),
        },
        None => text,
    }
}

/// Parses an address; mixed case must carry a valid EIP-55 checksum.
pub fn parse_address(text: &str) -> Result<Address, String> {
    let t = text.trim();
    let hex = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .ok_or_else(|| format!("{t:?} is not an Ethereum address (no 0x prefix)"))?;
    if hex.len() != 40 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!(
            "{t:?} is not an Ethereum address (needs 40 hex digits)"
        ));
    }
    let mixed =
        hex.chars().any(|c| c.is_ascii_lowercase()) && hex.chars().any(|c| c.is_ascii_uppercase());
    if mixed {
        Address::parse_checksummed(format!("0x{hex}"), None)
            .map_err(|_| format!("{t} has a wrong EIP-55 checksum (a typo, or a tampered address)"))
    } else {
        format!("0x{hex}")
            .parse()
            .map_err(|_| format!("{t:?} is not an Ethereum address"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_exact_without_trailing_zeros() {
        use alloy_primitives::U256;
        assert_eq!(
            format_amount(U256::from(1_500_000_000_000_000_000u128), 18),
            "1.5"
        );
        assert_eq!(format_amount(U256::from(3_000_000_000u64), 9), "3");
        assert_eq!(format_amount(U256::from(21u8), 6), "0.000021");
        assert_eq!(format_amount(U256::ZERO, 18), "0");
    }

    #[test]
    fn addresses_need_a_valid_checksum_when_mixed_case() {
        assert!(parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").is_ok());
        assert!(parse_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed").is_ok());
        assert!(parse_address("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
            .unwrap_err()
            .contains("checksum"));
        assert!(parse_address("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed").is_err());
    }
}

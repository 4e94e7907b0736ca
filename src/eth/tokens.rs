//! A few well-known ERC-20 tokens, so amounts can be shown in whole units. Other tokens are
//! shown in raw units: the signer cannot ask the chain for `decimals()`.

use alloy_primitives::{address, Address, U256};

/// A known token.
struct Token {
    chain_id: u64,
    address: Address,
    symbol: &'static str,
    decimals: u8,
}

const TOKENS: &[Token] = &[
    Token {
        chain_id: 1,
        address: address!("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"),
        symbol: "USDC",
        decimals: 6,
    },
    Token {
        chain_id: 1,
        address: address!("0xdAC17F958D2ee523a2206206994597C13D831ec7"),
        symbol: "USDT",
        decimals: 6,
    },
    Token {
        chain_id: 1,
        address: address!("0x6B175474E89094C44Da98b954EedeAC495271d0F"),
        symbol: "DAI",
        decimals: 18,
    },
    Token {
        chain_id: 1,
        address: address!("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"),
        symbol: "WETH",
        decimals: 18,
    },
    Token {
        chain_id: 1,
        address: address!("0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599"),
        symbol: "WBTC",
        decimals: 8,
    },
];

/// An amount of `token` on `chain_id` for a person: whole units for known tokens, raw units
/// otherwise, "unlimited" for the maximum.
pub fn show_amount(chain_id: u64, token: Address, amount: U256) -> String {
    if amount == U256::MAX {
        return "unlimited (2^256-1)".into();
    }
    match TOKENS
        .iter()
        .find(|t| t.chain_id == chain_id && t.address == token)
    {
        Some(t) => format!(
            "{} {} ({amount} raw)",
            super::format_amount(amount, t.decimals),
            t.symbol
        ),
        None => format!("{amount} raw units (decimals of this token unknown to the signer)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_tokens_in_whole_units() {
        let usdc = address!("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
        assert_eq!(
            show_amount(1, usdc, U256::from(1_500_000u64)),
            "1.5 USDC (1500000 raw)"
        );
        assert!(show_amount(10, usdc, U256::from(1u8)).contains("raw units"));
        assert!(show_amount(1, usdc, U256::MAX).starts_with("unlimited"));
    }
}

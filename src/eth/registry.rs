//! The signer's registry of well-known contracts: major tokens of the chains it names (address,
//! symbol, decimals), Permit2, Safe singletons, factories and MultiSend versions, marketplaces,
//! routers and settlement contracts. Shipped as data (src/eth/known/, sources in its README)
//! and extended offline from Uniswap Token Lists files (`coldsign address import-tokens`),
//! stored beside the address book. The review uses it for amounts in whole units, to name
//! spenders and targets, and to catch addresses that imitate a known contract.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use alloy_primitives::Address;
use serde::{Deserialize, Serialize};

use crate::files::{self, Replace};
use crate::review::text;
use crate::{Error, Result};

const BUILTIN_TOKENS: &str = include_str!("known/tokens.json");
const BUILTIN_CONTRACTS: &str = include_str!("known/contracts.json");

/// What a known contract is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContractKind {
    /// Uniswap Permit2: signature-based allowances and transfers.
    Permit2,
    /// A Safe singleton (master copy).
    SafeSingleton,
    /// A Safe proxy factory.
    SafeFactory,
    /// Safe's MultiSend or MultiSendCallOnly: the only contracts a Safe should DELEGATECALL.
    Multisend,
    /// An NFT marketplace (Seaport) or its conduit.
    Marketplace,
    /// A swap router or aggregator.
    Router,
    /// A batch-auction settlement contract.
    Settlement,
}

/// A known contract that is not a token.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Contract {
    /// Its name.
    pub name: String,
    /// What it is.
    pub kind: ContractKind,
    /// Its address (the same on every chain listed).
    pub address: Address,
    /// The chains it is deployed on; empty means at the same address on every chain.
    #[serde(default)]
    pub chains: Vec<u64>,
}

/// One token of a Uniswap Token List.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Token {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// Checksummed address.
    #[serde(serialize_with = "checksummed")]
    pub address: Address,
    /// Its name.
    pub name: String,
    /// Its ticker symbol.
    pub symbol: String,
    /// Decimals of one whole token.
    pub decimals: u8,
}

fn checksummed<S: serde::Serializer>(
    address: &Address,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&address.to_checksum(None))
}

/// A Uniswap Token List (only the fields the signer uses; the rest is ignored).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TokenList {
    /// The list's name.
    #[serde(default)]
    pub name: String,
    /// Its tokens.
    pub tokens: Vec<Token>,
}

#[derive(Deserialize)]
struct Contracts {
    contracts: Vec<Contract>,
}

/// Wrapped native coins: tokens that accept the chain's coin (deposit).
const WRAPPED_NATIVE: &[&str] = &[
    "WETH", "WBNB", "WMATIC", "WPOL", "WAVAX", "WXDAI", "WFTM", "WMNT",
];

/// The registry: built-in data plus imported tokens.
#[derive(Debug, Clone)]
pub struct Registry {
    tokens: Vec<Token>,
    contracts: Vec<Contract>,
}

/// The file of imported tokens that belongs to the address book at `book`.
pub fn imported_path(book: &Path) -> PathBuf {
    book.with_file_name("tokens.json")
}

impl Registry {
    /// The built-in registry only.
    pub fn builtin() -> &'static Registry {
        static BUILTIN: OnceLock<Registry> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let tokens = parse_token_list(BUILTIN_TOKENS.as_bytes())
                .map(|l| l.tokens)
                .unwrap_or_default();
            let contracts = serde_json::from_str::<Contracts>(BUILTIN_CONTRACTS)
                .map(|c| c.contracts)
                .unwrap_or_default();
            Registry { tokens, contracts }
        })
    }

    /// The built-in registry plus the tokens imported beside the address book at `book`.
    pub fn load_beside(book: &Path) -> Result<Registry> {
        let mut registry = Registry::builtin().clone();
        let path = imported_path(book);
        if path.exists() {
            let list = parse_token_list(&files::read_input(&path)?).map_err(|e| {
                Error::bad_input(format!(
                    "imported tokens {} are damaged: {e}",
                    path.display()
                ))
            })?;
            registry.add_tokens(list.tokens);
        }
        Ok(registry)
    }

    /// Adds tokens; an imported token replaces a built-in one at the same chain and address.
    pub fn add_tokens(&mut self, tokens: Vec<Token>) {
        for t in tokens {
            self.tokens
                .retain(|k| !(k.chain_id == t.chain_id && k.address == t.address));
            self.tokens.push(t);
        }
    }

    /// The token at `address` on `chain_id`.
    pub fn token(&self, chain_id: u64, address: Address) -> Option<&Token> {
        self.tokens
            .iter()
            .find(|t| t.chain_id == chain_id && t.address == address)
    }

    /// A token on `chain_id` with ticker `symbol` (case-insensitive).
    pub fn token_by_symbol(&self, chain_id: u64, symbol: &str) -> Option<&Token> {
        self.tokens
            .iter()
            .find(|t| t.chain_id == chain_id && t.symbol.eq_ignore_ascii_case(symbol))
    }

    /// The known non-token contract at `address` on `chain_id`.
    pub fn contract(&self, chain_id: u64, address: Address) -> Option<&Contract> {
        self.contracts
            .iter()
            .find(|c| c.address == address && (c.chains.is_empty() || c.chains.contains(&chain_id)))
    }

    /// A name for `address` on `chain_id`: "USDC token", "Uniswap Permit2".
    pub fn name(&self, chain_id: u64, address: Address) -> Option<String> {
        if let Some(t) = self.token(chain_id, address) {
            return Some(format!("{} token", t.symbol));
        }
        self.contract(chain_id, address).map(|c| c.name.clone())
    }

    /// Whether `address` is a token that takes the native coin (WETH and its kin).
    pub fn is_wrapped_native(&self, chain_id: u64, address: Address) -> bool {
        self.token(chain_id, address)
            .is_some_and(|t| WRAPPED_NATIVE.contains(&t.symbol.as_str()))
    }

    /// A known contract or token on `chain_id` that `address` imitates (same first and last
    /// characters, different address), with its name.
    pub fn imitated(&self, chain_id: u64, address: Address) -> Option<(Address, String)> {
        let tokens = self
            .tokens
            .iter()
            .filter(|t| t.chain_id == chain_id)
            .map(|t| (t.address, format!("{} token", t.symbol)));
        let contracts = self
            .contracts
            .iter()
            .filter(|c| c.chains.is_empty() || c.chains.contains(&chain_id))
            .map(|c| (c.address, c.name.clone()));
        tokens
            .chain(contracts)
            .find(|(known, _)| crate::review::lookalike::eth_imitates(address, *known))
    }
}

/// Parses a Uniswap Token Lists file strictly: unambiguous JSON, checksummed addresses,
/// symbols and names a person can read as they are.
pub fn parse_token_list(bytes: &[u8]) -> std::result::Result<TokenList, String> {
    let value = super::strict_json::parse(bytes)?;
    let raw = value
        .get("tokens")
        .and_then(|t| t.as_array())
        .ok_or("not a token list: no \"tokens\" array")?;
    let mut tokens = Vec::with_capacity(raw.len());
    for (i, t) in raw.iter().enumerate() {
        tokens.push(parse_token(t).map_err(|e| format!("token {}: {e}", i + 1))?);
    }
    let name = value
        .get("name")
        .and_then(|n| n.as_str())
        .unwrap_or_default()
        .to_string();
    Ok(TokenList { name, tokens })
}

fn parse_token(t: &serde_json::Value) -> std::result::Result<Token, String> {
    let field = |name: &str| t.get(name).ok_or(format!("no {name:?}"));
    let text_field = |name: &str| {
        let s = field(name)?
            .as_str()
            .ok_or(format!("{name:?} is not a string"))?;
        if s.is_empty() || s.chars().count() > 64 {
            return Err(format!("{name:?} must have 1 to 64 characters"));
        }
        if let Some((escaped, reasons)) = text::suspicious_text(s) {
            let reasons = crate::i18n::Text::comma_list(reasons).map(|r| r.english());
            return Err(format!(
                "{name} {escaped} is deceptive ({})",
                reasons.unwrap_or_default()
            ));
        }
        Ok(s.to_string())
    };
    let address_text = field("address")?
        .as_str()
        .ok_or("\"address\" is not a string")?;
    let address: Address = super::parse_address(address_text)?;
    if address.to_checksum(None) != address_text {
        return Err(format!(
            "{address_text} is not checksummed (EIP-55: {})",
            address.to_checksum(None)
        ));
    }
    Ok(Token {
        chain_id: field("chainId")?
            .as_u64()
            .filter(|c| *c > 0)
            .ok_or("\"chainId\" is not a positive integer")?,
        address,
        name: text_field("name")?,
        symbol: text_field("symbol")?,
        decimals: field("decimals")?
            .as_u64()
            .and_then(|d| u8::try_from(d).ok())
            .ok_or("\"decimals\" is not an integer from 0 to 255")?,
    })
}

/// Adds `list`'s tokens to the imported file beside the address book at `book` (a token at the
/// same chain and address is replaced).
pub fn save_imported(book: &Path, list: &TokenList) -> Result<()> {
    let path = imported_path(book);
    let mut stored = if path.exists() {
        parse_token_list(&files::read_input(&path)?).map_err(|e| {
            Error::bad_input(format!(
                "imported tokens {} are damaged: {e}",
                path.display()
            ))
        })?
    } else {
        TokenList {
            name: "coldsign imported tokens".into(),
            tokens: Vec::new(),
        }
    };
    for t in &list.tokens {
        stored
            .tokens
            .retain(|k| !(k.chain_id == t.chain_id && k.address == t.address));
        stored.tokens.push(t.clone());
    }
    files::ensure_parent_dir(&path)?;
    let json = serde_json::to_vec_pretty(&stored).map_err(|e| Error::Internal(e.to_string()))?;
    files::write_atomic(&path, &json, 0o600, Replace::Allowed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    const USDC: Address = address!("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");

    #[test]
    fn builtin_data_loads_and_names_major_contracts() {
        let r = Registry::builtin();
        assert!(r.tokens.len() > 500, "{} tokens", r.tokens.len());
        assert_eq!(r.token(1, USDC).map(|t| t.decimals), Some(6));
        assert_eq!(r.token(10, USDC), None);
        let permit2 = address!("0x000000000022D473030F116dDEE9F6B43aC78BA3");
        assert_eq!(
            r.contract(8453, permit2).map(|c| c.kind),
            Some(ContractKind::Permit2)
        );
        assert!(r.is_wrapped_native(1, address!("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2")));
        assert!(!r.is_wrapped_native(1, USDC));
    }

    #[test]
    fn lookalikes_of_known_contracts_are_found() {
        let r = Registry::builtin();
        let fake = address!("0xa0b800000000000000000000000000000006eb48");
        assert_eq!(r.imitated(1, fake).map(|(a, _)| a), Some(USDC));
        assert_eq!(r.imitated(1, USDC), None);
    }

    #[test]
    fn token_lists_are_strict() {
        let ok = br#"{"name":"x","tokens":[{"chainId":1,"address":"0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48","name":"USD Coin","symbol":"USDC","decimals":6}]}"#;
        assert_eq!(parse_token_list(ok).unwrap().tokens.len(), 1);
        let lower = String::from_utf8_lossy(ok).replace(
            "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
            "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
        );
        assert!(parse_token_list(lower.as_bytes())
            .unwrap_err()
            .contains("checksummed"));
        let rtl = String::from_utf8_lossy(ok).replace("\"USDC\"", "\"US\u{202e}DC\"");
        assert!(parse_token_list(rtl.as_bytes()).is_err());
        let decimals = String::from_utf8_lossy(ok).replace("\"decimals\":6", "\"decimals\":300");
        assert!(parse_token_list(decimals.as_bytes()).is_err());
    }
}

//! ERC-7730 clear signing: descriptors that say how a contract call or an EIP-712 message
//! should be shown (intent, labelled fields, token amounts, nested calls), interpreted on the
//! signer. A descriptor applies only to its exact chain id and contract address (or EIP-712
//! domain), never by selector alone. It names things; it cannot hide what the review
//! decodes itself: the [`Fact`]s of a rendering let the review cross-check each named
//! recipient, token and amount against its own decoding.

pub mod crosscheck;
pub mod data;
pub mod descriptor;
pub mod format;
pub mod json;
pub mod path;
pub mod registry;
pub mod render;
pub mod signature;
pub mod store;

use alloy_primitives::{Address, B256, U256};
use serde::Serialize;

use crate::i18n::Text;

pub use descriptor::{Binding, Deployment, Descriptor};
pub use registry::Registry;

/// A contract call to clear-sign.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// The signer, if known (`@.from`).
    pub from: Option<Address>,
    /// The contract called.
    pub to: Address,
    /// Native value sent.
    pub value: U256,
    /// The calldata (selector first).
    pub data: &'a [u8],
}

/// What the signer knows about a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// Ticker.
    pub symbol: String,
    /// Decimals.
    pub decimals: u8,
}

/// The signer's own tables that descriptors refer to: tokens (decimals, symbols), names of
/// addresses (the address book), NFT collections.
pub trait Lookup {
    /// The token at `address` on `chain_id`.
    fn token(&self, chain_id: u64, address: Address) -> Option<TokenInfo>;
    /// A trusted name for `address`.
    fn name(&self, chain_id: u64, address: Address) -> Option<String>;
    /// The name of the NFT collection at `address`.
    fn collection(&self, chain_id: u64, address: Address) -> Option<String>;
}

/// A lookup table held in memory.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    tokens: std::collections::HashMap<(u64, Address), TokenInfo>,
    names: std::collections::HashMap<Address, String>,
    collections: std::collections::HashMap<(u64, Address), String>,
}

impl Directory {
    /// Adds a token (an earlier entry for the same chain and address is kept).
    pub fn add_token(&mut self, chain_id: u64, address: Address, token: TokenInfo) {
        self.tokens.entry((chain_id, address)).or_insert(token);
    }
    /// Adds a name for an address.
    pub fn add_name(&mut self, address: Address, name: String) {
        self.names.insert(address, name);
    }
    /// Adds an NFT collection name.
    pub fn add_collection(&mut self, chain_id: u64, address: Address, name: String) {
        self.collections.insert((chain_id, address), name);
    }
}

impl Lookup for Directory {
    fn token(&self, chain_id: u64, address: Address) -> Option<TokenInfo> {
        self.tokens.get(&(chain_id, address)).cloned()
    }
    fn name(&self, _chain_id: u64, address: Address) -> Option<String> {
        self.names.get(&address).cloned()
    }
    fn collection(&self, chain_id: u64, address: Address) -> Option<String> {
        self.collections.get(&(chain_id, address)).cloned()
    }
}

/// A call or message rendered by its descriptor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClearSigned {
    /// What the call or message does ("Swap", "Approve").
    pub intent: String,
    /// The intent with field values filled in, when the descriptor has one and it resolves.
    pub interpolated_intent: Option<String>,
    /// Who the descriptor says owns the contract (`metadata.owner`).
    pub descriptor_owner: Option<String>,
    /// `metadata.contractName`.
    pub contract_name: Option<String>,
    /// The fields shown, in the descriptor's order.
    pub fields: Vec<Field>,
    /// SHA-256 of the descriptor file and its includes.
    pub descriptor_hash: B256,
    /// Where the descriptor was read from.
    pub descriptor_source: String,
    /// What the fields name, for the review's cross-checks.
    pub facts: Vec<Fact>,
    /// What the descriptor refers to but the signer could not resolve, in English.
    pub warnings: Vec<String>,
    /// The same in the catalogs, for the review screen.
    #[serde(skip)]
    pub notes: Vec<Text>,
}

impl ClearSigned {
    /// Adds something the descriptor refers to but the signer could not resolve.
    pub fn note(&mut self, text: Text) {
        self.warnings.push(text.english());
        self.notes.push(text);
    }
}

/// One labelled value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// The descriptor's label.
    pub label: String,
    /// The formatted value.
    pub value: String,
    /// The concrete path of the value (`#.params.amountIn`, `@.value`).
    pub path: String,
    /// The field format used.
    pub format: String,
    /// Embedded calldata rendered by its own descriptor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nested: Option<Box<ClearSigned>>,
}

/// Something a field names, in machine form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fact {
    /// An address shown (recipient, spender, beneficiary).
    Address {
        /// Field path.
        path: String,
        /// The address.
        address: Address,
        /// Shown as "Sender" (the descriptor's `senderAddress` placeholder).
        means_sender: bool,
    },
    /// An amount of a token (`None`: the native coin).
    TokenAmount {
        /// Field path.
        path: String,
        /// The token contract.
        token: Option<Address>,
        /// The amount in base units.
        amount: U256,
        /// Whether the signer's token table knew the token.
        known: bool,
    },
    /// An amount of the native coin.
    NativeAmount {
        /// Field path.
        path: String,
        /// Wei.
        amount: U256,
    },
    /// An embedded call.
    NestedCall {
        /// Field path.
        path: String,
        /// The contract it calls.
        callee: Address,
        /// Native value it carries.
        value: U256,
        /// Whether a descriptor rendered it.
        described: bool,
    },
}

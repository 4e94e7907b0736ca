//! Results of `coldsign address …`: the address book, imported tokens, and where an address
//! of ours lives.

use std::path::PathBuf;

use serde::Serialize;

use super::Report;
use crate::addressbook::Entry;
use crate::eth::registry::{Registry, Token};

/// The address book's entries.
#[derive(Serialize)]
pub struct Book<'a>(pub &'a [Entry]);

impl Report for Book<'_> {
    fn human(&self) -> String {
        if self.0.is_empty() {
            return "the address book is empty\n".into();
        }
        self.0
            .iter()
            .map(|e| format!("{:<24} {}\n", e.label, e.address))
            .collect()
    }
}

/// Tokens added to the signer's registry from a token list.
#[derive(Serialize)]
pub struct TokensImported {
    /// The token list's name.
    pub list: String,
    /// The tokens added.
    pub tokens: Vec<Token>,
    /// Where they are stored.
    pub stored: PathBuf,
}

impl Report for TokensImported {
    fn human(&self) -> String {
        format!(
            "imported {} tokens of {:?} into {}\n",
            self.tokens.len(),
            self.list,
            self.stored.display()
        )
    }
}

/// Each token as shown before it is accepted, with what it replaces or imitates among the
/// built-in tokens.
pub fn tokens_to_import(tokens: &[Token]) -> String {
    let known = Registry::builtin();
    let mut s = String::new();
    for t in tokens {
        let note = match known.token(t.chain_id, t.address) {
            Some(k) if k.symbol != t.symbol || k.decimals != t.decimals => {
                format!("  REPLACES built-in {} ({} decimals)", k.symbol, k.decimals)
            }
            Some(_) => "  (already known)".into(),
            None => match (
                known.imitated(t.chain_id, t.address),
                known.token_by_symbol(t.chain_id, &t.symbol),
            ) {
                (Some((real, name)), _) => format!("  LOOKS LIKE {name} {real}"),
                (None, Some(k)) => format!(
                    "  SAME SYMBOL as the built-in {} at {}",
                    k.symbol,
                    k.address.to_checksum(None)
                ),
                (None, None) => String::new(),
            },
        };
        s.push_str(&format!(
            "chain {:<9} {} {:<12} {:>2} decimals  {}{note}\n",
            t.chain_id,
            t.address.to_checksum(None),
            t.symbol,
            t.decimals,
            t.name
        ));
    }
    s
}

/// An address found among ours: which wallet, branch and index, and our keys' paths.
#[derive(Serialize)]
pub struct Ours {
    /// The address.
    pub address: String,
    /// The standard account or registered wallet it belongs to.
    pub wallet: String,
    /// "receive" or "change".
    pub branch: &'static str,
    /// Its index on the branch.
    pub index: u32,
    /// The derivation paths of our keys in its script.
    pub paths: Vec<String>,
}

impl Report for Ours {
    fn human(&self) -> String {
        format!(
            "ours: {} is {} {} #{} ({})\n",
            self.address,
            self.wallet,
            self.branch,
            self.index,
            self.paths.join(", ")
        )
    }
}

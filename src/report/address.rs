//! Results of `coldsign address …`: the address book, imported tokens, and where an address
//! of ours lives.

use std::path::PathBuf;

use serde::Serialize;

use super::Report;
use crate::addressbook::Entry;
use crate::eth::registry::{Registry, Token};
use crate::i18n::{t, Text};

/// The address book's entries.
#[derive(Serialize)]
pub struct Book<'a>(pub &'a [Entry]);

impl Report for Book<'_> {
    fn human(&self) -> String {
        if self.0.is_empty() {
            return format!("{}\n", t("report-book-empty"));
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
        let line = Text::new("report-tokens-imported")
            .arg("count", self.tokens.len())
            .arg("list", format!("{:?}", self.list))
            .arg("path", self.stored.display());
        format!("{}\n", line.localized())
    }
}

/// Each token as shown before it is accepted, with what it replaces or imitates among the
/// built-in tokens.
pub fn tokens_to_import(tokens: &[Token]) -> String {
    let known = Registry::builtin();
    let mut s = String::new();
    for t in tokens {
        let note = match known.token(t.chain_id, t.address) {
            Some(k) if k.symbol != t.symbol || k.decimals != t.decimals => Some(
                Text::new("report-token-replaces")
                    .arg("symbol", &k.symbol)
                    .arg("decimals", k.decimals),
            ),
            Some(_) => Some(Text::new("report-token-known")),
            None => match (
                known.imitated(t.chain_id, t.address),
                known.token_by_symbol(t.chain_id, &t.symbol),
            ) {
                (Some((real, name)), _) => Some(
                    Text::new("report-token-looks-like")
                        .arg("name", name)
                        .arg("real", real),
                ),
                (None, Some(k)) => Some(
                    Text::new("report-token-same-symbol")
                        .arg("symbol", &k.symbol)
                        .arg("address", k.address.to_checksum(None)),
                ),
                (None, None) => None,
            },
        };
        let note = note
            .map(|n| format!("  {}", n.localized()))
            .unwrap_or_default();
        let line = Text::new("report-token")
            .arg("chain", format!("{:<9}", t.chain_id))
            .arg("address", t.address.to_checksum(None))
            .arg("symbol", format!("{:<12}", t.symbol))
            .arg("decimals", format!("{:>2}", t.decimals))
            .arg("name", &t.name);
        s.push_str(&format!("{}{note}\n", line.localized()));
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
        let branch = t(if self.branch == "change" {
            "report-branch-change"
        } else {
            "report-branch-receive"
        });
        let line = Text::new("report-ours")
            .arg("address", &self.address)
            .arg("wallet", &self.wallet)
            .arg("branch", branch)
            .arg("index", self.index)
            .arg("paths", self.paths.join(", "));
        format!("{}\n", line.localized())
    }
}

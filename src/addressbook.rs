//! The signer's address book: labelled destinations. Exact entries are shown by label; a
//! destination that merely looks like an entry is the address-poisoning attack and is flagged.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use bitcoin::{Address, Network};
use serde::{Deserialize, Serialize};

use crate::files::{self, Replace};
use crate::i18n::Text;
use crate::{Error, Result};

/// How many leading and trailing payload characters make a look-alike. Address poisoning
/// matches four or more at each end; three catches those with a false-alarm chance of about
/// 2^-30 per pair of bech32 addresses.
pub const LOOKALIKE_CHARS: usize = 3;

/// One labelled address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The label people know it by.
    pub label: String,
    /// The address, as entered (checked for the network at entry).
    pub address: String,
}

/// The address book file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AddressBook {
    entries: Vec<Entry>,
}

/// The address book file that belongs to the keystore at `keystore`.
pub fn path_for(keystore: &Path) -> PathBuf {
    keystore
        .parent()
        .unwrap_or(Path::new("."))
        .join("address-book.json")
}

impl AddressBook {
    /// Loads the book (empty when the file does not exist).
    pub fn load(path: &Path) -> Result<Self> {
        if !path.exists() {
            return Ok(Self::default());
        }
        serde_json::from_slice(&files::read_input(path)?).map_err(|e| {
            Error::bad_input(format!("address book {} is damaged: {e}", path.display()))
        })
    }

    /// Writes the book atomically (mode 0600).
    pub fn save(&self, path: &Path) -> Result<()> {
        files::ensure_parent_dir(path)?;
        let json = serde_json::to_vec_pretty(self).map_err(|e| Error::Internal(e.to_string()))?;
        files::write_atomic(path, &json, 0o600, Replace::Allowed)
    }

    /// The entries.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Adds an entry after checking the address for `network`; labels and addresses are unique.
    /// Ethereum addresses (`0x…`) are stored checksummed and serve every chain.
    pub fn add(&mut self, label: &str, address: &str, network: Network) -> Result<()> {
        let address = if address.trim().starts_with("0x") {
            crate::eth::parse_address(address)
                .map_err(Error::bad_input)?
                .to_checksum(None)
        } else {
            let parsed = Address::from_str(address.trim()).map_err(|e| {
                Error::said(
                    Text::new("error-book-not-bitcoin-address")
                        .arg("address", format!("{address:?}"))
                        .arg("why", e),
                    None,
                )
            })?;
            parsed
                .require_network(network)
                .map_err(|_| {
                    Error::said(
                        Text::new("error-book-other-network")
                            .arg("address", address)
                            .arg("network", network),
                        Some(Text::new("hint-book-other-network")),
                    )
                })?
                .to_string()
        };
        if self.entries.iter().any(|e| e.label == label) {
            return Err(Error::said(
                Text::new("error-book-label-used").arg("label", format!("{label:?}")),
                Some(Text::new("hint-book-label-used")),
            ));
        }
        if let Some(e) = self.entries.iter().find(|e| e.address == address) {
            return Err(Error::said(
                Text::new("error-book-address-listed")
                    .arg("address", &address)
                    .arg("label", format!("{:?}", e.label)),
                None,
            ));
        }
        self.entries.push(Entry {
            label: label.to_string(),
            address,
        });
        Ok(())
    }

    /// Removes the entry with `label`.
    pub fn remove(&mut self, label: &str) -> Result<()> {
        let before = self.entries.len();
        self.entries.retain(|e| e.label != label);
        if self.entries.len() == before {
            return Err(Error::said(
                Text::new("error-book-no-label").arg("label", format!("{label:?}")),
                Some(Text::new("hint-book-no-label")),
            ));
        }
        Ok(())
    }

    /// The label of exactly this address.
    pub fn label_of(&self, address: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.address.eq_ignore_ascii_case(address))
            .map(|e| e.label.as_str())
    }

    /// An entry that `address` imitates: the same first and last [`LOOKALIKE_CHARS`]
    /// characters of the payload, but a different address.
    pub fn lookalike(&self, address: &str) -> Option<&Entry> {
        let target = payload(address);
        let n = LOOKALIKE_CHARS;
        self.entries.iter().find(|e| {
            let known = payload(&e.address);
            !e.address.eq_ignore_ascii_case(address)
                && known.is_ascii()
                && target.is_ascii()
                && known.len() >= 2 * n
                && target.len() >= 2 * n
                && known[..n].eq_ignore_ascii_case(&target[..n])
                && known[known.len() - n..].eq_ignore_ascii_case(&target[target.len() - n..])
        })
    }
}

/// The part of an address that varies: after the bech32 separator, after `0x`, or after a
/// base58 version character.
fn payload(address: &str) -> &str {
    if let Some(rest) = address
        .strip_prefix("0x")
        .or_else(|| address.strip_prefix("0X"))
    {
        return rest;
    }
    match address.rfind('1') {
        Some(i) if address[..i].chars().all(|c| c.is_ascii_alphabetic()) && i > 0 => {
            &address[i + 1..]
        }
        _ => address.get(1..).unwrap_or(""),
    }
}

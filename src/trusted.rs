//! What the signer trusts besides its keys (the address book, imported tokens, registered
//! wallets, installed ERC-7730 descriptors and accepted policies) and the proof that each
//! change to it went through coldsign.
//!
//! Every change made by a coldsign command needs the keystore password and is recorded in
//! the audit log with the SHA-256 fingerprint of the result. Before it signs, the ceremony
//! compares each part's fingerprint with the last one the verified log records, and refuses
//! a part changed behind its back (a look-alike label or an allowlist entry that anyone with
//! file access could add unnoticed) and a policy never accepted with `coldsign log attest`.

use std::path::{Path, PathBuf};

use bitcoin::hashes::{sha256, Hash, HashEngine};

use crate::audit::{Entry, Verified};
use crate::i18n::Text;
use crate::{addressbook, btc, erc7730, eth, Error, Result};

/// One part of the signer's trusted configuration, stored beside the keystore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Labelled destinations (`address add`/`remove`).
    AddressBook,
    /// Imported token lists (`address import-tokens`).
    Tokens,
    /// Registered wallets (`wallet import`, `device register`).
    Wallets,
    /// Installed ERC-7730 descriptors (`registry import`/`remove`).
    Descriptors,
}

/// The audit verdict of an accepted policy (its subject is the policy file's SHA-256).
pub const POLICY_ACCEPTED: &str = "policy-accepted";

impl Part {
    /// Every part, in the order they are checked and shown.
    pub const ALL: [Part; 4] = [
        Part::AddressBook,
        Part::Tokens,
        Part::Wallets,
        Part::Descriptors,
    ];

    /// Its name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Part::AddressBook => "address book",
            Part::Tokens => "imported tokens",
            Part::Wallets => "registered wallets",
            Part::Descriptors => "ERC-7730 descriptors",
        }
    }

    /// Its name in the operator's language (English: [`Part::name`]).
    pub fn said(self) -> Text {
        Text::new(match self {
            Part::AddressBook => "part-address-book",
            Part::Tokens => "part-tokens",
            Part::Wallets => "part-wallets",
            Part::Descriptors => "part-descriptors",
        })
    }

    /// The audit verdict that records a change of it (its subject is the new fingerprint).
    pub fn verdict(self) -> &'static str {
        match self {
            Part::AddressBook => "address-book-changed",
            Part::Tokens => "tokens-changed",
            Part::Wallets => "wallets-changed",
            Part::Descriptors => "descriptors-changed",
        }
    }

    /// Where it lives for the keystore at `keystore` (a file or a directory).
    pub fn path(self, keystore: &Path) -> PathBuf {
        let book = addressbook::path_for(keystore);
        match self {
            Part::AddressBook => book,
            Part::Tokens => eth::registry::imported_path(&book),
            Part::Wallets => btc::wallets::registry_dir(keystore),
            Part::Descriptors => erc7730::store::path_for(keystore),
        }
    }

    /// The SHA-256 of its contents: of the file, or of every file under the directory with
    /// its relative path. An absent part has the fingerprint of nothing ([`empty`]).
    pub fn fingerprint(self, keystore: &Path) -> Result<String> {
        let path = self.path(keystore);
        let mut engine = sha256::Hash::engine();
        if path.is_dir() {
            for (name, data) in files_under(&path)? {
                engine.input(&(name.len() as u64).to_le_bytes());
                engine.input(name.as_bytes());
                engine.input(&(data.len() as u64).to_le_bytes());
                engine.input(&data);
            }
        } else if path.exists() {
            engine.input(&crate::files::read_input(&path)?);
        }
        Ok(sha256::Hash::from_engine(engine).to_string())
    }
}

/// The fingerprint of an absent part (nothing to trust, nothing to record).
pub fn empty() -> String {
    sha256::Hash::hash(&[]).to_string()
}

/// Every regular file under `dir` as (path relative to `dir`, contents), sorted by path.
fn files_under(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current).map_err(|source| Error::File {
            action: "cannot read",
            path: current.clone(),
            source,
        })?;
        for entry in entries {
            let path = entry
                .map_err(|source| Error::File {
                    action: "cannot read",
                    path: current.clone(),
                    source,
                })?
                .path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .into_owned();
                found.push((name, crate::files::read_input(&path)?));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// A part whose fingerprint differs from the last one the audit log records.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unrecorded {
    /// Which part (its name).
    pub part: &'static str,
    /// Where it lives.
    pub path: PathBuf,
    /// Its fingerprint now.
    pub sha256: String,
    /// The last recorded fingerprint, if any.
    pub recorded: Option<String>,
}

impl Unrecorded {
    /// The part's name in the operator's language.
    pub fn part_said(&self) -> Text {
        Part::ALL
            .iter()
            .find(|p| p.name() == self.part)
            .map_or_else(|| Text::verbatim(self.part), |p| p.said())
    }
}

/// The parts whose current fingerprint the verified log does not hold as their latest
/// (an absent part needs no record).
pub fn unrecorded(keystore: &Path, log: &Verified) -> Result<Vec<(Part, Unrecorded)>> {
    let mut out = Vec::new();
    for part in Part::ALL {
        let sha256 = part.fingerprint(keystore)?;
        let recorded = log
            .entries
            .iter()
            .rev()
            .find(|e| e.event == "configuration" && e.verdict == part.verdict())
            .map(|e| e.request_sha256.clone());
        let matches = match &recorded {
            Some(r) => *r == sha256,
            None => sha256 == empty(),
        };
        if !matches {
            let path = part.path(keystore);
            out.push((
                part,
                Unrecorded {
                    part: part.name(),
                    path,
                    sha256,
                    recorded,
                },
            ));
        }
    }
    Ok(out)
}

/// Whether `entry` records the trusted configuration (all that [`unrecorded`], [`check`] and
/// [`policy_accepted`] read from the log).
pub fn is_configuration(entry: &Entry) -> bool {
    entry.event == "configuration"
}

/// Whether the policy file with SHA-256 `sha256` was accepted on this signer.
pub fn policy_accepted(log: &Verified, sha256: &str) -> bool {
    log.entries.iter().any(|e| {
        e.event == "configuration" && e.verdict == POLICY_ACCEPTED && e.request_sha256 == sha256
    })
}

/// Refuses a configuration the audit log does not vouch for: a part changed outside
/// coldsign, or a policy (`policy_sha256`) never accepted.
pub fn check(keystore: &Path, log: &Verified, policy: Option<(&Path, &str)>) -> Result<()> {
    if let Some((_, u)) = unrecorded(keystore, log)?.into_iter().next() {
        let part = u.part_said();
        let recorded = match &u.recorded {
            Some(sha256) => Text::verbatim(sha256),
            None => Text::new("error-part-never-recorded"),
        };
        return Err(Error::unverified(
            Text::new("error-part-changed")
                .text_arg("part", part)
                .arg("path", u.path.display())
                .arg("sha256", &u.sha256)
                .text_arg("recorded", recorded),
        ));
    }
    if let Some((path, sha256)) = policy {
        if !policy_accepted(log, sha256) {
            return Err(Error::unverified(
                Text::new("error-policy-never-accepted")
                    .arg("path", path.display())
                    .arg("sha256", sha256),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_fingerprint_covers_names_and_contents() {
        let dir = tempfile::tempdir().unwrap();
        let keystore = dir.path().join("keystore.json");
        assert_eq!(Part::Wallets.fingerprint(&keystore).unwrap(), empty());
        let wallets = Part::Wallets.path(&keystore);
        std::fs::create_dir_all(&wallets).unwrap();
        assert_eq!(Part::Wallets.fingerprint(&keystore).unwrap(), empty());
        std::fs::write(wallets.join("a.json"), b"{}").unwrap();
        let one = Part::Wallets.fingerprint(&keystore).unwrap();
        assert_ne!(one, empty());
        std::fs::rename(wallets.join("a.json"), wallets.join("b.json")).unwrap();
        assert_ne!(Part::Wallets.fingerprint(&keystore).unwrap(), one);
        std::fs::write(wallets.join("b.json"), b"{ }").unwrap();
        assert_ne!(Part::Wallets.fingerprint(&keystore).unwrap(), one);
    }
}

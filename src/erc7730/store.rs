//! The signer's installed descriptors: a directory beside the keystore holding each imported
//! descriptor (includes merged, so it stands alone) and an index of what was imported (its
//! hash over the original files, owner, source). Import shows coverage before anything is
//! stored; every stored file is checked against the index when the registry is loaded.

use std::path::{Path, PathBuf};

use alloy_primitives::{hex, Address, B256};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::descriptor::{Binding, Descriptor};
use super::registry::{Registry, Skipped, ERC20_INTERFACE};
use crate::files::{self, Replace};
use crate::i18n::width::{pad_end, width};
use crate::i18n::{Lang, Text};
use crate::{Error, Result};

/// The descriptor directory that belongs to the keystore at `keystore`.
pub fn path_for(keystore: &Path) -> PathBuf {
    keystore.parent().unwrap_or(Path::new(".")).join("erc7730")
}

/// What a descriptor covers, for review before import and for `list`/`show`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// "calldata", "eip712" or "token-interface".
    pub kind: &'static str,
    /// Chain id and address pairs it is bound to.
    pub deployments: Vec<(u64, Address)>,
    /// Functions (`0xselector signature`) or EIP-712 types (`encodeType`) it describes.
    pub formats: Vec<String>,
    /// EIP-712 domain members it requires.
    pub domain: Map<String, Value>,
}

/// One descriptor, summarised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// SHA-256 over the imported file and its includes.
    pub hash: B256,
    /// `metadata.owner`.
    pub owner: Option<String>,
    /// The file it was imported from.
    pub source: String,
    /// What it covers.
    pub coverage: Coverage,
}

impl Summary {
    /// Hash, owner, source and coverage as a person reads them (one item a line), for the
    /// review before import, `show` and the audit log.
    pub fn describe(&self) -> String {
        self.described(Lang::En)
    }

    /// The same in the operator's language, for the screen.
    pub fn localized(&self) -> String {
        self.described(crate::i18n::current())
    }

    fn described(&self, lang: Lang) -> String {
        let labels = [
            "report-registry-owner",
            "report-registry-source",
            "report-registry-kind",
            "report-registry-deployed",
            "report-registry-domain",
            "report-registry-describes",
        ];
        let columns = labels
            .iter()
            .map(|key| width(&Text::new(key).in_lang(lang)) + 1)
            .fold(10, usize::max);
        let line = |key: &'static str, value: String| {
            let label = pad_end(&format!("{} ", Text::new(key).in_lang(lang)), columns);
            format!("  {label}{value}\n")
        };
        let c = &self.coverage;
        let owner = match &self.owner {
            Some(owner) => owner.clone(),
            None => Text::new("report-registry-owner-none").in_lang(lang),
        };
        let heading = Text::new("report-registry-descriptor").arg("hash", self.hash);
        let mut s = format!("{}\n", heading.in_lang(lang));
        s.push_str(&line("report-registry-owner", owner));
        s.push_str(&line(
            "report-registry-source",
            super::format::sanitize(&self.source),
        ));
        s.push_str(&line("report-registry-kind", c.kind.to_string()));
        for (chain, address) in &c.deployments {
            let deployed = Text::new("report-registry-deployed-chain")
                .arg("chain", chain)
                .arg("address", address.to_checksum(None));
            s.push_str(&line("report-registry-deployed", deployed.in_lang(lang)));
        }
        if c.kind == "token-interface" {
            let every = Text::new("report-registry-deployed-every-token").in_lang(lang);
            s.push_str(&line("report-registry-deployed", every));
        }
        for (key, value) in &c.domain {
            s.push_str(&line("report-registry-domain", format!("{key} = {value}")));
        }
        for format in &c.formats {
            s.push_str(&line(
                "report-registry-describes",
                super::format::sanitize(format),
            ));
        }
        s
    }
}

/// The summary of a loaded descriptor.
pub fn summarize(d: &Descriptor) -> Summary {
    let (kind, deployments, domain) = match &d.binding {
        Binding::Contract(list) => ("calldata", list.clone(), Map::new()),
        Binding::KnownTokens => ("token-interface", Vec::new(), Map::new()),
        Binding::Messages {
            deployments,
            domain,
            domain_separator,
        } => {
            let mut domain = domain.clone();
            if let Some(s) = domain_separator {
                domain.insert("domainSeparator".into(), Value::String(s.to_string()));
            }
            ("eip712", deployments.clone(), domain)
        }
    };
    let formats = if d.calls.is_empty() {
        d.formats().keys().cloned().collect()
    } else {
        d.calls
            .iter()
            .map(|c| format!("{} {}", c.function.selector(), c.key))
            .collect()
    };
    Summary {
        hash: d.hash,
        owner: d.owner().map(super::format::sanitize),
        source: d.source.display().to_string(),
        coverage: Coverage {
            kind,
            deployments: deployments
                .iter()
                .map(|x| (x.chain_id, x.address))
                .collect(),
            formats,
            domain,
        },
    }
}

/// An index entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    /// Import hash (hex).
    hash: String,
    /// SHA-256 of the stored file (hex).
    stored: String,
    /// Whether it is the ERC-20 token interface.
    token_interface: bool,
    /// The file it was imported from.
    source: String,
}

/// The index file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Index {
    version: u32,
    descriptors: Vec<Entry>,
}

/// Descriptors read for import: the usable ones and the files that are not.
pub struct Candidates {
    /// Descriptors, each with its summary to show before accepting.
    pub descriptors: Vec<(Descriptor, Summary)>,
    /// Files that are not descriptors of their own, with the reason.
    pub skipped: Vec<Skipped>,
}

/// Reads `path` for import: a directory (every descriptor under it, includes confined to
/// it) or one file (includes confined to its directory).
pub fn read_candidates(path: &Path) -> Result<Candidates> {
    let (descriptors, skipped) = if path.is_dir() {
        let (registry, skipped) = Registry::load_dir(path).map_err(Error::bad_input)?;
        (registry.descriptors().to_vec(), skipped)
    } else {
        let root = path.parent().unwrap_or(Path::new("."));
        let root = if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root
        };
        let d = if path.ends_with(ERC20_INTERFACE) {
            Descriptor::token_interface_from_file(path, root)
        } else {
            Descriptor::from_file(path, root)
        }
        .map_err(|e| Error::bad_input(format!("{}: {e}", path.display())))?;
        (vec![d], Vec::new())
    };
    Ok(Candidates {
        descriptors: descriptors
            .into_iter()
            .map(|d| {
                let s = summarize(&d);
                (d, s)
            })
            .collect(),
        skipped,
    })
}

/// The installed descriptors of one signer.
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// The store in `dir` (created on the first import).
    pub fn open(dir: &Path) -> Store {
        Store { dir: dir.into() }
    }

    /// The directory the store lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn index_path(&self) -> PathBuf {
        self.dir.join("index.json")
    }

    fn file_of(&self, hash: &str) -> PathBuf {
        self.dir.join(format!("{hash}.json"))
    }

    fn index(&self) -> Result<Index> {
        let path = self.index_path();
        if !path.exists() {
            return Ok(Index {
                version: 1,
                descriptors: Vec::new(),
            });
        }
        let index: Index = serde_json::from_slice(&files::read_input(&path)?).map_err(|e| {
            Error::bad_input(format!(
                "descriptor index {} is damaged: {e}",
                path.display()
            ))
        })?;
        if index.version != 1 {
            return Err(Error::bad_input(format!(
                "descriptor index {} has unknown version {}",
                path.display(),
                index.version
            )));
        }
        Ok(index)
    }

    fn save_index(&self, index: &Index) -> Result<()> {
        let json = serde_json::to_vec_pretty(index).map_err(|e| Error::Internal(e.to_string()))?;
        files::write_atomic(&self.index_path(), &json, 0o600, Replace::Allowed)
    }

    /// Stores `descriptors` (already reviewed); returns the summaries of those newly
    /// installed (one already installed is left as it is).
    pub fn add(&self, descriptors: &[Descriptor]) -> Result<Vec<Summary>> {
        files::ensure_parent_dir(&self.index_path())?;
        let mut index = self.index()?;
        let mut added = Vec::new();
        for d in descriptors {
            let hash = hex::encode(d.hash);
            if index.descriptors.iter().any(|e| e.hash == hash) {
                continue;
            }
            let json =
                serde_json::to_vec_pretty(&d.doc).map_err(|e| Error::Internal(e.to_string()))?;
            files::write_atomic(&self.file_of(&hash), &json, 0o600, Replace::Allowed)?;
            index.descriptors.push(Entry {
                hash,
                stored: hex::encode(Sha256::digest(&json)),
                token_interface: d.binding == Binding::KnownTokens,
                source: d.source.display().to_string(),
            });
            added.push(summarize(d));
        }
        self.save_index(&index)?;
        Ok(added)
    }

    /// Loads every installed descriptor, checking each stored file against the index.
    fn load(&self) -> Result<Vec<Descriptor>> {
        self.index()?
            .descriptors
            .iter()
            .map(|e| {
                let path = self.file_of(&e.hash);
                let bytes = files::read_input(&path)?;
                if hex::encode(Sha256::digest(&bytes)) != e.stored {
                    return Err(Error::unverified(
                        Text::new("error-descriptor-changed").arg("path", path.display()),
                    ));
                }
                let parsed = if e.token_interface {
                    Descriptor::token_interface_from_bytes(&bytes)
                } else {
                    Descriptor::from_bytes(&bytes)
                };
                let mut d =
                    parsed.map_err(|m| Error::bad_input(format!("{}: {m}", path.display())))?;
                d.hash = e
                    .hash
                    .parse()
                    .map_err(|_| Error::bad_input(format!("bad hash {} in the index", e.hash)))?;
                d.source = PathBuf::from(&e.source);
                Ok(d)
            })
            .collect()
    }

    /// The installed descriptors as a registry.
    pub fn registry(&self) -> Result<Registry> {
        let mut registry = Registry::new();
        for d in self.load()? {
            registry.add(d);
        }
        Ok(registry)
    }

    /// Summaries of the installed descriptors.
    pub fn list(&self) -> Result<Vec<Summary>> {
        Ok(self.load()?.iter().map(summarize).collect())
    }

    /// The installed descriptor whose hash starts with `prefix` (at least 8 hex digits).
    pub fn show(&self, prefix: &str) -> Result<Summary> {
        let hash = self.resolve(prefix)?;
        self.list()?
            .into_iter()
            .find(|s| hex::encode(s.hash) == hash)
            .ok_or_else(|| Error::Internal("indexed descriptor vanished".into()))
    }

    /// Uninstalls the descriptor whose hash starts with `prefix`; returns its summary.
    pub fn remove(&self, prefix: &str) -> Result<Summary> {
        let summary = self.show(prefix)?;
        let hash = hex::encode(summary.hash);
        let mut index = self.index()?;
        index.descriptors.retain(|e| e.hash != hash);
        self.save_index(&index)?;
        std::fs::remove_file(self.file_of(&hash)).map_err(|source| Error::File {
            action: "cannot remove",
            path: self.file_of(&hash),
            source,
        })?;
        Ok(summary)
    }

    fn resolve(&self, prefix: &str) -> Result<String> {
        let prefix = prefix.trim().trim_start_matches("0x").to_ascii_lowercase();
        if prefix.len() < 8 || !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::usage(
                format!("{prefix:?} is not a descriptor hash"),
                "give at least 8 hex digits of a hash from `coldsign registry list`",
            ));
        }
        let found: Vec<String> = self
            .index()?
            .descriptors
            .into_iter()
            .map(|e| e.hash)
            .filter(|h| h.starts_with(&prefix))
            .collect();
        match found.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(Error::bad_input(format!(
                "no installed descriptor has a hash starting with {prefix}"
            ))),
            _ => Err(Error::usage(
                format!(
                    "{} installed descriptors have hashes starting with {prefix}",
                    found.len()
                ),
                "give more digits of the hash",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/erc7730")
    }

    #[test]
    fn import_list_show_remove() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("erc7730"));
        let candidates = read_candidates(&fixtures()).unwrap();
        assert_eq!(candidates.descriptors.len(), 3);
        let usdc = candidates
            .descriptors
            .iter()
            .find(|(_, s)| s.owner.as_deref() == Some("Circle") && s.coverage.kind == "calldata")
            .unwrap();
        assert!(usdc
            .1
            .coverage
            .formats
            .contains(&"0xa9059cbb transfer(address to,uint256 value)".to_string()));
        assert_eq!(usdc.1.coverage.deployments[0].0, 1);
        let all: Vec<Descriptor> = candidates
            .descriptors
            .iter()
            .map(|(d, _)| d.clone())
            .collect();
        assert_eq!(store.add(&all).unwrap().len(), 3);
        // Importing again installs nothing new.
        assert!(store.add(&all).unwrap().is_empty());
        assert_eq!(store.list().unwrap().len(), 3);
        let hash = hex::encode(usdc.1.hash);
        assert_eq!(store.show(&hash[..8]).unwrap().hash, usdc.1.hash);
        // The stored descriptor renders like the imported one and keeps its import hash.
        let registry = store.registry().unwrap();
        assert!(registry.descriptors().iter().any(|d| d.hash == usdc.1.hash));
        assert!(store.show("abc").is_err());
        store.remove(&hash).unwrap();
        assert_eq!(store.list().unwrap().len(), 2);
        assert!(store.show(&hash).is_err());
    }

    #[test]
    fn a_stored_descriptor_changed_after_import_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path());
        let file = fixtures().join("calldata-usdc.json");
        let candidates = read_candidates(&file).unwrap();
        let added = store.add(&[candidates.descriptors[0].0.clone()]).unwrap();
        let stored = dir
            .path()
            .join(format!("{}.json", hex::encode(added[0].hash)));
        let text = std::fs::read_to_string(&stored)
            .unwrap()
            .replace("Circle", "Circle!");
        std::fs::write(&stored, text).unwrap();
        let err = store.registry().err().unwrap();
        assert!(matches!(err, Error::Verification { .. }), "{err}");
    }
}

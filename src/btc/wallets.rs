//! Wallets registered on the signer (multisig and miniscript policies) and the formats they are
//! imported from: output descriptors, BIP388 wallet policies and Coldcard multisig text files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use bitcoin::bip32::{DerivationPath, Fingerprint};
use bitcoin::NetworkKind;
use miniscript::descriptor::{Descriptor, DescriptorMultiXKey, DescriptorPublicKey, Wildcard};
use miniscript::ForEachKey;
use serde::{Deserialize, Serialize};

use crate::files::{self, Replace};
use crate::i18n::Text;
use crate::keys::accounts::display_path;
use crate::keys::material::HdKeys;
use crate::keys::slip132;
use crate::{Error, Result};

/// A registered wallet: a name and a descriptor with `/<0;1>/*` key paths.
#[derive(Debug, Clone)]
pub struct Wallet {
    /// The name given at import.
    pub name: String,
    /// The policy, with receive and change branches.
    pub descriptor: Descriptor<DescriptorPublicKey>,
    /// Ledger registrations: device master fingerprint -> the HMAC (hex) the Bitcoin app
    /// returned when the policy was registered (needed to sign or show addresses).
    pub ledger_hmacs: BTreeMap<String, String>,
}

/// One key of a wallet, for out-of-band comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Cosigner {
    /// Master fingerprint from the key origin.
    pub fingerprint: String,
    /// Origin path.
    pub path: String,
    /// The extended public key.
    pub xpub: String,
    /// Whether this is the signer's own key (verified by derivation).
    pub ours: bool,
}

#[derive(Serialize, Deserialize)]
struct StoredWallet {
    name: String,
    descriptor: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    ledger_hmacs: BTreeMap<String, String>,
}

impl Wallet {
    /// Reads a wallet file: named `name` if given, else by the name inside the file, else by
    /// the file's stem (`treasury.txt` → `treasury`).
    pub fn parse_file(name: Option<&str>, text: &str, path: &std::path::Path) -> Result<Self> {
        match Self::parse(name, text) {
            Err(Error::Usage { message, .. }) if message == NEEDS_NAME => {
                let stem = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .filter(|s| *s != "-")
                    .ok_or_else(|| Error::usage(NEEDS_NAME, "pass --name NAME"))?;
                Self::parse(Some(stem), text)
            }
            other => other,
        }
    }

    /// Parses any supported format: a descriptor, a BIP388 policy (JSON), a Caravan wallet
    /// (JSON) or a Coldcard multisig file.
    pub fn parse(name: Option<&str>, text: &str) -> Result<Self> {
        let trimmed = text.trim();
        let (parsed_name, descriptor) =
            if trimmed.starts_with('{') && trimmed.contains("\"quorum\"") {
                let value = serde_json::from_str(trimmed)
                    .map_err(|e| Error::bad_input(format!("invalid Caravan wallet: {e}")))?;
                super::multisig::caravan_descriptor(&value)?
            } else if trimmed.starts_with('{') {
                parse_bip388(trimmed)?
            } else if trimmed
                .lines()
                .any(|l| l.trim_start().to_lowercase().starts_with("policy:"))
            {
                parse_coldcard(trimmed)?
            } else {
                (None, parse_descriptor(trimmed)?)
            };
        let name = name
            .map(str::to_string)
            .or(parsed_name)
            .ok_or_else(|| Error::usage(NEEDS_NAME, "pass --name NAME"))?;
        check_name(&name)?;
        Ok(Wallet {
            name,
            descriptor,
            ledger_hmacs: BTreeMap::new(),
        })
    }

    /// Every key with its origin; `ours` is set when `hd` derives the same xpub at the origin.
    pub fn cosigners(&self, hd: &HdKeys) -> Vec<Cosigner> {
        let mut out = Vec::new();
        self.descriptor.for_each_key(|key| {
            if let DescriptorPublicKey::MultiXPub(x) = key {
                let (fingerprint, path) = origin(x);
                let ours = fingerprint == hd.fingerprint()
                    && hd.xpub(&path, x.xkey.network).public_key == x.xkey.public_key;
                out.push(Cosigner {
                    fingerprint: fingerprint.to_string(),
                    path: display_path(&path),
                    xpub: x.xkey.to_string(),
                    ours,
                });
            }
            true
        });
        out
    }

    /// Refuses a wallet that does not contain the signer's key, or whose entry for our
    /// fingerprint carries a different xpub (a swapped key, or another passphrase).
    pub fn check_contains(&self, hd: &HdKeys) -> Result<Vec<Cosigner>> {
        let cosigners = self.cosigners(hd);
        let fp = hd.fingerprint().to_string();
        if cosigners.iter().any(|c| c.ours) {
            return Ok(cosigners);
        }
        if cosigners.iter().any(|c| c.fingerprint == fp) {
            return Err(Error::said(
                Text::new("error-wallet-other-xpub")
                    .arg("wallet", format!("{:?}", self.name))
                    .arg("fingerprint", &fp),
                Some(Text::new("hint-wallet-other-xpub")),
            ));
        }
        Err(Error::said(
            Text::new("error-wallet-not-ours")
                .arg("wallet", format!("{:?}", self.name))
                .arg("fingerprint", fp),
            Some(Text::new("hint-wallet-not-ours")),
        ))
    }

    /// The registry file of this wallet inside `dir`.
    fn file(dir: &Path, name: &str) -> PathBuf {
        dir.join(format!("{name}.json"))
    }

    /// Stores the wallet in the registry directory `dir`.
    pub fn save(&self, dir: &Path, replace: Replace) -> Result<PathBuf> {
        let path = Self::file(dir, &self.name);
        files::ensure_parent_dir(&path)?;
        let stored = StoredWallet {
            name: self.name.clone(),
            descriptor: self.descriptor.to_string(),
            ledger_hmacs: self.ledger_hmacs.clone(),
        };
        let json =
            serde_json::to_vec_pretty(&stored).map_err(|e| Error::Internal(e.to_string()))?;
        files::write_atomic(&path, &json, 0o600, replace)?;
        Ok(path)
    }

    /// The wallet registered in `dir` under `name`; an unknown name is a usage error with
    /// `hint`.
    pub fn named(dir: &Path, name: &str, hint: Text) -> Result<Wallet> {
        Wallet::load_all(dir)?
            .into_iter()
            .find(|w| w.name == name)
            .ok_or_else(|| {
                Error::said(
                    Text::new("error-wallet-unknown").arg("wallet", format!("{name:?}")),
                    Some(hint),
                )
            })
    }

    /// Loads every wallet in the registry directory `dir` (none when it does not exist).
    pub fn load_all(dir: &Path) -> Result<Vec<Wallet>> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Ok(Vec::new());
        };
        let mut wallets = BTreeMap::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let data = files::read_input(&path)?;
            let stored: StoredWallet = serde_json::from_slice(&data).map_err(|e| {
                Error::bad_input(format!("wallet file {} is damaged: {e}", path.display()))
            })?;
            let descriptor = parse_descriptor(&stored.descriptor)?;
            wallets.insert(
                stored.name.clone(),
                Wallet {
                    name: stored.name,
                    descriptor,
                    ledger_hmacs: stored.ledger_hmacs,
                },
            );
        }
        Ok(wallets.into_values().collect())
    }
}

/// The receive and change descriptors of a `<0;1>` descriptor.
pub fn branches(
    descriptor: &Descriptor<DescriptorPublicKey>,
) -> Result<[Descriptor<DescriptorPublicKey>; 2]> {
    let singles = if descriptor.is_multipath() {
        descriptor
            .clone()
            .into_single_descriptors()
            .map_err(|e| Error::bad_input(format!("invalid multipath descriptor: {e}")))?
    } else {
        Vec::new()
    };
    singles.try_into().map_err(|_| {
        Error::bad_input("the descriptor needs exactly two branches, receive and change (<0;1>)")
    })
}

/// The registry directory for wallets registered with the keystore at `keystore`.
pub fn registry_dir(keystore: &Path) -> PathBuf {
    keystore.parent().unwrap_or(Path::new(".")).join("wallets")
}

/// Accepts names of letters, digits, '-', '_' and '.' (at most 64, not starting with '.').
/// The error when neither `--name` nor the file names a wallet.
const NEEDS_NAME: &str = "the wallet needs a name";

pub(crate) fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && !name.starts_with('.');
    if ok {
        Ok(())
    } else {
        Err(Error::said(
            Text::new("error-wallet-invalid-name").arg("name", format!("{name:?}")),
            Some(Text::new("hint-wallet-invalid-name")),
        ))
    }
}

pub(crate) fn origin(
    x: &DescriptorMultiXKey<bitcoin::bip32::Xpub>,
) -> (Fingerprint, DerivationPath) {
    x.origin
        .clone()
        .unwrap_or_else(|| (x.xkey.fingerprint(), DerivationPath::master()))
}

/// Parses a descriptor whose extended keys all carry origins and `/<0;1>/*` paths (fixed
/// single keys are allowed too).
pub fn parse_descriptor(text: &str) -> Result<Descriptor<DescriptorPublicKey>> {
    let descriptor = Descriptor::<DescriptorPublicKey>::from_str(text.trim())
        .map_err(|e| Error::bad_input(format!("invalid descriptor: {e}")))?;
    let mut problem = None;
    descriptor.for_each_key(|key| {
        match key {
            DescriptorPublicKey::MultiXPub(x)
                if x.origin.is_some()
                    && x.wildcard == Wildcard::Unhardened
                    && x.derivation_paths.paths().len() == 2
                    && x.derivation_paths
                        .paths()
                        .iter()
                        .enumerate()
                        .all(|(i, p)| p.len() == 1 && u32::from(p[0]) == i as u32) => {}
            // A fixed key, such as BIP341's unspendable NUMS point as a taproot internal key.
            DescriptorPublicKey::Single(_) => {}
            _ => problem = Some(key.to_string()),
        }
        problem.is_none()
    });
    if let Some(key) = problem {
        return Err(Error::said(
            Text::new("error-wallet-key-form").arg("key", key),
            Some(Text::new("hint-wallet-key-form")),
        ));
    }
    Ok(descriptor)
}

#[derive(Deserialize)]
struct Bip388 {
    name: Option<String>,
    descriptor_template: String,
    keys_info: Vec<String>,
}

/// BIP388: `{"name", "descriptor_template": "wsh(sortedmulti(2,@0/**,@1/**))", "keys_info": […]}`.
fn parse_bip388(json: &str) -> Result<(Option<String>, Descriptor<DescriptorPublicKey>)> {
    let policy: Bip388 = serde_json::from_str(json)
        .map_err(|e| Error::bad_input(format!("invalid BIP388 wallet policy: {e}")))?;
    let mut text = policy.descriptor_template.clone();
    // Replace from the highest index down so @1 does not clobber @10.
    for (i, key) in policy.keys_info.iter().enumerate().rev() {
        let key = normalise_key(key)?;
        text = text.replace(&format!("@{i}/**"), &format!("{key}/<0;1>/*"));
        text = text.replace(&format!("@{i}/<0;1>/*"), &format!("{key}/<0;1>/*"));
    }
    if text.contains('@') {
        return Err(Error::bad_input(
            "BIP388 policy refers to a key that keys_info does not list",
        ));
    }
    Ok((policy.name, parse_descriptor(&text)?))
}

/// A `[fingerprint/path]xpub` with any SLIP-132 xpub turned into a plain xpub/tpub.
pub(crate) fn normalise_key(key: &str) -> Result<String> {
    let (origin, xpub) = match key.rfind(']') {
        Some(i) => (&key[..=i], &key[i + 1..]),
        None => ("", key),
    };
    let (xpub, _) = slip132::decode(xpub.trim())?;
    Ok(format!("{origin}{xpub}"))
}

/// Coldcard's multisig text file (`Name:`, `Policy: M of N`, `Derivation:`, `Format:`,
/// `FINGERPRINT: xpub` lines; `#` comments).
fn parse_coldcard(text: &str) -> Result<(Option<String>, Descriptor<DescriptorPublicKey>)> {
    let mut name = None;
    let mut threshold = None;
    let mut format = "P2SH".to_string();
    let mut derivation: Option<String> = None;
    let mut keys = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((label, value)) = line.split_once(':') else {
            return Err(Error::bad_input(format!(
                "coldcard file line {}: expected 'label: value'",
                number + 1
            )));
        };
        let value = value.trim();
        match label.trim().to_lowercase().as_str() {
            "name" => name = Some(value.to_string()),
            "policy" => {
                let (m, _) = value.split_once(" of ").ok_or_else(|| {
                    Error::bad_input(format!(
                        "coldcard file line {}: policy must read 'M of N'",
                        number + 1
                    ))
                })?;
                threshold = Some(m.trim().parse::<usize>().map_err(|_| {
                    Error::bad_input(format!("coldcard file line {}: bad threshold", number + 1))
                })?);
            }
            "derivation" => derivation = Some(value.replace('h', "'")),
            "format" => format = value.to_uppercase(),
            fp if fp.len() == 8 && fp.chars().all(|c| c.is_ascii_hexdigit()) => {
                let path = derivation.clone().ok_or_else(|| {
                    Error::bad_input(format!(
                        "coldcard file line {}: key before any 'Derivation:' line",
                        number + 1
                    ))
                })?;
                let path = path.trim_start_matches('m').trim_start_matches('/');
                keys.push(normalise_key(&format!(
                    "[{}/{path}]{value}",
                    fp.to_lowercase()
                ))?);
            }
            other => {
                return Err(Error::bad_input(format!(
                    "coldcard file line {}: unknown label {other:?}",
                    number + 1
                )))
            }
        }
    }
    let m =
        threshold.ok_or_else(|| Error::bad_input("coldcard file has no 'Policy: M of N' line"))?;
    let inner = format!(
        "sortedmulti({m},{})",
        keys.iter()
            .map(|k| format!("{k}/<0;1>/*"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let descriptor = match format.as_str() {
        "P2WSH" => format!("wsh({inner})"),
        "P2SH-P2WSH" | "P2WSH-P2SH" => format!("sh(wsh({inner}))"),
        "P2SH" => format!("sh({inner})"),
        other => {
            return Err(Error::bad_input(format!(
                "coldcard file: unsupported format {other}"
            )))
        }
    };
    Ok((name, parse_descriptor(&descriptor)?))
}

/// The network kind the wallet's xpubs are encoded for.
pub fn network_kind(descriptor: &Descriptor<DescriptorPublicKey>) -> Option<NetworkKind> {
    let mut kind = None;
    descriptor.for_each_key(|k| {
        if let DescriptorPublicKey::MultiXPub(x) = k {
            kind = Some(x.xkey.network);
        }
        true
    });
    kind
}

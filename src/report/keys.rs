//! What the `key` commands report: a keystore created, shown, re-encrypted or exported.

use std::path::Path;

use serde::{Serialize, Serializer};

use super::Report;
use crate::i18n::Text;
use crate::keys::keystore::Keystore;
use crate::keys::material::KeyMaterial;
use crate::keys::mnemonic::SecretMnemonic;
use crate::keys::watch_only::WatchOnly;

/// A keystore written by `key new`, `key restore` or `key import-v3`.
#[derive(Serialize)]
pub struct Created<'a> {
    /// Where the keystore was written.
    pub keystore: &'a Path,
    /// Its label.
    pub label: &'a str,
    /// `bip39` or `private-key`.
    pub kind: &'a str,
    /// Master fingerprint (BIP39 keystores).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<&'a str>,
    /// Ethereum address (single-key keystores).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<&'a str>,
    /// Only `key new --json`: the one-time display of the words.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "reveal_words"
    )]
    pub mnemonic: Option<&'a SecretMnemonic>,
}

/// The single place a mnemonic is serialized: the one-time display of `key new --json`.
fn reveal_words<S: Serializer>(
    m: &Option<&SecretMnemonic>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match m {
        Some(m) => s.serialize_str(&m.expose_phrase()),
        None => s.serialize_none(),
    }
}

impl<'a> Created<'a> {
    /// The report of `keystore` written at `path`, without the words.
    pub fn new(path: &'a Path, keystore: &'a Keystore) -> Self {
        let header = keystore.header();
        Created {
            keystore: path,
            label: &header.label,
            kind: &header.kind,
            fingerprint: header.fingerprint.as_deref(),
            address: header.address.as_deref(),
            mnemonic: None,
        }
    }

    /// [`Created::new`] showing the words of `material` once (`key new --json`).
    pub fn revealing(path: &'a Path, keystore: &'a Keystore, material: &'a KeyMaterial) -> Self {
        let mut report = Self::new(path, keystore);
        if let KeyMaterial::Bip39 { mnemonic, .. } = material {
            report.mnemonic = Some(mnemonic);
        }
        report
    }
}

impl Report for Created<'_> {
    fn human(&self) -> String {
        let id = self
            .fingerprint
            .map(|f| Text::new("report-id-fingerprint").arg("fingerprint", f))
            .or(self
                .address
                .map(|a| Text::new("report-id-address").arg("address", a)));
        let line = Text::new("report-keystore-written")
            .arg("path", self.keystore.display())
            .arg("label", format!("{:?}", self.label));
        let line = match id {
            Some(id) => line.text_arg("id", id),
            None => line.arg("id", ""),
        };
        format!("{}\n", line.localized())
    }
}

/// `key show`: the keystore's header and what its keys derive (no secret).
#[derive(Serialize)]
pub struct Shown<'a> {
    /// The keystore file.
    pub keystore: &'a Path,
    /// Its label.
    pub label: &'a str,
    /// When it was created.
    pub created: &'a str,
    /// `bip39` or `private-key`.
    pub kind: &'a str,
    /// Fingerprint, xpubs, descriptors and addresses.
    #[serde(flatten)]
    pub view: WatchOnly,
}

impl<'a> Shown<'a> {
    /// The report of `keystore` at `path` deriving `view`.
    pub fn new(path: &'a Path, keystore: &'a Keystore, view: WatchOnly) -> Self {
        let header = keystore.header();
        Shown {
            keystore: path,
            label: &header.label,
            created: &header.created,
            kind: &header.kind,
            view,
        }
    }
}

impl Report for Shown<'_> {
    fn human(&self) -> String {
        let mut out = format!(
            "keystore     {} ({:?}, created {})\n",
            self.keystore.display(),
            self.label,
            self.created
        );
        if let Some(fp) = &self.view.fingerprint {
            out.push_str(&format!(
                "fingerprint  {fp}\nnetwork      {}\n",
                self.view.network
            ));
        }
        for a in &self.view.bitcoin {
            out.push_str(&format!("\n{} {}  {}\n", a.script, a.path, a.xpub));
            if let Some(s) = &a.slip132 {
                out.push_str(&format!("  slip-132       {s}\n"));
            }
            match &a.descriptor {
                Some(d) => out.push_str(&format!("  descriptor     {d}\n")),
                None => out.push_str(&format!("  cosigner key   {}\n", a.key)),
            }
            if let (Some(r), Some(c)) = (&a.first_receive, &a.first_change) {
                out.push_str(&format!("  first receive  {r}\n  first change   {c}\n"));
            }
        }
        if !self.view.ethereum.is_empty() {
            out.push_str("\nethereum\n");
            for e in &self.view.ethereum {
                out.push_str(&format!(
                    "  {}  {}\n",
                    e.address,
                    e.path.as_deref().unwrap_or("(imported key)")
                ));
            }
        }
        out
    }
}

/// `key passwd`: the keystore's password was changed.
#[derive(Serialize)]
pub struct Changed<'a> {
    /// The keystore file.
    pub keystore: &'a Path,
    /// Always true.
    pub password_changed: bool,
}

impl Report for Changed<'_> {
    fn human(&self) -> String {
        let line = Text::new("report-password-changed").arg("path", self.keystore.display());
        format!("{}\n", line.localized())
    }
}

/// `key export-v3`: an Ethereum key written as a keystore v3 file.
#[derive(Serialize)]
pub struct ExportedV3<'a> {
    /// The v3 file.
    pub file: &'a Path,
    /// The key's checksummed address.
    pub address: String,
    /// Its derivation path, when derived.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Report for ExportedV3<'_> {
    fn human(&self) -> String {
        let line = match &self.path {
            Some(path) => Text::new("report-v3-written-path").arg("derivation", path),
            None => Text::new("report-v3-written"),
        };
        let line = line
            .arg("path", self.file.display())
            .arg("address", &self.address);
        format!("{}\n", line.localized())
    }
}

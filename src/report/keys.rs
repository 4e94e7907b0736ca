//! What the `key` commands report: a keystore created, shown, re-encrypted or exported.

use std::path::Path;

use serde::{Serialize, Serializer};

use super::Report;
use crate::i18n::{t, Text};
use crate::keys::keystore::Keystore;
use crate::keys::material::KeyMaterial;
use crate::keys::mnemonic::SecretMnemonic;
use crate::keys::watch_only::WatchOnly;
use crate::review::render::{column, label_columns};

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

/// The labels of `key show`'s keystore lines.
const TOP_LABELS: [&str; 3] = [
    "report-show-keystore",
    "report-show-fingerprint",
    "report-show-network",
];

/// The labels of an account's lines.
const ACCOUNT_LABELS: [&str; 5] = [
    "report-show-slip132",
    "report-show-descriptor",
    "report-show-cosigner-key",
    "report-show-first-receive",
    "report-show-first-change",
];

impl Report for Shown<'_> {
    fn human(&self) -> String {
        let top = label_columns(&TOP_LABELS, 13);
        let inner = label_columns(&ACCOUNT_LABELS, 15);
        let keystore = Text::new("report-show-keystore-value")
            .arg("path", self.keystore.display())
            .arg("label", format!("{:?}", self.label))
            .arg("created", self.created);
        let mut out = format!(
            "{}{}\n",
            column("report-show-keystore", top),
            keystore.localized()
        );
        if let Some(fp) = &self.view.fingerprint {
            out.push_str(&format!(
                "{}{fp}\n{}{}\n",
                column("report-show-fingerprint", top),
                column("report-show-network", top),
                self.view.network
            ));
        }
        let line =
            |key, value: &dyn std::fmt::Display| format!("  {}{value}\n", column(key, inner));
        for a in &self.view.bitcoin {
            out.push_str(&format!("\n{} {}  {}\n", a.script, a.path, a.xpub));
            if let Some(s) = &a.slip132 {
                out.push_str(&line("report-show-slip132", s));
            }
            match &a.descriptor {
                Some(d) => out.push_str(&line("report-show-descriptor", d)),
                None => out.push_str(&line("report-show-cosigner-key", &a.key)),
            }
            if let (Some(r), Some(c)) = (&a.first_receive, &a.first_change) {
                out.push_str(&line("report-show-first-receive", r));
                out.push_str(&line("report-show-first-change", c));
            }
        }
        if !self.view.ethereum.is_empty() {
            out.push_str(&format!("\n{}\n", t("report-show-ethereum")));
            for e in &self.view.ethereum {
                let path = e
                    .path
                    .clone()
                    .unwrap_or_else(|| t("report-show-imported-key"));
                out.push_str(&format!("  {}  {path}\n", e.address));
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

//! The watch-only view of a keystore: everything an online machine may know.

use bitcoin::secp256k1::Secp256k1;
use bitcoin::Network;
use serde::Serialize;

use super::accounts::{self, Account};
use super::ethereum::{self, EthAccount, EthLayout};
use super::material::KeyMaterial;
use crate::i18n::Text;
use crate::{Error, Result};

/// What to include in a watch-only view.
#[derive(Debug, Clone, Copy)]
pub struct WatchOnlyOptions {
    /// Bitcoin network the keys are encoded for.
    pub network: Network,
    /// BIP44-style account number.
    pub account: u32,
    /// Add SLIP-132 forms (ypub, zpub, Zpub).
    pub slip132: bool,
    /// How many Ethereum addresses to list.
    pub eth_count: u32,
    /// Ethereum path layout.
    pub eth_layout: EthLayout,
}

impl WatchOnlyOptions {
    /// Account `account` on `network`, with SLIP-132 forms when `slip132`, and `eth_count`
    /// Ethereum addresses in Ledger Live's layout when `ledger_live`, else BIP44.
    pub fn new(
        network: Network,
        account: u32,
        slip132: bool,
        eth_count: u32,
        ledger_live: bool,
    ) -> Self {
        WatchOnlyOptions {
            network,
            account,
            slip132,
            eth_count,
            eth_layout: EthLayout::chosen(ledger_live),
        }
    }
}

/// Public keys, descriptors and addresses of a keystore. Contains no secret.
#[derive(Debug, Clone, Serialize)]
pub struct WatchOnly {
    /// Master key fingerprint (none for a single imported key).
    pub fingerprint: Option<String>,
    /// Bitcoin network.
    pub network: String,
    /// Bitcoin accounts.
    pub bitcoin: Vec<Account>,
    /// Ethereum path layout of `ethereum`.
    pub ethereum_layout: EthLayout,
    /// Ethereum accounts.
    pub ethereum: Vec<EthAccount>,
    /// The audit-log public key (x-only, hex), to verify the signer's audit log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_key: Option<String>,
}

impl WatchOnly {
    /// Derives the watch-only view of `material`.
    pub fn derive(material: &KeyMaterial, options: &WatchOnlyOptions) -> Self {
        let hd = material.hd();
        let audit_key = Some(
            crate::audit::AuditSigner::from_material(material)
                .public()
                .to_string(),
        );
        let (fingerprint, bitcoin, ethereum) = match (hd, material) {
            (Some(hd), _) => (
                Some(hd.fingerprint().to_string()),
                accounts::standard_accounts(&hd, options.network, options.account, options.slip132),
                ethereum::accounts(&hd, options.eth_layout, options.eth_count),
            ),
            (None, KeyMaterial::PrivateKey(key)) => {
                let address = ethereum::address_of_private(&Secp256k1::signing_only(), key);
                (
                    None,
                    Vec::new(),
                    vec![EthAccount {
                        path: None,
                        address: address.to_checksum(None),
                    }],
                )
            }
            (None, KeyMaterial::Bip39 { .. }) => {
                unreachable!("mnemonic material always has an HD tree")
            }
        };
        WatchOnly {
            fingerprint,
            network: options.network.to_string(),
            bitcoin,
            ethereum_layout: options.eth_layout,
            ethereum,
            audit_key,
        }
    }

    /// The output descriptors, one per line (what Bitcoin Core, Sparrow and bdk import).
    pub fn descriptor_lines(&self) -> Vec<&str> {
        self.bitcoin
            .iter()
            .filter_map(|a| a.descriptor.as_deref())
            .collect()
    }

    /// The export written by `key export --watch-only`: pretty JSON when `json`, else
    /// [`WatchOnly::to_text`].
    pub fn export(&self, json: bool) -> Result<String> {
        if json {
            let text =
                serde_json::to_string_pretty(self).map_err(|e| Error::Internal(e.to_string()))?;
            return Ok(text + "\n");
        }
        Ok(self.to_text())
    }

    /// The plain-text export: one descriptor per line, everything else as `#` comments.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{TEXT_HEADER}{}, network {}\n",
            self.fingerprint.as_deref().unwrap_or("none"),
            self.network
        );
        if let Some(key) = &self.audit_key {
            out.push_str(&format!("{AUDIT_KEY_LINE}{key}\n"));
        }
        for line in self.descriptor_lines() {
            out.push_str(line);
            out.push('\n');
        }
        for a in &self.bitcoin {
            if a.descriptor.is_none() {
                out.push_str(&format!("# {} {}: {}\n", a.script, a.path, a.key));
            }
            if let Some(s) = &a.slip132 {
                out.push_str(&format!("# {} slip-132: {s}\n", a.path));
            }
        }
        for e in &self.ethereum {
            out.push_str(&format!(
                "# ethereum {} {}\n",
                e.path.as_deref().unwrap_or("imported"),
                e.address
            ));
        }
        out
    }
}

/// The first line of a text export, up to its fingerprint.
const TEXT_HEADER: &str = "# coldsign watch-only export, fingerprint ";
/// The comment line of a text export that carries the audit-log public key.
const AUDIT_KEY_LINE: &str = "# audit key ";

/// What a plain-text export (`WatchOnly::to_text`) declares.
#[derive(Debug, PartialEq, Eq)]
pub struct TextExport<'a> {
    /// The master fingerprint as written ("none" for an imported private key).
    pub fingerprint: &'a str,
    /// The descriptor lines.
    pub descriptors: Vec<&'a str>,
    /// The audit-log public key (x-only hex), when the export carries one.
    pub audit_key: Option<&'a str>,
}

impl<'a> TextExport<'a> {
    /// Reads a text export; `None` when `text` is not one, an error when it is ambiguous
    /// (two audit keys).
    pub fn parse(text: &'a str) -> Result<Option<Self>> {
        let mut lines = text.lines();
        let Some(rest) = lines.next().and_then(|l| l.strip_prefix(TEXT_HEADER)) else {
            return Ok(None);
        };
        let fingerprint = rest.split(',').next().unwrap_or_default().trim();
        let mut descriptors = Vec::new();
        let mut audit_key = None;
        for line in lines.map(str::trim) {
            if let Some(key) = line.strip_prefix(AUDIT_KEY_LINE) {
                if audit_key.replace(key.trim()).is_some() {
                    return Err(Error::said(Text::new("error-audit-two-keys"), None));
                }
            } else if !line.is_empty() && !line.starts_with('#') {
                descriptors.push(line);
            }
        }
        Ok(Some(TextExport {
            fingerprint,
            descriptors,
            audit_key,
        }))
    }
}

//! Multisig setup: cosigner keys from the files people actually exchange, and the wallet in
//! every format signers and coordinators read (descriptor, BIP388 wallet policy, Coldcard
//! multisig text file, Caravan JSON).

use std::str::FromStr;

use bitcoin::bip32::{DerivationPath, Fingerprint, Xpub};
use bitcoin::{Network, NetworkKind};
use miniscript::descriptor::{Descriptor, DescriptorPublicKey};
use serde_json::{json, Value};

use super::wallets::parse_descriptor;
use crate::i18n::Text;
use crate::keys::accounts::{display_path, key_expression, path_string};
use crate::keys::slip132;
use crate::{Error, Result};

/// BIP341's provably unspendable point, the internal key of taproot multisig wallets so only
/// the script path (the threshold) can spend.
pub const NUMS: &str = "50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0";

/// The script type of a multisig wallet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MultisigType {
    /// Native segwit P2WSH with `sortedmulti`.
    Wsh,
    /// P2WSH nested in P2SH with `sortedmulti`.
    ShWsh,
    /// Taproot with an unspendable internal key and `multi_a` (keys in the given order).
    Tr,
}

/// One cosigner's account key with its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CosignerKey {
    /// Master fingerprint.
    pub fingerprint: Fingerprint,
    /// Account path.
    pub path: DerivationPath,
    /// Account xpub (standard version bytes).
    pub xpub: Xpub,
}

impl CosignerKey {
    /// `[fingerprint/path]xpub`.
    pub fn expression(&self) -> String {
        key_expression(self.fingerprint, &self.path, &self.xpub)
    }
}

/// Reads each cosigner key: `sources` are files (read whole) or inline key text; an error
/// names the key by its 1-based position.
pub fn read_key_sources(sources: &[String], kind: MultisigType) -> Result<Vec<CosignerKey>> {
    sources
        .iter()
        .enumerate()
        .map(|(i, source)| {
            let path = std::path::Path::new(source);
            let text = if path.is_file() {
                crate::files::read_text(path)?
            } else {
                source.clone()
            };
            parse_key_source(&text, kind)
                .map_err(|e| Error::bad_input(format!("key {}: {}", i + 1, e)))
        })
        .collect()
}

/// Reads a cosigner key from any supported source text: coldsign's watch-only export (JSON or
/// text: its BIP48 key), a Coldcard xpub export (JSON with `xfp`, `p2wsh`, `p2wsh_deriv`…), a
/// Keystone export (JSON with `ExtPubKey`, `MasterFingerprint`, `AccountKeyPath`), a descriptor
/// (its first key), or a `[fingerprint/path]xpub` expression (SLIP-132 forms accepted).
pub fn parse_key_source(text: &str, kind: MultisigType) -> Result<CosignerKey> {
    let text = text.trim();
    if text.starts_with('{') {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            Error::said(
                Text::new("error-cosigner-invalid-key-file").arg("why", e),
                None,
            )
        })?;
        return key_from_json(&value, kind);
    }
    let line = text
        .lines()
        .find(|l| l.contains("multisig key"))
        .or_else(|| {
            text.lines()
                .find(|l| l.contains('[') && !l.trim_start().starts_with('#'))
        })
        .unwrap_or(text);
    let start = line.find('[').ok_or_else(|| {
        Error::said(
            Text::new("error-cosigner-no-origin"),
            Some(Text::new("hint-cosigner-no-origin")),
        )
    })?;
    let rest = &line[start..];
    let end = rest[1..]
        .find(|c: char| !c.is_ascii_alphanumeric() && !"[]/'h".contains(c))
        .map(|i| i + 1)
        .unwrap_or(rest.len());
    parse_expression(&rest[..end])
}

fn parse_expression(expr: &str) -> Result<CosignerKey> {
    let close = expr.find(']').ok_or_else(|| {
        Error::said(
            Text::new("error-cosigner-key-no-origin").arg("key", format!("{expr:?}")),
            None,
        )
    })?;
    let origin = &expr[1..close];
    let (fp, path) = origin.split_once('/').unwrap_or((origin, ""));
    let fingerprint = Fingerprint::from_str(fp).map_err(|_| {
        Error::said(
            Text::new("error-cosigner-bad-fingerprint").arg("fingerprint", format!("{fp:?}")),
            None,
        )
    })?;
    let path = DerivationPath::from_str(
        &format!("m/{path}")
            .replace("m/m", "m")
            .trim_end_matches('/')
            .replace('h', "'"),
    )
    .map_err(|e| {
        Error::said(
            Text::new("error-cosigner-bad-origin-path")
                .arg("path", format!("{path:?}"))
                .arg("why", e),
            None,
        )
    })?;
    let (xpub, _) = slip132::decode(&expr[close + 1..])?;
    Ok(CosignerKey {
        fingerprint,
        path,
        xpub,
    })
}

fn key_from_json(v: &Value, kind: MultisigType) -> Result<CosignerKey> {
    // coldsign's watch-only export.
    if let Some(accounts) = v.get("bitcoin").and_then(Value::as_array) {
        let key = accounts
            .iter()
            .find(|a| a["standard"] == "bip48")
            .and_then(|a| a["key"].as_str())
            .ok_or_else(|| Error::said(Text::new("error-cosigner-export-no-bip48"), None))?;
        return parse_expression(key);
    }
    // Keystone.
    if let (Some(x), Some(fp), Some(path)) = (
        v.get("ExtPubKey"),
        v.get("MasterFingerprint"),
        v.get("AccountKeyPath"),
    ) {
        let (fp, path, x) = (
            fp.as_str().unwrap_or(""),
            path.as_str().unwrap_or(""),
            x.as_str().unwrap_or(""),
        );
        return parse_expression(&format!(
            "[{}/{}]{x}",
            fp.to_lowercase(),
            path.trim_start_matches("m/")
        ));
    }
    // Coldcard.
    if let Some(xfp) = v.get("xfp").and_then(Value::as_str) {
        let names: &[&str] = match kind {
            MultisigType::Wsh | MultisigType::Tr => &["p2wsh"],
            MultisigType::ShWsh => &["p2sh_p2wsh", "p2wsh_p2sh"],
        };
        for name in names {
            if let (Some(x), Some(path)) = (
                v.get(*name).and_then(Value::as_str),
                v.get(format!("{name}_deriv")).and_then(Value::as_str),
            ) {
                return parse_expression(&format!(
                    "[{}/{}]{x}",
                    xfp.to_lowercase(),
                    path.trim_start_matches("m/")
                ));
            }
        }
        return Err(Error::said(
            Text::new("error-cosigner-coldcard-no-key").arg("name", names[0]),
            None,
        ));
    }
    Err(Error::said(
        Text::new("error-cosigner-unrecognised-file"),
        None,
    ))
}

/// An M-of-N wallet being set up.
#[derive(Debug, Clone)]
pub struct MultisigSetup {
    /// Wallet name.
    pub name: String,
    /// Signatures required.
    pub threshold: usize,
    /// Script type.
    pub kind: MultisigType,
    /// Cosigner keys, in the order given.
    pub keys: Vec<CosignerKey>,
    /// Network (for Caravan and key encodings).
    pub network: Network,
}

impl MultisigSetup {
    /// Checks the threshold and that keys are distinct and of one network.
    pub fn new(
        name: &str,
        threshold: usize,
        kind: MultisigType,
        keys: Vec<CosignerKey>,
        network: Network,
    ) -> Result<Self> {
        if keys.len() < 2 || threshold == 0 || threshold > keys.len() || keys.len() > 20 {
            return Err(Error::said(
                Text::new("error-multisig-impossible")
                    .arg("threshold", threshold)
                    .arg("keys", keys.len()),
                Some(Text::new("hint-multisig-impossible")),
            ));
        }
        for (i, k) in keys.iter().enumerate() {
            if keys[..i]
                .iter()
                .any(|o| o.xpub.public_key == k.xpub.public_key)
            {
                return Err(Error::said(
                    Text::new("error-multisig-key-twice").arg("key", i + 1),
                    None,
                ));
            }
            if k.xpub.network != NetworkKind::from(network) {
                return Err(Error::said(
                    Text::new("error-multisig-key-network")
                        .arg("key", i + 1)
                        .arg("network", network),
                    None,
                ));
            }
        }
        Ok(MultisigSetup {
            name: name.to_string(),
            threshold,
            kind,
            keys,
            network,
        })
    }

    /// The output descriptor with `/<0;1>/*` keys and its checksum.
    pub fn descriptor(&self) -> Descriptor<DescriptorPublicKey> {
        let keys: Vec<String> = self
            .keys
            .iter()
            .map(|k| format!("{}/<0;1>/*", k.expression()))
            .collect();
        let text = match self.kind {
            MultisigType::Wsh => format!("wsh(sortedmulti({},{}))", self.threshold, keys.join(",")),
            MultisigType::ShWsh => format!(
                "sh(wsh(sortedmulti({},{})))",
                self.threshold,
                keys.join(",")
            ),
            MultisigType::Tr => {
                format!("tr({NUMS},multi_a({},{}))", self.threshold, keys.join(","))
            }
        };
        parse_descriptor(&text).expect("a multisig built from valid keys parses")
    }

    /// The BIP388 wallet policy (none for taproot: BIP388 has no fixed internal keys).
    pub fn bip388(&self) -> Option<Value> {
        let slots: Vec<String> = (0..self.keys.len()).map(|i| format!("@{i}/**")).collect();
        let template = match self.kind {
            MultisigType::Wsh => {
                format!("wsh(sortedmulti({},{}))", self.threshold, slots.join(","))
            }
            MultisigType::ShWsh => format!(
                "sh(wsh(sortedmulti({},{})))",
                self.threshold,
                slots.join(",")
            ),
            MultisigType::Tr => return None,
        };
        Some(json!({
            "name": self.name,
            "descriptor_template": template,
            "keys_info": self.keys.iter().map(CosignerKey::expression).collect::<Vec<_>>(),
        }))
    }

    /// The Coldcard multisig setup file (none for taproot).
    pub fn coldcard(&self) -> Option<String> {
        let format = match self.kind {
            MultisigType::Wsh => "P2WSH",
            MultisigType::ShWsh => "P2SH-P2WSH",
            MultisigType::Tr => return None,
        };
        let mut out = format!(
            "# Coldcard multisig setup file (written by coldsign)\nName: {}\nPolicy: {} of {}\nFormat: {format}\n",
            self.name,
            self.threshold,
            self.keys.len()
        );
        for k in &self.keys {
            out.push_str(&format!(
                "\nDerivation: {}\n{}: {}\n",
                display_path(&k.path),
                k.fingerprint.to_string().to_uppercase(),
                k.xpub
            ));
        }
        Some(out)
    }

    /// Caravan's wallet configuration (none for taproot, which Caravan does not support).
    pub fn caravan(&self) -> Option<Value> {
        let address_type = match self.kind {
            MultisigType::Wsh => "P2WSH",
            MultisigType::ShWsh => "P2SH-P2WSH",
            MultisigType::Tr => return None,
        };
        let network = match self.network {
            Network::Bitcoin => "mainnet",
            Network::Regtest => "regtest",
            _ => "testnet",
        };
        Some(json!({
            "name": self.name,
            "addressType": address_type,
            "network": network,
            "client": {"type": "public"},
            "quorum": {"requiredSigners": self.threshold, "totalSigners": self.keys.len()},
            "extendedPublicKeys": self.keys.iter().enumerate().map(|(i, k)| json!({
                "name": format!("key {}", i + 1),
                "bip32Path": display_path(&k.path),
                "xpub": k.xpub.to_string(),
                "xfp": k.fingerprint.to_string(),
                "method": "text",
            })).collect::<Vec<_>>(),
            "startingAddressIndex": 0,
        }))
    }

    /// Every format as files to write: (file name, contents), named after the wallet
    /// (`NAME.descriptor`, `NAME.bip388.json`, `NAME.coldcard.txt`, `NAME.caravan.json`).
    pub fn files(&self) -> Vec<(String, String)> {
        let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default() + "\n";
        let mut files = vec![(
            format!("{}.descriptor", self.name),
            self.descriptor().to_string() + "\n",
        )];
        files.extend(
            self.bip388()
                .map(|b| (format!("{}.bip388.json", self.name), pretty(&b))),
        );
        files.extend(
            self.coldcard()
                .map(|c| (format!("{}.coldcard.txt", self.name), c)),
        );
        files.extend(
            self.caravan()
                .map(|c| (format!("{}.caravan.json", self.name), pretty(&c))),
        );
        files
    }
}

/// Reads a Caravan wallet configuration as a descriptor.
pub fn caravan_descriptor(v: &Value) -> Result<(Option<String>, Descriptor<DescriptorPublicKey>)> {
    let bad = |what: &str| Error::bad_input(format!("invalid Caravan wallet: {what}"));
    let m = v["quorum"]["requiredSigners"]
        .as_u64()
        .ok_or_else(|| bad("no quorum.requiredSigners"))?;
    let keys = v["extendedPublicKeys"]
        .as_array()
        .ok_or_else(|| bad("no extendedPublicKeys"))?;
    let mut exprs = Vec::new();
    for k in keys {
        let (path, xpub, xfp) = (
            k["bip32Path"].as_str(),
            k["xpub"].as_str(),
            k["xfp"].as_str(),
        );
        let (Some(path), Some(xpub), Some(xfp)) = (path, xpub, xfp) else {
            return Err(bad("a key lacks bip32Path, xpub or xfp"));
        };
        let path = DerivationPath::from_str(path).map_err(|_| bad("bad bip32Path"))?;
        exprs.push(format!(
            "[{}/{}]{}/<0;1>/*",
            xfp.to_lowercase(),
            path_string(&path),
            slip132::decode(xpub)?.0
        ));
    }
    let inner = format!("sortedmulti({m},{})", exprs.join(","));
    let text = match v["addressType"].as_str() {
        Some("P2WSH") => format!("wsh({inner})"),
        Some("P2SH-P2WSH") => format!("sh(wsh({inner}))"),
        Some("P2SH") => format!("sh({inner})"),
        other => return Err(bad(&format!("unsupported addressType {other:?}"))),
    };
    Ok((
        v["name"].as_str().map(str::to_string),
        parse_descriptor(&text)?,
    ))
}

//! Ethereum accounts from the same seed: addresses and derivation-path layouts.

use std::str::FromStr;

use alloy_primitives::Address;
use bitcoin::bip32::DerivationPath;
use bitcoin::secp256k1::{PublicKey, Secp256k1, Signing};
use serde::Serialize;

use super::material::{HdKeys, KeyMaterial};
use super::secret::PrivateKey;
use crate::i18n::Text;
use crate::{Error, Result};

/// How account indexes map to derivation paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EthLayout {
    /// m/44'/60'/0'/0/i (MetaMask, Trezor, geth/cast `--mnemonic-index`).
    Bip44,
    /// m/44'/60'/i'/0/0 (Ledger Live).
    LedgerLive,
}

impl EthLayout {
    /// Ledger Live's layout when `ledger_live`, else BIP44.
    pub fn chosen(ledger_live: bool) -> Self {
        if ledger_live {
            EthLayout::LedgerLive
        } else {
            EthLayout::Bip44
        }
    }

    /// The path of account `index`.
    pub fn path(self, index: u32) -> DerivationPath {
        let text = match self {
            EthLayout::Bip44 => format!("m/44'/60'/0'/0/{index}"),
            EthLayout::LedgerLive => format!("m/44'/60'/{index}'/0/0"),
        };
        DerivationPath::from_str(&text).expect("valid path template")
    }
}

/// One Ethereum account: path and EIP-55 checksummed address.
#[derive(Debug, Clone, Serialize)]
pub struct EthAccount {
    /// Derivation path, or none for an imported single key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The checksummed address.
    pub address: String,
}

/// The address of a public key: the last 20 bytes of keccak256 of the uncompressed point.
pub fn address_of(public_key: &PublicKey) -> Address {
    Address::from_raw_public_key(&public_key.serialize_uncompressed()[1..])
}

/// The address of a private key.
pub fn address_of_private<C: Signing>(secp: &Secp256k1<C>, key: &PrivateKey) -> Address {
    address_of(&key.expose_secret().public_key(secp))
}

/// The first `count` accounts of `layout`.
pub fn accounts(hd: &HdKeys, layout: EthLayout, count: u32) -> Vec<EthAccount> {
    (0..count)
        .map(|i| {
            let path = layout.path(i);
            let key = hd.private_key(&path);
            EthAccount {
                path: Some(super::accounts::display_path(&path)),
                address: address_of_private(hd.secp(), &key).to_checksum(None),
            }
        })
        .collect()
}

/// The private key of one Ethereum account of `material` and its path (none for a keystore
/// of one imported key): at `path` when given, else account `index` of `layout`.
pub fn account_key(
    material: &KeyMaterial,
    path: Option<&str>,
    layout: EthLayout,
    index: u32,
) -> Result<(PrivateKey, Option<String>)> {
    match (material, material.hd()) {
        (KeyMaterial::PrivateKey(_), _) if path.is_some() => {
            Err(Error::said(Text::new("error-single-key-path"), None))
        }
        (KeyMaterial::PrivateKey(key), _) => Ok((PrivateKey::new(*key.expose_secret()), None)),
        (_, Some(hd)) => {
            let path = match path {
                Some(p) => DerivationPath::from_str(p).map_err(|e| {
                    let message = Text::new("error-derivation-path")
                        .arg("path", format!("{p:?}"))
                        .arg("reason", e);
                    Error::said(message, Some(Text::new("hint-derivation-path-eth")))
                })?,
                None => layout.path(index),
            };
            Ok((
                hd.private_key(&path),
                Some(super::accounts::display_path(&path)),
            ))
        }
        (KeyMaterial::Bip39 { .. }, None) => Err(Error::Internal(
            "mnemonic material without an HD tree".into(),
        )),
    }
}

//! Which key signs: the path the request names, checked against the address it states; when
//! they disagree (or no path is given) the first accounts of both path layouts are searched.

use alloy_primitives::Address;
use bitcoin::bip32::DerivationPath;

use super::KeyHint;
use crate::keys::accounts::display_path;
use crate::keys::ethereum::{address_of_private, EthLayout};
use crate::keys::material::{HdKeys, KeyMaterial};
use crate::keys::secret::PrivateKey;

/// How many account indexes of each layout are searched for a stated address.
pub const SEARCH: u32 = 50;

/// The key that will sign.
pub struct SigningKey {
    /// The private key.
    pub key: PrivateKey,
    /// Its address.
    pub address: Address,
    /// Its path (none for a single-key keystore).
    pub path: Option<String>,
    /// Set when the path was found by searching rather than taken from the request.
    pub found_by_search: bool,
}

/// Finds the signing key in `material`. `chosen` (from `--path`) overrides the request's path.
pub fn resolve(
    material: &KeyMaterial,
    hint: &KeyHint,
    stated: Option<Address>,
    chosen: Option<&DerivationPath>,
) -> Result<SigningKey, String> {
    let hd = match (material.hd(), material) {
        (Some(hd), _) => hd,
        (None, KeyMaterial::PrivateKey(key)) => return single(key, stated),
        (None, KeyMaterial::Bip39 { .. }) => unreachable!("mnemonic material has an HD tree"),
    };
    if let Some(fp) = hint.fingerprint {
        if fp != hd.fingerprint() && chosen.is_none() {
            return Err(format!(
                "the request is for the wallet with fingerprint {fp}, this keystore is {}",
                hd.fingerprint()
            ));
        }
    }
    let default = EthLayout::Bip44.path(0);
    let path = chosen.or(hint.path.as_ref());
    let first = at(&hd, path.unwrap_or(&default));
    match stated {
        Some(a) if a != first.address && chosen.is_none() => search(&hd, a),
        _ => Ok(first),
    }
}

fn at(hd: &HdKeys, path: &DerivationPath) -> SigningKey {
    let key = hd.private_key(path);
    SigningKey {
        address: address_of_private(hd.secp(), &key),
        key,
        path: Some(display_path(path)),
        found_by_search: false,
    }
}

fn search(hd: &HdKeys, wanted: Address) -> Result<SigningKey, String> {
    for index in 0..SEARCH {
        for layout in [EthLayout::Bip44, EthLayout::LedgerLive] {
            let candidate = at(hd, &layout.path(index));
            if candidate.address == wanted {
                return Ok(SigningKey {
                    found_by_search: true,
                    ..candidate
                });
            }
        }
    }
    Err(format!(
        "{} is not among the first {SEARCH} accounts of this keystore (m/44'/60'/0'/0/i and m/44'/60'/i'/0/0)",
        wanted.to_checksum(None)
    ))
}

fn single(key: &PrivateKey, stated: Option<Address>) -> Result<SigningKey, String> {
    let secp = bitcoin::secp256k1::Secp256k1::signing_only();
    let address = address_of_private(&secp, key);
    if let Some(a) = stated.filter(|a| *a != address) {
        return Err(format!(
            "the request is for {}, this keystore holds the key of {}",
            a.to_checksum(None),
            address.to_checksum(None)
        ));
    }
    Ok(SigningKey {
        key: PrivateKey::from_slice(&key.expose_secret().secret_bytes()).expect("valid key"),
        address,
        path: None,
        found_by_search: false,
    })
}

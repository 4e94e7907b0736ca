//! Ethereum keystore v3 (Web3 Secret Storage), as written by geth, cast and MetaMask:
//! scrypt or PBKDF2-HMAC-SHA256, AES-128-CTR, and a keccak256 MAC.
//!
//! Written here rather than taken from a crate: the maintained crates only read and write
//! through their own file naming, with no atomic 0600 write and no bound on hostile KDF costs.

use aes::cipher::{KeyIvInit, StreamCipher};
use alloy_primitives::keccak256;
use bitcoin::hex::{DisplayHex, FromHex};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use zeroize::Zeroizing;

use super::ethereum::address_of_private;
use super::keystore::KdfCost;
use super::random_bytes;
use super::secret::PrivateKey;
use crate::error::{ExitCode, Said};
use crate::i18n::Text;

type Aes128Ctr = ctr::Ctr128BE<aes::Aes128>;

/// The largest scrypt N accepted from a file (memory 128·r·N stays bounded).
const MAX_SCRYPT_MEMORY: u64 = 1 << 30;
/// The largest PBKDF2 iteration count accepted from a file.
const MAX_PBKDF2_ROUNDS: u32 = 10_000_000;

/// Why a keystore v3 file could not be read or unlocked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum V3Error {
    /// Not a v3 JSON document, or a field is malformed.
    #[error("not a valid keystore v3 file: {0}")]
    Malformed(String),
    /// A KDF, cipher or PRF this implementation does not know, or an unsafe cost.
    #[error("unsupported keystore v3 file: {0}")]
    Unsupported(String),
    /// The MAC did not match.
    #[error("wrong password for the keystore v3 file")]
    WrongPassword,
    /// The `address` field does not belong to the decrypted key.
    #[error("keystore v3 address {stated} does not match its key (which is {actual})")]
    AddressMismatch {
        /// What the file says.
        stated: String,
        /// What the key derives.
        actual: String,
    },
}

impl V3Error {
    pub(crate) fn exit_code(&self) -> ExitCode {
        match self {
            V3Error::WrongPassword => ExitCode::WrongPassword,
            V3Error::AddressMismatch { .. } => ExitCode::Verification,
            _ => ExitCode::BadInput,
        }
    }

    /// The message and hint as catalog texts.
    pub(crate) fn said(&self) -> Said {
        match self {
            V3Error::Malformed(reason) => {
                Said::new(Text::new("error-v3-malformed").arg("reason", reason), None)
            }
            V3Error::Unsupported(reason) => Said::new(
                Text::new("error-v3-unsupported").arg("reason", reason),
                None,
            ),
            V3Error::WrongPassword => Said::new(
                Text::new("error-v3-wrong-password"),
                Some(Text::new("hint-v3-wrong-password")),
            ),
            V3Error::AddressMismatch { stated, actual } => Said::new(
                Text::new("error-v3-address-mismatch")
                    .arg("stated", stated)
                    .arg("actual", actual),
                None,
            ),
        }
    }

    pub(crate) fn hint(&self) -> Option<String> {
        match self {
            V3Error::WrongPassword => Some("give the password the file was created with".into()),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct V3File {
    version: u32,
    #[serde(alias = "Crypto")]
    crypto: Crypto,
    address: Option<String>,
}

#[derive(Deserialize, Serialize)]
struct Crypto {
    cipher: String,
    cipherparams: CipherParams,
    ciphertext: String,
    kdf: String,
    kdfparams: Value,
    mac: String,
}

#[derive(Deserialize, Serialize)]
struct CipherParams {
    iv: String,
}

#[derive(Deserialize)]
struct ScryptParams {
    dklen: usize,
    n: u64,
    r: u32,
    p: u32,
    salt: String,
}

#[derive(Deserialize)]
struct Pbkdf2Params {
    c: u32,
    dklen: usize,
    prf: String,
    salt: String,
}

fn malformed(what: &str) -> V3Error {
    V3Error::Malformed(what.into())
}

/// Decrypts a keystore v3 document.
pub fn decrypt(json: &[u8], password: &SecretString) -> Result<PrivateKey, V3Error> {
    let file: V3File =
        serde_json::from_slice(json).map_err(|e| V3Error::Malformed(e.to_string()))?;
    if file.version != 3 {
        return Err(V3Error::Unsupported(format!("version {}", file.version)));
    }
    let crypto = &file.crypto;
    if crypto.cipher != "aes-128-ctr" {
        return Err(V3Error::Unsupported(format!("cipher {}", crypto.cipher)));
    }
    let derived = derive(&crypto.kdf, &crypto.kdfparams, password)?;
    let ciphertext =
        Vec::from_hex(&crypto.ciphertext).map_err(|_| malformed("ciphertext is not hex"))?;
    let mac =
        <[u8; 32]>::from_hex(&crypto.mac).map_err(|_| malformed("mac is not 32 hex bytes"))?;
    if mac_of(&derived, &ciphertext) != mac {
        return Err(V3Error::WrongPassword);
    }
    let iv = <[u8; 16]>::from_hex(&crypto.cipherparams.iv)
        .map_err(|_| malformed("iv is not 16 hex bytes"))?;
    if ciphertext.len() > 32 {
        return Err(malformed("ciphertext longer than a private key"));
    }
    // Shorter keys (leading zero bytes dropped by some writers) are left-padded.
    let mut plain = Zeroizing::new([0u8; 32]);
    let offset = 32 - ciphertext.len();
    plain[offset..].copy_from_slice(&ciphertext);
    Aes128Ctr::new(derived[..16].into(), &iv.into()).apply_keystream(&mut plain[offset..]);
    let key = PrivateKey::from_slice(plain.as_ref())
        .map_err(|_| malformed("decrypted key is out of range"))?;
    if let Some(stated) = &file.address {
        let actual = address_of_private(&bitcoin::secp256k1::Secp256k1::signing_only(), &key);
        let stated_clean = stated.trim_start_matches("0x").to_lowercase();
        if stated_clean != actual.as_slice().to_lower_hex_string() {
            return Err(V3Error::AddressMismatch {
                stated: stated.clone(),
                actual: actual.to_checksum(None),
            });
        }
    }
    Ok(key)
}

/// Encrypts `key` as a keystore v3 document with scrypt (N = 2^log_n, r = 8, p = 1).
pub fn encrypt(key: &PrivateKey, password: &SecretString, cost: KdfCost) -> Vec<u8> {
    let salt = random_bytes::<32>();
    let iv = random_bytes::<16>();
    let kdfparams = json!({"dklen": 32, "n": 1u64 << cost.log_n(), "p": 1, "r": 8, "salt": salt.to_lower_hex_string()});
    let derived = derive("scrypt", &kdfparams, password).expect("parameters built here are valid");
    let mut data = Zeroizing::new(key.expose_secret().secret_bytes());
    Aes128Ctr::new(derived[..16].into(), &iv.into()).apply_keystream(data.as_mut());
    let ciphertext = data.to_vec();
    let address = address_of_private(&bitcoin::secp256k1::Secp256k1::signing_only(), key);
    let document = json!({
        "address": address.as_slice().to_lower_hex_string(),
        "crypto": Crypto {
            cipher: "aes-128-ctr".into(),
            cipherparams: CipherParams { iv: iv.to_lower_hex_string() },
            ciphertext: ciphertext.to_lower_hex_string(),
            kdf: "scrypt".into(),
            kdfparams,
            mac: mac_of(&derived, &ciphertext).to_lower_hex_string(),
        },
        "id": uuid_v4(),
        "version": 3,
    });
    let mut out = serde_json::to_vec(&document).expect("json values serialize");
    out.push(b'\n');
    out
}

fn derive(
    kdf: &str,
    params: &Value,
    password: &SecretString,
) -> Result<Zeroizing<Vec<u8>>, V3Error> {
    let pw = password.expose_secret().as_bytes();
    match kdf {
        "scrypt" => {
            let p: ScryptParams = serde_json::from_value(params.clone())
                .map_err(|e| V3Error::Malformed(e.to_string()))?;
            check_dklen(p.dklen)?;
            if !p.n.is_power_of_two() || p.n < 2 {
                return Err(malformed("scrypt n is not a power of two"));
            }
            if p.n.saturating_mul(128).saturating_mul(p.r.into()) > MAX_SCRYPT_MEMORY || p.p > 16 {
                return Err(V3Error::Unsupported(format!(
                    "scrypt cost too high (n {}, r {}, p {})",
                    p.n, p.r, p.p
                )));
            }
            let salt = Vec::from_hex(&p.salt).map_err(|_| malformed("salt is not hex"))?;
            let params = scrypt::Params::new(p.n.trailing_zeros() as u8, p.r, p.p)
                .map_err(|e| V3Error::Unsupported(e.to_string()))?;
            let mut out = Zeroizing::new(vec![0u8; p.dklen]);
            scrypt::scrypt(pw, &salt, &params, &mut out)
                .map_err(|e| V3Error::Unsupported(e.to_string()))?;
            Ok(out)
        }
        "pbkdf2" => {
            let p: Pbkdf2Params = serde_json::from_value(params.clone())
                .map_err(|e| V3Error::Malformed(e.to_string()))?;
            check_dklen(p.dklen)?;
            if p.prf != "hmac-sha256" {
                return Err(V3Error::Unsupported(format!("pbkdf2 prf {}", p.prf)));
            }
            if p.c == 0 || p.c > MAX_PBKDF2_ROUNDS {
                return Err(V3Error::Unsupported(format!(
                    "pbkdf2 iteration count {}",
                    p.c
                )));
            }
            let salt = Vec::from_hex(&p.salt).map_err(|_| malformed("salt is not hex"))?;
            let mut out = Zeroizing::new(vec![0u8; p.dklen]);
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(pw, &salt, p.c, &mut out);
            Ok(out)
        }
        other => Err(V3Error::Unsupported(format!("kdf {other}"))),
    }
}

fn check_dklen(dklen: usize) -> Result<(), V3Error> {
    if dklen == 32 {
        Ok(())
    } else {
        Err(V3Error::Unsupported(format!("dklen {dklen} (expected 32)")))
    }
}

fn mac_of(derived: &[u8], ciphertext: &[u8]) -> [u8; 32] {
    let mut input = Zeroizing::new(Vec::with_capacity(16 + ciphertext.len()));
    input.extend_from_slice(&derived[16..32]);
    input.extend_from_slice(ciphertext);
    keccak256(&input[..]).0
}

/// A random (version 4) UUID, as geth writes in the `id` field.
fn uuid_v4() -> String {
    let mut b = random_bytes::<16>();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = b.to_lower_hex_string();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// An Ethereum account key of `material` exported as a keystore v3 document.
pub struct ExportedAccount {
    /// The v3 JSON document.
    pub document: Vec<u8>,
    /// The key's checksummed address.
    pub address: String,
    /// Its derivation path, when derived.
    pub path: Option<String>,
}

/// Exports the key at `path` (or account `index` in `layout`) of `material`, encrypted under
/// the password `password` gives once the key is found, at scrypt `cost`.
pub fn export_account(
    material: &super::material::KeyMaterial,
    path: Option<&str>,
    layout: super::ethereum::EthLayout,
    index: u32,
    cost: KdfCost,
    password: impl FnOnce() -> crate::Result<SecretString>,
) -> crate::Result<ExportedAccount> {
    let (key, path) = super::ethereum::account_key(material, path, layout, index)?;
    let document = encrypt(&key, &password()?, cost);
    let address =
        address_of_private(&bitcoin::secp256k1::Secp256k1::signing_only(), &key).to_checksum(None);
    Ok(ExportedAccount {
        document,
        address,
        path,
    })
}

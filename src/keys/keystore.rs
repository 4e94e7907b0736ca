//! coldsign's encrypted keystore file (format documented in docs/keystore.md).
//!
//! A JSON document with a header readable without the password (label, kind, fingerprint,
//! creation time), scrypt parameters, and the secret sealed with XChaCha20-Poly1305. The header
//! and KDF parameters are authenticated as associated data, so editing them breaks decryption.

use std::path::{Path, PathBuf};

use bitcoin::hex::{DisplayHex, FromHex};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::ethereum;
use super::material::KeyMaterial;
use super::mnemonic::{SecretMnemonic, WordList};
use super::random_bytes;
use super::secret::PrivateKey;
use crate::error::{ExitCode, Said};
use crate::files::{self, Replace};
use crate::i18n::Text;
use crate::{Error, Result};

const FORMAT: &str = "coldsign-keystore";
const VERSION: u32 = 1;
const CIPHER: &str = "xchacha20poly1305";
const KIND_BIP39: u8 = 1;
const KIND_PRIVATE_KEY: u8 = 2;

/// scrypt cost as log2(N), with r = 8 and p = 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfCost(u8);

impl KdfCost {
    /// The default: N = 2^18 (256 MiB of memory, about a second on a 2-core machine; the same
    /// N as geth's standard keystore).
    pub const DEFAULT: KdfCost = KdfCost(18);
    /// The lowest cost accepted for writing (for tests and throwaway keystores).
    pub const MIN_LOG_N: u8 = 10;
    /// The highest cost accepted, reading or writing (memory stays at or under 1 GiB).
    pub const MAX_LOG_N: u8 = 20;

    /// A cost of N = 2^log_n.
    pub fn new(log_n: u8) -> Result<Self> {
        if (Self::MIN_LOG_N..=Self::MAX_LOG_N).contains(&log_n) {
            Ok(KdfCost(log_n))
        } else {
            Err(Error::usage(
                format!("scrypt log-n {log_n} is out of range"),
                format!(
                    "use {} to {} (default {})",
                    Self::MIN_LOG_N,
                    Self::MAX_LOG_N,
                    Self::DEFAULT.0
                ),
            ))
        }
    }

    /// log2(N).
    pub const fn log_n(self) -> u8 {
        self.0
    }
}

/// Why a keystore could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeystoreError {
    /// No keystore at the path.
    #[error("no keystore at {0}")]
    Missing(PathBuf),
    /// The file is not a coldsign keystore or is damaged.
    #[error("{path} is not a valid coldsign keystore: {reason}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Authentication failed.
    #[error("wrong password for keystore {0} (or the file was altered)")]
    WrongPassword(PathBuf),
}

impl KeystoreError {
    pub(crate) fn exit_code(&self) -> ExitCode {
        match self {
            KeystoreError::WrongPassword(_) => ExitCode::WrongPassword,
            _ => ExitCode::BadInput,
        }
    }

    /// The message and hint as catalog texts.
    pub(crate) fn said(&self) -> Said {
        let (message, hint) = match self {
            KeystoreError::Missing(path) => (
                Text::new("error-keystore-missing").arg("path", path.display()),
                "hint-keystore-missing",
            ),
            KeystoreError::Malformed { path, reason } => (
                Text::new("error-keystore-malformed")
                    .arg("path", path.display())
                    .arg("reason", reason),
                "hint-keystore-malformed",
            ),
            KeystoreError::WrongPassword(path) => (
                Text::new("error-keystore-wrong-password").arg("path", path.display()),
                "hint-keystore-wrong-password",
            ),
        };
        Said::new(message, Some(Text::new(hint)))
    }

    pub(crate) fn hint(&self) -> Option<String> {
        match self {
            KeystoreError::Missing(_) => Some(
                "create one with 'coldsign key new' or 'coldsign key restore', or pass --keystore PATH"
                    .into(),
            ),
            KeystoreError::WrongPassword(_) => {
                Some("check --password-file or COLDSIGN_PASSWORD; nothing was changed".into())
            }
            KeystoreError::Malformed { .. } => {
                Some("restore the file from your backup, or restore the keys from the words".into())
            }
        }
    }
}

/// The part of a keystore readable without the password.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// A label chosen by the user.
    pub label: String,
    /// `bip39` or `private-key`.
    pub kind: String,
    /// Master fingerprint (BIP39 keystores).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub fingerprint: Option<String>,
    /// Ethereum address (single-key keystores).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub address: Option<String>,
    /// Creation time, RFC 3339 UTC.
    pub created: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Kdf {
    name: String,
    log_n: u8,
    r: u32,
    p: u32,
    salt: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cipher {
    name: String,
    nonce: String,
}

/// A keystore file's contents, sealed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Keystore {
    format: String,
    version: u32,
    header: Header,
    kdf: Kdf,
    cipher: Cipher,
    ciphertext: String,
}

/// The authenticated associated data: everything but the ciphertext.
#[derive(Serialize)]
struct Associated<'a> {
    format: &'a str,
    version: u32,
    header: &'a Header,
    kdf: &'a Kdf,
    cipher: &'a str,
}

impl Keystore {
    /// Encrypts `material` under `password`.
    pub fn seal(
        material: &KeyMaterial,
        label: &str,
        password: &SecretString,
        cost: KdfCost,
    ) -> Result<Self> {
        let header = Header {
            label: label.to_string(),
            kind: material.kind_name().into(),
            fingerprint: material.hd().map(|hd| hd.fingerprint().to_string()),
            address: match material {
                KeyMaterial::PrivateKey(key) => Some(
                    ethereum::address_of_private(
                        &bitcoin::secp256k1::Secp256k1::signing_only(),
                        key,
                    )
                    .to_checksum(None),
                ),
                KeyMaterial::Bip39 { .. } => None,
            },
            created: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        };
        Self::seal_with_header(material, header, password, cost)
    }

    fn seal_with_header(
        material: &KeyMaterial,
        header: Header,
        password: &SecretString,
        cost: KdfCost,
    ) -> Result<Self> {
        let salt = random_bytes::<32>();
        let nonce = random_bytes::<24>();
        let kdf = Kdf {
            name: "scrypt".into(),
            log_n: cost.0,
            r: 8,
            p: 1,
            salt: salt.to_lower_hex_string(),
        };
        let key = derive_key(password, &kdf).map_err(|e| Error::Internal(e.to_string()))?;
        let mut keystore = Keystore {
            format: FORMAT.into(),
            version: VERSION,
            header,
            kdf,
            cipher: Cipher {
                name: CIPHER.into(),
                nonce: nonce.to_lower_hex_string(),
            },
            ciphertext: String::new(),
        };
        let plaintext = encode_material(material);
        let aad = keystore.associated_data();
        let sealed = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(key.as_ref()))
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &plaintext,
                    aad: &aad,
                },
            )
            .map_err(|_| Error::Internal("encryption failed".into()))?;
        keystore.ciphertext = sealed.to_lower_hex_string();
        Ok(keystore)
    }

    /// Reads and checks the structure of the keystore at `path` (no password needed).
    pub fn load(path: &Path) -> Result<Self> {
        if !path.exists() {
            return Err(KeystoreError::Missing(path.into()).into());
        }
        let bytes = files::read_input(path)?;
        Self::parse(&bytes).map_err(|reason| {
            KeystoreError::Malformed {
                path: path.into(),
                reason,
            }
            .into()
        })
    }

    /// Parses and checks keystore JSON (no password needed); the error says what is wrong.
    pub fn parse(bytes: &[u8]) -> std::result::Result<Self, String> {
        let keystore: Keystore = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if keystore.format != FORMAT {
            return Err(format!("unknown format {:?}", keystore.format));
        }
        if keystore.version != VERSION {
            return Err(format!(
                "unsupported version {} (this coldsign reads {VERSION})",
                keystore.version
            ));
        }
        if keystore.cipher.name != CIPHER || keystore.kdf.name != "scrypt" {
            return Err("unsupported cipher or kdf".into());
        }
        check_kdf(&keystore.kdf)?;
        Ok(keystore)
    }

    /// The header, readable without the password.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Decrypts the key material. `path` names the file in errors.
    pub fn unlock(&self, password: &SecretString, path: &Path) -> Result<KeyMaterial> {
        let malformed = |reason: &str| KeystoreError::Malformed {
            path: path.into(),
            reason: reason.into(),
        };
        let nonce = <[u8; 24]>::from_hex(&self.cipher.nonce).map_err(|_| malformed("bad nonce"))?;
        let ciphertext =
            Vec::from_hex(&self.ciphertext).map_err(|_| malformed("bad ciphertext"))?;
        let key = derive_key(password, &self.kdf).map_err(|e| malformed(&e))?;
        let aad = self.associated_data();
        let plaintext = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(key.as_ref()))
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &ciphertext,
                    aad: &aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| KeystoreError::WrongPassword(path.into()))?;
        Ok(decode_material(&plaintext).map_err(malformed)?)
    }

    /// Re-encrypts under a new password, keeping label and creation time.
    pub fn rekey(
        &self,
        material: &KeyMaterial,
        new_password: &SecretString,
        cost: KdfCost,
    ) -> Result<Self> {
        Self::seal_with_header(material, self.header.clone(), new_password, cost)
    }

    /// Re-encrypts `material` under `new_password` and replaces the keystore at `path`.
    pub fn change_password(
        &self,
        path: &Path,
        material: &KeyMaterial,
        new_password: &SecretString,
        cost: KdfCost,
    ) -> Result<()> {
        self.rekey(material, new_password, cost)?
            .save(path, Replace::Allowed)
    }

    /// Writes the keystore atomically with mode 0600.
    pub fn save(&self, path: &Path, replace: Replace) -> Result<()> {
        files::ensure_parent_dir(path)?;
        let mut json =
            serde_json::to_vec_pretty(self).map_err(|e| Error::Internal(e.to_string()))?;
        json.push(b'\n');
        files::write_atomic(path, &json, 0o600, replace)
    }

    fn associated_data(&self) -> Vec<u8> {
        serde_json::to_vec(&Associated {
            format: &self.format,
            version: self.version,
            header: &self.header,
            kdf: &self.kdf,
            cipher: &self.cipher.name,
        })
        .expect("plain structs serialize")
    }
}

fn check_kdf(kdf: &Kdf) -> std::result::Result<(), String> {
    if !(KdfCost::MIN_LOG_N..=KdfCost::MAX_LOG_N).contains(&kdf.log_n) || kdf.r != 8 || kdf.p != 1 {
        return Err(format!(
            "scrypt parameters out of range (log_n {}, r {}, p {})",
            kdf.log_n, kdf.r, kdf.p
        ));
    }
    Ok(())
}

fn derive_key(
    password: &SecretString,
    kdf: &Kdf,
) -> std::result::Result<Zeroizing<[u8; 32]>, String> {
    let salt = Vec::from_hex(&kdf.salt).map_err(|_| "bad salt".to_string())?;
    let params = scrypt::Params::new(kdf.log_n, kdf.r, kdf.p).map_err(|e| e.to_string())?;
    let mut key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(
        password.expose_secret().as_bytes(),
        &salt,
        &params,
        key.as_mut(),
    )
    .map_err(|e| e.to_string())?;
    Ok(key)
}

/// Plaintext layout: kind byte, then for BIP39: word list, entropy length, entropy, 2-byte
/// big-endian passphrase length, UTF-8 passphrase; for a private key: its 32 bytes.
fn encode_material(material: &KeyMaterial) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(128));
    match material {
        KeyMaterial::Bip39 {
            mnemonic,
            passphrase,
        } => {
            let entropy = mnemonic.entropy();
            let pass = passphrase.expose_secret().as_bytes();
            out.push(KIND_BIP39);
            out.push(match mnemonic.word_list() {
                WordList::English => 0,
                WordList::Japanese => 1,
            });
            out.push(entropy.len() as u8);
            out.extend_from_slice(&entropy);
            out.extend_from_slice(&(pass.len() as u16).to_be_bytes());
            out.extend_from_slice(pass);
        }
        KeyMaterial::PrivateKey(key) => {
            out.push(KIND_PRIVATE_KEY);
            out.extend_from_slice(&key.expose_secret().secret_bytes());
        }
    }
    out
}

fn decode_material(plain: &[u8]) -> std::result::Result<KeyMaterial, &'static str> {
    const DAMAGED: &str = "damaged secret payload";
    match plain.split_first() {
        Some((&KIND_BIP39, rest)) => {
            let (&list, rest) = rest.split_first().ok_or(DAMAGED)?;
            let (&len, rest) = rest.split_first().ok_or(DAMAGED)?;
            let (entropy, rest) = rest.split_at_checked(len.into()).ok_or(DAMAGED)?;
            let (pass_len, rest) = rest.split_at_checked(2).ok_or(DAMAGED)?;
            let pass_len = u16::from_be_bytes([pass_len[0], pass_len[1]]) as usize;
            if rest.len() != pass_len {
                return Err(DAMAGED);
            }
            let list = match list {
                0 => WordList::English,
                1 => WordList::Japanese,
                _ => return Err(DAMAGED),
            };
            let mnemonic = SecretMnemonic::from_entropy(entropy, list).map_err(|_| DAMAGED)?;
            let passphrase = std::str::from_utf8(rest).map_err(|_| DAMAGED)?;
            Ok(KeyMaterial::Bip39 {
                mnemonic,
                passphrase: SecretString::from(passphrase),
            })
        }
        Some((&KIND_PRIVATE_KEY, rest)) => PrivateKey::from_slice(rest)
            .map(KeyMaterial::PrivateKey)
            .map_err(|_| DAMAGED),
        _ => Err(DAMAGED),
    }
}

//! The secret a keystore holds, and the HD key tree derived from it.

use bitcoin::bip32::{DerivationPath, Fingerprint, Xpub};
use bitcoin::secp256k1::{All, Secp256k1};
use bitcoin::NetworkKind;
use secrecy::SecretString;

use super::mnemonic::SecretMnemonic;
use super::secret::{MasterKey, PrivateKey};

/// What a keystore protects.
#[derive(Debug)]
pub enum KeyMaterial {
    /// A BIP39 mnemonic and its (possibly empty) passphrase: a whole HD wallet.
    Bip39 {
        /// The words.
        mnemonic: SecretMnemonic,
        /// The BIP39 passphrase ("25th word"), empty when unused.
        passphrase: SecretString,
    },
    /// A single Ethereum account key (from a keystore v3 import).
    PrivateKey(PrivateKey),
}

impl KeyMaterial {
    /// The HD key tree, for mnemonic material.
    pub fn hd(&self) -> Option<HdKeys> {
        match self {
            KeyMaterial::Bip39 {
                mnemonic,
                passphrase,
            } => {
                let seed = mnemonic.to_seed(passphrase);
                Some(HdKeys::from_master(MasterKey::from_seed(
                    &seed,
                    NetworkKind::Main,
                )))
            }
            KeyMaterial::PrivateKey(_) => None,
        }
    }

    /// A short name of the material's kind, as stored in the keystore header.
    pub fn kind_name(&self) -> &'static str {
        match self {
            KeyMaterial::Bip39 { .. } => "bip39",
            KeyMaterial::PrivateKey(_) => "private-key",
        }
    }
}

/// A BIP32 key tree with its master key held in memory.
pub struct HdKeys {
    master: MasterKey,
    secp: Secp256k1<All>,
}

impl HdKeys {
    /// Wraps a master key.
    pub fn from_master(master: MasterKey) -> Self {
        HdKeys {
            master,
            secp: Secp256k1::new(),
        }
    }

    /// The master fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        self.master.fingerprint(&self.secp)
    }

    /// The extended public key at `path`, encoded for `network` (xpub or tpub).
    pub fn xpub(&self, path: &DerivationPath, network: NetworkKind) -> Xpub {
        let mut xpub = Xpub::from_priv(&self.secp, &self.derive_xpriv(path).0);
        xpub.network = network;
        xpub
    }

    /// The private key at `path`.
    pub fn private_key(&self, path: &DerivationPath) -> PrivateKey {
        let child = self.derive_xpriv(path);
        PrivateKey::new(child.0.private_key)
    }

    /// The secp256k1 context.
    pub fn secp(&self) -> &Secp256k1<All> {
        &self.secp
    }

    pub(crate) fn derive_xpriv(&self, path: &DerivationPath) -> ChildXpriv {
        let xpriv = self
            .master
            .expose_secret()
            .derive_priv(&self.secp, path)
            .expect("derivation fails only with probability 2^-127");
        ChildXpriv(xpriv)
    }
}

impl std::fmt::Debug for HdKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HdKeys({})", self.fingerprint())
    }
}

/// Private keys at many paths, each one unhardened step from a cached branch key (the path
/// minus its last step), so signing N inputs costs N scalar additions rather than N walks from
/// the master key. The step reuses the branch's public key, so it needs no elliptic-curve
/// multiplication. The cached keys are erased when the cache is dropped.
pub struct PrivateKeyCache<'a> {
    hd: &'a HdKeys,
    branches: std::collections::HashMap<DerivationPath, (ChildXpriv, Xpub)>,
}

impl<'a> PrivateKeyCache<'a> {
    /// An empty cache over `hd`.
    pub fn new(hd: &'a HdKeys) -> Self {
        PrivateKeyCache {
            hd,
            branches: std::collections::HashMap::new(),
        }
    }

    /// The private key at `path`.
    pub fn key(&mut self, path: &DerivationPath) -> PrivateKey {
        let Some((last, parent)) = path.as_ref().split_last() else {
            return self.hd.private_key(path);
        };
        let hd = self.hd;
        let (xpriv, xpub) = self
            .branches
            .entry(DerivationPath::from(parent))
            .or_insert_with_key(|parent| {
                let xpriv = hd.derive_xpriv(parent);
                let xpub = Xpub::from_priv(&hd.secp, &xpriv.0);
                (xpriv, xpub)
            });
        let child = match xpub.ckd_pub_tweak(*last) {
            // BIP32 CKDpriv for a normal child: k = parse256(IL) + k_parent, where IL comes
            // from the parent's public key (what CKDpub computes).
            Ok((tweak, _)) => tweak
                .add_tweak(&xpriv.0.private_key.into())
                .expect("derivation fails only with probability 2^-127"),
            Err(_) => {
                let hardened = ChildXpriv(
                    xpriv
                        .0
                        .derive_priv(&hd.secp, &[*last])
                        .expect("derivation fails only with probability 2^-127"),
                );
                hardened.0.private_key
            }
        };
        PrivateKey::new(child)
    }
}

/// A derived extended private key that is erased when dropped.
pub(crate) struct ChildXpriv(bitcoin::bip32::Xpriv);

impl Drop for ChildXpriv {
    fn drop(&mut self) {
        self.0.private_key.non_secure_erase();
    }
}

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

/// Private keys at many paths, each derived from a cached hardened prefix (an account key),
/// so signing N inputs costs N unhardened steps rather than N walks from the master key. The
/// cached keys are erased when the cache is dropped.
pub struct PrivateKeyCache<'a> {
    hd: &'a HdKeys,
    prefixes: std::collections::HashMap<DerivationPath, ChildXpriv>,
}

impl<'a> PrivateKeyCache<'a> {
    /// An empty cache over `hd`.
    pub fn new(hd: &'a HdKeys) -> Self {
        PrivateKeyCache {
            hd,
            prefixes: std::collections::HashMap::new(),
        }
    }

    /// The private key at `path`.
    pub fn key(&mut self, path: &DerivationPath) -> PrivateKey {
        // Up to the last hardened step comes from the cache; the rest is all unhardened.
        let split = path
            .into_iter()
            .rposition(|c| c.is_hardened())
            .map_or(0, |i| i + 1);
        let prefix = DerivationPath::from(&path[..split]);
        let hd = self.hd;
        let parent = self
            .prefixes
            .entry(prefix.clone())
            .or_insert_with(|| hd.derive_xpriv(&prefix));
        let child = ChildXpriv(
            parent
                .0
                .derive_priv(&hd.secp, &DerivationPath::from(&path[split..]))
                .expect("derivation fails only with probability 2^-127"),
        );
        PrivateKey::new(child.0.private_key)
    }
}

/// A derived extended private key that is erased when dropped.
pub(crate) struct ChildXpriv(bitcoin::bip32::Xpriv);

impl Drop for ChildXpriv {
    fn drop(&mut self) {
        self.0.private_key.non_secure_erase();
    }
}

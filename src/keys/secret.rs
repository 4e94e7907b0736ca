//! Newtypes for secret material: no `Debug`/`Display` that shows them, erased on drop, and
//! exposed only through an explicit `expose_secret` accessor.

use std::fmt;

use bitcoin::bip32::{Fingerprint, Xpriv};
use bitcoin::secp256k1::{self, Secp256k1, SecretKey, Signing};
use zeroize::Zeroizing;

/// A 64-byte BIP39 seed.
pub struct Seed(Zeroizing<[u8; 64]>);

impl Seed {
    /// Wraps seed bytes (the caller's copy should be zeroized by the caller).
    pub fn new(bytes: [u8; 64]) -> Self {
        Seed(Zeroizing::new(bytes))
    }

    /// The raw seed bytes.
    pub fn expose_secret(&self) -> &[u8; 64] {
        &self.0
    }
}

impl fmt::Debug for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Seed(<redacted>)")
    }
}

/// A BIP32 master (or any extended) private key, erased on drop.
pub struct MasterKey(Xpriv);

impl MasterKey {
    /// Derives the master key from a seed, for the given network kind.
    pub fn from_seed(seed: &Seed, network: bitcoin::NetworkKind) -> Self {
        // Only fails for a seed whose HMAC output is an invalid key: probability ~2^-127.
        let xpriv = Xpriv::new_master(network, seed.expose_secret())
            .expect("a 64-byte seed yields a valid master key");
        MasterKey(xpriv)
    }

    /// The master key fingerprint (public information).
    pub fn fingerprint<C: Signing>(&self, secp: &Secp256k1<C>) -> Fingerprint {
        self.0.fingerprint(secp)
    }

    /// The extended private key itself.
    pub fn expose_secret(&self) -> &Xpriv {
        &self.0
    }
}

impl Drop for MasterKey {
    fn drop(&mut self) {
        self.0.private_key.non_secure_erase();
        let chain_code: &mut [u8; 32] = self.0.chain_code.as_mut();
        zeroize::Zeroize::zeroize(chain_code);
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

/// A single secp256k1 private key (Ethereum account key), erased on drop.
pub struct PrivateKey(SecretKey);

impl PrivateKey {
    /// Parses 32 big-endian bytes; fails when out of range (0 or ≥ n).
    pub fn from_slice(bytes: &[u8]) -> Result<Self, secp256k1::Error> {
        SecretKey::from_slice(bytes).map(PrivateKey)
    }

    /// Wraps a key.
    pub fn new(key: SecretKey) -> Self {
        PrivateKey(key)
    }

    /// The key itself.
    pub fn expose_secret(&self) -> &SecretKey {
        &self.0
    }
}

impl Drop for PrivateKey {
    fn drop(&mut self) {
        self.0.non_secure_erase();
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKey(<redacted>)")
    }
}

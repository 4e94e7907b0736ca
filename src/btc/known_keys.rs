//! Public keys this signer already holds as whole points (x and y), offered to the PSBT reader
//! so that a key the PSBT names in compressed or x-only form need not be decompressed again.
//!
//! Decompressing a key (a field square root) is the largest cost of reading a PSBT: one per
//! P2WPKH input, two per P2TR input (its internal key is listed twice). A point is determined
//! by its x coordinate and the parity of its y, so a point offered here stands for exactly
//! the PSBT bytes it serializes to, whoever offered it: an offered point is checked to be on
//! the curve when it is used, and one that is not, or whose parity differs, is simply not
//! used (the PSBT's key is then decompressed as usual). Nothing offered here can change what
//! a PSBT says.

use std::cell::Cell;
use std::collections::HashMap;

use bitcoin::secp256k1::{PublicKey, XOnlyPublicKey};

/// Points by x coordinate: y, unchecked until used.
#[derive(Debug, Default, Clone)]
pub struct KnownKeys {
    by_x: HashMap<[u8; 32], [u8; 32]>,
    /// The point last used (a taproot input names its internal key twice in a row).
    last: Cell<Option<([u8; 32], PublicKey)>>,
}

impl KnownKeys {
    /// No keys: every key a PSBT names is decompressed.
    pub fn none() -> Self {
        Self::default()
    }

    /// Offers the point whose uncompressed serialization, without its 0x04 prefix, is
    /// `x_and_y`.
    pub fn offer(&mut self, x_and_y: &[u8; 64]) {
        let (mut x, mut y) = ([0u8; 32], [0u8; 32]);
        x.copy_from_slice(&x_and_y[..32]);
        y.copy_from_slice(&x_and_y[32..]);
        self.by_x.insert(x, y);
    }

    /// Offers `key`.
    pub fn offer_key(&mut self, key: &PublicKey) {
        let mut x_and_y = [0u8; 64];
        x_and_y.copy_from_slice(&key.serialize_uncompressed()[1..]);
        self.offer(&x_and_y);
    }

    /// Whether nothing was offered.
    pub fn is_empty(&self) -> bool {
        self.by_x.is_empty()
    }

    /// The offered point with x coordinate `x`, if it is on the curve.
    fn point(&self, x: &[u8]) -> Option<PublicKey> {
        if let Some((last_x, last)) = self.last.get() {
            if last_x[..] == *x {
                return Some(last);
            }
        }
        let (x, y) = self.by_x.get_key_value(x)?;
        let mut uncompressed = [4u8; 65];
        uncompressed[1..33].copy_from_slice(x);
        uncompressed[33..].copy_from_slice(y);
        let point = PublicKey::from_slice(&uncompressed).ok()?;
        self.last.set(Some((*x, point)));
        Some(point)
    }

    /// The key whose 33-byte compressed serialization is `compressed`, if offered.
    pub fn compressed(&self, compressed: &[u8]) -> Option<PublicKey> {
        if compressed.len() != 33 {
            return None;
        }
        self.point(&compressed[1..])
            .filter(|key| key.serialize()[0] == compressed[0])
    }

    /// The x-only key whose serialization is `x`, if a point with that x was offered.
    pub fn x_only(&self, x: &[u8]) -> Option<XOnlyPublicKey> {
        if x.len() != 32 {
            return None;
        }
        self.point(x).map(|key| key.x_only_public_key().0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcoin::secp256k1::{Secp256k1, SecretKey};

    fn key(byte: u8) -> PublicKey {
        let secret = SecretKey::from_slice(&[byte; 32]).unwrap();
        PublicKey::from_secret_key(&Secp256k1::new(), &secret)
    }

    #[test]
    fn an_offered_point_stands_only_for_its_own_serializations() {
        let mut known = KnownKeys::none();
        let offered = key(1);
        known.offer_key(&offered);
        let compressed = offered.serialize();
        assert_eq!(known.compressed(&compressed), Some(offered));
        assert_eq!(
            known.x_only(&compressed[1..]),
            Some(offered.x_only_public_key().0)
        );
        // The other parity is another point: not offered.
        let mut other_parity = compressed;
        other_parity[0] ^= 1;
        assert_eq!(known.compressed(&other_parity), None);
        assert_eq!(known.compressed(&key(2).serialize()), None);
        assert_eq!(known.compressed(&compressed[1..]), None);
        assert_eq!(known.x_only(&compressed), None);
    }

    #[test]
    fn a_point_off_the_curve_is_not_used() {
        let mut known = KnownKeys::none();
        let mut x_and_y = [0u8; 64];
        x_and_y.copy_from_slice(&key(1).serialize_uncompressed()[1..]);
        x_and_y[63] ^= 1;
        known.offer(&x_and_y);
        assert_eq!(known.compressed(&key(1).serialize()), None);
        assert_eq!(known.x_only(&key(1).serialize()[1..]), None);
    }
}

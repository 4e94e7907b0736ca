//! The key pairs of a PSBT whose keys are already known as points ([`KnownKeys`]), read here
//! instead of by rust-bitcoin, which would decompress each key again.
//!
//! Only a pair that rust-bitcoin would accept as it stands is taken (the same key data and
//! value shapes, read with rust-bitcoin's own decoder for leaf hashes); every other pair is
//! left for rust-bitcoin, so a malformed one fails there exactly as before. Taken pairs are
//! put back into the [`Psbt`] rust-bitcoin reads from the rest, and a key that is then already
//! present is the duplicate it would have been.

use std::collections::btree_map::{BTreeMap, Entry};

use bitcoin::bip32::{ChildNumber, DerivationPath, Fingerprint, KeySource};
use bitcoin::consensus::encode;
use bitcoin::hex::DisplayHex;
use bitcoin::psbt::Psbt;
use bitcoin::secp256k1::{PublicKey, XOnlyPublicKey};
use bitcoin::TapLeafHash;

use super::{key_origin, kind_of, MapKind, MapLocation, Pair, PsbtV2Error, RawMap};
use crate::btc::known_keys::KnownKeys;

// The key types taken (BIP174, BIP371).
const IN_BIP32_DERIVATION: u64 = 0x06;
const IN_TAP_BIP32_DERIVATION: u64 = 0x16;
const IN_TAP_INTERNAL_KEY: u64 = 0x17;
const OUT_BIP32_DERIVATION: u64 = 0x02;
const OUT_TAP_INTERNAL_KEY: u64 = 0x05;
const OUT_TAP_BIP32_DERIVATION: u64 = 0x07;

/// A taproot key's origin: the leaves it signs for and its derivation.
type TapOrigin = (Vec<TapLeafHash>, KeySource);

/// A pair taken, decoded.
enum Taken {
    Bip32Derivation(PublicKey, KeySource),
    TapKeyOrigin(XOnlyPublicKey, TapOrigin),
    TapInternalKey(XOnlyPublicKey),
}

/// The pairs taken, each with the map it came from, in map order.
pub(super) struct Lifted {
    taken: Vec<(MapLocation, Taken)>,
}

impl Lifted {
    /// Takes from `inputs` and `outputs` every key pair whose key `known` holds and that
    /// rust-bitcoin would accept.
    pub(super) fn take(inputs: &mut [RawMap], outputs: &mut [RawMap], known: &KnownKeys) -> Self {
        let mut taken = Vec::new();
        if !known.is_empty() {
            let inputs = inputs
                .iter_mut()
                .enumerate()
                .map(|(i, m)| (MapLocation::Input(i), m));
            let outputs = outputs
                .iter_mut()
                .enumerate()
                .map(|(i, m)| (MapLocation::Output(i), m));
            for (at, map) in inputs.chain(outputs) {
                map.pairs
                    .retain(|pair| match take(kind_of(at), pair, known) {
                        Some(pair) => {
                            taken.push((at, pair));
                            false
                        }
                        None => true,
                    });
            }
        }
        Lifted { taken }
    }

    /// Whether nothing was taken.
    pub(super) fn is_empty(&self) -> bool {
        self.taken.is_empty()
    }

    /// Puts the taken pairs into `psbt`, read from the rest.
    pub(super) fn put_back(self, psbt: &mut Psbt) -> Result<(), PsbtV2Error> {
        for (at, taken) in self.taken {
            let (bip32_derivation, tap_key_origins, tap_internal_key) = match at {
                MapLocation::Input(i) => {
                    let input = psbt.inputs.get_mut(i).ok_or(PsbtV2Error::MapCountChanged)?;
                    (
                        &mut input.bip32_derivation,
                        &mut input.tap_key_origins,
                        &mut input.tap_internal_key,
                    )
                }
                MapLocation::Output(i) => {
                    let output = psbt
                        .outputs
                        .get_mut(i)
                        .ok_or(PsbtV2Error::MapCountChanged)?;
                    (
                        &mut output.bip32_derivation,
                        &mut output.tap_key_origins,
                        &mut output.tap_internal_key,
                    )
                }
                MapLocation::Global => continue,
            };
            let (bip32, tap, internal) = key_types(kind_of(at)).unwrap_or_default();
            let duplicate = |key_type: u64, key_data: &[u8]| PsbtV2Error::DuplicateKey {
                at,
                key: format!("{key_type:02x}{}", key_data.to_lower_hex_string()),
            };
            match taken {
                Taken::Bip32Derivation(public_key, source) => {
                    insert_new(bip32_derivation, public_key, source)
                        .ok_or_else(|| duplicate(bip32, &public_key.serialize()))?
                }
                Taken::TapKeyOrigin(x_only, origin) => insert_new(tap_key_origins, x_only, origin)
                    .ok_or_else(|| duplicate(tap, &x_only.serialize()))?,
                Taken::TapInternalKey(x_only) => {
                    if tap_internal_key.replace(x_only).is_some() {
                        return Err(duplicate(internal, &[]));
                    }
                }
            }
        }
        Ok(())
    }
}

/// `pair`, decoded, if it is a key pair of a `kind` map whose key `known` holds and whose
/// value rust-bitcoin would accept.
fn take(kind: MapKind, pair: &Pair, known: &KnownKeys) -> Option<Taken> {
    let (bip32, tap, internal) = key_types(kind)?;
    if pair.type_len != 1 {
        return None;
    }
    let data = pair.key_data();
    match pair.key_type {
        t if t == bip32 => Some(Taken::Bip32Derivation(
            known.compressed(data)?,
            key_source(&pair.value)?,
        )),
        t if t == tap => Some(Taken::TapKeyOrigin(
            known.x_only(data)?,
            tap_origin(&pair.value)?,
        )),
        t if t == internal && data.is_empty() => {
            Some(Taken::TapInternalKey(known.x_only(&pair.value)?))
        }
        _ => None,
    }
}

/// The key types taken from a `kind` map: (BIP32 derivation, taproot BIP32 derivation,
/// taproot internal key); none from the global map.
fn key_types(kind: MapKind) -> Option<(u64, u64, u64)> {
    match kind {
        MapKind::Input => Some((
            IN_BIP32_DERIVATION,
            IN_TAP_BIP32_DERIVATION,
            IN_TAP_INTERNAL_KEY,
        )),
        MapKind::Output => Some((
            OUT_BIP32_DERIVATION,
            OUT_TAP_BIP32_DERIVATION,
            OUT_TAP_INTERNAL_KEY,
        )),
        MapKind::Global => None,
    }
}

/// Inserts a new entry; `None` if the key is already there.
fn insert_new<K: Ord, V>(map: &mut BTreeMap<K, V>, key: K, value: V) -> Option<()> {
    match map.entry(key) {
        Entry::Vacant(entry) => {
            entry.insert(value);
            Some(())
        }
        Entry::Occupied(_) => None,
    }
}

/// A BIP32 derivation value: fingerprint, then little-endian child numbers.
fn key_source(value: &[u8]) -> Option<KeySource> {
    let (fingerprint, _, path) = key_origin(value)?;
    let path: DerivationPath = path.into_iter().map(ChildNumber::from).collect();
    Some((Fingerprint::from(fingerprint), path))
}

/// A taproot BIP32 derivation value: the leaf hashes (a compact-size count, then 32 bytes
/// each), then a BIP32 derivation.
fn tap_origin(value: &[u8]) -> Option<TapOrigin> {
    let (leaves, used) = encode::deserialize_partial::<Vec<TapLeafHash>>(value).ok()?;
    Some((leaves, key_source(value.get(used..)?)?))
}

#[cfg(test)]
mod tests {
    use bitcoin::base64::prelude::{Engine, BASE64_STANDARD};

    use super::super::RawPsbt;
    use super::*;

    fn pair_count(raw: &RawPsbt) -> usize {
        raw.inputs
            .iter()
            .chain(&raw.outputs)
            .map(|m| m.pairs.len())
            .sum()
    }

    #[test]
    fn every_key_pair_of_a_known_key_is_taken_and_put_back() {
        let mut taken_in_all = 0;
        for file in ["bip174.json", "bip371.json"] {
            let path = format!("{}/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
            let vectors: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            for case in vectors["valid"].as_array().unwrap() {
                let bytes = BASE64_STANDARD
                    .decode(case["psbt"].as_str().unwrap())
                    .unwrap();
                let psbt = Psbt::deserialize(&bytes).unwrap();
                // What rust-bitcoin read: how many key pairs there are.
                let key_pairs: usize = psbt
                    .inputs
                    .iter()
                    .map(|i| {
                        i.bip32_derivation.len()
                            + i.tap_key_origins.len()
                            + usize::from(i.tap_internal_key.is_some())
                    })
                    .chain(psbt.outputs.iter().map(|o| {
                        o.bip32_derivation.len()
                            + o.tap_key_origins.len()
                            + usize::from(o.tap_internal_key.is_some())
                    }))
                    .sum();
                // The keys, decompressed here from the raw pairs (x-only keys offered as the
                // point with odd y: an x-only key is the same whichever y it was offered with).
                let mut raw = RawPsbt::parse(&bytes).unwrap();
                let mut known = KnownKeys::none();
                let maps = raw.inputs.iter().map(|m| (MapKind::Input, m));
                let maps = maps.chain(raw.outputs.iter().map(|m| (MapKind::Output, m)));
                for (kind, map) in maps {
                    let (bip32, tap, internal) = key_types(kind).unwrap();
                    for pair in &map.pairs {
                        let x_only = match pair.key_type {
                            t if t == bip32 => {
                                known.offer_key(&PublicKey::from_slice(pair.key_data()).unwrap());
                                continue;
                            }
                            t if t == tap => pair.key_data(),
                            t if t == internal => &pair.value[..],
                            _ => continue,
                        };
                        let x_only = XOnlyPublicKey::from_slice(x_only).unwrap();
                        known.offer_key(&x_only.public_key(bitcoin::secp256k1::Parity::Odd));
                    }
                }
                let before = pair_count(&raw);
                let lifted = Lifted::take(&mut raw.inputs, &mut raw.outputs, &known);
                assert_eq!(
                    before - pair_count(&raw),
                    key_pairs,
                    "{file}: {}",
                    case["note"]
                );
                assert_eq!(lifted.is_empty(), key_pairs == 0);
                taken_in_all += key_pairs;

                let mut read = Psbt::deserialize(&raw.write_v0(bytes.len())).unwrap();
                lifted.put_back(&mut read).unwrap();
                assert!(read == psbt, "{file}: {}", case["note"]);
            }
        }
        assert!(
            taken_in_all > 20,
            "only {taken_in_all} key pairs in the vectors"
        );
    }
}

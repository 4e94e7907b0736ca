//! PSBT version 2 (BIP370) ↔ version 0 (BIP174) conversion.
//!
//! rust-bitcoin 0.32's [`Psbt`] reads and writes PSBT version 0 only, while Bitcoin Core's
//! `createpsbt` now emits version 2. This module converts between the two one level below
//! [`Psbt`]: it splits the PSBT into its key-value maps itself, rewrites only the fields that
//! differ between the versions, and leaves every other pair (partial signatures, BIP32
//! derivations, taproot fields, proprietary and unknown keys) byte for byte as it was.
//!
//! * [`parse_any`] reads either version. For version 2 it builds the unsigned transaction as
//!   BIP370 prescribes (lock time by § "Determining Lock Time"), enforces BIP370's inclusion and
//!   exclusion rules, and returns a version 0 [`Psbt`] plus the [`V2Extras`] that version 0
//!   cannot carry.
//! * [`serialize_v2`] writes a [`Psbt`] as version 2, restoring the [`V2Extras`] when given.
//!   Keys are written in Bitcoin Core's order (see [`serialize_v2`]), so a version 2 PSBT read
//!   with [`parse_any`] and written back with its extras comes out byte for byte as Core wrote it.
//!
//! Parsing never panics and never allocates more than the input's length: every length and
//! count is checked against the bytes that remain before anything is sliced or collected.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::fmt;

use bitcoin::absolute::LockTime;
use bitcoin::consensus::encode::{self, Decodable};
use bitcoin::hashes::{hash160, Hash};
use bitcoin::hex::DisplayHex;
use bitcoin::psbt::Psbt;
use bitcoin::transaction::Version;
use bitcoin::{Amount, OutPoint, ScriptBuf, Sequence, Transaction, TxIn, TxOut, Txid, Witness};

use super::known_keys::KnownKeys;
use lifted::Lifted;

mod lifted;

/// The five bytes every PSBT starts with: `psbt` and 0xff.
const MAGIC: &[u8; 5] = b"psbt\xff";
/// Lock time values at or above this are Unix timestamps, below it block heights.
const LOCKTIME_THRESHOLD: u32 = 500_000_000;

// Global key types (BIP174, BIP370).
const GLOBAL_UNSIGNED_TX: u64 = 0x00;
const GLOBAL_XPUB: u64 = 0x01;
const GLOBAL_TX_VERSION: u64 = 0x02;
const GLOBAL_FALLBACK_LOCKTIME: u64 = 0x03;
const GLOBAL_INPUT_COUNT: u64 = 0x04;
const GLOBAL_OUTPUT_COUNT: u64 = 0x05;
const GLOBAL_TX_MODIFIABLE: u64 = 0x06;
const GLOBAL_VERSION: u64 = 0xfb;
const GLOBAL_PROPRIETARY: u64 = 0xfc;

// Per-input key types.
const IN_PARTIAL_SIG: u64 = 0x02;
const IN_PREVIOUS_TXID: u64 = 0x0e;
const IN_OUTPUT_INDEX: u64 = 0x0f;
const IN_SEQUENCE: u64 = 0x10;
const IN_REQUIRED_TIME_LOCKTIME: u64 = 0x11;
const IN_REQUIRED_HEIGHT_LOCKTIME: u64 = 0x12;
const IN_TAP_LEAF_SCRIPT: u64 = 0x15;
const IN_MUSIG2_PUB_NONCE: u64 = 0x1b;
const IN_MUSIG2_PARTIAL_SIG: u64 = 0x1c;

// Per-output key types.
const OUT_AMOUNT: u64 = 0x03;
const OUT_SCRIPT: u64 = 0x04;

/// The version of a PSBT, from its `PSBT_GLOBAL_VERSION` field (absent means 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PsbtVersion {
    /// BIP174: the global map carries the unsigned transaction.
    V0,
    /// BIP370: inputs and outputs carry their own outpoint, sequence, amount and script.
    V2,
}

/// Fields of a version 2 PSBT that have no version 0 equivalent.
///
/// [`parse_any`] returns them next to the version 0 [`Psbt`], and [`serialize_v2`] writes them
/// back, so that v2 → v0 → v2 restores the original PSBT. The transaction version, outpoints,
/// sequences, amounts and scripts need no room here: the unsigned transaction carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct V2Extras {
    /// `PSBT_GLOBAL_FALLBACK_LOCKTIME` as written, if it was present. It can differ from the
    /// unsigned transaction's lock time, which comes from the inputs' required lock times when
    /// any input has one.
    pub fallback_locktime: Option<u32>,
    /// `PSBT_GLOBAL_TX_MODIFIABLE`, if present: see [`V2Extras::INPUTS_MODIFIABLE`],
    /// [`V2Extras::OUTPUTS_MODIFIABLE`] and [`V2Extras::HAS_SIGHASH_SINGLE`]. Undefined bits are
    /// kept as they were.
    pub tx_modifiable: Option<u8>,
    /// One entry per input, in input order.
    pub inputs: Vec<V2InputExtras>,
}

/// The version 2 fields of one input that have no version 0 equivalent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct V2InputExtras {
    /// Whether the input map carried `PSBT_IN_SEQUENCE`. BIP370 lets it be left out when the
    /// sequence is final (0xffffffff); [`serialize_v2`] leaves it out again only then.
    pub has_sequence: bool,
    /// `PSBT_IN_REQUIRED_TIME_LOCKTIME`: the earliest Unix time (at least 500000000) this input
    /// needs as the transaction's lock time.
    pub required_time_locktime: Option<u32>,
    /// `PSBT_IN_REQUIRED_HEIGHT_LOCKTIME`: the earliest block height (1 to 499999999) this input
    /// needs as the transaction's lock time.
    pub required_height_locktime: Option<u32>,
}

impl V2Extras {
    /// The version 2 fields a version 0 PSBT cannot carry, named for a message: the
    /// modifiable flags and the inputs' required lock times. Empty when nothing is lost.
    pub fn lost_in_v0(&self) -> Vec<String> {
        let mut lost = Vec::new();
        if let Some(flags) = self.tx_modifiable.filter(|f| *f != 0) {
            lost.push(format!("PSBT_GLOBAL_TX_MODIFIABLE ({flags:#04x})"));
        }
        for (index, input) in self.inputs.iter().enumerate() {
            if input.required_time_locktime.is_some() || input.required_height_locktime.is_some() {
                lost.push(format!("input {index}'s required lock time"));
            }
        }
        lost
    }

    /// `PSBT_GLOBAL_TX_MODIFIABLE` bit 0: inputs may be added or removed.
    pub const INPUTS_MODIFIABLE: u8 = 0x01;
    /// `PSBT_GLOBAL_TX_MODIFIABLE` bit 1: outputs may be added or removed.
    pub const OUTPUTS_MODIFIABLE: u8 = 0x02;
    /// `PSBT_GLOBAL_TX_MODIFIABLE` bit 2: a `SIGHASH_SINGLE` signature pins an input to its output.
    pub const HAS_SIGHASH_SINGLE: u8 = 0x04;

    /// The transaction lock time by BIP370 § "Determining Lock Time".
    ///
    /// With no required lock time on any input it is the fallback (0 when absent). Otherwise it
    /// is the largest required lock time of the one kind that every input with a requirement
    /// accepts, block height winning when both would do. Fails when no kind suits every input.
    pub fn lock_time(&self) -> Result<u32, PsbtV2Error> {
        let mut height_ok = true;
        let mut time_ok = true;
        let mut any = false;
        let (mut max_height, mut max_time) = (0u32, 0u32);
        let (mut height_only, mut time_only) = (None, None);
        for (index, input) in self.inputs.iter().enumerate() {
            match (input.required_height_locktime, input.required_time_locktime) {
                (None, None) => continue,
                (Some(_), None) => {
                    time_ok = false;
                    height_only.get_or_insert(index);
                }
                (None, Some(_)) => {
                    height_ok = false;
                    time_only.get_or_insert(index);
                }
                (Some(_), Some(_)) => {}
            }
            any = true;
            if let Some(h) = input.required_height_locktime {
                max_height = max_height.max(h);
            }
            if let Some(t) = input.required_time_locktime {
                max_time = max_time.max(t);
            }
        }
        if !any {
            Ok(self.fallback_locktime.unwrap_or(0))
        } else if height_ok {
            Ok(max_height)
        } else if time_ok {
            Ok(max_time)
        } else {
            Err(PsbtV2Error::IncompatibleLocktimes {
                height_input: height_only.unwrap_or_default(),
                time_input: time_only.unwrap_or_default(),
            })
        }
    }

    fn has_required_locktime(&self) -> bool {
        self.inputs
            .iter()
            .any(|i| i.required_height_locktime.is_some() || i.required_time_locktime.is_some())
    }
}

/// Which map of a PSBT an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapLocation {
    /// The global map.
    Global,
    /// The map of the input with this index (from 0).
    Input(usize),
    /// The map of the output with this index (from 0).
    Output(usize),
}

impl fmt::Display for MapLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MapLocation::Global => f.write_str("global map"),
            MapLocation::Input(i) => write!(f, "input {i}"),
            MapLocation::Output(i) => write!(f, "output {i}"),
        }
    }
}

impl MapLocation {
    fn kind(&self) -> &'static str {
        match self {
            MapLocation::Global => "global",
            MapLocation::Input(_) => "input",
            MapLocation::Output(_) => "output",
        }
    }
}

/// Why a PSBT could not be read or converted. Messages are one lower-case line with context.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PsbtV2Error {
    /// The bytes do not start with `psbt` 0xff.
    #[error("psbt does not start with the magic bytes 70736274ff (\"psbt\" 0xff)")]
    BadMagic,
    /// The bytes end inside a key, a value, or before a map's separator.
    #[error("psbt ends early in {at}: {what} needs {needed} bytes at offset {offset} but only {available} remain")]
    Truncated {
        /// The map being read.
        at: MapLocation,
        /// What was being read ("key length", "key", "value length", "value").
        what: &'static str,
        /// Offset of the item from the start of the PSBT.
        offset: usize,
        /// Bytes the item needs.
        needed: u64,
        /// Bytes left in the input.
        available: usize,
    },
    /// A compact size used more bytes than needed (BIP174 requires the shortest encoding).
    #[error("psbt has a non-canonical compact size ({what}) at offset {offset} in {at}")]
    NonCanonicalCompactSize {
        /// The map being read.
        at: MapLocation,
        /// What the compact size encodes.
        what: &'static str,
        /// Offset from the start of the PSBT.
        offset: usize,
    },
    /// A key does not start with a well-formed compact size key type.
    #[error("psbt {at} has a key whose type is not a valid compact size: {key}")]
    MalformedKeyType {
        /// The map holding the key.
        at: MapLocation,
        /// The key, hex.
        key: String,
    },
    /// The same key appears twice in one map.
    #[error("psbt {at} has a duplicate key {key}")]
    DuplicateKey {
        /// The map holding the key.
        at: MapLocation,
        /// The key (type and key data), hex.
        key: String,
    },
    /// Fewer input or output maps follow than the PSBT declares.
    #[error("psbt declares {declared} {} maps ({declared_by}) but {at} is missing", .at.kind())]
    MissingMap {
        /// The first map that is missing.
        at: MapLocation,
        /// How many maps of that kind were declared.
        declared: u64,
        /// What declares the count (`PSBT_GLOBAL_INPUT_COUNT`, the unsigned transaction, ...).
        declared_by: &'static str,
    },
    /// Bytes follow the last declared output map.
    #[error("psbt has {count} bytes after its last map (more maps than declared, or garbage)")]
    TrailingData {
        /// How many bytes follow.
        count: usize,
    },
    /// `PSBT_GLOBAL_VERSION` is neither 0 nor 2.
    #[error("psbt version {0} is not supported (PSBT_GLOBAL_VERSION must be 0 or 2)")]
    UnsupportedVersion(u32),
    /// A field's key data or value has the wrong shape.
    #[error("psbt {at} has a malformed {field}: {reason}")]
    MalformedField {
        /// The map holding the field.
        at: MapLocation,
        /// The field's BIP name, e.g. `PSBT_IN_OUTPUT_INDEX`.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A version 0 PSBT contains a field that BIP370 excludes from version 0.
    #[error("psbt v0 must not contain {field} (a psbt v2 field) in {at}")]
    V2FieldInV0 {
        /// The map holding the field.
        at: MapLocation,
        /// The field's BIP name.
        field: &'static str,
    },
    /// A version 0 PSBT has no unsigned transaction.
    #[error("psbt v0 has no unsigned transaction (PSBT_GLOBAL_UNSIGNED_TX)")]
    MissingUnsignedTx,
    /// A version 2 PSBT contains an unsigned transaction.
    #[error("psbt v2 (PSBT_GLOBAL_VERSION = 2) must not contain an unsigned transaction (PSBT_GLOBAL_UNSIGNED_TX)")]
    UnsignedTxInV2,
    /// A version 2 PSBT lacks a field BIP370 requires.
    #[error("psbt v2 {at} has no {what} ({field})")]
    MissingField {
        /// The map that lacks it.
        at: MapLocation,
        /// A plain description ("previous txid").
        what: &'static str,
        /// The field's BIP name.
        field: &'static str,
    },
    /// `PSBT_IN_REQUIRED_TIME_LOCKTIME` is below 500000000.
    #[error("psbt v2 input {index} has a required time-based locktime {value} below 500000000 (PSBT_IN_REQUIRED_TIME_LOCKTIME)")]
    TimeLocktimeOutOfRange {
        /// The input.
        index: usize,
        /// The value found.
        value: u32,
    },
    /// `PSBT_IN_REQUIRED_HEIGHT_LOCKTIME` is 0 or at least 500000000.
    #[error("psbt v2 input {index} has a required height-based locktime {value} outside 1..500000000 (PSBT_IN_REQUIRED_HEIGHT_LOCKTIME)")]
    HeightLocktimeOutOfRange {
        /// The input.
        index: usize,
        /// The value found.
        value: u32,
    },
    /// No lock time satisfies every input (BIP370 § "Determining Lock Time").
    #[error("psbt v2 lock time cannot be determined: input {height_input} requires a block height (PSBT_IN_REQUIRED_HEIGHT_LOCKTIME) and input {time_input} a timestamp (PSBT_IN_REQUIRED_TIME_LOCKTIME)")]
    IncompatibleLocktimes {
        /// An input that accepts only a height-based lock time.
        height_input: usize,
        /// An input that accepts only a time-based lock time.
        time_input: usize,
    },
    /// `PSBT_OUT_AMOUNT` is negative.
    #[error("psbt v2 output {index} has a negative amount {value} (PSBT_OUT_AMOUNT)")]
    NegativeAmount {
        /// The output.
        index: usize,
        /// The value found.
        value: i64,
    },
    /// An output amount does not fit `PSBT_OUT_AMOUNT`, a signed 64-bit integer.
    #[error("psbt output {index} amount {sats} sat does not fit PSBT_OUT_AMOUNT (a signed 64-bit integer)")]
    AmountTooLarge {
        /// The output.
        index: usize,
        /// The amount.
        sats: u64,
    },
    /// An input's non-witness UTXO is not the transaction its outpoint spends from.
    #[error(
        "psbt input {index} has a non-witness utxo that does not match its outpoint: {reason}"
    )]
    NonWitnessUtxoMismatch {
        /// The input.
        index: usize,
        /// What does not match.
        reason: String,
    },
    /// The [`V2Extras`] given to [`serialize_v2`] describe a different number of inputs.
    #[error("psbt v2 extras describe {extras} inputs but the psbt has {psbt}")]
    ExtrasInputCount {
        /// Inputs in the extras.
        extras: usize,
        /// Inputs in the PSBT.
        psbt: usize,
    },
    /// The [`V2Extras`] given to [`serialize_v2`] determine another lock time than the
    /// unsigned transaction has, so a version 2 reader would sign a different transaction.
    #[error(
        "psbt v2 extras determine lock time {required} but the unsigned transaction has {actual}"
    )]
    ExtrasLockTimeMismatch {
        /// The lock time the extras' required lock times determine.
        required: u32,
        /// The unsigned transaction's lock time.
        actual: u32,
    },
    /// [`serialize_v2`] was given a [`Psbt`] whose version field is not 0.
    #[error("psbt to write as v2 must be a version 0 psbt, but its version field is {0}")]
    NotVersion0(u32),
    /// rust-bitcoin read a different number of input or output maps than were split off
    /// (not expected: both follow the unsigned transaction's counts).
    #[error("psbt read with a different number of input or output maps than it was split into")]
    MapCountChanged,
    /// rust-bitcoin rejected the (converted) version 0 PSBT.
    #[error("psbt rejected by rust-bitcoin: {0}")]
    Psbt(#[source] bitcoin::psbt::Error),
}

/// Reads a PSBT of version 0 or 2 from its raw bytes (starting with the magic `psbt` 0xff).
///
/// Returns the PSBT as a version 0 [`Psbt`], the version it was written in, and for version 2
/// the [`V2Extras`] needed to write it back with [`serialize_v2`]. A version 2 PSBT is checked
/// against BIP370 (required fields present, version 0 fields absent, required lock times in
/// range, counts matching the maps, no duplicate keys) and converted: the unsigned transaction
/// is built from the per-input and per-output fields and the lock time determined as BIP370
/// says; the version 2 fields are removed and every other pair is handed on unchanged. A
/// version 0 PSBT must not contain any version 2 field. Either way rust-bitcoin then checks
/// the fields it understands, and, as Bitcoin Core does, an input's non-witness UTXO must be
/// the transaction its outpoint spends from.
pub fn parse_any(bytes: &[u8]) -> Result<(Psbt, PsbtVersion, Option<V2Extras>), PsbtV2Error> {
    parse_any_knowing(bytes, &KnownKeys::none())
}

/// [`parse_any`], taking the keys `known` holds as those points instead of decompressing them
/// (see [`KnownKeys`]): the same result, or the same kind of error, with less work.
pub fn parse_any_knowing(
    bytes: &[u8],
    known: &KnownKeys,
) -> Result<(Psbt, PsbtVersion, Option<V2Extras>), PsbtV2Error> {
    let mut raw = RawPsbt::parse(bytes)?;
    let version = raw.version;
    let lifted = Lifted::take(&mut raw.inputs, &mut raw.outputs, known);
    // The raw maps are a second copy of every pair: not kept while rust-bitcoin parses.
    let (mut psbt, extras) = match version {
        PsbtVersion::V0 => {
            raw.reject_v2_fields()?;
            // Without the taken pairs when any were taken; else the bytes as they came.
            let rest = (!lifted.is_empty()).then(|| raw.write_v0(bytes.len()));
            drop(raw);
            let psbt = Psbt::deserialize(rest.as_deref().unwrap_or(bytes));
            (psbt.map_err(PsbtV2Error::Psbt)?, None)
        }
        PsbtVersion::V2 => {
            let (v0_bytes, extras) = v2_to_v0(&raw)?;
            drop(raw);
            let psbt = Psbt::deserialize(&v0_bytes).map_err(PsbtV2Error::Psbt)?;
            (psbt, Some(extras))
        }
    };
    lifted.put_back(&mut psbt)?;
    check_non_witness_utxos(&psbt)?;
    super::bip373::check(&psbt)?;
    Ok((psbt, version, extras))
}

/// Writes a version 0 [`Psbt`] as a version 2 PSBT (raw bytes, starting with the magic).
///
/// Writes `PSBT_GLOBAL_VERSION` = 2, the transaction version, the fallback lock time, the input
/// and output counts, and per input the previous txid, output index and sequence, per output
/// the amount and script; every other pair of the version 0 serialization is kept unchanged.
///
/// Without `extras` the fallback lock time is the transaction's lock time and every sequence is
/// written. With `extras` (from [`parse_any`]) the transaction-modifiable flags and required
/// lock times are restored, and the fallback lock time and final sequences are written only
/// where the original had them. The extras must describe as many inputs as the PSBT has, and
/// their required lock times must determine the transaction's lock time, else this fails
/// rather than write a PSBT that describes another transaction.
///
/// Keys are written in Bitcoin Core's order (`src/psbt.h`, `Serialize`): by field type in the
/// order Core writes the types (which is not plain type order: in an input the final
/// scriptSig/witness follow the taproot and MuSig2 fields and precede the version 2 fields; in
/// an output proprietary keys precede the taproot fields), then within a type in Core's map
/// order: global xpubs by key origin, partial signatures by the pubkey's hash160, taproot leaf
/// scripts by script, leaf version and shortest control block, MuSig2 nonces and partial
/// signatures by aggregate key, leaf hash and participant, and everything else by key bytes.
/// Unknown key types go last, by key bytes. (Core drops partial signatures and similar fields of
/// a finalized input when it writes; this function keeps everything.)
pub fn serialize_v2(psbt: &Psbt, extras: Option<&V2Extras>) -> Result<Vec<u8>, PsbtV2Error> {
    if psbt.version != 0 {
        return Err(PsbtV2Error::NotVersion0(psbt.version));
    }
    // rust-bitcoin's own serialization, split into maps. Parsing checks that there are exactly
    // as many input and output maps as the unsigned transaction has inputs and outputs.
    let bytes = psbt.serialize();
    let raw = RawPsbt::parse(&bytes)?;
    raw.reject_v2_fields()?;
    let tx = &psbt.unsigned_tx;
    let lock_time = tx.lock_time.to_consensus_u32();
    if let Some(extras) = extras {
        if extras.inputs.len() != tx.input.len() {
            return Err(PsbtV2Error::ExtrasInputCount {
                extras: extras.inputs.len(),
                psbt: tx.input.len(),
            });
        }
        for (index, input) in extras.inputs.iter().enumerate() {
            if let Some(value) = input.required_time_locktime {
                if value < LOCKTIME_THRESHOLD {
                    return Err(PsbtV2Error::TimeLocktimeOutOfRange { index, value });
                }
            }
            if let Some(value) = input.required_height_locktime {
                if value == 0 || value >= LOCKTIME_THRESHOLD {
                    return Err(PsbtV2Error::HeightLocktimeOutOfRange { index, value });
                }
            }
        }
        if extras.has_required_locktime() {
            let required = extras.lock_time()?;
            if required != lock_time {
                return Err(PsbtV2Error::ExtrasLockTimeMismatch {
                    required,
                    actual: lock_time,
                });
            }
        }
    }

    // Global map: drop the unsigned transaction, add the version 2 fields.
    let mut global: Vec<Pair> = raw
        .global
        .pairs
        .into_iter()
        .filter(|p| p.key_type != GLOBAL_UNSIGNED_TX)
        .collect();
    global.push(Pair::simple(
        GLOBAL_TX_VERSION,
        tx.version.0.to_le_bytes().to_vec(),
    ));
    let fallback = match extras {
        None => Some(lock_time),
        Some(e) if e.has_required_locktime() => e.fallback_locktime,
        Some(e) if e.fallback_locktime.is_none() && lock_time == 0 => None,
        Some(_) => Some(lock_time),
    };
    if let Some(fallback) = fallback {
        global.push(Pair::simple(
            GLOBAL_FALLBACK_LOCKTIME,
            fallback.to_le_bytes().to_vec(),
        ));
    }
    global.push(Pair::simple(
        GLOBAL_INPUT_COUNT,
        compact_size(tx.input.len() as u64),
    ));
    global.push(Pair::simple(
        GLOBAL_OUTPUT_COUNT,
        compact_size(tx.output.len() as u64),
    ));
    if let Some(flags) = extras.and_then(|e| e.tx_modifiable) {
        global.push(Pair::simple(GLOBAL_TX_MODIFIABLE, vec![flags]));
    }
    global.push(Pair::simple(GLOBAL_VERSION, 2u32.to_le_bytes().to_vec()));

    let mut out = MAGIC.to_vec();
    write_map(&mut out, MapKind::Global, global);

    for (index, (map, txin)) in raw.inputs.into_iter().zip(&tx.input).enumerate() {
        let input_extras = extras.map(|e| e.inputs[index]).unwrap_or_default();
        let mut pairs = map.pairs;
        pairs.push(Pair::simple(
            IN_PREVIOUS_TXID,
            txin.previous_output.txid.to_byte_array().to_vec(),
        ));
        pairs.push(Pair::simple(
            IN_OUTPUT_INDEX,
            txin.previous_output.vout.to_le_bytes().to_vec(),
        ));
        let sequence = txin.sequence.to_consensus_u32();
        if extras.is_none() || input_extras.has_sequence || sequence != u32::MAX {
            pairs.push(Pair::simple(IN_SEQUENCE, sequence.to_le_bytes().to_vec()));
        }
        if let Some(t) = input_extras.required_time_locktime {
            pairs.push(Pair::simple(
                IN_REQUIRED_TIME_LOCKTIME,
                t.to_le_bytes().to_vec(),
            ));
        }
        if let Some(h) = input_extras.required_height_locktime {
            pairs.push(Pair::simple(
                IN_REQUIRED_HEIGHT_LOCKTIME,
                h.to_le_bytes().to_vec(),
            ));
        }
        write_map(&mut out, MapKind::Input, pairs);
    }

    for (index, (map, txout)) in raw.outputs.into_iter().zip(&tx.output).enumerate() {
        let sats = txout.value.to_sat();
        let amount =
            i64::try_from(sats).map_err(|_| PsbtV2Error::AmountTooLarge { index, sats })?;
        let mut pairs = map.pairs;
        pairs.push(Pair::simple(OUT_AMOUNT, amount.to_le_bytes().to_vec()));
        pairs.push(Pair::simple(
            OUT_SCRIPT,
            txout.script_pubkey.as_bytes().to_vec(),
        ));
        write_map(&mut out, MapKind::Output, pairs);
    }
    Ok(out)
}

/// Builds the version 0 bytes and the extras from a parsed version 2 PSBT.
fn v2_to_v0(raw: &RawPsbt) -> Result<(Vec<u8>, V2Extras), PsbtV2Error> {
    let g = &raw.global;
    let at = MapLocation::Global;
    // Presence of TX_VERSION and the counts was checked while parsing.
    let version = match fixed_field::<4>(g, at, GLOBAL_TX_VERSION)? {
        Some(v) => i32::from_le_bytes(v),
        None => {
            return Err(PsbtV2Error::MissingField {
                at,
                what: "transaction version",
                field: "PSBT_GLOBAL_TX_VERSION",
            })
        }
    };
    let fallback_locktime =
        fixed_field::<4>(g, at, GLOBAL_FALLBACK_LOCKTIME)?.map(u32::from_le_bytes);
    let tx_modifiable = fixed_field::<1>(g, at, GLOBAL_TX_MODIFIABLE)?.map(|[b]| b);

    let mut extras = V2Extras {
        fallback_locktime,
        tx_modifiable,
        inputs: Vec::new(),
    };
    let mut tx_inputs = Vec::new();
    for (index, map) in raw.inputs.iter().enumerate() {
        let at = MapLocation::Input(index);
        let txid =
            fixed_field::<32>(map, at, IN_PREVIOUS_TXID)?.ok_or(PsbtV2Error::MissingField {
                at,
                what: "previous txid",
                field: "PSBT_IN_PREVIOUS_TXID",
            })?;
        let vout =
            fixed_field::<4>(map, at, IN_OUTPUT_INDEX)?.ok_or(PsbtV2Error::MissingField {
                at,
                what: "spent output index",
                field: "PSBT_IN_OUTPUT_INDEX",
            })?;
        let sequence = fixed_field::<4>(map, at, IN_SEQUENCE)?.map(u32::from_le_bytes);
        let time = fixed_field::<4>(map, at, IN_REQUIRED_TIME_LOCKTIME)?.map(u32::from_le_bytes);
        if let Some(value) = time.filter(|t| *t < LOCKTIME_THRESHOLD) {
            return Err(PsbtV2Error::TimeLocktimeOutOfRange { index, value });
        }
        let height =
            fixed_field::<4>(map, at, IN_REQUIRED_HEIGHT_LOCKTIME)?.map(u32::from_le_bytes);
        if let Some(value) = height.filter(|h| *h == 0 || *h >= LOCKTIME_THRESHOLD) {
            return Err(PsbtV2Error::HeightLocktimeOutOfRange { index, value });
        }
        extras.inputs.push(V2InputExtras {
            has_sequence: sequence.is_some(),
            required_time_locktime: time,
            required_height_locktime: height,
        });
        tx_inputs.push(TxIn {
            previous_output: OutPoint {
                txid: Txid::from_byte_array(txid),
                vout: u32::from_le_bytes(vout),
            },
            script_sig: ScriptBuf::new(),
            sequence: Sequence(sequence.unwrap_or(u32::MAX)),
            witness: Witness::new(),
        });
    }
    let mut tx_outputs = Vec::new();
    for (index, map) in raw.outputs.iter().enumerate() {
        let at = MapLocation::Output(index);
        let amount = fixed_field::<8>(map, at, OUT_AMOUNT)?.ok_or(PsbtV2Error::MissingField {
            at,
            what: "amount",
            field: "PSBT_OUT_AMOUNT",
        })?;
        let amount = i64::from_le_bytes(amount);
        let sats = u64::try_from(amount).map_err(|_| PsbtV2Error::NegativeAmount {
            index,
            value: amount,
        })?;
        let script = v2_field(map, at, OUT_SCRIPT)?.ok_or(PsbtV2Error::MissingField {
            at,
            what: "script",
            field: "PSBT_OUT_SCRIPT",
        })?;
        tx_outputs.push(TxOut {
            value: Amount::from_sat(sats),
            script_pubkey: ScriptBuf::from_bytes(script.to_vec()),
        });
    }
    let tx = Transaction {
        version: Version(version),
        lock_time: LockTime::from_consensus(extras.lock_time()?),
        input: tx_inputs,
        output: tx_outputs,
    };

    let mut out = MAGIC.to_vec();
    // Serialized part by part, as rust-bitcoin does, so that a transaction without inputs is
    // not written in the segwit format.
    let mut tx_bytes = encode::serialize(&tx.version);
    tx_bytes.extend(encode::serialize(&tx.input));
    tx_bytes.extend(encode::serialize(&tx.output));
    tx_bytes.extend(encode::serialize(&tx.lock_time));
    write_pair(&mut out, &[GLOBAL_UNSIGNED_TX as u8], &tx_bytes);
    for p in &g.pairs {
        if !is_v2_field(MapKind::Global, p.key_type) && p.key_type != GLOBAL_VERSION {
            write_pair(&mut out, &p.key, &p.value);
        }
    }
    out.push(0x00);
    raw.write_input_and_output_maps(&mut out);
    Ok((out, extras))
}

/// Core rejects a PSBT whose non-witness UTXO is not the transaction its outpoint names.
fn check_non_witness_utxos(psbt: &Psbt) -> Result<(), PsbtV2Error> {
    for (index, (input, txin)) in psbt.inputs.iter().zip(&psbt.unsigned_tx.input).enumerate() {
        if let Some(prev) = &input.non_witness_utxo {
            let outpoint = txin.previous_output;
            let txid = prev.compute_txid();
            if txid != outpoint.txid {
                return Err(PsbtV2Error::NonWitnessUtxoMismatch {
                    index,
                    reason: format!("it is {txid}, the outpoint spends {}", outpoint.txid),
                });
            }
            if outpoint.vout as usize >= prev.output.len() {
                return Err(PsbtV2Error::NonWitnessUtxoMismatch {
                    index,
                    reason: format!(
                        "the outpoint spends output {} of a transaction with {} outputs",
                        outpoint.vout,
                        prev.output.len()
                    ),
                });
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Generic key-value structure.

/// One key-value pair. `key` is the key type (a compact size) followed by the key data.
#[derive(Debug, Clone)]
struct Pair {
    key: Vec<u8>,
    key_type: u64,
    type_len: usize,
    value: Vec<u8>,
}

impl Pair {
    /// A pair whose key is a single-byte type without key data.
    fn simple(key_type: u64, value: Vec<u8>) -> Self {
        debug_assert!(key_type < 0xfd);
        Pair {
            key: vec![key_type as u8],
            key_type,
            type_len: 1,
            value,
        }
    }

    fn key_data(&self) -> &[u8] {
        &self.key[self.type_len..]
    }
}

#[derive(Debug, Clone, Default)]
struct RawMap {
    pairs: Vec<Pair>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MapKind {
    Global,
    Input,
    Output,
}

/// A PSBT split into maps, with its version known and its map counts checked.
#[derive(Debug)]
struct RawPsbt {
    version: PsbtVersion,
    global: RawMap,
    inputs: Vec<RawMap>,
    outputs: Vec<RawMap>,
}

impl RawPsbt {
    fn parse(bytes: &[u8]) -> Result<Self, PsbtV2Error> {
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(PsbtV2Error::BadMagic);
        }
        let mut r = Reader {
            bytes,
            pos: MAGIC.len(),
        };
        let global = r.map(MapLocation::Global)?;
        let at = MapLocation::Global;

        let version = match fixed_field::<4>(&global, at, GLOBAL_VERSION)? {
            None => PsbtVersion::V0,
            Some(v) => match u32::from_le_bytes(v) {
                0 => PsbtVersion::V0,
                2 => PsbtVersion::V2,
                other => return Err(PsbtV2Error::UnsupportedVersion(other)),
            },
        };
        let unsigned_tx = global
            .pairs
            .iter()
            .find(|p| p.key_type == GLOBAL_UNSIGNED_TX);
        let (input_count, output_count, (inputs_by, outputs_by)) = match version {
            PsbtVersion::V0 => {
                let pair = unsigned_tx.ok_or(PsbtV2Error::MissingUnsignedTx)?;
                if !pair.key_data().is_empty() {
                    return Err(malformed(
                        at,
                        GLOBAL_UNSIGNED_TX,
                        MapKind::Global,
                        "it has key data".into(),
                    ));
                }
                for p in &global.pairs {
                    if is_v2_field(MapKind::Global, p.key_type) {
                        return Err(PsbtV2Error::V2FieldInV0 {
                            at,
                            field: field_name(MapKind::Global, p.key_type),
                        });
                    }
                }
                let (inputs, outputs) = unsigned_tx_counts(&pair.value)?;
                (
                    inputs,
                    outputs,
                    ("unsigned transaction", "unsigned transaction"),
                )
            }
            PsbtVersion::V2 => {
                if unsigned_tx.is_some() {
                    return Err(PsbtV2Error::UnsignedTxInV2);
                }
                if fixed_field::<4>(&global, at, GLOBAL_TX_VERSION)?.is_none() {
                    return Err(PsbtV2Error::MissingField {
                        at,
                        what: "transaction version",
                        field: "PSBT_GLOBAL_TX_VERSION",
                    });
                }
                let inputs =
                    count_field(&global, GLOBAL_INPUT_COUNT)?.ok_or(PsbtV2Error::MissingField {
                        at,
                        what: "input count",
                        field: "PSBT_GLOBAL_INPUT_COUNT",
                    })?;
                let outputs = count_field(&global, GLOBAL_OUTPUT_COUNT)?.ok_or(
                    PsbtV2Error::MissingField {
                        at,
                        what: "output count",
                        field: "PSBT_GLOBAL_OUTPUT_COUNT",
                    },
                )?;
                (
                    inputs,
                    outputs,
                    ("PSBT_GLOBAL_INPUT_COUNT", "PSBT_GLOBAL_OUTPUT_COUNT"),
                )
            }
        };

        // Maps are read one at a time and each takes at least its separator byte, so a huge
        // declared count fails as soon as the bytes run out; nothing is reserved up front.
        let mut inputs = Vec::new();
        for index in 0..input_count {
            let at = MapLocation::Input(index as usize);
            if r.remaining() == 0 {
                return Err(PsbtV2Error::MissingMap {
                    at,
                    declared: input_count,
                    declared_by: inputs_by,
                });
            }
            inputs.push(r.map(at)?);
        }
        let mut outputs = Vec::new();
        for index in 0..output_count {
            let at = MapLocation::Output(index as usize);
            if r.remaining() == 0 {
                return Err(PsbtV2Error::MissingMap {
                    at,
                    declared: output_count,
                    declared_by: outputs_by,
                });
            }
            outputs.push(r.map(at)?);
        }
        if r.remaining() != 0 {
            return Err(PsbtV2Error::TrailingData {
                count: r.remaining(),
            });
        }
        Ok(RawPsbt {
            version,
            global,
            inputs,
            outputs,
        })
    }

    /// The input and output maps without their version 2 fields, each with its separator.
    fn write_input_and_output_maps(&self, out: &mut Vec<u8>) {
        for (kind, maps) in [
            (MapKind::Input, &self.inputs),
            (MapKind::Output, &self.outputs),
        ] {
            for map in maps {
                for p in &map.pairs {
                    if !is_v2_field(kind, p.key_type) {
                        write_pair(out, &p.key, &p.value);
                    }
                }
                out.push(0x00);
            }
        }
    }

    /// A version 0 PSBT as it stands, written back (`capacity`: the length it was read from,
    /// so that the copy is made once).
    fn write_v0(&self, capacity: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(capacity);
        out.extend_from_slice(MAGIC);
        for p in &self.global.pairs {
            write_pair(&mut out, &p.key, &p.value);
        }
        out.push(0x00);
        self.write_input_and_output_maps(&mut out);
        out
    }

    /// BIP370: a version 0 PSBT must not contain any version 2 field.
    fn reject_v2_fields(&self) -> Result<(), PsbtV2Error> {
        let maps = std::iter::once((MapKind::Global, MapLocation::Global, &self.global))
            .chain(
                self.inputs
                    .iter()
                    .enumerate()
                    .map(|(i, m)| (MapKind::Input, MapLocation::Input(i), m)),
            )
            .chain(
                self.outputs
                    .iter()
                    .enumerate()
                    .map(|(i, m)| (MapKind::Output, MapLocation::Output(i), m)),
            );
        for (kind, at, map) in maps {
            if let Some(p) = map.pairs.iter().find(|p| is_v2_field(kind, p.key_type)) {
                return Err(PsbtV2Error::V2FieldInV0 {
                    at,
                    field: field_name(kind, p.key_type),
                });
            }
        }
        Ok(())
    }
}

/// Reads the input and output counts of a version 0 unsigned transaction (version, inputs,
/// outputs, lock time; never in the segwit format), checking that it fills the value.
fn unsigned_tx_counts(value: &[u8]) -> Result<(u64, u64), PsbtV2Error> {
    let bad = |reason: String| {
        malformed(
            MapLocation::Global,
            GLOBAL_UNSIGNED_TX,
            MapKind::Global,
            reason,
        )
    };
    let mut cur = value;
    let _version = Version::consensus_decode(&mut cur).map_err(|e| bad(e.to_string()))?;
    let inputs = Vec::<TxIn>::consensus_decode(&mut cur).map_err(|e| bad(e.to_string()))?;
    let outputs = Vec::<TxOut>::consensus_decode(&mut cur).map_err(|e| bad(e.to_string()))?;
    let _lock_time = LockTime::consensus_decode(&mut cur).map_err(|e| bad(e.to_string()))?;
    if !cur.is_empty() {
        return Err(bad(format!("{} bytes follow the transaction", cur.len())));
    }
    Ok((inputs.len() as u64, outputs.len() as u64))
}

/// Whether BIP370 excludes this key type from version 0 (and defines it for version 2).
fn is_v2_field(kind: MapKind, key_type: u64) -> bool {
    match kind {
        MapKind::Global => (GLOBAL_TX_VERSION..=GLOBAL_TX_MODIFIABLE).contains(&key_type),
        MapKind::Input => (IN_PREVIOUS_TXID..=IN_REQUIRED_HEIGHT_LOCKTIME).contains(&key_type),
        MapKind::Output => key_type == OUT_AMOUNT || key_type == OUT_SCRIPT,
    }
}

/// The BIP name of a field this module reads or writes.
fn field_name(kind: MapKind, key_type: u64) -> &'static str {
    match (kind, key_type) {
        (MapKind::Global, GLOBAL_UNSIGNED_TX) => "PSBT_GLOBAL_UNSIGNED_TX",
        (MapKind::Global, GLOBAL_TX_VERSION) => "PSBT_GLOBAL_TX_VERSION",
        (MapKind::Global, GLOBAL_FALLBACK_LOCKTIME) => "PSBT_GLOBAL_FALLBACK_LOCKTIME",
        (MapKind::Global, GLOBAL_INPUT_COUNT) => "PSBT_GLOBAL_INPUT_COUNT",
        (MapKind::Global, GLOBAL_OUTPUT_COUNT) => "PSBT_GLOBAL_OUTPUT_COUNT",
        (MapKind::Global, GLOBAL_TX_MODIFIABLE) => "PSBT_GLOBAL_TX_MODIFIABLE",
        (MapKind::Global, GLOBAL_VERSION) => "PSBT_GLOBAL_VERSION",
        (MapKind::Input, IN_PREVIOUS_TXID) => "PSBT_IN_PREVIOUS_TXID",
        (MapKind::Input, IN_OUTPUT_INDEX) => "PSBT_IN_OUTPUT_INDEX",
        (MapKind::Input, IN_SEQUENCE) => "PSBT_IN_SEQUENCE",
        (MapKind::Input, IN_REQUIRED_TIME_LOCKTIME) => "PSBT_IN_REQUIRED_TIME_LOCKTIME",
        (MapKind::Input, IN_REQUIRED_HEIGHT_LOCKTIME) => "PSBT_IN_REQUIRED_HEIGHT_LOCKTIME",
        (MapKind::Output, OUT_AMOUNT) => "PSBT_OUT_AMOUNT",
        (MapKind::Output, OUT_SCRIPT) => "PSBT_OUT_SCRIPT",
        _ => "field",
    }
}

fn kind_of(at: MapLocation) -> MapKind {
    match at {
        MapLocation::Global => MapKind::Global,
        MapLocation::Input(_) => MapKind::Input,
        MapLocation::Output(_) => MapKind::Output,
    }
}

fn malformed(at: MapLocation, key_type: u64, kind: MapKind, reason: String) -> PsbtV2Error {
    PsbtV2Error::MalformedField {
        at,
        field: field_name(kind, key_type),
        reason,
    }
}

/// The value of a field that takes no key data, if present. A key of that type with key data
/// is malformed (keys are unique, so there is at most one without).
fn v2_field(map: &RawMap, at: MapLocation, key_type: u64) -> Result<Option<&[u8]>, PsbtV2Error> {
    let mut found = None;
    for p in map.pairs.iter().filter(|p| p.key_type == key_type) {
        if !p.key_data().is_empty() {
            return Err(malformed(
                at,
                key_type,
                kind_of(at),
                format!("key {} has key data", p.key.to_lower_hex_string()),
            ));
        }
        found = Some(p.value.as_slice());
    }
    Ok(found)
}

/// Like [`v2_field`], for a value of exactly `N` bytes.
fn fixed_field<const N: usize>(
    map: &RawMap,
    at: MapLocation,
    key_type: u64,
) -> Result<Option<[u8; N]>, PsbtV2Error> {
    match v2_field(map, at, key_type)? {
        None => Ok(None),
        Some(v) => <[u8; N]>::try_from(v).map(Some).map_err(|_| {
            malformed(
                at,
                key_type,
                kind_of(at),
                format!("value has {} bytes instead of {N}", v.len()),
            )
        }),
    }
}

/// A global count field: one compact size filling the value.
fn count_field(global: &RawMap, key_type: u64) -> Result<Option<u64>, PsbtV2Error> {
    let at = MapLocation::Global;
    let Some(v) = v2_field(global, at, key_type)? else {
        return Ok(None);
    };
    let bad = |reason: &str| malformed(at, key_type, MapKind::Global, reason.into());
    match decode_compact_size(v) {
        Ok((n, used)) if used == v.len() => Ok(Some(n)),
        Ok(_) => Err(bad("value is longer than its compact size")),
        Err(CompactSizeError::Truncated) => Err(bad("value is not a compact size")),
        Err(CompactSizeError::NonCanonical) => Err(bad("non-canonical compact size")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CompactSizeError {
    Truncated,
    NonCanonical,
}

/// Decodes a compact size from the start of `b`: its value and how many bytes it took.
fn decode_compact_size(b: &[u8]) -> Result<(u64, usize), CompactSizeError> {
    let first = *b.first().ok_or(CompactSizeError::Truncated)?;
    let (len, min) = match first {
        0xfd => (2, 0xfd),
        0xfe => (4, 0x1_0000),
        0xff => (8, 0x1_0000_0000),
        n => return Ok((u64::from(n), 1)),
    };
    let bytes = b.get(1..1 + len).ok_or(CompactSizeError::Truncated)?;
    let mut buf = [0u8; 8];
    buf[..len].copy_from_slice(bytes);
    let n = u64::from_le_bytes(buf);
    if n < min {
        return Err(CompactSizeError::NonCanonical);
    }
    Ok((n, 1 + len))
}

fn compact_size(n: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(9);
    write_compact_size(&mut out, n);
    out
}

fn write_compact_size(out: &mut Vec<u8>, n: u64) {
    match n {
        0..=0xfc => out.push(n as u8),
        0xfd..=0xffff => {
            out.push(0xfd);
            out.extend_from_slice(&(n as u16).to_le_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(0xfe);
            out.extend_from_slice(&(n as u32).to_le_bytes());
        }
        _ => {
            out.push(0xff);
            out.extend_from_slice(&n.to_le_bytes());
        }
    }
}

fn write_pair(out: &mut Vec<u8>, key: &[u8], value: &[u8]) {
    write_compact_size(out, key.len() as u64);
    out.extend_from_slice(key);
    write_compact_size(out, value.len() as u64);
    out.extend_from_slice(value);
}

/// Writes a map in Bitcoin Core's key order, then its separator.
fn write_map(out: &mut Vec<u8>, kind: MapKind, mut pairs: Vec<Pair>) {
    pairs.sort_by(|a, b| core_order(kind, a, b));
    for p in &pairs {
        write_pair(out, &p.key, &p.value);
    }
    out.push(0x00);
}

/// The position of a key type in the order Bitcoin Core's `Serialize` writes a map.
fn core_rank(kind: MapKind, key_type: u64) -> u8 {
    const UNKNOWN: u8 = u8::MAX;
    let order: &[u64] = match kind {
        MapKind::Global => &[
            GLOBAL_UNSIGNED_TX,
            GLOBAL_XPUB,
            GLOBAL_TX_VERSION,
            GLOBAL_FALLBACK_LOCKTIME,
            GLOBAL_INPUT_COUNT,
            GLOBAL_OUTPUT_COUNT,
            GLOBAL_TX_MODIFIABLE,
            GLOBAL_VERSION,
            GLOBAL_PROPRIETARY,
        ],
        // utxos, partial sigs, sighash, scripts, bip32, preimages, taproot, musig2, finals,
        // v2 fields, proprietary.
        MapKind::Input => &[
            0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0a, 0x0b, 0x0c, 0x0d, 0x13, 0x14, 0x15,
            0x16, 0x17, 0x18, 0x1a, 0x1b, 0x1c, 0x07, 0x08, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0xfc,
        ],
        // scripts, bip32, v2 fields, proprietary, taproot, musig2.
        MapKind::Output => &[0x00, 0x01, 0x02, 0x03, 0x04, 0xfc, 0x05, 0x06, 0x07, 0x08],
    };
    order
        .iter()
        .position(|t| *t == key_type)
        .map_or(UNKNOWN, |p| p as u8)
}

fn core_order(kind: MapKind, a: &Pair, b: &Pair) -> Ordering {
    core_rank(kind, a.key_type)
        .cmp(&core_rank(kind, b.key_type))
        .then_with(|| {
            if a.key_type != b.key_type {
                return a.key.cmp(&b.key);
            }
            match (kind, a.key_type) {
                (MapKind::Global, GLOBAL_XPUB) => key_origin(&a.value).cmp(&key_origin(&b.value)),
                (MapKind::Input, IN_PARTIAL_SIG) => {
                    hash160::Hash::hash(a.key_data()).cmp(&hash160::Hash::hash(b.key_data()))
                }
                (MapKind::Input, IN_TAP_LEAF_SCRIPT) => {
                    let leaf = |p: &Pair| {
                        p.value
                            .split_last()
                            .map(|(ver, script)| (script.to_vec(), *ver))
                    };
                    leaf(a).cmp(&leaf(b)).then(a.key.len().cmp(&b.key.len()))
                }
                (MapKind::Input, IN_MUSIG2_PUB_NONCE | IN_MUSIG2_PARTIAL_SIG) => {
                    musig_order(a.key_data()).cmp(&musig_order(b.key_data()))
                }
                _ => Ordering::Equal,
            }
            .then_with(|| a.key.cmp(&b.key))
        })
}

/// Core keeps global xpubs in a map keyed by key origin: fingerprint, then path length, then
/// path. `None` for a value that is not an origin.
fn key_origin(value: &[u8]) -> Option<([u8; 4], usize, Vec<u32>)> {
    if value.len() < 4 || value.len() % 4 != 0 {
        return None;
    }
    let fingerprint = [value[0], value[1], value[2], value[3]];
    let path: Vec<u32> = value[4..]
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    Some((fingerprint, path.len(), path))
}

/// Core keeps MuSig2 nonces and partial signatures keyed by (aggregate key, leaf hash) and
/// then participant; the key data is participant (33), aggregate (33), optional leaf hash (32).
fn musig_order(key_data: &[u8]) -> Option<(&[u8], [u8; 32], &[u8])> {
    if key_data.len() != 66 && key_data.len() != 98 {
        return None;
    }
    let mut leaf = [0u8; 32];
    if key_data.len() == 98 {
        leaf.copy_from_slice(&key_data[66..]);
    }
    Some((&key_data[33..66], leaf, &key_data[..33]))
}

/// A cursor over the PSBT bytes that checks every length against what remains.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn compact_size(&mut self, at: MapLocation, what: &'static str) -> Result<u64, PsbtV2Error> {
        let rest = &self.bytes[self.pos..];
        match decode_compact_size(rest) {
            Ok((n, used)) => {
                self.pos += used;
                Ok(n)
            }
            Err(CompactSizeError::Truncated) => Err(PsbtV2Error::Truncated {
                at,
                what,
                offset: self.pos,
                needed: match rest.first() {
                    Some(0xfd) => 3,
                    Some(0xfe) => 5,
                    Some(0xff) => 9,
                    _ => 1,
                },
                available: rest.len(),
            }),
            Err(CompactSizeError::NonCanonical) => Err(PsbtV2Error::NonCanonicalCompactSize {
                at,
                what,
                offset: self.pos,
            }),
        }
    }

    fn take(
        &mut self,
        n: u64,
        at: MapLocation,
        what: &'static str,
    ) -> Result<&'a [u8], PsbtV2Error> {
        let available = self.remaining();
        match usize::try_from(n) {
            Ok(len) if len <= available => {
                let slice = &self.bytes[self.pos..self.pos + len];
                self.pos += len;
                Ok(slice)
            }
            _ => Err(PsbtV2Error::Truncated {
                at,
                what,
                offset: self.pos,
                needed: n,
                available,
            }),
        }
    }

    /// Reads key-value pairs up to and including the map's 0x00 separator.
    fn map(&mut self, at: MapLocation) -> Result<RawMap, PsbtV2Error> {
        let mut map = RawMap::default();
        let mut seen: HashSet<&[u8]> = HashSet::new();
        loop {
            let key_len = self.compact_size(at, "key length")?;
            if key_len == 0 {
                return Ok(map);
            }
            let key = self.take(key_len, at, "key")?;
            let (key_type, type_len) =
                decode_compact_size(key).map_err(|_| PsbtV2Error::MalformedKeyType {
                    at,
                    key: key.to_lower_hex_string(),
                })?;
            let value_len = self.compact_size(at, "value length")?;
            let value = self.take(value_len, at, "value")?;
            if !seen.insert(key) {
                return Err(PsbtV2Error::DuplicateKey {
                    at,
                    key: key.to_lower_hex_string(),
                });
            }
            map.pairs.push(Pair {
                key: key.to_vec(),
                key_type,
                type_len,
                value: value.to_vec(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_size_round_trip_and_canonical() {
        for n in [
            0u64,
            1,
            0xfc,
            0xfd,
            0xffff,
            0x1_0000,
            0xffff_ffff,
            0x1_0000_0000,
            u64::MAX,
        ] {
            let b = compact_size(n);
            assert_eq!(decode_compact_size(&b), Ok((n, b.len())));
        }
        assert_eq!(
            decode_compact_size(&[0xfd, 0xfc, 0x00]),
            Err(CompactSizeError::NonCanonical)
        );
        assert_eq!(
            decode_compact_size(&[0xfe, 0xff, 0xff, 0x00, 0x00]),
            Err(CompactSizeError::NonCanonical)
        );
        assert_eq!(
            decode_compact_size(&[0xff, 0, 0]),
            Err(CompactSizeError::Truncated)
        );
        assert_eq!(decode_compact_size(&[]), Err(CompactSizeError::Truncated));
    }

    fn extras(inputs: &[(Option<u32>, Option<u32>)], fallback: Option<u32>) -> V2Extras {
        V2Extras {
            fallback_locktime: fallback,
            tx_modifiable: None,
            inputs: inputs
                .iter()
                .map(|&(h, t)| V2InputExtras {
                    has_sequence: false,
                    required_height_locktime: h,
                    required_time_locktime: t,
                })
                .collect(),
        }
    }

    #[test]
    fn lock_time_determination() {
        let t = 1_657_048_460;
        assert_eq!(extras(&[(None, None)], None).lock_time().unwrap(), 0);
        assert_eq!(extras(&[(None, None)], Some(7)).lock_time().unwrap(), 7);
        // The fallback is ignored once any input requires a lock time.
        assert_eq!(extras(&[(Some(5), None)], Some(7)).lock_time().unwrap(), 5);
        assert_eq!(
            extras(&[(Some(10), Some(t)), (None, Some(t + 1))], None)
                .lock_time()
                .unwrap(),
            t + 1
        );
        assert!(matches!(
            extras(&[(None, None), (Some(10), None), (None, Some(t))], None).lock_time(),
            Err(PsbtV2Error::IncompatibleLocktimes {
                height_input: 1,
                time_input: 2
            })
        ));
    }

    #[test]
    fn core_order_within_types() {
        let pair = |key: Vec<u8>, value: Vec<u8>| {
            let (key_type, type_len) = decode_compact_size(&key).unwrap();
            Pair {
                key,
                key_type,
                type_len,
                value,
            }
        };
        // Input: final witness (0x08) after taproot (0x13), v2 fields after finals, proprietary
        // after them, unknown types last.
        let mut pairs = [
            pair(vec![0xfc, 0x00], vec![]),
            pair(vec![0x0e], vec![0; 32]),
            pair(vec![0x08], vec![0]),
            pair(vec![0x13], vec![0; 64]),
            pair(vec![0x30], vec![]),
            pair(vec![0x01], vec![]),
        ];
        pairs.sort_by(|a, b| core_order(MapKind::Input, a, b));
        let types: Vec<u64> = pairs.iter().map(|p| p.key_type).collect();
        assert_eq!(types, [0x01, 0x13, 0x08, 0x0e, 0xfc, 0x30]);

        // Global xpubs by key origin, not by xpub bytes.
        let mut xpubs = [
            pair(vec![0x01, 0x00], vec![0xbb, 0, 0, 0]),
            pair(vec![0x01, 0x01], vec![0xaa, 0, 0, 0, 1, 0, 0, 0]),
            pair(vec![0x01, 0x02], vec![0xaa, 0, 0, 0]),
        ];
        xpubs.sort_by(|a, b| core_order(MapKind::Global, a, b));
        let keys: Vec<u8> = xpubs.iter().map(|p| p.key[1]).collect();
        assert_eq!(keys, [0x02, 0x01, 0x00]);

        // Partial signatures by the hash160 of the pubkey, as Core's map keyed by CKeyID.
        let mut sigs: Vec<Pair> = (1u8..=6)
            .map(|i| {
                let mut key = vec![0x02, 0x02];
                key.extend([i; 32]);
                pair(key, vec![i])
            })
            .collect();
        sigs.sort_by(|a, b| core_order(MapKind::Input, a, b));
        let hashes: Vec<_> = sigs
            .iter()
            .map(|p| hash160::Hash::hash(p.key_data()))
            .collect();
        assert!(hashes.windows(2).all(|w| w[0] < w[1]));
    }
}

//! Decoding BC-UR multi-part ("fountain") transmissions completely.
//!
//! A multi-part UR (BCR-2020-005; the details are in BCR-2024-001, "Multipart UR") splits a
//! message into `seq_len` equal fragments. Part `n` for `n <= seq_len` carries fragment
//! `n - 1`; every later part carries the XOR of a pseudo-random set of fragments, chosen by
//! [`choose_fragments`] from the part's sequence number and the message checksum.
//!
//! The reference decoders (and the `ur` crate's) only subtract parts whose fragment sets
//! are subsets of one another ("peeling"). [`FountainDecoder`] instead keeps a row-echelon
//! basis over GF(2) of everything received: each part is one equation "XOR of these fragments
//! = this data". The message is determined exactly when the equations have rank `seq_len`,
//! and the decoder completes at that part, which is the earliest any decoder can.
//!
//! The encoder stays the `ur` crate's; this module only decodes.

use std::collections::HashSet;

use bitcoin::hashes::{sha256, Hash};

/// Largest `seq_len` a [`FountainDecoder::new`] accepts. The decoder's basis needs
/// `seq_len` bits per received part; 16 384 fragments is 2 KiB per part.
pub const DEFAULT_MAX_SEQ_LEN: usize = 16_384;

/// Largest message a [`FountainDecoder::new`] accepts: 16 MiB.
pub const DEFAULT_MAX_MESSAGE_LEN: usize = 16 * 1024 * 1024;

/// Why a fountain part was rejected or a message could not be reassembled.
/// Messages are one lower-case line with context.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FountainError {
    /// The bytes are not the CBOR the part format requires.
    #[error("fountain part is not valid cbor: {0}")]
    Cbor(String),
    /// The CBOR array does not have the 5 items `[seqNum, seqLen, messageLen, checksum, data]`.
    #[error("fountain part must be a cbor array of 5 items, not {0}")]
    ArrayLength(String),
    /// Bytes follow the part's CBOR array.
    #[error("fountain part has {0} bytes after its cbor array")]
    TrailingBytes(usize),
    /// A length field is zero, or the sequence number is 0 (they start at 1).
    #[error("fountain part has a zero {0}")]
    Zero(&'static str),
    /// The lengths do not describe one message split into equal fragments.
    #[error(
        "fountain part lengths disagree: a {message_len}-byte message in {fragment_len}-byte fragments needs {needed} fragments, the part says {seq_len}"
    )]
    InconsistentLengths {
        /// `seqLen` as received.
        seq_len: usize,
        /// `messageLen` as received.
        message_len: usize,
        /// Length of the part's data.
        fragment_len: usize,
        /// `ceil(message_len / fragment_len)`.
        needed: usize,
    },
    /// A claimed length is above the decoder's limit (or does not fit this platform).
    #[error("fountain part claims a {what} of {value}, above the limit of {limit}")]
    TooLarge {
        /// "sequence length" or "message length".
        what: &'static str,
        /// The claimed value.
        value: u64,
        /// The limit in force.
        limit: usize,
    },
    /// The part belongs to a different message than the parts received before it.
    #[error("mixed streams: fountain part has {what} {found}, the parts before it had {expected}")]
    MixedStreams {
        /// "sequence length", "message length", "checksum" or "fragment length".
        what: &'static str,
        /// This stream's value.
        expected: String,
        /// The part's value.
        found: String,
    },
    /// The part's data contradicts the parts received before it (same fragments, other bytes).
    #[error("fountain part {seq_num} contradicts the parts received before it")]
    Contradiction {
        /// The part's sequence number.
        seq_num: u32,
    },
    /// The bytes after `message_len` in the last fragment are not zero.
    #[error("reassembled fountain message has non-zero padding after its {message_len} bytes")]
    Padding {
        /// The message length.
        message_len: usize,
    },
    /// The reassembled message does not have the checksum the parts announced.
    #[error(
        "reassembled fountain message has crc-32 {actual:08x}, the parts announced {expected:08x}"
    )]
    ChecksumMismatch {
        /// The checksum in the parts.
        expected: u32,
        /// The checksum of the reassembled message.
        actual: u32,
    },
}

// ---------------------------------------------------------------------------------------------
// CRC-32
// ---------------------------------------------------------------------------------------------

const CRC32_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// CRC-32 (ISO-HDLC: the zlib/PNG/Ethernet one) of `data`, as BC-UR uses it.
pub fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for &b in data {
        c = CRC32_TABLE[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

// ---------------------------------------------------------------------------------------------
// Xoshiro256**, the random sampler, the shuffle and the fragment chooser (BCR-2024-001 § 4)
// ---------------------------------------------------------------------------------------------

/// The Xoshiro256** generator, seeded as BC-UR seeds it.
#[derive(Debug, Clone)]
pub struct Xoshiro256 {
    s: [u64; 4],
}

impl Xoshiro256 {
    /// From a SHA-256 digest: the state words are the digest's four big-endian 64-bit words.
    pub fn from_digest(digest: &[u8; 32]) -> Self {
        let mut s = [0u64; 4];
        for (i, word) in s.iter_mut().enumerate() {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(&digest[8 * i..8 * i + 8]);
            *word = u64::from_be_bytes(bytes);
        }
        Xoshiro256 { s }
    }

    /// From a seed: the state is [`Xoshiro256::from_digest`] of SHA-256(`seed`).
    pub fn from_seed(seed: &[u8]) -> Self {
        Self::from_digest(&sha256::Hash::hash(seed).to_byte_array())
    }

    /// Seeded with a checksum's 4 big-endian bytes (the reference's `Xoshiro256(crc32:)`).
    pub fn from_crc32(checksum: u32) -> Self {
        Self::from_seed(&checksum.to_be_bytes())
    }

    /// The next 64 output bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// `next_u64() / 2^64` in IEEE-754 double precision, as the Swift and C++ references
    /// compute it (the integer is rounded to the nearest double first). It can round to
    /// exactly 1.0 (about once in 2^54 draws); the callers below clamp their index for that case.
    pub fn next_double(&mut self) -> f64 {
        // 2^64, exact in f64; `as f64` rounds to nearest, ties to even, like Swift's Double(_:).
        const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;
        self.next_u64() as f64 / TWO_POW_64
    }

    /// A number in `low..=high`: `low + floor(next_double() * (high - low + 1))`.
    pub fn next_int(&mut self, low: u64, high: u64) -> u64 {
        let span = high.saturating_sub(low).saturating_add(1);
        let offset = (self.next_double() * span as f64) as u64;
        low + offset.min(span - 1)
    }

    /// A byte: `next_int(0, 255)`.
    pub fn next_byte(&mut self) -> u8 {
        self.next_int(0, 255) as u8
    }

    /// `count` bytes from [`Xoshiro256::next_byte`] (the test suites' `make_message`).
    pub fn next_data(&mut self, count: usize) -> Vec<u8> {
        (0..count).map(|_| self.next_byte()).collect()
    }
}

/// Walker-Vose alias sampler, built exactly as the reference's `RandomSampler`
/// (index lists filled in reverse order, IEEE-754 doubles), so it draws the same values.
#[derive(Debug, Clone)]
pub struct RandomSampler {
    probs: Vec<f64>,
    aliases: Vec<usize>,
}

impl RandomSampler {
    /// A sampler over `0..weights.len()` with probabilities proportional to `weights`.
    /// `None` if there are no weights, one is negative or not finite, or they sum to zero.
    pub fn new(weights: &[f64]) -> Option<Self> {
        if weights.iter().any(|w| !w.is_finite() || *w < 0.0) {
            return None;
        }
        let sum: f64 = weights.iter().sum();
        if weights.is_empty() || sum <= 0.0 || !sum.is_finite() {
            return None;
        }
        let n = weights.len();
        let mut p: Vec<f64> = weights.iter().map(|w| w * n as f64 / sum).collect();
        let mut small = Vec::new();
        let mut large = Vec::new();
        for i in (0..n).rev() {
            if p[i] < 1.0 {
                small.push(i);
            } else {
                large.push(i);
            }
        }
        let mut probs = vec![0.0; n];
        let mut aliases = vec![0; n];
        while !small.is_empty() && !large.is_empty() {
            let (Some(a), Some(g)) = (small.pop(), large.pop()) else {
                break;
            };
            probs[a] = p[a];
            aliases[a] = g;
            p[g] += p[a] - 1.0;
            if p[g] < 1.0 {
                small.push(g);
            } else {
                large.push(g);
            }
        }
        for g in large {
            probs[g] = 1.0;
        }
        // Only reachable through rounding.
        for a in small {
            probs[a] = 1.0;
        }
        Some(RandomSampler { probs, aliases })
    }

    /// Draws an index, using two doubles from `rng`.
    pub fn next(&self, rng: &mut Xoshiro256) -> usize {
        let r1 = rng.next_double();
        let r2 = rng.next_double();
        let n = self.probs.len();
        let i = ((n as f64 * r1) as usize).min(n - 1);
        if r2 < self.probs[i] {
            i
        } else {
            self.aliases[i]
        }
    }
}

/// The first `count` items of the reference's Fisher-Yates shuffle of `items`: repeatedly
/// remove the item at `next_int(0, remaining - 1)`. `count` is capped at `items.len()`.
pub fn shuffled<T: Clone>(items: &[T], rng: &mut Xoshiro256, count: usize) -> Vec<T> {
    let count = count.min(items.len());
    let mut remaining = items.to_vec();
    let mut result = Vec::with_capacity(count);
    while result.len() < count {
        let last = (remaining.len() - 1) as u64;
        let index = rng.next_int(0, last) as usize;
        result.push(remaining.remove(index));
    }
    result
}

fn degree_sampler(seq_len: usize) -> Option<RandomSampler> {
    let weights: Vec<f64> = (1..=seq_len).map(|d| 1.0 / d as f64).collect();
    RandomSampler::new(&weights)
}

/// The degree (number of fragments mixed) of a part, drawn from `rng` with probabilities
/// 1/1 : 1/2 : … : 1/`seq_len` (the reference's `DegreeChooser`). 0 if `seq_len` is 0.
pub fn choose_degree(seq_len: usize, rng: &mut Xoshiro256) -> usize {
    degree_sampler(seq_len).map_or(0, |s| s.next(rng) + 1)
}

/// Which fragments a stream mixes into each part (the reference's `FragmentChooser`), with
/// the degree sampler built once for the stream.
#[derive(Debug, Clone)]
pub struct FragmentChooser {
    seq_len: usize,
    checksum: u32,
    sampler: Option<RandomSampler>,
    indexes: Vec<usize>,
}

impl FragmentChooser {
    /// The chooser of the stream with `seq_len` fragments and message checksum `checksum`.
    pub fn new(seq_len: usize, checksum: u32) -> Self {
        FragmentChooser {
            seq_len,
            checksum,
            sampler: degree_sampler(seq_len),
            indexes: (0..seq_len).collect(),
        }
    }

    /// The 0-based fragment indexes XORed into part `seq_num`, ascending.
    /// Empty for `seq_num` 0 and for `seq_len` 0 (no such part exists).
    pub fn choose(&self, seq_num: u32) -> Vec<usize> {
        let Some(sampler) = &self.sampler else {
            return Vec::new();
        };
        if seq_num == 0 {
            return Vec::new();
        }
        if seq_num as usize <= self.seq_len {
            return vec![seq_num as usize - 1];
        }
        let mut seed = [0u8; 8];
        seed[..4].copy_from_slice(&seq_num.to_be_bytes());
        seed[4..].copy_from_slice(&self.checksum.to_be_bytes());
        let mut rng = Xoshiro256::from_seed(&seed);
        let degree = sampler.next(&mut rng) + 1;
        let mut chosen = shuffled(&self.indexes, &mut rng, degree);
        chosen.sort_unstable();
        chosen
    }
}

/// The 0-based fragment indexes XORed into part `seq_num` of a `seq_len`-fragment stream
/// whose message has CRC-32 `checksum`, ascending (BCR-2024-001 "Fragment Chooser"):
/// part `n <= seq_len` is fragment `n - 1`; later parts seed [`Xoshiro256`] with
/// SHA-256(`seq_num` ‖ `checksum`, both big-endian), draw a degree, then take that many
/// indexes from a shuffle. For many parts of one stream, [`FragmentChooser`] is cheaper.
///
/// A mixed part costs `O(seq_len)` time and memory (the degree weights and the index list),
/// so check `seq_len` before calling this with one taken from untrusted input.
pub fn choose_fragments(seq_num: u32, seq_len: usize, checksum: u32) -> Vec<usize> {
    if seq_num == 0 {
        return Vec::new();
    }
    if seq_num as usize <= seq_len {
        return vec![seq_num as usize - 1];
    }
    FragmentChooser::new(seq_len, checksum).choose(seq_num)
}

// ---------------------------------------------------------------------------------------------
// Parts
// ---------------------------------------------------------------------------------------------

/// One part of a multi-part UR: the CBOR array `[seqNum, seqLen, messageLen, checksum, data]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FountainPart {
    /// 1-based sequence number; parts above `seq_len` are mixed.
    pub seq_num: u32,
    /// Number of fragments of the message.
    pub seq_len: usize,
    /// Message length in bytes, without the last fragment's padding.
    pub message_len: usize,
    /// CRC-32 of the message.
    pub checksum: u32,
    /// The fragment, or the XOR of several; every part of a stream has the same length.
    pub data: Vec<u8>,
}

fn cbor_error(e: minicbor::decode::Error) -> FountainError {
    FountainError::Cbor(e.to_string())
}

fn claimed(what: &'static str, value: u64) -> Result<usize, FountainError> {
    usize::try_from(value).map_err(|_| FountainError::TooLarge {
        what,
        value,
        limit: usize::MAX,
    })
}

impl FountainPart {
    /// Decodes and [validates](FountainPart::validate) a part's CBOR.
    pub fn from_cbor(cbor: &[u8]) -> Result<Self, FountainError> {
        let part = Self::decode(cbor)?;
        part.validate()?;
        Ok(part)
    }

    /// Decodes a part's CBOR without checking that its lengths agree: exactly one
    /// definite-length array of 5 items (`seqNum` and `checksum` unsigned 32-bit, `seqLen`
    /// and `messageLen` unsigned, `data` a definite byte string) and nothing after it.
    /// Nothing is allocated from a claimed length; `data` is copied from the input.
    pub fn decode(cbor: &[u8]) -> Result<Self, FountainError> {
        let mut d = minicbor::Decoder::new(cbor);
        match d.array().map_err(cbor_error)? {
            Some(5) => {}
            Some(1) => return Err(FountainError::ArrayLength("1 item".into())),
            Some(n) => return Err(FountainError::ArrayLength(format!("{n} items"))),
            None => {
                return Err(FountainError::ArrayLength(
                    "an indefinite-length array".into(),
                ))
            }
        }
        let seq_num = d.u32().map_err(cbor_error)?;
        let seq_len = claimed("sequence length", d.u64().map_err(cbor_error)?)?;
        let message_len = claimed("message length", d.u64().map_err(cbor_error)?)?;
        let checksum = d.u32().map_err(cbor_error)?;
        let data = d.bytes().map_err(cbor_error)?.to_vec();
        let rest = cbor.len().saturating_sub(d.position());
        if rest != 0 {
            return Err(FountainError::TrailingBytes(rest));
        }
        Ok(FountainPart {
            seq_num,
            seq_len,
            message_len,
            checksum,
            data,
        })
    }

    /// The part's canonical CBOR.
    pub fn to_cbor(&self) -> Vec<u8> {
        let mut e = minicbor::Encoder::new(Vec::new());
        // Writing to a Vec cannot fail.
        let _ = e
            .array(5)
            .and_then(|e| e.u32(self.seq_num))
            .and_then(|e| e.u64(self.seq_len as u64))
            .and_then(|e| e.u64(self.message_len as u64))
            .and_then(|e| e.u32(self.checksum))
            .and_then(|e| e.bytes(&self.data));
        e.into_writer()
    }

    /// Checks that the part can belong to a stream: `seq_num`, `seq_len`, `message_len` and
    /// the data length are non-zero, and `seq_len` is exactly the number of `data.len()`-byte
    /// fragments a `message_len`-byte message needs (so padding is less than one fragment).
    /// Fragment sizes are the encoder's choice (BCR-2024-001), so no particular one is required.
    pub fn validate(&self) -> Result<(), FountainError> {
        if self.seq_num == 0 {
            return Err(FountainError::Zero("sequence number"));
        }
        if self.seq_len == 0 {
            return Err(FountainError::Zero("sequence length"));
        }
        if self.message_len == 0 {
            return Err(FountainError::Zero("message length"));
        }
        if self.data.is_empty() {
            return Err(FountainError::Zero("fragment length"));
        }
        let needed = self.message_len.div_ceil(self.data.len());
        if needed != self.seq_len {
            return Err(FountainError::InconsistentLengths {
                seq_len: self.seq_len,
                message_len: self.message_len,
                fragment_len: self.data.len(),
                needed,
            });
        }
        Ok(())
    }

    /// The fragments XORed into this part ([`choose_fragments`]; for a mixed part that costs
    /// `O(seq_len)`, so [`FountainDecoder`] checks `seq_len` against its limit first).
    pub fn fragment_indexes(&self) -> Vec<usize> {
        choose_fragments(self.seq_num, self.seq_len, self.checksum)
    }
}

// ---------------------------------------------------------------------------------------------
// The decoder
// ---------------------------------------------------------------------------------------------

/// Reassembles a message from fountain parts by Gaussian elimination over GF(2).
///
/// Each received part is reduced against a row-echelon basis (one row per pivot fragment:
/// a bitset over the `seq_len` fragments and the XOR of their data). A part that reduces to
/// nothing carries no new information; otherwise it becomes a new row. When the rank reaches
/// `seq_len`, back-substitution yields every fragment, the padding and CRC-32 are checked,
/// and the basis is freed.
///
/// Work per part is at most `rank` row XORs of `seq_len / 8 + fragment_len` bytes; memory is
/// one row per useful part, about `message_len + seq_len² / 8` bytes at most.
#[derive(Debug, Clone)]
pub struct FountainDecoder {
    max_seq_len: usize,
    max_message_len: usize,
    stream: Option<Stream>,
}

#[derive(Debug, Clone)]
struct Stream {
    seq_len: usize,
    message_len: usize,
    checksum: u32,
    fragment_len: usize,
    chooser: FragmentChooser,
    /// u64 words per row bitset.
    words: usize,
    /// Row index holding each pivot column, or `NONE`.
    pivot_row: Vec<u32>,
    /// Row bitsets, `words` each.
    masks: Vec<u64>,
    /// Row data, `fragment_len` each.
    data: Vec<u8>,
    rank: usize,
    seen: HashSet<u32>,
    parts_received: usize,
    /// Set once the rank reaches `seq_len`.
    result: Option<Result<Vec<u8>, FountainError>>,
}

const NONE: u32 = u32::MAX;

impl Default for FountainDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl FountainDecoder {
    /// A decoder with [`DEFAULT_MAX_SEQ_LEN`] and [`DEFAULT_MAX_MESSAGE_LEN`].
    pub fn new() -> Self {
        Self::with_limits(DEFAULT_MAX_SEQ_LEN, DEFAULT_MAX_MESSAGE_LEN)
    }

    /// A decoder that rejects parts claiming more than `max_seq_len` fragments
    /// (at most `u32::MAX - 1`) or a message longer than `max_message_len` bytes.
    pub fn with_limits(max_seq_len: usize, max_message_len: usize) -> Self {
        FountainDecoder {
            max_seq_len: max_seq_len.min(NONE as usize - 1),
            max_message_len,
            stream: None,
        }
    }

    /// Takes one part. `Ok(true)` if it added information (raised the rank), `Ok(false)` if it
    /// did not: a duplicate sequence number, a combination of parts already held, or any part
    /// once the decoder is complete.
    ///
    /// Errors, after which the decoder is unchanged: an invalid part
    /// ([`FountainPart::validate`]), a claimed length above the limits, a part of another
    /// stream (other `seq_len`, `message_len`, `checksum` or fragment length: "mixed
    /// streams"), or a part whose data contradicts the parts before it.
    pub fn receive(&mut self, part: &FountainPart) -> Result<bool, FountainError> {
        part.validate()?;
        if part.seq_len > self.max_seq_len {
            return Err(FountainError::TooLarge {
                what: "sequence length",
                value: part.seq_len as u64,
                limit: self.max_seq_len,
            });
        }
        if part.message_len > self.max_message_len {
            return Err(FountainError::TooLarge {
                what: "message length",
                value: part.message_len as u64,
                limit: self.max_message_len,
            });
        }
        let stream = match &mut self.stream {
            Some(stream) => {
                stream.check_same_stream(part)?;
                stream
            }
            None => self.stream.insert(Stream::new(part)),
        };
        stream.receive(part)
    }

    /// True once the received parts determine the message (rank = `seq_len`), even if the
    /// message then fails its checks ([`FountainDecoder::message`] reports that).
    pub fn is_complete(&self) -> bool {
        self.stream.as_ref().is_some_and(|s| s.result.is_some())
    }

    /// The message once complete: `Ok(None)` before, `Ok(Some(..))` if its padding is zero
    /// and its CRC-32 equals the parts' checksum, the error otherwise.
    pub fn message(&self) -> Result<Option<&[u8]>, FountainError> {
        match self.stream.as_ref().and_then(|s| s.result.as_ref()) {
            None => Ok(None),
            Some(Ok(message)) => Ok(Some(message)),
            Some(Err(e)) => Err(e.clone()),
        }
    }

    /// Valid parts of this stream taken so far, counting each sequence number once
    /// (including parts that brought no new information).
    pub fn parts_received(&self) -> usize {
        self.stream.as_ref().map_or(0, |s| s.parts_received)
    }

    /// `seq_len`, the number of parts a lossless transfer needs; `None` before the first part.
    pub fn expected_parts(&self) -> Option<usize> {
        self.stream.as_ref().map(|s| s.seq_len)
    }

    /// Independent equations held: the number of fragments' worth of information received.
    pub fn rank(&self) -> usize {
        self.stream.as_ref().map_or(0, |s| s.rank)
    }

    /// `rank / seq_len`, from 0.0 to 1.0 (1.0 exactly when complete). It is exact: every
    /// further useful part adds one fragment's worth, so at least `seq_len - rank` more parts
    /// are needed.
    pub fn progress(&self) -> f64 {
        self.stream
            .as_ref()
            .map_or(0.0, |s| s.rank as f64 / s.seq_len as f64)
    }
}

fn xor_into(dst: &mut [u8], src: &[u8]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d ^= s;
    }
}

impl Stream {
    fn new(part: &FountainPart) -> Self {
        Stream {
            seq_len: part.seq_len,
            message_len: part.message_len,
            checksum: part.checksum,
            fragment_len: part.data.len(),
            chooser: FragmentChooser::new(part.seq_len, part.checksum),
            words: part.seq_len.div_ceil(64),
            pivot_row: vec![NONE; part.seq_len],
            masks: Vec::new(),
            data: Vec::new(),
            rank: 0,
            seen: HashSet::new(),
            parts_received: 0,
            result: None,
        }
    }

    fn check_same_stream(&self, part: &FountainPart) -> Result<(), FountainError> {
        let mismatch = |what, expected: String, found: String| {
            Err(FountainError::MixedStreams {
                what,
                expected,
                found,
            })
        };
        if part.seq_len != self.seq_len {
            return mismatch(
                "sequence length",
                self.seq_len.to_string(),
                part.seq_len.to_string(),
            );
        }
        if part.message_len != self.message_len {
            return mismatch(
                "message length",
                self.message_len.to_string(),
                part.message_len.to_string(),
            );
        }
        if part.checksum != self.checksum {
            return mismatch(
                "checksum",
                format!("{:08x}", self.checksum),
                format!("{:08x}", part.checksum),
            );
        }
        if part.data.len() != self.fragment_len {
            return mismatch(
                "fragment length",
                self.fragment_len.to_string(),
                part.data.len().to_string(),
            );
        }
        Ok(())
    }

    fn receive(&mut self, part: &FountainPart) -> Result<bool, FountainError> {
        if self.result.is_some() || self.seen.contains(&part.seq_num) {
            return Ok(false);
        }
        let mut mask = vec![0u64; self.words];
        for i in self.chooser.choose(part.seq_num) {
            mask[i / 64] |= 1 << (i % 64);
        }
        let mut data = part.data.clone();
        let pivot = self.reduce(&mut mask, &mut data);
        let Some(pivot) = pivot else {
            if data.iter().any(|&b| b != 0) {
                return Err(FountainError::Contradiction {
                    seq_num: part.seq_num,
                });
            }
            self.seen.insert(part.seq_num);
            self.parts_received += 1;
            return Ok(false);
        };
        self.seen.insert(part.seq_num);
        self.parts_received += 1;
        // `rank < seq_len <= u32::MAX - 1`, so the row index fits and is not NONE.
        self.pivot_row[pivot] = self.rank as u32;
        self.masks.extend_from_slice(&mask);
        self.data.extend_from_slice(&data);
        self.rank += 1;
        if self.rank == self.seq_len {
            self.result = Some(self.solve());
            self.masks = Vec::new();
            self.data = Vec::new();
            self.pivot_row = Vec::new();
            self.seen = HashSet::new();
        }
        Ok(true)
    }

    /// Reduces a row against the basis, lowest column first. Each basis row's lowest set bit
    /// is its pivot, so XORing it in never disturbs columns already passed. Returns the new
    /// row's pivot (its lowest remaining bit), or `None` if it reduced to zero.
    fn reduce(&self, mask: &mut [u64], data: &mut [u8]) -> Option<usize> {
        let (words, flen) = (self.words, self.fragment_len);
        for w in 0..words {
            let mut pending = mask[w];
            while pending != 0 {
                let bit = pending.trailing_zeros() as usize;
                pending &= pending - 1;
                let row = self.pivot_row[w * 64 + bit];
                if row == NONE {
                    continue;
                }
                let row = row as usize;
                // The basis row is zero below column `w * 64 + bit`.
                let row_mask = &self.masks[row * words..(row + 1) * words];
                for (m, r) in mask[w..].iter_mut().zip(&row_mask[w..]) {
                    *m ^= r;
                }
                xor_into(data, &self.data[row * flen..(row + 1) * flen]);
                let above = if bit == 63 { 0 } else { !0u64 << (bit + 1) };
                pending = mask[w] & above;
            }
        }
        mask.iter()
            .enumerate()
            .find(|(_, &m)| m != 0)
            .map(|(w, m)| w * 64 + m.trailing_zeros() as usize)
    }

    /// Back-substitution once every column has a pivot: fragments from the last to the first,
    /// each row's data XOR the already solved fragments of its other columns.
    fn solve(&self) -> Result<Vec<u8>, FountainError> {
        let (words, flen, n) = (self.words, self.fragment_len, self.seq_len);
        let mut out = vec![0u8; n * flen];
        for col in (0..n).rev() {
            let row = self.pivot_row[col] as usize;
            let (head, solved) = out.split_at_mut((col + 1) * flen);
            let fragment = &mut head[col * flen..];
            fragment.copy_from_slice(&self.data[row * flen..(row + 1) * flen]);
            let row_mask = &self.masks[row * words..(row + 1) * words];
            for (w, &m) in row_mask.iter().enumerate() {
                let mut bits = m;
                while bits != 0 {
                    let j = w * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    if j > col {
                        let k = j - col - 1;
                        xor_into(fragment, &solved[k * flen..(k + 1) * flen]);
                    }
                }
            }
        }
        if out[self.message_len..].iter().any(|&b| b != 0) {
            return Err(FountainError::Padding {
                message_len: self.message_len,
            });
        }
        out.truncate(self.message_len);
        let actual = crc32(&out);
        if actual != self.checksum {
            return Err(FountainError::ChecksumMismatch {
                expected: self.checksum,
                actual,
            });
        }
        Ok(out)
    }
}

//! BBQr ("Better Bitcoin QR", Coinkite): a file split across QR codes that can be scanned in
//! any order. Each part is `B$`, an encoding (`H` hex, `2` base32 without padding, `Z` raw
//! DEFLATE then base32), a file type (`P` PSBT, `T` transaction, `J` JSON, `C` CBOR, `U`
//! UTF-8 text, `B` binary, `X` executable), two base-36 digits for the number of parts and two
//! for this part's index, then the data. Every part decodes to whole bytes on its own; for `Z`
//! the whole file was compressed before splitting, so it is inflated once all parts are in.
//!
//! Spec: `BBQr.md` in github.com/coinkite/BBQr. Decoding never panics; inflated output and the
//! data held while collecting are bounded by [`MAX_OUTPUT`] (or [`BbqrJoiner::with_limit`]).

use data_encoding::{BASE32_NOPAD, HEXUPPER_PERMISSIVE};
use flate2::{Decompress, FlushDecompress, Status};

/// The largest file (after inflating) and the most part data a joiner holds: 64 MiB.
pub const MAX_OUTPUT: usize = 64 << 20;

/// Length of the fixed header `B$` + encoding + type + 2 + 2 base-36 digits.
pub const HEADER_LEN: usize = 8;

/// The file types the spec assigns; every other letter is reserved.
pub const FILE_TYPES: &str = "PTJCUBX";

/// Why a BBQr part or stream could not be read. Messages are one lower-case line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BbqrError {
    /// The text does not start with `B$`.
    #[error("not a bbqr part: it does not start with \"B$\"")]
    NotBbqr,
    /// The text ends inside the 8-character header.
    #[error("bbqr part is {len} characters long, shorter than its 8-character header")]
    TooShort {
        /// Characters present (after trimming).
        len: usize,
    },
    /// The header holds a non-ASCII character.
    #[error("bbqr header contains a non-ascii character")]
    NonAsciiHeader,
    /// The encoding letter is not `H`, `2` or `Z`.
    #[error("bbqr encoding {0:?} is not supported (expected H, 2 or Z)")]
    UnknownEncoding(char),
    /// The file type letter is not one the spec assigns.
    #[error("bbqr file type {0:?} is unknown (expected one of P, T, J, C, U, B, X)")]
    UnknownFileType(char),
    /// A count or index is not two base-36 digits.
    #[error("bbqr header has an invalid {field}: {text:?} is not two base-36 digits")]
    BadBase36 {
        /// "part count" or "part index".
        field: &'static str,
        /// The two characters found.
        text: String,
    },
    /// The header says the file has zero parts.
    #[error("bbqr header says the file has 0 parts")]
    ZeroParts,
    /// The part index is not below the part count.
    #[error("bbqr part index {index} is out of range: the file has {total} parts (0 to {})", .total.saturating_sub(1))]
    IndexOutOfRange {
        /// Index in the header.
        index: u16,
        /// Part count in the header.
        total: u16,
    },
    /// The data after the header is not valid in the part's encoding.
    #[error("bbqr part {index} holds invalid {encoding} data: {reason}")]
    BadData {
        /// Part index.
        index: u16,
        /// "hex" or "base32".
        encoding: &'static str,
        /// What the decoder reported.
        reason: String,
    },
    /// A part whose encoding, file type or part count differs from the parts already collected.
    #[error("bbqr part {got:?} is from a different stream than {expected:?} (encoding, file type and part count must match)")]
    MixedStream {
        /// The first 6 header characters of the stream being collected.
        expected: String,
        /// The first 6 header characters of the rejected part.
        got: String,
    },
    /// A part index seen twice with different data.
    #[error("bbqr part {index} was seen twice with different data")]
    ConflictingDuplicate {
        /// Part index.
        index: u16,
    },
    /// The stream was finished before every part arrived.
    #[error("bbqr stream is incomplete: {have} of {total} parts")]
    Incomplete {
        /// Distinct parts collected.
        have: usize,
        /// Parts in the file (0 when no part was added).
        total: usize,
    },
    /// The collected or inflated data passes the size limit.
    #[error("bbqr data exceeds the {limit}-byte limit")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The compressed data is not a valid DEFLATE stream.
    #[error("bbqr zlib data is corrupt: {0}")]
    CorruptZlib(String),
    /// The compressed data ends before its final block.
    #[error("bbqr zlib data is truncated: the compressed stream has no end")]
    TruncatedZlib,
    /// Bytes follow the end of the compressed stream.
    #[error("bbqr zlib data has {0} bytes after the end of the compressed stream")]
    TrailingZlib(usize),
}

/// How the data after the header is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// `H`: hexadecimal, two digits per byte.
    Hex,
    /// `2`: RFC 4648 base32 without padding.
    Base32,
    /// `Z`: raw DEFLATE (zlib wbits -10) of the whole file, then base32 without padding.
    Zlib,
}

impl Encoding {
    /// The header letter.
    pub fn code(self) -> char {
        match self {
            Encoding::Hex => 'H',
            Encoding::Base32 => '2',
            Encoding::Zlib => 'Z',
        }
    }

    fn from_code(c: u8) -> Option<Encoding> {
        match c {
            b'H' => Some(Encoding::Hex),
            b'2' => Some(Encoding::Base32),
            b'Z' => Some(Encoding::Zlib),
            _ => None,
        }
    }

    fn data_name(self) -> &'static str {
        match self {
            Encoding::Hex => "hex",
            Encoding::Base32 | Encoding::Zlib => "base32",
        }
    }
}

/// Whether `text` looks like a BBQr part (starts with `B$`, ignoring surrounding whitespace).
pub fn is_bbqr(text: &str) -> bool {
    text.trim_start().starts_with("B$")
}

/// One scanned QR code of a BBQr file, with its data decoded from hex or base32 (for `Z`,
/// still compressed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BbqrPart {
    encoding: Encoding,
    file_type: char,
    total: u16,
    index: u16,
    data: Vec<u8>,
}

fn base36_digit(c: u8) -> Option<u16> {
    match c {
        b'0'..=b'9' => Some(u16::from(c - b'0')),
        b'A'..=b'Z' => Some(u16::from(c - b'A') + 10),
        b'a'..=b'z' => Some(u16::from(c - b'a') + 10),
        _ => None,
    }
}

fn base36_pair(bytes: &[u8], field: &'static str) -> Result<u16, BbqrError> {
    match (base36_digit(bytes[0]), base36_digit(bytes[1])) {
        (Some(hi), Some(lo)) => Ok(hi * 36 + lo),
        _ => Err(BbqrError::BadBase36 {
            field,
            text: String::from_utf8_lossy(bytes).into_owned(),
        }),
    }
}

impl BbqrPart {
    /// Parses one part. Surrounding whitespace is ignored; the header must be upper case
    /// (base-36 digits and hex data are accepted in either case).
    pub fn parse(text: &str) -> Result<BbqrPart, BbqrError> {
        let text = text.trim();
        let bytes = text.as_bytes();
        if !bytes.starts_with(b"B$") {
            return Err(BbqrError::NotBbqr);
        }
        if bytes.len() < HEADER_LEN {
            return Err(BbqrError::TooShort {
                len: text.chars().count(),
            });
        }
        if !bytes[..HEADER_LEN].is_ascii() {
            return Err(BbqrError::NonAsciiHeader);
        }
        let encoding = Encoding::from_code(bytes[2])
            .ok_or(BbqrError::UnknownEncoding(char::from(bytes[2])))?;
        let file_type = char::from(bytes[3]);
        if !FILE_TYPES.contains(file_type) {
            return Err(BbqrError::UnknownFileType(file_type));
        }
        let total = base36_pair(&bytes[4..6], "part count")?;
        let index = base36_pair(&bytes[6..8], "part index")?;
        if total == 0 {
            return Err(BbqrError::ZeroParts);
        }
        if index >= total {
            return Err(BbqrError::IndexOutOfRange { index, total });
        }
        // The header is ASCII, so byte 8 is a character boundary.
        let body = &bytes[HEADER_LEN..];
        let decoded = match encoding {
            Encoding::Hex => HEXUPPER_PERMISSIVE.decode(body),
            Encoding::Base32 | Encoding::Zlib => BASE32_NOPAD.decode(body),
        };
        let data = decoded.map_err(|e| BbqrError::BadData {
            index,
            encoding: encoding.data_name(),
            reason: e.to_string(),
        })?;
        Ok(BbqrPart {
            encoding,
            file_type,
            total,
            index,
            data,
        })
    }

    /// The data encoding.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The file type letter (`P`, `T`, `J`, `C`, `U`, `B` or `X`).
    pub fn file_type(&self) -> char {
        self.file_type
    }

    /// Number of parts in the file (1 to 1295).
    pub fn total(&self) -> u16 {
        self.total
    }

    /// This part's index (below [`total`](Self::total)).
    pub fn index(&self) -> u16 {
        self.index
    }

    /// The decoded bytes (still compressed for [`Encoding::Zlib`]).
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The first 6 header characters: what every part of one file shares.
    fn stream_header(&self) -> String {
        format!(
            "B${}{}{}",
            self.encoding.code(),
            self.file_type,
            base36(self.total)
        )
    }
}

fn base36(n: u16) -> String {
    const DIGITS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let (hi, lo) = (usize::from(n / 36 % 36), usize::from(n % 36));
    format!("{}{}", char::from(DIGITS[hi]), char::from(DIGITS[lo]))
}

/// Parts collected so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Distinct parts collected.
    pub have: usize,
    /// Parts in the file; 0 until the first part arrives.
    pub total: usize,
}

impl Progress {
    /// Whether every part is in.
    pub fn is_complete(&self) -> bool {
        self.total > 0 && self.have == self.total
    }
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.have, self.total)
    }
}

/// Collects the parts of one BBQr file in any order, duplicates allowed.
///
/// A part that does not fit (another stream, a conflicting duplicate, too much data) is
/// rejected with an error and leaves the joiner unchanged, so a scanning loop can skip it.
#[derive(Debug, Clone)]
pub struct BbqrJoiner {
    limit: usize,
    stream: Option<(Encoding, char, u16)>,
    parts: Vec<Option<Vec<u8>>>,
    have: usize,
    held: usize,
}

impl Default for BbqrJoiner {
    fn default() -> Self {
        BbqrJoiner::new()
    }
}

impl BbqrJoiner {
    /// A joiner with the default [`MAX_OUTPUT`] limit.
    pub fn new() -> BbqrJoiner {
        BbqrJoiner::with_limit(MAX_OUTPUT)
    }

    /// A joiner that refuses to hold or inflate more than `limit` bytes.
    pub fn with_limit(limit: usize) -> BbqrJoiner {
        BbqrJoiner {
            limit,
            stream: None,
            parts: Vec::new(),
            have: 0,
            held: 0,
        }
    }

    /// Parses `text` as a part and adds it.
    pub fn add_text(&mut self, text: &str) -> Result<Progress, BbqrError> {
        self.add(BbqrPart::parse(text)?)
    }

    /// Adds a part. A duplicate with the same data is accepted and changes nothing.
    pub fn add(&mut self, part: BbqrPart) -> Result<Progress, BbqrError> {
        let key = (part.encoding, part.file_type, part.total);
        if let Some(stream) = self.stream {
            if stream != key {
                let (encoding, file_type, total) = stream;
                return Err(BbqrError::MixedStream {
                    expected: format!("B${}{}{}", encoding.code(), file_type, base36(total)),
                    got: part.stream_header(),
                });
            }
        }
        let index = usize::from(part.index);
        if let Some(Some(existing)) = self.parts.get(index) {
            if *existing != part.data {
                return Err(BbqrError::ConflictingDuplicate { index: part.index });
            }
            return Ok(self.progress());
        }
        let held = self.held.saturating_add(part.data.len());
        if held > self.limit {
            return Err(BbqrError::TooLarge { limit: self.limit });
        }
        if self.stream.is_none() {
            self.stream = Some(key);
            self.parts = vec![None; usize::from(part.total)];
        }
        self.parts[index] = Some(part.data);
        self.held = held;
        self.have += 1;
        Ok(self.progress())
    }

    /// Parts collected and expected.
    pub fn progress(&self) -> Progress {
        Progress {
            have: self.have,
            total: self.parts.len(),
        }
    }

    /// Whether every part is in.
    pub fn is_complete(&self) -> bool {
        self.progress().is_complete()
    }

    /// Indexes not yet seen (empty before the first part, when the count is unknown).
    pub fn missing(&self) -> Vec<u16> {
        (0..self.parts.len())
            .filter(|&i| self.parts[i].is_none())
            .map(|i| i as u16)
            .collect()
    }

    /// Joins the parts (inflating `Z` data) into the file type letter and the file's bytes.
    pub fn finish(self) -> Result<(char, Vec<u8>), BbqrError> {
        let progress = self.progress();
        let (Some((encoding, file_type, _)), true) = (self.stream, progress.is_complete()) else {
            return Err(BbqrError::Incomplete {
                have: progress.have,
                total: progress.total,
            });
        };
        let mut joined = Vec::with_capacity(self.held);
        for part in self.parts.into_iter().flatten() {
            joined.extend_from_slice(&part);
        }
        let bytes = match encoding {
            Encoding::Hex | Encoding::Base32 => joined,
            Encoding::Zlib => inflate(&joined, self.limit)?,
        };
        Ok((file_type, bytes))
    }
}

/// Joins a complete set of parts (any order, duplicates allowed) into the file type letter and
/// the file's bytes, like the reference `join_qrs`. Blank lines are skipped.
pub fn join<I, S>(parts: I) -> Result<(char, Vec<u8>), BbqrError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut joiner = BbqrJoiner::new();
    for part in parts {
        let text = part.as_ref();
        if !text.trim().is_empty() {
            joiner.add_text(text)?;
        }
    }
    joiner.finish()
}

/// Inflates a raw DEFLATE stream (no zlib or gzip header), refusing more than `limit` bytes of
/// output, a stream without an end, and bytes after the end.
pub fn inflate(input: &[u8], limit: usize) -> Result<Vec<u8>, BbqrError> {
    const CHUNK: usize = 64 * 1024;
    let mut inflater = Decompress::new(false);
    let mut out: Vec<u8> = Vec::new();
    loop {
        if out.len() > limit {
            return Err(BbqrError::TooLarge { limit });
        }
        if out.len() == out.capacity() {
            // Room for at most one byte past the limit, which is enough to detect it.
            let room = out.capacity().max(CHUNK); // doubling
            out.reserve_exact(room.min((limit - out.len()).saturating_add(1)));
        }
        let consumed = usize::try_from(inflater.total_in()).unwrap_or(usize::MAX);
        let rest = input.get(consumed..).unwrap_or_default();
        let produced = out.len();
        let status = inflater
            .decompress_vec(rest, &mut out, FlushDecompress::None)
            .map_err(|e| BbqrError::CorruptZlib(e.to_string()))?;
        match status {
            Status::StreamEnd => break,
            Status::Ok | Status::BufError => {
                let stalled = inflater.total_in() == consumed as u64 && out.len() == produced;
                if stalled && out.len() < out.capacity() {
                    return Err(BbqrError::TruncatedZlib);
                }
            }
        }
    }
    if out.len() > limit {
        return Err(BbqrError::TooLarge { limit });
    }
    let consumed = usize::try_from(inflater.total_in()).unwrap_or(usize::MAX);
    if consumed < input.len() {
        return Err(BbqrError::TrailingZlib(input.len() - consumed));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields() {
        let part = BbqrPart::parse("B$HP0302DEADbeef").unwrap();
        assert_eq!(part.encoding(), Encoding::Hex);
        assert_eq!(part.file_type(), 'P');
        assert_eq!((part.total(), part.index()), (3, 2));
        assert_eq!(part.data(), [0xde, 0xad, 0xbe, 0xef]);
        let part = BbqrPart::parse("B$2TZZZY").unwrap();
        assert_eq!((part.total(), part.index()), (1295, 1294));
        assert_eq!(part.stream_header(), "B$2TZZ");
    }

    #[test]
    fn base36_round_trip() {
        for n in 0..=1295u16 {
            let s = base36(n);
            assert_eq!(base36_pair(s.as_bytes(), "x").unwrap(), n);
        }
    }

    #[test]
    fn stalled_inflate_with_no_input() {
        assert_eq!(inflate(&[], MAX_OUTPUT), Err(BbqrError::TruncatedZlib));
    }
}

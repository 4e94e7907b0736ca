//! The Uniform Resource (UR) envelope of BCR-2020-005: `ur:TYPE/BYTEWORDS` for a whole CBOR
//! message and `ur:TYPE/SEQ-LEN/BYTEWORDS` for one fountain-coded part of a longer one.
//!
//! Encoding uses the `ur` crate, so the parts are the ones every other implementation of the
//! reference algorithm (Blockchain Commons' C++ and Swift, `@ngraveio/bc-ur`) produces for the
//! same message and fragment length. Parsing is our own, stricter and bounded; reassembling the
//! parts of a multi-part message is the fountain decoder's job (`transport::fountain`), which
//! consumes [`UrPart::Multi`]'s `fountain_cbor`.

use ur::bytewords::{self, Style};

/// The longest UR text accepted, in bytes (a single-part UR of a 4 MiB message).
pub const MAX_TEXT_LEN: usize = 8 * 1024 * 1024;
/// The longest UR type accepted.
pub const MAX_TYPE_LEN: usize = 64;
/// The most fragments a multi-part message may be split into.
pub const MAX_SEQUENCE_LEN: u32 = 65_536;
/// The longest message a multi-part UR may announce, in bytes.
pub const MAX_MESSAGE_LEN: u32 = 16 * 1024 * 1024;

/// Why a UR could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrError {
    /// The text is longer than [`MAX_TEXT_LEN`].
    #[error("ur text is {0} bytes long; at most {MAX_TEXT_LEN} are accepted")]
    TooLong(usize),
    /// No `ur:` prefix.
    #[error("not a ur: the text must start with 'ur:'")]
    Scheme,
    /// Nothing after `ur:TYPE`.
    #[error("ur has no payload after its type")]
    NoPayload,
    /// The type is empty, too long or has characters outside `a-z0-9-`.
    #[error("invalid ur type {0:?}: use 1 to 64 of a-z, 0-9 and '-'")]
    Type(String),
    /// More than `TYPE/SEQ/PAYLOAD`.
    #[error("ur has too many '/'-separated components")]
    Components,
    /// The sequence component is not `n-m` with 1 <= n and 1 <= m <= [`MAX_SEQUENCE_LEN`].
    #[error("invalid ur sequence {0:?}: expected n-m, such as 1-3")]
    Sequence(String),
    /// A character that is no byteword letter, or a pair that is no byteword.
    #[error("ur payload is not valid bytewords")]
    Bytewords,
    /// The payload is too short to hold the checksum.
    #[error("ur payload is too short")]
    PayloadLength,
    /// The CRC-32 over the payload does not match: damaged or mistyped text.
    #[error("ur checksum does not match: the text is damaged or incomplete")]
    Checksum,
    /// The payload decodes to no bytes.
    #[error("ur payload is empty")]
    Empty,
    /// A multi-part payload that is not a fountain part (CBOR array of 5).
    #[error("ur part {0} is not a valid fountain part")]
    FountainPart(String),
    /// A fountain part whose header disagrees with its `n-m` sequence.
    #[error("ur part {seq}-{len} carries fountain header {header_seq}-{header_len}")]
    SequenceMismatch {
        /// Sequence number in the text.
        seq: u32,
        /// Sequence length in the text.
        len: u32,
        /// Sequence number in the fountain header.
        header_seq: u32,
        /// Sequence length in the fountain header.
        header_len: u32,
    },
    /// A fountain part announcing an impossible or too large message.
    #[error("ur part {0}-{1} announces an invalid message size")]
    MessageSize(u32, u32),
    /// Encoding an empty message.
    #[error("cannot encode an empty message as a ur")]
    EmptyMessage,
    /// Encoding with a zero fragment length.
    #[error("ur fragment length must be at least 1")]
    FragmentLength,
}

/// One scanned or pasted UR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrPart {
    /// A whole message: `ur:TYPE/BYTEWORDS`.
    Single {
        /// The UR type, lower case.
        ur_type: String,
        /// The message (CBOR).
        cbor: Vec<u8>,
    },
    /// One part of a fountain-coded message: `ur:TYPE/SEQ-LEN/BYTEWORDS`.
    Multi {
        /// The UR type, lower case.
        ur_type: String,
        /// The part's sequence number, from 1 (beyond `len` for mixed parts).
        seq: u32,
        /// How many fragments the message was split into.
        len: u32,
        /// The fountain part, CBOR `[seq, len, message_len, checksum, fragment]`; its header
        /// has been checked against `seq`, `len` and the size bounds.
        fountain_cbor: Vec<u8>,
    },
}

impl UrPart {
    /// The UR type of either kind.
    pub fn ur_type(&self) -> &str {
        match self {
            UrPart::Single { ur_type, .. } | UrPart::Multi { ur_type, .. } => ur_type,
        }
    }
}

/// Whether `ur_type` is a valid (lower-case) UR type.
pub fn is_valid_type(ur_type: &str) -> bool {
    !ur_type.is_empty()
        && ur_type.len() <= MAX_TYPE_LEN
        && ur_type
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A whole message as a single-part UR, `ur:TYPE/BYTEWORDS` (minimal bytewords, lower case).
///
/// # Panics
///
/// If `ur_type` is not a valid type ([`is_valid_type`]); the types are constants of the
/// registry, so that is a bug.
pub fn encode_single(ur_type: &str, cbor: &[u8]) -> String {
    assert!(is_valid_type(ur_type), "invalid ur type {ur_type:?}");
    format!("ur:{ur_type}/{}", bytewords::encode(cbor, Style::Minimal))
}

/// An endless sequence of UR parts for one message, as the reference encoder emits them: the
/// first [`UrEncoder::fragment_count`] parts are the plain fragments in order, and the parts
/// after them mix fragments chosen by the seeded generator of BCR-2020-005, so a receiver that
/// missed some parts completes from any enough of the later ones.
///
/// A message that fits in one fragment is emitted as the single-part UR every time, like the
/// reference implementations do.
pub struct UrEncoder<'a> {
    inner: ur::Encoder<'a>,
    single: Option<String>,
}

/// Starts the parts of `cbor` as UR type `ur_type`, with fragments of at most
/// `max_fragment_len` bytes.
pub fn encoder<'a>(
    ur_type: &'a str,
    cbor: &[u8],
    max_fragment_len: usize,
) -> Result<UrEncoder<'a>, UrError> {
    if !is_valid_type(ur_type) {
        return Err(UrError::Type(ur_type.to_string()));
    }
    if cbor.is_empty() {
        return Err(UrError::EmptyMessage);
    }
    if max_fragment_len == 0 {
        return Err(UrError::FragmentLength);
    }
    let inner = ur::Encoder::new(cbor, max_fragment_len, ur_type).map_err(|e| match e {
        ur::ur::Error::Fountain(ur::fountain::Error::EmptyMessage) => UrError::EmptyMessage,
        ur::ur::Error::InvalidCharacters => UrError::Type(ur_type.to_string()),
        _ => UrError::FragmentLength,
    })?;
    let single = (inner.fragment_count() == 1).then(|| encode_single(ur_type, cbor));
    Ok(UrEncoder { inner, single })
}

impl UrEncoder<'_> {
    /// How many fragments the message is split into (the `m` of `n-m`).
    pub fn fragment_count(&self) -> usize {
        self.inner.fragment_count()
    }

    /// Whether every part is the same single-part UR.
    pub fn is_single_part(&self) -> bool {
        self.single.is_some()
    }

    /// How many parts have been emitted so far.
    pub fn parts_emitted(&self) -> usize {
        self.inner.current_index()
    }

    /// The next part.
    pub fn next_part(&mut self) -> String {
        let part = self
            .inner
            .next_part()
            .expect("encoding a fountain part to CBOR into memory cannot fail");
        match &self.single {
            Some(single) => single.clone(),
            None => part,
        }
    }
}

impl Iterator for UrEncoder<'_> {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        Some(self.next_part())
    }
}

/// Parses one UR (case-insensitive, surrounding whitespace ignored): its type, and either the
/// whole message or one fountain part. The bytewords checksum is verified; a multi-part
/// payload must be a fountain part whose header matches its `n-m` and the size bounds.
pub fn parse_part(text: &str) -> Result<UrPart, UrError> {
    let text = text.trim();
    if text.len() > MAX_TEXT_LEN {
        return Err(UrError::TooLong(text.len()));
    }
    let text = text.to_ascii_lowercase();
    let rest = text.strip_prefix("ur:").ok_or(UrError::Scheme)?;
    let mut components = rest.split('/');
    let ur_type = components.next().unwrap_or_default();
    if !is_valid_type(ur_type) {
        return Err(UrError::Type(ur_type.to_string()));
    }
    let components: Vec<&str> = components.collect();
    match components.as_slice() {
        [] => Err(UrError::NoPayload),
        [payload] => Ok(UrPart::Single {
            ur_type: ur_type.to_string(),
            cbor: decode_payload(payload)?,
        }),
        [sequence, payload] => {
            let (seq, len) = parse_sequence(sequence)?;
            let fountain_cbor = decode_payload(payload)?;
            check_fountain_header(&fountain_cbor, seq, len)?;
            Ok(UrPart::Multi {
                ur_type: ur_type.to_string(),
                seq,
                len,
                fountain_cbor,
            })
        }
        _ => Err(UrError::Components),
    }
}

fn decode_payload(payload: &str) -> Result<Vec<u8>, UrError> {
    if payload.is_empty() {
        return Err(UrError::NoPayload);
    }
    if !payload.is_ascii() {
        return Err(UrError::Bytewords);
    }
    // Two letters a byte: at least one byte of message and the four of the checksum.
    if payload.len() < 10 || payload.len() % 2 != 0 {
        return Err(UrError::PayloadLength);
    }
    let bytes = bytewords::decode(payload, Style::Minimal).map_err(|e| match e {
        bytewords::Error::InvalidChecksum => UrError::Checksum,
        bytewords::Error::InvalidLength => UrError::PayloadLength,
        bytewords::Error::InvalidWord | bytewords::Error::NonAscii => UrError::Bytewords,
    })?;
    if bytes.is_empty() {
        return Err(UrError::Empty);
    }
    Ok(bytes)
}

fn parse_sequence(text: &str) -> Result<(u32, u32), UrError> {
    let bad = || UrError::Sequence(text.to_string());
    let (seq, len) = text.split_once('-').ok_or_else(bad)?;
    let number = |s: &str| {
        if s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse::<u32>().ok()
    };
    let (seq, len) = (number(seq).ok_or_else(bad)?, number(len).ok_or_else(bad)?);
    if seq == 0 || len == 0 || len > MAX_SEQUENCE_LEN {
        return Err(bad());
    }
    Ok((seq, len))
}

/// Checks the fountain part header `[seq, len, message_len, checksum, fragment]`.
fn check_fountain_header(cbor: &[u8], seq: u32, len: u32) -> Result<(), UrError> {
    let bad = || UrError::FountainPart(format!("{seq}-{len}"));
    let mut d = minicbor::Decoder::new(cbor);
    if d.array().map_err(|_| bad())? != Some(5) {
        return Err(bad());
    }
    let header_seq = d.u32().map_err(|_| bad())?;
    let header_len = d.u32().map_err(|_| bad())?;
    let message_len = d.u32().map_err(|_| bad())?;
    d.u32().map_err(|_| bad())?;
    let fragment_len = d.bytes().map_err(|_| bad())?.len();
    if d.position() != cbor.len() {
        return Err(bad());
    }
    if header_seq != seq || header_len != len {
        return Err(UrError::SequenceMismatch {
            seq,
            len,
            header_seq,
            header_len,
        });
    }
    // The message was cut into `len` fragments of `fragment_len` bytes, the last one padded.
    let fits = fragment_len > 0
        && message_len > 0
        && message_len <= MAX_MESSAGE_LEN
        && (message_len as usize).div_ceil(fragment_len) == len as usize;
    if !fits {
        return Err(UrError::MessageSize(seq, len));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_part_round_trip_is_case_insensitive_and_trimmed() {
        let text = encode_single("bytes", &[0x44, 1, 2, 3, 4]);
        let part = parse_part(&format!("  {}\n", text.to_ascii_uppercase())).unwrap();
        assert_eq!(
            part,
            UrPart::Single {
                ur_type: "bytes".into(),
                cbor: vec![0x44, 1, 2, 3, 4]
            }
        );
    }

    #[test]
    fn sequence_syntax() {
        for bad in [
            "0-3",
            "1-0",
            "1",
            "1-2-3",
            "a-3",
            "+1-3",
            "1-99999999999",
            "1-65537",
        ] {
            assert!(
                matches!(parse_sequence(bad), Err(UrError::Sequence(_))),
                "{bad}"
            );
        }
        assert_eq!(
            parse_sequence("4294967295-65536").unwrap(),
            (u32::MAX, 65_536)
        );
    }
}

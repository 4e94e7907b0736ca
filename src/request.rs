//! What crosses the air gap to be signed, and how its bytes are recognised from their content:
//! PSBTs (binary, base64, hex, Electrum base43; version 0 or 2), BC-UR `crypto-psbt`/`psbt`/
//! `eth-sign-request`/`bytes` text, BBQr, QR images and GIFs, unsigned Ethereum transactions
//! (hex) and EIP-712 typed-data JSON.

use std::borrow::Cow;

use bitcoin::base64::prelude::{Engine, BASE64_STANDARD};
use bitcoin::base64::write::EncoderWriter;
use bitcoin::hex::{DisplayHex, FromHex};
use bitcoin::psbt::Psbt;

use crate::btc::known_keys::KnownKeys;
use crate::btc::psbt_v2::{self, PsbtVersion, V2Extras};
use crate::error::Said;
use crate::eth::EthRequest;
use crate::i18n::Text;
use crate::transport::collect::{self, Received};
use crate::transport::registry::Payload;

/// Anything coldsign signs, detected from its bytes.
#[derive(Debug, Clone)]
pub enum Request {
    /// A Bitcoin PSBT.
    Bitcoin(PsbtFile),
    /// An Ethereum transaction, typed data or personal message.
    Ethereum(EthRequest),
}

impl Request {
    /// Recognises request bytes of either chain (taken, so that a large text is dropped once
    /// decoded). A PSBT's keys that `known` holds are not decompressed again
    /// ([`psbt_v2::parse_any_knowing`]).
    pub fn detect(data: Vec<u8>, known: &KnownKeys) -> Result<Self, RequestError> {
        check_size(&data)?;
        let received = collect::receive(&data).map_err(RequestError::Transport)?;
        match received {
            Some(received) => Self::from_received(received, known),
            None => match raw_bytes(&data) {
                Ok((raw, encoding)) => {
                    // The text is not kept while its bytes are parsed.
                    drop(data);
                    PsbtFile::from_raw_knowing(&raw, encoding, known).map(Request::Bitcoin)
                }
                Err(RequestError::Unrecognised) => EthRequest::decode(&data)
                    .map(Request::Ethereum)
                    .map_err(|e| match looks_like_ethereum(&data) {
                        true => RequestError::Ethereum(e),
                        false => RequestError::NotARequest("input"),
                    }),
                Err(other) => Err(other),
            },
        }
    }

    fn from_received(received: Received, known: &KnownKeys) -> Result<Self, RequestError> {
        let fail = |e: &dyn std::fmt::Display| RequestError::Transport(e.to_string());
        if let Some(raw) = received.psbt().map_err(|e| fail(&e))? {
            return PsbtFile::from_raw_knowing(&raw, Encoding::Base64, known).map(Request::Bitcoin);
        }
        if let Received::Ur { ur_type, cbor } = &received {
            if ur_type == "bytes" {
                let Payload::Bytes(inner) =
                    Payload::from_ur(ur_type, cbor).map_err(|e| fail(&e))?
                else {
                    return Err(RequestError::Transport("unreadable ur:bytes".into()));
                };
                return Self::detect_inner(&inner, known);
            }
            if ur_type == "eth-sign-request" {
                return EthRequest::from_received(received)
                    .map(Request::Ethereum)
                    .map_err(RequestError::Ethereum);
            }
        }
        Err(RequestError::Transport(format!(
            "the QR transfer holds {}, which is neither a PSBT nor an Ethereum request",
            received.kind()
        )))
    }

    /// The content of a `ur:bytes` transfer: a raw request (not another transfer).
    fn detect_inner(data: &[u8], known: &KnownKeys) -> Result<Self, RequestError> {
        match raw_bytes(data) {
            Ok((raw, encoding)) => {
                PsbtFile::from_raw_knowing(&raw, encoding, known).map(Request::Bitcoin)
            }
            Err(RequestError::Unrecognised | RequestError::Empty) => EthRequest::decode_bare(data)
                .map(Request::Ethereum)
                .map_err(|e| match looks_like_ethereum(data) {
                    true => RequestError::Ethereum(e),
                    false => RequestError::NotARequest("content of the ur:bytes transfer"),
                }),
            Err(other) => Err(other),
        }
    }

    /// "bitcoin" or "ethereum".
    pub fn chain(&self) -> &'static str {
        match self {
            Request::Bitcoin(_) => "bitcoin",
            Request::Ethereum(_) => "ethereum",
        }
    }
}

/// Whether text is shaped like an Ethereum request (JSON, or hex that is not a PSBT), so its
/// decoding error is the one to report.
fn looks_like_ethereum(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let t = text.trim_start();
    t.starts_with('{') || t.starts_with("0x") || t.starts_with("0X")
}

fn check_size(data: &[u8]) -> Result<(), RequestError> {
    if data.len() > MAX_INPUT {
        return Err(RequestError::Psbt(format!(
            "input of {} bytes exceeds the {} MiB limit",
            data.len(),
            MAX_INPUT >> 20
        )));
    }
    Ok(())
}

/// How a PSBT was (or is to be) written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Raw bytes starting with `psbt\xff`.
    Binary,
    /// Base64 text (what Core, Sparrow and Electrum exchange).
    Base64,
    /// Hex text.
    Hex,
}

impl Encoding {
    /// Whether the encoding is text (safe to print on a terminal).
    pub fn is_text(self) -> bool {
        self != Encoding::Binary
    }
}

/// Why input bytes are not a PSBT.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// Nothing was given.
    #[error("the input is empty")]
    Empty,
    /// The bytes are none of the known encodings.
    #[error("the input is not a PSBT (expected binary, base64 or hex)")]
    Unrecognised,
    /// Text that looked like base64 or hex but did not decode.
    #[error("the input is not valid {0}")]
    BadText(&'static str),
    /// The PSBT structure is invalid.
    #[error("invalid PSBT: {0}")]
    Psbt(String),
    /// A QR image or UR/BBQr text that did not yield a request.
    #[error("{0}")]
    Transport(String),
    /// The bytes are no request of either chain.
    #[error("the {0} is no request (expected a PSBT, UR or QR transfer, unsigned Ethereum transaction hex or typed-data JSON)")]
    NotARequest(&'static str),
    /// An Ethereum request that does not decode.
    #[error("{0}")]
    Ethereum(String),
}

impl RequestError {
    /// The message as a catalog text; `None` for a message made elsewhere (a transfer's or an
    /// Ethereum request's), shown as it is.
    pub(crate) fn said(&self) -> Option<Said> {
        let message = match self {
            RequestError::Empty => Text::new("error-request-empty"),
            RequestError::Unrecognised => Text::new("error-request-unrecognised"),
            RequestError::BadText(encoding) => {
                Text::new("error-request-bad-text").arg("encoding", encoding)
            }
            RequestError::Psbt(reason) => Text::new("error-request-psbt").arg("reason", reason),
            RequestError::NotARequest(source) => Text::new(match *source {
                "input" => "error-request-not-a-request-input",
                _ => "error-request-not-a-request-ur-bytes",
            }),
            RequestError::Transport(_) | RequestError::Ethereum(_) => return None,
        };
        Some(Said::new(message, None))
    }
}

const MAGIC: &[u8] = b"psbt\xff";
/// The input size limit: 64 MiB covers a 5,000-input PSBT with full previous transactions.
pub const MAX_INPUT: usize = 64 << 20;

/// A decoded PSBT with what is needed to write it back the way it came.
#[derive(Debug, Clone)]
pub struct PsbtFile {
    /// The PSBT (version 2 PSBTs are held as their version 0 equivalent).
    pub psbt: Psbt,
    /// The version it was read as.
    pub version: PsbtVersion,
    /// Version 2 fields with no version 0 equivalent.
    pub extras: Option<V2Extras>,
    /// The encoding it was read from.
    pub encoding: Encoding,
}

impl PsbtFile {
    /// Recognises and parses PSBT bytes (PSBTs only: see [`Request::detect`] for either chain).
    pub fn decode(data: &[u8]) -> Result<Self, RequestError> {
        check_size(data)?;
        let (raw, encoding) = match unwrap_transport(data)? {
            Some(raw) => (raw, Encoding::Base64),
            None => raw_bytes(data)?,
        };
        Self::from_raw(&raw, encoding)
    }

    /// Parses binary PSBT bytes that arrived in `encoding`.
    pub fn from_raw(raw: &[u8], encoding: Encoding) -> Result<Self, RequestError> {
        Self::from_raw_knowing(raw, encoding, &KnownKeys::none())
    }

    /// [`PsbtFile::from_raw`], not decompressing the keys `known` holds.
    pub fn from_raw_knowing(
        raw: &[u8],
        encoding: Encoding,
        known: &KnownKeys,
    ) -> Result<Self, RequestError> {
        let (psbt, version, extras) = psbt_v2::parse_any_knowing(raw, known)
            .map_err(|e| RequestError::Psbt(e.to_string()))?;
        crate::review::bitcoin::amounts::check(&psbt)
            .map_err(|e| RequestError::Psbt(e.to_string()))?;
        Ok(PsbtFile {
            psbt,
            version,
            extras,
            encoding,
        })
    }

    /// Serializes as `version` in `encoding` (text encodings end with a newline).
    pub fn encode(
        &self,
        version: PsbtVersion,
        encoding: Encoding,
    ) -> Result<Vec<u8>, RequestError> {
        encode_psbt(&self.psbt, version, self.extras.as_ref(), encoding)
    }

    /// Serializes a modified PSBT the way this one came in (same version and encoding).
    pub fn encode_like(&self, psbt: &Psbt) -> Result<Vec<u8>, RequestError> {
        encode_psbt(psbt, self.version, self.extras.as_ref(), self.encoding)
    }
}

/// Serializes `psbt` as `version` in `encoding`.
pub fn encode_psbt(
    psbt: &Psbt,
    version: PsbtVersion,
    extras: Option<&V2Extras>,
    encoding: Encoding,
) -> Result<Vec<u8>, RequestError> {
    match (version, encoding) {
        (PsbtVersion::V0, Encoding::Base64) => base64_v0(psbt),
        _ => Ok(encode_raw(serialize_as(psbt, version, extras)?, encoding)),
    }
}

/// Version 0 `psbt` as base64 text ending with a newline, encoded as it is serialized, so the
/// binary form is never held whole beside its text (a consolidation that carries every
/// parent transaction makes a PSBT of hundreds of megabytes). One counting pass sizes the
/// text exactly.
fn base64_v0(psbt: &Psbt) -> Result<Vec<u8>, RequestError> {
    let size = psbt
        .serialize_to_writer(&mut bitcoin::io::sink())
        .map_err(|e| RequestError::Psbt(e.to_string()))?;
    let mut text = Vec::with_capacity(size.div_ceil(3) * 4 + 1);
    write_base64_v0(psbt, &mut text).map_err(|e| RequestError::Psbt(e.to_string()))?;
    Ok(text)
}

/// Writes version 0 `psbt` to `out` as base64 text ending with a newline, encoding it as it
/// is serialized.
fn write_base64_v0(psbt: &Psbt, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut encoder = EncoderWriter::new(out, &BASE64_STANDARD);
    psbt.serialize_to_writer(&mut bitcoin::io::FromStd::new(&mut encoder))
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    encoder.finish()?.write_all(b"\n")
}

/// A signed request's bytes, ready to write. A version-0 base64 PSBT (the usual form) is
/// encoded while it is written, so neither its binary form nor its text is held whole;
/// anything else is encoded before.
pub enum Encoded<'a> {
    /// Version 0 `psbt` as base64 text ending with a newline.
    Base64Psbt(&'a Psbt),
    /// Bytes encoded before.
    Bytes(Vec<u8>),
}

impl<'a> Encoded<'a> {
    /// `psbt` as `version` in `encoding`.
    pub fn psbt(
        psbt: &'a Psbt,
        version: PsbtVersion,
        extras: Option<&V2Extras>,
        encoding: Encoding,
    ) -> Result<Self, RequestError> {
        Ok(match (version, encoding) {
            (PsbtVersion::V0, Encoding::Base64) => Encoded::Base64Psbt(psbt),
            _ => Encoded::Bytes(encode_psbt(psbt, version, extras, encoding)?),
        })
    }

    /// Writes the bytes to `out`.
    pub fn write_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        match self {
            Encoded::Base64Psbt(psbt) => write_base64_v0(psbt, out),
            Encoded::Bytes(bytes) => out.write_all(bytes),
        }
    }
}

/// The binary serialization of `psbt` as `version`.
pub fn serialize_as(
    psbt: &Psbt,
    version: PsbtVersion,
    extras: Option<&V2Extras>,
) -> Result<Vec<u8>, RequestError> {
    match version {
        PsbtVersion::V0 => Ok(psbt.serialize()),
        PsbtVersion::V2 => {
            psbt_v2::serialize_v2(psbt, extras).map_err(|e| RequestError::Psbt(e.to_string()))
        }
    }
}

/// Binary PSBT bytes in `encoding` (text encodings end with a newline); binary is passed
/// through without a copy.
pub fn encode_raw(raw: Vec<u8>, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Binary => raw,
        Encoding::Base64 => {
            // Sized once: appending the newline to an exactly sized string would double it.
            let mut text = String::with_capacity(raw.len().div_ceil(3) * 4 + 1);
            BASE64_STANDARD.encode_string(&raw, &mut text);
            text.push('\n');
            text.into_bytes()
        }
        Encoding::Hex => (raw.to_lower_hex_string() + "\n").into_bytes(),
    }
}

fn raw_bytes(data: &[u8]) -> Result<(Vec<u8>, Encoding), RequestError> {
    if data.starts_with(MAGIC) {
        return Ok((data.to_vec(), Encoding::Binary));
    }
    let text = std::str::from_utf8(data).map_err(|_| RequestError::Unrecognised)?;
    // Pasted text may be wrapped; a file usually holds one line (not copied then).
    let trimmed = text.trim();
    let compact: Cow<str> = if trimmed.contains(char::is_whitespace) {
        Cow::Owned(text.split_whitespace().collect())
    } else {
        Cow::Borrowed(trimmed)
    };
    if compact.is_empty() {
        return Err(RequestError::Empty);
    }
    // "psbt" then 0xff: the 7th base64 character also carries the top bits of the first key's
    // length (a v2 PSBT may start with a 79-byte global xpub key), so check the decoded magic.
    if compact.starts_with("cHNidP") {
        let raw = BASE64_STANDARD
            .decode(compact.as_bytes())
            .map_err(|_| RequestError::BadText("base64"))?;
        if !raw.starts_with(MAGIC) {
            return Err(RequestError::BadText("base64"));
        }
        return Ok((raw, Encoding::Base64));
    }
    if compact
        .get(..10)
        .is_some_and(|p| p.eq_ignore_ascii_case("70736274ff"))
    {
        let raw = Vec::from_hex(&compact).map_err(|_| RequestError::BadText("hex"))?;
        return Ok((raw, Encoding::Hex));
    }
    if compact.len() >= 16 && compact.chars().all(|c| BASE43.contains(c)) {
        if let Ok(raw) = crate::transport::base43::decode(&compact) {
            if raw.starts_with(MAGIC) {
                return Ok((raw, Encoding::Base64));
            }
        }
    }
    Err(RequestError::Unrecognised)
}

/// Electrum's base43 alphabet (its single-QR encoding of PSBTs and transactions).
const BASE43: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$*+-./:";

/// A QR image or pasted UR/BBQr lines, reassembled into PSBT bytes; `None` when `data` is in
/// neither form.
fn unwrap_transport(data: &[u8]) -> Result<Option<Vec<u8>>, RequestError> {
    let fail = |e: &dyn std::fmt::Display| RequestError::Transport(e.to_string());
    let Some(received) = crate::transport::collect::receive(data).map_err(|e| fail(&e))? else {
        return Ok(None);
    };
    match received.psbt().map_err(|e| fail(&e))? {
        Some(psbt) => Ok(Some(psbt)),
        None => Err(RequestError::Transport(format!(
            "the QR transfer holds {}, not a PSBT",
            received.kind()
        ))),
    }
}

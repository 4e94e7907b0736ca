//! Reassembling what was scanned or typed, in any order, with duplicates and losses: BC-UR
//! (single part, or fountain multipart solved by GF(2) elimination), Coinkite's BBQr, and
//! Electrum's single-QR base43.

use super::base43::{self, Base43Error};
use super::bbqr::{self, BbqrError, BbqrJoiner};
use super::fountain::{FountainDecoder, FountainError, FountainPart};
use super::registry::{Payload, RegistryError};
use super::ur::{parse_part, UrError, UrPart};

/// Why scanned text could not be reassembled.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CollectError {
    /// Not a UR, BBQr or base43 part.
    #[error("not a UR, BBQr or base43 QR part: {0:?}")]
    Unrecognised(String),
    /// A malformed UR part.
    #[error("bad UR part: {0}")]
    Ur(#[from] UrError),
    /// A malformed or inconsistent fountain part.
    #[error("bad UR fountain part: {0}")]
    Fountain(#[from] FountainError),
    /// A malformed BBQr part.
    #[error("bad BBQr part: {0}")]
    Bbqr(#[from] BbqrError),
    /// Malformed base43 text.
    #[error("bad base43 text: {0}")]
    Base43(#[from] Base43Error),
    /// The payload's CBOR is not its UR type's.
    #[error("bad {ur_type} payload: {source}")]
    Payload {
        /// The UR type.
        ur_type: String,
        /// What is wrong.
        source: RegistryError,
    },
    /// Parts of two different transfers.
    #[error("parts of two different transfers are mixed: {0}")]
    Mixed(String),
    /// Not enough parts yet.
    #[error("incomplete: {have} of about {need} parts received")]
    Incomplete {
        /// Parts with new information so far.
        have: usize,
        /// Parts needed at least.
        need: usize,
    },
}

/// What a completed transfer carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// A BC-UR message.
    Ur {
        /// Its type, e.g. `crypto-psbt`.
        ur_type: String,
        /// Its CBOR body.
        cbor: Vec<u8>,
    },
    /// A BBQr file.
    Bbqr {
        /// BBQr file type (`P` PSBT, `T` transaction, `J` JSON, `U` text, …).
        file_type: char,
        /// The file.
        data: Vec<u8>,
    },
    /// Electrum base43 bytes (a PSBT or a transaction).
    Base43(Vec<u8>),
}

impl Received {
    /// A short description for messages.
    pub fn kind(&self) -> String {
        match self {
            Received::Ur { ur_type, .. } => format!("UR {ur_type}"),
            Received::Bbqr { file_type, .. } => format!("BBQr type {file_type}"),
            Received::Base43(_) => "Electrum base43".into(),
        }
    }

    /// The PSBT it carries, if it is one.
    pub fn psbt(&self) -> Result<Option<Vec<u8>>, CollectError> {
        Ok(match self {
            Received::Ur { ur_type, cbor } => {
                match Payload::from_ur(ur_type, cbor).map_err(|source| CollectError::Payload {
                    ur_type: ur_type.clone(),
                    source,
                })? {
                    Payload::Psbt(bytes) => Some(bytes),
                    _ => None,
                }
            }
            Received::Bbqr {
                file_type: 'P',
                data,
            } => Some(data.clone()),
            Received::Base43(data) if data.starts_with(b"psbt\xff") => Some(data.clone()),
            _ => None,
        })
    }

    /// The bytes to write out: the PSBT itself when it is one; descriptors or key expressions
    /// (one per line) for accounts, outputs and keys; Ethereum requests and signatures as one
    /// single-part UR line (what `eth sign` and `eth broadcast` read); the file for BBQr and
    /// base43; the CBOR body for other UR types.
    pub fn payload(&self) -> Result<Vec<u8>, CollectError> {
        let Received::Ur { ur_type, cbor } = self else {
            let (Received::Bbqr { data, .. } | Received::Base43(data)) = self else {
                unreachable!()
            };
            return Ok(data.clone());
        };
        let bad = |source| CollectError::Payload {
            ur_type: ur_type.clone(),
            source,
        };
        let lines = |v: Vec<String>| {
            v.into_iter()
                .map(|l| l + "\n")
                .collect::<String>()
                .into_bytes()
        };
        Ok(match Payload::from_ur(ur_type, cbor).map_err(bad)? {
            Payload::Psbt(bytes) | Payload::Bytes(bytes) => bytes,
            Payload::Account(a) => lines(a.descriptors().map_err(bad)?),
            Payload::Output(o) => lines(vec![o.to_descriptor().map_err(bad)?]),
            Payload::HdKey(k) => lines(vec![k.key_expression().map_err(bad)?]),
            Payload::EthSignRequest(_) | Payload::EthSignature(_) => {
                lines(vec![super::ur::encode_single(ur_type, cbor)])
            }
        })
    }
}

/// How far a transfer has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Parts taken in (duplicates included).
    pub parts: usize,
    /// Independent pieces known (fragments solved, BBQr parts held).
    pub known: usize,
    /// Pieces needed (0 until the first part says).
    pub needed: usize,
    /// Whether the message is complete.
    pub complete: bool,
}

enum State {
    Empty,
    Ur {
        ur_type: String,
        decoder: Box<FountainDecoder>,
    },
    Bbqr(BbqrJoiner),
    Done(Received),
}

/// Collects parts of one transfer.
pub struct Collector {
    state: State,
    parts: usize,
}

impl Default for Collector {
    fn default() -> Self {
        Collector {
            state: State::Empty,
            parts: 0,
        }
    }
}

/// Whether `text` starts with the `ur:` scheme (any case).
pub fn is_ur(text: &str) -> bool {
    text.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("ur:"))
}

/// Electrum's base43 alphabet.
const BASE43: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$*+-./:";

impl Collector {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes one scanned or typed part (blank lines are ignored).
    pub fn push(&mut self, text: &str) -> Result<Progress, CollectError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(self.progress());
        }
        self.parts += 1;
        if let State::Done(done) = &self.state {
            let same = match done {
                Received::Ur { .. } => is_ur(text),
                Received::Bbqr { .. } => bbqr::is_bbqr(text),
                _ => false,
            };
            return if same {
                Ok(self.progress())
            } else {
                Err(CollectError::Mixed(
                    "a part arrived after the transfer completed".into(),
                ))
            };
        }
        if is_ur(text) {
            self.push_ur(text)?;
        } else if bbqr::is_bbqr(text) {
            match &mut self.state {
                State::Empty => self.state = State::Bbqr(BbqrJoiner::new()),
                State::Bbqr(_) => {}
                _ => return Err(CollectError::Mixed("a BBQr part among UR parts".into())),
            }
            if let State::Bbqr(joiner) = &mut self.state {
                joiner.add_text(text)?;
                if joiner.is_complete() {
                    let State::Bbqr(joiner) = std::mem::replace(&mut self.state, State::Empty)
                    else {
                        unreachable!()
                    };
                    let (file_type, data) = joiner.finish()?;
                    self.state = State::Done(Received::Bbqr { file_type, data });
                }
            }
        } else if text.chars().all(|c| BASE43.contains(c)) && text.len() >= 16 {
            if !matches!(self.state, State::Empty) {
                return Err(CollectError::Mixed("base43 text among other parts".into()));
            }
            self.state = State::Done(Received::Base43(base43::decode(text)?));
        } else {
            return Err(CollectError::Unrecognised(text.chars().take(24).collect()));
        }
        Ok(self.progress())
    }

    fn push_ur(&mut self, text: &str) -> Result<(), CollectError> {
        match parse_part(text)? {
            UrPart::Single { ur_type, cbor } => match &self.state {
                State::Empty => self.state = State::Done(Received::Ur { ur_type, cbor }),
                _ => {
                    return Err(CollectError::Mixed(
                        "a single-part UR among other parts".into(),
                    ))
                }
            },
            UrPart::Multi {
                ur_type,
                seq,
                len,
                fountain_cbor,
            } => {
                let part = FountainPart::from_cbor(&fountain_cbor)?;
                if part.seq_num != seq || part.seq_len != len as usize {
                    return Err(CollectError::Mixed(format!(
                        "part {seq}-{len} carries sequence {}-{}",
                        part.seq_num, part.seq_len
                    )));
                }
                match &mut self.state {
                    State::Empty => {
                        self.state = State::Ur {
                            ur_type: ur_type.clone(),
                            decoder: Box::default(),
                        }
                    }
                    State::Ur {
                        ur_type: current, ..
                    } if *current == ur_type => {}
                    State::Ur {
                        ur_type: current, ..
                    } => {
                        return Err(CollectError::Mixed(format!(
                            "{ur_type} parts among {current} parts"
                        )))
                    }
                    _ => return Err(CollectError::Mixed("a UR part among BBQr parts".into())),
                }
                let State::Ur { decoder, .. } = &mut self.state else {
                    unreachable!()
                };
                decoder.receive(&part)?;
                if let Some(message) = decoder.message()? {
                    let cbor = message.to_vec();
                    self.state = State::Done(Received::Ur { ur_type, cbor });
                }
            }
        }
        Ok(())
    }

    /// Progress so far.
    pub fn progress(&self) -> Progress {
        let (known, needed, complete) = match &self.state {
            State::Empty => (0, 0, false),
            State::Ur { decoder, .. } => {
                (decoder.rank(), decoder.expected_parts().unwrap_or(0), false)
            }
            State::Bbqr(joiner) => {
                let p = joiner.progress();
                (p.have, p.total, false)
            }
            State::Done(_) => (1, 1, true),
        };
        Progress {
            parts: self.parts,
            known,
            needed,
            complete,
        }
    }

    /// The completed transfer.
    pub fn finish(self) -> Result<Received, CollectError> {
        let progress = self.progress();
        match self.state {
            State::Done(received) => Ok(received),
            _ => Err(CollectError::Incomplete {
                have: progress.known,
                need: progress.needed.max(1),
            }),
        }
    }
}

/// Reassembles a QR image (PNG, JPEG, animated GIF) or pasted UR/BBQr lines; `None` when `data`
/// is in neither form.
pub fn receive(data: &[u8]) -> Result<Option<Received>, String> {
    let texts: Vec<String> = if super::scan::is_image(data) {
        let texts = super::scan::scan_bytes(data, "the image").map_err(|e| e.to_string())?;
        if texts.is_empty() {
            return Err("no QR code could be read from the image".into());
        }
        texts
    } else {
        let Ok(text) = std::str::from_utf8(data) else {
            return Ok(None);
        };
        let first = text.trim_start();
        if !is_ur(first) && !first.starts_with("B$") {
            return Ok(None);
        }
        text.lines().map(str::to_string).collect()
    };
    let mut collector = Collector::new();
    for text in &texts {
        collector.push(text).map_err(|e| e.to_string())?;
    }
    collector.finish().map(Some).map_err(|e| e.to_string())
}

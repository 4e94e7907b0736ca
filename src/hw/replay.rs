//! A FAKE Ledger: replays a real-device APDU transcript byte for byte.
//!
//! No Ledger app binary exists in any registry, so neither a device nor Speculos can run in
//! the test suite. The transcripts recorded from real devices and Speculos by Ledger's own
//! client libraries (`ledger_bitcoin_client` tests/data, `@ledgerhq/hw-app-eth` tests) stand
//! in: every request coldsign sends must equal the recorded one, otherwise the replay fails.

use super::{DeviceError, Result, Transport};

/// A FAKE transport answering from a recorded transcript (`=> request`, `<= response` hex).
#[derive(Debug, Clone)]
pub struct FakeReplayTransport {
    exchanges: Vec<(Vec<u8>, Vec<u8>)>,
    next: usize,
}

impl FakeReplayTransport {
    /// Parses `=> hex` / `<= hex` lines (the format of the Ledger JS and Rust test suites;
    /// blank lines, spaces and `//` comment lines ignored). A request with no response line is an error.
    pub fn from_lines<S: AsRef<str>>(lines: &[S]) -> Result<Self> {
        let mut exchanges = Vec::new();
        let mut pending: Option<Vec<u8>> = None;
        for (number, line) in lines.iter().enumerate() {
            let line: String = line
                .as_ref()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let bad = |what: &str| {
                DeviceError::Protocol(format!("transcript line {}: {what}", number + 1))
            };
            let decode = |hex: &str| {
                data_encoding::HEXLOWER_PERMISSIVE
                    .decode(hex.as_bytes())
                    .map_err(|_| bad("not hex"))
            };
            if line.is_empty() || line.starts_with("//") {
                continue;
            } else if let Some(hex) = line.strip_prefix("=>") {
                if pending.is_some() {
                    return Err(bad("two requests in a row"));
                }
                pending = Some(decode(hex)?);
            } else if let Some(hex) = line.strip_prefix("<=") {
                let request = pending
                    .take()
                    .ok_or_else(|| bad("response without request"))?;
                exchanges.push((request, decode(hex)?));
            } else {
                return Err(bad("expected => or <="));
            }
        }
        if pending.is_some() {
            return Err(DeviceError::Protocol(
                "transcript ends with a request".into(),
            ));
        }
        Ok(FakeReplayTransport { exchanges, next: 0 })
    }

    /// Parses a transcript held in one string.
    pub fn from_text(text: &str) -> Result<Self> {
        Self::from_lines(&text.lines().collect::<Vec<_>>())
    }

    /// Whether every recorded exchange was replayed.
    pub fn finished(&self) -> bool {
        self.next == self.exchanges.len()
    }

    /// How many exchanges were replayed so far.
    pub fn replayed(&self) -> usize {
        self.next
    }
}

impl Transport for FakeReplayTransport {
    fn exchange(&mut self, command: &[u8]) -> Result<Vec<u8>> {
        let hex = |b: &[u8]| data_encoding::HEXLOWER.encode(b);
        let Some((request, response)) = self.exchanges.get(self.next) else {
            return Err(DeviceError::ReplayMismatch {
                index: self.next,
                sent: hex(command),
                recorded: "(end of transcript)".into(),
            });
        };
        if request != command {
            return Err(DeviceError::ReplayMismatch {
                index: self.next,
                sent: hex(command),
                recorded: hex(request),
            });
        }
        self.next += 1;
        Ok(response.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_exactly_and_rejects_a_different_request() {
        let mut t = FakeReplayTransport::from_text("=> b001000000\n<= 0105424f4c4f5300\n").unwrap();
        assert!(t.exchange(&[0xb0, 0x01, 0, 0, 1]).is_err());
        assert_eq!(t.exchange(&[0xb0, 0x01, 0, 0, 0]).unwrap().len(), 8);
        assert!(t.finished());
        assert!(matches!(
            t.exchange(&[0xb0, 0x01, 0, 0, 0]),
            Err(DeviceError::ReplayMismatch { index: 1, .. })
        ));
    }

    #[test]
    fn malformed_transcripts_are_refused() {
        assert!(FakeReplayTransport::from_text("<= 9000").is_err());
        assert!(FakeReplayTransport::from_text("=> e0\n=> e0").is_err());
        assert!(FakeReplayTransport::from_text("=> zz\n<= 9000").is_err());
        assert!(FakeReplayTransport::from_text("=> e0").is_err());
    }
}

//! The Speculos emulator's raw APDU socket (`--apdu-port`, default 9999) on this machine:
//! request = u32 big-endian length || APDU; response = u32 big-endian data length || data ||
//! status word. Only for `COLDSIGN_SPECULOS=host:port` (tests and development).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use super::{DeviceError, Result, Transport, READ_TIMEOUT};

/// A Ledger emulated by Speculos, reached over a local TCP socket.
#[derive(Debug)]
pub struct SpeculosTransport {
    stream: TcpStream,
    timeout: Duration,
}

impl SpeculosTransport {
    /// Connects to `addr` (`host:port`); each answer is awaited for [`READ_TIMEOUT`] (a person
    /// may need to press buttons in the emulator: generous, but bounded).
    pub fn connect(addr: &str) -> Result<Self> {
        Self::connect_with_timeout(addr, READ_TIMEOUT)
    }

    /// Connects to `addr`, awaiting each answer for `timeout` (tests use a short one).
    pub fn connect_with_timeout(addr: &str, timeout: Duration) -> Result<Self> {
        let stream = TcpStream::connect(addr)
            .map_err(|e| DeviceError::Transport(format!("cannot reach speculos at {addr}: {e}")))?;
        stream.set_read_timeout(Some(timeout)).map_err(io)?;
        Ok(SpeculosTransport { stream, timeout })
    }

    /// A read error: [`DeviceError::Timeout`] when the emulator did not answer in time.
    fn read_error(&self, e: std::io::Error) -> DeviceError {
        match e.kind() {
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => DeviceError::Timeout {
                device: "Ledger",
                after: self.timeout,
            },
            _ => io(e),
        }
    }

    /// Connects to the address in `COLDSIGN_SPECULOS`, when it is set.
    pub fn from_env() -> Option<Result<Self>> {
        std::env::var("COLDSIGN_SPECULOS")
            .ok()
            .filter(|a| !a.is_empty())
            .map(|a| Self::connect(&a))
    }
}

fn io(e: std::io::Error) -> DeviceError {
    DeviceError::Transport(format!("speculos: {e}"))
}

impl Transport for SpeculosTransport {
    fn exchange(&mut self, command: &[u8]) -> Result<Vec<u8>> {
        let mut frame = (command.len() as u32).to_be_bytes().to_vec();
        frame.extend_from_slice(command);
        self.stream.write_all(&frame).map_err(io)?;
        let mut len = [0u8; 4];
        self.stream
            .read_exact(&mut len)
            .map_err(|e| self.read_error(e))?;
        let len = u32::from_be_bytes(len) as usize;
        if len > 64 * 1024 {
            return Err(DeviceError::Protocol(format!(
                "speculos sent a {len}-byte answer"
            )));
        }
        let mut response = vec![0u8; len + 2];
        self.stream
            .read_exact(&mut response)
            .map_err(|e| self.read_error(e))?;
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// The framing against a local socket speaking the Speculos protocol.
    #[test]
    fn frames_requests_and_responses() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut head = [0u8; 4];
            s.read_exact(&mut head).unwrap();
            let mut apdu = vec![0u8; u32::from_be_bytes(head) as usize];
            s.read_exact(&mut apdu).unwrap();
            s.write_all(&[0, 0, 0, 1, 0x42, 0x90, 0x00]).unwrap();
            apdu
        });
        let mut t = SpeculosTransport::connect(&addr).unwrap();
        assert_eq!(
            t.exchange(&[0xb0, 1, 0, 0, 0]).unwrap(),
            vec![0x42, 0x90, 0]
        );
        assert_eq!(server.join().unwrap(), vec![0xb0, 1, 0, 0, 0]);
    }

    /// A peer that accepts the connection and never answers: a timeout error, not a hang.
    #[test]
    fn a_silent_emulator_times_out() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            // Reads the request, says nothing, and holds the connection until the client drops.
            let mut sink = Vec::new();
            s.read_to_end(&mut sink).ok();
        });
        let timeout = Duration::from_millis(200);
        let mut t = SpeculosTransport::connect_with_timeout(&addr, timeout).unwrap();
        let started = std::time::Instant::now();
        let err = t.exchange(&[0xb0, 1, 0, 0, 0]).unwrap_err();
        assert_eq!(
            err,
            DeviceError::Timeout {
                device: "Ledger",
                after: timeout
            }
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        drop(t);
        server.join().unwrap();
    }
}

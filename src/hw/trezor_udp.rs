//! The Trezor emulator's UDP sockets on this machine (main port, default 21324; debug link,
//! default 21325), with a read timeout on the socket: trezor-client's own UDP transport sets
//! none (and pings without one before it connects). Only in builds with the `emulator` or
//! `test-fakes` feature, never in a release build.

use std::net::UdpSocket;
use std::time::Duration;

use trezor_client::protos::debug_link_decision::DebugButton;
use trezor_client::protos::DebugLinkDecision;
use trezor_client::transport::error::Error as TransportError;
use trezor_client::transport::protocol::{Link, Protocol, ProtocolV1};
use trezor_client::transport::{ProtoMessage, Transport};
use trezor_client::TrezorMessage;

use super::trezor_deadline::no_answer;
use super::trezor_press::ButtonPresser;

/// The emulator's packet size (one chunk of the v1 wire protocol).
const CHUNK: usize = 64;

/// One UDP socket connected to the emulator, its reads bounded by a timeout.
struct UdpLink {
    socket: UdpSocket,
    timeout: Duration,
}

impl Link for UdpLink {
    fn write_chunk(&mut self, chunk: Vec<u8>) -> Result<(), TransportError> {
        self.socket.send(&chunk)?;
        Ok(())
    }

    fn read_chunk(&mut self) -> Result<Vec<u8>, TransportError> {
        let mut chunk = vec![0; CHUNK];
        let read = self.socket.recv(&mut chunk).map_err(|e| match e.kind() {
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
                no_answer(self.timeout)
            }
            _ => TransportError::IO(e),
        })?;
        if read != CHUNK {
            return Err(TransportError::UnexpectedChunkSizeFromDevice(read));
        }
        Ok(chunk)
    }
}

/// A Trezor emulator reached over UDP at `host:port`.
pub struct UdpTransport {
    protocol: ProtocolV1<UdpLink>,
}

impl UdpTransport {
    /// Connects to the emulator at `addr` (`host:port`); every read waits at most `timeout`.
    pub fn connect(addr: &str, timeout: Duration) -> Result<Self, TransportError> {
        let socket = UdpSocket::bind(("127.0.0.1", 0))?;
        socket.connect(addr)?;
        socket.set_read_timeout(Some(timeout))?;
        socket.set_write_timeout(Some(timeout))?;
        Ok(UdpTransport {
            protocol: ProtocolV1 {
                link: UdpLink { socket, timeout },
            },
        })
    }
}

impl Transport for UdpTransport {
    fn session_begin(&mut self) -> Result<(), TransportError> {
        self.protocol.session_begin()
    }

    fn session_end(&mut self) -> Result<(), TransportError> {
        self.protocol.session_end()
    }

    fn write_message(&mut self, message: ProtoMessage) -> Result<(), TransportError> {
        self.protocol.write(message)
    }

    fn read_message(&mut self) -> Result<ProtoMessage, TransportError> {
        self.protocol.read()
    }
}

/// The emulator's debug link: answers the device's questions as a person would, "yes" (or
/// "no", to test a rejection).
pub struct DebugLink {
    transport: UdpTransport,
    button: DebugButton,
}

impl DebugLink {
    /// Connects to the debug link at `addr` (`host:port`, the main port + 1); its presses
    /// approve when `approve`, else decline.
    pub fn connect(addr: &str, timeout: Duration, approve: bool) -> Result<Self, TransportError> {
        Ok(DebugLink {
            transport: UdpTransport::connect(addr, timeout)?,
            button: if approve {
                DebugButton::YES
            } else {
                DebugButton::NO
            },
        })
    }
}

impl ButtonPresser for DebugLink {
    /// Sends `DebugLinkDecision { button }`; the firmware does not answer it.
    fn press(&mut self) -> Result<(), TransportError> {
        let mut decision = DebugLinkDecision::new();
        decision.set_button(self.button);
        self.transport.write_message(encode(&decision)?)
    }
}

/// `message` as the wire protocol carries it.
fn encode<M: TrezorMessage>(message: &M) -> Result<ProtoMessage, TransportError> {
    let payload = message
        .write_to_bytes()
        .map_err(|e| TransportError::IO(std::io::Error::other(e)))?;
    Ok(ProtoMessage::new(M::MESSAGE_TYPE, payload))
}

//! A FAKE Trezor transport. No Trezor emulator exists in any registry, so tests inject this
//! into trezor-client: it answers a scripted message flow (the order the firmware's own tests
//! expect) with recorded replies, refuses any message of an unexpected type, and keeps every
//! message coldsign sent so tests can check what the device would have been told.

use std::sync::{Arc, Mutex};

use trezor_client::protos::MessageType;
use trezor_client::transport::error::Error as TransportError;
use trezor_client::transport::{ProtoMessage, Transport};
use trezor_client::TrezorMessage;

/// One scripted step: the message type the host must send, and the device's reply.
pub struct Step {
    /// The expected message type from the host.
    pub expect: MessageType,
    /// The reply (message type and encoded protobuf).
    pub reply: (MessageType, Vec<u8>),
}

impl Step {
    /// The host sends a message of type `expect`; the device answers `reply`.
    pub fn new<M: TrezorMessage>(expect: MessageType, reply: &M) -> Self {
        Step {
            expect,
            reply: (
                M::MESSAGE_TYPE,
                reply.write_to_bytes().expect("protobuf encodes"),
            ),
        }
    }
}

/// The messages the host sent, in order (type, encoded protobuf).
pub type SentLog = Arc<Mutex<Vec<(MessageType, Vec<u8>)>>>;

/// A FAKE Trezor answering a scripted flow.
pub struct FakeTrezorTransport {
    steps: std::collections::VecDeque<Step>,
    pending: Option<(MessageType, Vec<u8>)>,
    sent: SentLog,
}

impl FakeTrezorTransport {
    /// A fake that plays `steps`; the returned log fills with what the host sends.
    pub fn new(steps: Vec<Step>) -> (Self, SentLog) {
        let sent = SentLog::default();
        (
            FakeTrezorTransport {
                steps: steps.into(),
                pending: None,
                sent: sent.clone(),
            },
            sent,
        )
    }
}

fn fake_error(what: String) -> TransportError {
    TransportError::IO(std::io::Error::other(format!("fake trezor: {what}")))
}

impl Transport for FakeTrezorTransport {
    fn session_begin(&mut self) -> Result<(), TransportError> {
        Ok(())
    }

    fn session_end(&mut self) -> Result<(), TransportError> {
        Ok(())
    }

    fn write_message(&mut self, message: ProtoMessage) -> Result<(), TransportError> {
        let kind = message.message_type();
        self.sent
            .lock()
            .expect("log lock")
            .push((kind, message.payload().to_vec()));
        let step = self
            .steps
            .pop_front()
            .ok_or_else(|| fake_error(format!("unexpected {kind:?} after the end of the flow")))?;
        if step.expect != kind {
            return Err(fake_error(format!(
                "expected {:?}, host sent {kind:?}",
                step.expect
            )));
        }
        self.pending = Some(step.reply);
        Ok(())
    }

    fn read_message(&mut self) -> Result<ProtoMessage, TransportError> {
        let (kind, payload) = self
            .pending
            .take()
            .ok_or_else(|| fake_error("read without a request".into()))?;
        Ok(ProtoMessage::new(kind, payload))
    }
}

/// Decodes a message the host sent (for assertions on the log).
pub fn decode<M: TrezorMessage>(bytes: &[u8]) -> M {
    M::parse_from_bytes(bytes).expect("the host sent a well-formed message")
}

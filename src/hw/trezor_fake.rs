//! A FAKE Trezor transport. No Trezor emulator exists in any registry, so tests inject this
//! into trezor-client: it answers a scripted message flow (the order the firmware's own tests
//! expect) with recorded replies, refuses any message of an unexpected type, and keeps every
//! message coldsign sent so tests can check what the device would have been told. With a
//! debug link ([`FakeTrezorTransport::with_debug_link`]) it behaves as a Trezor One under
//! debug-link presses: a press while no button was requested corrupts the next reply (an
//! error here), and a reply read while the device still waits for a press never comes (an
//! error too).

use std::sync::{Arc, Mutex};

use trezor_client::protos::MessageType;
use trezor_client::transport::error::Error as TransportError;
use trezor_client::transport::{ProtoMessage, Transport};
use trezor_client::TrezorMessage;

use super::trezor_press::ButtonPresser;

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
    buttons: Option<Arc<Mutex<Buttons>>>,
}

/// The button state of a FAKE with a debug link.
#[derive(Debug, Default)]
struct Buttons {
    /// The last reply was a `ButtonRequest`.
    requested: bool,
    /// The host acknowledged that request: the device waits for a press.
    waiting: bool,
    /// A press came while the device was not waiting for one.
    stray: bool,
    /// The presses the device was waiting for.
    presses: usize,
}

/// The FAKE's debug link: presses "yes" on its [`FakeTrezorTransport`].
#[derive(Clone)]
pub struct FakeDebugLink(Arc<Mutex<Buttons>>);

impl FakeDebugLink {
    /// How many presses came while the device was waiting for one.
    pub fn presses(&self) -> usize {
        self.0.lock().expect("button lock").presses
    }
}

impl ButtonPresser for FakeDebugLink {
    fn press(&mut self) -> Result<(), TransportError> {
        let mut buttons = self.0.lock().expect("button lock");
        if buttons.waiting {
            buttons.waiting = false;
            buttons.presses += 1;
        } else {
            // The Trezor One does not refuse it: it corrupts the next reply.
            buttons.stray = true;
        }
        Ok(())
    }
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
                buttons: None,
            },
            sent,
        )
    }

    /// A fake that plays `steps` and must be approved through the returned debug link: each
    /// acknowledged `ButtonRequest` needs exactly one press before the next reply.
    pub fn with_debug_link(steps: Vec<Step>) -> (Self, SentLog, FakeDebugLink) {
        let (mut fake, sent) = Self::new(steps);
        let buttons = Arc::new(Mutex::new(Buttons::default()));
        fake.buttons = Some(buttons.clone());
        (fake, sent, FakeDebugLink(buttons))
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
        if let Some(buttons) = &self.buttons {
            let mut buttons = buttons.lock().expect("button lock");
            buttons.waiting = kind == MessageType::MessageType_ButtonAck && buttons.requested;
            buttons.requested = false;
        }
        self.pending = Some(step.reply);
        Ok(())
    }

    fn read_message(&mut self) -> Result<ProtoMessage, TransportError> {
        if let Some(buttons) = &self.buttons {
            let mut buttons = buttons.lock().expect("button lock");
            if std::mem::take(&mut buttons.stray) {
                return Err(fake_error(
                    "a button press came while no button was requested; this reply is corrupted"
                        .into(),
                ));
            }
            if buttons.waiting {
                return Err(fake_error(
                    "the device still waits for a button press; no reply comes".into(),
                ));
            }
        }
        let (kind, payload) = self
            .pending
            .take()
            .ok_or_else(|| fake_error("read without a request".into()))?;
        if let Some(buttons) = &self.buttons {
            buttons.lock().expect("button lock").requested =
                kind == MessageType::MessageType_ButtonRequest;
        }
        Ok(ProtoMessage::new(kind, payload))
    }
}

/// Decodes a message the host sent (for assertions on the log).
pub fn decode<M: TrezorMessage>(bytes: &[u8]) -> M {
    M::parse_from_bytes(bytes).expect("the host sent a well-formed message")
}

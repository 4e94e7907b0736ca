//! Pressing "yes" on a Trezor without a person: the emulator's debug link (or a FAKE) presses
//! only after the device asked with a `ButtonRequest` and coldsign acknowledged it. A press
//! the device is not waiting for is not ignored: the Trezor One takes it for the next
//! message and the reply after it is corrupted. Only in builds with the `emulator` or
//! `test-fakes` feature, never in a release build.

use trezor_client::protos::MessageType;
use trezor_client::transport::error::Error as TransportError;
use trezor_client::transport::{ProtoMessage, Transport};

/// Presses the device's button (through the emulator's debug link, or a FAKE's).
pub trait ButtonPresser: Send + Sync {
    /// Presses the device's button once ("yes", or "no" for a presser that declines).
    fn press(&mut self) -> Result<(), TransportError>;
}

/// A transport that approves every button request: after the host sent the `ButtonAck` of a
/// `ButtonRequest` the device just sent, it presses "yes", and at no other time.
pub struct PressOnRequest {
    inner: Box<dyn Transport>,
    presser: Box<dyn ButtonPresser>,
    /// The device's last message was a `ButtonRequest` not yet acknowledged.
    asked: bool,
}

impl PressOnRequest {
    /// Approves the button requests of `inner` with `presser`.
    pub fn new(inner: Box<dyn Transport>, presser: Box<dyn ButtonPresser>) -> Self {
        PressOnRequest {
            inner,
            presser,
            asked: false,
        }
    }
}

impl Transport for PressOnRequest {
    fn session_begin(&mut self) -> Result<(), TransportError> {
        self.inner.session_begin()
    }

    fn session_end(&mut self) -> Result<(), TransportError> {
        self.inner.session_end()
    }

    fn write_message(&mut self, message: ProtoMessage) -> Result<(), TransportError> {
        let acknowledges = message.message_type() == MessageType::MessageType_ButtonAck;
        let asked = std::mem::take(&mut self.asked);
        self.inner.write_message(message)?;
        if acknowledges && asked {
            self.presser.press()?;
        }
        Ok(())
    }

    fn read_message(&mut self) -> Result<ProtoMessage, TransportError> {
        let message = self.inner.read_message()?;
        self.asked = message.message_type() == MessageType::MessageType_ButtonRequest;
        Ok(message)
    }
}

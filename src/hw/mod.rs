//! Hardware wallets: Ledger (Bitcoin and Ethereum apps) and Trezor as signers.
//!
//! The device is the second screen: coldsign reviews every request on the computer first, then
//! the device shows and signs it, and coldsign verifies what comes back (every signature
//! against the sighash it computed itself, every address against its own derivation).
//!
//! Transports: USB HID ([`hid`]), the Speculos emulator over TCP (`speculos`, only with the
//! non-default `emulator` feature) and, in test builds (feature `test-fakes`), a FAKE that
//! replays real-device transcripts byte for byte (`replay`). Trezor speaks protobuf through
//! `trezor-client` (over WebUSB, or the emulator's UDP in `trezor_udp` with the `emulator`
//! feature); its test double `trezor_fake` is also a FAKE of test builds only. Every
//! transport gives up after [`READ_TIMEOUT`] without an answer (Trezor transports through
//! [`trezor_deadline`]), and errors name the device and the [`Step`]. The
//! [`crate::signer::device::Device`] signer is built on these drivers.

pub mod apdu;
pub mod eth_signer;
pub mod hid;
pub mod ledger_btc;
pub mod ledger_eip712;
pub mod ledger_eth;
pub mod merge;
pub mod policy;
#[cfg(feature = "test-fakes")]
pub mod replay;
#[cfg(feature = "emulator")]
pub mod speculos;
pub mod step;
pub mod trezor;
pub mod trezor_deadline;
#[cfg(feature = "test-fakes")]
pub mod trezor_fake;
#[cfg(any(feature = "emulator", feature = "test-fakes"))]
pub mod trezor_press;
pub mod trezor_tx;
#[cfg(any(feature = "emulator", feature = "test-fakes"))]
pub mod trezor_udp;
pub mod watch;

use std::time::Duration;

use crate::error::Said;
use crate::i18n::Text;

pub use apdu::Transport;
pub use step::Step;

/// How device errors name a Ledger (`ledger: reading the xpub at …`).
pub const LEDGER: &str = "ledger";
/// How device errors name a Trezor.
pub const TREZOR: &str = "trezor";

/// How long every device transport waits for an answer before giving up with
/// [`DeviceError::Timeout`]: long enough for a person to review a transaction on the device's
/// screen, short enough that a device that went silent never hangs the command.
pub const READ_TIMEOUT: Duration = Duration::from_secs(300);

/// What can go wrong talking to a device. Rejections on the device are [`DeviceError::Declined`]
/// (exit code 1); everything else maps to the device exit code 3 with a hint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeviceError {
    /// The user rejected the request on the device.
    #[error("declined on the device; nothing was signed")]
    Declined,
    /// The device is locked (PIN not entered) or asleep.
    #[error("the {0} is locked")]
    Locked(&'static str),
    /// The wrong app (or the dashboard) is open on a Ledger.
    #[error("the Ledger does not run the {expected} app (status {status:#06x})")]
    WrongApp {
        /// The app the command needs.
        expected: &'static str,
        /// The status word the device returned.
        status: u16,
    },
    /// The Ledger app refused the request (status 0x6a82): the Bitcoin app serves a
    /// non-standard derivation path only when it is shown on the screen.
    #[error("the {app} app refused the request (status {status:#06x})")]
    Refused {
        /// The app that refused.
        app: &'static str,
        /// The status word the device returned.
        status: u16,
    },
    /// The device did not answer within the time allowed (see [`READ_TIMEOUT`]).
    #[error("the {device} did not answer within {}", humantime::format_duration(*.after))]
    Timeout {
        /// "Ledger" or "Trezor".
        device: &'static str,
        /// How long coldsign waited.
        after: Duration,
    },
    /// An error at one step of a device session: names the device and what coldsign was
    /// doing (`ledger: reading the xpub at m/84'/0'/0': …`).
    #[error("{device}: {step}: {error}")]
    During {
        /// "ledger" or "trezor".
        device: &'static str,
        /// What coldsign was doing.
        step: Step,
        /// What went wrong.
        error: Box<DeviceError>,
    },
    /// No device was found, or it went away.
    #[error("no {0} found")]
    NotFound(&'static str),
    /// This machine has no usable USB subsystem (no `/dev/bus/usb`, no sysfs).
    #[error("USB is not available here: {0}")]
    Unavailable(String),
    /// The transport failed (USB, TCP).
    #[error("device transport failed: {0}")]
    Transport(String),
    /// The device answered with an error status or something unexpected.
    #[error("device error: {0}")]
    Protocol(String),
    /// A FAKE replay transport saw a request that differs from the recorded one.
    #[cfg(feature = "test-fakes")]
    #[error("replay mismatch at exchange {index}: sent {sent}, recorded {recorded}")]
    ReplayMismatch {
        /// Position in the transcript.
        index: usize,
        /// What coldsign sent (hex).
        sent: String,
        /// What the transcript holds (hex).
        recorded: String,
    },
}

impl DeviceError {
    /// This error at `step` of a session with `device` ("ledger", "trezor"). A decline, a
    /// missing device and an error that already names its step are left as they are.
    pub fn during(self, device: &'static str, step: Step) -> Self {
        match self {
            DeviceError::Declined
            | DeviceError::NotFound(_)
            | DeviceError::Unavailable(_)
            | DeviceError::During { .. } => self,
            error => DeviceError::During {
                device,
                step,
                error: Box::new(error),
            },
        }
    }

    /// The error itself, without the step it happened at.
    pub fn root(&self) -> &DeviceError {
        match self {
            DeviceError::During { error, .. } => error.root(),
            other => other,
        }
    }

    /// The hint shown under the error.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            DeviceError::Declined => return None,
            DeviceError::During { error, .. } => return error.hint(),
            DeviceError::Refused { app, .. } if app.starts_with("Bitcoin") => format!(
                "the {app} app shows a non-standard derivation path before it serves it: use a \
                 standard path (purpose 44', 49', 84' or 86' with the app's coin type), or one \
                 shown on the device (device address --show)"
            ),
            DeviceError::Refused {
                app,
                status: 0x6a80,
            } => format!(
                "the {app} app signs what it cannot clear-sign itself (contract data without \
                 token metadata, typed data without Ledger's filters) only with blind signing \
                 enabled in its settings; compare its screen with the review above, or sign \
                 with the keystore"
            ),
            DeviceError::Refused { app, .. } => format!(
                "the {app} app does not serve this request: check the derivation path and the \
                 app's settings, or update the app"
            ),
            DeviceError::Timeout { .. } => "check that the device is connected and unlocked \
                 with the app open, answer its prompt in time, and try again"
                .into(),
            DeviceError::Locked(_) => "unlock the device with its PIN and try again".into(),
            DeviceError::WrongApp { expected, .. } => {
                format!(
                    "open the {expected} app on the Ledger (app version 2.1 or later for Bitcoin)"
                )
            }
            DeviceError::NotFound(_) => {
                "plug the device in, unlock it, and check the udev rules (docs/devices.md)".into()
            }
            DeviceError::Unavailable(_) => "a VM or container needs the USB device passed through \
                 (/dev/bus/usb, /dev/hidraw*); without a device, sign from a file or QR code"
                .into(),
            DeviceError::Transport(_) => {
                "reconnect the device; on Linux check the udev rules (docs/devices.md)".into()
            }
            DeviceError::Protocol(_) => "update the device firmware and app, then retry".into(),
            #[cfg(feature = "test-fakes")]
            DeviceError::ReplayMismatch { .. } => {
                "the request differs from the recorded transcript (a FAKE device)".into()
            }
        })
    }
}

impl DeviceError {
    /// The message and hint as catalog texts; `None` for a decline (an [`crate::Error::Declined`])
    /// and a FAKE replay mismatch.
    fn said(&self) -> Option<Said> {
        let (message, hint) = match self {
            DeviceError::Declined => return None,
            DeviceError::During {
                device,
                step,
                error,
            } => {
                let inner = error.said()?;
                return Some(Said::new(
                    Text::new("error-device-during")
                        .arg("device", device)
                        .text_arg("step", step.text())
                        .text_arg("reason", inner.message),
                    inner.hint,
                ));
            }
            DeviceError::Refused { app, status } => (
                Text::new("error-device-refused")
                    .arg("app", app)
                    .arg("status", format!("{status:#06x}")),
                Some(
                    Text::new(if app.starts_with("Bitcoin") {
                        "hint-device-refused"
                    } else if *status == 0x6a80 {
                        "hint-device-refused-blind-signing"
                    } else {
                        "hint-device-refused-other"
                    })
                    .arg("app", app),
                ),
            ),
            DeviceError::Timeout { device, after } => (
                Text::new("error-device-timeout")
                    .arg("device", device)
                    .arg("after", humantime::format_duration(*after)),
                Some(Text::new("hint-device-timeout")),
            ),
            DeviceError::Locked(device) => (
                Text::new("error-device-locked").arg("device", device),
                Some(Text::new("hint-device-locked")),
            ),
            DeviceError::WrongApp { expected, status } => (
                Text::new("error-device-wrong-app")
                    .arg("app", expected)
                    .arg("status", format!("{status:#06x}")),
                Some(Text::new("hint-device-wrong-app").arg("app", expected)),
            ),
            DeviceError::NotFound(device) => (
                Text::new("error-device-not-found").arg("device", device),
                Some(Text::new("hint-device-not-found")),
            ),
            DeviceError::Unavailable(reason) => (
                Text::new("error-device-unavailable").arg("reason", reason),
                Some(Text::new("hint-device-unavailable")),
            ),
            DeviceError::Transport(reason) => (
                Text::new("error-device-transport").arg("reason", reason),
                Some(Text::new("hint-device-transport")),
            ),
            DeviceError::Protocol(reason) => (
                Text::new("error-device-protocol").arg("reason", reason),
                Some(Text::new("hint-device-protocol")),
            ),
            #[cfg(feature = "test-fakes")]
            DeviceError::ReplayMismatch { .. } => return None,
        };
        Some(Said::new(message, hint))
    }
}

impl From<DeviceError> for crate::Error {
    fn from(e: DeviceError) -> Self {
        if *e.root() == DeviceError::Declined {
            return crate::Error::declined(crate::i18n::Text::new("error-declined-device"));
        }
        match e.said() {
            Some(said) => crate::Error::device_said(said),
            None => crate::Error::Device {
                hint: e.hint(),
                message: e.to_string(),
                said: None,
            },
        }
    }
}

/// Device result.
pub type Result<T, E = DeviceError> = std::result::Result<T, E>;

/// An Ethereum ECDSA signature as the device returned it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EthSig {
    /// The recovery value as returned: y-parity (0/1) for typed transactions on both devices;
    /// for Ledger legacy transactions the app's one-byte `v` (EIP-155, truncated for chain ids
    /// above 109); 27/28 for personal_sign and EIP-712.
    pub v: u64,
    /// r, big-endian.
    pub r: [u8; 32],
    /// s, big-endian.
    pub s: [u8; 32],
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ExitCode;

    /// A device error names the device and the step on one lower-case line and keeps the
    /// hint and exit code of the error itself; a decline stays a decline.
    #[test]
    fn errors_name_the_device_and_the_step() {
        let refused = DeviceError::Refused {
            app: "Bitcoin",
            status: 0x6a82,
        };
        let at = refused
            .clone()
            .during("ledger", Step::Xpub("m/84'/0'/0'".into()));
        assert_eq!(
            at.to_string(),
            "ledger: reading the xpub at m/84'/0'/0': the Bitcoin app refused the request \
             (status 0x6a82)"
        );
        assert_eq!(at.hint(), refused.hint());
        assert_eq!(at.root(), &refused);
        let error = crate::Error::from(at.clone());
        assert_eq!(error.exit_code(), ExitCode::Device);
        assert_eq!(error.to_string(), at.to_string());
        assert_eq!(
            at.clone().during("trezor", Step::SignPsbt),
            at,
            "named once"
        );
        let declined = DeviceError::Declined.during("trezor", Step::SignPsbt);
        assert_eq!(declined, DeviceError::Declined);
        assert_eq!(crate::Error::from(declined).exit_code(), ExitCode::Declined);
        let timeout = DeviceError::Timeout {
            device: "Trezor",
            after: READ_TIMEOUT,
        }
        .during("trezor", Step::Fingerprint);
        assert_eq!(
            timeout.to_string(),
            "trezor: reading the master fingerprint: the Trezor did not answer within 5m"
        );
        assert_eq!(crate::Error::from(timeout).exit_code(), ExitCode::Device);
    }
}

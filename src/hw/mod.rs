//! Hardware wallets: Ledger (Bitcoin and Ethereum apps) and Trezor as signers.
//!
//! The device is the second screen: coldsign reviews every request on the computer first, then
//! the device shows and signs it, and coldsign verifies what comes back (every signature
//! against the sighash it computed itself, every address against its own derivation).
//!
//! Transports: USB HID ([`hid`]), the Speculos emulator over TCP (`speculos`, only with the
//! non-default `emulator` feature) and, in test builds (feature `test-fakes`), a FAKE that
//! replays real-device transcripts byte for byte (`replay`). Trezor speaks protobuf through
//! `trezor-client`; its test double `trezor_fake` is also a FAKE of test builds only. The
//! [`crate::signer::device::Device`] signer is built on these drivers.

pub mod apdu;
pub mod eth_signer;
pub mod hid;
pub mod ledger_btc;
pub mod ledger_eth;
pub mod merge;
pub mod policy;
#[cfg(feature = "test-fakes")]
pub mod replay;
#[cfg(feature = "emulator")]
pub mod speculos;
pub mod trezor;
#[cfg(feature = "test-fakes")]
pub mod trezor_fake;
pub mod watch;

use crate::error::Said;
use crate::i18n::Text;

pub use apdu::Transport;

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
    /// The hint shown under the error.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            DeviceError::Declined => return None,
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
        if e == DeviceError::Declined {
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

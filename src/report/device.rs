//! Results of `coldsign device …`.

use serde::Serialize;

use super::Report;
use crate::hw::hid::DeviceInfo;
use crate::i18n::{t, Text};
use crate::signer::device::DeviceKind;

/// The Ledger and Trezor devices found on USB.
#[derive(Serialize)]
pub struct Devices(pub Vec<DeviceInfo>);

impl Report for Devices {
    fn human(&self) -> String {
        if self.0.is_empty() {
            return format!("{}\n", t("report-device-none"));
        }
        self.0
            .iter()
            .map(|d| {
                let extra = d
                    .app
                    .as_deref()
                    .map(|a| {
                        format!(
                            "  {}",
                            Text::new("report-device-app").arg("app", a).localized()
                        )
                    })
                    .or(d.note.as_deref().map(|n| format!("  ({n})")))
                    .unwrap_or_default();
                format!("{}  {}{extra}\n", d.vendor, d.model)
            })
            .collect()
    }
}

/// An extended public key read from a device.
#[derive(Serialize)]
pub struct DeviceXpub {
    /// The device.
    pub device: DeviceKind,
    /// The derivation path as given.
    pub path: String,
    /// The xpub.
    pub xpub: String,
}

impl Report for DeviceXpub {
    fn human(&self) -> String {
        format!("{}\n", self.xpub)
    }
}

/// An address the device returned, identical to coldsign's own derivation.
#[derive(Serialize)]
pub struct DeviceAddress {
    /// The device.
    pub device: DeviceKind,
    /// The address.
    pub address: String,
    /// Whether it was shown on the device screen.
    pub shown_on_device: bool,
    /// Always true: a mismatch is an error, never a report.
    pub matches_coldsign_derivation: bool,
}

impl Report for DeviceAddress {
    fn human(&self) -> String {
        let key = if self.shown_on_device {
            "report-device-address-compare"
        } else {
            "report-device-address-identical"
        };
        format!("{}\n{}\n", self.address, t(key))
    }
}

/// A wallet registered on a Ledger.
#[derive(Serialize)]
pub struct LedgerRegistration {
    /// The wallet.
    pub wallet: String,
    /// The device's master fingerprint.
    pub device_fingerprint: String,
    /// The registration HMAC (hex), stored with the wallet.
    pub hmac: String,
}

impl Report for LedgerRegistration {
    fn human(&self) -> String {
        let line = Text::new("report-device-registered")
            .arg("wallet", &self.wallet)
            .arg("fingerprint", &self.device_fingerprint);
        format!("{}\n", line.localized())
    }
}

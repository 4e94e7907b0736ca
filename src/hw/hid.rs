//! USB: the Ledger HID transport (`ledger-transport-hid` over hidapi) and device discovery for
//! `coldsign device list` (Ledger over hidapi, Trezor over WebUSB through trezor-client).

use ledger_transport::APDUCommand;
use ledger_transport_hid::hidapi::HidApi;
use ledger_transport_hid::TransportNativeHID;
use serde::Serialize;

use super::apdu::app_and_version;
use super::{DeviceError, Result, Transport};

/// Ledger's USB vendor id.
const LEDGER_VID: u16 = 0x2c97;

/// A Ledger plugged in over USB.
pub struct HidTransport {
    inner: TransportNativeHID,
}

impl HidTransport {
    /// Opens the first Ledger found.
    pub fn open() -> Result<Self> {
        let api = hid_api()?;
        let inner = TransportNativeHID::new(&api).map_err(|e| match e {
            ledger_transport_hid::LedgerHIDError::DeviceNotFound => DeviceError::NotFound("Ledger"),
            other => DeviceError::Transport(other.to_string()),
        })?;
        Ok(HidTransport { inner })
    }
}

impl Transport for HidTransport {
    fn exchange(&mut self, command: &[u8]) -> Result<Vec<u8>> {
        let [cla, ins, p1, p2, _lc, data @ ..] = command else {
            return Err(DeviceError::Protocol("APDU shorter than 5 bytes".into()));
        };
        let apdu = APDUCommand {
            cla: *cla,
            ins: *ins,
            p1: *p1,
            p2: *p2,
            data: data.to_vec(),
        };
        let answer = self
            .inner
            .exchange(&apdu)
            .map_err(|e| DeviceError::Transport(format!("USB: {e} (was the Ledger unplugged?)")))?;
        let mut out = answer.data().to_vec();
        out.extend_from_slice(&answer.retcode().to_be_bytes());
        Ok(out)
    }
}

fn hid_api() -> Result<HidApi> {
    HidApi::new().map_err(|e| DeviceError::Transport(format!("cannot open USB HID: {e}")))
}

/// A device found on USB.
#[derive(Debug, Clone, Serialize)]
pub struct DeviceInfo {
    /// "ledger" or "trezor".
    pub vendor: &'static str,
    /// Model name.
    pub model: String,
    /// The app open on a Ledger with its version ("Bitcoin 2.2.3"), when it answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// Why the app could not be read (locked, busy), when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The Ledger model from its USB product id (the high byte on current firmware).
pub fn ledger_model(product_id: u16) -> &'static str {
    match product_id >> 8 {
        0x10 => "Nano S",
        0x40 => "Nano X",
        0x50 => "Nano S Plus",
        0x60 => "Stax",
        0x70 => "Flex",
        _ => match product_id {
            0x0001 => "Nano S",
            0x0004 => "Nano X",
            0x0005 => "Nano S Plus",
            _ => "Ledger (unknown model)",
        },
    }
}

/// Every Ledger and Trezor on USB; each Ledger is asked which app is open.
pub fn list_devices() -> Result<Vec<DeviceInfo>> {
    let api = hid_api()?;
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for dev in TransportNativeHID::list_ledgers(&api) {
        if dev.vendor_id() != LEDGER_VID || !seen.insert(dev.path().to_owned()) {
            continue;
        }
        let (app, note) = match TransportNativeHID::open_device(&api, dev) {
            Ok(inner) => match app_and_version(&mut HidTransport { inner }) {
                Ok((name, version)) => (Some(format!("{name} {version}")), None),
                Err(e) => (None, Some(e.to_string())),
            },
            Err(e) => (None, Some(format!("cannot open: {e}"))),
        };
        out.push(DeviceInfo {
            vendor: "ledger",
            model: ledger_model(dev.product_id()).into(),
            app,
            note,
        });
    }
    for dev in
        trezor_client::transport::webusb::WebUsbTransport::find_devices(false).unwrap_or_default()
    {
        out.push(DeviceInfo {
            vendor: "trezor",
            model: dev.model.to_string(),
            app: None,
            note: None,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ledger_models_from_product_ids() {
        assert_eq!(super::ledger_model(0x4011), "Nano X");
        assert_eq!(super::ledger_model(0x5011), "Nano S Plus");
        assert_eq!(super::ledger_model(0x0001), "Nano S");
    }
}

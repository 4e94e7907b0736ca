//! USB: the Ledger HID transport (Ledger's APDU framing over hidapi's pure-Rust hidraw
//! backend) and device discovery for `coldsign device list` (Ledger over hidapi, Trezor over
//! WebUSB through trezor-client).
//!
//! Ledger HID framing: every 64-byte report starts with the channel (0x0101), the APDU tag
//! (0x05) and a sequence number counting from 0 (both big-endian); the payload of the first
//! report starts with the total length of the APDU (or of the response), and the last report
//! is padded with zeros.

use std::time::{Duration, Instant};

use hidapi::{HidApi, HidDevice};
use serde::Serialize;

use super::apdu::app_and_version;
use super::{DeviceError, Result, Transport, READ_TIMEOUT};

/// Ledger's USB vendor id.
const LEDGER_VID: u16 = 0x2c97;
/// The HID usage page of the Ledger's APDU interface (its other interfaces are U2F, keyboard).
const LEDGER_USAGE_PAGE: u16 = 0xffa0;
/// The channel every report of the APDU interface carries.
const CHANNEL: u16 = 0x0101;
/// The tag of an APDU report.
const TAG_APDU: u8 = 0x05;
/// The size of one HID report.
const REPORT_SIZE: usize = 64;
/// channel (2) + tag (1) + sequence number (2).
const HEADER_SIZE: usize = 5;

/// A Ledger plugged in over USB.
pub struct HidTransport {
    device: HidDevice,
    /// How long one exchange waits for the answer.
    timeout: Duration,
}

impl HidTransport {
    /// Opens the first Ledger found.
    pub fn open() -> Result<Self> {
        let api = hid_api()?;
        let info = ledgers(&api)
            .next()
            .ok_or(DeviceError::NotFound("Ledger"))?;
        Self::open_info(&api, info)
    }

    fn open_info(api: &HidApi, info: &hidapi::DeviceInfo) -> Result<Self> {
        let device = info
            .open_device(api)
            .map_err(|e| DeviceError::Transport(format!("cannot open the Ledger: {e}")))?;
        Ok(HidTransport {
            device,
            timeout: READ_TIMEOUT,
        })
    }
}

impl Transport for HidTransport {
    fn exchange(&mut self, command: &[u8]) -> Result<Vec<u8>> {
        let unplugged = |e: hidapi::HidError| {
            DeviceError::Transport(format!("USB: {e} (was the Ledger unplugged?)"))
        };
        for report in frame_apdu(command)? {
            // hidraw takes the report number first: 0 for a device without numbered reports.
            let mut buffer = [0u8; REPORT_SIZE + 1];
            buffer[1..].copy_from_slice(&report);
            let written = self.device.write(&buffer).map_err(unplugged)?;
            if written != buffer.len() {
                return Err(DeviceError::Transport(format!(
                    "USB: wrote {written} of {} bytes to the Ledger",
                    buffer.len()
                )));
            }
        }
        // Waits while the user reviews on the device, up to the timeout.
        let device = &self.device;
        receive(self.timeout, |report, millis| {
            device.read_timeout(report, millis).map_err(unplugged)
        })
    }
}

/// Reads reports with `read` (into a buffer, waiting at most the given milliseconds; 0 bytes
/// when nothing came) until the response is complete, or fails with
/// [`DeviceError::Timeout`] once `timeout` has passed without it.
fn receive(
    timeout: Duration,
    mut read: impl FnMut(&mut [u8], i32) -> Result<usize>,
) -> Result<Vec<u8>> {
    let deadline = Instant::now() + timeout;
    let mut response = Reassembly::default();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(DeviceError::Timeout {
                device: "Ledger",
                after: timeout,
            });
        }
        let millis = i32::try_from(left.as_millis()).unwrap_or(i32::MAX).max(1);
        let mut report = [0u8; REPORT_SIZE];
        let read = read(&mut report, millis)?;
        if read == 0 {
            continue;
        }
        if let Some(answer) = response.push(&report[..read])? {
            return Ok(answer);
        }
    }
}

/// Splits a command APDU into HID reports.
fn frame_apdu(apdu: &[u8]) -> Result<Vec<[u8; REPORT_SIZE]>> {
    let too_long = || DeviceError::Protocol(format!("APDU of {} bytes is too long", apdu.len()));
    let length = u16::try_from(apdu.len()).map_err(|_| too_long())?;
    let mut payload = length.to_be_bytes().to_vec();
    payload.extend_from_slice(apdu);
    payload
        .chunks(REPORT_SIZE - HEADER_SIZE)
        .enumerate()
        .map(|(sequence, chunk)| {
            let sequence = u16::try_from(sequence).map_err(|_| too_long())?;
            let mut report = [0u8; REPORT_SIZE];
            report[..2].copy_from_slice(&CHANNEL.to_be_bytes());
            report[2] = TAG_APDU;
            report[3..HEADER_SIZE].copy_from_slice(&sequence.to_be_bytes());
            report[HEADER_SIZE..HEADER_SIZE + chunk.len()].copy_from_slice(chunk);
            Ok(report)
        })
        .collect()
}

/// A response being put together from its HID reports.
#[derive(Debug, Default)]
struct Reassembly {
    /// The response length announced by the first report.
    length: Option<usize>,
    data: Vec<u8>,
    next_sequence: u16,
}

impl Reassembly {
    /// Takes the next report; returns the response (data || status word) once complete.
    fn push(&mut self, report: &[u8]) -> Result<Option<Vec<u8>>> {
        let bad = |what: String| Err(DeviceError::Protocol(format!("USB HID report {what}")));
        let [c0, c1, tag, s0, s1, rest @ ..] = report else {
            return bad(format!("of {} bytes has no header", report.len()));
        };
        let channel = u16::from_be_bytes([*c0, *c1]);
        if channel != CHANNEL {
            return bad(format!(
                "on channel {channel:#06x}, expected {CHANNEL:#06x}"
            ));
        }
        if *tag != TAG_APDU {
            return bad(format!("with tag {tag:#04x}, expected {TAG_APDU:#04x}"));
        }
        let sequence = u16::from_be_bytes([*s0, *s1]);
        if sequence != self.next_sequence {
            return bad(format!(
                "number {sequence} out of order, expected {}",
                self.next_sequence
            ));
        }
        let (length, body) = match (self.length, rest) {
            (Some(length), body) => (length, body),
            (None, [l0, l1, body @ ..]) => (usize::from(u16::from_be_bytes([*l0, *l1])), body),
            (None, _) => return bad("without the response length".into()),
        };
        if length < 2 {
            return bad(format!(
                "announces {length} byte(s), less than a status word"
            ));
        }
        self.length = Some(length);
        let missing = length.saturating_sub(self.data.len());
        self.data
            .extend_from_slice(&body[..body.len().min(missing)]);
        if self.data.len() == length {
            return Ok(Some(std::mem::take(&mut self.data)));
        }
        self.next_sequence = match self.next_sequence.checked_add(1) {
            Some(next) => next,
            None => return bad("sequence number overflows".into()),
        };
        Ok(None)
    }
}

fn hid_api() -> Result<HidApi> {
    HidApi::new().map_err(|e| DeviceError::Unavailable(format!("cannot enumerate USB HID: {e}")))
}

/// The APDU interfaces of every Ledger, each once.
fn ledgers(api: &HidApi) -> impl Iterator<Item = &hidapi::DeviceInfo> {
    let mut seen = std::collections::BTreeSet::new();
    api.device_list().filter(move |dev| {
        dev.vendor_id() == LEDGER_VID
            && dev.usage_page() == LEDGER_USAGE_PAGE
            && seen.insert(dev.path().to_owned())
    })
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
    for dev in ledgers(&api) {
        let (app, note) = match HidTransport::open_info(&api, dev) {
            Ok(mut transport) => match app_and_version(&mut transport) {
                Ok((name, version)) => (Some(format!("{name} {version}")), None),
                Err(e) => (None, Some(e.to_string())),
            },
            Err(e) => (None, Some(e.to_string())),
        };
        out.push(DeviceInfo {
            vendor: "ledger",
            model: ledger_model(dev.product_id()).into(),
            app,
            note,
        });
    }
    for dev in super::trezor::find_usb()? {
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
    use std::time::{Duration, Instant};

    use super::{frame_apdu, receive, Reassembly, REPORT_SIZE};
    use crate::hw::DeviceError;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Puts `reports` through a fresh reassembly; the response if the last one completes it.
    fn reassemble(reports: &[[u8; REPORT_SIZE]]) -> Option<Vec<u8>> {
        let mut response = Reassembly::default();
        let (last, first) = reports.split_last().unwrap();
        for report in first {
            assert_eq!(response.push(report).unwrap(), None);
        }
        response.push(last).unwrap()
    }

    #[test]
    fn ledger_models_from_product_ids() {
        assert_eq!(super::ledger_model(0x4011), "Nano X");
        assert_eq!(super::ledger_model(0x5011), "Nano S Plus");
        assert_eq!(super::ledger_model(0x0001), "Nano S");
    }

    /// GET_VERSION in one report: channel 0101, tag 05, sequence 0000, length 0005, the APDU,
    /// zero padding.
    #[test]
    fn a_short_apdu_fits_one_padded_report() {
        let reports = frame_apdu(&[0xb0, 0x01, 0x00, 0x00, 0x00]).unwrap();
        assert_eq!(reports.len(), 1);
        let header = "0101050000";
        assert_eq!(
            hex(&reports[0]),
            format!("{header}0005b001000000{}", "00".repeat(REPORT_SIZE - 12))
        );
    }

    /// A full 260-byte APDU: the length prefix and 59 payload bytes per report make five
    /// reports, numbered 0 to 4, whose payloads concatenate back to the APDU.
    #[test]
    fn a_long_apdu_spans_numbered_reports() {
        let apdu: Vec<u8> = (0..260u16).map(|i| i as u8).collect();
        let reports = frame_apdu(&apdu).unwrap();
        assert_eq!(reports.len(), 5);
        let mut payload = Vec::new();
        for (i, report) in reports.iter().enumerate() {
            assert_eq!(hex(&report[..5]), format!("01010500{i:02x}"));
            payload.extend_from_slice(&report[5..]);
        }
        assert_eq!(payload[..2], [0x01, 0x04]);
        assert_eq!(payload[2..262], apdu[..]);
        assert!(payload[262..].iter().all(|b| *b == 0));
    }

    /// Responses use the same framing: the reassembly stops at the announced length and drops
    /// the padding, for a one-report and a multi-report response.
    #[test]
    fn responses_reassemble_to_their_announced_length() {
        let version = [0x01, 0x05, 0x42, 0x90, 0x00];
        assert_eq!(
            reassemble(&frame_apdu(&version).unwrap()),
            Some(version.to_vec())
        );
        let long: Vec<u8> = (0..200u8).collect();
        assert_eq!(reassemble(&frame_apdu(&long).unwrap()), Some(long));
    }

    #[test]
    fn malformed_reports_are_refused() {
        let good = frame_apdu(&[0u8; 100]).unwrap();
        let refused = |report: &[u8], after_first: bool| {
            let mut response = Reassembly::default();
            if after_first {
                response.push(&good[0]).unwrap();
            }
            response.push(report).unwrap_err().to_string()
        };
        let mut channel = good[0];
        channel[1] = 0x02;
        assert!(refused(&channel, false).contains("channel 0x0102"));
        let mut tag = good[0];
        tag[2] = 0x02;
        assert!(refused(&tag, false).contains("tag 0x02"));
        assert!(refused(&good[0][..4], false).contains("no header"));
        assert!(refused(&good[0][..6], false).contains("without the response length"));
        // The first report again instead of the second: out of order.
        assert!(refused(&good[0], true).contains("number 0 out of order, expected 1"));
        assert!(refused(&frame_apdu(&[0x90]).unwrap()[0], false).contains("less than a status"));
    }

    /// A Ledger that never answers: the exchange ends with a timeout error, not a hang.
    #[test]
    fn a_silent_device_times_out() {
        let timeout = Duration::from_millis(200);
        let started = Instant::now();
        let err = receive(timeout, |_, millis| {
            std::thread::sleep(Duration::from_millis(
                u64::try_from(millis).unwrap().min(50),
            ));
            Ok(0)
        })
        .unwrap_err();
        assert_eq!(
            err,
            DeviceError::Timeout {
                device: "Ledger",
                after: timeout
            }
        );
        assert_eq!(err.to_string(), "the Ledger did not answer within 200ms");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    /// Reports that come in pieces, with silent reads between them, still make the response.
    #[test]
    fn silent_reads_between_reports_are_waited_out() {
        let long: Vec<u8> = (0..200u8).collect();
        let mut reports = frame_apdu(&long).unwrap().into_iter();
        let mut silent = false;
        let answer = receive(Duration::from_secs(5), |buffer, _| {
            silent = !silent;
            if silent {
                return Ok(0);
            }
            let report = reports.next().unwrap();
            buffer[..REPORT_SIZE].copy_from_slice(&report);
            Ok(REPORT_SIZE)
        })
        .unwrap();
        assert_eq!(answer, long);
    }

    #[test]
    fn an_apdu_longer_than_the_length_field_is_refused() {
        assert!(frame_apdu(&vec![0; 65_536]).is_err());
    }
}

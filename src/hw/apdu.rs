//! APDU framing for Ledger apps and the one transport trait every Ledger transport implements.

use super::{DeviceError, Result};

/// Success.
pub const SW_OK: u16 = 0x9000;
/// The Bitcoin app interrupts a command to ask the client for data.
pub const SW_INTERRUPTED: u16 = 0xe000;

/// Exchanges raw APDUs with a Ledger: USB HID, Speculos over TCP, or a FAKE replaying a
/// transcript. `exchange` returns the response data followed by the two status-word bytes.
pub trait Transport {
    /// Sends one command APDU and returns the response (data || status word).
    fn exchange(&mut self, command: &[u8]) -> Result<Vec<u8>>;
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn exchange(&mut self, command: &[u8]) -> Result<Vec<u8>> {
        (**self).exchange(command)
    }
}

/// Builds a short command APDU: CLA INS P1 P2 Lc data (data at most 255 bytes).
pub fn command(cla: u8, ins: u8, p1: u8, p2: u8, data: &[u8]) -> Vec<u8> {
    assert!(data.len() <= 255, "APDU data is at most 255 bytes");
    let mut apdu = vec![cla, ins, p1, p2, data.len() as u8];
    apdu.extend_from_slice(data);
    apdu
}

/// Splits a response into its data and status word.
pub fn split_status(response: &[u8]) -> Result<(&[u8], u16)> {
    if response.len() < 2 {
        return Err(DeviceError::Protocol(format!(
            "response of {} byte(s) has no status word",
            response.len()
        )));
    }
    let (data, sw) = response.split_at(response.len() - 2);
    Ok((data, u16::from_be_bytes([sw[0], sw[1]])))
}

/// Maps a status word to an error, for the app `app` ("Bitcoin", "Ethereum").
pub fn status_error(sw: u16, app: &'static str) -> DeviceError {
    match sw {
        0x6985 => DeviceError::Declined,
        // Device locked (0x5515), screen-locked (0x6982 on older firmware), PIN not validated.
        0x5515 | 0x6982 | 0x6b0c => DeviceError::Locked("Ledger"),
        // App not open: wrong CLA/INS on the dashboard or another app; 0x6e01/0x6d02 from
        // the dashboard on newer firmware.
        0x6d00 | 0x6e00 | 0x6e01 | 0x6d02 | 0x6511 => DeviceError::WrongApp {
            expected: app,
            status: sw,
        },
        // "Not supported" from the open app: the Bitcoin app answers it for a non-standard
        // path it serves only with display. The right app, refusing.
        0x6a82 => DeviceError::Refused { app, status: sw },
        // The Ethereum app refuses contract data it cannot decode unless blind signing is
        // enabled in its settings.
        0x6a80 if app == "Ethereum" => DeviceError::Refused { app, status: sw },
        0x6a80 => DeviceError::Protocol(format!(
            "the {app} app rejected the data as invalid (0x6a80)"
        )),
        0x6a84 | 0x6a85 => DeviceError::Protocol(format!(
            "the {app} app has not enough memory for this request ({sw:#06x})"
        )),
        0x6b00 => DeviceError::Protocol(format!("the {app} app rejected the parameters (0x6b00)")),
        other => DeviceError::Protocol(format!("the {app} app answered status {other:#06x}")),
    }
}

/// Exchanges `apdu` and returns the data when the status word is 0x9000.
pub fn call(transport: &mut dyn Transport, apdu: &[u8], app: &'static str) -> Result<Vec<u8>> {
    let response = transport.exchange(apdu)?;
    let (data, sw) = split_status(&response)?;
    if sw == SW_OK {
        Ok(data.to_vec())
    } else {
        Err(status_error(sw, app))
    }
}

/// BIP32 path as the Ledger apps take it: count byte, then each step as u32 big-endian.
pub fn path_bytes(path: &bitcoin::bip32::DerivationPath) -> Vec<u8> {
    let steps: Vec<u32> = path.into_iter().map(|c| u32::from(*c)).collect();
    let mut out = vec![steps.len() as u8];
    for s in steps {
        out.extend_from_slice(&s.to_be_bytes());
    }
    out
}

/// The open app's name and version (dashboard command B0 01, answered by every app).
pub fn app_and_version(transport: &mut dyn Transport) -> Result<(String, String)> {
    let data = call(transport, &command(0xb0, 0x01, 0, 0, &[]), "requested")?;
    let mut fields = Vec::new();
    let mut rest = data.get(1..).unwrap_or_default();
    for _ in 0..2 {
        let Some((&len, tail)) = rest.split_first() else {
            break;
        };
        let len = usize::from(len).min(tail.len());
        fields.push(String::from_utf8_lossy(&tail[..len]).into_owned());
        rest = &tail[len..];
    }
    match (data.first(), fields.as_slice()) {
        (Some(1), [name, version]) => Ok((name.clone(), version.clone())),
        _ => Err(DeviceError::Protocol(
            "malformed app-and-version answer".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_words_map_to_exit_codes() {
        use crate::ExitCode;
        let code = |sw| crate::Error::from(status_error(sw, "Bitcoin")).exit_code();
        assert_eq!(code(0x6985), ExitCode::Declined);
        for sw in [0x5515, 0x6d00, 0x6e00, 0x6a82, 0x6a80, 0x1234] {
            assert_eq!(code(sw), ExitCode::Device, "{sw:#06x}");
        }
        assert_eq!(
            status_error(0x5515, "Bitcoin"),
            DeviceError::Locked("Ledger")
        );
    }

    /// 0x6a82 is the open app refusing the request, not another app; the wrong-app statuses
    /// stay wrong-app.
    #[test]
    fn a_refusal_is_not_a_wrong_app() {
        let refused = status_error(0x6a82, "Bitcoin");
        assert_eq!(
            refused,
            DeviceError::Refused {
                app: "Bitcoin",
                status: 0x6a82
            }
        );
        assert_eq!(
            refused.to_string(),
            "the Bitcoin app refused the request (status 0x6a82)"
        );
        assert!(refused.hint().unwrap().contains("standard path"));
        for sw in [0x6d00, 0x6e00, 0x6e01, 0x6d02, 0x6511] {
            assert!(
                matches!(status_error(sw, "Bitcoin"), DeviceError::WrongApp { status, .. } if status == sw),
                "{sw:#06x}"
            );
        }
    }

    #[test]
    fn short_response_is_a_protocol_error() {
        assert!(split_status(&[0x90]).is_err());
        assert_eq!(split_status(&[1, 0x90, 0]).unwrap(), (&[1u8][..], 0x9000));
    }
}

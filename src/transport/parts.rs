//! What `qr show` shows: the payload of a file (UR text of any registry type, a coldsign
//! watch-only export as an account, or a PSBT in any encoding), cut into the UR parts of an
//! animated QR code, and those parts rendered to frame files (PNG, SVG) or an animated GIF.

use std::path::Path;

use super::collect::{receive, Received};
use super::qr;
use super::registry::{Account, Payload};
use super::ur;
use crate::files::{self, Replace};
use crate::keys::watch_only::TextExport;
use crate::{Error, Result};

/// The UR parts of a payload: every fragment once (or `count` parts of the fountain).
pub fn ur_parts(
    payload: &Payload,
    legacy_name: bool,
    fragment: usize,
    count: Option<usize>,
) -> Result<Vec<String>> {
    fountain_parts(payload, legacy_name, fragment, count, false)
}

/// The UR parts of frames written to files: `count` parts, or by default every fragment once
/// plus spares (see [`with_spares`]).
pub fn frame_parts(
    payload: &Payload,
    legacy_name: bool,
    fragment: usize,
    count: Option<usize>,
) -> Result<Vec<String>> {
    fountain_parts(payload, legacy_name, fragment, count, true)
}

fn fountain_parts(
    payload: &Payload,
    legacy_name: bool,
    fragment: usize,
    count: Option<usize>,
    spares_by_default: bool,
) -> Result<Vec<String>> {
    let (ur_type, cbor) = payload
        .to_ur(legacy_name)
        .map_err(|e| Error::bad_input(format!("cannot express this as a UR: {e}")))?;
    let mut encoder =
        ur::encoder(ur_type, &cbor, fragment).map_err(|e| Error::Internal(e.to_string()))?;
    let n = count
        .unwrap_or_else(|| {
            if spares_by_default {
                with_spares(encoder.fragment_count())
            } else {
                encoder.fragment_count()
            }
        })
        .max(1);
    Ok((0..n).map(|_| encoder.next_part()).collect())
}

/// How many frames files get when no count is asked for: every fragment once plus spare
/// fountain parts (half as many again, at least two), so one lost or unreadable frame is not
/// fatal. A payload in one fragment needs no spare.
pub fn with_spares(fragments: usize) -> usize {
    if fragments <= 1 {
        return 1;
    }
    fragments.saturating_add((fragments / 2).max(2))
}

/// A payload as UR text in one part, one line (what is written to a file).
pub fn ur_text(payload: &Payload) -> Result<String> {
    Ok(ur_parts(payload, true, usize::MAX >> 1, None)?
        .into_iter()
        .map(|p| p + "\n")
        .collect())
}

/// The payload of a file to show: the UR it already holds (an `eth-sign-request`, an
/// `eth-signature`, any registry type), a coldsign watch-only export (`key export
/// --watch-only --json`) as an account, else a PSBT in any encoding.
pub fn payload_of_file(data: &[u8]) -> Result<Payload> {
    if let Some(payload) = ur_payload(data)? {
        return Ok(payload);
    }
    if let Some(account) = watch_only_account(data)? {
        return Ok(Payload::Account(account));
    }
    Ok(Payload::Psbt(
        crate::request::PsbtFile::decode(data)?.psbt.serialize(),
    ))
}

fn ur_payload(data: &[u8]) -> Result<Option<Payload>> {
    let Ok(Some(Received::Ur { ur_type, cbor })) = receive(data) else {
        return Ok(None);
    };
    Payload::from_ur(&ur_type, &cbor)
        .map(Some)
        .map_err(|e| Error::bad_input(format!("bad {ur_type}: {e}")))
}

fn watch_only_account(data: &[u8]) -> Result<Option<Account>> {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let (Some(fp), Some(accounts)) =
            (value["fingerprint"].as_str(), value["bitcoin"].as_array())
        else {
            return Ok(None);
        };
        let descriptors: Vec<&str> = accounts
            .iter()
            .filter_map(|a| a["descriptor"].as_str())
            .collect();
        return account_of(fp, &descriptors).map(Some);
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return Ok(None);
    };
    match TextExport::parse(text)? {
        Some(export) => account_of(export.fingerprint, &export.descriptors).map(Some),
        None => Ok(None),
    }
}

/// The account of a watch-only export's fingerprint and descriptors.
fn account_of(fingerprint: &str, descriptors: &[&str]) -> Result<Account> {
    let fingerprint = fingerprint
        .parse()
        .map_err(|_| Error::bad_input(format!("bad fingerprint {fingerprint:?} in the export")))?;
    Account::from_descriptors(fingerprint, descriptors)
        .map_err(|e| Error::bad_input(format!("cannot express the export as an account: {e}")))
}

/// A picture format for frame files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameFormat {
    /// PNG, 8 pixels per module.
    Png,
    /// SVG.
    Svg,
}

/// Writes one frame file per part into `dir` (created if needed): `frame-0001.png`, …
pub fn write_frames(dir: &Path, parts: &[String], format: FrameFormat) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::File {
        action: "cannot create",
        path: dir.into(),
        source,
    })?;
    for (i, part) in parts.iter().enumerate() {
        let code = qr::encode(part)?;
        let ext = match format {
            FrameFormat::Png => "png",
            FrameFormat::Svg => "svg",
        };
        let path = dir.join(format!("frame-{:04}.{ext}", i + 1));
        match format {
            FrameFormat::Png => qr::write_png(&qr::to_image(&code, 8), &path)?,
            FrameFormat::Svg => {
                files::write_atomic(&path, qr::to_svg(&code).as_bytes(), 0o644, Replace::Never)?
            }
        }
    }
    Ok(())
}

/// Writes the parts as an animated GIF at `fps` frames per second.
pub fn write_gif(path: &Path, parts: &[String], fps: u32) -> Result<()> {
    let codes = parts
        .iter()
        .map(|p| qr::encode(p))
        .collect::<Result<Vec<_>>>()?;
    files::write_atomic(path, &qr::to_gif(&codes, 6, fps)?, 0o644, Replace::Never)
}

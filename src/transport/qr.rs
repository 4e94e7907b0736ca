//! Rendering QR codes: terminal half-blocks, PNG frames, animated GIF, SVG. UR parts are
//! uppercased so the QR uses alphanumeric mode, with error correction level L (what animated-QR
//! wallets use).

use std::path::Path;

use image::codecs::gif::{GifEncoder, Repeat};
use image::{Delay, Frame, GrayImage, Luma, RgbaImage};
use qrcode::{Color, EcLevel, QrCode};

use crate::{Error, Result};

/// Light modules around the code, per the QR specification.
pub const QUIET_ZONE: usize = 4;

/// Encodes `text` (uppercased when it is a UR, for alphanumeric mode) as a QR code.
pub fn encode(text: &str) -> Result<QrCode> {
    let data = if super::collect::is_ur(text) {
        text.to_ascii_uppercase()
    } else {
        text.to_string()
    };
    QrCode::with_error_correction_level(data.as_bytes(), EcLevel::L).map_err(|e| {
        Error::bad_input(format!(
            "cannot fit {} characters in one QR code: {e}",
            data.len()
        ))
    })
}

/// Whether the module at (x, y), counting the quiet zone, is dark.
fn dark(code: &QrCode, x: usize, y: usize) -> bool {
    let w = code.width();
    x >= QUIET_ZONE
        && y >= QUIET_ZONE
        && x < w + QUIET_ZONE
        && y < w + QUIET_ZONE
        && code[(x - QUIET_ZONE, y - QUIET_ZONE)] == Color::Dark
}

/// Two module rows per text line with half-block characters; light modules are drawn, so it
/// reads on dark terminals, with the quiet zone included.
pub fn to_terminal(code: &QrCode) -> String {
    let size = code.width() + 2 * QUIET_ZONE;
    let mut out = String::with_capacity(size * size);
    for y in (0..size).step_by(2) {
        for x in 0..size {
            let top = !dark(code, x, y);
            let bottom = y + 1 < size && !dark(code, x, y + 1);
            out.push(match (top, bottom) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        out.push('\n');
    }
    out
}

/// A grayscale image with `scale` pixels per module.
pub fn to_image(code: &QrCode, scale: u32) -> GrayImage {
    let size = (code.width() + 2 * QUIET_ZONE) as u32;
    GrayImage::from_fn(size * scale, size * scale, |x, y| {
        if dark(code, (x / scale) as usize, (y / scale) as usize) {
            Luma([0])
        } else {
            Luma([255])
        }
    })
}

/// An SVG document with one path of dark modules.
pub fn to_svg(code: &QrCode) -> String {
    let size = code.width() + 2 * QUIET_ZONE;
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if dark(code, x, y) {
                path.push_str(&format!("M{x} {y}h1v1h-1z"));
            }
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>\n"
    )
}

/// Writes `image` as PNG to `path` (atomically, never replacing a file).
pub fn write_png(image: &GrayImage, path: &Path) -> Result<()> {
    let mut bytes = Vec::new();
    image
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .map_err(|e| Error::Internal(format!("png encoding: {e}")))?;
    crate::files::write_atomic(path, &bytes, 0o644, crate::files::Replace::Never)
}

/// An animated GIF of `codes` at `fps` frames per second, looping forever.
pub fn to_gif(codes: &[QrCode], scale: u32, fps: u32) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    {
        let mut encoder = GifEncoder::new(&mut bytes);
        encoder
            .set_repeat(Repeat::Infinite)
            .map_err(|e| Error::Internal(e.to_string()))?;
        let delay = Delay::from_numer_denom_ms(1000, fps.max(1));
        // Frames of one size: pad every code to the largest.
        let side = codes.iter().map(|c| c.width()).max().unwrap_or(21);
        for code in codes {
            let gray = to_image(code, scale);
            let full = ((side + 2 * QUIET_ZONE) as u32) * scale;
            let offset = (full - gray.width()) / 2;
            let rgba = RgbaImage::from_fn(full, full, |x, y| {
                let v = if x >= offset
                    && y >= offset
                    && x - offset < gray.width()
                    && y - offset < gray.height()
                {
                    gray.get_pixel(x - offset, y - offset)[0]
                } else {
                    255
                };
                image::Rgba([v, v, v, 255])
            });
            encoder
                .encode_frame(Frame::from_parts(rgba, 0, 0, delay))
                .map_err(|e| Error::Internal(format!("gif encoding: {e}")))?;
        }
    }
    Ok(bytes)
}

//! Reading QR codes from images (PNG, JPEG, GIF frames; photos of screens included): rxing
//! first, rqrr as a fallback, on the grayscale image and on a contrast-stretched copy.

use std::path::Path;

use image::GrayImage;
use rxing::{BarcodeFormat, DecodeHints};

use crate::{Error, Result};

/// The text of every QR code found in `image` (empty when none could be read).
pub fn scan(image: &GrayImage) -> Vec<String> {
    for candidate in [image.clone(), stretch(image)] {
        let found = with_rxing(&candidate);
        if !found.is_empty() {
            return found;
        }
        let found = with_rqrr(&candidate);
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

/// Reads every frame of an image file (a GIF yields one result list per frame).
pub fn scan_file(path: &Path) -> Result<Vec<String>> {
    scan_bytes(
        &crate::files::read_input(path)?,
        &path.display().to_string(),
    )
}

/// Whether `bytes` start like an image coldsign can scan.
pub fn is_image(bytes: &[u8]) -> bool {
    matches!(
        image::guess_format(bytes),
        Ok(image::ImageFormat::Png | image::ImageFormat::Jpeg | image::ImageFormat::Gif)
    )
}

/// Reads every frame of an encoded image; `name` appears in errors.
pub fn scan_bytes(bytes: &[u8], name: &str) -> Result<Vec<String>> {
    let mut texts = Vec::new();
    for frame in decode_frames(bytes.to_vec(), name)? {
        texts.extend(scan(&frame?));
    }
    Ok(texts)
}

/// The frames of an encoded image.
pub type Frames = Box<dyn Iterator<Item = Result<GrayImage>>>;

/// Decodes the frames of a PNG, JPEG or GIF image to grayscale, one at a time (an animated
/// GIF is never held whole), within the decoding limits; `name` appears in errors.
pub fn decode_frames(bytes: Vec<u8>, name: &str) -> Result<Frames> {
    use image::{AnimationDecoder, ImageDecoder};
    let format = image::guess_format(&bytes)
        .map_err(|_| Error::bad_input(format!("{name} is not a PNG, JPEG or GIF image")))?;
    let name = name.to_string();
    let bad = move |e: &dyn std::fmt::Display| Error::bad_input(format!("{name}: {e}"));
    if format == image::ImageFormat::Gif {
        let mut decoder = image::codecs::gif::GifDecoder::new(std::io::Cursor::new(bytes))
            .map_err(|e| bad(&e))?;
        decoder.set_limits(limits()).map_err(|e| bad(&e))?;
        let frames = decoder.into_frames().enumerate().map(move |(i, frame)| {
            if i >= MAX_FRAMES {
                return Err(bad(&format_args!("more than {MAX_FRAMES} frames")));
            }
            let frame = frame.map_err(|e| bad(&e))?;
            Ok(image::DynamicImage::ImageRgba8(frame.into_buffer()).to_luma8())
        });
        // Stop after the first error.
        let mut failed = false;
        return Ok(Box::new(frames.take_while(move |r| {
            let go = !failed;
            failed |= r.is_err();
            go
        })));
    }
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    reader.limits(limits());
    let image = reader.decode().map_err(|e| bad(&e))?;
    Ok(Box::new(std::iter::once(Ok(image.to_luma8()))))
}

/// The largest image side accepted (a phone photo is about 4,000 pixels).
pub const MAX_SIDE: u32 = 8192;
/// The most frames read from one animated image.
pub const MAX_FRAMES: usize = 5_000;

/// Decoding limits, so a crafted header cannot make the decoder allocate gigabytes.
fn limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(256 << 20);
    limits
}

fn with_rxing(image: &GrayImage) -> Vec<String> {
    let mut hints = DecodeHints {
        TryHarder: Some(true),
        ..Default::default()
    };
    rxing::helpers::detect_in_luma_with_hints(
        image.as_raw().clone(),
        image.width(),
        image.height(),
        Some(BarcodeFormat::QR_CODE),
        &mut hints,
    )
    .map(|r| vec![r.getText().to_string()])
    .unwrap_or_default()
}

fn with_rqrr(image: &GrayImage) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        image.width() as usize,
        image.height() as usize,
        |x, y| image.get_pixel(x as u32, y as u32)[0],
    );
    prepared
        .detect_grids()
        .iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

/// Stretches contrast to the full range (photos of screens are often grey on grey).
fn stretch(image: &GrayImage) -> GrayImage {
    let (lo, hi) = image
        .pixels()
        .fold((255u8, 0u8), |(lo, hi), p| (lo.min(p[0]), hi.max(p[0])));
    if hi <= lo {
        return image.clone();
    }
    let range = (hi - lo) as u32;
    GrayImage::from_fn(image.width(), image.height(), |x, y| {
        let v = image.get_pixel(x, y)[0];
        image::Luma([(((v - lo) as u32 * 255) / range) as u8])
    })
}

//! Camera-like frames for the scanner: a QR code drawn into a 640×480 frame, then blurred and
//! noised. Shared by tests/qr_scan.rs and benches/transport.rs (included by path).

use coldsign::transport::qr;
use image::{imageops, GrayImage, Luma};

/// The code drawn into a 640×480 frame, as large as fits, centred.
pub fn frame(text: &str) -> GrayImage {
    let code = qr::encode(text).unwrap();
    let modules = (code.width() + 2 * qr::QUIET_ZONE) as u32;
    let img = qr::to_image(&code, (470 / modules).max(1));
    let mut canvas = GrayImage::from_pixel(640, 480, Luma([255]));
    imageops::overlay(
        &mut canvas,
        &img,
        ((640 - img.width()) / 2) as i64,
        ((480 - img.height()) / 2) as i64,
    );
    canvas
}

/// Gaussian blur and uniform noise of ±`amplitude`, from a fixed-seed generator.
pub fn degrade(img: &GrayImage, sigma: f32, amplitude: i32, seed: u64) -> GrayImage {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut blurred = imageops::blur(img, sigma);
    for p in blurred.pixels_mut() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let noise = (state % (2 * amplitude as u64 + 1)) as i32 - amplitude;
        p[0] = (p[0] as i32 + noise).clamp(0, 255) as u8;
    }
    blurred
}

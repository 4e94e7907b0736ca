//! Rendering and scanning: every render format round-trips through the scanner, and frames
//! degraded like a camera sees them (640×480, Gaussian blur 1.5, noise ±30) are still read.

use coldsign::transport::{qr, scan};
use image::{imageops, GrayImage, Luma};

/// Real UR parts: a 3 KB payload as `crypto-psbt` multipart with 200-byte fragments.
fn ur_parts(count: usize) -> Vec<String> {
    let payload: Vec<u8> = (0..3000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let mut cbor = vec![0x59, (payload.len() >> 8) as u8, payload.len() as u8];
    cbor.extend(&payload);
    let mut encoder = ur::Encoder::new(&cbor, 200, "crypto-psbt").unwrap();
    (0..count).map(|_| encoder.next_part().unwrap()).collect()
}

/// The code drawn into a 640×480 frame, as large as fits, centred.
fn frame(text: &str) -> GrayImage {
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
fn degrade(img: &GrayImage, sigma: f32, amplitude: i32, seed: u64) -> GrayImage {
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

#[test]
fn clean_frames_round_trip_exactly() {
    for part in ur_parts(5) {
        let read = scan::scan(&frame(&part));
        assert_eq!(read, vec![part.to_ascii_uppercase()]);
    }
}

#[test]
fn degraded_camera_frames_are_read() {
    let parts = ur_parts(40);
    let read = parts
        .iter()
        .enumerate()
        .filter(|(i, part)| {
            scan::scan(&degrade(&frame(part), 1.5, 30, *i as u64 + 1))
                .first()
                .map(|t| t.eq_ignore_ascii_case(part))
                .unwrap_or(false)
        })
        .count();
    eprintln!("read {read} of 40 degraded frames");
    assert!(read >= 38, "only {read} of 40 degraded frames were read");
}

#[test]
fn png_gif_and_svg_renders() {
    let parts = ur_parts(3);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("frame.png");
    qr::write_png(&qr::to_image(&qr::encode(&parts[0]).unwrap(), 4), &path).unwrap();
    assert_eq!(
        scan::scan_file(&path).unwrap(),
        vec![parts[0].to_ascii_uppercase()]
    );
    let codes: Vec<_> = parts.iter().map(|p| qr::encode(p).unwrap()).collect();
    let gif = qr::to_gif(&codes, 4, 5).unwrap();
    let gif_path = dir.path().join("anim.gif");
    std::fs::write(&gif_path, gif).unwrap();
    let frames = scan::scan_file(&gif_path).unwrap();
    assert_eq!(
        frames,
        parts
            .iter()
            .map(|p| p.to_ascii_uppercase())
            .collect::<Vec<_>>()
    );
    let svg = qr::to_svg(&codes[0]);
    assert!(svg.starts_with("<svg") && svg.contains("<path d=\"M"));
    let text = qr::to_terminal(&codes[0]);
    assert_eq!(
        text.lines().count(),
        (codes[0].width() + 2 * qr::QUIET_ZONE).div_ceil(2)
    );
    // Not an image: a clear error.
    std::fs::write(dir.path().join("x.png"), b"hello").unwrap();
    assert!(scan::scan_file(&dir.path().join("x.png")).is_err());
}

#[test]
fn an_image_claiming_huge_dimensions_is_refused_before_decoding() {
    // Found by the psbt fuzz target: a GIF header whose frame would need 2.5 GB.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus/psbt");
    let name = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("oom-"))
        .unwrap();
    let bytes = std::fs::read(name.path()).unwrap();
    assert!(scan::is_image(&bytes));
    let err = scan::scan_bytes(&bytes, "oom.gif").unwrap_err().to_string();
    assert!(
        err.contains("limit") || err.contains("large") || err.contains("dimension"),
        "{err}"
    );
}

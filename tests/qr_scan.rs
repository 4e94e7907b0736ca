//! Rendering and scanning: every render format round-trips through the scanner, and frames
//! degraded like a camera sees them (640×480, Gaussian blur 1.5, noise ±30) are still read.

use coldsign::transport::collect::{Collector, Received};
use coldsign::transport::frames::{read_frames, FrameSource, ImageFiles};
use coldsign::transport::{qr, scan};
use image::GrayImage;

#[path = "support/camera.rs"]
mod camera;
use camera::{degrade, frame};

/// The CBOR body the parts carry: a 3 KB byte string.
fn cbor() -> Vec<u8> {
    let payload: Vec<u8> = (0..3000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let mut cbor = vec![0x59, (payload.len() >> 8) as u8, payload.len() as u8];
    cbor.extend(&payload);
    cbor
}

/// Real UR parts: a 3 KB payload as `crypto-psbt` multipart with 200-byte fragments.
fn ur_parts(count: usize) -> Vec<String> {
    let mut encoder = ur::Encoder::new(&cbor(), 200, "crypto-psbt").unwrap();
    (0..count).map(|_| encoder.next_part().unwrap()).collect()
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

/// Feeds `source` to a fresh collector; returns whether it completed, and the collector.
fn collect_from(source: &mut dyn FrameSource) -> (bool, Collector) {
    let mut collector = Collector::new();
    let complete = read_frames(source, &mut |text| {
        Ok(collector
            .push(text)
            .map_err(|e| coldsign::Error::bad_input(e.to_string()))?
            .complete)
    })
    .unwrap();
    (complete, collector)
}

/// `qr read`'s frame-source path driven from image files: camera-like 640×480 frames (blur,
/// noise), a third of the parts lost, the rest shuffled and saved as PNG and JPEG files in a
/// directory, plus an animated GIF and a non-image file in it. The directory source yields
/// every frame, and the payload is reassembled exactly.
#[test]
fn frame_source_from_image_files_with_losses_and_reordering() {
    let parts = ur_parts(45);
    let dir = tempfile::tempdir().unwrap();
    let mut kept: Vec<(usize, &String)> = parts
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 != 1)
        .collect();
    // A fixed shuffle: reverse, then interleave halves.
    kept.reverse();
    let (a, b) = kept.split_at(kept.len() / 2);
    let shuffled: Vec<_> = a
        .iter()
        .zip(b)
        .flat_map(|(x, y)| [*x, *y])
        .chain(b.get(a.len()).copied())
        .collect();
    for (n, (i, part)) in shuffled.iter().enumerate() {
        let image = degrade(&frame(part), 1.0, 20, *i as u64 + 7);
        let ext = if n % 4 == 0 { "jpg" } else { "png" };
        image
            .save(dir.path().join(format!("frame-{n:03}.{ext}")))
            .unwrap();
    }
    std::fs::write(dir.path().join("notes.txt"), "not a frame").unwrap();
    let (complete, collector) =
        collect_from(&mut ImageFiles::new([dir.path().to_path_buf()]).unwrap());
    assert!(complete, "{:?}", collector.progress());
    match collector.finish().unwrap() {
        Received::Ur { ur_type, cbor: got } => {
            assert_eq!(ur_type, "crypto-psbt");
            assert_eq!(got, cbor());
        }
        other => panic!("{other:?}"),
    }
}

/// A source that runs out before the message is determined leaves the collector incomplete
/// (and `qr read` then fails); a hand-written source drives the same path as the files do.
#[test]
fn an_exhausted_frame_source_leaves_the_transfer_incomplete() {
    struct Frames(Vec<GrayImage>);
    impl FrameSource for Frames {
        fn next_frame(&mut self) -> coldsign::Result<Option<GrayImage>> {
            Ok(self.0.pop())
        }
    }
    let parts = ur_parts(4);
    let (complete, collector) = collect_from(&mut Frames(parts.iter().map(|p| frame(p)).collect()));
    assert!(!complete);
    assert_eq!(collector.progress().parts, 4);
    assert!(collector.finish().is_err());
    // The first fragment_count parts are the fragments themselves: complete.
    let fragments = ur::Encoder::new(&cbor(), 200, "crypto-psbt")
        .unwrap()
        .fragment_count();
    let parts = ur_parts(fragments);
    let (complete, _) = collect_from(&mut Frames(parts.iter().map(|p| frame(p)).collect()));
    assert!(complete);
}

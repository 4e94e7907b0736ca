//! Air-gap transport speed: BC-UR multipart encoding, reassembly by our GF(2) fountain decoder
//! (through `qr read`'s collector) against the `ur` crate's peeling decoder, rendering a part
//! as a QR code in a 640×480 frame, and scanning such a frame (clean and camera-degraded).
//! Run: `cargo bench --bench transport`. Figures: docs/performance.md.

use coldsign::transport::collect::Collector;
use coldsign::transport::{scan, ur as cs_ur};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

#[path = "../tests/support/camera.rs"]
mod camera;
use camera::{degrade, frame};

/// The efficiency setting: a 20 KB payload, 200-byte fragments (100 fragments).
const PAYLOAD: usize = 20_000;
const FRAGMENT: usize = 200;

/// A `crypto-psbt` body: a CBOR byte string of `len` pseudo-random bytes.
fn cbor(len: usize) -> Vec<u8> {
    let mut body = vec![0x59, (len >> 8) as u8, len as u8];
    body.extend((0..len as u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    body
}

/// The parts a receiver sees: every third emitted part lost, until 200 have arrived (more
/// than either decoder needs).
fn received_parts(body: &[u8]) -> Vec<String> {
    let mut encoder = cs_ur::encoder("crypto-psbt", body, FRAGMENT).unwrap();
    (0..300)
        .map(|_| encoder.next_part())
        .enumerate()
        .filter(|(i, _)| i % 3 != 2)
        .map(|(_, p)| p)
        .collect()
}

fn bench(c: &mut Criterion) {
    let body = cbor(PAYLOAD);
    let mut group = c.benchmark_group("transport");
    group.sample_size(20);
    group.bench_function(BenchmarkId::new("ur-encode", "20kB-200B-100parts"), |b| {
        b.iter(|| {
            let mut encoder = cs_ur::encoder("crypto-psbt", &body, FRAGMENT).unwrap();
            (0..100).map(|_| encoder.next_part()).collect::<Vec<_>>()
        })
    });
    let parts = received_parts(&body);
    group.bench_function(BenchmarkId::new("ur-decode/coldsign", "20kB-lossy"), |b| {
        b.iter(|| {
            let mut collector = Collector::new();
            for part in &parts {
                if collector.push(part).unwrap().complete {
                    break;
                }
            }
            collector.finish().unwrap()
        })
    });
    group.bench_function(BenchmarkId::new("ur-decode/ur-crate", "20kB-lossy"), |b| {
        b.iter(|| {
            let mut decoder = ur::Decoder::default();
            for part in &parts {
                decoder.receive(part).unwrap();
                if decoder.complete() {
                    break;
                }
            }
            decoder.message().unwrap().unwrap()
        })
    });
    let part = &parts[0];
    group.bench_function(BenchmarkId::new("qr-render", "640x480"), |b| {
        b.iter(|| frame(part))
    });
    let clean = frame(part);
    // The scanner target: Gaussian blur 1.5, noise ±30.
    let blurred = degrade(&clean, 1.5, 30, 1);
    for (name, image) in [("clean", &clean), ("blur1.5-noise30", &blurred)] {
        assert_eq!(scan::scan(image), vec![part.to_ascii_uppercase()]);
        group.bench_with_input(BenchmarkId::new("qr-scan/640x480", name), image, |b, i| {
            b.iter(|| scan::scan(i))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

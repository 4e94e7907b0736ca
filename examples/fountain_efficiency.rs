//! How many fountain parts a receiver needs: our decoder against the `ur` crate's.
//!
//! `cargo run --release --example fountain_efficiency [SEEDS]`
//!
//! For each seed: a 20 000-byte random payload, `ur::Encoder` with 200-byte fragments
//! (100 fragments), every emitted part lost with probability 30%, the surviving UR strings fed
//! in order to both decoders. A decoder's cost is the number of parts it received until it
//! completed, divided by the minimum (`seq_len`). The figures are the averages over the seeds.

use coldsign::transport::fountain::{FountainDecoder, FountainPart};

const PAYLOAD: usize = 20_000;
const MAX_FRAGMENT: usize = 200;
const LOSS: f64 = 0.30;

/// xorshift64*: the example's own randomness, independent of the code it measures.
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> Self {
        // Any non-zero state; spread small seeds apart.
        XorShift(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Run {
    seq_len: usize,
    ours: usize,
    theirs: usize,
}

fn run(seed: u64) -> Run {
    let mut rng = XorShift::new(seed);
    let payload: Vec<u8> = (0..PAYLOAD).map(|_| rng.next() as u8).collect();
    let mut encoder = ur::Encoder::bytes(&payload, MAX_FRAGMENT).expect("encoder");
    let mut ours = FountainDecoder::new();
    let mut theirs = ur::Decoder::default();
    let (mut ours_at, mut theirs_at) = (None, None);
    let mut received = 0;
    while ours_at.is_none() || theirs_at.is_none() {
        let part = encoder.next_part().expect("part");
        if rng.unit() < LOSS {
            continue;
        }
        received += 1;
        if ours_at.is_none() {
            let (_, cbor) = ur::decode(&part).expect("ur");
            let part = FountainPart::from_cbor(&cbor).expect("cbor");
            ours.receive(&part).expect("receive");
            if ours.is_complete() {
                ours_at = Some(received);
            }
        }
        if theirs_at.is_none() {
            theirs.receive(&part).expect("receive");
            if theirs.complete() {
                theirs_at = Some(received);
            }
        }
    }
    assert_eq!(ours.message().expect("message"), Some(&payload[..]));
    assert_eq!(theirs.message().expect("message"), Some(payload));
    Run {
        seq_len: ours.expected_parts().expect("seq_len"),
        ours: ours_at.expect("ours"),
        theirs: theirs_at.expect("theirs"),
    }
}

fn summary(name: &str, mut ratios: Vec<f64>) {
    ratios.sort_by(f64::total_cmp);
    let n = ratios.len();
    let mean = ratios.iter().sum::<f64>() / n as f64;
    let at = |q: f64| ratios[((n - 1) as f64 * q).round() as usize];
    println!(
        "{name:<22} mean {mean:.3}   median {:.3}   p90 {:.3}   min {:.3}   max {:.3}",
        at(0.5),
        at(0.9),
        ratios[0],
        ratios[n - 1]
    );
}

fn main() {
    let seeds: u64 = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("SEEDS must be a number"))
        .unwrap_or(500);
    assert!(seeds > 0, "SEEDS must be at least 1");
    let runs: Vec<Run> = (1..=seeds).map(run).collect();
    let seq_len = runs[0].seq_len;
    println!(
        "{PAYLOAD}-byte payload, max fragment {MAX_FRAGMENT} bytes ({seq_len} fragments), \
         {:.0}% of parts lost, {seeds} seeds",
        LOSS * 100.0
    );
    println!("parts received until complete / seq_len:");
    summary(
        "coldsign (GF(2))",
        runs.iter()
            .map(|r| r.ours as f64 / r.seq_len as f64)
            .collect(),
    );
    summary(
        "ur crate (peeling)",
        runs.iter()
            .map(|r| r.theirs as f64 / r.seq_len as f64)
            .collect(),
    );
    let fewer = runs.iter().filter(|r| r.ours < r.theirs).count();
    let more = runs.iter().filter(|r| r.ours > r.theirs).count();
    println!("coldsign needed fewer parts in {fewer} runs, more in {more}");
}

//! The fountain decoder: BC-UR test vectors (fixtures/bcr-2020-005.json), agreement with the
//! `ur` crate's encoder, never needing more parts than the `ur` crate's decoder, and
//! malformed parts giving errors rather than panics.

use bitcoin::hashes::{sha256, Hash};
use bitcoin::hex::{DisplayHex, FromHex};
use coldsign::transport::fountain::{
    choose_degree, choose_fragments, crc32, shuffled, FountainDecoder, FountainError, FountainPart,
    FragmentChooser, RandomSampler, Xoshiro256,
};
use serde_json::Value;

fn fixture() -> Value {
    let path = format!("{}/fixtures/bcr-2020-005.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn u(v: &Value) -> u64 {
    v.as_u64()
        .unwrap_or_else(|| panic!("not an unsigned integer: {v}"))
}

fn unhex(h: &str) -> Vec<u8> {
    Vec::from_hex(h).unwrap()
}

fn ints(v: &Value) -> Vec<u64> {
    v.as_array().unwrap().iter().map(u).collect()
}

fn list(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}"))
}

/// The test suites' `make_message`: bytes from Xoshiro256 seeded with the string.
fn make_message(seed: &str, len: usize) -> Vec<u8> {
    Xoshiro256::from_seed(seed.as_bytes()).next_data(len)
}

/// CBOR byte string holding `message` (`make_message_ur`).
fn cbor_bytes(message: &[u8]) -> Vec<u8> {
    let mut e = minicbor::Encoder::new(Vec::new());
    e.bytes(message).unwrap();
    e.into_writer()
}

fn part_of_ur(ur: &str) -> FountainPart {
    let (kind, cbor) = ur::decode(ur).unwrap();
    assert_eq!(kind, ur::ur::Kind::MultiPart, "{ur}");
    FountainPart::from_cbor(&cbor).unwrap()
}

fn counts(values: &[u64], buckets: usize) -> Vec<u64> {
    let mut totals = vec![0; buckets];
    for &v in values {
        totals[v as usize] += 1;
    }
    totals
}

// ---------------------------------------------------------------------------------------------
// Vectors
// ---------------------------------------------------------------------------------------------

#[test]
fn crc32_vectors() {
    let f = fixture();
    for v in list(&f["crc32"]) {
        let input = match v.get("input_utf8") {
            Some(text) => s(text).as_bytes().to_vec(),
            None => unhex(s(&v["input_hex"])),
        };
        assert_eq!(format!("{:08x}", crc32(&input)), s(&v["checksum"]), "{v}");
    }
    // The long one is make_message("Wolf", 1024).
    assert_eq!(
        unhex(s(&f["crc32"][2]["input_hex"])),
        make_message("Wolf", 1024)
    );
    assert_eq!(crc32(b""), 0);
}

#[test]
fn sha256_vector_and_seeding() {
    let f = fixture();
    let v = &f["sha256"][0];
    let digest = sha256::Hash::hash(s(&v["input_utf8"]).as_bytes()).to_byte_array();
    assert_eq!(digest.to_lower_hex_string(), s(&v["digest"]));
    // from_seed is from_digest of the SHA-256 of the seed.
    let mut a = Xoshiro256::from_seed(b"Wolf");
    let mut b = Xoshiro256::from_digest(&sha256::Hash::hash(b"Wolf").to_byte_array());
    for _ in 0..10 {
        assert_eq!(a.next_u64(), b.next_u64());
    }
}

#[test]
fn xoshiro_vectors() {
    let f = fixture();
    for v in list(&f["xoshiro256"]) {
        let mut rng = match v.get("seed_utf8") {
            Some(seed) => Xoshiro256::from_seed(s(seed).as_bytes()),
            None => Xoshiro256::from_crc32(crc32(s(&v["seed_crc32_of_utf8"]).as_bytes())),
        };
        let got: Vec<u64> = match s(&v["output"]) {
            "next() % 100" => (0..100).map(|_| rng.next_u64() % 100).collect(),
            "next_int(1, 10)" => (0..100).map(|_| rng.next_int(1, 10)).collect(),
            other => panic!("unknown output {other}"),
        };
        assert_eq!(got, ints(&v["values"]), "{}", s(&v["source"]));
    }
}

#[test]
fn random_sampler_vector() {
    let f = fixture();
    let v = &f["random_sampler"];
    let weights: Vec<f64> = ints(&v["weights"]).iter().map(|&w| w as f64).collect();
    let sampler = RandomSampler::new(&weights).unwrap();
    let mut rng = Xoshiro256::from_seed(s(&v["seed_utf8"]).as_bytes());
    let samples: Vec<u64> = (0..500).map(|_| sampler.next(&mut rng) as u64).collect();
    assert_eq!(samples, ints(&v["samples"]));
    assert_eq!(counts(&samples, 4), ints(&v["totals"]));

    assert!(RandomSampler::new(&[]).is_none());
    assert!(RandomSampler::new(&[0.0, 0.0]).is_none());
    assert!(RandomSampler::new(&[1.0, -1.0]).is_none());
    assert!(RandomSampler::new(&[1.0, f64::NAN]).is_none());
    assert!(RandomSampler::new(&[1.0, f64::INFINITY]).is_none());
}

#[test]
fn find_fragment_length_vectors_match_the_ur_encoder() {
    // The fragment length is the encoder's choice; check that the `ur` crate's agrees with
    // the reference's (its minimum fragment length is 1, which does not matter here).
    for v in list(&fixture()["find_fragment_length"]) {
        let message = make_message("Wolf", u(&v["message_len"]) as usize);
        let mut encoder =
            ur::fountain::Encoder::new(&message, u(&v["max_fragment_len"]) as usize).unwrap();
        assert_eq!(
            encoder.next_part().data().len() as u64,
            u(&v["fragment_len"])
        );
    }
}

#[test]
fn partition_vector() {
    let f = fixture();
    let v = &f["partition_and_join"];
    let message = make_message(
        s(&v["message"]["make_message_seed_utf8"]),
        u(&v["message"]["len"]) as usize,
    );
    let fragments: Vec<Vec<u8>> = list(&v["fragments"]).iter().map(|h| unhex(s(h))).collect();
    // Joining the fragments and dropping the padding gives the message back.
    let joined: Vec<u8> = fragments.concat();
    assert_eq!(&joined[..message.len()], &message[..]);
    assert!(joined[message.len()..].iter().all(|&b| b == 0));
    // The `ur` crate's encoder emits the same fragments as its first parts.
    let mut encoder =
        ur::fountain::Encoder::new(&message, u(&v["max_fragment_len"]) as usize).unwrap();
    assert_eq!(encoder.fragment_count(), fragments.len());
    for fragment in &fragments {
        assert_eq!(encoder.next_part().data(), &fragment[..]);
    }
}

#[test]
fn degree_chooser_vectors() {
    let f = fixture();
    let spec = &f["degree_chooser"][0];
    let seq_len = u(&spec["seq_len"]) as usize;
    let mut rng = Xoshiro256::from_seed(s(&spec["seed_utf8"]).as_bytes());
    let degrees: Vec<u64> = (0..1000)
        .map(|_| choose_degree(seq_len, &mut rng) as u64)
        .collect();
    assert_eq!(degrees, ints(&spec["degrees"]));
    let totals = counts(&degrees, seq_len + 1);
    assert_eq!(&totals[1..], &ints(&spec["totals"])[..]);

    let cpp = &f["degree_chooser"][1];
    let seq_len = u(&cpp["seq_len"]) as usize;
    let prefix = s(&cpp["seed_utf8_prefix"]);
    let degrees: Vec<u64> = (1..=200)
        .map(|nonce| {
            let mut rng = Xoshiro256::from_seed(format!("{prefix}{nonce}").as_bytes());
            choose_degree(seq_len, &mut rng) as u64
        })
        .collect();
    assert_eq!(degrees, ints(&cpp["degrees"]));
    assert_eq!(choose_degree(0, &mut Xoshiro256::from_seed(b"Wolf")), 0);
}

#[test]
fn shuffle_vectors() {
    let f = fixture();
    let spec = &f["shuffle"][0];
    let values = ints(&spec["values"]);
    let mut rng = Xoshiro256::from_seed(s(&spec["seed_utf8"]).as_bytes());
    let got: Vec<Vec<u64>> = (1..=10)
        .map(|count| shuffled(&values, &mut rng, count))
        .collect();
    let want: Vec<Vec<u64>> = list(&spec["results"]).iter().map(ints).collect();
    assert_eq!(got, want);

    let cpp = &f["shuffle"][1];
    let values = ints(&cpp["values"]);
    let mut rng = Xoshiro256::from_seed(s(&cpp["seed_utf8"]).as_bytes());
    let got: Vec<Vec<u64>> = (0..10)
        .map(|_| shuffled(&values, &mut rng, values.len()))
        .collect();
    let want: Vec<Vec<u64>> = list(&cpp["results"]).iter().map(ints).collect();
    assert_eq!(got, want);

    // A count above the length is capped; nothing to shuffle is fine.
    assert_eq!(shuffled(&[7u8], &mut rng, 5), vec![7]);
    assert!(shuffled::<u8>(&[], &mut rng, 3).is_empty());
}

#[test]
fn fragment_chooser_vector() {
    let f = fixture();
    let v = &f["fragment_chooser"];
    let message = make_message(
        s(&v["message"]["make_message_seed_utf8"]),
        u(&v["message"]["len"]) as usize,
    );
    let checksum = crc32(&message);
    let seq_len = u(&v["seq_len"]) as usize;
    let chooser = FragmentChooser::new(seq_len, checksum);
    for (i, want) in list(&v["indexes_sorted"]).iter().enumerate() {
        let seq_num = i as u32 + 1;
        let want: Vec<usize> = ints(want).iter().map(|&x| x as usize).collect();
        assert_eq!(
            choose_fragments(seq_num, seq_len, checksum),
            want,
            "part {seq_num}"
        );
        assert_eq!(chooser.choose(seq_num), want, "part {seq_num}");
    }
    assert!(choose_fragments(0, seq_len, checksum).is_empty());
    assert!(choose_fragments(5, 0, checksum).is_empty());
}

#[test]
fn xor_vector() {
    let f = fixture();
    let v = &f["xor"];
    let mut rng = Xoshiro256::from_seed(s(&v["seed_utf8"]).as_bytes());
    let data1 = rng.next_data(10);
    let data2 = rng.next_data(10);
    assert_eq!(data1.to_lower_hex_string(), s(&v["data1"]));
    assert_eq!(data2.to_lower_hex_string(), s(&v["data2"]));
    let mixed: Vec<u8> = data1.iter().zip(&data2).map(|(a, b)| a ^ b).collect();
    assert_eq!(mixed.to_lower_hex_string(), s(&v["data1_xor_data2"]));
}

#[test]
fn part_cbor_vector() {
    let f = fixture();
    let v = &f["part_cbor"];
    let cbor = unhex(s(&v["cbor"]));
    let part = FountainPart::decode(&cbor).unwrap();
    assert_eq!(
        part,
        FountainPart {
            seq_num: u(&v["seq_num"]) as u32,
            seq_len: u(&v["seq_len"]) as usize,
            message_len: u(&v["message_len"]) as usize,
            checksum: u(&v["checksum"]) as u32,
            data: unhex(s(&v["data"])),
        }
    );
    assert_eq!(part.to_cbor(), cbor);
    // A serialization example only: 8 fragments of 5 bytes cannot hold 100 bytes.
    let err = FountainPart::from_cbor(&cbor).unwrap_err();
    assert!(
        matches!(err, FountainError::InconsistentLengths { needed: 20, .. }),
        "{err}"
    );
    assert!(FountainDecoder::new().receive(&part).is_err());
}

#[test]
fn fountain_encoder_vectors() {
    let f = fixture();
    let v = &f["fountain_encoder"];
    let message = make_message(
        s(&v["message"]["make_message_seed_utf8"]),
        u(&v["message"]["len"]) as usize,
    );
    assert_eq!(message, unhex(s(&v["message_hex"])));
    let parts: Vec<FountainPart> = list(&v["parts"])
        .iter()
        .map(|p| {
            let part = FountainPart::from_cbor(&unhex(s(&p["cbor"]))).unwrap();
            assert_eq!(part.seq_num as u64, u(&p["seq_num"]));
            assert_eq!(part.seq_len as u64, u(&p["seq_len"]));
            assert_eq!(part.message_len as u64, u(&p["message_len"]));
            assert_eq!(part.checksum as u64, u(&p["checksum"]));
            assert_eq!(part.data, unhex(s(&p["data"])));
            assert_eq!(part.to_cbor(), unhex(s(&p["cbor"])));
            part
        })
        .collect();
    assert_eq!(parts[0].checksum, crc32(&message));

    // The `ur` crate's encoder emits these parts.
    let mut encoder =
        ur::fountain::Encoder::new(&message, u(&v["max_fragment_len"]) as usize).unwrap();
    for part in &parts {
        assert_eq!(encoder.next_part().data(), &part.data[..]);
    }
    // Each part's data is the XOR of the fragments the chooser names.
    let fragments: Vec<&[u8]> = parts[..9].iter().map(|p| &p.data[..]).collect();
    for part in &parts {
        let mut mixed = vec![0u8; part.data.len()];
        for i in part.fragment_indexes() {
            for (m, x) in mixed.iter_mut().zip(fragments[i]) {
                *m ^= x;
            }
        }
        assert_eq!(mixed, part.data, "part {}", part.seq_num);
    }

    // All 20 in order: complete at part 9, after which nothing is new.
    let mut decoder = FountainDecoder::new();
    for (i, part) in parts.iter().enumerate() {
        let new = decoder.receive(part).unwrap();
        assert_eq!(new, i < 9);
        assert_eq!(decoder.is_complete(), i >= 8);
    }
    assert_eq!(decoder.message().unwrap(), Some(&message[..]));
    assert_eq!(decoder.parts_received(), 9);

    // Only the mixed parts 10..=20: complete exactly when they reach rank 9.
    let mut decoder = FountainDecoder::new();
    let mut used = 0;
    for part in &parts[9..] {
        decoder.receive(part).unwrap();
        used += 1;
        if decoder.is_complete() {
            break;
        }
    }
    assert!(
        decoder.is_complete(),
        "parts 10-20 have rank {}",
        decoder.rank()
    );
    assert_eq!(decoder.message().unwrap(), Some(&message[..]));
    assert_eq!(decoder.parts_received(), used);
}

#[test]
fn ur_encoder_vectors() {
    let f = fixture();
    let v = &f["ur_encoder"];
    let message_cbor = unhex(s(&v["message_cbor_hex"]));
    assert_eq!(message_cbor, cbor_bytes(&make_message("Wolf", 256)));
    let urs: Vec<&str> = list(&v["parts"]).iter().map(s).collect();

    // The `ur` crate's encoder produces exactly these strings.
    let mut encoder =
        ur::Encoder::bytes(&message_cbor, u(&v["max_fragment_len"]) as usize).unwrap();
    for want in &urs {
        assert_eq!(&encoder.next_part().unwrap(), want);
    }

    // Our decoder, from the first nine.
    let mut decoder = FountainDecoder::new();
    for ur in &urs[..9] {
        decoder.receive(&part_of_ur(ur)).unwrap();
    }
    assert_eq!(decoder.message().unwrap(), Some(&message_cbor[..]));

    // Without simple part k (and so with every mixed one): whenever the `ur` crate's
    // decoder completes, ours does too, with the same message.
    let mut recovered = 0;
    for k in 0..9 {
        let mut ours = FountainDecoder::new();
        let mut theirs = ur::Decoder::default();
        for (i, ur) in urs.iter().enumerate() {
            if i != k {
                ours.receive(&part_of_ur(ur)).unwrap();
                theirs.receive(ur).unwrap();
            }
        }
        assert!(
            ours.is_complete() || !theirs.complete(),
            "without part {}",
            k + 1
        );
        if ours.is_complete() {
            assert_eq!(ours.message().unwrap(), Some(&message_cbor[..]));
            recovered += 1;
        }
    }
    assert!(recovered > 0);

    // Received backwards, with each part twice: duplicates are ignored.
    let mut decoder = FountainDecoder::new();
    for ur in urs.iter().rev() {
        let part = part_of_ur(ur);
        decoder.receive(&part).unwrap();
        assert!(!decoder.receive(&part).unwrap());
    }
    assert_eq!(decoder.message().unwrap(), Some(&message_cbor[..]));
}

#[test]
fn single_part_ur_vector() {
    let f = fixture();
    let (kind, payload) = ur::decode(s(&f["single_part_ur"]["ur"])).unwrap();
    assert_eq!(kind, ur::ur::Kind::SinglePart);
    assert_eq!(payload, cbor_bytes(&make_message("Wolf", 50)));
}

#[test]
fn fountain_decoder_vector() {
    let f = fixture();
    let v = &f["fountain_decoder"];
    let message = make_message(
        s(&v["message"]["make_message_seed_utf8"]),
        u(&v["message"]["len"]) as usize,
    );
    let mut encoder =
        ur::fountain::Encoder::new(&message, u(&v["max_fragment_len"]) as usize).unwrap();
    // The `ur` crate's encoder always starts at 1: skip to first_seq_num.
    for _ in 1..u(&v["first_seq_num"]) {
        encoder.next_part();
    }
    let mut ours = FountainDecoder::new();
    let mut theirs = ur::fountain::Decoder::default();
    let (mut ours_at, mut theirs_at) = (None, None);
    let mut n = 0;
    while ours_at.is_none() || theirs_at.is_none() {
        let part = encoder.next_part();
        n += 1;
        if ours_at.is_none() {
            let cbor = minicbor::to_vec(&part).unwrap();
            ours.receive(&FountainPart::from_cbor(&cbor).unwrap())
                .unwrap();
            if ours.is_complete() {
                ours_at = Some(n);
            }
        }
        if theirs_at.is_none() {
            theirs.receive(part).unwrap();
            if theirs.complete() {
                theirs_at = Some(n);
            }
        }
        assert!(n < 1000);
    }
    assert_eq!(ours.message().unwrap(), Some(&message[..]));
    assert_eq!(theirs.message().unwrap().as_deref(), Some(&message[..]));
    assert!(
        ours_at <= theirs_at,
        "ours {ours_at:?} theirs {theirs_at:?}"
    );
    assert_eq!(ours.expected_parts(), Some(33));
}

#[test]
fn bcr_2020_005_examples() {
    let f = fixture();
    let v = &f["bcr_2020_005_examples"];
    let (kind, _) = ur::decode(s(&v["single_part"])).unwrap();
    assert_eq!(kind, ur::ur::Kind::SinglePart);

    let (kind, cbor) = ur::decode(s(&v["multi_part"])).unwrap();
    assert_eq!(kind, ur::ur::Kind::MultiPart);
    let part = FountainPart::from_cbor(&cbor).unwrap();
    assert_eq!((part.seq_num, part.seq_len), (1, 13));
    let mut decoder = FountainDecoder::new();
    assert!(decoder.receive(&part).unwrap());
    assert!(!decoder.is_complete());
    assert_eq!(decoder.expected_parts(), Some(13));
    assert!((decoder.progress() - 1.0 / 13.0).abs() < 1e-12);
}

// ---------------------------------------------------------------------------------------------
// Against the `ur` crate
// ---------------------------------------------------------------------------------------------

/// splitmix64: the tests' own randomness, independent of the code under test.
struct TestRng(u64);

impl TestRng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 > 1.0 - p
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

#[test]
fn chooser_agrees_with_the_ur_crate() {
    // The `ur` crate keeps its chooser private, but its `Part::indexes` is public: build its
    // parts from CBOR and compare, over many streams and sequence numbers.
    let mut rng = TestRng(7);
    for _ in 0..3000 {
        let seq_len = 1 + rng.below(300) as usize;
        let checksum = rng.next() as u32;
        let seq_num = match rng.below(3) {
            0 => 1 + rng.below(seq_len as u64 * 3) as u32,
            1 => 1 + rng.next() as u32 % u32::MAX,
            _ => u32::MAX - rng.below(5) as u32,
        };
        let part = FountainPart {
            seq_num,
            seq_len,
            message_len: seq_len,
            checksum,
            data: vec![0],
        };
        let theirs: ur::fountain::Part = minicbor::decode(&part.to_cbor()).unwrap();
        let mut want = theirs.indexes();
        want.sort_unstable();
        assert_eq!(
            choose_fragments(seq_num, seq_len, checksum),
            want,
            "seq {seq_num}-{seq_len} checksum {checksum:08x}"
        );
    }
}

struct Outcome {
    seq_len: usize,
    ours: usize,
    theirs: usize,
}

/// One stream: the `ur` crate encodes, parts are lost, duplicated and reordered, and the same
/// UR strings go to both decoders. Returns the parts each one had taken when it completed.
fn race(seed: u64) -> Outcome {
    let mut rng = TestRng(seed);
    let len = 1 + rng.below(4000) as usize;
    let message = rng.bytes(len);
    let max_fragment = 5 + rng.below(300) as usize;
    let loss = rng.below(60) as f64 / 100.0;
    let window = 1 + rng.below(8) as usize;
    let duplicates = rng.below(20) as f64 / 100.0;

    let mut encoder = ur::Encoder::bytes(&message, max_fragment).unwrap();
    let mut ours = FountainDecoder::new();
    let mut theirs = ur::Decoder::default();
    let (mut ours_at, mut theirs_at) = (None, None);
    let mut delivered = 0usize;
    let mut buffer: Vec<String> = Vec::new();
    let mut emitted = 0usize;
    while ours_at.is_none() || theirs_at.is_none() {
        // Emit into a reordering window; deliver a random element once it is full.
        let part = encoder.next_part().unwrap();
        emitted += 1;
        assert!(emitted < 100_000, "seed {seed}: no completion");
        if rng.chance(loss) {
            continue;
        }
        buffer.push(part);
        if buffer.len() < window {
            continue;
        }
        let idx = rng.below(buffer.len() as u64) as usize;
        let next = buffer.swap_remove(idx);
        // Sometimes the same part is scanned twice.
        let times = if rng.chance(duplicates) { 2 } else { 1 };
        for _ in 0..times {
            delivered += 1;
            if ours_at.is_none() {
                ours.receive(&part_of_ur(&next)).unwrap();
                if ours.is_complete() {
                    ours_at = Some(delivered);
                }
            }
            if theirs_at.is_none() {
                theirs.receive(&next).unwrap();
                if theirs.complete() {
                    theirs_at = Some(delivered);
                }
            }
        }
    }
    // `ur::Encoder::bytes` sends the bytes as they are (no CBOR wrapping).
    assert_eq!(ours.message().unwrap(), Some(&message[..]), "seed {seed}");
    assert_eq!(theirs.message().unwrap(), Some(message), "seed {seed}");
    assert!(ours.parts_received() <= ours_at.unwrap());
    Outcome {
        seq_len: ours.expected_parts().unwrap(),
        ours: ours_at.unwrap(),
        theirs: theirs_at.unwrap(),
    }
}

#[test]
fn never_needs_more_parts_than_the_ur_crate() {
    let (mut ours, mut theirs, mut minimum) = (0usize, 0usize, 0usize);
    let mut fewer = 0;
    for seed in 0..400 {
        let o = race(seed);
        assert!(
            o.ours <= o.theirs,
            "seed {seed}: ours {} theirs {} (seq_len {})",
            o.ours,
            o.theirs,
            o.seq_len
        );
        assert!(o.ours >= o.seq_len, "seed {seed}");
        fewer += usize::from(o.ours < o.theirs);
        ours += o.ours;
        theirs += o.theirs;
        minimum += o.seq_len;
    }
    eprintln!(
        "400 streams: ours {:.3}, ur crate {:.3} parts per fragment; ours strictly fewer in {fewer}",
        ours as f64 / minimum as f64,
        theirs as f64 / minimum as f64
    );
    assert!(
        fewer > 50,
        "only {fewer} streams where full elimination helped"
    );
}

// ---------------------------------------------------------------------------------------------
// Malformed input and the API's edges
// ---------------------------------------------------------------------------------------------

fn stream(message: &[u8], max_fragment: usize, count: usize) -> Vec<FountainPart> {
    let mut encoder = ur::fountain::Encoder::new(message, max_fragment).unwrap();
    (0..count)
        .map(|_| FountainPart::from_cbor(&minicbor::to_vec(encoder.next_part()).unwrap()).unwrap())
        .collect()
}

#[test]
fn bad_cbor_is_an_error() {
    let good = FountainPart {
        seq_num: 3,
        seq_len: 4,
        message_len: 10,
        checksum: 0xdead_beef,
        data: vec![1, 2, 3],
    };
    let cbor = good.to_cbor();
    assert_eq!(FountainPart::from_cbor(&cbor).unwrap(), good);
    // Every truncation fails.
    for end in 0..cbor.len() {
        assert!(
            FountainPart::from_cbor(&cbor[..end]).is_err(),
            "prefix {end}"
        );
    }
    let cases: &[(&str, &str)] = &[
        ("", "not valid cbor"),
        ("01", "not valid cbor"),
        ("a0", "not valid cbor"),
        ("8100", "5 items, not 1 item"),
        ("84 03 0a 0a 1a", "5 items, not 4 items"),
        ("86 03 04 0a 1adeadbeef 43010203 00", "5 items, not 6 items"),
        (
            "9f 03 04 0a 1adeadbeef 43010203 ff",
            "indefinite-length array",
        ),
        ("85 03 04 0a 1adeadbeef 43010203 00", "1 bytes after"),
        // seqNum above u32, negative, a float
        (
            "85 1b0000000100000000 04 0a 1adeadbeef 43010203",
            "not valid cbor",
        ),
        ("85 20 04 0a 1adeadbeef 43010203", "not valid cbor"),
        ("85 03 f93c00 0a 1adeadbeef 43010203", "not valid cbor"),
        // checksum above u32
        ("85 03 04 0a 1b00000001deadbeef 43010203", "not valid cbor"),
        // data as text, as an indefinite byte string, longer than the input
        ("85 03 04 0a 1adeadbeef 63010203", "not valid cbor"),
        ("85 03 04 0a 1adeadbeef 5f43010203ff", "not valid cbor"),
        ("85 03 04 0a 1adeadbeef 5a00010000 0102", "not valid cbor"),
        (
            "85 03 04 0a 1adeadbeef 5bffffffffffffffff",
            "not valid cbor",
        ),
    ];
    for (hex, want) in cases {
        let bytes = unhex(&hex.replace(' ', ""));
        let err = FountainPart::from_cbor(&bytes).unwrap_err();
        assert!(err.to_string().contains(want), "{hex}: {err}");
    }
    // seqLen and messageLen are plain `uint`: a long encoding of a small value is accepted.
    let long = unhex("85031b000000000000000419000a1adeadbeef43010203");
    assert_eq!(FountainPart::from_cbor(&long).unwrap(), good);
}

#[test]
fn inconsistent_lengths_are_errors() {
    let good = FountainPart {
        seq_num: 1,
        seq_len: 4,
        message_len: 10,
        checksum: 1,
        data: vec![0; 3],
    };
    good.validate().unwrap();
    let with = |f: &dyn Fn(&mut FountainPart)| {
        let mut p = good.clone();
        f(&mut p);
        p
    };
    let bad = [
        (with(&|p| p.seq_num = 0), "zero sequence number"),
        (with(&|p| p.seq_len = 0), "zero sequence length"),
        (with(&|p| p.message_len = 0), "zero message length"),
        (with(&|p| p.data.clear()), "zero fragment length"),
        (
            with(&|p| p.seq_len = 3),
            "needs 4 fragments, the part says 3",
        ),
        (
            with(&|p| p.seq_len = 5),
            "needs 4 fragments, the part says 5",
        ),
        (with(&|p| p.message_len = 13), "needs 5 fragments"),
        (with(&|p| p.message_len = 9), "needs 3 fragments"),
        (with(&|p| p.data = vec![0; 2]), "needs 5 fragments"),
        (
            with(&|p| {
                p.seq_len = usize::MAX;
                p.message_len = usize::MAX;
                p.data = vec![0];
            }),
            "above the limit",
        ),
    ];
    for (part, want) in bad {
        let mut decoder = FountainDecoder::new();
        let err = decoder.receive(&part).unwrap_err();
        assert!(err.to_string().contains(want), "{part:?}: {err}");
        let err = FountainPart::from_cbor(&part.to_cbor())
            .and_then(|p| FountainDecoder::new().receive(&p));
        assert!(err.is_err(), "{part:?}");
        assert_eq!(decoder.expected_parts(), None);
        assert_eq!(decoder.parts_received(), 0);
    }
    // Fragment sizes are the encoder's choice: 2 fragments of 6 bytes for 10 bytes is valid.
    with(&|p| {
        p.seq_len = 2;
        p.data = vec![0; 6];
    })
    .validate()
    .unwrap();

    // Limits.
    let mut small = FountainDecoder::with_limits(3, 100);
    let err = small.receive(&good).unwrap_err();
    assert!(
        err.to_string()
            .contains("sequence length of 4, above the limit of 3"),
        "{err}"
    );
    let mut small = FountainDecoder::with_limits(10, 9);
    let err = small.receive(&good).unwrap_err();
    assert!(err.to_string().contains("message length of 10"), "{err}");
}

#[test]
fn mixed_streams_are_errors() {
    let a = stream(&make_message("a", 100), 10, 30);
    let variants = [
        (stream(&make_message("b", 100), 20, 5), "sequence length 5"),
        (stream(&make_message("b", 99), 10, 5), "message length 99"),
        (stream(&make_message("b", 100), 10, 5), "checksum"),
    ];
    for (other, want) in variants {
        let mut decoder = FountainDecoder::new();
        assert!(decoder.receive(&a[0]).unwrap());
        for part in &other {
            let err = decoder.receive(part).unwrap_err();
            assert!(matches!(err, FountainError::MixedStreams { .. }), "{err}");
            assert!(err.to_string().starts_with("mixed streams"), "{err}");
            assert!(err.to_string().contains(want), "{err}");
        }
        assert_eq!(decoder.rank(), 1);
        assert_eq!(decoder.parts_received(), 1);
        // The first stream still completes.
        for part in &a[1..] {
            decoder.receive(part).unwrap();
        }
        assert_eq!(
            decoder.message().unwrap(),
            Some(&make_message("a", 100)[..])
        );
        // And after completion the other stream is still refused.
        assert!(decoder.receive(&other[0]).is_err());
    }
    // Same seq_len, message_len and checksum, another valid fragment length (10 fragments
    // of 11 bytes also hold 100 bytes).
    let mut decoder = FountainDecoder::new();
    decoder.receive(&a[0]).unwrap();
    let mut odd = a[1].clone();
    odd.data.push(0);
    odd.validate().unwrap();
    let err = decoder.receive(&odd).unwrap_err();
    assert!(err.to_string().contains("fragment length 11"), "{err}");
}

#[test]
fn checksum_padding_and_contradictions() {
    let message = make_message("c", 95);
    let parts = stream(&message, 10, 40);

    // Every part agrees on a wrong checksum: complete, but the message is refused.
    let mut decoder = FountainDecoder::new();
    for part in &parts[..10] {
        let mut p = part.clone();
        p.checksum ^= 1;
        decoder.receive(&p).unwrap();
    }
    assert!(decoder.is_complete());
    let err = decoder.message().unwrap_err();
    assert!(
        matches!(err, FountainError::ChecksumMismatch { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("crc-32"), "{err}");
    assert!(decoder.message().is_err());

    // Non-zero padding in the last fragment (95 bytes in 10 fragments of 10).
    let mut decoder = FountainDecoder::new();
    for part in &parts[..10] {
        let mut p = part.clone();
        if p.seq_num == 10 {
            p.data[9] = 1;
        }
        decoder.receive(&p).unwrap();
    }
    let err = decoder.message().unwrap_err();
    assert_eq!(err, FountainError::Padding { message_len: 95 });

    // A mixed part whose fragments are all known but whose data disagrees.
    let mut decoder = FountainDecoder::new();
    for part in &parts[..9] {
        decoder.receive(part).unwrap();
    }
    let known_only = parts[10..]
        .iter()
        .find(|p| p.fragment_indexes().iter().all(|&i| i < 9))
        .expect("a mixed part over fragments 0-8");
    let mut bad = known_only.clone();
    bad.data[0] ^= 0x80;
    let err = decoder.receive(&bad).unwrap_err();
    assert_eq!(
        err,
        FountainError::Contradiction {
            seq_num: bad.seq_num
        }
    );
    assert_eq!(decoder.parts_received(), 9);
    // The honest one is accepted as nothing new, and the stream still completes.
    assert!(!decoder.receive(known_only).unwrap());
    decoder.receive(&parts[9]).unwrap();
    assert_eq!(decoder.message().unwrap(), Some(&message[..]));
}

#[test]
fn api_before_during_and_after() {
    let message = make_message("d", 1000);
    let parts = stream(&message, 100, 10);
    let mut decoder = FountainDecoder::default();
    assert!(!decoder.is_complete());
    assert_eq!(decoder.message().unwrap(), None);
    assert_eq!(decoder.parts_received(), 0);
    assert_eq!(decoder.expected_parts(), None);
    assert_eq!(decoder.progress(), 0.0);
    for (i, part) in parts.iter().enumerate() {
        assert!(decoder.receive(part).unwrap());
        assert!(!decoder.receive(part).unwrap(), "duplicate");
        assert_eq!(decoder.parts_received(), i + 1);
        assert_eq!(decoder.rank(), i + 1);
        assert!((decoder.progress() - (i + 1) as f64 / 10.0).abs() < 1e-12);
        assert_eq!(decoder.is_complete(), i == 9);
    }
    assert_eq!(decoder.expected_parts(), Some(10));
    assert_eq!(decoder.progress(), 1.0);
    assert_eq!(decoder.message().unwrap(), Some(&message[..]));
    // After completion: nothing is new, nothing changes.
    let later = stream(&message, 100, 30);
    for part in &later {
        assert!(!decoder.receive(part).unwrap());
    }
    assert_eq!(decoder.parts_received(), 10);
    assert_eq!(decoder.message().unwrap(), Some(&message[..]));
}

#[test]
fn error_messages_are_one_lower_case_line() {
    let errors = [
        FountainPart::from_cbor(&[]).unwrap_err(),
        FountainPart::from_cbor(&unhex("8100")).unwrap_err(),
        FountainPart::from_cbor(&unhex("850101010141000000")).unwrap_err(),
        FountainError::Zero("sequence number"),
        FountainError::InconsistentLengths {
            seq_len: 1,
            message_len: 2,
            fragment_len: 1,
            needed: 2,
        },
        FountainError::TooLarge {
            what: "sequence length",
            value: 5,
            limit: 4,
        },
        FountainError::MixedStreams {
            what: "checksum",
            expected: "00000001".into(),
            found: "00000002".into(),
        },
        FountainError::Contradiction { seq_num: 12 },
        FountainError::Padding { message_len: 3 },
        FountainError::ChecksumMismatch {
            expected: 1,
            actual: 2,
        },
    ];
    for e in errors {
        let text = e.to_string();
        assert!(!text.contains('\n'), "{text}");
        assert_eq!(text, text.to_lowercase(), "{text}");
    }
}

#[test]
fn random_garbage_never_panics() {
    let message = make_message("e", 700);
    let parts = stream(&message, 50, 60);
    let cbors: Vec<Vec<u8>> = parts.iter().map(FountainPart::to_cbor).collect();
    let mut rng = TestRng(99);
    for round in 0..20_000 {
        let mut bytes = cbors[rng.below(cbors.len() as u64) as usize].clone();
        match rng.below(5) {
            0 => {
                let i = rng.below(bytes.len() as u64) as usize;
                bytes[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(bytes.len() as u64) as usize;
                bytes[i] = rng.next() as u8;
            }
            2 => bytes.truncate(rng.below(bytes.len() as u64) as usize),
            3 => {
                let i = rng.below(10) as usize;
                bytes.insert(i.min(bytes.len()), rng.next() as u8);
            }
            _ => {
                let len = rng.below(40) as usize;
                bytes = rng.bytes(len);
            }
        }
        let mut decoder = FountainDecoder::new();
        // A few good parts first, so garbage meets a live basis.
        for part in &parts[..(round % 12)] {
            decoder.receive(part).unwrap();
        }
        if let Ok(part) = FountainPart::from_cbor(&bytes) {
            let _ = decoder.receive(&part);
            let _ = decoder.message();
        }
        if let Ok(part) = FountainPart::decode(&bytes) {
            if part.seq_len < 1 << 16 {
                assert!(part.fragment_indexes().len() <= part.seq_len);
            }
        }
    }
    // Arbitrary field values straight into the decoder.
    for _ in 0..5_000 {
        let data_len = rng.below(8) as usize;
        let part = FountainPart {
            seq_num: rng.next() as u32,
            seq_len: match rng.below(3) {
                0 => rng.below(20) as usize,
                1 => rng.next() as usize,
                _ => usize::MAX,
            },
            message_len: match rng.below(3) {
                0 => rng.below(100) as usize,
                1 => rng.next() as usize,
                _ => usize::MAX,
            },
            checksum: rng.next() as u32,
            data: rng.bytes(data_len),
        };
        let mut decoder = FountainDecoder::new();
        let _ = decoder.receive(&part);
        let _ = decoder.receive(&part);
        let _ = decoder.message();
    }
}

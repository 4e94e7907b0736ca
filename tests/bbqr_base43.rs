//! The two non-UR QR formats `qr read` accepts: BBQr (Coinkite) joins a real camera scan from
//! the reference repository, in any order and with duplicates, and refuses malformed parts;
//! Electrum's base43 reproduces Electrum's own test vector in both directions.

use std::io::Write;
use std::str::FromStr;

use bitcoin::consensus::encode::deserialize;
use bitcoin::psbt::Psbt;
use bitcoin::Transaction;
use coldsign::transport::base43::{self, Base43Error};
use coldsign::transport::bbqr::{
    self, BbqrError, BbqrJoiner, BbqrPart, Encoding, Progress, MAX_OUTPUT,
};
use data_encoding::{BASE32_NOPAD, HEXLOWER, HEXUPPER};
use flate2::write::DeflateEncoder;
use flate2::Compression;
use serde_json::Value;
use sha2::{Digest, Sha256};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The 26 scanned lines of `real-scan.txt` (8 distinct parts, some seen up to 4 times).
fn real_scan() -> Vec<String> {
    fixture("bbqr/real-scan.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// The real scan's 8 distinct parts, in index order.
fn real_parts() -> Vec<String> {
    let mut parts: Vec<String> = real_scan();
    parts.sort();
    parts.dedup();
    parts
}

fn joined(parts: &[String]) -> Result<(char, Vec<u8>), BbqrError> {
    bbqr::join(parts)
}

/// Splits `data` into BBQr parts the way the reference encoder does: whole bytes per part,
/// base32 parts a multiple of 8 characters (5 bytes) except the last.
fn split(data: &[u8], encoding: Encoding, file_type: char, bytes_per_part: usize) -> Vec<String> {
    let (body, step) = match encoding {
        Encoding::Hex => (HEXUPPER.encode(data), bytes_per_part * 2),
        Encoding::Base32 => (BASE32_NOPAD.encode(data), bytes_per_part / 5 * 8),
        Encoding::Zlib => {
            let mut z = DeflateEncoder::new(Vec::new(), Compression::best());
            z.write_all(data).unwrap();
            (
                BASE32_NOPAD.encode(&z.finish().unwrap()),
                bytes_per_part / 5 * 8,
            )
        }
    };
    let chunks: Vec<&str> = if body.is_empty() {
        vec![""]
    } else {
        body.as_bytes()
            .chunks(step)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect()
    };
    let digits = |n: usize| {
        let d = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        format!("{}{}", d[n / 36] as char, d[n % 36] as char)
    };
    chunks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            format!(
                "B${}{}{}{}{}",
                encoding.code(),
                file_type,
                digits(chunks.len()),
                digits(i),
                c
            )
        })
        .collect()
}

/// A deterministic permutation (a full-period LCG walk), so the order is not just reversed.
fn shuffled<T: Clone>(items: &[T], seed: usize) -> Vec<T> {
    let n = items.len();
    let step = (3 + seed..).find(|s| gcd(*s, n) == 1).unwrap();
    (0..n)
        .map(|i| items[(i * step + seed) % n].clone())
        .collect()
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut z = DeflateEncoder::new(Vec::new(), Compression::best());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

fn single_z(compressed: &[u8]) -> String {
    format!("B$ZU0100{}", BASE32_NOPAD.encode(compressed))
}

// ---------------------------------------------------------------------------------------
// BBQr: the reference repository's real scan
// ---------------------------------------------------------------------------------------

#[test]
fn real_scan_fixture_is_consistent() {
    let lines = real_scan();
    assert_eq!(lines.len(), 26);
    let parts: Vec<BbqrPart> = lines.iter().map(|l| BbqrPart::parse(l).unwrap()).collect();
    for p in &parts {
        assert_eq!(p.encoding(), Encoding::Zlib);
        assert_eq!(p.file_type(), 'U');
        assert_eq!(p.total(), 8);
    }
    // Every copy of a part is identical, and every part but the last holds the same length.
    let distinct = real_parts();
    assert_eq!(distinct.len(), 8);
    for (i, text) in distinct.iter().enumerate() {
        assert!(text.starts_with(&format!("B$ZU080{i}")), "{}", &text[..8]);
        let len = text.len();
        if i < 7 {
            assert_eq!(len, 8 + 1240, "part {i}");
        } else {
            assert_eq!(len, 8 + 986, "last part");
        }
    }
    for p in &parts {
        let expected = if p.index() < 7 { 775 } else { 616 };
        assert_eq!(p.data().len(), expected, "part {}", p.index());
    }
}

#[test]
fn real_scan_joins_as_in_the_reference_test() {
    let (file_type, data) = joined(&real_scan()).unwrap();
    assert_eq!(file_type, 'U');
    let text = String::from_utf8(data.clone()).unwrap();
    assert!(text.contains("Zlib compressed"));
    assert!(text.contains("PSBT"));
    // Recorded during collection with Python's zlib (wbits -10): an early BBQr.md.
    assert!(text.starts_with("# The BBQr Protocol - Make a series of QR codes"));
    assert_eq!(data.len(), 12518);
    assert_eq!(
        HEXLOWER.encode(&Sha256::digest(&data)),
        "cbd1d2094510a863397872d156dd76c4017b059ea638a37137699bea558e990e"
    );
}

#[test]
fn real_scan_joins_in_any_order_with_duplicates() {
    let expected = joined(&real_scan()).unwrap();
    let mut reversed = real_scan();
    reversed.reverse();
    assert_eq!(joined(&reversed).unwrap(), expected);
    let distinct = real_parts();
    assert_eq!(joined(&distinct).unwrap(), expected);
    let mut distinct_rev = distinct.clone();
    distinct_rev.reverse();
    assert_eq!(joined(&distinct_rev).unwrap(), expected);
    for seed in 0..8 {
        let mut order = shuffled(&distinct, seed);
        order.extend(shuffled(&distinct, seed + 3)); // every part twice
        assert_eq!(joined(&order).unwrap(), expected, "seed {seed}");
    }
    // Surrounding whitespace, as a scanner or a text file may add, is ignored.
    let padded: Vec<String> = distinct.iter().map(|p| format!("  {p}\r\n")).collect();
    assert_eq!(joined(&padded).unwrap(), expected);
}

#[test]
fn joiner_reports_progress() {
    let mut joiner = BbqrJoiner::new();
    assert_eq!(joiner.progress(), Progress { have: 0, total: 0 });
    assert!(!joiner.is_complete());
    assert!(joiner.missing().is_empty());
    // The file's order: 01 03 04 05 06 07 00 01 02 ...; part 02 is the 9th line.
    let mut seen = Vec::new();
    for line in real_scan().iter().take(8) {
        let progress = joiner.add_text(line).unwrap();
        let index = BbqrPart::parse(line).unwrap().index();
        if !seen.contains(&index) {
            seen.push(index);
        }
        assert_eq!(
            progress,
            Progress {
                have: seen.len(),
                total: 8
            }
        );
    }
    assert_eq!(joiner.progress().to_string(), "7/8");
    assert_eq!(joiner.missing(), [2]);
    assert!(!joiner.is_complete());
    assert_eq!(
        joiner.clone().finish(),
        Err(BbqrError::Incomplete { have: 7, total: 8 })
    );
    let progress = joiner.add_text(&real_scan()[8]).unwrap();
    assert!(progress.is_complete());
    assert!(joiner.missing().is_empty());
    let (file_type, data) = joiner.finish().unwrap();
    assert_eq!((file_type, data.len()), ('U', 12518));
    assert_eq!(
        BbqrJoiner::new().finish(),
        Err(BbqrError::Incomplete { have: 0, total: 0 })
    );
}

// ---------------------------------------------------------------------------------------
// BBQr: encodings round-trip (the reference loopback test, with fixed data)
// ---------------------------------------------------------------------------------------

#[test]
fn every_encoding_round_trips_a_psbt() {
    let bip174: Value = serde_json::from_str(&fixture("bip174.json")).unwrap();
    let psbt_bytes: Vec<u8> = bip174["valid"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            Psbt::from_str(v["psbt"].as_str().unwrap())
                .unwrap()
                .serialize()
        })
        .max_by_key(Vec::len)
        .unwrap();
    for encoding in [Encoding::Hex, Encoding::Base32, Encoding::Zlib] {
        for bytes_per_part in [5, 40, 100, 10_000] {
            let parts = split(&psbt_bytes, encoding, 'P', bytes_per_part);
            for seed in 0..3 {
                let (file_type, data) = joined(&shuffled(&parts, seed)).unwrap();
                assert_eq!(file_type, 'P');
                assert_eq!(data, psbt_bytes, "{encoding:?} {bytes_per_part}");
            }
        }
    }
    let parts = split(&psbt_bytes, Encoding::Zlib, 'P', 100);
    let (_, data) = joined(&parts).unwrap();
    Psbt::deserialize(&data).unwrap();
}

#[test]
fn loopback_sizes_and_entropy() {
    for size in [1usize, 10, 100, 2000] {
        let low: Vec<u8> = vec![0x41; size];
        let high: Vec<u8> = (0..size as u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for data in [low, high] {
            for encoding in [Encoding::Hex, Encoding::Base32, Encoding::Zlib] {
                for file_type in ['P', 'T', 'B'] {
                    let parts = split(&data, encoding, file_type, 200);
                    let mut rev = parts.clone();
                    rev.reverse();
                    assert_eq!(joined(&rev).unwrap(), (file_type, data.clone()));
                }
            }
        }
    }
    // The header alone is an empty file in the uncompressed encodings.
    assert_eq!(joined(&["B$HB0100".to_string()]).unwrap(), ('B', vec![]));
    assert_eq!(joined(&["B$2B0100".to_string()]).unwrap(), ('B', vec![]));
}

#[test]
fn spec_example_headers_parse() {
    // BBQr.md "Example Headers": a PSBT in 3 hex parts, 1000 bytes in all but the last.
    for (header, index) in [("B$HP0300", 0), ("B$HP0301", 1), ("B$HP0302", 2)] {
        let part = BbqrPart::parse(&format!("{header}{}", "AB".repeat(1000))).unwrap();
        assert_eq!((part.encoding(), part.file_type()), (Encoding::Hex, 'P'));
        assert_eq!((part.total(), part.index()), (3, index));
        assert_eq!(part.data().len(), 1000);
    }
    // The largest count and index: "ZZ" is 1295 parts.
    let part = BbqrPart::parse("B$2TZZZY").unwrap();
    assert_eq!((part.total(), part.index()), (1295, 1294));
    // Every assigned file type.
    for t in ['P', 'T', 'J', 'C', 'U', 'B', 'X'] {
        assert_eq!(
            BbqrPart::parse(&format!("B$H{t}0100")).unwrap().file_type(),
            t
        );
    }
    assert!(bbqr::is_bbqr(" B$ZU0801AAAA"));
    assert!(!bbqr::is_bbqr("ur:crypto-psbt/abc"));
}

// ---------------------------------------------------------------------------------------
// BBQr: malformed input
// ---------------------------------------------------------------------------------------

#[test]
fn bad_headers_are_refused() {
    use BbqrError::*;
    let cases: &[(&str, BbqrError)] = &[
        ("", NotBbqr),
        ("ur:bytes/abc", NotBbqr),
        ("b$HP0100AA", NotBbqr),
        ("A$HP0100AA", NotBbqr),
        ("B$", TooShort { len: 2 }),
        ("B$HP010", TooShort { len: 7 }),
        ("B$éé", TooShort { len: 4 }),
        ("B$QP0100AA", UnknownEncoding('Q')),
        ("B$hP0100AA", UnknownEncoding('h')),
    ];
    for (text, expected) in cases {
        assert_eq!(BbqrPart::parse(text).unwrap_err(), *expected, "{text:?}");
    }
    assert_eq!(
        BbqrPart::parse("B$HQ0100AA").unwrap_err(),
        UnknownFileType('Q')
    );
    assert_eq!(
        BbqrPart::parse("B$Hp0100AA").unwrap_err(),
        UnknownFileType('p')
    );
    assert!(matches!(
        BbqrPart::parse("B$HP0!00AA").unwrap_err(),
        BadBase36 {
            field: "part count",
            ..
        }
    ));
    assert!(matches!(
        BbqrPart::parse("B$HP01 0AA").unwrap_err(),
        BadBase36 {
            field: "part index",
            ..
        }
    ));
    assert_eq!(BbqrPart::parse("B$HP0000AA").unwrap_err(), ZeroParts);
    assert_eq!(
        BbqrPart::parse("B$HP0202AA").unwrap_err(),
        IndexOutOfRange { index: 2, total: 2 }
    );
    assert_eq!(
        BbqrPart::parse("B$HP0105AA").unwrap_err(),
        IndexOutOfRange { index: 5, total: 1 }
    );
    assert_eq!(
        BbqrPart::parse("B$HPZZZZ").unwrap_err(),
        IndexOutOfRange {
            index: 1295,
            total: 1295
        }
    );
    assert_eq!(BbqrPart::parse("B$HP01é0AA").unwrap_err(), NonAsciiHeader);
    // Messages are one lower-case line.
    for text in ["", "B$", "B$QP0100", "B$HP0000", "B$HP0202", "B$HP0100A"] {
        let message = BbqrPart::parse(text).unwrap_err().to_string();
        assert!(!message.contains('\n'));
        assert!(
            message.starts_with(|c: char| c.is_ascii_lowercase()),
            "{message}"
        );
    }
}

#[test]
fn bad_data_is_refused() {
    let bad = |text: &str, encoding: &str| match BbqrPart::parse(text) {
        Err(BbqrError::BadData { encoding: e, .. }) => assert_eq!(e, encoding, "{text}"),
        other => panic!("{text}: {other:?}"),
    };
    bad("B$HP0100ABC", "hex"); // odd number of digits
    bad("B$HP0100ABCG", "hex");
    bad("B$HP0100AB CD", "hex");
    bad("B$2P0100ABCDEFG1", "base32"); // '1' is not base32
    bad("B$2P0100ABCDEFG0", "base32");
    bad("B$2P0100abcdefgh", "base32"); // lower case
    bad("B$2P0100ABCDEFGH=", "base32"); // padding is not allowed
    bad("B$2P0100A", "base32"); // 5 bits are not a byte
    bad("B$2P0100ABC", "base32");
    bad("B$2P0100AB", "base32"); // nonzero trailing bits ("AA" is one zero byte)
    bad("B$ZU0100ABCDEF", "base32");
    bad("B$2P0100ÄÄÄÄÄÄÄÄ", "base32");
    assert_eq!(BbqrPart::parse("B$2P0100AA").unwrap().data(), [0]);
    // One character of a real part changed to a non-base32 digit.
    let mut part = real_parts()[3].clone();
    part.replace_range(100..101, "1");
    bad(&part, "base32");
}

#[test]
fn mixed_streams_are_refused_and_the_joiner_keeps_going() {
    let parts = real_parts();
    let mut joiner = BbqrJoiner::new();
    joiner.add_text(&parts[0]).unwrap();
    let body = &parts[1][8..];
    for other in [
        format!("B$2U0801{body}"), // encoding
        format!("B$ZP0801{body}"), // file type
        format!("B$ZU0901{body}"), // part count
        "B$HU0800AABB".to_string(),
    ] {
        match joiner.add_text(&other) {
            Err(BbqrError::MixedStream { expected, got }) => {
                assert_eq!(expected, "B$ZU08");
                assert_eq!(got, other[..6]);
            }
            r => panic!("{other:.12}: {r:?}"),
        }
    }
    // A conflicting duplicate: part 1 with another part's data.
    let forged = format!("B$ZU0800{}", &parts[2][8..]);
    assert_eq!(
        joiner.add_text(&forged),
        Err(BbqrError::ConflictingDuplicate { index: 0 })
    );
    // A malformed part is an error too, and none of these changed the joiner.
    assert!(joiner.add_text("B$ZU0808AAAA").is_err());
    assert_eq!(joiner.progress(), Progress { have: 1, total: 8 });
    for p in &parts[1..] {
        joiner.add_text(p).unwrap();
    }
    let (file_type, data) = joiner.finish().unwrap();
    assert_eq!((file_type, data.len()), ('U', 12518));
    // The batch join refuses a mixed set outright.
    let mut mixed = parts.clone();
    mixed.push(format!("B$ZU0901{body}"));
    assert!(matches!(joined(&mixed), Err(BbqrError::MixedStream { .. })));
}

#[test]
fn truncated_and_corrupt_zlib_are_refused() {
    // The real scan with its last part cut to 496 characters (310 whole bytes).
    let mut parts = real_parts();
    parts[7].truncate(8 + 496);
    assert_eq!(joined(&parts), Err(BbqrError::TruncatedZlib));
    // A whole stream cut short, at every length.
    let compressed = deflate(fixture("bbqr/real-scan.txt").as_bytes());
    for cut in [0, 1, 2, 10, compressed.len() / 2, compressed.len() - 1] {
        let result = joined(&[single_z(&compressed[..cut])]);
        assert!(
            matches!(
                result,
                Err(BbqrError::TruncatedZlib | BbqrError::CorruptZlib(_))
            ),
            "cut {cut}: {result:?}"
        );
    }
    assert_eq!(
        joined(&[single_z(&compressed[..compressed.len() / 2])]),
        Err(BbqrError::TruncatedZlib)
    );
    assert!(joined(&[single_z(&compressed)]).is_ok());
    // A reserved block type (BTYPE = 11) and a stored block whose length check fails.
    assert!(matches!(
        joined(&[single_z(&[0x07, 0, 0, 0, 0])]),
        Err(BbqrError::CorruptZlib(_))
    ));
    assert!(matches!(
        joined(&[single_z(&[0x01, 0x05, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5])]),
        Err(BbqrError::CorruptZlib(_))
    ));
    // Bytes after the final block.
    let mut trailing = deflate(b"hello");
    trailing.extend([0xAA, 0xBB]);
    assert_eq!(
        joined(&[single_z(&trailing)]),
        Err(BbqrError::TrailingZlib(2))
    );
    // Compressed data in the base32 encoding is just bytes.
    let (_, raw) = joined(&[format!("B$2U0100{}", BASE32_NOPAD.encode(&compressed))]).unwrap();
    assert_eq!(raw, compressed);
}

#[test]
fn a_zip_bomb_is_refused() {
    assert_eq!(MAX_OUTPUT, 64 * 1024 * 1024);
    let zeros = vec![0u8; 4 << 20];
    let bomb = deflate(&zeros);
    assert!(bomb.len() < 8 * 1024);
    let parts = split(&zeros, Encoding::Zlib, 'B', 1000);
    let join_with = |limit: usize| {
        let mut joiner = BbqrJoiner::with_limit(limit);
        for p in &parts {
            joiner.add_text(p).unwrap();
        }
        joiner.finish()
    };
    assert_eq!(
        join_with(1 << 20),
        Err(BbqrError::TooLarge { limit: 1 << 20 })
    );
    assert_eq!(
        join_with((4 << 20) - 1),
        Err(BbqrError::TooLarge {
            limit: (4 << 20) - 1
        })
    );
    assert_eq!(join_with(4 << 20).unwrap().1.len(), 4 << 20);
    assert_eq!(
        bbqr::inflate(&bomb, 1000),
        Err(BbqrError::TooLarge { limit: 1000 })
    );
    assert_eq!(
        bbqr::inflate(&bomb, 0),
        Err(BbqrError::TooLarge { limit: 0 })
    );
    // More than 64 MiB (the default limit) from ~65 KB of DEFLATE data.
    let bomb = deflate(&vec![0u8; MAX_OUTPUT + 1]);
    assert_eq!(
        bbqr::join([single_z(&bomb)]),
        Err(BbqrError::TooLarge { limit: MAX_OUTPUT })
    );
}

#[test]
fn held_part_data_is_bounded() {
    let mut joiner = BbqrJoiner::with_limit(10);
    joiner.add_text("B$HB03000001020304").unwrap();
    assert_eq!(
        joiner.add_text("B$HB0301000102030405"),
        Err(BbqrError::TooLarge { limit: 10 })
    );
    assert_eq!(joiner.progress(), Progress { have: 1, total: 3 });
    joiner.add_text("B$HB03010001020304").unwrap();
    joiner.add_text("B$HB0302").unwrap();
    assert_eq!(joiner.finish().unwrap().1.len(), 10);
}

#[test]
fn arbitrary_text_never_panics() {
    let seeds = [
        real_parts()[0].clone(),
        real_parts()[7].clone(),
        "B$HP0100DEADBEEF".to_string(),
        "B$2T0201AAAA".to_string(),
    ];
    let replacements = ["", "é", "€", "\0", " ", "=", "Z", "0", "B$", "\u{10FFFF}"];
    let mut joiner = BbqrJoiner::new();
    for seed in &seeds {
        for (i, _) in seed.char_indices().take(40) {
            for r in replacements {
                let mut text = seed.clone();
                let end = text[i..].chars().next().map_or(i, |c| i + c.len_utf8());
                text.replace_range(i..end, r);
                let _ = BbqrPart::parse(&text);
                let _ = joiner.add_text(&text);
                text.truncate(i);
                let _ = BbqrPart::parse(&text);
            }
        }
    }
    let _ = joiner.finish();
    // Random bytes after a valid header, for every encoding.
    let mut x: u32 = 1;
    for n in 0..2000 {
        let mut body = String::new();
        for _ in 0..(n % 50) {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            body.push(['A', 'Z', '2', '7', '=', '0', 'a', 'é'][(x >> 16) as usize % 8]);
        }
        for enc in ["H", "2", "Z"] {
            let _ = bbqr::join([format!("B${enc}U0100{body}")]);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Electrum base43
// ---------------------------------------------------------------------------------------

fn electrum_vectors() -> Vec<(Vec<u8>, String)> {
    let json: Value = serde_json::from_str(&fixture("electrum-base43.json")).unwrap();
    assert_eq!(
        json["alphabet"].as_str().unwrap().as_bytes(),
        base43::ALPHABET
    );
    json["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                HEXLOWER
                    .decode(v["hex"].as_str().unwrap().as_bytes())
                    .unwrap(),
                v["base43"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn electrum_vector_both_directions() {
    let vectors = electrum_vectors();
    assert_eq!(vectors.len(), 1);
    for (bytes, text) in &vectors {
        assert_eq!(base43::encode(bytes), *text);
        assert_eq!(base43::decode(text).unwrap(), *bytes);
    }
    // It is the signed segwit transaction Electrum would show in one QR.
    let tx: Transaction = deserialize(&vectors[0].0).unwrap();
    assert_eq!(tx.version.0, 2);
    assert_eq!((tx.input.len(), tx.output.len()), (2, 2));
    assert!(tx.input.iter().all(|i| i.witness.len() == 2));
}

#[test]
fn base43_round_trips_with_leading_zeros() {
    let mut x: u32 = 7;
    for len in 0..300usize {
        let mut bytes: Vec<u8> = (0..len)
            .map(|_| {
                x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (x >> 24) as u8
            })
            .collect();
        for zeros in [0, 1, 3] {
            for b in bytes.iter_mut().take(zeros) {
                *b = 0;
            }
            let text = base43::encode(&bytes);
            let leading = bytes.iter().take_while(|&&b| b == 0).count();
            assert_eq!(text.bytes().take_while(|&c| c == b'0').count(), leading);
            assert!(text.bytes().all(|c| base43::ALPHABET.contains(&c)));
            assert_eq!(base43::decode(&text).unwrap(), bytes, "len {len}");
        }
    }
    assert_eq!(base43::encode(&[]), "");
    assert_eq!(base43::encode(&[0, 0]), "00");
    assert_eq!(base43::decode("00").unwrap(), [0, 0]);
    assert_eq!(base43::encode(&[0xff, 0xff]), "ZJ3"); // 65535 = 35·43² + 19·43 + 3
}

#[test]
fn base43_refuses_invalid_text() {
    use Base43Error::*;
    for (text, ch, pos) in [
        ("3E2Da7", 'a', 4),
        ("3E2D H7", ' ', 4),
        ("ABC%", '%', 3), // in the QR alphanumeric set but not in base43
        ("=", '=', 0),
        ("12é3", 'é', 2),
        ("0\n0", '\n', 1),
    ] {
        assert_eq!(
            base43::decode(text),
            Err(InvalidChar { ch, pos }),
            "{text:?}"
        );
    }
    let err = base43::decode("abc").unwrap_err().to_string();
    assert_eq!(err, "invalid base43 character 'a' at position 0");
    // Surrounding whitespace is ignored.
    let (bytes, text) = &electrum_vectors()[0];
    assert_eq!(base43::decode(&format!(" {text}\n")).unwrap(), *bytes);
    // Long text is refused before any conversion; the limit itself decodes quickly.
    let max = base43::MAX_TEXT_LEN;
    assert_eq!(
        base43::decode(&":".repeat(max + 1)),
        Err(TooLong { len: max + 1, max })
    );
    assert_eq!(max, 100_000);
    assert_eq!(base43::decode(&":".repeat(max)).unwrap().len(), 67829);
}

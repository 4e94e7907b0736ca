//! Electrum's base43: how Electrum puts a transaction or PSBT into a single QR code. The
//! alphabet `0-9 A-Z $ * + - . / :` is inside the QR alphanumeric set; the bytes are one big
//! number written in base 43, and each leading zero byte is one leading `0` (as in base58).
//!
//! Source: `electrum/bitcoin.py` (`base_encode` / `base_decode` with `base=43`). The
//! conversion is quadratic, so decoding refuses text longer than [`MAX_TEXT_LEN`]; a QR code
//! holds at most 4296 alphanumeric characters.
//!
//! Electrum's own functions treat an all-zero value specially (`base_encode(b"") == "0"`,
//! `base_encode(b"\0") == "00"`, and `base_decode("00")` gives three zero bytes); here
//! `encode(b"") == ""`, `encode(b"\0") == "0"` and decoding inverts encoding. Transactions,
//! PSBTs and gzip data never start with a zero byte, so real payloads are unaffected.

/// The 43 digits, in order.
pub const ALPHABET: &[u8; 43] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$*+-./:";

/// The longest text [`decode`] accepts: 100,000 characters (about 68 KB of data), over 20
/// times what a version 40 QR code holds; decoding that much takes about 0.1 s optimised.
pub const MAX_TEXT_LEN: usize = 100_000;

/// Why text is not base43. Messages are one lower-case line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Base43Error {
    /// The text is longer than [`MAX_TEXT_LEN`].
    #[error("base43 text is {len} characters long; the limit is {max}")]
    TooLong {
        /// Length in characters (after trimming).
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A character outside the alphabet.
    #[error("invalid base43 character {ch:?} at position {pos}")]
    InvalidChar {
        /// The character.
        ch: char,
        /// Its 0-based character position (after trimming).
        pos: usize,
    },
}

fn digit(ch: char) -> Option<u8> {
    match ch {
        '0'..='9' => Some(ch as u8 - b'0'),
        'A'..='Z' => Some(ch as u8 - b'A' + 10),
        _ => ALPHABET[36..]
            .iter()
            .position(|&c| char::from(c) == ch)
            .map(|i| 36 + i as u8),
    }
}

/// Decodes base43 text (surrounding whitespace ignored) to bytes.
pub fn decode(text: &str) -> Result<Vec<u8>, Base43Error> {
    let text = text.trim();
    let len = text.chars().count();
    if len > MAX_TEXT_LEN {
        return Err(Base43Error::TooLong {
            len,
            max: MAX_TEXT_LEN,
        });
    }
    let digits = text
        .chars()
        .enumerate()
        .map(|(pos, ch)| digit(ch).ok_or(Base43Error::InvalidChar { ch, pos }))
        .collect::<Result<Vec<u8>, _>>()?;
    let zeros = digits.iter().take_while(|&&d| d == 0).count();

    // Little-endian 32-bit limbs; five digits at a time, since 43^5 < 2^32.
    let mut limbs: Vec<u32> = Vec::with_capacity(digits.len() / 5 + 1);
    for chunk in digits[zeros..].chunks(5) {
        let (scale, value) = chunk.iter().fold((1u64, 0u64), |(scale, value), &d| {
            (scale * 43, value * 43 + u64::from(d))
        });
        let mut carry = value;
        for limb in limbs.iter_mut() {
            let x = u64::from(*limb) * scale + carry;
            *limb = x as u32;
            carry = x >> 32;
        }
        if carry > 0 {
            limbs.push(carry as u32);
        }
    }

    let mut out = vec![0u8; zeros];
    let be: Vec<u8> = limbs.iter().rev().flat_map(|l| l.to_be_bytes()).collect();
    out.extend(be.iter().skip_while(|&&b| b == 0));
    Ok(out)
}

/// Encodes bytes as base43. Quadratic in the length: meant for QR-sized payloads and tests.
pub fn encode(bytes: &[u8]) -> String {
    const BIG: u64 = 43 * 43 * 43 * 43 * 43;
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    // Little-endian limbs in base 43^5, fed three bytes at a time.
    let mut limbs: Vec<u32> = Vec::with_capacity(bytes.len() / 3 + 1);
    for chunk in bytes[zeros..].chunks(3) {
        let (scale, value) = chunk.iter().fold((1u64, 0u64), |(scale, value), &b| {
            (scale << 8, value << 8 | u64::from(b))
        });
        let mut carry = value;
        for limb in limbs.iter_mut() {
            let x = u64::from(*limb) * scale + carry;
            *limb = (x % BIG) as u32;
            carry = x / BIG;
        }
        while carry > 0 {
            limbs.push((carry % BIG) as u32);
            carry /= BIG;
        }
    }
    let mut digits: Vec<u8> = Vec::with_capacity(limbs.len() * 5);
    for &limb in &limbs {
        let mut limb = limb;
        for _ in 0..5 {
            digits.push((limb % 43) as u8);
            limb /= 43;
        }
    }
    while digits.last() == Some(&0) {
        digits.pop();
    }
    let mut text = "0".repeat(zeros);
    text.extend(
        digits
            .iter()
            .rev()
            .map(|&d| char::from(ALPHABET[usize::from(d)])),
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_values() {
        assert_eq!(encode(&[]), "");
        assert_eq!(encode(&[0]), "0");
        assert_eq!(encode(&[0, 0, 1]), "001");
        assert_eq!(encode(&[42]), ":");
        assert_eq!(encode(&[43]), "10");
        assert_eq!(encode(&[0xff]), "5.");
        assert_eq!(decode("5.").unwrap(), [0xff]);
        assert_eq!(decode("").unwrap(), Vec::<u8>::new());
        assert_eq!(decode("000").unwrap(), [0, 0, 0]);
        for (i, &c) in ALPHABET.iter().enumerate() {
            assert_eq!(digit(char::from(c)), Some(i as u8));
        }
    }
}

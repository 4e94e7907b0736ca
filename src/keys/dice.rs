//! Entropy from dice rolls, computed exactly as Coldcard documents it
//! (<https://coldcard.com/docs/verifying-dice-roll-math>, `docs/rolls.py` and `docs/rolls12.py`
//! in Coldcard's firmware repository): SHA-256 over the rolls written as ASCII digits `1`–`6`,
//! all 32 bytes for 24 words, the first 16 for 12 words. A holder reproduces the words on any
//! other computer with `echo -n 123456… | sha256sum` and a BIP39 tool.

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::mnemonic::{SecretMnemonic, WordList};
use crate::i18n::Text;
use crate::{Error, Result};

/// The rolls a fair six-sided die needs for the entropy of `word_count` words: 99 rolls give
/// log2(6^99) ≈ 255.9 bits, 50 rolls ≈ 129.2 bits (Coldcard's figures).
pub fn minimum_rolls(word_count: usize) -> Result<usize> {
    match word_count {
        12 => Ok(50),
        24 => Ok(99),
        n => Err(Error::said(
            Text::new("error-dice-word-count").arg("count", n),
            None,
        )),
    }
}

/// Dice rolls as typed: the digits `1`–`6` in order, whitespace removed. Erased on drop.
pub struct DiceRolls(Zeroizing<String>);

impl DiceRolls {
    /// Reads typed rolls. Spaces and line breaks between rolls are dropped; any other
    /// character (a `0`, a `7`, a letter) is refused, naming its position.
    pub fn parse(typed: &str) -> Result<Self> {
        let mut rolls = Zeroizing::new(String::with_capacity(typed.len()));
        for (position, c) in typed.chars().filter(|c| !c.is_whitespace()).enumerate() {
            if !('1'..='6').contains(&c) {
                let message = Text::new("error-dice-roll")
                    .arg("position", position + 1)
                    .arg("roll", format!("{c:?}"));
                return Err(Error::said(message, Some(Text::new("hint-dice-roll"))));
            }
            rolls.push(c);
        }
        Ok(DiceRolls(rolls))
    }

    /// How many rolls there are.
    pub fn count(&self) -> usize {
        self.0.len()
    }

    /// SHA-256 of the rolls as an ASCII string: what `echo -n ROLLS | sha256sum` prints, and
    /// what a Coldcard shows while the rolls are entered.
    pub fn sha256(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(Sha256::digest(self.0.as_bytes()).into())
    }

    /// The BIP39 entropy for `word_count` words (Coldcard's computation), refusing fewer
    /// rolls than [`minimum_rolls`].
    pub fn entropy(&self, word_count: usize) -> Result<Zeroizing<Vec<u8>>> {
        let needed = minimum_rolls(word_count)?;
        if self.count() < needed {
            let message = Text::new("error-dice-too-few")
                .arg("rolls", self.count())
                .arg("bits", self.count().saturating_mul(2585) / 1000)
                .arg("words", word_count)
                .arg("needed", needed);
            return Err(Error::said(message, Some(Text::new("hint-dice-too-few"))));
        }
        Ok(Zeroizing::new(
            self.sha256()[..word_count / 12 * 16].to_vec(),
        ))
    }

    /// The mnemonic of [`DiceRolls::entropy`]: the words a Coldcard and `rolls.py` produce.
    pub fn mnemonic(&self, word_count: usize, list: WordList) -> Result<SecretMnemonic> {
        Ok(SecretMnemonic::from_entropy(
            &self.entropy(word_count)?,
            list,
        )?)
    }

    /// [`DiceRolls::mixed_mnemonic`] with 32 fresh bytes from the operating system's RNG.
    pub fn mnemonic_mixed_with_os_rng(
        &self,
        word_count: usize,
        list: WordList,
    ) -> Result<SecretMnemonic> {
        let random = Zeroizing::new(super::random_bytes::<32>());
        self.mixed_mnemonic(word_count, &random, list)
    }

    /// The mnemonic from the rolls mixed with `os_random` (32 bytes from the OS RNG):
    /// SHA-256(SHA-256(rolls) ‖ os_random), truncated as [`DiceRolls::entropy`]. These words
    /// cannot be reproduced from the rolls alone; they stay secret even if the dice were
    /// loaded, and random even if the RNG is broken.
    pub fn mixed_mnemonic(
        &self,
        word_count: usize,
        os_random: &[u8; 32],
        list: WordList,
    ) -> Result<SecretMnemonic> {
        let dice = self.entropy(word_count)?;
        let mut hasher = Sha256::new();
        hasher.update(self.sha256().as_slice());
        hasher.update(os_random);
        let mixed = Zeroizing::new(<[u8; 32]>::from(hasher.finalize()));
        Ok(SecretMnemonic::from_entropy(&mixed[..dice.len()], list)?)
    }
}

/// The mnemonic from dice rolls as typed, with a note saying where the words came from and
/// how to reproduce them; `mix_os_rng` mixes in 32 bytes from the OS RNG.
pub fn mnemonic_from_rolls(
    typed: &str,
    word_count: usize,
    list: WordList,
    mix_os_rng: bool,
) -> Result<(SecretMnemonic, String)> {
    let rolls = DiceRolls::parse(typed)?;
    let (mnemonic, origin) = if mix_os_rng {
        (
            rolls.mnemonic_mixed_with_os_rng(word_count, list)?,
            "mixed with 32 bytes from this computer's RNG: they can NOT be reproduced from the rolls alone",
        )
    } else {
        (
            rolls.mnemonic(word_count, list)?,
            "SHA-256 of the rolls as typed (Coldcard's method): `echo -n ROLLS | sha256sum` reproduces the entropy",
        )
    };
    let note = format!("words from {} dice rolls, {origin}", rolls.count());
    Ok((mnemonic, note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_is_dropped_and_other_characters_are_refused() {
        let rolls = DiceRolls::parse(" 12 34\n56\t").expect("digits");
        assert_eq!(rolls.count(), 6);
        for bad in ["1230", "127", "12a", "1２"] {
            assert!(DiceRolls::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn too_few_rolls_are_refused() {
        let rolls = DiceRolls::parse(&"6".repeat(98)).expect("digits");
        assert!(rolls.entropy(24).is_err());
        assert!(rolls.entropy(12).is_ok());
        assert!(DiceRolls::parse(&"6".repeat(49))
            .expect("digits")
            .entropy(12)
            .is_err());
        assert!(rolls.entropy(18).is_err());
    }

    #[test]
    fn mixing_changes_the_words_and_depends_on_the_random_bytes() {
        let rolls = DiceRolls::parse(&"3".repeat(99)).expect("digits");
        let plain = rolls.mnemonic(24, WordList::English).expect("words");
        let a = rolls
            .mixed_mnemonic(24, &[1; 32], WordList::English)
            .expect("words");
        let b = rolls
            .mixed_mnemonic(24, &[2; 32], WordList::English)
            .expect("words");
        assert_ne!(*plain.expose_phrase(), *a.expose_phrase());
        assert_ne!(*a.expose_phrase(), *b.expose_phrase());
        assert_eq!(a.word_count(), 24);
    }
}

//! BIP39 mnemonics: generation from the OS RNG, parsing with explanations, and seeds.

use std::fmt;

use bip39::{Language, Mnemonic};
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::secret::Seed;
use crate::error::Said;
use crate::i18n::Text;

/// The word lists coldsign supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordList {
    /// The English BIP39 list.
    English,
    /// The Japanese BIP39 list (words separated by the ideographic space U+3000).
    Japanese,
}

impl WordList {
    fn language(self) -> Language {
        match self {
            WordList::English => Language::English,
            WordList::Japanese => Language::Japanese,
        }
    }

    fn from_language(language: Language) -> Self {
        match language {
            Language::Japanese => WordList::Japanese,
            _ => WordList::English,
        }
    }

    /// The name used in files and messages.
    pub fn name(self) -> &'static str {
        match self {
            WordList::English => "english",
            WordList::Japanese => "japanese",
        }
    }

    fn separator(self) -> &'static str {
        match self {
            WordList::English => " ",
            WordList::Japanese => "\u{3000}",
        }
    }
}

/// Why a mnemonic was rejected. Never contains more than the one offending word.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MnemonicError {
    /// Not 12, 15, 18, 21 or 24 words.
    #[error("a mnemonic has 12, 15, 18, 21 or 24 words, not {0}")]
    WordCount(usize),
    /// A word is not on the list.
    #[error("word {position} ({word:?}) is not in the {list} BIP39 word list")]
    UnknownWord {
        /// 1-based position of the word.
        position: usize,
        /// The word as typed.
        word: String,
        /// The list it was checked against.
        list: &'static str,
        /// The closest valid words.
        suggestions: Vec<&'static str>,
    },
    /// The last word's checksum bits do not match.
    #[error("the mnemonic checksum is wrong: a word is mistyped or out of order")]
    Checksum,
    /// Entropy of an invalid length was given.
    #[error("entropy must be 16 to 32 bytes in steps of 4, not {0} bits")]
    EntropyLength(usize),
    /// The words could not be matched to a single list.
    #[error("the words do not all come from one supported word list (english, japanese)")]
    Language,
}

impl MnemonicError {
    /// The message and hint as catalog texts.
    pub(crate) fn said(&self) -> Said {
        let message = match self {
            MnemonicError::WordCount(count) => {
                Text::new("error-mnemonic-word-count").arg("count", count)
            }
            MnemonicError::UnknownWord {
                position,
                word,
                list,
                ..
            } => Text::new("error-mnemonic-unknown-word")
                .arg("position", position)
                .arg("word", format!("{word:?}"))
                .arg("list", list),
            MnemonicError::Checksum => Text::new("error-mnemonic-checksum"),
            MnemonicError::EntropyLength(bits) => {
                Text::new("error-mnemonic-entropy-length").arg("bits", bits)
            }
            MnemonicError::Language => Text::new("error-mnemonic-language"),
        };
        let hint = match self {
            MnemonicError::UnknownWord { suggestions, .. } if !suggestions.is_empty() => {
                Some(Text::new("hint-mnemonic-did-you-mean").arg("words", suggestions.join(", ")))
            }
            MnemonicError::Checksum => Some(Text::new("hint-mnemonic-checksum")),
            _ => None,
        };
        Said::new(message, hint)
    }

    /// A suggestion for the user.
    pub fn hint(&self) -> Option<String> {
        match self {
            MnemonicError::UnknownWord { suggestions, .. } if !suggestions.is_empty() => {
                Some(format!("did you mean: {}?", suggestions.join(", ")))
            }
            MnemonicError::Checksum => Some("check each word against your backup, in order".into()),
            _ => None,
        }
    }
}

/// A BIP39 mnemonic, erased on drop, never printed except through [`SecretMnemonic::expose_phrase`].
#[derive(Clone)]
pub struct SecretMnemonic(Mnemonic);

impl fmt::Debug for SecretMnemonic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretMnemonic(<redacted>)")
    }
}

impl SecretMnemonic {
    /// Draws fresh entropy from the operating system for `word_count` (12 or 24) words.
    pub fn generate(word_count: usize, list: WordList) -> Result<Self, MnemonicError> {
        let bytes = match word_count {
            12 => 16,
            24 => 32,
            n => return Err(MnemonicError::WordCount(n)),
        };
        let entropy = Zeroizing::new(super::random_bytes::<32>());
        Self::from_entropy(&entropy[..bytes], list)
    }

    /// Builds the mnemonic that encodes `entropy`.
    pub fn from_entropy(entropy: &[u8], list: WordList) -> Result<Self, MnemonicError> {
        Mnemonic::from_entropy_in(list.language(), entropy)
            .map(SecretMnemonic)
            .map_err(|_| MnemonicError::EntropyLength(entropy.len() * 8))
    }

    /// Parses typed words (any whitespace, any case for English, NFKD-normalised), explaining
    /// which word is wrong and what it may have been.
    pub fn parse(text: &str) -> Result<Self, MnemonicError> {
        let lowered = Zeroizing::new(text.to_lowercase());
        let words: Vec<&str> = lowered.split_whitespace().collect();
        let list = detect_list(&words)?;
        if let Some((i, word)) = words
            .iter()
            .enumerate()
            .find(|(_, w)| list.language().find_word(&nfkd(w)).is_none())
        {
            return Err(MnemonicError::UnknownWord {
                position: i + 1,
                word: (*word).to_string(),
                list: list.name(),
                suggestions: nearest_words(list, word),
            });
        }
        if ![12, 15, 18, 21, 24].contains(&words.len()) {
            return Err(MnemonicError::WordCount(words.len()));
        }
        let joined = Zeroizing::new(words.join(" "));
        Mnemonic::parse_in(list.language(), joined.as_str())
            .map(SecretMnemonic)
            .map_err(|e| match e {
                bip39::Error::BadWordCount(n) => MnemonicError::WordCount(n),
                _ => MnemonicError::Checksum,
            })
    }

    /// The word list this mnemonic uses.
    pub fn word_list(&self) -> WordList {
        WordList::from_language(self.0.language())
    }

    /// Number of words.
    pub fn word_count(&self) -> usize {
        self.0.word_count()
    }

    /// The entropy the words encode.
    pub fn entropy(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.0.to_entropy())
    }

    /// The words in composed (NFC) form as people read them, joined with the list's
    /// separator. Only for the one-time backup display and the explicit export path.
    pub fn expose_phrase(&self) -> Zeroizing<String> {
        use unicode_normalization::UnicodeNormalization;
        let words: Vec<&str> = self.0.words().collect();
        Zeroizing::new(words.join(self.word_list().separator()).nfc().collect())
    }

    /// Whether `typed` is the word at 0-based `index` (ignoring case, spaces, normalisation).
    pub fn word_matches(&self, index: usize, typed: &str) -> bool {
        let typed = Zeroizing::new(nfkd(&typed.trim().to_lowercase()));
        self.0.words().nth(index) == Some(typed.as_str())
    }

    /// The BIP39 seed for this mnemonic and passphrase (passphrase NFKD-normalised).
    pub fn to_seed(&self, passphrase: &SecretString) -> Seed {
        let mut bytes = self.0.to_seed(passphrase.expose_secret());
        let seed = Seed::new(bytes);
        zeroize::Zeroize::zeroize(&mut bytes);
        seed
    }
}

fn nfkd(word: &str) -> String {
    use std::borrow::Cow;
    let mut cow = Cow::Borrowed(word);
    Mnemonic::normalize_utf8_cow(&mut cow);
    cow.into_owned()
}

/// Picks the list that knows most of the words (English on a tie, e.g. no words at all).
fn detect_list(words: &[&str]) -> Result<WordList, MnemonicError> {
    let known = |list: WordList| {
        words
            .iter()
            .filter(|w| list.language().find_word(&nfkd(w)).is_some())
            .count()
    };
    let (en, ja) = (known(WordList::English), known(WordList::Japanese));
    if words.is_empty() {
        return Err(MnemonicError::WordCount(0));
    }
    if en == 0 && ja == 0 && words.iter().any(|w| !w.is_ascii()) {
        return Err(MnemonicError::Language);
    }
    Ok(if ja > en {
        WordList::Japanese
    } else {
        WordList::English
    })
}

/// Up to three valid words closest to `typed`: same 4-letter prefix first (BIP39 words are
/// unique in their first four letters), then by edit distance.
fn nearest_words(list: WordList, typed: &str) -> Vec<&'static str> {
    // BIP39 words are at most 8 letters: anything much longer is not a typo of one.
    if typed.chars().count() > 16 {
        return Vec::new();
    }
    let typed = nfkd(typed);
    let mut scored: Vec<(usize, &'static str)> = list
        .language()
        .word_list()
        .iter()
        .map(|w| {
            let prefix_match =
                typed.chars().count() >= 4 && w.chars().take(4).eq(typed.chars().take(4));
            let distance = strsim::damerau_levenshtein(&typed, w);
            (if prefix_match { 0 } else { distance + 1 }, *w)
        })
        .collect();
    scored.sort();
    let best = scored.first().map(|s| s.0).unwrap_or(0);
    scored
        .into_iter()
        .take_while(|s| s.0 <= best + 1)
        .take(3)
        .map(|s| s.1)
        .collect()
}

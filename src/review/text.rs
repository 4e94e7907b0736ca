//! Text a person is asked to sign (Bitcoin messages, Ethereum `personal_sign` and typed-data
//! strings): what could make the text on the screen differ from the bytes that are signed.
//!
//! Flagged: control characters (except newline and tab), bidirectional controls (they reorder
//! what is shown), invisible characters (zero-width, format, tag, variation selectors, fillers),
//! private-use characters (a zero-width joiner or variation selector inside an emoji sequence
//! is not flagged), and words that mix Latin with Cyrillic, Greek, Armenian or Cherokee
//! letters or use fullwidth Latin (look-alikes such as a Cyrillic `а` in `pаypal`). Callers
//! raise such text as a high-severity warning and show the escaped form.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::i18n::Text;

/// Checks `text` for characters that make what is shown differ from what is signed.
///
/// Returns `None` for plain text. Otherwise the text with every flagged character written as
/// `\u{…}` (its code point), and one reason per kind of finding, in order of first appearance.
pub fn suspicious_text(text: &str) -> Option<(String, Vec<Text>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut flagged = BTreeSet::new();
    let mut reasons: Vec<Text> = Vec::new();
    let mut note = |reason: Text| {
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    };
    let mut word_start = 0;
    for (i, &c) in chars.iter().enumerate() {
        let after_pictograph = i
            .checked_sub(1)
            .and_then(|p| chars.get(p))
            .is_some_and(|&p| pictograph(p) || p == '\u{FE0F}');
        let emoji_sequence = after_pictograph && matches!(c, '\u{200D}' | '\u{FE0E}' | '\u{FE0F}');
        if let Some(kind) = hidden_kind(c).filter(|_| !emoji_sequence) {
            flagged.insert(i);
            note(
                Text::new("text-hidden-character")
                    .text_arg("kind", Text::new(kind))
                    .arg("code", format!("U+{:04X}", u32::from(c))),
            );
        }
        if !c.is_alphanumeric() {
            mixed_word(&chars, word_start, i, &mut flagged, &mut note);
            word_start = i + 1;
        }
    }
    mixed_word(&chars, word_start, chars.len(), &mut flagged, &mut note);
    if flagged.is_empty() {
        return None;
    }
    Some((escape(&chars, &flagged), reasons))
}

/// Whether `c` is a pictograph (emoji and symbols), which zero-width joiners and variation
/// selectors legitimately follow (`❤️`, family emoji).
fn pictograph(c: char) -> bool {
    matches!(u32::from(c), 0x2190..=0x21FF | 0x2300..=0x23FF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x1F000..=0x1FAFF)
}

/// Why `c` is hidden or misleading on a screen (a catalog message), if it is.
fn hidden_kind(c: char) -> Option<&'static str> {
    let code = u32::from(c);
    if c.is_control() && c != '\n' && c != '\t' {
        return Some("text-control-character");
    }
    match code {
        0x061C | 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069 => {
            Some("text-bidirectional-control")
        }
        0x00AD
        | 0x034F
        | 0x115F
        | 0x1160
        | 0x17B4
        | 0x17B5
        | 0x180B..=0x180F
        | 0x200B..=0x200D
        | 0x2028
        | 0x2029
        | 0x2060..=0x2064
        | 0x206A..=0x206F
        | 0x2800
        | 0x3164
        | 0xFE00..=0xFE0F
        | 0xFEFF
        | 0xFFA0
        | 0xFFF9..=0xFFFB
        | 0x1D173..=0x1D17A
        | 0xE0000..=0xE007F
        | 0xE0100..=0xE01EF => Some("text-invisible-character"),
        0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD => {
            Some("text-private-use-character")
        }
        _ => None,
    }
}

/// The writing system of a letter, for the letters that have Latin look-alikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Script {
    Latin,
    FullwidthLatin,
    Greek,
    Cyrillic,
    Armenian,
    Cherokee,
    Other,
}

impl Script {
    fn of(c: char) -> Option<Script> {
        if !c.is_alphabetic() {
            return None;
        }
        Some(match u32::from(c) {
            0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF => Script::Latin,
            0xFF21..=0xFF3A | 0xFF41..=0xFF5A => Script::FullwidthLatin,
            0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
            0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
            0x530..=0x58F => Script::Armenian,
            0x13A0..=0x13FF | 0xAB70..=0xABBF => Script::Cherokee,
            _ => Script::Other,
        })
    }

    fn name(self) -> Text {
        Text::new(match self {
            Script::Latin => "text-script-latin",
            Script::FullwidthLatin => "text-script-fullwidth-latin",
            Script::Greek => "text-script-greek",
            Script::Cyrillic => "text-script-cyrillic",
            Script::Armenian => "text-script-armenian",
            Script::Cherokee => "text-script-cherokee",
            Script::Other => "text-script-other",
        })
    }
}

/// Flags the letters of `chars[start..end]` that are not plain ASCII when the word mixes
/// Latin with a look-alike script, or uses fullwidth Latin at all.
fn mixed_word(
    chars: &[char],
    start: usize,
    end: usize,
    flagged: &mut BTreeSet<usize>,
    note: &mut impl FnMut(Text),
) {
    let word = &chars[start..end];
    let scripts: BTreeSet<Script> = word
        .iter()
        .filter_map(|&c| Script::of(c))
        .filter(|&s| s != Script::Other)
        .collect();
    let fullwidth = scripts.contains(&Script::FullwidthLatin);
    let mixed = scripts.len() > 1 && scripts.contains(&Script::Latin);
    if !fullwidth && !mixed {
        return;
    }
    let names = scripts.iter().map(|s| s.name()).reduce(|head, item| {
        Text::new("text-script-and")
            .text_arg("head", head)
            .text_arg("item", item)
    });
    let shown: String = word.iter().collect();
    if let Some(names) = names {
        note(
            Text::new("text-look-alike")
                .arg("word", format!("{shown:?}"))
                .text_arg("scripts", names),
        );
    }
    for (offset, c) in word.iter().enumerate() {
        if !c.is_ascii() && Script::of(*c).is_some() {
            flagged.insert(start + offset);
        }
    }
}

/// `chars` with the characters at the `flagged` positions written as `\u{…}`.
fn escape(chars: &[char], flagged: &BTreeSet<usize>) -> String {
    let mut out = String::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        if flagged.contains(&i) {
            let _ = write!(out, "\\u{{{:04x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{suspicious_text, Text};

    #[test]
    fn plain_text_in_any_single_script_passes() {
        for text in [
            "",
            "Hello World",
            "I own this address.\nDate: 2026-12-05\tok",
            "Привет мир",
            "Γειά σου κόσμε",
            "こんにちは世界",
            "Zürich café naïve",
        ] {
            assert_eq!(suspicious_text(text), None, "{text:?}");
        }
    }

    #[test]
    fn emoji_sequences_pass_but_a_lone_joiner_does_not() {
        assert_eq!(
            suspicious_text(
                "love \u{2764}\u{FE0F} family \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"
            ),
            None
        );
        assert!(suspicious_text("pay\u{200D}pal").is_some());
    }

    #[test]
    fn control_characters_are_escaped() {
        let (escaped, reasons) = suspicious_text("pay\r\u{7}bob").expect("flagged");
        let reasons: Vec<String> = reasons.iter().map(Text::english).collect();
        assert_eq!(escaped, "pay\\u{000d}\\u{0007}bob");
        assert_eq!(
            reasons,
            ["control character U+000D", "control character U+0007"]
        );
    }

    #[test]
    fn bidirectional_override_is_flagged() {
        let (escaped, reasons) = suspicious_text("send to \u{202e}cba").expect("flagged");
        let reasons: Vec<String> = reasons.iter().map(Text::english).collect();
        assert_eq!(escaped, "send to \\u{202e}cba");
        assert!(
            reasons[0].starts_with("bidirectional control"),
            "{reasons:?}"
        );
    }

    #[test]
    fn zero_width_and_tag_characters_are_flagged() {
        let (escaped, reasons) = suspicious_text("a\u{200b}b\u{feff}\u{e0041}").expect("flagged");
        let reasons: Vec<String> = reasons.iter().map(Text::english).collect();
        assert_eq!(escaped, "a\\u{200b}b\\u{feff}\\u{e0041}");
        assert_eq!(reasons.len(), 3);
        assert!(reasons.iter().all(|r| r.starts_with("invisible character")));
    }

    #[test]
    fn cyrillic_letter_inside_a_latin_word_is_flagged() {
        let (escaped, reasons) = suspicious_text("login to p\u{0430}ypal now").expect("flagged");
        let reasons: Vec<String> = reasons.iter().map(Text::english).collect();
        assert_eq!(escaped, "login to p\\u{0430}ypal now");
        assert_eq!(
            reasons,
            ["look-alike letters: \"pаypal\" mixes Latin and Cyrillic letters"]
        );
    }

    #[test]
    fn fullwidth_latin_is_flagged() {
        let (escaped, _) = suspicious_text("ｂｃ1q").expect("flagged");
        assert_eq!(escaped, "\\u{ff42}\\u{ff43}1q");
    }
}

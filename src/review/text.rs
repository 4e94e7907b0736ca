//! Text a person reads before signing, checked for characters that make it read differently
//! from what it is: control characters, bidirectional overrides, zero-width and other
//! invisible characters, and words that mix Latin letters with look-alike letters of other
//! scripts (Cyrillic "а" in "pаypal").

/// Whether `c` is a pictograph (emoji and symbols) that zero-width joiners and variation
/// selectors legitimately follow.
fn pictograph(c: char) -> bool {
    matches!(c as u32, 0x2190..=0x21FF | 0x2300..=0x23FF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x1F000..=0x1FAFF)
}

/// Why `c`, after `previous`, is deceptive, if it is.
fn deceptive(c: char, previous: Option<char>) -> Option<&'static str> {
    let after_pictograph = previous.is_some_and(|p| pictograph(p) || p == '\u{FE0F}');
    match c {
        '\n' | '\t' => None,
        '\u{200D}' | '\u{FE0E}' | '\u{FE0F}' if after_pictograph => None,
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => Some("bidirectional control characters"),
        '\u{200B}'..='\u{200D}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FEFF}'
        | '\u{00AD}'
        | '\u{034F}'
        | '\u{115F}'
        | '\u{1160}'
        | '\u{17B4}'
        | '\u{17B5}'
        | '\u{180E}'
        | '\u{3164}'
        | '\u{FFA0}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{E0000}'..='\u{E007F}'
        | '\u{E0100}'..='\u{E01EF}'
        | '\u{2028}'
        | '\u{2029}' => Some("invisible characters"),
        c if c.is_control() => Some("control characters"),
        _ => None,
    }
}

/// The script of a letter, for the scripts whose letters imitate Latin ones.
fn script(c: char) -> Option<&'static str> {
    match c {
        'a'..='z' | 'A'..='Z' | '\u{00C0}'..='\u{024F}' => Some("Latin"),
        '\u{0370}'..='\u{03FF}' => Some("Greek"),
        '\u{0400}'..='\u{052F}' => Some("Cyrillic"),
        '\u{0530}'..='\u{058F}' => Some("Armenian"),
        '\u{13A0}'..='\u{13FF}' => Some("Cherokee"),
        '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => Some("full-width Latin"),
        _ => None,
    }
}

/// Whether a word mixes letters of two of those scripts.
fn mixes_scripts(word: &str) -> bool {
    let mut first = None;
    for s in word.chars().filter_map(script) {
        match first {
            None => first = Some(s),
            Some(f) if f != s => return true,
            Some(_) => {}
        }
    }
    false
}

/// `text` with every deceptive character written as `\u{XXXX}`, and why it is deceptive;
/// `None` when the text reads as it is.
pub fn suspicious_text(text: &str) -> Option<(String, Vec<&'static str>)> {
    let mut reasons: Vec<&'static str> = Vec::new();
    let mut escaped = String::with_capacity(text.len());
    let mut previous = None;
    for c in text.chars() {
        let found = deceptive(c, previous);
        previous = Some(c);
        match found {
            Some(reason) => {
                if !reasons.contains(&reason) {
                    reasons.push(reason);
                }
                escaped.push_str(&format!("\\u{{{:04X}}}", c as u32));
            }
            None => escaped.push(c),
        }
    }
    if text
        .split(|c: char| !c.is_alphanumeric())
        .any(mixes_scripts)
    {
        reasons.push("words that mix look-alike letters of different scripts");
    }
    (!reasons.is_empty()).then_some((escaped, reasons))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_in_any_script_passes() {
        for ok in [
            "Sign in to example.com\nNonce: 42",
            "Привет, мир",
            "Γειά σου",
            "日本語のテキスト",
            "café",
            "love \u{2764}\u{FE0F} family \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}",
        ] {
            assert_eq!(suspicious_text(ok), None, "{ok}");
        }
    }

    #[test]
    fn deceptive_characters_are_escaped_with_reasons() {
        let (escaped, reasons) = suspicious_text("pay\u{202E}evil").unwrap();
        assert_eq!(escaped, "pay\\u{202E}evil");
        assert_eq!(reasons, ["bidirectional control characters"]);
        assert!(suspicious_text("a\u{200B}b").is_some());
        assert!(suspicious_text("a\u{7}b").is_some());
        // Cyrillic а (U+0430) inside a Latin word.
        let (_, reasons) = suspicious_text("p\u{0430}ypal.com").unwrap();
        assert_eq!(
            reasons,
            ["words that mix look-alike letters of different scripts"]
        );
    }
}

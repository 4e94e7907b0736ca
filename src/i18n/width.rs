//! Columns by display width: a Japanese label is as wide on a terminal as its characters
//! (East Asian wide characters take two columns), so padding by `char` count or by bytes
//! would push the amounts after it out of line.

use unicode_width::UnicodeWidthStr;

/// How many terminal columns `text` takes.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` followed by spaces up to `columns` display columns (unchanged when it is already
/// that wide or wider): `{:<N}` by display width.
pub fn pad_end(text: &str, columns: usize) -> String {
    let fill = columns.saturating_sub(width(text));
    format!("{text}{}", " ".repeat(fill))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_by_display_width() {
        assert_eq!(pad_end("fee", 6), "fee   ");
        assert_eq!(pad_end("手数料", 8), "手数料  ");
        assert_eq!(width(&pad_end("手数料", 8)), width(&pad_end("fee", 8)));
        assert_eq!(pad_end("too wide", 3), "too wide");
    }
}

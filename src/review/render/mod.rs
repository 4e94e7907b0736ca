//! The human rendering of a review: this text is the confirmation screen, the same wherever
//! it is shown (the signer, the online host's preview, the demo).

pub mod bitcoin;
pub mod ethereum;
pub mod message;

use std::fmt::Write;

use super::{Review, Severity, Warning};
use crate::i18n::t;
use crate::i18n::width::{pad_end, width};

/// The confirmation screen of any review.
pub fn render(review: &Review) -> String {
    let mut s = String::new();
    write(&mut s, review);
    s
}

/// Writes the confirmation screen of any review into `out` as it is rendered.
pub fn write(out: &mut dyn Write, review: &Review) {
    match review {
        Review::Bitcoin(r) => bitcoin::write_from(out, r, bitcoin::Vantage::Signer),
        Review::Ethereum(r) => {
            let _ = out.write_str(&ethereum::render(r));
        }
    }
}

/// The label `key` in the operator's language and a space, padded to `columns` display
/// columns: the start of a labelled line whose values stay in one column in every language.
pub fn column(key: &'static str, columns: usize) -> String {
    pad_end(&format!("{} ", t(key)), columns)
}

/// How wide a column of the labels `keys` is: `min` display columns (the English layout), or
/// wider when a label and its space need more in the operator's language, so the values
/// after them still start in one column.
pub fn label_columns(keys: &[&'static str], min: usize) -> usize {
    keys.iter()
        .map(|key| width(&t(key)) + 1)
        .fold(min, usize::max)
}

/// Appends the warnings block (nothing when there are none). Severities stay the codes
/// `[DENY]`, `[HIGH]`, `[warn]`, `[info]` in every language, like the warning codes beside
/// them.
pub fn render_warnings(s: &mut dyn Write, warnings: &[Warning]) {
    if warnings.is_empty() {
        return;
    }
    let _ = writeln!(s, "\n{}", t("review-warnings"));
    for w in warnings {
        let label = match w.severity {
            Severity::Deny => "DENY",
            Severity::High => "HIGH",
            Severity::Warning => "warn",
            Severity::Info => "info",
        };
        let _ = writeln!(s, "  [{label}] {}: {}", w.code, w.localized());
    }
}

//! The human rendering of a review: this text is the confirmation screen, the same wherever
//! it is shown (the signer, the online host's preview, the demo).

pub mod bitcoin;
pub mod ethereum;
pub mod message;

use std::fmt::Write as _;

use super::{Review, Severity, Warning};

/// The confirmation screen of any review.
pub fn render(review: &Review) -> String {
    match review {
        Review::Bitcoin(r) => bitcoin::render(r),
        Review::Ethereum(r) => ethereum::render(r),
    }
}

/// Appends the warnings block (nothing when there are none).
pub fn render_warnings(s: &mut String, warnings: &[Warning]) {
    if warnings.is_empty() {
        return;
    }
    let _ = writeln!(s, "\nwarnings");
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

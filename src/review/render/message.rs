//! The human rendering of a Bitcoin message request's review: its confirmation screen.

use super::{column, label_columns, render_warnings};
use crate::btc::message::request::MessageReview;
use crate::i18n::{t, Text};

/// The confirmation screen of a message request.
pub fn render(r: &MessageReview) -> String {
    let mut s = format!("{}\n", t("review-msg-heading"));
    let columns = label_columns(
        &[
            "review-msg-address",
            "review-msg-message",
            "review-intent-digest",
        ],
        15,
    );
    let branch = t(if r.branch == 0 {
        "review-msg-receive"
    } else {
        "review-msg-change"
    });
    let address = Text::new("review-msg-address-line")
        .arg("address", &r.address)
        .arg("wallet", &r.wallet)
        .arg("branch", branch)
        .arg("index", r.index);
    s.push_str(&format!(
        "  {}{}\n",
        column("review-msg-address", columns),
        address.localized()
    ));
    let size = Text::new("review-msg-bytes").arg("bytes", r.hex.len() / 2);
    s.push_str(&format!(
        "  {}{}\n",
        column("review-msg-message", columns),
        size.localized()
    ));
    match &r.text {
        Some(text) => {
            for line in text.split('\n') {
                s.push_str(&format!("    | {line}\n"));
            }
        }
        None => s.push_str(&format!("    hex {}\n", r.hex)),
    }
    s.push_str(&format!(
        "  {}{}\n",
        column("review-intent-digest", columns),
        r.intent_digest
    ));
    render_warnings(&mut s, &r.warnings);
    s
}

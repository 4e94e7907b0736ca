//! The human rendering of a Bitcoin message request's review: its confirmation screen.

use super::render_warnings;
use crate::btc::message::request::MessageReview;

/// The confirmation screen of a message request.
pub fn render(r: &MessageReview) -> String {
    let mut s = String::from("Sign a Bitcoin message\n");
    let branch = if r.branch == 0 { "receive" } else { "change" };
    s.push_str(&format!(
        "  address        {} ({}, {branch} #{})\n",
        r.address, r.wallet, r.index
    ));
    s.push_str(&format!("  message        {} bytes\n", r.hex.len() / 2));
    match &r.text {
        Some(text) => {
            for line in text.split('\n') {
                s.push_str(&format!("    | {line}\n"));
            }
        }
        None => s.push_str(&format!("    hex {}\n", r.hex)),
    }
    s.push_str(&format!("  intent digest  {}\n", r.intent_digest));
    render_warnings(&mut s, &r.warnings);
    s
}

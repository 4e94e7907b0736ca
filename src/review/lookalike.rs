//! Review pass over the address book: labels for known destinations, a high-severity warning
//! for destinations that imitate an entry.

use super::bitcoin::{BtcReview, OutputKind};
use super::{Severity, Warning};
use crate::addressbook::AddressBook;
use crate::i18n::Text;

/// The warning code of a destination that imitates an address-book entry.
pub const LOOKALIKE: &str = "addr.lookalike";

/// Labels known external outputs and flags look-alikes (in the warning list and on the
/// output's row).
pub fn apply(review: &mut BtcReview, book: &AddressBook) {
    for output in &mut review.outputs {
        let Some(address) = output.address.clone() else {
            continue;
        };
        if output.kind != OutputKind::External {
            continue;
        }
        if let Some(label) = book.label_of(&address) {
            output.label = Some(label.to_string());
        } else if let Some(entry) = book.lookalike(&address) {
            output.flags.push(LOOKALIKE);
            review.warnings.push(Warning::said(
                LOOKALIKE,
                Severity::High,
                Text::new("warning-addr-lookalike-output")
                    .arg("index", output.index)
                    .arg("address", &address)
                    .arg("label", format!("{:?}", entry.label))
                    .arg("entry", &entry.address),
            ));
        }
    }
    review
        .warnings
        .sort_by_key(|w| std::cmp::Reverse(w.severity));
}

/// High-severity warnings for `addresses` that imitate an address-book entry without being
/// one (Ethereum recipients and contracts).
pub fn check_addresses(addresses: &[String], book: &AddressBook) -> Vec<Warning> {
    addresses
        .iter()
        .filter(|a| book.label_of(a).is_none())
        .filter_map(|a| {
            book.lookalike(a).map(|entry| {
                Warning::said(
                    "addr.lookalike",
                    Severity::High,
                    Text::new("warning-addr-lookalike")
                        .arg("address", a)
                        .arg("label", format!("{:?}", entry.label))
                        .arg("entry", &entry.address),
                )
            })
        })
        .collect()
}

/// Whether Ethereum address `candidate` imitates `known`: a different address with the same
/// first and last [`crate::addressbook::LOOKALIKE_CHARS`] hex digits (what a person compares).
pub fn eth_imitates(
    candidate: alloy_primitives::Address,
    known: alloy_primitives::Address,
) -> bool {
    let n = crate::addressbook::LOOKALIKE_CHARS;
    let (a, b) = (
        alloy_primitives::hex::encode(candidate),
        alloy_primitives::hex::encode(known),
    );
    candidate != known && a[..n] == b[..n] && a[a.len() - n..] == b[b.len() - n..]
}

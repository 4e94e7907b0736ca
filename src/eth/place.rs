//! Where in a request something happens, for people: segments joined by ` → `
//! (`call → Safe call → MultiSend #2`, `typed data`, `fee`). The place stays English in JSON;
//! [`said`] gives its catalog text, each known segment said in the operator's language.

use crate::i18n::Text;

/// What joins the segments of a place.
const SEPARATOR: &str = " → ";

/// `place` as a catalog text: the known segments by their messages, any other as it is.
pub fn said(place: &str) -> Text {
    place
        .split(SEPARATOR)
        .map(segment)
        .reduce(|head, item| {
            Text::new("place-path")
                .text_arg("head", head)
                .text_arg("item", item)
        })
        .unwrap_or_else(|| segment(place))
}

/// One segment of a place.
fn segment(text: &str) -> Text {
    let key = match text {
        "call" => "place-call",
        "Safe call" => "place-safe-call",
        "typed data" => "place-typed-data",
        "forwarded call" => "place-forwarded-call",
        "fee" => "place-fee",
        _ => {
            return match text.strip_prefix("MultiSend #") {
                Some(number) => Text::new("place-multisend").arg("number", number),
                None => Text::verbatim(text),
            }
        }
    };
    Text::new(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_says_the_same_english_segment_by_segment() {
        for place in [
            "call",
            "call → Safe call → MultiSend #2",
            "typed data → forwarded call",
            "fee",
            "somewhere else",
        ] {
            assert_eq!(said(place).english(), place);
        }
    }
}

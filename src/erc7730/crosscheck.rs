//! Cross-checks between what a descriptor's fields name and what the review decoded on its
//! own. A descriptor may name things; it must not disagree with a movement the review sees.

use alloy_primitives::{Address, U256};

use super::{ClearSigned, Fact};
use crate::i18n::{Phrase, Text};

/// A movement the review decoded itself (the transaction's value, an ERC-20 call it knows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Movement {
    /// Native coin sent.
    Native {
        /// Recipient.
        to: Address,
        /// Wei.
        amount: U256,
    },
    /// Tokens sent.
    Token {
        /// Token contract.
        token: Address,
        /// Recipient.
        to: Address,
        /// Base units.
        amount: U256,
    },
    /// An allowance granted.
    Allowance {
        /// Token contract.
        token: Address,
        /// Spender.
        spender: Address,
        /// Base units.
        amount: U256,
    },
}

/// Every fact of a rendering, nested calls included.
pub fn facts(shown: &ClearSigned) -> Vec<&Fact> {
    let mut out: Vec<&Fact> = shown.facts.iter().collect();
    for field in &shown.fields {
        if let Some(inner) = &field.nested {
            out.extend(facts(inner));
        }
    }
    out
}

/// Where the rendering disagrees with the review's own decoding, one sentence each: a
/// moved token whose amount no field shows (while fields show token amounts), an amount of
/// that token different from the one moved, a recipient or spender no address field names
/// (while fields name addresses), a native amount different from the value sent.
pub fn disagreements(shown: &ClearSigned, movements: &[Movement]) -> Vec<Phrase> {
    let (mut token_amounts, mut addresses, mut native) = (Vec::new(), Vec::new(), Vec::new());
    for fact in facts(shown) {
        match fact {
            Fact::TokenAmount { token, amount, .. } => token_amounts.push((*token, *amount)),
            Fact::Address { address, .. } => addresses.push(*address),
            Fact::NativeAmount { amount, .. } => native.push(*amount),
            Fact::NestedCall { .. } => {}
        }
    }
    let mut out = Vec::new();
    for movement in movements {
        let (token, party, amount, role) = match movement {
            Movement::Native { amount, .. } => {
                if !native.is_empty() && !native.contains(amount) {
                    let text = Text::new("crosscheck-native-amount")
                        .arg("amount", amount)
                        .arg("shown", list(&native));
                    out.push(text.into());
                }
                continue;
            }
            Movement::Token { token, to, amount } => (*token, *to, *amount, "crosscheck-pays"),
            Movement::Allowance {
                token,
                spender,
                amount,
            } => (*token, *spender, *amount, "crosscheck-approves"),
        };
        let of_token: Vec<U256> = token_amounts
            .iter()
            .filter(|(t, _)| *t == Some(token))
            .map(|(_, a)| *a)
            .collect();
        if of_token.is_empty() && !token_amounts.is_empty() {
            out.push(
                Text::new("crosscheck-other-tokens")
                    .arg("token", token)
                    .into(),
            );
        } else if !of_token.is_empty() && !of_token.contains(&amount) {
            let text = Text::new("crosscheck-token-amount")
                .arg("amount", amount)
                .arg("token", token)
                .arg("shown", list(&of_token));
            out.push(text.into());
        }
        if !addresses.is_empty() && !addresses.contains(&party) {
            let text = Text::new(role)
                .arg("party", party)
                .arg("shown", list(&addresses));
            out.push(text.into());
        }
    }
    out
}

fn list<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

//! The review's use of installed ERC-7730 descriptors: a call or typed message that a
//! descriptor bound to its exact chain and contract (or EIP-712 domain) describes is shown
//! with the descriptor's intent and labelled fields. A call the built-in decoders cannot
//! explain is then no longer blind; a descriptor never hides what the review decoded itself:
//! its fields are cross-checked against the review's own movements, and every address it
//! shows is checked for look-alikes.

use alloy_dyn_abi::TypedData;
use alloy_primitives::Address;

use super::calldata::{Call, Decoder, RawCall};
use super::flows::Known;
use crate::erc7730::{self, crosscheck, ClearSigned, Fact, Lookup, TokenInfo};
use crate::i18n::Text;
use crate::review::Severity;

impl Lookup for Known<'_> {
    fn token(&self, chain_id: u64, address: Address) -> Option<TokenInfo> {
        self.registry.token(chain_id, address).map(|t| TokenInfo {
            symbol: t.symbol.clone(),
            decimals: t.decimals,
        })
    }

    fn name(&self, chain_id: u64, address: Address) -> Option<String> {
        self.book
            .label_of(&address.to_checksum(None))
            .map(str::to_string)
            .or_else(|| self.registry.name(chain_id, address))
    }

    fn collection(&self, chain_id: u64, address: Address) -> Option<String> {
        self.registry.name(chain_id, address)
    }
}

impl Decoder<'_> {
    /// A call the built-in decoders cannot explain: shown by its descriptor when one describes
    /// it completely (nested calls included), blind otherwise. `first` is where the call's own
    /// movements start in [`Decoder::exact`].
    pub(crate) fn unexplained(
        &mut self,
        mut out: Call,
        (call, first): (&RawCall<'_>, usize),
        why: Text,
    ) -> Call {
        let Some(shown) = self.described(&out.place, call, first) else {
            return self.blind(out, why);
        };
        let undescribed = crosscheck::facts(&shown).into_iter().any(|f| {
            matches!(
                f,
                Fact::NestedCall {
                    described: false,
                    ..
                }
            )
        });
        out.clear_signed = Some(Box::new(shown));
        if undescribed {
            return self.blind(
                out,
                Text::new("warning-eth-calldata-blind-undescribed-nested").text_arg("why", why),
            );
        }
        out
    }

    /// A call the built-in decoders explained: the descriptor's view is added when one
    /// describes it, and cross-checked against what the decoders found.
    pub(crate) fn also_described(&mut self, out: &mut Call, call: &RawCall<'_>, first: usize) {
        out.clear_signed = self.described(&out.place, call, first).map(Box::new);
    }

    /// The call rendered by its descriptor, with its findings raised; `None` when no
    /// descriptor describes it or the descriptor does not fit it (then a high warning).
    fn described(&mut self, place: &str, call: &RawCall<'_>, first: usize) -> Option<ClearSigned> {
        let to = call.to?;
        let request = erc7730::Call {
            chain_id: self.chain_id,
            from: Some(self.payer),
            to,
            value: call.value,
            data: call.data,
        };
        let known = self.known;
        let rendered = known.descriptors.clear_sign_call(&request, &known)?;
        self.checked(place, rendered, first)
    }

    /// Typed data rendered by its descriptor, signed by `signer`; `first` is where the
    /// message's own movements start in [`Decoder::exact`].
    pub fn described_typed(
        &mut self,
        typed: &TypedData,
        signer: Address,
        first: usize,
    ) -> Option<ClearSigned> {
        let known = self.known;
        let rendered = known
            .descriptors
            .clear_sign_typed(typed, Some(signer), &known)?;
        self.checked("typed data", rendered, first)
    }

    /// Raises what a rendering's descriptor does not fit, leaves unresolved, or shows
    /// differently from the review's own movements since `first`; every address it names is
    /// shown (for the look-alike check).
    fn checked(
        &mut self,
        place: &str,
        rendered: Result<ClearSigned, String>,
        first: usize,
    ) -> Option<ClearSigned> {
        let shown = match rendered {
            Ok(shown) => shown,
            Err(why) => {
                self.warn(
                    "eth.clear-sign.failed",
                    Severity::High,
                    Text::new("warning-eth-clear-sign-failed")
                        .text_arg("place", super::place::said(place))
                        .arg("why", why),
                );
                return None;
            }
        };
        for fact in crosscheck::facts(&shown) {
            if let Fact::Address { address, .. } = fact {
                self.show_address(*address);
            }
        }
        let own = self.exact.get(first..).unwrap_or_default().to_vec();
        for disagreement in crosscheck::disagreements(&shown, &own) {
            self.warn(
                "eth.clear-sign.mismatch",
                Severity::High,
                Text::new("warning-eth-clear-sign-mismatch")
                    .text_arg("place", super::place::said(place))
                    .text_arg("owner", owner(&shown))
                    .text_arg("disagreement", disagreement.text().clone()),
            );
        }
        for note in &shown.notes {
            self.warn(
                "eth.clear-sign.incomplete",
                Severity::Warning,
                Text::new("warning-eth-clear-sign-incomplete")
                    .text_arg("place", super::place::said(place))
                    .text_arg("note", note.clone()),
            );
        }
        Some(shown)
    }
}

/// Who wrote a descriptor, as it says, or that it names no one.
fn owner(shown: &ClearSigned) -> Text {
    match &shown.descriptor_owner {
        Some(owner) => Text::verbatim(owner),
        None => Text::new("crosscheck-no-owner"),
    }
}

//! Every movement of value a request causes or authorises: native value, token transfers,
//! approvals, value moved later by a signature (permits, authorisations, orders) and Safe gas
//! refunds. Each is listed with who pays, who receives or may take, the asset and the most it
//! can be; what cannot come back (tokens sent to a token contract, coins sent to a precompile
//! or the zero address) and rights given to parties the signer cannot name are high.

use alloy_primitives::{Address, U256};
use serde::Serialize;

use super::calldata::Decoder;
use super::registry::Registry;
use crate::addressbook::AddressBook;
use crate::erc7730::crosscheck::Movement as Exact;
use crate::i18n::{Phrase, Text};
use crate::review::Severity;

/// What the signer knows about addresses besides the request.
#[derive(Clone, Copy)]
pub struct Known<'a> {
    /// The address book: labels, allowlisted domains and refund receivers, look-alikes.
    pub book: &'a AddressBook,
    /// Well-known contracts and tokens.
    pub registry: &'a Registry,
    /// The ERC-7730 descriptors installed on the signer (`coldsign registry import`).
    pub descriptors: &'a crate::erc7730::Registry,
}

impl Known<'static> {
    /// The built-in registry, no address book and no descriptors (hosts that build requests).
    pub fn builtin() -> Self {
        static EMPTY: std::sync::OnceLock<AddressBook> = std::sync::OnceLock::new();
        static NO_DESCRIPTORS: std::sync::OnceLock<crate::erc7730::Registry> =
            std::sync::OnceLock::new();
        Known {
            book: EMPTY.get_or_init(AddressBook::default),
            registry: Registry::builtin(),
            descriptors: NO_DESCRIPTORS.get_or_init(crate::erc7730::Registry::new),
        }
    }
}

/// The kind of a movement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MovementKind {
    /// The chain's coin sent with a call.
    Native,
    /// Tokens (ERC-20, or an NFT) transferred by a call.
    TokenTransfer,
    /// A spending right given by a call (approve, setApprovalForAll, Permit2 approve).
    Approval,
    /// A spending right given by a signature (EIP-2612, DAI and Permit2 permits).
    SignedApproval,
    /// Tokens a signature lets someone move (Permit2 transfers, EIP-3009 authorisations).
    SignedTransfer,
    /// What a signed order gives away to whoever fills it.
    OrderOffer,
    /// What a signed order asks in return, and who receives it.
    OrderConsideration,
    /// A Safe's gas refund, paid when the transaction is executed.
    Refund,
    /// The transaction fee: at most gas limit × max fee per gas.
    Fee,
}

/// One movement of value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Movement {
    /// Where it happens (`call → Safe call → MultiSend #2`, `typed data`).
    pub place: String,
    /// What kind of movement.
    pub kind: MovementKind,
    /// Whose value moves.
    pub from: String,
    /// Who receives it, or who may take it (spender, operator, refund receiver).
    pub to: String,
    /// The asset ("ETH", "USDC token 0x…", "token 0x…").
    pub asset: String,
    /// The amount as a person reads it: whole units when the token is known, "unlimited", or
    /// the most it can be.
    pub amount: Phrase,
    /// The exact amount in the asset's smallest unit; none when unbounded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_amount: Option<String>,
    /// Whether the amount is unlimited (or unbounded) in effect.
    pub unlimited: bool,
    /// Until when a signed right lasts, as stated (unix time), when it has a limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

/// Token decimals assumed for the unlimited bound when a token is unknown.
const ASSUMED_DECIMALS: u32 = 18;
/// An allowance of more than this many whole tokens is unlimited in effect.
const UNLIMITED_WHOLE_TOKENS: u32 = 12;

/// The amount of `token` from which an allowance is unlimited in effect: 10^12 whole tokens
/// (10^(12+decimals) units; 10^30 units when the decimals are unknown), and never more than
/// 2^128 units. No token's real use needs a thousand billion whole tokens.
pub fn unlimited_bound(registry: &Registry, chain_id: u64, token: Address) -> U256 {
    let decimals = registry
        .token(chain_id, token)
        .map_or(ASSUMED_DECIMALS, |t| u32::from(t.decimals));
    let by_decimals = U256::from(10u8)
        .checked_pow(U256::from(UNLIMITED_WHOLE_TOKENS + decimals))
        .unwrap_or(U256::MAX);
    by_decimals.min(U256::from(1u8) << 128)
}

/// Whether `address` is a precompile in use (0x01–0x11: the Ethereum precompiles up to the
/// BLS12-381 set of EIP-2537; 0x100: P256VERIFY of RIP-7212 and EIP-7951) or the
/// conventional burn address 0x…dEaD. No key controls these addresses.
pub fn is_precompile_or_burn(address: Address) -> bool {
    let bytes = address.as_slice();
    let low = u16::from_be_bytes([bytes[18], bytes[19]]);
    bytes[..18].iter().all(|b| *b == 0) && matches!(low, 0x01..=0x11 | 0x100 | 0xdead)
}

impl Decoder<'_> {
    /// Whether the signer can name `address`: ours, the paying Safe, the address book or the
    /// registry.
    pub fn is_known(&self, address: Address) -> bool {
        self.is_ours_or_listed(address)
            || self.known.registry.name(self.chain_id, address).is_some()
    }

    /// Whether `address` is ours (the signing account or the paying Safe) or in the address
    /// book: where a refund or a signed payment may go without a high warning.
    pub fn is_ours_or_listed(&self, address: Address) -> bool {
        address == self.owner
            || address == self.payer
            || self
                .known
                .book
                .label_of(&address.to_checksum(None))
                .is_some()
    }

    /// The payer as shown.
    pub fn payer_shown(&self) -> String {
        self.show_address(self.payer)
    }

    /// An amount of `token`, in whole units when known (the numbers are never translated).
    pub fn token_amount(&self, token: Address, amount: U256) -> Text {
        if amount == U256::MAX {
            return Text::new("amount-unlimited-max");
        }
        match self.known.registry.token(self.chain_id, token) {
            Some(t) => Text::new("amount-token")
                .arg("value", super::format_amount(amount, t.decimals))
                .arg("symbol", &t.symbol)
                .arg("raw", amount),
            None => Text::new("amount-raw-units").arg("raw", amount),
        }
    }

    /// Records the most a transaction's fee can cost.
    pub fn fee(&mut self, gas_limit: u64, max_fee_per_gas: u128) {
        let most = U256::from(gas_limit) * U256::from(max_fee_per_gas);
        let symbol = super::chains::symbol(self.chain_id);
        self.movements.push(Movement {
            place: "fee".into(),
            kind: MovementKind::Fee,
            from: self.payer_shown(),
            to: "the network (block producer)".into(),
            asset: symbol.to_string(),
            amount: Text::new("amount-fee-at-most")
                .arg("value", super::format_amount(most, 18))
                .arg("symbol", symbol)
                .arg("gas", gas_limit)
                .arg("fee", max_fee_per_gas)
                .into(),
            raw_amount: Some(most.to_string()),
            unlimited: false,
            until: None,
        });
    }

    /// Records native value sent from the payer to `to` (none: contract creation);
    /// `plain` is a transfer without calldata, which a contract can only take through its
    /// receive function.
    pub fn native(&mut self, place: &str, to: Option<Address>, value: U256, plain: bool) {
        if value.is_zero() {
            return;
        }
        if let Some(to) = to {
            self.exact.push(Exact::Native { to, amount: value });
        }
        let symbol = super::chains::symbol(self.chain_id);
        self.movements.push(Movement {
            place: place.to_string(),
            kind: MovementKind::Native,
            from: self.payer_shown(),
            to: to.map_or("a new contract".into(), |a| self.show_address(a)),
            asset: symbol.to_string(),
            amount: Text::verbatim(format!("{} {symbol}", super::format_amount(value, 18))).into(),
            raw_amount: Some(value.to_string()),
            unlimited: false,
            until: None,
        });
        let why = match to {
            None => Some(("create", String::new())),
            Some(a) if a.is_zero() => Some(("zero", String::new())),
            Some(a) if is_precompile_or_burn(a) => Some(("burn", a.to_string())),
            Some(a)
                if self.known.registry.token(self.chain_id, a).is_some()
                    && !self.known.registry.is_wrapped_native(self.chain_id, a) =>
            {
                Some(("token", self.show_address(a)))
            }
            Some(a) if plain && self.known.registry.contract(self.chain_id, a).is_some() => {
                Some(("contract", self.show_address(a)))
            }
            Some(_) => None,
        };
        if let Some((why, to)) = why {
            self.warn(
                "eth.value.unrecoverable",
                Severity::High,
                Text::new("warning-eth-value-unrecoverable")
                    .text_arg("place", super::place::said(place))
                    .arg(
                        "amount",
                        format!("{} {symbol}", super::format_amount(value, 18)),
                    )
                    .arg("why", why)
                    .arg("to", to),
            );
        }
    }

    /// Records tokens of `token` sent from `from` to `to`.
    pub fn token_transfer(
        &mut self,
        place: &str,
        token: Address,
        from: Address,
        to: Address,
        amount: U256,
    ) {
        self.exact.push(Exact::Token { token, to, amount });
        let (asset, shown) = (self.show_address(token), self.token_amount(token, amount));
        self.transfer(place, token, (from, to), asset, shown, amount);
    }

    /// Records `amount` of NFT `id` of `collection` sent from `from` to `to`.
    pub fn nft_transfer(
        &mut self,
        place: &str,
        collection: Address,
        (from, to): (Address, Address),
        id: U256,
        amount: U256,
    ) {
        let asset = format!("NFT #{id} of {}", self.show_address(collection));
        self.transfer(
            place,
            collection,
            (from, to),
            asset,
            Text::verbatim(amount),
            amount,
        );
    }

    fn transfer(
        &mut self,
        place: &str,
        token: Address,
        (from, to): (Address, Address),
        asset: String,
        amount: Text,
        raw: U256,
    ) {
        self.movements.push(Movement {
            place: place.to_string(),
            kind: MovementKind::TokenTransfer,
            from: self.show_address(from),
            to: self.show_address(to),
            asset,
            amount: amount.into(),
            raw_amount: Some(raw.to_string()),
            unlimited: false,
            until: None,
        });
        self.check_token_recipient(place, token, to);
    }

    /// Records setApprovalForAll: `operator` may take every NFT of `collection`. High unless
    /// the operator is known (or the right is revoked).
    pub fn approval_for_all(
        &mut self,
        place: &str,
        collection: Address,
        operator: Address,
        approved: bool,
    ) {
        if !approved {
            return;
        }
        self.movements.push(Movement {
            place: place.to_string(),
            kind: MovementKind::Approval,
            from: self.payer_shown(),
            to: self.show_address(operator),
            asset: format!("every NFT of {}", self.show_address(collection)),
            amount: Text::new("amount-all-now-and-later").into(),
            raw_amount: None,
            unlimited: true,
            until: None,
        });
        let known = self.is_known(operator);
        self.warn(
            "eth.nft.approval-for-all",
            if known {
                Severity::Warning
            } else {
                Severity::High
            },
            Text::new(if known {
                "warning-eth-nft-approval-for-all-known"
            } else {
                "warning-eth-nft-approval-for-all"
            })
            .text_arg("place", super::place::said(place))
            .arg("operator", self.show_address(operator))
            .arg("collection", self.show_address(collection)),
        );
    }

    /// Tokens sent to a token contract, the zero address or a precompile are lost.
    pub fn check_token_recipient(&mut self, place: &str, token: Address, to: Address) {
        let why = if to == token {
            Some("own")
        } else if to.is_zero() {
            Some("zero")
        } else if is_precompile_or_burn(to) {
            Some("burn")
        } else if self.known.registry.token(self.chain_id, to).is_some() {
            Some("token")
        } else if self.known.registry.contract(self.chain_id, to).is_some() {
            Some("contract")
        } else {
            None
        };
        if let Some(why) = why {
            self.warn(
                "eth.value.unrecoverable",
                Severity::High,
                Text::new("warning-eth-value-unrecoverable-tokens")
                    .text_arg("place", super::place::said(place))
                    .arg("token", self.show_address(token))
                    .arg("to", self.show_address(to))
                    .arg("why", why),
            );
        }
    }

    /// Records and judges a spending right on `token` for `spender`: unlimited in effect or
    /// to a spender the signer cannot name is high; a zero amount (a revocation) is not.
    pub fn approval(
        &mut self,
        place: &str,
        kind: MovementKind,
        token: Address,
        spender: Address,
        amount: U256,
        until: Option<U256>,
    ) {
        let unlimited = amount >= unlimited_bound(self.known.registry, self.chain_id, token);
        self.exact.push(Exact::Allowance {
            token,
            spender,
            amount,
        });
        self.movements.push(Movement {
            place: place.to_string(),
            kind,
            from: self.payer_shown(),
            to: self.show_address(spender),
            asset: self.show_address(token),
            amount: if unlimited {
                Text::new("amount-unlimited-in-effect")
                    .text_arg("amount", self.token_amount(token, amount))
                    .into()
            } else {
                self.token_amount(token, amount).into()
            },
            raw_amount: Some(amount.to_string()),
            unlimited,
            until: until.map(|u| u.to_string()),
        });
        if amount.is_zero() {
            return;
        }
        if unlimited {
            self.warn(
                "eth.erc20.unlimited-approval",
                Severity::High,
                Text::new("warning-eth-erc20-unlimited-approval")
                    .text_arg("place", super::place::said(place))
                    .arg("spender", self.show_address(spender))
                    .arg("token", self.show_address(token)),
            );
        }
        if !self.is_known(spender) {
            self.warn(
                "eth.erc20.unknown-spender",
                Severity::High,
                Text::new("warning-eth-erc20-unknown-spender")
                    .text_arg("place", super::place::said(place))
                    .arg("spender", spender.to_checksum(None)),
            );
        }
    }

    /// Records a Safe gas refund: the most it can cost, paid in `gas_token` by the Safe to
    /// `receiver` (zero: to whoever submits the execution, tx.origin). High unless the
    /// receiver is ours or in the address book.
    pub fn refund(&mut self, place: &str, refund: Refund) {
        if refund.gas_price.is_zero() {
            return;
        }
        let gas = refund.safe_tx_gas.checked_add(refund.base_gas);
        let most = gas.and_then(|g| g.checked_mul(refund.gas_price));
        let bounded = !refund.safe_tx_gas.is_zero() && most.is_some();
        let to = if refund.receiver.is_zero() {
            "whoever executes it (refundReceiver 0 = tx.origin, anyone who submits the signed transaction)".to_string()
        } else {
            self.show_address(refund.receiver)
        };
        let (asset, amount) = if refund.gas_token.is_zero() {
            let symbol = super::chains::symbol(self.chain_id);
            let shown =
                most.map(|m| Text::verbatim(format!("{} {symbol}", super::format_amount(m, 18))));
            (symbol.to_string(), shown)
        } else {
            let shown = most.map(|m| self.token_amount(refund.gas_token, m));
            (self.show_address(refund.gas_token), shown)
        };
        let amount_text = match (bounded, amount) {
            (true, Some(a)) => Text::new("amount-up-to-about").text_arg("amount", a),
            _ => Text::new("amount-refund-unbounded").arg("price", refund.gas_price),
        };
        self.movements.push(Movement {
            place: place.to_string(),
            kind: MovementKind::Refund,
            from: self.payer_shown(),
            to: to.clone(),
            asset,
            amount: amount_text.clone().into(),
            raw_amount: most.filter(|_| bounded).map(|m| m.to_string()),
            unlimited: !bounded,
            until: None,
        });
        let ours = !refund.receiver.is_zero() && self.is_ours_or_listed(refund.receiver);
        self.warn(
            "eth.safe.refund",
            if ours { Severity::Info } else { Severity::High },
            Text::new(if ours {
                "warning-eth-safe-refund-ours"
            } else {
                "warning-eth-safe-refund"
            })
            .text_arg("place", super::place::said(place))
            .text_arg("amount", amount_text)
            .arg("to", to),
        );
    }
}

/// A Safe gas refund's terms.
#[derive(Debug, Clone, Copy)]
pub struct Refund {
    /// Price per gas, in the gas token.
    pub gas_price: U256,
    /// Gas token (zero: the native coin).
    pub gas_token: Address,
    /// Who is paid (zero: tx.origin).
    pub receiver: Address,
    /// Gas for the inner call (zero: unbounded).
    pub safe_tx_gas: U256,
    /// Gas paid on top.
    pub base_gas: U256,
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    #[test]
    fn unlimited_in_effect_depends_on_decimals() {
        let r = Registry::builtin();
        let usdc = address!("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
        assert_eq!(
            unlimited_bound(r, 1, usdc),
            U256::from(10u8).pow(U256::from(18u8))
        );
        let unknown = address!("0x1111111111111111111111111111111111111111");
        assert_eq!(
            unlimited_bound(r, 1, unknown),
            U256::from(10u8).pow(U256::from(30u8))
        );
    }

    #[test]
    fn precompiles_are_recognised() {
        assert!(is_precompile_or_burn(address!(
            "0x0000000000000000000000000000000000000001"
        )));
        assert!(is_precompile_or_burn(address!(
            "0x0000000000000000000000000000000000000100"
        )));
        assert!(!is_precompile_or_burn(address!(
            "0x000000000000000000000000000000000000b0b0"
        )));
        assert!(!is_precompile_or_burn(address!(
            "0x000000000022D473030F116dDEE9F6B43aC78BA3"
        )));
    }
}

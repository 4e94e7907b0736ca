//! The treasury policy's `[ethereum]` rules, evaluated over the signer's own review: chains,
//! destinations, contracts and selectors, and the four dangerous kinds (DELEGATECALL, unlimited
//! approvals, Permit signatures, EIP-7702) that are denied unless the policy allows them; and
//! amount limits per asset (native value, ERC-20 tokens) per request and per 24 hours.

use std::collections::BTreeMap;

use alloy_primitives::{Address, U256};

use super::calldata::Touch;
use super::flows::MovementKind;
use super::registry::Registry;
use crate::audit::{AssetAmount, Entry};
use crate::policy::{EthereumRules, RuleCheck, Verdict, WholeUnits};
use crate::review::ethereum::EthReview;

/// The asset key of the chain's coin (token keys are checksummed contract addresses).
pub const NATIVE: &str = "native";

/// What an asset's outflow amounts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outflow {
    /// This many smallest units.
    Units(U256),
    /// Unlimited, unbounded or not known: exceeds any limit.
    Unlimited,
}

impl Outflow {
    fn plus(self, other: Outflow) -> Outflow {
        match (self, other) {
            (Outflow::Units(a), Outflow::Units(b)) => {
                a.checked_add(b).map_or(Outflow::Unlimited, Outflow::Units)
            }
            _ => Outflow::Unlimited,
        }
    }
}

/// What was signed within 24 hours on one chain, per asset key.
pub type Spent = BTreeMap<String, Outflow>;

/// Every asset that leaves, or that someone is allowed to take, in `review`, per asset key:
/// native value, transfers, approvals and permits at their allowance, signed transfers, order
/// offers and refunds (not the fee, nor what an order asks in return).
pub fn outflows(review: &EthReview) -> Spent {
    let mut out = Spent::new();
    for m in &review.movements {
        if matches!(m.kind, MovementKind::Fee | MovementKind::OrderConsideration) {
            continue;
        }
        let key = match m.kind {
            MovementKind::Native => NATIVE.to_string(),
            _ => asset_key(&m.asset),
        };
        let amount = match (&m.raw_amount, m.unlimited) {
            (Some(raw), false) => raw
                .parse::<U256>()
                .map_or(Outflow::Unlimited, Outflow::Units),
            _ => Outflow::Unlimited,
        };
        add(&mut out, key, amount);
    }
    out
}

/// Adds `amount` to `key`'s sum in `spent`.
fn add(spent: &mut Spent, key: String, amount: Outflow) {
    let sum = spent.get(&key).map_or(amount, |before| before.plus(amount));
    spent.insert(key, sum);
}

/// The key of a movement's asset as the review shows it: the first address in it (a token or
/// an NFT collection), or the chain's coin when it names none.
fn asset_key(asset: &str) -> String {
    asset
        .find("0x")
        .and_then(|i| asset.get(i..i + 42))
        .and_then(|a| super::parse_address(a).ok())
        .map_or(NATIVE.to_string(), |a| a.to_checksum(None))
}

/// The outflows as the audit log records them.
pub fn audit_assets(outflows: &Spent) -> Vec<AssetAmount> {
    outflows
        .iter()
        .map(|(asset, amount)| AssetAmount {
            asset: asset.clone(),
            units: match amount {
                Outflow::Units(u) => u.to_string(),
                Outflow::Unlimited => "unlimited".into(),
            },
        })
        .collect()
}

/// The sum per asset of `entries` (signed decisions on one chain). An older entry without
/// per-asset amounts counts its native value (recorded in gwei).
pub fn spent(entries: &[&Entry]) -> Spent {
    let mut out = Spent::new();
    for e in entries {
        let amounts: Vec<(String, Outflow)> = if e.summary.assets.is_empty() {
            vec![(
                NATIVE.to_string(),
                U256::from(e.summary.external)
                    .checked_mul(U256::from(1_000_000_000u64))
                    .map_or(Outflow::Unlimited, Outflow::Units),
            )]
        } else {
            e.summary
                .assets
                .iter()
                .map(|a| {
                    let amount = a
                        .units
                        .parse::<U256>()
                        .map_or(Outflow::Unlimited, Outflow::Units);
                    (a.asset.clone(), amount)
                })
                .collect()
        };
        for (key, amount) in amounts {
            add(&mut out, key, amount);
        }
    }
    out
}

/// Whether the rules have a 24-hour limit (which needs the audit log).
pub fn needs_window(rules: &EthereumRules) -> bool {
    rules.max_per_24h.is_some() || rules.token_limits.iter().any(|t| t.max_per_24h.is_some())
}

/// Checks every address and selector of the rules (called when the policy is loaded).
pub fn validate(rules: &EthereumRules) -> Result<(), String> {
    for d in &rules.allow {
        let a = d
            .address
            .as_deref()
            .ok_or_else(|| format!("ethereum.allow {:?} needs an address", d.label))?;
        super::parse_address(a).map_err(|e| format!("ethereum.allow {:?}: {e}", d.label))?;
    }
    for c in &rules.contracts {
        super::parse_address(&c.address)
            .map_err(|e| format!("ethereum.contracts {:?}: {e}", c.label))?;
    }
    for max in [&rules.max_per_transaction, &rules.max_per_24h]
        .into_iter()
        .flatten()
    {
        max.to_units(18)
            .ok_or_else(|| format!("ethereum limit {:?} has more than 18 decimals", max.number))?;
    }
    for t in &rules.token_limits {
        super::parse_address(&t.address)
            .map_err(|e| format!("ethereum.token_limits {:?}: {e}", t.label))?;
    }
    Ok(())
}

/// The amount limits over `review`: native value per chain and each listed token, per request
/// and (with `spent_24h`, what was signed in the last 24 hours on this chain) per 24 hours. A
/// limit the signer cannot evaluate (a token whose decimals it does not know, a unit that is
/// not the asset's) fails.
fn limits(
    rules: &EthereumRules,
    review: &EthReview,
    registry: &Registry,
    spent_24h: &Spent,
) -> Vec<RuleCheck> {
    let flows = outflows(review);
    let mut checks = Vec::new();
    let symbol = super::chains::symbol(review.chain_id.unwrap_or(1));
    let native = Asset {
        key: NATIVE.to_string(),
        symbol: symbol.to_string(),
        decimals: Some(18),
    };
    let native_rules = [
        (
            "ethereum.max_per_transaction",
            &rules.max_per_transaction,
            false,
        ),
        ("ethereum.max_per_24h", &rules.max_per_24h, true),
    ];
    for (rule, max, window) in native_rules {
        if let Some(max) = max {
            checks.push(native.check(rule.to_string(), max, &flows, window.then_some(spent_24h)));
        }
    }
    for t in &rules.token_limits {
        let Ok(address) = super::parse_address(&t.address) else {
            continue;
        };
        let key = address.to_checksum(None);
        if !flows.contains_key(&key) {
            continue;
        }
        let known = review.chain_id.and_then(|c| registry.token(c, address));
        let token = Asset {
            key,
            symbol: known.map_or_else(|| format!("tokens of {}", t.label), |k| k.symbol.clone()),
            decimals: known.map(|k| k.decimals),
        };
        let token_rules = [
            ("max_per_transaction", &t.max_per_transaction, false),
            ("max_per_24h", &t.max_per_24h, true),
        ];
        for (name, max, window) in token_rules {
            if let Some(max) = max {
                let rule = format!("ethereum.token_limits {:?}.{name}", t.label);
                checks.push(token.check(rule, max, &flows, window.then_some(spent_24h)));
            }
        }
    }
    checks
}

/// An asset a limit applies to.
struct Asset {
    key: String,
    symbol: String,
    /// None: unknown to the signer's registry.
    decimals: Option<u8>,
}

impl Asset {
    /// Checks this request's outflow (plus `spent_24h`, for a 24-hour limit) against `max`.
    fn check(
        &self,
        rule: String,
        max: &WholeUnits,
        flows: &Spent,
        spent_24h: Option<&Spent>,
    ) -> RuleCheck {
        let fail = |detail: String| RuleCheck {
            rule: rule.clone(),
            passed: false,
            detail,
        };
        let Some(decimals) = self.decimals else {
            return fail(format!(
                "the signer's token registry does not know the decimals of {} ({}), so the limit cannot be evaluated",
                self.symbol, self.key
            ));
        };
        if let Some(unit) = max
            .unit
            .as_deref()
            .filter(|u| !u.eq_ignore_ascii_case(&self.symbol))
        {
            return fail(format!(
                "the limit is written in {unit} but the asset is {}",
                self.symbol
            ));
        }
        let Some(limit) = max.to_units(decimals) else {
            return fail(format!(
                "the limit {} has more decimals than {} ({decimals})",
                max.number, self.symbol
            ));
        };
        let now = flows
            .get(&self.key)
            .copied()
            .unwrap_or(Outflow::Units(U256::ZERO));
        let (total, what) = match spent_24h {
            Some(spent) => (
                spent.get(&self.key).map_or(now, |s| s.plus(now)),
                "sent or allowed in 24 hours including this",
            ),
            None => (now, "sent or allowed"),
        };
        let shown_limit = format!("{} {}", super::format_amount(limit, decimals), self.symbol);
        match total {
            Outflow::Units(v) => RuleCheck {
                rule,
                passed: v <= limit,
                detail: format!(
                    "{} {} {what} against a limit of {shown_limit}",
                    super::format_amount(v, decimals),
                    self.symbol
                ),
            },
            Outflow::Unlimited => fail(format!(
                "an unlimited or unbounded amount of {} {what} against a limit of {shown_limit}",
                self.symbol
            )),
        }
    }
}

/// The dangerous kinds: (warning code, whether the policy allows it, rule name).
fn dangers(rules: &EthereumRules) -> [(&'static str, bool, &'static str); 4] {
    [
        (
            "eth.safe.delegatecall",
            rules.allow_delegatecall,
            "ethereum.allow_delegatecall",
        ),
        (
            "eth.erc20.unlimited-approval",
            rules.allow_unlimited_approval,
            "ethereum.allow_unlimited_approval",
        ),
        ("eth.permit", rules.allow_permit, "ethereum.allow_permit"),
        (
            "eth.eip7702.authorization",
            rules.allow_eip7702,
            "ethereum.allow_eip7702",
        ),
    ]
}

/// Warning codes the rules accept (as `--allow CODE` would).
fn allowed_codes(rules: &EthereumRules) -> Vec<String> {
    dangers(rules)
        .iter()
        .filter(|(_, allowed, _)| *allowed)
        .map(|(code, _, _)| code.to_string())
        .collect()
}

/// Warning codes the rules accept for `review`: [`allowed_codes`], plus
/// `eth.typed-data.unrecognised` when the typed data's verifying contract is one of the
/// policy's allowed contracts (the treasury vouches for that domain).
pub fn allowed_codes_for(rules: &EthereumRules, review: &EthReview) -> Vec<String> {
    let mut codes = allowed_codes(rules);
    if let Some(domain) = typed_data_domain(review) {
        if rules.contracts.iter().any(|c| same(&c.address, domain)) {
            codes.push("eth.typed-data.unrecognised".into());
        }
    }
    codes
}

/// The verifying contract of a typed-data review.
fn typed_data_domain(review: &EthReview) -> Option<Address> {
    review
        .typed_data
        .as_ref()?
        .domain
        .iter()
        .find(|a| a.name == "verifyingContract")
        .and_then(|a| super::parse_address(&a.value).ok())
}

fn same(text: &str, address: Address) -> bool {
    super::parse_address(text).ok() == Some(address)
}

/// Evaluates the rules over `review`, with `registry` for token decimals and `spent_24h`
/// signed on this chain in the last 24 hours.
pub fn evaluate(
    rules: &EthereumRules,
    review: &EthReview,
    registry: &Registry,
    spent_24h: &Spent,
) -> Verdict {
    let mut checks = Vec::new();
    if !rules.chain_ids.is_empty() {
        checks.push(match review.chain_id {
            Some(id) => RuleCheck {
                rule: "ethereum.chain_ids".into(),
                passed: rules.chain_ids.contains(&id),
                detail: format!("chain {id} against {:?}", rules.chain_ids),
            },
            None => RuleCheck {
                rule: "ethereum.chain_ids".into(),
                passed: false,
                detail: "a personal message is not bound to any chain".into(),
            },
        });
    }
    for (code, allowed, rule) in dangers(rules) {
        if let Some(w) = review.warnings.iter().find(|w| w.code == code) {
            checks.push(RuleCheck {
                rule: rule.into(),
                passed: allowed,
                detail: w.message.clone(),
            });
        }
    }
    let unexplained = review
        .warnings
        .iter()
        .any(|w| w.code == "eth.typed-data.unrecognised");
    if unexplained && !rules.contracts.is_empty() {
        let domain = typed_data_domain(review);
        let listed = rules
            .contracts
            .iter()
            .find(|c| domain.is_some_and(|d| same(&c.address, d)));
        checks.push(RuleCheck {
            rule: listed.map_or("ethereum.contracts".into(), |c| {
                format!("ethereum.contracts {:?}", c.label)
            }),
            passed: listed.is_some(),
            detail: format!(
                "typed data the signer cannot explain, for domain {}",
                domain.map_or("without a verifying contract".into(), |d| d
                    .to_checksum(None))
            ),
        });
    }
    for touch in &review.touches {
        let listed = match touch {
            Touch::Recipient(_) => !rules.allow.is_empty(),
            Touch::Contract(..) => !rules.contracts.is_empty(),
        };
        if listed {
            checks.push(destination(rules, touch));
        }
    }
    checks.extend(limits(rules, review, registry, spent_24h));
    Verdict {
        checks,
        needs_person: false,
    }
}

fn destination(rules: &EthereumRules, touch: &Touch) -> RuleCheck {
    match touch {
        Touch::Recipient(to) => {
            let shown = to.to_checksum(None);
            let allowed = rules
                .allow
                .iter()
                .map(|d| (&d.label, d.address.as_deref().unwrap_or_default()))
                .chain(
                    rules
                        .contracts
                        .iter()
                        .map(|c| (&c.label, c.address.as_str())),
                )
                .find(|(_, a)| same(a, *to));
            match allowed {
                Some((label, _)) => RuleCheck {
                    rule: format!("ethereum.allow {label:?}"),
                    passed: true,
                    detail: format!("pays {shown}"),
                },
                None => RuleCheck {
                    rule: "ethereum.unlisted".into(),
                    passed: false,
                    detail: format!("pays {shown}, which is on no allowlist"),
                },
            }
        }
        Touch::Contract(to, selector) => {
            let shown = to.to_checksum(None);
            let hex = format!("0x{}", alloy_primitives::hex::encode(selector));
            match rules.contracts.iter().find(|c| same(&c.address, *to)) {
                Some(c) => RuleCheck {
                    rule: format!("ethereum.contracts {:?}", c.label),
                    passed: c
                        .selectors
                        .iter()
                        .any(|s| s.trim_start_matches("0x").eq_ignore_ascii_case(&hex[2..])),
                    detail: format!("calls {hex} on {shown}"),
                },
                None => RuleCheck {
                    rule: "ethereum.contracts".into(),
                    passed: false,
                    detail: format!("calls {hex} on {shown}, which is not an allowed contract"),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Summary;

    #[test]
    fn the_window_sums_per_asset_and_reads_older_entries_in_gwei() {
        let old = Entry::signed_now(Summary {
            external: 2_000_000_000,
            ..Summary::default()
        });
        let token = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
        let new = Entry::signed_now(Summary {
            assets: vec![
                AssetAmount {
                    asset: NATIVE.into(),
                    units: "500000000000000000".into(),
                },
                AssetAmount {
                    asset: token.into(),
                    units: "unlimited".into(),
                },
            ],
            ..Summary::default()
        });
        let spent = spent(&[&old, &new]);
        assert_eq!(
            spent[NATIVE],
            Outflow::Units(U256::from(2_500_000_000_000_000_000u128))
        );
        assert_eq!(spent[token], Outflow::Unlimited);
    }

    #[test]
    fn the_asset_of_a_movement_is_its_first_address() {
        let usdc = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
        assert_eq!(asset_key(&format!("{usdc} (USDC token)")), usdc);
        assert_eq!(asset_key(&format!("NFT #7 of {usdc}")), usdc);
        assert_eq!(asset_key("ETH"), NATIVE);
    }
}

//! The treasury policy's `[ethereum]` rules, evaluated over the signer's own review: chains,
//! destinations, contracts and selectors, and the four dangerous kinds (DELEGATECALL, unlimited
//! approvals, Permit signatures, EIP-7702) that are denied unless the policy allows them.

use alloy_primitives::Address;

use super::calldata::Touch;
use super::review::EthReview;
use crate::policy::{EthereumRules, RuleCheck, Verdict};

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
    Ok(())
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

/// Evaluates the rules over `review`.
pub fn evaluate(rules: &EthereumRules, review: &EthReview) -> Verdict {
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

//! The treasury policy: a TOML file (docs/policy.md) evaluated by the signer over its own
//! review. Rules hold even when the operator is fooled: a denial is final (no `--allow`).

use std::collections::HashSet;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use bitcoin::{Address, Network, ScriptBuf};
use miniscript::descriptor::{Descriptor, DescriptorPublicKey};
use serde::{Deserialize, Serialize};

use crate::i18n::Text;
use crate::review::bitcoin::{BtcReview, OutputKind};
use crate::{Error, Result};

/// How many addresses per branch of an allowlisted descriptor are matched.
pub const DESCRIPTOR_GAP: u32 = 1_000;

/// The policy file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Bitcoin rules.
    #[serde(default)]
    pub bitcoin: BitcoinRules,
    /// Ethereum rules.
    #[serde(default)]
    pub ethereum: EthereumRules,
    /// Approvals required before anything is signed (four eyes).
    #[serde(default)]
    pub approvals: crate::approval::ApprovalRules,
}

/// What to do with a destination that is on no list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unlisted {
    /// Refuse (the default once an allowlist exists).
    #[default]
    Deny,
    /// Allow, but always ask a person (never with `--yes`).
    Confirm,
}

/// A destination: an address or a descriptor (any of its first 1,000 addresses per branch).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Destination {
    /// Who it is.
    pub label: String,
    /// A single address.
    pub address: Option<String>,
    /// A descriptor (e.g. a cold vault's `wsh(sortedmulti(…<0;1>/*…))`).
    pub descriptor: Option<String>,
}

/// Bitcoin rules. Amounts in satoshis: an integer, or a string with a unit (`"0.05 BTC"`,
/// `"5000 sat"`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BitcoinRules {
    /// Allowed destinations.
    #[serde(default)]
    pub allow: Vec<Destination>,
    /// Forbidden destinations.
    #[serde(default)]
    pub deny: Vec<Destination>,
    /// Destinations on neither list (only meaningful with an allowlist; deny when unset).
    /// Setting it to `deny` makes the whole policy default-deny ([`LoadedPolicy::default_deny`]).
    pub unlisted: Option<Unlisted>,
    /// Largest external amount of one transaction, in satoshis.
    #[serde(default, deserialize_with = "sats")]
    pub max_per_transaction: Option<u64>,
    /// Largest external amount signed within any 24 hours (running total from the audit log).
    #[serde(default, deserialize_with = "sats")]
    pub max_per_24h: Option<u64>,
    /// Largest fee.
    #[serde(default, deserialize_with = "sats")]
    pub max_fee: Option<u64>,
    /// Largest fee rate, sat/vB.
    pub max_fee_rate: Option<f64>,
    /// Review warning codes this policy accepts (as `--allow CODE` would).
    #[serde(default)]
    pub allow_warnings: Vec<String>,
}

/// Ethereum rules (enforced by `eth sign`; see `crate::eth::policy`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EthereumRules {
    /// Allowed chain ids.
    #[serde(default)]
    pub chain_ids: Vec<u64>,
    /// Allowed contracts and function selectors.
    #[serde(default)]
    pub contracts: Vec<Contract>,
    /// Allowed plain destinations.
    #[serde(default)]
    pub allow: Vec<Destination>,
    /// Allow Safe DELEGATECALL operations (denied unless set).
    #[serde(default)]
    pub allow_delegatecall: bool,
    /// Allow unlimited ERC-20 approvals (denied unless set).
    #[serde(default)]
    pub allow_unlimited_approval: bool,
    /// Allow Permit / Permit2 signatures (denied unless set).
    #[serde(default)]
    pub allow_permit: bool,
    /// Allow EIP-7702 authorizations (denied unless set).
    #[serde(default)]
    pub allow_eip7702: bool,
    /// Largest native value (the chain's coin) leaving in one request, per chain.
    pub max_per_transaction: Option<WholeUnits>,
    /// Largest native value signed within any 24 hours, per chain.
    pub max_per_24h: Option<WholeUnits>,
    /// Limits per ERC-20 token.
    #[serde(default)]
    pub token_limits: Vec<TokenLimit>,
}

/// Amount limits on one ERC-20 token, in whole tokens (decimals from the signer's registry).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenLimit {
    /// Who it is.
    pub label: String,
    /// The token contract.
    pub address: String,
    /// Largest amount moved or allowed in one request.
    pub max_per_transaction: Option<WholeUnits>,
    /// Largest amount moved or allowed within any 24 hours.
    pub max_per_24h: Option<WholeUnits>,
}

/// An amount in whole units as written in the policy: `"5 ETH"`, `"1250.5 USDC"`, `"5"` or `5`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WholeUnits {
    /// The decimal number, e.g. `1250.5`.
    pub number: String,
    /// The unit written after it, if any.
    pub unit: Option<String>,
}

impl WholeUnits {
    /// Parses `"NUMBER [UNIT]"`: a non-negative decimal, then at most one word.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let mut words = text.split_whitespace();
        let number = words.next().unwrap_or_default().to_string();
        let unit = words.next().map(str::to_string);
        let digits = number.replacen('.', "", 1).replace('_', "");
        if digits.is_empty()
            || !digits.chars().all(|c| c.is_ascii_digit())
            || words.next().is_some()
        {
            return Err(format!(
                "{text:?} is not an amount in whole units (like \"5 ETH\" or \"1250.5\")"
            ));
        }
        Ok(WholeUnits {
            number: number.replace('_', ""),
            unit,
        })
    }

    /// The amount in smallest units for `decimals`; none when it has more decimal places.
    pub fn to_units(&self, decimals: u8) -> Option<alloy_primitives::U256> {
        let places = self.number.split_once('.').map_or(0, |(_, f)| f.len());
        if places > usize::from(decimals) {
            return None;
        }
        alloy_primitives::utils::parse_units(&self.number, decimals)
            .ok()
            .map(|u| u.get_absolute())
    }
}

impl<'de> Deserialize<'de> for WholeUnits {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Whole(u64),
            Text(String),
        }
        match Written::deserialize(d)? {
            Written::Whole(n) => Ok(WholeUnits {
                number: n.to_string(),
                unit: None,
            }),
            Written::Text(t) => WholeUnits::parse(&t).map_err(serde::de::Error::custom),
        }
    }
}

/// A Bitcoin amount: satoshis as an integer, or a string with a unit (`"0.05 BTC"`).
fn sats<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Sats(u64),
        Text(String),
    }
    match Written::deserialize(d)? {
        Written::Sats(n) => Ok(Some(n)),
        Written::Text(t) => bitcoin::Amount::from_str(&t)
            .map(|a| Some(a.to_sat()))
            .map_err(|e| {
                serde::de::Error::custom(format!(
                    "{t:?} is not a bitcoin amount like \"0.05 BTC\" or \"5000 sat\" ({e})"
                ))
            }),
    }
}

/// Satoshis shown in BTC: `0.05 BTC`.
pub fn show_btc(sats: u64) -> String {
    format!(
        "{} BTC",
        crate::eth::format_amount(alloy_primitives::U256::from(sats), 8)
    )
}

/// An allowed contract.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// Who it is.
    pub label: String,
    /// Contract address.
    pub address: String,
    /// Allowed 4-byte selectors, hex (`0xa9059cbb`); empty allows none.
    #[serde(default)]
    pub selectors: Vec<String>,
}

/// One rule's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleCheck {
    /// The rule, e.g. `bitcoin.max_per_24h` or `bitcoin.deny "Mixer"`.
    pub rule: String,
    /// Whether it passed.
    pub passed: bool,
    /// What was compared.
    pub detail: String,
}

/// The policy's verdict over a review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// Every rule that applied.
    pub checks: Vec<RuleCheck>,
    /// A person must confirm (an unlisted destination under `unlisted = "confirm"`).
    pub needs_person: bool,
}

impl Verdict {
    /// The first failed rule.
    pub fn denial(&self) -> Option<&RuleCheck> {
        self.checks.iter().find(|c| !c.passed)
    }
}

/// A loaded policy with its allow- and deny-listed scripts resolved for one network.
#[derive(Debug)]
pub struct LoadedPolicy {
    /// The file's rules.
    pub policy: Policy,
    /// SHA-256 of the file's text (shown in every review: a change of rules or approvers is a
    /// change of this hash).
    pub sha256: String,
    /// Where it was read from.
    pub path: std::path::PathBuf,
    allow: Vec<(String, HashSet<ScriptBuf>)>,
    deny: Vec<(String, HashSet<ScriptBuf>)>,
    /// The chains the file has a section for.
    sections: Sections,
}

/// Which chain sections the policy file has.
#[derive(Debug, Clone, Copy, Default)]
struct Sections {
    bitcoin: bool,
    ethereum: bool,
}

impl LoadedPolicy {
    /// Reads and checks a policy file for `network`.
    pub fn load(path: &Path, network: Network) -> Result<Self> {
        let text = String::from_utf8(crate::files::read_input(path)?).map_err(|_| {
            Error::said(
                Text::new("error-policy-not-text").arg("path", path.display()),
                None,
            )
        })?;
        let mut loaded = Self::from_text(&text, network).map_err(|e| {
            let message = Text::new("error-policy-invalid").arg("path", path.display());
            let message = match e.catalog_texts() {
                Some(said) => message.text_arg("reason", said.message),
                None => message.arg("reason", e),
            };
            Error::said(message, None)
        })?;
        loaded.path = path.to_path_buf();
        Ok(loaded)
    }

    /// Parses and checks policy TOML for `network`.
    pub fn from_text(text: &str, network: Network) -> Result<Self> {
        let policy: Policy =
            toml::from_str(text).map_err(|e| Error::bad_input(e.message().to_string()))?;
        let table: toml::Table =
            toml::from_str(text).map_err(|e| Error::bad_input(e.message().to_string()))?;
        let sections = Sections {
            bitcoin: table.contains_key("bitcoin"),
            ethereum: table.contains_key("ethereum"),
        };
        for c in &policy.ethereum.contracts {
            for s in &c.selectors {
                let hex = s.trim_start_matches("0x");
                if hex.len() != 8 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                    return Err(Error::bad_input(format!(
                        "selector {s:?} of {:?} is not 4 bytes of hex",
                        c.label
                    )));
                }
            }
        }
        crate::eth::policy::validate(&policy.ethereum).map_err(Error::bad_input)?;
        policy
            .approvals
            .validate()
            .map_err(|e| Error::bad_input(format!("[approvals]: {e}")))?;
        let allow = resolve(&policy.bitcoin.allow, network)?;
        let deny = resolve(&policy.bitcoin.deny, network)?;
        Ok(LoadedPolicy {
            sha256: {
                use bitcoin::hashes::{sha256, Hash};
                sha256::Hash::hash(text.as_bytes()).to_string()
            },
            path: std::path::PathBuf::from("-"),
            policy,
            allow,
            deny,
            sections,
        })
    }

    /// Whether the policy denies what it does not name: it has an allowlist (`bitcoin.allow`,
    /// `ethereum.allow`, `ethereum.contracts`, `ethereum.chain_ids`) or sets
    /// `unlisted = "deny"`. A default-deny policy denies every request of a chain it has no
    /// section for (rule `policy.sections`).
    pub fn default_deny(&self) -> bool {
        let (b, e) = (&self.policy.bitcoin, &self.policy.ethereum);
        !b.allow.is_empty()
            || b.unlisted == Some(Unlisted::Deny)
            || !e.allow.is_empty()
            || !e.contracts.is_empty()
            || !e.chain_ids.is_empty()
    }

    /// The `policy.sections` denial of a `chain` whose section `present` is missing from a
    /// default-deny policy.
    fn missing_section(&self, chain: &str, present: bool) -> Option<Verdict> {
        (!present && self.default_deny()).then(|| Verdict {
            checks: vec![RuleCheck {
                rule: "policy.sections".into(),
                passed: false,
                detail: format!(
                    "the policy denies what it does not name and has no [{chain}] section"
                ),
            }],
            needs_person: false,
        })
    }

    /// Evaluates the Bitcoin rules over `review`, with `spent_24h` already signed in the last
    /// 24 hours (from the verified audit log).
    pub fn evaluate_bitcoin(&self, review: &BtcReview, spent_24h: u64) -> Verdict {
        if let Some(denied) = self.missing_section("bitcoin", self.sections.bitcoin) {
            return denied;
        }
        let rules = &self.policy.bitcoin;
        let mut checks = Vec::new();
        let mut needs_person = false;
        for output in review
            .outputs
            .iter()
            .filter(|o| o.kind == OutputKind::External)
        {
            let script = ScriptBuf::from_hex(&output.script).unwrap_or_default();
            let shown = output
                .address
                .clone()
                .unwrap_or_else(|| output.script.clone());
            if let Some((label, _)) = self.deny.iter().find(|(_, s)| s.contains(&script)) {
                checks.push(RuleCheck {
                    rule: format!("bitcoin.deny {label:?}"),
                    passed: false,
                    detail: format!("output {} pays {shown}", output.index),
                });
                continue;
            }
            match self.allow.iter().find(|(_, s)| s.contains(&script)) {
                Some((label, _)) => checks.push(RuleCheck {
                    rule: format!("bitcoin.allow {label:?}"),
                    passed: true,
                    detail: format!("output {} pays {shown}", output.index),
                }),
                None if self.allow.is_empty() => {}
                None if rules.unlisted == Some(Unlisted::Confirm) => {
                    needs_person = true;
                    checks.push(RuleCheck {
                        rule: "bitcoin.unlisted".into(),
                        passed: true,
                        detail: format!(
                            "output {} pays unlisted {shown}: a person must confirm",
                            output.index
                        ),
                    });
                }
                None => checks.push(RuleCheck {
                    rule: "bitcoin.unlisted".into(),
                    passed: false,
                    detail: format!(
                        "output {} pays {shown}, which is on no allowlist",
                        output.index
                    ),
                }),
            }
        }
        let external = review.totals.external;
        if let Some(max) = rules.max_per_transaction {
            checks.push(limit("bitcoin.max_per_transaction", external, max, "sent"));
        }
        if let Some(max) = rules.max_per_24h {
            checks.push(limit(
                "bitcoin.max_per_24h",
                spent_24h.saturating_add(external),
                max,
                "sent in 24 hours including this",
            ));
        }
        if let Some(max) = rules.max_fee {
            checks.push(match review.totals.fee {
                Some(fee) => limit("bitcoin.max_fee", fee, max, "fee"),
                None => RuleCheck {
                    rule: "bitcoin.max_fee".into(),
                    passed: false,
                    detail: "the fee is unknown".into(),
                },
            });
        }
        if let Some(max) = rules.max_fee_rate {
            let rate = review.totals.fee_rate.unwrap_or(f64::INFINITY);
            checks.push(RuleCheck {
                rule: "bitcoin.max_fee_rate".into(),
                passed: rate <= max,
                detail: format!("{rate:.1} sat/vB against {max} sat/vB"),
            });
        }
        Verdict {
            checks,
            needs_person,
        }
    }

    /// The warning codes the policy accepts for Bitcoin.
    pub fn allowed_warnings(&self) -> &[String] {
        &self.policy.bitcoin.allow_warnings
    }

    /// Evaluates the Ethereum rules over `review`, with the token registry for decimals and
    /// what was signed in the last 24 hours per asset on the review's chain.
    pub fn evaluate_ethereum(
        &self,
        review: &crate::review::ethereum::EthReview,
        registry: &crate::eth::registry::Registry,
        spent_24h: &crate::eth::policy::Spent,
    ) -> Verdict {
        if let Some(denied) = self.missing_section("ethereum", self.sections.ethereum) {
            return denied;
        }
        crate::eth::policy::evaluate(&self.policy.ethereum, review, registry, spent_24h)
    }

    /// The warning codes the policy accepts for this Ethereum review (typed data whose
    /// domain is an allowed contract included).
    pub fn allowed_ethereum_warnings(
        &self,
        review: &crate::review::ethereum::EthReview,
    ) -> Vec<String> {
        crate::eth::policy::allowed_codes_for(&self.policy.ethereum, review)
    }
}

fn limit(rule: &str, value: u64, max: u64, what: &str) -> RuleCheck {
    RuleCheck {
        rule: rule.into(),
        passed: value <= max,
        detail: format!(
            "{} {what} against a limit of {}",
            show_btc(value),
            show_btc(max)
        ),
    }
}

/// The scripts each destination stands for on `network`.
fn resolve(list: &[Destination], network: Network) -> Result<Vec<(String, HashSet<ScriptBuf>)>> {
    list.iter()
        .map(|d| {
            let mut scripts = HashSet::new();
            if let Some(a) = &d.address {
                let address = Address::from_str(a)
                    .ok()
                    .and_then(|x| x.require_network(network).ok())
                    .ok_or_else(|| {
                        Error::bad_input(format!(
                            "{:?} has {a:?}, not a {network} address",
                            d.label
                        ))
                    })?;
                scripts.insert(address.script_pubkey());
            }
            if let Some(text) = &d.descriptor {
                let desc = Descriptor::<DescriptorPublicKey>::from_str(text).map_err(|e| {
                    Error::bad_input(format!("{:?} has an invalid descriptor: {e}", d.label))
                })?;
                for single in desc
                    .into_single_descriptors()
                    .map_err(|e| Error::bad_input(e.to_string()))?
                {
                    for i in 0..DESCRIPTOR_GAP {
                        if let Ok(d) = single.at_derivation_index(i) {
                            scripts.insert(d.script_pubkey());
                        }
                    }
                }
            }
            if scripts.is_empty() {
                return Err(Error::bad_input(format!(
                    "{:?} needs an address or a descriptor",
                    d.label
                )));
            }
            Ok((d.label.clone(), scripts))
        })
        .collect()
}

/// The rolling window of `max_per_24h`.
pub const DAY: Duration = Duration::from_secs(24 * 3600);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_units_parse_strictly_and_convert_exactly() {
        let five = WholeUnits::parse("1.5 ETH").unwrap();
        assert_eq!(five.unit.as_deref(), Some("ETH"));
        assert_eq!(
            five.to_units(18),
            Some(alloy_primitives::U256::from(1_500_000_000_000_000_000u128))
        );
        assert_eq!(WholeUnits::parse("0.0000001").unwrap().to_units(6), None);
        for bad in ["", "five ETH", "1.2.3", "-1", "5 ETH extra"] {
            assert!(WholeUnits::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bitcoin_amounts_take_satoshis_or_units_and_show_in_btc() {
        let text = "[bitcoin]\nmax_per_transaction = \"0.05 BTC\"\nmax_per_24h = 20_000_000\n";
        let loaded = LoadedPolicy::from_text(text, Network::Regtest).unwrap();
        assert_eq!(loaded.policy.bitcoin.max_per_transaction, Some(5_000_000));
        assert_eq!(loaded.policy.bitcoin.max_per_24h, Some(20_000_000));
        assert!(
            LoadedPolicy::from_text("[bitcoin]\nmax_fee = \"1 XBT\"\n", Network::Regtest).is_err()
        );
        assert_eq!(show_btc(5_000_000), "0.05 BTC");
        assert_eq!(show_btc(100_000_000), "1 BTC");
    }

    #[test]
    fn default_deny_is_an_allowlist_or_an_explicit_deny() {
        let deny = |text: &str| {
            LoadedPolicy::from_text(text, Network::Regtest)
                .unwrap()
                .default_deny()
        };
        assert!(deny("[bitcoin]\nunlisted = \"deny\"\n"));
        assert!(deny("[ethereum]\nchain_ids = [1]\n"));
        assert!(!deny("[bitcoin]\nunlisted = \"confirm\"\n"));
        assert!(!deny("[bitcoin]\nmax_per_24h = 1000\n"));
    }
}

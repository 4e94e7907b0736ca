//! Field formats of ERC-7730: each turns one value into display text, plus the facts the
//! review cross-checks (which token, amount and address a field names).

use alloy_primitives::{hex, Address, U256};
use serde_json::Value;

use super::data::Data;
use super::descriptor::parse_address;
use super::render::{addresses, Site};
use super::{Call, ClearSigned, Fact};
use crate::eth::{chains, format_amount};
use crate::i18n::Text;

/// A formatted value.
pub struct Shown {
    /// The text.
    pub text: String,
    /// What the field names, for cross-checks.
    pub facts: Vec<Fact>,
    /// What could not be resolved (unknown token, undescribed nested call).
    pub notes: Vec<Text>,
    /// The rendering of embedded calldata.
    pub nested: Option<Box<ClearSigned>>,
}

impl Shown {
    fn text(text: String) -> Shown {
        Shown {
            text,
            facts: Vec::new(),
            notes: Vec::new(),
            nested: None,
        }
    }
    fn fact(mut self, fact: Fact) -> Shown {
        self.facts.push(fact);
        self
    }
    fn note(mut self, note: Text) -> Shown {
        self.notes.push(note);
        self
    }
}

/// Formats `value` with format `name` at `site`.
pub fn format(site: &Site<'_, '_>, name: &str, value: &Data) -> Result<Shown, String> {
    let what = |kind: &str| format!("{} at {} is not {kind}", name, site.path);
    match name {
        "raw" => Ok(Shown::text(raw(value))),
        "addressName" | "interoperableAddressName" => {
            address_name(site, value.as_address().ok_or_else(|| what("an address"))?)
        }
        "tokenTicker" => {
            let token = value.as_address().ok_or_else(|| what("an address"))?;
            let chain = chain_param(site)?;
            Ok(match site.ctx.lookup.token(chain, token) {
                Some(t) => Shown::text(sanitize(&t.symbol)),
                None => Shown::text(token.to_checksum(None))
                    .note(Text::new("warning-eth-clear-sign-incomplete-token").arg("token", token)),
            })
        }
        "amount" => {
            let amount = value.as_uint().ok_or_else(|| what("an amount"))?;
            let symbol = chains::symbol(site.ctx.container.chain_id);
            Ok(
                Shown::text(format!("{} {symbol}", format_amount(amount, 18))).fact(
                    Fact::NativeAmount {
                        path: site.path.to_string(),
                        amount,
                    },
                ),
            )
        }
        "tokenAmount" => token_amount(site, value.as_uint().ok_or_else(|| what("an amount"))?),
        "nftName" => {
            let id = value.as_uint().ok_or_else(|| what("a token id"))?;
            let collection = site
                .data_param("collectionPath", "collection")?
                .and_then(|d| d.as_address());
            let chain = site.ctx.container.chain_id;
            let text = match collection {
                Some(c) => match site.ctx.lookup.collection(chain, c) {
                    Some(n) => format!("{} #{id}", sanitize(&n)),
                    None => format!("#{id} of collection {}", c.to_checksum(None)),
                },
                None => format!("#{id}"),
            };
            Ok(Shown::text(text))
        }
        "date" => {
            let n = value.as_uint().ok_or_else(|| what("a date"))?;
            let encoding = site.const_param("encoding")?;
            Ok(Shown::text(
                match encoding.as_ref().and_then(Value::as_str) {
                    Some("blockheight") => format!("block {n}"),
                    _ => timestamp(n),
                },
            ))
        }
        "duration" => Ok(Shown::text(duration(
            value.as_uint().ok_or_else(|| what("a duration"))?,
        ))),
        "unit" => unit(site, value.as_uint().ok_or_else(|| what("a number"))?),
        "enum" => {
            let reference = site
                .params
                .get("$ref")
                .and_then(Value::as_str)
                .ok_or("enum without a $ref")?;
            let table = site.ctx.deref(&Value::String(reference.into()))?;
            let key = key_text(value);
            // Booleans are written "true" or "True" by descriptor authors.
            let label = match value {
                Data::Bool(b) => [b.to_string(), if *b { "True" } else { "False" }.to_string()]
                    .iter()
                    .find_map(|k| table.get(k))
                    .or_else(|| table.get(&key)),
                _ => table.get(&key),
            };
            Ok(match label.and_then(Value::as_str) {
                Some(label) => Shown::text(sanitize(label)),
                None => Shown::text(key.clone()).note(
                    Text::new("warning-eth-clear-sign-incomplete-enum")
                        .arg("format", name)
                        .arg("path", site.path)
                        .arg("key", &key)
                        .arg("reference", reference),
                ),
            })
        }
        "chainId" => {
            let id = value.as_uint().ok_or_else(|| what("a chain id"))?;
            Ok(Shown::text(
                u64::try_from(id)
                    .ok()
                    .and_then(chains::by_id)
                    .map_or_else(|| id.to_string(), |c| c.name.to_string()),
            ))
        }
        "calldata" => match value {
            Data::Bytes(bytes) => calldata(site, bytes),
            _ => Err(what("bytes")),
        },
        other => Err(format!("unknown field format {other:?}")),
    }
}

/// The natural representation of a value.
pub fn raw(value: &Data) -> String {
    match value {
        Data::Uint(u) => u.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::Address(a) => a.to_checksum(None),
        Data::Bytes(b) => format!("0x{}", hex::encode(b)),
        Data::Str(s) => sanitize(s),
        Data::List(items) => format!("[{}]", items.iter().map(raw).collect::<Vec<_>>().join(", ")),
        Data::Struct(members) => format!(
            "({})",
            members
                .iter()
                .map(|(n, v)| format!("{n}: {}", raw(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Text with control characters (terminal escapes, bidi overrides) made visible.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control()
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
            {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A value as a lookup key (enums, maps): decimal for numbers, lower-case hex for addresses.
pub fn key_text(value: &Data) -> String {
    match value {
        Data::Address(a) => format!("{a:#x}"),
        Data::Bytes(b) if b.len() > 32 => format!("0x{}", hex::encode(b)),
        other => other
            .as_uint()
            .map_or_else(|| raw(other), |u| u.to_string()),
    }
}

/// A JSON constant as data.
pub fn json_to_data(v: &Value) -> Data {
    match v {
        Value::Bool(b) => Data::Bool(*b),
        Value::Number(n) => n
            .as_u64()
            .map_or_else(|| Data::Str(n.to_string()), |u| Data::Uint(U256::from(u))),
        Value::String(s) => {
            if let Ok(a) = parse_address(s) {
                Data::Address(a)
            } else if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                parse_uint(s).map_or_else(|| Data::Str(s.clone()), Data::Uint)
            } else if let Some(h) = s.strip_prefix("0x") {
                hex::decode(h).map_or_else(|_| Data::Str(s.clone()), Data::Bytes)
            } else {
                Data::Str(s.clone())
            }
        }
        Value::Array(items) => Data::List(items.iter().map(json_to_data).collect()),
        Value::Null | Value::Object(_) => Data::Str(v.to_string()),
    }
}

/// Whether a value equals a JSON literal of a visibility rule.
pub fn equals(value: &Data, literal: &Value) -> bool {
    let other = json_to_data(literal);
    match (value.as_address(), other.as_address()) {
        (Some(a), Some(b)) if matches!(value, Data::Address(_)) => return a == b,
        _ => {}
    }
    match (value.as_uint(), literal) {
        (Some(u), Value::Number(_)) => other.as_uint() == Some(u),
        (Some(u), Value::String(s)) => parse_uint(s) == Some(u) || raw(value) == *s,
        _ => raw(value) == raw(&other),
    }
}

/// A decimal or 0x-hex integer.
pub fn parse_uint(text: &str) -> Option<U256> {
    match text.strip_prefix("0x") {
        Some(h) => U256::from_str_radix(h, 16).ok(),
        None => U256::from_str_radix(text, 10).ok(),
    }
}

fn chain_param(site: &Site<'_, '_>) -> Result<u64, String> {
    match site.data_param("chainIdPath", "chainId")? {
        None => Ok(site.ctx.container.chain_id),
        Some(d) => d
            .as_uint()
            .and_then(|u| u64::try_from(u).ok())
            .ok_or_else(|| "chainId parameter is not a chain id".into()),
    }
}

fn address_name(site: &Site<'_, '_>, address: Address) -> Result<Shown, String> {
    let fact = Fact::Address {
        path: site.path.to_string(),
        address,
        means_sender: false,
    };
    if addresses(site, "senderAddress")?.contains(&address) {
        return Ok(Shown::text("Sender".into()).fact(Fact::Address {
            path: site.path.to_string(),
            address: site.ctx.container.from.unwrap_or(address),
            means_sender: true,
        }));
    }
    let chain = site.ctx.container.chain_id;
    let text = match site.ctx.lookup.name(chain, address) {
        Some(name) => format!("{} ({})", sanitize(&name), address.to_checksum(None)),
        None => address.to_checksum(None),
    };
    Ok(Shown::text(text).fact(fact))
}

fn token_amount(site: &Site<'_, '_>, amount: U256) -> Result<Shown, String> {
    let token = match site.data_param("tokenPath", "token")? {
        Some(d) => d
            .as_address()
            .ok_or_else(|| format!("token of {} is not an address", site.path))?,
        None => site.ctx.container.to.ok_or_else(|| {
            format!(
                "token of {} is the verifying contract, which the domain does not name",
                site.path
            )
        })?,
    };
    let chain = chain_param(site)?;
    let native = addresses(site, "nativeCurrencyAddress")?.contains(&token);
    let threshold = match site.const_param("threshold")? {
        None => None,
        Some(Value::String(s)) => Some(parse_uint(&s).ok_or("threshold is not an integer")?),
        Some(Value::Number(n)) => {
            Some(U256::from(n.as_u64().ok_or("threshold is not an integer")?))
        }
        Some(_) => return Err("threshold is not an integer".into()),
    };
    let message = match site.const_param("message")? {
        Some(Value::String(m)) => sanitize(&m),
        _ => "Unlimited".to_string(),
    };
    let known = if native {
        Some((chains::symbol(chain).to_string(), 18))
    } else {
        site.ctx
            .lookup
            .token(chain, token)
            .map(|t| (sanitize(&t.symbol), t.decimals))
    };
    let fact = Fact::TokenAmount {
        path: site.path.to_string(),
        token: (!native).then_some(token),
        amount,
        known: known.is_some(),
    };
    let Some((symbol, decimals)) = known else {
        return Ok(Shown::text(format!(
            "{amount} raw units of unknown token {}",
            token.to_checksum(None)
        ))
        .fact(fact)
        .note(
            Text::new("warning-eth-clear-sign-incomplete-token-on-chain")
                .arg("token", token.to_checksum(None))
                .arg("chain", chain),
        ));
    };
    let text = match threshold {
        Some(t) if amount >= t => format!("{message} {symbol}"),
        _ => format!("{} {symbol}", format_amount(amount, decimals)),
    };
    Ok(Shown::text(text).fact(fact))
}

fn unit(site: &Site<'_, '_>, value: U256) -> Result<Shown, String> {
    let base = match site.const_param("base")? {
        Some(Value::String(b)) => sanitize(&b),
        _ => String::new(),
    };
    let decimals = match site.const_param("decimals")? {
        None => 0,
        Some(v) => v
            .as_u64()
            .and_then(|d| u8::try_from(d).ok())
            .filter(|d| *d <= 77)
            .ok_or("unit decimals is not a small integer")?,
    };
    let prefix = site
        .const_param("prefix")?
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let (mut shift, mut si) = (0u8, "");
    if prefix {
        for (exp, p) in [
            (24, "Y"),
            (21, "Z"),
            (18, "E"),
            (15, "P"),
            (12, "T"),
            (9, "G"),
            (6, "M"),
            (3, "k"),
        ] {
            let scale = U256::from(10u8).checked_pow(U256::from(exp + u32::from(decimals)));
            if scale.is_some_and(|scale| value >= scale) {
                (shift, si) = (exp as u8, p);
                break;
            }
        }
    }
    Ok(Shown::text(format!(
        "{}{si}{base}",
        format_amount(value, decimals.saturating_add(shift))
    )))
}

/// A Unix timestamp as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn timestamp(seconds: U256) -> String {
    // humantime formats years up to 9999.
    match u64::try_from(seconds)
        .ok()
        .filter(|s| *s <= 253_402_300_799)
    {
        Some(s) => {
            let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(s);
            humantime::format_rfc3339_seconds(t)
                .to_string()
                .replace('T', " ")
                .replace('Z', " UTC")
        }
        None => format!("timestamp {seconds} (after year 9999)"),
    }
}

/// Seconds as `HH:MM:SS` (hours unbounded).
pub fn duration(seconds: U256) -> String {
    let hours = seconds / U256::from(3600u32);
    let rest = u64::try_from(seconds % U256::from(3600u32)).unwrap_or(0);
    format!("{hours:0>2}:{:02}:{:02}", rest / 60, rest % 60)
}

fn calldata(site: &Site<'_, '_>, bytes: &[u8]) -> Result<Shown, String> {
    let callee = site
        .data_param("calleePath", "callee")?
        .and_then(|d| d.as_address())
        .ok_or_else(|| format!("embedded calldata at {} has no callee", site.path))?;
    let value = match site.data_param("amountPath", "amount")? {
        None => U256::ZERO,
        Some(d) => d
            .as_uint()
            .ok_or("embedded call amount is not an integer")?,
    };
    let from = match site.data_param("spenderPath", "spender")? {
        None => site.ctx.container.from,
        Some(d) => Some(
            d.as_address()
                .ok_or("embedded call spender is not an address")?,
        ),
    };
    let mut data = bytes.to_vec();
    if let Some(Data::Bytes(selector)) = site.data_param("selectorPath", "selector")? {
        if selector.len() == 4 && !data.starts_with(&selector) {
            data.splice(0..0, selector);
        }
    }
    let call = Call {
        chain_id: chain_param(site)?,
        from,
        to: callee,
        value,
        data: &data,
    };
    let selector = data.get(..4).map(|s| format!("0x{}", hex::encode(s)));
    match site.ctx.nested(&call) {
        Some(Ok(inner)) => {
            let text = inner
                .interpolated_intent
                .clone()
                .unwrap_or_else(|| inner.intent.clone());
            let mut shown = Shown::text(text).fact(Fact::NestedCall {
                path: site.path.to_string(),
                callee,
                value,
                described: true,
            });
            shown.facts.extend(inner.facts.iter().cloned());
            shown.nested = Some(Box::new(inner));
            Ok(shown)
        }
        Some(Err(e)) => Err(format!("embedded calldata at {}: {e}", site.path)),
        None => Ok(Shown::text(format!("0x{}", hex::encode(&data)))
            .fact(Fact::NestedCall {
                path: site.path.to_string(),
                callee,
                value,
                described: false,
            })
            .note(
                Text::new("warning-eth-clear-sign-incomplete-nested")
                    .arg(
                        "has_selector",
                        if selector.is_some() { "yes" } else { "no" },
                    )
                    .arg("selector", selector.unwrap_or_default())
                    .arg("callee", callee.to_checksum(None))
                    .arg("path", site.path),
            )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_durations_keys() {
        assert_eq!(
            timestamp(U256::from(1_709_191_632u64)),
            "2024-02-29 07:27:12 UTC"
        );
        assert!(timestamp(U256::MAX).contains("after year 9999"));
        assert_eq!(duration(U256::from(8250u32)), "02:17:30");
        assert_eq!(key_text(&Data::Uint(U256::from(2u8))), "2");
        assert_eq!(sanitize("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert!(equals(
            &Data::Uint(U256::from(5u8)),
            &serde_json::json!("5")
        ));
        assert!(equals(
            &Data::Address(Address::ZERO),
            &serde_json::json!("0x0000000000000000000000000000000000000000")
        ));
    }
}

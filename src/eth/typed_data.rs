//! EIP-712 typed data (`eth_signTypedData_v4` JSON): strict parsing, hashing and a readable
//! view. What it authorises is decoded in [`super::typed_flows`].

use alloy_dyn_abi::TypedData;
use alloy_primitives::{Address, B256, U256};
use serde::Serialize;

use super::calldata::Arg;
use crate::i18n::Text;
use crate::review::text::suspicious_text;

/// Typed data as shown in the review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypedView {
    /// The primary type.
    pub primary_type: String,
    /// Domain fields that are present.
    pub domain: Vec<Arg>,
    /// The message, one line per field (nested structs indented).
    pub message: Vec<String>,
    /// hashStruct(EIP712Domain).
    pub domain_separator: B256,
    /// hashStruct(message).
    pub message_hash: B256,
    /// keccak256(0x1901 ‖ domain separator ‖ message hash): what is signed.
    pub signing_hash: B256,
}

/// Most message lines shown; the rest is summarised.
const MAX_LINES: usize = 200;

/// Parses `eth_signTypedData_v4` JSON strictly (see [`super::typed_check`]: no duplicate
/// keys, no trailing data, every value exactly of its type, the domain exactly as declared)
/// and checks that it hashes.
pub fn parse(json: &[u8]) -> Result<TypedData, String> {
    let doc =
        super::strict_json::parse(json).map_err(|e| format!("not EIP-712 typed data: {e}"))?;
    super::typed_check::check(&doc).map_err(|e| format!("ambiguous EIP-712 typed data: {e}"))?;
    let typed: TypedData =
        serde_json::from_value(doc).map_err(|e| format!("not EIP-712 typed data: {e}"))?;
    // Both hashes must exist: the signing hash alone skips the message when the primary type
    // is EIP712Domain, and a message that cannot be hashed cannot be shown truthfully.
    typed
        .eip712_signing_hash()
        .and_then(|_| typed.hash_struct())
        .map_err(|e| format!("typed data does not match its types: {e}"))?;
    Ok(typed)
}

/// The readable view with all three hashes.
pub fn view(typed: &TypedData) -> TypedView {
    let d = &typed.domain;
    let mut domain = Vec::new();
    let mut push = |name: &str, value: Option<String>| {
        if let Some(value) = value {
            domain.push(Arg {
                name: name.into(),
                value,
            });
        }
    };
    push("name", d.name.as_ref().map(|s| shown_text(s)));
    push("version", d.version.as_ref().map(|s| shown_text(s)));
    push("chainId", d.chain_id.map(|c| c.to_string()));
    push(
        "verifyingContract",
        d.verifying_contract.map(|a| a.to_checksum(None)),
    );
    push("salt", d.salt.map(|s| s.to_string()));
    let mut message = Vec::new();
    let types = serde_json::to_value(typed)
        .map(|v| v["types"].clone())
        .unwrap_or_default();
    flatten(&types, &typed.primary_type, &typed.message, 1, &mut message);
    if message.len() > MAX_LINES {
        let more = message.len() - MAX_LINES;
        message.truncate(MAX_LINES);
        message.push(format!("… {more} more lines"));
    }
    let message_hash = typed.hash_struct().expect("checked by parse");
    TypedView {
        primary_type: typed.primary_type.clone(),
        domain,
        message,
        domain_separator: d.separator(),
        message_hash,
        signing_hash: typed.eip712_signing_hash().expect("checked by parse"),
    }
}

/// Appends `value` of EIP-712 type `ty` as indented lines, struct fields in the order the
/// types declare them (as a wallet shows them), arrays item by item.
fn flatten(
    types: &serde_json::Value,
    ty: &str,
    value: &serde_json::Value,
    depth: usize,
    out: &mut Vec<String>,
) {
    let pad = "  ".repeat(depth);
    if let (Some(open), Some(items)) = (ty.rfind('['), value.as_array()) {
        for (i, item) in items.iter().enumerate() {
            out.push(format!("{pad}[{i}]:"));
            flatten(types, &ty[..open], item, depth + 1, out);
        }
        return;
    }
    let Some(fields) = types.get(ty).and_then(|f| f.as_array()) else {
        out.push(format!("{pad}{}", scalar(value)));
        return;
    };
    for field in fields {
        let (Some(name), Some(field_ty)) = (field["name"].as_str(), field["type"].as_str()) else {
            continue;
        };
        let v = value.get(name).unwrap_or(&serde_json::Value::Null);
        if v.is_object() || v.is_array() {
            out.push(format!("{pad}{name}:"));
            flatten(types, field_ty, v, depth + 1, out);
        } else {
            out.push(format!("{pad}{name}: {}", scalar(v)));
        }
    }
}

fn scalar(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => shown_text(s),
        other => other.to_string(),
    }
}

/// Text as shown: deceptive characters escaped.
fn shown_text(s: &str) -> String {
    suspicious_text(s).map_or_else(|| s.to_string(), |(escaped, _)| escaped)
}

/// Every string in the domain and the message that reads differently from what it is:
/// (where, escaped text, reasons).
pub fn deceptive_strings(typed: &TypedData) -> Vec<(String, String, Option<Text>)> {
    let mut found = Vec::new();
    let domain = [
        ("domain.name", &typed.domain.name),
        ("domain.version", &typed.domain.version),
    ];
    for (at, text) in domain {
        if let Some((escaped, reasons)) = text.as_deref().and_then(suspicious_text) {
            found.push((at.to_string(), escaped, Text::comma_list(reasons)));
        }
    }
    walk_strings(&typed.message, "message", &mut found);
    found
}

fn walk_strings(
    value: &serde_json::Value,
    at: &str,
    found: &mut Vec<(String, String, Option<Text>)>,
) {
    match value {
        serde_json::Value::String(s) => {
            if let Some((escaped, reasons)) = suspicious_text(s) {
                found.push((at.to_string(), escaped, Text::comma_list(reasons)));
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk_strings(item, &format!("{at}[{i}]"), found);
            }
        }
        serde_json::Value::Object(fields) => {
            for (name, item) in fields {
                walk_strings(item, &format!("{at}.{name}"), found);
            }
        }
        _ => {}
    }
}

/// Every address written in the message, for look-alike checks.
pub fn message_addresses(value: &serde_json::Value, out: &mut Vec<Address>) {
    match value {
        serde_json::Value::String(s) if s.len() == 42 => {
            if let Ok(a) = super::parse_address(s) {
                out.push(a);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| message_addresses(v, out)),
        serde_json::Value::Object(fields) => {
            fields.values().for_each(|v| message_addresses(v, out))
        }
        _ => {}
    }
}

/// A JSON unsigned integer as typed data carries it: a decimal or 0x-hex string, a number, or
/// a boolean.
pub fn uint_field(message: &serde_json::Value, pointer: &str) -> Option<U256> {
    match message.pointer(pointer)? {
        serde_json::Value::String(s) => match s.strip_prefix("0x") {
            Some(hex) => U256::from_str_radix(hex, 16).ok(),
            None => s.parse().ok(),
        },
        serde_json::Value::Number(n) => n.to_string().parse().ok(),
        serde_json::Value::Bool(b) => Some(U256::from(u8::from(*b))),
        _ => None,
    }
}

/// A JSON address string.
pub fn address_field(message: &serde_json::Value, pointer: &str) -> Option<Address> {
    message.pointer(pointer)?.as_str()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Mail example of the EIP-712 specification.
    pub const MAIL: &str = r#"{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],"Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],"Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]},"primaryType":"Mail","domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},"message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},"to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}}"#;

    #[test]
    fn mail_example_hashes_as_in_the_specification() {
        let typed = parse(MAIL.as_bytes()).unwrap();
        let v = view(&typed);
        assert_eq!(
            v.domain_separator.to_string(),
            "0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f"
        );
        assert_eq!(
            v.message_hash.to_string(),
            "0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e"
        );
        assert_eq!(
            v.signing_hash.to_string(),
            "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2"
        );
        // Fields in declared order (from, to, contents), nested structs indented.
        assert_eq!(
            v.message,
            [
                "  from:",
                "    name: Cow",
                "    wallet: 0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826",
                "  to:",
                "    name: Bob",
                "    wallet: 0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB",
                "  contents: Hello, Bob!",
            ]
        );
    }
}

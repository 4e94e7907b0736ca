//! Strict checks of `eth_signTypedData_v4` JSON before it is hashed: every value must have
//! exactly one reading. Wallets disagree on lenient inputs (a boolean written as a string,
//! a number beyond its type, a domain field the declared `EIP712Domain` type leaves out, a
//! message key no type declares), and a signer that hashes one reading while a person or
//! another wallet sees another signs something nobody reviewed.

use alloy_primitives::{I256, U256};
use serde_json::{Map, Value};

/// The domain fields EIP-712 defines, in the order they are hashed, with their types.
const DOMAIN_FIELDS: &[(&str, &str)] = &[
    ("name", "string"),
    ("version", "string"),
    ("chainId", "uint256"),
    ("verifyingContract", "address"),
    ("salt", "bytes32"),
];

/// Nesting of struct and array values beyond this depth is refused.
const MAX_DEPTH: usize = 32;

/// Checks the whole document: its four keys, the declared types, the domain against
/// `EIP712Domain` and the message against the primary type.
pub fn check(doc: &Value) -> Result<(), String> {
    let top = doc.as_object().ok_or("typed data must be a JSON object")?;
    exact_keys(
        top,
        &["types", "primaryType", "domain", "message"],
        "typed data",
    )?;
    let types = top["types"]
        .as_object()
        .ok_or("\"types\" must be an object")?;
    for (name, fields) in types {
        check_struct_type(types, name, fields)?;
    }
    check_domain_type(types, &top["domain"])?;
    let primary = top["primaryType"]
        .as_str()
        .ok_or("\"primaryType\" must be a string")?;
    if !types.contains_key(primary) {
        return Err(format!("the primary type {primary:?} is not declared"));
    }
    check_value(types, "EIP712Domain", &top["domain"], "domain", 0)?;
    check_value(types, primary, &top["message"], "message", 0)
}

fn exact_keys(object: &Map<String, Value>, keys: &[&str], what: &str) -> Result<(), String> {
    if let Some(extra) = object.keys().find(|k| !keys.contains(&k.as_str())) {
        return Err(format!("{what} has a key {extra:?} that no type declares"));
    }
    if let Some(missing) = keys.iter().find(|k| !object.contains_key(**k)) {
        return Err(format!("{what} lacks the key {missing:?}"));
    }
    Ok(())
}

/// A declared struct: an array of `{name, type}` with unique names and known types.
fn check_struct_type(types: &Map<String, Value>, name: &str, fields: &Value) -> Result<(), String> {
    if !is_identifier(name) {
        return Err(format!("the type name {name:?} is not an identifier"));
    }
    let fields = fields
        .as_array()
        .ok_or_else(|| format!("type {name} must be an array of fields"))?;
    let mut seen = Vec::new();
    for field in fields {
        let object = field
            .as_object()
            .ok_or_else(|| format!("a field of {name} is not an object"))?;
        exact_keys(object, &["name", "type"], &format!("a field of {name}"))?;
        let (Some(field_name), Some(ty)) = (object["name"].as_str(), object["type"].as_str())
        else {
            return Err(format!("a field of {name} has a non-string name or type"));
        };
        if seen.contains(&field_name) {
            return Err(format!(
                "type {name} declares the field {field_name:?} twice"
            ));
        }
        seen.push(field_name);
        known_type(types, ty).map_err(|e| format!("{name}.{field_name}: {e}"))?;
    }
    Ok(())
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// The declared `EIP712Domain` must list exactly the fields the domain object has, with the
/// standard types, in the standard order: the hash covers those fields and no others.
fn check_domain_type(types: &Map<String, Value>, domain: &Value) -> Result<(), String> {
    let declared = types
        .get("EIP712Domain")
        .and_then(Value::as_array)
        .ok_or("the EIP712Domain type is not declared")?;
    let domain = domain.as_object().ok_or("\"domain\" must be an object")?;
    let declared: Vec<(&str, &str)> = declared
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap_or_default(),
                f["type"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    let expected: Vec<(&str, &str)> = DOMAIN_FIELDS
        .iter()
        .filter(|(name, _)| domain.contains_key(*name))
        .copied()
        .collect();
    if let Some(extra) = domain
        .keys()
        .find(|k| !DOMAIN_FIELDS.iter().any(|(n, _)| n == k))
    {
        return Err(format!(
            "the domain has a field {extra:?} that EIP-712 does not define (it would not be signed)"
        ));
    }
    if declared != expected {
        let show = |fields: &[(&str, &str)]| {
            fields
                .iter()
                .map(|(n, t)| format!("{t} {n}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        return Err(format!(
            "the declared EIP712Domain({}) does not match the domain object, which needs EIP712Domain({})",
            show(&declared),
            show(&expected)
        ));
    }
    Ok(())
}

/// An EIP-712 type: a declared struct, an atomic or dynamic type, or an array of one.
fn known_type(types: &Map<String, Value>, ty: &str) -> Result<(), String> {
    if let Some((inner, len)) = split_array(ty) {
        if let Some(len) = len {
            len.parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("bad array length in {ty:?}"))?;
        }
        return known_type(types, inner);
    }
    if types.contains_key(ty) || atomic_bits(ty).is_some() {
        Ok(())
    } else {
        Err(format!("unknown type {ty:?}"))
    }
}

/// `T[]` → (T, None), `T[3]` → (T, Some("3")).
fn split_array(ty: &str) -> Option<(&str, Option<&str>)> {
    let body = ty.strip_suffix(']')?;
    let open = body.rfind('[')?;
    let len = &body[open + 1..];
    Some((&body[..open], (!len.is_empty()).then_some(len)))
}

/// Atomic and dynamic types; the number is the size in bits for integers and bytesN.
fn atomic_bits(ty: &str) -> Option<u32> {
    let sized = |rest: &str, step: u32, max: u32| {
        rest.parse::<u32>()
            .ok()
            .filter(|n| *n > 0 && n % step == 0 && *n <= max && !rest.starts_with('0'))
    };
    match ty {
        "address" => Some(160),
        "bool" => Some(1),
        "string" | "bytes" => Some(0),
        _ => {
            if let Some(rest) = ty.strip_prefix("uint") {
                sized(rest, 8, 256)
            } else if let Some(rest) = ty.strip_prefix("int") {
                sized(rest, 8, 256)
            } else if let Some(rest) = ty.strip_prefix("bytes") {
                sized(rest, 1, 32).map(|n| n * 8)
            } else {
                None
            }
        }
    }
}

fn check_value(
    types: &Map<String, Value>,
    ty: &str,
    value: &Value,
    at: &str,
    depth: usize,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!("{at}: nested too deeply"));
    }
    if let Some((inner, len)) = split_array(ty) {
        let items = value
            .as_array()
            .ok_or_else(|| format!("{at} must be an array ({ty})"))?;
        if let Some(len) = len.and_then(|l| l.parse::<usize>().ok()) {
            if items.len() != len {
                return Err(format!(
                    "{at} has {} items, its type {ty} needs {len}",
                    items.len()
                ));
            }
        }
        for (i, item) in items.iter().enumerate() {
            check_value(types, inner, item, &format!("{at}[{i}]"), depth + 1)?;
        }
        return Ok(());
    }
    if let Some(fields) = types.get(ty).and_then(Value::as_array) {
        let object = value
            .as_object()
            .ok_or_else(|| format!("{at} must be an object ({ty})"))?;
        let names: Vec<&str> = fields.iter().filter_map(|f| f["name"].as_str()).collect();
        exact_keys(object, &names, at)?;
        for field in fields {
            let (Some(name), Some(field_ty)) = (field["name"].as_str(), field["type"].as_str())
            else {
                continue;
            };
            check_value(
                types,
                field_ty,
                &object[name],
                &format!("{at}.{name}"),
                depth + 1,
            )?;
        }
        return Ok(());
    }
    check_atomic(ty, value).map_err(|e| format!("{at}: {e}"))
}

fn check_atomic(ty: &str, value: &Value) -> Result<(), String> {
    let text = value.as_str();
    match ty {
        "bool" => value
            .as_bool()
            .map(|_| ())
            .ok_or_else(|| format!("a bool must be true or false, not {value}")),
        "string" => text
            .map(|_| ())
            .ok_or_else(|| format!("a string must be a JSON string, not {value}")),
        "address" => text
            .ok_or_else(|| format!("an address must be a string, not {value}"))
            .and_then(super::parse_address)
            .map(|_| ()),
        "bytes" => hex_bytes(value).map(|_| ()),
        _ if ty.starts_with("bytes") => {
            let want = atomic_bits(ty).unwrap_or(0) as usize / 8;
            let got = hex_bytes(value)?;
            if got == want {
                Ok(())
            } else {
                Err(format!("{ty} needs exactly {want} bytes, got {got}"))
            }
        }
        _ if ty.starts_with("uint") => {
            let bits = atomic_bits(ty).unwrap_or(256);
            let n = unsigned(value)?;
            if bits < 256 && n >> bits as usize != U256::ZERO {
                return Err(format!("{n} does not fit in {ty}"));
            }
            Ok(())
        }
        _ if ty.starts_with("int") => {
            let bits = atomic_bits(ty).unwrap_or(256);
            let n = signed(value)?;
            let limit = I256::ONE << (bits as usize - 1);
            if bits < 256 && (n >= limit || n < -limit) {
                return Err(format!("{n} does not fit in {ty}"));
            }
            Ok(())
        }
        _ => Err(format!("unknown type {ty:?}")),
    }
}

/// `0x`-hex with an even number of digits; the byte count.
fn hex_bytes(value: &Value) -> Result<usize, String> {
    let hex = value
        .as_str()
        .and_then(|s| s.strip_prefix("0x"))
        .ok_or_else(|| format!("bytes must be a 0x-hex string, not {value}"))?;
    if hex.len() % 2 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("{value} is not whole bytes of hex"));
    }
    Ok(hex.len() / 2)
}

/// A JSON integer, a decimal string or a 0x-hex string, below 2^256.
fn unsigned(value: &Value) -> Result<U256, String> {
    match value {
        Value::Number(n) => n
            .as_u64()
            .map(U256::from)
            .ok_or_else(|| format!("{n} is not an unsigned integer")),
        Value::String(s) => {
            let parsed = match s.strip_prefix("0x") {
                Some(hex) if !hex.is_empty() && hex.len() <= 64 => U256::from_str_radix(hex, 16),
                Some(_) => return Err(format!("{s:?} is not a number")),
                None if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
                    U256::from_str_radix(s, 10)
                }
                None => return Err(format!("{s:?} is not a number")),
            };
            parsed.map_err(|_| format!("{s:?} is out of range for 256 bits"))
        }
        other => Err(format!("{other} is not a number")),
    }
}

/// A JSON integer or a decimal string with an optional minus sign.
fn signed(value: &Value) -> Result<I256, String> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .map(I256::try_from)
            .and_then(Result::ok)
            .ok_or_else(|| format!("{n} is not an integer")),
        Value::String(s) => {
            let digits = s.strip_prefix('-').unwrap_or(s);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("{s:?} is not a decimal integer"));
            }
            s.parse::<I256>()
                .map_err(|_| format!("{s:?} is out of range for 256 bits"))
        }
        other => Err(format!("{other} is not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(domain_type: Value, domain: Value, field_type: &str, value: Value) -> Value {
        json!({
            "types": {"EIP712Domain": domain_type, "M": [{"name": "v", "type": field_type}]},
            "primaryType": "M",
            "domain": domain,
            "message": {"v": value}
        })
    }

    fn simple(field_type: &str, value: Value) -> Result<(), String> {
        check(&doc(
            json!([{"name": "chainId", "type": "uint256"}]),
            json!({"chainId": 1}),
            field_type,
            value,
        ))
    }

    #[test]
    fn values_are_strict_for_their_types() {
        assert!(simple("bool", json!(true)).is_ok());
        assert!(simple("bool", json!("true")).is_err());
        assert!(simple("uint8", json!(255)).is_ok());
        assert!(simple("uint8", json!(256)).is_err());
        assert!(simple("uint8", json!("0x100")).is_err());
        assert!(simple("uint256", json!("-1")).is_err());
        assert!(simple("int8", json!(-128)).is_ok());
        assert!(simple("int8", json!("128")).is_err());
        assert!(simple("bytes4", json!("0x01020304")).is_ok());
        assert!(simple("bytes4", json!("0x010203")).is_err());
        assert!(simple("bytes", json!("0x0")).is_err());
        assert!(simple(
            "address",
            json!("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        )
        .is_ok());
        assert!(simple(
            "address",
            json!("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        )
        .is_err());
        assert!(simple("uint7", json!(1)).is_err());
        assert!(simple("float", json!(1)).is_err());
        assert!(simple("uint8[2]", json!([1])).is_err());
    }

    #[test]
    fn the_domain_type_matches_the_domain_exactly() {
        let field = |n: &str, t: &str| json!({"name": n, "type": t});
        let ok = check(&doc(
            json!([field("name", "string"), field("chainId", "uint256")]),
            json!({"name": "x", "chainId": 1}),
            "bool",
            json!(true),
        ));
        assert!(ok.is_ok());
        // A field present but not declared, declared but absent, or out of order.
        for (declared, domain) in [
            (
                json!([field("name", "string")]),
                json!({"name": "x", "chainId": 1}),
            ),
            (
                json!([field("name", "string"), field("chainId", "uint256")]),
                json!({"name": "x"}),
            ),
            (
                json!([field("chainId", "uint256"), field("name", "string")]),
                json!({"name": "x", "chainId": 1}),
            ),
            (json!([field("chainId", "uint64")]), json!({"chainId": 1})),
            (
                json!([field("chainId", "uint256")]),
                json!({"chainId": 1, "extra": 2}),
            ),
        ] {
            assert!(check(&doc(declared, domain, "bool", json!(true))).is_err());
        }
    }

    #[test]
    fn message_keys_match_the_type() {
        let mut d = doc(json!([]), json!({}), "bool", json!(true));
        assert!(check(&d).is_ok());
        d["message"]["hidden"] = json!("x");
        assert!(check(&d).unwrap_err().contains("hidden"));
        let mut d = doc(json!([]), json!({}), "bool", json!(true));
        d["extra"] = json!(1);
        assert!(check(&d).is_err());
    }
}

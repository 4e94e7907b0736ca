//! The Ledger Ethereum app's full EIP-712 mode (app 1.9.19+): the struct definitions and
//! every value are sent (INS 0x1A, 0x1C), the app hashes them itself and shows each field on
//! its screen, then signs (INS 0x0C, P2 = 1). The encoding follows the app's documentation
//! (`doc/ethapp.adoc`, "EIP712 SEND STRUCT DEFINITION / IMPLEMENTATION").

use alloy_dyn_abi::TypedData;
use alloy_primitives::{I256, U256};
use serde_json::Value;

use super::DeviceError;

/// INS of a struct definition.
pub const INS_STRUCT_DEFINITION: u8 = 0x1a;
/// INS of a struct implementation (values).
pub const INS_STRUCT_IMPLEMENTATION: u8 = 0x1c;

/// One APDU's INS, P1, P2 and data.
pub type Apdu = (u8, u8, u8, Vec<u8>);

const NAME: u8 = 0x00;
const FIELD: u8 = 0xff;
const ARRAY: u8 = 0x0f;
const COMPLETE: u8 = 0x00;
const PARTIAL: u8 = 0x01;
const CHUNK: usize = 255;

fn malformed(what: impl std::fmt::Display) -> DeviceError {
    DeviceError::Protocol(format!("typed data the ledger cannot take: {what}"))
}

/// The domain's fields in the order EIP-712 hashes them, for those it has.
fn domain_fields(domain: &serde_json::Map<String, Value>) -> Vec<(String, String)> {
    [
        ("name", "string"),
        ("version", "string"),
        ("chainId", "uint256"),
        ("verifyingContract", "address"),
        ("salt", "bytes32"),
    ]
    .into_iter()
    .filter(|(name, _)| domain.contains_key(*name))
    .map(|(name, kind)| (name.to_string(), kind.to_string()))
    .collect()
}

/// Every APDU of the definitions and values of `typed`, in the order the app takes them.
pub fn apdus(typed: &TypedData) -> Result<Vec<Apdu>, DeviceError> {
    let json = serde_json::to_value(typed).map_err(malformed)?;
    let domain = json["domain"].as_object().cloned().unwrap_or_default();
    let mut types: Vec<(String, Vec<(String, String)>)> =
        vec![("EIP712Domain".to_string(), domain_fields(&domain))];
    for (name, fields) in json["types"].as_object().into_iter().flatten() {
        if name == "EIP712Domain" {
            continue;
        }
        let fields = fields
            .as_array()
            .ok_or_else(|| malformed(format!("type {name}")))?
            .iter()
            .map(|f| {
                let text = |key: &str| f[key].as_str().map(str::to_string);
                text("name")
                    .zip(text("type"))
                    .ok_or_else(|| malformed(format!("a field of {name}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        types.push((name.clone(), fields));
    }
    let mut out = Vec::new();
    for (name, fields) in &types {
        out.push((INS_STRUCT_DEFINITION, 0, NAME, name.as_bytes().to_vec()));
        for (field, kind) in fields {
            out.push((INS_STRUCT_DEFINITION, 0, FIELD, definition(field, kind)?));
        }
    }
    let values = Encoder { types: &types };
    out.push((
        INS_STRUCT_IMPLEMENTATION,
        COMPLETE,
        NAME,
        b"EIP712Domain".to_vec(),
    ));
    values.fields("EIP712Domain", &Value::Object(domain), &mut out)?;
    let primary = json["primaryType"]
        .as_str()
        .ok_or_else(|| malformed("no primaryType"))?;
    out.push((
        INS_STRUCT_IMPLEMENTATION,
        COMPLETE,
        NAME,
        primary.as_bytes().to_vec(),
    ));
    values.fields(primary, &json["message"], &mut out)?;
    Ok(out)
}

/// A field type: its base type and its array levels (`None` dynamic, `Some(n)` fixed),
/// outermost last as written (`uint8[2][]` → `uint8`, [Some(2), None]).
fn split_type(kind: &str) -> Result<(&str, Vec<Option<u8>>), DeviceError> {
    let base_end = kind.find('[').unwrap_or(kind.len());
    let mut levels = Vec::new();
    let mut rest = &kind[base_end..];
    while let Some(inner) = rest.strip_prefix('[') {
        let close = inner.find(']').ok_or_else(|| malformed(kind))?;
        let size = &inner[..close];
        levels.push(if size.is_empty() {
            None
        } else {
            Some(size.parse().map_err(|_| malformed(kind))?)
        });
        rest = &inner[close + 1..];
    }
    Ok((&kind[..base_end], levels))
}

/// The app's type number of an atomic base type and its size in bytes, or `None` for a
/// struct.
fn atomic(base: &str) -> Result<Option<(u8, Option<u8>)>, DeviceError> {
    let sized = |digits: &str, bits: bool| -> Result<Option<u8>, DeviceError> {
        if digits.is_empty() {
            return Ok(if bits { Some(32) } else { None });
        }
        let n: u16 = digits.parse().map_err(|_| malformed(base))?;
        u8::try_from(if bits { n / 8 } else { n })
            .map(Some)
            .map_err(|_| malformed(base))
    };
    Ok(Some(match base {
        "address" => (3, None),
        "bool" => (4, None),
        "string" => (5, None),
        "bytes" => (7, None),
        _ if base.starts_with("uint") => (2, sized(&base[4..], true)?),
        _ if base.starts_with("int") => (1, sized(&base[3..], true)?),
        _ if base.starts_with("bytes") => (6, sized(&base[5..], false)?),
        _ => return Ok(None),
    }))
}

/// A struct field's definition (TypeDesc, type name or size, array levels, key name).
fn definition(name: &str, kind: &str) -> Result<Vec<u8>, DeviceError> {
    let (base, levels) = split_type(kind)?;
    let mut data = Vec::new();
    let (number, size) = atomic(base)?.unwrap_or((0, None));
    let mut desc = number;
    if !levels.is_empty() {
        desc |= 0x80;
    }
    if size.is_some() {
        desc |= 0x40;
    }
    data.push(desc);
    if number == 0 {
        push_short(&mut data, base.as_bytes())?;
    }
    data.extend(size);
    if !levels.is_empty() {
        data.push(u8::try_from(levels.len()).map_err(|_| malformed(kind))?);
        for level in &levels {
            match level {
                None => data.push(0),
                Some(n) => data.extend([1, *n]),
            }
        }
    }
    push_short(&mut data, name.as_bytes())?;
    Ok(data)
}

fn push_short(data: &mut Vec<u8>, bytes: &[u8]) -> Result<(), DeviceError> {
    data.push(u8::try_from(bytes.len()).map_err(|_| malformed("a name of 256 bytes or more"))?);
    data.extend_from_slice(bytes);
    Ok(())
}

/// Encodes values in the order of their struct definitions.
struct Encoder<'a> {
    types: &'a [(String, Vec<(String, String)>)],
}

impl Encoder<'_> {
    fn fields(&self, name: &str, value: &Value, out: &mut Vec<Apdu>) -> Result<(), DeviceError> {
        let (_, fields) = self
            .types
            .iter()
            .find(|(n, _)| n == name)
            .ok_or_else(|| malformed(format!("unknown type {name}")))?;
        for (field, kind) in fields {
            self.value(kind, &value[field.as_str()], out)?;
        }
        Ok(())
    }

    fn value(&self, kind: &str, value: &Value, out: &mut Vec<Apdu>) -> Result<(), DeviceError> {
        let (base, levels) = split_type(kind)?;
        if let Some(outer) = levels.len().checked_sub(1) {
            let items = value.as_array().ok_or_else(|| malformed(kind))?;
            let count = u8::try_from(items.len()).map_err(|_| malformed(kind))?;
            out.push((INS_STRUCT_IMPLEMENTATION, COMPLETE, ARRAY, vec![count]));
            let inner = format!("{base}{}", array_suffix(&levels[..outer]));
            for item in items {
                self.value(&inner, item, out)?;
            }
            return Ok(());
        }
        match atomic(base)? {
            None => self.fields(base, value, out),
            Some((number, size)) => {
                let bytes = raw(number, size, value).ok_or_else(|| malformed(kind))?;
                let mut data = u16::try_from(bytes.len())
                    .map_err(|_| malformed(kind))?
                    .to_be_bytes()
                    .to_vec();
                data.extend(bytes);
                let chunks: Vec<&[u8]> = data.chunks(CHUNK).collect();
                for (i, chunk) in chunks.iter().enumerate() {
                    let p1 = if i + 1 == chunks.len() {
                        COMPLETE
                    } else {
                        PARTIAL
                    };
                    out.push((INS_STRUCT_IMPLEMENTATION, p1, FIELD, chunk.to_vec()));
                }
                Ok(())
            }
        }
    }
}

fn array_suffix(levels: &[Option<u8>]) -> String {
    levels
        .iter()
        .map(|l| match l {
            None => "[]".to_string(),
            Some(n) => format!("[{n}]"),
        })
        .collect()
}

/// The raw bytes of an atomic value (integers big-endian without leading zeros, at least
/// one byte; negative integers in two's complement of the type's size).
fn raw(number: u8, size: Option<u8>, value: &Value) -> Option<Vec<u8>> {
    let hex = |text: &str| {
        data_encoding::HEXLOWER_PERMISSIVE
            .decode(text.trim_start_matches("0x").as_bytes())
            .ok()
    };
    let text = value
        .as_str()
        .map(str::to_string)
        .or_else(|| value.as_u64().map(|n| n.to_string()))
        .or_else(|| value.as_i64().map(|n| n.to_string()));
    match number {
        1 => {
            let n: I256 = text?.parse().ok()?;
            let width = usize::from(size.unwrap_or(32));
            Some(n.to_be_bytes::<32>()[32 - width..].to_vec())
        }
        2 => {
            let n: U256 = text?.parse().ok()?;
            let bytes = n.to_be_bytes::<32>();
            let start = bytes.iter().position(|b| *b != 0).unwrap_or(31);
            Some(bytes[start..].to_vec())
        }
        3 => hex(value.as_str()?).filter(|b| b.len() == 20),
        4 => Some(vec![u8::from(value.as_bool()?)]),
        5 => Some(value.as_str()?.as_bytes().to_vec()),
        _ => hex(value.as_str()?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_definitions_follow_the_app_documentation() {
        // uint256 amount: TypeDesc 0x42 (has size, uint), size 32, key "amount".
        assert_eq!(
            definition("amount", "uint256").unwrap(),
            [&[0x42, 32, 6][..], b"amount"].concat()
        );
        // Person[] to: array of a custom struct, one dynamic level.
        assert_eq!(
            definition("to", "Person[]").unwrap(),
            [&[0x80, 6][..], b"Person", &[1, 0, 2], b"to"].concat()
        );
        // bytes32 salt: fixed bytes of size 32; address: no size.
        assert_eq!(
            definition("salt", "bytes32").unwrap(),
            [&[0x46, 32, 4][..], b"salt"].concat()
        );
        assert_eq!(definition("a", "address").unwrap(), vec![3, 1, b'a']);
        assert_eq!(
            split_type("uint8[2][]").unwrap(),
            ("uint8", vec![Some(2), None])
        );
    }

    #[test]
    fn values_are_raw_and_minimal() {
        assert_eq!(raw(2, Some(32), &Value::from("128")), Some(vec![0x80]));
        assert_eq!(raw(2, Some(32), &Value::from(0)), Some(vec![0]));
        assert_eq!(raw(1, Some(1), &Value::from(-1)), Some(vec![0xff]));
        assert_eq!(raw(4, None, &Value::from(true)), Some(vec![1]));
        assert_eq!(raw(3, None, &Value::from("0x12")), None);
    }
}

//! Strict JSON for untrusted descriptors: duplicate keys, trailing data, oversized documents
//! and deep nesting are refused instead of being resolved silently.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Largest descriptor file accepted (the registry's largest is under 200 KiB).
pub const MAX_BYTES: usize = 1 << 20;

/// Deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 24;

/// Parses one JSON document of at most `max_bytes` bytes: no duplicate keys, nothing after
/// the value, nesting no deeper than [`MAX_DEPTH`].
pub fn parse(bytes: &[u8], max_bytes: usize) -> Result<Value, String> {
    if bytes.len() > max_bytes {
        return Err(format!(
            "document is {} bytes, more than the {max_bytes} accepted",
            bytes.len()
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Strict { depth: 0 }
        .deserialize(&mut de)
        .map_err(|e| format!("malformed json: {e}"))?;
    de.end()
        .map_err(|e| format!("malformed json: trailing data: {e}"))?;
    Ok(value)
}

/// A value at nesting depth `depth`.
#[derive(Clone, Copy)]
struct Strict {
    depth: usize,
}

impl Strict {
    fn deeper<E: de::Error>(self) -> Result<Strict, E> {
        if self.depth >= MAX_DEPTH {
            return Err(E::custom(format!("nesting deeper than {MAX_DEPTH}")));
        }
        Ok(Strict {
            depth: self.depth + 1,
        })
    }
}

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a json value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let inner = self.deeper()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(inner)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let inner = self.deeper()?;
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate key {key:?}")));
            }
            let value = map.next_value_seed(inner)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_ambiguous_documents() {
        assert!(parse(br#"{"a":1}"#, MAX_BYTES).is_ok());
        assert!(parse(br#"{"a":1,"a":2}"#, MAX_BYTES)
            .unwrap_err()
            .contains("duplicate key"));
        assert!(parse(br#"{"a":1} {}"#, MAX_BYTES)
            .unwrap_err()
            .contains("trailing"));
        assert!(parse(br#"{"a":1}"#, 3).unwrap_err().contains("bytes"));
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        assert!(parse(deep.as_bytes(), MAX_BYTES)
            .unwrap_err()
            .contains("nesting"));
    }
}

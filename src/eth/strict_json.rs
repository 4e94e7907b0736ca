//! JSON read without ambiguity: a key twice in one object, a number that is not an integer
//! that fits in 64 bits, or anything after the value makes the input malformed. serde_json
//! alone keeps the last of duplicate keys and rounds large numbers to floating point, so two
//! programs could read the same bytes differently; a signer must not.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Nesting beyond this depth is refused (serde_json stops at 128 too).
const MAX_DEPTH: usize = 100;

/// Parses `bytes` as one JSON value, strictly (see the module documentation).
pub fn parse(bytes: &[u8]) -> Result<Value, String> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Strict { depth: 0 }
        .deserialize(&mut de)
        .map_err(|e| e.to_string())?;
    de.end()
        .map_err(|e| format!("trailing data after the JSON value: {e}"))?;
    Ok(value)
}

struct Strict {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Err(E::custom(format!(
            "the number {v} is not an integer that fits in 64 bits (write large numbers as decimal strings)"
        )))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let depth = self.nested()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Strict { depth })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let depth = self.nested()?;
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "the key {key:?} appears twice in one object (ambiguous)"
                )));
            }
            let value = map.next_value_seed(Strict { depth })?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

impl Strict {
    fn nested<E: de::Error>(&self) -> Result<usize, E> {
        if self.depth >= MAX_DEPTH {
            return Err(E::custom("the JSON is nested too deeply"));
        }
        Ok(self.depth + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_at_any_depth_are_refused() {
        assert!(parse(br#"{"a":1,"a":2}"#).unwrap_err().contains("twice"));
        assert!(parse(br#"{"a":{"b":[{"c":1,"c":1}]}}"#)
            .unwrap_err()
            .contains("twice"));
        assert_eq!(
            parse(br#"{"a":{"a":1}}"#).unwrap(),
            serde_json::json!({"a":{"a":1}})
        );
    }

    #[test]
    fn floats_huge_numbers_and_trailing_data_are_refused() {
        assert!(parse(b"1.5").is_err());
        assert!(parse(b"100000000000000000000000").is_err());
        assert!(parse(b"{} {}").unwrap_err().contains("trailing"));
        assert!(parse(b"{}x").is_err());
        assert_eq!(parse(b" -3 \n").unwrap(), serde_json::json!(-3));
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(parse(deep.as_bytes()).is_err());
    }
}

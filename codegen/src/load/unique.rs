//! A JSON value read from YAML or JSON text, refusing an object that gives one key twice.
//!
//! Both parsers would keep the last of the two silently (a second `Download:` schema replacing
//! the first), which a spec's author never means; YAML forbids it outright. The value is built
//! as `serde_json::Value`'s own deserialiser builds it, so a spec without duplicates reads the
//! same.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A JSON value whose objects have unique keys.
pub(super) struct Unique(pub Value);

impl<'de> Deserialize<'de> for Unique {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueVisitor).map(Unique)
    }
}

struct UniqueVisitor;

impl<'de> Visitor<'de> for UniqueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Value, E> {
        match i64::try_from(value) {
            Ok(small) => Ok(Value::from(small)),
            Err(_) => self.visit_f64(value as f64),
        }
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Value, E> {
        match u64::try_from(value) {
            Ok(small) => Ok(Value::from(small)),
            Err(_) => self.visit_f64(value as f64),
        }
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        // Not a number (`.nan`, `.inf` in YAML) has no JSON form: null, as serde_json does.
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Unique::deserialize(deserializer).map(|unique| unique.0)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Value, D::Error> {
        Unique::deserialize(deserializer).map(|unique| unique.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(Unique(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "the key `{key}` is given twice in one object (the second would replace \
                     the first)"
                )));
            }
            let Unique(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_serde_json_reads_them() {
        let json = r#"{"a": [1, -2, 3.5, true, null, "x", {"b": {}}], "c": 18446744073709551615}"#;
        let unique: Unique = serde_json::from_str(json).expect("reads");
        assert_eq!(
            unique.0,
            serde_json::from_str::<Value>(json).expect("reads")
        );
        let yaml = "a: [1, -2, 3.5, true, ~, x, {b: {}}]\n200: ok\nc: 18446744073709551615\n";
        let unique: Unique = yaml_serde::from_str(yaml).expect("reads");
        assert_eq!(
            unique.0,
            yaml_serde::from_str::<Value>(yaml).expect("reads")
        );
    }

    #[test]
    fn a_key_given_twice_is_refused_with_its_line() {
        let json = "{\"a\": {\"b\": 1,\n \"b\": 2}}";
        let error = serde_json::from_str::<Unique>(json).err().expect("refused");
        assert!(
            error.to_string().contains("the key `b` is given twice"),
            "{error}"
        );
        assert_eq!(error.line(), 2);
        let yaml = "schemas:\n  Download:\n    type: object\n  Download:\n    type: string\n";
        let error = yaml_serde::from_str::<Unique>(yaml).err().expect("refused");
        assert!(
            error
                .to_string()
                .contains("the key `Download` is given twice"),
            "{error}"
        );
        assert!(error.location().is_some(), "{error}");
    }
}

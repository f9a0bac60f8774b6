//! Writing a value a schema allows, when the spec gives no example: the same schema always
//! gives the same value.
//!
//! In order of preference: an `example` (then a `default`, then an `enum` value) of the schema
//! that satisfies all of it, `allOf` included; for `oneOf`/`anyOf`, the first member that
//! gives a valid value; otherwise a value built from the type: objects with every property
//! (only the required ones deeper than [`OPTIONAL_DEPTH`]), arrays of one item (or
//! `minItems`), numbers at their lower bound (or 0) and on `multipleOf`, booleans `true`,
//! strings by `format` (`date-time`, `date`, `time`, `uri`, `uuid`, `email`, `hostname`,
//! `ipv4`, `ipv6`, `byte`), padded or cut to `minLength`/`maxLength`. A `pattern` is honoured
//! only when one of a few plain candidates matches it; the emulator does not write strings
//! from regular expressions.

use std::cell::Cell;

use serde_json::{Map, Value, json};

use super::load::Files;
use super::schema::Node;
use super::validate::{Direction, Patterns, Validator};

/// Optional properties and array items are written down to this depth; deeper, only what is
/// required.
pub(crate) const OPTIONAL_DEPTH: usize = 6;
/// Deeper than this, a value is `null` (only a schema that requires itself gets here).
const MAX_DEPTH: usize = 32;
/// How many `oneOf`/`anyOf` members may be tried for one value before the first is taken.
const UNION_BUDGET: usize = 256;

/// Writes values for the schemas of one spec.
pub(crate) struct Synthesizer<'a> {
    files: &'a Files,
    patterns: &'a Patterns,
    validator: Validator<'a>,
    budget: Cell<usize>,
}

impl<'a> Synthesizer<'a> {
    pub(crate) fn new(files: &'a Files, patterns: &'a Patterns) -> Self {
        Self {
            files,
            patterns,
            validator: Validator::new(files, patterns, Direction::Response),
            budget: Cell::new(UNION_BUDGET),
        }
    }

    /// A value that satisfies every schema of `schemas`, as far as the rules above allow;
    /// `name` is the property it is for, if any.
    pub(crate) fn value(&self, schemas: &[Node<'a>], name: &str) -> Value {
        self.budget.set(UNION_BUDGET);
        self.conjunction(schemas, name, 0)
    }

    fn conjunction(&self, schemas: &[Node<'a>], name: &str, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        let flat = self.files.flatten(schemas);
        self.choose(&flat, &mut Vec::new(), name, depth)
    }

    /// The first example, default or enum value that fits `flat`; else, with the first union
    /// not yet `decided`, the first member that gives a fitting value; else a value by type.
    fn choose(
        &self,
        flat: &[Node<'a>],
        decided: &mut Vec<*const Value>,
        name: &str,
        depth: usize,
    ) -> Value {
        for key in ["example", "default"] {
            for node in flat {
                if let Some(candidate) = node.get(key)
                    && self.validator.valid(flat, candidate)
                {
                    return candidate.clone();
                }
            }
        }
        for node in flat {
            if let Some(Value::Array(values)) = node.get("enum")
                && let Some(candidate) = values.iter().find(|v| self.validator.valid(flat, v))
            {
                return candidate.clone();
            }
        }
        let union = flat.iter().find_map(|node| {
            ["oneOf", "anyOf"]
                .iter()
                .find_map(|key| match node.get(key) {
                    Some(members @ Value::Array(list))
                        if !list.is_empty() && !decided.contains(&(members as *const Value)) =>
                    {
                        Some((*node, members, list))
                    }
                    _ => None,
                })
        });
        if let Some((node, members, list)) = union {
            decided.push(members as *const Value);
            let mut first = None;
            for member in list {
                let mut extended = flat.to_vec();
                extended.extend(self.files.flatten(&[node.child(member)]));
                let candidate = self.choose(&extended, decided, name, depth);
                if self.validator.valid(flat, &candidate) || self.budget.get() == 0 {
                    decided.pop();
                    return candidate;
                }
                self.budget.set(self.budget.get() - 1);
                first.get_or_insert(candidate);
            }
            decided.pop();
            if let Some(candidate) = first {
                return candidate;
            }
        }
        self.by_type(flat, name, depth)
    }

    fn by_type(&self, flat: &[Node<'a>], name: &str, depth: usize) -> Value {
        match self.pick_type(flat) {
            "null" => Value::Null,
            "boolean" => Value::Bool(true),
            "integer" => self.number(flat, true),
            "number" => self.number(flat, false),
            "string" => Value::String(self.string(flat, name)),
            "array" => self.array(flat, name, depth),
            _ => self.object(flat, depth),
        }
    }

    /// The type to write: one every declared `type` allows (not `null` if avoidable), or one
    /// the keywords imply.
    fn pick_type(&self, flat: &[Node<'a>]) -> &'a str {
        let declared: Vec<Vec<&'a str>> = flat.iter().filter_map(Node::types).collect();
        if let Some(first) = declared.first() {
            let allowed = |t: &&str| declared.iter().all(|types| types.contains(t));
            return first
                .iter()
                .copied()
                .filter(allowed)
                .find(|t| *t != "null")
                .or_else(|| first.iter().copied().find(allowed))
                .or_else(|| first.first().copied())
                .unwrap_or("object");
        }
        let has = |keys: &[&str]| {
            flat.iter()
                .any(|node| keys.iter().any(|key| node.get(key).is_some()))
        };
        if has(&[
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
        ]) {
            "object"
        } else if has(&["items", "minItems", "maxItems"]) {
            "array"
        } else if has(&["minLength", "maxLength", "pattern", "format"]) {
            "string"
        } else if has(&["minimum", "maximum", "multipleOf"]) {
            "number"
        } else if flat.iter().any(|node| node.flag("nullable")) {
            "null"
        } else {
            "object"
        }
    }

    fn number(&self, flat: &[Node<'a>], integer: bool) -> Value {
        let mut low: Option<(f64, bool)> = None;
        let mut high: Option<(f64, bool)> = None;
        let mut step = None;
        for node in flat {
            let exclusive = |key: &str| node.get(key);
            let lower = match exclusive("exclusiveMinimum") {
                Some(Value::Number(b)) => b.as_f64().map(|b| (b, true)),
                Some(Value::Bool(true)) => node.number("minimum").map(|b| (b, true)),
                _ => node.number("minimum").map(|b| (b, false)),
            };
            let upper = match exclusive("exclusiveMaximum") {
                Some(Value::Number(b)) => b.as_f64().map(|b| (b, true)),
                Some(Value::Bool(true)) => node.number("maximum").map(|b| (b, true)),
                _ => node.number("maximum").map(|b| (b, false)),
            };
            if let Some(bound) = lower
                && low.is_none_or(|(b, _)| bound.0 > b)
            {
                low = Some(bound);
            }
            if let Some(bound) = upper
                && high.is_none_or(|(b, _)| bound.0 < b)
            {
                high = Some(bound);
            }
            step = step.or(node.number("multipleOf").filter(|s| *s > 0.0));
        }
        let nudge = |bound: f64, up: bool| match (integer, up) {
            (true, true) => bound.floor() + 1.0,
            (true, false) => bound.ceil() - 1.0,
            (false, true) => high.map_or(bound + 1.0, |(h, _)| (bound + h) / 2.0),
            (false, false) => bound - 1.0,
        };
        let mut x = match (low, high) {
            (Some((l, true)), _) => nudge(l, true),
            (Some((l, false)), _) => l,
            (None, Some((h, true))) if h <= 0.0 => nudge(h, false),
            (None, Some((h, false))) if h < 0.0 => h,
            _ => 0.0,
        };
        if integer {
            x = x.ceil();
        }
        if let Some(step) = step {
            x = (x / step).ceil() * step;
        }
        if x.fract() == 0.0 && x.abs() < 9.0e15 {
            json!(x as i64)
        } else {
            json!(x)
        }
    }

    fn string(&self, flat: &[Node<'a>], name: &str) -> String {
        let format = flat
            .iter()
            .find_map(|node| node.get("format").and_then(Value::as_str));
        let base = match format {
            Some("date-time") => "2014-01-02T02:20:00Z".to_owned(),
            Some("date") => "2014-01-02".to_owned(),
            Some("time") => "02:20:00Z".to_owned(),
            Some("uri" | "url" | "uri-reference" | "iri" | "iri-reference") => {
                "https://example.com/".to_owned()
            }
            Some("uuid") => uuid(name),
            Some("email") => "user@example.com".to_owned(),
            Some("hostname" | "idn-hostname") => "example.com".to_owned(),
            Some("ipv4") => "192.0.2.1".to_owned(),
            Some("ipv6") => "2001:db8::1".to_owned(),
            Some("byte") => "ZW11bGF0b3I=".to_owned(),
            _ if is_id_like(name) => hex_id(name),
            _ => "string".to_owned(),
        };
        let min = flat
            .iter()
            .filter_map(|node| node.count("minLength"))
            .max()
            .unwrap_or(0);
        let max = flat.iter().filter_map(|node| node.count("maxLength")).min();
        let fit = |text: &str| {
            let mut text: String = match max {
                Some(max) => text.chars().take(max as usize).collect(),
                None => text.to_owned(),
            };
            while (text.chars().count() as u64) < min {
                text.push('x');
            }
            text
        };
        let patterns: Vec<&str> = flat
            .iter()
            .filter_map(|node| node.get("pattern").and_then(Value::as_str))
            .collect();
        let fits_patterns = |text: &str| {
            patterns
                .iter()
                .all(|p| self.patterns.matches(p, text) != Some(false))
        };
        let first = fit(&base);
        if fits_patterns(&first) {
            return first;
        }
        ["", "a", "A", "0", "a0", "example", "x-0", "a_b"]
            .iter()
            .map(|candidate| fit(candidate))
            .find(|candidate| fits_patterns(candidate))
            .unwrap_or(first)
    }

    fn array(&self, flat: &[Node<'a>], name: &str, depth: usize) -> Value {
        let items = self.files.items(flat);
        let min = flat
            .iter()
            .filter_map(|node| node.count("minItems"))
            .max()
            .unwrap_or(0);
        let max = flat.iter().filter_map(|node| node.count("maxItems")).min();
        let wanted = if depth >= OPTIONAL_DEPTH {
            min
        } else {
            min.max(1)
        };
        let count = max.map_or(wanted, |max| wanted.min(max)).min(64);
        let unique = flat.iter().any(|node| node.flag("uniqueItems"));
        let mut values: Vec<Value> = Vec::new();
        for index in 0..count {
            let mut value = self.conjunction(&items, name, depth + 1);
            if unique && values.contains(&value) {
                value = vary(value, index);
            }
            values.push(value);
        }
        Value::Array(values)
    }

    fn object(&self, flat: &[Node<'a>], depth: usize) -> Value {
        let required: Vec<&str> = flat.iter().flat_map(|node| node.required()).collect();
        let mut map = Map::new();
        for name in self.files.property_names(flat) {
            if depth >= OPTIONAL_DEPTH && !required.contains(&name) {
                continue;
            }
            let schemas = self.files.property(flat, name);
            let write_only = schemas
                .iter()
                .any(|schema| self.files.deref(*schema).flag("writeOnly"));
            if write_only && !required.contains(&name) {
                continue;
            }
            map.insert(name.to_owned(), self.conjunction(&schemas, name, depth + 1));
        }
        let additional: Vec<Node<'a>> = flat
            .iter()
            .filter_map(|node| node.get("additionalProperties").map(|s| node.child(s)))
            .filter(|node| node.value.is_object())
            .collect();
        for name in required {
            if !map.contains_key(name) {
                let value = self.conjunction(&additional, name, depth + 1);
                map.insert(name.to_owned(), value);
            }
        }
        let min = flat
            .iter()
            .filter_map(|node| node.count("minProperties"))
            .max()
            .unwrap_or(0);
        let mut extra = 1;
        while (map.len() as u64) < min.min(64) {
            let name = format!("property{extra}");
            let value = self.conjunction(&additional, &name, depth + 1);
            map.insert(name, value);
            extra += 1;
        }
        Value::Object(map)
    }
}

/// A different value of the same kind, for arrays of unique items.
fn vary(value: Value, index: u64) -> Value {
    match value {
        Value::String(text) => Value::String(format!("{text}{index}")),
        Value::Number(n) if n.is_i64() => json!(n.as_i64().unwrap_or(0) + index as i64),
        Value::Number(n) => json!(n.as_f64().unwrap_or(0.0) + index as f64),
        other => other,
    }
}

/// Whether a property name calls for an identifier (`uid`, `id`, `video_id`, `identifier`).
fn is_id_like(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "id"
        || lower.ends_with("uid")
        || lower.ends_with("_id")
        || lower.ends_with("identifier")
}

/// 64 bits from `text`, the same every time (FNV-1a).
pub(crate) fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// 32 hexadecimal digits derived from `seed`, shaped like Cloudflare's identifiers.
pub(crate) fn hex_id(seed: &str) -> String {
    let high = fingerprint(seed);
    let low = fingerprint(&format!("{seed}#"));
    format!("{high:016x}{low:016x}")
}

/// A version 4 UUID derived from `seed`.
fn uuid(seed: &str) -> String {
    as_uuid(&hex_id(seed))
}

/// 32 hexadecimal digits written as a version 4 UUID.
pub(crate) fn as_uuid(hex: &str) -> String {
    format!(
        "{}-{}-4{}-8{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::validate::formats;

    fn synth(doc: Value, pointer: &str) -> Value {
        let files = Files::from_docs(vec![("a.yaml".into(), doc)]);
        let patterns = Patterns::compile(&files);
        let node = Node::new(0, files.docs[0].1.pointer(pointer).unwrap_or(&Value::Null));
        let value = Synthesizer::new(&files, &patterns).value(&[node], "");
        // Whatever it writes satisfies the schema.
        let validator = Validator::new(&files, &patterns, Direction::Response);
        let problems = validator.check(node, &value, "");
        assert!(problems.is_empty(), "{value}: {problems:?}");
        value
    }

    fn one(schema: Value) -> Value {
        synth(json!({"s": schema}), "/s")
    }

    #[test]
    fn examples_first_when_they_fit() {
        assert_eq!(one(json!({"type": "string", "example": "tr"})), json!("tr"));
        // An example that breaks the schema is not used.
        assert_eq!(
            one(json!({"type": "string", "maxLength": 3, "example": "toolong"})),
            json!("str")
        );
        assert_eq!(one(json!({"type": "integer", "default": 7})), json!(7));
        assert_eq!(
            one(json!({"type": "string", "enum": ["queued", "ready"]})),
            json!("queued")
        );
        // Schemas with only an example (Cloudflare's embed response).
        assert_eq!(
            one(json!({"example": "<stream></stream>"})),
            json!("<stream></stream>")
        );
    }

    #[test]
    fn values_by_type_and_bounds() {
        assert_eq!(one(json!({"type": "boolean"})), json!(true));
        assert_eq!(
            one(json!({"type": "integer", "minimum": 1, "maximum": 21600})),
            json!(1)
        );
        assert_eq!(one(json!({"type": "number", "minimum": 30})), json!(30));
        assert_eq!(
            one(json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})),
            json!(1)
        );
        assert_eq!(one(json!({"type": "integer", "maximum": -5})), json!(-5));
        assert_eq!(
            one(json!({"type": "integer", "minimum": 3, "multipleOf": 5})),
            json!(5)
        );
        assert_eq!(
            one(json!({"type": "string", "minLength": 8})),
            json!("stringxx")
        );
        assert_eq!(
            one(json!({"type": "string", "pattern": "^[0-9]$"})),
            json!("0")
        );
        assert_eq!(
            one(json!({"type": "array", "items": {"type": "integer"}})),
            json!([0])
        );
        assert_eq!(
            one(json!({"type": "array", "uniqueItems": true, "minItems": 2,
                       "items": {"type": "string"}})),
            json!(["string", "string1"])
        );
        assert_eq!(one(json!({"type": "array", "maxItems": 0})), json!([]));
        assert_eq!(
            one(json!({"type": "string", "nullable": true})),
            json!("string")
        );
        assert_eq!(one(json!({"nullable": true})), json!(null));
    }

    #[test]
    fn formats_are_valid() {
        for format in [
            "date-time",
            "date",
            "time",
            "uri",
            "uuid",
            "email",
            "ipv4",
            "ipv6",
        ] {
            let value = one(json!({"type": "string", "format": format}));
            let text = value.as_str().unwrap_or_default();
            assert!(formats::valid(format, text), "{format}: {text}");
        }
    }

    #[test]
    fn objects_merge_all_of_and_pick_union_members_that_fit() {
        let doc = json!({"components": {"schemas": {
            "common": {"type": "object", "required": ["success", "errors", "messages"],
                       "properties": {"success": {"type": "boolean", "enum": [true]},
                                      "errors": {"type": "array", "example": []},
                                      "messages": {"type": "array", "example": []}}},
            "single": {"allOf": [{"$ref": "#/components/schemas/common"},
                                 {"properties": {"result": {"anyOf": [{"type": "object"},
                                                                      {"type": "string"}]}}}]},
            "deleted": {"allOf": [{"$ref": "#/components/schemas/single"},
                                  {"properties": {"result": {"type": "string", "example": "ok"}}}]},
            "video": {"allOf": [{"$ref": "#/components/schemas/single"},
                                {"properties": {"result": {"properties": {
                                    "uid": {"type": "string", "maxLength": 32},
                                    "created": {"type": "string", "format": "date-time"}}}}}]},
        }}});
        assert_eq!(
            synth(doc.clone(), "/components/schemas/deleted"),
            json!({"success": true, "errors": [], "messages": [], "result": "ok"})
        );
        let video = synth(doc, "/components/schemas/video");
        assert_eq!(video["result"]["created"], json!("2014-01-02T02:20:00Z"));
        let uid = video["result"]["uid"].as_str().unwrap_or_default();
        assert_eq!(uid.len(), 32);
        assert!(uid.bytes().all(|b| b.is_ascii_hexdigit()));
        let one_of = one(
            json!({"oneOf": [{"type": "integer", "minimum": 5, "maximum": 1},
                                           {"type": "string"}]}),
        );
        assert_eq!(one_of, json!("string"));
    }

    #[test]
    fn recursion_ends_and_the_same_schema_gives_the_same_value() {
        let doc = json!({"Tree": {"type": "object", "required": ["children"], "properties": {
            "name": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#/Tree"}}}}});
        let first = synth(doc.clone(), "/Tree");
        assert_eq!(first, synth(doc, "/Tree"));
        let mut depth = 0;
        let mut node = &first;
        while let Some(child) = node["children"].get(0) {
            node = child;
            depth += 1;
        }
        assert_eq!(depth, OPTIONAL_DEPTH / 2);
    }

    #[test]
    fn identifiers_are_stable_and_shaped() {
        assert_eq!(hex_id("a"), hex_id("a"));
        assert_ne!(hex_id("a"), hex_id("b"));
        assert!(formats::valid("uuid", &uuid("x")));
    }
}

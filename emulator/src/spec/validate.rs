//! Checking a JSON value against a schema: the OpenAPI 3.0 Schema Object as specs use it.
//!
//! Keywords: `$ref`, `type` (one, or a 3.1 list), `nullable`, `enum`, `format` (`date-time`,
//! `date`, `time`, `uri`, `uuid`, `email`, `ipv4`, `ipv6`; others are not checked), `minLength`
//! and `maxLength` (in characters), `pattern` (unanchored, as JSON Schema says; a pattern the
//! regex engine cannot read is not checked), `minimum`, `maximum`, `exclusiveMinimum` and
//! `exclusiveMaximum` (3.0 booleans or 3.1 numbers), `multipleOf`, `items`, `minItems`,
//! `maxItems`, `uniqueItems`, `properties`, `required` (a `readOnly` property is not required
//! in a request, a `writeOnly` one not in a response), `additionalProperties`,
//! `minProperties`, `maxProperties`, `allOf`, `anyOf`, `oneOf` and `not`. Each keyword applies
//! to the values of its type only, as in JSON Schema: `required` says nothing about a string.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};

use super::load::Files;
use super::schema::Node;

/// Schemas nest at most this deep while a value is checked (a `$ref` cycle that consumes no
/// value would never end); deeper, the value is taken as valid.
const MAX_DEPTH: usize = 256;

/// One thing wrong with a value: where (a JSON pointer with the request part in front, such
/// as `/body/meta/name`) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    pub(crate) pointer: String,
    pub(crate) message: String,
}

/// Which way a value travels: `readOnly` properties are not required in requests,
/// `writeOnly` ones not in responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Request,
    Response,
}

/// The compiled `pattern`s of a spec, by their text; `None` for those the engine refuses.
#[derive(Debug, Default)]
pub(crate) struct Patterns(HashMap<String, Option<regex_lite::Regex>>);

impl Patterns {
    /// Compiles every `pattern` string found in `files`.
    pub(crate) fn compile(files: &Files) -> Self {
        let mut patterns = Self::default();
        for (_, doc) in &files.docs {
            patterns.collect(doc);
        }
        patterns
    }

    fn collect(&mut self, node: &Value) {
        match node {
            Value::Object(map) => {
                for (key, child) in map {
                    match (key.as_str(), child) {
                        ("pattern", Value::String(text)) => self.add(text),
                        ("example" | "default" | "enum" | "const", _) => {}
                        _ => self.collect(child),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| self.collect(item)),
            _ => {}
        }
    }

    pub(crate) fn add(&mut self, text: &str) {
        if !self.0.contains_key(text) {
            self.0
                .insert(text.to_owned(), regex_lite::Regex::new(text).ok());
        }
    }

    /// Whether `text` matches `pattern`; `None` if the pattern is unknown or unreadable.
    pub(crate) fn matches(&self, pattern: &str, text: &str) -> Option<bool> {
        self.0
            .get(pattern)?
            .as_ref()
            .map(|regex| regex.is_match(text))
    }
}

/// Checks values against the schemas of one spec.
#[derive(Clone, Copy)]
pub(crate) struct Validator<'a> {
    files: &'a Files,
    patterns: &'a Patterns,
    direction: Direction,
    /// Stop after this many violations.
    limit: usize,
}

impl<'a> Validator<'a> {
    pub(crate) fn new(files: &'a Files, patterns: &'a Patterns, direction: Direction) -> Self {
        Self {
            files,
            patterns,
            direction,
            limit: 16,
        }
    }

    /// Everything wrong with `value` against `schema` (at most a few), pointers starting
    /// with `at`.
    pub(crate) fn check(&self, schema: Node<'a>, value: &Value, at: &str) -> Vec<Violation> {
        let mut out = Vec::new();
        let mut pointer = at.to_owned();
        self.walk(schema, value, &mut pointer, &mut out, 0);
        // Object properties are walked in map order, which depends on whether some crate in
        // the build turned on serde_json's `preserve_order`; sorting keeps replies identical
        // in every build.
        out.sort_by(|a, b| a.pointer.cmp(&b.pointer));
        out
    }

    /// Whether `value` satisfies every schema of `schemas`.
    pub(crate) fn valid(&self, schemas: &[Node<'a>], value: &Value) -> bool {
        let quick = Self { limit: 1, ..*self };
        schemas.iter().all(|schema| {
            let mut out = Vec::new();
            quick.walk(*schema, value, &mut String::new(), &mut out, 0);
            out.is_empty()
        })
    }

    fn push(&self, out: &mut Vec<Violation>, at: &str, message: String) {
        if out.len() < self.limit {
            out.push(Violation {
                pointer: at.to_owned(),
                message,
            });
        }
    }

    fn walk(
        &self,
        node: Node<'a>,
        value: &Value,
        at: &mut String,
        out: &mut Vec<Violation>,
        depth: usize,
    ) {
        if out.len() >= self.limit || depth > MAX_DEPTH {
            return;
        }
        let node = self.files.deref(node);
        match node.value {
            Value::Object(_) => {}
            Value::Bool(false) => {
                return self.push(out, at, "no value is allowed here".into());
            }
            _ => return,
        }
        if value.is_null() && node.flag("nullable") {
            return;
        }
        if let Some(types) = node.types()
            && !types.iter().any(|name| has_type(value, name))
        {
            let message = format!("expected {}, got {}", types.join(" or "), kind(value));
            return self.push(out, at, message);
        }
        if let Some(Value::Array(allowed)) = node.get("enum")
            && !allowed.iter().any(|candidate| same(candidate, value))
        {
            let list: Vec<String> = allowed.iter().take(8).map(Value::to_string).collect();
            let more = if allowed.len() > 8 { ", ..." } else { "" };
            let message = format!("{value} is not one of {}{more}", list.join(", "));
            self.push(out, at, message);
        }
        match value {
            Value::String(text) => self.string(node, text, at, out),
            Value::Number(number) => self.number(node, number, at, out),
            Value::Array(items) => self.array(node, items, at, out, depth),
            Value::Object(map) => self.object(node, map, at, out, depth),
            Value::Bool(_) | Value::Null => {}
        }
        self.combinators(node, value, at, out, depth);
    }

    fn string(&self, node: Node<'a>, text: &str, at: &str, out: &mut Vec<Violation>) {
        let length = text.chars().count() as u64;
        if let Some(min) = node.count("minLength")
            && length < min
        {
            self.push(out, at, format!("shorter than {min} characters"));
        }
        if let Some(max) = node.count("maxLength")
            && length > max
        {
            self.push(out, at, format!("longer than {max} characters"));
        }
        if let Some(pattern) = node.get("pattern").and_then(Value::as_str)
            && self.patterns.matches(pattern, text) == Some(false)
        {
            self.push(out, at, format!("does not match the pattern {pattern:?}"));
        }
        if let Some(format) = node.get("format").and_then(Value::as_str)
            && !formats::valid(format, text)
        {
            self.push(out, at, format!("{text:?} is not a valid {format}"));
        }
    }

    fn number(&self, node: Node<'a>, number: &Number, at: &str, out: &mut Vec<Violation>) {
        let Some(x) = number.as_f64() else { return };
        // 3.0: `exclusiveMinimum: true` qualifies `minimum`; 3.1: it is the bound itself.
        let bound = |key: &str, exclusive_key: &str| {
            let inclusive = node.number(key);
            match node.get(exclusive_key) {
                Some(Value::Bool(true)) => inclusive.map(|b| (b, true)),
                Some(Value::Number(b)) => b.as_f64().map(|b| (b, true)),
                _ => inclusive.map(|b| (b, false)),
            }
        };
        match bound("minimum", "exclusiveMinimum") {
            Some((min, true)) if x <= min => self.push(out, at, format!("must be more than {min}")),
            Some((min, false)) if x < min => self.push(out, at, format!("must be at least {min}")),
            _ => {}
        }
        match bound("maximum", "exclusiveMaximum") {
            Some((max, true)) if x >= max => self.push(out, at, format!("must be less than {max}")),
            Some((max, false)) if x > max => self.push(out, at, format!("must be at most {max}")),
            _ => {}
        }
        if let Some(step) = node.number("multipleOf").filter(|step| *step > 0.0) {
            let quotient = x / step;
            if (quotient - quotient.round()).abs() > 1e-9 * quotient.abs().max(1.0) {
                self.push(out, at, format!("must be a multiple of {step}"));
            }
        }
    }

    fn array(
        &self,
        node: Node<'a>,
        items: &[Value],
        at: &mut String,
        out: &mut Vec<Violation>,
        depth: usize,
    ) {
        let count = items.len() as u64;
        if let Some(min) = node.count("minItems")
            && count < min
        {
            self.push(out, at, format!("fewer than {min} items"));
        }
        if let Some(max) = node.count("maxItems")
            && count > max
        {
            self.push(out, at, format!("more than {max} items"));
        }
        if node.flag("uniqueItems") {
            let repeated = items
                .iter()
                .enumerate()
                .any(|(i, a)| items[..i].iter().any(|b| same(a, b)));
            if repeated {
                self.push(out, at, "items must be unique".into());
            }
        }
        if let Some(schema) = node.get("items").filter(|s| s.is_object()) {
            for (index, item) in items.iter().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{index}"));
                self.walk(node.child(schema), item, at, out, depth + 1);
                at.truncate(len);
            }
        }
    }

    fn object(
        &self,
        node: Node<'a>,
        map: &Map<String, Value>,
        at: &mut String,
        out: &mut Vec<Violation>,
        depth: usize,
    ) {
        let properties = node.properties();
        for name in node.required() {
            if map.contains_key(name) {
                continue;
            }
            let schema = properties.and_then(|p| p.get(name)).map(|s| node.child(s));
            let exempt = schema.is_some_and(|schema| {
                let schema = self.files.deref(schema);
                match self.direction {
                    Direction::Request => schema.flag("readOnly"),
                    Direction::Response => schema.flag("writeOnly"),
                }
            });
            if !exempt {
                let pointer = format!("{at}/{}", escape(name));
                self.push(out, &pointer, "is required".into());
            }
        }
        let count = map.len() as u64;
        if let Some(min) = node.count("minProperties")
            && count < min
        {
            self.push(out, at, format!("fewer than {min} properties"));
        }
        if let Some(max) = node.count("maxProperties")
            && count > max
        {
            self.push(out, at, format!("more than {max} properties"));
        }
        let additional = node.get("additionalProperties");
        // With `patternProperties` (rare in OpenAPI 3.0), extra keys are not judged.
        let judge_extra = node.get("patternProperties").is_none();
        for (key, item) in map {
            let len = at.len();
            at.push('/');
            at.push_str(&escape(key));
            match properties.and_then(|p| p.get(key)) {
                Some(schema) => self.walk(node.child(schema), item, at, out, depth + 1),
                None if judge_extra => match additional {
                    Some(Value::Bool(false)) => {
                        self.push(out, at, "is not an allowed property".into());
                    }
                    Some(schema @ Value::Object(_)) => {
                        self.walk(node.child(schema), item, at, out, depth + 1);
                    }
                    _ => {}
                },
                None => {}
            }
            at.truncate(len);
        }
    }

    fn combinators(
        &self,
        node: Node<'a>,
        value: &Value,
        at: &mut String,
        out: &mut Vec<Violation>,
        depth: usize,
    ) {
        if let Some(Value::Array(members)) = node.get("allOf") {
            for member in members {
                self.walk(node.child(member), value, at, out, depth + 1);
            }
        }
        let matching = |members: &'a [Value]| {
            members
                .iter()
                .filter(|member| {
                    let mut found = Vec::new();
                    let quick = Self { limit: 1, ..*self };
                    quick.walk(
                        node.child(member),
                        value,
                        &mut at.clone(),
                        &mut found,
                        depth + 1,
                    );
                    found.is_empty()
                })
                .count()
        };
        if let Some(Value::Array(members)) = node.get("anyOf")
            && matching(members) == 0
        {
            let message = format!("matches none of the {} schemas of anyOf", members.len());
            self.push(out, at, message);
        }
        if let Some(Value::Array(members)) = node.get("oneOf") {
            match matching(members) {
                1 => {}
                0 => self.push(
                    out,
                    at,
                    format!("matches none of the {} schemas of oneOf", members.len()),
                ),
                n => self.push(
                    out,
                    at,
                    format!("matches {n} schemas of oneOf; exactly one must match"),
                ),
            }
        }
        if let Some(negated) = node.get("not").filter(|s| s.is_object()) {
            let mut found = Vec::new();
            let quick = Self { limit: 1, ..*self };
            quick.walk(
                node.child(negated),
                value,
                &mut at.clone(),
                &mut found,
                depth + 1,
            );
            if found.is_empty() {
                self.push(out, at, "matches the schema of `not`".into());
            }
        }
    }
}

/// Whether `value` is of the JSON Schema type `name`; `2.0` is an integer, as JSON Schema says.
pub(crate) fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => match value {
            Value::Number(n) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => false,
        },
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        // An unknown type name constrains nothing.
        _ => true,
    }
}

/// The JSON type of `value`, for messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// JSON equality as JSON Schema means it: `1` and `1.0` are the same number.
pub(crate) fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x == y,
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// A property name as a JSON pointer segment.
pub(crate) fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// The string formats that are checked.
pub(crate) mod formats {
    use std::net::{Ipv4Addr, Ipv6Addr};

    /// Whether `text` is a valid `format`; formats not known here are not checked.
    pub(crate) fn valid(format: &str, text: &str) -> bool {
        match format {
            "date-time" => date_time(text),
            "date" => date(text),
            "time" => time(text),
            "uri" | "url" => uri(text),
            "uuid" => uuid(text),
            "email" => email(text),
            "ipv4" => text.parse::<Ipv4Addr>().is_ok(),
            "ipv6" => text.parse::<Ipv6Addr>().is_ok(),
            _ => true,
        }
    }

    fn digits(text: &str, count: usize) -> Option<u32> {
        (text.len() == count && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse().ok())
            .flatten()
    }

    /// RFC 3339 `full-date`: `2024-02-29`, with the days the month has.
    pub(super) fn date(text: &str) -> bool {
        let mut parts = text.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        let (Some(year), Some(month), Some(day)) = (digits(y, 4), digits(m, 2), digits(d, 2))
        else {
            return false;
        };
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return false,
        };
        (1..=days).contains(&day)
    }

    /// RFC 3339 `full-time`: `23:59:60.5+02:00`, `00:00:00Z`.
    pub(super) fn time(text: &str) -> bool {
        let offset_at = text
            .rfind(['Z', 'z', '+', '-'])
            .filter(|&i| i >= 8)
            .unwrap_or(text.len());
        let (partial, offset) = text.split_at(offset_at);
        let offset_ok = match offset {
            "Z" | "z" => true,
            _ if offset.len() == 6 => {
                let (sign, rest) = offset.split_at(1);
                (sign == "+" || sign == "-") && hours_minutes(rest)
            }
            _ => false,
        };
        let (clock, fraction) = partial.split_once('.').unwrap_or((partial, "0"));
        let fraction_ok = !fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit());
        let mut parts = clock.split(':');
        let clock_ok = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(h), Some(m), Some(s), None) => {
                matches!((digits(h, 2), digits(m, 2), digits(s, 2)),
                    (Some(h), Some(m), Some(s)) if h < 24 && m < 60 && s <= 60)
            }
            _ => false,
        };
        offset_ok && fraction_ok && clock_ok
    }

    fn hours_minutes(text: &str) -> bool {
        match text.split_once(':') {
            Some((h, m)) => matches!((digits(h, 2), digits(m, 2)),
                (Some(h), Some(m)) if h < 24 && m < 60),
            None => false,
        }
    }

    /// RFC 3339 `date-time`: `2024-01-02T03:04:05Z` (`T` or `t`).
    pub(super) fn date_time(text: &str) -> bool {
        match text.split_once(['T', 't']) {
            Some((d, t)) => date(d) && time(t),
            None => false,
        }
    }

    /// An absolute URI: a scheme, `:`, then no spaces or control characters.
    pub(super) fn uri(text: &str) -> bool {
        let Some((scheme, rest)) = text.split_once(':') else {
            return false;
        };
        let mut scheme_chars = scheme.chars();
        scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && scheme_chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && !rest
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(c))
    }

    /// `8-4-4-4-12` hexadecimal digits.
    pub(super) fn uuid(text: &str) -> bool {
        let groups: Vec<&str> = text.split('-').collect();
        groups.len() == 5
            && groups
                .iter()
                .zip([8, 4, 4, 4, 12])
                .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
    }

    /// `local@domain`, both non-empty, no spaces, one `@` outside quotes.
    pub(super) fn email(text: &str) -> bool {
        match text.rsplit_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && !text.chars().any(|c| c.is_whitespace() || c.is_control())
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(schema: Value, value: Value) -> Vec<(String, String)> {
        check_as(Direction::Request, schema, value)
    }

    fn check_as(direction: Direction, schema: Value, value: Value) -> Vec<(String, String)> {
        let files = Files::from_docs(vec![("a.yaml".into(), json!({"s": schema}))]);
        let patterns = Patterns::compile(&files);
        let doc = &files.docs[0].1;
        let validator = Validator::new(&files, &patterns, direction);
        validator
            .check(Node::new(0, &doc["s"]), &value, "/body")
            .into_iter()
            .map(|v| (v.pointer, v.message))
            .collect()
    }

    fn pointers(schema: Value, value: Value) -> Vec<String> {
        check(schema, value).into_iter().map(|(p, _)| p).collect()
    }

    #[test]
    fn types_nullable_and_enums() {
        assert!(check(json!({"type": "string"}), json!("x")).is_empty());
        assert_eq!(
            check(json!({"type": "string"}), json!(1)),
            [("/body".into(), "expected string, got an integer".into())]
        );
        assert!(check(json!({"type": "integer"}), json!(2.0)).is_empty());
        assert_eq!(pointers(json!({"type": "integer"}), json!(2.5)), ["/body"]);
        assert_eq!(pointers(json!({"type": "string"}), json!(null)), ["/body"]);
        assert!(check(json!({"type": "string", "nullable": true}), json!(null)).is_empty());
        assert!(check(json!({"type": ["string", "null"]}), json!(null)).is_empty());
        // No type: anything, null included.
        assert!(check(json!({}), json!(null)).is_empty());
        let status = json!({"type": "string", "enum": ["ready", "error"]});
        assert!(check(status.clone(), json!("ready")).is_empty());
        assert_eq!(pointers(status, json!("nope")), ["/body"]);
        assert!(check(json!({"enum": [1]}), json!(1.0)).is_empty());
        // Cloudflare's `result` of a failure: only null.
        let null_only = json!({"type": "object", "nullable": true, "enum": [null]});
        assert!(check(null_only.clone(), json!(null)).is_empty());
        assert_eq!(pointers(null_only, json!({})), ["/body"]);
    }

    #[test]
    fn strings_numbers_and_arrays() {
        let id = json!({"type": "string", "maxLength": 3, "minLength": 1});
        assert!(check(id.clone(), json!("ééé")).is_empty());
        assert_eq!(pointers(id.clone(), json!("abcd")), ["/body"]);
        assert_eq!(pointers(id, json!("")), ["/body"]);
        let hex = json!({"type": "string", "pattern": "^[0-9a-f]+$"});
        assert!(check(hex.clone(), json!("c0ffee")).is_empty());
        assert_eq!(pointers(hex, json!("coffee")), ["/body"]);
        let pct = json!({"type": "number", "minimum": 0, "maximum": 1});
        assert!(check(pct.clone(), json!(0)).is_empty());
        assert!(check(pct.clone(), json!(1)).is_empty());
        assert_eq!(pointers(pct, json!(1.5)), ["/body"]);
        let open = json!({"type": "number", "minimum": 0, "exclusiveMinimum": true});
        assert_eq!(pointers(open, json!(0)), ["/body"]);
        assert_eq!(
            pointers(json!({"type": "number", "exclusiveMaximum": 10}), json!(10)),
            ["/body"]
        );
        assert_eq!(
            pointers(json!({"type": "number", "multipleOf": 0.5}), json!(1.25)),
            ["/body"]
        );
        assert!(check(json!({"type": "number", "multipleOf": 0.1}), json!(0.3)).is_empty());
        let tags = json!({"type": "array", "items": {"type": "string"}, "maxItems": 2,
                          "uniqueItems": true});
        assert!(check(tags.clone(), json!(["a", "b"])).is_empty());
        assert_eq!(pointers(tags.clone(), json!(["a", 1])), ["/body/1"]);
        assert_eq!(pointers(tags.clone(), json!(["a", "a"])), ["/body"]);
        assert_eq!(pointers(tags, json!(["a", "b", "c"])), ["/body"]);
    }

    #[test]
    fn objects_name_the_offending_property() {
        let clip = json!({
            "type": "object",
            "required": ["clippedFromVideoUID", "startTimeSeconds"],
            "properties": {
                "clippedFromVideoUID": {"type": "string", "maxLength": 32},
                "startTimeSeconds": {"type": "integer"},
                "watermark": {"properties": {"uid": {"type": "string", "maxLength": 2}}},
                "a/b": {"type": "string"},
            },
        });
        assert!(
            check(
                clip.clone(),
                json!({"clippedFromVideoUID": "x", "startTimeSeconds": 1, "extra": 1})
            )
            .is_empty()
        );
        assert_eq!(
            pointers(clip.clone(), json!({"startTimeSeconds": "1"})),
            ["/body/clippedFromVideoUID", "/body/startTimeSeconds"]
        );
        assert_eq!(
            pointers(
                clip.clone(),
                json!({"clippedFromVideoUID": "x", "startTimeSeconds": 1,
                       "watermark": {"uid": "abc"}, "a/b": 1})
            ),
            ["/body/a~1b", "/body/watermark/uid"]
        );
        // `required` and `properties` say nothing about values that are not objects.
        assert!(check(json!({"required": ["url"]}), json!(5)).is_empty());
        let closed = json!({"type": "object", "properties": {"a": {}},
                            "additionalProperties": false});
        assert_eq!(pointers(closed, json!({"a": 1, "b": 2})), ["/body/b"]);
        let map = json!({"type": "object", "additionalProperties": {"type": "integer"}});
        assert_eq!(pointers(map, json!({"a": 1, "b": "2"})), ["/body/b"]);
        let sized = json!({"type": "object", "minProperties": 1});
        assert_eq!(pointers(sized, json!({})), ["/body"]);
    }

    #[test]
    fn read_only_and_write_only_properties_are_required_one_way() {
        let schema = json!({"type": "object", "required": ["id", "secret"], "properties": {
            "id": {"type": "string", "readOnly": true},
            "secret": {"type": "string", "writeOnly": true}}});
        assert_eq!(
            pointers(schema.clone(), json!({})),
            ["/body/secret"],
            "a request need not send the read-only id"
        );
        let response = check_as(Direction::Response, schema, json!({}));
        assert_eq!(response.len(), 1);
        assert_eq!(response[0].0, "/body/id");
    }

    #[test]
    fn combinators() {
        let single = json!({"allOf": [
            {"type": "object", "properties": {"result": {"anyOf": [{"type": "object"}, {"type": "string"}]}}},
            {"properties": {"result": {"type": "string", "maxLength": 2}}},
        ]});
        assert!(check(single.clone(), json!({"result": "ok"})).is_empty());
        assert_eq!(
            pointers(single.clone(), json!({"result": "okay"})),
            ["/body/result"]
        );
        assert_eq!(pointers(single, json!({"result": 1})).len(), 2);
        let one = json!({"oneOf": [{"type": "integer"}, {"type": "number"}]});
        assert!(check(one.clone(), json!(1.5)).is_empty());
        let both = check(one, json!(1));
        assert!(both[0].1.contains("exactly one"), "{both:?}");
        assert_eq!(
            pointers(json!({"not": {"type": "string"}}), json!("x")),
            ["/body"]
        );
    }

    #[test]
    fn refs_are_followed_and_cycles_end() {
        let files = Files::from_docs(vec![(
            "a.yaml".into(),
            json!({"Tree": {"type": "object", "properties": {
                "children": {"type": "array", "items": {"$ref": "#/Tree"}}}},
                   "Loop": {"allOf": [{"$ref": "#/Loop"}]}}),
        )]);
        let patterns = Patterns::compile(&files);
        let validator = Validator::new(&files, &patterns, Direction::Request);
        let doc = &files.docs[0].1;
        let tree = Node::new(0, &doc["Tree"]);
        let found = validator.check(tree, &json!({"children": [{"children": [1]}]}), "");
        assert_eq!(found[0].pointer, "/children/0/children/0");
        assert!(validator.valid(&[Node::new(0, &doc["Loop"])], &json!(1)));
    }

    #[test]
    fn formats() {
        use formats::valid;
        for good in [
            "2014-01-02T02:20:00Z",
            "2024-02-29t23:59:60.123+05:30",
            "2000-01-01T00:00:00-00:00",
        ] {
            assert!(valid("date-time", good), "{good}");
        }
        for bad in [
            "2014-01-02",
            "2023-02-29T00:00:00Z",
            "2014-01-02T24:00:00Z",
            "2014-01-02T02:20:00",
            "2014-1-02T02:20:00Z",
            "x",
            "",
        ] {
            assert!(!valid("date-time", bad), "{bad}");
        }
        assert!(valid("uri", "https://example.com/a?b=c#d"));
        assert!(valid("uri", "urn:isbn:0451450523"));
        assert!(!valid("uri", "example.com"));
        assert!(!valid("uri", "https://exa mple.com"));
        assert!(valid("uuid", "123e4567-e89b-12d3-a456-426614174000"));
        assert!(!valid("uuid", "123e4567e89b12d3a456426614174000"));
        assert!(valid("email", "user@example.com"));
        assert!(!valid("email", "user.example.com"));
        assert!(valid("ipv6", "2001:db8::1"));
        assert!(!valid("ipv4", "256.0.0.1"));
        assert!(valid("something-else", "anything"));
    }
}

//! Random specs that are valid OpenAPI the generator supports: objects, enums, arrays, maps,
//! `allOf`, `oneOf`, `$ref`s (cycles included) within and across two files, path, query and
//! header parameters, JSON bodies and enveloped responses; every name drawn from a pool of
//! awkward ones (keywords, leading digits, unicode, names that collide after case conversion,
//! empty names). Each must generate.

use std::path::PathBuf;

use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Names a spec may use that are hard to turn into Rust.
pub fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        // Keywords (strict, reserved, 2024's `gen`), and names that cannot even be raw.
        prop::sample::select(vec![
            "type",
            "self",
            "Self",
            "super",
            "crate",
            "_",
            "gen",
            "async",
            "await",
            "fn",
            "match",
            "mod",
            "r#type",
            "dyn",
            "try",
            "union",
            "macro_rules",
            "static",
            "abstract",
            "become",
        ])
        .prop_map(str::to_owned),
        // Names the generated code uses itself, or would shadow.
        prop::sample::select(vec![
            "Option",
            "Some",
            "None",
            "String",
            "Result",
            "Client",
            "Request",
            "Error",
            "Value",
            "Map",
            "Default",
            "Box",
            "Vec",
            "models",
            "std",
            "serde",
            "serde_json",
            "core",
            "from",
            "into_request",
            "send",
            "query_all",
            "body",
            "path",
            "client",
            "as_str",
            "Unknown",
            "Other",
            "UnknownValue",
            "to_form",
            "request",
            "into_future",
            "OPERATION",
        ])
        .prop_map(str::to_owned),
        // Families that collide after case conversion.
        prop::sample::select(vec![
            "foo_bar",
            "fooBar",
            "FooBar",
            "foo-bar",
            "FOO_BAR",
            "foo bar",
            "foo__bar",
            "Foo_Bar2",
            "foo_bar_2",
            "FooBar2",
            "foo.bar",
            "foo$bar",
            "x-y",
            "X-Y",
            "x_y",
        ])
        .prop_map(str::to_owned),
        // Leading digits, empty, only punctuation.
        "[0-9][a-zA-Z0-9_]{0,5}",
        prop::sample::select(vec![
            "", " ", "-", "__", "$", "~", "/", "~1", "#", "%20", "{}", "."
        ])
        .prop_map(str::to_owned),
        // Plain ASCII with separators.
        "[a-zA-Z][a-zA-Z0-9_ .$-]{0,10}",
        // Unicode: letters that are not ASCII, and anything printable.
        "[a-zé中ü日本語Ω_-]{1,6}",
        "\\PC{0,8}",
    ]
}

/// Documentation text, awkward characters included.
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,30}",
        prop::sample::select(vec![
            "", " ", "a\rb", "line\r\nother", "\r", "ends with CR\r", "*/", "/*", "```", "```rust\nnot rust",
            "\"quoted\" \\ backslash", "\u{0}", "tab\there", "\u{202e}rtl", "# heading", "| a | b |",
            "- item\n- item", "    indented", "#[doc = \"x\"]", "//! inner", "/// outer",
            "a very long line that goes on and on and on and on and on and on and on and on and on and on and on",
        ])
        .prop_map(str::to_owned),
    ]
}

/// A schema, before names are known: references are indexes into the components.
#[derive(Debug, Clone)]
pub enum Node {
    Scalar(&'static str),
    Any,
    EmptyObject,
    Binary,
    Enum(Vec<String>, bool),
    Ref(usize),
    Object(Vec<(String, Node, bool)>),
    Array(Box<Node>),
    Map(Box<Node>),
    AllOf(Vec<Node>),
    OneOf(Vec<Node>),
    AnyOf(Vec<Node>),
    Nullable(Box<Node>),
    Described(Box<Node>, String),
    /// With a `title`, which names an inline union member.
    Titled(Box<Node>, String),
    Bounded(Box<Node>, Option<u64>, Option<u64>),
}

/// Schemas nested up to four deep.
pub fn node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        prop::sample::select(vec!["string", "integer", "number", "boolean"]).prop_map(Node::Scalar),
        Just(Node::Any),
        Just(Node::EmptyObject),
        Just(Node::Binary),
        (prop::collection::vec(name(), 1..6), any::<bool>())
            .prop_map(|(values, nullable)| Node::Enum(values, nullable)),
        (0..8usize).prop_map(Node::Ref),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec((name(), inner.clone(), any::<bool>()), 1..5)
                .prop_map(Node::Object),
            inner.clone().prop_map(|n| Node::Array(Box::new(n))),
            inner.clone().prop_map(|n| Node::Map(Box::new(n))),
            prop::collection::vec(inner.clone(), 1..3).prop_map(Node::AllOf),
            prop::collection::vec(inner.clone(), 1..4).prop_map(Node::OneOf),
            prop::collection::vec(inner.clone(), 2..3).prop_map(Node::AnyOf),
            inner.clone().prop_map(|n| Node::Nullable(Box::new(n))),
            (inner.clone(), text()).prop_map(|(n, d)| Node::Described(Box::new(n), d)),
            (inner.clone(), name()).prop_map(|(n, t)| Node::Titled(Box::new(n), t)),
            (
                inner,
                prop::option::of(0..100u64),
                prop::option::of(0..100u64)
            )
                .prop_map(|(n, min, max)| Node::Bounded(Box::new(n), min, max)),
        ]
    })
}

/// A parameter's schema: what the generator takes for a parameter.
#[derive(Debug, Clone)]
pub enum ParamSchema {
    Scalar(&'static str),
    Enum(Vec<String>),
    List(&'static str),
    Ref(usize),
}

fn param_schema() -> impl Strategy<Value = ParamSchema> {
    prop_oneof![
        prop::sample::select(vec!["string", "integer", "number", "boolean"])
            .prop_map(ParamSchema::Scalar),
        prop::collection::vec(name(), 1..4).prop_map(ParamSchema::Enum),
        prop::sample::select(vec!["string", "integer"]).prop_map(ParamSchema::List),
        // A component; used only if that component is a scalar or enum (see `render`).
        (0..8usize).prop_map(ParamSchema::Ref),
    ]
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub segments: Vec<String>,
    pub item_param: Option<(String, ParamSchema)>,
    pub verb: &'static str,
    pub query: Vec<(String, ParamSchema, bool)>,
    pub headers: Vec<(String, ParamSchema, bool)>,
    pub body: Option<Node>,
    /// `None`: no content; `Some((node, enveloped))`.
    pub response: Option<(Node, bool)>,
    pub operation_id: bool,
    pub method: Option<String>,
    pub resource: Option<Vec<String>>,
    pub summary: Option<String>,
    pub tag: Option<usize>,
}

fn operation() -> impl Strategy<Value = Operation> {
    let params = || prop::collection::vec((name(), param_schema(), any::<bool>()), 0..3);
    (
        prop::collection::vec(name(), 1..3),
        prop::option::of((name(), param_schema())),
        prop::sample::select(vec![
            "get", "post", "put", "patch", "delete", "head", "options",
        ]),
        params(),
        params(),
        prop::option::weighted(0.4, node()),
        prop::option::weighted(0.85, (node(), any::<bool>())),
        any::<bool>(),
        prop::option::weighted(0.15, name()),
        prop::option::weighted(0.1, prop::collection::vec(name(), 1..3)),
        prop::option::of(text()),
        prop::option::of(0..3usize),
    )
        .prop_map(
            |(
                segments,
                item_param,
                verb,
                query,
                headers,
                body,
                response,
                operation_id,
                method,
                resource,
                summary,
                tag,
            )| Operation {
                segments,
                item_param,
                verb,
                query,
                headers,
                body,
                response,
                operation_id,
                method,
                resource,
                summary,
                tag,
            },
        )
}

/// A whole random spec: components in two files, operations in the first.
#[derive(Debug, Clone)]
pub struct RandomSpec {
    /// Name, schema, and which file (0 or 1) holds it.
    pub components: Vec<(String, Node, usize)>,
    pub operations: Vec<Operation>,
    pub tags: Vec<(String, String)>,
    /// Whether each file is written as JSON (else YAML).
    pub json: [bool; 2],
}

pub fn spec() -> impl Strategy<Value = RandomSpec> {
    (
        prop::collection::vec((name(), node(), 0..2usize), 1..7),
        prop::collection::vec(operation(), 1..5),
        prop::collection::vec((name(), text()), 0..3),
        any::<[bool; 2]>(),
    )
        .prop_map(|(mut components, operations, tags, json)| {
            // One definition per name and file, as in a JSON object.
            let mut seen = std::collections::BTreeSet::new();
            components.retain(|(name, _, file)| seen.insert((name.clone(), *file)));
            RandomSpec {
                components,
                operations,
                tags,
                json,
            }
        })
}

const FILES: [&str; 2] = ["a", "b"];

impl RandomSpec {
    fn file_name(&self, file: usize) -> String {
        let ext = if self.json[file] { "json" } else { "yaml" };
        format!("{}.{ext}", FILES[file])
    }

    /// The reference, written in file `from`, to component `index`.
    fn reference(&self, from: usize, index: usize) -> String {
        let (name, _, file) = &self.components[index % self.components.len()];
        let doc = if *file == from {
            String::new()
        } else {
            self.file_name(*file)
        };
        format!("{doc}{}", codegen::load::component_ref("schemas", name))
    }

    fn schema(&self, from: usize, node: &Node) -> Value {
        match node {
            Node::Scalar(ty) => json!({"type": ty}),
            Node::Any => json!({}),
            Node::EmptyObject => json!({"type": "object"}),
            Node::Binary => json!({"type": "string", "format": "binary"}),
            Node::Enum(values, nullable) => {
                let mut values: Vec<Value> = values.iter().map(|v| json!(v)).collect();
                if *nullable {
                    values.push(Value::Null);
                }
                json!({"type": "string", "enum": values, "nullable": nullable})
            }
            Node::Ref(index) => json!({"$ref": self.reference(from, *index)}),
            Node::Object(properties) => {
                let mut map = Map::new();
                let mut required = Vec::new();
                for (name, node, is_required) in properties {
                    map.insert(name.clone(), self.schema(from, node));
                    if *is_required && !required.contains(name) {
                        required.push(name.clone());
                    }
                }
                let mut object = json!({"type": "object", "properties": map});
                if !required.is_empty() {
                    object["required"] = json!(required);
                }
                object
            }
            Node::Array(items) => json!({"type": "array", "items": self.schema(from, items)}),
            Node::Map(values) => {
                json!({"type": "object", "additionalProperties": self.schema(from, values)})
            }
            Node::AllOf(members) => json!({"allOf": self.schemas(from, members)}),
            Node::OneOf(members) => json!({"oneOf": self.schemas(from, members)}),
            Node::AnyOf(members) => json!({"anyOf": self.schemas(from, members)}),
            Node::Nullable(inner) => {
                let mut schema = self.beside(from, inner);
                schema["nullable"] = json!(true);
                schema
            }
            Node::Described(inner, text) => {
                let mut schema = self.beside(from, inner);
                schema["description"] = json!(text);
                schema
            }
            Node::Titled(inner, title) => {
                let mut schema = self.beside(from, inner);
                schema["title"] = json!(title);
                schema
            }
            Node::Bounded(inner, min, max) => {
                let mut schema = self.beside(from, inner);
                if let Some(min) = min {
                    schema["minLength"] = json!(min);
                }
                if let Some(max) = max {
                    schema["maxLength"] = json!(max);
                }
                schema
            }
        }
    }

    /// A schema that keywords can be added beside (a `$ref` is wrapped in `allOf`).
    fn beside(&self, from: usize, node: &Node) -> Value {
        match self.schema(from, node) {
            schema if schema.get("$ref").is_some() => json!({"allOf": [schema]}),
            schema => schema,
        }
    }

    fn schemas(&self, from: usize, nodes: &[Node]) -> Vec<Value> {
        nodes.iter().map(|n| self.schema(from, n)).collect()
    }

    /// A parameter schema; a reference only to a component that is a scalar or an enum.
    fn param_schema(&self, schema: &ParamSchema) -> Value {
        match schema {
            ParamSchema::Scalar(ty) => json!({"type": ty}),
            ParamSchema::Enum(values) => json!({"type": "string", "enum": values}),
            ParamSchema::List(ty) => json!({"type": "array", "items": {"type": ty}}),
            ParamSchema::Ref(index) => {
                let (_, node, _) = &self.components[index % self.components.len()];
                match node {
                    Node::Scalar(_) | Node::Enum(..) => json!({"$ref": self.reference(0, *index)}),
                    _ => json!({"type": "string"}),
                }
            }
        }
    }

    /// The spec files, as `(path, text)`.
    pub fn render(&self) -> Vec<(PathBuf, String)> {
        let mut docs: Vec<Value> = (0..2)
            .map(|i| {
                json!({
                    "openapi": "3.0.3",
                    "info": {"title": format!("random {}", FILES[i]), "version": "1"},
                    "paths": {},
                    "components": {"schemas": {}},
                })
            })
            .collect();
        for (name, node, file) in &self.components {
            // A component that is only a `$ref` may close a ring of `$ref`s with no schema in
            // it, which is not a spec (it is refused); `allOf: [$ref]` is one.
            docs[*file]["components"]["schemas"][name] = self.beside(*file, node);
        }
        let mut tags = Vec::new();
        for (name, description) in &self.tags {
            tags.push(json!({"name": name, "description": description}));
        }
        docs[0]["tags"] = json!(tags);
        for (i, op) in self.operations.iter().enumerate() {
            let (path, value) = self.operation(i, op);
            let paths = &mut docs[0]["paths"];
            if paths.get(&path).is_none() {
                paths[&path] = json!({});
            }
            paths[&path][op.verb] = value;
        }
        docs.into_iter()
            .enumerate()
            .map(|(i, doc)| {
                let text = if self.json[i] {
                    serde_json::to_string_pretty(&doc).unwrap_or_default()
                } else {
                    yaml_serde::to_string(&doc).unwrap_or_default()
                };
                (PathBuf::from(format!("spec/{}", self.file_name(i))), text)
            })
            .collect()
    }

    fn operation(&self, index: usize, op: &Operation) -> (String, Value) {
        // Path segments may not hold `/`, `{` or `}`, nor be empty.
        let clean = |s: &str| {
            let cleaned: String = s
                .chars()
                .filter(|c| !matches!(c, '/' | '{' | '}' | '?' | '#'))
                .collect();
            if cleaned.trim().is_empty() {
                "x".to_owned()
            } else {
                cleaned
            }
        };
        let mut path = "/accounts/{account_id}".to_owned();
        for segment in &op.segments {
            path.push('/');
            path.push_str(&clean(segment));
        }
        let mut parameters = vec![json!({
            "name": "account_id", "in": "path", "required": true,
            "schema": {"type": "string", "maxLength": 32},
        })];
        if let Some((name, schema)) = &op.item_param {
            let name = clean(name);
            if name != "account_id" {
                path.push_str(&format!("/{{{name}}}"));
                let schema = match schema {
                    ParamSchema::List(_) => ParamSchema::Scalar("string"),
                    other => other.clone(),
                };
                parameters.push(json!({
                    "name": name, "in": "path", "required": true,
                    "schema": self.param_schema(&schema),
                }));
            }
        }
        for (location, list) in [("query", &op.query), ("header", &op.headers)] {
            let mut seen = Vec::new();
            for (name, schema, required) in list {
                if seen.contains(name) {
                    continue;
                }
                seen.push(name.clone());
                let schema = match (location, schema) {
                    ("header", ParamSchema::List(_)) => ParamSchema::Scalar("string"),
                    (_, other) => other.clone(),
                };
                parameters.push(json!({
                    "name": name, "in": location, "required": required,
                    "schema": self.param_schema(&schema),
                }));
            }
        }
        let mut value = json!({"parameters": parameters});
        if op.operation_id {
            value["operationId"] = json!(format!("op-{index}"));
        }
        if let Some(method) = &op.method
            && !method.trim().is_empty()
        {
            value["x-rust-method"] = json!(method);
        }
        if let Some(resource) = &op.resource {
            let dotted = resource
                .iter()
                .map(|r| clean(&r.replace('.', "")))
                .collect::<Vec<_>>()
                .join(".");
            value["x-rust-resource"] = json!(dotted);
        }
        if let Some(summary) = &op.summary {
            value["summary"] = json!(summary);
        }
        if let Some(tag) = op.tag
            && let Some((name, _)) = self.tags.get(tag)
        {
            value["tags"] = json!([name]);
        }
        if let Some(body) = &op.body
            && matches!(op.verb, "post" | "put" | "patch")
        {
            value["requestBody"] = json!({
                "content": {"application/json": {"schema": self.schema(0, body)}},
            });
        }
        let response = match &op.response {
            None => json!({"description": "nothing"}),
            Some((node, false)) => json!({
                "description": "plain",
                "content": {"application/json": {"schema": self.schema(0, node)}},
            }),
            Some((node, true)) => json!({
                "description": "enveloped",
                "content": {"application/json": {"schema": {"allOf": [
                    {"type": "object", "properties": {
                        "success": {"type": "boolean"},
                        "errors": {"type": "array", "items": {}},
                        "messages": {"type": "array", "items": {}},
                    }},
                    {"type": "object", "properties": {"result": self.schema(0, node)}},
                ]}}},
            }),
        };
        value["responses"] = json!({"200": response});
        (path, value)
    }
}

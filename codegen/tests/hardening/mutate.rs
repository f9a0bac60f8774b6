//! Random mutations of real specs: nodes deleted, replaced, moved, renamed, wrapped, `$ref`s
//! pointed elsewhere (at themselves, out of the folder, at URLs), and now and then the text
//! itself cut or corrupted. The result must generate or be refused with a located error.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{Value, json};

/// A real spec: its files as parsed JSON values, and whether each was JSON.
#[derive(Debug)]
pub struct RealSpec {
    pub label: &'static str,
    pub files: Vec<(PathBuf, Value)>,
}

fn parse(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The SDK's own `spec/`.
pub fn sdk_spec() -> &'static RealSpec {
    static SPEC: OnceLock<RealSpec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
        let files = codegen::spec_files(&dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|path| {
                let name = path.file_name().map(PathBuf::from).unwrap_or_default();
                (Path::new("spec").join(name), parse(&path))
            })
            .collect();
        RealSpec {
            label: "spec/",
            files,
        }
    })
}

/// Cloudflare's Stream schema, as vendored in `schemas/cloudflare/`.
pub fn stream_schema() -> &'static RealSpec {
    static SPEC: OnceLock<RealSpec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = super::schemas::schema("cloudflare-stream.yaml");
        RealSpec {
            label: "cloudflare-stream.yaml",
            files: vec![(PathBuf::from("specs/cloudflare-stream.yaml"), parse(&path))],
        }
    })
}

/// One change to a document. Positions are fractions of the document's node list, so the same
/// mutation means something in any document.
#[derive(Debug, Clone)]
pub enum Mutation {
    Delete(f64),
    Replace(f64, Value),
    /// Copies the node at the first position over the node at the second.
    Copy(f64, f64),
    Rename(f64, String),
    Wrap(f64, Wrapper),
    /// Points a `$ref` (the nearest one at or after the position) at something else.
    Retarget(f64, Target),
    /// Sets `type` on the object at the position.
    Retype(f64, String),
}

#[derive(Debug, Clone, Copy)]
pub enum Wrapper {
    AllOf,
    OneOf,
    Array,
    Map,
    Not,
    Nullable,
    /// Nested this many times in objects with one property.
    Deep(usize),
}

#[derive(Debug, Clone)]
pub enum Target {
    /// Another component schema of the file (by position), often making a cycle.
    Component(f64),
    /// The schema the `$ref` stands in (a direct self-reference).
    Itself,
    Literal(String),
}

fn position() -> impl Strategy<Value = f64> {
    0.0..1.0f64
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e9..1e9f64).prop_map(|n| json!(n)),
        super::random::name().prop_map(Value::String),
        prop::sample::select(vec![
            "string", "object", "array", "integer", "number", "boolean", "null", "file",
        ])
        .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "type",
                    "properties",
                    "items",
                    "allOf",
                    "oneOf",
                    "anyOf",
                    "$ref",
                    "enum",
                    "required",
                    "nullable",
                    "additionalProperties",
                    "not",
                    "content",
                    "schema",
                    "name",
                    "in",
                    "x",
                ]),
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        3 => position().prop_map(Target::Component),
        2 => Just(Target::Itself),
        3 => prop::sample::select(vec![
            "#", "#/", "", "#/paths", "#/components", "#/components/schemas",
            "#/components/schemas/", "#/components/schemas/Nope", "#/info/title",
            "#/components/schemas/~2", "#/components/schemas/a~1b", "#x",
            "../secret.yaml#/x", "/etc/passwd#/x", "..\\secret.yaml#/x", "./common.yaml#/x",
            "common.yaml", "common.yaml#", "common.yaml#/components/schemas/Envelope",
            "downloads.yaml#/components/schemas/Download", "https://example.com/s.yaml#/x",
            "file:///etc/passwd#/x", "cloudflare-stream.yaml#/components/schemas",
            "#/components/parameters/account_id", "#/components/responses/Failure",
            "#/paths/~1accounts~1{account_id}~1stream~1{identifier}~1downloads/get",
        ])
        .prop_map(|s| Target::Literal(s.to_owned())),
        1 => super::random::name().prop_map(Target::Literal),
    ]
}

/// How deep [`Wrapper::Deep`] nests: 40 unless `HARDENING_MAX_DEEP` says otherwise. (An
/// invalid node at the bottom of such a chain once took the loader time exponential in the
/// depth: `invalid_schemas_nested_deep_are_refused_quickly` in `tests/pathological.rs`.)
fn max_deep() -> usize {
    std::env::var("HARDENING_MAX_DEEP")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40)
}

pub fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => position().prop_map(Mutation::Delete),
        2 => (position(), value()).prop_map(|(p, v)| Mutation::Replace(p, v)),
        2 => (position(), position()).prop_map(|(a, b)| Mutation::Copy(a, b)),
        1 => (position(), super::random::name()).prop_map(|(p, n)| Mutation::Rename(p, n)),
        2 => (position(), prop_oneof![
            Just(Wrapper::AllOf), Just(Wrapper::OneOf), Just(Wrapper::Array),
            Just(Wrapper::Map), Just(Wrapper::Not), Just(Wrapper::Nullable),
            (1..=max_deep()).prop_map(Wrapper::Deep),
        ]).prop_map(|(p, w)| Mutation::Wrap(p, w)),
        4 => (position(), target()).prop_map(|(p, t)| Mutation::Retarget(p, t)),
        1 => (position(), prop::sample::select(vec![
            "string", "object", "array", "integer", "number", "boolean", "null", "file", "",
        ])).prop_map(|(p, t)| Mutation::Retype(p, t.to_owned())),
    ]
}

/// How a mutated document is written out.
#[derive(Debug, Clone)]
pub enum Text {
    Json,
    Yaml,
    /// YAML, cut at this fraction of its length.
    Truncated(f64),
    /// YAML with this character put at this fraction of its length.
    Corrupted(f64, char),
}

pub fn text() -> impl Strategy<Value = Text> {
    prop_oneof![
        6 => Just(Text::Yaml),
        3 => Just(Text::Json),
        1 => position().prop_map(Text::Truncated),
        1 => (position(), prop::sample::select(vec!['\0', '{', '[', ':', '&', '*', '!', '%', '\t', '"', '\u{feff}']))
            .prop_map(|(p, c)| Text::Corrupted(p, c)),
    ]
}

/// A case: which file of the spec, the mutations, and how each file is written.
#[derive(Debug, Clone)]
pub struct Case {
    pub file: f64,
    pub mutations: Vec<Mutation>,
    pub text: Text,
}

pub fn case() -> impl Strategy<Value = Case> {
    (position(), prop::collection::vec(mutation(), 1..5), text()).prop_map(
        |(file, mutations, text)| Case {
            file,
            mutations,
            text,
        },
    )
}

/// JSON pointers of every node of `value`, in document order.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let token = key.replace('~', "~0").replace('/', "~1");
                pointers(child, format!("{at}/{token}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn pick(list: &[String], at: f64) -> Option<&String> {
    if list.is_empty() {
        return None;
    }
    let index = ((at * list.len() as f64) as usize).min(list.len() - 1);
    list.get(index)
}

fn parent(pointer: &str) -> Option<(&str, String)> {
    let (parent, last) = pointer.rsplit_once('/')?;
    Some((parent, last.replace("~1", "/").replace("~0", "~")))
}

fn apply(doc: &mut Value, mutation: &Mutation) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    match mutation {
        Mutation::Delete(at) => {
            let Some(pointer) = pick(&all, *at).cloned() else {
                return;
            };
            let Some((parent_at, key)) = parent(&pointer) else {
                return;
            };
            match doc.pointer_mut(parent_at) {
                Some(Value::Object(map)) => {
                    map.shift_remove(&key);
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = key.parse::<usize>()
                        && i < items.len()
                    {
                        items.remove(i);
                    }
                }
                _ => {}
            }
        }
        Mutation::Replace(at, value) => {
            if let Some(node) = pick(&all, *at).and_then(|p| doc.pointer_mut(p)) {
                *node = value.clone();
            }
        }
        Mutation::Copy(from, to) => {
            let Some(source) = pick(&all, *from).and_then(|p| doc.pointer(p)).cloned() else {
                return;
            };
            if let Some(node) = pick(&all, *to).and_then(|p| doc.pointer_mut(p)) {
                *node = source;
            }
        }
        Mutation::Rename(at, name) => {
            let Some(pointer) = pick(&all, *at).cloned() else {
                return;
            };
            let Some((parent_at, key)) = parent(&pointer) else {
                return;
            };
            if let Some(Value::Object(map)) = doc.pointer_mut(parent_at) {
                let entries: Vec<(String, Value)> = std::mem::take(map)
                    .into_iter()
                    .map(|(k, v)| if k == key { (name.clone(), v) } else { (k, v) })
                    .collect();
                *map = entries.into_iter().collect();
            }
        }
        Mutation::Wrap(at, wrapper) => {
            if let Some(node) = pick(&all, *at).and_then(|p| doc.pointer_mut(p)) {
                let inner = node.take();
                *node = match wrapper {
                    Wrapper::AllOf => json!({"allOf": [inner]}),
                    Wrapper::OneOf => json!({"oneOf": [inner, {"type": "string"}]}),
                    Wrapper::Array => json!({"type": "array", "items": inner}),
                    Wrapper::Map => json!({"type": "object", "additionalProperties": inner}),
                    Wrapper::Not => json!({"not": inner}),
                    Wrapper::Nullable => json!({"allOf": [inner], "nullable": true}),
                    Wrapper::Deep(depth) => {
                        let mut value = inner;
                        for _ in 0..*depth {
                            value = json!({"type": "object", "properties": {"inner": value}});
                        }
                        value
                    }
                };
            }
        }
        Mutation::Retarget(at, target) => {
            let refs: Vec<String> = all
                .iter()
                .filter(|p| p.ends_with("/$ref"))
                .cloned()
                .collect();
            let Some(pointer) = pick(&refs, *at).cloned() else {
                return;
            };
            let components: Vec<String> = doc
                .pointer("/components/schemas")
                .and_then(Value::as_object)
                .map(|m| {
                    m.keys()
                        .map(|k| {
                            format!(
                                "#/components/schemas/{}",
                                k.replace('~', "~0").replace('/', "~1")
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let reference = match target {
                Target::Component(which) => match pick(&components, *which) {
                    Some(r) => r.clone(),
                    None => "#/components/schemas/Nope".to_owned(),
                },
                Target::Itself => format!("#{}", parent(&pointer).map_or("", |p| p.0)),
                Target::Literal(literal) => literal.clone(),
            };
            if let Some(node) = doc.pointer_mut(&pointer) {
                *node = json!(reference);
            }
        }
        Mutation::Retype(at, ty) => {
            let objects: Vec<String> = all
                .iter()
                .filter(|p| doc.pointer(p).is_some_and(Value::is_object))
                .cloned()
                .collect();
            if let Some(Value::Object(map)) = pick(&objects, *at).and_then(|p| doc.pointer_mut(p)) {
                map.insert("type".to_owned(), json!(ty));
            }
        }
    }
}

/// The files of `spec` with `case` applied: one file mutated and written as the case says,
/// the others as they were.
pub fn render(spec: &RealSpec, case: &Case) -> Vec<(PathBuf, String)> {
    let chosen = ((case.file * spec.files.len() as f64) as usize).min(spec.files.len() - 1);
    spec.files
        .iter()
        .enumerate()
        .map(|(i, (path, doc))| {
            if i != chosen {
                return (path.clone(), yaml_serde::to_string(doc).unwrap_or_default());
            }
            let mut doc = doc.clone();
            for mutation in &case.mutations {
                apply(&mut doc, mutation);
            }
            let yaml = || yaml_serde::to_string(&doc).unwrap_or_default();
            let (path, text) = match &case.text {
                // JSON is YAML too: the file keeps its name, so other files' `$ref`s still find it.
                Text::Json => (
                    path.clone(),
                    serde_json::to_string(&doc).unwrap_or_default(),
                ),
                Text::Yaml => (path.clone(), yaml()),
                Text::Truncated(at) => {
                    let text = yaml();
                    let mut cut = (at * text.len() as f64) as usize;
                    while !text.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    (path.clone(), text[..cut].to_owned())
                }
                Text::Corrupted(at, c) => {
                    let mut text = yaml();
                    let mut at = ((at * text.len() as f64) as usize).min(text.len());
                    while !text.is_char_boundary(at) {
                        at -= 1;
                    }
                    text.insert(at, *c);
                    (path.clone(), text)
                }
            };
            (path, text)
        })
        .collect()
}

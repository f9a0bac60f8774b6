//! A year of Cloudflare's Stream schema, week by week (`schemas/cloudflare/history`, 34 versions):
//! regenerated in order, each keeping the names of the API generated from the one before, as a
//! user who regenerates every week would.
//!
//! - Every version generates leniently, and the distinct outputs pass `cargo clippy -D warnings`
//!   with every public item documented.
//! - A step that changes nothing on the wire (judged here independently of the generator, by
//!   comparing the documents with every `$ref` followed and every doc text and name that is
//!   not sent dropped) changes nothing in the Rust API: no breaking, no additive change.
//! - The real breaks of that year are named.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use codegen::Options;
use codegen::changes::{self, Changelog, Severity};
use codegen::load::Spec;
use serde_json::{Map, Value};

#[path = "support/schemas.rs"]
mod schemas;
#[path = "support/scratch.rs"]
mod scratch;

/// Keys that are not sent: documentation, examples, names of things.
const NOT_SENT: &[&str] = &[
    "description",
    "title",
    "example",
    "examples",
    "externalDocs",
    "deprecated",
    "default",
    "summary",
    "operationId",
    "tags",
    "readOnly",
    "writeOnly",
    "xml",
];

/// `node` with every `$ref` followed (a cycle becomes `"<cycle>"`) and what is not sent dropped.
fn wire_of(doc: &Value, node: &Value, stack: &mut Vec<String>) -> Value {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if stack.contains(reference) {
                    return Value::from("<cycle>");
                }
                let pointer = reference.trim_start_matches('#');
                let target = doc.pointer(pointer).cloned().unwrap_or(Value::Null);
                stack.push(reference.clone());
                let followed = wire_of(doc, &target, stack);
                stack.pop();
                return followed;
            }
            let mut out = Map::new();
            for (key, value) in map {
                if NOT_SENT.contains(&key.as_str()) || key.starts_with("x-") {
                    continue;
                }
                let value = match (key.as_str(), value) {
                    ("required", Value::Array(names)) => {
                        let mut names = names.clone();
                        names.sort_by_key(|n| n.to_string());
                        Value::Array(names)
                    }
                    _ => wire_of(doc, value, stack),
                };
                out.insert(key.clone(), value);
            }
            Value::Object(
                out.into_iter()
                    .collect::<BTreeMap<_, _>>()
                    .into_iter()
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| wire_of(doc, v, stack)).collect()),
        other => other.clone(),
    }
}

/// Each operation of `doc` as sent: by method and route (parameters unnamed in the path), its
/// parameters (path ones by position), body, responses (status codes in upper case), security.
fn wire(doc: &Value) -> BTreeMap<String, Value> {
    let mut operations = BTreeMap::new();
    let Some(paths) = doc["paths"].as_object() else {
        return operations;
    };
    for (path, item) in paths {
        let route = codegen_route(path);
        let shared = item["parameters"].as_array().cloned().unwrap_or_default();
        for method in [
            "get", "put", "post", "delete", "patch", "head", "options", "trace",
        ] {
            let Some(op) = item.get(method) else { continue };
            let key = format!("{} {route}", method.to_uppercase());
            if operations.contains_key(&key) {
                continue;
            }
            let mut params: Vec<Value> = shared
                .iter()
                .chain(op["parameters"].as_array().into_iter().flatten())
                .map(|p| {
                    let mut p = wire_of(doc, p, &mut Vec::new());
                    if p["in"] == "path"
                        && let Some(map) = p.as_object_mut()
                    {
                        map.remove("name");
                    }
                    p
                })
                .collect();
            params.sort_by_key(|p| p.to_string());
            params.dedup();
            let responses: BTreeMap<String, Value> = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(code, r)| (code.to_uppercase(), wire_of(doc, r, &mut Vec::new())))
                .collect();
            let value = serde_json::json!({
                "parameters": params,
                "body": wire_of(doc, &op["requestBody"], &mut Vec::new()),
                "responses": responses,
                "security": op["security"],
            });
            operations.insert(key, value);
        }
    }
    operations
}

/// `/a/{id}/b` as `/a/{}/b`.
fn codegen_route(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            c => out.push(c),
        }
    }
    out
}

/// One version: its name, its wire, and what generating it gave (keeping the names of the
/// version before, and on its own).
struct Version {
    name: String,
    wire: BTreeMap<String, Value>,
    generated: codegen::Generated,
    alone: codegen::model::Api,
}

fn has(changelog: &Changelog, rust: &str, message: &str) -> bool {
    changelog
        .changes
        .iter()
        .any(|c| c.severity == Severity::Breaking && c.rust == rust && c.message.contains(message))
}

#[test]
fn a_year_of_cloudflare_changes_is_regenerated_without_breaking_for_nothing() {
    let dir = schemas::schema("history");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the history folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 34, "{files:?}");
    let options = Options {
        lenient: true,
        // Each week compiles as a crate of its own.
        outside_runtime: true,
        ..Options::default()
    };
    let mut versions: Vec<Version> = Vec::new();
    for file in &files {
        let name = file
            .file_stem()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(file).expect("readable");
        let doc: Value = serde_json::from_str(&text).expect("JSON");
        let spec = Spec::from_sources(vec![(PathBuf::from(format!("{name}.json")), text)])
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let lock = versions.last().map(|v| &v.generated.api);
        let generated = codegen::Generator::new(options)
            .keeping_names_of(lock)
            .generate(&spec)
            .unwrap_or_else(|e| panic!("{name} does not generate: {e}"));
        // Each note once: the oldest weeks reach one approximated envelope from 9 operations.
        let notes: Vec<String> = generated.notes.iter().map(ToString::to_string).collect();
        let distinct: std::collections::BTreeSet<&String> = notes.iter().collect();
        assert_eq!(
            distinct.len(),
            notes.len(),
            "{name}: a note given twice: {notes:#?}"
        );
        let alone = codegen::model::Api::build(&spec, options).expect("generated above");
        versions.push(Version {
            name,
            wire: wire(&doc),
            generated,
            alone,
        });
    }

    let mut table = Vec::new();
    let mut steps = BTreeMap::new();
    let (mut identical, mut changed) = (0, 0);
    // Without the lock, names come from the spec alone (less the noise in component names).
    let (mut alone_broken, mut alone_items) = (0, 0);
    for pair in versions.windows(2) {
        let (before, after) = (&pair[0], &pair[1]);
        let changelog = changes::compare(&before.generated.api, &after.generated.api);
        let same_wire = before.wire == after.wire;
        if same_wire {
            identical += 1;
            let alone = changes::compare(&before.alone, &after.alone);
            let breaking = alone.count(Severity::Breaking);
            alone_items += breaking;
            alone_broken += usize::from(breaking > 0);
            for change in alone
                .changes
                .iter()
                .filter(|c| c.severity == Severity::Breaking)
            {
                eprintln!(
                    "{} without the lock: {}: {}",
                    after.name, change.rust, change.message
                );
            }
            let code: Vec<_> = changelog
                .changes
                .iter()
                .filter(|c| c.severity != Severity::Documentation)
                .collect();
            assert!(
                code.is_empty(),
                "{}: nothing changed on the wire, yet the Rust API did: {code:#?}",
                after.name
            );
        } else {
            changed += 1;
        }
        table.push(format!(
            "{} {:<14} {:>3} breaking {:>3} additive {:>3} documentation",
            after.name,
            if same_wire {
                "wire-identical"
            } else {
                "wire-changed"
            },
            changelog.count(Severity::Breaking),
            changelog.count(Severity::Additive),
            changelog.count(Severity::Documentation),
        ));
        steps.insert(after.name.clone(), changelog);
    }
    eprintln!(
        "{}\n{identical} wire-identical steps, {changed} that changed the wire; without the \
         lock, {alone_broken} wire-identical steps would break {alone_items} items",
        table.join("\n")
    );
    assert!(identical >= 15, "{identical} wire-identical steps");
    assert_eq!(
        alone_items, 0,
        "names from the spec alone (without the lock) changed on a wire-identical step"
    );

    // The real breaks of that year, named.
    let step = |name: &str| &steps[name];
    assert!(has(
        step("2022-08-30_89512776"),
        "models::MediaStatus::pct_complete",
        "is now `Option<String>` (was `Option<i64>`)"
    ));
    assert!(has(
        step("2022-12-20_ed79801a"),
        "stream::Stream::create_identifier",
        "its body is now `VideoUpdate` (was `Nft`)"
    ));
    assert!(has(
        step("2023-01-10_f6156ae6"),
        "stream::Stream::create_identifier",
        "returns `Vec<Videos>` (was `Videos`)"
    ));
    assert!(has(
        step("2023-03-08_cc297b82"),
        "stream::Stream::create",
        "header parameter `Upload-Creator` is now optional"
    ));
    assert!(has(
        step("2023-06-08_3e2a74e8"),
        "models::Videos::duration",
        "is now `Option<f64>` (was `Option<i64>`)"
    ));

    clippy_clean(&versions);
}

/// Every distinct output passes `cargo clippy -D warnings` with every public item documented
/// (`missing_docs`, as the SDK's crate has it), in a scratch workspace.
fn clippy_clean(versions: &[Version]) {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("history");
    let mut sources: BTreeMap<&str, &str> = BTreeMap::new();
    for version in versions {
        if !sources.values().any(|s| *s == version.generated.source) {
            sources.insert(&version.name, &version.generated.source);
        }
    }
    let mut members = Vec::new();
    for (i, (name, source)) in sources.iter().enumerate() {
        let krate = format!("history-{i}");
        scratch::krate(
            &root,
            &krate,
            "",
            &format!("//! {name}\n#![warn(missing_docs)]\ninclude!(\"api.rs\");\n"),
        );
        scratch::write(&root.join(&krate).join("src/api.rs"), source);
        members.push(krate);
    }
    scratch::workspace(&root, &members);
    let output = scratch::cargo(
        &root,
        &["clippy", "--workspace", "--quiet", "--", "-D", "warnings"],
    );
    assert!(
        output.status.success(),
        "{} distinct outputs; clippy:\n{}",
        sources.len(),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("{} distinct outputs, clippy-clean", sources.len());
}

//! The changelog's cost, against one generation: Cloudflare's whole API
//! (`schemas/cloudflare/cloudflare-openapi.json`, 1,533 operations) and its Stream schema, each
//! compared with itself after a handful of edits (a component renamed, a property removed,
//! one changing type, one added, a required query parameter added).
//!
//! - `compare`: the changelog of two generated APIs (the APIs built outside the timing);
//! - `generate_locked`: building the new API keeping the old one's names (the lock);
//! - `generate`: one generation of the new spec, end to end, for scale.
//!
//! ```sh
//! cargo bench -p cloudflare-stream-codegen --bench changelog
//! ```

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use codegen::Options;
use codegen::load::Spec;
use codegen::model::Api;
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use serde_json::{Value, json};

/// Cloudflare's schemas, vendored in the repository.
fn schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/cloudflare")
}

/// The object component schemas of `doc` with at least two properties, in order.
fn objects(doc: &Value) -> Vec<String> {
    doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, s)| s["properties"].as_object().is_some_and(|p| p.len() >= 2))
        .map(|(name, _)| name.clone())
        .collect()
}

/// `doc` with a handful of edits of the kinds the changelog reports.
fn edited(doc: &Value) -> Value {
    let mut doc = doc.clone();
    let targets = objects(&doc);
    let schemas = doc["components"]["schemas"]
        .as_object_mut()
        .expect("component schemas");
    // A property removed, one added, one changing type.
    if let Some(props) = schemas[&targets[0]]["properties"].as_object_mut() {
        let last = props.keys().next_back().cloned().expect("a property");
        props.remove(&last);
    }
    if let Some(props) = schemas[&targets[1]]["properties"].as_object_mut() {
        props.insert("bench_note".into(), json!({"type": "string"}));
    }
    for name in &targets[2..] {
        let Some(props) = schemas[name]["properties"].as_object_mut() else {
            continue;
        };
        if let Some(prop) = props.values_mut().find(|p| p["type"] == "integer") {
            prop["type"] = json!("string");
            break;
        }
    }
    // A component renamed as Cloudflare's bundler does (a new hash), every `$ref` with it.
    let renamed = targets[3].clone();
    let schema = schemas.remove(&renamed).expect("the component");
    schemas.insert(format!("{renamed}-Zx9Yw8Vu"), schema);
    let text = serde_json::to_string(&doc).expect("JSON");
    let from = format!("\"#/components/schemas/{renamed}\"");
    let to = format!("\"#/components/schemas/{renamed}-Zx9Yw8Vu\"");
    let mut doc: Value = serde_json::from_str(&text.replace(&from, &to)).expect("JSON");
    // A required query parameter on the first operation.
    if let Some(item) = doc["paths"]
        .as_object_mut()
        .and_then(|p| p.values_mut().next())
        && let Some(op) = item
            .as_object_mut()
            .and_then(|i| i.values_mut().find(|o| o.get("responses").is_some()))
    {
        let param = json!({"name": "bench_page", "in": "query", "required": true, "schema": {"type": "integer"}});
        match op["parameters"].as_array_mut() {
            Some(list) => list.push(param),
            None => op["parameters"] = json!([param]),
        }
    }
    doc
}

fn spec_of(name: &str, doc: &Value) -> Spec {
    let text = serde_json::to_string(doc).expect("JSON");
    Spec::from_sources(vec![(PathBuf::from(name), text)]).unwrap_or_else(|e| panic!("{e}"))
}

fn changelog(c: &mut Criterion) {
    let lenient = Options {
        lenient: true,
        ..Options::default()
    };
    for (group_name, file) in [
        ("stream", "cloudflare-stream.yaml"),
        ("whole_api", "cloudflare-openapi.json"),
    ] {
        let path = schemas().join(file);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc: Value = if file.ends_with(".json") {
            serde_json::from_str(&text).expect("JSON")
        } else {
            yaml_serde::from_str(&text).expect("YAML")
        };
        let old_spec = spec_of("old.json", &doc);
        let new_spec = spec_of("new.json", &edited(&doc));
        let old = Api::build(&old_spec, lenient).unwrap_or_else(|e| panic!("{e}"));
        let new =
            Api::build_locked(&new_spec, lenient, Some(&old)).unwrap_or_else(|e| panic!("{e}"));
        let changes = codegen::changes::compare(&old, &new);
        eprintln!("{group_name}: {}", changes.summary());

        let mut group = c.benchmark_group(format!("changelog/{group_name}"));
        group.sampling_mode(SamplingMode::Flat);
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(10));
        group.bench_function("compare", |b| {
            b.iter(|| codegen::changes::compare(black_box(&old), black_box(&new)));
        });
        group.bench_function("generate_locked", |b| {
            b.iter(|| Api::build_locked(black_box(&new_spec), lenient, Some(&old)));
        });
        group.bench_function("generate", |b| {
            b.iter(|| codegen::Generator::new(lenient).generate(black_box(&new_spec)));
        });
        group.finish();
    }
}

criterion_group!(benches, changelog);
criterion_main!(benches);

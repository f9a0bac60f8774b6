//! Proof that the changelog tells the truth about Rust: for each pair of spec versions in
//! `tests/evolution/` (one change class each, against `base.yaml`), a consumer of the old API
//! that touches every public item is compiled against the new API, and
//!
//! - every change the changelog calls breaking has a compile error behind it (precision), and
//! - every compile error is explained by a change the changelog calls breaking (recall).
//!
//! The changelog of each pair is kept in its `changes.txt` (`EXPECTORATE=overwrite` rewrites
//! them). The crates are checked with `cargo check` in a scratch workspace (`support/scratch.rs`).

#[path = "evolution/consumer.rs"]
mod consumer;
#[path = "support/scratch.rs"]
mod scratch;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use codegen::Options;
use codegen::changes::{self, Change, Severity, render};
use codegen::load::Spec;
use consumer::{Consumer, Touch};

/// The generated API compiles as a crate of its own, not the runtime's.
const OUTSIDE: Options = Options {
    lenient: false,
    every_schema: false,
    outside_runtime: true,
};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/evolution")
}

/// The spec in `path`, named `name` in locations.
fn spec(path: &Path, name: &str) -> Spec {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Spec::from_sources(vec![(PathBuf::from(name), text)]).unwrap_or_else(|e| panic!("{e}"))
}

/// The generated API as a crate whose code must be warning-free.
fn api_crate(root: &Path, name: &str, source: &str) {
    scratch::krate(
        root,
        name,
        "",
        "#![deny(warnings)]\ninclude!(\"api.rs\");\n",
    );
    scratch::write(&root.join(name).join("src/api.rs"), source);
}

/// A consumer crate, of the API crate `api`.
fn consumer_crate(root: &Path, name: &str, api: &str, consumer: &Consumer) {
    let dependency = format!("api = {{ path = \"../{api}\", package = \"{api}\" }}\n");
    scratch::krate(root, name, &dependency, &consumer.source);
}

/// Whether `change` would break the code of `touch`.
fn related(change: &Change, touch: &Touch) -> bool {
    let under = |item: &str, parent: &str| item.starts_with(&format!("{parent}::"));
    change.rust == touch.item
        || touch.names.contains(&change.rust)
        || under(&touch.item, &change.rust)
        || touch
            .scope
            .as_deref()
            .is_some_and(|scope| change.rust == scope || under(&change.rust, scope))
}

/// The errors of `cargo check`, as (crate, line of the primary span, message).
fn check(root: &Path) -> Vec<(String, usize, String)> {
    let output = scratch::cargo(
        root,
        &[
            "check",
            "--workspace",
            "--keep-going",
            "--message-format=json",
        ],
    );
    let mut errors = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
            continue;
        }
        let krate = message["target"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let text = message["message"]["rendered"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let line = message["message"]["spans"]
            .as_array()
            .and_then(|spans| spans.iter().find(|s| s["is_primary"] == true))
            .and_then(|span| span["line_start"].as_u64())
            .unwrap_or(0) as usize;
        errors.push((krate, line, text));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("error: failed to") && !stderr.contains("error: no matching package"),
        "cargo check could not run:\n{stderr}"
    );
    errors
}

#[test]
fn breaking_changes_are_exactly_what_breaks_old_code() {
    let dir = fixtures();
    let old = codegen::Generator::new(OUTSIDE)
        .keeping_names_of(None)
        .generate(&spec(&dir.join("base.yaml"), "base.yaml"))
        .unwrap_or_else(|e| panic!("base.yaml: {e}"));
    let consumer = consumer::consumer(&old.api);
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("evolution");
    let mut cases: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/evolution")
        .filter_map(|entry| {
            let path = entry.expect("an entry").path();
            path.join("spec.yaml").is_file().then(|| {
                path.file_name()
                    .expect("a name")
                    .to_string_lossy()
                    .into_owned()
            })
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "cases went missing: {cases:?}");

    api_crate(&root, "evo-old", &old.source);
    consumer_crate(&root, "use-old", "evo-old", &consumer);
    let mut members = vec!["evo-old".to_owned(), "use-old".to_owned()];
    let mut changelogs = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let new = codegen::Generator::new(OUTSIDE)
            .keeping_names_of(Some(&old.api))
            .generate(&spec(&dir.join(case).join("spec.yaml"), "spec.yaml"))
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        let changelog = changes::compare(&old.api, &new.api);
        expectorate::assert_contents(
            dir.join(case).join("changes.txt"),
            &render::render(&changelog, render::Format::Text),
        );
        api_crate(&root, &format!("evo-new-{i}"), &new.source);
        consumer_crate(
            &root,
            &format!("use-new-{i}"),
            &format!("evo-new-{i}"),
            &consumer,
        );
        members.push(format!("evo-new-{i}"));
        members.push(format!("use-new-{i}"));
        changelogs.push(changelog);
    }
    scratch::workspace(&root, &members);

    let errors = check(&root);
    for (krate, _, text) in &errors {
        assert!(
            krate.starts_with("use_new_"),
            "{krate} must compile (the generated API, or the consumer of the API it was made from):\n{text}"
        );
    }
    let mut report = Vec::new();
    for (i, (case, changelog)) in cases.iter().zip(&changelogs).enumerate() {
        let broken: BTreeSet<usize> = errors
            .iter()
            .filter(|(krate, _, _)| *krate == format!("use_new_{i}"))
            .map(|(_, line, text)| {
                consumer
                    .touches
                    .iter()
                    .position(|t| t.lines.0 <= *line && *line <= t.lines.1)
                    .unwrap_or_else(|| panic!("{case}: an error outside every touch:\n{text}"))
            })
            .collect();
        let breaking: Vec<&Change> = changelog
            .changes
            .iter()
            .filter(|c| c.severity == Severity::Breaking)
            .collect();
        let unconfirmed: Vec<&&Change> = breaking
            .iter()
            .filter(|c| !broken.iter().any(|&t| related(c, &consumer.touches[t])))
            .collect();
        let unexplained: Vec<&Touch> = broken
            .iter()
            .map(|&t| &consumer.touches[t])
            .filter(|t| !breaking.iter().any(|c| related(c, t)))
            .collect();
        report.push(format!(
            "{case}: {} breaking, {} broken touches",
            breaking.len(),
            broken.len()
        ));
        assert!(
            unconfirmed.is_empty(),
            "{case}: breaking changes with no compile error behind them (precision < 1): {unconfirmed:#?}"
        );
        assert!(
            unexplained.is_empty(),
            "{case}: compile errors no breaking change explains (recall < 1): {unexplained:#?}\n{:#?}",
            errors
                .iter()
                .filter(|(k, _, _)| *k == format!("use_new_{i}"))
                .map(|e| &e.2)
                .collect::<Vec<_>>()
        );
    }
    eprintln!("{}", report.join("\n"));
}

//! Generator fixtures: each folder under `tests/fixtures/` holds a small spec (`spec/`) for one
//! construct and the code it must generate (`expected.rs`). A difference fails with a diff;
//! `EXPECTORATE=overwrite cargo test -p cloudflare-stream-codegen --test fixtures` blesses it.
//! `compile-tests/` compiles every `expected.rs` under `deny(warnings)` and runs the models of
//! one of them: the generated code is checked as code there.

use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/fixtures exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.join("spec").is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_fixture_generates_its_expected_output() {
    let dirs = fixtures();
    assert!(dirs.len() >= 8, "fixtures went missing: {dirs:?}");
    for dir in dirs {
        let generated =
            outside(&dir.join("spec")).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        expectorate::assert_contents(dir.join("expected.rs"), &generated);
    }
}

#[test]
fn generation_is_deterministic() {
    for dir in fixtures() {
        let first = outside(&dir.join("spec")).expect("generates");
        let second = outside(&dir.join("spec")).expect("generates");
        assert_eq!(first, second, "{}", dir.display());
    }
}

/// The fixture's code, as a crate other than the runtime's compiles it (`compile-tests`).
fn outside(spec: &std::path::Path) -> codegen::Result<String> {
    let options = codegen::Options {
        outside_runtime: true,
        ..codegen::Options::default()
    };
    codegen::Generator::new(options)
        .generate_dir(spec)
        .map(|generated| generated.source)
}

//! Compile tests, in one trybuild run so the scratch project is built once:
//!
//! - every generator fixture's expected output (`codegen/tests/fixtures/*/expected.rs`, and
//!   `codegen/tests/extend/expected.rs`) builds under `deny(warnings)`, so no snapshot can be
//!   code that does not compile;
//! - `tests/ui/pass`: a consumer calling every operation, with options, compiles;
//! - `tests/ui/fail`: misuse is refused, with the compiler messages in the `.stderr` files
//!   (`TRYBUILD=overwrite cargo test --test compile` rewrites them).

use std::path::{Path, PathBuf};

/// Writes a small binary that includes `expected` and returns its path.
fn wrapper_for(expected: &Path, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-pass");
    std::fs::create_dir_all(&dir).expect("create the wrapper folder");
    let wrapper = dir.join(format!("{name}.rs"));
    let source = format!(
        "#![deny(warnings)]\ninclude!({:?});\nfn main() {{}}\n",
        expected.display().to_string()
    );
    std::fs::write(&wrapper, source).expect("write the wrapper");
    wrapper
}

#[test]
fn generated_code_compiles_and_misuse_does_not() {
    let cases = trybuild::TestCases::new();

    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("codegen/tests/fixtures");
    let mut expected: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("codegen/tests/fixtures exists")
        .map(|entry| entry.expect("readable entry").path().join("expected.rs"))
        .filter(|path| path.is_file())
        .collect();
    expected.sort();
    assert!(expected.len() >= 8, "fixtures went missing: {expected:?}");
    // `spec/` plus one more resource file (see `codegen/tests/extend.rs`).
    expected.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("codegen/tests/extend/expected.rs"));
    for path in &expected {
        let name = path
            .parent()
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .expect("fixture folder name");
        cases.pass(wrapper_for(path, name));
    }

    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}

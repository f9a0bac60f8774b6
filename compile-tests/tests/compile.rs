//! Compile tests, with one build of the dependencies:
//!
//! - every generator fixture's expected output (`codegen/tests/fixtures/*/expected.rs`, and
//!   `codegen/tests/extend/expected.rs`) builds under `deny(warnings)`, so no snapshot can be
//!   code that does not compile;
//! - `tests/ui/pass`: a consumer calling every operation, with options, compiles;
//! - `tests/ui/fail`: misuse is refused, with the compiler messages in the `.stderr` files
//!   (`TRYBUILD=overwrite cargo test -p cloudflare-stream-compile-tests` rewrites them).
//!
//! Generated code names its models `crate::models`, so each pass case must be a crate root: they
//! are the binaries of one scratch project, checked by one `cargo check` (type and borrow checks
//! and lints are what they prove; nothing is linked or run). The fail cases go through trybuild,
//! whose diagnostics normalisation the `.stderr` files are written in.
//!
//! Both scratch projects live in trybuild's target directory, depend on the same crates and are
//! built with the same flags, so the dependencies (the SDK's whole graph) are checked once, by
//! whichever runs first. Should trybuild change its flags, the only cost is a second build.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The flags trybuild passes to rustc (`--diagnostic-width=140` only when it builds the test
/// cases, not their dependencies, which makes it build every dependency twice). Given to both
/// projects through `CARGO_ENCODED_RUSTFLAGS`, which wins over trybuild's `--config` settings.
const RUSTFLAGS: &[&str] = &[
    "--cfg",
    "trybuild",
    "--verbose",
    "-A",
    "dead_code",
    "--diagnostic-width=140",
];

/// The repository root: `codegen/`, `Cargo.lock`.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("compile-tests/ is inside the repository")
}

/// Where trybuild keeps its projects and their build (`<target>/tests/trybuild`).
fn trybuild_dir() -> PathBuf {
    // `CARGO_TARGET_TMPDIR` is `<target>/tmp`; trybuild asks `cargo metadata` for `<target>`.
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the temporary folder is inside the target directory")
        .join("tests/trybuild")
}

/// The host's target tuple, as trybuild passes it to `--target` (which also decides where
/// artifacts go).
fn host_tuple() -> String {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(rustc)
        .arg("-vV")
        .output()
        .expect("run `rustc -vV`");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .expect("`rustc -vV` names the host")
        .to_owned()
}

/// Every pass case, as `(binary name, crate root)`: each fixture's expected output (wrapped,
/// see [`wrapper_for`]), then `tests/ui/pass/*.rs` (in this package).
fn pass_cases(wrappers: &Path) -> Vec<(String, PathBuf)> {
    let fixtures = root().join("codegen/tests/fixtures");
    let mut expected: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("codegen/tests/fixtures exists")
        .map(|entry| entry.expect("readable entry").path().join("expected.rs"))
        .filter(|path| path.is_file())
        .collect();
    expected.sort();
    assert!(expected.len() >= 8, "fixtures went missing: {expected:?}");
    // `spec/` plus one more resource file (see `codegen/tests/extend.rs`).
    expected.push(root().join("codegen/tests/extend/expected.rs"));

    let mut cases = Vec::new();
    for path in &expected {
        let name = path
            .parent()
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .expect("fixture folder name");
        cases.push((format!("fixture_{name}"), wrapper_for(wrappers, path, name)));
    }
    let mut consumers: Vec<PathBuf> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/pass"))
            .expect("tests/ui/pass exists")
            .map(|entry| entry.expect("readable entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
            .collect();
    consumers.sort();
    assert!(!consumers.is_empty(), "tests/ui/pass is empty");
    for path in consumers {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("file name");
        cases.push((format!("pass_{stem}"), path));
    }
    cases
}

/// Writes a small binary that includes `expected` under `deny(warnings)` and returns its path.
fn wrapper_for(dir: &Path, expected: &Path, name: &str) -> PathBuf {
    let wrapper = dir.join(format!("{name}.rs"));
    let source = format!(
        "#![deny(warnings)]\ninclude!({:?});\nfn main() {{}}\n",
        expected.display().to_string()
    );
    std::fs::write(&wrapper, source).expect("write the wrapper");
    wrapper
}

/// What trybuild's project depends on: this package's `[dev-dependencies]` but trybuild itself,
/// with relative paths made absolute. (trybuild brings features of its own to shared crates
/// such as `serde`, which would make the two graphs differ.)
fn dependencies() -> String {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .expect("read compile-tests/Cargo.toml");
    let section = manifest
        .split_once("[dev-dependencies]\n")
        .map(|(_, rest)| rest)
        .expect("compile-tests/Cargo.toml has dev-dependencies");
    let section = section.split("\n[").next().unwrap_or(section);
    let root_path = format!("path = {:?}", root().display().to_string());
    section
        .lines()
        .filter(|line| !line.starts_with("trybuild "))
        .map(|line| line.replace("path = \"..\"", &root_path) + "\n")
        .collect()
}

/// Checks every pass case with one `cargo check` of a scratch project whose binaries they are.
fn check_pass_cases(flags: &str, target: &str) {
    let project = trybuild_dir().join("cloudflare-stream-compile-pass");
    let wrappers = project.join("fixtures");
    std::fs::create_dir_all(&wrappers).expect("create the scratch project");
    let cases = pass_cases(&wrappers);

    let mut manifest = String::from(
        "[package]\nname = \"cloudflare-stream-compile-pass\"\nversion = \"0.0.0\"\n\
         edition = \"2024\"\npublish = false\n\n[dependencies]\n",
    );
    manifest.push_str(&dependencies());
    for (name, path) in &cases {
        manifest.push_str(&format!(
            "\n[[bin]]\nname = {name:?}\npath = {:?}\n",
            path.display().to_string()
        ));
    }
    // Not a member of the repository's workspace.
    manifest.push_str("\n[workspace]\n");
    std::fs::write(project.join("Cargo.toml"), manifest).expect("write the manifest");
    // The versions the repository is tested with (trybuild copies the lockfile too).
    std::fs::copy(root().join("Cargo.lock"), project.join("Cargo.lock")).expect("copy Cargo.lock");

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // The environment trybuild gives cargo, so that both projects share their dependencies.
    let output = Command::new(cargo)
        .current_dir(&project)
        .env("CARGO_TARGET_DIR", trybuild_dir())
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_ENCODED_RUSTFLAGS", flags)
        .env_remove("RUSTFLAGS")
        .args([
            "check",
            "--offline",
            "--bins",
            "--keep-going",
            "--color=never",
        ])
        .args(["--target", target])
        .output()
        .expect("run cargo check");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let names: Vec<&str> = cases.iter().map(|(name, _)| name.as_str()).collect();
    assert!(
        output.status.success(),
        "a pass case does not compile (of {names:?}):\n{stderr}"
    );
    eprintln!("compile-pass: {} cases compile: {names:?}", cases.len());
}

#[test]
fn generated_code_compiles_and_misuse_does_not() {
    let flags = RUSTFLAGS.join("\x1f");
    check_pass_cases(&flags, &host_tuple());

    // trybuild's cargo inherits this process's environment and nothing else.
    // SAFETY: the only test of this binary, and nothing runs beside it: no other thread reads
    // or writes the environment meanwhile.
    unsafe { std::env::set_var("CARGO_ENCODED_RUSTFLAGS", &flags) };
    let cases = trybuild::TestCases::new();
    // Relative to this package, as the `.stderr` files show the paths.
    cases.compile_fail("tests/ui/fail/*.rs");
}

//! Scratch workspaces of crates that include generated code, checked with cargo: shared by the
//! tests that compile what the generator makes (`evolution.rs`, `history.rs`, `import.rs`).
//!
//! Every scratch workspace uses one target folder, so the runtime and its dependencies are
//! checked once; cargo runs offline, with the project's `Cargo.lock`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The target folder of every scratch workspace.
pub fn target() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("scratch-target")
}

/// Writes `text` to `path` unless it holds it already (cargo goes by modification times).
pub fn write(path: &Path, text: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return;
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create a folder");
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// A crate `name` under `root` with `lib` as its `lib.rs`, depending on the runtime, serde and
/// serde_json, and on `dependencies` (more `Cargo.toml` lines).
pub fn krate(root: &Path, name: &str, dependencies: &str, lib: &str) {
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\ncloudflare-stream = {{ path = {:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n{dependencies}",
        runtime.display().to_string()
    );
    write(&root.join(name).join("Cargo.toml"), &manifest);
    write(&root.join(name).join("src/lib.rs"), lib);
}

/// The workspace `root` of `members`, with the project's `Cargo.lock`.
pub fn workspace(root: &Path, members: &[String]) {
    let list: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    write(
        &root.join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            list.join(", ")
        ),
    );
    if !root.join("Cargo.lock").is_file() {
        let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
        std::fs::copy(lock, root.join("Cargo.lock")).expect("copy Cargo.lock");
    }
}

/// `cargo <subcommand> --offline <args>` in `root`.
pub fn cargo(root: &Path, args: &[&str]) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let (subcommand, rest) = args.split_first().expect("a subcommand");
    Command::new(cargo)
        .arg(subcommand)
        .arg("--offline")
        .args(rest)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target())
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo")
}

//! With the `regenerate` feature (every build of this repository), generates the API from
//! `spec/` into `OUT_DIR/api.rs`, which `src/lib.rs` includes. Without it (a user's build of
//! the published crate) there is nothing to do: the crate builds the committed
//! `generated/api.rs`, and the generator is not compiled at all.
//!
//! A bad spec fails the build with the generator's message: the file and JSON pointer of the
//! problem. A spec that generates something other than the committed `generated/api.rs` builds,
//! with a warning that says so and lists what changed in the API since `spec/rust-api.lock`
//! (breaking changes first, each with its place in the spec), so a plain `cargo build` tells.

use std::process::ExitCode;

#[cfg(not(feature = "regenerate"))]
fn main() -> ExitCode {
    ExitCode::SUCCESS
}

#[cfg(feature = "regenerate")]
fn main() -> ExitCode {
    generate::main()
}

#[cfg(feature = "regenerate")]
mod generate {
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;

    use codegen::changes::{self, Severity};
    use codegen::lock;

    /// How many changes a warning lists before it says how many more there are.
    const LISTED: usize = 12;

    pub(super) fn main() -> ExitCode {
        let spec_dir = Path::new("spec");
        let committed = Path::new("generated").join(codegen::OUTPUT_FILE);
        // Watching the folder catches added and removed files; each file, edits to it.
        println!("cargo::rerun-if-changed={}", spec_dir.display());
        println!("cargo::rerun-if-changed={}", committed.display());
        match codegen::spec_files(spec_dir) {
            Ok(files) => {
                for file in files {
                    println!("cargo::rerun-if-changed={}", file.display());
                }
            }
            Err(error) => return fail(&error),
        }
        let spec = match codegen::Spec::load_dir(spec_dir) {
            Ok(spec) => spec,
            Err(error) => return fail(&error),
        };
        let old = match lock::read(spec_dir) {
            Ok(old) => old,
            Err(error) => return fail(&error),
        };
        let generated = match codegen::Generator::new(codegen::Options::default())
            .keeping_names_of(old.as_ref())
            .generate(&spec)
        {
            Ok(generated) => generated,
            Err(error) => return fail(&error),
        };
        let out_dir = match std::env::var_os("OUT_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => {
                eprintln!("OUT_DIR is not set; run this through cargo");
                return ExitCode::FAILURE;
            }
        };
        // The API, and the spec's response examples with their decoders for `tests/examples.rs`.
        let examples = codegen::examples::table(&spec, &generated.api, "cloudflare_stream");
        for (name, text) in [
            (codegen::OUTPUT_FILE, &generated.source),
            ("examples.rs", &examples),
        ] {
            let target = out_dir.join(name);
            if let Err(error) = std::fs::write(&target, text) {
                eprintln!("{}: {error}", target.display());
                return ExitCode::FAILURE;
            }
        }
        // A published crate has no `generated/`: nothing to compare with.
        if let Ok(text) = std::fs::read_to_string(&committed)
            && text != generated.source
        {
            warn_stale(&committed, old.as_ref(), &generated.api);
        }
        ExitCode::SUCCESS
    }

    /// Says that `committed` is stale, and what changed in the API since the lock.
    fn warn_stale(committed: &Path, old: Option<&codegen::Api>, new: &codegen::Api) {
        let bless = "bless it with `cargo run -p cloudflare-stream-codegen -- generate`";
        let Some(old) = old else {
            println!(
                "cargo::warning={} does not match what spec/ generates; {bless}",
                committed.display()
            );
            return;
        };
        let mut changelog = changes::compare(old, new);
        // The lock keeps no doc text: only what code sees is compared with it.
        changelog
            .changes
            .retain(|c| c.severity != Severity::Documentation);
        println!(
            "cargo::warning={} does not match what spec/ generates: {} since spec/{}; {bless}",
            committed.display(),
            changelog.summary(),
            lock::LOCK_FILE
        );
        for change in changelog.changes.iter().take(LISTED) {
            let at = change.new.as_ref().or(change.old.as_ref());
            let at = at.map(|at| format!(" ({at})")).unwrap_or_default();
            println!(
                "cargo::warning={}: {}: {}{at}",
                change.severity.as_str(),
                change.rust,
                change.message
            );
        }
        if changelog.changes.len() > LISTED {
            println!(
                "cargo::warning=... and {} more: `cargo run -p cloudflare-stream-codegen -- check`",
                changelog.changes.len() - LISTED
            );
        }
    }

    fn fail(error: &codegen::Error) -> ExitCode {
        eprintln!("error: the OpenAPI spec cannot be generated: {error}");
        ExitCode::FAILURE
    }
}

//! Generates the API from `spec/` into `OUT_DIR/api.rs`, which `src/lib.rs` includes.
//!
//! A bad spec fails the build with the generator's message: the file and JSON pointer of the
//! problem.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let spec_dir = Path::new("spec");
    // Watching the folder catches added and removed files; each file, edits to it.
    println!("cargo::rerun-if-changed={}", spec_dir.display());
    match codegen::spec_files(spec_dir) {
        Ok(files) => {
            for file in files {
                println!("cargo::rerun-if-changed={}", file.display());
            }
        }
        Err(error) => return fail(&error),
    }
    let source = match codegen::generate(spec_dir) {
        Ok(source) => source,
        Err(error) => return fail(&error),
    };
    let out_dir = match std::env::var_os("OUT_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => {
            eprintln!("OUT_DIR is not set; run this through cargo");
            return ExitCode::FAILURE;
        }
    };
    let target = out_dir.join(codegen::OUTPUT_FILE);
    if let Err(error) = std::fs::write(&target, source) {
        eprintln!("{}: {error}", target.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn fail(error: &codegen::Error) -> ExitCode {
    eprintln!("error: the OpenAPI spec cannot be generated: {error}");
    ExitCode::FAILURE
}

//! Imports every resource of Cloudflare's Stream schema (`schemas/cloudflare/cloudflare-stream.yaml`,
//! vendored in the repository) into a copy of `spec/` under `OUT_DIR/spec`, as `codegen import
//! --all` does, generates that folder strictly into `OUT_DIR/imported_api.rs`, and sets
//! `cfg(imported)`. The folder's path is `IMPORTED_SPEC` for the tests, which serve it with the
//! emulator.
//!
//! Where the schema is absent, nothing is generated and the tests say they were skipped; under
//! CI (`CI=true`) its absence fails the build.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let schema = Path::new("../schemas/cloudflare/cloudflare-stream.yaml");
    println!("cargo::rerun-if-changed={}", schema.display());
    println!("cargo::rerun-if-changed=../spec");
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        eprintln!("error: OUT_DIR is not set; run this through cargo");
        return ExitCode::FAILURE;
    };
    match run(schema, &out_dir) {
        Ok(()) => {
            println!("cargo::rustc-cfg=imported");
            println!(
                "cargo::rustc-env=IMPORTED_SPEC={}",
                out_dir.join("spec").display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(schema: &Path, out_dir: &Path) -> Result<(), String> {
    let spec = out_dir.join("spec");
    let _ = std::fs::remove_dir_all(&spec);
    std::fs::create_dir_all(&spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    // The project's spec files, without its lock: names come from the spec and the import.
    for file in codegen::spec_files(Path::new("../spec")).map_err(|e| e.to_string())? {
        let name = file.file_name().ok_or("a spec file without a name")?;
        std::fs::copy(&file, spec.join(name)).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    let source = codegen::import::Source::read(schema).map_err(|e| e.to_string())?;
    let plan = codegen::import::plan(&source, &spec, &[]).map_err(|e| e.to_string())?;
    if !plan.approximated.is_empty() {
        return Err(format!("approximated: {:?}", plan.approximated));
    }
    codegen::import::write(&plan).map_err(|e| e.to_string())?;
    let generated = codegen::generate(&spec).map_err(|e| e.to_string())?;
    let target = out_dir.join("imported_api.rs");
    std::fs::write(&target, generated).map_err(|e| format!("{}: {e}", target.display()))
}

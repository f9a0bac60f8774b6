//! Generates Cloudflare's whole Stream schema (`schemas/cloudflare/cloudflare-stream.yaml`,
//! vendored in the repository) into `OUT_DIR/stream_api.rs` and sets `cfg(stream_schema)`, which
//! only a package built without this script (`cargo package`) lacks.
//!
//! The generation is lenient, and must need no approximation: any note fails the build, naming
//! the place in the schema.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    println!("cargo::rustc-check-cfg=cfg(stream_schema)");
    let schema = Path::new("../schemas/cloudflare/cloudflare-stream.yaml");
    println!("cargo::rerun-if-changed={}", schema.display());
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        eprintln!("error: OUT_DIR is not set; run this through cargo");
        return ExitCode::FAILURE;
    };
    // The generator reads folders: give it one holding just this file.
    let spec_dir = out_dir.join("stream-schema");
    let copied = std::fs::create_dir_all(&spec_dir)
        .and_then(|()| std::fs::copy(schema, spec_dir.join("cloudflare-stream.yaml")));
    if let Err(error) = copied {
        eprintln!("error: {}: {error}", spec_dir.display());
        return ExitCode::FAILURE;
    }
    // Every schema a type, not only those the operations use.
    let options = codegen::Options {
        lenient: true,
        every_schema: true,
        // This crate is not the runtime's.
        outside_runtime: true,
    };
    let generated = match codegen::Generator::new(options).generate_dir(&spec_dir) {
        Ok(generated) => generated,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    if !generated.notes.is_empty() {
        for note in &generated.notes {
            eprintln!("error: approximated: {note}");
        }
        return ExitCode::FAILURE;
    }
    let target = out_dir.join("stream_api.rs");
    if let Err(error) = std::fs::write(&target, generated.source) {
        eprintln!("error: {}: {error}", target.display());
        return ExitCode::FAILURE;
    }
    println!("cargo::rustc-cfg=stream_schema");
    ExitCode::SUCCESS
}

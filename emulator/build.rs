//! Embeds the Stream API the emulator serves by default: the files of `spec/` (in the
//! repository a link to the project's `spec/`, in the package a copy), listed into
//! `OUT_DIR/stream_spec.rs` as `(file name, text)` pairs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let spec = Path::new("spec");
    println!("cargo::rerun-if-changed=spec");
    let mut files: Vec<PathBuf> = match std::fs::read_dir(spec) {
        Ok(entries) => entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| {
                matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml" | "json")
                )
            })
            .collect(),
        Err(error) => {
            eprintln!("error: {}: {error}", spec.display());
            return ExitCode::FAILURE;
        }
    };
    files.sort();
    let mut source = String::from("&[\n");
    for file in &files {
        println!("cargo::rerun-if-changed={}", file.display());
        let Ok(absolute) = std::fs::canonicalize(file) else {
            eprintln!("error: {}: cannot be resolved", file.display());
            return ExitCode::FAILURE;
        };
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
        let _ = writeln!(
            source,
            "    ({:?}, include_str!({:?})),",
            name.unwrap_or_default(),
            absolute.display().to_string()
        );
    }
    source.push_str("]\n");
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        eprintln!("error: OUT_DIR is not set; run this through cargo");
        return ExitCode::FAILURE;
    };
    let target = out_dir.join("stream_spec.rs");
    if let Err(error) = std::fs::write(&target, source) {
        eprintln!("error: {}: {error}", target.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

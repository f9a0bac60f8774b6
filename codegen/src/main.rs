//! Command-line front end: regenerate the committed copy, or check that it is up to date.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

/// Generating allocates millions of small objects (tokens, syntax trees); mimalloc serves
/// them in about three quarters of the time glibc's allocator takes (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Generates the Rust client from the OpenAPI files in a spec folder.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the generated client into the output folder.
    Generate(Paths),
    /// Exit non-zero, printing a diff, if the output folder is not what the spec generates.
    Check(Paths),
    /// Print the diff between the output folder and what the spec generates.
    Diff(Paths),
}

#[derive(Debug, clap::Args)]
struct Paths {
    /// Folder of OpenAPI files (`.yaml`, `.yml`, `.json`).
    #[arg(long, default_value = "spec")]
    spec: PathBuf,
    /// Folder the generated file is written to.
    #[arg(long, default_value = "generated")]
    out: PathBuf,
    /// Give what the generator cannot express exactly the nearest faithful type, and list each
    /// such place (file and JSON pointer), instead of failing. For specs you do not control.
    #[arg(long)]
    lenient: bool,
    /// Give every component schema a type, even those no operation uses.
    #[arg(long)]
    every_schema: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Generate(paths) => {
            let started = Instant::now();
            let fresh = generate(&paths)?;
            let target = paths.out.join(codegen::OUTPUT_FILE);
            std::fs::create_dir_all(&paths.out)
                .and_then(|()| std::fs::write(&target, &fresh))
                .map_err(|e| format!("{}: {e}", target.display()))?;
            eprintln!(
                "wrote {} ({} lines) in {:.1} ms",
                target.display(),
                fresh.lines().count(),
                started.elapsed().as_secs_f64() * 1000.0
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(paths) => {
            let diff = stale_diff(&paths)?;
            if diff.is_empty() {
                eprintln!(
                    "{} is up to date",
                    paths.out.join(codegen::OUTPUT_FILE).display()
                );
                Ok(ExitCode::SUCCESS)
            } else {
                print!("{diff}");
                eprintln!(
                    "{} is stale: run `cargo run -p cloudflare-stream-codegen -- generate`",
                    paths.out.join(codegen::OUTPUT_FILE).display()
                );
                Ok(ExitCode::FAILURE)
            }
        }
        Command::Diff(paths) => {
            print!("{}", stale_diff(&paths)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Generates, printing what a lenient run approximated.
fn generate(paths: &Paths) -> Result<String, String> {
    let options = codegen::Options {
        lenient: paths.lenient,
        every_schema: paths.every_schema,
    };
    let generated = codegen::generate_with(&paths.spec, options).map_err(|e| e.to_string())?;
    for note in &generated.notes {
        eprintln!("note: {note}");
    }
    if !generated.notes.is_empty() {
        eprintln!("{} construct(s) approximated", generated.notes.len());
    }
    Ok(generated.source)
}

/// The diff from the committed file to a fresh generation, empty when they agree.
fn stale_diff(paths: &Paths) -> Result<String, String> {
    let fresh = generate(paths)?;
    let target = paths.out.join(codegen::OUTPUT_FILE);
    let committed = match std::fs::read_to_string(&target) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("{}: {e}", target.display())),
    };
    let name = target.display().to_string();
    Ok(codegen::diff(
        &name,
        &committed,
        "generated from the spec",
        &fresh,
    ))
}

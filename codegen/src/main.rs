//! Command-line front end: regenerate the committed copy, check that it is up to date, say
//! what changed in the generated API, and import resources of a Cloudflare schema.
//!
//! Exit statuses: 0 done; 1 `check` found a stale copy or lock, or `changelog --fail-on` found
//! such a change; 2 bad usage, or a spec (or git revision) that cannot be read.

mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::args::{Cli, Command};

/// Generating allocates millions of small objects (tokens, syntax trees); mimalloc serves
/// them in about three quarters of the time glibc's allocator takes (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Generate(paths) => cli::generate::generate_command(paths),
        Command::Check(paths) => cli::generate::check(paths),
        Command::Diff(paths) => cli::generate::diff(paths),
        Command::Changelog(args) => cli::changelog::changelog(args),
        Command::Import(args) => cli::import::import(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

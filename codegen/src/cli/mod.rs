//! The command line, one module per command: `generate`, `check` and `diff`; `changelog`;
//! `import`; `overlays`.

mod args;
mod changelog;
mod fetch;
mod files;
mod generate;
mod import;
mod overlays;

/// Runs the command line with the process's arguments: the `codegen` binary's `main`.
pub fn main() -> std::process::ExitCode {
    use clap::Parser;
    use std::process::ExitCode;

    use args::{Cli, Command};

    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Generate(paths) => generate::generate_command(paths),
        Command::Check(paths) => generate::check(paths),
        Command::Diff(paths) => generate::diff(paths),
        Command::Changelog(args) => changelog::changelog(args),
        Command::Import(args) => import::import(args),
        Command::Overlays(args) => overlays::overlays(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

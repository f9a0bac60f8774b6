//! `changelog`: what changed between two versions of a spec, in the generated API.

use std::process::ExitCode;

use crate::changes::input::Source;
use crate::changes::render::{self, Format};
use crate::changes::{self, Severity};

use super::args::{ChangelogArgs, FailOn, FormatArg};
use super::generate::print_notes;

/// Runs `changelog`.
pub fn changelog(args: &ChangelogArgs) -> Result<ExitCode, String> {
    let load = |arg: &str| Source::parse(arg).load().map_err(|e| e.to_string());
    let old = load(&args.old)?;
    let new = load(&args.new)?;
    let options = args.options.options();
    let before = crate::Generator::new(options)
        .keeping_names_of(old.lock.as_ref())
        .generate(&old.spec)
        .map_err(|e| failed(&args.old, &e))?;
    let lock = new.lock.as_ref().unwrap_or(&before.api);
    let after = crate::Generator::new(options)
        .keeping_names_of(Some(lock))
        .generate(&new.spec)
        .map_err(|e| failed(&args.new, &e))?;
    // What `--lenient` approximated on either side (each note names its file), as `generate`
    // says it: nothing is dropped silently, here either.
    print_notes(&before.notes);
    print_notes(&after.notes);
    let changelog = changes::compare(&before.api, &after.api);
    let format = match args.format {
        FormatArg::Text => Format::Text,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Json => Format::Json,
    };
    print!("{}", render::render(&changelog, format));
    let failing = match args.fail_on {
        Some(FailOn::Breaking) => changelog.has(Severity::Breaking),
        Some(FailOn::Additive) => changelog.has(Severity::Additive),
        None => false,
    };
    Ok(if failing {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The message of `error`, generating the side given as `arg`: an error that names its file
/// and pointer says where already; another is prefixed with the side.
fn failed(arg: &str, error: &crate::Error) -> String {
    match error.location() {
        Some(_) => error.to_string(),
        None => format!("{arg}: {error}"),
    }
}

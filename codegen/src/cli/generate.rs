//! `generate`, `check` and `diff`: the generated file and the API lock, written or compared,
//! with what changed in the API since the lock.

use std::process::ExitCode;
use std::time::Instant;

use crate::changes::render::{self, Format};
use crate::changes::{self, Changelog, Severity};
use crate::model::lock;

use super::args::Paths;
use super::files::{read_or_empty, stale_diff, write};

/// `generate`: writes the generated file and the lock, and says what changed.
pub fn generate_command(paths: &Paths) -> Result<ExitCode, String> {
    let started = Instant::now();
    let fresh = generate(paths)?;
    let target = paths.out.join(crate::OUTPUT_FILE);
    write(&target, &fresh.source)?;
    eprintln!(
        "wrote {} ({} lines) in {:.1} ms",
        target.display(),
        fresh.source.lines().count(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    if !paths.no_lock {
        let lock_path = paths.spec.join(lock::LOCK_FILE);
        write(&lock_path, &fresh.lock_text)?;
        eprintln!("wrote {}", lock_path.display());
    }
    report_api_changes(&fresh, paths);
    Ok(ExitCode::SUCCESS)
}

/// `check`: exit 1, with a diff and what changed, if the generated file or the lock is stale.
pub fn check(paths: &Paths) -> Result<ExitCode, String> {
    let fresh = generate(paths)?;
    let target = paths.out.join(crate::OUTPUT_FILE);
    let diff = stale_diff(&target, &fresh.source)?;
    let lock_path = paths.spec.join(lock::LOCK_FILE);
    let lock_stale = !paths.no_lock && read_or_empty(&lock_path)? != fresh.lock_text;
    report_api_changes(&fresh, paths);
    if diff.is_empty() && !lock_stale {
        eprintln!("{} is up to date", target.display());
        return Ok(ExitCode::SUCCESS);
    }
    print!("{diff}");
    if !diff.is_empty() {
        eprintln!("{} is stale", target.display());
    }
    if lock_stale {
        eprintln!("{} is stale", lock_path.display());
    }
    eprintln!(
        "bless what the spec generates with `cargo run -p cloudflare-stream-codegen -- generate`"
    );
    Ok(ExitCode::FAILURE)
}

/// `diff`: the text diff only.
pub fn diff(paths: &Paths) -> Result<ExitCode, String> {
    let fresh = generate(paths)?;
    print!(
        "{}",
        stale_diff(&paths.out.join(crate::OUTPUT_FILE), &fresh.source)?
    );
    Ok(ExitCode::SUCCESS)
}

/// A generation, with what it changed against the lock.
pub struct Fresh {
    /// The generated source.
    pub source: String,
    /// The lock it goes with.
    pub lock_text: String,
    /// What changed since the lock, if there was one.
    pub changes: Option<Changelog>,
}

/// Generates, printing what a lenient run approximated.
pub fn generate(paths: &Paths) -> Result<Fresh, String> {
    let spec = crate::load::Spec::load_dir(&paths.spec).map_err(|e| e.to_string())?;
    let old = if paths.no_lock {
        None
    } else {
        lock::read(&paths.spec).map_err(|e| e.to_string())?
    };
    let generated = crate::Generator::new(paths.options.options())
        .keeping_names_of(old.as_ref())
        .generate(&spec)
        .map_err(|e| e.to_string())?;
    // The documents are the largest thing in memory (for Cloudflare's whole API): gone before
    // the lock is rendered and compared, which peaks on its own.
    drop(spec);
    print_notes(&generated.notes);
    Ok(Fresh {
        lock_text: lock::render(&generated.api),
        // The lock keeps no doc text: only what code sees is compared with it.
        changes: old.map(|old| {
            let mut changelog = changes::compare(&old, &generated.api);
            changelog
                .changes
                .retain(|c| c.severity != Severity::Documentation);
            changelog
        }),
        source: generated.source,
    })
}

/// What a lenient generation approximated, on stderr, one note a line, then how many.
pub fn print_notes(notes: &[crate::Error]) {
    for note in notes {
        eprintln!("note: {note}");
    }
    if !notes.is_empty() {
        eprintln!("{} construct(s) approximated", notes.len());
    }
}

/// Prints what changed in the API against the lock, beside the text diff.
pub fn report_api_changes(fresh: &Fresh, paths: &Paths) {
    let Some(changes) = &fresh.changes else {
        if !paths.no_lock {
            eprintln!(
                "no {} yet: nothing to compare the API with",
                paths.spec.join(lock::LOCK_FILE).display()
            );
        }
        return;
    };
    if changes.changes.is_empty() {
        eprintln!("the generated API is unchanged");
        return;
    }
    eprint!(
        "{}",
        render::render(changes, Format::Text).replace(
            "API changes:",
            &format!(
                "API changes since {}:",
                paths.spec.join(lock::LOCK_FILE).display()
            )
        )
    );
}

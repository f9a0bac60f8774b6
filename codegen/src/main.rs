//! Command-line front end: regenerate the committed copy, check that it is up to date, and say
//! what changed in the generated API.
//!
//! Exit statuses: 0 done; 1 `check` found a stale copy or lock, or `changelog --fail-on` found
//! such a change; 2 bad usage, or a spec (or git revision) that cannot be read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use codegen::changes::input::Source;
use codegen::changes::render::{self, Format};
use codegen::changes::{self, Changelog, Severity};
use codegen::model::lock;

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
    /// Write the generated client into the output folder, and the API lock into the spec folder;
    /// say what changed in the API since the lock.
    Generate(Paths),
    /// Exit 1, printing a diff and what changed in the API, if the output folder or the API lock
    /// is not what the spec generates.
    Check(Paths),
    /// Print the diff between the output folder and what the spec generates.
    Diff(Paths),
    /// Say what changed between two versions of a spec, in the generated API: each change with
    /// its severity, the Rust item, the place in each spec, and the version bump it implies.
    ///
    /// OLD and NEW are each a spec folder, one spec file, or a git revision of either
    /// (`HEAD:spec`). NEW keeps the names of its own API lock, or, if it has none, of OLD's
    /// API, as regenerating OLD's crate from NEW would.
    Changelog(ChangelogArgs),
    /// Write resources of a Cloudflare schema file into the spec folder, one file each, the way
    /// the folder is written; then generate, and say what changed in the API.
    ///
    /// A resource whose routes another file has (the curated `downloads.yaml`) is left alone.
    /// Importing a resource again updates its file, keeping `x-rust-*` overrides and the
    /// descriptions and examples a person added. Nothing is written unless the folder then
    /// generates strictly.
    Import(ImportArgs),
}

#[derive(Debug, clap::Args)]
struct ImportArgs {
    /// The schema file (`cloudflare-stream.yaml`, a week of its history, the whole API).
    #[arg(long, value_name = "FILE")]
    from: PathBuf,
    /// List the resources the file holds, with their operations, and write nothing.
    #[arg(long, conflicts_with_all = ["resources", "all"])]
    list: bool,
    /// A resource to import, by its dotted name (`stream.captions`); repeat for more.
    #[arg(long = "resource", value_name = "NAME")]
    resources: Vec<String>,
    /// Import every resource of the file.
    #[arg(long, conflicts_with = "resources")]
    all: bool,
    /// The spec folder to write into.
    #[arg(long, default_value = "spec")]
    spec: PathBuf,
    /// Where `generate` writes the generated file afterwards.
    #[arg(long, default_value = "generated")]
    out: PathBuf,
    /// Write the spec files only: no generation, no lock, no changelog.
    #[arg(long)]
    no_generate: bool,
}

#[derive(Debug, clap::Args)]
struct Options {
    /// Give what the generator cannot express exactly the nearest faithful type, and list each
    /// such place (file and JSON pointer), instead of failing. For specs you do not control.
    #[arg(long)]
    lenient: bool,
    /// Give every component schema a type, even those no operation uses.
    #[arg(long)]
    every_schema: bool,
}

impl Options {
    fn options(&self) -> codegen::Options {
        codegen::Options {
            lenient: self.lenient,
            every_schema: self.every_schema,
        }
    }
}

#[derive(Debug, clap::Args)]
struct Paths {
    /// Folder of OpenAPI files (`.yaml`, `.yml`, `.json`), and of the API lock.
    #[arg(long, default_value = "spec")]
    spec: PathBuf,
    /// Folder the generated file is written to.
    #[arg(long, default_value = "generated")]
    out: PathBuf,
    /// Neither read nor write the API lock: names come from the spec alone.
    #[arg(long)]
    no_lock: bool,
    #[command(flatten)]
    options: Options,
}

#[derive(Debug, clap::Args)]
struct ChangelogArgs {
    /// The old version: a spec folder, a spec file, or `REV:path`.
    old: String,
    /// The new version: a spec folder, a spec file, or `REV:path`.
    new: String,
    /// How to print the changes.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
    /// Exit 1 if there is a change this severe (`additive` includes breaking ones).
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    #[command(flatten)]
    options: Options,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    /// For a terminal.
    Text,
    /// A CHANGELOG section or pull-request comment.
    Markdown,
    /// For tools: `{changes: [{severity, rust, old, new, message}], semver, counts}`.
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FailOn {
    /// A breaking change.
    Breaking,
    /// A breaking or additive change.
    Additive,
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
            report_api_changes(&fresh, &paths);
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(paths) => {
            let fresh = generate(&paths)?;
            let target = paths.out.join(codegen::OUTPUT_FILE);
            let diff = stale_diff(&target, &fresh.source)?;
            let lock_path = paths.spec.join(lock::LOCK_FILE);
            let lock_stale = !paths.no_lock && read_or_empty(&lock_path)? != fresh.lock_text;
            report_api_changes(&fresh, &paths);
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
        Command::Diff(paths) => {
            let fresh = generate(&paths)?;
            print!(
                "{}",
                stale_diff(&paths.out.join(codegen::OUTPUT_FILE), &fresh.source)?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Changelog(args) => changelog(&args),
        Command::Import(args) => import(&args),
    }
}

fn import(args: &ImportArgs) -> Result<ExitCode, String> {
    let source = codegen::import::Source::read(&args.from).map_err(|e| e.to_string())?;
    if args.list {
        for resource in source.resources() {
            println!("{}  ({})", resource.name, resource.file());
            for (method, path, rust) in &resource.operations {
                println!("    {:<7} {path}  → {rust}", method.to_uppercase());
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.resources.is_empty() && !args.all {
        return Err(
            "name the resources to import (`--resource NAME`, or `--all`); `--list` lists them"
                .into(),
        );
    }
    let paths = Paths {
        spec: args.spec.clone(),
        out: args.out.clone(),
        no_lock: false,
        options: Options {
            lenient: false,
            every_schema: false,
        },
    };
    // The API before, to say what the import changed.
    let before = codegen::load::Spec::load_dir(&args.spec)
        .ok()
        .and_then(|spec| {
            let lock = lock::read(&args.spec).ok().flatten();
            codegen::generate_locked(&spec, codegen::Options::default(), lock.as_ref()).ok()
        });
    let started = Instant::now();
    let plan =
        codegen::import::plan(&source, &args.spec, &args.resources).map_err(|e| e.to_string())?;
    for (resource, why) in &plan.skipped {
        eprintln!("skipped {resource}: {why}");
    }
    for note in &plan.approximated {
        eprintln!("approximated: {note}; written as any JSON");
    }
    codegen::import::write(&plan).map_err(|e| e.to_string())?;
    for (path, text) in &plan.files {
        eprintln!("wrote {} ({} lines)", path.display(), text.lines().count());
    }
    eprintln!(
        "imported {} resource(s) in {:.1} ms",
        plan.files.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    if args.no_generate {
        return Ok(ExitCode::SUCCESS);
    }
    let fresh = generate(&paths)?;
    let target = paths.out.join(codegen::OUTPUT_FILE);
    write(&target, &fresh.source)?;
    write(&paths.spec.join(lock::LOCK_FILE), &fresh.lock_text)?;
    eprintln!(
        "wrote {} and {}",
        target.display(),
        paths.spec.join(lock::LOCK_FILE).display()
    );
    if let Some(before) = before {
        let spec = codegen::load::Spec::load_dir(&args.spec).map_err(|e| e.to_string())?;
        let after = codegen::generate_locked(&spec, codegen::Options::default(), Some(&before.api))
            .map_err(|e| e.to_string())?;
        print!(
            "{}",
            render::render(&changes::compare(&before.api, &after.api), Format::Text)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A generation, with what it changed against the lock.
struct Fresh {
    source: String,
    lock_text: String,
    changes: Option<Changelog>,
}

/// Generates, printing what a lenient run approximated.
fn generate(paths: &Paths) -> Result<Fresh, String> {
    let spec = codegen::load::Spec::load_dir(&paths.spec).map_err(|e| e.to_string())?;
    let old = if paths.no_lock {
        None
    } else {
        lock::read(&paths.spec).map_err(|e| e.to_string())?
    };
    let generated = codegen::generate_locked(&spec, paths.options.options(), old.as_ref())
        .map_err(|e| e.to_string())?;
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

fn print_notes(notes: &[codegen::Error]) {
    for note in notes {
        eprintln!("note: {note}");
    }
    if !notes.is_empty() {
        eprintln!("{} construct(s) approximated", notes.len());
    }
}

/// Prints what changed in the API against the lock, beside the text diff.
fn report_api_changes(fresh: &Fresh, paths: &Paths) {
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

fn changelog(args: &ChangelogArgs) -> Result<ExitCode, String> {
    let load = |arg: &str| Source::parse(arg).load().map_err(|e| e.to_string());
    let old = load(&args.old)?;
    let new = load(&args.new)?;
    let options = args.options.options();
    let before = codegen::generate_locked(&old.spec, options, old.lock.as_ref())
        .map_err(|e| format!("{}: {e}", args.old))?;
    let lock = new.lock.as_ref().unwrap_or(&before.api);
    let after = codegen::generate_locked(&new.spec, options, Some(lock))
        .map_err(|e| format!("{}: {e}", args.new))?;
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

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn read_or_empty(path: &Path) -> Result<String, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// The diff from the committed file to a fresh generation, empty when they agree.
fn stale_diff(target: &Path, fresh: &str) -> Result<String, String> {
    let committed = read_or_empty(target)?;
    let name = target.display().to_string();
    Ok(codegen::diff(
        &name,
        &committed,
        "generated from the spec",
        fresh,
    ))
}

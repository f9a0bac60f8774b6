//! What `tests/properties.rs`, `tests/fuzz.rs` and `tests/pathological.rs` share: a runner that
//! turns a panic or a hang into a failure, random specs, mutations of real specs, and the
//! checks every generated file must pass.

#![allow(dead_code)] // each test crate uses its own part of this module

pub mod check;
pub mod mutate;
pub mod random;
#[path = "../support/schemas.rs"]
pub mod schemas;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use codegen::load::Spec;
use codegen::{Error, Options};

/// How long one case may take before it counts as a hang. Generous: a debug build on a busy
/// two-core machine generates the 112 KB Stream schema in well under a second.
pub const CASE_LIMIT: Duration = Duration::from_secs(60);

/// The stack of a case's thread: a main thread's (8 MiB), where the build script and the
/// command line run the generator. (The model is built on a thread of its own with a larger
/// stack; printing a type nested 128 deep still needs more than a test thread's 2 MiB in a
/// debug build.)
pub const CASE_STACK: usize = 8 * 1024 * 1024;

/// A hang cannot be shrunk (every attempt waits [`CASE_LIMIT`], and the hung thread keeps
/// spinning): print the case and stop the test process at once. Any other failure is returned
/// for proptest to shrink.
pub fn stop_if_hung(failure: String, files: &[(PathBuf, String)]) -> String {
    if failure.contains("a hang") {
        eprintln!("{failure}; the case:");
        for (path, text) in files {
            eprintln!("--- {}\n{text}", path.display());
        }
        eprintln!("(HARDENING_SEED={} replays the run)", seed_in_use());
        std::process::exit(2);
    }
    failure
}

/// Runs `job` on a thread of its own. A panic (caught with `catch_unwind`) or a run longer than
/// `limit` is an `Err` saying which; a hung thread is left behind, and the test fails.
pub fn bounded<T: Send + 'static>(
    limit: Duration,
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .name("hardening-case".into())
        .stack_size(CASE_STACK)
        .spawn(move || {
            let _ = sender.send(catch_unwind(AssertUnwindSafe(job)));
        })
        .map_err(|e| format!("cannot start a thread: {e}"))?;
    match receiver.recv_timeout(limit) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(panic)) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a non-string payload".to_owned());
            Err(format!("panicked: {message}"))
        }
        Err(RecvTimeoutError::Timeout) => Err(format!("still running after {limit:?}: a hang")),
        Err(RecvTimeoutError::Disconnected) => Err("the case's thread vanished".to_owned()),
    }
}

/// A generation that succeeded: the source, and what [`check::source`] and [`check::model`]
/// found in it (checked on the case's thread, whose stack is a main thread's).
#[derive(Debug)]
pub struct Output {
    /// The formatted Rust source.
    pub source: String,
    /// Problems in the source and in the model it was printed from.
    pub problems: Vec<String>,
}

/// What one generation gave.
pub type Generation = Result<Output, Error>;

/// The outcome of one case.
#[derive(Debug)]
pub enum Run {
    /// The files did not load.
    NotLoaded(Error),
    /// They loaded; a strict generation, and a lenient one of every schema.
    Generated {
        /// With [`Options::default`].
        strict: Generation,
        /// Lenient, every schema a type.
        lenient: Generation,
    },
}

const LENIENT: Options = Options {
    lenient: true,
    every_schema: true,
    outside_runtime: true,
};

fn generate(spec: &Spec, options: Options) -> Generation {
    let source = codegen::Generator::new(options).generate(spec)?.source;
    let model = codegen::model::Api::build(spec, options)?;
    let mut problems = check::source(&source);
    problems.extend(check::model(&model));
    Ok(Output { source, problems })
}

/// Loads `files` and generates them strictly and leniently, bounded by [`CASE_LIMIT`].
pub fn generate_both(files: &[(PathBuf, String)]) -> Result<Run, String> {
    let files = files.to_vec();
    bounded(CASE_LIMIT, move || match Spec::from_sources(files) {
        Ok(spec) => Run::Generated {
            strict: generate(&spec, Options::default()),
            lenient: generate(&spec, LENIENT),
        },
        Err(error) => Run::NotLoaded(error),
    })
}

/// Every problem with `run`: a generated file that fails [`check::source`] or whose model fails
/// [`check::model`], or a refusal that names no file and pointer.
///
/// With `valid` (specs built to be valid), the lenient generation must succeed, and the strict
/// one may refuse only a construct it cannot express exactly (`Error::Unsupported`, located),
/// as its contract says: a union that holds itself through another union, for one.
pub fn problems(run: &Run, files: &[(PathBuf, String)], valid: bool) -> Vec<String> {
    let paths: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    let mut problems = Vec::new();
    let mut judge = |label: &str, generation: Result<&Output, &Error>| match generation {
        Ok(output) => {
            for problem in &output.problems {
                problems.push(format!("{label}: {problem}"));
            }
        }
        Err(error) => {
            let allowed =
                !valid || (label == "strict" && matches!(error, Error::Unsupported { .. }));
            if !allowed {
                problems.push(format!("{label}: a valid spec was refused: {error}"));
            } else if let Err(problem) = check::refusal(error, &paths) {
                problems.push(format!("{label}: {problem}"));
            }
        }
    };
    match run {
        Run::NotLoaded(error) => judge("load", Err(error)),
        Run::Generated { strict, lenient } => {
            judge("strict", strict.as_ref());
            judge("lenient", lenient.as_ref());
        }
    }
    problems
}

/// The seed of this run: `HARDENING_SEED` if set (to replay a failure), else the clock's.
pub fn seed() -> u64 {
    let seed = std::env::var("HARDENING_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64)
        });
    SEED.store(seed, std::sync::atomic::Ordering::Relaxed);
    seed
}

static SEED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn seed_in_use() -> u64 {
    SEED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Runs `test` on `cases` values of `strategy`, shrinking a failure to a small one, and
/// panics with it (and the seed that replays it). Returns how many cases ran.
pub fn run_cases<S>(
    label: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), String>,
) -> u32
where
    S: proptest::strategy::Strategy,
    S::Value: std::fmt::Debug,
{
    use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
    let seed = seed();
    let config = Config {
        cases,
        max_shrink_iters: 256,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let started = std::time::Instant::now();
    let result = runner.run(&strategy, |value| test(value).map_err(TestCaseError::fail));
    match result {
        Ok(()) => {
            eprintln!(
                "{label}: {cases} cases passed in {:.1} s (seed {seed})",
                started.elapsed().as_secs_f64()
            );
            cases
        }
        Err(error) => panic!("{label} (HARDENING_SEED={seed} replays it): {error}"),
    }
}

/// `HARDENING_CASES` if set, else `default`.
pub fn cases(default: u32) -> u32 {
    std::env::var("HARDENING_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// The sources a run produced, for comparing runs.
fn sources(run: &Run) -> Vec<Option<&str>> {
    match run {
        Run::NotLoaded(_) => vec![None],
        Run::Generated { strict, lenient } => [strict, lenient]
            .iter()
            .map(|g| g.as_ref().ok().map(|o| o.source.as_str()))
            .collect(),
    }
}

fn explain(problems: &[String], files: &[(PathBuf, String)]) -> String {
    let mut text = problems.join("\n");
    for (path, content) in files {
        text.push_str(&format!("\n--- {}\n{content}", path.display()));
    }
    text
}

/// Generates `files`, checks the result, and checks that a second run (with the files in the
/// opposite order) gives the same.
pub fn judge(files: Vec<(PathBuf, String)>, must_generate: bool) -> Result<(), String> {
    let run = generate_both(&files).map_err(|e| stop_if_hung(e, &files))?;
    let found = problems(&run, &files, must_generate);
    if !found.is_empty() {
        return Err(explain(&found, &files));
    }
    let mut reversed = files.clone();
    reversed.reverse();
    let again = generate_both(&reversed).map_err(|e| stop_if_hung(e, &files))?;
    if sources(&run) != sources(&again) {
        return Err(explain(
            &["the output differs between two runs".into()],
            &files,
        ));
    }
    Ok(())
}

//! Generates a typed Rust client from an OpenAPI 3.0 description split over several files.
//!
//! The pipeline has four stages, each a module with one job, and data only moves forward:
//!
//! 1. [`load`]: read the spec files, check them against the OpenAPI model, resolve `$ref`s;
//! 2. [`model`]: decide the Rust types, resources and methods, with their final names;
//! 3. `emit`: turn the model into tokens;
//! 4. `format`: print the tokens with prettyplease.
//!
//! [`Generator`] runs all four over a folder or a loaded spec. Every failure is an [`Error`] naming the file and
//! the JSON pointer of the problem; nothing here panics on a bad spec.

// The library's surface: [`Generator`] and [`Options`], what they take and give ([`Spec`],
// [`Generated`], [`Api`], [`Error`]), the API lock ([`lock`]), the changelog ([`changes`]) and
// the response examples' table ([`examples`]). The stages themselves are the crate's own; the
// `internals` feature shows them to the generator's tests and benchmarks, which time and probe
// each stage (not a stable API, and not for other crates).
pub mod changes;
/// The command line, as a function: the `codegen` binary's `main`.
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod emit;
#[cfg(not(feature = "internals"))]
mod emit;
mod error;
pub mod examples;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod format;
#[cfg(not(feature = "internals"))]
mod format;
#[cfg(all(feature = "cli", feature = "internals"))]
#[doc(hidden)]
pub mod import;
#[cfg(all(feature = "cli", not(feature = "internals")))]
mod import;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod load;
#[cfg(not(feature = "internals"))]
mod load;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod model;
#[cfg(not(feature = "internals"))]
mod model;
mod options;
use std::path::Path;

pub use error::{Error, Location, Result};
pub use load::{Spec, read_value, spec_files};
/// The API a generation decided on, as data: what the lock records and the changelog compares.
pub use model::Api;
/// Rust names from spec names (the model's naming rules), for tools and tests.
#[cfg(feature = "internals")]
#[doc(hidden)]
pub use model::names as naming;
/// The OpenAPI document model the loader hands out.
pub use openapiv3;
pub use options::Options;

/// The API lock: the Rust API a spec folder generated last (`rust-api.lock`), whose names the
/// next generation keeps ([`Generator::keeping_names_of`]) and against which the changelog
/// reports what changed.
pub mod lock {
    pub use crate::model::lock::{LOCK_FILE, LOCK_VERSION, parse, read, render};
}

/// The name of the generated file, in `generated/` and in the build script's `OUT_DIR`.
pub const OUTPUT_FILE: &str = "api.rs";

/// The output of a generation.
#[derive(Debug)]
pub struct Generated {
    /// The formatted Rust source.
    pub source: String,
    /// What a lenient generation approximated, each naming the file and JSON pointer.
    pub notes: Vec<Error>,
    /// The API that was generated, as data: what the API lock records
    /// ([`lock::render`]) and the changelog compares.
    pub api: Api,
}

/// The generator: its [`Options`], and the API whose names it keeps (a lock's).
///
/// ```no_run
/// # fn run() -> codegen::Result<()> {
/// use codegen::{Generator, Options};
/// // The SDK's own folder: strict, with the names of its lock (`spec/rust-api.lock`).
/// let generated = Generator::new(Options::default()).generate_dir("spec".as_ref())?;
/// std::fs::write("generated/api.rs", &generated.source).expect("writable");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Generator<'l> {
    options: Options,
    lock: Option<&'l Api>,
}

impl<'l> Generator<'l> {
    /// A generator with `options`, keeping no names but those the spec gives.
    pub fn new(options: Options) -> Self {
        Self {
            options,
            lock: None,
        }
    }

    /// Keeps the names of `lock` (the API generated last, see [`lock`]) for the items
    /// that are still there; `None` keeps none.
    pub fn keeping_names_of(mut self, lock: impl Into<Option<&'l Api>>) -> Self {
        self.lock = lock.into();
        self
    }

    /// Generates the client for an already loaded spec.
    pub fn generate(&self, spec: &Spec) -> Result<Generated> {
        let mut api = Api::build_locked(spec, self.options, self.lock)?;
        let source = format::api(&api)?;
        Ok(Generated {
            source,
            notes: once_each(std::mem::take(&mut api.notes)),
            api,
        })
    }

    /// Generates the client for the spec files of the folder `spec_dir`, keeping the names of
    /// the folder's API lock if it has one (and no lock was given).
    pub fn generate_dir(&self, spec_dir: &Path) -> Result<Generated> {
        let spec = Spec::load_dir(spec_dir)?;
        if self.lock.is_some() {
            return self.generate(&spec);
        }
        match model::lock::read(spec_dir)? {
            Some(lock) => self.clone().keeping_names_of(&lock).generate(&spec),
            None => self.generate(&spec),
        }
    }
}

/// Each note once, in the order first made: a construct reached from several places (an
/// envelope every operation uses) is approximated at each, with the same words every time.
fn once_each(notes: Vec<Error>) -> Vec<Error> {
    let mut seen = std::collections::HashSet::new();
    notes
        .into_iter()
        .filter(|note| seen.insert(note.to_string()))
        .collect()
}

/// A unified diff from `old` to `new`, empty when they are equal.
pub fn diff(old_name: &str, old: &str, new_name: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}

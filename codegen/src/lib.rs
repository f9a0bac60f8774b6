//! Generates a typed Rust client from an OpenAPI 3.0 description split over several files.
//!
//! The pipeline has four stages, each a module with one job, and data only moves forward:
//!
//! 1. [`load`]: read the spec files, check them against the OpenAPI model, resolve `$ref`s;
//! 2. [`model`]: decide the Rust types, resources and methods, with their final names;
//! 3. [`emit`]: turn the model into tokens;
//! 4. [`mod@format`]: print the tokens with prettyplease.
//!
//! [`generate`] runs all four over a folder. Every failure is an [`Error`] naming the file and
//! the JSON pointer of the problem; nothing here panics on a bad spec.

pub mod changes;
pub mod emit;
pub mod error;
pub mod examples;
pub mod format;
pub mod import;
pub mod load;
pub mod model;
mod options;
use std::path::Path;

pub use error::{Error, Location, Result};
pub use load::spec_files;
/// Rust names from spec names (the model's naming rules), for tools and tests.
pub use model::names as naming;
/// The OpenAPI document model the loader hands out.
pub use openapiv3;
pub use options::Options;

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
    /// ([`model::lock::render`]) and the changelog compares.
    pub api: model::Api,
}

/// Generates the client for the spec files in `spec_dir`, strictly, as formatted Rust source.
/// The folder's API lock, if it has one, keeps the names it records.
pub fn generate(spec_dir: &Path) -> Result<String> {
    generate_with(spec_dir, Options::default()).map(|g| g.source)
}

/// Generates the client for the spec files in `spec_dir` with `options`, keeping the names of
/// the folder's API lock if it has one.
pub fn generate_with(spec_dir: &Path, options: Options) -> Result<Generated> {
    let spec = load::Spec::load_dir(spec_dir)?;
    let lock = model::lock::read(spec_dir)?;
    generate_locked(&spec, options, lock.as_ref())
}

/// Generates the client for an already loaded spec, strictly, with no lock.
pub fn generate_spec(spec: &load::Spec) -> Result<String> {
    generate_spec_with(spec, Options::default()).map(|g| g.source)
}

/// Generates the client for an already loaded spec with `options`, with no lock.
pub fn generate_spec_with(spec: &load::Spec, options: Options) -> Result<Generated> {
    generate_locked(spec, options, None)
}

/// Generates the client for an already loaded spec with `options`, keeping the names of `lock`
/// (the API generated last, see [`model::lock`]).
pub fn generate_locked(
    spec: &load::Spec,
    options: Options,
    lock: Option<&model::Api>,
) -> Result<Generated> {
    let mut api = model::Api::build_locked(spec, options, lock)?;
    let source = format::api(&api)?;
    Ok(Generated {
        source,
        notes: once_each(std::mem::take(&mut api.notes)),
        api,
    })
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

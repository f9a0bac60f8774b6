//! The changelog: what changed between two generated APIs, item by item, and whether code
//! written against the old one still compiles and still works.
//!
//! Both sides are [`Api`]s (the model the generator prints), so the comparison sees what a user
//! of the crate sees: Rust names, argument lists, field types, variants. Items are paired as
//! the API lock pairs them ([`Pairing`]): a rename is one change, not a removal and an addition.
//!
//! Each [`Change`] has a [`Severity`]:
//!
//! - `breaking`: code that compiled against the old API no longer compiles, or a call that
//!   worked now fails at run time (an item removed or renamed, a type changed, an argument
//!   added, a field that a response no longer fills);
//! - `additive`: something new that old code does not notice (a method, a type, an optional
//!   field or parameter, an enum variant: models are `#[non_exhaustive]`);
//! - `wire`: the Rust API is the same, the wire is not (the credentials an operation accepts,
//!   an envelope property such as `result_info`): old code compiles, calls may behave
//!   differently;
//! - `documentation`: only doc text changed.
//!
//! A breaking change whose operation or type sends and receives the same JSON as before says so
//! in its message ([`wire`]): the spec's structure changed, not the service.
//!
//! - [`operations`]: resources, methods, their arguments, setters and results;
//! - [`types`]: models, their fields and variants;
//! - [`wire`]: which breaks have no cause on the wire;
//! - [`render`]: the text, Markdown and JSON forms;
//! - [`input`]: reading each side (a folder, a file, or a git revision of a folder).

pub mod input;
mod operations;
pub mod render;
pub(crate) mod rust;
mod types;
mod wire;

use serde::{Serialize, Serializer};

use crate::error::Location;
use crate::model::Api;
use crate::model::pairing::Pairing;

/// How much a change matters to code written against the old API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Old code no longer compiles, or a call that worked now fails.
    Breaking,
    /// Something new; old code is unaffected.
    Additive,
    /// A change on the wire that no Rust item shows (the credentials an operation accepts, a
    /// property of the envelope the runtime handles): old code compiles as it did, but calls
    /// may behave differently.
    Wire,
    /// Only documentation changed.
    Documentation,
}

impl Severity {
    /// The word used in every format (`breaking`, `additive`, `documentation`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Breaking => "breaking",
            Self::Additive => "additive",
            Self::Wire => "wire",
            Self::Documentation => "documentation",
        }
    }
}

/// One change, as a line of a changelog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// How much it matters.
    pub severity: Severity,
    /// The Rust item it touches (`stream::downloads::Downloads::get`, `models::Download::url`).
    pub rust: String,
    /// Where the item stands in the old spec (absent for an addition).
    #[serde(serialize_with = "location")]
    pub old: Option<Location>,
    /// Where the item stands in the new spec (absent for a removal).
    #[serde(serialize_with = "location")]
    pub new: Option<Location>,
    /// One line for a person.
    pub message: String,
}

/// Locations as `file#pointer`, the file as it was given.
fn location<S: Serializer>(at: &Option<Location>, serializer: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => serializer.serialize_str(&at.to_string()),
        None => serializer.serialize_none(),
    }
}

/// The version bump a set of changes calls for, by Cargo's rules for the crate's version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// A breaking change: the major version (the minor one while it is `0.y.z`).
    Major,
    /// Something added: the minor version (the patch one while it is `0.y.z`).
    Minor,
    /// Documentation only: the patch version.
    Patch,
    /// Nothing changed.
    None,
}

/// Every change between two APIs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Changelog {
    /// The changes, breaking first, then additive, then documentation; each group by item.
    pub changes: Vec<Change>,
}

impl Changelog {
    /// The version bump the changes call for.
    pub fn semver(&self) -> Bump {
        match self.changes.iter().map(|c| c.severity).min() {
            Some(Severity::Breaking) => Bump::Major,
            Some(Severity::Additive) => Bump::Minor,
            Some(Severity::Wire | Severity::Documentation) => Bump::Patch,
            None => Bump::None,
        }
    }

    /// How many changes have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.changes
            .iter()
            .filter(|c| c.severity == severity)
            .count()
    }

    /// Whether there is a change at least as severe as `severity`.
    pub fn has(&self, severity: Severity) -> bool {
        self.changes.iter().any(|c| c.severity <= severity)
    }

    /// `1 breaking, 2 additive, 0 documentation`, the wire changes when there are any, and the
    /// bump.
    pub fn summary(&self) -> String {
        format!(
            "{} (semver: {})",
            render::counts_text(self),
            render::bump_word(self.semver()),
        )
    }
}

/// Compares two APIs: what a user of `old` meets in `new`.
pub fn compare(old: &Api, new: &Api) -> Changelog {
    let pairing = Pairing::of(old, new);
    let mut changes = Vec::new();
    operations::compare(old, new, &pairing, &mut changes);
    types::compare(old, new, &pairing, &mut changes);
    wire::mark(old, new, &pairing, &mut changes);
    changes.sort_by(|a, b| (a.severity, &a.rust).cmp(&(b.severity, &b.rust)));
    changes.dedup();
    Changelog { changes }
}

/// A change of `severity` to `rust`, between `old` and `new`.
fn change(
    severity: Severity,
    rust: impl Into<String>,
    old: Option<&Location>,
    new: Option<&Location>,
    message: impl Into<String>,
) -> Change {
    Change {
        severity,
        rust: rust.into(),
        old: old.cloned(),
        new: new.cloned(),
        message: message.into(),
    }
}

//! Everything that can go wrong while generating, each with the place in the spec it concerns.

use std::fmt;
use std::path::{Path, PathBuf};

/// A place in a spec: the file and a JSON pointer (RFC 6901) into it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// The spec file, as it was found (relative to the working directory if it was given so).
    pub file: PathBuf,
    /// JSON pointer of the node, `""` for the whole document.
    pub pointer: String,
}

impl Location {
    /// The whole document `file`.
    pub fn root(file: &Path) -> Self {
        Self {
            file: file.to_path_buf(),
            pointer: String::new(),
        }
    }

    /// The child `key` of this node (escaped as RFC 6901 requires).
    pub fn join(&self, key: impl AsRef<str>) -> Self {
        let escaped = key.as_ref().replace('~', "~0").replace('/', "~1");
        Self {
            file: self.file.clone(),
            pointer: format!("{}/{escaped}", self.pointer),
        }
    }

    /// The child at array index `index`.
    pub fn index(&self, index: usize) -> Self {
        self.join(index.to_string())
    }
}

/// As data (in the API lock), a location is `name.yaml#/pointer`: the file by its name in the
/// spec folder, which is how the files of a folder name one another.
impl serde::Serialize for Location {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        let name = self.file.file_name().map_or_else(
            || self.file.to_string_lossy(),
            |name| name.to_string_lossy(),
        );
        serializer.serialize_str(&format!("{name}#{}", self.pointer))
    }
}

impl<'de> serde::Deserialize<'de> for Location {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(deserializer)?;
        let (file, pointer) = text.split_once('#').unwrap_or((&text, ""));
        Ok(Self {
            file: PathBuf::from(file),
            pointer: pointer.to_owned(),
        })
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.file.display(), self.pointer)
    }
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The spec folder holds no `.yaml`, `.yml` or `.json` file.
    #[error("{}: no spec files (.yaml, .yml or .json) found", dir.display())]
    NoSpecFiles {
        /// The folder that was searched.
        dir: PathBuf,
    },
    /// The file is not well-formed YAML or JSON.
    #[error("{}: line {line}, column {column}: {message}", file.display())]
    Syntax {
        /// The file.
        file: PathBuf,
        /// 1-based line of the problem, 0 if unknown.
        line: usize,
        /// 1-based column of the problem, 0 if unknown.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// The document is well-formed but is not a valid OpenAPI 3.0 node where it stands.
    #[error("{at}: not a valid OpenAPI 3.0 document here: {message}")]
    Invalid {
        /// Where.
        at: Location,
        /// What the OpenAPI model expected.
        message: String,
    },
    /// A `$ref` names something that does not exist.
    #[error("{at}: `$ref` to `{reference}` does not resolve: {reason}")]
    DanglingRef {
        /// Where the `$ref` stands.
        at: Location,
        /// The reference as written.
        reference: String,
        /// Why it does not resolve.
        reason: String,
    },
    /// Valid OpenAPI that this generator does not turn into Rust.
    #[error("{at}: unsupported: {what}")]
    Unsupported {
        /// Where.
        at: Location,
        /// The construct, and what to do instead where there is an alternative.
        what: String,
    },
    /// An overlay of the folder is not Overlay 1.0, or one of its actions cannot apply (or
    /// selects nothing: the document it corrects has changed).
    #[error("{at}: overlay: {message}")]
    Overlay {
        /// The overlay file, and the pointer of the part at fault (`/actions/2`).
        at: Location,
        /// What is wrong.
        message: String,
    },
    /// Something that must be unique across the spec is not.
    #[error("{at}: duplicate {what}; first defined at {first}")]
    Duplicate {
        /// The second definition.
        at: Location,
        /// What is duplicated (e.g. "operationId `x`").
        what: String,
        /// The first definition.
        first: Location,
    },
    /// A problem a lenient generation went past (see [`crate::Options::lenient`]), and how.
    #[error("{problem}; {outcome}")]
    Tolerated {
        /// The problem, as a strict generation reports it.
        problem: Box<Error>,
        /// What was generated instead.
        outcome: String,
    },
    /// The emitted tokens did not parse as Rust: a bug in the generator, reported instead of a panic.
    #[error("generated code does not parse ({message}); please report this with the spec")]
    Emit {
        /// What the Rust parser said.
        message: String,
    },
}

impl Error {
    /// The place in the spec this error concerns, when it concerns one.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Self::Invalid { at, .. }
            | Self::DanglingRef { at, .. }
            | Self::Unsupported { at, .. }
            | Self::Duplicate { at, .. }
            | Self::Overlay { at, .. } => Some(at),
            Self::Tolerated { problem, .. } => problem.location(),
            _ => None,
        }
    }
}

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_slashes_and_tildes() {
        let at = Location::root(Path::new("spec/a.yaml"))
            .join("paths")
            .join("/accounts/{id}")
            .join("x~y")
            .index(2);
        assert_eq!(at.pointer, "/paths/~1accounts~1{id}/x~0y/2");
        assert_eq!(at.to_string(), "spec/a.yaml#/paths/~1accounts~1{id}/x~0y/2");
    }
}

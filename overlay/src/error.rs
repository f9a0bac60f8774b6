//! Why an overlay cannot be read or applied, with the file and the JSON pointer of the part at
//! fault.

use std::fmt;

/// An overlay that is not Overlay 1.0, or an action that cannot apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The overlay file.
    pub file: String,
    /// The JSON pointer of the part of the overlay at fault (`/actions/2/target`).
    pub pointer: String,
    /// The target of an action that could not apply, which the message then starts with.
    pub target: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl std::error::Error for Error {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}: ", self.file, self.pointer)?;
        if let Some(target) = &self.target {
            write!(f, "`{target}` ")?;
        }
        f.write_str(&self.message)
    }
}

impl Error {
    pub(crate) fn invalid(file: &str, pointer: &str, message: String) -> Self {
        Self {
            file: file.to_owned(),
            pointer: pointer.to_owned(),
            target: None,
            message,
        }
    }

    pub(crate) fn apply(file: &str, action: usize, target: &str, message: String) -> Self {
        Self {
            file: file.to_owned(),
            pointer: format!("/actions/{action}"),
            target: Some(target.to_owned()),
            message,
        }
    }
}

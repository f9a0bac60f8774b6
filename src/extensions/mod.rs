//! Hand-written extensions of the generated API: methods added to generated types, written
//! against the generated methods and models the way an application would use them.
//!
//! They are not part of the runtime (`client.rs`, `request/`, `retry.rs`, ...), which generated
//! code stands on and which knows nothing of any operation; an extension, the other way round,
//! stands on generated code and names its operations and models, so a change to the spec can
//! break one, never the runtime. Each is re-exported at the crate root.

/// For a workflow's error whose `Request` variant holds a request's [`Error`](crate::Error) and
/// stands for it (its message and its source are the request's): `From<Error>`, and with
/// `source`, `std::error::Error` for an error whose other variants have no source.
#[cfg(feature = "workflows")]
macro_rules! request_error {
    ($name:ident) => {
        impl From<crate::Error> for $name {
            fn from(error: crate::Error) -> Self {
                Self::Request(error)
            }
        }
    };
    ($name:ident, source) => {
        request_error!($name);

        impl std::error::Error for $name {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                match self {
                    Self::Request(error) => std::error::Error::source(error),
                    _ => None,
                }
            }
        }
    };
}

// A download's accessor on `CreatedDownload`: part of the API itself, always there.
mod created;
// The workflows, with the `workflows` feature.
#[cfg(feature = "workflows")]
pub(crate) mod ready;
#[cfg(feature = "workflows")]
pub(crate) mod token;
#[cfg(feature = "workflows")]
pub(crate) mod upload;
#[cfg(feature = "workflows")]
pub(crate) mod wait;
#[cfg(feature = "workflows")]
pub(crate) mod webhook;

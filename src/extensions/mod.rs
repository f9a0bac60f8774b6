//! Hand-written extensions of the generated API: methods added to generated types, written
//! against the generated methods and models the way an application would use them.
//!
//! They are not part of the runtime (`client.rs`, `request/`, `retry.rs`, ...), which generated
//! code stands on and which knows nothing of any operation; an extension, the other way round,
//! stands on generated code and names its operations and models, so a change to the spec can
//! break one, never the runtime. Each is re-exported at the crate root.

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

//! Items generated code uses to describe and build calls.
//!
//! Application code rarely needs these: the generated methods wrap them.

pub use reqwest::Method;

pub use crate::form::Form;
pub use crate::path::{PathBuilder, PathParam};
pub use crate::request::{Operation, Request};

//! Plumbing for generated code: how a generated method describes its call (the [`Operation`],
//! its path built and checked by [`PathBuilder`]). Hidden from the documentation: application
//! code never needs it, and it may change in any release along with the generator.

pub use reqwest::Method;

pub use crate::drift::serialize_enum_value;
pub use crate::pages::Paging;
pub use crate::path::{PathBuilder, PathParam};
pub use crate::request::Operation;

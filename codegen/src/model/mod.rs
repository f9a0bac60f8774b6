//! Stage 2, **model**: a small intermediate representation of the API with final Rust names.
//!
//! [`Api::build`] reads a loaded [`Spec`] and decides everything about the output except its
//! syntax: which types exist and what they are called, which resources and methods exist, how a
//! response is unwrapped, which methods share a path function, how a form field is sent, and
//! every doc text. The emitter only prints what it finds here.
//!
//! - [`ir`]: the representation itself;
//! - [`names`]: Rust names, and every word the emitted code keeps for itself;
//! - `cloudflare`: Cloudflare's conventions (scopes, the envelope, verbs, `x-rust-*`);
//! - `resources`, `operations`, `paths`: resources and method names, one operation's
//!   parameters, body and response, shared path functions;
//! - `types`: schemas to model types; `shape`: one view of a schema;
//! - `docs`: every doc text, cleaned once.

pub mod cloudflare;
mod docs;
pub mod ir;
pub mod lock;
pub mod names;
mod operations;
mod paging;
pub mod pairing;
mod paths;
mod resources;
mod shape;
pub mod sites;
mod types;
pub mod visit;

pub use ir::*;
pub use paths::route;
pub use types::TypeBuilder;

use crate::error::Result;
use crate::load::Spec;
use crate::options::Options;

/// The stack of the thread [`Api::build`] runs on. Only reserved: pages are touched as the
/// recursion goes deeper, so a shallow spec costs no more memory than before.
pub const BUILD_STACK: usize = 64 * 1024 * 1024;

impl Api {
    /// Builds the model of `spec`. A strict build fails on anything it cannot express exactly;
    /// a lenient one uses the nearest faithful type and lists it in [`Api::notes`].
    ///
    /// It runs on a thread of its own with a large stack ([`BUILD_STACK`]), whatever thread
    /// calls it: schemas may nest 128 deep, and a debug build needs more stack for that than
    /// a test thread's 2 MiB.
    pub fn build(spec: &Spec, options: Options) -> Result<Self> {
        Self::build_locked(spec, options, None)
    }

    /// Builds the model of `spec` keeping the names of `lock`, the API it generated last (see
    /// [`lock`] for the rule).
    pub fn build_locked(spec: &Spec, options: Options, lock: Option<&Api>) -> Result<Self> {
        std::thread::scope(|scope| {
            let builder = std::thread::Builder::new()
                .name("codegen-model".into())
                .stack_size(BUILD_STACK);
            match builder.spawn_scoped(scope, || Self::build_here(spec, options, lock)) {
                Ok(thread) => thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                // No thread to be had: build on this one.
                Err(_) => Self::build_here(spec, options, lock),
            }
        })
    }

    fn build_here(spec: &Spec, options: Options, lock: Option<&Api>) -> Result<Self> {
        let mut types = TypeBuilder::new(spec, options.lenient);
        let mut pinned = lock::Pinned::default();
        let roots = resources::build(spec, &mut types, &mut pinned.operations)?;
        if options.every_schema {
            types.every_component()?;
        }
        let (types, notes, pinned_types) = types.finish();
        pinned.types = pinned_types;
        let mut api = Self {
            roots,
            types,
            notes,
            pinned,
            outside_runtime: options.outside_runtime,
        };
        if let Some(old) = lock {
            let pinned = api.pinned.clone();
            lock::adopt(&mut api, old, &pinned);
        }
        paging::resolve(&mut api)?;
        docs::compose(&mut api);
        docs::clean(&mut api);
        Ok(api)
    }
}

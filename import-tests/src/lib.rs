//! Every resource of Cloudflare's Stream schema, imported into a copy of `spec/` with
//! `codegen import` and generated strictly at build time (see `build.rs`): the crate exists so
//! that `cargo clippy -D warnings` lints what an import generates, with every public item
//! documented, and `tests/imported.rs` runs it against the emulator serving the same folder.

#![cfg_attr(imported, warn(missing_docs))]

#[cfg(imported)]
include!(concat!(env!("OUT_DIR"), "/imported_api.rs"));

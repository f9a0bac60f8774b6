//! The command line, one module per command: `generate`, `check` and `diff`; `changelog`;
//! `import`; `overlays`.

pub mod args;
pub mod changelog;
mod fetch;
mod files;
pub mod generate;
pub mod import;
pub mod overlays;

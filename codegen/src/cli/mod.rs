//! The command line, one module per command: `generate`, `check` and `diff`; `changelog`;
//! `import`.

pub mod args;
pub mod changelog;
mod files;
pub mod generate;
pub mod import;

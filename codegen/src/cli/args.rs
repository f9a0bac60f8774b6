//! The command line's arguments, as clap reads them.

// The doc comments here are the command line's help text (clap prints them as written), not
// rustdoc pages: a URL is written bare for the terminal.
#![allow(rustdoc::bare_urls)]

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Generates the Rust client from the OpenAPI files in a spec folder.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the generated client into the output folder, and the API lock into the spec folder;
    /// say what changed in the API since the lock.
    Generate(Paths),
    /// Exit 1, printing a diff and what changed in the API, if the output folder or the API lock
    /// is not what the spec generates.
    Check(Paths),
    /// Print the diff between the output folder and what the spec generates.
    Diff(Paths),
    /// Say what changed between two versions of a spec, in the generated API: each change with
    /// its severity, the Rust item, the place in each spec, and the version bump it implies.
    ///
    /// OLD and NEW are each a spec folder, one spec file, or a git revision of either
    /// (`HEAD:spec`). NEW keeps the names of its own API lock, or, if it has none, of OLD's
    /// API, as regenerating OLD's crate from NEW would.
    Changelog(ChangelogArgs),
    /// Write resources of a Cloudflare schema file into the spec folder, one file each, the way
    /// the folder is written; then generate, and say what changed in the API.
    ///
    /// A resource whose routes another file has (the curated `downloads.yaml`) is left alone,
    /// and so is a file the importer did not write (no `x-codegen-import` seal in its `info`).
    /// Importing a resource again updates its file, keeping `x-rust-*` overrides and the
    /// descriptions and examples a person added; a file changed by hand in its shape is left
    /// alone unless `--replace-edited`. Nothing is written unless the folder then generates
    /// strictly. Exits 1 if a resource named with `--resource` was left alone.
    Import(ImportArgs),
    /// List the corrections the spec folder's overlays make (each action: its file, target,
    /// the document it changes, how many nodes it selects, and why), then what they change in
    /// the generated API: the changelog from the folder without its overlays to the folder as
    /// it generates.
    Overlays(OverlaysArgs),
}

#[derive(Debug, clap::Args)]
pub struct OverlaysArgs {
    /// The spec folder.
    #[arg(long, default_value = "spec")]
    pub spec: PathBuf,
    /// How to print the API changes.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Also write every spec file of the folder, as corrected, into this folder (as JSON, under
    /// its own name), for tools that do not read overlays.
    #[arg(long, value_name = "DIR")]
    pub write: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub options: Options,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The schema: a file (`schemas/cloudflare/cloudflare-stream.yaml`, a week of its history,
    /// the whole API), or an `https://` URL to fetch it from (Cloudflare's current schema:
    /// https://raw.githubusercontent.com/cloudflare/api-schemas/main/openapi.json).
    #[arg(long, value_name = "FILE|URL")]
    pub from: String,
    /// List the resources the file holds, with their operations, and write nothing.
    #[arg(long, conflicts_with_all = ["resources", "all"])]
    pub list: bool,
    /// A resource to import, by its dotted name (`stream.captions`); repeat for more.
    #[arg(long = "resource", value_name = "NAME")]
    pub resources: Vec<String>,
    /// Import every resource of the file.
    #[arg(long, conflicts_with = "resources")]
    pub all: bool,
    /// The spec folder to write into.
    #[arg(long, default_value = "spec")]
    pub spec: PathBuf,
    /// Where `generate` writes the generated file afterwards.
    #[arg(long, default_value = "generated")]
    pub out: PathBuf,
    /// Write the spec files only: no generation, no lock, no changelog.
    #[arg(long)]
    pub no_generate: bool,
    /// Rewrite a file changed by hand since it was imported (a property added, a type changed):
    /// the schema's version replaces those changes; `x-rust-*` names, descriptions and examples
    /// a person wrote are kept as always. Without it, such a file is left alone and said so.
    #[arg(long)]
    pub replace_edited: bool,
}

#[derive(Debug, clap::Args)]
pub struct Options {
    /// Give what the generator cannot express exactly the nearest faithful type, and list each
    /// such place (file and JSON pointer), instead of failing. For specs you do not control.
    #[arg(long)]
    pub lenient: bool,
    /// Give every component schema a type, even those no operation uses.
    #[arg(long)]
    pub every_schema: bool,
    /// The generated file is compiled in a crate other than `cloudflare_stream`: optional
    /// parameters' setters become a trait per operation (in each resource's `setters` module),
    /// as only the runtime's own crate may add methods to its `Request`.
    #[arg(long)]
    pub outside_runtime: bool,
}

impl Options {
    /// The generator's options.
    pub fn options(&self) -> crate::Options {
        crate::Options {
            lenient: self.lenient,
            every_schema: self.every_schema,
            outside_runtime: self.outside_runtime,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Paths {
    /// Folder of OpenAPI files (`.yaml`, `.yml`, `.json`), and of the API lock.
    #[arg(long, default_value = "spec")]
    pub spec: PathBuf,
    /// Folder the generated file is written to.
    #[arg(long, default_value = "generated")]
    pub out: PathBuf,
    /// Neither read nor write the API lock: names come from the spec alone.
    #[arg(long)]
    pub no_lock: bool,
    #[command(flatten)]
    pub options: Options,
}

#[derive(Debug, clap::Args)]
pub struct ChangelogArgs {
    /// The old version: a spec folder, a spec file, or `REV:path`.
    pub old: String,
    /// The new version: a spec folder, a spec file, or `REV:path`.
    pub new: String,
    /// How to print the changes.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Exit 1 if there is a change this severe (`additive` includes breaking ones).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    #[command(flatten)]
    pub options: Options,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// For a terminal.
    Text,
    /// A CHANGELOG section or pull-request comment.
    Markdown,
    /// For tools: `{changes: [{severity, rust, old, new, message}], semver, counts}`.
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FailOn {
    /// A breaking change.
    Breaking,
    /// A breaking or additive change.
    Additive,
}

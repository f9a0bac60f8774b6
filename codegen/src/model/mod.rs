//! Stage 2, **model**: a small intermediate representation of the API with final Rust names.
//!
//! [`Api::build`] reads a loaded [`Spec`] and decides everything about the output except its
//! syntax: which types exist and what they are called, which resources and methods exist, how a
//! response is unwrapped, which methods share a path function, how a form field is sent, and
//! every doc text. The emitter only prints what it finds here.
//!
//! Its modules, in layers: each uses only those above it and those beside it in its layer.
//!
//! 1. [`ir`]: the representation itself, a leaf (data and the lookups on it);
//! 2. [`names`]: Rust names, and every word the emitted code keeps for itself; `shape`: one
//!    view of a schema; [`visit`]: the one walk over every place the API names a type;
//! 3. `docs`: every doc text, composed from the final names and cleaned once;
//! 4. [`cloudflare`]: Cloudflare's conventions (scopes, verbs, `x-rust-*`);
//! 5. `types`: schemas to model types, and Cloudflare's envelope, recognised on the objects that
//!    merging an `allOf` gives;
//! 6. `paths`: shared path functions; `operations`: one operation's parameters, body and
//!    response; `paging`: which operations page and how; `resources`: resources and method
//!    names;
//! 7. [`sites`]: where the wire uses each type, its identity across versions; [`pairing`]:
//!    which item of one version is which of another; [`lock`]: the API lock, read, written and
//!    its names kept.
//!
//! # How the generator decides
//!
//! - **Resources** come from the path's literal segments after `/accounts/{account_id}` (or
//!   `/zones/{zone_id}`): `/stream/{identifier}/downloads` is `stream` → `downloads`. The module
//!   doc is the description of the operations' first tag.
//! - **Methods** come from the verb: `get` (`list` when the result is an array), `create` (POST),
//!   `update` (PUT), `edit` (PATCH), `delete`. An operation on a trailing `{param}` whose resource
//!   already has that method without it gets the parameter as a suffix, less the resource's own
//!   name: `POST .../downloads/{download_type}` is `create_type`. Names are unique within a
//!   resource (numbered in spec order if they collide). Overrides: `x-rust-resource:
//!   stream.downloads` and `x-rust-method: create_type` on an operation.
//! - **Parameters**: path parameters, then required query and header parameters, are positional
//!   arguments, in that order; every method returns the runtime's `Request<T, ops::Name>`, `Name`
//!   the operation's type in the resource's `ops` module, and optional query and header
//!   parameters are setters on it (inherent methods in the runtime's crate, a trait per operation
//!   in the resource's `setters` module elsewhere, `Options::outside_runtime`), beside the
//!   runtime request's own options (`timeout`, `max_retries`, `header`, `query`,
//!   `send_with_response`). A paged operation's request also has `all()` (see `paging`). Path parameters are checked
//!   (`maxLength`, ...) and percent-encoded as one segment; methods on the same path share a
//!   private function that builds it (`downloads_path`).
//! - **Bodies**: JSON bodies are a typed argument (`{}` when the schema is an object with nothing
//!   declared); `multipart/form-data` bodies are a struct whose file fields are `FilePart`s (a
//!   string of `format: binary`, or, as Cloudflare writes it, with an `@path` example); other
//!   content types take bytes.
//! - **Responses**: the first 2xx response. If its schema (after merging `allOf`) has `success`
//!   and `result`, it is the envelope and the method returns `result`'s type (Cloudflare's schema
//!   sometimes writes it as an `anyOf` of the envelope and its result: read as the `allOf` it
//!   means, so the Rust does not change when the next week writes `allOf` again); `text/*` bodies are
//!   a `String`, other non-JSON bodies `Vec<u8>`.
//! - **Types**: see *Names that survive cosmetic changes* in the crate's README. `oneOf`/`anyOf` become
//!   untagged enums that try each member in order; string enums are open (`Unknown(String)`);
//!   integer and boolean enums are plain integers and booleans; a struct that contains itself is
//!   boxed, an array that contains itself a one-variant enum. `nullable` is an `Option`.
//!   `format: date-time` and `uri` stay `String` (documented); `minimum`/`maximum`/`maxLength`
//!   are documented, and enforced on path parameters. Models, enums and unions are
//!   `#[non_exhaustive]`; a struct with a required field has `new(required fields)`, one whose
//!   fields are all optional derives `Default`. Keywords become raw identifiers (`r#type`),
//!   `self`/`Self` and prelude names are suffixed (`DefaultModel`, `SelfValue`), names that
//!   collide after case conversion are numbered (`foo_bar`, `foo_bar_2`). `x-enum-varnames` (as
//!   openapi-generator reads it: one name per value, in order) names the variants of a string
//!   enum whose values make poor names (`1.0.0` would be `N100`); like `x-rust-name`, it wins
//!   over the lock. Words the emitted code
//!   keeps for itself are listed, each with the item that needs it, in `model/names.rs`.
//! - **Paging**: an operation answering an array whose optional integer query parameters include
//!   `page` and `per_page` pages by number; its requests get `all()`, a lazy listing of every
//!   item (the runtime's `Pages`). Other paging is declared on the operation with `x-pagination`:
//!   `false` (not paged), `{style: page, page, perPage, pageSize}`, or, as Stream's video list
//!   (no cursor), `{style: created, order, start, limit, pageSize, created, id}`: pages asked in
//!   ascending order (`order=true`), each from the creation instant of the last item seen
//!   (`start`), the items of that instant already handed out skipped by `id`. Each name is a
//!   query parameter of the operation, or (`created`, `id`) a string field of the items; a wrong
//!   one fails naming the extension's pointer. `spec/stream.overlay.yaml` declares the list's.
//! - `$ref`s may point into any file of the folder (`common.yaml#/components/schemas/X`), to
//!   components or below them; never outside the folder, never to a URL. The fragment is a URI
//!   fragment, so `%7B` is `{` and a literal `%` is written `%25`.
//! - `allOf` members that only annotate (`description`, `nullable`, `minLength`, ...) keep the
//!   type of the one member that says what the value is. Members of different types contradict
//!   each other. A `oneOf`/`anyOf` of objects beside the other members is a `#[serde(flatten)]`
//!   field (`one_of`) holding an untagged enum, read from the same JSON object.
//! - **Docs**: every item's doc comment comes from the spec (description or title, then its
//!   constraints; a method's summary, description, `METHOD /path` and arguments), made once in
//!   `model/docs.rs`. The Markdown is kept as rustdoc reads it (`emit/markdown.rs`): code blocks
//!   become `text` blocks, bare URLs become links, `[text]` that is not a link is escaped, lazy
//!   list continuations are fixed, long lines wrapped. Cloudflare's whole API documents without
//!   a rustdoc warning. Every public item has a doc comment, so a crate with `missing_docs` (as
//!   the SDK's) stays clean: where the spec describes a type not at all, its doc says so (made
//!   in `model/docs.rs` with the others), rather than guessing; a field's gives its name on the
//!   wire too; a union's variants say which shape they hold. `tests/history.rs` checks the year of Cloudflare's schema with
//!   `missing_docs` (it found 95 undocumented items before this rule).
//!
//! # What is approximated, and how you are told
//!
//! The SDK's own `spec/` is generated **strictly**: anything the generator cannot express exactly
//! is an error naming the file and JSON pointer. With `--lenient` (for schemas you do not
//! control), each such construct gets the nearest faithful type and a note with its location;
//! nothing is dropped silently:
//!
//! | construct | leniently |
//! | --- | --- |
//! | `not` | any JSON (`serde_json::Value`) |
//! | `oneOf`/`anyOf` beside `properties` | any JSON |
//! | a parameter whose schema is an object or a union | a string |
//! | a list in a path or header parameter | a string |
//! | an `allOf` of members of different types | any JSON |
//! | a `oneOf`/`anyOf` in an `allOf` whose members are not all objects, or share a property with the other members | the struct without it |
//! | a multipart body that is not one object | a `Form` the caller builds |
//! | the same route written twice (under two parameter names) | the first one, with a note naming both |
//! | an operationId used twice | both, with a note naming both |
//!
//! Cookie parameters are an error either way (the client sends no cookies). Cloudflare's Stream
//! schema needs no note; the whole API 27 (`scripts/whole-api.sh`); the oldest `history/`
//! versions 1, and those that published a route twice 5. Each note is given once: a construct
//! reached from several places (the oldest weeks' envelope, from 9 operations) is one note.
//!
//! # Limits
//!
//! Each limit is a constant, with the reason beside it:
//!
//! - `$ref` chains: `MAX_REF_CHAIN` (`load/refs.rs`); YAML and JSON nesting: `MAX_NESTING`
//!   (`load/parse.rs`), refused for YAML flow collections by one linear scan before parsing
//!   (`load/nesting.rs`: the YAML parser takes time in the square of that depth);
//! - schemas nested in schemas: `MAX_DEPTH` (`model/types/mod.rs`), built on a thread with a
//!   `BUILD_STACK` stack (`model/mod.rs`); schemas deeper than `SHALLOW` are checked node by
//!   node before the document is read (`load/validate.rs`: openapiv3 retries every variant of
//!   each parent of an invalid node, exponential in the depth);
//! - schemas one `allOf` merges: `MAX_MERGED` (`model/types/merge.rs`);
//! - a union variant boxed when it outweighs the next by `LARGE_VARIANT` bytes
//!   (`model/types/layout.rs`, clippy's `large_enum_variant`);
//! - sites kept per type for pairing: `SITES_PER_TYPE` (`model/sites.rs`);
//! - a large API is printed in parts of `TYPES_PER_PART` types (`format/parts.rs`), a small one
//!   (fewer than `SMALL_API_PARTS` parts, `format/mod.rs`) whole.
//!
//! A schema met again while it is being built is a cycle: a struct that holds itself gets a
//! `Box`, an array or map that holds itself a one-variant enum, a schema that is only itself any
//! JSON, a union member that is the union itself is dropped, one that is the union through
//! another union is refused (strict) or any JSON (lenient). Names, enum values and properties
//! are deduplicated with hash sets, so huge enums and objects take linear time.
//!

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
#[cfg(any(feature = "cli", feature = "internals"))]
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

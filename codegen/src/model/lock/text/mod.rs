//! The lock's own format (version 3): the Rust API as lines a person can read, diff and edit,
//! one item per line, nothing the generator can work out again (qualified names, a path's
//! parts) and nothing it does not need to keep names or compare.
//!
//! ```text
//! rust-api-lock 3
//! resource stream.downloads downloads Downloads downloads
//!   shares downloads_path 0
//!   op get GET /accounts/{account_id}/stream/{identifier}/downloads @downloads.yaml#/paths/...
//!     returns envelope VideoDownloads
//!     path_fn 0
//!     param path account_id account_id str required max=32 @common.yaml#/components/...
//! struct VideoDownloads eq all_optional @downloads.yaml#/components/schemas/VideoDownloads
//!   field default default Download optional @downloads.yaml#/components/schemas/...
//! enum MediaState Unknown @stream.yaml#/components/schemas/MediaState
//!   variant PendingUpload pendingupload
//! union CreatedDownload @downloads.yaml#/components/schemas/CreatedDownload
//!   member Download Download
//! alias Meta Value @stream.yaml#/components/schemas/Meta
//! ```
//!
//! A line is a keyword and its words, separated by spaces; a word with a space, a quote or
//! nothing in it is a JSON string (`"a b"`); `@` starts the place in the spec an item was read
//! from (`file#pointer`). Indentation is for the reader only: an `op` belongs to the `resource`
//! above it, a `param` to the `op` above it, a `field` to the `struct` above it. Lines starting
//! with `#` are comments. Types are written as Rust writes them (`Vec<Download>`,
//! `BTreeMap<String,i64>`, `Map<String,Value>` for a JSON object, `Value` for any JSON), a
//! model type by its name.

mod read;
mod types;
mod words;
mod write;

pub(super) use read::read;
pub(super) use write::write;

/// The first line that is not a comment: the format and its version.
const MAGIC: &str = "rust-api-lock";

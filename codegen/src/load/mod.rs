//! Stage 1, **load**: read every spec file of a folder, check that each is OpenAPI 3.0, check that
//! every `$ref` resolves within the set of files, and answer `$ref` look-ups for the later stages.
//!
//! Nothing here knows about Rust; the model stage asks questions, this module answers them with
//! OpenAPI nodes and their [`Location`]s.
//!
//! - [`files`]: which files of a folder are the spec;
//! - [`parse`]: YAML or JSON text to a JSON value, then to the OpenAPI model, with located errors;
//! - `nesting`: the linear scan that refuses YAML nested too deep before it is parsed;
//! - `validate`: checks deep schemas node by node, and names the node that is not OpenAPI;
//! - [`refs`]: follows `$ref`s, and checks every one of them once everything is loaded.
//!
//! A file of the folder that is an OpenAPI Overlay 1.0 document (it has `overlay:` where a spec
//! has `openapi:`) is not a spec file but a correction of the one its `extends` names: overlays
//! are applied, in file-name order, to the parsed documents before anything else reads them
//! ([`Spec::overlays`] says what each action did).

mod files;
pub(crate) mod nesting;
mod parse;
mod refs;
mod unique;
mod validate;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use openapiv3::OpenAPI;
use serde_json::Value;

pub use files::{is_spec_file, spec_files};

/// A spec file read as plain JSON (YAML or JSON text), with located errors.
pub fn read_value(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_text(path, &text)
}
#[cfg(feature = "internals")]
pub use refs::component_ref;

use crate::error::{Error, Location, Result};
use files::file_name;
use parse::{parse_text, typed};
use validate::{check_deep_schemas, locate_invalid};

/// One spec file, parsed.
#[derive(Debug)]
pub struct SpecFile {
    /// The path it was read from.
    pub path: PathBuf,
    /// The file name (`downloads.yaml`), which is how other files `$ref` it.
    pub name: String,
    /// The typed document.
    pub doc: OpenAPI,
    /// The text it was read from, parsed again as plain JSON if a `$ref` points below the
    /// components. The JSON is not kept from loading: for Cloudflare's whole API it is 39 MB
    /// (the text is 4 MB), and every `$ref` there names a component.
    text: String,
    /// The text as plain JSON, once something needed it.
    raw: OnceLock<Option<Value>>,
}

impl SpecFile {
    /// The document as plain JSON, as the folder's overlays made it.
    pub fn value(&self) -> Option<&Value> {
        self.raw()
    }

    /// The document as plain JSON (`None` only if the text no longer parses, which cannot
    /// happen to a file that loaded).
    fn raw(&self) -> Option<&Value> {
        self.raw
            .get_or_init(|| parse_text(&self.path, &self.text).ok())
            .as_ref()
    }
}

/// Index of a file in [`Spec::files`].
pub type FileId = usize;

/// A set of spec files that may `$ref` one another.
#[derive(Debug)]
pub struct Spec {
    /// The files, sorted by name so that everything downstream is deterministic.
    pub files: Vec<SpecFile>,
    /// What each action of the folder's overlays did, in the order they were applied.
    pub overlays: Vec<overlay::Applied>,
}

/// Something a `$ref` led to, with where it was found.
#[derive(Debug)]
pub struct Resolved<'a, T: Clone> {
    /// The node.
    pub value: Cow<'a, T>,
    /// Where the node stands (after following every `$ref`).
    pub at: Location,
    /// The file the node stands in (its own `$ref`s are relative to it).
    pub file: FileId,
    /// The component name when the target is `#/components/<kind>/<name>`.
    pub component: Option<String>,
}

impl Spec {
    /// Reads every `.yaml`, `.yml` and `.json` file directly inside `dir`.
    pub fn load_dir(dir: &Path) -> Result<Self> {
        let paths = spec_files(dir)?;
        if paths.is_empty() {
            return Err(Error::NoSpecFiles {
                dir: dir.to_path_buf(),
            });
        }
        Self::load_files(paths)
    }

    /// Reads every spec file directly inside `dir` as [`Spec::load_dir`] does, leaving its
    /// overlays out: the spec as its files say it, before any correction.
    pub fn load_dir_without_overlays(dir: &Path) -> Result<Self> {
        let mut paths = Vec::new();
        for path in spec_files(dir)? {
            if !overlay::is_overlay(&read_value(&path)?) {
                paths.push(path);
            }
        }
        if paths.is_empty() {
            return Err(Error::NoSpecFiles {
                dir: dir.to_path_buf(),
            });
        }
        Self::load_files(paths)
    }

    /// Reads the given files as one spec.
    pub fn load_files(mut paths: Vec<PathBuf>) -> Result<Self> {
        paths.sort();
        let mut sources = Vec::with_capacity(paths.len());
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            sources.push((path, text));
        }
        Self::from_sources(sources)
    }

    /// Parses files already in memory, `(path, text)`; the path names the file in errors and
    /// its file name is what `$ref`s use.
    pub fn from_sources(sources: Vec<(PathBuf, String)>) -> Result<Self> {
        let (documents, overlays) = read_sources(sources)?;
        let mut files: Vec<(SpecFile, Value)> = Vec::with_capacity(documents.len());
        for (path, text, raw, overlaid) in documents {
            let root = Location::root(&path);
            check_deep_schemas(&raw, &root)?;
            let doc = typed(&raw, &root).map_err(|e| locate_invalid(&raw, &root).unwrap_or(e))?;
            let name = file_name(&path);
            if let Some((first, _)) = files.iter().find(|(f, _)| f.name == name) {
                return Err(Error::Duplicate {
                    at: Location::root(&path),
                    what: format!("spec file name `{name}`"),
                    first: Location::root(&first.path),
                });
            }
            let file = SpecFile {
                path,
                name,
                doc,
                text,
                // An overlaid document is not what its text says: keep what it is.
                raw: if overlaid {
                    OnceLock::from(Some(raw.clone()))
                } else {
                    OnceLock::new()
                },
            };
            files.push((file, raw));
        }
        files.sort_by(|(a, _), (b, _)| a.name.cmp(&b.name));
        let (files, raws): (Vec<SpecFile>, Vec<Value>) = files.into_iter().unzip();
        let spec = Self { files, overlays };
        spec.check_refs(&raws)?;
        Ok(spec)
    }

    /// The root location of file `file`.
    pub fn root(&self, file: FileId) -> Location {
        Location::root(&self.files[file].path)
    }
}

/// A source parsed: its path, its text, its value and whether an overlay changed it (its text
/// then no longer says what it is).
type Parsed = (PathBuf, String, Value, bool);

/// The sources parsed, with the folder's overlays applied to them, and what each overlay
/// action did.
type Read = (Vec<Parsed>, Vec<overlay::Applied>);

fn read_sources(sources: Vec<(PathBuf, String)>) -> Result<Read> {
    let mut documents = Vec::with_capacity(sources.len());
    let mut overlays = Vec::new();
    for (path, text) in sources {
        let raw = parse_text(&path, &text)?;
        if overlay::is_overlay(&raw) {
            let read = overlay::Overlay::from_value(&raw, &path.display().to_string());
            overlays.push((path, read.map_err(overlay_error)?));
        } else {
            documents.push((path, text, raw, false));
        }
    }
    if overlays.is_empty() {
        return Ok((documents, Vec::new()));
    }
    overlays.sort_by_key(|(path, _)| file_name(path));
    let overlays: Vec<overlay::Overlay> = overlays.into_iter().map(|(_, o)| o).collect();
    let names: Vec<String> = documents.iter().map(|(path, ..)| file_name(path)).collect();
    let mut targets: Vec<(&str, &mut Value)> = names
        .iter()
        .map(String::as_str)
        .zip(documents.iter_mut().map(|(_, _, raw, _)| raw))
        .collect();
    let applied = overlay::apply_in_folder(&mut targets, &overlays).map_err(overlay_error)?;
    for ((_, _, _, overlaid), name) in documents.iter_mut().zip(&names) {
        *overlaid = applied.iter().any(|action| &action.document == name);
    }
    Ok((documents, applied))
}

/// An overlay error as a located one: the overlay file, and the pointer of the part at fault.
fn overlay_error(error: overlay::Error) -> Error {
    let message = match &error.target {
        Some(target) => format!("`{target}` {}", error.message),
        None => error.message.clone(),
    };
    Error::Overlay {
        at: Location {
            file: PathBuf::from(&error.file),
            pointer: error.pointer,
        },
        message,
    }
}

/// A step from a JSON node to one of its children.
#[derive(Clone, Copy)]
enum Step<'v> {
    /// The member `key` of an object.
    Key(&'v str),
    /// The item at this index of an array.
    Index(usize),
}

/// The location `steps` below `root`. Built only for an error: a large spec has a million
/// nodes, and walking them keeps steps, not locations.
fn locate(root: Location, steps: &[Step<'_>]) -> Location {
    steps.iter().fold(root, |at, step| match step {
        Step::Key(key) => at.join(key),
        Step::Index(index) => at.index(*index),
    })
}

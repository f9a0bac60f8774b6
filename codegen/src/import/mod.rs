//! `codegen import`: a resource of a Cloudflare schema file (the Stream schema, a week of its
//! history, the whole API) written into the spec folder as a file of its own, the way `spec/`
//! is written, so that adding a resource is one command and a review of the diff.
//!
//! - Resources are named as the generator derives them (`stream.captions`,
//!   `stream.live_inputs.outputs`); each goes to `<name>.yaml` with its operations and the
//!   component schemas they use ([`document`]), the pieces `common.yaml` has referred to there
//!   ([`shared`]), a description where the source has none and an `x-rust-method` where the
//!   derived name misleads ([`describe`]).
//! - A resource whose routes another file of the folder has already (the curated
//!   `downloads.yaml`) is not imported: that file wins.
//! - Importing again updates the file in place, keeping what a person wrote in it
//!   ([`merge`]). Only a file the importer wrote, and as it wrote it, is rewritten
//!   ([`ownership`]): a person's file, or one changed by hand where a re-import would not
//!   keep the change, is left alone and said so.
//! - Nothing is written unless the whole folder, with the new files, generates strictly.

pub mod describe;
pub mod document;
pub mod merge;
pub mod ownership;
pub mod shared;
pub mod yaml;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::load::{self, Spec};
use crate::model::{self, Api, HttpMethod, visit};
use crate::options::Options;
use document::{Builder, Components};
use ownership::Owner;

/// A schema file to import from.
#[derive(Debug)]
pub struct Source {
    /// The file.
    pub path: PathBuf,
    /// Its document, as plain JSON.
    pub doc: Value,
    /// The API it generates (leniently): which resources it holds.
    pub api: Api,
}

/// One resource of a source: its dotted name, and its operations.
#[derive(Debug, Clone)]
pub struct Resource {
    /// `stream.captions`.
    pub name: String,
    /// Each operation: HTTP method key (`get`), path template, and Rust method name.
    pub operations: Vec<(String, String, String)>,
}

impl Resource {
    /// The file it is imported into.
    pub fn file(&self) -> String {
        format!("{}.yaml", self.name)
    }
}

impl Source {
    /// Reads `path`.
    pub fn read(path: &Path) -> Result<Self> {
        let doc = load::read_value(path)?;
        let spec = Spec::load_files(vec![path.to_path_buf()])?;
        let options = Options {
            lenient: true,
            ..Options::default()
        };
        let api = Api::build(&spec, options)?;
        Ok(Self {
            path: path.to_path_buf(),
            doc,
            api,
        })
    }

    /// Every resource that has operations, in file order.
    pub fn resources(&self) -> Vec<Resource> {
        visit::resources(&self.api.roots)
            .into_iter()
            .filter(|r| !r.operations.is_empty())
            .map(|r| Resource {
                name: r.qualified_name.clone(),
                operations: r
                    .operations
                    .iter()
                    .filter_map(|op| {
                        let (path, method) = path_and_method(&op.at.pointer)?;
                        // The name the imported file will give it, as `describe` writes it.
                        let renamed = self
                            .doc
                            .pointer(&op.at.pointer)
                            .and_then(Value::as_object)
                            .and_then(|found| describe::method_name(&method, found));
                        let name = renamed.map_or_else(|| op.method_name.clone(), str::to_owned);
                        Some((method, path, name))
                    })
                    .collect(),
            })
            .collect()
    }
}

/// The path and method of an operation's pointer (`/paths/~1a~1{id}/get`).
fn path_and_method(pointer: &str) -> Option<(String, String)> {
    let rest = pointer.strip_prefix("/paths/")?;
    let (path, method) = rest.rsplit_once('/')?;
    Some((
        path.replace("~1", "/").replace("~0", "~"),
        method.to_owned(),
    ))
}

/// What an import writes, and what it leaves.
#[derive(Debug, Default)]
pub struct Plan {
    /// Each file written: its path and text.
    pub files: Vec<(PathBuf, String)>,
    /// Each resource not imported, and why.
    pub skipped: Vec<(String, String)>,
    /// What the strict generator could not take as the schema wrote it, and the importer
    /// wrote as any JSON instead: each with the file and JSON pointer where it did.
    pub approximated: Vec<String>,
}

/// How many constructs one import may approximate before it gives up.
const MAX_APPROXIMATED: usize = 256;

/// Plans importing `selected` (dotted names; all when empty) from `source` into the spec
/// folder `dir`. The folder, with the planned files, must generate strictly. A file changed by
/// hand since it was imported is left alone (see [`plan_with`]).
#[cfg(feature = "internals")]
pub fn plan(source: &Source, dir: &Path, selected: &[String]) -> Result<Plan> {
    plan_with(source, dir, selected, false)
}

/// [`plan`], with `replace_edited` saying whether a file changed by hand since it was
/// imported is written anew from the schema all the same (its hand-made changes replaced,
/// but for what a re-import always keeps).
pub fn plan_with(
    source: &Source,
    dir: &Path,
    selected: &[String],
    replace_edited: bool,
) -> Result<Plan> {
    let resources = source.resources();
    for name in selected {
        if !resources.iter().any(|r| &r.name == name) {
            return Err(Error::Unsupported {
                at: crate::error::Location::root(&source.path),
                what: format!(
                    "no resource `{name}` here (`codegen import --from FILE --list` lists them)"
                ),
            });
        }
    }
    // Every imported file refers to the folder's `common.yaml`: without it, each would be
    // refused for a `$ref` that does not resolve, which would not say what is missing.
    let common = dir.join(shared::COMMON_FILE);
    if !common.is_file() {
        let why = format!(
            "not found: imported files refer to it for the account and video identifiers, the \
             response envelope and the failure response; copy the project's `spec/{}` into the \
             spec folder first",
            shared::COMMON_FILE
        );
        return Err(Error::Io {
            path: common,
            source: std::io::Error::new(std::io::ErrorKind::NotFound, why),
        });
    }
    let chosen: Vec<&Resource> = resources
        .iter()
        .filter(|r| selected.is_empty() || selected.contains(&r.name))
        .collect();

    // The folder as it is: which file has which route, and its imported components.
    let mut existing: BTreeMap<String, Value> = BTreeMap::new();
    for path in load::spec_files(dir).unwrap_or_default() {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        existing.insert(name.unwrap_or_default(), load::read_value(&path)?);
    }
    let mut routes: HashMap<String, String> = HashMap::new();
    for (file, doc) in &existing {
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
                if HttpMethod::from_key(method).is_some() {
                    routes.insert(route_key(method, path), file.clone());
                }
            }
        }
    }

    let mut plan = Plan::default();
    let mut importing = Vec::new();
    for resource in chosen {
        let file = resource.file();
        let elsewhere = resource.operations.iter().find_map(|(method, path, _)| {
            routes
                .get(&route_key(method, path))
                .filter(|owner| **owner != file)
                .map(|owner| (owner.clone(), route_key(method, path)))
        });
        let why = match (elsewhere, existing.get(&file).map(ownership::owner)) {
            (Some((owner, route)), _) => Some(format!(
                "{owner} has `{route}` already, and a file of the folder is never overwritten by another"
            )),
            (None, Some(Owner::Person)) => Some(format!(
                "{file} is not a file `codegen import` wrote (its `info` has no `{}`), and a file \
                 a person wrote is never overwritten; rename it to import this resource",
                ownership::SEAL
            )),
            (None, Some(Owner::Edited)) if !replace_edited => Some(format!(
                "{file} was changed by hand since it was imported, beyond what an import keeps \
                 (`x-rust-*` names, descriptions, summaries, examples); import it with \
                 `--replace-edited` to let the schema's version replace those changes"
            )),
            _ => None,
        };
        match why {
            Some(why) => plan.skipped.push((resource.name.clone(), why)),
            None => importing.push(resource),
        }
    }

    // A file the strict generator refuses is left out, and the files are built again without
    // it: a component schema it shared with other resources is then defined in one of theirs,
    // so one refused resource does not take the resources it shares schemas with down too.
    let mut refused: Vec<String> = Vec::new();
    // Each place written as any JSON, and the note saying so. A rebuild applies them again
    // (rather than finding each again, one strict generation apiece); one whose node is not
    // there any more (a schema now defined in another file) is dropped, and found again.
    let mut tried: Vec<(crate::error::Location, String)> = Vec::new();
    'build: loop {
        let kept: Vec<&Resource> = importing
            .iter()
            .copied()
            .filter(|r| !refused.contains(&r.name))
            .collect();
        let mut docs = documents(source, dir, &existing, &kept);
        tried.retain(|(at, _)| {
            docs.iter_mut()
                .find(|(path, _)| *path == at.file)
                .is_some_and(|(_, doc)| approximate(doc, &at.pointer))
        });
        // What the strict generator refuses in a new file is written as any JSON, and said.
        loop {
            plan.approximated = tried.iter().map(|(_, note)| note.clone()).collect();
            for ((_, doc), resource) in docs.iter_mut().zip(&kept) {
                ownership::seal(doc, &resource.name);
            }
            plan.files = docs
                .iter()
                .map(|(path, doc)| {
                    let text = yaml::to_string(doc).map_err(|e| Error::Emit {
                        message: format!("{}: {e}", path.display()),
                    })?;
                    Ok((path.clone(), text))
                })
                .collect::<Result<_>>()?;
            let Err(error) = check(dir, &plan) else {
                return Ok(plan);
            };
            let Some(at) = error.location().cloned() else {
                return Err(error);
            };
            let Some(index) = docs.iter().position(|(path, _)| *path == at.file) else {
                return Err(error);
            };
            let first_time = !tried.iter().any(|(t, _)| *t == at) && tried.len() < MAX_APPROXIMATED;
            if first_time
                && matches!(error, Error::Unsupported { .. })
                && approximate(&mut docs[index].1, &at.pointer)
            {
                tried.push((at, error.to_string()));
                continue;
            }
            let resource = kept[index];
            refused.push(resource.name.clone());
            plan.skipped.push((
                resource.name.clone(),
                format!("it would not generate strictly: {error}"),
            ));
            continue 'build;
        }
    }
}

/// The file of each resource of `importing`, in order: its paths, the component schemas it is
/// the first to use, descriptions where the source has none, and what a person wrote in the
/// file before (from `existing`, the folder's documents by file name).
fn documents(
    source: &Source,
    dir: &Path,
    existing: &BTreeMap<String, Value>,
    importing: &[&Resource],
) -> Vec<(PathBuf, Value)> {
    let mut components = Components::default();
    for (file, doc) in existing {
        let rewritten = importing.iter().any(|r| &r.file() == file);
        components.know(file, doc, rewritten);
    }
    let mut builder = Builder {
        doc: &source.doc,
        prefix: shared_prefix(&source.doc),
        components: &mut components,
    };
    let mut built = Vec::new();
    for resource in importing {
        let ops: Vec<(String, String)> = resource
            .operations
            .iter()
            .map(|(method, path, _)| (method.clone(), path.clone()))
            .collect();
        let (paths, tags) = builder.paths(&resource.file(), &ops);
        built.push((resource, paths, tags));
    }
    let mut docs = Vec::new();
    for (resource, paths, tags) in built {
        let file = resource.file();
        let schemas = components.take(&file);
        let (mut doc, mut written) = file_document(source, resource, paths, &tags, schemas);
        written.extend(describe::fill(&mut doc));
        if let Some(old) = existing.get(&file) {
            merge::keep(&mut doc, old, &written);
        }
        docs.push((dir.join(&file), doc));
    }
    docs
}

/// Writes the schema at `pointer` in `doc` as any JSON (or, for a keyword such as `oneOf`,
/// takes the keyword away); whether there was such a node.
fn approximate(doc: &mut Value, pointer: &str) -> bool {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return false;
    };
    let last = last.replace("~1", "/").replace("~0", "~");
    let keyword = [
        "oneOf",
        "anyOf",
        "allOf",
        "not",
        "items",
        "additionalProperties",
    ]
    .contains(&last.as_str());
    if keyword {
        return doc
            .pointer_mut(parent)
            .and_then(Value::as_object_mut)
            .is_some_and(|map| map.remove(&last).is_some());
    }
    match doc.pointer_mut(pointer) {
        Some(node) => {
            *node = json!({"description": "Any JSON: the schema here has no exact Rust type."});
            true
        }
        None => false,
    }
}

/// The key of a route whatever its parameters are called.
fn route_key(method: &str, path: &str) -> String {
    format!("{} {}", method.to_uppercase(), model::route(path))
}

/// The prefix every component schema of the source shares, less noise (`stream_`).
fn shared_prefix(doc: &Value) -> Option<String> {
    let denoised: Vec<String> = doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, _)| model::cloudflare::denoise(name))
        .collect();
    let names: Vec<&str> = denoised.iter().map(String::as_str).collect();
    model::names::shared_prefix(&names).map(str::to_owned)
}

/// The whole file of `resource`, and the JSON pointers of the descriptions it made up.
fn file_document(
    source: &Source,
    resource: &Resource,
    paths: Map<String, Value>,
    tags: &[String],
    schemas: Map<String, Value>,
) -> (Value, BTreeSet<String>) {
    let mut written = BTreeSet::new();
    let from = source.path.file_name().map_or_else(
        || source.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let tags: Vec<Value> = tags
        .iter()
        .enumerate()
        .map(|(i, tag)| {
            let described = source.doc["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|t| t["name"] == tag.as_str())
                .and_then(|t| t["description"].as_str())
                .map(str::to_owned);
            let description = described.unwrap_or_else(|| {
                written.insert(format!("/tags/{i}/description"));
                format!("The `{}` resource of Cloudflare's API.", resource.name)
            });
            json!({"name": tag, "description": description})
        })
        .collect();
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": {
            "title": format!("Cloudflare — {}", resource.name),
            "description": format!(
                "The `{}` resource, imported from `{from}` by `codegen import`. Import it again to update \
                 it: `x-rust-*` overrides, and descriptions and examples added where the schema has \
                 none, are kept.",
                resource.name
            ),
            "version": source.doc["info"]["version"].as_str().unwrap_or("1"),
        },
    });
    let map = doc.as_object_mut().expect("an object");
    if !tags.is_empty() {
        map.insert("tags".into(), Value::Array(tags));
    }
    map.insert("paths".into(), Value::Object(paths));
    if !schemas.is_empty() {
        map.insert("components".into(), json!({"schemas": schemas}));
    }
    (doc, written)
}

/// Fails unless the folder `dir`, with the files of `plan` in place, generates strictly.
fn check(dir: &Path, plan: &Plan) -> Result<()> {
    let mut sources: Vec<(PathBuf, String)> = Vec::new();
    for path in load::spec_files(dir).unwrap_or_default() {
        if plan.files.iter().any(|(p, _)| *p == path) {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        sources.push((path, text));
    }
    sources.extend(plan.files.iter().cloned());
    let spec = Spec::from_sources(sources)?;
    let lock = model::lock::read(dir)?;
    crate::Generator::new(Options::default())
        .keeping_names_of(lock.as_ref())
        .generate(&spec)
        .map(|_| ())
}

/// Writes the files of `plan`.
pub fn write(plan: &Plan) -> Result<()> {
    for (path, text) in &plan.files {
        std::fs::write(path, text).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
    }
    Ok(())
}

//! Stage 1, **load**: read every spec file of a folder, check that each is OpenAPI 3.0, check that
//! every `$ref` resolves within the set of files, and answer `$ref` look-ups for the later stages.
//!
//! Nothing here knows about Rust; the model stage asks questions, this module answers them with
//! OpenAPI nodes and their [`Location`]s.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use openapiv3::{
    OpenAPI, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Responses, Schema,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, Location, Result};

/// How many `$ref`s may be chained (a ref to a ref to ...) before we call it a cycle.
const MAX_REF_CHAIN: usize = 64;

/// How deep the YAML parser lets collections nest (its recursion limit, which the JSON
/// parser shares).
const MAX_NESTING: usize = 128;

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
        let mut files: Vec<(SpecFile, Value)> = Vec::with_capacity(sources.len());
        for (path, text) in sources {
            let raw = parse_text(&path, &text)?;
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
                raw: OnceLock::new(),
            };
            files.push((file, raw));
        }
        files.sort_by(|(a, _), (b, _)| a.name.cmp(&b.name));
        let (files, raws): (Vec<SpecFile>, Vec<Value>) = files.into_iter().unzip();
        let spec = Self { files };
        spec.check_refs(&raws)?;
        Ok(spec)
    }

    /// The root location of file `file`.
    pub fn root(&self, file: FileId) -> Location {
        Location::root(&self.files[file].path)
    }

    /// Follows `node` (a `$ref` or an inline item standing at `at` in `file`) to a schema.
    pub fn schema<'a>(
        &'a self,
        file: FileId,
        at: &Location,
        node: &'a ReferenceOr<Schema>,
    ) -> Result<Resolved<'a, Schema>> {
        self.follow(file, at, Start::of(node), "schemas", |c, name| {
            c.schemas.get(name)
        })
    }

    /// Like [`Spec::schema`] for the boxed schemas openapiv3 uses in properties and items.
    pub fn boxed_schema<'a>(
        &'a self,
        file: FileId,
        at: &Location,
        node: &'a ReferenceOr<Box<Schema>>,
    ) -> Result<Resolved<'a, Schema>> {
        match node {
            ReferenceOr::Item(schema) => Ok(Resolved {
                value: Cow::Borrowed(schema.as_ref()),
                at: at.clone(),
                file,
                component: None,
            }),
            // Followed from the reference's text: the target is borrowed, never copied.
            ReferenceOr::Reference { reference } => {
                self.follow(file, at, Start::Ref(reference), "schemas", |c, name| {
                    c.schemas.get(name)
                })
            }
        }
    }

    /// Follows a parameter node.
    pub fn parameter<'a>(
        &'a self,
        file: FileId,
        at: &Location,
        node: &'a ReferenceOr<Parameter>,
    ) -> Result<Resolved<'a, Parameter>> {
        self.follow(file, at, Start::of(node), "parameters", |c, name| {
            c.parameters.get(name)
        })
    }

    /// Follows a response node.
    pub fn response<'a>(
        &'a self,
        file: FileId,
        at: &Location,
        node: &'a ReferenceOr<Response>,
    ) -> Result<Resolved<'a, Response>> {
        self.follow(file, at, Start::of(node), "responses", |c, name| {
            c.responses.get(name)
        })
    }

    /// Follows a request body node.
    pub fn request_body<'a>(
        &'a self,
        file: FileId,
        at: &Location,
        node: &'a ReferenceOr<RequestBody>,
    ) -> Result<Resolved<'a, RequestBody>> {
        self.follow(file, at, Start::of(node), "requestBodies", |c, name| {
            c.request_bodies.get(name)
        })
    }

    /// Follows `$ref`s from `node` until an item, looking components of `kind` up directly and
    /// deserialising any other target from the raw document.
    fn follow<'a, T, F>(
        &'a self,
        mut file: FileId,
        at: &Location,
        mut node: Start<'a, T>,
        kind: &str,
        lookup: F,
    ) -> Result<Resolved<'a, T>>
    where
        T: Clone + DeserializeOwned,
        F: Fn(&'a openapiv3::Components, &str) -> Option<&'a ReferenceOr<T>>,
    {
        let mut here = at.clone();
        let mut component = None;
        for _ in 0..MAX_REF_CHAIN {
            let reference = match node {
                Start::Item(value) => {
                    return Ok(Resolved {
                        value: Cow::Borrowed(value),
                        at: here,
                        file,
                        component,
                    });
                }
                Start::Ref(reference) => reference,
            };
            let (target_file, pointer) = self.target(file, &here, reference)?;
            let target_at = Location {
                file: self.files[target_file].path.clone(),
                pointer: pointer.clone(),
            };
            let prefix = format!("/components/{kind}/");
            let name = pointer
                .strip_prefix(&prefix)
                .filter(|rest| !rest.contains('/'))
                .map(unescape_pointer_token);
            let found = match (&name, &self.files[target_file].doc.components) {
                (Some(name), Some(components)) => lookup(components, name),
                _ => None,
            };
            match found {
                Some(next) => {
                    node = Start::of(next);
                    component = name;
                }
                None => {
                    // Below the components (or a component of another kind): read it from JSON.
                    let raw = self.files[target_file]
                        .raw()
                        .and_then(|raw| raw.pointer(&pointer))
                        .ok_or_else(|| dangling(&here, reference, "no such node"))?;
                    let value: ReferenceOr<T> = typed(raw, &target_at)?;
                    return match value {
                        ReferenceOr::Item(value) => Ok(Resolved {
                            value: Cow::Owned(value),
                            at: target_at,
                            file: target_file,
                            component: None,
                        }),
                        ReferenceOr::Reference { .. } => Err(Error::Unsupported {
                            at: target_at,
                            what: "a `$ref` to a `$ref` outside `#/components`".into(),
                        }),
                    };
                }
            }
            file = target_file;
            here = target_at;
        }
        Err(Error::Unsupported {
            at: at.clone(),
            what: format!("more than {MAX_REF_CHAIN} chained `$ref`s (a cycle of references?)"),
        })
    }

    /// Splits `reference` (written in `file`, at `at`) into the target file and JSON pointer.
    fn target(&self, file: FileId, at: &Location, reference: &str) -> Result<(FileId, String)> {
        self.split_ref(file, reference)
            .map(|(target, pointer)| (target, pointer.into_owned()))
            .map_err(|reason| dangling(at, reference, reason))
    }

    /// [`Spec::target`] without a location: the target file and JSON pointer, or why the
    /// reference cannot be followed.
    fn split_ref<'r>(
        &self,
        file: FileId,
        reference: &'r str,
    ) -> std::result::Result<(FileId, Cow<'r, str>), &'static str> {
        let (doc, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let target = if doc.is_empty() {
            file
        } else {
            if doc.contains("://") {
                return Err("remote references are not followed; put the schema in a spec file");
            }
            let wanted = doc.strip_prefix("./").unwrap_or(doc);
            if wanted.contains('/') || wanted.contains('\\') {
                return Err("only files in the same spec folder can be referenced");
            }
            self.files
                .iter()
                .position(|f| f.name == wanted)
                .ok_or("no such file in the spec folder")?
        };
        if !fragment.is_empty() && !fragment.starts_with('/') {
            return Err("the fragment must be a JSON pointer");
        }
        // A fragment is part of a URI: `%7B` is `{`, `%20` a space.
        let pointer = percent_encoding::percent_decode_str(fragment)
            .decode_utf8()
            .map_err(|_| "the fragment is not UTF-8 once its `%` escapes are decoded")?;
        Ok((target, pointer))
    }

    /// Checks every `$ref` in every file before anything else looks at them, in document
    /// order: the first that does not resolve is the error.
    /// `raws` are the files as plain JSON, in the order of [`Spec::files`].
    fn check_refs(&self, raws: &[Value]) -> Result<()> {
        for (id, raw) in raws.iter().enumerate() {
            self.check_refs_below(raws, id, raw, &mut Vec::new())?;
        }
        Ok(())
    }

    /// Checks the `$ref`s in `value`, which stands at `steps` below the root of `file`. The
    /// location of a node is built only for an error: a large spec has a million nodes.
    fn check_refs_below<'v>(
        &self,
        raws: &[Value],
        file: FileId,
        value: &'v Value,
        steps: &mut Vec<Step<'v>>,
    ) -> Result<()> {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    match (key.as_str(), child) {
                        ("$ref", Value::String(reference)) => {
                            self.check_ref(raws, file, steps, reference)?;
                        }
                        // `example`s are data, not schema: a `$ref` key inside them is just a key.
                        ("example" | "examples", _) => {}
                        _ => {
                            steps.push(Step::Key(key));
                            let checked = self.check_refs_below(raws, file, child, steps);
                            steps.pop();
                            checked?;
                        }
                    }
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    steps.push(Step::Index(index));
                    let checked = self.check_refs_below(raws, file, child, steps);
                    steps.pop();
                    checked?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Checks one `$ref`, written in the object at `steps` below the root of `file`.
    fn check_ref(
        &self,
        raws: &[Value],
        file: FileId,
        steps: &[Step<'_>],
        reference: &str,
    ) -> Result<()> {
        let reason = match self.split_ref(file, reference) {
            Ok((target, pointer)) if raws[target].pointer(&pointer).is_some() => {
                return Ok(());
            }
            Ok(_) => "no such node",
            Err(reason) => reason,
        };
        Err(dangling(&locate(self.root(file), steps), reference, reason))
    }
}

/// Where [`Spec::follow`] starts, or stands: a node, or the text of a `$ref`.
enum Start<'a, T> {
    /// The node itself.
    Item(&'a T),
    /// A `$ref` to follow.
    Ref(&'a str),
}

impl<'a, T> Start<'a, T> {
    fn of(node: &'a ReferenceOr<T>) -> Self {
        match node {
            ReferenceOr::Item(value) => Self::Item(value),
            ReferenceOr::Reference { reference } => Self::Ref(reference),
        }
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

/// Every `.yaml`, `.yml` and `.json` file directly inside `dir`, sorted: the spec, and what a
/// build script must watch.
pub fn spec_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_file() && is_spec_file(&path) {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}

fn is_spec_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn dangling(at: &Location, reference: &str, reason: &str) -> Error {
    Error::DanglingRef {
        at: at.join("$ref"),
        reference: reference.to_owned(),
        reason: reason.to_owned(),
    }
}

fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The `$ref` to component `name` of `kind` (`schemas`, `parameters`, ...) in the same file:
/// a JSON pointer (`~` and `/` escaped) written as a URI fragment (`%` escaped), which
/// [`Spec::schema`] and the other look-ups read back to `name`.
pub fn component_ref(kind: &str, name: &str) -> String {
    let token = name
        .replace('~', "~0")
        .replace('/', "~1")
        .replace('%', "%25");
    format!("#/components/{kind}/{token}")
}

/// Parses YAML or JSON text into a JSON value, with the line and column of a syntax error.
fn parse_text(path: &Path, text: &str) -> Result<Value> {
    let is_json = path.extension().and_then(|e| e.to_str()) == Some("json");
    if is_json {
        serde_json::from_str(text).map_err(|e| Error::Syntax {
            file: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
    } else {
        // The parser would refuse this too, but only after time in the square of the depth.
        if let Err(deep) = crate::nesting::flow_depth(text, MAX_NESTING) {
            return Err(Error::Syntax {
                file: path.to_path_buf(),
                line: deep.line,
                column: deep.column,
                message: format!(
                    "flow collections (`[...]`, `{{...}}`) nested more than {MAX_NESTING} deep"
                ),
            });
        }
        yaml_serde::from_str(text).map_err(|e| {
            let (line, column) = e
                .location()
                .map(|l| (l.line(), l.column()))
                .unwrap_or((0, 0));
            Error::Syntax {
                file: path.to_path_buf(),
                line,
                column,
                message: e.to_string(),
            }
        })
    }
}

/// Deserialises `raw` (standing at `at`) into an OpenAPI node, naming the offending node on failure.
fn typed<T: DeserializeOwned>(raw: &Value, at: &Location) -> Result<T> {
    // Tracking the path costs a tenth of the time on a large document: track it only to
    // report a failure (deserialising the same value fails the same way).
    if let Ok(value) = T::deserialize(raw) {
        return Ok(value);
    }
    serde_path_to_error::deserialize(raw).map_err(|e| {
        let mut here = at.clone();
        for segment in e.path().iter() {
            use serde_path_to_error::Segment;
            here = match segment {
                Segment::Seq { index } => here.index(*index),
                Segment::Map { key } => here.join(key),
                Segment::Enum { variant } => here.join(variant),
                Segment::Unknown => here,
            };
        }
        Error::Invalid {
            at: here,
            message: e.into_inner().to_string(),
        }
    })
}

/// How deep a schema may stand (counting schemas: a component is 1, its properties 2) before
/// [`check_deep_schemas`] checks it on its own.
///
/// openapiv3 reads a schema through untagged enums and flattened fields: when a node fails,
/// every variant of its parent is tried again over the whole subtree, so an invalid node `d`
/// schemas deep costs time in `2^d` to be refused (hours at 30 deep). Checked on its own, each
/// node costs its own size. Shallower nodes are left to the typed read of the whole document,
/// which then costs at most `2^SHALLOW` times the size of the schema that fails.
const SHALLOW: usize = 6;

/// Checks every schema that stands deeper than [`SHALLOW`], deepest first and each node once
/// (its child schemas replaced by `{}`), so that reading the document afterwards takes linear
/// time and an invalid node is named where it stands.
fn check_deep_schemas(raw: &Value, root: &Location) -> Result<()> {
    let mut steps = Vec::new();
    walk_for_schemas(raw, &mut steps).map_err(|(steps, error)| Error::Invalid {
        at: locate(root.clone(), &steps),
        message: error.to_string(),
    })
}

/// A schema that failed: where, and why.
type SchemaFailure<'v> = (Vec<Step<'v>>, serde_json::Error);

/// Walks a node that is not a schema, looking for the schemas below it: the values of
/// `schema` keys (parameters, headers, media types) and of `components/schemas`. Examples
/// and extensions are data, and are not walked.
fn walk_for_schemas<'v>(
    value: &'v Value,
    steps: &mut Vec<Step<'v>>,
) -> std::result::Result<(), SchemaFailure<'v>> {
    let components = matches!(steps.as_slice(), [Step::Key("components")]);
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "example" || key == "examples" || key.starts_with("x-") {
                    continue;
                }
                steps.push(Step::Key(key));
                let checked = match key.as_str() {
                    "schema" => walk_schema(child, 1, steps),
                    "schemas" if components => match child {
                        Value::Object(schemas) => schemas.iter().try_for_each(|(name, schema)| {
                            steps.push(Step::Key(name));
                            let checked = walk_schema(schema, 1, steps);
                            steps.pop();
                            checked
                        }),
                        _ => Ok(()),
                    },
                    _ => walk_for_schemas(child, steps),
                };
                steps.pop();
                checked?;
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                steps.push(Step::Index(index));
                let checked = walk_for_schemas(child, steps);
                steps.pop();
                checked?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Checks the schema `value`, `depth` schemas deep: its child schemas first, then itself (with
/// its child schemas replaced by `{}`) if it stands deeper than [`SHALLOW`].
fn walk_schema<'v>(
    value: &'v Value,
    depth: usize,
    steps: &mut Vec<Step<'v>>,
) -> std::result::Result<(), SchemaFailure<'v>> {
    if let Value::Object(map) = value {
        for (key, child) in map {
            let Some(children) = SchemaChildren::of(key, child) else {
                continue;
            };
            // On a failure the steps were copied already: no need to unwind them.
            steps.push(Step::Key(key));
            match children {
                SchemaChildren::Named(schemas) => {
                    for (name, schema) in schemas {
                        steps.push(Step::Key(name));
                        walk_schema(schema, depth + 1, steps)?;
                        steps.pop();
                    }
                }
                SchemaChildren::Listed(schemas) => {
                    for (index, schema) in schemas.iter().enumerate() {
                        steps.push(Step::Index(index));
                        walk_schema(schema, depth + 1, steps)?;
                        steps.pop();
                    }
                }
                SchemaChildren::One(schema) => walk_schema(schema, depth + 1, steps)?,
            }
            steps.pop();
        }
    }
    if depth <= SHALLOW {
        return Ok(());
    }
    match ReferenceOr::<Schema>::deserialize(&shallow(value)) {
        Ok(_) => Ok(()),
        Err(error) => Err((steps.clone(), error)),
    }
}

/// The schemas a member of a schema holds, by how they are reached from it.
enum SchemaChildren<'v> {
    /// By name: `properties`.
    Named(&'v serde_json::Map<String, Value>),
    /// By index: `allOf`, `anyOf`, `oneOf`.
    Listed(&'v [Value]),
    /// The member itself: `items`, `not`, and `additionalProperties` when it is a schema.
    One(&'v Value),
}

impl<'v> SchemaChildren<'v> {
    /// The schemas held by the member `key` of a schema, whose value is `value`.
    fn of(key: &str, value: &'v Value) -> Option<Self> {
        match (key, value) {
            ("properties", Value::Object(schemas)) => Some(Self::Named(schemas)),
            ("allOf" | "anyOf" | "oneOf", Value::Array(schemas)) => Some(Self::Listed(schemas)),
            ("items" | "not" | "additionalProperties", Value::Object(_)) => Some(Self::One(value)),
            _ => None,
        }
    }
}

/// `schema` with each child schema replaced by `{}` (which is valid: any value), so that
/// reading it costs its own size only.
fn shallow(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let empty = || Value::Object(serde_json::Map::new());
    let node = map
        .iter()
        .map(|(key, child)| {
            let child = match SchemaChildren::of(key, child) {
                Some(SchemaChildren::Named(schemas)) => {
                    Value::Object(schemas.keys().map(|name| (name.clone(), empty())).collect())
                }
                Some(SchemaChildren::Listed(schemas)) => {
                    Value::Array(schemas.iter().map(|_| empty()).collect())
                }
                Some(SchemaChildren::One(_)) => empty(),
                None => child.clone(),
            };
            (key.clone(), child)
        })
        .collect();
    Value::Object(node)
}

/// The deepest typed node that fails to deserialise, for a document that failed as a whole:
/// serde's path stops at the first custom or flattened deserialiser (`paths`, `responses`), so
/// we try the nodes below it one by one.
fn locate_invalid(raw: &Value, root: &Location) -> Option<Error> {
    if let Some(paths) = raw.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            if let Some(error) = invalid_path_item(item, &root.join("paths").join(path)) {
                return Some(error);
            }
        }
    }
    let components = raw.get("components").and_then(Value::as_object)?;
    for (kind, entries) in components {
        let Some(entries) = entries.as_object() else {
            continue;
        };
        for (name, node) in entries {
            let at = root.join("components").join(kind).join(name);
            let error = match kind.as_str() {
                "schemas" => typed::<ReferenceOr<Schema>>(node, &at).err(),
                "parameters" => typed::<ReferenceOr<Parameter>>(node, &at).err(),
                "responses" => typed::<ReferenceOr<Response>>(node, &at).err(),
                "requestBodies" => typed::<ReferenceOr<RequestBody>>(node, &at).err(),
                _ => None,
            };
            if error.is_some() {
                return error;
            }
        }
    }
    None
}

fn invalid_path_item(item: &Value, at: &Location) -> Option<Error> {
    if let Some(error) = invalid_parameters(item, at) {
        return Some(error);
    }
    for verb in [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ] {
        let Some(op) = item.get(verb) else {
            continue;
        };
        let at = at.join(verb);
        if let Some(error) = invalid_parameters(op, &at) {
            return Some(error);
        }
        if let Some(body) = op.get("requestBody")
            && let Err(error) = typed::<ReferenceOr<RequestBody>>(body, &at.join("requestBody"))
        {
            return Some(error);
        }
        if let Some(responses) = op.get("responses") {
            let at = at.join("responses");
            match responses.as_object() {
                Some(map) => {
                    for (code, response) in map {
                        if let Err(error) = typed::<ReferenceOr<Response>>(response, &at.join(code))
                        {
                            return Some(error);
                        }
                    }
                }
                None => return typed::<Responses>(responses, &at).err(),
            }
        }
        if let Err(error) = typed::<Operation>(op, &at) {
            return Some(error);
        }
    }
    typed::<ReferenceOr<PathItem>>(item, at).err()
}

fn invalid_parameters(node: &Value, at: &Location) -> Option<Error> {
    let list = node.get("parameters")?.as_array()?;
    let at = at.join("parameters");
    list.iter()
        .enumerate()
        .find_map(|(i, p)| typed::<ReferenceOr<Parameter>>(p, &at.index(i)).err())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(files: &[(&str, &str)]) -> Result<Spec> {
        Spec::from_sources(
            files
                .iter()
                .map(|(name, text)| (PathBuf::from(name), (*text).to_owned()))
                .collect(),
        )
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

    #[test]
    fn resolves_refs_across_files() {
        let a = format!(
            "{HEAD}components:\n  schemas:\n    A: {{$ref: 'b.yaml#/components/schemas/B'}}\n"
        );
        let b = format!("{HEAD}components:\n  schemas:\n    B: {{type: string}}\n");
        let spec = spec(&[("a.yaml", &a), ("b.yaml", &b)]).expect("loads");
        let node = ReferenceOr::Reference {
            reference: "#/components/schemas/A".to_owned(),
        };
        let resolved = spec.schema(0, &spec.root(0), &node).expect("resolves");
        assert_eq!(resolved.file, 1);
        assert_eq!(resolved.component.as_deref(), Some("B"));
        assert_eq!(resolved.at.to_string(), "b.yaml#/components/schemas/B");
    }

    #[test]
    fn a_dangling_ref_names_file_and_pointer() {
        let a = format!(
            "{HEAD}components:\n  schemas:\n    A: {{$ref: '#/components/schemas/Nope'}}\n"
        );
        let err = spec(&[("a.yaml", &a)]).expect_err("dangling");
        assert_eq!(
            err.to_string(),
            "a.yaml#/components/schemas/A/$ref: `$ref` to `#/components/schemas/Nope` does not resolve: no such node"
        );
    }

    #[test]
    fn refs_outside_the_folder_are_refused() {
        let a = format!("{HEAD}components:\n  schemas:\n    A: {{$ref: '../etc/passwd#/x'}}\n");
        let err = spec(&[("a.yaml", &a)]).expect_err("refused");
        assert!(
            err.to_string()
                .contains("only files in the same spec folder"),
            "{err}"
        );
    }

    #[test]
    fn ref_cycles_are_an_error() {
        let a = format!(
            "{HEAD}components:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n"
        );
        let spec = spec(&[("a.yaml", &a)]).expect("loads");
        let node = ReferenceOr::Reference {
            reference: "#/components/schemas/A".to_owned(),
        };
        let err = spec.schema(0, &spec.root(0), &node).expect_err("cycle");
        assert!(err.to_string().contains("chained `$ref`s"), "{err}");
    }

    #[test]
    fn refs_below_the_components_resolve() {
        let a = format!(
            "{HEAD}components:\n  schemas:\n    A: {{$ref: 'b.yaml#/components/schemas/B/properties/x'}}\n"
        );
        let b = format!(
            "{HEAD}components:\n  schemas:\n    B: {{type: object, properties: {{x: {{type: integer}}}}}}\n"
        );
        let spec = spec(&[("a.yaml", &a), ("b.yaml", &b)]).expect("loads");
        let node = ReferenceOr::Reference {
            reference: "#/components/schemas/A".to_owned(),
        };
        let resolved = spec.schema(0, &spec.root(0), &node).expect("resolves");
        assert_eq!(resolved.file, 1);
        assert_eq!(
            resolved.at.to_string(),
            "b.yaml#/components/schemas/B/properties/x"
        );
        assert!(matches!(
            resolved.value.schema_kind,
            openapiv3::SchemaKind::Type(openapiv3::Type::Integer(_))
        ));
    }

    #[test]
    fn ref_fragments_are_percent_decoded() {
        let a = format!(
            "{HEAD}components:\n  schemas:\n    A: {{$ref: '#/components/schemas/My%20B%7Bx%7D'}}\n    'My B{{x}}': {{type: integer}}\n"
        );
        let loaded = spec(&[("a.yaml", &a)]).expect("loads");
        let node = ReferenceOr::Reference {
            reference: "#/components/schemas/A".to_owned(),
        };
        let resolved = loaded.schema(0, &loaded.root(0), &node).expect("resolves");
        assert_eq!(resolved.component.as_deref(), Some("My B{x}"));
        let bad = format!("{HEAD}components:\n  schemas:\n    A: {{$ref: '#/components/%FF'}}\n");
        let err = spec(&[("a.yaml", &bad)]).expect_err("not UTF-8");
        assert!(err.to_string().contains("not UTF-8"), "{err}");
    }

    #[test]
    fn unquoted_status_codes_load() {
        let a = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        200: {description: ok}\n";
        let spec = spec(&[("a.yaml", a)]).expect("loads");
        assert_eq!(spec.files[0].doc.paths.paths.len(), 1);
    }
}

//! A folder of OpenAPI 3.0 files (`--spec DIR`), read once at start: the operations it
//! describes, and the schemas that check their requests and write their responses.
//!
//! - `load`: the files, parsed, and their `$ref`s checked;
//! - `schema`: a schema node in its file; `$ref`s followed, `allOf` flattened;
//! - `validate`: a value against a schema, each problem with its JSON pointer;
//! - `synth`: a value a schema allows, examples first, the same every time;
//! - `routes`: path templates and the operation a request path and method reach;
//! - `collections`: which paths are collections whose items are remembered.

pub(crate) mod collections;
mod load;
mod routes;
pub(crate) mod schema;
pub(crate) mod synth;
pub(crate) mod validate;

use std::path::{Path, PathBuf};

use axum::http::Method;
use serde_json::Value;

use collections::Collections;
pub(crate) use load::Files;
use routes::Routes;
pub(crate) use routes::{Routed, Segment, Template};
use schema::Node;
use validate::Patterns;

/// Why a spec folder cannot be served. Every variant names the file, and where it can, the
/// JSON pointer of the offending node.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// The folder cannot be listed.
    #[error("cannot read the spec folder {}: {source}", dir.display())]
    Folder {
        /// The folder.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The folder holds no `.yaml`, `.yml` or `.json` file.
    #[error("no OpenAPI file (.yaml, .yml or .json) in {}", dir.display())]
    Empty {
        /// The folder.
        dir: PathBuf,
    },
    /// A file cannot be read.
    #[error("cannot read {}: {source}", file.display())]
    Read {
        /// The file.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not YAML or JSON.
    #[error("{}: not valid YAML or JSON: {message}", file.display())]
    Syntax {
        /// The file.
        file: PathBuf,
        /// The parser's words, with the line and column.
        message: String,
    },
    /// A node is not what OpenAPI 3.0 allows there, or a `$ref` does not resolve.
    #[error("{at}: {message}")]
    Invalid {
        /// `file.yaml#/json/pointer` of the node.
        at: String,
        /// What is wrong.
        message: String,
    },
}

/// A subtree of a spec file, kept with the file it came from (its `$ref`s are relative to it).
#[derive(Debug)]
pub(crate) struct Located {
    pub(crate) file: usize,
    pub(crate) value: Value,
}

impl Located {
    pub(crate) fn node(&self) -> Node<'_> {
        Node::new(self.file, &self.value)
    }
}

/// Where a parameter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

impl Location {
    /// The request part in violation pointers: `/path/...`, `/query/...`, `/headers/...`.
    pub(crate) fn part(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "headers",
            Self::Cookie => "cookies",
        }
    }
}

#[derive(Debug)]
pub(crate) struct Parameter {
    pub(crate) name: String,
    pub(crate) location: Location,
    pub(crate) required: bool,
    pub(crate) schema: Option<Located>,
    /// `form` arrays repeat the name (`explode`, the default) or join values with commas.
    pub(crate) explode: bool,
}

#[derive(Debug)]
pub(crate) struct RequestBody {
    pub(crate) required: bool,
    /// `(media type, schema)`, as the spec lists them.
    pub(crate) content: Vec<(String, Option<Located>)>,
}

/// The body of the first 2xx response.
#[derive(Debug)]
pub(crate) struct Media {
    pub(crate) media_type: String,
    pub(crate) schema: Option<Located>,
    /// The media type's `example`, or its first `examples` entry's `value`.
    pub(crate) example: Option<Value>,
}

/// The first 2xx response of an operation.
#[derive(Debug)]
pub(crate) struct Success {
    pub(crate) status: u16,
    pub(crate) media: Option<Media>,
    /// Response headers with a schema, by name.
    pub(crate) headers: Vec<(String, Located)>,
}

#[derive(Debug)]
pub(crate) struct Operation {
    pub(crate) method: Method,
    pub(crate) template: Template,
    pub(crate) parameters: Vec<Parameter>,
    pub(crate) body: Option<RequestBody>,
    pub(crate) success: Option<Success>,
    /// One of the downloads routes: `api.rs` answers it, with state, not the spec.
    pub(crate) stateful: bool,
}

impl Operation {
    /// Whether the operation's response body is the `{success, errors, messages, result}`
    /// envelope.
    pub(crate) fn envelope(&self, files: &Files) -> bool {
        self.success
            .as_ref()
            .and_then(|success| success.media.as_ref())
            .and_then(|media| media.schema.as_ref())
            .is_some_and(|schema| files.is_envelope(schema.node()))
    }

    /// The schemas of what the response carries: `result` of an envelope, or the body.
    pub(crate) fn result<'a>(&'a self, files: &'a Files) -> Option<Vec<Node<'a>>> {
        let schema = self
            .success
            .as_ref()?
            .media
            .as_ref()?
            .schema
            .as_ref()?
            .node();
        if files.is_envelope(schema) {
            let flat = files.flatten(&[schema]);
            Some(files.property(&flat, "result"))
        } else {
            Some(vec![schema])
        }
    }
}

/// The routes the emulator answers with state, whatever the spec: `(shape, methods)`.
const STATEFUL: [(&str, &[&str]); 2] = [
    (
        "/accounts/{}/stream/{}/downloads",
        &["GET", "POST", "DELETE"],
    ),
    ("/accounts/{}/stream/{}/downloads/{}", &["POST", "DELETE"]),
];

const METHODS: [(&str, Method); 8] = [
    ("get", Method::GET),
    ("put", Method::PUT),
    ("post", Method::POST),
    ("delete", Method::DELETE),
    ("options", Method::OPTIONS),
    ("head", Method::HEAD),
    ("patch", Method::PATCH),
    ("trace", Method::TRACE),
];

/// A spec folder, ready to serve.
#[derive(Debug)]
pub(crate) struct Spec {
    pub(crate) files: Files,
    pub(crate) patterns: Patterns,
    pub(crate) operations: Vec<Operation>,
    pub(crate) collections: Collections,
    routes: Routes,
}

impl Spec {
    /// Reads every OpenAPI file of `dir` and the operations they describe.
    pub(crate) fn load(dir: &Path) -> Result<Self, SpecError> {
        Self::from_files(Files::read(dir)?)
    }

    /// The Stream API this emulator was built with (the project's `spec/`, embedded).
    pub(crate) fn embedded() -> Result<Self, SpecError> {
        Self::from_files(Files::embedded()?)
    }

    /// The operations `files` describe.
    fn from_files(files: Files) -> Result<Self, SpecError> {
        let patterns = Patterns::compile(&files);
        let mut operations = Vec::new();
        let mut routes = Routes::default();
        for file in 0..files.docs.len() {
            let (name, doc) = &files.docs[file];
            let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
                continue;
            };
            for (path, item) in paths {
                let at = format!("{name}#/paths/{}", validate::escape(path));
                if !path.starts_with('/') {
                    return Err(invalid(&at, "a path must start with `/`"));
                }
                let (item_file, item) = files.resolve(file, item);
                let template = Template::parse(path);
                let shared = item.get("parameters");
                for (key, method) in &METHODS {
                    let Some(op) = item.get(*key) else { continue };
                    let op_at = format!("{at}/{key}");
                    let operation =
                        operation(&files, item_file, &template, method, op, shared, &op_at)?;
                    if !routes.add(&template, method.clone(), operations.len()) {
                        return Err(invalid(
                            &op_at,
                            "the same route and method are defined twice in the spec folder",
                        ));
                    }
                    operations.push(operation);
                }
            }
        }
        let collections = Collections::detect(&files, &operations);
        Ok(Self {
            files,
            patterns,
            operations,
            collections,
            routes,
        })
    }

    /// How many operations the spec answers (the stateful downloads routes are not counted).
    pub(crate) fn served(&self) -> usize {
        self.operations.iter().filter(|op| !op.stateful).count()
    }

    pub(crate) fn route(&self, method: &Method, path: &str) -> Routed {
        self.routes.route(method, path)
    }
}

fn invalid(at: &str, message: &str) -> SpecError {
    SpecError::Invalid {
        at: at.to_owned(),
        message: message.to_owned(),
    }
}

fn located(file: usize, value: Option<&Value>) -> Option<Located> {
    value.map(|value| Located {
        file,
        value: value.clone(),
    })
}

fn operation(
    files: &Files,
    file: usize,
    template: &Template,
    method: &Method,
    op: &Value,
    shared: Option<&Value>,
    at: &str,
) -> Result<Operation, SpecError> {
    let mut parameters: Vec<Parameter> = Vec::new();
    // Path-level parameters first; the operation's own replace those of the same name and place.
    for (list, list_at) in [
        (shared, "../parameters"),
        (op.get("parameters"), "parameters"),
    ] {
        let Some(list) = list else { continue };
        let Some(list) = list.as_array() else {
            return Err(invalid(
                &format!("{at}/{list_at}"),
                "`parameters` must be a list",
            ));
        };
        for (index, raw) in list.iter().enumerate() {
            let param = parameter(files, file, raw, &format!("{at}/{list_at}/{index}"))?;
            parameters.retain(|p| !(p.name == param.name && p.location == param.location));
            parameters.push(param);
        }
    }
    for name in template.params() {
        let declared = parameters
            .iter()
            .any(|p| p.location == Location::Path && p.name == name);
        if !declared {
            // Served anyway, as a string: the template says it is there.
            parameters.push(Parameter {
                name: name.to_owned(),
                location: Location::Path,
                required: true,
                schema: None,
                explode: false,
            });
        }
    }
    let body = match op.get("requestBody") {
        Some(raw) => Some(request_body(
            files,
            file,
            raw,
            &format!("{at}/requestBody"),
        )?),
        None => None,
    };
    let success = match op.get("responses") {
        Some(responses) => success(files, file, responses),
        None => None,
    };
    let shape = template.shape();
    let stateful = STATEFUL
        .iter()
        .any(|(s, methods)| *s == shape && methods.contains(&method.as_str()));
    Ok(Operation {
        method: method.clone(),
        template: template.clone(),
        parameters,
        body,
        success,
        stateful,
    })
}

fn parameter(files: &Files, file: usize, raw: &Value, at: &str) -> Result<Parameter, SpecError> {
    let (file, param) = files.resolve(file, raw);
    let name = param.get("name").and_then(Value::as_str);
    let place = param.get("in").and_then(Value::as_str);
    let (Some(name), Some(place)) = (name, place) else {
        return Err(invalid(at, "a parameter needs `name` and `in`"));
    };
    let location = match place {
        "path" => Location::Path,
        "query" => Location::Query,
        "header" => Location::Header,
        "cookie" => Location::Cookie,
        other => {
            return Err(invalid(
                at,
                &format!("unknown parameter location `{other}`"),
            ));
        }
    };
    // A parameter described by `content` instead of `schema`: its first media type's schema.
    let schema = param.get("schema").or_else(|| {
        param
            .get("content")
            .and_then(Value::as_object)
            .and_then(|content| content.values().next())
            .and_then(|media| media.get("schema"))
    });
    // `form` (explode by default) for query and cookie parameters, `simple` otherwise.
    let default_style = match location {
        Location::Query | Location::Cookie => "form",
        Location::Path | Location::Header => "simple",
    };
    let style_is_form = param
        .get("style")
        .and_then(Value::as_str)
        .unwrap_or(default_style)
        == "form";
    Ok(Parameter {
        name: name.to_owned(),
        location,
        required: location == Location::Path
            || param
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        schema: located(file, schema),
        explode: param
            .get("explode")
            .and_then(Value::as_bool)
            .unwrap_or(style_is_form),
    })
}

fn request_body(
    files: &Files,
    file: usize,
    raw: &Value,
    at: &str,
) -> Result<RequestBody, SpecError> {
    let (file, body) = files.resolve(file, raw);
    let Some(content) = body.get("content").and_then(Value::as_object) else {
        return Err(invalid(at, "a request body needs `content`"));
    };
    Ok(RequestBody {
        required: body
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        content: content
            .iter()
            .map(|(media_type, media)| {
                (
                    media_type.to_ascii_lowercase(),
                    located(file, media.get("schema")),
                )
            })
            .collect(),
    })
}

/// The first 2xx response: the lowest code, `2XX` counting as 200 after any explicit one.
fn success(files: &Files, file: usize, responses: &Value) -> Option<Success> {
    let (code, raw) = responses
        .as_object()?
        .iter()
        .filter_map(|(code, raw)| {
            let status = match code.as_str() {
                "2XX" | "2xx" => 299,
                code => code
                    .parse::<u16>()
                    .ok()
                    .filter(|c| (200..300).contains(c))?,
            };
            Some((status, raw))
        })
        .min_by_key(|(status, _)| *status)?;
    let status = if code == 299 { 200 } else { code };
    let (file, response) = files.resolve(file, raw);
    let media = response
        .get("content")
        .and_then(Value::as_object)
        .and_then(|content| {
            // JSON first; otherwise the first media type by name, so the choice never depends
            // on how the document was ordered.
            let mut types: Vec<(&String, &Value)> = content.iter().collect();
            types.sort_by_key(|(media_type, _)| (!is_json(media_type), media_type.as_str()));
            types.into_iter().next()
        })
        .map(|(media_type, media)| Media {
            media_type: media_type.to_ascii_lowercase(),
            schema: located(file, media.get("schema")),
            example: media.get("example").cloned().or_else(|| {
                let examples = media.get("examples")?.as_object()?;
                let mut names: Vec<&String> = examples.keys().collect();
                names.sort();
                let (_, example) = files.resolve(file, examples.get(names.first()?.as_str())?);
                example.get("value").cloned()
            }),
        });
    let headers = response
        .get("headers")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(name, _)| !name.eq_ignore_ascii_case("content-type"))
        .filter_map(|(name, raw)| {
            let (file, header) = files.resolve(file, raw);
            Some((name.clone(), located(file, header.get("schema"))?))
        })
        .collect();
    Some(Success {
        status,
        media,
        headers,
    })
}

/// `application/json`, or any `+json` type.
pub(crate) fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(files: &[(&str, &str)]) -> Result<Spec, SpecError> {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap_or_else(|e| panic!("{e}"));
        }
        Spec::load(dir.path())
    }

    const VIDEOS: &str = r#"
openapi: 3.0.3
paths:
  /accounts/{account_id}/stream/{identifier}:
    parameters:
      - {name: account_id, in: path, required: true, schema: {type: string}}
      - {name: identifier, in: path, required: true, schema: {type: string}}
      - {name: tags, in: query, schema: {type: array, items: {type: string}}}
    get:
      parameters:
        - {name: tags, in: query, style: form, explode: false, schema: {type: array}}
        - {name: X-Ids, in: header, schema: {type: array, items: {type: integer}}}
      responses:
        '404': {description: no}
        2XX: {description: any}
        '201':
          description: made
          headers: {X-Count: {schema: {type: integer}}}
          content:
            text/plain: {schema: {type: string}}
            application/json:
              schema: {$ref: 'common.yaml#/Envelope'}
              examples: {b: {value: 2}, a: {value: 1}}
  /accounts/{account_id}/stream/{identifier}/downloads:
    get: {responses: {'200': {description: ok}}}
    put: {responses: {'204': {description: ok}}}
"#;

    #[test]
    fn operations_are_read_with_their_parameters_body_and_first_success() {
        let spec = load(&[
            ("videos.yaml", VIDEOS),
            ("common.yaml", "Envelope: {type: object}\n"),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spec.operations.len(), 3);
        // The downloads GET is the stateful handlers'; its PUT is the spec's.
        assert_eq!(spec.served(), 2);
        let get = &spec.operations[0];
        let names: Vec<(&str, bool)> = get
            .parameters
            .iter()
            .map(|p| (p.name.as_str(), p.explode))
            .collect();
        // The operation's `tags` replaces the path's; headers are `simple`, not exploded.
        assert_eq!(
            names,
            [
                ("account_id", false),
                ("identifier", false),
                ("tags", false),
                ("X-Ids", false)
            ]
        );
        let success = get.success.as_ref().unwrap_or_else(|| panic!("no success"));
        assert_eq!(success.status, 201);
        assert_eq!(success.headers.len(), 1);
        let media = success.media.as_ref().unwrap_or_else(|| panic!("no media"));
        assert_eq!(media.media_type, "application/json");
        assert_eq!(media.example, Some(serde_json::json!(1)));
        assert!(matches!(
            spec.route(&Method::GET, "/accounts/a/stream/v"),
            Routed::Found { op: 0, .. }
        ));
    }

    #[test]
    fn the_same_route_twice_is_refused_with_its_place() {
        let twice = "paths:\n  /a/{x}: {get: {responses: {}}}\n  /a/{y}: {get: {responses: {}}}\n";
        let error = load(&[("a.yaml", twice)]).err().map(|e| e.to_string());
        let error = error.unwrap_or_default();
        assert!(error.contains("a.yaml#/paths/~1a~1{"), "{error}");
        assert!(error.contains("defined twice"), "{error}");
        let relative = load(&[("a.yaml", "paths:\n  a: {get: {responses: {}}}\n")]);
        assert!(
            relative
                .err()
                .is_some_and(|e| e.to_string().contains("must start with"))
        );
    }
}

//! Answering from a spec folder (`--spec DIR`): every route the downloads handlers do not take.
//!
//! A request is routed to an operation of the spec (404 `7000` / 405 `7001` with `Allow`
//! otherwise), checked against it, then answered with the operation's first 2xx response:
//! its example, or a value written from its schema (inside the envelope when the schema is
//! the envelope). Collections remember what was created (see `spec::collections`).
//!
//! Refusals are failure envelopes with one error per problem (at most 16), each with
//! `source.pointer`: the part of the request (`/path`, `/query`, `/headers`, `/cookies`,
//! `/body`) then the parameter name or the JSON pointer inside the body, e.g. `/body/meta/name`,
//! `/query/limit`, `/headers/Upload-Length`, `/path/identifier`. Then, in order: the account
//! must be one the credentials reach (403), and the items of tracked collections on the path
//! must exist (404).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::{Map, Value, json};

use crate::api::{Failure, Shared, codes};
use crate::spec::collections::{Items, Role};
use crate::spec::schema::Node;
use crate::spec::synth::Synthesizer;
use crate::spec::validate::{Direction, Validator, Violation, escape};
use crate::spec::{Files, Location, Operation, Routed, Segment, Spec, Template, is_json};

/// The API's base path: spec paths are relative to it.
const BASE: &str = "/client/v4";
/// Request bodies larger than this are refused (413).
const MAX_BODY: usize = 16 * 1024 * 1024;
/// Path parameters that name the account: it must be one the credentials reach.
const ACCOUNT_PARAMS: [&str; 2] = ["account_id", "account_identifier"];

/// The fallback handler: answers from the spec, or 404 without one.
pub(crate) async fn serve(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    match &shared.spec {
        Some(spec) => answer(&shared, spec, request).await,
        None => no_route().into_response(),
    }
}

/// For a downloads path with a method its handlers lack: the spec's operation if it has one,
/// else 405 as without a spec.
pub(crate) async fn serve_or_refuse_method(
    State(shared): State<Arc<Shared>>,
    request: Request,
) -> Response {
    let downloads_methods = |path: &str| {
        if path.ends_with("/downloads") {
            vec![Method::DELETE, Method::GET, Method::POST]
        } else {
            vec![Method::DELETE, Method::POST]
        }
    };
    if let Some(spec) = &shared.spec {
        let path = request.uri().path();
        let relative = path.strip_prefix(BASE).unwrap_or(path);
        if let Routed::Found { .. } = spec.route(request.method(), relative) {
            return answer(&shared, spec, request).await;
        }
    }
    let allow = downloads_methods(request.uri().path());
    method_not_allowed(&allow)
}

async fn answer(shared: &Shared, spec: &Spec, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some(relative) = parts
        .uri
        .path()
        .strip_prefix(BASE)
        .filter(|rest| rest.starts_with('/'))
    else {
        return no_route().into_response();
    };
    let (index, values) = match spec.route(&parts.method, relative) {
        Routed::Found { op, values } => (op, values),
        Routed::NoMethod { allow } => return method_not_allowed(&allow),
        Routed::NoPath => return no_route().into_response(),
    };
    let op = &spec.operations[index];
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            codes::INVALID_REQUEST_BODY,
            format!("The request body is larger than {} MiB.", MAX_BODY >> 20),
        )
        .pointer("/body")
        .into_response();
    };
    let body = match check(spec, op, &parts, &values, bytes) {
        Ok(body) => body,
        Err(failure) => return failure.into_response(),
    };
    if let Some(failure) = account_refused(shared, op, &values) {
        return failure.into_response();
    }
    respond(shared, spec, index, &values, body.as_ref())
}

fn no_route() -> Failure {
    Failure::new(
        StatusCode::NOT_FOUND,
        codes::NO_ROUTE,
        "No route for that URI",
    )
}

fn method_not_allowed(allow: &[Method]) -> Response {
    let mut response = Failure::new(
        StatusCode::METHOD_NOT_ALLOWED,
        codes::METHOD_NOT_ALLOWED,
        "Method not allowed for this endpoint",
    )
    .into_response();
    let list: Vec<&str> = allow.iter().map(Method::as_str).collect();
    if let Ok(value) = HeaderValue::from_str(&list.join(", ")) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

// ---------------------------------------------------------------------------------------------
// Checking the request
// ---------------------------------------------------------------------------------------------

/// The part of a request a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Param(Location),
    Body,
}

/// Checks parameters and body; the body as read (JSON, or form fields as an object).
fn check(
    spec: &Spec,
    op: &Operation,
    parts: &Parts,
    values: &[String],
    bytes: Bytes,
) -> Result<Option<Value>, Failure> {
    let validator = Validator::new(&spec.files, &spec.patterns, Direction::Request);
    let mut problems: Vec<(Part, Violation)> = parameters(spec, validator, op, parts, values);
    let body = match read_body(spec, op, parts, bytes) {
        Ok(Some((value, schema))) => {
            if let Some(schema) = schema {
                let found = validator.check(schema, &value, "/body");
                problems.extend(found.into_iter().map(|v| (Part::Body, v)));
            }
            Some(value)
        }
        Ok(None) => None,
        Err(BodyError::Invalid(violation)) => {
            problems.push((Part::Body, violation));
            None
        }
        Err(BodyError::Unsupported(failure)) => return Err(failure),
    };
    if problems.is_empty() {
        return Ok(body);
    }
    Err(refusal(parts.uri.path(), problems))
}

/// One failure envelope listing every problem (at most 16), each with its code and pointer.
fn refusal(path: &str, problems: Vec<(Part, Violation)>) -> Failure {
    let mut failure: Option<Failure> = None;
    let mut seen = Vec::new();
    for (location, violation) in problems.into_iter().take(16) {
        if seen.contains(&violation) {
            continue;
        }
        let (code, message) = match location {
            Part::Param(Location::Path) => (
                codes::INVALID_IDENTIFIER,
                format!(
                    "Could not route to {path}, perhaps your object identifier is invalid? {}: {}",
                    violation.pointer, violation.message
                ),
            ),
            Part::Param(Location::Query) => (codes::INVALID_QUERY, describe(&violation)),
            Part::Param(Location::Header | Location::Cookie) => {
                (codes::INVALID_HEADER, describe(&violation))
            }
            Part::Body => (codes::INVALID_REQUEST_BODY, describe(&violation)),
        };
        failure = Some(
            match failure {
                None => Failure::new(StatusCode::BAD_REQUEST, code, message),
                Some(failure) => failure.and(code, message),
            }
            .pointer(&violation.pointer),
        );
        seen.push(violation);
    }
    failure.unwrap_or_else(|| {
        Failure::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_REQUEST_BODY,
            "Invalid request",
        )
    })
}

fn describe(violation: &Violation) -> String {
    format!("{}: {}", violation.pointer, violation.message)
}

/// The checks of every declared parameter: present if required, of its schema.
fn parameters(
    spec: &Spec,
    validator: Validator<'_>,
    op: &Operation,
    parts: &Parts,
    values: &[String],
) -> Vec<(Part, Violation)> {
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let cookies: Vec<(String, String)> = parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .flat_map(|value| {
            String::from_utf8_lossy(value.as_bytes())
                .split(';')
                .filter_map(|pair| pair.split_once('='))
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut problems = Vec::new();
    for param in &op.parameters {
        let raw: Vec<String> = match param.location {
            Location::Path => op
                .template
                .params()
                .position(|name| name == param.name)
                .and_then(|i| values.get(i).cloned())
                .into_iter()
                .collect(),
            Location::Query => pairs(&query, &param.name),
            Location::Cookie => pairs(&cookies, &param.name),
            Location::Header => {
                // OpenAPI: these three are described elsewhere, never as parameters.
                let ignored = ["accept", "content-type", "authorization"];
                if ignored.contains(&param.name.to_ascii_lowercase().as_str()) {
                    continue;
                }
                match HeaderName::from_bytes(param.name.as_bytes()) {
                    Ok(name) => parts
                        .headers
                        .get_all(name)
                        .iter()
                        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                        .collect(),
                    Err(_) => Vec::new(),
                }
            }
        };
        let pointer = format!("/{}/{}", param.location.part(), escape(&param.name));
        if raw.is_empty() {
            if param.required {
                let what = match param.location {
                    Location::Header => "the header is required",
                    Location::Cookie => "the cookie is required",
                    _ => "the parameter is required",
                };
                problems.push((Part::Param(param.location), violation(&pointer, what)));
            }
            continue;
        }
        let Some(schema) = param.schema.as_ref().map(|s| s.node()) else {
            continue;
        };
        match read_text(&spec.files, schema, &raw, param.explode) {
            Ok(value) => problems.extend(
                validator
                    .check(schema, &value, &pointer)
                    .into_iter()
                    .map(|v| (Part::Param(param.location), v)),
            ),
            Err(message) => {
                problems.push((Part::Param(param.location), violation(&pointer, &message)));
            }
        }
    }
    problems
}

fn pairs(all: &[(String, String)], name: &str) -> Vec<String> {
    all.iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.clone())
        .collect()
}

fn violation(pointer: &str, message: &str) -> Violation {
    Violation {
        pointer: pointer.to_owned(),
        message: message.to_owned(),
    }
}

/// Text values (a query parameter given once or more, a header, a form field) read as the
/// schema's type: `7` as an integer, `true` as a boolean, `a,b` or repeats as an array.
fn read_text(
    files: &Files,
    schema: Node<'_>,
    raw: &[String],
    explode: bool,
) -> Result<Value, String> {
    let flat = files.flatten(&[schema]);
    match files.declared_type(&flat) {
        Some("array") => {
            let texts: Vec<&str> = if raw.len() > 1 || explode {
                raw.iter().map(String::as_str).collect()
            } else {
                raw[0].split(',').collect()
            };
            let items = files.flatten(&files.items(&flat));
            let item_type = files.declared_type(&items);
            texts
                .into_iter()
                .map(|text| scalar(item_type, text))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array)
        }
        kind => match raw {
            [one] => scalar(kind, one),
            _ => Err(format!("given {} times; one value is expected", raw.len())),
        },
    }
}

fn scalar(kind: Option<&str>, text: &str) -> Result<Value, String> {
    let refuse = |what: &str| Err(format!("{text:?} is not {what}"));
    match kind {
        Some("integer") => match (text.parse::<i64>(), text.parse::<u64>()) {
            (Ok(n), _) => Ok(json!(n)),
            (_, Ok(n)) => Ok(json!(n)),
            _ => refuse("an integer"),
        },
        Some("number") => match (text.parse::<i64>(), text.parse::<f64>()) {
            (Ok(n), _) => Ok(json!(n)),
            (_, Ok(x)) if x.is_finite() => Ok(json!(x)),
            _ => refuse("a number"),
        },
        Some("boolean") => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => refuse("true or false"),
        },
        // An object in a form field or parameter is JSON.
        Some("object") => serde_json::from_str::<Value>(text)
            .ok()
            .filter(Value::is_object)
            .map_or_else(|| refuse("a JSON object"), Ok),
        _ => Ok(Value::String(text.to_owned())),
    }
}

enum BodyError {
    /// The body is missing, unreadable or not of its schema.
    Invalid(Violation),
    /// A content type the operation does not take (415).
    Unsupported(Failure),
}

/// The body as a value, with the schema to check it against; `None` when there is none (or
/// the operation takes none: a body it does not describe is ignored).
fn read_body<'a>(
    spec: &'a Spec,
    op: &'a Operation,
    parts: &Parts,
    bytes: Bytes,
) -> Result<Option<(Value, Option<Node<'a>>)>, BodyError> {
    let Some(declared) = &op.body else {
        return Ok(None);
    };
    if bytes.is_empty() {
        if declared.required {
            return Err(BodyError::Invalid(violation(
                "/body",
                "a request body is required",
            )));
        }
        return Ok(None);
    }
    let sent = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| essence(value).to_owned());
    let chosen = match &sent {
        Some(sent) => declared
            .content
            .iter()
            .find(|(media_type, _)| essence(media_type) == sent)
            .or_else(|| {
                let family = format!("{}/*", sent.split('/').next().unwrap_or_default());
                declared
                    .content
                    .iter()
                    .find(|(media_type, _)| essence(media_type) == family)
            })
            .or_else(|| declared.content.iter().find(|(m, _)| essence(m) == "*/*")),
        // No Content-Type: read it as the operation's JSON (or first) media type.
        None => declared
            .content
            .iter()
            .find(|(m, _)| is_json(m))
            .or_else(|| declared.content.first()),
    };
    let Some((media_type, schema)) = chosen else {
        let accepted: Vec<&str> = declared.content.iter().map(|(m, _)| m.as_str()).collect();
        return Err(BodyError::Unsupported(
            Failure::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                codes::INVALID_REQUEST_BODY,
                format!(
                    "Content-Type {} is not accepted here; send {}",
                    sent.as_deref().unwrap_or_default(),
                    accepted.join(" or ")
                ),
            )
            .pointer("/headers/Content-Type"),
        ));
    };
    let schema = schema.as_ref().map(|s| s.node());
    let format = sent.as_deref().unwrap_or(media_type.as_str());
    let value = if is_json(format) || essence(format) == "*/*" {
        serde_json::from_slice::<Value>(&bytes)
            .map_err(|e| BodyError::Invalid(violation("/body", &format!("not valid JSON: {e}"))))?
    } else if essence(format) == "multipart/form-data" {
        let fields = multipart_fields(parts, &bytes)?;
        form_object(&spec.files, schema, fields)?
    } else if essence(format) == "application/x-www-form-urlencoded" {
        let fields = form_urlencoded::parse(&bytes).into_owned().collect();
        form_object(&spec.files, schema, fields)?
    } else if essence(format).starts_with("text/") {
        Value::String(String::from_utf8_lossy(&bytes).into_owned())
    } else {
        // Bytes (an upload): nothing to check them against.
        return Ok(None);
    };
    Ok(Some((value, schema)))
}

/// A media type without parameters, lower case.
fn essence(media_type: &str) -> &str {
    media_type.split(';').next().unwrap_or_default().trim()
}

fn multipart_fields(parts: &Parts, bytes: &[u8]) -> Result<Vec<(String, String)>, BodyError> {
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .unwrap_or_default();
    let fields = crate::multipart::fields(&content_type, bytes).map_err(|e| {
        BodyError::Invalid(violation(
            "/body",
            &format!("not a readable multipart form: {e}"),
        ))
    })?;
    Ok(fields
        .into_iter()
        .map(|(name, data)| (name, String::from_utf8_lossy(&data).into_owned()))
        .collect())
}

/// Form fields as an object, each read as its property's type; repeated fields are arrays.
fn form_object(
    files: &Files,
    schema: Option<Node<'_>>,
    fields: Vec<(String, String)>,
) -> Result<Value, BodyError> {
    let flat = schema.map(|s| files.flatten(&[s])).unwrap_or_default();
    let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
    for (name, value) in fields {
        match grouped.iter_mut().find(|(n, _)| *n == name) {
            Some((_, values)) => values.push(value),
            None => grouped.push((name, vec![value])),
        }
    }
    let mut object = Map::new();
    for (name, raw) in grouped {
        let property = files.property(&flat, &name);
        let value = match property.first() {
            Some(first) if property.len() == 1 => read_text(files, *first, &raw, true),
            _ if raw.len() == 1 => Ok(Value::String(raw[0].clone())),
            _ => Ok(Value::Array(raw.into_iter().map(Value::String).collect())),
        }
        .map_err(|message| {
            let pointer = format!("/body/{}", escape(&name));
            BodyError::Invalid(violation(&pointer, &message))
        })?;
        object.insert(name, value);
    }
    Ok(Value::Object(object))
}

// ---------------------------------------------------------------------------------------------
// Access and state
// ---------------------------------------------------------------------------------------------

/// 403 when the path names an account the credentials do not reach.
fn account_refused(shared: &Shared, op: &Operation, values: &[String]) -> Option<Failure> {
    let (name, account) = op
        .template
        .params()
        .zip(values)
        .find(|(name, _)| ACCOUNT_PARAMS.contains(name))?;
    if shared.store().has_account(account) {
        return None;
    }
    Some(
        Failure::new(
            StatusCode::FORBIDDEN,
            codes::AUTHENTICATION_ERROR,
            "Authentication error",
        )
        .pointer(&format!("/path/{name}")),
    )
}

/// The response: the spec's, with what collections hold.
fn respond(
    shared: &Shared,
    spec: &Spec,
    index: usize,
    values: &[String],
    body: Option<&Value>,
) -> Response {
    let op = &spec.operations[index];
    let synthesizer = Synthesizer::new(&spec.files, &spec.patterns);
    let mut reply = default_reply(spec, op, &synthesizer);
    let mut items = shared.items();
    for collection in spec.collections.parents(&op.template) {
        let n = spec.collections.list[collection].scope_len();
        if values.len() > n && !items.contains(collection, &values[..n], &values[n]) {
            return item_not_found(spec, collection, values);
        }
    }
    let role = spec.collections.role(index);
    if role.is_none()
        && let Some(deleted) = items.deleted(&op.template, values)
    {
        // A PUT or POST to the very path creates it again; anything else finds it gone.
        let recreates = matches!(op.method, Method::PUT | Method::POST)
            && deleted.shape() == op.template.shape();
        if !recreates {
            return gone(&deleted, values);
        }
        items.undelete(&op.template, values);
    }
    let envelope = op.envelope(&spec.files);
    let result = match &mut reply.body {
        Payload::Json(document) if envelope => document.get_mut("result"),
        Payload::Json(document) => Some(document),
        _ => None,
    };
    match (role, result) {
        (Some((collection, role)), result) => {
            let tracked = Tracked {
                spec,
                synthesizer: &synthesizer,
                op,
                collection,
                values,
            };
            if let Some(created) = tracked.apply(&mut items, role, result, body) {
                reply.headers.push(("Location".into(), created));
            }
        }
        (None, Some(result)) => identify(spec, op, values, result, &mut items),
        (None, None) => {}
    }
    if role.is_none() && op.method == Method::DELETE {
        items.delete(&op.template, values);
    }
    drop(items);
    reply.into_response()
}

fn item_not_found(spec: &Spec, collection: usize, values: &[String]) -> Response {
    let item = &spec.collections.list[collection].item;
    let name = item.params().last().unwrap_or_default();
    let value = values
        .get(item.params().count() - 1)
        .map_or("", String::as_str);
    Failure::new(
        StatusCode::NOT_FOUND,
        codes::ITEM_NOT_FOUND,
        format!("Nothing was created with {name} {value:?}, or it was deleted."),
    )
    .pointer(&format!("/path/{}", escape(name)))
    .into_response()
}

/// The identifier in a result object (its property named as the path's last parameter, or
/// `uid`, `id`, `identifier`): on an item path (`.../{identifier}`) the one asked for; from a
/// `POST` to a path ending in a word (`/copy`, `/direct_upload`), a fresh one, as a creation
/// gets. Only when it fits the property's schema.
fn identify(spec: &Spec, op: &Operation, values: &[String], result: &mut Value, items: &mut Items) {
    let Value::Object(object) = result else {
        return;
    };
    let (param, value) = match op.template.segments.last() {
        Some(Segment::Param { name, .. }) => (Some(name.as_str()), values.last().cloned()),
        Some(Segment::Literal(_)) if op.method == Method::POST => (None, None),
        _ => return,
    };
    let Some(schemas) = op.result(&spec.files) else {
        return;
    };
    let flat = spec.files.flatten(&schemas);
    let names = spec.files.property_names(&flat);
    let Some(field) = [param.unwrap_or("uid"), "uid", "id", "identifier"]
        .into_iter()
        .find(|field| names.contains(field))
    else {
        return;
    };
    let property = spec.files.property(&flat, field);
    let value = match value {
        Some(value) => Value::String(value),
        None => items.fresh_id(&spec.files, &property),
    };
    let validator = Validator::new(&spec.files, &spec.patterns, Direction::Response);
    if validator.valid(&property, &value) {
        object.insert(field.to_owned(), value);
    }
}

/// `template` with its parameters replaced by `values`, each percent-encoded as one segment.
fn fill(template: &Template, values: &[String]) -> String {
    const SEGMENT: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'/')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}');
    let mut path = String::new();
    let mut given = values.iter();
    for segment in &template.segments {
        path.push('/');
        match segment {
            Segment::Literal(text) => path.push_str(text),
            Segment::Param { prefix, suffix, .. } => {
                path.push_str(prefix);
                let value = given.next().map_or("", String::as_str);
                path.extend(utf8_percent_encode(value, SEGMENT));
                path.push_str(suffix);
            }
        }
    }
    path
}

/// 404 for a path at or below one that was deleted.
fn gone(deleted: &Template, values: &[String]) -> Response {
    let path = fill(deleted, values);
    let failure = Failure::new(
        StatusCode::NOT_FOUND,
        codes::ITEM_NOT_FOUND,
        format!("{path} was deleted."),
    );
    match deleted.segments.last() {
        Some(Segment::Param { name, .. }) => failure.pointer(&format!("/path/{}", escape(name))),
        _ => failure,
    }
    .into_response()
}

/// What one request does to a collection's items.
struct Tracked<'a> {
    spec: &'a Spec,
    synthesizer: &'a Synthesizer<'a>,
    op: &'a Operation,
    collection: usize,
    values: &'a [String],
}

impl Tracked<'_> {
    /// Applies the request, and shows its effect in `result` (the response's, when it has a
    /// JSON one); for a creation, the path of the new item (for `Location`).
    fn apply(
        &self,
        items: &mut Items,
        role: Role,
        result: Option<&mut Value>,
        body: Option<&Value>,
    ) -> Option<String> {
        let mut none = Value::Null;
        let result = result.unwrap_or(&mut none);
        let collection = &self.spec.collections.list[self.collection];
        let n = collection.scope_len();
        let scope = self.values[..n.min(self.values.len())].to_vec();
        let schemas = self.op.result(&self.spec.files).unwrap_or_default();
        match role {
            Role::Create => {
                let mut item = match result.take() {
                    Value::Object(map) => map,
                    _ => Map::new(),
                };
                if let Some(body) = body {
                    self.overlay(&schemas, &mut item, body, &collection.id_field);
                }
                let flat = self.spec.files.flatten(&schemas);
                let id_schemas = self.spec.files.property(&flat, &collection.id_field);
                let id_value = items.fresh_id(&self.spec.files, &id_schemas);
                let id = match &id_value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                item.insert(collection.id_field.clone(), id_value);
                let item = Value::Object(item);
                *result = self.present(&schemas, &item);
                items.insert(self.collection, scope, id.clone(), item);
                let mut values = self.values[..n.min(self.values.len())].to_vec();
                values.push(id);
                return Some(format!("{BASE}{}", fill(&collection.item, &values)));
            }
            Role::List => {
                let flat = self.spec.files.flatten(&schemas);
                let item_schemas = match &collection.list_field {
                    None => self.spec.files.items(&flat),
                    Some(field) => {
                        let list = self.spec.files.property(&flat, field);
                        self.spec.files.items(&self.spec.files.flatten(&list))
                    }
                };
                let listed: Vec<Value> = items
                    .list(self.collection, &scope)
                    .into_iter()
                    .map(|item| self.present(&item_schemas, item))
                    .collect();
                match &collection.list_field {
                    None => *result = Value::Array(listed),
                    Some(field) => {
                        // `{liveInputs: [...], total}`: the total is what is listed.
                        if let Some(total) = result.get_mut("total").filter(|t| t.is_number()) {
                            *total = json!(listed.len());
                        }
                        if let Some(target) = result.get_mut(field.as_str()) {
                            *target = Value::Array(listed);
                        }
                    }
                }
            }
            Role::Get | Role::Update => {
                let id = self.values.get(n).cloned().unwrap_or_default();
                if let Some(stored) = items.get_mut(self.collection, &scope, &id) {
                    if role == Role::Update
                        && let (Some(body), Value::Object(map)) = (body, &mut *stored)
                    {
                        self.overlay(&schemas, map, body, &collection.id_field);
                    }
                    *result = self.present(&schemas, stored);
                }
            }
            Role::Delete => {
                let id = self.values.get(n).cloned().unwrap_or_default();
                items.remove(self.collection, &scope, &id);
            }
        }
        None
    }

    /// Copies the fields of a request body that the result declares, and that fit it.
    fn overlay(&self, schemas: &[Node<'_>], item: &mut Map<String, Value>, body: &Value, id: &str) {
        let Value::Object(fields) = body else { return };
        let files = &self.spec.files;
        let flat = files.flatten(schemas);
        let validator = Validator::new(files, &self.spec.patterns, Direction::Response);
        for (name, value) in fields {
            let property = files.property(&flat, name);
            if name != id && !property.is_empty() && validator.valid(&property, value) {
                item.insert(name.clone(), value.clone());
            }
        }
    }

    /// A stored item as `schemas` show it: their properties, from the item where it has a
    /// fitting value, written from the schema otherwise.
    fn present(&self, schemas: &[Node<'_>], item: &Value) -> Value {
        let files = &self.spec.files;
        let flat = files.flatten(schemas);
        let names = files.property_names(&flat);
        let Value::Object(stored) = item else {
            return item.clone();
        };
        if names.is_empty() {
            return item.clone();
        }
        let mut shown = match self.synthesizer.value(schemas, "") {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let validator = Validator::new(files, &self.spec.patterns, Direction::Response);
        for (name, value) in stored {
            let property = files.property(&flat, name);
            if !property.is_empty() && validator.valid(&property, value) {
                shown.insert(name.clone(), value.clone());
            }
        }
        Value::Object(shown)
    }
}

// ---------------------------------------------------------------------------------------------
// Writing the response
// ---------------------------------------------------------------------------------------------

enum Payload {
    Json(Value),
    Bytes(Vec<u8>),
    Empty,
}

struct Reply {
    status: StatusCode,
    content_type: Option<String>,
    headers: Vec<(String, String)>,
    body: Payload,
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let bytes = match self.body {
            Payload::Json(value) => serde_json::to_vec(&value).unwrap_or_default(),
            Payload::Bytes(bytes) => bytes,
            Payload::Empty => Vec::new(),
        };
        let mut response = (self.status, bytes).into_response();
        let headers = response.headers_mut();
        headers.remove(header::CONTENT_TYPE);
        if let Some(value) = self
            .content_type
            .and_then(|t| HeaderValue::from_str(&t).ok())
        {
            headers.insert(header::CONTENT_TYPE, value);
        }
        for (name, value) in self.headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                headers.insert(name, value);
            }
        }
        response
    }
}

/// The operation's first 2xx response, from its example or its schema.
fn default_reply(spec: &Spec, op: &Operation, synthesizer: &Synthesizer<'_>) -> Reply {
    let Some(success) = &op.success else {
        // No 2xx response in the spec: an empty success envelope.
        return Reply {
            status: StatusCode::OK,
            content_type: Some("application/json".into()),
            headers: Vec::new(),
            body: Payload::Json(empty_envelope()),
        };
    };
    let status = StatusCode::from_u16(success.status).unwrap_or(StatusCode::OK);
    let headers = success
        .headers
        .iter()
        .map(|(name, schema)| {
            let value = match synthesizer.value(&[schema.node()], name) {
                Value::String(text) => text,
                other => other.to_string(),
            };
            (name.clone(), value)
        })
        .collect();
    let bodiless = matches!(status.as_u16(), 204 | 205 | 304);
    let (content_type, body) = match &success.media {
        _ if bodiless => (None, Payload::Empty),
        None => (None, Payload::Empty),
        Some(media) if is_json(&media.media_type) || media.media_type.contains('*') => {
            let content_type = if media.media_type.contains('*') {
                "application/json".to_owned()
            } else {
                media.media_type.clone()
            };
            (
                Some(content_type),
                Payload::Json(json_body(spec, media, synthesizer)),
            )
        }
        Some(media) => {
            let schema_example = media
                .schema
                .as_ref()
                .and_then(|s| spec.files.deref(s.node()).get("example"));
            let example = media.example.as_ref().or(schema_example);
            (
                Some(media.media_type.clone()),
                Payload::Bytes(plausible(&media.media_type, example)),
            )
        }
    };
    Reply {
        status,
        content_type,
        headers,
        body,
    }
}

fn empty_envelope() -> Value {
    json!({"success": true, "errors": [], "messages": [], "result": null})
}

/// A JSON body: the media example if it fits, else one written from the schema (an
/// envelope reports success), else the empty success envelope.
fn json_body(spec: &Spec, media: &crate::spec::Media, synthesizer: &Synthesizer<'_>) -> Value {
    let Some(schema) = &media.schema else {
        return media.example.clone().unwrap_or_else(empty_envelope);
    };
    let node = schema.node();
    if let Some(example) = &media.example {
        let validator = Validator::new(&spec.files, &spec.patterns, Direction::Response);
        if validator.valid(&[node], example) {
            return example.clone();
        }
    }
    let mut value = synthesizer.value(&[node], "");
    if spec.files.is_envelope(node)
        && let Value::Object(envelope) = &mut value
    {
        envelope.insert("success".into(), Value::Bool(true));
        envelope.insert("errors".into(), json!([]));
        envelope.insert("messages".into(), json!([]));
    }
    value
}

/// A body of a non-JSON media type: the spec's example when it is text (a WebVTT one must
/// start with `WEBVTT`), otherwise a small sample of that type.
fn plausible(media_type: &str, example: Option<&Value>) -> Vec<u8> {
    let essence = essence(media_type).to_ascii_lowercase();
    if let Some(Value::String(text)) = example
        && (essence != "text/vtt" || text.starts_with("WEBVTT"))
    {
        return text.clone().into_bytes();
    }
    let sample: &[u8] = match essence.as_str() {
        "text/vtt" => b"WEBVTT\n\n00:00:00.000 --> 00:00:02.480\nThis is an example caption.\n",
        "text/html" => b"<!DOCTYPE html>\n<html><body><p>Example</p></body></html>\n",
        "text/csv" => b"id,name\n1,example\n",
        "application/xml" | "text/xml" => b"<?xml version=\"1.0\"?>\n<example/>\n",
        "application/x-mpegurl" | "application/vnd.apple.mpegurl" => b"#EXTM3U\n#EXT-X-ENDLIST\n",
        "image/png" => PNG,
        other if other.starts_with("text/") => b"example\n",
        _ => b"emulator",
    };
    sample.to_vec()
}

/// A 1 x 1 transparent PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

//! Answering from a spec folder (`--spec DIR`): every route the downloads handlers do not take.
//!
//! A request is routed to an operation of the spec (404 `7000` / 405 `7001` with `Allow`
//! otherwise), checked against it, then answered with the operation's first 2xx response:
//! its example, or a value written from its schema (inside the envelope when the schema is
//! the envelope). Collections remember what was created (see `spec::collections`); outside
//! them, a `DELETE` makes its path, and what is below it, 404 until a `PUT` or `POST` to that
//! path makes it again.
//!
//! Refusals are failure envelopes with one error per problem (at most 16), each with
//! `source.pointer`: the part of the request (`/path`, `/query`, `/headers`, `/cookies`,
//! `/body`) then the parameter name or the JSON pointer inside the body, e.g. `/body/meta/name`,
//! `/query/limit`, `/headers/Upload-Length`, `/path/identifier`. Then, in order: the account
//! must be one the credentials reach (403), and the items of tracked collections on the path
//! must exist (404).
//!
//! - `request`: reading and checking parameters and bodies (JSON, forms);
//! - `reply`: the response an operation's spec describes, from its example or its schema;
//! - `tracked`: what a request does to the items of a collection.

mod reply;
mod request;
mod tracked;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::Value;

use crate::api::{Failure, Shared, codes};
use crate::spec::collections::Items;
use crate::spec::synth::Synthesizer;
use crate::spec::validate::{Direction, Validator, escape};
use crate::spec::{Operation, Routed, Segment, Spec, Template};
use reply::{Payload, default_reply};
use request::{check, check_parameters};
use tracked::Tracked;

/// The API's base path: spec paths are relative to it.
const BASE: &str = "/client/v4";
/// Path parameters that name the account: it must be one the credentials reach.
const ACCOUNT_PARAMS: [&str; 2] = ["account_id", "account_identifier"];

/// The fallback handler: answers from the spec, or 404 without one.
pub(crate) async fn serve(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    // A basic upload shares its path with tus creation; its form is not the spec's.
    if let Some(account) = crate::stream::basic::account_of(&request) {
        return crate::stream::basic::upload(shared.clone(), account, request).await;
    }
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
    let mut allow = downloads_methods(request.uri().path());
    if let Some(spec) = &shared.spec {
        let path = request.uri().path();
        let relative = path.strip_prefix(BASE).unwrap_or(path);
        match spec.route(request.method(), relative) {
            Routed::Found { .. } => return answer(&shared, spec, request).await,
            // The methods the spec adds to the path are allowed too.
            Routed::NoMethod { allow: added } => {
                allow.extend(added);
                allow.sort_by(|a, b| a.as_str().cmp(b.as_str()));
                allow.dedup();
            }
            Routed::NoPath => {}
        }
    }
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
    let bytes = match crate::api::body_bytes(body).await {
        Ok(bytes) => bytes,
        Err(failure) => return failure.into_response(),
    };
    // A watermark sent as JSON: the service takes it, the spec describes only the form.
    let read = match crate::stream::watermarks::json_body(spec, op, &parts, &bytes) {
        Some(read) => read.and_then(|body| {
            check_parameters(spec, op, &parts, &values)?;
            Ok(Some(body))
        }),
        None => check(spec, op, &parts, &values, bytes),
    };
    let body = match read {
        Ok(body) => body,
        Err(failure) => return failure.into_response(),
    };
    if let Some(failure) = account_refused(shared, op, &values) {
        return failure.into_response();
    }
    // The resources Cloudflare keeps state for have their own handlers.
    let call = crate::stream::Call {
        shared,
        spec,
        op,
        parts: &parts,
        values: &values,
        body: body.as_ref(),
    };
    if let Some(response) = crate::stream::handle(&call) {
        return response;
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

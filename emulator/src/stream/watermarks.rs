//! `POST /stream/watermarks` sent as JSON (`{url, name, opacity, padding, position, scale}`):
//! Cloudflare's schema describes only the form upload of a file, but the service also takes
//! a URL to download the image from, and Cloudflare's SDKs send exactly that JSON. The body
//! is checked against the form's schema (with `url` standing for `file`); the watermark is
//! then created by the spec's collection, as a form upload is, `downloadedFrom` the URL.

use axum::body::Bytes;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use serde_json::Value;

use crate::api::{Failure, codes};
use crate::spec::validate::{Direction, Validator};
use crate::spec::{Operation, Spec, is_json};

/// The JSON body of a watermark creation, checked; `None` when the request is not one (or
/// the spec takes JSON there itself).
pub(crate) fn json_body(
    spec: &Spec,
    op: &Operation,
    parts: &Parts,
    bytes: &Bytes,
) -> Option<Result<Value, Failure>> {
    let sent_json = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(is_json);
    let declared = op.body.as_ref()?;
    let takes_json = declared.content.iter().any(|(media, _)| is_json(media));
    let watermarks =
        op.method == Method::POST && op.template.shape() == "/accounts/{}/stream/watermarks";
    if !watermarks || !sent_json || takes_json {
        return None;
    }
    let (_, schema) = declared.content.first()?;
    Some(check(spec, schema.as_ref().map(|s| s.node()), bytes))
}

fn check(
    spec: &Spec,
    schema: Option<crate::spec::schema::Node<'_>>,
    bytes: &Bytes,
) -> Result<Value, Failure> {
    let refuse = |pointer: &str, message: &str| {
        Failure::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_REQUEST_BODY,
            format!("{pointer}: {message}"),
        )
        .pointer(pointer)
    };
    let mut body = match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(body)) => body,
        Ok(_) => return Err(refuse("/body", "must be a JSON object")),
        Err(error) => return Err(refuse("/body", &format!("not valid JSON: {error}"))),
    };
    let url = match body.get("url") {
        Some(Value::String(url)) if url.starts_with("http://") || url.starts_with("https://") => {
            url.clone()
        }
        Some(_) => return Err(refuse("/body/url", "must be an http or https URL")),
        None => {
            return Err(refuse(
                "/body/url",
                "is required (or upload a `file` as a form)",
            ));
        }
    };
    let value = Value::Object(body.clone());
    if let Some(schema) = schema {
        let validator = Validator::new(&spec.files, &spec.patterns, Direction::Request);
        let mut failure: Option<Failure> = None;
        // `url` replaces the form's required `file`.
        for violation in validator
            .check(schema, &value, "/body")
            .into_iter()
            .filter(|violation| violation.pointer != "/body/file")
        {
            let message = format!("{}: {}", violation.pointer, violation.message);
            failure = Some(
                match failure {
                    None => Failure::new(
                        StatusCode::BAD_REQUEST,
                        codes::INVALID_REQUEST_BODY,
                        message,
                    ),
                    Some(failure) => failure.and(codes::INVALID_REQUEST_BODY, message),
                }
                .pointer(&violation.pointer),
            );
        }
        if let Some(failure) = failure {
            return Err(failure);
        }
    }
    body.insert("downloadedFrom".into(), Value::String(url));
    Ok(Value::Object(body))
}

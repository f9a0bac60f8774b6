//! Writing a hand-written handler's answer as the served operation describes its response:
//! its status, media type and envelope. The handlers write the API as Cloudflare answers it
//! today; a spec folder may be older (Cloudflare's 2024 schema types a clip's `status` as a
//! string, lists audio tracks as a bare array...), so members the operation's schema refuses
//! are left out rather than answered against the spec. An answer that cannot be made to fit
//! is not written at all: the operation is then answered from the spec, as without handlers.

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::spec::schema::Node;
use crate::spec::validate::{Direction, Validator};
use crate::spec::{Operation, Spec, is_json};

/// What a handler answers, before it is fitted to the operation's response.
#[derive(Debug, Default)]
pub(crate) struct Answer {
    /// Overrides the operation's first 2xx status.
    status: Option<StatusCode>,
    headers: Vec<(HeaderName, String)>,
    body: Out,
    /// Members of the envelope beside `result` (`total`, `range`).
    beside: Map<String, Value>,
}

#[derive(Debug, Default)]
enum Out {
    /// The envelope's `result` (or the whole JSON body when the response is no envelope).
    Result(Value),
    /// Text, for `text/html` or `text/vtt` responses.
    Text(String),
    #[default]
    Nothing,
}

impl Answer {
    pub(crate) fn result(result: Value) -> Self {
        Self {
            body: Out::Result(result),
            ..Self::default()
        }
    }

    pub(crate) fn text(text: String) -> Self {
        Self {
            body: Out::Text(text),
            ..Self::default()
        }
    }

    /// No body, as a tus creation answers.
    pub(crate) fn nothing() -> Self {
        Self::default()
    }

    /// `"ok"`, as deletes answer.
    pub(crate) fn ok() -> Self {
        Self::result(json!("ok"))
    }

    pub(crate) fn status(mut self, status: StatusCode) -> Self {
        self.status = Some(status);
        self
    }

    pub(crate) fn header(mut self, name: HeaderName, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Adds a member to the envelope beside `result`.
    pub(crate) fn beside(mut self, name: &str, value: Value) -> Self {
        self.beside.insert(name.to_owned(), value);
        self
    }

    /// The response, fitted to `op`'s; `None` when it cannot be made to fit.
    pub(crate) fn write(self, spec: &Spec, op: &Operation) -> Option<Response> {
        let success = op.success.as_ref();
        let status = self
            .status
            .or_else(|| success.and_then(|s| StatusCode::from_u16(s.status).ok()))
            .unwrap_or(StatusCode::OK);
        let media = success.and_then(|s| s.media.as_ref());
        let bodiless = matches!(status.as_u16(), 204 | 205 | 304);
        let (content_type, bytes) = match media {
            _ if bodiless => (None, Vec::new()),
            None => (None, Vec::new()),
            Some(media) if is_json(&media.media_type) || media.media_type.contains('*') => {
                let value = match self.body {
                    Out::Result(value) => value,
                    Out::Text(text) => Value::String(text),
                    Out::Nothing => Value::Null,
                };
                let schema = media.schema.as_ref().map(|s| s.node());
                let body = match schema {
                    Some(schema) if spec.files.is_envelope(schema) => {
                        let schemas = op.result(&spec.files).unwrap_or_default();
                        let mut envelope = json!({
                            "success": true, "errors": [], "messages": [],
                            "result": fit(spec, &schemas, value)?,
                        });
                        if let Value::Object(members) = &mut envelope {
                            members.extend(self.beside);
                        }
                        envelope
                    }
                    Some(schema) => fit(spec, &[schema], value)?,
                    // JSON without a schema: the envelope, as every Cloudflare reply is.
                    None => json!({"success": true, "errors": [], "messages": [], "result": value}),
                };
                (
                    Some("application/json".to_owned()),
                    body.to_string().into_bytes(),
                )
            }
            Some(media) => {
                let text = match self.body {
                    Out::Text(text) => text,
                    Out::Result(Value::String(text)) => text,
                    Out::Result(value) => value.to_string(),
                    Out::Nothing => String::new(),
                };
                (Some(media.media_type.clone()), text.into_bytes())
            }
        };
        let mut response = (status, bytes).into_response();
        let headers = response.headers_mut();
        headers.remove(header::CONTENT_TYPE);
        if let Some(value) = content_type.and_then(|t| HeaderValue::from_str(&t).ok()) {
            headers.insert(header::CONTENT_TYPE, value);
        }
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
        Some(response)
    }
}

/// `value` with every member the schemas refuse left out (of the object, or of each item of
/// the array); `None` if it still does not fit.
fn fit(spec: &Spec, schemas: &[Node<'_>], mut value: Value) -> Option<Value> {
    if schemas.is_empty() {
        return Some(value);
    }
    let validator = Validator::new(&spec.files, &spec.patterns, Direction::Response);
    // Each round leaves out at least one member, so this ends; the bound is for safety.
    for _ in 0..64 {
        let violations: Vec<String> = schemas
            .iter()
            .flat_map(|schema| validator.check(*schema, &value, ""))
            .map(|violation| violation.pointer)
            .collect();
        let Some(pointer) = violations.first() else {
            return Some(value);
        };
        if !leave_out(&mut value, pointer) {
            return None;
        }
    }
    None
}

/// Removes the member `pointer` names (`/status`, or `/0/status` in an array); whether one was.
fn leave_out(value: &mut Value, pointer: &str) -> bool {
    let mut segments = pointer.split('/').skip(1).map(unescape);
    match value {
        Value::Object(members) => segments
            .next()
            .is_some_and(|name| members.remove(&name).is_some()),
        Value::Array(items) => {
            let item = segments
                .next()
                .and_then(|index| index.parse::<usize>().ok())
                .and_then(|index| items.get_mut(index));
            match (item, segments.next()) {
                (Some(Value::Object(members)), Some(name)) => members.remove(&name).is_some(),
                _ => false,
            }
        }
        _ => false,
    }
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_left_out_by_pointer() {
        let mut object = json!({"a": 1, "b/c": 2});
        assert!(leave_out(&mut object, "/b~1c"));
        assert_eq!(object, json!({"a": 1}));
        assert!(!leave_out(&mut object, "/zzz"));
        assert!(!leave_out(&mut object, ""));
        let mut list = json!([{"a": 1}, {"a": 2, "b": 3}]);
        assert!(leave_out(&mut list, "/1/b/x"));
        assert_eq!(list, json!([{"a": 1}, {"a": 2}]));
        assert!(!leave_out(&mut list, "/0"));
    }
}

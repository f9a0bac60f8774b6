//! Reading a request as its operation describes it, and checking it: path, query, header and
//! cookie parameters read as their schemas' types, the body as JSON, a form or text, then
//! everything checked against the schemas, each problem with its code and pointer.

use axum::body::Bytes;
use axum::http::request::Parts;
use axum::http::{HeaderName, StatusCode, header};
use serde_json::{Map, Value, json};

use crate::api::{Failure, codes};
use crate::spec::schema::Node;
use crate::spec::validate::{Direction, Validator, Violation, escape};
use crate::spec::{Files, Location, Operation, Spec, is_json};

/// The part of a request a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Param(Location),
    Body,
}

/// Checks parameters and body; the body as read (JSON, or form fields as an object).
pub(super) fn check(
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

/// Checks the parameters alone, for a body read elsewhere.
pub(super) fn check_parameters(
    spec: &Spec,
    op: &Operation,
    parts: &Parts,
    values: &[String],
) -> Result<(), Failure> {
    let validator = Validator::new(&spec.files, &spec.patterns, Direction::Request);
    let problems = parameters(spec, validator, op, parts, values);
    if problems.is_empty() {
        return Ok(());
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
        Some("integer") => {
            let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return refuse("an integer");
            }
            match (
                text.parse::<i64>(),
                text.parse::<u64>(),
                text.parse::<f64>(),
            ) {
                (Ok(n), _, _) => Ok(json!(n)),
                (_, Ok(n), _) => Ok(json!(n)),
                // Larger than 64 bits: JSON Schema sets no bound, so keep its magnitude.
                (_, _, Ok(x)) if x.is_finite() => Ok(json!(x)),
                _ => refuse("an integer"),
            }
        }
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
pub(super) fn essence(media_type: &str) -> &str {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_number_a_double_holds_is_read_from_a_body() {
        // The largest double written as an integer, as a client may send a whole `number`.
        let text = format!("{{\"n\": {:.0}}}", f64::MAX);
        let value: Value = serde_json::from_str(&text).expect("read");
        assert_eq!(value["n"].as_f64(), Some(f64::MAX));
    }

    #[test]
    fn text_is_read_as_the_schema_type() {
        assert_eq!(scalar(Some("integer"), "7"), Ok(json!(7)));
        assert_eq!(scalar(Some("integer"), "-7"), Ok(json!(-7)));
        assert_eq!(
            scalar(Some("integer"), "3522251063310236516352"),
            Ok(json!(3.522_251_063_310_236_5e21))
        );
        assert!(scalar(Some("integer"), "1.5").is_err());
        assert!(scalar(Some("integer"), "").is_err());
        assert!(scalar(Some("integer"), "0x10").is_err());
        assert_eq!(scalar(Some("number"), "0.25"), Ok(json!(0.25)));
        assert!(scalar(Some("number"), "NaN").is_err());
        assert_eq!(scalar(Some("boolean"), "true"), Ok(json!(true)));
        assert!(scalar(Some("boolean"), "1").is_err());
        assert_eq!(scalar(Some("object"), r#"{"a":1}"#), Ok(json!({"a": 1})));
        assert!(scalar(Some("object"), "[]").is_err());
        assert_eq!(scalar(None, "x"), Ok(json!("x")));
    }

    #[test]
    fn arrays_repeat_or_join_and_scalars_come_once() {
        let doc = json!({"list": {"type": "array", "items": {"type": "integer"}},
                         "one": {"type": "integer"}});
        let files = Files::from_docs(vec![("a.yaml".into(), doc)]);
        let node = |name: &str| Node::new(0, &files.docs[0].1[name]);
        let texts = |values: &[&str]| values.iter().map(|v| v.to_string()).collect::<Vec<_>>();
        assert_eq!(
            read_text(&files, node("list"), &texts(&["1", "2"]), true),
            Ok(json!([1, 2]))
        );
        assert_eq!(
            read_text(&files, node("list"), &texts(&["1,2"]), false),
            Ok(json!([1, 2]))
        );
        assert!(read_text(&files, node("one"), &texts(&["1", "2"]), true).is_err());
    }
}

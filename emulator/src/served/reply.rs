//! The response an operation's spec describes: its first 2xx status, headers and body, from
//! the spec's example or written from the schema; non-JSON media types get a small sample.

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::request::essence;
use crate::spec::synth::Synthesizer;
use crate::spec::validate::{Direction, Validator};
use crate::spec::{Media, Operation, Spec, is_json};

pub(super) enum Payload {
    Json(Value),
    Bytes(Vec<u8>),
    Empty,
}

pub(super) struct Reply {
    status: StatusCode,
    content_type: Option<String>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Payload,
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let bytes = match self.body {
            Payload::Json(value) => {
                let mut bytes = Vec::new();
                write_json(&value, &mut bytes);
                bytes
            }
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

/// Writes `value` as JSON, with every whole number beyond 64-bit integers in integer notation.
///
/// serde_json reads an integer literal too large for 64 bits (a request's
/// `"timeoutSeconds": 305141836639922225152`) as a float, and would write it back as
/// `3.051418366399222e20`, which a JSON Schema `integer` refuses (OpenAPI 3.0 counts a number
/// written as a float as a float); written as digits it is the same number, and still any
/// `number`. Smaller floats are written as they are: an integer that fits came in as one.
fn write_json(value: &Value, out: &mut Vec<u8>) {
    /// 2^64: from here, every float is whole and no integer literal stays an integer.
    const BEYOND_64_BITS: f64 = 18_446_744_073_709_551_616.0;
    match value {
        Value::Number(n) if n.is_f64() => match n.as_f64() {
            Some(x) if x.is_finite() && x.abs() >= BEYOND_64_BITS => {
                out.extend_from_slice(format!("{x:.0}").as_bytes());
            }
            _ => out.extend_from_slice(n.to_string().as_bytes()),
        },
        Value::Array(items) => {
            out.push(b'[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                write_json(item, out);
            }
            out.push(b']');
        }
        Value::Object(members) => {
            out.push(b'{');
            for (index, (name, member)) in members.iter().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                write_json(&Value::String(name.clone()), out);
                out.push(b':');
                write_json(member, out);
            }
            out.push(b'}');
        }
        // Strings (escaped), booleans, null and integers, as serde_json writes them.
        other => out.extend_from_slice(other.to_string().as_bytes()),
    }
}

/// The operation's first 2xx response, from its example or its schema.
pub(super) fn default_reply(spec: &Spec, op: &Operation, synthesizer: &Synthesizer<'_>) -> Reply {
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
fn json_body(spec: &Spec, media: &Media, synthesizer: &Synthesizer<'_>) -> Value {
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
        // An envelope whose schema declares no `result` (the bare `Envelope` of `common.yaml`)
        // still carries one, as every reply of Cloudflare's does: null.
        envelope.entry("result").or_insert(Value::Null);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_beyond_64_bits_are_written_as_integers() {
        let value: Value = serde_json::from_str(
            r#"{"big": 100000000000000000000, "negative": [-100000000000000000000],
                "small": 2.5, "int": 7, "max": 18446744073709551615, "text": "a\"b",
                "nested": {"x": null, "y": true, "z": 1e300}}"#,
        )
        .expect("json");
        let mut out = Vec::new();
        write_json(&value, &mut out);
        let text = String::from_utf8(out).expect("utf-8");
        // Member order follows serde_json's map, which the workspace's features decide.
        for member in [
            r#""big":100000000000000000000"#,
            r#""negative":[-100000000000000000000]"#,
            r#""small":2.5"#,
            r#""int":7"#,
            r#""max":18446744073709551615"#,
            r#""text":"a\"b""#,
            r#""x":null"#,
            r#""y":true"#,
            &format!(r#""z":{:.0}"#, 1e300_f64),
        ] {
            assert!(text.contains(member), "{member} in {text}");
        }
        assert!(!text.contains("e+") && !text.contains("e3"), "{text}");
        // The same value, read back.
        assert_eq!(serde_json::from_str::<Value>(&text).expect("json"), value);
    }

    #[test]
    fn bodies_of_other_media_types_are_plausible() {
        let vtt = plausible("text/vtt", Some(&json!("'WEBVTT\n not quite'")));
        assert!(vtt.starts_with(b"WEBVTT\n\n"));
        assert_eq!(plausible("text/plain", Some(&json!("hello"))), b"hello");
        assert!(plausible("image/png; q=1", None).starts_with(b"\x89PNG"));
        assert!(plausible("text/html", None).starts_with(b"<!DOCTYPE html>"));
    }
}

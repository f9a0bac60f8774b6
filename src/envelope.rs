//! Turning a received response into a value or an [`Error`].
//!
//! Cloudflare wraps most bodies as `{success, errors, messages, result}`.
//! Decoding is pure (status, headers, bytes in), so it is tested without a
//! server.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::error::body_snippet;
use crate::{ApiError, ApiMessage, Error};

/// How a 2xx body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// JSON in the `{success, errors, messages, result}` envelope.
    Envelope,
    /// JSON as it is.
    Json,
    /// Text (`text/vtt`), as a string (invalid UTF-8 replaced).
    Text,
    /// Bytes, as they are.
    Bytes,
}

/// A decoded 2xx body.
#[derive(Debug)]
pub(crate) struct Decoded<T> {
    pub(crate) value: T,
    pub(crate) messages: Vec<ApiMessage>,
}

/// The envelope of a 2xx response; `result` stays generic so the body is
/// parsed once.
#[derive(Deserialize)]
struct SuccessEnvelope<T> {
    #[serde(default)]
    success: Option<bool>,
    #[serde(default, deserialize_with = "lenient_messages")]
    errors: Vec<ApiMessage>,
    #[serde(default, deserialize_with = "lenient_messages")]
    messages: Vec<ApiMessage>,
    #[serde(default = "none")]
    result: Option<T>,
}

/// `#[serde(default)]` on `Option<T>` would demand `T: Default`.
fn none<T>() -> Option<T> {
    None
}

/// The envelope of a failure; every field optional, since only the details
/// are wanted and a failure must be reported whatever its body looks like.
#[derive(Deserialize)]
struct FailureEnvelope {
    #[serde(default)]
    success: Option<bool>,
    #[serde(default, deserialize_with = "lenient_messages")]
    errors: Vec<ApiMessage>,
    #[serde(default, deserialize_with = "lenient_messages")]
    messages: Vec<ApiMessage>,
}

/// A message list that tolerates `null`, bare strings and junk entries, so a
/// malformed detail never hides the failure it describes.
fn lenient_messages<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<ApiMessage>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Entry {
        Message(ApiMessage),
        Text(String),
        Other(IgnoredAny),
    }

    let entries = Option::<Vec<Entry>>::deserialize(deserializer)?.unwrap_or_default();
    Ok(entries
        .into_iter()
        .filter_map(|entry| match entry {
            Entry::Message(message) => Some(message),
            Entry::Text(message) => Some(ApiMessage {
                code: 0,
                message,
                documentation_url: None,
                source: None,
            }),
            Entry::Other(_) => None,
        })
        .collect())
}

/// Decodes a response of `operation`.
///
/// 2xx: `T` from the envelope's `result` (or the whole body unless `format` is `Envelope`
/// is false); a missing or `null` result, or an empty body, is decoded as
/// JSON `null`, which suits `()` and `Option`. Anything else: [`Error::Api`].
///
/// A JSON value is checked for drift from its type (`drift.rs`): with `strict`, drift is an
/// [`Error::Decode`] naming its JSON pointer; without, a warning.
pub(crate) fn decode<T: DeserializeOwned + Serialize>(
    operation: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    format: Format,
    strict: bool,
) -> Result<Decoded<T>, Error> {
    if !status.is_success() {
        return Err(failure(operation, status, headers.clone(), body));
    }
    let plain = |value| Decoded {
        value,
        messages: Vec::new(),
    };
    let not_a = |what: &str, e: serde::de::value::Error| Error::Decode {
        operation,
        status,
        message: format!("the response is {what}, which the result type cannot hold: {e}"),
        body_snippet: body_snippet(body),
    };
    match format {
        Format::Text => {
            let text = String::from_utf8_lossy(body).into_owned();
            return T::deserialize(serde::de::value::StringDeserializer::new(text))
                .map(plain)
                .map_err(|e| not_a("text", e));
        }
        Format::Bytes => {
            let bytes = serde::de::value::SeqDeserializer::new(body.iter().copied());
            return T::deserialize(bytes)
                .map(plain)
                .map_err(|e| not_a("bytes", e));
        }
        Format::Envelope | Format::Json => {}
    }
    let decode_error = |message: String| Error::Decode {
        operation,
        status,
        message,
        body_snippet: body_snippet(body),
    };
    if body.trim_ascii().is_empty() {
        return from_null(decode_error).map(|value| Decoded {
            value,
            messages: Vec::new(),
        });
    }
    // The value of the body, then `T` from it: the value is what drift is looked for in.
    let checked = |json: &Value, base: &str| -> Result<T, Error> {
        let value = T::deserialize(json).map_err(|e| decode_error(e.to_string()))?;
        let drifts = crate::drift::find(json, &value, base);
        if drifts.is_empty() {
            return Ok(value);
        }
        if strict {
            let listed: Vec<String> = drifts.iter().map(ToString::to_string).collect();
            return Err(decode_error(format!(
                "the response drifts from the spec (strict decoding): {}",
                listed.join("; ")
            )));
        }
        crate::drift::warn(operation, &drifts);
        Ok(value)
    };
    // Drift is looked for only where it would be seen: strictly, or by a subscriber that
    // takes the warnings. Otherwise the body is decoded straight into `T`, as fast as it goes.
    let watched = strict || crate::drift::watched();
    if format == Format::Json {
        if !watched {
            return serde_json::from_slice(body)
                .map(plain)
                .map_err(|e| decode_error(e.to_string()));
        }
        let json: Value = serde_json::from_slice(body).map_err(|e| decode_error(e.to_string()))?;
        return checked(&json, "").map(plain);
    }
    let (value, messages) = if watched {
        let envelope = read_envelope::<Value>(operation, status, headers, body, &decode_error)?;
        let value = match envelope.result {
            Some(Value::Null) | None => from_null(decode_error)?,
            Some(result) => checked(&result, "/result")?,
        };
        (value, envelope.messages)
    } else {
        let envelope = read_envelope::<T>(operation, status, headers, body, &decode_error)?;
        let value = match envelope.result {
            Some(value) => value,
            None => from_null(decode_error)?,
        };
        (value, envelope.messages)
    };
    Ok(Decoded { value, messages })
}

/// The success envelope of a 2xx `body`, its result read as `R`; a refusal (`success: false`)
/// is [`Error::Api`], even when its `result` is not an `R`.
fn read_envelope<R: DeserializeOwned>(
    operation: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    decode_error: &impl Fn(String) -> Error,
) -> Result<SuccessEnvelope<R>, Error> {
    let envelope: SuccessEnvelope<R> = match serde_json::from_slice(body) {
        Ok(envelope) => envelope,
        Err(e) => {
            return Err(match serde_json::from_slice::<FailureEnvelope>(body) {
                Ok(failure) if failure.success == Some(false) => refused(
                    operation,
                    status,
                    headers.clone(),
                    failure.errors,
                    failure.messages,
                ),
                _ => decode_error(e.to_string()),
            });
        }
    };
    if envelope.success == Some(false) {
        return Err(refused(
            operation,
            status,
            headers.clone(),
            envelope.errors,
            envelope.messages,
        ));
    }
    Ok(envelope)
}

/// A 2xx envelope that says `success: false`.
fn refused(
    operation: &'static str,
    status: StatusCode,
    headers: HeaderMap,
    errors: Vec<ApiMessage>,
    messages: Vec<ApiMessage>,
) -> Error {
    Error::Api(Box::new(ApiError {
        operation,
        status,
        errors,
        messages,
        headers,
        body_snippet: None,
    }))
}

fn from_null<T: DeserializeOwned>(decode_error: impl Fn(String) -> Error) -> Result<T, Error> {
    T::deserialize(serde_json::Value::Null)
        .map_err(|e| decode_error(format!("the response has no result ({e})")))
}

/// An [`Error::Api`] for a non-2xx response, whatever its body.
fn failure(operation: &'static str, status: StatusCode, headers: HeaderMap, body: &[u8]) -> Error {
    // Only a JSON object counts as an envelope; serde would also accept a
    // JSON array as a struct.
    let envelope = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value @ serde_json::Value::Object(_)) => FailureEnvelope::deserialize(value).ok(),
        _ => None,
    };
    let (errors, messages) = envelope
        .map(|envelope| (envelope.errors, envelope.messages))
        .unwrap_or_default();
    // Without error details the raw body is the only clue left.
    let body_snippet = errors.is_empty().then(|| body_snippet(body));
    Error::Api(Box::new(ApiError {
        operation,
        status,
        errors,
        messages,
        headers,
        body_snippet,
    }))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, PartialEq, Deserialize, serde::Serialize)]
    struct Video {
        uid: String,
    }

    fn ok<T: DeserializeOwned + Serialize>(body: &str) -> Result<Decoded<T>, Error> {
        decode(
            "op",
            StatusCode::OK,
            &HeaderMap::new(),
            body.as_bytes(),
            Format::Envelope,
            false,
        )
    }

    fn api_error(status: StatusCode, body: &str) -> ApiError {
        let result: Result<Decoded<Video>, Error> = decode(
            "op",
            status,
            &HeaderMap::new(),
            body.as_bytes(),
            Format::Envelope,
            false,
        );
        match result {
            Err(Error::Api(api)) => *api,
            other => panic!("expected Api error, got {other:?}"),
        }
    }

    #[test]
    fn strict_decoding_refuses_drift_naming_its_pointer_and_lenient_decoding_keeps_the_value() {
        let body = r#"{"success": true, "errors": [], "messages": [],
            "result": {"uid": "abc", "duration": 1.5}}"#;
        let decode_with = |strict| {
            decode::<Video>(
                "op",
                StatusCode::OK,
                &HeaderMap::new(),
                body.as_bytes(),
                Format::Envelope,
                strict,
            )
        };
        match decode_with(true) {
            Err(Error::Decode { message, .. }) => assert!(
                message.contains("/result/duration: a property its type does not declare"),
                "{message}"
            ),
            other => panic!("expected a decode error, got {other:?}"),
        }
        let lenient = decode_with(false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(lenient.value.uid, "abc");
    }

    #[test]
    fn decodes_result_and_messages_ignoring_unknown_fields() {
        let decoded: Decoded<Video> = ok(r#"{
            "success": true, "errors": [], "result_info": {"count": 1},
            "messages": [{"code": 1, "message": "note", "extra": true}],
            "result": {"uid": "abc", "unknown": [1, 2]}
        }"#)
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(decoded.value, Video { uid: "abc".into() });
        assert_eq!(decoded.messages.len(), 1);
        assert_eq!(decoded.messages[0].message, "note");
    }

    #[test]
    fn missing_or_null_result_decodes_from_null() {
        for body in [
            r#"{"success": true, "errors": [], "messages": []}"#,
            r#"{"success": true, "errors": [], "messages": [], "result": null}"#,
            "",
            " \n",
        ] {
            assert!(ok::<()>(body).is_ok(), "{body:?}");
            let option: Decoded<Option<Video>> = ok(body).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(option.value, None);
            assert!(
                matches!(ok::<Video>(body), Err(Error::Decode { .. })),
                "{body:?}"
            );
        }
    }

    #[test]
    fn success_false_on_2xx_is_an_api_error() {
        let error = api_error(
            StatusCode::OK,
            r#"{"success": false, "errors": [{"code": 10000, "message": "Authentication error"}],
                "messages": [], "result": null}"#,
        );
        assert_eq!(error.status, StatusCode::OK);
        assert_eq!(error.errors[0].code, 10000);
        assert_eq!(error.body_snippet, None);

        // Even when `result` is not a `T`.
        let error = api_error(
            StatusCode::OK,
            r#"{"success": false, "errors": [{"code": 1, "message": "m"}], "result": []}"#,
        );
        assert_eq!(error.errors[0].code, 1);
    }

    #[test]
    fn bad_json_on_2xx_is_a_decode_error_with_snippet() {
        match ok::<Video>("<html>oops</html>") {
            Err(Error::Decode {
                operation,
                status,
                body_snippet,
                ..
            }) => {
                assert_eq!(operation, "op");
                assert_eq!(status, StatusCode::OK);
                assert_eq!(body_snippet, "<html>oops</html>");
            }
            other => panic!("expected Decode error, got {other:?}"),
        }
        assert!(matches!(
            ok::<Video>(r#"{"success": true, "result": {"uid": 5}}"#),
            Err(Error::Decode { .. })
        ));
    }

    #[test]
    fn text_and_bytes_are_read_as_they_are() {
        let vtt = "WEBVTT\n\n00:00.000 --> 00:01.000\nhello\n";
        let text: Decoded<String> = decode(
            "op",
            StatusCode::OK,
            &HeaderMap::new(),
            vtt.as_bytes(),
            Format::Text,
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(text.value, vtt);
        let bytes: Decoded<Vec<u8>> = decode(
            "op",
            StatusCode::OK,
            &HeaderMap::new(),
            &[0, 159, 255],
            Format::Bytes,
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(bytes.value, [0, 159, 255]);
        // A failure is still the failure envelope, whatever the success format.
        let failed: Result<Decoded<String>, Error> = decode(
            "op",
            StatusCode::NOT_FOUND,
            &HeaderMap::new(),
            br#"{"success": false, "errors": [{"code": 10005, "message": "no captions"}]}"#,
            Format::Text,
            false,
        );
        assert!(matches!(failed, Err(Error::Api(api)) if api.errors[0].code == 10005));
    }

    #[test]
    fn plain_bodies_are_t_itself() {
        let decoded: Decoded<Video> = decode(
            "op",
            StatusCode::OK,
            &HeaderMap::new(),
            br#"{"uid": "x", "success": false}"#,
            Format::Json,
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(decoded.value, Video { uid: "x".into() });
    }

    #[test]
    fn failure_envelope_is_decoded() {
        let error = api_error(
            StatusCode::NOT_FOUND,
            r#"{"success": false, "result": null, "messages": null,
                "errors": [{"code": 10005, "message": "not found",
                            "documentation_url": "https://example.com/doc",
                            "source": {"pointer": "/identifier"}}]}"#,
        );
        assert_eq!(error.status, StatusCode::NOT_FOUND);
        assert_eq!(error.errors.len(), 1);
        assert_eq!(error.errors[0].code, 10005);
        assert_eq!(
            error.errors[0].documentation_url.as_deref(),
            Some("https://example.com/doc")
        );
        assert_eq!(
            error.errors[0]
                .source
                .as_ref()
                .and_then(|s| s.pointer.as_deref()),
            Some("/identifier")
        );
        assert!(error.messages.is_empty());
        assert_eq!(error.body_snippet, None);
    }

    #[test]
    fn failure_details_are_lenient() {
        let error = api_error(
            StatusCode::BAD_REQUEST,
            r#"{"errors": ["plain text", 42, {"message": "no code"}, {"code": 9999999999}]}"#,
        );
        let texts: Vec<(i64, &str)> = error
            .errors
            .iter()
            .map(|e| (e.code, e.message.as_str()))
            .collect();
        assert_eq!(
            texts,
            [(0, "plain text"), (0, "no code"), (9_999_999_999, "")]
        );
    }

    #[test]
    fn undecodable_failures_keep_status_and_snippet() {
        let html = format!("<html>{}</html>", "x".repeat(2000));
        for (body, snippet) in [
            (html.as_str(), &html[..512]),
            ("", ""),
            ("[1, 2]", "[1, 2]"),
            (r#"{"errors": "nope"}"#, r#"{"errors": "nope"}"#),
        ] {
            let error = api_error(StatusCode::BAD_GATEWAY, body);
            assert_eq!(error.status, StatusCode::BAD_GATEWAY);
            assert!(error.errors.is_empty());
            assert_eq!(error.body_snippet.as_deref(), Some(snippet));
        }
    }

    #[test]
    fn failure_keeps_headers() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "cf-ray",
            reqwest::header::HeaderValue::from_static("abc-LHR"),
        );
        let result: Result<Decoded<()>, Error> = decode(
            "op",
            StatusCode::TOO_MANY_REQUESTS,
            &headers,
            b"{}",
            Format::Envelope,
            false,
        );
        let Err(error) = result else {
            panic!("expected an error");
        };
        assert!(error.is_rate_limited());
        assert_eq!(
            error.api_error().and_then(|api| api.headers.get("cf-ray")),
            Some(&reqwest::header::HeaderValue::from_static("abc-LHR"))
        );
    }
}

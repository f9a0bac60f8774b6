//! The one error type every call returns, and the API's own error messages.

use std::fmt;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};

/// Longest raw-body excerpt kept in an error, in bytes, so a huge HTML page
/// from a proxy cannot bloat logs.
pub(crate) const MAX_SNIPPET_BYTES: usize = 512;

/// Everything that can go wrong when building a client or making a call.
///
/// Match on the variant to tell "the API said no" ([`Error::Api`]) from
/// "we never got an answer" ([`Error::Connection`], [`Error::Timeout`]) from
/// "our side refused to send it" ([`Error::InvalidRequest`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with a failure: a non-2xx status (after any
    /// retries), or a 2xx envelope with `success: false`.
    Api(Box<ApiError>),

    /// The request was refused before anything was sent (bad path parameter,
    /// unserialisable body, invalid header).
    InvalidRequest {
        /// The operation, or `""` if the error arose before one was known.
        operation: &'static str,
        /// What was wrong, naming the parameter or header concerned.
        message: String,
    },

    /// The connection could not be made, or broke before the whole response
    /// arrived (reset or closed mid-headers or mid-body), on the last attempt.
    Connection {
        /// The operation being called.
        operation: &'static str,
        /// The transport error.
        source: reqwest::Error,
    },

    /// The last attempt (sending it or reading its response) took longer
    /// than the per-attempt timeout.
    Timeout {
        /// The operation being called.
        operation: &'static str,
        /// The transport error.
        source: reqwest::Error,
    },

    /// A successful response whose body did not match the expected shape.
    Decode {
        /// The operation being called.
        operation: &'static str,
        /// The response status.
        status: StatusCode,
        /// What the decoder objected to.
        message: String,
        /// The start of the raw body (at most 512 bytes), for diagnosis.
        body_snippet: String,
    },

    /// A listing could not go on to its next page: an item without what the paging reads
    /// (its creation instant, its id), or more items sharing one creation instant than a page
    /// holds.
    Pagination {
        /// The operation being listed.
        operation: &'static str,
        /// What stopped it.
        message: String,
    },

    /// The client could not be built: missing or conflicting credentials, a
    /// bad base URL, or a header value that cannot be sent.
    Config {
        /// What was wrong; never contains a secret.
        message: String,
    },
}

/// `operation: `, or nothing when no operation was known.
struct Prefix<'a>(&'a str);

impl fmt::Display for Prefix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            Ok(())
        } else {
            write!(f, "{}: ", self.0)
        }
    }
}

// Display and `source` are written out rather than derived: a derive macro would be compiled
// in every user's clean build for these few lines (BENCHMARKS.md section 5).
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(api) => write!(f, "{api}"),
            Self::InvalidRequest { operation, message } => {
                write!(f, "{}invalid request: {message}", Prefix(operation))
            }
            Self::Connection { operation, .. } => {
                write!(f, "{}connection failed", Prefix(operation))
            }
            Self::Timeout { operation, .. } => write!(f, "{}timed out", Prefix(operation)),
            Self::Decode {
                operation,
                status,
                message,
                ..
            } => write!(
                f,
                "{}could not decode the HTTP {status} response: {message}",
                Prefix(operation)
            ),
            Self::Pagination { operation, message } => {
                write!(f, "{}cannot page: {message}", Prefix(operation))
            }
            Self::Config { message } => write!(f, "invalid client configuration: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Connection { source, .. } | Self::Timeout { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Error {
    /// The HTTP status of the response, if one was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API's failure details, if the API answered with one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// Whether the API answered 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        self.api_status() == Some(StatusCode::NOT_FOUND)
    }

    /// Whether the API answered 401 Unauthorized (missing or bad credentials).
    pub fn is_unauthorized(&self) -> bool {
        self.api_status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// Whether the API answered 403 Forbidden (credentials lack permission).
    pub fn is_forbidden(&self) -> bool {
        self.api_status() == Some(StatusCode::FORBIDDEN)
    }

    /// Whether the API answered 429 Too Many Requests.
    pub fn is_rate_limited(&self) -> bool {
        self.api_status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// Whether the API answered with a 5xx status.
    pub fn is_server_error(&self) -> bool {
        self.api_status()
            .is_some_and(|status| status.is_server_error())
    }

    fn api_status(&self) -> Option<StatusCode> {
        self.api_error().map(|api| api.status)
    }

    /// The variant as a short label, for log fields: it never carries text
    /// from a server or a secret.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Error::Api(_) => "api",
            Error::InvalidRequest { .. } => "invalid_request",
            Error::Connection { .. } => "connection",
            Error::Timeout { .. } => "timeout",
            Error::Decode { .. } => "decode",
            Error::Pagination { .. } => "pagination",
            Error::Config { .. } => "config",
        }
    }

    /// Fills in the operation of an error raised before it was known (by
    /// [`PathBuilder`](crate::runtime::PathBuilder), for instance).
    pub(crate) fn with_operation(mut self, name: &'static str) -> Self {
        if let Error::InvalidRequest { operation, .. } = &mut self
            && operation.is_empty()
        {
            *operation = name;
        }
        self
    }

    /// Sorts a transport error into timeout, refused-before-sending, or
    /// connection failure.
    pub(crate) fn from_transport(operation: &'static str, source: reqwest::Error) -> Self {
        if source.is_timeout() {
            Error::Timeout { operation, source }
        } else if source.is_builder() {
            Error::InvalidRequest {
                operation,
                message: source.to_string(),
            }
        } else {
            Error::Connection { operation, source }
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
        }
    }
}

/// The API's answer to a failed call.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation that failed, e.g. `"stream.downloads.get"`.
    pub operation: &'static str,
    /// The response status.
    pub status: StatusCode,
    /// The envelope's `errors`; empty if the body was not an envelope.
    pub errors: Vec<ApiMessage>,
    /// The envelope's `messages`.
    pub messages: Vec<ApiMessage>,
    /// The response headers (e.g. `cf-ray` for support requests).
    pub headers: HeaderMap,
    /// The start of the raw body (at most 512 bytes) when it carried no
    /// error details, e.g. an HTML page from a proxy or an empty body.
    pub body_snippet: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}HTTP {}", Prefix(self.operation), self.status)?;
        if self.errors.is_empty() {
            return f.write_str(" (no error details in the response)");
        }
        for (index, error) in self.errors.iter().enumerate() {
            let separator = if index == 0 { ": " } else { "; " };
            write!(f, "{separator}{}: {}", error.code, error.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// One entry of an envelope's `errors` or `messages`.
///
/// Missing fields decode to their defaults, because a failure must never be
/// hidden by a malformed description of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiMessage {
    /// Cloudflare's numeric code; `i64` because codes exceed 65,535.
    #[serde(default)]
    pub code: i64,
    /// Human-readable text.
    #[serde(default)]
    pub message: String,
    /// A page explaining the code, when the API gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documentation_url: Option<String>,
    /// Which part of the request the message is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<MessageSource>,
}

/// Where in the request an [`ApiMessage`] points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageSource {
    /// A JSON pointer into the request body, e.g. `"/meta/name"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

/// The start of `body` as text: at most [`MAX_SNIPPET_BYTES`] bytes, cut on a
/// character boundary, invalid UTF-8 replaced.
pub(crate) fn body_snippet(body: &[u8]) -> String {
    let prefix = body.get(..MAX_SNIPPET_BYTES).unwrap_or(body);
    let text = String::from_utf8_lossy(prefix);
    // Replacement characters can make the text longer than the bytes it came from.
    let mut end = text.len().min(MAX_SNIPPET_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: StatusCode, errors: Vec<ApiMessage>) -> Error {
        Error::Api(Box::new(ApiError {
            operation: "stream.videos.get",
            status,
            errors,
            messages: Vec::new(),
            headers: HeaderMap::new(),
            body_snippet: None,
        }))
    }

    fn message(code: i64, text: &str) -> ApiMessage {
        ApiMessage {
            code,
            message: text.to_owned(),
            documentation_url: None,
            source: None,
        }
    }

    #[test]
    fn every_error_says_what_and_where() {
        use std::error::Error as _;

        let invalid = Error::InvalidRequest {
            operation: "stream.list",
            message: "`account_id` is empty".into(),
        };
        assert_eq!(
            invalid.to_string(),
            "stream.list: invalid request: `account_id` is empty"
        );
        assert!(invalid.source().is_none());
        let config = Error::config("no credentials");
        assert_eq!(
            config.to_string(),
            "invalid client configuration: no credentials"
        );
        let anonymous = Error::InvalidRequest {
            operation: "",
            message: "bad".into(),
        };
        assert_eq!(anonymous.to_string(), "invalid request: bad");
        let upload = crate::UploadError::Interrupted {
            source: Box::new(crate::UploadError::Request(invalid)),
            upload_url: "https://upload.example/tus/1".into(),
            video_id: "1".into(),
        };
        assert_eq!(
            upload.to_string(),
            "stream.list: invalid request: `account_id` is empty (resume with upload URL https://upload.example/tus/1)"
        );
        // The interrupted upload's source is what stopped it; a request error is transparent.
        let inner = upload.source().expect("a source");
        assert_eq!(
            inner.to_string(),
            "stream.list: invalid request: `account_id` is empty"
        );
        assert!(inner.source().is_none());
    }

    #[test]
    fn classifies_api_statuses() {
        let not_found = api(StatusCode::NOT_FOUND, Vec::new());
        assert!(not_found.is_not_found());
        assert!(!not_found.is_server_error());
        assert_eq!(not_found.status(), Some(StatusCode::NOT_FOUND));

        assert!(api(StatusCode::UNAUTHORIZED, Vec::new()).is_unauthorized());
        assert!(api(StatusCode::FORBIDDEN, Vec::new()).is_forbidden());
        assert!(api(StatusCode::TOO_MANY_REQUESTS, Vec::new()).is_rate_limited());
        assert!(api(StatusCode::BAD_GATEWAY, Vec::new()).is_server_error());
        assert!(api(StatusCode::SERVICE_UNAVAILABLE, Vec::new()).is_server_error());
    }

    #[test]
    fn non_api_errors_have_no_api_classification() {
        let decode = Error::Decode {
            operation: "op",
            status: StatusCode::NOT_FOUND,
            message: "bad".into(),
            body_snippet: String::new(),
        };
        assert_eq!(decode.status(), Some(StatusCode::NOT_FOUND));
        assert!(decode.api_error().is_none());
        assert!(!decode.is_not_found());

        let config = Error::config("nope");
        assert_eq!(config.status(), None);
        assert!(!config.is_server_error());
    }

    #[test]
    fn api_error_display_lists_each_code() {
        let error = api(
            StatusCode::BAD_REQUEST,
            vec![message(10005, "bad uid"), message(100_000, "also bad")],
        );
        assert_eq!(
            error.to_string(),
            "stream.videos.get: HTTP 400 Bad Request: 10005: bad uid; 100000: also bad"
        );
        let empty = api(StatusCode::BAD_GATEWAY, Vec::new());
        assert_eq!(
            empty.to_string(),
            "stream.videos.get: HTTP 502 Bad Gateway (no error details in the response)"
        );
    }

    #[test]
    fn operation_is_attached_once() {
        let error = Error::InvalidRequest {
            operation: "",
            message: "m".into(),
        };
        assert_eq!(error.to_string(), "invalid request: m");
        let error = error.with_operation("first").with_operation("second");
        assert_eq!(error.to_string(), "first: invalid request: m");
    }

    #[test]
    fn transport_builder_errors_are_invalid_requests() {
        let http = crate::http_client_builder()
            .and_then(|builder| builder.build().map_err(|e| Error::config(e.to_string())))
            .unwrap_or_else(|e| panic!("{e}"));
        let Err(source) = http.get("not a url").build() else {
            panic!("an invalid URL must not build");
        };
        let error = Error::from_transport("op", source);
        assert!(matches!(
            error,
            Error::InvalidRequest {
                operation: "op",
                ..
            }
        ));
    }

    #[test]
    fn snippet_is_bounded_and_cut_on_char_boundary() {
        assert_eq!(body_snippet(b""), "");
        assert_eq!(body_snippet(b"<html>"), "<html>");

        let long = "a".repeat(1000);
        assert_eq!(body_snippet(long.as_bytes()).len(), MAX_SNIPPET_BYTES);

        // 511 ASCII bytes then a two-byte character straddling the limit.
        let straddling = format!("{}é tail", "a".repeat(511));
        let snippet = body_snippet(straddling.as_bytes());
        assert_eq!(snippet, "a".repeat(511));

        // Invalid UTF-8 is replaced, and the result still fits.
        let invalid = [0xff_u8; 600];
        let snippet = body_snippet(&invalid);
        assert!(snippet.len() <= MAX_SNIPPET_BYTES);
        assert!(snippet.chars().all(|c| c == char::REPLACEMENT_CHARACTER));
    }

    #[test]
    fn api_message_decodes_large_codes_and_ignores_unknown_fields() {
        let decoded: ApiMessage = serde_json::from_str(
            r#"{"code": 4294967296, "message": "m", "extra": 1,
                "source": {"pointer": "/uid", "other": true}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(decoded.code, 4_294_967_296);
        assert_eq!(
            decoded.source,
            Some(MessageSource {
                pointer: Some("/uid".into())
            })
        );
    }
}

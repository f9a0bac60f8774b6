//! Turning a request's parts into what is sent: the URL with its query, the headers in their
//! order of precedence, the body; every problem found while building is reported here, before
//! anything is sent.

use std::time::Duration;

use reqwest::Url;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use super::{Body, Operation, Parts};
use crate::envelope::Format;
use crate::path::encode_component;
use crate::retry::RetryPolicy;
use crate::{Client, Error};

/// Sent with every retry: `1` on the first, `2` on the second, and so on, so a server (or its
/// logs) can tell retries from new requests. A first attempt carries none: its absence says
/// what `0` would, and a custom header costs about 3 % of a loopback request (BENCHMARKS.md).
const RETRY_COUNT: HeaderName = HeaderName::from_static("x-cloudflare-stream-retry-count");

/// A checked request, from which each attempt is made.
pub(super) struct Prepared {
    pub(super) client: Client,
    pub(super) operation: &'static Operation,
    pub(super) url: Url,
    /// `Accept: */*` rather than JSON (for text and bytes).
    any_accept: bool,
    /// `Content-Type` of the body (a form's with its boundary).
    content_type: Option<HeaderValue>,
    /// Set on the request; they replace the client's of the same name.
    request_headers: Option<Box<HeaderMap>>,
    /// The body as sent, encoded once: every attempt sends these bytes (a cheap clone).
    pub(super) body: Option<bytes::Bytes>,
    /// Per attempt.
    pub(super) timeout: Duration,
    /// Retries after the first attempt.
    pub(super) max_retries: u32,
}

impl Parts {
    /// Everything needed to send, checked; nothing has been sent yet.
    pub(super) fn prepare(self) -> Result<Prepared, Error> {
        let operation = self.operation.name;
        if let Some(problem) = self.problem {
            return Err(*problem);
        }
        let mut path = self.path;
        if !path.starts_with('/') {
            return Err(Error::InvalidRequest {
                operation,
                message: format!("the path {path:?} does not start with `/`"),
            });
        }
        // The base URL was parsed when the client was built; only the path is parsed here,
        // after the base's own path (in the room `PathBuilder` left: no allocation).
        let mut url = self.client.base().clone();
        path.insert_str(0, url.path().trim_end_matches('/'));
        url.set_path(&path);
        let options = self.options.map(|options| *options).unwrap_or_default();
        if !options.query.is_empty() {
            let query: Vec<String> = options
                .query
                .iter()
                .map(|(name, value)| {
                    format!("{}={}", encode_component(name), encode_component(value))
                })
                .collect();
            url.set_query(Some(&query.join("&")));
        }
        let (content_type, body) = match self.body {
            Some(Body::Bytes {
                content_type,
                bytes,
            }) => (Some(HeaderValue::from_static(content_type)), Some(bytes)),
            Some(Body::Form(form)) => {
                // A bad part is refused here, before anything is sent.
                let encoded = form
                    .encode()
                    .map_err(|message| Error::InvalidRequest { operation, message })?;
                let content_type = HeaderValue::from_str(&encoded.content_type).map_err(|e| {
                    Error::InvalidRequest {
                        operation,
                        message: format!("the form's content type: {e}"),
                    }
                })?;
                (Some(content_type), Some(encoded.body))
            }
            None => (None, None),
        };
        Ok(Prepared {
            operation: self.operation,
            url,
            // Text and bytes come in many types (`text/vtt`, `image/png`); failures are JSON.
            any_accept: matches!(self.format, Format::Text | Format::Bytes),
            content_type,
            request_headers: (!options.headers.is_empty()).then(|| Box::new(options.headers)),
            body: body.map(bytes::Bytes::from),
            timeout: options.timeout.unwrap_or(self.client.timeout()),
            max_retries: options.max_retries.unwrap_or(self.client.max_retries()),
            client: self.client,
        })
    }
}

impl Prepared {
    /// The headers of attempt `retry` (0 first). In order of precedence: the credentials,
    /// `Accept`, `User-Agent` and `Content-Type`; the client's custom headers replace those of
    /// the same name, and the request's own replace both; the retry count is always the
    /// attempt's (none on the first). The client keeps the first three as one map, so a plain
    /// first attempt's headers are a clone of it.
    pub(super) fn headers(&self, retry: u32) -> HeaderMap {
        let custom = self.client.custom_headers();
        let mut headers = self.client.request_headers().clone();
        if self.any_accept {
            headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
        }
        if let Some(content_type) = &self.content_type {
            headers.insert(CONTENT_TYPE, content_type.clone());
        }
        overlay(&mut headers, custom);
        if let Some(request_headers) = &self.request_headers {
            overlay(&mut headers, request_headers);
        }
        if retry != 0 {
            headers.insert(RETRY_COUNT, retry_count(retry));
        } else if !custom.is_empty() || self.request_headers.is_some() {
            // A first attempt carries no retry count, whatever the headers above said.
            headers.remove(RETRY_COUNT);
        }
        headers
    }

    /// The retry policy: the client's backoff, with this request's number of retries.
    pub(super) fn retry(&self) -> RetryPolicy {
        RetryPolicy {
            max_retries: self.max_retries,
            backoff: self.client.backoff(),
        }
    }
}

/// The headers every request starts from: the credentials, `Accept: application/json` and
/// `User-Agent`, built once per client.
pub(crate) fn request_headers(credentials: &HeaderMap, user_agent: HeaderValue) -> HeaderMap {
    // Room for `Host` too, which hyper adds to each request's copy: a full map would grow.
    let mut headers = HeaderMap::with_capacity(credentials.len() + 3);
    for (name, value) in credentials {
        headers.append(name.clone(), value.clone());
    }
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(USER_AGENT, user_agent);
    headers
}

/// Puts every header of `top` into `headers`, replacing all values of each name it brings (as
/// `HeaderMap::extend` does with a map, without taking or cloning `top` whole).
fn overlay(headers: &mut HeaderMap, top: &HeaderMap) {
    for name in top.keys() {
        let mut values = top.get_all(name).iter();
        if let Some(first) = values.next() {
            headers.insert(name.clone(), first.clone());
        }
        for value in values {
            headers.append(name.clone(), value.clone());
        }
    }
}

/// `retry` as the value of the retry-count header; the first few without allocating.
fn retry_count(retry: u32) -> HeaderValue {
    const SMALL: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    match SMALL.get(retry as usize) {
        Some(text) => HeaderValue::from_static(text),
        None => HeaderValue::from(retry),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::request::Request;
    use crate::request::tests::{GET_VIDEO, SECRET, client, path};

    impl<T, Op> Request<T, Op> {
        fn prepare(self) -> Result<Prepared, Error> {
            match self.call {
                super::super::Call::Building(parts) => parts.prepare(),
                _ => panic!("already sent"),
            }
        }
    }

    #[test]
    fn retry_counts_are_decimal() {
        for retry in [0, 1, 9, 10, 123, u32::MAX] {
            assert_eq!(retry_count(retry), retry.to_string().as_str());
        }
    }

    fn invalid(result: Result<Prepared, Error>) -> String {
        match result {
            Err(Error::InvalidRequest { operation, message }) => {
                assert_eq!(operation, "stream.videos.get");
                assert!(!message.contains(SECRET), "secret leaked: {message}");
                message
            }
            Err(other) => panic!("expected InvalidRequest, got {other:?}"),
            Ok(_) => panic!("expected InvalidRequest, got a prepared request"),
        }
    }

    #[test]
    fn prepares_url_and_headers() {
        let client = client();
        let prepared = Request::<(), ()>::new(&client, &GET_VIDEO, path("a b/c"))
            .json_body(&BTreeMap::from([("name", "x")]))
            .prepare()
            .unwrap_or_else(|e| panic!("{e}"));
        let headers = prepared.headers(0);
        assert_eq!(
            prepared.url.as_str(),
            "http://127.0.0.1:9/client/v4/accounts/acc/stream/a%20b%2Fc"
        );
        assert_eq!(prepared.operation.method, reqwest::Method::GET);
        assert_eq!(prepared.timeout, Duration::from_secs(5));
        assert_eq!(prepared.body.as_deref(), Some(&br#"{"name":"x"}"#[..]));
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        assert_eq!(header("content-type"), Some("application/json"));
        assert_eq!(header("accept"), Some("application/json"));
        assert!(header("user-agent").is_some_and(|ua| ua.starts_with("cloudflare-stream-rust/")));
        assert!(headers["authorization"].is_sensitive());
    }

    #[test]
    fn options_override_client_settings() {
        let client = client();
        let prepared = Request::<(), ()>::new(&client, &GET_VIDEO, path("v"))
            .timeout(Duration::from_millis(250))
            .header("X-Custom", "1")
            .header("x-custom", "2")
            .header("Authorization", "Bearer other")
            .prepare()
            .unwrap_or_else(|e| panic!("{e}"));
        let headers = prepared.headers(0);
        assert_eq!(prepared.timeout, Duration::from_millis(250));
        let custom: Vec<_> = headers.get_all("x-custom").iter().collect();
        assert_eq!(custom, ["1", "2"]);
        let auth: Vec<_> = headers.get_all("authorization").iter().collect();
        assert_eq!(auth, ["Bearer other"]);
        assert!(auth[0].is_sensitive());
        assert!(prepared.body.is_none());
        assert!(!headers.contains_key("content-type"));
    }

    #[test]
    fn query_parameters_are_encoded_in_order() {
        let client = client();
        let prepared = Request::<(), ()>::new(&client, &GET_VIDEO, path("v"))
            .query("search", "a b&c=d#e")
            .query_all("tag", ["x", "é+/"])
            .query_all("none", Vec::<String>::new())
            .prepare()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            prepared.url.as_str(),
            "http://127.0.0.1:9/client/v4/accounts/acc/stream/v\
             ?search=a%20b%26c%3Dd%23e&tag=x&tag=%C3%A9%2B%2F"
        );
        let message = invalid(
            Request::<(), ()>::new(&client, &GET_VIDEO, path("v"))
                .query("", "x")
                .prepare(),
        );
        assert!(message.contains("query parameter name"), "{message}");
    }

    #[test]
    fn retries_come_from_the_client_unless_the_request_says() {
        let client = Client::builder()
            .api_token(SECRET)
            .max_retries(5)
            .retry_backoff(Duration::from_millis(3), Duration::from_millis(9))
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let prepared = Request::<(), ()>::new(&client, &GET_VIDEO, path("v"))
            .prepare()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(prepared.retry().max_retries, 5);
        assert_eq!(prepared.retry().backoff.initial, Duration::from_millis(3));
        let prepared = Request::<(), ()>::new(&client, &GET_VIDEO, path("v"))
            .max_retries(0)
            .prepare()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(prepared.retry().max_retries, 0);
    }

    #[test]
    fn custom_headers_sit_between_defaults_and_request_headers() {
        let client = Client::builder()
            .api_token(SECRET)
            .header("accept", "application/vnd.custom+json")
            .header("x-team", "video")
            .header("x-shared", "client")
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let prepared = Request::<(), ()>::new(&client, &GET_VIDEO, path("v"))
            .header("x-shared", "request")
            .prepare()
            .unwrap_or_else(|e| panic!("{e}"));
        let headers = prepared.headers(0);
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        assert_eq!(header("accept"), Some("application/vnd.custom+json"));
        assert_eq!(header("x-team"), Some("video"));
        assert_eq!(header("x-shared"), Some("request"));
        assert_eq!(headers.get_all("x-shared").iter().count(), 1);
        assert!(headers["authorization"].is_sensitive());
    }

    #[test]
    fn path_errors_name_the_operation_and_come_first() {
        let client = client();
        let message = invalid(
            Request::<(), ()>::new(&client, &GET_VIDEO, path(".."))
                .header("bad name", "v")
                .prepare(),
        );
        assert!(message.contains("`identifier`"), "{message}");
    }

    #[test]
    fn invalid_headers_are_reported_without_their_value() {
        let client = client();
        let message = invalid(
            Request::<(), ()>::new(&client, &GET_VIDEO, path("v"))
                .header("bad name", "v")
                .prepare(),
        );
        // An invalid name is not repeated either: it may be a pasted secret.
        assert!(
            message.contains("not a valid HTTP header name"),
            "{message}"
        );
        let message = invalid(
            Request::<(), ()>::new(&client, &GET_VIDEO, path("v"))
                .header(format!("{SECRET} x"), "v")
                .prepare(),
        );
        assert!(
            message.contains("not a valid HTTP header name"),
            "{message}"
        );

        let message = invalid(
            Request::<(), ()>::new(&client, &GET_VIDEO, path("v"))
                .header("x-token", format!("{SECRET}\n{SECRET}"))
                .prepare(),
        );
        assert!(message.contains("`x-token`"), "{message}");
    }

    #[test]
    fn unserialisable_bodies_are_reported() {
        let client = client();
        let body = BTreeMap::from([((1, 2), "tuple keys are not JSON")]);
        let message = invalid(
            Request::<(), ()>::new(&client, &GET_VIDEO, path("v"))
                .json_body(&body)
                .prepare(),
        );
        assert!(message.contains("request body"), "{message}");
    }

    #[test]
    fn request_headers_are_trimmed_and_checked_like_client_headers() {
        let client = Client::builder()
            .api_token(SECRET)
            .header("  X-Team ", " video\t")
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let prepared = Request::<(), ()>::new(&client, &GET_VIDEO, path("v"))
            .header(" X-Request-Id\t", "  42 ")
            .header("x-empty", "   ")
            // A line read from a file: refused before, now trimmed like a client header.
            .header("x-line", "value\r\n")
            .prepare()
            .unwrap_or_else(|e| panic!("{e}"));
        let headers = prepared.headers(0);
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        assert_eq!(header("x-team"), Some("video"));
        assert_eq!(header("x-request-id"), Some("42"));
        assert_eq!(header("x-empty"), Some(""));
        assert_eq!(header("x-line"), Some("value"));
        // Unlike a client header, a request header is not a secret unless it is a credential.
        assert!(headers["x-team"].is_sensitive());
        assert!(!headers["x-request-id"].is_sensitive());
    }

    #[test]
    fn a_request_header_may_replace_the_credentials() {
        let client = Client::builder()
            .api_key("a@example.com", SECRET)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let prepared = Request::<(), ()>::new(&client, &GET_VIDEO, path("v"))
            .header(" X-Auth-Key ", " other-key ")
            .prepare()
            .unwrap_or_else(|e| panic!("{e}"));
        let headers = prepared.headers(0);
        let keys: Vec<_> = headers.get_all("x-auth-key").iter().collect();
        assert_eq!(keys, ["other-key"]);
        assert!(keys[0].is_sensitive());
        assert!(headers["x-auth-email"].is_sensitive());
        assert!(!format!("{headers:?}").contains("other-key"));
    }
}

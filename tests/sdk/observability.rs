//! What the SDK tells a `tracing` subscriber, end to end against servers on loopback: a
//! `request` span per call (operation, method, path template, status, attempts, elapsed), an
//! `attempt` span per attempt (its retry count, status, elapsed), the filled-in path only at debug
//! level, and never a credential, at any level, in spans, events or errors.
//!
//! The subscriber is a small recorder written here, so the assertions read fields rather than
//! formatted log lines. It is installed for one future at a time (`with_subscriber`), never as
//! the global default, so the other tests of this binary, running meanwhile on other threads,
//! neither reach it nor are slowed by it.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::future::IntoFuture;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloudflare_stream::Error;
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::instrument::WithSubscriber;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    ACCOUNT, TOKEN, VIDEO, builder_without_credentials, client, closed_port_uri, envelope,
    failure_body, scripted,
};

const TEMPLATE: &str = "/accounts/{account_id}/stream/{identifier}/downloads";
const EMAIL: &str = "observability-secret@example.com";
const KEY: &str = "observability-secret-global-key";
const ACCESS_SECRET: &str = "observability-secret-access";

// ---------------------------------------------------------------------------------------------
// A recording subscriber
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct SpanRecord {
    name: &'static str,
    parent: Option<usize>,
    fields: BTreeMap<&'static str, String>,
}

#[derive(Debug, Clone)]
struct EventRecord {
    level: Level,
    target: String,
    /// The span the event happened in.
    span: Option<usize>,
    fields: BTreeMap<&'static str, String>,
}

#[derive(Debug, Default)]
struct Recorded {
    spans: Vec<SpanRecord>,
    events: Vec<EventRecord>,
    /// Entered spans, innermost last (one task on one thread, so one stack).
    stack: Vec<usize>,
}

impl Recorded {
    /// Every recorded value, for "the secret is nowhere" checks.
    fn all_text(&self) -> String {
        format!("{:?} {:?}", self.spans, self.events)
    }

    /// The SDK's spans called `name`.
    fn spans(&self, name: &str) -> Vec<(usize, &SpanRecord)> {
        self.spans
            .iter()
            .enumerate()
            .filter(|(_, span)| span.name == name)
            .collect()
    }
}

/// Records every span and event up to `max`, whatever its target.
#[derive(Clone)]
struct Recorder {
    max: Level,
    recorded: Arc<Mutex<Recorded>>,
}

impl Recorder {
    fn new(max: Level) -> Self {
        Self {
            max,
            recorded: Arc::default(),
        }
    }

    fn take(&self) -> Recorded {
        std::mem::take(&mut *self.recorded.lock().expect("lock"))
    }

    fn with<R>(&self, f: impl FnOnce(&mut Recorded) -> R) -> R {
        f(&mut self.recorded.lock().expect("lock"))
    }
}

struct Fields<'a>(&'a mut BTreeMap<&'static str, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name(), format!("{value:?}"));
    }
}

fn index(id: &Id) -> usize {
    usize::try_from(id.into_u64()).expect("small id") - 1
}

impl Subscriber for Recorder {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        // Ask every time: other tests' recorders want other levels.
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= self.max
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        self.with(|recorded| {
            let parent = if attributes.is_root() {
                None
            } else if let Some(parent) = attributes.parent() {
                Some(index(parent))
            } else {
                recorded.stack.last().copied()
            };
            let mut fields = BTreeMap::new();
            attributes.record(&mut Fields(&mut fields));
            recorded.spans.push(SpanRecord {
                name: attributes.metadata().name(),
                parent,
                fields,
            });
            Id::from_u64(recorded.spans.len() as u64)
        })
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        self.with(|recorded| {
            if let Some(span) = recorded.spans.get_mut(index(span)) {
                values.record(&mut Fields(&mut span.fields));
            }
        });
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        self.with(|recorded| {
            let mut fields = BTreeMap::new();
            event.record(&mut Fields(&mut fields));
            let span = event
                .parent()
                .map(index)
                .or_else(|| recorded.stack.last().copied());
            recorded.events.push(EventRecord {
                level: *event.metadata().level(),
                target: event.metadata().target().to_owned(),
                span,
                fields,
            });
        });
    }

    fn enter(&self, span: &Id) {
        self.with(|recorded| recorded.stack.push(index(span)));
    }

    fn exit(&self, span: &Id) {
        self.with(|recorded| {
            if let Some(position) = recorded.stack.iter().rposition(|&s| s == index(span)) {
                recorded.stack.remove(position);
            }
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Servers and clients
// ---------------------------------------------------------------------------------------------

/// A server answering the n-th request with the n-th status (the last one for every request
/// after), and an envelope that says the same.
async fn server(statuses: Vec<u16>) -> MockServer {
    let responses = statuses
        .into_iter()
        .map(|status| {
            let body = if status < 300 {
                envelope(json!({}))
            } else {
                failure_body(10000, "Authentication error")
            };
            ResponseTemplate::new(status).set_body_json(body)
        })
        .collect();
    scripted(responses).await
}

/// Runs `future` with `recorder` as its subscriber.
async fn recorded<F: IntoFuture>(recorder: &Recorder, future: F) -> F::Output {
    future.into_future().with_subscriber(recorder.clone()).await
}

fn field<'a>(span: &'a SpanRecord, name: &str) -> Option<&'a str> {
    span.fields.get(name).map(String::as_str)
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn info_spans_show_the_template_status_and_each_attempt_but_no_identifiers() {
    let server = server(vec![503, 200]).await;
    let client = client(&server.uri());
    let recorder = Recorder::new(Level::INFO);

    recorded(&recorder, client.stream().downloads().get(ACCOUNT, VIDEO))
        .await
        .expect("the retry succeeds");

    let recorded = recorder.take();
    let requests = recorded.spans("request");
    assert_eq!(requests.len(), 1, "{recorded:#?}");
    let (request_index, request) = requests[0];
    assert_eq!(field(request, "operation"), Some("stream.downloads.get"));
    assert_eq!(field(request, "method"), Some("GET"));
    assert_eq!(field(request, "path_template"), Some(TEMPLATE));
    assert_eq!(field(request, "status"), Some("200"));
    assert_eq!(field(request, "attempts"), Some("2"));
    assert!(
        field(request, "elapsed_ms").is_some_and(|ms| ms.parse::<u64>().is_ok()),
        "{request:?}"
    );
    assert_eq!(field(request, "path"), None, "identifiers at info level");
    assert_eq!(field(request, "error"), None);

    let attempts = recorded.spans("attempt");
    let summary: Vec<(Option<&str>, Option<&str>, Option<usize>)> = attempts
        .iter()
        .map(|(_, span)| (field(span, "attempt"), field(span, "status"), span.parent))
        .collect();
    assert_eq!(
        summary,
        [
            (Some("0"), Some("503"), Some(request_index)),
            (Some("1"), Some("200"), Some(request_index)),
        ]
    );
    assert!(
        attempts
            .iter()
            .all(|(_, span)| field(span, "elapsed_ms").is_some())
    );

    // Nothing at info level names the account or the video, or carries the token.
    let text = recorded.all_text();
    for secret in [ACCOUNT, VIDEO, TOKEN] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    // The SDK logs its retries at debug level only.
    assert!(
        recorded
            .events
            .iter()
            .all(|event| !event.target.starts_with("cloudflare_stream")),
        "{:?}",
        recorded.events
    );
}

#[tokio::test]
async fn debug_level_adds_the_filled_in_path_and_each_retry() {
    let server = server(vec![429, 200]).await;
    let client = client(&server.uri());
    let recorder = Recorder::new(Level::DEBUG);

    recorded(&recorder, client.stream().downloads().get(ACCOUNT, VIDEO))
        .await
        .expect("the retry succeeds");

    let recorded = recorder.take();
    let (request_index, request) = recorded.spans("request")[0];
    let path = format!("/accounts/{ACCOUNT}/stream/{VIDEO}/downloads");
    assert_eq!(field(request, "path"), Some(path.as_str()));
    assert_eq!(field(request, "path_template"), Some(TEMPLATE));

    let retries: Vec<&EventRecord> = recorded
        .events
        .iter()
        .filter(|event| event.target.starts_with("cloudflare_stream"))
        .collect();
    assert_eq!(retries.len(), 1, "{retries:#?}");
    let retry = retries[0];
    assert_eq!(retry.level, Level::DEBUG);
    assert_eq!(retry.span, Some(request_index));
    assert_eq!(
        retry.fields.get("message").map(String::as_str),
        Some("retrying")
    );
    assert_eq!(retry.fields.get("attempt").map(String::as_str), Some("0"));
    assert_eq!(retry.fields.get("status").map(String::as_str), Some("429"));
    assert!(retry.fields.contains_key("delay_ms"), "{retry:?}");

    assert!(!recorded.all_text().contains(TOKEN));
}

#[tokio::test]
async fn refused_requests_are_spans_with_no_attempt() {
    let server = server(vec![200]).await;
    let client = client(&server.uri());
    let recorder = Recorder::new(Level::TRACE);

    let result = recorded(&recorder, client.stream().downloads().get(ACCOUNT, "..")).await;

    assert!(
        matches!(result, Err(Error::InvalidRequest { .. })),
        "{result:?}"
    );
    let recorded = recorder.take();
    let (_, request) = recorded.spans("request")[0];
    assert_eq!(field(request, "attempts"), Some("0"));
    assert_eq!(field(request, "error"), Some("invalid_request"));
    assert!(recorded.spans("attempt").is_empty());
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

/// Every failure, with every credential scheme, at trace level: the secrets appear in no span,
/// no event (the SDK's or its dependencies'), no error message and no error's Debug output.
#[tokio::test]
async fn credentials_never_appear_in_spans_events_or_errors() {
    let failing = server(vec![401]).await;
    let retried = server(vec![503]).await;
    let slow = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&slow)
        .await;
    let undecodable = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_string("{\"success\": true, \"result\": "),
        )
        .mount(&undecodable)
        .await;
    let closed = closed_port_uri().await;

    let secrets = [TOKEN, EMAIL, KEY, ACCESS_SECRET];
    let recorder = Recorder::new(Level::TRACE);
    let mut outcomes = Vec::new();
    for uri in [
        failing.uri(),
        retried.uri(),
        slow.uri(),
        undecodable.uri(),
        closed,
    ] {
        let clients = [
            builder_without_credentials(&uri)
                .api_token(TOKEN)
                .header("cf-access-client-secret", ACCESS_SECRET),
            builder_without_credentials(&uri).api_key(EMAIL, KEY),
            builder_without_credentials(&uri).user_service_key(KEY),
        ];
        for client in clients {
            let client = client
                .timeout(Duration::from_millis(100))
                .build()
                .expect("client");
            let debug = format!("{client:?}");
            let result = recorded(&recorder, client.stream().downloads().get(ACCOUNT, VIDEO)).await;
            let error = result.expect_err("every server fails");
            outcomes.push(error.kind_name());
            let text = format!("{error} | {error:?} | {debug}");
            for secret in secrets {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
        }
    }
    assert_eq!(
        outcomes,
        [
            ["api"; 3],
            ["api"; 3],
            ["timeout"; 3],
            ["decode"; 3],
            ["connection"; 3]
        ]
        .concat()
    );

    let recorded = recorder.take();
    let text = recorded.all_text();
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "{secret} in the recorded spans and events"
        );
    }
    // Each of the 15 calls has its span, with its attempts counted: 1 for the 401 and the
    // undecodable 200, 3 for the 503, the timeouts and the refused connections.
    let attempts: Vec<&str> = recorded
        .spans("request")
        .iter()
        .filter_map(|(_, span)| field(span, "attempts"))
        .collect();
    assert_eq!(
        attempts,
        [["1"; 3], ["3"; 3], ["3"; 3], ["1"; 3], ["3"; 3]].concat()
    );
    let errors: Vec<&str> = recorded
        .spans("request")
        .iter()
        .filter_map(|(_, span)| field(span, "error"))
        .collect();
    assert_eq!(
        errors,
        [
            ["api"; 3],
            ["api"; 3],
            ["timeout"; 3],
            ["decode"; 3],
            ["connection"; 3]
        ]
        .concat()
    );
}

/// The variant of an error, as the `error` span field names it.
trait KindName {
    fn kind_name(&self) -> &'static str;
}

impl KindName for Error {
    fn kind_name(&self) -> &'static str {
        match self {
            Error::Api(_) => "api",
            Error::InvalidRequest { .. } => "invalid_request",
            Error::Connection { .. } => "connection",
            Error::Timeout { .. } => "timeout",
            Error::Decode { .. } => "decode",
            Error::Config { .. } => "config",
            _ => "other",
        }
    }
}

#[tokio::test]
async fn drift_from_the_spec_is_one_warning_per_operation_and_place() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(
            json!({"default": {"status": "ready", "bitrate": 1}}),
        )))
        .mount(&server)
        .await;
    let lenient = builder_without_credentials(&server.uri())
        .api_token(TOKEN)
        .strict_decoding(false)
        .build()
        .expect("a client");
    let recorder = Recorder::new(Level::WARN);
    for _ in 0..3 {
        recorded(&recorder, lenient.stream().downloads().get(ACCOUNT, VIDEO))
            .await
            .expect("a newer service still decodes");
    }
    let recorded = recorder.take();
    let warnings: Vec<&EventRecord> = recorded
        .events
        .iter()
        .filter(|e| e.target == "cloudflare_stream::drift")
        .collect();
    assert_eq!(warnings.len(), 1, "{recorded:#?}");
    assert_eq!(warnings[0].level, Level::WARN);
    assert_eq!(
        warnings[0].fields.get("operation").map(String::as_str),
        Some("stream.downloads.get")
    );
    assert_eq!(
        warnings[0].fields.get("pointer").map(String::as_str),
        Some("/result/default/bitrate")
    );
}

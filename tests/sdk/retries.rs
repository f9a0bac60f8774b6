//! Retries, backoff, `Retry-After`, timeouts and transport faults, end to end against servers on
//! loopback: wiremock for well-formed HTTP, and a raw TCP server for connections that break
//! mid-response.
//!
//! Every test asserts the typed outcome and how many attempts reached the server (each retry
//! also carries `x-cloudflare-stream-retry-count`, and a first attempt none, checked where it
//! matters). Backoffs are a few
//! milliseconds (`ClientBuilder::retry_backoff`), so only the tests of `Retry-After` in whole
//! seconds wait for real, about a second each.

use std::fmt::Debug;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use cloudflare_stream::{DownloadStatus, Error};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::{MockServer, ResponseTemplate};

use crate::support::{
    ACCOUNT, TOKEN, VIDEO, builder, client, closed_port_uri, envelope, failure_body, received,
    scripted,
};

const RETRY_COUNT: &str = "x-cloudflare-stream-retry-count";

/// What `retry_counts` shows for a request without a retry count: a first attempt.
const FIRST: &str = "-";

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A success envelope for `stream.downloads.get`.
fn ok_body() -> Value {
    envelope(json!({"default": {"percentComplete": 100, "status": "ready"}}))
}

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(ok_body())
}

fn failure(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(failure_body(10000, "failure"))
}

// ---------------------------------------------------------------------------------------------
// Attempts as a scripted wiremock server (`support::scripted`) saw them
// ---------------------------------------------------------------------------------------------

/// The retry count each request carried, in order, `-` for none: `["-", "1", "2", ...]` for a
/// well-behaved client (a first attempt carries none).
async fn retry_counts(server: &MockServer) -> Vec<String> {
    received(server)
        .await
        .iter()
        .map(|request| {
            request
                .headers
                .get(RETRY_COUNT)
                .and_then(|value| value.to_str().ok())
                .unwrap_or(FIRST)
                .to_owned()
        })
        .collect()
}

/// Asserts that `server` received exactly `attempts` requests: a first attempt, then retries
/// numbered 1, 2, ...
async fn assert_attempts(server: &MockServer, attempts: usize) {
    let expected: Vec<String> = (0..attempts)
        .map(|n| {
            if n == 0 {
                FIRST.to_owned()
            } else {
                n.to_string()
            }
        })
        .collect();
    assert_eq!(retry_counts(server).await, expected, "attempts");
}

fn api_status<T: Debug>(result: Result<T, Error>) -> (u16, Error) {
    match result {
        Err(error @ Error::Api(_)) => (error.status().map_or(0, |s| s.as_u16()), error),
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Which responses are retried
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn service_unavailable_then_ok_succeeds_on_the_second_attempt() {
    let server = scripted(vec![failure(503), ok()]).await;

    let response = client(&server.uri())
        .stream()
        .downloads()
        .get(ACCOUNT, VIDEO)
        .send_with_response()
        .await
        .expect("the retry succeeds");

    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(
        response.value.default.and_then(|d| d.status),
        Some(DownloadStatus::Ready)
    );
    assert_attempts(&server, 2).await;
}

#[tokio::test]
async fn retried_post_sends_its_body_again() {
    let server = scripted(vec![
        failure(502),
        ResponseTemplate::new(200).set_body_json(json!({
            "success": true, "errors": [], "messages": [],
            "result": {"uid": "66be4bf738797e01e1fca35a7bdecdcd"}
        })),
    ])
    .await;

    let mut input = cloudflare_stream::CreateInputRequest::default();
    input.default_creator = Some("c-1".into());
    let made = client(&server.uri())
        .stream()
        .live_inputs()
        .create(ACCOUNT, &input)
        .await
        .expect("the retry succeeds");

    assert_eq!(
        made.uid.as_deref(),
        Some("66be4bf738797e01e1fca35a7bdecdcd")
    );
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.method.as_str(), "POST");
        assert_eq!(request.body, br#"{"defaultCreator":"c-1"}"#);
    }
}

#[tokio::test]
async fn persistent_server_errors_give_up_after_two_retries() {
    let server = scripted(vec![failure(500)]).await;

    let (status, error) = api_status(
        client(&server.uri())
            .stream()
            .downloads()
            .get(ACCOUNT, VIDEO)
            .await,
    );

    assert_eq!(status, 500);
    assert!(error.is_server_error());
    assert_eq!(error.api_error().map(|api| api.errors[0].code), Some(10000));
    assert_attempts(&server, 3).await;
}

#[tokio::test]
async fn transient_statuses_are_retried_and_final_ones_are_not() {
    // (status, attempts): 408, 409, 429 and 5xx are retried twice; other failures never.
    let cases = [
        (408, 3),
        (409, 3),
        (429, 3),
        (500, 3),
        (502, 3),
        (503, 3),
        (504, 3),
        (400, 1),
        (401, 1),
        (403, 1),
        (404, 1),
        (405, 1),
        (422, 1),
    ];
    for (status, attempts) in cases {
        let server = scripted(vec![failure(status)]).await;
        let (got, _) = api_status(
            client(&server.uri())
                .stream()
                .downloads()
                .delete(ACCOUNT, VIDEO)
                .await,
        );
        assert_eq!(got, status);
        assert_eq!(received(&server).await.len(), attempts, "HTTP {status}");
    }
}

#[tokio::test]
async fn x_should_retry_overrides_the_status() {
    // The server forbids retrying a 503...
    let server = scripted(vec![failure(503).insert_header("x-should-retry", "false")]).await;
    let (status, _) = api_status(
        client(&server.uri())
            .stream()
            .downloads()
            .get(ACCOUNT, VIDEO)
            .await,
    );
    assert_eq!(status, 503);
    assert_attempts(&server, 1).await;

    // ...or asks for a retry of a 400.
    let server = scripted(vec![
        failure(400).insert_header("x-should-retry", "true"),
        ok(),
    ])
    .await;
    client(&server.uri())
        .stream()
        .downloads()
        .get(ACCOUNT, VIDEO)
        .await
        .expect("the retry succeeds");
    assert_attempts(&server, 2).await;
}

#[tokio::test]
async fn success_false_malformed_and_empty_bodies_are_not_retried() {
    // HTTP 200 with a refusal in the envelope: the API said no, trying again will not help.
    let server = scripted(vec![
        ResponseTemplate::new(200).set_body_json(failure_body(10000, "Authentication error")),
    ])
    .await;
    let (status, _) = api_status(
        client(&server.uri())
            .stream()
            .downloads()
            .get(ACCOUNT, VIDEO)
            .await,
    );
    assert_eq!(status, 200);
    assert_attempts(&server, 1).await;

    // A 2xx that does not decode: the request did happen, so it is not sent again.
    for body in [r#"{"success": true, "result": {"default": "#, ""] {
        let server = scripted(vec![
            ResponseTemplate::new(200).set_body_raw(body.as_bytes().to_vec(), "application/json"),
        ])
        .await;
        let result = client(&server.uri())
            .stream()
            .downloads()
            .get(ACCOUNT, VIDEO)
            .await;
        assert!(
            matches!(&result, Err(Error::Decode { status, .. }) if status.as_u16() == 200),
            "{body:?}: {result:?}"
        );
        assert_attempts(&server, 1).await;
    }
}

#[tokio::test]
async fn proxy_html_502_is_retried_then_reported_with_its_text() {
    let page = "<html><body><h1>502 Bad Gateway</h1>cloudflare</body></html>";
    let server = scripted(vec![
        ResponseTemplate::new(502).set_body_raw(page.as_bytes().to_vec(), "text/html"),
    ])
    .await;

    let (status, error) = api_status(
        client(&server.uri())
            .stream()
            .downloads()
            .get(ACCOUNT, VIDEO)
            .await,
    );

    assert_eq!(status, 502);
    let api = error.api_error().expect("api error");
    assert!(api.errors.is_empty());
    assert_eq!(api.body_snippet.as_deref(), Some(page));
    assert_attempts(&server, 3).await;
}

// ---------------------------------------------------------------------------------------------
// How many retries
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn max_retries_is_set_per_client_and_per_request() {
    let server = scripted(vec![failure(503)]).await;
    let no_retries = builder(&server.uri())
        .max_retries(0)
        .build()
        .expect("client");
    let downloads = no_retries.stream().downloads();

    api_status(downloads.get(ACCOUNT, VIDEO).await);
    assert_eq!(received(&server).await.len(), 1, "client max_retries(0)");

    api_status(downloads.get(ACCOUNT, VIDEO).max_retries(3).await);
    assert_eq!(
        retry_counts(&server).await,
        [FIRST, FIRST, "1", "2", "3"],
        "request max_retries(3) overrides the client's 0"
    );

    let server = scripted(vec![failure(503)]).await;
    api_status(
        client(&server.uri())
            .stream()
            .downloads()
            .get(ACCOUNT, VIDEO)
            .max_retries(0)
            .await,
    );
    assert_attempts(&server, 1).await;
}

// ---------------------------------------------------------------------------------------------
// How long between attempts
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn rate_limit_with_retry_after_in_seconds_is_waited_out() {
    let server = scripted(vec![failure(429).insert_header("retry-after", "1"), ok()]).await;

    let started = Instant::now();
    client(&server.uri())
        .stream()
        .downloads()
        .get(ACCOUNT, VIDEO)
        .await
        .expect("the retry succeeds");
    let elapsed = started.elapsed();

    assert!(elapsed >= ms(1000), "waited only {elapsed:?}");
    assert!(elapsed < ms(3000), "waited {elapsed:?}");
    assert_attempts(&server, 2).await;
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_waited_out() {
    // Dates have whole seconds: two seconds ahead is at least one second away.
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    let server = scripted(vec![
        failure(503).insert_header("retry-after", date.as_str()),
        ok(),
    ])
    .await;

    let started = Instant::now();
    client(&server.uri())
        .stream()
        .downloads()
        .get(ACCOUNT, VIDEO)
        .await
        .expect("the retry succeeds");
    let elapsed = started.elapsed();

    assert!(elapsed >= ms(900), "waited only {elapsed:?} for {date}");
    assert!(elapsed < ms(3000), "waited {elapsed:?} for {date}");
    assert_attempts(&server, 2).await;
}

#[tokio::test]
async fn retry_after_ms_wins_over_retry_after() {
    let server = scripted(vec![
        failure(429)
            .insert_header("retry-after-ms", "150")
            .insert_header("retry-after", "30"),
        ok(),
    ])
    .await;

    let started = Instant::now();
    client(&server.uri())
        .stream()
        .downloads()
        .get(ACCOUNT, VIDEO)
        .await
        .expect("the retry succeeds");
    let elapsed = started.elapsed();

    assert!(elapsed >= ms(150), "waited only {elapsed:?}");
    assert!(
        elapsed < ms(2000),
        "waited {elapsed:?}: `Retry-After: 30` was used"
    );
    assert_attempts(&server, 2).await;
}

#[tokio::test]
async fn retry_after_zero_falls_back_to_the_backoff_instead_of_spinning() {
    // Cloudflare's shape: `Retry-After: 0`, the real delay only in the body.
    let server = scripted(vec![
        ResponseTemplate::new(429)
            .insert_header("retry-after", "0")
            .set_body_json(failure_body(
                971,
                "Please wait and consider throttling your request speed",
            )),
    ])
    .await;
    let client = builder(&server.uri())
        .retry_backoff(ms(80), ms(80))
        .build()
        .expect("client");

    let started = Instant::now();
    let (status, error) = api_status(client.stream().downloads().get(ACCOUNT, VIDEO).await);
    let elapsed = started.elapsed();

    assert_eq!(status, 429);
    assert!(error.is_rate_limited());
    assert_eq!(error.api_error().map(|api| api.errors[0].code), Some(971));
    // Two backoffs of 80 ms, less at most 25 % jitter each.
    assert!(elapsed >= ms(120), "retried too fast: {elapsed:?}");
    assert!(elapsed < ms(2000), "{elapsed:?}");
    assert_attempts(&server, 3).await;
}

#[tokio::test]
async fn absurd_or_unreadable_delays_fall_back_to_the_backoff() {
    let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(3600));
    let server = scripted(vec![
        failure(429).insert_header("retry-after", "86400"),
        failure(503).insert_header("retry-after-ms", "-1"),
        failure(503).insert_header("retry-after", past.as_str()),
        failure(503).insert_header("retry-after", "soon"),
        ok(),
    ])
    .await;

    let started = Instant::now();
    client(&server.uri())
        .stream()
        .downloads()
        .get(ACCOUNT, VIDEO)
        .max_retries(4)
        .await
        .expect("the last retry succeeds");
    let elapsed = started.elapsed();

    assert!(
        elapsed < ms(2000),
        "a server delay was honoured: {elapsed:?}"
    );
    assert_attempts(&server, 5).await;
}

// ---------------------------------------------------------------------------------------------
// Timeouts
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_server_slower_than_the_timeout_times_out_on_every_attempt() {
    let server = scripted(vec![ok().set_delay(Duration::from_secs(3))]).await;
    let client = builder(&server.uri())
        .timeout(ms(150))
        .build()
        .expect("client");

    let started = Instant::now();
    let result = client.stream().downloads().get(ACCOUNT, VIDEO).await;
    let elapsed = started.elapsed();

    match result {
        Err(Error::Timeout { operation, .. }) => assert_eq!(operation, "stream.downloads.get"),
        other => panic!("expected Error::Timeout, got {other:?}"),
    }
    assert!(elapsed >= ms(450), "{elapsed:?}");
    assert!(elapsed < ms(2000), "{elapsed:?}");
    assert_attempts(&server, 3).await;
}

#[tokio::test]
async fn a_slow_first_attempt_is_retried_within_the_per_request_timeout() {
    let server = scripted(vec![ok().set_delay(Duration::from_secs(3)), ok()]).await;

    let started = Instant::now();
    let downloads = client(&server.uri())
        .stream()
        .downloads()
        .get(ACCOUNT, VIDEO)
        .timeout(ms(200))
        .await
        .expect("the retry succeeds");

    assert!(downloads.default.is_some());
    assert!(started.elapsed() < ms(2000), "{:?}", started.elapsed());
    assert_attempts(&server, 2).await;
}

// ---------------------------------------------------------------------------------------------
// Connections that break: a raw TCP server
// ---------------------------------------------------------------------------------------------

/// What the raw server does with one connection, after reading the request head.
#[derive(Clone)]
enum Reply {
    /// Writes these bytes, then resets the connection (`SO_LINGER` 0: an RST, not a FIN).
    Reset(String),
    /// Writes these bytes, then closes the connection normally.
    Close(String),
}

/// A complete response, for the attempt that finally works.
fn complete() -> String {
    let body = ok_body().to_string();
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\
         content-length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// The status line and half a header, then nothing.
const PARTIAL_HEADERS: &str = "HTTP/1.1 200 OK\r\ncontent-type: applic";

/// All headers, then 20 of the 80 promised bytes of body.
const PARTIAL_BODY: &str = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
     content-length: 80\r\n\r\n{\"success\":true,\"err";

/// A loopback HTTP/1.1 server that plays `script`, one reply per connection (the last one for
/// every connection after), and records each request head. It serves at most 16 connections.
struct RawServer {
    uri: String,
    heads: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl RawServer {
    async fn start(script: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let uri = format!("http://{}", listener.local_addr().expect("address"));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&heads);
        let task = tokio::spawn(async move {
            for index in 0..16 {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let reply = script[index.min(script.len() - 1)].clone();
                if let Some(head) = serve(stream, reply).await {
                    recorded.lock().expect("lock").push(head);
                }
            }
        });
        Self { uri, heads, task }
    }

    /// The retry-count header of each request received, in order.
    fn retry_counts(&self) -> Vec<String> {
        let heads = self.heads.lock().expect("lock");
        heads
            .iter()
            .map(|head| {
                head.lines()
                    .find_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        name.eq_ignore_ascii_case(RETRY_COUNT)
                            .then(|| value.trim().to_owned())
                    })
                    .unwrap_or_else(|| FIRST.to_owned())
            })
            .collect()
    }
}

/// Reads one request head (bounded in size and time), then replies as told. Returns the head.
async fn serve(mut stream: TcpStream, reply: Reply) -> Option<String> {
    let mut head = Vec::new();
    let mut buffer = [0_u8; 1024];
    let read_head = async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
            let read = stream.read(&mut buffer).await.ok()?;
            if read == 0 {
                return None;
            }
            head.extend_from_slice(&buffer[..read]);
        }
        Some(())
    };
    tokio::time::timeout(Duration::from_secs(5), read_head)
        .await
        .ok()??;
    let (bytes, reset) = match reply {
        Reply::Reset(bytes) => (bytes, true),
        Reply::Close(bytes) => (bytes, false),
    };
    stream.write_all(bytes.as_bytes()).await.ok()?;
    stream.flush().await.ok()?;
    if reset {
        stream.set_zero_linger().ok()?;
    } else {
        stream.shutdown().await.ok()?;
    }
    drop(stream);
    Some(String::from_utf8_lossy(&head).into_owned())
}

fn connection_error<T: Debug>(result: Result<T, Error>) {
    match result {
        Err(Error::Connection { operation, .. }) => assert_eq!(operation, "stream.downloads.get"),
        other => panic!("expected Error::Connection, got {other:?}"),
    }
}

#[tokio::test]
async fn connection_reset_mid_headers_is_retried_then_a_connection_error() {
    let server = RawServer::start(vec![Reply::Reset(PARTIAL_HEADERS.into())]).await;

    connection_error(
        client(&server.uri)
            .stream()
            .downloads()
            .get(ACCOUNT, VIDEO)
            .await,
    );
    assert_eq!(server.retry_counts(), [FIRST, "1", "2"]);
}

#[tokio::test]
async fn connection_reset_mid_body_is_retried_then_a_connection_error() {
    let server = RawServer::start(vec![Reply::Reset(PARTIAL_BODY.into())]).await;

    connection_error(
        client(&server.uri)
            .stream()
            .downloads()
            .get(ACCOUNT, VIDEO)
            .await,
    );
    assert_eq!(server.retry_counts(), [FIRST, "1", "2"]);
}

#[tokio::test]
async fn connection_closed_mid_body_is_retried_then_a_connection_error() {
    let server = RawServer::start(vec![Reply::Close(PARTIAL_BODY.into())]).await;

    connection_error(
        client(&server.uri)
            .stream()
            .downloads()
            .get(ACCOUNT, VIDEO)
            .await,
    );
    assert_eq!(server.retry_counts(), [FIRST, "1", "2"]);
}

#[tokio::test]
async fn connection_reset_once_then_a_full_response_succeeds() {
    let server = RawServer::start(vec![
        Reply::Reset(PARTIAL_BODY.into()),
        Reply::Close(complete()),
    ])
    .await;

    let downloads = client(&server.uri)
        .stream()
        .downloads()
        .get(ACCOUNT, VIDEO)
        .await
        .expect("the retry succeeds");

    assert_eq!(
        downloads.default.and_then(|d| d.status),
        Some(DownloadStatus::Ready)
    );
    assert_eq!(server.retry_counts(), [FIRST, "1"]);
}

#[tokio::test]
async fn nothing_listening_is_a_connection_error_after_the_retries() {
    let uri = closed_port_uri().await;
    let client = builder(&uri)
        .retry_backoff(ms(60), ms(60))
        .build()
        .expect("client");

    let started = Instant::now();
    connection_error(client.stream().downloads().get(ACCOUNT, VIDEO).await);
    // Two backoffs of 60 ms (less at most 25 % jitter) show that both retries happened.
    assert!(started.elapsed() >= ms(90), "{:?}", started.elapsed());
}

// ---------------------------------------------------------------------------------------------
// Per-request query parameters and client-wide headers
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn query_parameters_and_custom_headers_reach_the_server() {
    let server = scripted(vec![ok()]).await;
    let client = builder(&server.uri())
        .header("cf-access-client-id", "id.access")
        .header("x-shared", "client")
        .build()
        .expect("client");

    client
        .stream()
        .downloads()
        .get(ACCOUNT, VIDEO)
        .query("search", "a b&c=d#e/f")
        .query("tag", "1")
        .query("tag", "2")
        .header("x-shared", "request")
        // The retry count is the client's to set: a first attempt carries none.
        .header(RETRY_COUNT, "7")
        .await
        .expect("get");

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        request.url.path(),
        format!("/accounts/{ACCOUNT}/stream/{VIDEO}/downloads")
    );
    assert_eq!(
        request.url.query(),
        Some("search=a%20b%26c%3Dd%23e%2Ff&tag=1&tag=2")
    );
    let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    assert_eq!(
        pairs,
        [
            ("search".into(), "a b&c=d#e/f".into()),
            ("tag".into(), "1".into()),
            ("tag".into(), "2".into()),
        ]
    );
    let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
    assert_eq!(header("cf-access-client-id"), Some("id.access"));
    assert_eq!(header("x-shared"), Some("request"));
    assert_eq!(header(RETRY_COUNT), None);
    let bearer = format!("Bearer {TOKEN}");
    assert_eq!(header("authorization"), Some(bearer.as_str()));
}

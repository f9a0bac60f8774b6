//! End-to-end tests: the SDK against a real HTTP server on loopback.
//!
//! Each test starts its own wiremock [`MockServer`], points a [`Client`] at it and checks both
//! sides of the wire: what the server received (method, raw path, headers, body) and what the
//! caller got back (typed values, or a typed [`Error`]).
//!
//! Response bodies are the `example`s of the OpenAPI description in `spec/`, read at test time
//! through the generator's own loader (`codegen::Spec`, which also follows the `$ref` from
//! `downloads.yaml` to the failure envelope in `common.yaml`), so the tests follow the spec
//! rather than a copy of it.

use std::fmt::Debug;
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use cloudflare_stream::{
    ApiError, ApiMessage, Client, CreatedDownload, Credentials, Download, DownloadStatus,
    DownloadType, Error,
};
use codegen::Spec;
use serde_json::{Value, json};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::{
    ACCOUNT, TOKEN, VIDEO, builder, client, envelope, received, server_answering,
};

/// The raw path of the downloads of [`VIDEO`] in [`ACCOUNT`].
const DOWNLOADS: &str =
    "/accounts/023e105f4ecef8ad9ca31a8372d0c353/stream/ea95132c15732412d22c1476fa83f27a/downloads";

// The spec's operation ids.
const LIST: &str = "stream-downloads-list";
const CREATE: &str = "stream-downloads-create";
const DELETE: &str = "stream-downloads-delete";
const CREATE_TYPE: &str = "stream-downloads-create-type";
const DELETE_TYPE: &str = "stream-downloads-delete-type";

// ---------------------------------------------------------------------------------------------
// The spec's examples
// ---------------------------------------------------------------------------------------------

/// The spec in `spec/`, loaded once for every test.
fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec");
        Spec::load_dir(&dir).unwrap_or_else(|e| panic!("cannot load {}: {e}", dir.display()))
    })
}

/// The `application/json` example of the `status` response (`"200"`, `"4XX"`) of the operation
/// `operation_id`, following `$ref`s across spec files.
fn spec_example(operation_id: &str, status: &str) -> Value {
    let spec = spec();
    for (file, spec_file) in spec.files.iter().enumerate() {
        let operations = spec_file
            .doc
            .paths
            .paths
            .values()
            .filter_map(|item| item.as_item())
            .flat_map(|item| item.iter());
        for (_, operation) in operations {
            if operation.operation_id.as_deref() != Some(operation_id) {
                continue;
            }
            let (_, response) = operation
                .responses
                .responses
                .iter()
                .find(|(code, _)| code.to_string() == status)
                .unwrap_or_else(|| panic!("`{operation_id}` has no {status} response"));
            let response = spec
                .response(file, &spec.root(file), response)
                .unwrap_or_else(|e| panic!("`{operation_id}` {status}: {e}"));
            return response
                .value
                .content
                .get("application/json")
                .and_then(|media| media.example.clone())
                .unwrap_or_else(|| panic!("`{operation_id}` {status} has no JSON example"));
        }
    }
    panic!("no operation `{operation_id}` in spec/")
}

/// The 200 example of `operation_id`: a success envelope.
fn success_example(operation_id: &str) -> Value {
    let example = spec_example(operation_id, "200");
    assert_eq!(example["success"], json!(true), "{operation_id}: {example}");
    example
}

/// The spec's failure envelope (`common.yaml#/components/responses/Failure`, the 4XX response
/// of every operation).
fn failure_example() -> Value {
    let example = spec_example(LIST, "4XX");
    assert_eq!(example["success"], json!(false), "{example}");
    example
}

// ---------------------------------------------------------------------------------------------
// Servers and clients
// ---------------------------------------------------------------------------------------------

/// A server answering `http_method raw_path` once with `body` as JSON; anything else gets
/// wiremock's 404, and the server panics on drop unless the call came exactly once.
async fn server_for(http_method: &str, raw_path: &str, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(http_method))
        .and(path(raw_path))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    server
}

/// A server answering every request with `status` and `body` as JSON.
async fn server_json(status: u16, body: Value) -> MockServer {
    server_answering(ResponseTemplate::new(status).set_body_json(body)).await
}

/// A server answering every request with `status` and `body` verbatim.
async fn server_raw(status: u16, body: &str, mime: &str) -> MockServer {
    server_answering(ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), mime))
        .await
}

/// The one request `server` received.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = received(server).await;
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

// ---------------------------------------------------------------------------------------------
// Assertions
// ---------------------------------------------------------------------------------------------

fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
}

/// Checks the method and the raw (still percent-encoded) path.
fn assert_line(request: &Request, http_method: &str, raw_path: &str) {
    assert_eq!(request.method.as_str(), http_method);
    assert_eq!(request.url.path(), raw_path);
    assert_eq!(request.url.query(), None);
}

/// Checks what every call sends: the bearer token, `Accept` and the SDK's `User-Agent`.
fn assert_standard_headers(request: &Request) {
    let bearer = format!("Bearer {TOKEN}");
    assert_eq!(header(request, "authorization"), Some(bearer.as_str()));
    assert_eq!(header(request, "accept"), Some("application/json"));
    let agent = header(request, "user-agent").unwrap_or_default();
    assert!(
        agent.starts_with("cloudflare-stream-rust/"),
        "User-Agent: {agent:?}"
    );
}

fn assert_no_body(request: &Request) {
    assert!(request.body.is_empty(), "body: {:?}", request.body);
    assert_eq!(header(request, "content-type"), None);
}

/// Checks a decoded download against its JSON in a response body.
fn assert_download(actual: Option<&Download>, expected: &Value) {
    let actual = actual.unwrap_or_else(|| panic!("missing download, expected {expected}"));
    assert_eq!(
        actual.percent_complete,
        expected["percentComplete"].as_f64()
    );
    assert_eq!(
        actual.status.as_ref().map(DownloadStatus::as_str),
        expected["status"].as_str()
    );
    assert_eq!(actual.url.as_deref(), expected["url"].as_str());
}

/// Checks decoded messages field by field against their JSON in a response body.
fn assert_messages(actual: &[ApiMessage], expected: &Value) {
    let expected = expected
        .as_array()
        .unwrap_or_else(|| panic!("not a list of messages: {expected}"));
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (actual, expected) in actual.iter().zip(expected) {
        assert_eq!(Some(actual.code), expected["code"].as_i64());
        assert_eq!(Some(actual.message.as_str()), expected["message"].as_str());
        assert_eq!(
            actual.documentation_url.as_deref(),
            expected["documentation_url"].as_str()
        );
        assert_eq!(
            actual
                .source
                .as_ref()
                .and_then(|source| source.pointer.as_deref()),
            expected["source"]["pointer"].as_str()
        );
    }
}

/// The [`ApiError`] inside `result`.
fn api_error<T: Debug>(result: Result<T, Error>) -> ApiError {
    match result {
        Err(Error::Api(api)) => *api,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

/// The `(status, operation, message, body_snippet)` of the [`Error::Decode`] inside `result`.
fn decode_error<T: Debug>(result: Result<T, Error>) -> (u16, &'static str, String, String) {
    match result {
        Err(Error::Decode {
            operation,
            status,
            message,
            body_snippet,
        }) => (status.as_u16(), operation, message, body_snippet),
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The five operations
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_lists_the_downloads_of_a_video() {
    let example = success_example(LIST);
    let server = server_for("GET", DOWNLOADS, example.clone()).await;

    let downloads = client(&server.uri())
        .stream()
        .downloads()
        .get(ACCOUNT, VIDEO)
        .await
        .expect("get");

    let request = only_request(&server).await;
    assert_line(&request, "GET", DOWNLOADS);
    assert_standard_headers(&request);
    assert_no_body(&request);

    let audio = downloads.audio.as_ref();
    assert_eq!(
        audio.and_then(|d| d.status.clone()),
        Some(DownloadStatus::Ready)
    );
    assert_eq!(audio.and_then(|d| d.percent_complete), Some(100.0));
    assert_download(audio, &example["result"]["audio"]);
    assert!(
        audio
            .and_then(|d| d.url.as_deref())
            .is_some_and(|url| url.ends_with("/audio.m4a"))
    );

    let default = downloads.default.as_ref();
    assert_eq!(
        default.and_then(|d| d.status.clone()),
        Some(DownloadStatus::Inprogress)
    );
    assert_eq!(default.and_then(|d| d.percent_complete), Some(75.5));
    assert_download(default, &example["result"]["default"]);
}

#[tokio::test]
async fn create_sends_no_body_and_reads_the_keyed_answer() {
    let example = success_example(CREATE);
    let server = server_for("POST", DOWNLOADS, example.clone()).await;

    let created = client(&server.uri())
        .stream()
        .downloads()
        .create(ACCOUNT, VIDEO)
        .await
        .expect("create");

    let request = only_request(&server).await;
    assert_line(&request, "POST", DOWNLOADS);
    assert_standard_headers(&request);
    assert_eq!(header(&request, "content-type"), None);
    assert!(request.body.is_empty(), "a body was sent");

    assert!(
        matches!(created, CreatedDownload::KeyedDownloads(_)),
        "{created:?}"
    );
    let download = created.download();
    assert_eq!(download.status, Some(DownloadStatus::Inprogress));
    assert_eq!(download.percent_complete, Some(0.0));
    assert!(download.url.is_some(), "the URL is there from creation");
    assert_download(Some(download), &example["result"]["default"]);
}

#[tokio::test]
async fn create_reads_the_flat_answer_too() {
    let flat = json!({"success": true, "errors": [], "messages": [],
        "result": {"percentComplete": 0, "status": "inprogress", "url": "https://u/default.mp4"}});
    let server = server_for("POST", DOWNLOADS, flat.clone()).await;
    let created = client(&server.uri())
        .stream()
        .downloads()
        .create(ACCOUNT, VIDEO)
        .await
        .expect("create");
    assert!(
        matches!(created, CreatedDownload::Download(_)),
        "{created:?}"
    );
    assert_download(Some(created.download()), &flat["result"]);
}

#[tokio::test]
async fn delete_removes_the_default_download() {
    let server = server_for("DELETE", DOWNLOADS, success_example(DELETE)).await;

    let result = client(&server.uri())
        .stream()
        .downloads()
        .delete(ACCOUNT, VIDEO)
        .await
        .expect("delete");

    let request = only_request(&server).await;
    assert_line(&request, "DELETE", DOWNLOADS);
    assert_standard_headers(&request);
    assert_no_body(&request);
    assert_eq!(result, "ok");
}

#[tokio::test]
async fn create_type_posts_to_the_download_type() {
    let example = success_example(CREATE_TYPE);
    let audio_path = format!("{DOWNLOADS}/audio");
    let server = server_for("POST", &audio_path, example.clone()).await;

    let downloads = client(&server.uri())
        .stream()
        .downloads()
        .create_type(ACCOUNT, VIDEO, DownloadType::Audio)
        .await
        .expect("create_type");

    let request = only_request(&server).await;
    assert_line(&request, "POST", &audio_path);
    assert_standard_headers(&request);
    // The spec gives this operation no request body.
    assert_no_body(&request);

    let audio = downloads.audio.as_ref();
    assert_eq!(
        audio.and_then(|d| d.status.clone()),
        Some(DownloadStatus::Inprogress)
    );
    assert_download(audio, &example["result"]["audio"]);
    assert_eq!(downloads.default, None);
}

#[tokio::test]
async fn delete_type_deletes_the_download_type() {
    let default_path = format!("{DOWNLOADS}/default");
    let server = server_for("DELETE", &default_path, success_example(DELETE_TYPE)).await;

    let result = client(&server.uri())
        .stream()
        .downloads()
        .delete_type(ACCOUNT, VIDEO, DownloadType::Default)
        .await
        .expect("delete_type");

    let request = only_request(&server).await;
    assert_line(&request, "DELETE", &default_path);
    assert_standard_headers(&request);
    assert_no_body(&request);
    assert_eq!(result, "ok");
}

#[tokio::test]
async fn unknown_download_type_is_sent_as_its_own_segment() {
    let hls_path = format!("{DOWNLOADS}/hls");
    let server = MockServer::start().await;
    for (http_method, operation_id) in [("POST", CREATE_TYPE), ("DELETE", DELETE_TYPE)] {
        Mock::given(method(http_method))
            .and(path(hls_path.as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(success_example(operation_id)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server.uri());
    let downloads = client.stream().downloads();

    let hls = || DownloadType::Unknown("hls".into());
    downloads
        .create_type(ACCOUNT, VIDEO, hls())
        .await
        .expect("create_type hls");
    let deleted = downloads
        .delete_type(ACCOUNT, VIDEO, hls())
        .await
        .expect("delete_type hls");
    assert_eq!(deleted, "ok");

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_line(&requests[0], "POST", &hls_path);
    assert_line(&requests[1], "DELETE", &hls_path);
}

// ---------------------------------------------------------------------------------------------
// Client configuration
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn api_key_credentials_send_email_and_key_without_authorization() {
    let server = server_for("DELETE", DOWNLOADS, success_example(DELETE)).await;
    let client = Client::builder()
        .credentials(Credentials::ApiKey {
            email: "user@example.com".into(),
            key: "global-api-key".into(),
        })
        .base_url(server.uri())
        .build()
        .expect("client");

    let result = client
        .stream()
        .downloads()
        .delete(ACCOUNT, VIDEO)
        .await
        .expect("delete");
    assert_eq!(result, "ok");

    let request = only_request(&server).await;
    assert_eq!(header(&request, "x-auth-email"), Some("user@example.com"));
    assert_eq!(header(&request, "x-auth-key"), Some("global-api-key"));
    assert_eq!(header(&request, "authorization"), None);
}

#[tokio::test]
async fn base_url_path_prefix_is_kept() {
    let prefixed = format!("/client/v4{DOWNLOADS}");
    let server = server_for("GET", &prefixed, success_example(LIST)).await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(format!("{}/client/v4/", server.uri()))
        .build()
        .expect("client");

    client
        .stream()
        .downloads()
        .get(ACCOUNT, VIDEO)
        .await
        .expect("get");
    assert_line(&only_request(&server).await, "GET", &prefixed);
}

// ---------------------------------------------------------------------------------------------
// Failures
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn failure_envelope_from_the_spec_becomes_an_api_error() {
    let example = failure_example();
    let server = server_answering(
        ResponseTemplate::new(404)
            .set_body_json(example.clone())
            .insert_header("cf-ray", "8f00aa11bb22cc33-LHR"),
    )
    .await;

    let error = client(&server.uri())
        .stream()
        .downloads()
        .get(ACCOUNT, VIDEO)
        .await
        .expect_err("a 404 must fail");

    assert!(error.is_not_found(), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let message = error.to_string();
    assert!(message.contains("stream.downloads.get"), "{message}");
    assert!(message.contains("10005"), "{message}");

    let api = api_error::<()>(Err(error));
    assert_eq!(api.operation, "stream.downloads.get");
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.errors.len(), 1);
    assert_messages(&api.errors, &example["errors"]);
    assert_eq!(
        api.errors[0]
            .source
            .as_ref()
            .and_then(|s| s.pointer.as_deref()),
        Some("/identifier")
    );
    assert_messages(&api.messages, &example["messages"]);
    assert_eq!(api.body_snippet, None);
    assert_eq!(
        api.headers.get("cf-ray").and_then(|v| v.to_str().ok()),
        Some("8f00aa11bb22cc33-LHR")
    );
    assert_eq!(only_request(&server).await.url.path(), DOWNLOADS);
}

#[tokio::test]
async fn every_error_of_a_failure_is_exposed() {
    let body = json!({
        "success": false,
        "errors": [
            {
                "code": 10005,
                "message": "The video was not found.",
                "documentation_url": "https://developers.cloudflare.com/stream/",
                "source": {"pointer": "/identifier"}
            },
            {"code": 10011, "message": "Download type not supported.", "source": {"pointer": "/download_type"}},
            {"code": 10000, "message": "Authentication error", "documentation_url": "https://developers.cloudflare.com/fundamentals/api/"}
        ],
        "messages": [{"code": 1001, "message": "See the documentation."}],
        "result": null
    });
    let server = server_json(400, body.clone()).await;

    let api = api_error(
        client(&server.uri())
            .stream()
            .downloads()
            .create_type(ACCOUNT, VIDEO, DownloadType::Audio)
            .await,
    );
    assert_eq!(api.operation, "stream.downloads.create_type");
    assert_eq!(api.status.as_u16(), 400);
    assert_eq!(api.errors.len(), 3);
    assert_messages(&api.errors, &body["errors"]);
    assert_eq!(api.errors[1].code, 10011);
    assert_eq!(api.errors[1].documentation_url, None);
    assert_eq!(api.errors[2].source, None);
    assert_messages(&api.messages, &body["messages"]);
    assert_eq!(api.body_snippet, None);
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn status_predicates_classify_failures() {
    // (status, unauthorized, forbidden, not found, rate limited, server error, attempts)
    let cases = [
        (400, false, false, false, false, false, 1),
        (401, true, false, false, false, false, 1),
        (403, false, true, false, false, false, 1),
        (404, false, false, true, false, false, 1),
        (429, false, false, false, true, false, 3),
        (500, false, false, false, false, true, 3),
        (503, false, false, false, false, true, 3),
    ];
    for (status, unauthorized, forbidden, not_found, rate_limited, server_error, attempts) in cases
    {
        let server = server_json(status, failure_example()).await;
        let error = client(&server.uri())
            .stream()
            .downloads()
            .delete(ACCOUNT, VIDEO)
            .await
            .expect_err("a failure status must fail");
        assert!(matches!(error, Error::Api(_)), "{status}: {error:?}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(
            (
                error.is_unauthorized(),
                error.is_forbidden(),
                error.is_not_found(),
                error.is_rate_limited(),
                error.is_server_error(),
            ),
            (
                unauthorized,
                forbidden,
                not_found,
                rate_limited,
                server_error
            ),
            "HTTP {status}"
        );
        assert_eq!(received(&server).await.len(), attempts, "HTTP {status}");
    }
}

#[tokio::test]
async fn success_false_with_http_200_is_an_api_error() {
    let example = failure_example();
    let server = server_json(200, example.clone()).await;

    let api = api_error(
        client(&server.uri())
            .stream()
            .downloads()
            .create(ACCOUNT, VIDEO)
            .await,
    );
    assert_eq!(api.operation, "stream.downloads.create");
    assert_eq!(api.status.as_u16(), 200);
    assert_messages(&api.errors, &example["errors"]);
    assert!(!api.errors.is_empty());
    // A refusal is final: not retried.
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn html_502_is_an_api_error_with_a_body_snippet() {
    let page = "<html><head><title>502 Bad Gateway</title></head>\
                <body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>";
    let server = server_raw(502, page, "text/html").await;

    let error = client(&server.uri())
        .stream()
        .downloads()
        .get(ACCOUNT, VIDEO)
        .await
        .expect_err("a 502 must fail");
    assert!(error.is_server_error(), "{error:?}");
    let api = api_error::<()>(Err(error));
    assert_eq!(api.status.as_u16(), 502);
    assert!(api.errors.is_empty());
    assert_eq!(api.body_snippet.as_deref(), Some(page));
    // A 502 is retried twice before it is reported.
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn huge_error_pages_are_cut_to_a_short_snippet() {
    let page = format!("<html>{}</html>", "x".repeat(4000));
    let server = server_raw(503, &page, "text/html").await;

    let api = api_error(
        client(&server.uri())
            .stream()
            .downloads()
            .get(ACCOUNT, VIDEO)
            .await,
    );
    assert_eq!(api.status.as_u16(), 503);
    let snippet = api.body_snippet.unwrap_or_default();
    assert_eq!(snippet.len(), 512);
    assert!(page.starts_with(&snippet));
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn malformed_json_with_http_200_is_a_decode_error() {
    let truncated = r#"{"success": true, "errors": [], "result": {"audio": "#;
    let server = server_raw(200, truncated, "application/json").await;
    let (status, operation, _, snippet) = decode_error(
        client(&server.uri())
            .stream()
            .downloads()
            .get(ACCOUNT, VIDEO)
            .await,
    );
    assert_eq!((status, operation), (200, "stream.downloads.get"));
    assert_eq!(snippet, truncated);
    // The request happened: a body that does not decode is not a reason to send it again.
    assert_eq!(received(&server).await.len(), 1);

    // Well-formed JSON of the wrong shape is no better.
    let server = server_json(200, envelope(json!({"audio": {"status": 7}}))).await;
    let (status, _, message, _) = decode_error(
        client(&server.uri())
            .stream()
            .downloads()
            .get(ACCOUNT, VIDEO)
            .await,
    );
    assert_eq!(status, 200);
    assert!(message.contains("invalid type"), "{message}");
}

#[tokio::test]
async fn empty_body_with_http_200_is_a_decode_error() {
    let server = server_raw(200, "", "application/json").await;
    let client = client(&server.uri());
    let downloads = client.stream().downloads();

    let (status, operation, message, snippet) = decode_error(downloads.get(ACCOUNT, VIDEO).await);
    assert_eq!((status, operation), (200, "stream.downloads.get"));
    assert!(message.contains("no result"), "{message}");
    assert_eq!(snippet, "");

    let (status, operation, _, _) = decode_error(downloads.delete(ACCOUNT, VIDEO).await);
    assert_eq!((status, operation), (200, "stream.downloads.delete"));
    assert_eq!(received(&server).await.len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Forward compatibility
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn unknown_status_and_extra_fields_are_tolerated() {
    let mut body = envelope(json!({
        "default": {"percentComplete": 12.5, "status": "queued", "etaSeconds": 30},
        "hls": {"percentComplete": 0, "status": "inprogress"}
    }));
    body["result_info"] = json!({"count": 1});
    let server = server_json(200, body).await;

    // By default a newer service decodes, and the drift is a warning.
    let lenient = builder(&server.uri())
        .strict_decoding(false)
        .build()
        .expect("a client");
    let downloads = lenient
        .stream()
        .downloads()
        .get(ACCOUNT, VIDEO)
        .await
        .expect("get");

    let default = downloads.default.expect("default download");
    assert_eq!(
        default.status,
        Some(DownloadStatus::Unknown("queued".into()))
    );
    assert_eq!(
        default.status.as_ref().map(DownloadStatus::as_str),
        Some("queued")
    );
    assert_eq!(default.percent_complete, Some(12.5));
    assert_eq!(default.url, None);
    assert_eq!(downloads.audio, None);

    // Strictly, the same body is an error naming every place it drifts (the envelope's own
    // `result_info` is not the result's).
    let strict = client(&server.uri())
        .stream()
        .downloads()
        .get(ACCOUNT, VIDEO)
        .await
        .expect_err("strict decoding refuses drift");
    let Error::Decode { message, .. } = &strict else {
        panic!("{strict:?}");
    };
    for place in [
        "/result/default/status: `queued` is not a value of `DownloadStatus`",
        "/result/default/etaSeconds: a property its type does not declare",
        "/result/hls: a property its type does not declare",
    ] {
        assert!(message.contains(place), "{place} in {message}");
    }
    assert!(!message.contains("result_info"), "{message}");
}

// ---------------------------------------------------------------------------------------------
// Path parameters
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn path_parameters_are_percent_encoded_as_one_segment() {
    let long_unicode = "é".repeat(32); // 32 characters (the limit), 64 bytes
    let long_unicode_encoded = "%C3%A9".repeat(32);
    let cases = [
        ("a/b", "a%2Fb"),
        ("what?x=1", "what%3Fx%3D1"),
        ("frag#ment", "frag%23ment"),
        ("100%", "100%25"),
        ("two words", "two%20words"),
        ("a+b", "a%2Bb"),
        ("../etc", "..%2Fetc"),
        ("...", "..."),
        ("vidéo 日本", "vid%C3%A9o%20%E6%97%A5%E6%9C%AC"),
        (long_unicode.as_str(), long_unicode_encoded.as_str()),
    ];
    let server = server_json(200, success_example(LIST)).await;
    let client = client(&server.uri());
    let downloads = client.stream().downloads();

    let mut expected = Vec::new();
    for (value, encoded) in cases {
        downloads
            .get(ACCOUNT, value)
            .await
            .unwrap_or_else(|e| panic!("identifier {value:?}: {e}"));
        expected.push(format!("/accounts/{ACCOUNT}/stream/{encoded}/downloads"));
        downloads
            .get(value, VIDEO)
            .await
            .unwrap_or_else(|e| panic!("account_id {value:?}: {e}"));
        expected.push(format!("/accounts/{encoded}/stream/{VIDEO}/downloads"));
    }

    let paths: Vec<String> = received(&server)
        .await
        .iter()
        .map(|request| {
            assert_eq!(request.url.query(), None, "{}", request.url);
            request.url.path().to_owned()
        })
        .collect();
    assert_eq!(paths, expected);
    assert!(paths.iter().all(|p| !p.contains('+') && !p.contains(' ')));
}

#[tokio::test]
async fn invalid_path_parameters_are_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(success_example(LIST)))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let downloads = client.stream().downloads();
    let too_long = format!("{ACCOUNT}0");
    assert_eq!(too_long.len(), 33);

    // (what the call got, the operation, the parameter, part of the message)
    let outcomes = [
        (
            downloads.get(ACCOUNT, ".").await.err(),
            "stream.downloads.get",
            "identifier",
            "`.` or `..`",
        ),
        (
            downloads.delete(ACCOUNT, "..").await.err(),
            "stream.downloads.delete",
            "identifier",
            "`.` or `..`",
        ),
        (
            downloads.create(".", VIDEO).await.err(),
            "stream.downloads.create",
            "account_id",
            "`.` or `..`",
        ),
        (
            downloads.get(ACCOUNT, "").await.err(),
            "stream.downloads.get",
            "identifier",
            "must not be empty",
        ),
        (
            downloads.create("", VIDEO).await.err(),
            "stream.downloads.create",
            "account_id",
            "must not be empty",
        ),
        (
            downloads.get(&too_long, VIDEO).await.err(),
            "stream.downloads.get",
            "account_id",
            "at most 32",
        ),
        (
            downloads
                .create_type(ACCOUNT, VIDEO, DownloadType::Unknown("..".into()))
                .await
                .err(),
            "stream.downloads.create_type",
            "download_type",
            "`.` or `..`",
        ),
        (
            downloads
                .delete_type(ACCOUNT, VIDEO, DownloadType::Unknown(String::new()))
                .await
                .err(),
            "stream.downloads.delete_type",
            "download_type",
            "must not be empty",
        ),
    ];
    for (error, expected_operation, parameter, fragment) in outcomes {
        match error {
            Some(Error::InvalidRequest { operation, message }) => {
                assert_eq!(operation, expected_operation, "{message}");
                assert!(message.contains(&format!("`{parameter}`")), "{message}");
                assert!(message.contains(fragment), "{message}");
            }
            other => panic!("{expected_operation}: expected InvalidRequest, got {other:?}"),
        }
    }

    assert!(
        received(&server).await.is_empty(),
        "a refused call reached the server"
    );
    server.verify().await;
}

// ---------------------------------------------------------------------------------------------
// Per-request options and the full response
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn send_with_response_exposes_status_headers_and_messages() {
    let mut body = success_example(LIST);
    body["messages"] = json!([{"code": 1001, "message": "Generation is queued."}]);
    let server = server_answering(
        ResponseTemplate::new(200)
            .set_body_json(body.clone())
            .insert_header("cf-ray", "8f00aa11bb22cc33-LHR"),
    )
    .await;

    let response = client(&server.uri())
        .stream()
        .downloads()
        .get(ACCOUNT, VIDEO)
        .send_with_response()
        .await
        .expect("get");

    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(
        response.headers.get("cf-ray").and_then(|v| v.to_str().ok()),
        Some("8f00aa11bb22cc33-LHR")
    );
    assert_messages(&response.messages, &body["messages"]);
    assert_eq!(
        response.value.audio.and_then(|d| d.status),
        Some(DownloadStatus::Ready)
    );
}

#[tokio::test]
async fn per_request_header_reaches_the_server() {
    let server = server_for("GET", DOWNLOADS, success_example(LIST)).await;

    client(&server.uri())
        .stream()
        .downloads()
        .get(ACCOUNT, VIDEO)
        .header("x-extra", "1")
        .await
        .expect("get");

    let request = only_request(&server).await;
    assert_eq!(header(&request, "x-extra"), Some("1"));
    assert_standard_headers(&request);
}

#[tokio::test]
async fn per_request_timeout_gives_up_on_a_slow_server() {
    let server = server_answering(
        ResponseTemplate::new(200)
            .set_body_json(success_example(LIST))
            .set_delay(Duration::from_secs(2)),
    )
    .await;

    let started = Instant::now();
    let result = client(&server.uri())
        .stream()
        .downloads()
        .get(ACCOUNT, VIDEO)
        .timeout(Duration::from_millis(100))
        .await;
    let elapsed = started.elapsed();

    match result {
        Err(Error::Timeout { operation, .. }) => assert_eq!(operation, "stream.downloads.get"),
        other => panic!("expected Error::Timeout, got {other:?}"),
    }
    // Three attempts of 100 ms each (a timeout is retried), and short backoffs between them.
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
    assert_eq!(received(&server).await.len(), 3);
}

//! The emulator serving a spec folder (`EmulatorConfig::spec_dir`, `--spec DIR`), over HTTP
//! with an independent client: every operation of Cloudflare's Stream schema answers a valid
//! request, invalid ones are refused with the JSON pointer of the problem, collections
//! remember what was created, credentials and faults apply, and the downloads routes keep
//! their state beside the project's own spec.
//!
//! Cloudflare's schema is read from `schemas/cloudflare/`, vendored in the repository.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cloudflare_stream_emulator::{Emulator, EmulatorConfig, Fault, SeedVideo, VideoKind, seeds};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;

/// Cloudflare's whole Stream schema (25 paths, 43 operations), vendored in the repository.
fn cloudflare_schema() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/cloudflare/cloudflare-stream.yaml")
}

/// A scratch folder holding `files` (copied), and an emulator serving it.
async fn serve(files: &[PathBuf]) -> (Emulator, TempDir) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for file in files {
        let name = file.file_name().unwrap_or_default();
        std::fs::copy(file, dir.path().join(name)).unwrap_or_else(|e| panic!("{e}"));
    }
    let emulator = Emulator::start_with(EmulatorConfig {
        generation_time: Duration::ZERO,
        spec_dir: Some(dir.path().to_path_buf()),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("cannot serve {}: {e}", dir.path().display()));
    (emulator, dir)
}

/// An emulator serving a folder that holds only Cloudflare's Stream schema.
async fn stream_emulator() -> (Emulator, TempDir) {
    serve(&[cloudflare_schema()]).await
}

/// The account's base path: `/accounts/{account}`.
fn account(path: &str) -> String {
    format!("/accounts/{}{path}", seeds::ACCOUNT_ID)
}

enum Body {
    None,
    Json(Value),
    Form(Vec<(&'static str, &'static str)>),
    Text(&'static str),
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }

    /// The `result` of a success envelope.
    fn ok(&self) -> Value {
        assert!(self.status.is_success(), "{}: {}", self.status, self.text);
        let body = self.json();
        assert_eq!(body["success"], json!(true), "{body}");
        assert_eq!(body["errors"], json!([]), "{body}");
        assert_eq!(body["messages"], json!([]), "{body}");
        assert!(body.get("result").is_some(), "no result: {body}");
        body["result"].clone()
    }

    /// `(code, pointer)` of each error of a failure envelope with `status`.
    fn refused(&self, status: StatusCode) -> Vec<(i64, String)> {
        assert_eq!(self.status, status, "{}", self.text);
        let body = self.json();
        assert_eq!(body["success"], json!(false), "{body}");
        assert_eq!(body["result"], Value::Null, "{body}");
        assert_eq!(body["messages"], json!([]), "{body}");
        body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("no errors: {body}"))
            .iter()
            .map(|error| {
                assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
                (
                    error["code"].as_i64().unwrap_or(-1),
                    error["source"]["pointer"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                )
            })
            .collect()
    }
}

/// A request with the token, `headers` and `body`.
async fn send(
    emulator: &Emulator,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Body,
) -> Reply {
    let http = reqwest::Client::new();
    let mut request = http
        .request(method, format!("{}{path}", emulator.base_url()))
        .bearer_auth(seeds::API_TOKEN);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request = match body {
        Body::None => request,
        Body::Json(value) => request.json(&value),
        Body::Form(fields) => {
            let mut form = reqwest::multipart::Form::new();
            for (name, value) in fields {
                form = form.text(name, value);
            }
            request.multipart(form)
        }
        Body::Text(text) => request.body(text),
    };
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    Reply {
        status: response.status(),
        headers: response.headers().clone(),
        text: response.text().await.unwrap_or_default(),
    }
}

async fn post(emulator: &Emulator, path: &str, body: Body, headers: &[(&str, &str)]) -> Reply {
    send(emulator, Method::POST, path, headers, body).await
}

async fn get(emulator: &Emulator, path: &str) -> Reply {
    send(emulator, Method::GET, path, &[], Body::None).await
}

/// What a valid answer carries.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// The success envelope, with a `result` of this JSON type.
    Result(&'static str),
    /// JSON of this type, not in an envelope.
    Bare(&'static str),
    /// Any JSON (the schema gives none).
    Json,
    /// A WebVTT document.
    Vtt,
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// One valid call per operation of Cloudflare's Stream schema: its template (as in the
/// schema, to check all are here), a path suffix for query strings, headers, body, what the
/// answer carries, and the placeholder a created identifier fills.
struct Call {
    method: Method,
    template: &'static str,
    query: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    body: Body,
    expect: Expect,
    creates: Option<(&'static str, &'static str)>,
}

fn call(method: Method, template: &'static str, body: Body, expect: Expect) -> Call {
    Call {
        method,
        template,
        query: "",
        headers: Vec::new(),
        body,
        expect,
        creates: None,
    }
}

impl Call {
    fn query(mut self, query: &'static str) -> Self {
        self.query = query;
        self
    }

    fn headers(mut self, headers: &[(&'static str, &'static str)]) -> Self {
        self.headers = headers.to_vec();
        self
    }

    /// The result's `field` becomes the value of `placeholder` in later calls.
    fn creates(mut self, placeholder: &'static str, field: &'static str) -> Self {
        self.creates = Some((placeholder, field));
        self
    }
}

/// `template` with its parameters filled: an `{identifier}` after `keys` is the key created,
/// after `watermarks` the watermark, after `stream` the seeded video.
fn fill(template: &str, ids: &HashMap<&str, String>) -> String {
    let mut previous = "";
    let mut path = String::new();
    for segment in template.trim_start_matches('/').split('/') {
        let value = match segment {
            "{account_id}" => seeds::ACCOUNT_ID.to_owned(),
            "{identifier}" => match previous {
                "keys" => ids["key"].clone(),
                "watermarks" => ids["watermark"].clone(),
                _ => ids["video"].clone(),
            },
            "{live_input_identifier}" => ids["live_input"].clone(),
            "{output_identifier}" => ids["output"].clone(),
            "{audio_identifier}" => ids["audio"].clone(),
            "{language}" => "tr".to_owned(),
            literal => literal.to_owned(),
        };
        path.push('/');
        path.push_str(&value);
        previous = segment;
    }
    path
}

/// Every `(METHOD, path)` of a spec file.
fn operations_of(file: &Path) -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{e}"));
    let doc: Value = yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let mut found = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in [
            "get", "put", "post", "delete", "patch", "head", "options", "trace",
        ] {
            if item.get(method).is_some() {
                found.insert((method.to_ascii_uppercase(), path.clone()));
            }
        }
    }
    found
}

fn stream_calls() -> Vec<Call> {
    use Expect::{Bare, Json, Result, Vtt};
    use Method as M;
    let empty = || Body::Json(json!({}));
    let object = Result("object");
    let vtt_file = "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nMerhaba\n";
    vec![
        // Videos.
        call(
            M::GET,
            "/accounts/{account_id}/stream",
            Body::None,
            Result("array"),
        )
        .query("?status=ready&asc=true&start=2014-01-02T02:20:00Z&include_counts=true"),
        call(M::POST, "/accounts/{account_id}/stream", empty(), Json)
            .headers(&[("Tus-Resumable", "1.0.0"), ("Upload-Length", "1024")]),
        call(
            M::POST,
            "/accounts/{account_id}/stream/clip",
            Body::Json(json!({"clippedFromVideoUID": seeds::VIDEO_ID,
                              "startTimeSeconds": 0, "endTimeSeconds": 10})),
            object,
        ),
        call(
            M::POST,
            "/accounts/{account_id}/stream/copy",
            Body::Json(json!({"url": "https://example.com/myvideo.mp4"})),
            object,
        )
        .headers(&[("Upload-Creator", "creator-1")]),
        call(
            M::POST,
            "/accounts/{account_id}/stream/direct_upload",
            Body::Json(json!({"maxDurationSeconds": 3600})),
            object,
        ),
        call(
            M::GET,
            "/accounts/{account_id}/stream/storage-usage",
            Body::None,
            object,
        )
        .query("?creator=creator-1"),
        call(
            M::GET,
            "/accounts/{account_id}/stream/{identifier}",
            Body::None,
            object,
        ),
        call(
            M::POST,
            "/accounts/{account_id}/stream/{identifier}",
            Body::Json(json!({"meta": {"name": "renamed.mp4"}})),
            object,
        ),
        call(
            M::GET,
            "/accounts/{account_id}/stream/{identifier}/embed",
            Body::None,
            Bare("string"),
        ),
        call(
            M::POST,
            "/accounts/{account_id}/stream/{identifier}/token",
            Body::Json(json!({"downloadable": true})),
            object,
        ),
        // Signing keys.
        call(
            M::POST,
            "/accounts/{account_id}/stream/keys",
            empty(),
            object,
        )
        .creates("key", "id"),
        call(
            M::GET,
            "/accounts/{account_id}/stream/keys",
            Body::None,
            Result("array"),
        ),
        call(
            M::DELETE,
            "/accounts/{account_id}/stream/keys/{identifier}",
            empty(),
            Result("string"),
        ),
        // Live inputs and their outputs.
        call(
            M::POST,
            "/accounts/{account_id}/stream/live_inputs",
            Body::Json(json!({"meta": {"name": "test stream 1"}})),
            object,
        )
        .creates("live_input", "uid"),
        call(
            M::GET,
            "/accounts/{account_id}/stream/live_inputs",
            Body::None,
            object,
        )
        .query("?include_counts=true"),
        call(
            M::GET,
            "/accounts/{account_id}/stream/live_inputs/{live_input_identifier}",
            Body::None,
            object,
        ),
        call(
            M::PUT,
            "/accounts/{account_id}/stream/live_inputs/{live_input_identifier}",
            Body::Json(json!({"defaultCreator": "creator-1", "deleteRecordingAfterDays": 45})),
            object,
        ),
        call(
            M::POST,
            "/accounts/{account_id}/stream/live_inputs/{live_input_identifier}/outputs",
            Body::Json(json!({"url": "rtmp://a.rtmp.youtube.com/live2", "streamKey": "uzya"})),
            object,
        )
        .creates("output", "uid"),
        call(
            M::GET,
            "/accounts/{account_id}/stream/live_inputs/{live_input_identifier}/outputs",
            Body::None,
            Result("array"),
        ),
        call(
            M::PUT,
            "/accounts/{account_id}/stream/live_inputs/{live_input_identifier}/outputs/{output_identifier}",
            Body::Json(json!({"enabled": false})),
            object,
        ),
        call(
            M::DELETE,
            "/accounts/{account_id}/stream/live_inputs/{live_input_identifier}/outputs/{output_identifier}",
            empty(),
            Json,
        ),
        call(
            M::DELETE,
            "/accounts/{account_id}/stream/live_inputs/{live_input_identifier}",
            empty(),
            Json,
        ),
        // Watermark profiles (a form upload).
        call(
            M::POST,
            "/accounts/{account_id}/stream/watermarks",
            Body::Form(vec![("file", "PNG"), ("name", "Logo"), ("opacity", "0.5")]),
            object,
        )
        .creates("watermark", "uid"),
        call(
            M::GET,
            "/accounts/{account_id}/stream/watermarks",
            Body::None,
            Result("array"),
        ),
        call(
            M::GET,
            "/accounts/{account_id}/stream/watermarks/{identifier}",
            Body::None,
            object,
        ),
        call(
            M::DELETE,
            "/accounts/{account_id}/stream/watermarks/{identifier}",
            empty(),
            Result("string"),
        ),
        // The webhook.
        call(
            M::PUT,
            "/accounts/{account_id}/stream/webhook",
            Body::Json(json!({"notificationUrl": "https://example.com/hook"})),
            object,
        ),
        call(
            M::GET,
            "/accounts/{account_id}/stream/webhook",
            Body::None,
            object,
        ),
        call(
            M::DELETE,
            "/accounts/{account_id}/stream/webhook",
            empty(),
            Result("string"),
        ),
        // Audio tracks.
        call(
            M::GET,
            "/accounts/{account_id}/stream/{identifier}/audio",
            Body::None,
            Result("array"),
        ),
        call(
            M::POST,
            "/accounts/{account_id}/stream/{identifier}/audio/copy",
            Body::Json(json!({"label": "director commentary",
                              "url": "https://example.com/audio.mp3"})),
            object,
        )
        .creates("audio", "uid"),
        call(
            M::PATCH,
            "/accounts/{account_id}/stream/{identifier}/audio/{audio_identifier}",
            Body::Json(json!({"default": true})),
            object,
        ),
        call(
            M::DELETE,
            "/accounts/{account_id}/stream/{identifier}/audio/{audio_identifier}",
            Body::None,
            Result("string"),
        ),
        // Captions.
        call(
            M::PUT,
            "/accounts/{account_id}/stream/{identifier}/captions/{language}",
            Body::Form(vec![("file", vtt_file)]),
            object,
        ),
        call(
            M::GET,
            "/accounts/{account_id}/stream/{identifier}/captions",
            Body::None,
            Result("array"),
        ),
        call(
            M::GET,
            "/accounts/{account_id}/stream/{identifier}/captions/{language}",
            Body::None,
            object,
        ),
        call(
            M::POST,
            "/accounts/{account_id}/stream/{identifier}/captions/{language}/generate",
            Body::None,
            object,
        ),
        // Cloudflare's schema gives this GET a required JSON body.
        call(
            M::GET,
            "/accounts/{account_id}/stream/{identifier}/captions/{language}/vtt",
            empty(),
            Vtt,
        ),
        call(
            M::DELETE,
            "/accounts/{account_id}/stream/{identifier}/captions/{language}",
            empty(),
            Result("string"),
        ),
        // MP4 downloads: the stateful handlers.
        call(
            M::POST,
            "/accounts/{account_id}/stream/{identifier}/downloads",
            empty(),
            object,
        ),
        call(
            M::GET,
            "/accounts/{account_id}/stream/{identifier}/downloads",
            Body::None,
            object,
        ),
        call(
            M::DELETE,
            "/accounts/{account_id}/stream/{identifier}/downloads",
            Body::None,
            Result("string"),
        ),
        // Last: deleting the video hides everything below it.
        call(
            M::DELETE,
            "/accounts/{account_id}/stream/{identifier}",
            empty(),
            Json,
        ),
    ]
}

#[tokio::test]
async fn every_operation_of_cloudflares_stream_schema_answers_a_valid_request() {
    let schema = cloudflare_schema();
    let (emulator, _dir) = serve(std::slice::from_ref(&schema)).await;
    // 43 operations, 3 of them the stateful downloads routes.
    assert_eq!(emulator.spec_operations(), 40);

    let calls = stream_calls();
    let covered: BTreeSet<(String, String)> = calls
        .iter()
        .map(|c| (c.method.to_string(), c.template.to_owned()))
        .collect();
    assert_eq!(covered.len(), calls.len(), "an operation is called twice");
    assert_eq!(covered, operations_of(&schema));

    let mut ids: HashMap<&str, String> = HashMap::new();
    ids.insert("video", seeds::VIDEO_ID.to_owned());
    for call in calls {
        let path = format!("{}{}", fill(call.template, &ids), call.query);
        let what = format!("{} {}", call.method, call.template);
        let reply = send(
            &emulator,
            call.method.clone(),
            &path,
            &call.headers,
            call.body,
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{what}: {}", reply.text);
        let content_type = reply
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        match call.expect {
            Expect::Result(kind) => {
                let result = reply.ok();
                assert_eq!(json_type(&result), kind, "{what}: {result}");
                if let Some((placeholder, field)) = call.creates {
                    let id = result[field]
                        .as_str()
                        .unwrap_or_else(|| panic!("{what}: no {field} in {result}"));
                    ids.insert(placeholder, id.to_owned());
                }
            }
            Expect::Bare(kind) => assert_eq!(json_type(&reply.json()), kind, "{what}"),
            Expect::Json => {
                reply.json();
            }
            Expect::Vtt => {
                assert!(
                    content_type.starts_with("text/vtt"),
                    "{what}: {content_type}"
                );
                assert!(reply.text.starts_with("WEBVTT"), "{what}: {}", reply.text);
            }
        }
        if !matches!(call.expect, Expect::Vtt) {
            assert!(
                content_type.starts_with("application/json"),
                "{what}: {content_type}"
            );
        }
    }
}

/// The `uid` a direct upload gets.
async fn upload(emulator: &Emulator) -> String {
    let body = Body::Json(json!({"maxDurationSeconds": 60}));
    let reply = send(
        emulator,
        Method::POST,
        &account("/stream/direct_upload"),
        &[],
        body,
    )
    .await;
    reply.ok()["uid"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn answers_follow_the_schema_and_are_the_same_every_time() {
    let (emulator, _dir) = stream_emulator().await;
    let video = get(&emulator, &account(&format!("/stream/{}", seeds::VIDEO_ID))).await;
    let result = video.ok();
    // The seeded video as it is: its identifier, its name, ready, dates as RFC 3339.
    assert_eq!(result["uid"], json!(seeds::VIDEO_ID));
    let created = result["created"].as_str().unwrap_or_default();
    assert!(
        created.len() == 20 && created.ends_with('Z') && created.as_bytes()[10] == b'T',
        "{created}"
    );
    assert_eq!(result["status"]["state"], json!("ready"));
    assert_eq!(result["readyToStream"], json!(true));
    assert_eq!(result["meta"], json!({"name": "big-buck-bunny.mp4"}));
    let again = get(&emulator, &account(&format!("/stream/{}", seeds::VIDEO_ID))).await;
    assert_eq!(again.text, video.text);
    // Another video, the same answer but its identifier.
    let other = get(
        &emulator,
        &account(&format!("/stream/{}", seeds::OTHER_VIDEO_IDS[0])),
    )
    .await
    .ok();
    assert_eq!(other["uid"], json!(seeds::OTHER_VIDEO_IDS[0]));
    // `result: anyOf [object, string]` with `result: string, example: ok`: the string.
    let deleted = send(
        &emulator,
        Method::DELETE,
        &account("/stream/webhook"),
        &[],
        Body::Json(json!({})),
    )
    .await;
    assert_eq!(deleted.ok(), json!("ok"));
    // A creation gets a fresh identifier each time, the same sequence in every emulator.
    let (first, second) = (upload(&emulator).await, upload(&emulator).await);
    assert_ne!(first, second);
    assert_eq!(first.len(), 32);
    let (fresh, _dir) = stream_emulator().await;
    assert_eq!(upload(&fresh).await, first);
}

/// A reply, and the status and `(code, pointer)`s it must have.
type Refusal = (Reply, StatusCode, Vec<(i64, &'static str)>);

#[tokio::test]
async fn invalid_requests_are_refused_with_the_pointer_of_the_problem() {
    let (emulator, _dir) = stream_emulator().await;
    let clip = account("/stream/clip");
    let cases: Vec<Refusal> = vec![
        // Wrong body type, wrong property type, missing required property, bounds.
        (
            post(&emulator, &clip, Body::Json(json!([])), &[]).await,
            StatusCode::BAD_REQUEST,
            vec![(10009, "/body")],
        ),
        (
            post(
                &emulator,
                &clip,
                Body::Json(json!({"clippedFromVideoUID": 5, "startTimeSeconds": 0,
                                  "endTimeSeconds": 1})),
                &[],
            )
            .await,
            StatusCode::BAD_REQUEST,
            vec![(10009, "/body/clippedFromVideoUID")],
        ),
        (
            post(
                &emulator,
                &clip,
                Body::Json(json!({"clippedFromVideoUID": "v", "startTimeSeconds": 0})),
                &[],
            )
            .await,
            StatusCode::BAD_REQUEST,
            vec![(10009, "/body/endTimeSeconds")],
        ),
        (
            post(
                &emulator,
                &account("/stream/direct_upload"),
                Body::Json(json!({"maxDurationSeconds": 0, "watermark": {"uid": "x".repeat(33)}})),
                &[],
            )
            .await,
            StatusCode::BAD_REQUEST,
            vec![
                (10009, "/body/maxDurationSeconds"),
                (10009, "/body/watermark/uid"),
            ],
        ),
        (
            post(&emulator, &clip, Body::None, &[]).await,
            StatusCode::BAD_REQUEST,
            vec![(10009, "/body")],
        ),
        // Missing and invalid required headers.
        (
            post(
                &emulator,
                &account("/stream"),
                Body::Json(json!({})),
                &[("Tus-Resumable", "1.0.0")],
            )
            .await,
            StatusCode::BAD_REQUEST,
            vec![(10011, "/headers/Upload-Length")],
        ),
        (
            post(
                &emulator,
                &account("/stream"),
                Body::Json(json!({})),
                &[("Tus-Resumable", "2.0.0"), ("Upload-Length", "-1")],
            )
            .await,
            StatusCode::BAD_REQUEST,
            vec![
                (10011, "/headers/Tus-Resumable"),
                (10011, "/headers/Upload-Length"),
            ],
        ),
        // Query values of the wrong type or outside the enum.
        (
            get(
                &emulator,
                &account("/stream?asc=maybe&status=nope&start=yesterday"),
            )
            .await,
            StatusCode::BAD_REQUEST,
            vec![
                (10010, "/query/status"),
                (10010, "/query/asc"),
                (10010, "/query/start"),
            ],
        ),
        // A path parameter longer than its `maxLength`.
        (
            get(&emulator, &account(&format!("/stream/{}", "a".repeat(33)))).await,
            StatusCode::BAD_REQUEST,
            vec![(7003, "/path/identifier")],
        ),
        // A content type the operation does not take.
        (
            send(
                &emulator,
                Method::POST,
                &clip,
                &[("content-type", "text/plain")],
                Body::Text("clippedFromVideoUID=v"),
            )
            .await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            vec![(10009, "/headers/Content-Type")],
        ),
        // A form field that is not a number.
        (
            post(
                &emulator,
                &account("/stream/watermarks"),
                Body::Form(vec![("file", "x"), ("opacity", "opaque")]),
                &[],
            )
            .await,
            StatusCode::BAD_REQUEST,
            vec![(10009, "/body/opacity")],
        ),
    ];
    for (reply, status, expected) in cases {
        let found = reply.refused(status);
        let expected: Vec<(i64, String)> = expected
            .into_iter()
            .map(|(code, pointer)| (code, pointer.to_owned()))
            .collect();
        let mut sorted_found = found.clone();
        sorted_found.sort();
        let mut sorted_expected = expected.clone();
        sorted_expected.sort();
        assert_eq!(sorted_found, sorted_expected, "{}", reply.text);
    }
    // Nothing was created by any of them.
    assert_eq!(emulator.spec_items(), 0);
    assert_eq!(
        get(&emulator, &account("/stream/watermarks")).await.ok(),
        json!([])
    );
}

#[tokio::test]
async fn collections_remember_what_was_created_per_account() {
    let (emulator, _dir) = stream_emulator().await;
    emulator.add_video(SeedVideo::new("acct2", "vid2", "", VideoKind::Ready));
    let keys = account("/stream/keys");
    assert_eq!(get(&emulator, &keys).await.ok(), json!([]));

    // Signing keys: create, list (without the private parts), delete.
    let created = send(&emulator, Method::POST, &keys, &[], Body::Json(json!({}))).await;
    let location = created
        .headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let key = created.ok();
    let id = key["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(location, format!("/client/v4{keys}/{id}"));
    assert!(key["pem"].is_string() && key["jwk"].is_string(), "{key}");
    let listed = get(&emulator, &keys).await.ok();
    assert_eq!(listed, json!([{"id": id, "created": key["created"]}]));
    // Another account sees none of them.
    let elsewhere = get(&emulator, "/accounts/acct2/stream/keys").await.ok();
    assert_eq!(elsewhere, json!([]));
    let item = format!("{keys}/{id}");
    let deleted = send(&emulator, Method::DELETE, &item, &[], Body::Json(json!({}))).await;
    assert_eq!(deleted.ok(), json!("ok"));
    assert_eq!(get(&emulator, &keys).await.ok(), json!([]));
    let again = send(&emulator, Method::DELETE, &item, &[], Body::Json(json!({}))).await;
    assert_eq!(
        again.refused(StatusCode::NOT_FOUND),
        [(10012, "/path/identifier".to_owned())]
    );

    // Live inputs: what is sent is kept; an update changes it; outputs live under their input.
    let inputs = account("/stream/live_inputs");
    let input = send(
        &emulator,
        Method::POST,
        &inputs,
        &[],
        Body::Json(json!({"meta": {"name": "studio"}, "recording": {"mode": "automatic"}})),
    )
    .await
    .ok();
    let uid = input["uid"].as_str().unwrap_or_default().to_owned();
    assert_eq!(input["meta"], json!({"name": "studio"}));
    let item = format!("{inputs}/{uid}");
    assert_eq!(get(&emulator, &item).await.ok(), input);
    let updated = send(
        &emulator,
        Method::PUT,
        &item,
        &[],
        Body::Json(json!({"meta": {"name": "stage"}})),
    )
    .await
    .ok();
    assert_eq!(updated["meta"], json!({"name": "stage"}));
    assert_eq!(updated["recording"], json!({"mode": "automatic"}));
    let list = get(&emulator, &inputs).await.ok();
    assert_eq!(list["liveInputs"].as_array().map(Vec::len), Some(1));
    assert_eq!(list["liveInputs"][0]["uid"], json!(uid));
    assert_eq!(list["total"], json!(1));

    let outputs = format!("{item}/outputs");
    let output = send(
        &emulator,
        Method::POST,
        &outputs,
        &[],
        Body::Json(json!({"url": "rtmp://a.rtmp.youtube.com/live2", "streamKey": "k"})),
    )
    .await
    .ok();
    assert_eq!(output["url"], json!("rtmp://a.rtmp.youtube.com/live2"));
    assert_eq!(
        get(&emulator, &outputs).await.ok().as_array().map(Vec::len),
        Some(1)
    );
    // Unknown items, and what is below them, are 404.
    let unknown = format!("{inputs}/{}", "0".repeat(32));
    assert_eq!(
        get(&emulator, &unknown)
            .await
            .refused(StatusCode::NOT_FOUND),
        [(10012, "/path/live_input_identifier".to_owned())]
    );
    assert_eq!(
        get(&emulator, &format!("{unknown}/outputs"))
            .await
            .refused(StatusCode::NOT_FOUND),
        [(10012, "/path/live_input_identifier".to_owned())]
    );
    // Deleting the input deletes its outputs.
    send(&emulator, Method::DELETE, &item, &[], Body::Json(json!({})))
        .await
        .json();
    get(&emulator, &item).await.refused(StatusCode::NOT_FOUND);
    get(&emulator, &outputs)
        .await
        .refused(StatusCode::NOT_FOUND);
    assert_eq!(emulator.spec_items(), 0);

    // Watermarks, from a form: its fields read as their types.
    let watermarks = account("/stream/watermarks");
    let watermark = send(
        &emulator,
        Method::POST,
        &watermarks,
        &[],
        Body::Form(vec![("file", "PNG"), ("name", "Logo"), ("opacity", "0.25")]),
    )
    .await
    .ok();
    assert_eq!(
        (watermark["name"].clone(), watermark["opacity"].clone()),
        (json!("Logo"), json!(0.25))
    );
    let uid = watermark["uid"].as_str().unwrap_or_default();
    assert_eq!(
        get(&emulator, &format!("{watermarks}/{uid}")).await.ok(),
        watermark
    );
    assert_eq!(get(&emulator, &watermarks).await.ok(), json!([watermark]));
    assert_eq!(emulator.spec_items(), 1);
}

#[tokio::test]
async fn deleted_resources_are_gone_until_made_again() {
    let (emulator, _dir) = stream_emulator().await;
    let video = account(&format!("/stream/{}", seeds::OTHER_VIDEO_IDS[1]));
    send(
        &emulator,
        Method::DELETE,
        &video,
        &[],
        Body::Json(json!({})),
    )
    .await
    .json();
    // The video is gone, with everything below it, its downloads included.
    // (The downloads handlers point at `/identifier`, as without a spec folder.)
    for (below, pointer) in [
        ("", "/path/identifier"),
        ("/captions", "/path/identifier"),
        ("/audio", "/path/identifier"),
        ("/embed", "/path/identifier"),
        ("/downloads", "/identifier"),
    ] {
        assert_eq!(
            get(&emulator, &format!("{video}{below}"))
                .await
                .refused(StatusCode::NOT_FOUND),
            [(10005, pointer.to_owned())],
            "{below}"
        );
    }

    let webhook = account("/stream/webhook");
    send(
        &emulator,
        Method::DELETE,
        &webhook,
        &[],
        Body::Json(json!({})),
    )
    .await
    .ok();
    get(&emulator, &webhook)
        .await
        .refused(StatusCode::NOT_FOUND);
    let made = send(
        &emulator,
        Method::PUT,
        &webhook,
        &[],
        Body::Json(json!({"notificationUrl": "https://example.com/h"})),
    )
    .await;
    made.ok();
    get(&emulator, &webhook).await.ok();
}

#[tokio::test]
async fn credentials_faults_and_routing_apply_to_spec_routes() {
    let (emulator, _dir) = stream_emulator().await;
    let path = account("/stream/keys");
    let url = format!("{}{path}", emulator.base_url());
    let http = reqwest::Client::new();
    let status = |request: reqwest::RequestBuilder| async move {
        request
            .send()
            .await
            .map(|r| r.status())
            .unwrap_or_else(|e| panic!("{e}"))
    };
    assert_eq!(status(http.get(&url)).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        status(http.get(&url).bearer_auth("nope")).await,
        StatusCode::UNAUTHORIZED
    );
    // Every credential sent must be right.
    let token_and_wrong_key = http
        .get(&url)
        .bearer_auth(seeds::API_TOKEN)
        .header("X-Auth-Email", seeds::API_EMAIL)
        .header("X-Auth-Key", "nope");
    assert_eq!(status(token_and_wrong_key).await, StatusCode::UNAUTHORIZED);
    let key = http
        .get(&url)
        .header("X-Auth-Email", seeds::API_EMAIL)
        .header("X-Auth-Key", seeds::API_KEY);
    assert_eq!(status(key).await, StatusCode::OK);
    let all = http
        .get(&url)
        .bearer_auth(seeds::API_TOKEN)
        .header("X-Auth-Email", seeds::API_EMAIL)
        .header("X-Auth-Key", seeds::API_KEY);
    assert_eq!(status(all).await, StatusCode::OK);
    // An account the credentials do not reach.
    let other = get(
        &emulator,
        "/accounts/ffffffffffffffffffffffffffffffff/stream/keys",
    )
    .await;
    assert_eq!(
        other.refused(StatusCode::FORBIDDEN),
        [(10000, "/path/account_id".to_owned())]
    );

    // Faults come first, on spec routes too.
    emulator.fail_next(1, Fault::Status(503));
    emulator.fail_next(
        1,
        Fault::RateLimited {
            retry_after: Duration::from_secs(2),
        },
    );
    get(&emulator, &path)
        .await
        .refused(StatusCode::SERVICE_UNAVAILABLE);
    let limited = get(&emulator, &path).await;
    assert_eq!(
        limited
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("2")
    );
    limited.refused(StatusCode::TOO_MANY_REQUESTS);
    emulator.fail_next(1, Fault::Delay(Duration::from_millis(200)));
    let started = Instant::now();
    let late = get(&emulator, &path).await;
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert!(late.headers.get("cf-ray").is_some());
    late.ok();
    assert_eq!(emulator.request_count(), 9);

    // Routing: literal segments win, unknown paths are 404, other methods 405 with `Allow`.
    let wrong_method = send(
        &emulator,
        Method::GET,
        &account("/stream/clip"),
        &[],
        Body::None,
    )
    .await;
    assert_eq!(
        wrong_method
            .headers
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("POST")
    );
    assert_eq!(
        wrong_method.refused(StatusCode::METHOD_NOT_ALLOWED)[0].0,
        7001
    );
    let put_video = send(
        &emulator,
        Method::PUT,
        &account("/stream/x"),
        &[],
        Body::Json(json!({})),
    )
    .await;
    assert_eq!(
        put_video.headers.get("allow").and_then(|v| v.to_str().ok()),
        Some("DELETE, GET, POST")
    );
    assert_eq!(
        get(&emulator, "/nope").await.refused(StatusCode::NOT_FOUND)[0].0,
        7000
    );
    assert_eq!(
        get(&emulator, &account("/stream/x/nope"))
            .await
            .refused(StatusCode::NOT_FOUND)[0]
            .0,
        7000
    );
}

/// The project's `spec/` plus a file of our own: the downloads routes keep their handlers and
/// state; the other file's operations are served, its `$ref`s into `common.yaml` followed.
#[tokio::test]
async fn downloads_stay_stateful_beside_the_projects_spec_and_more() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&project)
        .unwrap_or_else(|e| panic!("{}: {e}", project.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let notes = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let extra = notes.path().join("notes.yaml");
    std::fs::write(&extra, NOTES).unwrap_or_else(|e| panic!("{e}"));
    files.push(extra);
    let (emulator, _dir) = serve(&files).await;
    // The five downloads operations are the handlers'; the other 40 of Stream and the notes'
    // six are the spec's.
    assert_eq!(emulator.spec_operations(), 46);

    let downloads = account(&format!("/stream/{}/downloads", seeds::VIDEO_ID));
    assert_eq!(get(&emulator, &downloads).await.ok(), json!({}));
    let created = send(
        &emulator,
        Method::POST,
        &format!("{downloads}/audio"),
        &[],
        Body::None,
    )
    .await;
    assert_eq!(created.ok()["audio"]["status"], json!("ready"));
    assert_eq!(
        emulator.downloads(seeds::ACCOUNT_ID, seeds::VIDEO_ID).len(),
        1
    );
    let bad = send(
        &emulator,
        Method::POST,
        &downloads,
        &[],
        Body::Json(json!([])),
    )
    .await;
    assert_eq!(
        bad.refused(StatusCode::BAD_REQUEST),
        [(10009, "/body".to_owned())]
    );
    // A body over 16 MiB is refused in the envelope, as on the spec's routes.
    let huge = send(
        &emulator,
        Method::POST,
        &downloads,
        &[],
        Body::Json(json!({"pad": "x".repeat(17 << 20)})),
    )
    .await;
    assert_eq!(
        huge.refused(StatusCode::PAYLOAD_TOO_LARGE),
        [(10009, "/body".to_owned())]
    );
    let wrong = get(&emulator, &format!("{downloads}/default")).await;
    assert_eq!(wrong.refused(StatusCode::METHOD_NOT_ALLOWED)[0].0, 7001);
    // A method the spec adds to a downloads path is served, and allowed beside the handlers'.
    let labelled = send(
        &emulator,
        Method::PUT,
        &format!("{downloads}/default"),
        &[],
        Body::None,
    )
    .await;
    assert_eq!(labelled.status, StatusCode::NO_CONTENT, "{}", labelled.text);
    let patched = send(
        &emulator,
        Method::PATCH,
        &format!("{downloads}/default"),
        &[],
        Body::None,
    )
    .await;
    assert_eq!(patched.refused(StatusCode::METHOD_NOT_ALLOWED)[0].0, 7001);
    assert_eq!(
        patched.headers.get("allow").and_then(|v| v.to_str().ok()),
        Some("DELETE, POST, PUT")
    );

    // The notes: a required query parameter, a 201 create with a UUID, a 204 delete.
    let notes = account(&format!("/stream/{}/notes", seeds::VIDEO_ID));
    let missing = get(&emulator, &notes).await;
    assert_eq!(
        missing.refused(StatusCode::BAD_REQUEST),
        [(10010, "/query/limit".to_owned())]
    );
    let too_many = get(&emulator, &format!("{notes}?limit=500")).await;
    assert_eq!(
        too_many.refused(StatusCode::BAD_REQUEST),
        [(10010, "/query/limit".to_owned())]
    );
    assert_eq!(
        get(&emulator, &format!("{notes}?limit=5")).await.ok(),
        json!([])
    );
    let note = send(
        &emulator,
        Method::POST,
        &notes,
        &[],
        Body::Json(json!({"text": "hi"})),
    )
    .await;
    assert_eq!(note.status, StatusCode::CREATED);
    let note = note.ok();
    assert_eq!(note["text"], json!("hi"));
    let id = note["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    assert_eq!(
        get(&emulator, &format!("{notes}?limit=5")).await.ok(),
        json!([note])
    );
    // An envelope whose schema declares no `result` still carries one: null.
    let pinned = send(
        &emulator,
        Method::PUT,
        &account(&format!("/stream/{}/pin", seeds::VIDEO_ID)),
        &[],
        Body::None,
    )
    .await;
    assert_eq!(pinned.status, StatusCode::OK, "{}", pinned.text);
    assert_eq!(
        pinned.json(),
        json!({"success": true, "errors": [], "messages": [], "result": null})
    );
    let gone = send(
        &emulator,
        Method::DELETE,
        &format!("{notes}/{id}"),
        &[],
        Body::None,
    )
    .await;
    assert_eq!(
        (gone.status, gone.text.as_str()),
        (StatusCode::NO_CONTENT, "")
    );
    assert_eq!(
        get(&emulator, &format!("{notes}?limit=5")).await.ok(),
        json!([])
    );
    let no_text = send(&emulator, Method::POST, &notes, &[], Body::Json(json!({}))).await;
    assert_eq!(
        no_text.refused(StatusCode::BAD_REQUEST),
        [(10009, "/body/text".to_owned())]
    );
}

const NOTES: &str = r#"
openapi: 3.0.3
info: {title: Notes on videos, version: 1.0.0}
paths:
  /accounts/{account_id}/stream/{identifier}/notes:
    parameters:
      - $ref: 'common.yaml#/components/parameters/account_id'
      - $ref: 'common.yaml#/components/parameters/video_id'
    get:
      parameters:
        - {name: limit, in: query, required: true, schema: {type: integer, minimum: 1, maximum: 50}}
      responses:
        '200':
          description: The notes.
          content:
            application/json:
              schema:
                allOf:
                  - $ref: 'common.yaml#/components/schemas/Envelope'
                  - properties:
                      result: {type: array, items: {$ref: '#/components/schemas/Note'}}
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [text], properties: {text: {type: string, maxLength: 200}}}
      responses:
        '201':
          description: The note.
          content:
            application/json:
              schema:
                allOf:
                  - $ref: 'common.yaml#/components/schemas/Envelope'
                  - properties: {result: {$ref: '#/components/schemas/Note'}}
  /accounts/{account_id}/stream/{identifier}/notes/{note_id}:
    parameters:
      - $ref: 'common.yaml#/components/parameters/account_id'
      - $ref: 'common.yaml#/components/parameters/video_id'
      - {name: note_id, in: path, required: true, schema: {type: string, format: uuid}}
    get:
      responses:
        '200':
          description: The note.
          content:
            application/json:
              schema:
                allOf:
                  - $ref: 'common.yaml#/components/schemas/Envelope'
                  - properties: {result: {$ref: '#/components/schemas/Note'}}
    delete:
      responses:
        '204': {description: Deleted.}
  /accounts/{account_id}/stream/{identifier}/downloads/{download_type}:
    parameters:
      - $ref: 'common.yaml#/components/parameters/account_id'
      - $ref: 'common.yaml#/components/parameters/video_id'
      - {name: download_type, in: path, required: true, schema: {type: string}}
    put:
      description: A method the downloads handlers lack, added by a spec.
      responses:
        '204': {description: Labelled.}
  /accounts/{account_id}/stream/{identifier}/pin:
    parameters:
      - $ref: 'common.yaml#/components/parameters/account_id'
      - $ref: 'common.yaml#/components/parameters/video_id'
    put:
      responses:
        '200':
          description: Pinned; the bare envelope, with no `result` declared.
          content:
            application/json:
              schema: {$ref: 'common.yaml#/components/schemas/Envelope'}
components:
  schemas:
    Note:
      type: object
      required: [id, text]
      properties:
        id: {type: string, format: uuid}
        text: {type: string, example: A note.}
"#;

/// A correction beside Cloudflare's schema (an OpenAPI overlay): the delete of a signing key
/// takes no body, as the service does, where the schema says a JSON body is required.
const NO_BODY_ON_KEY_DELETE: &str = r"overlay: 1.0.0
info: {title: Corrections, version: 1.0.0}
extends: cloudflare-stream.yaml
actions:
  - target: $.paths['/accounts/{account_id}/stream/keys/{identifier}'].delete.requestBody
    description: The service takes no body on a delete.
    remove: true
";

#[tokio::test]
async fn overlays_in_the_folder_correct_what_is_served() {
    let path = account("/stream/keys/ea95132c15732412d22c1476fa83f27a");
    let (plain, _plain_dir) = stream_emulator().await;
    let refused = send(&plain, Method::DELETE, &path, &[], Body::None).await;
    assert_eq!(
        refused.refused(StatusCode::BAD_REQUEST),
        [(10009, "/body".to_owned())]
    );

    let (corrected, dir) = stream_emulator().await;
    drop(corrected);
    std::fs::write(dir.path().join("corrections.yaml"), NO_BODY_ON_KEY_DELETE)
        .unwrap_or_else(|e| panic!("{e}"));
    let emulator = Emulator::start_with(EmulatorConfig {
        spec_dir: Some(dir.path().to_path_buf()),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let created = send(
        &emulator,
        Method::POST,
        &account("/stream/keys"),
        &[],
        Body::Json(json!({})),
    )
    .await;
    let id = created.ok()["id"].as_str().unwrap_or_default().to_owned();
    let deleted = send(
        &emulator,
        Method::DELETE,
        &account(&format!("/stream/keys/{id}")),
        &[],
        Body::None,
    )
    .await;
    deleted.ok();

    // A correction that no longer applies stops the emulator from starting, naming it.
    let stale = NO_BODY_ON_KEY_DELETE.replace("keys/{identifier}", "keys/{key_id}");
    std::fs::write(dir.path().join("corrections.yaml"), stale).unwrap_or_else(|e| panic!("{e}"));
    let error = Emulator::start_with(EmulatorConfig {
        spec_dir: Some(dir.path().to_path_buf()),
        ..EmulatorConfig::default()
    })
    .await
    .err()
    .map(|e| format!("{:?}", e.into_inner()))
    .unwrap_or_default();
    assert!(error.contains("corrections.yaml#/actions/0"), "{error}");
    assert!(
        error.contains("selects nothing in cloudflare-stream.yaml"),
        "{error}"
    );
}

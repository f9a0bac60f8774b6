//! The emulator over HTTP, checked byte for byte with an independent client: envelopes, codes,
//! credentials, the download lifecycle, faults and concurrency.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use cloudflare_stream_emulator::{
    DownloadKind, DownloadStatus, Emulator, EmulatorConfig, Fault, SeedVideo, VideoKind, seeds,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const GENERATION: Duration = Duration::from_millis(300);

/// Long enough that a download looked at half-way is still in progress on a loaded machine
/// (a request can arrive hundreds of milliseconds late), for the tests that look at it there.
const SLOW_GENERATION: Duration = Duration::from_secs(2);

async fn start() -> Emulator {
    start_generating_in(GENERATION).await
}

async fn start_generating_in(generation_time: Duration) -> Emulator {
    Emulator::start_with(EmulatorConfig {
        generation_time,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("cannot start the emulator: {e}"))
}

/// `/accounts/{account}/stream/{video}/downloads` plus `suffix`.
fn downloads_path(account: &str, video: &str, suffix: &str) -> String {
    format!("/accounts/{account}/stream/{video}/downloads{suffix}")
}

fn seeded(suffix: &str) -> String {
    downloads_path(seeds::ACCOUNT_ID, seeds::VIDEO_ID, suffix)
}

struct Reply {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

enum Auth {
    Token(&'static str),
    Key(&'static str, &'static str),
    None,
}

async fn call_as(emulator: &Emulator, auth: Auth, method: Method, path: &str) -> Reply {
    let http = reqwest::Client::new();
    let is_post = method == Method::POST;
    let mut request = http.request(method, format!("{}{path}", emulator.base_url()));
    if is_post {
        // `POST .../downloads` takes `{}`; the typed endpoint ignores its body.
        request = request.json(&json!({}));
    }
    request = match auth {
        Auth::Token(token) => request.bearer_auth(token),
        Auth::Key(email, key) => request
            .header("X-Auth-Email", email)
            .header("X-Auth-Key", key),
        Auth::None => request,
    };
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .json()
        .await
        .unwrap_or_else(|e| panic!("{path}: the body is not JSON: {e}"));
    Reply {
        status,
        headers,
        body,
    }
}

async fn call(emulator: &Emulator, method: Method, path: &str) -> Reply {
    call_as(emulator, Auth::Token(seeds::API_TOKEN), method, path).await
}

/// A 200 success envelope; its `result`.
fn ok(reply: Reply) -> Value {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let Value::Object(envelope) = &reply.body else {
        panic!("not an envelope: {}", reply.body)
    };
    let mut keys: Vec<_> = envelope.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["errors", "messages", "result", "success"]);
    assert_eq!(envelope["success"], json!(true));
    assert_eq!(envelope["errors"], json!([]));
    assert_eq!(envelope["messages"], json!([]));
    reply.body["result"].clone()
}

/// A failure envelope with `status`; its `(code, message)` pairs.
fn failed(reply: Reply, status: StatusCode) -> Vec<(i64, String)> {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.body["success"], json!(false), "{}", reply.body);
    assert_eq!(reply.body["result"], Value::Null);
    assert_eq!(reply.body["messages"], json!([]));
    reply.body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors array: {}", reply.body))
        .iter()
        .map(|error| {
            (
                error["code"].as_i64().unwrap_or(-1),
                error["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn codes(errors: &[(i64, String)]) -> Vec<i64> {
    errors.iter().map(|(code, _)| *code).collect()
}

fn url(video: &str, file: &str) -> String {
    format!("https://customer-emulator.cloudflarestream.com/{video}/downloads/{file}")
}

#[tokio::test]
async fn a_download_goes_from_created_to_ready_to_deleted() {
    let emulator = start_generating_in(SLOW_GENERATION).await;
    assert_eq!(
        ok(call(&emulator, Method::GET, &seeded("")).await),
        json!({})
    );

    let created = ok(call(&emulator, Method::POST, &seeded("/audio")).await);
    assert_eq!(
        created,
        json!({"audio": {"percentComplete": 0, "status": "inprogress",
            "url": url(seeds::VIDEO_ID, "audio.m4a")}})
    );

    // `POST /downloads` creates the default download and answers it alone, keyed, as the
    // service does today, with its URL from creation.
    let default = ok(call(&emulator, Method::POST, &seeded("")).await);
    assert_eq!(
        default,
        json!({"default": {"percentComplete": 0, "status": "inprogress",
            "url": url(seeds::VIDEO_ID, "default.mp4")}})
    );

    // Progress rises while in progress, never past 100 before ready.
    tokio::time::sleep(SLOW_GENERATION / 3).await;
    let midway = ok(call(&emulator, Method::GET, &seeded("")).await);
    let percent = midway["audio"]["percentComplete"].as_f64().unwrap_or(-1.0);
    assert!(percent > 0.0 && percent < 100.0, "{midway}");
    assert_eq!(midway["audio"]["status"], json!("inprogress"));

    tokio::time::sleep(SLOW_GENERATION).await;
    let ready = ok(call(&emulator, Method::GET, &seeded("")).await);
    assert_eq!(
        ready,
        json!({
            "default": {"percentComplete": 100, "status": "ready",
                        "url": url(seeds::VIDEO_ID, "default.mp4")},
            "audio": {"percentComplete": 100, "status": "ready",
                      "url": url(seeds::VIDEO_ID, "audio.m4a")},
        })
    );

    assert_eq!(
        ok(call(&emulator, Method::DELETE, &seeded("/audio")).await),
        json!("ok")
    );
    let left = ok(call(&emulator, Method::GET, &seeded("")).await);
    assert_eq!(left.as_object().map(|o| o.len()), Some(1));
    assert!(left.get("default").is_some());

    // `DELETE /downloads` deletes the default download.
    assert_eq!(
        ok(call(&emulator, Method::DELETE, &seeded("")).await),
        json!("ok")
    );
    assert_eq!(
        ok(call(&emulator, Method::GET, &seeded("")).await),
        json!({})
    );
    assert!(
        emulator
            .downloads(seeds::ACCOUNT_ID, seeds::VIDEO_ID)
            .is_empty()
    );
}

#[tokio::test]
async fn creating_again_keeps_progress_and_state_is_inspectable() {
    let emulator = start_generating_in(SLOW_GENERATION).await;
    ok(call(&emulator, Method::POST, &seeded("/default")).await);
    tokio::time::sleep(SLOW_GENERATION / 2).await;
    let again = ok(call(&emulator, Method::POST, &seeded("/default")).await);
    assert!(
        again["default"]["percentComplete"].as_f64().unwrap_or(0.0) >= 40.0,
        "{again}"
    );
    assert_eq!(emulator.generations_started(), 1);
    let state = emulator.downloads(seeds::ACCOUNT_ID, seeds::VIDEO_ID);
    assert_eq!(state.len(), 1);
    assert_eq!(state[0].0, DownloadKind::Default);
    assert_eq!(state[0].1.status, DownloadStatus::InProgress);
}

#[tokio::test]
async fn failures_are_envelopes_with_cloudflare_codes() {
    let emulator = start().await;
    let unknown_video = downloads_path(seeds::ACCOUNT_ID, "ffffffffffffffffffffffffffffffff", "");
    let reply = call(&emulator, Method::GET, &unknown_video).await;
    assert_eq!(
        reply.body,
        json!({
            "success": false,
            "errors": [{"code": 10005, "message": "The video was not found.",
                        "source": {"pointer": "/identifier"}}],
            "messages": [],
            "result": null,
        })
    );
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    let cases = [
        (Method::POST, seeded("/hd"), StatusCode::BAD_REQUEST, 10007),
        (
            Method::DELETE,
            seeded("/HD"),
            StatusCode::BAD_REQUEST,
            10007,
        ),
        (
            Method::DELETE,
            seeded("/audio"),
            StatusCode::NOT_FOUND,
            10006,
        ),
        (Method::DELETE, seeded(""), StatusCode::NOT_FOUND, 10006),
        (
            Method::GET,
            downloads_path("99999999999999999999999999999999", seeds::VIDEO_ID, ""),
            StatusCode::FORBIDDEN,
            10000,
        ),
        (
            Method::POST,
            downloads_path(seeds::ACCOUNT_ID, seeds::PROCESSING_VIDEO_ID, "/default"),
            StatusCode::BAD_REQUEST,
            10008,
        ),
        (
            Method::GET,
            downloads_path(seeds::ACCOUNT_ID, &"a".repeat(33), ""),
            StatusCode::BAD_REQUEST,
            7003,
        ),
        (
            Method::GET,
            seeded("/default"),
            StatusCode::METHOD_NOT_ALLOWED,
            7001,
        ),
        (
            Method::GET,
            "/accounts".to_owned(),
            StatusCode::NOT_FOUND,
            7000,
        ),
        (Method::GET, "/".to_owned(), StatusCode::NOT_FOUND, 7000),
    ];
    for (method, path, status, code) in cases {
        let errors = failed(call(&emulator, method.clone(), &path).await, status);
        assert_eq!(codes(&errors), [code], "{method} {path}: {errors:?}");
        assert!(!errors[0].1.is_empty());
    }
    // Nothing was created by any of them.
    assert_eq!(emulator.generations_started(), 0);
}

/// Found by schemathesis against `spec/` (`scripts/schemathesis.sh`): identifiers are limited
/// to 32 characters, not bytes, and `POST .../downloads` requires its JSON object body.
#[tokio::test]
async fn requests_are_judged_as_the_spec_describes_them() {
    let emulator = start().await;
    // 32 characters (64 bytes) is a valid identifier: an account the token does not reach.
    let wide = "é".repeat(32);
    let errors = failed(
        call(
            &emulator,
            Method::GET,
            &downloads_path(&wide, seeds::VIDEO_ID, ""),
        )
        .await,
        StatusCode::FORBIDDEN,
    );
    assert_eq!(codes(&errors), [10000]);
    let errors = failed(
        call(
            &emulator,
            Method::GET,
            &downloads_path(seeds::ACCOUNT_ID, &wide, ""),
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    assert_eq!(codes(&errors), [10005]);
    // 33 characters is not.
    let errors = failed(
        call(
            &emulator,
            Method::GET,
            &downloads_path(seeds::ACCOUNT_ID, &"é".repeat(33), ""),
        )
        .await,
        StatusCode::BAD_REQUEST,
    );
    assert_eq!(codes(&errors), [7003]);

    // `POST .../downloads` with a body that is not a JSON object is refused and creates
    // nothing; no body (as the service and Cloudflare's guide have it), `{}` or any object is
    // accepted.
    let http = reqwest::Client::new();
    let endpoint = format!("{}{}", emulator.base_url(), seeded(""));
    for body in [Some("[]"), Some("\"x\""), Some("{"), Some("null")] {
        let mut request = http.post(&endpoint).bearer_auth(seeds::API_TOKEN);
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body:?}");
        let reply: Value = response.json().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            reply["errors"][0]["code"],
            json!(10009),
            "{body:?}: {reply}"
        );
        assert_eq!(reply["success"], json!(false));
    }
    assert_eq!(emulator.generations_started(), 0);
    for body in [None, Some(""), Some("{}"), Some("{\"ignored\": true}")] {
        let mut request = http.post(&endpoint).bearer_auth(seeds::API_TOKEN);
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status(), StatusCode::OK, "{body:?}");
        let reply: Value = response.json().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            reply["result"]["default"]["url"],
            json!(url(seeds::VIDEO_ID, "default.mp4")),
            "the keyed answer, the URL from creation: {reply}"
        );
    }
    assert_eq!(emulator.generations_started(), 1);
}

#[tokio::test]
async fn credentials_are_checked() {
    let emulator = start().await;
    let path = seeded("");
    for auth in [
        Auth::None,
        Auth::Token("wrong-token"),
        Auth::Key(seeds::API_EMAIL, "wrong-key"),
        Auth::Key("other@example.com", seeds::API_KEY),
    ] {
        let errors = failed(
            call_as(&emulator, auth, Method::GET, &path).await,
            StatusCode::UNAUTHORIZED,
        );
        assert_eq!(errors, [(10000, "Authentication error".to_owned())]);
    }
    let reply = call_as(
        &emulator,
        Auth::Key(seeds::API_EMAIL, seeds::API_KEY),
        Method::GET,
        &path,
    )
    .await;
    assert_eq!(ok(reply), json!({}));

    // Credentials are checked before anything else, so a stranger learns nothing.
    let errors = failed(
        call_as(&emulator, Auth::None, Method::GET, "/nope").await,
        StatusCode::UNAUTHORIZED,
    );
    assert_eq!(codes(&errors), [10000]);
}

#[tokio::test]
async fn failing_videos_end_in_error_without_a_url() {
    let emulator = start().await;
    let path = downloads_path(seeds::ACCOUNT_ID, seeds::FAILING_VIDEO_ID, "");
    ok(call(&emulator, Method::POST, &path).await);
    tokio::time::sleep(GENERATION).await;
    assert_eq!(
        ok(call(&emulator, Method::GET, &path).await),
        json!({"default": {"percentComplete": 50, "status": "error"}})
    );
}

#[tokio::test]
async fn added_videos_and_accounts_are_served() {
    let emulator = start().await;
    emulator.add_video(SeedVideo::new("acct", "vid", "mine.mp4", VideoKind::Ready));
    let path = downloads_path("acct", "vid", "/default");
    ok(call(&emulator, Method::POST, &path).await);
    assert_eq!(emulator.downloads("acct", "vid").len(), 1);
    // Adding it again resets it.
    emulator.add_video(SeedVideo::new("acct", "vid", "mine.mp4", VideoKind::Ready));
    assert!(emulator.downloads("acct", "vid").is_empty());
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_injected_in_order_and_change_nothing() {
    let emulator = start().await;
    emulator.fail_next(
        1,
        Fault::RateLimited {
            retry_after: Duration::from_millis(1_500),
        },
    );
    emulator.fail_next(2, Fault::Status(503));
    assert_eq!(emulator.pending_faults(), 3);

    let limited = call(&emulator, Method::POST, &seeded("/default")).await;
    assert_eq!(
        limited
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("2")
    );
    let errors = failed(limited, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(codes(&errors), [971]);

    for _ in 0..2 {
        let errors = failed(
            call(&emulator, Method::POST, &seeded("/default")).await,
            StatusCode::SERVICE_UNAVAILABLE,
        );
        assert_eq!(errors, [(10001, "Service Unavailable".to_owned())]);
    }
    assert_eq!(emulator.pending_faults(), 0);
    assert_eq!(emulator.generations_started(), 0);

    // Faults come before credentials: even a stranger is rate limited.
    emulator.fail_next(1, Fault::Status(999));
    let reply = call_as(&emulator, Auth::None, Method::GET, &seeded("")).await;
    failed(reply, StatusCode::INTERNAL_SERVER_ERROR);

    // Then the service is back.
    ok(call(&emulator, Method::POST, &seeded("/default")).await);
    assert_eq!(emulator.generations_started(), 1);
    assert_eq!(emulator.request_count(), 5);

    emulator.fail_next(3, Fault::Status(500));
    emulator.clear_faults();
    ok(call(&emulator, Method::GET, &seeded("")).await);
}

#[tokio::test]
async fn delays_answer_late_then_normally() {
    let emulator = start().await;
    emulator.fail_next(1, Fault::Delay(Duration::from_millis(250)));
    let started = Instant::now();
    let created = ok(call(&emulator, Method::POST, &seeded("/audio")).await);
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert_eq!(created["audio"]["status"], json!("inprogress"));
}

#[tokio::test]
async fn stopping_answers_the_requests_in_flight_then_listens_no_more() {
    let emulator = start().await;
    let addr = emulator.addr();
    emulator.fail_next(1, Fault::Delay(Duration::from_millis(300)));
    let base = emulator.base_url().to_owned();
    let in_flight = tokio::spawn(async move {
        reqwest::Client::new()
            .post(format!("{base}{}", seeded("/audio")))
            .bearer_auth(seeds::API_TOKEN)
            .send()
            .await
    });
    // The request is in the server (held by its delay) before the stop begins.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    emulator.stop().await;
    assert!(started.elapsed() >= Duration::from_millis(100));
    let answered = in_flight
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|e| panic!("the request in flight was dropped: {e}"));
    assert_eq!(answered.status(), StatusCode::OK);
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn every_reply_has_a_ray_id_and_json_content_type() {
    let emulator = start().await;
    for (auth, path) in [
        (Auth::Token(seeds::API_TOKEN), seeded("")),
        (Auth::None, seeded("")),
        (Auth::Token(seeds::API_TOKEN), "/nope".to_owned()),
    ] {
        let reply = call_as(&emulator, auth, Method::GET, &path).await;
        let ray = reply.headers.get("cf-ray").and_then(|v| v.to_str().ok());
        assert!(
            ray.is_some_and(|ray| ray.ends_with("-EMU")),
            "{path}: {ray:?}"
        );
        assert_eq!(
            reply
                .headers
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/json")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_clients_lose_and_duplicate_nothing() {
    let emulator = start().await;
    let videos: Vec<String> = (0..40).map(|i| format!("{i:032x}")).collect();
    for video in &videos {
        emulator.add_video(SeedVideo::new(
            seeds::ACCOUNT_ID,
            video,
            "",
            VideoKind::Ready,
        ));
    }
    // Phase 1: every video gets each type created 3 times, and listed, all at once.
    let http = reqwest::Client::new();
    let base = emulator.base_url().to_owned();
    let send = |method: Method, path: String| {
        let request = http
            .request(method, format!("{base}{path}"))
            .bearer_auth(seeds::API_TOKEN);
        async move {
            request
                .send()
                .await
                .map(|response| response.status())
                .unwrap_or_else(|e| panic!("{e}"))
        }
    };
    let mut calls = Vec::new();
    for video in &videos {
        for _ in 0..3 {
            for suffix in ["/default", "/audio"] {
                let path = downloads_path(seeds::ACCOUNT_ID, video, suffix);
                calls.push(tokio::spawn(send(Method::POST, path)));
            }
        }
        let path = downloads_path(seeds::ACCOUNT_ID, video, "");
        calls.push(tokio::spawn(send(Method::GET, path)));
    }
    for call in calls {
        assert_eq!(call.await.ok(), Some(StatusCode::OK));
    }
    assert_eq!(emulator.request_count(), 40 * 7);
    assert_eq!(emulator.generations_started(), 80);

    // Phase 2: the audio download of even videos is deleted, once each, all at once.
    let mut deletes = Vec::new();
    for video in videos.iter().step_by(2) {
        let path = downloads_path(seeds::ACCOUNT_ID, video, "/audio");
        deletes.push(tokio::spawn(send(Method::DELETE, path)));
    }
    for delete in deletes {
        assert_eq!(delete.await.ok(), Some(StatusCode::OK));
    }
    for (index, video) in videos.iter().enumerate() {
        let kinds: Vec<_> = emulator
            .downloads(seeds::ACCOUNT_ID, video)
            .into_iter()
            .map(|(kind, _)| kind)
            .collect();
        if index % 2 == 0 {
            assert_eq!(kinds, [DownloadKind::Default], "{video}");
        } else {
            assert_eq!(
                kinds,
                [DownloadKind::Default, DownloadKind::Audio],
                "{video}"
            );
        }
    }
}

/// One raw HTTP/1.1 request, read to the end: no async client, no runtime.
fn raw_get(emulator: &Emulator, path: &str) -> String {
    let mut stream = TcpStream::connect(emulator.addr()).unwrap_or_else(|e| panic!("{e}"));
    let request = format!(
        "GET /client/v4{path} HTTP/1.1\r\nHost: localhost\r\n\
         Authorization: Bearer {}\r\nConnection: close\r\n\r\n",
        seeds::API_TOKEN
    );
    stream
        .write_all(request.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .unwrap_or_else(|e| panic!("{e}"));
    response
}

#[test]
fn spawned_emulators_serve_synchronous_callers_and_stop_when_dropped() {
    let emulator = Emulator::spawn(EmulatorConfig::default()).unwrap_or_else(|e| panic!("{e}"));
    let response = raw_get(&emulator, &seeded(""));
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    let body = response.split("\r\n\r\n").nth(1).unwrap_or_default();
    let body: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {response}"));
    assert_eq!(
        body,
        json!({"success": true, "errors": [], "messages": [], "result": {}})
    );

    let addr = emulator.addr();
    drop(emulator);
    let deadline = Instant::now() + Duration::from_secs(5);
    while TcpStream::connect(addr).is_ok() {
        assert!(Instant::now() < deadline, "still listening on {addr}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

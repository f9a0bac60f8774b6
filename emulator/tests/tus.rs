//! The emulator as Cloudflare's tus upload service, over HTTP with an independent client: an
//! upload created through the API, its chunks taken at the right offset under Cloudflare's
//! chunk rules, the bytes proven by their SHA-256, resumed after a fault, terminated; the video
//! then encodes.

mod support;

use std::time::Duration;

use cloudflare_stream_emulator::{Emulator, Fault, seeds};
use reqwest::{Method, StatusCode};
use serde_json::json;
use support::{call, emulator};

/// 5 MiB, the least chunk but the last.
const MIN_CHUNK: usize = 5_242_880;

/// Deterministic bytes (no two 256 KiB windows alike).
fn bytes(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| u8::try_from((i * 7 + i / 251) % 256).unwrap_or(0))
        .collect()
}

fn sha256(data: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, data)
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Creates an upload of `length` bytes: the video and the upload URL.
async fn create(emulator: &Emulator, length: usize) -> (String, String) {
    let reply = reqwest::Client::new()
        .post(format!(
            "{}/accounts/{}/stream",
            emulator.base_url(),
            seeds::ACCOUNT_ID
        ))
        .bearer_auth(seeds::API_TOKEN)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", length.to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(reply.status(), StatusCode::CREATED);
    let header = |name: &str| {
        reply
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    (header("stream-media-id"), header("location"))
}

async fn patch(url: &str, offset: usize, chunk: &[u8]) -> reqwest::Response {
    reqwest::Client::new()
        .patch(url)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", offset.to_string())
        .header("Content-Type", "application/offset+octet-stream")
        .body(chunk.to_vec())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn offset(url: &str) -> Option<u64> {
    let reply = reqwest::Client::new()
        .head(url)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    reply
        .headers()
        .get("upload-offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn an_upload_arrives_byte_for_byte_and_the_video_encodes() {
    let emulator = emulator(Duration::from_millis(200)).await;
    let data = bytes(MIN_CHUNK + 1_000);
    let (video, url) = create(&emulator, data.len()).await;
    assert_eq!(offset(&url).await, Some(0));

    let first = patch(&url, 0, &data[..MIN_CHUNK]).await;
    assert_eq!(first.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        first
            .headers()
            .get("upload-offset")
            .and_then(|v| v.to_str().ok()),
        Some(MIN_CHUNK.to_string().as_str())
    );
    let state = emulator.upload(&video).expect("an upload");
    assert!(!state.is_complete());
    assert_eq!(state.sha256, sha256(&data[..MIN_CHUNK]));
    let pending = call(&emulator, Method::GET, &format!("/stream/{video}"), None)
        .await
        .ok();
    assert_eq!(pending["status"]["state"], json!("pendingupload"));

    // The last chunk may be short.
    let last = patch(&url, MIN_CHUNK, &data[MIN_CHUNK..]).await;
    assert_eq!(last.status(), StatusCode::NO_CONTENT);
    let state = emulator.upload(&video).expect("an upload");
    assert!(state.is_complete());
    assert_eq!(state.sha256, sha256(&data));
    let encoding = call(&emulator, Method::GET, &format!("/stream/{video}"), None)
        .await
        .ok();
    // Queued at the instant the last byte came, encoding right after.
    assert!(
        ["queued", "inprogress"].contains(&encoding["status"]["state"].as_str().unwrap_or("")),
        "{encoding}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ready = call(&emulator, Method::GET, &format!("/stream/{video}"), None)
        .await
        .ok();
    assert_eq!(ready["status"]["state"], json!("ready"));
}

#[tokio::test]
async fn chunks_breaking_the_rules_or_the_offset_are_refused_and_change_nothing() {
    let emulator = emulator(Duration::ZERO).await;
    let data = bytes(2 * MIN_CHUNK + 262_144);
    let (video, url) = create(&emulator, data.len()).await;
    // Too short for a chunk that is not the last.
    assert_eq!(
        patch(&url, 0, &data[..1_000]).await.status(),
        StatusCode::BAD_REQUEST
    );
    // Long enough, but not a multiple of 256 KiB.
    assert_eq!(
        patch(&url, 0, &data[..MIN_CHUNK + 1]).await.status(),
        StatusCode::BAD_REQUEST
    );
    // At the wrong offset: 409 with the upload's own.
    let conflict = patch(&url, 262_144, &data[262_144..262_144 + MIN_CHUNK]).await;
    assert_eq!(conflict.status(), StatusCode::CONFLICT);
    assert_eq!(
        conflict
            .headers()
            .get("upload-offset")
            .and_then(|v| v.to_str().ok()),
        Some("0")
    );
    // Without the tus version, or as another content type.
    let bare = reqwest::Client::new()
        .patch(&url)
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/offset+octet-stream")
        .body(data[..MIN_CHUNK].to_vec())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bare.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(emulator.upload(&video).map(|u| u.offset), Some(0));
    // Past the upload's length.
    let (_, small) = create(&emulator, 10).await;
    assert_eq!(
        patch(&small, 0, &data[..11]).await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn a_dropped_chunk_is_resumed_from_the_offset_the_server_has() {
    let emulator = emulator(Duration::ZERO).await;
    let data = bytes(MIN_CHUNK + 5);
    let (video, url) = create(&emulator, data.len()).await;
    emulator.fail_next(1, Fault::Drop);
    let dropped = reqwest::Client::new()
        .patch(&url)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/offset+octet-stream")
        .body(data[..MIN_CHUNK].to_vec())
        .send()
        .await;
    assert!(dropped.is_err(), "the connection was cut: {dropped:?}");
    assert_eq!(offset(&url).await, Some(0));
    assert_eq!(
        patch(&url, 0, &data[..MIN_CHUNK]).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        patch(&url, MIN_CHUNK, &data[MIN_CHUNK..]).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        emulator.upload(&video).map(|u| u.sha256),
        Some(sha256(&data))
    );
}

#[tokio::test]
async fn termination_ends_the_upload_and_its_video() {
    let emulator = emulator(Duration::ZERO).await;
    let (video, url) = create(&emulator, 100).await;
    let ended = reqwest::Client::new()
        .delete(&url)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    assert_eq!(offset(&url).await, None);
    assert!(emulator.upload(&video).is_none());
    let gone = call(&emulator, Method::GET, &format!("/stream/{video}"), None).await;
    assert_eq!(gone.code(StatusCode::NOT_FOUND), 10005);
    assert!(gone.content_type.starts_with("application/json"));
    let options = reqwest::Client::new()
        .request(Method::OPTIONS, &url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        options
            .headers()
            .get("tus-version")
            .and_then(|v| v.to_str().ok()),
        Some("1.0.0")
    );
}

#[tokio::test]
async fn the_upload_is_readable_over_http_for_clients_in_any_language() {
    let emulator = emulator(Duration::ZERO).await;
    let data = bytes(1_234);
    let (video, url) = create(&emulator, data.len()).await;
    assert_eq!(patch(&url, 0, &data).await.status(), StatusCode::NO_CONTENT);
    let origin = emulator
        .base_url()
        .trim_end_matches("/client/v4")
        .to_owned();
    let state: serde_json::Value = reqwest::get(format!("{origin}/__emulator/uploads/{video}"))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        state,
        json!({"length": 1234, "offset": 1234, "received": 1234, "sha256": sha256(&data)})
    );
    let missing = reqwest::get(format!("{origin}/__emulator/uploads/nothing"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

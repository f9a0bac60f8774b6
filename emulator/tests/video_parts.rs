//! What hangs below a Stream video, kept by the emulator while it serves the project's
//! `spec/`, over HTTP: captions uploaded or generated per language and their WebVTT, audio
//! tracks copied, edited and deleted, the embed code and signed tokens of the video asked for.

mod support;

use std::time::Duration;

use cloudflare_stream_emulator::seeds;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::{call, emulator, read};

const OTHER: &str = seeds::OTHER_VIDEO_IDS[0];

#[tokio::test]
async fn captions_are_uploaded_or_generated_per_language() {
    let emulator = emulator(Duration::from_millis(200)).await;
    let base = format!("/stream/{OTHER}/captions");
    let vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHallo\n";
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::text(vtt)
            .file_name("de.vtt")
            .mime_str("text/vtt")
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let url = format!(
        "{}/accounts/{}{base}/de",
        emulator.base_url(),
        seeds::ACCOUNT_ID
    );
    let uploaded = reqwest::Client::new()
        .put(&url)
        .bearer_auth(seeds::API_TOKEN)
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let uploaded = read(uploaded).await.ok();
    assert_eq!(
        uploaded,
        json!({"language": "de", "label": "Deutsch", "generated": false, "status": "ready"})
    );
    let generated = call(
        &emulator,
        Method::POST,
        &format!("{base}/nl/generate"),
        None,
    )
    .await
    .ok();
    assert_eq!(generated["language"], json!("nl"));
    assert_eq!(generated["generated"], json!(true));
    assert_eq!(generated["status"], json!("inprogress"));
    let listed = call(&emulator, Method::GET, &base, None).await.ok();
    let languages: Vec<&str> = listed
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["language"].as_str())
        .collect();
    assert_eq!(languages, ["de", "nl"]);
    let text = call(&emulator, Method::GET, &format!("{base}/de/vtt"), None).await;
    assert_eq!(text.status, StatusCode::OK);
    assert!(
        text.content_type.starts_with("text/vtt"),
        "{}",
        text.content_type
    );
    assert_eq!(text.text, vtt);
    tokio::time::sleep(Duration::from_millis(250)).await;
    let ready = call(&emulator, Method::GET, &format!("{base}/nl"), None)
        .await
        .ok();
    assert_eq!(ready["status"], json!("ready"));

    assert_eq!(
        call(&emulator, Method::DELETE, &format!("{base}/de"), None)
            .await
            .ok(),
        json!("ok")
    );
    for path in [format!("{base}/de"), format!("{base}/de/vtt")] {
        let gone = call(&emulator, Method::GET, &path, None).await;
        assert_eq!(gone.code(StatusCode::NOT_FOUND), 10012, "{path}");
    }
    let unknown = call(
        &emulator,
        Method::GET,
        "/stream/00000000000000000000000000000000/captions",
        None,
    )
    .await;
    assert_eq!(unknown.code(StatusCode::NOT_FOUND), 10005);
}

#[tokio::test]
async fn audio_tracks_are_copied_edited_and_deleted() {
    let emulator = emulator(Duration::ZERO).await;
    let base = format!("/stream/{OTHER}/audio");
    let copy = |label: &str| json!({"label": label, "url": "https://example.com/a.mp3"});
    let first = call(
        &emulator,
        Method::POST,
        &format!("{base}/copy"),
        Some(copy("one")),
    )
    .await
    .ok();
    let second = call(
        &emulator,
        Method::POST,
        &format!("{base}/copy"),
        Some(copy("two")),
    )
    .await
    .ok();
    assert_eq!(
        (first["label"].clone(), first["default"].clone()),
        (json!("one"), json!(false))
    );
    let (a, b) = (
        first["uid"].as_str().unwrap_or_default().to_owned(),
        second["uid"].as_str().unwrap_or_default().to_owned(),
    );
    assert_ne!(a, b);
    let edit = |body: Value, id: &str| {
        let path = format!("{base}/{id}");
        let emulator = &emulator;
        async move { call(emulator, Method::PATCH, &path, Some(body)).await.ok() }
    };
    assert_eq!(
        edit(json!({"default": true}), &a).await["default"],
        json!(true)
    );
    let renamed = edit(json!({"default": true, "label": "deux"}), &b).await;
    assert_eq!(
        (renamed["label"].clone(), renamed["default"].clone()),
        (json!("deux"), json!(true))
    );
    let listed = call(&emulator, Method::GET, &base, None).await.ok();
    let defaults: Vec<(String, bool)> = listed["audio"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            (
                t["uid"].as_str().unwrap_or_default().to_owned(),
                t["default"] == json!(true),
            )
        })
        .collect();
    assert_eq!(defaults, [(a.clone(), false), (b.clone(), true)]);
    assert_eq!(
        call(&emulator, Method::DELETE, &format!("{base}/{a}"), None)
            .await
            .ok(),
        json!("ok")
    );
    let gone = call(
        &emulator,
        Method::PATCH,
        &format!("{base}/{a}"),
        Some(json!({"label": "x"})),
    )
    .await;
    assert_eq!(gone.code(StatusCode::NOT_FOUND), 10012);
}

#[tokio::test]
async fn embed_and_token_name_the_requested_video() {
    let emulator = emulator(Duration::ZERO).await;
    let embed = call(
        &emulator,
        Method::GET,
        &format!("/stream/{OTHER}/embed"),
        None,
    )
    .await;
    assert_eq!(embed.status, StatusCode::OK);
    assert!(
        embed.content_type.starts_with("text/html"),
        "{}",
        embed.content_type
    );
    assert!(
        embed.text.contains(&format!("<stream src=\"{OTHER}\">")),
        "{}",
        embed.text
    );
    let body = json!({"exp": 1_900_000_000, "downloadable": true});
    let token = call(
        &emulator,
        Method::POST,
        &format!("/stream/{OTHER}/token"),
        Some(body),
    )
    .await;
    let token = token.ok()["token"].as_str().unwrap_or_default().to_owned();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "{token}");
    let payload = decode_url_base64(parts[1]);
    let claims: Value = serde_json::from_slice(&payload).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(claims["sub"], json!(OTHER));
    assert_eq!(claims["exp"], json!(1_900_000_000));
    let unknown = call(
        &emulator,
        Method::POST,
        "/stream/00000000000000000000000000000000/token",
        Some(json!({})),
    )
    .await;
    assert_eq!(unknown.code(StatusCode::NOT_FOUND), 10005);
}

fn decode_url_base64(text: &str) -> Vec<u8> {
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let (mut word, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for c in text.chars() {
        let value = alphabet.find(c).unwrap_or_else(|| panic!("{c} in {text}"));
        word = (word << 6) | u32::try_from(value).unwrap_or_default();
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((word >> bits) & 0xff).unwrap_or_default());
        }
    }
    out
}

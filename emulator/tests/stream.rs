//! The Stream resources the emulator keeps state for, over HTTP with an independent client,
//! while it serves the project's `spec/`: videos made, listed, found, edited and deleted (with
//! what hangs below them), storage use, the webhook, captions, audio tracks, the embed code,
//! tokens, watermarks sent as JSON; and faults queued over HTTP, including a dropped
//! connection.

use std::path::Path;
use std::time::{Duration, Instant};

use cloudflare_stream_emulator::{Emulator, EmulatorConfig, Fault, seeds};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const OTHER: &str = seeds::OTHER_VIDEO_IDS[0];

async fn emulator(generation_time: Duration) -> Emulator {
    Emulator::start_with(EmulatorConfig {
        generation_time,
        spec_dir: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("the emulator serves spec/: {e}"))
}

struct Reply {
    status: StatusCode,
    content_type: String,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("{e}: {}", self.text))
    }

    /// The result of a 200 success envelope.
    fn ok(&self) -> Value {
        assert_eq!(self.status, StatusCode::OK, "{}", self.text);
        self.json()["result"].clone()
    }

    /// The first error code of a failure envelope with `status`.
    fn code(&self, status: StatusCode) -> i64 {
        assert_eq!(self.status, status, "{}", self.text);
        self.json()["errors"][0]["code"]
            .as_i64()
            .unwrap_or_default()
    }
}

/// Sends `method` to `/accounts/{account}{path}` with the token and an optional JSON body.
async fn call(emulator: &Emulator, method: Method, path: &str, body: Option<Value>) -> Reply {
    let url = format!(
        "{}/accounts/{}{path}",
        emulator.base_url(),
        seeds::ACCOUNT_ID
    );
    let mut request = reqwest::Client::new()
        .request(method, url)
        .bearer_auth(seeds::API_TOKEN);
    if let Some(body) = body {
        request = request.json(&body);
    }
    read(request.send().await.unwrap_or_else(|e| panic!("{e}"))).await
}

async fn read(response: reqwest::Response) -> Reply {
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.unwrap_or_default();
    Reply {
        status,
        content_type,
        text,
    }
}

fn uids(list: &Value) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|video| video["uid"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_seeded_videos_are_listed_found_and_filtered() {
    let emulator = emulator(Duration::ZERO).await;
    let all = call(&emulator, Method::GET, "/stream?asc=true", None)
        .await
        .ok();
    let seeded = [
        seeds::VIDEO_ID,
        seeds::OTHER_VIDEO_IDS[0],
        seeds::OTHER_VIDEO_IDS[1],
        seeds::FAILING_VIDEO_ID,
        seeds::PROCESSING_VIDEO_ID,
    ];
    assert_eq!(uids(&all), seeded);
    // Newest first by default.
    let newest = call(&emulator, Method::GET, "/stream", None).await.ok();
    assert_eq!(
        uids(&newest).first().map(String::as_str),
        Some(seeds::PROCESSING_VIDEO_ID)
    );

    let video = call(&emulator, Method::GET, &format!("/stream/{OTHER}"), None)
        .await
        .ok();
    assert_eq!(video["uid"], json!(OTHER));
    assert_eq!(video["meta"]["name"], json!("product-launch.mov"));
    assert_eq!(video["readyToStream"], json!(true));
    assert_eq!(
        video["status"],
        json!({"state": "ready", "pctComplete": "100.000000",
               "errorReasonCode": "", "errorReasonText": ""})
    );
    assert_eq!(
        video["playback"]["hls"],
        json!(format!(
            "https://customer-emulator.cloudflarestream.com/{OTHER}/manifest/video.m3u8"
        ))
    );
    let busy = format!("/stream/{}", seeds::PROCESSING_VIDEO_ID);
    let busy = call(&emulator, Method::GET, &busy, None).await.ok();
    assert_eq!(busy["status"]["state"], json!("inprogress"));
    assert_eq!(busy["readyToStream"], json!(false));
    let unknown = call(
        &emulator,
        Method::GET,
        "/stream/00000000000000000000000000000000",
        None,
    )
    .await;
    assert_eq!(unknown.code(StatusCode::NOT_FOUND), 10005);

    // Filters: the name (any case), the state, the creation date; counts on request.
    let found = call(&emulator, Method::GET, "/stream?search=PRODUCT", None)
        .await
        .ok();
    assert_eq!(uids(&found), [OTHER]);
    let ready = call(&emulator, Method::GET, "/stream?status=inprogress", None)
        .await
        .ok();
    assert_eq!(uids(&ready), [seeds::PROCESSING_VIDEO_ID]);
    let future = call(
        &emulator,
        Method::GET,
        "/stream?start=2999-01-01T00:00:00Z",
        None,
    )
    .await;
    assert_eq!(future.ok(), json!([]));
    let past = call(
        &emulator,
        Method::GET,
        "/stream?end=2000-01-01T00:00:00Z",
        None,
    )
    .await;
    assert_eq!(past.ok(), json!([]));
    let counted = call(
        &emulator,
        Method::GET,
        "/stream?include_counts=true&limit=2",
        None,
    )
    .await;
    let counted = counted.json();
    assert_eq!(
        (counted["total"].clone(), counted["range"].clone()),
        (json!(5), json!(2))
    );
    assert_eq!(uids(&counted["result"]).len(), 2);
}

#[tokio::test]
async fn an_edit_persists_and_a_delete_takes_what_is_below_the_video() {
    let emulator = emulator(Duration::ZERO).await;
    let path = format!("/stream/{OTHER}");
    let edit = json!({"meta": {"name": "renamed.mp4"}, "requireSignedURLs": true,
                      "allowedOrigins": ["example.com"], "creator": "c-1",
                      "thumbnailTimestampPct": 0.5});
    let edited = call(&emulator, Method::POST, &path, Some(edit)).await.ok();
    assert_eq!(edited["uid"], json!(OTHER));
    let again = call(&emulator, Method::GET, &path, None).await.ok();
    for (field, value) in [
        ("meta", json!({"name": "renamed.mp4"})),
        ("requireSignedURLs", json!(true)),
        ("allowedOrigins", json!(["example.com"])),
        ("creator", json!("c-1")),
        ("thumbnailTimestampPct", json!(0.5)),
    ] {
        assert_eq!(again[field], value, "{field}");
    }
    let by_creator = call(&emulator, Method::GET, "/stream?creator=c-1", None)
        .await
        .ok();
    assert_eq!(uids(&by_creator), [OTHER]);

    // A download, a caption and an audio track, then the video is deleted.
    call(&emulator, Method::POST, &format!("{path}/downloads"), None)
        .await
        .ok();
    assert_eq!(emulator.downloads(seeds::ACCOUNT_ID, OTHER).len(), 1);
    let track = json!({"label": "dub", "url": "https://example.com/a.mp3"});
    call(
        &emulator,
        Method::POST,
        &format!("{path}/audio/copy"),
        Some(track),
    )
    .await
    .ok();
    call(
        &emulator,
        Method::POST,
        &format!("{path}/captions/en/generate"),
        None,
    )
    .await
    .ok();
    assert_eq!(
        call(&emulator, Method::DELETE, &path, None).await.ok(),
        Value::Null
    );
    assert!(emulator.downloads(seeds::ACCOUNT_ID, OTHER).is_empty());
    for below in ["", "/captions", "/audio", "/captions/en", "/embed"] {
        let reply = call(&emulator, Method::GET, &format!("{path}{below}"), None).await;
        assert_eq!(reply.code(StatusCode::NOT_FOUND), 10005, "{below}");
    }
    let listed = call(&emulator, Method::GET, "/stream", None).await.ok();
    assert!(!uids(&listed).contains(&OTHER.to_owned()));
    let again = call(&emulator, Method::DELETE, &path, None).await;
    assert_eq!(again.code(StatusCode::NOT_FOUND), 10005);
}

#[tokio::test]
async fn clips_copies_and_uploads_make_videos() {
    let emulator = emulator(Duration::from_millis(300)).await;
    let clip = json!({"clippedFromVideoUID": OTHER, "startTimeSeconds": 0,
                      "endTimeSeconds": 5, "name": "a clip"});
    let clip = call(&emulator, Method::POST, "/stream/clip", Some(clip))
        .await
        .ok();
    let clip_id = clip["uid"].as_str().unwrap_or_default().to_owned();
    assert_eq!(clip_id.len(), 32);
    assert_eq!(clip["clippedFromVideoUID"], json!(OTHER));
    assert_eq!(clip["meta"]["name"], json!("a clip"));
    assert_eq!(clip["status"]["state"], json!("queued"));
    let orphan = json!({"clippedFromVideoUID": "00000000000000000000000000000000",
                        "startTimeSeconds": 0, "endTimeSeconds": 5});
    let orphan = call(&emulator, Method::POST, "/stream/clip", Some(orphan)).await;
    assert_eq!(orphan.code(StatusCode::NOT_FOUND), 10005);

    let copy = json!({"url": "https://example.com/v.mp4", "meta": {"name": "copied"}});
    let copy = call(&emulator, Method::POST, "/stream/copy", Some(copy))
        .await
        .ok();
    let copy_id = copy["uid"].as_str().unwrap_or_default().to_owned();
    assert_eq!(copy["status"]["state"], json!("downloading"));
    // Downloads wait for the copy to be ready, then generate as usual.
    let early = call(
        &emulator,
        Method::POST,
        &format!("/stream/{copy_id}/downloads"),
        None,
    )
    .await;
    assert_eq!(early.code(StatusCode::BAD_REQUEST), 10008);

    let direct = json!({"maxDurationSeconds": 60, "meta": {"name": "direct"}});
    let direct = call(
        &emulator,
        Method::POST,
        "/stream/direct_upload",
        Some(direct),
    )
    .await
    .ok();
    let direct_id = direct["uid"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        direct["uploadURL"],
        json!(format!("https://upload.videodelivery.net/{direct_id}"))
    );

    let tus = reqwest::Client::new()
        .post(format!(
            "{}/accounts/{}/stream",
            emulator.base_url(),
            seeds::ACCOUNT_ID
        ))
        .bearer_auth(seeds::API_TOKEN)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "1024")
        .header("Upload-Creator", "tus-creator")
        // `name` = base64("tus.mp4")
        .header("Upload-Metadata", "name dHVzLm1wNA==, requiresignedurls")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(tus.status(), StatusCode::CREATED);
    let tus_id = tus
        .headers()
        .get("stream-media-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let location = tus.headers().get("location").and_then(|v| v.to_str().ok());
    assert_eq!(
        location,
        Some(format!("https://upload.videodelivery.net/tus/{tus_id}").as_str())
    );
    let tus_video = call(&emulator, Method::GET, &format!("/stream/{tus_id}"), None)
        .await
        .ok();
    assert_eq!(tus_video["meta"]["name"], json!("tus.mp4"));
    assert_eq!(tus_video["creator"], json!("tus-creator"));
    assert_eq!(tus_video["requireSignedURLs"], json!(true));
    assert_eq!(tus_video["status"]["state"], json!("pendingupload"));

    let listed = call(&emulator, Method::GET, "/stream", None).await.ok();
    for id in [&clip_id, &copy_id, &direct_id, &tus_id] {
        assert!(uids(&listed).contains(id), "{id} listed");
    }
    let usage = call(&emulator, Method::GET, "/stream/storage-usage", None)
        .await
        .ok();
    assert_eq!(usage["videoCount"], json!(9));
    let by_creator = call(
        &emulator,
        Method::GET,
        "/stream/storage-usage?creator=tus-creator",
        None,
    )
    .await;
    let by_creator = by_creator.ok();
    assert_eq!(
        (
            by_creator["videoCount"].clone(),
            by_creator["creator"].clone()
        ),
        (json!(1), json!("tus-creator"))
    );

    // After the generation time the clip and the copy are ready.
    tokio::time::sleep(Duration::from_millis(350)).await;
    for id in [&clip_id, &copy_id] {
        let video = call(&emulator, Method::GET, &format!("/stream/{id}"), None)
            .await
            .ok();
        assert_eq!(video["status"]["state"], json!("ready"), "{id}");
        assert_eq!(video["readyToStream"], json!(true), "{id}");
    }
    call(
        &emulator,
        Method::POST,
        &format!("/stream/{copy_id}/downloads"),
        None,
    )
    .await
    .ok();
}

#[tokio::test]
async fn the_webhook_keeps_its_url_and_secret_until_deleted() {
    let emulator = emulator(Duration::ZERO).await;
    let missing = call(&emulator, Method::GET, "/stream/webhook", None).await;
    assert_eq!(missing.code(StatusCode::NOT_FOUND), 10012);
    let set = json!({"notificationUrl": "https://example.com/a"});
    let first = call(&emulator, Method::PUT, "/stream/webhook", Some(set))
        .await
        .ok();
    assert_eq!(first["notificationUrl"], json!("https://example.com/a"));
    let secret = first["secret"].as_str().unwrap_or_default().to_owned();
    assert_eq!(secret.len(), 32);
    let set = json!({"notificationUrl": "https://example.com/b"});
    let second = call(&emulator, Method::PUT, "/stream/webhook", Some(set))
        .await
        .ok();
    assert_eq!(second["secret"], json!(secret));
    let got = call(&emulator, Method::GET, "/stream/webhook", None)
        .await
        .ok();
    assert_eq!(got["notificationUrl"], json!("https://example.com/b"));
    assert_eq!(
        call(&emulator, Method::DELETE, "/stream/webhook", None)
            .await
            .ok(),
        json!("ok")
    );
    let gone = call(&emulator, Method::GET, "/stream/webhook", None).await;
    assert_eq!(gone.code(StatusCode::NOT_FOUND), 10012);
}

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

#[tokio::test]
async fn a_watermark_is_created_from_a_url_sent_as_json() {
    let emulator = emulator(Duration::ZERO).await;
    let body = json!({"url": "https://example.com/logo.png", "name": "logo", "opacity": 0.5,
                      "padding": 0.1, "position": "upperLeft", "scale": 0.2});
    let made = call(&emulator, Method::POST, "/stream/watermarks", Some(body))
        .await
        .ok();
    let uid = made["uid"].as_str().unwrap_or_default().to_owned();
    assert_eq!(made["name"], json!("logo"));
    assert_eq!(
        made["downloadedFrom"],
        json!("https://example.com/logo.png")
    );
    let got = call(
        &emulator,
        Method::GET,
        &format!("/stream/watermarks/{uid}"),
        None,
    )
    .await
    .ok();
    assert_eq!(got["opacity"], json!(0.5));
    let bad = json!({"url": "https://example.com/logo.png", "opacity": 7});
    let bad = call(&emulator, Method::POST, "/stream/watermarks", Some(bad)).await;
    assert_eq!(bad.code(StatusCode::BAD_REQUEST), 10009);
    let no_url = call(
        &emulator,
        Method::POST,
        "/stream/watermarks",
        Some(json!({"name": "x"})),
    )
    .await;
    assert_eq!(no_url.code(StatusCode::BAD_REQUEST), 10009);
    call(
        &emulator,
        Method::DELETE,
        &format!("/stream/watermarks/{uid}"),
        None,
    )
    .await
    .ok();
    let gone = call(
        &emulator,
        Method::GET,
        &format!("/stream/watermarks/{uid}"),
        None,
    )
    .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

/// Queues a fault over HTTP; the number pending after.
async fn queue(emulator: &Emulator, fault: Value) -> Reply {
    let response = reqwest::Client::new()
        .post(emulator.faults_url())
        .json(&fault)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    read(response).await
}

#[tokio::test]
async fn faults_are_queued_over_http_and_a_dropped_connection_is_unanswered() {
    let emulator = emulator(Duration::ZERO).await;
    let keys = "/stream/keys";
    let pending = queue(&emulator, json!({"status": 503, "count": 2}))
        .await
        .ok();
    assert_eq!(pending, json!({"pending": 2}));
    queue(&emulator, json!({"status": 429, "retry_after": 2}))
        .await
        .ok();
    for expected in [503, 503] {
        let reply = call(&emulator, Method::GET, keys, None).await;
        assert_eq!(reply.status.as_u16(), expected);
    }
    let limited = reqwest::Client::new()
        .get(format!(
            "{}/accounts/{}{keys}",
            emulator.base_url(),
            seeds::ACCOUNT_ID
        ))
        .bearer_auth(seeds::API_TOKEN)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        limited
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("2")
    );
    call(&emulator, Method::GET, keys, None).await.ok();

    // A dropped connection: no status, no body; the next request is answered.
    queue(&emulator, json!({"drop": true})).await.ok();
    let dropped = reqwest::Client::new()
        .get(format!(
            "{}/accounts/{}{keys}",
            emulator.base_url(),
            seeds::ACCOUNT_ID
        ))
        .bearer_auth(seeds::API_TOKEN)
        .send()
        .await;
    assert!(
        dropped.is_err(),
        "answered: {:?}",
        dropped.map(|r| r.status())
    );
    call(&emulator, Method::GET, keys, None).await.ok();
    // And from the library.
    emulator.fail_next(1, Fault::Drop);
    let dropped = reqwest::Client::new()
        .post(format!(
            "{}/accounts/{}{keys}",
            emulator.base_url(),
            seeds::ACCOUNT_ID
        ))
        .bearer_auth(seeds::API_TOKEN)
        .send()
        .await;
    assert!(dropped.is_err(), "answered");
    assert_eq!(
        call(&emulator, Method::GET, keys, None).await.ok(),
        json!([])
    );

    // A delay, then clearing what is queued.
    queue(&emulator, json!({"delay": "300ms"})).await.ok();
    let started = Instant::now();
    call(&emulator, Method::GET, keys, None).await.ok();
    assert!(started.elapsed() >= Duration::from_millis(300));
    queue(&emulator, json!({"status": 500, "count": 5}))
        .await
        .ok();
    let cleared = reqwest::Client::new()
        .delete(emulator.faults_url())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read(cleared).await.ok(), json!({"pending": 0}));
    call(&emulator, Method::GET, keys, None).await.ok();

    // A fault the route cannot read is refused; the route itself is never faulted.
    let bad = queue(&emulator, json!({"status": 503, "drop": true})).await;
    assert_eq!(bad.code(StatusCode::BAD_REQUEST), 10009);
    emulator.fail_next(1, Fault::Status(503));
    assert_eq!(
        queue(&emulator, json!({"drop": true})).await.ok(),
        json!({"pending": 2})
    );
}

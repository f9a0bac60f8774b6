//! The Stream videos the emulator keeps while it serves the project's `spec/`, over HTTP with
//! an independent client: listed, found, filtered, edited, deleted with what hangs below them;
//! made by clips, copies, direct and tus uploads; counted by the storage use; and the webhook
//! and watermarks sent as JSON.

mod support;

use std::time::Duration;

use cloudflare_stream_emulator::seeds;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::{call, emulator};

const OTHER: &str = seeds::OTHER_VIDEO_IDS[0];

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
    let reply = call(&emulator, Method::GET, "/stream", None).await;
    assert!(
        reply.content_type.starts_with("application/json"),
        "{}",
        reply.content_type
    );
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

    // By IDs, names, the exact name, a live input, and `after`/`before` as `start`/`end`.
    let get = |query: String| {
        let emulator = &emulator;
        async move {
            call(emulator, Method::GET, &format!("/stream?{query}"), None)
                .await
                .ok()
        }
    };
    let two = get(format!("id={OTHER},{}&asc=true", seeds::VIDEO_ID)).await;
    assert_eq!(uids(&two), [seeds::VIDEO_ID, OTHER]);
    assert_eq!(
        uids(&get("video_name=product-launch.mov".into()).await),
        [OTHER]
    );
    assert_eq!(get("video_name=PRODUCT-launch.mov".into()).await, json!([]));
    assert_eq!(
        uids(&get(format!("name=product-launch.mov,{}", seeds::VIDEO_ID)).await).len(),
        2
    );
    assert_eq!(get(format!("live_input_id={OTHER}")).await, json!([]));
    assert_eq!(get("after=2999-01-01T00:00:00Z".into()).await, json!([]));
    assert_eq!(
        uids(&get("before=2999-01-01T00:00:00Z".into()).await).len(),
        5
    );
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
    // The emulator is the upload service: the one-time URL is its own.
    assert_eq!(
        direct["uploadURL"],
        json!(format!("http://{}/upload/{direct_id}", emulator.addr()))
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
    // The emulator is the upload service too: the upload URL is its own.
    assert_eq!(
        location,
        Some(format!("http://{}/tus/{tus_id}", emulator.addr()).as_str())
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

//! End-to-end tests of the SDK against the local Stream emulator (`emulator/`): a stateful
//! service, unlike the scripted server of `e2e.rs`. The full lifecycle of both download
//! types, waiting until ready, failure envelopes as typed errors, injected faults, and hundreds
//! of simultaneous calls.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cloudflare_stream::{
    Client, Download, DownloadStatus, DownloadType, Error, VideoDownloads, WaitError,
};
use cloudflare_stream_emulator::{
    DownloadKind, Emulator, EmulatorConfig, Fault, SeedVideo, VideoKind, seeds,
};

use crate::support::{ACCOUNT, VIDEO, emulator_client, emulator_client_with};

/// How many times the client retries a 429 or 5xx by itself, by default. The fault tests are
/// written against it: faults within this budget are absorbed, beyond it they surface as typed
/// errors after exactly `SDK_RETRIES + 1` requests. Set it to 0 for a client without retries.
const SDK_RETRIES: u64 = 2;

const GENERATION: Duration = Duration::from_millis(300);
const POLL: Duration = Duration::from_millis(20);

async fn emulator_with(generation_time: Duration) -> Emulator {
    Emulator::start_with(EmulatorConfig {
        generation_time,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("cannot start the emulator: {e}"))
}

async fn emulator() -> Emulator {
    emulator_with(GENERATION).await
}

fn ok<T>(result: Result<T, Error>) -> T {
    result.unwrap_or_else(|e| panic!("unexpected error: {e}"))
}

fn err<T: std::fmt::Debug>(result: Result<T, Error>) -> Error {
    match result {
        Ok(value) => panic!("expected an error, got {value:?}"),
        Err(error) => error,
    }
}

/// The API's error codes in `error`.
fn codes(error: &Error) -> Vec<i64> {
    error
        .api_error()
        .map(|api| api.errors.iter().map(|e| e.code).collect())
        .unwrap_or_default()
}

fn types(downloads: &VideoDownloads) -> Vec<&'static str> {
    let mut types = Vec::new();
    if downloads.default.is_some() {
        types.push("default");
    }
    if downloads.audio.is_some() {
        types.push("audio");
    }
    types
}

fn url(file: &str) -> String {
    format!("https://customer-emulator.cloudflarestream.com/{VIDEO}/downloads/{file}")
}

/// Waits for `download_type` of [`VIDEO`], recording every progress report.
async fn wait_recording(
    client: &Client,
    download_type: DownloadType,
) -> (Result<Download, WaitError>, Vec<f64>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let result = client
        .stream()
        .downloads()
        .wait_until_ready(ACCOUNT, VIDEO, download_type)
        .poll_interval(POLL)
        .deadline(Duration::from_secs(5))
        .on_progress(move |percent| sink.lock().unwrap_or_else(|e| e.into_inner()).push(percent))
        .await;
    let seen = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    (result, seen)
}

#[tokio::test]
async fn both_downloads_are_created_waited_for_listed_and_deleted() {
    let emulator = emulator().await;
    let client = emulator_client(&emulator);
    let downloads = client.stream().downloads();
    assert_eq!(
        ok(downloads.get(ACCOUNT, VIDEO).await),
        VideoDownloads::default()
    );

    let created = ok(downloads.create(ACCOUNT, VIDEO).await);
    // The service's answer today: the downloads by type, the URL there from creation.
    assert!(
        matches!(
            created,
            cloudflare_stream::CreatedDownload::KeyedDownloads(_)
        ),
        "{created:?}"
    );
    let default = created.into_download();
    assert_eq!(default.status, Some(DownloadStatus::Inprogress));
    assert!(
        default
            .url
            .as_deref()
            .is_some_and(|u| u.ends_with("/downloads/default.mp4")),
        "{default:?}"
    );
    let all = ok(downloads
        .create_type(ACCOUNT, VIDEO, DownloadType::Audio)
        .await);
    assert_eq!(types(&all), ["default", "audio"]);

    let ((default, default_seen), (audio, audio_seen)) = tokio::join!(
        wait_recording(&client, DownloadType::Default),
        wait_recording(&client, DownloadType::Audio),
    );
    for (result, seen, file) in [
        (default, default_seen, "default.mp4"),
        (audio, audio_seen, "audio.m4a"),
    ] {
        let ready = result.unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(ready.status, Some(DownloadStatus::Ready));
        assert_eq!(ready.percent_complete, Some(100.0));
        assert_eq!(ready.url, Some(url(file)));
        // Several polls, progress never going back, ending at 100.
        assert!(seen.len() >= 3, "{file}: {seen:?}");
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{file}: {seen:?}");
        assert!(
            seen[..seen.len() - 1].iter().all(|p| *p < 100.0),
            "{seen:?}"
        );
        assert_eq!(seen.last(), Some(&100.0));
    }

    let listed = ok(downloads.get(ACCOUNT, VIDEO).await);
    assert_eq!(
        listed.audio.as_ref().and_then(|d| d.url.clone()),
        Some(url("audio.m4a"))
    );
    assert_eq!(
        listed.default.as_ref().and_then(|d| d.status.clone()),
        Some(DownloadStatus::Ready)
    );

    assert_eq!(
        ok(downloads
            .delete_type(ACCOUNT, VIDEO, DownloadType::Audio)
            .await),
        "ok"
    );
    assert_eq!(types(&ok(downloads.get(ACCOUNT, VIDEO).await)), ["default"]);
    assert_eq!(ok(downloads.delete(ACCOUNT, VIDEO).await), "ok");
    assert_eq!(
        ok(downloads.get(ACCOUNT, VIDEO).await),
        VideoDownloads::default()
    );
    assert!(emulator.downloads(ACCOUNT, VIDEO).is_empty());
}

#[tokio::test]
async fn download_types_are_independent() {
    let emulator = emulator().await;
    let client = emulator_client(&emulator);
    let downloads = client.stream().downloads();

    ok(downloads
        .create_type(ACCOUNT, VIDEO, DownloadType::Audio)
        .await);
    assert_eq!(types(&ok(downloads.get(ACCOUNT, VIDEO).await)), ["audio"]);

    // The default download was never created: deleting it is a 404, and audio is untouched.
    let error = err(downloads
        .delete_type(ACCOUNT, VIDEO, DownloadType::Default)
        .await);
    assert!(error.is_not_found(), "{error}");
    assert_eq!(codes(&error), [10006]);
    assert_eq!(types(&ok(downloads.get(ACCOUNT, VIDEO).await)), ["audio"]);

    ok(downloads
        .create_type(ACCOUNT, VIDEO, DownloadType::Default)
        .await);
    ok(downloads
        .delete_type(ACCOUNT, VIDEO, DownloadType::Audio)
        .await);
    assert_eq!(types(&ok(downloads.get(ACCOUNT, VIDEO).await)), ["default"]);
    let kinds: Vec<_> = emulator
        .downloads(ACCOUNT, VIDEO)
        .into_iter()
        .map(|(kind, _)| kind)
        .collect();
    assert_eq!(kinds, [DownloadKind::Default]);
}

#[tokio::test]
async fn failure_envelopes_become_typed_errors_with_the_api_codes() {
    let emulator = emulator().await;
    let client = emulator_client(&emulator);
    let downloads = client.stream().downloads();

    let error = err(downloads
        .get(ACCOUNT, "ffffffffffffffffffffffffffffffff")
        .await);
    assert!(error.is_not_found(), "{error}");
    let api = error.api_error().unwrap_or_else(|| panic!("{error:?}"));
    assert_eq!(api.operation, "stream.downloads.get");
    assert_eq!(api.errors[0].code, 10005);
    assert_eq!(api.errors[0].message, "The video was not found.");
    assert_eq!(
        api.errors[0]
            .source
            .as_ref()
            .and_then(|s| s.pointer.as_deref()),
        Some("/identifier")
    );
    assert!(api.headers.contains_key("cf-ray"));
    assert_eq!(
        error.to_string(),
        "stream.downloads.get: HTTP 404 Not Found: 10005: The video was not found."
    );

    // A download type the API does not have.
    let error = err(downloads
        .create_type(ACCOUNT, VIDEO, DownloadType::from("hd"))
        .await);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(codes(&error), [10007]);

    // A video still encoding.
    let error = err(downloads.create(ACCOUNT, seeds::PROCESSING_VIDEO_ID).await);
    assert_eq!(codes(&error), [10008]);

    // An account the credentials do not reach.
    let error = err(downloads
        .get("99999999999999999999999999999999", VIDEO)
        .await);
    assert!(error.is_forbidden(), "{error}");
    assert_eq!(codes(&error), [10000]);
    assert_eq!(emulator.generations_started(), 0);
}

#[tokio::test]
async fn credentials_are_checked_and_never_echoed() {
    let emulator = emulator().await;

    let wrong = emulator_client_with(&emulator, "not-the-token");
    let error = err(wrong.stream().downloads().get(ACCOUNT, VIDEO).await);
    assert!(error.is_unauthorized(), "{error}");
    assert_eq!(codes(&error), [10000]);
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("not-the-token"), "{shown}");

    // A scheme the emulator does not accept counts as no credentials.
    let service_key = Client::builder()
        .user_service_key("v1.0-service-key")
        .base_url(emulator.base_url())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let error = err(service_key.stream().downloads().get(ACCOUNT, VIDEO).await);
    assert!(error.is_unauthorized(), "{error}");

    let api_key = Client::builder()
        .api_key(seeds::API_EMAIL, seeds::API_KEY)
        .base_url(emulator.base_url())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    ok(api_key.stream().downloads().get(ACCOUNT, VIDEO).await);
}

#[tokio::test]
async fn waiting_ends_in_distinct_outcomes() {
    let emulator = emulator().await;
    let client = emulator_client(&emulator);
    let downloads = client.stream().downloads();

    // Generation fails: `Failed`, with the download as the API reported it.
    ok(downloads.create(ACCOUNT, seeds::FAILING_VIDEO_ID).await);
    let error = downloads
        .wait_until_ready(ACCOUNT, seeds::FAILING_VIDEO_ID, DownloadType::Default)
        .poll_interval(POLL)
        .await
        .err();
    match &error {
        Some(WaitError::Failed {
            download_type: DownloadType::Default,
            download,
        }) => {
            assert_eq!(download.status, Some(DownloadStatus::Error));
            assert_eq!(download.percent_complete, Some(50.0));
        }
        other => panic!("expected Failed, got {other:?}"),
    }

    // Never created: `Missing`, at once.
    let started = Instant::now();
    let error = downloads
        .wait_until_ready(ACCOUNT, VIDEO, DownloadType::Audio)
        .await
        .err();
    assert!(
        matches!(
            error,
            Some(WaitError::Missing {
                download_type: DownloadType::Audio
            })
        ),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(1));

    // A type this SDK does not know cannot be seen in the list it reads: said before any
    // request (a client with nowhere to connect gets `UnknownType`, not a connection error).
    let nowhere = Client::builder()
        .api_token("t")
        .base_url("http://127.0.0.1:9/client/v4")
        .max_retries(0)
        .build()
        .expect("a client");
    let error = nowhere
        .stream()
        .downloads()
        .wait_until_ready(ACCOUNT, VIDEO, DownloadType::from("hd"))
        .await
        .err();
    let Some(error @ WaitError::UnknownType { .. }) = error else {
        panic!("expected UnknownType, got {error:?}");
    };
    assert!(error.to_string().contains("`hd` download"), "{error}");

    // A failed poll: `Request`, carrying the SDK error.
    let error = downloads
        .wait_until_ready(
            ACCOUNT,
            "ffffffffffffffffffffffffffffffff",
            DownloadType::Audio,
        )
        .await
        .err();
    let request = error.as_ref().and_then(WaitError::request_error);
    assert!(request.is_some_and(Error::is_not_found), "{error:?}");
}

#[tokio::test]
async fn waiting_past_the_deadline_is_its_own_outcome() {
    let emulator = emulator_with(Duration::from_secs(60)).await;
    let client = emulator_client(&emulator);
    let downloads = client.stream().downloads();
    ok(downloads
        .create_type(ACCOUNT, VIDEO, DownloadType::Audio)
        .await);

    let started = Instant::now();
    let mut reports = 0;
    let error = downloads
        .wait_until_ready(ACCOUNT, VIDEO, DownloadType::Audio)
        .poll_interval(Duration::from_millis(50))
        .deadline(Duration::from_millis(300))
        .on_progress(|_| reports += 1)
        .await
        .err();
    let elapsed = started.elapsed();
    match &error {
        Some(WaitError::DeadlineExceeded {
            download_type: DownloadType::Audio,
            waited,
            last: Some(last),
        }) => {
            assert!(*waited >= Duration::from_millis(300), "{waited:?}");
            assert_eq!(last.status, Some(DownloadStatus::Inprogress));
        }
        other => panic!("expected DeadlineExceeded, got {other:?}"),
    }
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    assert!(reports >= 3, "{reports}");
    let message = error.map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("was not ready after"), "{message}");

    // A poll that outlives the deadline is abandoned at the deadline.
    emulator.fail_next(1, Fault::Delay(Duration::from_secs(5)));
    let started = Instant::now();
    let error = downloads
        .wait_until_ready(ACCOUNT, VIDEO, DownloadType::Audio)
        .deadline(Duration::from_millis(200))
        .await
        .err();
    assert!(
        matches!(error, Some(WaitError::DeadlineExceeded { last: None, .. })),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn rate_limits_within_the_retry_budget_are_absorbed() {
    let emulator = emulator().await;
    let client = emulator_client(&emulator);
    let faults = usize::try_from(SDK_RETRIES).unwrap_or(usize::MAX);
    emulator.fail_next(
        faults,
        Fault::RateLimited {
            retry_after: Duration::ZERO,
        },
    );
    let created = client
        .stream()
        .downloads()
        .create_type(ACCOUNT, VIDEO, DownloadType::Audio)
        .await;
    assert_eq!(types(&ok(created)), ["audio"]);
    assert_eq!(emulator.request_count(), SDK_RETRIES + 1);
    assert_eq!(emulator.generations_started(), 1);
}

#[tokio::test]
async fn faults_beyond_the_retry_budget_surface_as_typed_errors() {
    let emulator = emulator().await;
    let client = emulator_client(&emulator);
    let downloads = client.stream().downloads();
    let attempts = SDK_RETRIES + 1;
    let faults = usize::try_from(attempts).unwrap_or(usize::MAX);

    emulator.fail_next(
        faults,
        Fault::RateLimited {
            retry_after: Duration::ZERO,
        },
    );
    let error = err(downloads
        .create_type(ACCOUNT, VIDEO, DownloadType::Default)
        .await);
    assert!(error.is_rate_limited(), "{error}");
    assert_eq!(codes(&error), [971]);
    let retry_after = error
        .api_error()
        .and_then(|api| api.headers.get("retry-after"))
        .and_then(|value| value.to_str().ok());
    assert_eq!(retry_after, Some("0"));
    assert_eq!(emulator.request_count(), attempts);

    emulator.fail_next(faults, Fault::Status(503));
    let error = err(downloads
        .create_type(ACCOUNT, VIDEO, DownloadType::Default)
        .await);
    assert!(error.is_server_error(), "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(codes(&error), [10001]);
    assert_eq!(emulator.request_count(), 2 * attempts);

    // None of the refused calls created anything.
    assert_eq!(emulator.generations_started(), 0);
    assert_eq!(emulator.pending_faults(), 0);
}

#[tokio::test]
async fn slow_answers_trip_the_client_timeout() {
    let emulator = emulator().await;
    let client = emulator_client(&emulator);
    let downloads = client.stream().downloads();

    // Slow but within the timeout: answered.
    emulator.fail_next(1, Fault::Delay(Duration::from_millis(100)));
    let started = Instant::now();
    ok(downloads
        .get(ACCOUNT, VIDEO)
        .timeout(Duration::from_secs(5))
        .await);
    assert!(started.elapsed() >= Duration::from_millis(100));

    // Slower than the timeout on every attempt: `Error::Timeout`.
    let attempts = usize::try_from(SDK_RETRIES + 1).unwrap_or(usize::MAX);
    emulator.fail_next(attempts, Fault::Delay(Duration::from_secs(2)));
    let error = err(downloads
        .get(ACCOUNT, VIDEO)
        .timeout(Duration::from_millis(100))
        .await);
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
}

/// 300 calls at once from 3 clients over 30 videos, twice: creations that overlap (so
/// idempotence matters), then deletions that race each other. Afterwards the state is exactly
/// what the calls imply, and every request was answered once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_simultaneous_calls_leave_a_consistent_state() {
    const VIDEOS: usize = 30;
    let emulator = emulator_with(Duration::from_secs(60)).await;
    let videos: Vec<String> = (0..VIDEOS)
        .map(|i| format!("{:032x}", 0xc0de_0000 + i))
        .collect();
    for video in &videos {
        emulator.add_video(SeedVideo::new(ACCOUNT, video, "", VideoKind::Ready));
    }
    let clients: Vec<Client> = (0..3).map(|_| emulator_client(&emulator)).collect();

    // Phase 1, per video: `create` ×3, `create_type(audio)` ×3, `get` ×4.
    let mut tasks = Vec::new();
    for (index, video) in videos.iter().enumerate() {
        for call in 0..10 {
            let client = clients[(index + call) % clients.len()].clone();
            let video = video.clone();
            tasks.push(tokio::spawn(async move {
                let downloads = client.stream().downloads();
                match call {
                    0..3 => downloads.create(ACCOUNT, &video).await.map(|_| ()),
                    3..6 => downloads
                        .create_type(ACCOUNT, &video, DownloadType::Audio)
                        .await
                        .map(|_| ()),
                    _ => downloads.get(ACCOUNT, &video).await.map(|_| ()),
                }
            }));
        }
    }
    assert_eq!(tasks.len(), 300);
    for task in tasks {
        ok(task.await.unwrap_or_else(|e| panic!("task failed: {e}")));
    }
    assert_eq!(emulator.request_count(), 300);
    // Each (video, type) was generated once, however many times it was created.
    assert_eq!(emulator.generations_started(), 2 * VIDEOS as u64);

    // Phase 2, per video: two racing `delete_type(audio)` and 8 `get`s. Exactly one delete
    // of each pair wins; the other finds nothing to delete.
    let mut tasks = Vec::new();
    for (index, video) in videos.iter().enumerate() {
        for call in 0..10 {
            let client = clients[(index + call) % clients.len()].clone();
            let video = video.clone();
            tasks.push(tokio::spawn(async move {
                let downloads = client.stream().downloads();
                if call < 2 {
                    let deleted = downloads
                        .delete_type(ACCOUNT, &video, DownloadType::Audio)
                        .await;
                    Some(deleted.map(|_| ()))
                } else {
                    ok(downloads.get(ACCOUNT, &video).await);
                    None
                }
            }));
        }
    }
    let (mut deleted, mut not_found) = (0, 0);
    for task in tasks {
        match task.await.unwrap_or_else(|e| panic!("task failed: {e}")) {
            Some(Ok(())) => deleted += 1,
            Some(Err(error)) if error.is_not_found() => not_found += 1,
            Some(Err(error)) => panic!("unexpected error: {error}"),
            None => {}
        }
    }
    assert_eq!((deleted, not_found), (VIDEOS, VIDEOS));
    assert_eq!(emulator.request_count(), 600);

    for video in &videos {
        let listed = ok(clients[0].stream().downloads().get(ACCOUNT, video).await);
        assert_eq!(types(&listed), ["default"], "{video}");
    }
}

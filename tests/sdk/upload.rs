//! tus uploads against the emulator's upload service: byte for byte (its SHA-256), through
//! dropped connections and 5xx mid-upload without a byte sent twice, resumed from the upload
//! URL after a failure, and refused with a clear error when the chunk size breaks the rules,
//! the file changes underneath, or the upload URL is another account's.

use std::io::Write;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

use cloudflare_stream::{Client, MediaState, Stream, UploadError, UploadProgress, UploadSource};
use cloudflare_stream_emulator::{Emulator, Fault, SeedVideo, VideoKind, seeds};
use tokio::io::{AsyncRead, ReadBuf};

use crate::support::stream_emulator;

/// 5 MiB: the smallest chunk.
const CHUNK: u64 = 5_242_880;

async fn emulator() -> (Emulator, Client) {
    stream_emulator(Duration::ZERO).await
}

/// Deterministic bytes.
fn bytes(len: u64) -> Vec<u8> {
    (0..len)
        .map(|i| u8::try_from((i * 31 + i / 4093) % 251).unwrap_or(0))
        .collect()
}

fn sha256(data: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, data)
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A file holding `data`.
fn file(data: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
    file.write_all(data).expect("written");
    file.flush().expect("flushed");
    file
}

#[tokio::test]
async fn a_file_arrives_byte_for_byte_with_its_settings() {
    let (emulator, client) = emulator().await;
    let data = bytes(2 * CHUNK + 12_345);
    let source = file(&data);
    let mut seen: Vec<u64> = Vec::new();
    let uploaded = Stream::from(&client)
        .upload(seeds::ACCOUNT_ID, UploadSource::path(source.path()))
        .name("launch.mp4")
        .require_signed_urls(true)
        .creator("creator-7")
        .chunk_size(CHUNK)
        .on_progress(|progress: UploadProgress<'_>| seen.push(progress.uploaded))
        .await
        .expect("uploaded");
    let state = emulator.upload(&uploaded.video_id).expect("an upload");
    assert!(state.is_complete());
    assert_eq!(state.sha256, sha256(&data));
    assert_eq!(state.received, data.len() as u64, "no byte sent twice");
    assert_eq!(uploaded.length, data.len() as u64);
    assert_eq!(seen, [0, CHUNK, 2 * CHUNK, data.len() as u64]);

    let video = Stream::from(&client)
        .get(seeds::ACCOUNT_ID, &uploaded.video_id)
        .await
        .expect("the video");
    let name = video
        .meta
        .as_ref()
        .and_then(|meta| meta.get("name"))
        .cloned();
    assert_eq!(name, Some(serde_json::json!("launch.mp4")));
    assert_eq!(video.require_signed_urls, Some(true));
    assert_eq!(video.creator.as_deref(), Some("creator-7"));
    let state = video.status.and_then(|status| status.state);
    assert!(
        matches!(
            state,
            Some(MediaState::Ready | MediaState::Queued | MediaState::Inprogress)
        ),
        "{state:?}"
    );
}

#[tokio::test]
async fn dropped_connections_and_5xx_mid_upload_resend_only_what_was_lost() {
    let (emulator, client) = emulator().await;
    let data = bytes(3 * CHUNK + 1);
    let source = file(&data);
    // Once the upload exists: the first chunk's connection is cut; after it, a 503, then a
    // 408 on the next chunks.
    let faults = Mutex::new(vec![Fault::Status(408), Fault::Status(503), Fault::Drop]);
    let before = emulator.request_count();
    let uploaded = Stream::from(&client)
        .upload(seeds::ACCOUNT_ID, UploadSource::path(source.path()))
        .chunk_size(CHUNK)
        .on_progress(|_| {
            if let Some(fault) = faults.lock().expect("faults").pop() {
                emulator.fail_next(1, fault);
            }
        })
        .await
        .expect("uploaded despite the faults");
    let state = emulator.upload(&uploaded.video_id).expect("an upload");
    assert_eq!(state.sha256, sha256(&data));
    // A dropped connection loses its chunk before the emulator reads it; a 503 or 408 is
    // answered before the body is read: nothing counted twice.
    assert_eq!(state.received, data.len() as u64);
    // Creation, a HEAD, four chunks; each of the three faults cost its PATCH and a HEAD.
    assert_eq!(emulator.request_count() - before, 1 + 1 + 4 + 3 * 2);
}

/// A reader that fails after `fail_after` bytes, as a process killed mid-upload stops.
struct Failing {
    data: Vec<u8>,
    position: usize,
    fail_after: usize,
}

impl AsyncRead for Failing {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.position >= self.fail_after {
            return Poll::Ready(Err(std::io::Error::other("the disk went away")));
        }
        let end = (self.position + buf.remaining()).min(self.fail_after);
        let start = self.position;
        buf.put_slice(&self.data[start..end]);
        self.position = end;
        Poll::Ready(Ok(()))
    }
}

#[tokio::test]
async fn an_interrupted_upload_resumes_from_its_url_without_resending() {
    let (emulator, client) = emulator().await;
    let data = bytes(2 * CHUNK + 777);
    let length = data.len() as u64;
    let reader = Failing {
        data: data.clone(),
        position: 0,
        fail_after: usize::try_from(CHUNK + 1_000).expect("small"),
    };
    let error = Stream::from(&client)
        .upload(seeds::ACCOUNT_ID, UploadSource::reader(reader, length))
        .chunk_size(CHUNK)
        .await
        .expect_err("the reader fails in the second chunk");
    let url = error
        .upload_url()
        .expect("an upload URL to resume")
        .to_owned();
    assert!(error.to_string().contains(&url), "{error}");
    let UploadError::Interrupted { video_id, .. } = &error else {
        panic!("{error:?}");
    };
    let video_id = video_id.clone();
    assert_eq!(emulator.upload(&video_id).map(|u| u.offset), Some(CHUNK));

    // A new process: the file, and the URL it saved.
    let source = file(&data);
    let mut first = None;
    let resumed = Stream::from(&client)
        .upload(seeds::ACCOUNT_ID, UploadSource::path(source.path()))
        .chunk_size(CHUNK)
        .resume(&url)
        .on_progress(|progress| {
            first.get_or_insert(progress.uploaded);
        })
        .await
        .expect("resumed");
    assert_eq!(first, Some(CHUNK), "resumed where the service stood");
    assert_eq!(resumed.video_id, video_id);
    let state = emulator.upload(&video_id).expect("an upload");
    assert_eq!(state.sha256, sha256(&data));
    assert_eq!(state.received, length, "no byte sent twice");
}

#[tokio::test]
async fn bad_chunk_sizes_changed_files_and_other_accounts_are_refused() {
    let (emulator, client) = emulator().await;
    let data = bytes(2 * CHUNK + 10);
    let source = file(&data);
    let stream = Stream::from(&client);

    let before = emulator.request_count();
    for size in [CHUNK - 262_144, CHUNK + 1, 209_715_200 + 262_144] {
        let error = stream
            .upload(seeds::ACCOUNT_ID, UploadSource::path(source.path()))
            .chunk_size(size)
            .await
            .expect_err("a chunk size against the rules");
        assert!(
            matches!(error, UploadError::ChunkSize { size: s, .. } if s == size),
            "{error:?}"
        );
    }
    assert_eq!(
        emulator.request_count(),
        before,
        "refused before any request"
    );

    // The file grows after the first chunk.
    let path = source.path().to_owned();
    let error = stream
        .upload(seeds::ACCOUNT_ID, UploadSource::path(&path))
        .chunk_size(CHUNK)
        .on_progress(|progress| {
            if progress.uploaded == CHUNK {
                let mut file = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&path)
                    .expect("the file");
                file.write_all(b"more").expect("appended");
            }
        })
        .await
        .expect_err("the file changed");
    assert!(
        matches!(&error, UploadError::Interrupted { source, .. } if matches!(**source, UploadError::SourceChanged(_))),
        "{error:?}"
    );

    // An upload URL of account A resumed as account B's.
    let other = "0123456789abcdef0123456789abcdef";
    emulator.add_video(SeedVideo::new(
        other,
        "f".repeat(32),
        "theirs",
        VideoKind::Ready,
    ));
    let error = stream
        .upload(
            seeds::ACCOUNT_ID,
            UploadSource::reader(std::io::Cursor::new(vec![0_u8; 5]), 10),
        )
        .await
        .expect_err("a reader shorter than its length");
    let url = error.upload_url().expect("created").to_owned();
    let refused = stream
        .upload(other, UploadSource::path(source.path()))
        .resume(&url)
        .await
        .expect_err("not this account's");
    assert!(
        matches!(&refused, UploadError::OtherAccount { account, .. } if account == other),
        "{refused:?}"
    );
}

#[tokio::test]
async fn an_uploaded_video_is_waited_for_until_ready_or_failed() {
    let (emulator, client) = stream_emulator(Duration::from_millis(300)).await;
    let stream = Stream::from(&client);
    let data = bytes(CHUNK + 3);
    let uploaded = stream
        .upload(
            seeds::ACCOUNT_ID,
            UploadSource::reader(std::io::Cursor::new(data.clone()), data.len() as u64),
        )
        .chunk_size(CHUNK)
        .await
        .expect("uploaded");
    let mut looks = 0;
    let ready = stream
        .wait_until_video_ready(seeds::ACCOUNT_ID, &uploaded.video_id)
        .poll_interval(Duration::from_millis(50))
        .on_progress(|_| looks += 1)
        .await
        .expect("ready");
    assert_eq!(ready.ready_to_stream, Some(true));
    assert!(looks >= 2, "it encoded for a while: {looks} looks");

    // A video that failed to encode: its reason, typed.
    emulator.add_video(SeedVideo::new(
        seeds::ACCOUNT_ID,
        "b".repeat(32),
        "broken",
        VideoKind::Broken,
    ));
    let failed = stream
        .wait_until_video_ready(seeds::ACCOUNT_ID, &"b".repeat(32))
        .await
        .expect_err("it failed to encode");
    assert!(
        matches!(&failed, cloudflare_stream::VideoWaitError::Failed { code: Some(code), .. } if code == "ERR_NON_VIDEO"),
        "{failed:?}"
    );

    // Longer than the upload allowed (every emulated video is a minute long).
    let too_long = stream
        .upload(
            seeds::ACCOUNT_ID,
            UploadSource::reader(std::io::Cursor::new(vec![1_u8; 100]), 100),
        )
        .max_duration_seconds(30)
        .await
        .expect("uploaded");
    let failed = stream
        .wait_until_video_ready(seeds::ACCOUNT_ID, &too_long.video_id)
        .poll_interval(Duration::from_millis(50))
        .await
        .expect_err("longer than allowed");
    assert!(
        matches!(&failed, cloudflare_stream::VideoWaitError::Failed { code: Some(code), .. } if code == "ERR_DURATION_EXCEED_CONSTRAINT"),
        "{failed:?}"
    );

    // One still encoding, past the deadline.
    let late = stream
        .wait_until_video_ready(seeds::ACCOUNT_ID, seeds::PROCESSING_VIDEO_ID)
        .poll_interval(Duration::from_millis(20))
        .deadline(Duration::from_millis(100))
        .await
        .expect_err("still encoding");
    assert!(
        matches!(
            late,
            cloudflare_stream::VideoWaitError::DeadlineExceeded { .. }
        ),
        "{late:?}"
    );
}

#[tokio::test]
async fn two_hundred_uploads_under_random_faults_all_arrive_byte_for_byte() {
    let (emulator, client) = emulator().await;
    let stream = Stream::from(&client);
    let mut rng = fastrand::Rng::with_seed(23);
    let mut videos = std::collections::HashSet::new();
    for i in 0..200_u64 {
        // Mostly one short chunk; every tenth upload two chunks.
        let size = if i % 10 == 0 {
            CHUNK + rng.u64(1..300_000)
        } else {
            rng.u64(1..200_000)
        };
        let data: Vec<u8> = (0..size)
            .map(|b| u8::try_from((b * (i + 3)) % 253).unwrap_or(0))
            .collect();
        let mut faults = fastrand::Rng::with_seed(i);
        let uploaded = stream
            .upload(
                seeds::ACCOUNT_ID,
                UploadSource::reader(std::io::Cursor::new(data.clone()), size),
            )
            .chunk_size(CHUNK)
            .max_retries(6)
            .on_progress(|_| {
                // Before each chunk, one time in two, a fault for the next request.
                let fault = match faults.u8(0..8) {
                    0 => Fault::Drop,
                    1 => Fault::Status(503),
                    2 => Fault::Status(408),
                    3 => Fault::RateLimited {
                        retry_after: Duration::ZERO,
                    },
                    _ => return,
                };
                emulator.fail_next(1, fault);
            })
            .await
            .unwrap_or_else(|e| panic!("upload {i} of {size} bytes: {e}"));
        let state = emulator.upload(&uploaded.video_id).expect("an upload");
        assert_eq!(state.sha256, sha256(&data), "upload {i}");
        assert_eq!(state.received, size, "upload {i}: a byte sent twice");
        assert!(
            videos.insert(uploaded.video_id),
            "upload {i}: a video twice"
        );
    }
    assert_eq!(videos.len(), 200);
}

#[tokio::test]
async fn a_direct_creator_upload_goes_once_to_its_url_without_credentials() {
    let (emulator, client) = emulator().await;
    let stream = Stream::from(&client);
    let mut request = cloudflare_stream::DirectUploadRequest::new(3600);
    request.max_duration_seconds = 3600;
    let made = stream
        .direct_upload()
        .create(seeds::ACCOUNT_ID, &request)
        .await
        .expect("a one-time URL");
    let url = made.upload_url.expect("an upload URL");
    let video = made.uid.expect("a video");
    let data = bytes(1_500_000);
    let source = file(&data);
    let sent = cloudflare_stream::upload_to_url(&url, UploadSource::path(source.path()))
        .await
        .expect("uploaded");
    assert_eq!(sent, data.len() as u64);
    assert_eq!(
        emulator.upload(&video).map(|state| state.sha256),
        Some(sha256(&data))
    );
    // Good once.
    let again = cloudflare_stream::upload_to_url(&url, UploadSource::path(source.path()))
        .await
        .expect_err("a used URL");
    assert!(
        matches!(&again, UploadError::Refused { status, .. } if status.as_u16() == 409),
        "{again:?}"
    );
    let ready = stream
        .wait_until_video_ready(seeds::ACCOUNT_ID, &video)
        .poll_interval(Duration::from_millis(20))
        .await
        .expect("ready");
    assert_eq!(ready.ready_to_stream, Some(true));
}

#[tokio::test]
async fn a_basic_upload_is_one_request_answering_the_video() {
    let (emulator, client) = emulator().await;
    let data = bytes(700_000);
    let source = file(&data);
    let before = emulator.request_count();
    let video = Stream::from(&client)
        .basic_upload(seeds::ACCOUNT_ID, UploadSource::path(source.path()))
        .await
        .expect("uploaded");
    assert_eq!(emulator.request_count() - before, 1, "one request");
    let uid = video.uid.expect("a video");
    assert_eq!(
        emulator.upload(&uid).map(|state| state.sha256),
        Some(sha256(&data))
    );
    let ready = Stream::from(&client)
        .wait_until_video_ready(seeds::ACCOUNT_ID, &uid)
        .poll_interval(Duration::from_millis(20))
        .await
        .expect("ready");
    assert_eq!(ready.ready_to_stream, Some(true));
}

#[tokio::test]
async fn a_form_upload_too_large_for_one_request_is_refused_before_any() {
    let (emulator, client) = emulator().await;
    let before = emulator.request_count();
    let huge = 300_000_000;
    let error = Stream::from(&client)
        .basic_upload(
            seeds::ACCOUNT_ID,
            UploadSource::reader(tokio::io::empty(), huge),
        )
        .await
        .expect_err("too large for one form");
    assert!(
        matches!(error, UploadError::TooLarge { length, .. } if length == huge),
        "{error:?}"
    );
    let error = cloudflare_stream::upload_to_url(
        "http://127.0.0.1:9/upload/x",
        UploadSource::reader(tokio::io::empty(), huge),
    )
    .await
    .expect_err("too large for one form");
    assert!(matches!(error, UploadError::TooLarge { .. }), "{error:?}");
    assert_eq!(emulator.request_count(), before);
}

//! Uploading a video, offline: starts a local Stream emulator, uploads a 12 MiB file with tus
//! (resumable, 5 MiB chunks, a progress line per chunk), waits until the video is ready, and
//! shows what a dropped connection mid-upload costs: nothing but the chunk in flight.
//!
//! ```sh
//! cargo run --example upload
//! ```
//!
//! Against Cloudflare, the same calls work on `Client::from_env()` with a real file.

use std::error::Error;
use std::io::Write;
use std::time::Duration;

use cloudflare_stream::{Client, UploadSource};
use cloudflare_stream_emulator::{Emulator, EmulatorConfig, Fault, seeds};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let emulator = Emulator::start_with(EmulatorConfig {
        stream_api: true,
        generation_time: Duration::from_secs(2),
        ..EmulatorConfig::default()
    })
    .await?;
    let client = Client::builder()
        .api_token(seeds::API_TOKEN)
        .base_url(emulator.base_url())
        .build()?;
    let account = seeds::ACCOUNT_ID;

    let mut file = tempfile::NamedTempFile::new()?;
    file.write_all(&vec![7_u8; 12 * 1_048_576])?;
    println!(
        "Uploading {} (12 MiB) to {}",
        file.path().display(),
        emulator.base_url()
    );

    // The second chunk's connection is cut: the upload asks where Stream stands and goes on.
    let mut chunks = 0;
    let uploaded = client
        .stream()
        .upload(account, UploadSource::path(file.path()))
        .name("example.mp4")
        .chunk_size(5_242_880)
        .on_progress(|progress| {
            println!(
                "  {:>5.1} %  ({} of {} bytes)",
                progress.fraction() * 100.0,
                progress.uploaded,
                progress.length
            );
            chunks += 1;
            if chunks == 2 {
                emulator.fail_next(1, Fault::Drop);
            }
        })
        .await?;
    println!("Uploaded video {}", uploaded.video_id);
    println!(
        "  (to resume a stopped upload: .resume(\"{}\"))",
        uploaded.upload_url
    );

    let video = client
        .stream()
        .wait_until_video_ready(account, &uploaded.video_id)
        .poll_interval(Duration::from_millis(250))
        .on_progress(|video| {
            let state = video
                .status
                .as_ref()
                .and_then(|status| status.state.as_ref())
                .map_or("?", |state| state.as_str());
            println!("  encoding: {state}");
        })
        .await?;
    println!(
        "Ready to stream: {}",
        video
            .playback
            .and_then(|playback| playback.hls)
            .unwrap_or_default()
    );
    Ok(())
}

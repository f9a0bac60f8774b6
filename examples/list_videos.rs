//! Listing every video, offline: starts a local Stream emulator holding 2,500 videos (several
//! created in each second), and lists them all with `all()`, page after page (the API answers
//! at most 1,000 at once, with no cursor), checking that none is skipped or repeated.
//!
//! ```sh
//! cargo run --example list_videos
//! ```

use std::collections::HashSet;
use std::error::Error;
use std::time::{Duration, SystemTime};

use cloudflare_stream::Client;
use cloudflare_stream_emulator::{Emulator, EmulatorConfig, SeedVideo, VideoKind};

const ACCOUNT: &str = "0123456789abcdef0123456789abcdef";

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let emulator = Emulator::start_with(EmulatorConfig {
        stream_api: true,
        ..EmulatorConfig::default()
    })
    .await?;
    let start = SystemTime::now() - Duration::from_secs(86_400);
    for i in 0..2_500_u64 {
        emulator.add_video_created(
            SeedVideo::new(
                ACCOUNT,
                format!("{i:032x}"),
                format!("video {i}"),
                VideoKind::Ready,
            ),
            start + Duration::from_secs(i / 7),
        );
    }
    let client = Client::builder()
        .api_token(cloudflare_stream_emulator::seeds::API_TOKEN)
        .base_url(emulator.base_url())
        .build()?;

    let mut videos = client.stream().list(ACCOUNT).limit(1000).all();
    let mut seen = HashSet::new();
    while let Some(video) = videos.next().await {
        let video = video?;
        if !seen.insert(video.uid.clone().unwrap_or_default()) {
            return Err(format!("{:?} listed twice", video.uid).into());
        }
    }
    println!(
        "{} videos, each once, in {} requests of at most 1,000",
        seen.len(),
        videos.requests()
    );
    Ok(())
}

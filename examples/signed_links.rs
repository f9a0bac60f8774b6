//! Signed links, offline: starts a local Stream emulator, makes a video require signed URLs,
//! creates a signing key through the API, signs playback tokens locally with it (no request per
//! token), and plays the video with them: a valid token plays, an expired one does not.
//!
//! ```sh
//! cargo run --example signed_links
//! ```

use std::error::Error;
use std::time::{Duration, SystemTime};

use cloudflare_stream::{Client, TokenSigner, VideoUpdate};
use cloudflare_stream_emulator::{Emulator, EmulatorConfig, seeds};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let emulator = Emulator::start_with(EmulatorConfig {
        stream_api: true,
        ..EmulatorConfig::default()
    })
    .await?;
    let client = Client::builder()
        .api_token(seeds::API_TOKEN)
        .base_url(emulator.base_url())
        .build()?;
    let (account, video) = (seeds::ACCOUNT_ID, seeds::VIDEO_ID);

    let mut update = VideoUpdate::default();
    update.require_signed_urls = Some(true);
    client.stream().edit(account, video, &update).await?;
    // Once, and kept: the key's private half is shown only now.
    let key = client.stream().keys().create(account).await?;
    let signer = TokenSigner::from_key(&key)?;

    let origin = emulator
        .base_url()
        .trim_end_matches("/client/v4")
        .to_owned();
    let http = cloudflare_stream::http_client_builder()?.build()?;
    let play = |id: String| {
        let http = http.clone();
        let url = format!("{origin}/{id}/manifest/video.m3u8");
        async move { http.get(url).send().await.map(|response| response.status()) }
    };

    println!("without a token:   {}", play(video.to_owned()).await?);
    let token = signer
        .token(video)
        .expires_in(Duration::from_secs(3600))
        .sign()?;
    println!("with a token:      {}", play(token).await?);
    let expired = signer
        .token(video)
        .expires_in(Duration::from_secs(60))
        .sign_at(SystemTime::now() - Duration::from_secs(3600))?;
    println!("an expired token:  {}", play(expired).await?);
    Ok(())
}

//! The SDK's main job, offline: starts a local Stream emulator on a free loopback port, then
//! with the SDK creates the default and audio downloads of a video, shows their progress while
//! they generate, lists them and deletes them.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! No network, no Cloudflare account, no credentials: the emulator accepts its own token.
//! Against Cloudflare, the same calls work on `Client::from_env()`.

use std::error::Error;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use cloudflare_stream::{Client, Download, DownloadType, VideoDownloads};
use cloudflare_stream_emulator::{Emulator, EmulatorConfig, seeds};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long the emulator takes to generate a download: long enough to watch.
const GENERATION_TIME: Duration = Duration::from_secs(3);
const POLL_INTERVAL: Duration = Duration::from_millis(250);

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    println!(
        "cloudflare-stream quickstart: a local Stream emulator, nothing leaves this machine\n"
    );

    let emulator = Emulator::start_with(EmulatorConfig {
        generation_time: GENERATION_TIME,
        ..EmulatorConfig::default()
    })
    .await?;
    let (account, video) = (seeds::ACCOUNT_ID, seeds::VIDEO_ID);
    println!(
        "Emulator  {} (downloads take {} s)",
        emulator.base_url(),
        GENERATION_TIME.as_secs()
    );
    println!("Account   {account}");
    println!("Video     {video}\n");

    let client = Client::builder()
        .api_token(emulator.api_token())
        .base_url(emulator.base_url())
        .user_agent_suffix("quickstart")
        .build()?;
    let downloads = client.stream().downloads();

    println!("1. Create the default (MP4) and audio downloads");
    let mut created = VideoDownloads::default();
    for download_type in [DownloadType::Default, DownloadType::Audio] {
        created = downloads.create_type(account, video, download_type).await?;
    }
    print_downloads(&created);

    println!(
        "\n2. Wait until both are ready (polling every {} ms)",
        POLL_INTERVAL.as_millis()
    );
    let bars = MultiProgress::with_draw_target(ProgressDrawTarget::stdout());
    let default_bar = bars.add(progress_bar("default")?);
    let audio_bar = bars.add(progress_bar("audio")?);
    let wait = |download_type, bar: ProgressBar| {
        downloads
            .wait_until_ready(account, video, download_type)
            .poll_interval(POLL_INTERVAL)
            .deadline(Duration::from_secs(60))
            .on_progress(move |percent| bar.set_position(percent as u64))
    };
    let (default, audio) = tokio::join!(
        wait(DownloadType::Default, default_bar.clone()),
        wait(DownloadType::Audio, audio_bar.clone()),
    );
    let results = [(&default_bar, &default), (&audio_bar, &audio)];
    for (bar, result) in results {
        match result {
            Ok(_) => bar.finish_with_message("ready"),
            Err(_) => bar.abandon_with_message("failed"),
        }
    }
    if default_bar.is_hidden() {
        // Without a terminal the bars are not drawn: say in words what they would show.
        for (bar, result) in results {
            let outcome = match result {
                Ok(_) => "ready".to_owned(),
                Err(error) => format!("failed: {error}"),
            };
            println!("   {:<8} {outcome}", bar.prefix());
        }
    } else {
        // Drawn bars leave the cursor at the end of the last one.
        println!();
    }
    let (_default, _audio) = (default?, audio?);

    println!("\n3. List the downloads");
    let listed = downloads.get(account, video).await?;
    print_downloads(&listed);

    println!("\n4. Delete both");
    for download_type in [DownloadType::Default, DownloadType::Audio] {
        downloads
            .delete_type(account, video, download_type.clone())
            .await?;
        println!("   {:<8} deleted", download_type.as_str());
    }

    let left = downloads.get(account, video).await?;
    if left == VideoDownloads::default() {
        println!("\n5. List again: no downloads left");
    } else {
        println!("\n5. List again: still there:");
        print_downloads(&left);
    }

    println!(
        "\nDone in {:.1} s, {} API calls. Against Cloudflare, build the client with \
         Client::from_env() instead.",
        started.elapsed().as_secs_f64(),
        emulator.request_count()
    );
    Ok(())
}

fn progress_bar(name: &'static str) -> Result<ProgressBar, Box<dyn Error>> {
    let style = ProgressStyle::with_template("   {prefix:<8} [{bar:32}] {pos:>3}% {msg}")?
        .progress_chars("=> ");
    Ok(ProgressBar::new(100).with_style(style).with_prefix(name))
}

fn print_downloads(downloads: &VideoDownloads) {
    for (name, download) in [("default", &downloads.default), ("audio", &downloads.audio)] {
        if let Some(download) = download {
            println!("   {name:<8} {}", describe(download));
        }
    }
}

fn describe(download: &Download) -> String {
    let status = download
        .status
        .as_ref()
        .map(|status| status.as_str().to_owned())
        .unwrap_or_else(|| "?".to_owned());
    let percent = download.percent_complete.unwrap_or(0.0);
    let url = download.url.as_deref().unwrap_or("");
    format!("{status:<10} {percent:>5.1}%  {url}")
        .trim_end()
        .to_owned()
}

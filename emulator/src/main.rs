//! `cloudflare-stream-emulator`: the emulator as a stand-alone server on loopback, until Ctrl-C.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use cloudflare_stream_emulator::{Emulator, EmulatorConfig, VideoKind};

/// A local Cloudflare Stream MP4 downloads API, in memory, for offline use and tests.
///
/// Serves `/client/v4/accounts/{account_id}/stream/{identifier}/downloads[/{type}]` on
/// 127.0.0.1 with a few seeded videos; with `--spec DIR`, every other operation of that
/// OpenAPI folder too. Nothing leaves this machine.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Port to listen on (loopback only); 0 picks a free one.
    #[arg(long, default_value_t = 8799)]
    port: u16,

    /// Seconds a download takes from 0 % to ready.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0, value_parser = seconds)]
    generation_time: f64,

    /// API token to accept as `Authorization: Bearer <token>`.
    #[arg(long, value_name = "TOKEN", default_value = cloudflare_stream_emulator::seeds::API_TOKEN)]
    token: String,

    /// Also serve every operation of the OpenAPI files in DIR (paths relative to /client/v4):
    /// requests checked against the spec, answers from its examples and schemas.
    #[arg(long, value_name = "DIR")]
    spec: Option<PathBuf>,
}

fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..=86_400.0).contains(&value) => Ok(value),
        _ => Err("expected a number of seconds between 0 and 86400".into()),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let config = EmulatorConfig {
        generation_time: Duration::from_secs_f64(args.generation_time),
        api_token: args.token,
        port: args.port,
        spec_dir: args.spec.clone(),
        ..EmulatorConfig::default()
    };
    let emulator = match Emulator::start_with(config).await {
        Ok(emulator) => emulator,
        Err(error) if error.kind() == std::io::ErrorKind::InvalidData => {
            eprintln!("error: cannot serve the spec folder: {error}");
            return ExitCode::FAILURE;
        }
        Err(error) => {
            eprintln!("error: cannot listen on 127.0.0.1:{}: {error}", args.port);
            return ExitCode::FAILURE;
        }
    };
    print_banner(&emulator);
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {error}");
        return ExitCode::FAILURE;
    }
    println!("\nStopped after {} requests.", emulator.request_count());
    ExitCode::SUCCESS
}

fn print_banner(emulator: &Emulator) {
    let config = emulator.config();
    println!(
        "Cloudflare Stream emulator listening on {}\n",
        emulator.base_url()
    );
    println!("Point the SDK or cfstream at it:");
    println!("  export CLOUDFLARE_BASE_URL={}", emulator.base_url());
    println!("  export CLOUDFLARE_API_TOKEN={}", config.api_token);
    if let Some(first) = config.videos.first() {
        println!("  export CLOUDFLARE_ACCOUNT_ID={}", first.account_id);
    }
    println!(
        "(or X-Auth-Email {} with X-Auth-Key {})\n",
        config.api_email, config.api_key
    );
    let mut accounts: Vec<&str> = config
        .videos
        .iter()
        .map(|video| video.account_id.as_str())
        .collect();
    accounts.dedup();
    for account in accounts {
        println!("Videos of account {account}:");
        for video in config.videos.iter().filter(|v| v.account_id == account) {
            let behaviour = match video.kind {
                VideoKind::Ready => "ready to view",
                VideoKind::Failing => "its downloads fail half-way (status error)",
                VideoKind::Processing => "still encoding: creating a download is refused",
            };
            println!("  {}  {:<20} {behaviour}", video.id, video.name);
        }
    }
    if let Some(dir) = &config.spec_dir {
        println!(
            "\nServing {} operations from the spec in {} (downloads stay stateful).",
            emulator.spec_operations(),
            dir.display()
        );
    }
    println!(
        "\nDownloads take {:?} to generate. Press Ctrl-C to stop.",
        config.generation_time
    );
}

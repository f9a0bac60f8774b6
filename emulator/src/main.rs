//! `cloudflare-stream-emulator`: the emulator as a stand-alone server on loopback, until Ctrl-C.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use cloudflare_stream_emulator::{Emulator, EmulatorConfig, Fault, VideoKind};

/// A local Cloudflare Stream API, in memory, for offline use and tests.
///
/// Serves every operation of the Stream API under `/client/v4` on 127.0.0.1 (the spec it was
/// built with, stateful where Cloudflare is), with a few seeded videos; `--spec DIR` serves
/// another OpenAPI folder instead, `--downloads-only` the MP4 downloads alone. Nothing leaves
/// this machine.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Port to listen on (loopback only); 0 picks a free one.
    #[arg(long, default_value_t = 8799)]
    port: u16,

    /// Seconds a download takes from 0 % to ready.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0, value_parser = seconds, allow_negative_numbers = true)]
    generation_time: f64,

    /// API token to accept as `Authorization: Bearer <token>` (not empty: no request could
    /// carry it).
    #[arg(long, value_name = "TOKEN", default_value = cloudflare_stream_emulator::seeds::API_TOKEN, value_parser = token)]
    token: String,

    /// Serve every operation of the OpenAPI files in DIR (paths relative to /client/v4)
    /// instead of the Stream API the emulator was built with: requests checked against the
    /// spec, answers from its examples and schemas, stateful where Stream is.
    #[arg(long, value_name = "DIR", conflicts_with = "downloads_only")]
    spec: Option<PathBuf>,

    /// Serve the MP4 downloads routes alone, not the rest of the Stream API.
    #[arg(long)]
    downloads_only: bool,

    /// Queue a fault for the first requests, in order (repeat the flag for more): `503`,
    /// `503x2` (two requests), `429:retry-after=1`, `drop` (the connection closed
    /// unanswered), `delay=2s`; `xN` after any of them. More can be queued while running
    /// with `POST /__emulator/faults`.
    #[arg(long = "fault", value_name = "FAULT", value_parser = fault)]
    faults: Vec<(usize, Fault)>,
}

fn fault(text: &str) -> Result<(usize, Fault), String> {
    Fault::parse_flag(text)
}

fn token(text: &str) -> Result<String, String> {
    let token = text.trim();
    if token.is_empty() {
        return Err("a token that is empty or blank could never be sent as a bearer token".into());
    }
    Ok(token.to_owned())
}

fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..=86_400.0).contains(&value) => Ok(value),
        _ => Err("expected a number of seconds between 0 and 86400".into()),
    }
}

/// How long Ctrl-C waits for the requests in flight.
const STOP_WAIT: Duration = Duration::from_secs(10);

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let config = EmulatorConfig {
        generation_time: Duration::from_secs_f64(args.generation_time),
        api_token: args.token,
        port: args.port,
        spec_dir: args.spec.clone(),
        stream_api: !args.downloads_only,
        ..EmulatorConfig::default()
    };
    let emulator = match Emulator::start_with(config).await {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("{}", start_error(&error, args.port));
            return ExitCode::FAILURE;
        }
    };
    queue_faults(&emulator, &args.faults);
    print_banner(&emulator);
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {error}");
        return ExitCode::FAILURE;
    }
    // Requests in flight are answered first, for a while: a client stalled mid-request does
    // not keep the emulator from stopping.
    println!(
        "\nStopping after {} requests; answering those in flight (at most {STOP_WAIT:?}).",
        emulator.request_count()
    );
    if tokio::time::timeout(STOP_WAIT, emulator.stop())
        .await
        .is_err()
    {
        println!("Stopped with requests still in flight.");
    }
    ExitCode::SUCCESS
}

/// Queues the `--fault` flags, in the order given.
fn queue_faults(emulator: &Emulator, faults: &[(usize, Fault)]) {
    for (count, fault) in faults {
        emulator.fail_next(*count, fault.clone());
    }
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
                VideoKind::Broken => "failed to encode: creating a download is refused",
            };
            println!("  {}  {:<20} {behaviour}", video.id, video.name);
        }
    }
    if let Some(line) = spec_line(emulator) {
        println!("\n{line}");
    }
    let pending = emulator.pending_faults();
    if pending > 0 {
        println!("\n{pending} faulted requests queued (--fault).");
    }
    println!(
        "Queue faults while running: POST {} with {{\"status\": 503, \"count\": 2}}, \
         {{\"drop\": true}} or {{\"delay\": 2}}; DELETE it to clear them.",
        emulator.faults_url()
    );
    println!(
        "\nDownloads take {:?} to generate. Press Ctrl-C to stop.",
        config.generation_time
    );
}

/// Why the emulator did not start: a spec folder it cannot serve, or a port it cannot use.
fn start_error(error: &std::io::Error, port: u16) -> String {
    if error.kind() == std::io::ErrorKind::InvalidData {
        format!("error: cannot serve the spec folder: {error}")
    } else {
        format!("error: cannot listen on 127.0.0.1:{port}: {error}")
    }
}

/// How many operations the spec adds, and which spec it is.
fn spec_line(emulator: &Emulator) -> Option<String> {
    let config = emulator.config();
    let from = match &config.spec_dir {
        Some(dir) => format!("the spec in {}", dir.display()),
        None if config.stream_api => "the Stream API this emulator was built with".to_owned(),
        None => return None,
    };
    Some(format!(
        "Serving {} more operations from {from} (downloads stay stateful).",
        emulator.spec_operations()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_token_or_a_negative_time_is_refused_with_the_reason() {
        for blank in ["", "  "] {
            let Err(error) = Args::try_parse_from(["emulator", "--token", blank]) else {
                panic!("{blank:?} accepted");
            };
            assert!(error.to_string().contains("empty or blank"), "{error}");
        }
        let args = Args::try_parse_from(["emulator", "--token", " t "]).expect("a token");
        assert_eq!(args.token, "t");
        let error = Args::try_parse_from(["emulator", "--generation-time", "-1"])
            .expect_err("a negative time refused");
        assert!(error.to_string().contains("between 0 and 86400"), "{error}");
    }

    #[tokio::test]
    async fn the_stream_api_is_served_by_default_and_the_downloads_alone_on_request() {
        let served = |argv: &[&str]| {
            let args = Args::try_parse_from(argv).expect("arguments read");
            EmulatorConfig {
                spec_dir: args.spec.clone(),
                stream_api: !args.downloads_only,
                ..EmulatorConfig::default()
            }
        };
        let whole = Emulator::start_with(served(&["emulator"]))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // The 45 operations of spec/, less the five downloads ones the handlers keep.
        assert_eq!(whole.spec_operations(), 40);
        assert!(spec_line(&whole).is_some_and(|l| l.contains("built with")));
        let downloads = Emulator::start_with(served(&["emulator", "--downloads-only"]))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(downloads.spec_operations(), 0);
        assert!(spec_line(&downloads).is_none());
        assert!(Args::try_parse_from(["emulator", "--spec", "x", "--downloads-only"]).is_err());
    }

    #[tokio::test]
    async fn fault_flags_are_queued_in_order_and_applied() {
        let args = Args::try_parse_from([
            "emulator",
            "--fault",
            "503x2",
            "--fault",
            "429:retry-after=3",
        ])
        .expect("faults read");
        let emulator = Emulator::start().await.unwrap_or_else(|e| panic!("{e}"));
        queue_faults(&emulator, &args.faults);
        assert_eq!(emulator.pending_faults(), 3);
        let url = format!("{}/accounts/a/stream/v/downloads", emulator.base_url());
        let http = reqwest::Client::new();
        let mut seen = Vec::new();
        for _ in 0..4 {
            let reply = http
                .get(&url)
                .bearer_auth(cloudflare_stream_emulator::seeds::API_TOKEN)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let retry_after = reply
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            seen.push((reply.status().as_u16(), retry_after));
        }
        assert_eq!(
            seen,
            [
                (503, None),
                (503, None),
                (429, Some("3".to_owned())),
                (403, None)
            ]
        );
        let error = Args::try_parse_from(["emulator", "--fault", "teapot"])
            .expect_err("an unknown fault refused");
        assert!(error.to_string().contains("expected a status"), "{error}");
    }

    fn spec_folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap_or_else(|e| panic!("{e}"));
        }
        dir
    }

    #[tokio::test]
    async fn the_banner_says_how_many_operations_the_spec_adds() {
        let spec = "openapi: 3.0.3\npaths:\n  /accounts/{account_id}/stream/keys:\n    \
                    get: {responses: {'200': {description: ok}}}\n    \
                    post: {responses: {'200': {description: ok}}}\n";
        let dir = spec_folder(&[("keys.yaml", spec)]);
        let config = EmulatorConfig {
            spec_dir: Some(dir.path().to_path_buf()),
            ..EmulatorConfig::default()
        };
        let emulator = Emulator::start_with(config)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let line = spec_line(&emulator).unwrap_or_default();
        assert!(
            line.starts_with("Serving 2 more operations from the spec in "),
            "{line}"
        );
        let plain = Emulator::start().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spec_line(&plain), None);
    }

    #[tokio::test]
    async fn a_spec_folder_it_cannot_serve_is_named_with_the_file_and_pointer() {
        let dir = spec_folder(&[("broken.yaml", "x: {$ref: '#/nope'}\n")]);
        let config = EmulatorConfig {
            spec_dir: Some(dir.path().to_path_buf()),
            ..EmulatorConfig::default()
        };
        let error = Emulator::start_with(config)
            .await
            .err()
            .unwrap_or_else(|| panic!("a broken spec was served"));
        let message = start_error(&error, 8799);
        assert!(
            message.starts_with("error: cannot serve the spec folder: broken.yaml#/x/$ref"),
            "{message}"
        );
    }
}

//! `cfstream`: Cloudflare Stream MP4 downloads from the command line, over the
//! `cloudflare-stream` SDK.

mod commands;
mod failure;
mod local;
mod output;
mod upload;
mod videos;

use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use cloudflare_stream::{ClientBuilder, DownloadType};

use crate::failure::{Failed, Failure, Progress};

const AFTER_HELP: &str = "\
Credentials come from the environment, as for the SDK: CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL
with CLOUDFLARE_API_KEY, or CLOUDFLARE_API_USER_SERVICE_KEY. They are never printed.

CLOUDFLARE_CUSTOM_HEADERS (one `Name: value` per line) adds headers to every request. An empty
variable counts as unset.

Exit status:
  0    done
  1    the API refused a request or could not be reached (or stdout was closed), a
       download waited for was deleted meanwhile, an upload stopped, or a webhook verified
       is not Stream's
  2    bad usage or configuration, found before anything was sent: an unknown option or bad
       value, no credentials, no account, a bad base URL, a video ID the API cannot take, a
       chunk size Stream does not take
  3    a download failed to generate (status error), or an uploaded video to encode
  4    --wait ran out of time (--timeout)
  130  interrupted (Ctrl-C)
On 1, 2 and 130 nothing is printed on stdout; the error names any download the command
created or deleted before it failed, and the upload URL to resume a stopped upload from
(--resume). On 3 and 4 stdout has the last state of every download.
With --json, each error is one JSON object on stderr, usage errors included (\"kind\": \"usage\").

Examples:
  cfstream downloads create ea95132c15732412d22c1476fa83f27a --type default,audio --wait
  cfstream downloads list ea95132c15732412d22c1476fa83f27a --json
  cfstream downloads delete ea95132c15732412d22c1476fa83f27a --type audio
  cfstream videos list --all --json > videos.jsonl
  cfstream upload launch.mp4 --name \"Product launch\" --wait

Offline, against the local emulator (cargo run -p cloudflare-stream-emulator):
  CLOUDFLARE_API_TOKEN=emulator-token cfstream --base-url http://127.0.0.1:8799/client/v4 \\
    --account 023e105f4ecef8ad9ca31a8372d0c353 downloads list ea95132c15732412d22c1476fa83f27a";

/// The heading of the options every command takes.
const GLOBAL: &str = "Global options";

/// Cloudflare Stream from a shell: upload videos and list them all, create, follow, list and
/// delete the MP4 downloads of videos, sign playback tokens and verify the webhooks Stream sends.
#[derive(Debug, Parser)]
#[command(name = "cfstream", version, after_help = AFTER_HELP)]
struct Cli {
    /// The account that owns the videos.
    // Values from the environment are not shown in `--help`: a base URL can carry a password.
    #[arg(
        long,
        global = true,
        env = "CLOUDFLARE_ACCOUNT_ID",
        hide_env_values = true,
        value_name = "ID",
        help_heading = GLOBAL
    )]
    account: Option<String>,

    // Help given as text, not a doc comment: rustdoc would want the URL in angle brackets.
    #[arg(
        long,
        global = true,
        env = "CLOUDFLARE_BASE_URL",
        hide_env_values = true,
        value_name = "URL",
        help_heading = GLOBAL,
        help = "The API's base URL, e.g. a local emulator's \
                [default: https://api.cloudflare.com/client/v4]"
    )]
    base_url: Option<String>,

    /// Print results as JSON on stdout, and errors as JSON on stderr.
    #[arg(long, global = true, help_heading = GLOBAL)]
    json: bool,

    /// Seconds each attempt of a request may take (default 60); a request that runs out is
    /// retried twice, like a connection failure.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = seconds, help_heading = GLOBAL)]
    request_timeout: Option<Duration>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The MP4 downloads of a video: the whole video (default) and its audio track (audio).
    #[command(subcommand)]
    Downloads(DownloadsCommand),
    /// The account's videos.
    #[command(subcommand)]
    Videos(VideosCommand),
    /// Upload a video file with tus, resumable: prints the video's ID and the upload URL.
    Upload {
        /// The video file.
        file: std::path::PathBuf,
        /// The video's name (default: the file's name).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Playing the video needs a signed token.
        #[arg(long)]
        require_signed_urls: bool,
        /// Bytes per request: at least 5242880 (5 MiB), at most 209715200 (200 MiB), a multiple
        /// of 262144 (256 KiB) [default: 16 MiB].
        #[arg(long, value_name = "BYTES")]
        chunk_size: Option<u64>,
        /// Resume the upload at this upload URL (printed when an upload stops): the bytes
        /// Stream has are not sent again.
        #[arg(long, value_name = "URL")]
        resume: Option<String>,
        /// Then wait until the video is ready to stream (exit 3 if it fails to encode).
        #[arg(long)]
        wait: bool,
        /// With --wait: seconds between two looks at the video (at least 0.05).
        #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = poll_seconds, requires = "wait")]
        poll_interval: Duration,
    },
    /// Stream's webhooks: whether one is Stream's.
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Sign a playback token for a video with a signing key, locally: no request is sent.
    Token {
        /// The video's identifier.
        video: String,
        /// The signing key's ID.
        #[arg(long, value_name = "ID")]
        key_id: String,
        /// A file holding the signing key's private key: PEM, or its base64 as creating a key
        /// answers it.
        #[arg(long, value_name = "FILE")]
        pem: std::path::PathBuf,
        /// Seconds the token is valid for.
        #[arg(long, value_name = "SECONDS", default_value = "3600", value_parser = seconds)]
        expires_in: Duration,
    },
}

#[derive(Debug, Subcommand)]
enum VideosCommand {
    /// List the videos, a line each (with --json, one JSON object per line): the first page,
    /// newest first; with --all, every video, oldest first.
    List {
        /// Every page, not only the first: videos sharing one creation instant across a page
        /// boundary are neither skipped nor repeated.
        #[arg(long)]
        all: bool,
        /// Videos per page (the API answers at most 1000).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
        limit: Option<u32>,
        /// Only videos in this state (queued, inprogress, ready, error, ...).
        #[arg(long, value_name = "STATE")]
        status: Option<String>,
        /// Only videos whose name contains this text.
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum WebhookCommand {
    /// Verify a webhook: its body on stdin, the Webhook-Signature header given. Exit 0 and
    /// print the video it is about if Stream signed it with the secret, 1 if not.
    Verify {
        /// The webhook secret, as setting the webhook answers it.
        #[arg(
            long,
            env = "CLOUDFLARE_STREAM_WEBHOOK_SECRET",
            hide_env_values = true,
            value_name = "SECRET"
        )]
        secret: String,
        /// The value of the webhook's Webhook-Signature header (time=...,sig1=...).
        #[arg(long, value_name = "HEADER")]
        signature: String,
        /// Seconds the signature's time may be from now.
        #[arg(long, value_name = "SECONDS", default_value = "300", value_parser = seconds)]
        tolerance: Duration,
    },
}

#[derive(Debug, Subcommand)]
enum DownloadsCommand {
    /// List the downloads of a video, with their status, progress and URL.
    List {
        /// The video's identifier.
        video: String,
    },
    /// Create downloads of a video; with --wait, follow them until they are ready.
    Create {
        /// The video's identifier.
        video: String,
        #[command(flatten)]
        types: Types,
        /// Wait until every download is ready, with a progress bar.
        #[arg(long)]
        wait: bool,
        /// With --wait: seconds between two looks at the progress (at least 0.05).
        #[arg(long, value_name = "SECONDS", default_value = "2", value_parser = poll_seconds, requires = "wait")]
        poll_interval: Duration,
        /// With --wait: seconds to wait for the downloads to be ready, counted from the first
        /// look; each request is bounded by --request-timeout too.
        #[arg(long, value_name = "SECONDS", default_value = "600", value_parser = seconds, requires = "wait")]
        timeout: Duration,
    },
    /// Delete downloads of a video, finished or not.
    Delete {
        /// The video's identifier.
        video: String,
        #[command(flatten)]
        types: Types,
    },
}

#[derive(Debug, clap::Args)]
struct Types {
    /// Which downloads: default (the video as MP4), audio (its audio track), or both, as
    /// default,audio or with the option repeated.
    #[arg(
        long = "type",
        value_name = "TYPE",
        value_enum,
        value_delimiter = ',',
        default_value = "default"
    )]
    types: Vec<Kind>,
}

impl Types {
    /// The chosen types, each once, in the order given.
    fn download_types(&self) -> Vec<DownloadType> {
        let mut types: Vec<DownloadType> = Vec::new();
        for kind in &self.types {
            let download_type = kind.download_type();
            if !types.contains(&download_type) {
                types.push(download_type);
            }
        }
        types
    }
}

/// A download type, as the command line names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Kind {
    // Undocumented on purpose: documented values make clap print the long help layout.
    Default,
    Audio,
}

impl Kind {
    fn download_type(self) -> DownloadType {
        match self {
            Kind::Default => DownloadType::Default,
            Kind::Audio => DownloadType::Audio,
        }
    }
}

fn seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|value| *value > 0.0)
        .and_then(|value| Duration::try_from_secs_f64(value).ok())
        .ok_or_else(|| format!("`{text}` is not a positive number of seconds"))
}

/// A poll interval: not so short that waiting hammers the API.
fn poll_seconds(text: &str) -> Result<Duration, String> {
    let interval = seconds(text)?;
    if interval < MIN_POLL_INTERVAL {
        return Err(format!(
            "`{text}` is below the least poll interval, 0.05 seconds"
        ));
    }
    Ok(interval)
}

/// How often `--wait` may look at the progress, at most.
const MIN_POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Whether `--json` is on the command line (before any `--`): known even when clap refuses the
/// rest of it, so that its error is JSON too.
fn json_requested(args: &[OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|arg| *arg != "--")
        .any(|arg| arg == "--json")
}

/// Parses the command line, with usage lines that never show an option as required because it
/// was given (or set in the environment).
fn parse(args: &[OsString], json: bool) -> Result<Cli, clap::Error> {
    let mut command = Cli::command();
    command.build();
    settle(&mut command, json);
    let mut matches = command.try_get_matches_from_mut(args)?;
    Cli::from_arg_matches_mut(&mut matches).map_err(|error| error.format(&mut command))
}

/// Fixes each command's usage line to the one `--help` shows (clap's error usage lines list the
/// options given as if they were required); with `--json`, a missing subcommand is an error
/// rather than a help page.
fn settle(command: &mut clap::Command, json: bool) {
    let usage = command.render_usage().to_string();
    let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage).to_owned();
    let help_when_empty = command.is_arg_required_else_help_set() && !json;
    *command = std::mem::take(command)
        .override_usage(usage)
        .arg_required_else_help(help_when_empty);
    for subcommand in command.get_subcommands_mut() {
        settle(subcommand, json);
    }
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let json = json_requested(&args);
    let cli = match parse(&args, json) {
        Ok(cli) => cli,
        // `--help` and `--version`: plain text on stdout, whatever else is asked. Should stdout
        // be closed there is nowhere left to say so.
        Err(error) if !error.use_stderr() => {
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(error) => return failure::report(&Failure::Usage(error).into(), json),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return failure::report(&Failure::Runtime(error).into(), cli.json),
    };
    let progress = Progress::default();
    let result = runtime.block_on(async {
        tokio::select! {
            result = run(&cli, &progress) => result,
            // Said like any failure, naming what was created or deleted so far. (Should the
            // handler fail to install, this branch is disabled and Ctrl-C stops the process.)
            Ok(()) = tokio::signal::ctrl_c() => {
                if std::io::stderr().is_terminal() {
                    // Progress bars leave the cursor at the end of a line.
                    eprintln!();
                }
                Err(progress.interrupted())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failed) => failure::report(&failed, cli.json),
    }
}

/// A command that calls the API.
enum Remote<'a> {
    Downloads(&'a DownloadsCommand),
    Videos(&'a VideosCommand),
    Upload(upload::Upload<'a>),
}

/// An option's value, unless it is empty: an empty environment variable counts as unset, as
/// for the SDK.
fn given(value: Option<&String>) -> Option<&str> {
    value
        .map(String::as_str)
        .filter(|value| !value.trim().is_empty())
}

async fn run(cli: &Cli, progress: &Progress) -> Result<(), Failed> {
    let command = match &cli.command {
        Command::Downloads(command) => Remote::Downloads(command),
        Command::Videos(command) => Remote::Videos(command),
        Command::Upload {
            file,
            name,
            require_signed_urls,
            chunk_size,
            resume,
            wait,
            poll_interval,
        } => Remote::Upload(upload::Upload {
            file,
            name: name.as_deref(),
            require_signed_urls: *require_signed_urls,
            chunk_size: *chunk_size,
            resume: resume.as_deref(),
            wait: wait.then_some(*poll_interval),
        }),
        // Nothing is sent: no account or credentials needed.
        Command::Webhook(WebhookCommand::Verify {
            secret,
            signature,
            tolerance,
        }) => return local::verify(secret, signature, *tolerance, cli.json),
        Command::Token {
            video,
            key_id,
            pem,
            expires_in,
        } => return local::token(video, key_id, pem, *expires_in),
    };
    let Some(account) = given(cli.account.as_ref()) else {
        return Err(Failure::Config(
            "no account: pass --account ID or set CLOUDFLARE_ACCOUNT_ID".into(),
        )
        .into());
    };
    // Credentials by the SDK's own rules; `--base-url` (or CLOUDFLARE_BASE_URL) on top.
    let mut builder = ClientBuilder::from_env().map_err(Failure::Sdk)?;
    if let Some(base_url) = given(cli.base_url.as_ref()) {
        builder = builder.base_url(base_url);
    }
    if let Some(timeout) = cli.request_timeout {
        builder = builder.timeout(timeout);
    }
    let client = builder.build().map_err(Failure::Sdk)?;
    let context = commands::Context {
        client: &client,
        account,
        json: cli.json,
        progress,
    };
    let command = match command {
        Remote::Downloads(command) => command,
        Remote::Upload(upload) => return context.upload(&upload).await,
        Remote::Videos(VideosCommand::List {
            all,
            limit,
            status,
            search,
        }) => {
            let listing = videos::Listing {
                all: *all,
                limit: *limit,
                status: status.as_deref(),
                search: search.as_deref(),
            };
            return context.videos(&listing).await;
        }
    };
    match command {
        DownloadsCommand::List { video } => context.list(video).await,
        DownloadsCommand::Create {
            video,
            types,
            wait,
            poll_interval,
            timeout,
        } => {
            let wait = wait.then_some(commands::Wait {
                poll_interval: *poll_interval,
                timeout: *timeout,
            });
            context.create(video, &types.download_types(), wait).await
        }
        DownloadsCommand::Delete { video, types } => {
            context.delete(video, &types.download_types()).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
        for json in [false, true] {
            let mut command = Cli::command();
            command.build();
            settle(&mut command, json);
            command.debug_assert();
        }
    }

    #[test]
    fn usage_lines_are_the_ones_help_shows() {
        let mut command = Cli::command();
        command.build();
        settle(&mut command, false);
        let usage = |command: &mut clap::Command| command.render_usage().to_string();
        assert_eq!(usage(&mut command), "Usage: cfstream [OPTIONS] <COMMAND>");
        let Some(downloads) = command.find_subcommand_mut("downloads") else {
            panic!("no downloads command");
        };
        assert_eq!(
            usage(downloads),
            "Usage: cfstream downloads [OPTIONS] <COMMAND>"
        );
        assert!(downloads.is_arg_required_else_help_set());
        for name in ["list", "create", "delete"] {
            let Some(subcommand) = downloads.find_subcommand_mut(name) else {
                panic!("no {name} command");
            };
            assert_eq!(
                usage(subcommand),
                format!("Usage: cfstream downloads {name} [OPTIONS] <VIDEO>")
            );
        }
    }

    #[test]
    fn json_is_found_anywhere_before_a_double_dash() {
        let json = |args: &[&str]| {
            let args: Vec<OsString> = args.iter().map(OsString::from).collect();
            json_requested(&args)
        };
        assert!(json(&["cfstream", "--bogus", "--json"]));
        assert!(json(&["cfstream", "--json", "downloads", "lst"]));
        assert!(json(&[
            "cfstream",
            "downloads",
            "list",
            "--json",
            "--",
            "x"
        ]));
        assert!(!json(&["cfstream", "downloads", "list", "--", "--json"]));
        assert!(!json(&["cfstream", "downloads", "list", "--jsonx"]));
        // The program's own name is not an argument.
        assert!(!json(&["--json", "downloads"]));
    }

    #[test]
    fn types_are_deduplicated_in_order() {
        let types = Types {
            types: vec![Kind::Audio, Kind::Default, Kind::Audio],
        };
        assert_eq!(
            types.download_types(),
            [DownloadType::Audio, DownloadType::Default]
        );
    }

    #[test]
    fn a_poll_interval_is_at_least_a_twentieth_of_a_second() {
        assert_eq!(poll_seconds("0.05"), Ok(MIN_POLL_INTERVAL));
        assert!(poll_seconds("0.01").is_err());
        assert!(poll_seconds("0").is_err());
    }

    #[test]
    fn empty_values_count_as_unset() {
        let value = |text: &str| Some(text.to_owned());
        assert_eq!(given(value("").as_ref()), None);
        assert_eq!(given(value("  ").as_ref()), None);
        assert_eq!(given(value("abc").as_ref()), Some("abc"));
        assert_eq!(given(None), None);
    }

    #[test]
    fn seconds_must_be_positive_numbers() {
        assert_eq!(seconds("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(seconds("2"), Ok(Duration::from_secs(2)));
        for bad in ["0", "-1", "abc", "NaN", "inf", "1e300"] {
            assert!(seconds(bad).is_err(), "{bad}");
        }
    }
}

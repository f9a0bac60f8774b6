//! `cfstream`: Cloudflare Stream MP4 downloads from the command line, over the
//! `cloudflare-stream` SDK.

mod commands;
mod output;

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use cloudflare_stream::{ClientBuilder, DownloadType};

use crate::output::Failure;

const AFTER_HELP: &str = "\
Credentials come from the environment, as for the SDK: CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL
with CLOUDFLARE_API_KEY, or CLOUDFLARE_API_USER_SERVICE_KEY. They are never printed.

Exit status: 0 done, 1 the API or the connection failed, 2 bad usage, 3 a download failed to
generate (status error), 4 --wait ran out of time.

Examples:
  cfstream downloads create ea95132c15732412d22c1476fa83f27a --type default,audio --wait
  cfstream downloads list ea95132c15732412d22c1476fa83f27a --json
  cfstream downloads delete ea95132c15732412d22c1476fa83f27a --type audio

Offline, against the local emulator (cargo run -p cloudflare-stream-emulator):
  CLOUDFLARE_API_TOKEN=emulator-token cfstream --base-url http://127.0.0.1:8799/client/v4 \\
    --account 023e105f4ecef8ad9ca31a8372d0c353 downloads list ea95132c15732412d22c1476fa83f27a";

/// The heading of the options every command takes.
const GLOBAL: &str = "Global options";

/// Create, follow, list and delete the MP4 downloads of Cloudflare Stream videos.
#[derive(Debug, Parser)]
#[command(name = "cfstream", version, after_help = AFTER_HELP)]
struct Cli {
    /// The account that owns the videos.
    #[arg(long, global = true, env = "CLOUDFLARE_ACCOUNT_ID", value_name = "ID", help_heading = GLOBAL)]
    account: Option<String>,

    // Help given as text, not a doc comment: rustdoc would want the URL in angle brackets.
    #[arg(
        long,
        global = true,
        env = "CLOUDFLARE_BASE_URL",
        value_name = "URL",
        help_heading = GLOBAL,
        help = "The API's base URL, e.g. a local emulator's \
                [default: https://api.cloudflare.com/client/v4]"
    )]
    base_url: Option<String>,

    /// Print results as JSON on stdout, and errors as JSON on stderr.
    #[arg(long, global = true, help_heading = GLOBAL)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The MP4 downloads of a video: the whole video (default) and its audio track (audio).
    #[command(subcommand)]
    Downloads(DownloadsCommand),
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
        /// With --wait: seconds between two looks at the progress.
        #[arg(long, value_name = "SECONDS", default_value = "2", value_parser = seconds)]
        poll_interval: Duration,
        /// With --wait: seconds to wait in all before giving up.
        #[arg(long, value_name = "SECONDS", default_value = "600", value_parser = seconds)]
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failures) => output::report(&failures, cli.json),
    }
}

async fn run(cli: &Cli) -> Result<(), Vec<Failure>> {
    let Some(account) = cli.account.as_deref() else {
        return Err(vec![Failure::Usage(
            "no account: pass --account ID or set CLOUDFLARE_ACCOUNT_ID".into(),
        )]);
    };
    // Credentials by the SDK's own rules; `--base-url` (or CLOUDFLARE_BASE_URL) on top.
    let mut builder = ClientBuilder::from_env().map_err(|error| vec![Failure::Sdk(error)])?;
    if let Some(base_url) = &cli.base_url {
        builder = builder.base_url(base_url.as_str());
    }
    let client = builder.build().map_err(|error| vec![Failure::Sdk(error)])?;
    let Command::Downloads(command) = &cli.command;
    let context = commands::Context {
        client: &client,
        account,
        json: cli.json,
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
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
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
    fn seconds_must_be_positive_numbers() {
        assert_eq!(seconds("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(seconds("2"), Ok(Duration::from_secs(2)));
        for bad in ["0", "-1", "abc", "NaN", "inf", "1e300"] {
            assert!(seconds(bad).is_err(), "{bad}");
        }
    }
}

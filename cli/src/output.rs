//! What the user sees: tables or JSON on stdout, progress bars and errors on stderr.
//!
//! Nothing here prints a credential: errors come from the SDK, whose messages never contain
//! them, and the environment is never echoed.

use std::process::ExitCode;

use cloudflare_stream::{Download, DownloadType, Error, WaitError};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Map, Value, json};

/// Why a command did not succeed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The command line is incomplete.
    Usage(String),
    /// A call failed, or the client could not be built.
    Sdk(Error),
    /// Waiting for a download did not end with it ready.
    Wait(WaitError),
}

impl Failure {
    /// The process exit status, as `--help` documents it.
    fn exit_status(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Wait(WaitError::Failed { .. }) => 3,
            Failure::Wait(WaitError::DeadlineExceeded { .. }) => 4,
            Failure::Sdk(_) | Failure::Wait(_) => 1,
        }
    }

    fn sdk_error(&self) -> Option<&Error> {
        match self {
            Failure::Sdk(error) => Some(error),
            Failure::Wait(error) => error.request_error(),
            Failure::Usage(_) => None,
        }
    }

    /// The error and its causes (for a connection failure, why it failed), on one line.
    fn message(&self) -> String {
        let error: &dyn std::error::Error = match self {
            Failure::Usage(message) => return message.clone(),
            Failure::Sdk(error) => error,
            Failure::Wait(error) => error,
        };
        let mut message = error.to_string();
        let mut cause = error.source();
        while let Some(source) = cause {
            let text = source.to_string();
            // Transparent wrappers repeat their source's text.
            if !message.ends_with(&text) {
                message = format!("{message}: {text}");
            }
            cause = source.source();
        }
        message
    }

    /// A next step for the user, when the failure suggests one.
    fn hint(&self) -> Option<&'static str> {
        let error = self.sdk_error()?;
        if error.is_unauthorized() {
            Some(
                "check CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY), and \
                 --base-url if you meant a local emulator",
            )
        } else if error.is_forbidden() {
            Some("the credentials do not reach this account: check --account")
        } else {
            None
        }
    }

    fn to_json(&self) -> Value {
        let api = self.sdk_error().and_then(Error::api_error);
        json!({
            "success": false,
            "error": self.message(),
            "status": self.sdk_error().and_then(Error::status).map(|status| status.as_u16()),
            "errors": api.map(|api| json!(api.errors)).unwrap_or_else(|| json!([])),
            "exit_status": self.exit_status(),
        })
    }
}

/// Prints every failure on stderr; the exit status is the first one's.
pub(crate) fn report(failures: &[Failure], json: bool) -> ExitCode {
    for failure in failures {
        if json {
            eprintln!("{}", failure.to_json());
            continue;
        }
        eprintln!("error: {}", failure.message());
        let ray = failure
            .sdk_error()
            .and_then(Error::api_error)
            .and_then(|api| api.headers.get("cf-ray"))
            .and_then(|ray| ray.to_str().ok());
        if let Some(ray) = ray {
            eprintln!("  ray ID: {ray}");
        }
        if let Some(hint) = failure.hint() {
            eprintln!("  hint: {hint}");
        }
    }
    ExitCode::from(failures.first().map_or(1, Failure::exit_status))
}

/// Downloads as a table, or as JSON keyed by type (the API's own shape).
pub(crate) fn downloads(video: &str, rows: &[(DownloadType, Download)], json: bool) {
    if json {
        let object: Map<String, Value> = rows
            .iter()
            .map(|(download_type, download)| (download_type.as_str().to_owned(), json!(download)))
            .collect();
        print_json(&Value::Object(object));
        return;
    }
    if rows.is_empty() {
        println!("No downloads for video {video}.");
        return;
    }
    println!("{:<8} {:<10} {:>8}  URL", "TYPE", "STATUS", "PROGRESS");
    for (download_type, download) in rows {
        let status = download
            .status
            .as_ref()
            .map_or("-", |status| status.as_str());
        println!(
            "{:<8} {:<10} {:>7.1}%  {}",
            download_type.as_str(),
            status,
            download.percent_complete.unwrap_or(0.0),
            download.url.as_deref().unwrap_or("-")
        );
    }
}

/// What was deleted, in words or as `{"deleted": [...]}`.
pub(crate) fn deleted(video: &str, types: &[DownloadType], json: bool) {
    if json {
        let names: Vec<&str> = types.iter().map(DownloadType::as_str).collect();
        print_json(&json!({ "deleted": names }));
        return;
    }
    for download_type in types {
        println!(
            "Deleted the {} download of video {video}.",
            download_type.as_str()
        );
    }
}

fn print_json(value: &Value) {
    // Serialising a `Value` cannot fail.
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

/// A bar from 0 to 100 for one download type.
pub(crate) fn progress_bar(download_type: &DownloadType) -> ProgressBar {
    let bar = ProgressBar::new(100).with_prefix(download_type.as_str().to_owned());
    match ProgressStyle::with_template("{prefix:<8} [{bar:32}] {pos:>3}% {msg}") {
        Ok(style) => bar.with_style(style.progress_chars("=> ")),
        // The template is a constant; should it ever not parse, the default bar still works.
        Err(_) => bar,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_statuses_tell_outcomes_apart() {
        let failed = Failure::Wait(WaitError::Failed {
            download_type: DownloadType::Audio,
            download: Download::default(),
        });
        let late = Failure::Wait(WaitError::DeadlineExceeded {
            download_type: DownloadType::Audio,
            waited: std::time::Duration::from_secs(1),
            last: None,
        });
        let missing = Failure::Wait(WaitError::Missing {
            download_type: DownloadType::Audio,
        });
        let usage = Failure::Usage("no account".into());
        let statuses: Vec<u8> = [&usage, &failed, &late, &missing]
            .iter()
            .map(|failure| failure.exit_status())
            .collect();
        assert_eq!(statuses, [2, 3, 4, 1]);
        assert_eq!(usage.to_json()["errors"], json!([]));
        assert_eq!(late.to_json()["exit_status"], json!(4));
    }
}

//! Why a command did not succeed: what kind of failure it is, the exit status that kind maps to,
//! and how it is reported on stderr (as text, or as one JSON object per failure).
//!
//! Nothing here prints a credential: errors come from clap or the SDK, whose messages never
//! contain one, and the environment is never echoed.

use std::cell::RefCell;
use std::process::ExitCode;

use cloudflare_stream::{
    DownloadType, Error, UploadError, VideoWaitError, WaitError, WebhookError,
};
use serde_json::{Value, json};

/// One thing that went wrong.
#[derive(Debug)]
pub(crate) enum Failure {
    /// clap refused the command line: unknown option, bad value, missing argument.
    Usage(clap::Error),
    /// Something the command needs is not configured (the account).
    Config(String),
    /// A call failed, or the client could not be built.
    Sdk(Error),
    /// Waiting for a download did not end with it ready.
    Wait(WaitError),
    /// The async runtime could not start.
    Runtime(std::io::Error),
    /// The result could not be written to stdout (closed early, say, by `| head`).
    Output(std::io::Error),
    /// A webhook is not Stream's (`webhook verify`): a bad signature, too old, malformed.
    Webhook(WebhookError),
    /// An upload stopped (`upload`).
    Upload(UploadError),
    /// Waiting for an uploaded video did not end with it ready (`upload --wait`).
    VideoWait(VideoWaitError),
    /// Ctrl-C stopped the command; the upload URL to resume from, if it was uploading.
    Interrupted(Option<String>),
}

/// What a failure is, as the `kind` of its JSON; each kind has one exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Usage,
    Config,
    InvalidRequest,
    Api,
    Connection,
    Timeout,
    Decode,
    Pagination,
    DownloadFailed,
    WaitTimedOut,
    DownloadMissing,
    WebhookInvalid,
    UploadFailed,
    Runtime,
    Output,
    /// An SDK error of a kind this CLI does not know yet.
    Other,
    Interrupted,
}

impl Kind {
    /// The process exit status: the one place that decides it, as `--help` documents it.
    pub(crate) fn exit_status(self) -> u8 {
        match self {
            // Refused before anything was sent: the command line or the environment is wrong.
            Kind::Usage | Kind::Config | Kind::InvalidRequest => 2,
            Kind::DownloadFailed => 3,
            Kind::WaitTimedOut => 4,
            // 128 + SIGINT, as shells report a command Ctrl-C stopped.
            Kind::Interrupted => 130,
            Kind::Api
            | Kind::Connection
            | Kind::Timeout
            | Kind::Decode
            | Kind::Pagination
            | Kind::DownloadMissing
            | Kind::WebhookInvalid
            | Kind::UploadFailed
            | Kind::Runtime
            | Kind::Output
            | Kind::Other => 1,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Kind::Usage => "usage",
            Kind::Config => "config",
            Kind::InvalidRequest => "invalid_request",
            Kind::Api => "api",
            Kind::Connection => "connection",
            Kind::Timeout => "timeout",
            Kind::Decode => "decode",
            Kind::Pagination => "pagination",
            Kind::DownloadFailed => "download_failed",
            Kind::WaitTimedOut => "wait_timed_out",
            Kind::DownloadMissing => "download_missing",
            Kind::WebhookInvalid => "webhook_invalid",
            Kind::UploadFailed => "upload_failed",
            Kind::Runtime => "runtime",
            Kind::Output => "output",
            Kind::Other => "other",
            Kind::Interrupted => "interrupted",
        }
    }
}

/// What an upload's failure is: a chunk size against the rules is refused before anything is
/// sent, like bad usage; a request's failure is the request's.
fn upload_kind(error: &UploadError) -> Kind {
    match error {
        UploadError::ChunkSize { .. } => Kind::Usage,
        UploadError::Request(error) => sdk_kind(error),
        UploadError::Interrupted { source, .. } => upload_kind(source),
        _ => Kind::UploadFailed,
    }
}

fn upload_request_error(error: &UploadError) -> Option<&Error> {
    match error {
        UploadError::Request(error) => Some(error),
        UploadError::Interrupted { source, .. } => upload_request_error(source),
        _ => None,
    }
}

fn sdk_kind(error: &Error) -> Kind {
    match error {
        Error::Api(_) => Kind::Api,
        Error::InvalidRequest { .. } => Kind::InvalidRequest,
        Error::Connection { .. } => Kind::Connection,
        Error::Timeout { .. } => Kind::Timeout,
        Error::Decode { .. } => Kind::Decode,
        Error::Pagination { .. } => Kind::Pagination,
        Error::Config { .. } => Kind::Config,
        _ => Kind::Other,
    }
}

impl Failure {
    /// What this failure is; its exit status follows from that.
    pub(crate) fn kind(&self) -> Kind {
        match self {
            Failure::Usage(_) => Kind::Usage,
            Failure::Config(_) => Kind::Config,
            Failure::Sdk(error) | Failure::Wait(WaitError::Request(error)) => sdk_kind(error),
            Failure::Wait(WaitError::Failed { .. }) => Kind::DownloadFailed,
            Failure::Wait(WaitError::DeadlineExceeded { .. }) => Kind::WaitTimedOut,
            Failure::Wait(WaitError::Missing { .. }) => Kind::DownloadMissing,
            Failure::Wait(_) => Kind::Other,
            Failure::Runtime(_) => Kind::Runtime,
            Failure::Output(_) => Kind::Output,
            Failure::Webhook(_) => Kind::WebhookInvalid,
            Failure::Upload(error) => upload_kind(error),
            Failure::VideoWait(VideoWaitError::Failed { .. }) => Kind::DownloadFailed,
            Failure::VideoWait(VideoWaitError::DeadlineExceeded { .. }) => Kind::WaitTimedOut,
            Failure::VideoWait(VideoWaitError::Request(error)) => sdk_kind(error),
            Failure::VideoWait(_) => Kind::Other,
            Failure::Interrupted(_) => Kind::Interrupted,
        }
    }

    /// Whether this is how a download ended (failed, or still going at the deadline), rather
    /// than a failure to ask: its last state is then a result worth printing.
    pub(crate) fn is_download_outcome(&self) -> bool {
        matches!(self.kind(), Kind::DownloadFailed | Kind::WaitTimedOut)
    }

    fn sdk_error(&self) -> Option<&Error> {
        match self {
            Failure::Sdk(error) => Some(error),
            Failure::Wait(error) => error.request_error(),
            Failure::Upload(error) => upload_request_error(error),
            Failure::VideoWait(VideoWaitError::Request(error)) => Some(error),
            Failure::Usage(_)
            | Failure::Config(_)
            | Failure::Runtime(_)
            | Failure::Output(_)
            | Failure::Webhook(_)
            | Failure::VideoWait(_)
            | Failure::Interrupted(_) => None,
        }
    }

    /// The error and its causes (for a connection failure, why it failed), on one line.
    fn message(&self) -> String {
        let error: &dyn std::error::Error = match self {
            Failure::Usage(error) => return ClapMessage::of(error).message,
            Failure::Config(message) => return message.clone(),
            Failure::Sdk(error) => error,
            Failure::Wait(error) => error,
            Failure::Webhook(error) => error,
            Failure::Upload(error) => error,
            Failure::VideoWait(error) => error,
            Failure::Runtime(error) => {
                return format!("cannot start the async runtime: {error}");
            }
            Failure::Output(error) => return format!("cannot write the result to stdout: {error}"),
            // What the command created or deleted before is named beside it.
            Failure::Interrupted(None) => return "interrupted (Ctrl-C)".into(),
            Failure::Interrupted(Some(url)) => {
                return format!("interrupted (Ctrl-C); resume with --resume {url}");
            }
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
                "check CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY, or \
                 CLOUDFLARE_API_USER_SERVICE_KEY), and --base-url if you meant a local emulator",
            )
        } else if error.is_forbidden() {
            Some("the credentials do not reach this account: check --account")
        } else {
            None
        }
    }

    fn to_json(&self, changed: Option<&Changed>) -> Value {
        let api = self.sdk_error().and_then(Error::api_error);
        let kind = self.kind();
        let mut object = json!({
            "success": false,
            "kind": kind.as_str(),
            "error": self.message(),
            "status": self.sdk_error().and_then(Error::status).map(|status| status.as_u16()),
            "errors": api.map(|api| json!(api.errors)).unwrap_or_else(|| json!([])),
            "exit_status": kind.exit_status(),
        });
        if let Failure::Usage(error) = self {
            object["usage"] = json!(ClapMessage::of(error).usage);
        }
        let resume = match self {
            Failure::Upload(error) => error.upload_url(),
            Failure::Interrupted(url) => url.as_deref(),
            _ => None,
        };
        if let Some(url) = resume {
            object["upload_url"] = json!(url);
        }
        if let Some(changed) = changed {
            let names: Vec<&str> = changed.types.iter().map(DownloadType::as_str).collect();
            object[changed.action.as_str()] = json!(names);
        }
        object
    }
}

/// clap's rendering of an error, plain (no colour), taken apart.
struct ClapMessage {
    /// What was wrong, on one line, without clap's `error: ` prefix.
    message: String,
    /// The usage line of the command concerned, without `Usage: `.
    usage: Option<String>,
}

impl ClapMessage {
    fn of(error: &clap::Error) -> Self {
        // `StyledStr`'s `Display` drops the styling, whatever the terminal.
        let text = error.render().to_string();
        let mut message = String::new();
        let mut usage = None;
        for line in text.lines().map(str::trim) {
            if let Some(line) = line.strip_prefix("Usage: ") {
                usage = Some(line.to_owned());
            } else if line.is_empty() || line.starts_with("For more information") {
                // Advice for a reader at a terminal: `--help` is there for them.
            } else if message.is_empty() {
                message = line.strip_prefix("error: ").unwrap_or(line).to_owned();
            } else {
                // Continuation lines (`<VIDEO>`, `[possible values: ...]`) follow on; tips are
                // set apart.
                message.push_str(if line.starts_with("tip:") { "; " } else { " " });
                message.push_str(line);
            }
        }
        ClapMessage { message, usage }
    }
}

/// What a running command has changed so far, for a failure that stops it from outside
/// (Ctrl-C), which has no other way to know.
#[derive(Debug, Default)]
pub(crate) struct Progress(RefCell<Option<Changed>>, UploadUrl);

/// The upload URL of an upload in progress, shared with the upload's progress callback (which
/// must be `Send`).
pub(crate) type UploadUrl = std::sync::Arc<std::sync::Mutex<Option<String>>>;

impl Progress {
    /// Where the upload URL of an upload in progress is kept, for Ctrl-C to name it.
    pub(crate) fn upload_url(&self) -> UploadUrl {
        self.1.clone()
    }

    /// Records that the command has now created (or deleted) `types`.
    pub(crate) fn record(&self, action: Action, types: &[DownloadType]) {
        *self.0.borrow_mut() = Some(Changed {
            action,
            types: types.to_vec(),
        });
    }

    /// The failure of a command Ctrl-C stopped, naming what it had changed.
    pub(crate) fn interrupted(&self) -> Failed {
        let url = self.1.lock().ok().and_then(|url| url.clone());
        let failed = Failed::from(Failure::Interrupted(url));
        match self.0.borrow_mut().take() {
            Some(changed) => failed.after(changed.action, &changed.types),
            None => failed,
        }
    }
}

/// Downloads a command created or deleted before it failed: the failure does not undo them.
#[derive(Debug)]
pub(crate) struct Changed {
    pub(crate) action: Action,
    pub(crate) types: Vec<DownloadType>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Action {
    Created,
    Deleted,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Deleted => "deleted",
        }
    }
}

/// Why a command did not succeed: one failure, or one per download waited for; and what it
/// changed before it stopped.
#[derive(Debug)]
pub(crate) struct Failed {
    failures: Vec<Failure>,
    changed: Option<Changed>,
}

impl From<Failure> for Failed {
    fn from(failure: Failure) -> Self {
        Failed {
            failures: vec![failure],
            changed: None,
        }
    }
}

impl Failed {
    /// At least one failure; `None` if there are none.
    pub(crate) fn new(failures: Vec<Failure>) -> Option<Self> {
        (!failures.is_empty()).then_some(Failed {
            failures,
            changed: None,
        })
    }

    /// Records what the command had done: named in the error, since stdout stays empty.
    pub(crate) fn after(mut self, action: Action, types: &[DownloadType]) -> Self {
        self.changed = Some(Changed {
            action,
            types: types.to_vec(),
        });
        self
    }

    /// Whether every failure is how a download ended (exit status 3 or 4), so the last state
    /// of the downloads is a complete result to print on stdout.
    pub(crate) fn keeps_result(&self) -> bool {
        self.failures.iter().all(Failure::is_download_outcome)
    }

    /// The lowest of the failures' statuses: a failure to ask (1) says more than how a download
    /// ended, and a download that failed (3) more than one still going (4).
    pub(crate) fn exit_status(&self) -> u8 {
        self.failures
            .iter()
            .map(|failure| failure.kind().exit_status())
            .min()
            .unwrap_or(1)
    }
}

/// Prints every failure on stderr, and returns the exit status.
pub(crate) fn report(failed: &Failed, json: bool) -> ExitCode {
    let changed = failed.changed.as_ref();
    for failure in &failed.failures {
        if json {
            eprintln!("{}", failure.to_json(changed));
            continue;
        }
        if let Failure::Usage(error) = failure {
            // clap's own rendering: coloured on a terminal, with the usage line. Should stderr
            // be closed there is nowhere left to say so.
            let _ = error.print();
            continue;
        }
        eprintln!("error: {}", crate::output::printable(&failure.message()));
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
    // With 3 or 4 the downloads' state is on stdout; otherwise stdout is empty, so say here what
    // the command did before it failed.
    if !json
        && !failed.keeps_result()
        && let Some(note) = changed.and_then(Changed::note)
    {
        eprintln!("  note: {note}");
    }
    ExitCode::from(failed.exit_status())
}

impl Changed {
    fn note(&self) -> Option<String> {
        let names: Vec<&str> = self.types.iter().map(DownloadType::as_str).collect();
        let (what, were) = match names.as_slice() {
            [] => return None,
            [one] => (format!("the {one} download"), "was"),
            [rest @ .., last] => (
                format!("the {} and {last} downloads", rest.join(", ")),
                "were",
            ),
        };
        Some(format!(
            "{what} {were} {} before this failure",
            self.action.as_str()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudflare_stream::Download;

    fn failed() -> Failure {
        Failure::Wait(WaitError::Failed {
            download_type: DownloadType::Audio,
            download: Download::default(),
        })
    }

    fn late() -> Failure {
        Failure::Wait(WaitError::DeadlineExceeded {
            download_type: DownloadType::Audio,
            waited: std::time::Duration::from_secs(1),
            last: None,
        })
    }

    fn missing() -> Failure {
        Failure::Wait(WaitError::Missing {
            download_type: DownloadType::Audio,
        })
    }

    #[test]
    fn an_interrupted_upload_says_how_to_resume() {
        let url = "https://upload.videodelivery.net/tus/abc";
        let failure = Failure::Interrupted(Some(url.to_owned()));
        assert!(failure.message().contains(&format!("--resume {url}")));
        assert_eq!(failure.to_json(None)["upload_url"], json!(url));
        assert_eq!(failure.kind().exit_status(), 130);
        assert_eq!(Failure::Interrupted(None).message(), "interrupted (Ctrl-C)");
    }

    #[test]
    fn exit_statuses_tell_outcomes_apart() {
        let config = Failure::Config("no account".into());
        let statuses: Vec<u8> = [config, failed(), late(), missing()]
            .iter()
            .map(|failure| failure.kind().exit_status())
            .collect();
        assert_eq!(statuses, [2, 3, 4, 1]);
    }

    #[test]
    fn several_failures_exit_with_the_lowest_status() {
        let status = |failures: Vec<Failure>| Failed::new(failures).map(|f| f.exit_status());
        assert_eq!(status(vec![late(), failed()]), Some(3));
        assert_eq!(status(vec![late(), missing(), failed()]), Some(1));
        assert_eq!(status(vec![late()]), Some(4));
        assert_eq!(status(vec![]), None);
    }

    #[test]
    fn only_download_outcomes_keep_the_result() {
        let keeps = |failures: Vec<Failure>| Failed::new(failures).map(|f| f.keeps_result());
        assert_eq!(keeps(vec![late(), failed()]), Some(true));
        assert_eq!(keeps(vec![late(), missing()]), Some(false));
    }

    #[test]
    fn json_errors_name_their_kind_and_what_was_changed() {
        let error = Failed::from(late()).after(Action::Created, &[DownloadType::Audio]);
        let object = error.failures[0].to_json(error.changed.as_ref());
        assert_eq!(object["kind"], json!("wait_timed_out"));
        assert_eq!(object["exit_status"], json!(4));
        assert_eq!(object["errors"], json!([]));
        assert_eq!(object["created"], json!(["audio"]));
        assert!(object.get("usage").is_none());
    }

    #[test]
    fn notes_name_the_downloads_changed() {
        let note = |action, types: &[DownloadType]| {
            Changed {
                action,
                types: types.to_vec(),
            }
            .note()
        };
        assert_eq!(note(Action::Deleted, &[]), None);
        assert_eq!(
            note(Action::Deleted, &[DownloadType::Audio]).as_deref(),
            Some("the audio download was deleted before this failure")
        );
        assert_eq!(
            note(
                Action::Created,
                &[DownloadType::Default, DownloadType::Audio]
            )
            .as_deref(),
            Some("the default and audio downloads were created before this failure")
        );
    }
}

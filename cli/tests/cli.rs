//! `cfstream` run as a process against an in-process emulator: output, JSON, exit statuses, and
//! that credentials never appear in what it prints.

use std::time::Duration;

use assert_cmd::Command;
use cloudflare_stream_emulator::{Emulator, EmulatorConfig, Fault, seeds};
use serde_json::{Value, json};

const VIDEO: &str = seeds::VIDEO_ID;
const SECRET: &str = "cli-test-secret-3f9a";

/// Every variable the CLI reads; each test sets its own.
const VARIABLES: [&str; 6] = [
    "CLOUDFLARE_API_TOKEN",
    "CLOUDFLARE_EMAIL",
    "CLOUDFLARE_API_KEY",
    "CLOUDFLARE_API_USER_SERVICE_KEY",
    "CLOUDFLARE_BASE_URL",
    "CLOUDFLARE_ACCOUNT_ID",
];

/// An emulator on its own thread: the test blocks while the CLI runs.
fn emulator_with(generation_time: Duration) -> Emulator {
    Emulator::spawn(EmulatorConfig {
        generation_time,
        ..EmulatorConfig::default()
    })
    .unwrap_or_else(|e| panic!("cannot start the emulator: {e}"))
}

fn emulator() -> Emulator {
    emulator_with(Duration::from_millis(300))
}

/// `cfstream` with a clean environment, the emulator's token and account, and `--base-url`.
fn cfstream(emulator: &Emulator) -> Command {
    let mut command = bare();
    command
        .env("CLOUDFLARE_API_TOKEN", seeds::API_TOKEN)
        .env("CLOUDFLARE_ACCOUNT_ID", seeds::ACCOUNT_ID)
        .args(["--base-url", emulator.base_url()]);
    command
}

/// `cfstream` with none of the variables it reads.
fn bare() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cfstream"));
    for variable in VARIABLES {
        command.env_remove(variable);
    }
    command.timeout(Duration::from_secs(20));
    command
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(command: &mut Command, args: &[&str]) -> Run {
    let output = command
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run cfstream: {e}"));
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

impl Run {
    fn expect(self, code: i32) -> Self {
        assert_eq!(
            self.code,
            Some(code),
            "stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    fn stderr_json(&self) -> Value {
        serde_json::from_str(self.stderr.trim())
            .unwrap_or_else(|e| panic!("stderr is not JSON ({e}):\n{}", self.stderr))
    }
}

fn url(file: &str) -> String {
    format!("https://customer-emulator.cloudflarestream.com/{VIDEO}/downloads/{file}")
}

#[test]
fn help_explains_commands_credentials_and_exit_statuses() {
    let help = run(&mut bare(), &["--help"]).expect(0).stdout;
    for text in [
        "downloads",
        "--account",
        "--base-url",
        "--json",
        "CLOUDFLARE_API_TOKEN",
        "CLOUDFLARE_ACCOUNT_ID",
        "Exit status",
    ] {
        assert!(help.contains(text), "`{text}` missing from:\n{help}");
    }
    let create = run(&mut bare(), &["downloads", "create", "--help"])
        .expect(0)
        .stdout;
    for text in ["--type", "--wait", "--poll-interval", "--timeout", "audio"] {
        assert!(create.contains(text), "`{text}` missing from:\n{create}");
    }
}

#[test]
fn create_wait_list_and_delete_both_downloads() {
    let emulator = emulator();
    let listed = run(&mut cfstream(&emulator), &["downloads", "list", VIDEO]).expect(0);
    assert_eq!(listed.stdout, format!("No downloads for video {VIDEO}.\n"));

    let created = run(
        &mut cfstream(&emulator),
        &[
            "downloads",
            "create",
            VIDEO,
            "--type",
            "default,audio",
            "--wait",
            "--poll-interval",
            "0.05",
            "--json",
        ],
    )
    .expect(0);
    assert_eq!(
        created.json(),
        json!({
            "default": {"percentComplete": 100.0, "status": "ready", "url": url("default.mp4")},
            "audio": {"percentComplete": 100.0, "status": "ready", "url": url("audio.m4a")},
        })
    );

    let table = run(&mut cfstream(&emulator), &["downloads", "list", VIDEO])
        .expect(0)
        .stdout;
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    assert!(lines[0].starts_with("TYPE"), "{table}");
    assert!(
        lines[1].starts_with("default  ready") && lines[1].ends_with(&url("default.mp4")),
        "{table}"
    );
    assert!(
        lines[2].starts_with("audio    ready") && lines[2].ends_with(&url("audio.m4a")),
        "{table}"
    );

    let deleted = run(
        &mut cfstream(&emulator),
        &[
            "downloads",
            "delete",
            VIDEO,
            "--type",
            "audio",
            "--type",
            "default",
        ],
    )
    .expect(0);
    assert_eq!(
        deleted.stdout,
        format!(
            "Deleted the audio download of video {VIDEO}.\n\
             Deleted the default download of video {VIDEO}.\n"
        )
    );
    let listed = run(
        &mut cfstream(&emulator),
        &["downloads", "list", VIDEO, "--json"],
    )
    .expect(0);
    assert_eq!(listed.json(), json!({}));
    assert!(emulator.downloads(seeds::ACCOUNT_ID, VIDEO).is_empty());
}

#[test]
fn create_without_wait_shows_the_download_in_progress() {
    let emulator = emulator_with(Duration::from_secs(60));
    let created = run(
        &mut cfstream(&emulator),
        &["downloads", "create", VIDEO, "--type", "audio"],
    )
    .expect(0);
    let lines: Vec<&str> = created.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", created.stdout);
    assert!(
        lines[1].starts_with("audio    inprogress"),
        "{}",
        created.stdout
    );
    assert!(lines[1].ends_with("  -"), "{}", created.stdout);

    // The default type is the default, and the types created before stay.
    let created = run(
        &mut cfstream(&emulator),
        &["downloads", "create", VIDEO, "--json"],
    )
    .expect(0);
    assert_eq!(created.json()["default"]["status"], json!("inprogress"));
    assert!(created.json().get("audio").is_none());
    assert_eq!(emulator.downloads(seeds::ACCOUNT_ID, VIDEO).len(), 2);
}

#[test]
fn api_errors_print_their_codes_and_exit_1() {
    let emulator = emulator();
    let unknown = "ffffffffffffffffffffffffffffffff";
    let failed = run(&mut cfstream(&emulator), &["downloads", "list", unknown]).expect(1);
    assert_eq!(failed.stdout, "");
    assert!(
        failed.stderr.starts_with(
            "error: stream.downloads.get: HTTP 404 Not Found: 10005: The video was not found.\n"
        ),
        "{}",
        failed.stderr
    );
    assert!(failed.stderr.contains("ray ID: "), "{}", failed.stderr);

    let failed = run(
        &mut cfstream(&emulator),
        &["downloads", "delete", VIDEO, "--json"],
    )
    .expect(1);
    assert_eq!(failed.json(), json!({"deleted": []}));
    let error = failed.stderr_json();
    assert_eq!(error["status"], json!(404));
    assert_eq!(error["errors"][0]["code"], json!(10006));
    assert_eq!(error["exit_status"], json!(1));

    let failed = run(
        &mut cfstream(&emulator),
        &["downloads", "create", seeds::PROCESSING_VIDEO_ID],
    )
    .expect(1);
    assert!(failed.stderr.contains("10008"), "{}", failed.stderr);
}

#[test]
fn wrong_credentials_are_reported_without_being_printed() {
    let emulator = emulator();
    let mut token = cfstream(&emulator);
    token.env("CLOUDFLARE_API_TOKEN", SECRET);
    let failed = run(&mut token, &["downloads", "list", VIDEO]).expect(1);
    assert!(
        failed
            .stderr
            .contains("HTTP 401 Unauthorized: 10000: Authentication error"),
        "{}",
        failed.stderr
    );
    assert!(failed.stderr.contains("hint: check CLOUDFLARE_API_TOKEN"));

    let mut key = cfstream(&emulator);
    key.env_remove("CLOUDFLARE_API_TOKEN")
        .env("CLOUDFLARE_EMAIL", SECRET)
        .env("CLOUDFLARE_API_KEY", SECRET);
    let failed_key = run(&mut key, &["downloads", "list", VIDEO, "--json"]).expect(1);
    assert_eq!(failed_key.stderr_json()["status"], json!(401));

    // Two schemes at once: refused before any request, naming the variables only.
    let mut both = cfstream(&emulator);
    both.env("CLOUDFLARE_API_TOKEN", SECRET)
        .env("CLOUDFLARE_API_USER_SERVICE_KEY", SECRET);
    let conflict = run(&mut both, &["downloads", "list", VIDEO]).expect(1);
    assert!(conflict.stderr.contains("CLOUDFLARE_API_USER_SERVICE_KEY"));

    for output in [&failed, &failed_key, &conflict] {
        assert!(!output.stdout.contains(SECRET), "{}", output.stdout);
        assert!(!output.stderr.contains(SECRET), "{}", output.stderr);
    }
}

#[test]
fn configuration_comes_from_the_environment_or_the_options() {
    let emulator = emulator();
    // Everything from the environment.
    let mut command = bare();
    command
        .env("CLOUDFLARE_API_TOKEN", seeds::API_TOKEN)
        .env("CLOUDFLARE_ACCOUNT_ID", seeds::ACCOUNT_ID)
        .env("CLOUDFLARE_BASE_URL", emulator.base_url());
    run(&mut command, &["downloads", "list", VIDEO, "--json"]).expect(0);

    // The account as an option, after the subcommand.
    let mut command = cfstream(&emulator);
    command.env_remove("CLOUDFLARE_ACCOUNT_ID");
    run(
        &mut command,
        &["downloads", "list", VIDEO, "--account", seeds::ACCOUNT_ID],
    )
    .expect(0);

    // No account: a usage error, before any request.
    let mut command = cfstream(&emulator);
    command.env_remove("CLOUDFLARE_ACCOUNT_ID");
    let failed = run(&mut command, &["downloads", "list", VIDEO]).expect(2);
    assert!(
        failed.stderr.contains("CLOUDFLARE_ACCOUNT_ID"),
        "{}",
        failed.stderr
    );

    // No credentials: named, not guessed.
    let mut command = cfstream(&emulator);
    command.env_remove("CLOUDFLARE_API_TOKEN");
    let failed = run(&mut command, &["downloads", "list", VIDEO]).expect(1);
    assert!(
        failed.stderr.contains("no credentials"),
        "{}",
        failed.stderr
    );
    assert_eq!(emulator.request_count(), 2);

    // Values clap refuses.
    run(
        &mut cfstream(&emulator),
        &["downloads", "create", VIDEO, "--type", "hd"],
    )
    .expect(2);
    run(
        &mut cfstream(&emulator),
        &["downloads", "create", VIDEO, "--wait", "--timeout", "-1"],
    )
    .expect(2);
}

#[test]
fn a_download_that_fails_to_generate_exits_3() {
    let emulator = emulator();
    let failed = run(
        &mut cfstream(&emulator),
        &[
            "downloads",
            "create",
            seeds::FAILING_VIDEO_ID,
            "--wait",
            "--poll-interval",
            "0.05",
        ],
    )
    .expect(3);
    assert!(
        failed.stdout.contains("default  error"),
        "{}",
        failed.stdout
    );
    assert!(
        failed
            .stderr
            .contains("error: the default download failed to generate"),
        "{}",
        failed.stderr
    );
}

#[test]
fn waiting_past_the_timeout_exits_4() {
    let emulator = emulator_with(Duration::from_secs(60));
    let failed = run(
        &mut cfstream(&emulator),
        &[
            "downloads",
            "create",
            VIDEO,
            "--type",
            "audio",
            "--wait",
            "--poll-interval",
            "0.05",
            "--timeout",
            "0.3",
            "--json",
        ],
    )
    .expect(4);
    assert_eq!(failed.json()["audio"]["status"], json!("inprogress"));
    let error = failed.stderr_json();
    assert_eq!(error["exit_status"], json!(4));
    let message = error["error"].as_str().unwrap_or_default();
    assert!(message.contains("was not ready after"), "{message}");
}

#[test]
fn rate_limits_that_outlast_the_retries_are_reported() {
    let emulator = emulator();
    // More than any retry budget the SDK might have.
    emulator.fail_next(
        10,
        Fault::RateLimited {
            retry_after: Duration::ZERO,
        },
    );
    let failed = run(&mut cfstream(&emulator), &["downloads", "list", VIDEO]).expect(1);
    assert!(
        failed.stderr.contains("HTTP 429 Too Many Requests: 971:"),
        "{}",
        failed.stderr
    );
    emulator.clear_faults();
    run(&mut cfstream(&emulator), &["downloads", "list", VIDEO]).expect(0);
}

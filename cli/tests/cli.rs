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

/// `cfstream` configured by the environment alone.
fn from_env(emulator: &Emulator) -> Command {
    let mut command = bare();
    command
        .env("CLOUDFLARE_API_TOKEN", seeds::API_TOKEN)
        .env("CLOUDFLARE_ACCOUNT_ID", seeds::ACCOUNT_ID)
        .env("CLOUDFLARE_BASE_URL", emulator.base_url());
    command
}

/// `cfstream` with none of the variables it reads.
fn bare() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cfstream"));
    for variable in VARIABLES {
        command.env_remove(variable);
    }
    // Plain text, whatever the terminal the tests run from asks for.
    command.env_remove("CLICOLOR_FORCE");
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

/// `cfstream` against `emulator`, started in the background with `args`, its output captured.
fn spawned(emulator: &Emulator, args: &[&str]) -> std::process::Child {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cfstream"));
    for variable in VARIABLES {
        command.env_remove(variable);
    }
    command
        .env("CLOUDFLARE_API_TOKEN", seeds::API_TOKEN)
        .env("CLOUDFLARE_ACCOUNT_ID", seeds::ACCOUNT_ID)
        .args(["--base-url", emulator.base_url()])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run cfstream: {e}"))
}

/// What a background `cfstream` printed, once it has ended.
fn finished(child: std::process::Child) -> Run {
    let output = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("cannot run cfstream: {e}"));
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Waits until the seeded video has both downloads (created by a background command).
fn both_created(emulator: &Emulator) {
    let started = std::time::Instant::now();
    while emulator.downloads(seeds::ACCOUNT_ID, VIDEO).len() < 2 {
        assert!(started.elapsed() < Duration::from_secs(10), "never created");
        std::thread::sleep(Duration::from_millis(20));
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

    /// A failure with `--json`: nothing on stdout, one JSON object on one line of stderr, in
    /// the shape every error has.
    fn json_error(self, code: i32, kind: &str) -> Value {
        let run = self.expect(code);
        assert_eq!(run.stdout, "", "stderr:\n{}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(!run.stderr.contains('\x1b'), "{}", run.stderr);
        let error = run.stderr_json();
        assert_eq!(error["success"], json!(false), "{error}");
        assert_eq!(error["kind"], json!(kind), "{error}");
        assert_eq!(error["exit_status"], json!(code), "{error}");
        assert!(error["error"].is_string(), "{error}");
        assert_eq!(error["errors"], json!([]), "{error}");
        error
    }

    /// The message of a `--json` error.
    fn json_message(error: &Value) -> &str {
        error["error"].as_str().unwrap_or_default()
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
fn the_readme_shows_the_help_as_it_is() {
    let help = run(&mut bare(), &["--help"]).expect(0).stdout;
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("cli/README.md");
    let shown = readme
        .split_once("```text\n$ cfstream --help\n")
        .and_then(|(_, rest)| rest.split_once("```\n"))
        .map(|(block, _)| block)
        .expect("cli/README.md shows `cfstream --help`");
    assert_eq!(
        shown, help,
        "cli/README.md's `cfstream --help` block is stale"
    );
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
    // The URL is there from creation, as the service gives it.
    assert!(
        lines[1].ends_with("/downloads/audio.m4a"),
        "{}",
        created.stdout
    );

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
    assert_eq!(failed.stdout, "");
    let error = failed.stderr_json();
    assert_eq!(error["kind"], json!("api"));
    assert_eq!(error["status"], json!(404));
    assert_eq!(error["errors"][0]["code"], json!(10006));
    assert_eq!(error["exit_status"], json!(1));
    assert_eq!(error["deleted"], json!([]));

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
    // The hint names every scheme, the service key included.
    assert!(
        failed.stderr.contains("CLOUDFLARE_API_USER_SERVICE_KEY"),
        "{}",
        failed.stderr
    );

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
    let conflict = run(&mut both, &["downloads", "list", VIDEO]).expect(2);
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
    run(
        &mut from_env(&emulator),
        &["downloads", "list", VIDEO, "--json"],
    )
    .expect(0);

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
    let failed = run(&mut command, &["downloads", "list", VIDEO]).expect(2);
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

#[test]
fn usage_errors_with_json_are_one_json_object_on_stderr() {
    // `--json` before the subcommand, after it, and after the error clap stops at.
    let cases: [(&[&str], &str, Option<&str>); 6] = [
        (
            &["--json", "--bogus", "downloads", "list", VIDEO],
            "unexpected argument '--bogus' found",
            Some("cfstream [OPTIONS] <COMMAND>"),
        ),
        (
            &["downloads", "list", "--json"],
            "the following required arguments were not provided: <VIDEO>",
            Some("cfstream downloads list [OPTIONS] <VIDEO>"),
        ),
        (
            &["downloads", "lst", VIDEO, "--json"],
            "unrecognized subcommand 'lst'; tip: a similar subcommand exists: 'list'",
            Some("cfstream downloads [OPTIONS] <COMMAND>"),
        ),
        (
            &["--json"],
            "'cfstream' requires a subcommand but one was not provided",
            Some("cfstream [OPTIONS] <COMMAND>"),
        ),
        (
            &["downloads", "create", VIDEO, "--timeout", "0", "--json"],
            "invalid value '0' for '--timeout <SECONDS>'",
            None,
        ),
        (
            &["downloads", "list", VIDEO, "--json", "extra"],
            "unexpected argument 'extra' found",
            Some("cfstream downloads list [OPTIONS] <VIDEO>"),
        ),
    ];
    for (args, message, usage) in cases {
        let error = run(&mut bare(), args).json_error(2, "usage");
        assert!(
            Run::json_message(&error).starts_with(message),
            "{args:?}: {error}"
        );
        assert_eq!(error["status"], json!(null), "{error}");
        assert_eq!(error["usage"], json!(usage), "{args:?}: {error}");
    }

    // Colour forced on, as on a terminal: the text error has it, the JSON never.
    let mut coloured = bare();
    coloured.env("CLICOLOR_FORCE", "1");
    let text = run(&mut coloured, &["--bogus"]).expect(2);
    assert!(text.stderr.contains('\x1b'), "{}", text.stderr);
    let mut coloured = bare();
    coloured.env("CLICOLOR_FORCE", "1");
    let error = run(&mut coloured, &["--bogus", "--json"]).json_error(2, "usage");
    assert_eq!(error["error"], json!("unexpected argument '--bogus' found"));

    // After `--`, `--json` is a value, not the option: the error is text.
    let text = run(
        &mut bare(),
        &["downloads", "list", "--bogus", "--", "--json"],
    )
    .expect(2);
    assert_eq!(text.stdout, "");
    assert!(
        text.stderr
            .starts_with("error: unexpected argument '--bogus' found"),
        "{}",
        text.stderr
    );
}

#[test]
fn a_bad_type_is_a_usage_error_with_or_without_json() {
    let emulator = emulator();
    let args = ["downloads", "create", VIDEO, "--type", "hd"];
    let text = run(&mut cfstream(&emulator), &args).expect(2);
    assert_eq!(text.stdout, "");
    assert_eq!(
        text.stderr,
        "error: invalid value 'hd' for '--type <TYPE>'\n  [possible values: default, audio]\n\n\
         For more information, try '--help'.\n"
    );

    let error =
        run(&mut cfstream(&emulator), &[&args[..], &["--json"]].concat()).json_error(2, "usage");
    assert_eq!(
        error["error"],
        json!("invalid value 'hd' for '--type <TYPE>' [possible values: default, audio]")
    );
    // Refused before any request.
    assert_eq!(emulator.request_count(), 0);
}

/// `delete` with the environment changed by `configure` fails with exit 2, before any request,
/// saying `message`, as text and as JSON.
fn expect_config_error(emulator: &Emulator, configure: fn(&mut Command), message: &str) {
    let mut command = from_env(emulator);
    configure(&mut command);
    let text = run(&mut command, &["downloads", "delete", VIDEO]).expect(2);
    assert_eq!(text.stdout, "");
    assert!(text.stderr.starts_with("error: "), "{}", text.stderr);
    assert!(text.stderr.contains(message), "{}", text.stderr);

    let mut command = from_env(emulator);
    configure(&mut command);
    let error =
        run(&mut command, &["downloads", "delete", VIDEO, "--json"]).json_error(2, "config");
    assert!(Run::json_message(&error).contains(message), "{error}");
    // The command never ran: nothing to say about what it deleted.
    assert!(error.get("deleted").is_none(), "{error}");
    assert_eq!(emulator.request_count(), 0);
}

#[test]
fn missing_credentials_account_or_base_url_exit_2() {
    let emulator = emulator();
    expect_config_error(
        &emulator,
        |command| {
            command.env_remove("CLOUDFLARE_API_TOKEN");
        },
        "no credentials in the environment",
    );
    expect_config_error(
        &emulator,
        |command| {
            command.env_remove("CLOUDFLARE_ACCOUNT_ID");
        },
        "no account: pass --account ID or set CLOUDFLARE_ACCOUNT_ID",
    );
    expect_config_error(
        &emulator,
        |command| {
            command.env("CLOUDFLARE_BASE_URL", "ftp://127.0.0.1/client/v4");
        },
        "the base URL must use http or https",
    );
    expect_config_error(
        &emulator,
        |command| {
            command
                .env_remove("CLOUDFLARE_API_TOKEN")
                .env("CLOUDFLARE_EMAIL", "user@example.com");
        },
        "CLOUDFLARE_EMAIL is set but CLOUDFLARE_API_KEY is not",
    );
}

#[test]
fn a_video_id_the_api_cannot_take_exits_2_before_any_request() {
    let emulator = emulator();
    let long = "f".repeat(33);
    let error = run(
        &mut cfstream(&emulator),
        &["downloads", "list", &long, "--json"],
    )
    .json_error(2, "invalid_request");
    assert!(
        Run::json_message(&error).contains("at most 32 characters"),
        "{error}"
    );
    run(&mut cfstream(&emulator), &["downloads", "list", ""]).expect(2);
    assert_eq!(emulator.request_count(), 0);
}

#[test]
fn a_delete_that_fails_part_way_prints_nothing_on_stdout() {
    let emulator = emulator();
    let both = ["downloads", "delete", VIDEO, "--type", "default,audio"];

    // Only the default download exists: it is deleted, then deleting audio fails.
    run(&mut cfstream(&emulator), &["downloads", "create", VIDEO]).expect(0);
    let error = run(&mut cfstream(&emulator), &[&both[..], &["--json"]].concat())
        .expect(1)
        .stderr_json();
    assert_eq!(error["deleted"], json!(["default"]), "{error}");
    assert_eq!(error["status"], json!(404), "{error}");
    assert_eq!(error["errors"][0]["code"], json!(10006), "{error}");
    assert!(emulator.downloads(seeds::ACCOUNT_ID, VIDEO).is_empty());

    // The same as text: the error says what was deleted before it.
    run(&mut cfstream(&emulator), &["downloads", "create", VIDEO]).expect(0);
    let failed = run(&mut cfstream(&emulator), &both).expect(1);
    assert_eq!(failed.stdout, "");
    assert!(
        failed.stderr.starts_with(
            "error: stream.downloads.delete_type: HTTP 404 Not Found: 10006: The video has no \
             audio download.\n"
        ),
        "{}",
        failed.stderr
    );
    assert!(
        failed
            .stderr
            .ends_with("  note: the default download was deleted before this failure\n"),
        "{}",
        failed.stderr
    );

    // Failing on the first: nothing deleted, and no note.
    let failed = run(&mut cfstream(&emulator), &both).expect(1);
    assert_eq!(failed.stdout, "");
    assert!(!failed.stderr.contains("note:"), "{}", failed.stderr);
}

#[test]
fn a_create_that_fails_prints_nothing_on_stdout() {
    let emulator = emulator();
    let error = run(
        &mut cfstream(&emulator),
        &[
            "downloads",
            "create",
            seeds::PROCESSING_VIDEO_ID,
            "--type",
            "default,audio",
            "--wait",
            "--json",
        ],
    )
    .expect(1)
    .stderr_json();
    assert_eq!(error["created"], json!([]), "{error}");
    assert_eq!(error["errors"][0]["code"], json!(10008), "{error}");
}

#[test]
fn a_download_deleted_while_waiting_exits_1_with_nothing_on_stdout() {
    let emulator = emulator_with(Duration::from_secs(60));
    let waiting = spawned(
        &emulator,
        &[
            "downloads",
            "create",
            VIDEO,
            "--type",
            "audio,default",
            "--wait",
            "--poll-interval",
            "0.05",
            "--timeout",
            "3",
            "--json",
        ],
    );
    // Once both exist, delete one from under the waiting command; the other runs out of time.
    both_created(&emulator);
    run(
        &mut cfstream(&emulator),
        &["downloads", "delete", VIDEO, "--type", "audio"],
    )
    .expect(0);
    let failed = finished(waiting)
        // The lowest status: a download gone (1) says more than one still going (4).
        .expect(1);
    assert_eq!(failed.stdout, "", "stderr:\n{}", failed.stderr);
    let errors: Vec<Value> = failed
        .stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    assert_eq!(errors.len(), 2, "{}", failed.stderr);
    assert_eq!(errors[0]["kind"], json!("download_missing"));
    assert_eq!(errors[0]["exit_status"], json!(1));
    assert_eq!(errors[1]["kind"], json!("wait_timed_out"));
    assert_eq!(errors[1]["exit_status"], json!(4));
    for error in &errors {
        assert_eq!(error["created"], json!(["audio", "default"]), "{error}");
    }
}

#[test]
fn help_and_version_stay_plain_text_on_stdout() {
    for args in [
        &["--help", "--json"][..],
        &["--json", "downloads", "list", "--help"],
        &["downloads", "create", "-h", "--json", "--type", "hd"],
        &["--json", "help", "downloads"],
    ] {
        let help = run(&mut bare(), args).expect(0);
        assert_eq!(help.stderr, "", "{args:?}");
        assert!(help.stdout.contains("Usage: cfstream "), "{args:?}");
        assert!(help.stdout.contains("Global options:"), "{args:?}");
    }
    let version = run(&mut bare(), &["--json", "--version"]).expect(0);
    assert_eq!(
        version.stdout,
        format!("cfstream {}\n", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(version.stderr, "");
    // Without a subcommand, a person gets the help, on stderr since it is an error.
    let help = run(&mut bare(), &["downloads"]).expect(2);
    assert_eq!(help.stdout, "");
    assert!(help.stderr.contains("Commands:"), "{}", help.stderr);
}

#[test]
fn usage_lines_never_show_global_options_as_required() {
    let emulator = emulator();
    let help = run(&mut cfstream(&emulator), &["downloads", "list", "--help"])
        .expect(0)
        .stdout;
    assert!(
        help.contains("\nUsage: cfstream downloads list [OPTIONS] <VIDEO>\n"),
        "{help}"
    );
    // Options given, on the command line or in the environment, stay optional in the usage
    // line of an error.
    for args in [
        &["--json", "--jsn"][..],
        &["--account", seeds::ACCOUNT_ID, "--jsn"],
    ] {
        let failed = run(&mut cfstream(&emulator), args).expect(2);
        assert!(
            failed
                .stderr
                .contains("\nUsage: cfstream [OPTIONS] <COMMAND>\n")
                || failed
                    .stderr
                    .contains("\"usage\":\"cfstream [OPTIONS] <COMMAND>\""),
            "{args:?}: {}",
            failed.stderr
        );
    }
    let failed = run(
        &mut cfstream(&emulator),
        &[
            "downloads",
            "create",
            "--wait",
            "--account",
            seeds::ACCOUNT_ID,
        ],
    )
    .expect(2);
    assert!(
        failed
            .stderr
            .contains("\nUsage: cfstream downloads create [OPTIONS] <VIDEO>\n"),
        "{}",
        failed.stderr
    );
}

#[test]
fn no_credential_appears_in_any_output() {
    let emulator = emulator();
    let password_url = format!(
        "http://user:{SECRET}@{}",
        emulator.base_url().trim_start_matches("http://")
    );
    let runs = [
        // A token the API refuses, and a key without its email.
        (
            vec![("CLOUDFLARE_API_TOKEN", SECRET)],
            vec!["downloads", "list", VIDEO],
        ),
        (
            vec![("CLOUDFLARE_API_TOKEN", SECRET)],
            vec!["downloads", "delete", VIDEO, "--json"],
        ),
        (
            vec![("CLOUDFLARE_API_KEY", SECRET)],
            vec!["downloads", "list", VIDEO, "--json"],
        ),
        // A base URL with a password, in the environment: refused, and hidden from the help.
        (
            vec![("CLOUDFLARE_BASE_URL", password_url.as_str())],
            vec!["downloads", "list", VIDEO],
        ),
        (
            vec![
                ("CLOUDFLARE_BASE_URL", password_url.as_str()),
                ("CLOUDFLARE_ACCOUNT_ID", SECRET),
            ],
            vec!["downloads", "list", "--help"],
        ),
        (
            vec![("CLOUDFLARE_BASE_URL", password_url.as_str())],
            vec!["downloads", "list", "--json", "--bogus"],
        ),
        (
            vec![("CLOUDFLARE_BASE_URL", password_url.as_str())],
            vec!["downloads", "list"],
        ),
    ];
    for (variables, args) in runs {
        let mut command = from_env(&emulator);
        for (variable, value) in variables {
            if variable == "CLOUDFLARE_API_KEY" {
                command.env_remove("CLOUDFLARE_API_TOKEN");
            }
            command.env(variable, value);
        }
        let output = run(&mut command, &args);
        assert!(output.code.is_some(), "{args:?}");
        assert!(
            !output.stdout.contains(SECRET),
            "{args:?}: {}",
            output.stdout
        );
        assert!(
            !output.stderr.contains(SECRET),
            "{args:?}: {}",
            output.stderr
        );
    }
}

#[test]
fn a_closed_stdout_is_reported_not_a_panic() {
    let emulator = emulator();
    run(&mut cfstream(&emulator), &["downloads", "create", VIDEO]).expect(0);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cfstream"))
        .env("CLOUDFLARE_API_TOKEN", seeds::API_TOKEN)
        .env("CLOUDFLARE_ACCOUNT_ID", seeds::ACCOUNT_ID)
        .env_remove("CLOUDFLARE_BASE_URL")
        .args(["--base-url", emulator.base_url()])
        .args(["downloads", "delete", VIDEO, "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run cfstream: {e}"));
    // Closed before the answer comes back, as `| head` would.
    drop(child.stdout.take());
    let output = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("cannot run cfstream: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let error: Value = serde_json::from_str(stderr.trim())
        .unwrap_or_else(|e| panic!("stderr is not JSON ({e}):\n{stderr}"));
    assert_eq!(error["kind"], json!("output"), "{error}");
    // The deletion did happen, and the error says so.
    assert_eq!(error["deleted"], json!(["default"]), "{error}");
    assert!(emulator.downloads(seeds::ACCOUNT_ID, VIDEO).is_empty());
}

#[test]
fn empty_variables_count_as_unset_and_wait_options_need_wait() {
    let emulator = emulator();
    // An empty account is no account: said so, not an empty path parameter.
    let error = run(
        cfstream(&emulator).env("CLOUDFLARE_ACCOUNT_ID", ""),
        &["downloads", "list", VIDEO, "--json"],
    )
    .json_error(2, "config");
    assert!(
        Run::json_message(&error).starts_with("no account"),
        "{error}"
    );

    // `--poll-interval` and `--timeout` belong to `--wait`, and polling is not a busy loop.
    run(
        &mut cfstream(&emulator),
        &["downloads", "create", VIDEO, "--timeout", "5", "--json"],
    )
    .json_error(2, "usage");
    let error = run(
        &mut cfstream(&emulator),
        &[
            "downloads",
            "create",
            VIDEO,
            "--wait",
            "--poll-interval",
            "0.001",
            "--json",
        ],
    )
    .json_error(2, "usage");
    assert!(
        Run::json_message(&error).contains("least poll interval"),
        "{error}"
    );
}

#[test]
fn request_timeout_bounds_each_attempt() {
    let emulator = emulator();
    // Every attempt (the first and two retries) answers after 2 s; each may take 0.3 s.
    emulator.fail_next(3, Fault::Delay(Duration::from_secs(2)));
    let started = std::time::Instant::now();
    let error = run(
        &mut cfstream(&emulator),
        &[
            "--request-timeout",
            "0.3",
            "downloads",
            "list",
            VIDEO,
            "--json",
        ],
    )
    .json_error(1, "timeout");
    assert!(started.elapsed() < Duration::from_secs(5), "{error}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_is_reported_with_what_was_created() {
    // Slow enough that the wait is still going when the signal comes.
    let emulator = emulator_with(Duration::from_secs(60));
    let child = spawned(
        &emulator,
        &[
            "--json",
            "downloads",
            "create",
            VIDEO,
            "--type",
            "default,audio",
            "--wait",
        ],
    );
    both_created(&emulator);
    // The wait begun.
    std::thread::sleep(Duration::from_millis(200));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap_or_else(|e| panic!("cannot run kill: {e}"));
    assert!(killed.success());
    let error = finished(child).json_error(130, "interrupted");
    assert_eq!(error["created"], json!(["default", "audio"]), "{error}");
}

/// The `Webhook-Signature` Stream sends for `body` at `time`, with `secret`.
fn webhook_signature(secret: &str, time: u64, body: &str) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let tag = ring::hmac::sign(&key, format!("{time}.{body}").as_bytes());
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("time={time},sig1={hex}")
}

#[test]
fn webhook_verify_trusts_stream_s_signature_and_nothing_else() {
    let secret = "webhook-secret-never-printed";
    let body = r#"{"uid":"dd5d531a12de0c724bd1275a3b2bc9c6","status":{"state":"ready"}}"#;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let verify = |signature: &str, body: &str, extra: &[&str]| {
        let output = bare()
            .env("CLOUDFLARE_STREAM_WEBHOOK_SECRET", secret)
            .args(["webhook", "verify", "--signature", signature])
            .args(extra)
            .write_stdin(body.as_bytes().to_vec())
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        (
            output.status.code(),
            text(&output.stdout),
            text(&output.stderr),
        )
    };
    let good = webhook_signature(secret, now, body);
    let (code, stdout, _) = verify(&good, body, &[]);
    assert_eq!(code, Some(0), "{stdout}");
    assert_eq!(
        stdout,
        "valid: video dd5d531a12de0c724bd1275a3b2bc9c6 ready\n"
    );
    let (code, stdout, _) = verify(&good, body, &["--json"]);
    assert_eq!(code, Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["valid"], true);
    assert_eq!(json["video"]["uid"], "dd5d531a12de0c724bd1275a3b2bc9c6");

    // Another body, an old signature: exit 1, said why, nothing on stdout, no secret anywhere.
    let (code, stdout, stderr) = verify(&good, &body.replace("ready", "error"), &["--json"]);
    assert_eq!((code, stdout.as_str()), (Some(1), ""));
    let error: serde_json::Value =
        serde_json::from_str(stderr.trim()).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert_eq!(error["kind"], "webhook_invalid");
    assert!(!stderr.contains(secret));
    let old = webhook_signature(secret, now - 600, body);
    let (code, _, stderr) = verify(&old, body, &[]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("away from now"), "{stderr}");
    let (code, _, _) = verify(&old, body, &["--tolerance", "3600"]);
    assert_eq!(code, Some(0));
}

#[test]
fn token_signs_a_playback_token_locally_with_the_key_given() {
    // The example signing key of Cloudflare's schema, as creating a key answers it.
    let spec = include_str!("../../spec/stream.keys.yaml");
    let pem = spec[spec.find("    Pem:").unwrap_or_default()..]
        .lines()
        .find_map(|line| line.trim().strip_prefix("example: "))
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("cfstream-token-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let key = dir.join("key.pem");
    std::fs::write(&key, pem).unwrap_or_else(|e| panic!("{e}"));
    let key = key.to_str().unwrap_or_default();

    let signed = run(
        &mut bare(),
        &[
            "token",
            VIDEO,
            "--key-id",
            "k1",
            "--pem",
            key,
            "--expires-in",
            "60",
        ],
    )
    .expect(0);
    let token = signed.stdout.trim();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "{token}");
    let payload = |text: &str| -> Value {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .unwrap_or_else(|e| panic!("{e}"));
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"))
    };
    let claims = payload(parts[1]);
    assert_eq!(claims["sub"], VIDEO);
    assert_eq!(claims["kid"], "k1");
    assert_eq!(
        claims["exp"].as_u64().unwrap_or(0) - claims["nbf"].as_u64().unwrap_or(0),
        60
    );

    let bad = dir.join("bad.pem");
    std::fs::write(
        &bad,
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let refused = run(
        &mut bare(),
        &[
            "token",
            VIDEO,
            "--key-id",
            "k1",
            "--pem",
            bad.to_str().unwrap_or_default(),
        ],
    )
    .expect(2);
    assert!(
        refused.stderr.contains("not a private key"),
        "{}",
        refused.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn videos_list_all_prints_every_video_once_a_line() {
    let emulator = Emulator::spawn(EmulatorConfig {
        stream_api: true,
        ..EmulatorConfig::default()
    })
    .unwrap_or_else(|e| panic!("cannot start the emulator: {e}"));
    // 250 videos, four created in each second, besides the seeded ones.
    let start = std::time::SystemTime::now() - Duration::from_secs(3_600);
    for i in 0..250_u64 {
        emulator.add_video_created(
            cloudflare_stream_emulator::SeedVideo::new(
                seeds::ACCOUNT_ID,
                format!("{i:032x}"),
                format!("video {i}"),
                cloudflare_stream_emulator::VideoKind::Ready,
            ),
            start + Duration::from_secs(i / 4),
        );
    }
    let total = 250 + emulator.config().videos.len();

    let listed = run(
        &mut cfstream(&emulator),
        &["videos", "list", "--all", "--limit", "60", "--json"],
    )
    .expect(0);
    let ids: Vec<String> = listed
        .stdout
        .lines()
        .map(|line| {
            let video: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            video["uid"].as_str().expect("a uid").to_owned()
        })
        .collect();
    assert_eq!(ids.len(), total, "{}", listed.stderr);
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), total, "each video once");
    // Oldest first: the added videos (an hour old) before the seeded ones (minutes old).
    assert_eq!(ids[0], format!("{:032x}", 0));

    // Without --all, the first page only, as a table.
    let page = run(
        &mut cfstream(&emulator),
        &["videos", "list", "--limit", "10"],
    )
    .expect(0);
    let rows: Vec<&str> = page.stdout.lines().collect();
    assert_eq!(rows.len(), 11, "a header and ten videos:\n{}", page.stdout);
    assert!(rows[0].starts_with("ID"), "{}", rows[0]);
}

/// The emulator serving the whole Stream API (tus uploads included), on its own thread.
fn stream_emulator(generation_time: Duration) -> Emulator {
    Emulator::spawn(EmulatorConfig {
        stream_api: true,
        generation_time,
        ..EmulatorConfig::default()
    })
    .unwrap_or_else(|e| panic!("cannot start the emulator: {e}"))
}

/// 5 MiB, the smallest chunk.
const CHUNK: usize = 5_242_880;

/// A file of `len` deterministic bytes, and their SHA-256.
fn video_file(len: usize) -> (tempfile::NamedTempFile, String) {
    use std::io::Write;
    let data: Vec<u8> = (0..len)
        .map(|i| u8::try_from(i % 249).unwrap_or(0))
        .collect();
    let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
    file.write_all(&data).expect("written");
    let digest: String = ring::digest::digest(&ring::digest::SHA256, &data)
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    (file, digest)
}

#[test]
fn upload_sends_the_file_byte_for_byte_and_waits_until_ready() {
    let emulator = stream_emulator(Duration::from_millis(200));
    let (file, digest) = video_file(CHUNK + 4_321);
    let path = file.path().to_str().expect("utf-8");
    let uploaded = run(
        &mut cfstream(&emulator),
        &[
            "upload",
            path,
            "--chunk-size",
            "5242880",
            "--wait",
            "--poll-interval",
            "0.05",
            "--json",
        ],
    )
    .expect(0);
    let events: Vec<Value> = uploaded
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
    assert_eq!(
        kinds,
        ["progress", "progress", "progress", "uploaded", "ready"]
    );
    let video = events[3]["video_id"].as_str().expect("a video");
    let state = emulator.upload(video).expect("an upload");
    assert_eq!(state.sha256, digest);
    assert_eq!(events[4]["video"]["readyToStream"], json!(true));
    // Named after the file.
    let name = file
        .path()
        .file_name()
        .and_then(|n| n.to_str())
        .expect("a name");
    assert_eq!(events[4]["video"]["meta"]["name"], json!(name));

    // A chunk size against Cloudflare's rules is refused before anything is sent.
    let before = emulator.request_count();
    let refused = run(
        &mut cfstream(&emulator),
        &["upload", path, "--chunk-size", "1000", "--json"],
    )
    .json_error(2, "usage");
    assert!(
        Run::json_message(&refused).contains("at least 5,242,880"),
        "{refused}"
    );
    assert_eq!(emulator.request_count(), before);
}

#[test]
fn an_upload_killed_mid_chunk_resumes_byte_for_byte() {
    use std::io::{BufRead, BufReader};
    let emulator = stream_emulator(Duration::ZERO);
    let (file, digest) = video_file(3 * CHUNK + 99);
    let path = file.path().to_str().expect("utf-8");
    // Every request slowed, so the process is surely mid-chunk when it is killed.
    emulator.fail_next(20, Fault::Delay(Duration::from_millis(300)));
    let mut child = spawned(
        &emulator,
        &["upload", path, "--chunk-size", "5242880", "--json"],
    );
    let stdout = child.stdout.take().expect("piped");
    let mut url = String::new();
    let mut video = String::new();
    for line in BufReader::new(stdout).lines() {
        let event: Value = serde_json::from_str(&line.expect("a line")).expect("JSON");
        url = event["upload_url"].as_str().unwrap_or_default().to_owned();
        video = event["video_id"].as_str().unwrap_or_default().to_owned();
        if event["uploaded"].as_u64() == Some(CHUNK as u64) {
            break;
        }
    }
    // SIGKILL: no chance to say anything.
    child.kill().expect("killed");
    let _ = child.wait();
    let state = emulator.upload(&video).expect("an upload");
    assert!(
        state.offset >= CHUNK as u64 && !state.is_complete(),
        "{state:?}"
    );

    let resumed = run(
        &mut cfstream(&emulator),
        &["upload", path, "--chunk-size", "5242880", "--resume", &url],
    )
    .expect(0);
    assert!(resumed.stdout.contains(&video), "{}", resumed.stdout);
    let state = emulator.upload(&video).expect("an upload");
    assert_eq!(state.sha256, digest);
    // The killed chunk never reached the emulator whole: no byte counted twice.
    assert_eq!(state.received, state.length);
}

#[test]
fn an_upload_that_stops_names_the_url_to_resume_from() {
    let emulator = stream_emulator(Duration::ZERO);
    let (first, _) = video_file(CHUNK + 10);
    let (other, _) = video_file(CHUNK + 20);
    let done = run(
        &mut cfstream(&emulator),
        &["upload", first.path().to_str().expect("utf-8"), "--json"],
    )
    .expect(0);
    let url = done
        .stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find_map(|event| event["upload_url"].as_str().map(str::to_owned))
        .expect("an upload URL");
    // Another file (another length) cannot continue that upload: the error names its URL.
    let refused = run(
        &mut cfstream(&emulator),
        &[
            "upload",
            other.path().to_str().expect("utf-8"),
            "--resume",
            &url,
            "--json",
        ],
    )
    .json_error(1, "upload_failed");
    assert_eq!(refused["upload_url"], json!(url), "{refused}");
    assert!(
        Run::json_message(&refused).contains("the source changed"),
        "{refused}"
    );
}

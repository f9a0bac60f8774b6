//! `Client::from_env` against the real process environment.
//!
//! Changing the environment of a running test binary races with every other thread (and is
//! `unsafe` since Rust 2024), so each case runs this binary again as a child process with its
//! own environment, where the ignored test [`child`] (and nothing else: `--exact`) builds the
//! client, makes one call to a server on loopback, and prints what happened. The parent asserts
//! on that output and on what the server received. The other tests of the binary never read
//! the variables set for the child, so these share it.

use std::process::Command;

use cloudflare_stream::{Client, Error};
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

use crate::support::{ACCOUNT, VIDEO, envelope, received, server_answering};

const SECRET: &str = "env-test-s3cr3t";

/// Set only in the child's environment.
const CHILD_MARKER: &str = "CLOUDFLARE_STREAM_ENV_TEST_CHILD";

/// Everything `from_env` reads, and the proxy variables `reqwest` reads, cleared in the child so
/// the developer's own settings cannot leak in.
const CLEARED: &[&str] = &[
    "CLOUDFLARE_API_TOKEN",
    "CLOUDFLARE_EMAIL",
    "CLOUDFLARE_API_KEY",
    "CLOUDFLARE_API_USER_SERVICE_KEY",
    "CLOUDFLARE_BASE_URL",
    "CLOUDFLARE_CUSTOM_HEADERS",
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// Run by the parent tests only; does nothing when run directly.
#[test]
#[ignore = "run as a child process by the other tests of this module"]
fn child() {
    if std::env::var_os(CHILD_MARKER).is_none() {
        return;
    }
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(error) => {
            let kind = if matches!(error, Error::Config { .. }) {
                "config"
            } else {
                "other"
            };
            println!("OUTCOME {kind}: {error}");
            println!("DEBUG {error:?}");
            return;
        }
    };
    println!("CLIENT {client:?}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let result = runtime.block_on(client.stream().downloads().delete(ACCOUNT, VIDEO).send());
    match result {
        Ok(value) => println!("OUTCOME ok: {value}"),
        Err(error) => println!("OUTCOME error: {error} | {error:?}"),
    }
}

/// Runs [`child`] with `vars` set (and everything in [`CLEARED`] unset); returns its stdout.
fn run_child(vars: &[(&str, &str)]) -> String {
    let exe = std::env::current_exe().expect("the test binary's path");
    // The harness names tests by their path below the crate: `env::child`.
    let (_crate, module) = module_path!()
        .split_once("::")
        .expect("a module of the test crate");
    let mut command = Command::new(exe);
    command.args([
        &format!("{module}::child"),
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    for name in CLEARED {
        command.env_remove(name);
    }
    command.env(CHILD_MARKER, "1");
    for (name, value) in vars {
        command.env(name, value);
    }
    let output = command.output().expect("run the child");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "child failed\n{stdout}\n{stderr}");
    stdout
}

/// The child's `OUTCOME` line, from after the marker (the harness may print before it).
fn outcome(stdout: &str) -> &str {
    stdout
        .lines()
        .find_map(|line| line.split_once("OUTCOME ").map(|(_, outcome)| outcome))
        .unwrap_or_else(|| panic!("no outcome in:\n{stdout}"))
}

/// A server answering every request with a success envelope around `"ok"` (what `delete`
/// returns).
async fn server() -> MockServer {
    server_answering(ResponseTemplate::new(200).set_body_json(envelope(json!("ok")))).await
}

/// Asserts that the child refused to build a client, naming `fragments` and no secret, and
/// that nothing reached `server`.
async fn assert_refused(server: &MockServer, stdout: &str, fragments: &[&str]) {
    let outcome = outcome(stdout);
    assert!(outcome.starts_with("config: "), "{outcome}");
    for fragment in fragments {
        assert!(outcome.contains(fragment), "{fragment:?} not in {outcome}");
    }
    assert!(!stdout.contains(SECRET), "a secret was printed:\n{stdout}");
    assert!(received(server).await.is_empty(), "a request was sent");
}

#[tokio::test]
async fn absent_credentials_are_a_config_error_and_nothing_is_sent() {
    let server = server().await;
    let stdout = run_child(&[("CLOUDFLARE_BASE_URL", &server.uri())]);
    assert_refused(
        &server,
        &stdout,
        &[
            "no credentials",
            "CLOUDFLARE_API_TOKEN",
            "CLOUDFLARE_EMAIL",
            "CLOUDFLARE_API_KEY",
            "CLOUDFLARE_API_USER_SERVICE_KEY",
        ],
    )
    .await;

    // Empty values count as unset.
    let stdout = run_child(&[
        ("CLOUDFLARE_BASE_URL", &server.uri()),
        ("CLOUDFLARE_API_TOKEN", "  "),
    ]);
    assert_refused(&server, &stdout, &["no credentials"]).await;
}

#[tokio::test]
async fn conflicting_or_half_credentials_are_config_errors() {
    let server = server().await;
    let uri = server.uri();
    let stdout = run_child(&[
        ("CLOUDFLARE_BASE_URL", &uri),
        ("CLOUDFLARE_API_TOKEN", SECRET),
        ("CLOUDFLARE_EMAIL", SECRET),
        ("CLOUDFLARE_API_KEY", SECRET),
    ]);
    assert_refused(
        &server,
        &stdout,
        &[
            "conflicting credentials",
            "CLOUDFLARE_API_TOKEN",
            "CLOUDFLARE_API_KEY",
        ],
    )
    .await;

    let stdout = run_child(&[
        ("CLOUDFLARE_BASE_URL", &uri),
        ("CLOUDFLARE_API_KEY", SECRET),
    ]);
    assert_refused(&server, &stdout, &["CLOUDFLARE_EMAIL is not"]).await;
}

#[tokio::test]
async fn custom_headers_that_set_credentials_or_do_not_parse_are_refused() {
    let server = server().await;
    let uri = server.uri();
    let custom = format!("X-Team: video\nX-Auth-Key: {SECRET}");
    let stdout = run_child(&[
        ("CLOUDFLARE_BASE_URL", &uri),
        ("CLOUDFLARE_API_TOKEN", "token"),
        ("CLOUDFLARE_CUSTOM_HEADERS", &custom),
    ]);
    assert_refused(
        &server,
        &stdout,
        &[
            "CLOUDFLARE_CUSTOM_HEADERS line 2",
            "`x-auth-key` carries credentials",
        ],
    )
    .await;

    let custom = format!("X-Team: video\n{SECRET}");
    let stdout = run_child(&[
        ("CLOUDFLARE_BASE_URL", &uri),
        ("CLOUDFLARE_API_TOKEN", "token"),
        ("CLOUDFLARE_CUSTOM_HEADERS", &custom),
    ]);
    assert_refused(
        &server,
        &stdout,
        &["CLOUDFLARE_CUSTOM_HEADERS line 2 is not of the form `Name: value`"],
    )
    .await;
}

#[tokio::test]
async fn token_base_url_and_custom_headers_reach_the_server() {
    let server = server().await;
    let custom =
        format!("X-Team: video\r\n\r\nCF-Access-Client-Secret: {SECRET}\nX-Multi: 1\nX-Multi: 2\n");
    let stdout = run_child(&[
        (
            "CLOUDFLARE_BASE_URL",
            &format!("{}/client/v4/", server.uri()),
        ),
        ("CLOUDFLARE_API_TOKEN", "env-token"),
        ("CLOUDFLARE_CUSTOM_HEADERS", &custom),
    ]);

    assert_eq!(outcome(&stdout), "ok: ok");
    // The client's Debug output names the custom headers but hides their values.
    assert!(stdout.contains("cf-access-client-secret"), "{stdout}");
    assert!(!stdout.contains(SECRET), "{stdout}");

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        request.url.path(),
        format!("/client/v4/accounts/{ACCOUNT}/stream/{VIDEO}/downloads")
    );
    let values = |name: &str| -> Vec<&str> {
        request
            .headers
            .get_all(name)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect()
    };
    assert_eq!(values("authorization"), ["Bearer env-token"]);
    assert_eq!(values("x-team"), ["video"]);
    assert_eq!(values("cf-access-client-secret"), [SECRET]);
    assert_eq!(values("x-multi"), ["1", "2"]);
    let agent = values("user-agent").concat();
    assert_eq!(
        agent,
        concat!("cloudflare-stream-rust/", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn api_key_and_user_service_key_from_env() {
    let server = server().await;
    let uri = server.uri();
    let stdout = run_child(&[
        ("CLOUDFLARE_BASE_URL", &uri),
        ("CLOUDFLARE_EMAIL", "user@example.com"),
        ("CLOUDFLARE_API_KEY", "global-key"),
    ]);
    assert_eq!(outcome(&stdout), "ok: ok");
    let stdout = run_child(&[
        ("CLOUDFLARE_BASE_URL", &uri),
        ("CLOUDFLARE_API_USER_SERVICE_KEY", "v1.0-service-key"),
    ]);
    assert_eq!(outcome(&stdout), "ok: ok");

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    let header = |index: usize, name: &str| {
        requests[index]
            .headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(
        header(0, "x-auth-email").as_deref(),
        Some("user@example.com")
    );
    assert_eq!(header(0, "x-auth-key").as_deref(), Some("global-key"));
    assert_eq!(header(0, "authorization"), None);
    assert_eq!(
        header(1, "x-auth-user-service-key").as_deref(),
        Some("v1.0-service-key")
    );
    assert_eq!(header(1, "authorization"), None);
}

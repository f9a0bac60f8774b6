//! What the tests share: the ids they call with, clients pointed at a test server, and
//! servers that answer as scripted.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cloudflare_stream::{Client, ClientBuilder};
use cloudflare_stream_emulator::{Emulator, EmulatorConfig, seeds};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The account every test calls with: the spec's example, which the emulator seeds too.
pub const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";

/// The video every test calls with: the spec's example, which the emulator seeds too.
pub const VIDEO: &str = "ea95132c15732412d22c1476fa83f27a";

/// The API token of [`client`]s: a secret, which no output may show.
pub const TOKEN: &str = "sdk-test-secret-token";

/// A builder for the server at `uri`, without credentials: the default two retries, but a
/// backoff of 1 to 4 ms (`retries.rs` covers the retry policy itself), and strict decoding: a
/// body that drifts from the spec fails the test that sees it.
pub fn builder_without_credentials(uri: &str) -> ClientBuilder {
    Client::builder()
        .strict_decoding(true)
        .base_url(uri)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(4))
}

/// [`builder_without_credentials`], authenticated with [`TOKEN`].
pub fn builder(uri: &str) -> ClientBuilder {
    builder_without_credentials(uri).api_token(TOKEN)
}

/// A client of the server at `uri`, authenticated with [`TOKEN`], retrying within milliseconds.
pub fn client(uri: &str) -> Client {
    builder(uri)
        .build()
        .unwrap_or_else(|e| panic!("cannot build the client: {e}"))
}

/// A client of `emulator` with `token` and otherwise the defaults a user gets (retries, backoff
/// and timeout included), but strict decoding: the emulator's answers must be what the spec says.
pub fn emulator_client_with(emulator: &Emulator, token: &str) -> Client {
    Client::builder()
        .strict_decoding(true)
        .api_token(token)
        .base_url(emulator.base_url())
        .build()
        .unwrap_or_else(|e| panic!("cannot build the client: {e}"))
}

/// A client of `emulator` with the token it accepts, and the defaults a user gets.
pub fn emulator_client(emulator: &Emulator) -> Client {
    emulator_client_with(emulator, seeds::API_TOKEN)
}

/// A success envelope around `result`.
pub fn envelope(result: Value) -> Value {
    json!({"success": true, "errors": [], "messages": [], "result": result})
}

/// A failure envelope with one error.
pub fn failure_body(code: i64, message: &str) -> Value {
    json!({
        "success": false, "messages": [], "result": null,
        "errors": [{"code": code, "message": message}]
    })
}

/// A server answering every request with `response`.
pub async fn server_answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// Answers the n-th request with the n-th response, and the last one to every request after.
struct Script {
    responses: Vec<ResponseTemplate>,
    next: AtomicUsize,
}

impl Respond for Script {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let index = self.next.fetch_add(1, Ordering::SeqCst);
        let last = self.responses.len().saturating_sub(1);
        self.responses[index.min(last)].clone()
    }
}

/// A server answering the n-th request with the n-th of `responses`, and the last one to
/// every request after.
pub async fn scripted(responses: Vec<ResponseTemplate>) -> MockServer {
    assert!(!responses.is_empty());
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(Script {
            responses,
            next: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    server
}

/// Every request `server` received, in order.
pub async fn received(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_else(|| panic!("request recording is disabled"))
}

/// The URL of a loopback port that was just free: nothing accepts connections on it.
pub async fn closed_port_uri() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let uri = format!("http://{}", listener.local_addr().expect("address"));
    drop(listener);
    uri
}

/// The emulator serving the whole Stream API (`spec/`, embedded), videos encoding in
/// `generation_time`, and a client of it decoding strictly, with three retries a few
/// milliseconds apart (the workflows' tests inject faults).
pub async fn stream_emulator(generation_time: Duration) -> (Emulator, Client) {
    let emulator = Emulator::start_with(EmulatorConfig {
        stream_api: true,
        generation_time,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("the emulator serves spec/: {e}"));
    let client = Client::builder()
        .strict_decoding(true)
        .api_token(seeds::API_TOKEN)
        .base_url(emulator.base_url())
        .max_retries(3)
        .retry_backoff(Duration::from_millis(5), Duration::from_millis(50))
        .build()
        .unwrap_or_else(|e| panic!("cannot build the client: {e}"));
    (emulator, client)
}

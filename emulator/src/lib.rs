//! A local, in-memory emulator of Cloudflare Stream's MP4 downloads API.
//!
//! It serves the five downloads endpoints under `/client/v4` on a loopback port, as the real
//! service behaves: a created download starts `inprogress` at 0 %, its `percentComplete` rises
//! to 100 over [`EmulatorConfig::generation_time`], then it is `ready` with a URL; `default` and
//! `audio` are independent; the list shows only the types created; every reply is a
//! `{success, errors, messages, result}` envelope, failures with Cloudflare-style
//! [`codes`]. State is shared and locked, so any number of clients can call at once.
//!
//! Use it to run the SDK, the `cfstream` CLI or your own code without a Cloudflare account or a
//! network, and to test retries with injected [`Fault`]s:
//!
//! ```no_run
//! use cloudflare_stream_emulator::{Emulator, EmulatorConfig, Fault, seeds};
//! use std::time::Duration;
//!
//! # async fn run() -> std::io::Result<()> {
//! let emulator = Emulator::start_with(EmulatorConfig {
//!     generation_time: Duration::from_millis(200),
//!     ..EmulatorConfig::default()
//! })
//! .await?;
//! // Point a client at `emulator.base_url()` with the token `seeds::API_TOKEN`, then use
//! // account `seeds::ACCOUNT_ID` and video `seeds::VIDEO_ID`.
//! emulator.fail_next(2, Fault::Status(503)); // the next two requests get a 503
//! # let _ = (emulator.base_url(), seeds::API_TOKEN);
//! # Ok(())
//! # }
//! ```
//!
//! The emulator does not depend on the SDK: it writes the JSON the API documentation shows.
//!
//! With [`EmulatorConfig::spec_dir`] (`--spec DIR`) it also serves every other operation of an
//! OpenAPI folder, such as Cloudflare's whole Stream schema: each request is checked against
//! the spec (HTTP 400 with the JSON pointer of each problem in `source.pointer`), answered
//! with the spec's example or a value written from the schema, and collections (signing keys,
//! live inputs, watermarks...) remember what was created. The Stream resources Cloudflare
//! keeps state for (videos and the ways to make them, storage use, the webhook, captions,
//! audio tracks, embed code, tokens) have hand-written handlers there, so that Cloudflare's
//! official SDKs work against it.
//!
//! Faults can also be queued from the command line (`--fault 503x2`) and over HTTP
//! (`POST /__emulator/faults`, see [`Emulator::faults_url`]), for clients in any language.

#![warn(missing_docs)]

mod api;
mod config;
mod connection;
mod control;
mod fault;
mod multipart;
mod served;
mod spec;
mod store;
mod stream;

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use tokio::sync::oneshot;

pub use api::codes;
pub use config::{EmulatorConfig, SeedVideo, VideoKind, seeds};
pub use stream::notify::WebhookDelivery;

/// A tus upload as the emulator's upload service holds it ([`Emulator::upload`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadState {
    /// The upload's `Upload-Length`.
    pub length: u64,
    /// How many bytes arrived.
    pub offset: u64,
    /// How many chunk bytes were read, taken or refused: more than `offset` when a client
    /// sent bytes twice (or sent what was refused).
    pub received: u64,
    /// The SHA-256 of those bytes, in lowercase hexadecimal.
    pub sha256: String,
}

impl UploadState {
    /// Whether every byte arrived.
    pub fn is_complete(&self) -> bool {
        self.offset == self.length
    }
}
pub use fault::Fault;
pub use spec::SpecError;
pub use store::{DownloadKind, DownloadState, DownloadStatus};

use api::Shared;
use fault::FaultQueue;
use spec::Spec;
use spec::collections::Items;
use store::{Settings, Store};
use stream::library::Library;

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    base_url: String,
    /// Dropping the sender tells the server to stop.
    shutdown: oneshot::Sender<()>,
    /// Resolves (its sender dropped) once the server has stopped: [`Emulator::stop`].
    stopped: oneshot::Receiver<()>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("base_url", &self.base_url)
            .field("requests", &self.request_count())
            .field("pending_faults", &self.pending_faults())
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Starts an emulator with the default configuration (the [`seeds`]) on a free loopback
    /// port, as a task of the current Tokio runtime.
    pub async fn start() -> io::Result<Self> {
        Self::start_with(EmulatorConfig::default()).await
    }

    /// Starts an emulator with `config` as a task of the current Tokio runtime. It serves as
    /// long as that runtime runs and the `Emulator` is kept.
    ///
    /// With a current-thread runtime (`#[tokio::test]`'s default) the server only runs while
    /// the test awaits; a test that blocks (on a child process, say) wants [`Emulator::spawn`].
    pub async fn start_with(config: EmulatorConfig) -> io::Result<Self> {
        let (emulator, listener, app, shutdown) = Self::bind(config)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        tokio::spawn(serve(listener, app, shutdown));
        Ok(emulator)
    }

    /// Starts an emulator with `config` on a thread of its own, with its own runtime: for
    /// synchronous code and tests that block. No runtime is needed to call it.
    pub fn spawn(config: EmulatorConfig) -> io::Result<Self> {
        let (emulator, listener, app, shutdown) = Self::bind(config)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        std::thread::Builder::new()
            .name("stream-emulator".into())
            .spawn(move || {
                runtime.block_on(async move {
                    // Fails only if the runtime has no I/O driver, and it has one.
                    if let Ok(listener) = tokio::net::TcpListener::from_std(listener) {
                        serve(listener, app, shutdown).await;
                    }
                });
            })?;
        Ok(emulator)
    }

    /// Reads the spec folder (if any), then binds the listener, so the address is known before
    /// the server runs. A spec folder that cannot be served is an error of kind
    /// [`io::ErrorKind::InvalidData`] whose source is a [`SpecError`].
    fn bind(config: EmulatorConfig) -> io::Result<(Self, TcpListener, Router, Shutdown)> {
        let invalid = |error| io::Error::new(io::ErrorKind::InvalidData, error);
        let spec = match &config.spec_dir {
            Some(dir) => Some(Spec::load(dir).map_err(invalid)?),
            None if config.stream_api => Some(Spec::embedded().map_err(invalid)?),
            None => None,
        };
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let store = Store::new(
            Settings {
                generation_time: config.generation_time,
                customer_code: config.customer_code.clone(),
            },
            &config.videos,
        );
        let library = Library::new(&config.videos, std::time::SystemTime::now());
        let shared = Arc::new(Shared {
            config,
            store: Mutex::new(store),
            faults: FaultQueue::default(),
            requests: AtomicU64::new(0),
            spec,
            items: Mutex::new(Items::default()),
            library: Mutex::new(library),
            deliveries: Mutex::new(Vec::new()),
        });
        let (shutdown_sender, requested) = oneshot::channel();
        let (done, stopped) = oneshot::channel();
        let emulator = Self {
            shared: shared.clone(),
            addr,
            base_url: format!("http://{addr}/client/v4"),
            shutdown: shutdown_sender,
            stopped,
        };
        let shutdown = Shutdown { requested, done };
        Ok((emulator, listener, api::router(shared), shutdown))
    }

    /// Stops the server and waits until it has: it accepts no new connection, and the
    /// requests in flight are answered first (a slow client can make that long: bound the
    /// wait with `tokio::time::timeout` if it matters). Dropping the emulator stops it too,
    /// without waiting.
    pub async fn stop(self) {
        let Self {
            shutdown, stopped, ..
        } = self;
        drop(shutdown);
        // An error only says the server is gone, which is what was waited for.
        let _ = stopped.await;
    }

    /// The API's base URL, e.g. `http://127.0.0.1:43817/client/v4`: give it to the client
    /// (`Client::builder().base_url(..)`, or `CLOUDFLARE_BASE_URL`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The loopback address the emulator listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The configuration it was started with (credentials, generation time, seeded videos).
    pub fn config(&self) -> &EmulatorConfig {
        &self.shared.config
    }

    /// The API token it accepts.
    pub fn api_token(&self) -> &str {
        &self.shared.config.api_token
    }

    /// Adds a video (and its account, which the credentials then reach). Adding one that
    /// exists resets it: its downloads are gone.
    pub fn add_video(&self, video: SeedVideo) {
        self.add_video_created(video, std::time::SystemTime::now());
    }

    /// Adds a video as [`add_video`](Self::add_video) does, created at `created`: listings
    /// order and filter by it (to the second, as the service writes it), so videos sharing one
    /// instant, or created in the past, can be listed.
    pub fn add_video_created(&self, video: SeedVideo, created: std::time::SystemTime) {
        // The store first, then the library, as the handlers lock them.
        let mut store = self.shared.store();
        store.add_video(&video);
        self.shared.library().add_seed(&video, created);
    }

    /// The tus upload of the video `video_id` (made by tus creation), as the upload service
    /// holds it: how many bytes arrived, of how many, and their SHA-256, so a test can prove
    /// an upload byte for byte. `None` for a video not uploaded with tus, or an upload ended.
    pub fn upload(&self, video_id: &str) -> Option<UploadState> {
        self.shared
            .library()
            .upload(video_id)
            .map(|upload| UploadState {
                length: upload.length,
                offset: upload.offset,
                received: upload.received,
                sha256: upload.sha256(),
            })
    }

    /// The webhook notifications sent so far (an uploaded video ready), each with how every
    /// attempt ended.
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.shared.deliveries().clone()
    }

    /// The downloads of a video as the API would list them now, default first; empty for a
    /// video without downloads or unknown.
    pub fn downloads(
        &self,
        account_id: &str,
        video_id: &str,
    ) -> Vec<(DownloadKind, DownloadState)> {
        self.shared
            .store()
            .list(account_id, video_id, std::time::Instant::now())
            .unwrap_or_default()
    }

    /// Answers the next `count` requests, whatever their route, with `fault`, after any
    /// faults already queued.
    pub fn fail_next(&self, count: usize, fault: Fault) {
        self.shared.faults.push(count, &fault);
    }

    /// The URL of the emulator's fault route (`http://127.0.0.1:PORT/__emulator/faults`):
    /// `POST` a JSON fault to it to queue one from any language, `DELETE` it to clear them.
    pub fn faults_url(&self) -> String {
        format!("http://{}{}", self.addr, control::FAULTS)
    }

    /// How many queued faults are still to be applied.
    pub fn pending_faults(&self) -> usize {
        self.shared.faults.len()
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// How many requests arrived so far, faulted and refused ones included.
    pub fn request_count(&self) -> u64 {
        self.shared.requests.load(Ordering::Relaxed)
    }

    /// How many operations the spec folder adds (the downloads routes, which keep their own
    /// handlers, are not counted); 0 without a spec folder.
    pub fn spec_operations(&self) -> usize {
        self.shared.spec.as_ref().map_or(0, Spec::served)
    }

    /// How many items the spec's collections hold now, in every account (created and not
    /// deleted); 0 without a spec folder.
    pub fn spec_items(&self) -> usize {
        self.shared.items().len()
    }

    /// How many downloads were created so far. Creating a download that exists is not
    /// counted: it keeps generating as it was.
    pub fn generations_started(&self) -> u64 {
        self.shared.store().generations_started()
    }
}

/// The server's side of stopping: when to stop, and how to say it has.
struct Shutdown {
    /// Resolves when the `Emulator` (the sender) is dropped or stopped.
    requested: oneshot::Receiver<()>,
    /// Dropped when the server has stopped, which resolves [`Emulator::stop`].
    done: oneshot::Sender<()>,
}

/// Serves until the emulator is dropped or stopped; open connections finish their request
/// first.
async fn serve(listener: tokio::net::TcpListener, app: Router, shutdown: Shutdown) {
    let Shutdown { requested, done } = shutdown;
    let stopped = async {
        let _ = requested.await;
    };
    // `axum::serve` only returns once shut down; an accept error is retried inside it. Each
    // connection can be cut by the request it carries (`Fault::Drop`).
    let listener = connection::Listener(listener);
    let app = app.into_make_service_with_connect_info::<connection::Cut>();
    let _ = axum::serve(listener, app)
        .with_graceful_shutdown(stopped)
        .await;
    // The server has stopped: `stop` may return.
    drop(done);
}

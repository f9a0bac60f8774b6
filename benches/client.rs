//! Client overhead: the same list-downloads request (`GET .../stream/{video}/downloads`) sent
//! through the SDK and through a plain `reqwest` call written by hand, against the same
//! loopback server, one request at a time and 64 at once.
//!
//! ```sh
//! cargo bench --bench client
//! ```
//!
//! Both sides do the same work: send the token as `Authorization: Bearer`, read the whole
//! body, decode the `{success, errors, messages, result}` envelope into the same generated
//! type, `VideoDownloads`. The SDK also does what it is for: checks and percent-encodes the
//! path parameters, sends its `User-Agent` (and a retry count on retries, which a first attempt
//! does not carry), applies a timeout, and records
//! `tracing` spans (no subscriber here, as in an application that has none). The server
//! answers every request with one fixed body, so its cost is as small as it can be and the
//! same for both sides. One request at a time, the server runs on the client's thread (no
//! wake-ups between threads, which other work on the machine delays by tens of
//! microseconds); 64 at a time, it has two threads and the client two more.
//!
//! A third caller, `raw_same_headers`, is the hand-written call that also sends what the SDK
//! sends besides the credential (`User-Agent`, `Accept`) and sets the same
//! timeout: against it, what remains is the cost of the SDK's code rather than of its wire
//! features. Two more split those features: `raw_timeout` only sets the timeout,
//! `raw_headers` only sends the headers.
//!
//! After criterion's figures, the binary prints the ratios SDK / raw and SDK /
//! raw_same_headers, measured in interleaved rounds (so that other work on the machine weighs
//! on all callers alike; `BENCH_ROUNDS`, default 201), both as the ratio of the median times
//! and as the median of the ratios within each round; then the heap allocations per request on
//! the client side, counted by this binary's global allocator.
//! `cargo bench --bench client -- summary` prints only those.
//!
//! `cargo bench --bench client -- profile <caller> [concurrent] [N]` makes
//! only that caller's requests, for 10 s or N requests, for a profiler to watch (`perf record`
//! on the binary; under `valgrind --tool=callgrind`, the difference between two values of N
//! gives the instructions of one request, whatever else runs on the machine).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use cloudflare_stream::{ApiMessage, Client, VideoDownloads};
use criterion::{Criterion, Throughput, criterion_group};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, USER_AGENT};
use serde::Deserialize;
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const VIDEO: &str = "ea95132c15732412d22c1476fa83f27a";
const TOKEN: &str = "bench-token";
const PATH: &str = "/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/stream/ea95132c15732412d22c1476fa83f27a/downloads";

/// What the real API answers when both downloads are ready.
const BODY: &str = r#"{"result":{"default":{"status":"ready","url":"https://customer-f33zs165nr7gyfy4.cloudflarestream.com/ea95132c15732412d22c1476fa83f27a/downloads/default.mp4","percentComplete":100.0},"audio":{"status":"ready","url":"https://customer-f33zs165nr7gyfy4.cloudflarestream.com/ea95132c15732412d22c1476fa83f27a/downloads/audio.m4a","percentComplete":100.0}},"success":true,"errors":[],"messages":[]}"#;

/// What the SDK sends as `User-Agent`.
const USER_AGENT_VALUE: &str = concat!("cloudflare-stream-rust/", env!("CARGO_PKG_VERSION"));

/// Requests in flight at once in the concurrent case.
const CONCURRENCY: usize = 64;

// ---- allocation counting ----------------------------------------------------------------------

/// The system allocator, counting the allocations made on threads that asked to be counted.
struct Counting;

thread_local! {
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static ALLOCATED_BYTES: AtomicU64 = AtomicU64::new(0);

fn note(size: usize) {
    if COUNTED.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        ALLOCATED_BYTES.fetch_add(size as u64, Ordering::Relaxed);
    }
}

// SAFETY: every call is passed on to `System` unchanged; counting touches only atomics and a
// thread-local `Cell` that needs no allocation.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: as the caller promised for `layout`.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: as the caller promised for `layout`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        // SAFETY: `ptr` was allocated by `System` with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn count_this_thread(on: bool) {
    COUNTED.with(|counted| counted.set(on));
}

// ---- the server and the two clients ----------------------------------------------------------

/// A loopback server answering `PATH` with `BODY`, on its own two threads.
fn server() -> (Runtime, SocketAddr) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("server")
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("server runtime: {e}"));
    let address = serve_on(&runtime);
    (runtime, address)
}

/// Starts the server as a task of `runtime`'s. On the client's own single-threaded runtime,
/// one request at a time costs no thread wake-ups, so other work on the machine (which
/// delays wake-ups by tens of microseconds) does not drown the client's cost.
fn serve_on(runtime: &Runtime) -> SocketAddr {
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let address = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("address: {e}"));
    let app = Router::new().route(
        PATH,
        get(|| async { ([(CONTENT_TYPE, "application/json")], BODY) }),
    );
    runtime.spawn(async move { axum::serve(listener, app).await });
    address
}

/// The ways of making the call.
#[derive(Clone)]
enum Caller {
    Sdk(Client),
    Raw(Raw),
}

/// What a careful hand-written call needs: a pool, the base URL, the credential.
#[derive(Clone)]
struct Raw {
    http: reqwest::Client,
    base_url: String,
    authorization: HeaderValue,
    /// What it sends and sets besides the minimal call: with both, what the SDK sends on a
    /// first attempt besides the credential, and its timeout (the SDK's wire features without
    /// its code).
    wire: Wire,
}

/// Which of the SDK's wire features a hand-written call copies.
#[derive(Clone, Copy)]
struct Wire {
    /// `User-Agent` and `Accept: application/json`.
    headers: bool,
    /// The SDK's per-attempt timeout, 60 s.
    timeout: bool,
}

/// The names the callers go by.
const NAMES: [&str; 5] = [
    "sdk",
    "raw",
    "raw_same_headers",
    "raw_timeout",
    "raw_headers",
];

/// The envelope, as the hand-written call decodes it.
#[derive(Deserialize)]
struct Envelope {
    success: bool,
    #[serde(default)]
    errors: Vec<ApiMessage>,
    #[serde(default)]
    messages: Vec<ApiMessage>,
    result: Option<VideoDownloads>,
}

impl Caller {
    fn sdk(address: SocketAddr) -> Self {
        let client = Client::builder()
            .api_token(TOKEN)
            .base_url(format!("http://{address}/client/v4"))
            .build()
            .unwrap_or_else(|e| panic!("client: {e}"));
        Self::Sdk(client)
    }

    fn raw(address: SocketAddr, wire: Wire) -> Self {
        let mut authorization = HeaderValue::from_str(&format!("Bearer {TOKEN}"))
            .unwrap_or_else(|e| panic!("header: {e}"));
        authorization.set_sensitive(true);
        Self::Raw(Raw {
            // With the SDK's TLS set-up (reqwest has no TLS provider of its own here); the
            // requests are plain HTTP on loopback.
            http: cloudflare_stream::http_client_builder()
                .and_then(|builder| {
                    builder
                        .build()
                        .map_err(|e| cloudflare_stream::Error::Config {
                            message: e.to_string(),
                        })
                })
                .unwrap_or_else(|e| panic!("raw client: {e}")),
            base_url: format!("http://{address}/client/v4"),
            authorization,
            wire,
        })
    }

    /// The SDK, the minimal hand-written call, and the call with the SDK's headers.
    fn all(address: SocketAddr) -> [Self; 5] {
        let wire = |headers, timeout| Wire { headers, timeout };
        [
            Self::sdk(address),
            Self::raw(address, wire(false, false)),
            Self::raw(address, wire(true, true)),
            Self::raw(address, wire(false, true)),
            Self::raw(address, wire(true, false)),
        ]
    }

    /// Lists the video's downloads.
    async fn list(&self) -> VideoDownloads {
        match self {
            Self::Sdk(client) => client
                .stream()
                .downloads()
                .get(ACCOUNT, VIDEO)
                .await
                .unwrap_or_else(|e| panic!("sdk: {e}")),
            Self::Raw(raw) => {
                let url = format!(
                    "{}/accounts/{ACCOUNT}/stream/{VIDEO}/downloads",
                    raw.base_url
                );
                let mut request = raw
                    .http
                    .get(url)
                    .header(AUTHORIZATION, raw.authorization.clone());
                if raw.wire.headers {
                    request = request
                        .header(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE))
                        .header(ACCEPT, HeaderValue::from_static("application/json"));
                }
                if raw.wire.timeout {
                    request = request.timeout(Duration::from_secs(60));
                }
                let response = request.send().await.unwrap_or_else(|e| panic!("raw: {e}"));
                assert!(response.status().is_success(), "{}", response.status());
                let body = response
                    .bytes()
                    .await
                    .unwrap_or_else(|e| panic!("raw body: {e}"));
                let envelope: Envelope =
                    serde_json::from_slice(&body).unwrap_or_else(|e| panic!("raw decode: {e}"));
                assert!(
                    envelope.success,
                    "{:?} {:?}",
                    envelope.errors, envelope.messages
                );
                envelope.result.unwrap_or_default()
            }
        }
    }

    /// `CONCURRENCY` lists at once, each a task of `runtime`'s.
    async fn list_many(&self) {
        let mut tasks = JoinSet::new();
        for _ in 0..CONCURRENCY {
            let caller = self.clone();
            tasks.spawn(async move { black_box(caller.list().await) });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap_or_else(|e| panic!("task: {e}"));
        }
    }
}

/// The client's runtime for one request at a time: the calling thread only, so that every
/// client-side allocation is on it.
fn sequential_runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"))
}

/// The client's runtime for concurrent requests: one worker per core (two here); `counted`
/// counts the allocations of its workers.
fn concurrent_runtime(counted: bool) -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .thread_name("client")
        .on_thread_start(move || count_this_thread(counted))
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"))
}

// ---- criterion ----------------------------------------------------------------------------------

fn client_overhead(c: &mut Criterion) {
    // A connection is driven by the runtime that opened it: each runtime gets its own clients.
    let callers = |address| NAMES.into_iter().zip(Caller::all(address));

    let sequential = sequential_runtime();
    let address = serve_on(&sequential);
    let mut group = c.benchmark_group("client/sequential");
    group
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Elements(1));
    for (name, caller) in callers(address) {
        group.bench_function(name, |b| b.iter(|| sequential.block_on(caller.list())));
    }
    group.finish();

    let (_server, address) = server();
    let concurrent = concurrent_runtime(false);
    let mut group = c.benchmark_group(format!("client/concurrent_{CONCURRENCY}"));
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(CONCURRENCY as u64));
    for (name, caller) in callers(address) {
        group.bench_function(name, |b| {
            b.iter(|| concurrent.block_on(caller.list_many()));
        });
    }
    group.finish();
}

// ---- ratio and allocations ----------------------------------------------------------------------

/// How many interleaved rounds the ratios are taken over (`BENCH_ROUNDS`, default 201).
fn rounds() -> usize {
    std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|rounds| rounds.parse().ok())
        .unwrap_or(201)
}

/// Time per request of each caller, made by `batch` (which makes requests and says how many)
/// over `rounds` rounds, the callers taking turns, in a rotating order: for each caller, one
/// time per round.
fn interleaved<const N: usize>(
    rounds: usize,
    callers: &[Caller; N],
    batch: impl Fn(&Caller) -> u32,
) -> [Vec<f64>; N] {
    let mut times: [Vec<f64>; N] = std::array::from_fn(|_| Vec::new());
    for round in 0..rounds {
        for turn in 0..N {
            let side = (round + turn) % N;
            let started = Instant::now();
            let requests = batch(&callers[side]);
            times[side].push(started.elapsed().as_secs_f64() / f64::from(requests));
        }
    }
    times
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_unstable_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The median over rounds of `a`'s time over `b`'s in the same round: the machine's speed,
/// which drifts with other work, is nearly the same for both within a round.
fn paired(a: &[f64], b: &[f64]) -> f64 {
    median(a.iter().zip(b).map(|(a, b)| a / b).collect())
}

/// Allocations and bytes per request on the client's threads, over `requests` requests made
/// by `run`.
fn allocations(requests: u64, run: impl FnOnce()) -> (f64, f64) {
    ALLOCATIONS.store(0, Ordering::Relaxed);
    ALLOCATED_BYTES.store(0, Ordering::Relaxed);
    count_this_thread(true);
    run();
    count_this_thread(false);
    let per = |total: &AtomicU64| total.load(Ordering::Relaxed) as f64 / requests as f64;
    (per(&ALLOCATIONS), per(&ALLOCATED_BYTES))
}

fn summary() {
    let (_server, address) = server();
    let rounds = rounds();
    println!(
        "\nPer request, median of {rounds} interleaved rounds; ratios SDK / raw, SDK / raw_same_headers \
         (ratio of the medians; median of the ratios within each round):"
    );
    // A connection is driven by the runtime that opened it: each runtime gets its own clients.
    let sequential = sequential_runtime();
    let in_runtime = serve_on(&sequential);
    let times = interleaved(rounds, &Caller::all(in_runtime), |caller| {
        sequential.block_on(async {
            for _ in 0..200 {
                black_box(caller.list().await);
            }
        });
        200
    });
    print_times("sequential", times);
    let concurrent = concurrent_runtime(false);
    let times = interleaved(rounds, &Caller::all(address), |caller| {
        concurrent.block_on(async {
            for _ in 0..10 {
                caller.list_many().await;
            }
        });
        10 * CONCURRENCY as u32
    });
    print_times(&format!("{CONCURRENCY} concurrent"), times);

    println!("\nClient-side heap allocations per request (after warm-up):");
    // The server on threads of its own, so that only the client's allocations are counted.
    let alone = sequential_runtime();
    let counted = concurrent_runtime(true);
    let sides = NAMES
        .into_iter()
        .zip(Caller::all(address).into_iter().zip(Caller::all(address)));
    for (name, (for_sequential, for_counted)) in sides {
        let requests = 1_000;
        alone.block_on(for_sequential.list());
        let (seq_count, seq_bytes) = allocations(requests, || {
            alone.block_on(async {
                for _ in 0..requests {
                    black_box(for_sequential.list().await);
                }
            });
        });
        counted.block_on(for_counted.list_many());
        let batches = 16;
        let (con_count, con_bytes) = allocations(batches * CONCURRENCY as u64, || {
            counted.block_on(async {
                for _ in 0..batches {
                    for_counted.list_many().await;
                }
            });
        });
        println!(
            "  {name:<16} sequential {seq_count:>5.1} ({seq_bytes:>6.0} bytes), \
             {CONCURRENCY} concurrent {con_count:>5.1} ({con_bytes:>6.0} bytes)"
        );
    }
}

fn print_times(case: &str, [sdk, raw, same, timeout, headers]: [Vec<f64>; 5]) {
    let medians = [&sdk, &raw, &same].map(|times| median(times.clone()));
    let [m_sdk, m_raw, m_same] = medians;
    println!(
        "  {case:<14} sdk {:>5.1} µs, raw {:>5.1} µs, raw_same_headers {:>5.1} µs: \
         ratios {:.3}, {:.3}; paired {:.3}, {:.3}",
        m_sdk * 1e6,
        m_raw * 1e6,
        m_same * 1e6,
        m_sdk / m_raw,
        m_sdk / m_same,
        paired(&sdk, &raw),
        paired(&sdk, &same),
    );
    println!(
        "  {:<14} the wire features alone (paired, / raw): timeout {:.3}, headers {:.3}, both {:.3}",
        "",
        paired(&timeout, &raw),
        paired(&headers, &raw),
        paired(&same, &raw),
    );
}

/// One caller's requests only, for 10 s or `count` requests: what a profiler should watch.
fn profile(name: &str, concurrent: bool, count: Option<u64>) {
    let Some(index) = NAMES.iter().position(|known| *known == name) else {
        panic!("profile: unknown caller {name:?}; one of {NAMES:?}");
    };
    let started = Instant::now();
    let more = |requests: u64| match count {
        Some(count) => requests < count,
        None => started.elapsed() < Duration::from_secs(10),
    };
    let mut requests = 0_u64;
    if concurrent {
        let (_server, address) = server();
        let runtime = concurrent_runtime(false);
        let caller = &Caller::all(address)[index];
        while more(requests) {
            runtime.block_on(caller.list_many());
            requests += CONCURRENCY as u64;
        }
    } else {
        let runtime = sequential_runtime();
        let address = serve_on(&runtime);
        let caller = &Caller::all(address)[index];
        runtime.block_on(async {
            while more(requests) {
                black_box(caller.list().await);
                requests += 1;
            }
        });
    }
    println!(
        "profile: {requests} requests by {name} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

criterion_group!(benches, client_overhead);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|arg| arg == "profile") {
        let name = args.get(at + 1).map_or("sdk", String::as_str);
        let count = args.iter().find_map(|arg| arg.parse().ok());
        profile(name, args.iter().any(|arg| arg == "concurrent"), count);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
    // The ratio and allocations follow a full run, or `cargo bench --bench client -- summary`
    // alone; another filter, `--list` or `cargo test --benches` runs criterion only.
    let mut filters = std::env::args().skip(1).filter(|arg| !arg.starts_with('-'));
    let wanted = filters.all(|filter| filter == "summary");
    let testing = std::env::args().any(|arg| arg == "--test" || arg == "--list");
    if wanted && !testing {
        summary();
    }
}

//! The workflows' costs:
//!
//! - **upload**: a 256 MiB file uploaded with tus to the emulator on loopback, through the SDK
//!   (`stream().upload(...)`) and through a hand-written loop of `reqwest` calls making the same
//!   requests (the creation, a `HEAD`, one `PATCH` per 16 MiB chunk), in interleaved rounds
//!   (`BENCH_ROUNDS`, default 5): the median of each and their ratio;
//! - **chunks**: the same upload through the SDK with chunks of 5, 8, 16, 32 and 64 MiB (3
//!   rounds each), what the default chunk size was chosen from;
//! - **tokens**: RS256 playback tokens signed per second from a signing key (criterion);
//! - **webhooks**: `Webhook-Signature`s verified per second, a 2 KB notification (criterion).
//!
//! ```sh
//! cargo bench --bench workflows                   # all
//! cargo bench --bench workflows -- upload         # the upload rounds only
//! cargo bench --bench workflows -- chunks
//! cargo bench --bench workflows -- tokens webhooks
//! ```
//!
//! The client's peak memory during an upload is measured on the `cfstream` binary, a process
//! of its own (`scripts/bench.sh 6`).

use std::hint::black_box;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cloudflare_stream::{Client, Stream, TokenSigner, UploadSource, WebhookVerifier};
use cloudflare_stream_emulator::{Emulator, EmulatorConfig, seeds};
use criterion::Criterion;
use tokio::runtime::Runtime;

/// The file uploaded: 256 MiB.
const LENGTH: u64 = 256 * 1_048_576;
/// The chunk size, the SDK's default.
const CHUNK: u64 = cloudflare_stream::DEFAULT_CHUNK_SIZE;

/// A signing key, as `keys.create` answers it (Cloudflare's example, also the spec's).
fn signing_key_pem() -> String {
    let document =
        codegen::read_value(&Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/stream.keys.yaml"))
            .expect("spec/stream.keys.yaml");
    document
        .pointer("/components/schemas/Pem/example")
        .and_then(|value| value.as_str())
        .expect("the example PEM")
        .to_owned()
}

/// The file every upload sends: [`LENGTH`] bytes.
fn video_file() -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
    let block: Vec<u8> = (0..1_048_576_u32).map(|i| (i % 251) as u8).collect();
    for _ in 0..LENGTH / 1_048_576 {
        file.write_all(&block).expect("written");
    }
    file.flush().expect("flushed");
    file
}

/// An emulator serving the whole Stream API, videos ready at once, and a client of it.
async fn emulator() -> (Emulator, Client) {
    let emulator = Emulator::start_with(EmulatorConfig {
        stream_api: true,
        generation_time: Duration::ZERO,
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator");
    let client = Client::builder()
        .api_token(seeds::API_TOKEN)
        .base_url(emulator.base_url())
        .build()
        .expect("a client");
    (emulator, client)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// The hand-written upload: the same requests the SDK makes, nothing else.
async fn raw_upload(http: &reqwest::Client, base: &str, path: &Path) {
    let created = http
        .post(format!("{base}/accounts/{}/stream", seeds::ACCOUNT_ID))
        .bearer_auth(seeds::API_TOKEN)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", LENGTH.to_string())
        .send()
        .await
        .expect("created");
    let url = created
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .expect("a Location")
        .to_owned();
    http.head(&url)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .expect("HEAD");
    let mut file = tokio::fs::File::open(path).await.expect("the file");
    let mut offset = 0;
    while offset < LENGTH {
        let size = CHUNK.min(LENGTH - offset);
        let mut chunk = vec![0; usize::try_from(size).expect("a chunk")];
        tokio::io::AsyncReadExt::read_exact(&mut file, &mut chunk)
            .await
            .expect("read");
        let answer = http
            .patch(&url)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", offset.to_string())
            .header("Content-Type", "application/offset+octet-stream")
            .body(chunk)
            .send()
            .await
            .expect("PATCH");
        assert_eq!(answer.status().as_u16(), 204);
        offset += size;
    }
}

fn upload_rounds() {
    let runtime = Runtime::new().expect("a runtime");
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(5);
    let file = video_file();
    let (sdk, raw) = runtime.block_on(async {
        let (emulator, client) = emulator().await;
        let http = cloudflare_stream::http_client_builder()
            .expect("TLS")
            .build()
            .expect("an HTTP client");
        let (mut sdk, mut raw) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            let started = Instant::now();
            Stream::from(&client)
                .upload(seeds::ACCOUNT_ID, UploadSource::path(file.path()))
                .await
                .expect("uploaded");
            sdk.push(started.elapsed());
            let started = Instant::now();
            raw_upload(&http, emulator.base_url(), file.path()).await;
            raw.push(started.elapsed());
        }
        (median(sdk), median(raw))
    });
    let rate = |time: Duration| LENGTH as f64 / 1_048_576.0 / time.as_secs_f64();
    println!(
        "upload of {} MiB in {} MiB chunks, median of {rounds} interleaved rounds: SDK {:.2} s ({:.0} MiB/s), raw reqwest loop {:.2} s ({:.0} MiB/s): ratio {:.3}",
        LENGTH / 1_048_576,
        CHUNK / 1_048_576,
        sdk.as_secs_f64(),
        rate(sdk),
        raw.as_secs_f64(),
        rate(raw),
        sdk.as_secs_f64() / raw.as_secs_f64()
    );
}

/// The SDK's upload time for each chunk size, median of three.
fn chunk_sizes() {
    let runtime = Runtime::new().expect("a runtime");
    let file = video_file();
    runtime.block_on(async {
        // Kept alive to the end: dropping it stops the server.
        let (_emulator, client) = emulator().await;
        for mib in [5, 8, 16, 32, 64] {
            let mut times = Vec::new();
            for _ in 0..3 {
                let started = Instant::now();
                Stream::from(&client)
                    .upload(seeds::ACCOUNT_ID, UploadSource::path(file.path()))
                    .chunk_size(mib * 1_048_576)
                    .await
                    .expect("uploaded");
                times.push(started.elapsed());
            }
            let time = median(times);
            println!(
                "chunks of {mib:>2} MiB: {:.2} s for {} MiB ({:.0} MiB/s, {} requests)",
                time.as_secs_f64(),
                LENGTH / 1_048_576,
                LENGTH as f64 / 1_048_576.0 / time.as_secs_f64(),
                LENGTH.div_ceil(mib * 1_048_576) + 2
            );
        }
    });
}

fn tokens(c: &mut Criterion) {
    let signer = TokenSigner::from_pem("5213cfa121f70b8c1380686ffc371ba3", &signing_key_pem())
        .expect("a signer");
    c.bench_function("tokens/sign", |b| {
        b.iter(|| {
            black_box(
                signer
                    .token(black_box(seeds::VIDEO_ID))
                    .sign()
                    .expect("signed"),
            )
        });
    });
}

fn webhooks(c: &mut Criterion) {
    let secret = "a9c5e0b37e41d10b0d5d1dc6f4b5c8a7";
    let body = format!(
        "{{\"uid\":\"{}\",\"readyToStream\":true,\"meta\":{{\"name\":\"{}\"}}}}",
        seeds::VIDEO_ID,
        "x".repeat(1_900)
    );
    let time = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let signature: String = ring::hmac::sign(&key, format!("{time}.{body}").as_bytes())
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let header = format!("time={time},sig1={signature}");
    let verifier = WebhookVerifier::new(secret);
    c.bench_function("webhooks/verify", |b| {
        b.iter(|| {
            black_box(verifier.verify(black_box(&header), black_box(body.as_bytes()))).is_ok()
        });
    });
}

fn main() {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    let wanted = |name: &str| filters.is_empty() || filters.iter().any(|filter| filter == name);
    let mut criterion = Criterion::default().configure_from_args();
    if wanted("tokens") {
        tokens(&mut criterion);
    }
    if wanted("webhooks") {
        webhooks(&mut criterion);
    }
    criterion.final_summary();
    if wanted("upload") {
        upload_rounds();
    }
    if filters.iter().any(|filter| filter == "chunks") {
        chunk_sizes();
    }
}

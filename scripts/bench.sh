#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md, in the order it reports them:
#
# 1. the generator, per stage and end to end, on spec/, the Stream schema and the whole Cloudflare
#    API (criterion: codegen/benches/generator.rs);
# 2. client overhead, the SDK against a plain reqwest call, sequential and 64 at once, with the
#    ratios and allocations per request (criterion: benches/client.rs);
# 3. the generator's wall time and peak memory on the whole Cloudflare API, as a process;
# 4. the SDK's build cost: a clean build, then the rebuild after a spec file is touched;
# 5. what a user pays to build us: a new crate that depends on the packaged SDK
#    (`cloudflare-stream = "0.1"`, as crates.io would serve it) and makes one call, built clean,
#    against a floor crate that makes the same call with reqwest + serde + tokio directly, with
#    the same TLS (and the same consumer with the SDK's workflows): wall time and crates
#    compiled, each built three times ($ROUNDS), alternately.
#
# Takes 15 to 20 minutes on two cores, most of it clean builds. `scripts/bench.sh 4 5` runs only
# the parts named. Uses $CARGO_TARGET_DIR (clean builds go to folders inside it, never to the
# target folder itself).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
target=${CARGO_TARGET_DIR:-$root/target}
export CARGO_TARGET_DIR=$target
schema="$root/schemas/cloudflare/cloudflare-openapi.json"
parts=${*:-1 2 3 4 5 6}
part() { [[ " $parts " == *" $1 "* ]]; }

echo "== machine"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "$(free -g | awk '/^Mem:/ {print $2}') GB memory; $(rustc --version)"
echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg)"

if part 1; then
echo "== 1. generator (criterion)"
cargo bench --locked -p cloudflare-stream-codegen --bench generator
fi

if part 2; then
echo "== 2. client overhead (criterion, then ratios and allocations)"
cargo bench --locked -p cloudflare-stream --bench client
fi

if part 3; then
echo "== 3. generator as a process on the whole Cloudflare API"
cargo build --release --locked -q -p cloudflare-stream-codegen
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/spec" "$scratch/out"
cp "$schema" "$scratch/spec/"
for run in 1 2 3; do
  /usr/bin/time -v "$target/release/codegen" generate --lenient \
    --spec "$scratch/spec" --out "$scratch/out" 2> "$scratch/time.log" > /dev/null
  wall=$(grep 'Elapsed (wall clock)' "$scratch/time.log" | awk '{print $NF}')
  user=$(grep 'User time' "$scratch/time.log" | awk '{print $NF}')
  sys=$(grep 'System time' "$scratch/time.log" | awk '{print $NF}')
  peak=$(grep 'Maximum resident' "$scratch/time.log" | awk '{print $NF}')
  echo "run $run: ${wall} wall, ${user} s user, ${sys} s sys, $((peak / 1024)) MB peak RSS"
done
echo "$(wc -l < "$scratch/out/api.rs") lines generated"
fi

if part 4; then
echo "== 4. build cost of the SDK crate (dev profile), in a scratch copy of the working tree"
# `regenerate` on, as in this repository: the build script runs the generator over `spec/`.
copy=$(mktemp -d)
git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$copy"
build="$target/build-cost"
rm -rf "$build"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
(cd "$copy" && /usr/bin/time -f "clean build: %e s wall (%U s user, %S s sys)" \
  env CARGO_TARGET_DIR="$build" cargo build --locked -q -p cloudflare-stream --features regenerate)
# A real edit: a method's documentation changes, so the generated code does too.
sed -i 's/summary: List the downloads of a video\./summary: List every download of a video./' \
  "$copy/spec/downloads.yaml"
(cd "$copy" && /usr/bin/time -f "rebuild after editing spec/downloads.yaml: %e s wall (%U s user, %S s sys)" \
  env CARGO_TARGET_DIR="$build" cargo build --locked -q -p cloudflare-stream --features regenerate)
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$copy"
fi

if part 5; then
echo "== 5. a consumer's clean build: the packaged SDK against reqwest + serde + tokio by hand"
scratch=$(mktemp -d)
# The packages crates.io would serve. A registry's crate is compiled as a user's build compiles
# it (without incremental state, which cargo keeps only for path dependencies), so the SDK is
# served from a directory source beside the registry's other crates, as crates.io would serve it,
# rather than patched in by path.
cargo package --workspace --no-verify --allow-dirty --locked -q
# Both crates: a binary making the list-downloads call and printing the result, on a
# current-thread runtime; the versions the repository is tested with (its Cargo.lock).
new_crate() { # name; its dependencies (TOML) on stdin... then main.rs as $2
  mkdir -p "$scratch/$1/src" "$scratch/$1/.cargo"
  { printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n' "$1"
    cat
    printf '\n[workspace]\n'; } > "$scratch/$1/Cargo.toml"
  printf '%s\n' "$2" > "$scratch/$1/src/main.rs"
  cp "$root/Cargo.lock" "$scratch/$1/Cargo.lock"
}
new_crate consumer '#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), cloudflare_stream::Error> {
    let client = cloudflare_stream::Client::from_env()?;
    let (account, video) = ("023e105f4ecef8ad9ca31a8372d0c353", "ea95132c15732412d22c1476fa83f27a");
    let all = client.stream().downloads().get(account, video).await?;
    println!("{all:?}");
    Ok(())
}' <<TOML
[dependencies]
cloudflare-stream = "0.1"
tokio = { version = "1", features = ["rt", "macros"] }
TOML
# The same consumer with the SDK's workflows (uploads, waits, tokens, webhooks: the
# `workflows` feature), which it does not use.
new_crate consumer-workflows "$(cat "$scratch/consumer/src/main.rs")" <<TOML
[dependencies]
cloudflare-stream = { version = "0.1", features = ["workflows"] }
tokio = { version = "1", features = ["rt", "macros"] }
TOML
# The floor: the same call written by hand with reqwest (HTTP/2 and `json`, the SDK's features
# of it), serde and tokio, and the SDK's TLS: rustls with
# ring and the platform's verifier, set up the way src/tls.rs does it.
new_crate floor 'use std::sync::Arc;

use rustls_platform_verifier::BuilderVerifierExt;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Download {
    status: Option<String>,
    url: Option<String>,
    #[serde(rename = "percentComplete")]
    percent_complete: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct VideoDownloads {
    default: Option<Download>,
    audio: Option<Download>,
}

#[derive(Debug, Deserialize)]
struct Envelope {
    success: bool,
    result: Option<VideoDownloads>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_platform_verifier()?
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let http = reqwest::Client::builder().tls_backend_preconfigured(tls).build()?;
    let token = std::env::var("CLOUDFLARE_API_TOKEN")?;
    let url = "https://api.cloudflare.com/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/stream/ea95132c15732412d22c1476fa83f27a/downloads";
    let response = http.get(url).bearer_auth(token).send().await?;
    let envelope: Envelope = serde_json::from_slice(&response.bytes().await?)?;
    println!("{} {:?}", envelope.success, envelope.result);
    Ok(())
}' <<'TOML'
[dependencies]
reqwest = { version = "0.13", default-features = false, features = ["rustls-no-provider", "http2", "json"] }
rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }
rustls-platform-verifier = "0.7"
serde = { version = "1", features = ["derive"] }
serde_json = "1"
tokio = { version = "1", features = ["rt", "macros"] }
TOML
# The registry's crates: those the consumer resolves to with the SDK's packages patched in by
# path (which `cargo vendor` leaves out), a superset of the floor's; then the SDK's packages
# beside them with the checksums of their `.crate` files, as a registry records them, and the
# patch gone.
for crate in cloudflare-stream cloudflare-stream-codegen; do
  tar -xzf "$target/package/$crate-0.1.0.crate" -C "$scratch"
done
printf '\n[patch.crates-io]\n' >> "$scratch/consumer/Cargo.toml"
for crate in cloudflare-stream cloudflare-stream-codegen; do
  printf '%s = { path = "%s" }\n' "$crate" "$scratch/$crate-0.1.0" >> "$scratch/consumer/Cargo.toml"
done
(cd "$scratch/consumer" && { cargo vendor -q --offline "$scratch/vendor" > /dev/null 2>&1 \
  || cargo vendor -q "$scratch/vendor" > /dev/null; })
sed -i '/^\[patch.crates-io\]/,$d' "$scratch/consumer/Cargo.toml"
for crate in cloudflare-stream cloudflare-stream-codegen; do
  mv "$scratch/$crate-0.1.0" "$scratch/vendor/$crate"
  sum=$(sha256sum "$target/package/$crate-0.1.0.crate" | cut -d' ' -f1)
  printf '{"files":{},"package":"%s"}' "$sum" > "$scratch/vendor/$crate/.cargo-checksum.json"
done
for crate in consumer consumer-workflows floor; do
  printf '[source.crates-io]\nreplace-with = "vendored"\n\n[source.vendored]\ndirectory = "%s"\n' \
    "$scratch/vendor" > "$scratch/$crate/.cargo/config.toml"
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq "${ROUNDS:-3}"); do
  for crate in consumer consumer-workflows floor; do
    rm -rf "$target/consumer-build"
    (cd "$scratch/$crate" && /usr/bin/time -f "%e %U %S" -o "$scratch/time" \
      env CARGO_TARGET_DIR="$target/consumer-build" cargo build --offline 2> "$scratch/log")
    crates=$(grep -c '^ *Compiling ' "$scratch/log")
    read -r wall user sys < "$scratch/time"
    echo "run $run, $crate: ${wall} s wall (${user} s user, ${sys} s sys), $crates crates compiled"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -n "${KEEP_SCRATCH:-}" ] && echo "kept $scratch" || rm -rf "$scratch" "$target/consumer-build"
fi

if part 6; then
echo "== 6. the workflows: upload (SDK vs a raw reqwest loop), token signing, webhook verification"
cargo bench --locked -p cloudflare-stream --bench workflows
echo "== 6b. the client's peak memory uploading 256 MiB (cfstream, a process of its own)"
cargo build --release --locked -q -p cfstream -p cloudflare-stream-emulator
scratch=$(mktemp -d)
head -c $((256 * 1048576)) /dev/urandom > "$scratch/video.mp4"
"$target/release/cloudflare-stream-emulator" --port 0 --spec spec > "$scratch/emulator.log" 2>&1 &
emulator=$!
for _ in $(seq 1 100); do
  base=$(sed -n 's/^ *export CLOUDFLARE_BASE_URL=//p' "$scratch/emulator.log" | head -n1)
  [ -n "$base" ] && break
  sleep 0.1
done
CLOUDFLARE_API_TOKEN=emulator-token CLOUDFLARE_ACCOUNT_ID=023e105f4ecef8ad9ca31a8372d0c353 \
  /usr/bin/time -f "cfstream upload of 256 MiB in 16 MiB chunks: %e s wall, %M KiB peak RSS" \
  "$target/release/cfstream" --base-url "$base" upload "$scratch/video.mp4" > /dev/null
kill "$emulator"
rm -rf "$scratch"
fi

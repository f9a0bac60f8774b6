#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md, in the order it reports them:
#
# 1. the generator, per stage and end to end, on spec/, the Stream schema and the whole Cloudflare
#    API (criterion: codegen/benches/generator.rs);
# 2. client overhead, the SDK against a plain reqwest call, sequential and 64 at once, with the
#    ratios and allocations per request (criterion: benches/client.rs);
# 3. the generator's wall time and peak memory on the whole Cloudflare API, as a process;
# 4. the SDK's build cost: a clean build, then the rebuild after a spec file is touched.
#
# Takes about ten minutes on two cores, most of it the clean build. Uses $CARGO_TARGET_DIR (the
# clean build goes to a `build-cost` folder inside it, never to the target folder itself).
# Steps that need ../shared/specs are skipped with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
target=${CARGO_TARGET_DIR:-$root/target}
export CARGO_TARGET_DIR=$target
schema="$root/../shared/specs/cloudflare-openapi.json"

echo "== machine"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "$(free -g | awk '/^Mem:/ {print $2}') GB memory; $(rustc --version)"
echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== 1. generator (criterion)"
cargo bench --locked -p cloudflare-stream-codegen --bench generator

echo "== 2. client overhead (criterion, then ratios and allocations)"
cargo bench --locked -p cloudflare-stream --bench client

echo "== 3. generator as a process on the whole Cloudflare API"
if [ -f "$schema" ]; then
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
else
  echo "skipped: $schema not found (it comes with ../shared/specs)"
fi

echo "== 4. build cost of the SDK crate (dev profile), in a scratch copy of the working tree"
copy=$(mktemp -d)
git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$copy"
build="$target/build-cost"
rm -rf "$build"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
(cd "$copy" && /usr/bin/time -f "clean build: %e s wall (%U s user, %S s sys)" \
  env CARGO_TARGET_DIR="$build" cargo build --locked -q -p cloudflare-stream)
# A real edit: a method's documentation changes, so the generated code does too.
sed -i 's/summary: List the downloads of a video\./summary: List every download of a video./' \
  "$copy/spec/downloads.yaml"
(cd "$copy" && /usr/bin/time -f "rebuild after editing spec/downloads.yaml: %e s wall (%U s user, %S s sys)" \
  env CARGO_TARGET_DIR="$build" cargo build --locked -q -p cloudflare-stream)
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$copy"

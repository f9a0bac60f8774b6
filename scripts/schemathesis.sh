#!/usr/bin/env bash
# Runs schemathesis (property-based API testing, from PyPI) against the local emulator with the
# project's spec/: every response the emulator gives must conform to the spec (status codes,
# content types, headers, bodies), valid requests must be accepted, invalid ones refused, and
# requests without credentials refused.
#
#   scripts/schemathesis.sh                  # 100 examples per operation (about half a minute)
#   SCHEMATHESIS_EXAMPLES=1000 scripts/schemathesis.sh
#   SCHEMATHESIS_SPEC=DIR scripts/schemathesis.sh  # the emulator started with `--spec DIR`,
#                                            # tested against DIR (e.g. a folder holding
#                                            # schemas/cloudflare/cloudflare-stream.yaml), with
#                                            # the exclusions of scripts/schemathesis-spec.toml
#   SCHEMATHESIS_ACCOUNT=ID scripts/schemathesis.sh  # every request names account ID (see below)
#   SCHEMATHESIS_SEED=N scripts/schemathesis.sh  # the run a report's `Seed: N` came from
#
# Installs schemathesis (pinned) into target/schemathesis-venv on first use, builds and starts
# the emulator on a free loopback port, bundles spec/ into one document
# (scripts/bundle-spec.py), runs every check, and prints how many requests the emulator
# answered. Exits non-zero on any failure. Needs python3 with venv and pip, and PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
version=4.32.5
examples=${SCHEMATHESIS_EXAMPLES:-100}
target=${CARGO_TARGET_DIR:-$root/target}
venv="$target/schemathesis-venv"
work="$target/schemathesis"
# The emulator serves a spec folder (`--spec`): by default spec/, the whole Stream API.
spec_dir=${SCHEMATHESIS_SPEC:-spec}
config=()
emulator_args=()
# The credentials every request carries. Cloudflare's schema requires the token and the
# email and key together (one security requirement naming all three), so with a spec folder
# all three are sent; the emulator accepts them when every one is right.
auth=(--header "Authorization: Bearer emulator-token")
# Every check. With a spec folder the config file turns a few off for single operations, and a
# check named on the command line would override that: schemathesis runs every check unless
# told otherwise, so none is named.
checks=(--checks all)
[ -d "$spec_dir" ] || { echo "error: SCHEMATHESIS_SPEC=$spec_dir is not a folder" >&2; exit 1; }
spec_dir=$(cd "$spec_dir" && pwd)
[ "$spec_dir" = "$root/spec" ] || work="$target/schemathesis-spec"
config=(--config-file "$root/scripts/schemathesis-spec.toml")
emulator_args=(--spec "$spec_dir")
auth+=(--header "X-Auth-Email: user@example.com" --header "X-Auth-Key: emulator-key")
checks=()
mkdir -p "$work"

# With an account given (the emulator's), every request names it. Without, the fuzzer invents
# account ids, which the emulator refuses (403) before it looks at anything else, so most
# fuzzed cases test that refusal only; with it they reach each operation's own checks. The
# stateful phase is left out then: a negative case it builds by spoiling the account would be
# made valid again by the pin, and reported as invalid data accepted.
phases=()
# A failing run prints its seed; the same seed makes the same cases again.
seed=()
[ -n "${SCHEMATHESIS_SEED:-}" ] && seed=(--seed "$SCHEMATHESIS_SEED")
account=${SCHEMATHESIS_ACCOUNT:-}
if [ -n "$account" ]; then
  pinned="$work/pinned.toml"
  {
    if [ ${#config[@]} -gt 0 ]; then cat "$root/scripts/schemathesis-spec.toml"; fi
    printf '\n[parameters]\n"path.account_id" = "%s"\n"path.account_identifier" = "%s"\n' \
      "$account" "$account"
  } > "$pinned"
  config=(--config-file "$pinned")
  phases=(--phases examples,coverage,fuzzing)
fi

if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$version"; then
  echo "== installing schemathesis $version into $venv"
  command -v python3 >/dev/null || { echo "error: python3 is required" >&2; exit 1; }
  python3 -m venv "$venv" || { echo "error: python3 -m venv failed (install python3-venv)" >&2; exit 1; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" || {
    echo "error: could not install schemathesis $version from PyPI" >&2
    exit 1
  }
fi

echo "== bundling $spec_dir, its overlays applied, into one document"
corrected="$work/corrected"
rm -rf "$corrected"
cargo run --locked -q -p cloudflare-stream-codegen -- overlays --spec "$spec_dir" \
  --write "$corrected" > /dev/null
"$venv/bin/python" scripts/bundle-spec.py "$corrected" > "$work/bundle.json"

echo "== starting the emulator"
cargo build --locked -q -p cloudflare-stream-emulator
# Generation takes a second, so responses show downloads both in progress and ready.
"$target/debug/cloudflare-stream-emulator" --port 0 --generation-time 1 \
  ${emulator_args[@]+"${emulator_args[@]}"} > "$work/emulator.log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true' EXIT
base=""
for _ in $(seq 1 100); do
  base=$(sed -n 's/^Cloudflare Stream emulator listening on \(http[^ ]*\).*/\1/p' "$work/emulator.log")
  [ -n "$base" ] && break
  kill -0 "$emulator" 2>/dev/null || { cat "$work/emulator.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$base" ] || { echo "error: the emulator did not start" >&2; cat "$work/emulator.log" >&2; exit 1; }
echo "   $base"

echo "== schemathesis: every check, $examples examples per operation"
status=0
# From the work folder: schemathesis keeps a cache (.schemathesis/) where it runs.
(cd "$work" && "$venv/bin/schemathesis" ${config[@]+"${config[@]}"} run "$work/bundle.json" \
  --url "$base" \
  "${auth[@]}" \
  ${checks[@]+"${checks[@]}"} \
  ${phases[@]+"${phases[@]}"} \
  ${seed[@]+"${seed[@]}"} \
  --max-examples "$examples" \
  --suppress-health-check too_slow \
  --report junit --report-junit-path "$work/junit.xml") 2>&1 | tee "$work/run.log" \
  || status=$?

# Ctrl-C makes the emulator print how many requests it answered.
kill -INT "$emulator"
wait "$emulator" 2>/dev/null || true
trap - EXIT
requests=$(sed -n 's/^Stopped after \([0-9]*\) requests\./\1/p' "$work/emulator.log")
cases=$(sed -n 's/^ *\([0-9]*\) generated, .*/\1/p' "$work/run.log" | tail -1)
passed=$(sed -n 's/.* generated, \([0-9]*\) passed.*/\1/p' "$work/run.log" | tail -1)
# A run with failures says "N generated, M found K unique failures", and no count passed.
failures=$(sed -n 's/.* found \([0-9]*\) unique failure.*/\1/p' "$work/run.log" | tail -1)
echo "emulator answered ${requests:-?} requests for ${cases:-?} test cases; schemathesis exit status $status"
if [ -n "$failures" ]; then
  echo "schemathesis: ${cases:-?} cases, $failures unique failure(s)"
else
  echo "schemathesis: ${passed:-0} passed, $(( ${cases:-0} - ${passed:-0} )) failed"
fi
exit "$status"

#!/usr/bin/env bash
# Runs Cloudflare's OFFICIAL SDKs against the local Stream emulator and reports, per call,
# whether the SDK got a plausible answer:
#   - TypeScript: npm `cloudflare` (pinned in scripts/official-sdks/package.json + lockfile),
#     script scripts/official-sdks/stream.mjs
#   - Python: PyPI `cloudflare` (pinned in scripts/official-sdks/requirements.txt),
#     script scripts/official-sdks/stream.py
# Each script calls every method under `client.stream` (videos, tus create, clip, copy,
# direct upload, keys, live inputs + outputs, watermarks, webhooks, captions, downloads,
# embed, token, audio tracks, storage usage) and prints `PASS name` / `FAIL name: why`.
#
# Steps: installs both SDKs into ${CARGO_TARGET_DIR:-target}/official-sdks/ (npm ci from the
# lockfile; python venv + pip install -r requirements.txt; skipped when already installed from
# the same pins), takes the emulator from $EMULATOR_BIN or builds it
# (cargo build --locked -q -p cloudflare-stream-emulator), serves ${OFFICIAL_SDKS_SPEC:-spec}
# on a free loopback port, runs the TypeScript script then the Python one against the same
# emulator (they create differently named things and mutate different seeded videos), prints
# their lines and a total `N passed, M failed`. Exits 1 if any case failed, else 0.
# Writes nothing outside the target directory. Needs node >= 18, python3 >= 3.8, and the npm
# registry + PyPI for the first install.
#
# Time: first run ~20 s (npm + pip downloads; plus a cargo build if $EMULATOR_BIN is unset),
# then ~2 s per run (about 100 SDK calls against the loopback emulator).
#
# Env: EMULATOR_BIN, OFFICIAL_SDKS_SPEC, CARGO_TARGET_DIR, PYTHON (default python3),
# OFFICIAL_SDKS_DEBUG=1 (scripts log every request/response to stderr).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
HERE="$ROOT/scripts/official-sdks"
TARGET="${CARGO_TARGET_DIR:-target}"
case "$TARGET" in /*) ;; *) TARGET="$ROOT/$TARGET" ;; esac
OUT="$TARGET/official-sdks"
SPEC="${OFFICIAL_SDKS_SPEC:-spec}"
PYTHON="${PYTHON:-python3}"
mkdir -p "$OUT"

log() { echo "official-sdks: $*" >&2; }

# ---------------------------------------------------------------- install the pinned SDKs
NODE_DIR="$OUT/node"
mkdir -p "$NODE_DIR"
node_stamp="$(cat "$HERE/package.json" "$HERE/package-lock.json" | cksum)"
if [[ ! -f "$NODE_DIR/.stamp" || "$(cat "$NODE_DIR/.stamp")" != "$node_stamp" || ! -d "$NODE_DIR/node_modules/cloudflare" ]]; then
  log "installing the TypeScript SDK (npm ci) into $NODE_DIR"
  cp "$HERE/package.json" "$HERE/package-lock.json" "$NODE_DIR/"
  (cd "$NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$node_stamp" >"$NODE_DIR/.stamp"
fi
# ESM resolves `cloudflare` from the script's own folder, so run a copy next to node_modules.
cp "$HERE/stream.mjs" "$NODE_DIR/stream.mjs"

VENV="$OUT/venv"
py_stamp="$("$PYTHON" --version 2>&1; cksum <"$HERE/requirements.txt")"
if [[ ! -f "$VENV/.stamp" || "$(cat "$VENV/.stamp")" != "$py_stamp" || ! -x "$VENV/bin/python" ]]; then
  log "installing the Python SDK (pip install -r requirements.txt) into $VENV"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-cache-dir -r "$HERE/requirements.txt" >&2
  echo "$py_stamp" >"$VENV/.stamp"
fi

# ---------------------------------------------------------------- the emulator
if [[ -n "${EMULATOR_BIN:-}" ]]; then
  EMU="$EMULATOR_BIN"
else
  log "building the emulator (cargo build --locked -q -p cloudflare-stream-emulator)"
  cargo build --locked -q -p cloudflare-stream-emulator
  EMU="$TARGET/debug/cloudflare-stream-emulator"
fi
[[ -x "$EMU" ]] || { log "emulator binary $EMU is missing or not executable"; exit 2; }
[[ -d "$SPEC" ]] || { log "spec folder $SPEC not found"; exit 2; }

EMU_LOG="$OUT/emulator.log"
EMU_PID=""
cleanup() {
  if [[ -n "$EMU_PID" ]] && kill -0 "$EMU_PID" 2>/dev/null; then
    kill "$EMU_PID" 2>/dev/null || true
    wait "$EMU_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$EMU" --port 0 --spec "$SPEC" --generation-time 1 >"$EMU_LOG" 2>&1 &
EMU_PID=$!

BASE_URL=""
for _ in $(seq 1 100); do
  BASE_URL="$(sed -n 's/^ *export CLOUDFLARE_BASE_URL=//p' "$EMU_LOG" | head -n1)"
  [[ -n "$BASE_URL" ]] && break
  kill -0 "$EMU_PID" 2>/dev/null || break
  sleep 0.1
done
if [[ -z "$BASE_URL" ]]; then
  log "the emulator did not start; its output:"
  cat "$EMU_LOG" >&2
  exit 2
fi
log "emulator $EMU serving $SPEC at $BASE_URL"

export CLOUDFLARE_BASE_URL="$BASE_URL"
export CLOUDFLARE_API_TOKEN="emulator-token"
export CLOUDFLARE_ACCOUNT_ID="023e105f4ecef8ad9ca31a8372d0c353"

# ---------------------------------------------------------------- run both scripts
total_pass=0
total_fail=0
run_sdk() { # label, command...
  local label="$1"
  shift
  local out rc=0
  out="$("$@")" || rc=$?
  echo "== $label"
  [[ -n "$out" ]] && printf '%s\n' "$out"
  local last p f
  last="$(printf '%s\n' "$out" | tail -n1)"
  if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    p="${BASH_REMATCH[1]}"
    f="${BASH_REMATCH[2]}"
  else
    # The script died before its summary: count what it printed, plus one failure for the crash.
    p="$(printf '%s\n' "$out" | grep -c '^PASS ' || true)"
    f="$(($(printf '%s\n' "$out" | grep -c '^FAIL ' || true) + 1))"
    echo "FAIL $label script: exited $rc without a summary line"
  fi
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
}

run_sdk "TypeScript SDK (npm cloudflare $(sed -n 's/.*"cloudflare": "\(.*\)".*/\1/p' "$HERE/package.json"))" \
  node "$NODE_DIR/stream.mjs"
run_sdk "Python SDK ($(grep -i '^cloudflare==' "$HERE/requirements.txt"))" \
  "$VENV/bin/python" "$HERE/stream.py"

echo "== total"
echo "$total_pass passed, $total_fail failed"
[[ "$total_fail" -eq 0 ]]

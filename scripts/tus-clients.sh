#!/usr/bin/env bash
# Uploads to the local Stream emulator with two independent tus clients and checks, by the
# SHA-256 the emulator keeps, that every byte arrived:
#   - tus-js-client (npm, pinned in scripts/tus-clients/package.json + lockfile),
#     script scripts/tus-clients/upload.mjs
#   - tuspy (PyPI, pinned in scripts/tus-clients/requirements.txt),
#     script scripts/tus-clients/upload.py
# Each prints `PASS name` / `FAIL name: why` and `N passed, M failed`; this prints a total and
# exits 1 if any case failed.
#
# Installs both into ${CARGO_TARGET_DIR:-target}/tus-clients/ (skipped when already installed
# from the same pins), takes the emulator from $EMULATOR_BIN or builds it, serves `spec/` on a
# free loopback port. Needs node >= 18, python3 >= 3.8, and the registries for the first
# install. Env: EMULATOR_BIN, CARGO_TARGET_DIR, PYTHON (default python3).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
HERE="$ROOT/scripts/tus-clients"
TARGET="${CARGO_TARGET_DIR:-target}"
case "$TARGET" in /*) ;; *) TARGET="$ROOT/$TARGET" ;; esac
OUT="$TARGET/tus-clients"
PYTHON="${PYTHON:-python3}"
mkdir -p "$OUT"

log() { echo "tus-clients: $*" >&2; }

NODE_DIR="$OUT/node"
mkdir -p "$NODE_DIR"
node_stamp="$(cat "$HERE/package.json" "$HERE/package-lock.json" | cksum)"
if [[ ! -f "$NODE_DIR/.stamp" || "$(cat "$NODE_DIR/.stamp")" != "$node_stamp" ]]; then
  log "installing tus-js-client (npm ci) into $NODE_DIR"
  cp "$HERE/package.json" "$HERE/package-lock.json" "$NODE_DIR/"
  (cd "$NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$node_stamp" >"$NODE_DIR/.stamp"
fi
# ESM resolves packages from the script's own folder.
cp "$HERE/upload.mjs" "$NODE_DIR/upload.mjs"

VENV="$OUT/venv"
py_stamp="$("$PYTHON" --version 2>&1; cksum <"$HERE/requirements.txt")"
if [[ ! -f "$VENV/.stamp" || "$(cat "$VENV/.stamp")" != "$py_stamp" ]]; then
  log "installing tuspy (pip install -r requirements.txt) into $VENV"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-cache-dir -r "$HERE/requirements.txt" >&2
  echo "$py_stamp" >"$VENV/.stamp"
fi

if [[ -n "${EMULATOR_BIN:-}" ]]; then
  EMU="$EMULATOR_BIN"
else
  cargo build --locked -q -p cloudflare-stream-emulator
  EMU="$TARGET/debug/cloudflare-stream-emulator"
fi

EMU_LOG="$OUT/emulator.log"
"$EMU" --port 0 --spec spec --generation-time 1 >"$EMU_LOG" 2>&1 &
EMU_PID=$!
trap 'kill "$EMU_PID" 2>/dev/null || true; wait "$EMU_PID" 2>/dev/null || true' EXIT

BASE_URL=""
for _ in $(seq 1 100); do
  BASE_URL="$(sed -n 's/^ *export CLOUDFLARE_BASE_URL=//p' "$EMU_LOG" | head -n1)"
  [[ -n "$BASE_URL" ]] && break
  kill -0 "$EMU_PID" 2>/dev/null || break
  sleep 0.1
done
[[ -n "$BASE_URL" ]] || { log "the emulator did not start:"; cat "$EMU_LOG" >&2; exit 2; }
export CLOUDFLARE_BASE_URL="$BASE_URL"
export CLOUDFLARE_API_TOKEN="emulator-token"
export CLOUDFLARE_ACCOUNT_ID="023e105f4ecef8ad9ca31a8372d0c353"

total_pass=0
total_fail=0
run_client() { # label, command...
  local label="$1" out last
  shift
  out="$("$@" 2>&1)" || true
  echo "== $label"
  printf '%s\n' "$out"
  last="$(printf '%s\n' "$out" | tail -n1)"
  if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    total_pass=$((total_pass + BASH_REMATCH[1]))
    total_fail=$((total_fail + BASH_REMATCH[2]))
  else
    echo "FAIL $label: no summary line"
    total_fail=$((total_fail + 1))
  fi
}
run_client "tus-js-client $(sed -n 's/.*"tus-js-client": "\(.*\)".*/\1/p' "$HERE/package.json")" \
  node "$NODE_DIR/upload.mjs"
run_client "tuspy $(sed -n 's/^tuspy==//p' "$HERE/requirements.txt")" "$VENV/bin/python" "$HERE/upload.py"
echo "== total"
echo "$total_pass passed, $total_fail failed"
[[ "$total_fail" -eq 0 ]]

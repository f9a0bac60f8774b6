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
mkdir -p "$OUT"

log() { echo "official-sdks: $*" >&2; }
# shellcheck source=scripts/harness.sh
source "$ROOT/scripts/harness.sh"

# ---------------------------------------------------------------- install the pinned SDKs
NODE_DIR="$OUT/node"
install_node "$HERE" "$NODE_DIR"
# ESM resolves `cloudflare` from the script's own folder, so run a copy next to node_modules.
cp "$HERE/stream.mjs" "$NODE_DIR/stream.mjs"
VENV="$OUT/venv"
install_python "$HERE/requirements.txt" "$VENV"

# ---------------------------------------------------------------- the emulator, both scripts
start_emulator "$SPEC"
run_client "TypeScript SDK (npm cloudflare $(sed -n 's/.*"cloudflare": "\(.*\)".*/\1/p' "$HERE/package.json"))" \
  node "$NODE_DIR/stream.mjs"
run_client "Python SDK ($(grep -i '^cloudflare==' "$HERE/requirements.txt"))" \
  "$VENV/bin/python" "$HERE/stream.py"

echo "== total"
echo "$total_pass passed, $total_fail failed"
[[ "$total_fail" -eq 0 ]]

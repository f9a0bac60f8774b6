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
mkdir -p "$OUT"

log() { echo "tus-clients: $*" >&2; }
# shellcheck source=scripts/harness.sh
source "$ROOT/scripts/harness.sh"

NODE_DIR="$OUT/node"
install_node "$HERE" "$NODE_DIR"
# ESM resolves packages from the script's own folder.
cp "$HERE/upload.mjs" "$NODE_DIR/upload.mjs"
VENV="$OUT/venv"
install_python "$HERE/requirements.txt" "$VENV"

start_emulator spec
run_client "tus-js-client $(sed -n 's/.*"tus-js-client": "\(.*\)".*/\1/p' "$HERE/package.json")" \
  node "$NODE_DIR/upload.mjs"
run_client "tuspy $(sed -n 's/^tuspy==//p' "$HERE/requirements.txt")" "$VENV/bin/python" "$HERE/upload.py"

echo "== total"
echo "$total_pass passed, $total_fail failed"
[[ "$total_fail" -eq 0 ]]

# Shared by official-sdks.sh and tus-clients.sh (sourced, not run): installs of pinned npm and
# PyPI packages into the target directory, the emulator serving a spec folder on a free loopback
# port, and the tally of the `PASS`/`FAIL` lines client scripts print. The sourcing script sets
# ROOT, TARGET and OUT, and defines `log`.

# install_node PINS DEST: `npm ci` of PINS/package.json and its lockfile into DEST, skipped when
# DEST was installed from the same pins.
install_node() {
  local pins="$1" dest="$2" stamp
  mkdir -p "$dest"
  stamp="$(cat "$pins/package.json" "$pins/package-lock.json" | cksum)"
  if [[ ! -f "$dest/.stamp" || "$(cat "$dest/.stamp")" != "$stamp" || ! -d "$dest/node_modules" ]]; then
    log "installing $pins/package.json (npm ci) into $dest"
    cp "$pins/package.json" "$pins/package-lock.json" "$dest/"
    (cd "$dest" && npm ci --no-audit --no-fund --loglevel=error >&2)
    echo "$stamp" >"$dest/.stamp"
  fi
}

# install_python REQUIREMENTS VENV: a venv with REQUIREMENTS installed, skipped when VENV was made
# from the same file and the same Python ($PYTHON, default python3).
install_python() {
  local requirements="$1" venv="$2" python="${PYTHON:-python3}" stamp
  stamp="$("$python" --version 2>&1; cksum <"$requirements")"
  if [[ ! -f "$venv/.stamp" || "$(cat "$venv/.stamp")" != "$stamp" || ! -x "$venv/bin/python" ]]; then
    log "installing $requirements (pip install -r) into $venv"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check --no-cache-dir -r "$requirements" >&2
    echo "$stamp" >"$venv/.stamp"
  fi
}

# start_emulator SPEC: the emulator ($EMULATOR_BIN, or built) serving SPEC in the background,
# stopped when the sourcing script exits; exports CLOUDFLARE_BASE_URL (its address), the token
# and the account it accepts. Exits 2 if it does not start.
EMU_PID=""
stop_emulator() {
  if [[ -n "$EMU_PID" ]] && kill -0 "$EMU_PID" 2>/dev/null; then
    kill "$EMU_PID" 2>/dev/null || true
    wait "$EMU_PID" 2>/dev/null || true
  fi
}
start_emulator() {
  local spec="$1" emulator log_file="$OUT/emulator.log" base=""
  if [[ -n "${EMULATOR_BIN:-}" ]]; then
    emulator="$EMULATOR_BIN"
  else
    log "building the emulator (cargo build --locked -q -p cloudflare-stream-emulator)"
    cargo build --locked -q -p cloudflare-stream-emulator
    emulator="$TARGET/debug/cloudflare-stream-emulator"
  fi
  [[ -x "$emulator" ]] || { log "emulator binary $emulator is missing or not executable"; exit 2; }
  [[ -d "$spec" ]] || { log "spec folder $spec not found"; exit 2; }
  trap stop_emulator EXIT
  trap 'exit 130' INT TERM
  "$emulator" --port 0 --spec "$spec" --generation-time 1 >"$log_file" 2>&1 &
  EMU_PID=$!
  for _ in $(seq 1 100); do
    base="$(sed -n 's/^ *export CLOUDFLARE_BASE_URL=//p' "$log_file" | head -n1)"
    [[ -n "$base" ]] && break
    kill -0 "$EMU_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z "$base" ]]; then
    log "the emulator did not start; its output:"
    cat "$log_file" >&2
    exit 2
  fi
  log "emulator $emulator serving $spec at $base"
  export CLOUDFLARE_BASE_URL="$base"
  export CLOUDFLARE_API_TOKEN="emulator-token"
  export CLOUDFLARE_ACCOUNT_ID="023e105f4ecef8ad9ca31a8372d0c353"
}

# run_client LABEL COMMAND...: runs a client script, prints its lines, and adds its
# `N passed, M failed` summary to total_pass and total_fail (a script that died before its
# summary counts what it printed, plus one failure).
total_pass=0
total_fail=0
run_client() {
  local label="$1" out rc=0 last p f
  shift
  out="$("$@")" || rc=$?
  echo "== $label"
  [[ -n "$out" ]] && printf '%s\n' "$out"
  last="$(printf '%s\n' "$out" | tail -n1)"
  if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    p="${BASH_REMATCH[1]}"
    f="${BASH_REMATCH[2]}"
  else
    p="$(printf '%s\n' "$out" | grep -c '^PASS ' || true)"
    f="$(($(printf '%s\n' "$out" | grep -c '^FAIL ' || true) + 1))"
    echo "FAIL $label script: exited $rc without a summary line"
  fi
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
}

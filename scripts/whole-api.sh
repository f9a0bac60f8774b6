#!/usr/bin/env bash
# Generates Cloudflare's whole API (schemas/cloudflare/cloudflare-openapi.json, 1,533 operations)
# into a scratch crate under target/whole-api and `cargo check`s it, printing the generator's
# time and peak memory, the generated size, the notes (what was approximated) and the check time.
# Not part of CI: the check takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
schema="$root/schemas/cloudflare/cloudflare-openapi.json"
[ -f "$schema" ] || { echo "not found: $schema" >&2; exit 1; }
scratch="$root/target/whole-api"
mkdir -p "$scratch/spec" "$scratch/src"
cp "$schema" "$scratch/spec/"

cargo build --release --locked -q -p cloudflare-stream-codegen
echo "== generate (release build of the generator)"
/usr/bin/time -f "generator: %e s wall, %M KiB peak memory" \
  "$root/target/release/codegen" generate --lenient --outside-runtime --spec "$scratch/spec" --out "$scratch/src" \
  2> "$scratch/generate.log" || { cat "$scratch/generate.log"; exit 1; }
grep -v '^note:' "$scratch/generate.log"
echo "notes (approximations): $(grep -c '^note:' "$scratch/generate.log" || true), listed in $scratch/generate.log"
echo "generated: $(wc -l < "$scratch/src/api.rs") lines, $(du -h "$scratch/src/api.rs" | cut -f1)"

cat > "$scratch/Cargo.toml" <<TOML
[package]
name = "cloudflare-whole-api"
version = "0.0.0"
edition = "2024"
publish = false

[lib]
path = "src/lib.rs"

[dependencies]
cloudflare-stream = { path = "$root" }
serde = { version = "1", features = ["derive"] }
serde_json = "1"

[workspace]
TOML
printf 'include!("api.rs");\n' > "$scratch/src/lib.rs"
echo "== cargo check"
cd "$scratch"
/usr/bin/time -f "cargo check: %e s wall, %M KiB peak memory" cargo check -q 2>&1 | tail -20

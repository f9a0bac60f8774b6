#!/usr/bin/env bash
# Prints one line per generator output — `spec/`, every fixture, the extension example, and,
# Cloudflare's Stream schema (as vendored in schemas/cloudflare/), its whole API (each lenient,
# and with `--every-schema`) and every week of the history — with the SHA-256 of the
# generated file and of its list of lenient notes (or of the error, for an input refused).
# Two builds of the generator that print the same lines generate the same bytes: run it with
# each and `diff` the two, to show a refactor changes no output.
#
#   cargo build --release -p cloudflare-stream-codegen && cp target/release/codegen /tmp/before
#   ... change the generator, build again ...
#   scripts/output-hashes.sh /tmp/before > before.txt
#   scripts/output-hashes.sh target/release/codegen > after.txt && diff before.txt after.txt
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 CODEGEN_BINARY" >&2; exit 2; }
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/.."
root=$(pwd)
schemas="$root/schemas/cloudflare"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The hash of standard input, with the scratch folder's name taken out of the paths in it.
hash() { sed "s|$out/||g" | sha256sum | cut -c1-16; }

# NAME SPEC_DIR [FLAGS...]: one line for what the generator makes of a copy of SPEC_DIR (a
# copy: `generate` writes the API lock into its spec folder).
generate() {
  local name=$1 spec="$out/$1-spec"
  [ "$2" = "$spec" ] || { mkdir -p "$spec" && cp "$2"/* "$spec/"; }
  shift 2
  if "$bin" generate --spec "$spec" --out "$out/$name" "$@" > "$out/$name.log" 2>&1; then
    echo "$name $(hash < "$out/$name/api.rs") notes=$(grep -c '^note' "$out/$name.log" || true)/$(grep '^note' "$out/$name.log" | hash)"
  else
    echo "$name refused $(tail -n 1 "$out/$name.log" | hash)"
  fi
}
# NAME FILE [FLAGS...]: FILE alone in a folder of its own.
generate_file() {
  local name=$1 file=$2
  shift 2
  mkdir -p "$out/$name-spec"
  cp "$file" "$out/$name-spec/"
  generate "$name" "$out/$name-spec" "$@"
}

generate spec "$root/spec"
for dir in "$root"/codegen/tests/fixtures/*/; do
  generate "fixture-$(basename "$dir")" "$dir/spec"
done
mkdir -p "$out/extend-spec"
cp "$root"/spec/common.yaml "$root"/spec/downloads.yaml "$root/codegen/tests/extend/captions.yaml" "$out/extend-spec/"
generate extend "$out/extend-spec"
generate_file stream "$schemas/cloudflare-stream.yaml" --lenient
generate_file stream-every "$schemas/cloudflare-stream.yaml" --lenient --every-schema
generate_file whole "$schemas/cloudflare-openapi.json" --lenient
generate_file whole-every "$schemas/cloudflare-openapi.json" --lenient --every-schema
for file in "$schemas"/history/*.json; do
  generate_file "history-$(basename "$file" .json)" "$file" --lenient
done

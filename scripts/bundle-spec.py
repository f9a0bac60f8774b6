#!/usr/bin/env python3
"""Bundles the spec folder (spec/*.yaml) into one OpenAPI document, for tools that read a
single file (schemathesis).

Every file's components are gathered under the bundle's `components`, and every `$ref` into
another file (`common.yaml#/components/schemas/Envelope`) becomes a local one
(`#/components/schemas/Envelope`). Paths, tags and servers come from every file; `security`
and `info` from the first file that has them. A component defined in two files, a path defined
twice, or a `$ref` that is not into `#/components/...` of a spec file is refused (exit 1).

    python3 scripts/bundle-spec.py [SPEC_DIR] > bundle.yaml

Needs PyYAML (schemathesis depends on it). Writes JSON, which is YAML too.
"""

import json
import re
import sys
from pathlib import Path

import yaml


class Loader(yaml.SafeLoader):
    """YAML as the generator reads it (YAML 1.2's core schema, which `codegen import` writes):
    a date is a string, not a `datetime` JSON cannot hold, and `off`, `on`, `yes`, `no` are
    strings, not booleans; only `true` and `false` are."""


Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def fail(message):
    print(f"bundle-spec: {message}", file=sys.stderr)
    sys.exit(1)


def localize(node, file_name, files, where):
    """Rewrites the `$ref`s in `node` (from file `file_name`) to point into the bundle."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                target, _, pointer = value.partition("#")
                if target and target.removeprefix("./") not in files:
                    fail(f"{where}: `$ref` {value!r} is not to a file of the spec folder")
                if not pointer.startswith("/components/"):
                    fail(f"{where}: `$ref` {value!r} does not point into #/components")
                out[key] = "#" + pointer
            elif key in ("example", "examples"):
                out[key] = value  # data, not schema
            else:
                out[key] = localize(value, file_name, files, f"{where}/{key}")
        return out
    if isinstance(node, list):
        return [localize(v, file_name, files, f"{where}/{i}") for i, v in enumerate(node)]
    return node


def bundle(spec_dir):
    paths = sorted(p for p in Path(spec_dir).iterdir() if p.suffix in (".yaml", ".yml", ".json"))
    if not paths:
        fail(f"{spec_dir}: no spec files")
    docs = {p.name: yaml.load(p.read_text(encoding="utf-8"), Loader=Loader) for p in paths}
    # An overlay corrects another file; it is not part of the API. Bundle the folder as
    # `codegen overlays --write DIR` writes it, corrected, for the corrections to count.
    docs = {name: doc for name, doc in docs.items() if "overlay" not in doc}
    out = {"openapi": None, "info": None, "servers": [], "tags": [], "paths": {}, "components": {}}
    for name, doc in docs.items():
        doc = localize(doc, name, docs, name + "#")
        out["openapi"] = out["openapi"] or doc.get("openapi")
        out["info"] = out["info"] or doc.get("info")
        if "security" in doc and "security" not in out:
            out["security"] = doc["security"]
        for server in doc.get("servers", []):
            if all(s["url"] != server.get("url") for s in out["servers"]):
                out["servers"].append(server)
        out["tags"].extend(doc.get("tags", []))
        for path, item in (doc.get("paths") or {}).items():
            if path in out["paths"]:
                fail(f"{name}: path {path} is defined in two files")
            out["paths"][path] = item
        for kind, entries in (doc.get("components") or {}).items():
            target = out["components"].setdefault(kind, {})
            for key, value in entries.items():
                if key in target and target[key] != value:
                    fail(f"{name}: components/{kind}/{key} is defined differently in two files")
                target[key] = value
    return out


if __name__ == "__main__":
    spec_dir = sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parent.parent / "spec")
    json.dump(bundle(spec_dir), sys.stdout, indent=2, ensure_ascii=False)
    print()

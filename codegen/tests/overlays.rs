//! Overlays in a spec folder (OpenAPI Overlay 1.0): applied after loading, before anything else
//! reads the spec; `codegen overlays` lists what each action did and what it changes in the API;
//! an action that selects nothing, or an overlay that is not Overlay 1.0, fails the generation
//! naming the overlay file and the action.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn codegen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args(args)
        .output()
        .expect("run the codegen binary")
}

/// A fresh copy of the core of the SDK's `spec/` (`common.yaml`, `downloads.yaml`) with
/// `overlay` beside it.
fn spec_with(name: &str, overlay: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    for file in ["common.yaml", "downloads.yaml"] {
        std::fs::copy(spec.join(file), dir.join(file)).expect("copy");
    }
    std::fs::write(dir.join("downloads.overlay.yaml"), overlay).expect("write the overlay");
    dir
}

const CORRECTIONS: &str = r"overlay: 1.0.0
info:
  title: Corrections to downloads.yaml
  version: 1.0.0
extends: downloads.yaml
actions:
  - target: $.components.schemas.Download.properties.url
    description: The service gives the URL from creation on.
    update:
      description: Where the file is served, from the download's creation on.
  - target: $.components.schemas.Download
    description: The service always says the status.
    update:
      required: [status]
";

/// An overlay that changes nothing anyone reads: a mark on the document's `info`.
const NOTHING: &str = r"overlay: 1.0.0
info: {title: Nothing, version: 1.0.0}
extends: downloads.yaml
actions:
  - target: $.info
    description: A mark only.
    update:
      x-marked: true
";

#[test]
fn the_generator_reads_the_spec_as_corrected() {
    let dir = spec_with("overlay-applied", CORRECTIONS);
    let source = codegen::Generator::default()
        .generate_dir(&dir)
        .map(|g| g.source)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        source.contains("Where the file is served, from the download's creation on."),
        "the description is not the overlay's"
    );
    assert!(
        source.contains("pub status: DownloadStatus,"),
        "status is not required"
    );
    let plain = codegen::Generator::default()
        .generate_dir(&spec_with("overlay-none", NOTHING))
        .map(|g| g.source)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(plain.contains("pub status: Option<DownloadStatus>,"));
}

#[test]
fn the_overlays_command_lists_each_action_and_what_it_changes_in_the_api() {
    let dir = spec_with("overlay-listed", CORRECTIONS);
    let out = codegen(&["overlays", "--spec", dir.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("2 overlay action(s):"), "{text}");
    assert!(
        text.contains("downloads.overlay.yaml#/actions/1: $.components.schemas.Download in downloads.yaml (1 node)"),
        "{text}"
    );
    assert!(
        text.contains("      The service always says the status."),
        "{text}"
    );
    // Required where it was optional: old code's `Option` no longer fits.
    let breaking: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("breaking"))
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(
        breaking
            .iter()
            .any(|l| l.contains("models::Download::status: is now `DownloadStatus`")),
        "{text}"
    );
    assert!(
        text.contains("models::Download::url: documentation changed"),
        "{text}"
    );

    let json = codegen(&[
        "overlays",
        "--spec",
        dir.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(json["actions"][0]["selected"], 1);

    // `--write`: the spec files as corrected, for tools that do not read overlays.
    let written = dir.join("../overlay-listed-corrected");
    let _ = std::fs::remove_dir_all(&written);
    let out = codegen(&[
        "overlays",
        "--spec",
        dir.to_str().expect("utf-8"),
        "--write",
        written.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let mut files: Vec<String> = std::fs::read_dir(&written)
        .expect("written")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["common.yaml", "downloads.yaml"],
        "no overlay among them"
    );
    let corrected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(written.join("downloads.yaml")).expect("read"),
    )
    .expect("JSON");
    assert_eq!(
        corrected["components"]["schemas"]["Download"]["required"],
        serde_json::json!(["status"])
    );
    assert_eq!(json["semver"], "major");
}

#[test]
fn a_correction_that_no_longer_applies_fails_naming_the_overlay_and_the_action() {
    let stale = CORRECTIONS.replace(
        "$.components.schemas.Download.properties.url",
        "$.components.schemas.Download.properties.uri",
    );
    let dir = spec_with("overlay-stale", &stale);
    let error = codegen::Generator::default()
        .generate_dir(&dir)
        .map(|g| g.source)
        .err()
        .map(|e| e.to_string());
    let error = error.unwrap_or_else(|| panic!("a stale overlay generated"));
    assert!(
        error.ends_with(
            "downloads.overlay.yaml#/actions/0: overlay: `$.components.schemas.Download.properties.uri` selects nothing in downloads.yaml: the correction no longer applies (the document changed?); update the target or remove the action"
        ),
        "{error}"
    );
    let out = codegen(&[
        "generate",
        "--spec",
        dir.to_str().expect("utf-8"),
        "--out",
        dir.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");

    let not_an_overlay = CORRECTIONS.replace(
        "    update:\n      required",
        "    updates:\n      required",
    );
    let dir = spec_with("overlay-invalid", &not_an_overlay);
    let error = codegen::Generator::default()
        .generate_dir(&dir)
        .map(|g| g.source)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.contains("downloads.overlay.yaml#/actions/1/updates: overlay: `updates` is not a field of Overlay 1.0"),
        "{error}"
    );
}

/// Names the spec gives enum variants (`x-enum-varnames`, here through an overlay) win over the
/// API lock, as `x-rust-name` does for types: the lock keeps derived names, not asked ones.
#[test]
fn variant_names_the_spec_gives_win_over_the_lock() {
    let named = r"overlay: 1.0.0
info: {title: Names, version: 1.0.0}
extends: downloads.yaml
actions:
  - target: $.components.schemas.DownloadType
    description: Names for the download types.
    update:
      x-enum-varnames: [Mp4, AudioOnly]
";
    let before = codegen::Generator::default()
        .generate_dir(&spec_with("overlay-lock-before", NOTHING))
        .map(|g| g.source)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        before.contains("        Default,\n"),
        "the derived name first"
    );
    let dir = spec_with("overlay-lock-after", named);
    let lock = codegen::load::Spec::load_dir(&spec_with("overlay-lock-old", NOTHING))
        .and_then(|spec| {
            codegen::Generator::new(codegen::Options::default())
                .keeping_names_of(None)
                .generate(&spec)
        })
        .unwrap_or_else(|e| panic!("{e}"))
        .api;
    let spec = codegen::load::Spec::load_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    let after = codegen::Generator::new(codegen::Options::default())
        .keeping_names_of(Some(&lock))
        .generate(&spec)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(after.source.contains("        Mp4,\n"), "{}", after.source);
    assert!(after.source.contains("        AudioOnly,\n"));
    assert!(!after.source.contains("        Default,\n"));
    assert_eq!(
        codegen::changes::compare(&lock, &after.api)
            .changes
            .iter()
            .filter(|c| c.rust.starts_with("models::DownloadType::"))
            .count(),
        2,
        "each rename is reported"
    );
}

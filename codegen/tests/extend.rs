//! Adding a resource is adding a file: the core of `spec/` (`common.yaml` and the hand-written
//! `downloads.yaml`) plus `tests/extend/captions.yaml`, written by hand as a person extending the
//! spec would, generates what the core alone does, plus a documented `captions` module and its
//! accessor, with no change to the generator. The output is kept in `tests/extend/expected.rs`, which the root crate's
//! `compile-tests/` compiles (`EXPECTORATE=overwrite` rewrites it after a spec change).

use std::path::{Path, PathBuf};

fn copy_into(dir: &Path, files: &[PathBuf]) {
    std::fs::create_dir_all(dir).expect("create the scratch spec folder");
    for file in files {
        let name = file.file_name().expect("a file name");
        std::fs::copy(file, dir.join(name)).expect("copy a spec file");
    }
}

#[test]
fn a_new_spec_file_adds_a_documented_resource_module() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![
        manifest.join("../spec/common.yaml"),
        manifest.join("../spec/downloads.yaml"),
    ];
    let core = Path::new(env!("CARGO_TARGET_TMPDIR")).join("core-spec");
    let _ = std::fs::remove_dir_all(&core);
    copy_into(&core, &files);
    let before = outside(&core).expect("the core of spec/ generates");

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("extended-spec");
    let _ = std::fs::remove_dir_all(&dir);
    files.push(manifest.join("tests/extend/captions.yaml"));
    copy_into(&dir, &files);
    let after = outside(&dir).unwrap_or_else(|e| panic!("{e}"));

    // The new module, documented from its tag, and its accessor on `stream`.
    assert!(
        after.contains(
            "    /// Captions and subtitles of a video, one per language. Adding this file"
        ),
        "{after}"
    );
    assert!(after.contains("    pub mod captions {\n"), "{after}");
    assert!(
        after.contains("pub fn captions(&self) -> captions::Captions<'c> {"),
        "{after}"
    );
    assert!(after.contains("pub fn list(\n"), "{after}");
    assert!(after.contains("pub fn delete(\n"), "{after}");
    assert!(after.contains("pub struct Caption {"), "{after}");

    // Everything the downloads module was, it still is.
    let downloads = |source: &str| {
        let start = source
            .find("    pub mod downloads {")
            .expect("downloads module");
        source[start..].to_owned()
    };
    assert_eq!(downloads(&before), downloads(&after));

    expectorate::assert_contents(manifest.join("tests/extend/expected.rs"), &after);
}

/// The code for `spec`, as a crate other than the runtime's compiles it (`compile-tests`).
fn outside(spec: &Path) -> codegen::Result<String> {
    let options = codegen::Options {
        outside_runtime: true,
        ..codegen::Options::default()
    };
    codegen::Generator::new(options)
        .generate_dir(spec)
        .map(|generated| generated.source)
}

//! `generated/api.rs` is exactly what the generator makes of `spec/` today.
//!
//! After a spec change this fails with a diff; bless the new output with
//! `cargo run -p cloudflare-stream-codegen -- generate` (or `EXPECTORATE=overwrite cargo test
//! --test snapshot`), then review and commit it with the spec change.

use std::path::Path;

#[test]
fn generated_copy_matches_the_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fresh = codegen::Generator::default()
        .generate_dir(&root.join("spec"))
        .map(|g| g.source)
        .unwrap_or_else(|e| panic!("{e}"));
    expectorate::assert_contents(root.join("generated").join(codegen::OUTPUT_FILE), &fresh);
}

#[test]
fn the_crate_compiles_what_the_copy_shows() {
    // The build script generates into OUT_DIR from the same spec; both must be the same bytes.
    let built = include_str!(concat!(env!("OUT_DIR"), "/api.rs"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fresh = codegen::Generator::default()
        .generate_dir(&root.join("spec"))
        .map(|g| g.source)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        built == fresh,
        "OUT_DIR/api.rs differs from a fresh generation"
    );
}

//! Cloudflare's schemas in `../shared/specs` (beside the repository), for the tests that read
//! them: where a file is absent the test says it is skipped, and under `CI=true` it fails.

use std::path::{Path, PathBuf};

/// `relative` (a file or folder) under `../shared/specs`, if it is there.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/specs")
        .join(relative);
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{} is required under CI",
        path.display()
    );
    eprintln!("skipped: {} not found", path.display());
    None
}

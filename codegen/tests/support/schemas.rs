//! Cloudflare's schemas, vendored in the repository's `schemas/cloudflare/` (with their
//! notice), for the tests that read them.

use std::path::{Path, PathBuf};

/// `relative` (a file or folder) under `schemas/cloudflare/`. It is part of the repository, so
/// its absence is a broken checkout: the test fails saying so.
pub fn schema(relative: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../schemas/cloudflare")
        .join(relative);
    assert!(
        path.exists(),
        "{} is missing from the checkout",
        path.display()
    );
    path
}

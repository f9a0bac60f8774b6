//! Which files of a folder make up the spec.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Every `.yaml`, `.yml` and `.json` file directly inside `dir`, sorted: the spec, and what a
/// build script must watch.
pub fn spec_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_file() && is_spec_file(&path) {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}

/// Whether `path` names a spec file (`.yaml`, `.yml`, `.json`).
pub fn is_spec_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

pub(super) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

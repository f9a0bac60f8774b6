//! Reading and writing the files the commands touch.

use std::path::Path;

/// Writes `text` to `path`, making its folder.
pub fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The text of `path`, empty if there is no such file.
pub fn read_or_empty(path: &Path) -> Result<String, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// The diff from the committed file to a fresh generation, empty when they agree.
pub fn stale_diff(target: &Path, fresh: &str) -> Result<String, String> {
    let committed = read_or_empty(target)?;
    let name = target.display().to_string();
    Ok(crate::diff(
        &name,
        &committed,
        "generated from the spec",
        fresh,
    ))
}

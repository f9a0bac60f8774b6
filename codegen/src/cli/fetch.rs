//! `import --from URL`: a schema fetched over HTTPS into a scratch file, read from there as a
//! file given on the command line is.

use std::path::{Path, PathBuf};

/// The largest schema taken: Cloudflare's whole API is about 4 MB minified, 13 MB indented.
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Where the schema is: the file given, or the scratch copy of the URL given (removed on drop).
pub struct Fetched {
    path: PathBuf,
    scratch: Option<PathBuf>,
}

impl Fetched {
    /// `arg` as a path, or, when it is an `https://` (or `http://`) URL, its content fetched.
    pub fn from_arg(arg: &str) -> Result<Self, String> {
        let Some(rest) = arg
            .strip_prefix("https://")
            .or_else(|| arg.strip_prefix("http://"))
        else {
            return Ok(Self {
                path: PathBuf::from(arg),
                scratch: None,
            });
        };
        if arg.starts_with("http://") {
            eprintln!("note: {arg} is fetched over plain HTTP, unauthenticated");
        }
        let bytes = fetch(arg)?;
        // The file keeps the URL's name: imported files say where they came from by it, and
        // the reader tells JSON from YAML by its extension.
        let name = rest
            .split(['?', '#'])
            .next()
            .and_then(|path| path.rsplit('/').next())
            .filter(|name| !name.is_empty())
            .unwrap_or("schema.json");
        let scratch =
            std::env::temp_dir().join(format!("cloudflare-stream-codegen-{}", std::process::id()));
        std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
        let path = scratch.join(name);
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("fetched {arg} into {}", path.display());
        Ok(Self {
            path,
            scratch: Some(scratch),
        })
    }

    /// The file to read.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Fetched {
    fn drop(&mut self) {
        if let Some(scratch) = &self.scratch {
            let _ = std::fs::remove_dir_all(scratch);
        }
    }
}

/// The body of a successful GET of `url`, at most [`MAX_BYTES`].
fn fetch(url: &str) -> Result<Vec<u8>, String> {
    let mut response = ureq::get(url)
        .header(
            "User-Agent",
            concat!("cloudflare-stream-codegen/", env!("CARGO_PKG_VERSION")),
        )
        .call()
        .map_err(|e| format!("cannot fetch {url}: {e}"))?;
    response
        .body_mut()
        .with_config()
        .limit(MAX_BYTES)
        .read_to_vec()
        .map_err(|e| format!("cannot read {url} (at most {} MiB): {e}", MAX_BYTES >> 20))
}

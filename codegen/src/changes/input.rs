//! One side of a changelog: a spec folder, a single spec file, or a folder (or file) at a git
//! revision (`HEAD:spec`, `v0.1.0:spec/downloads.yaml`), each with its API lock if it has one.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::load::Spec;
use crate::model::{self, Api};

/// Where a side is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A spec folder (and its lock).
    Folder(PathBuf),
    /// One spec file.
    File(PathBuf),
    /// A folder or file as it was at a git revision: `REV:path` (the path relative to the
    /// current directory, as `git show` reads `REV:./path`).
    Revision {
        /// The revision (`HEAD`, a tag, a commit).
        rev: String,
        /// The folder or file.
        path: String,
    },
}

/// A side, loaded.
#[derive(Debug)]
pub struct Side {
    /// Its spec files.
    pub spec: Spec,
    /// Its API lock, if it has one.
    pub lock: Option<Api>,
}

impl Source {
    /// What `arg` names: an existing file or folder, else `REV:path`.
    pub fn parse(arg: &str) -> Self {
        let path = Path::new(arg);
        if path.is_file() {
            return Self::File(path.to_path_buf());
        }
        if path.is_dir() {
            return Self::Folder(path.to_path_buf());
        }
        match arg.split_once(':') {
            Some((rev, path)) if !rev.is_empty() => Self::Revision {
                rev: rev.to_owned(),
                path: if path.is_empty() {
                    ".".into()
                } else {
                    path.to_owned()
                },
            },
            _ => Self::Folder(path.to_path_buf()),
        }
    }

    /// Reads the side.
    pub fn load(&self) -> Result<Side> {
        match self {
            Self::Folder(dir) => Ok(Side {
                spec: Spec::load_dir(dir)?,
                lock: model::lock::read(dir)?,
            }),
            Self::File(file) => Ok(Side {
                spec: Spec::load_files(vec![file.clone()])?,
                lock: None,
            }),
            Self::Revision { rev, path } => load_revision(rev, path),
        }
    }
}

/// The spec files (and lock) of `path` at `rev`, read with git.
fn load_revision(rev: &str, path: &str) -> Result<Side> {
    let path = path.trim_end_matches('/');
    let object = format!("{rev}:./{path}");
    let kind = git(&["cat-file", "-t", &object], &object)?;
    let label = |name: &str| PathBuf::from(format!("{rev}:{path}/{name}"));
    match kind.trim() {
        "blob" => {
            let text = git(&["show", &object], &object)?;
            Ok(Side {
                spec: Spec::from_sources(vec![(PathBuf::from(format!("{rev}:{path}")), text)])?,
                lock: None,
            })
        }
        "tree" => {
            // `--full-tree`: from a subfolder, `ls-tree` would list only what lies below it.
            let listing = git(&["ls-tree", "--full-tree", "--name-only", &object], &object)?;
            let mut sources = Vec::new();
            let mut lock = None;
            for name in listing.lines() {
                let file = format!("{object}/{name}");
                if crate::load::is_spec_file(Path::new(name)) {
                    sources.push((label(name), git(&["show", &file], &file)?));
                } else if name == model::lock::LOCK_FILE {
                    let text = git(&["show", &file], &file)?;
                    let dir = PathBuf::from(format!("{rev}:{path}"));
                    lock = Some(model::lock::parse(&text, &label(name), &dir)?);
                }
            }
            if sources.is_empty() {
                return Err(Error::NoSpecFiles {
                    dir: PathBuf::from(object),
                });
            }
            Ok(Side {
                spec: Spec::from_sources(sources)?,
                lock,
            })
        }
        other => Err(git_error(
            &object,
            &format!("not a file or folder ({other})"),
        )),
    }
}

/// The output of `git args`, or an error naming `what`.
fn git(args: &[&str], what: &str) -> Result<String> {
    let output = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| git_error(what, &format!("cannot run git: {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(git_error(what, stderr.trim()));
    }
    String::from_utf8(output.stdout).map_err(|_| git_error(what, "not UTF-8 text"))
}

fn git_error(what: &str, message: &str) -> Error {
    Error::Io {
        path: PathBuf::from(what),
        source: std::io::Error::other(message.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_name_folders_files_or_revisions() {
        let here = env!("CARGO_MANIFEST_DIR");
        assert_eq!(Source::parse(here), Source::Folder(PathBuf::from(here)));
        let manifest = format!("{here}/Cargo.toml");
        assert_eq!(
            Source::parse(&manifest),
            Source::File(PathBuf::from(&manifest))
        );
        assert_eq!(
            Source::parse("HEAD:spec"),
            Source::Revision {
                rev: "HEAD".into(),
                path: "spec".into()
            }
        );
        assert_eq!(
            Source::parse("v1:"),
            Source::Revision {
                rev: "v1".into(),
                path: ".".into()
            }
        );
    }
}

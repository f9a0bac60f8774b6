//! Where an upload's bytes come from: a file (which can be read from any offset, and whose
//! change during the upload is noticed) or any async reader of a known length (read once,
//! forward).
//!
//! A file is read with `std::fs` on tokio's blocking threads, which is what `tokio::fs` does
//! inside; its `fs` feature would cost every user's build its compile time for that
//! (BENCHMARKS.md section 5).

use std::io::{Read as _, Seek as _};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt};

use super::UploadError;

/// The bytes to upload.
pub struct UploadSource(Kind);

enum Kind {
    Path(PathBuf),
    Reader {
        reader: Box<dyn AsyncRead + Unpin + Send>,
        length: u64,
    },
}

impl std::fmt::Debug for UploadSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Kind::Path(path) => f.debug_tuple("Path").field(path).finish(),
            Kind::Reader { length, .. } => f
                .debug_struct("Reader")
                .field("length", length)
                .finish_non_exhaustive(),
        }
    }
}

impl UploadSource {
    /// The file at `path`. A resumed upload reads it from the offset the service has; a file
    /// whose length or modification time changes during the upload stops it
    /// ([`UploadError::SourceChanged`]).
    pub fn path(path: impl Into<PathBuf>) -> Self {
        Self(Kind::Path(path.into()))
    }

    /// `length` bytes from `reader`, read once, forward: a resumed upload skips what the
    /// service already has.
    pub fn reader(reader: impl AsyncRead + Unpin + Send + 'static, length: u64) -> Self {
        Self(Kind::Reader {
            reader: Box::new(reader),
            length,
        })
    }
}

impl UploadSource {
    /// The file's name, for a form part.
    pub(crate) fn file_name(&self) -> Option<String> {
        match &self.0 {
            Kind::Path(path) => path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned()),
            Kind::Reader { .. } => None,
        }
    }
}

/// What a file looked like when the upload started.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fingerprint {
    length: u64,
    modified: Option<SystemTime>,
}

/// A source being read.
pub(crate) struct Opened {
    reader: Box<dyn AsyncRead + Unpin + Send>,
    length: u64,
    /// The offset of the next byte `read` gives.
    position: u64,
    /// The file, to seek in and to watch.
    file: Option<(PathBuf, Fingerprint)>,
    /// The open file; away on a blocking thread while a read is under way.
    seekable: Option<std::fs::File>,
}

/// Runs `work` on tokio's blocking threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> std::io::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(std::io::Error::other)?
}

impl Opened {
    pub(crate) async fn open(source: UploadSource) -> Result<Self, UploadError> {
        match source.0 {
            Kind::Path(path) => {
                let opened = path.clone();
                let file = blocking(move || std::fs::File::open(opened))
                    .await
                    .map_err(|e| UploadError::Read {
                        path: path.clone(),
                        source: e,
                    })?;
                let fingerprint = fingerprint(&path).await?;
                Ok(Self {
                    reader: Box::new(tokio::io::empty()),
                    length: fingerprint.length,
                    position: 0,
                    file: Some((path, fingerprint)),
                    seekable: Some(file),
                })
            }
            Kind::Reader { reader, length } => Ok(Self {
                reader,
                length,
                position: 0,
                file: None,
                seekable: None,
            }),
        }
    }

    /// How many bytes the source holds.
    pub(crate) fn length(&self) -> u64 {
        self.length
    }

    /// Moves to `offset`: a file seeks; a reader skips forward, and cannot go back.
    pub(crate) async fn seek(&mut self, offset: u64) -> Result<(), UploadError> {
        if offset == self.position {
            return Ok(());
        }
        if self.file.is_some() {
            // The next read starts there.
            self.position = offset;
            return Ok(());
        }
        if offset < self.position {
            return Err(UploadError::Protocol(format!(
                "the service asks for bytes from {offset}, which a reader read past (at {})",
                self.position
            )));
        }
        let skip = offset - self.position;
        let skipped = tokio::io::copy(&mut (&mut self.reader).take(skip), &mut tokio::io::sink())
            .await
            .map_err(|e| UploadError::Read {
                path: self.path(),
                source: e,
            })?;
        if skipped != skip {
            return Err(UploadError::SourceChanged(
                "the reader ended before its length".to_owned(),
            ));
        }
        self.position = offset;
        Ok(())
    }

    /// The next `len` bytes, exactly; a file first checked to be as it was.
    pub(crate) async fn read(&mut self, len: u64) -> Result<Bytes, UploadError> {
        check_unchanged(self.file.as_ref()).await?;
        let size = usize::try_from(len).map_err(|_| {
            UploadError::Protocol(format!("a chunk of {len} bytes does not fit in memory"))
        })?;
        let path = self.path();
        let result = match self.seekable.take() {
            Some(mut file) => {
                let position = self.position;
                // Allocated here rather than on the blocking thread: glibc gives each thread
                // its own arena, and chunks allocated there and freed here left the client
                // half again its memory (40 MiB peak against 25 for a 256 MiB upload).
                let mut buffer = vec![0; size];
                let read = blocking(move || {
                    file.seek(std::io::SeekFrom::Start(position))?;
                    let read = file.read_exact(&mut buffer).map(|()| buffer);
                    Ok((file, read))
                })
                .await;
                match read {
                    Ok((file, read)) => {
                        self.seekable = Some(file);
                        read
                    }
                    Err(e) => Err(e),
                }
            }
            None if self.file.is_some() => Err(std::io::Error::other(
                "the file was lost with a read that did not finish",
            )),
            None => {
                let mut buffer = vec![0; size];
                self.reader.read_exact(&mut buffer).await.map(|_| buffer)
            }
        };
        let buffer = match result {
            Ok(buffer) => buffer,
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                return Err(UploadError::SourceChanged(
                    "it ended before its length".to_owned(),
                ));
            }
            Err(e) => return Err(UploadError::Read { path, source: e }),
        };
        self.position += len;
        Ok(Bytes::from(buffer))
    }

    fn path(&self) -> PathBuf {
        self.file
            .as_ref()
            .map_or_else(|| PathBuf::from("(reader)"), |(path, _)| path.clone())
    }
}

/// A file whose length or modification time changed since the upload started is not the file
/// being uploaded any more.
async fn check_unchanged(file: Option<&(PathBuf, Fingerprint)>) -> Result<(), UploadError> {
    let Some((path, before)) = file else {
        return Ok(());
    };
    let now = fingerprint(path).await?;
    if &now != before {
        return Err(UploadError::SourceChanged(format!(
            "{} changed during the upload (length {} then {})",
            path.display(),
            before.length,
            now.length
        )));
    }
    Ok(())
}

async fn fingerprint(path: &Path) -> Result<Fingerprint, UploadError> {
    let owned = path.to_path_buf();
    let metadata = blocking(move || std::fs::metadata(owned))
        .await
        .map_err(|e| UploadError::Read {
            path: path.to_path_buf(),
            source: e,
        })?;
    Ok(Fingerprint {
        length: metadata.len(),
        modified: metadata.modified().ok(),
    })
}

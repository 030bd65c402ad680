//! The blob-store port (M9): files' bytes, addressed by their SHA-256, and its adapters: a
//! local directory (in the data directory, or any directory several nodes share) and nothing
//! at all (a process that keeps no files).
//!
//! Architecture Invariant: a blob is written whole or not at all. Bytes go to a temporary file
//! as they arrive (never held whole in memory), are flushed to disk, and only then renamed to
//! their key: a reader never sees half a file, and a crash leaves at most a temporary file,
//! which the next start removes.

use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use async_trait::async_trait;
use campfire_domain::BlobKey;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncSeekExt, AsyncWriteExt};

use crate::StoreError;

/// A blob being read: its whole length, and its bytes from where reading began.
pub struct BlobReader {
    /// The blob's length in bytes.
    pub len: u64,
    /// The bytes from the offset asked for to the end.
    pub bytes: Pin<Box<dyn AsyncRead + Send>>,
}

/// A blob being written. Dropped without [`BlobWriter::finish`], it leaves nothing behind.
#[async_trait]
pub trait BlobWriter: Send {
    /// Appends bytes.
    async fn write(&mut self, chunk: &[u8]) -> Result<(), StoreError>;
    /// Stores what was written under its key; answers the key and the length.
    async fn finish(self: Box<Self>) -> Result<(BlobKey, u64), StoreError>;
}

/// Where files' bytes are kept.
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Starts writing a new blob.
    async fn create(&self) -> Result<Box<dyn BlobWriter>, StoreError>;
    /// Reads a blob from byte `from`; `None` when there is no such blob.
    async fn open(&self, key: &BlobKey, from: u64) -> Result<Option<BlobReader>, StoreError>;
    /// Removes a blob; removing a missing one is no error.
    async fn remove(&self, key: &BlobKey) -> Result<(), StoreError>;
    /// Every stored blob.
    async fn list(&self) -> Result<Vec<BlobKey>, StoreError>;
}

/// Writes `bytes` as one blob.
pub async fn put(blobs: &dyn BlobStore, bytes: &[u8]) -> Result<(BlobKey, u64), StoreError> {
    let mut writer = blobs.create().await?;
    writer.write(bytes).await?;
    writer.finish().await
}

/// Reads a whole blob into memory: only for what must be decoded whole anyway (an image
/// for its thumbnail) and is known to be small enough.
pub async fn read_all(blobs: &dyn BlobStore, key: &BlobKey) -> Result<Vec<u8>, StoreError> {
    use tokio::io::AsyncReadExt;
    let mut reader = blobs
        .open(key, 0)
        .await?
        .ok_or(StoreError::NotFound("file"))?;
    let mut bytes = Vec::with_capacity(usize::try_from(reader.len).unwrap_or(0));
    reader
        .bytes
        .read_to_end(&mut bytes)
        .await
        .map_err(io_error)?;
    Ok(bytes)
}

fn io_error(error: io::Error) -> StoreError {
    StoreError::Backend(Box::new(error))
}

/// Blobs as files under one directory: `<dir>/ab/cd/abcd…` (two levels, so no directory grows
/// past 65,536 entries' worth of fan-out), with `<dir>/tmp/` for files being written.
#[derive(Debug, Clone)]
pub struct LocalBlobs {
    root: PathBuf,
}

impl LocalBlobs {
    /// Blobs under `root`, which is created if missing; leftovers of interrupted writes are
    /// removed.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let root = root.into();
        let tmp = root.join("tmp");
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(io_error)?;
        }
        std::fs::create_dir_all(&tmp).map_err(io_error)?;
        Ok(LocalBlobs { root })
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Stores the file at `source` as a blob, read in pieces (for the import, which runs on a
    /// thread of its own). Answers its key and length.
    pub fn put_file_blocking(&self, source: &Path) -> Result<(BlobKey, u64), StoreError> {
        let mut input = std::fs::File::open(source).map_err(io_error)?;
        self.put_reader_blocking(&mut input)
    }

    /// Stores `bytes` as a blob, on the calling thread.
    pub fn put_blocking(&self, bytes: &[u8]) -> Result<(BlobKey, u64), StoreError> {
        self.put_reader_blocking(&mut std::io::Cursor::new(bytes))
    }

    fn put_reader_blocking(&self, input: &mut dyn io::Read) -> Result<(BlobKey, u64), StoreError> {
        let random =
            crate::app::random::bytes::<16>().map_err(|e| StoreError::Backend(Box::new(e)))?;
        let name: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let tmp = self.root.join("tmp").join(name);
        let outcome = (|| {
            let mut output = std::fs::File::create_new(&tmp)?;
            let mut hash = Sha256::new();
            let mut len = 0_u64;
            let mut buffer = vec![0_u8; 256 * 1024];
            loop {
                let n = input.read(&mut buffer)?;
                if n == 0 {
                    break;
                }
                let chunk = buffer.get(..n).unwrap_or_default();
                io::Write::write_all(&mut output, chunk)?;
                hash.update(chunk);
                len += n as u64;
            }
            output.sync_all()?;
            let digest: [u8; 32] = hash.finalize().into();
            let key = BlobKey::from_digest(&digest);
            let path = self.path(&key);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            if path.exists() {
                std::fs::remove_file(&tmp)?;
            } else {
                std::fs::rename(&tmp, &path)?;
            }
            Ok::<_, io::Error>((key, len))
        })();
        outcome.map_err(|error| {
            let _ = std::fs::remove_file(&tmp);
            io_error(error)
        })
    }

    /// Where a blob's file is.
    pub fn path(&self, key: &BlobKey) -> PathBuf {
        blob_path(&self.root, key)
    }
}

struct LocalWriter {
    file: Option<tokio::fs::File>,
    tmp: PathBuf,
    root: LocalBlobs,
    hash: Sha256,
    len: u64,
}

impl Drop for LocalWriter {
    fn drop(&mut self) {
        // Finished writers have moved their file; this removes an abandoned one.
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[async_trait]
impl BlobWriter for LocalWriter {
    async fn write(&mut self, chunk: &[u8]) -> Result<(), StoreError> {
        let file = self.file.as_mut().ok_or(StoreError::NotFound("file"))?;
        file.write_all(chunk).await.map_err(io_error)?;
        self.hash.update(chunk);
        self.len += chunk.len() as u64;
        Ok(())
    }

    async fn finish(mut self: Box<Self>) -> Result<(BlobKey, u64), StoreError> {
        let Some(mut file) = self.file.take() else {
            return Err(StoreError::NotFound("file"));
        };
        let outcome = async {
            file.flush().await?;
            file.sync_all().await?;
            drop(file);
            let digest: [u8; 32] = self.hash.clone().finalize().into();
            let key = BlobKey::from_digest(&digest);
            let path = self.root.path(&key);
            if let Some(parent) = path.parent() {
                tokio::fs::create_dir_all(parent).await?;
            }
            // The same bytes again: one copy is kept.
            if tokio::fs::try_exists(&path).await? {
                tokio::fs::remove_file(&self.tmp).await?;
            } else {
                tokio::fs::rename(&self.tmp, &path).await?;
            }
            Ok::<_, io::Error>(key)
        }
        .await;
        match outcome {
            Ok(key) => Ok((key, self.len)),
            Err(error) => {
                let _ = tokio::fs::remove_file(&self.tmp).await;
                Err(io_error(error))
            }
        }
    }
}

#[async_trait]
impl BlobStore for LocalBlobs {
    async fn create(&self) -> Result<Box<dyn BlobWriter>, StoreError> {
        let random =
            crate::app::random::bytes::<16>().map_err(|e| StoreError::Backend(Box::new(e)))?;
        let name: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let tmp = self.root.join("tmp").join(name);
        let file = tokio::fs::File::create_new(&tmp).await.map_err(io_error)?;
        Ok(Box::new(LocalWriter {
            file: Some(file),
            tmp,
            root: self.clone(),
            hash: Sha256::new(),
            len: 0,
        }))
    }

    async fn open(&self, key: &BlobKey, from: u64) -> Result<Option<BlobReader>, StoreError> {
        let mut file = match tokio::fs::File::open(self.path(key)).await {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(io_error(error)),
        };
        let len = file.metadata().await.map_err(io_error)?.len();
        if from > 0 {
            file.seek(io::SeekFrom::Start(from.min(len)))
                .await
                .map_err(io_error)?;
        }
        Ok(Some(BlobReader {
            len,
            bytes: Box::pin(file),
        }))
    }

    async fn remove(&self, key: &BlobKey) -> Result<(), StoreError> {
        match tokio::fs::remove_file(self.path(key)).await {
            Err(error) if error.kind() != io::ErrorKind::NotFound => Err(io_error(error)),
            _ => Ok(()),
        }
    }

    async fn list(&self) -> Result<Vec<BlobKey>, StoreError> {
        let root = self.root.clone();
        tokio::task::spawn_blocking(move || list_dir(&root))
            .await
            .map_err(|e| StoreError::Backend(Box::new(e)))?
            .map_err(io_error)
    }
}

fn list_dir(root: &Path) -> io::Result<Vec<BlobKey>> {
    let mut keys: Vec<BlobKey> = blob_files(root)?.into_iter().map(|(key, _)| key).collect();
    keys.sort();
    Ok(keys)
}

/// Where the blob `key` is in a local blob directory `root`: `ab/cd/abcd…`.
pub fn blob_path(root: &Path, key: &BlobKey) -> PathBuf {
    let k = key.as_str();
    root.join(&k[0..2]).join(&k[2..4]).join(k)
}

/// Every blob file in a local blob directory, without opening it as a store (which would
/// clear its `tmp/`): what a backup copies while the server keeps writing.
pub fn blob_files(root: &Path) -> io::Result<Vec<(BlobKey, PathBuf)>> {
    let mut found = Vec::new();
    if !root.is_dir() {
        return Ok(found);
    }
    for first in std::fs::read_dir(root)? {
        let first = first?;
        if first.file_name() == "tmp" || !first.file_type()?.is_dir() {
            continue;
        }
        for second in std::fs::read_dir(first.path())? {
            let second = second?;
            if !second.file_type()?.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(second.path())? {
                let file = file?;
                let key = file
                    .file_name()
                    .to_str()
                    .and_then(|n| BlobKey::parse(n).ok());
                if let (Some(key), true) = (key, file.file_type()?.is_file()) {
                    found.push((key, file.path()));
                }
            }
        }
    }
    Ok(found)
}

/// No blob store: every read finds nothing and every write is refused (a process without
/// files, such as one given only a database).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoBlobs;

#[async_trait]
impl BlobStore for NoBlobs {
    async fn create(&self) -> Result<Box<dyn BlobWriter>, StoreError> {
        Err(StoreError::NotFound("blob store"))
    }

    async fn open(&self, _: &BlobKey, _: u64) -> Result<Option<BlobReader>, StoreError> {
        Ok(None)
    }

    async fn remove(&self, _: &BlobKey) -> Result<(), StoreError> {
        Ok(())
    }

    async fn list(&self) -> Result<Vec<BlobKey>, StoreError> {
        Ok(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_blob_is_kept_under_its_hash_and_read_from_any_offset() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = LocalBlobs::open(dir.path()).unwrap();
        let (key, len) = put(&blobs, b"hello, campfire").await.unwrap();
        assert_eq!(len, 15);
        // SHA-256 of the bytes, as `sha256sum` prints it.
        assert_eq!(
            key.as_str(),
            "d699d0d44a8d0221663cd3848ea0057fb3cd93282537a3df53d239ab0108b7ec"
        );
        assert!(blobs.path(&key).exists());
        let mut reader = blobs.open(&key, 7).await.unwrap().unwrap();
        assert_eq!(reader.len, 15);
        let mut rest = String::new();
        tokio::io::AsyncReadExt::read_to_string(&mut reader.bytes, &mut rest)
            .await
            .unwrap();
        assert_eq!(rest, "campfire");
        assert_eq!(blobs.list().await.unwrap().len(), 1);
        blobs.remove(&key).await.unwrap();
        assert!(blobs.open(&key, 0).await.unwrap().is_none());
        blobs.remove(&key).await.unwrap();
    }

    #[tokio::test]
    async fn an_abandoned_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = LocalBlobs::open(dir.path()).unwrap();
        let mut writer = blobs.create().await.unwrap();
        writer.write(b"half a file").await.unwrap();
        drop(writer);
        assert_eq!(
            std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
            0
        );
        assert!(blobs.list().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn blobs_written_on_a_thread_are_the_same_blobs() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = LocalBlobs::open(dir.path()).unwrap();
        let source = dir.path().join("source.bin");
        std::fs::write(&source, vec![7_u8; 600_000]).unwrap();
        let (from_file, len) = blobs.put_file_blocking(&source).unwrap();
        assert_eq!(len, 600_000);
        let (from_bytes, _) = put(&blobs, &vec![7_u8; 600_000]).await.unwrap();
        assert_eq!(from_file, from_bytes);
        assert_eq!(blobs.put_blocking(b"x").unwrap().1, 1);
        assert!(
            blobs
                .put_file_blocking(&dir.path().join("missing"))
                .is_err()
        );
        assert_eq!(
            std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
            0
        );
    }

    #[tokio::test]
    async fn the_same_bytes_twice_are_one_blob() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = LocalBlobs::open(dir.path()).unwrap();
        let (first, _) = put(&blobs, b"same").await.unwrap();
        let (second, _) = put(&blobs, b"same").await.unwrap();
        assert_eq!(first, second);
        assert_eq!(blobs.list().await.unwrap().len(), 1);
    }
}

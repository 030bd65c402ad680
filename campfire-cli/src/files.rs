//! Files in backups (M9): a backup `FILE` keeps the files' bytes beside it in `FILE.files/`,
//! laid out as the data directory's `files/` (the local blob store), so a restore puts them
//! back where the server reads them.
//!
//! Blobs never change once written (their name is their hash), so a copy is a hard link where
//! the two directories share a file system, and a blob already present is skipped.

use std::io;
use std::path::{Path, PathBuf};

use campfire_store::blobs;

/// Where the files of backup `file` are kept.
pub fn beside(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".files");
    PathBuf::from(name)
}

/// What a copy did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    /// Blobs copied (or linked).
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
}

/// Copies every blob of the blob directory `from` missing from `to`. A missing `from` holds
/// no files. Each copy is written under a temporary name and renamed, so an interrupted copy
/// leaves no half file under a blob's name.
pub fn copy_blobs(from: &Path, to: &Path) -> io::Result<Copied> {
    let mut copied = Copied::default();
    for (key, blob) in blobs::blob_files(from)? {
        let target = blobs::blob_path(to, &key);
        if target.exists() {
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let bytes = std::fs::metadata(&blob)?.len();
        if std::fs::hard_link(&blob, &target).is_err() {
            let partial = target.with_extension("partial");
            std::fs::copy(&blob, &partial)?;
            std::fs::File::open(&partial)?.sync_all()?;
            std::fs::rename(&partial, &target)?;
        }
        copied.files += 1;
        copied.bytes += bytes;
    }
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_copied_once_in_the_same_layout() {
        let from = tempfile::tempdir().unwrap();
        let to = tempfile::tempdir().unwrap();
        let key = "ab".repeat(32);
        let blob = from.path().join("ab/ab").join(&key);
        std::fs::create_dir_all(blob.parent().unwrap()).unwrap();
        std::fs::write(&blob, b"bytes").unwrap();
        std::fs::create_dir_all(from.path().join("tmp")).unwrap();
        std::fs::write(from.path().join("tmp/half"), b"half").unwrap();
        let copied = copy_blobs(from.path(), to.path()).unwrap();
        assert_eq!(copied, Copied { files: 1, bytes: 5 });
        assert_eq!(
            std::fs::read(to.path().join("ab/ab").join(&key)).unwrap(),
            b"bytes"
        );
        assert!(!to.path().join("tmp").exists());
        assert_eq!(
            copy_blobs(from.path(), to.path()).unwrap(),
            Copied::default()
        );
        assert_eq!(
            beside(Path::new("/backups/monday.db")),
            Path::new("/backups/monday.db.files")
        );
    }
}

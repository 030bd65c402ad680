//! The original's files (Active Storage) into our blob store: message attachments, avatars and
//! the logo. Bytes are copied from `files/<key[0:2]>/<key[2:4]>/<key>` into a blob store in the
//! import's scratch directory, which moves into the data directory only when the whole import
//! is written. Images are described by the same rules as uploads (`app::picture`): a thumbnail
//! for a decoded image, a type by name for the rest; avatars and the logo are made 512-pixel
//! squares.

use std::io::Read;

use campfire_domain::{Attachment, BlobKey, ContentType, FileName, THUMBNAIL_BOX};
use campfire_store::StoreError;
use campfire_store::app::picture::{self, Picture, Square};
use campfire_store::blobs::LocalBlobs;
use campfire_store::once::{OnceFile, OnceSource};

/// Why a file could not be brought over.
#[derive(Debug, thiserror::Error)]
pub enum FileProblem {
    /// Not in the storage folder's `files/`.
    #[error("its file {0} is missing from the storage folder's files/")]
    Missing(String),
    /// There, but not readable, or the copy failed.
    #[error("its file {key} could not be copied: {error}")]
    Unreadable {
        /// The original's key.
        key: String,
        /// What went wrong.
        error: String,
    },
    /// Not a picture we can read (avatars and the logo only).
    #[error("its picture {0} is not an image we can read")]
    NotAPicture(String),
}

/// Copies a message's file into `blobs` and describes it as an upload would be.
pub fn attachment(
    source: &OnceSource,
    blobs: &LocalBlobs,
    file: &OnceFile,
) -> Result<Attachment, FileProblem> {
    let path = existing(source, file)?;
    let unreadable = |error: &dyn std::fmt::Display| FileProblem::Unreadable {
        key: file.key.clone(),
        error: error.to_string(),
    };
    let (blob, len) = blobs.put_file_blocking(&path).map_err(|e| unreadable(&e))?;
    let name = FileName::clean(&file.filename);
    let mut attachment = Attachment {
        blob,
        content_type: ContentType::from_name(&name),
        name,
        byte_size: len,
        image: None,
    };
    let mut head = [0_u8; 16];
    let read = std::fs::File::open(&path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| unreadable(&e))?;
    if picture::worth_decoding(head.get(..read).unwrap_or_default(), len) {
        let bytes = std::fs::read(&path).map_err(|e| unreadable(&e))?;
        // A bomb or a broken image stays a download, as any other file: the message is kept.
        if let Picture::Shown(shown) = picture::picture(&bytes, THUMBNAIL_BOX) {
            let (thumbnail, _) = blobs
                .put_blocking(&shown.thumbnail)
                .map_err(|e| unreadable(&e))?;
            attachment.content_type = shown.content_type;
            attachment.image = Some((shown.size, thumbnail));
        }
    }
    Ok(attachment)
}

/// An avatar or the logo: the picture made a 512-pixel square and stored.
pub fn picture(
    source: &OnceSource,
    blobs: &LocalBlobs,
    file: &OnceFile,
) -> Result<BlobKey, FileProblem> {
    let path = existing(source, file)?;
    let bytes = std::fs::read(&path).map_err(|e| FileProblem::Unreadable {
        key: file.key.clone(),
        error: e.to_string(),
    })?;
    match picture::square(&bytes, picture::PICTURE_SIDE) {
        Square::Made(square) => {
            blobs
                .put_blocking(&square)
                .map(|(key, _)| key)
                .map_err(|e: StoreError| FileProblem::Unreadable {
                    key: file.key.clone(),
                    error: e.to_string(),
                })
        }
        Square::Bomb(_) | Square::NotAnImage => Err(FileProblem::NotAPicture(file.key.clone())),
    }
}

fn existing(source: &OnceSource, file: &OnceFile) -> Result<std::path::PathBuf, FileProblem> {
    source
        .file_path(file)
        .filter(|p| p.is_file())
        .ok_or_else(|| FileProblem::Missing(file.key.clone()))
}

//! A message's file (M9): what is kept about it, and the rules for naming and showing it.
//!
//! The bytes live in a blob store under their SHA-256 ([`BlobKey`]); a message keeps the key, the
//! name the uploader gave (cleaned), the type we decided on and the size. Whether a browser may
//! show a file in the page or must download it is decided here, once, from the type: only
//! raster images we decoded ourselves, video and audio play inline; SVG, HTML and everything
//! else is a download.

use crate::ValueError;

/// The address of a blob: the lowercase hex SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobKey(String);

impl BlobKey {
    /// Hex digits in a key.
    pub const LEN: usize = 64;

    /// A key as stored or as written in a blob's file name.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let hex = raw.len() == Self::LEN
            && raw
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !hex {
            return Err(ValueError::Malformed {
                what: "blob key",
                why: "it must be 64 lowercase hex digits",
            });
        }
        Ok(BlobKey(raw.to_owned()))
    }

    /// The key from a SHA-256 digest.
    pub fn from_digest(digest: &[u8; 32]) -> Self {
        use std::fmt::Write;
        let mut key = String::with_capacity(Self::LEN);
        for byte in digest {
            let _ = write!(key, "{byte:02x}");
        }
        BlobKey(key)
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A file's name as shown and offered for download: the last part of what the uploader sent,
/// without control characters or the bidirectional overrides that make `exe.pdf` out of
/// `fdp.exe`, never empty and at most [`FileName::MAX_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileName(String);

impl FileName {
    /// The longest name kept, in bytes (what file systems allow).
    pub const MAX_BYTES: usize = 255;
    /// What a file with no usable name is called.
    pub const FALLBACK: &'static str = "file";

    /// Cleans a name a client sent. Never fails: a name is a label, and a bad one becomes a
    /// safe one rather than refusing the file.
    pub fn clean(raw: &str) -> Self {
        // Browsers send the bare name, but other clients may send a path in either style.
        let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
        let kept: String = last
            .chars()
            .filter(|c| !c.is_control() && !is_bidi_control(*c))
            .collect();
        let trimmed = kept.trim().trim_start_matches('.').trim();
        let mut name = String::with_capacity(trimmed.len().min(Self::MAX_BYTES));
        // Cut long names in the stem, so the extension that says what the file is survives.
        let (stem, extension) = split_extension(trimmed);
        let room = Self::MAX_BYTES.saturating_sub(extension.map_or(0, |e| e.len() + 1));
        for c in stem.chars() {
            if name.len() + c.len_utf8() > room {
                break;
            }
            name.push(c);
        }
        if let Some(extension) = extension.filter(|e| e.len() < Self::MAX_BYTES / 2) {
            name.push('.');
            name.push_str(extension);
        }
        if name.trim().is_empty() || name == "." {
            return FileName(Self::FALLBACK.to_owned());
        }
        FileName(name)
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The extension, lowercased, without the dot.
    pub fn extension(&self) -> Option<String> {
        split_extension(&self.0).1.map(str::to_ascii_lowercase)
    }

    /// The name with everything but printable ASCII replaced by `_`: the fallback `filename=`
    /// of a `Content-Disposition` header, for clients that ignore `filename*`.
    pub fn ascii(&self) -> String {
        self.0
            .chars()
            .map(|c| {
                if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    }
}

/// `("report", Some("pdf"))` for `report.pdf`; no extension for `.bashrc` or `notes`.
fn split_extension(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once('.') {
        Some((stem, extension))
            if !stem.is_empty()
                && !extension.is_empty()
                && extension.chars().all(|c| c.is_alphanumeric()) =>
        {
            (stem, Some(extension))
        }
        _ => (name, None),
    }
}

/// The Unicode characters that reorder text (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// How a file is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A raster image the server decoded: a thumbnail and a lightbox.
    Image,
    /// Plays inline (range requests).
    Video,
    /// Plays inline.
    Audio,
    /// A download card.
    Other,
}

/// The type a file is served with, from its name: a short list of what people share, and
/// `application/octet-stream` for the rest. Images are typed by decoding, not by this table
/// (see [`ContentType::image`]), so an HTML file named `.png` is no image here.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContentType(String);

/// Extension → type, for files that are not decoded images. Raster image extensions are
/// absent on purpose: only a decoded image is served as one.
const TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("txt", "text/plain"),
    ("log", "text/plain"),
    ("md", "text/markdown"),
    ("csv", "text/csv"),
    ("json", "application/json"),
    ("zip", "application/zip"),
    ("gz", "application/gzip"),
    ("tar", "application/x-tar"),
    ("doc", "application/msword"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("xls", "application/vnd.ms-excel"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("key", "application/vnd.apple.keynote"),
    ("svg", "image/svg+xml"),
    ("html", "text/html"),
    ("htm", "text/html"),
    ("mp4", "video/mp4"),
    ("m4v", "video/mp4"),
    ("webm", "video/webm"),
    ("ogv", "video/ogg"),
    ("mov", "video/quicktime"),
    ("mp3", "audio/mpeg"),
    ("m4a", "audio/mp4"),
    ("ogg", "audio/ogg"),
    ("oga", "audio/ogg"),
    ("wav", "audio/wav"),
    ("flac", "audio/flac"),
];

impl ContentType {
    /// The type of everything we cannot name.
    pub const UNKNOWN: &'static str = "application/octet-stream";

    /// The type a non-image file is served with, from its name.
    pub fn from_name(name: &FileName) -> Self {
        let found = name
            .extension()
            .and_then(|e| TYPES.iter().find(|(ext, _)| *ext == e).map(|(_, t)| *t));
        ContentType(found.unwrap_or(Self::UNKNOWN).to_owned())
    }

    /// The type of an image the server decoded, by its format's extension (`png`, `jpeg`,
    /// `gif`, `webp`).
    pub fn image(format: &str) -> Result<Self, ValueError> {
        match format {
            "png" | "jpeg" | "gif" | "webp" => Ok(ContentType(format!("image/{format}"))),
            _ => Err(ValueError::Malformed {
                what: "image type",
                why: "only PNG, JPEG, GIF and WebP are shown as images",
            }),
        }
    }

    /// A type as stored: `type/subtype`, lowercase ASCII.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let ok = raw.len() <= 127
            && raw.split_once('/').is_some_and(|(t, s)| {
                !t.is_empty()
                    && !s.is_empty()
                    && raw.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b"/.+-".contains(&b)
                    })
            });
        if !ok {
            return Err(ValueError::Malformed {
                what: "content type",
                why: "it must look like type/subtype",
            });
        }
        Ok(ContentType(raw.to_owned()))
    }

    /// The type as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How a file of this type is shown.
    pub fn kind(&self) -> FileKind {
        match self.0.split_once('/') {
            Some(("image", sub)) if sub != "svg+xml" => FileKind::Image,
            Some(("video", _)) => FileKind::Video,
            Some(("audio", _)) => FileKind::Audio,
            _ => FileKind::Other,
        }
    }

    /// Whether a browser may show it in the page (`Content-Disposition: inline`) rather than
    /// download it: never SVG, HTML, PDF or anything else that can run script.
    pub fn inline(&self) -> bool {
        self.kind() != FileKind::Other
    }
}

/// An image's size in pixels, upright (EXIF orientation applied).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageSize {
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

impl ImageSize {
    /// The most pixels an image may have to be decoded (a thumbnail made): 50 megapixels is
    /// more than any camera; a "decompression bomb" claims billions in a few bytes.
    pub const MAX_PIXELS: u64 = 50_000_000;
    /// The longest side decoded.
    pub const MAX_SIDE: u32 = 20_000;

    /// Whether an image this size may be decoded.
    pub fn may_decode(&self) -> bool {
        self.width <= Self::MAX_SIDE
            && self.height <= Self::MAX_SIDE
            && u64::from(self.width) * u64::from(self.height) <= Self::MAX_PIXELS
    }

    /// The size scaled down to fit `bounds` with its proportions kept; never scaled up.
    pub fn fit(&self, bounds: ImageSize) -> ImageSize {
        if self.width <= bounds.width && self.height <= bounds.height {
            return *self;
        }
        let by_width = f64::from(bounds.width) / f64::from(self.width);
        let by_height = f64::from(bounds.height) / f64::from(self.height);
        let scale = by_width.min(by_height);
        let side = |n: u32| ((f64::from(n) * scale).round() as u32).max(1);
        ImageSize {
            width: side(self.width),
            height: side(self.height),
        }
    }
}

/// A thumbnail fits this box (M9).
pub const THUMBNAIL_BOX: ImageSize = ImageSize {
    width: 1200,
    height: 800,
};

/// A message's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The bytes, as uploaded.
    pub blob: BlobKey,
    /// The name to show and download as.
    pub name: FileName,
    /// The type it is served with.
    pub content_type: ContentType,
    /// Its size in bytes.
    pub byte_size: u64,
    /// For an image: its upright size, and the thumbnail made of it.
    pub image: Option<(ImageSize, BlobKey)>,
}

impl Attachment {
    /// How it is shown.
    pub fn kind(&self) -> FileKind {
        self.content_type.kind()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_paths_controls_and_reordering() {
        assert_eq!(FileName::clean("../../etc/passwd").as_str(), "passwd");
        assert_eq!(
            FileName::clean("C:\\Users\\me\\report.pdf").as_str(),
            "report.pdf"
        );
        assert_eq!(
            FileName::clean("invoice\u{202E}fdp.exe").as_str(),
            "invoicefdp.exe"
        );
        assert_eq!(FileName::clean("a\nb\u{0}.txt").as_str(), "ab.txt");
        assert_eq!(FileName::clean("").as_str(), "file");
        assert_eq!(FileName::clean("../").as_str(), "file");
        assert_eq!(FileName::clean("...").as_str(), "file");
        assert_eq!(FileName::clean(".bashrc").as_str(), "bashrc");
        assert_eq!(
            FileName::clean("  Photo 1.JPG ").extension().as_deref(),
            Some("jpg")
        );
    }

    #[test]
    fn long_names_are_cut_in_the_stem() {
        let name = FileName::clean(&format!("{}.pdf", "é".repeat(400)));
        assert!(name.as_str().len() <= FileName::MAX_BYTES);
        assert!(name.as_str().ends_with(".pdf"));
    }

    #[test]
    fn the_ascii_fallback_has_no_quotes_or_non_ascii() {
        assert_eq!(
            FileName::clean("naïve \"plan\".txt").ascii(),
            "na_ve _plan_.txt"
        );
    }

    #[test]
    fn only_media_is_shown_inline() {
        let of = |name: &str| ContentType::from_name(&FileName::clean(name));
        assert!(!of("x.svg").inline());
        assert!(!of("x.html").inline());
        assert!(!of("x.pdf").inline());
        assert!(of("x.mp4").inline());
        assert!(of("x.mp3").inline());
        // A raster extension alone does not make an image: only decoding does.
        assert_eq!(of("x.png").as_str(), ContentType::UNKNOWN);
        assert!(!of("x.png").inline());
        assert!(ContentType::image("png").unwrap().inline());
        assert!(ContentType::image("svg+xml").is_err());
    }

    #[test]
    fn content_types_parse_as_stored() {
        assert!(ContentType::parse("image/png").is_ok());
        assert!(ContentType::parse("text/html; charset=utf-8").is_err());
        assert!(ContentType::parse("png").is_err());
    }

    #[test]
    fn blob_keys_are_sha256_hex() {
        let key = BlobKey::from_digest(&[0xab; 32]);
        assert_eq!(key.as_str(), "ab".repeat(32));
        assert_eq!(BlobKey::parse(key.as_str()), Ok(key));
        assert!(BlobKey::parse("../etc").is_err());
        assert!(BlobKey::parse(&"AB".repeat(32)).is_err());
    }

    #[test]
    fn images_fit_the_box_and_bombs_are_not_decoded() {
        let size = |width, height| ImageSize { width, height };
        assert_eq!(size(4000, 3000).fit(THUMBNAIL_BOX), size(1067, 800));
        assert_eq!(size(3000, 1000).fit(THUMBNAIL_BOX), size(1200, 400));
        assert_eq!(size(300, 200).fit(THUMBNAIL_BOX), size(300, 200));
        assert_eq!(size(100_000, 1).fit(THUMBNAIL_BOX), size(1200, 1));
        assert!(size(6000, 4000).may_decode());
        assert!(!size(65_535, 65_535).may_decode());
        assert!(!size(20_001, 10).may_decode());
    }
}

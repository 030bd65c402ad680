//! Images (M9, A10, A11): recognising them, refusing decompression bombs before any pixel is
//! decoded, and making thumbnails, avatars and logos upright and without metadata. Here, not in
//! campfire-http, because uploads (HTTP) and the ONCE import (campfire-cli) make the same ones.
//!
//! Pure and CPU-bound (decoding a 50-megapixel photo takes a second): callers run it on a
//! blocking thread.

use std::io::Cursor;

use campfire_domain::{ContentType, ImageSize};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// The side of a stored avatar or logo, in pixels (A10, A11).
pub const PICTURE_SIDE: u32 = 512;

/// The largest image file a thumbnail is made of; larger ones are offered as downloads.
pub const MAX_IMAGE_FILE: u64 = 40 * 1024 * 1024;

/// Whether the first bytes of a file are those of an image format we show.
pub fn looks_like_image(head: &[u8]) -> bool {
    head.starts_with(b"\x89PNG\r\n\x1a\n")
        || head.starts_with(b"\xff\xd8\xff")
        || head.starts_with(b"GIF87a")
        || head.starts_with(b"GIF89a")
        || (head.len() >= 12 && head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP"))
}

/// Whether a file is decoded as an image (M9): its first bytes are those of a format we show,
/// and it is small enough to decode. Nothing else is an image, whatever its name says.
pub fn worth_decoding(head: &[u8], len: u64) -> bool {
    looks_like_image(head) && len <= MAX_IMAGE_FILE
}

/// A decoded image, ready to be stored.
#[derive(Debug)]
pub struct Pictured {
    /// The type the original is served with (by its real format, not its name).
    pub content_type: ContentType,
    /// The original's upright size.
    pub size: ImageSize,
    /// The thumbnail, encoded (JPEG, or PNG where there is transparency).
    pub thumbnail: Vec<u8>,
}

/// What became of an image.
#[derive(Debug)]
pub enum Picture {
    /// Decoded, with a thumbnail.
    Shown(Pictured),
    /// Its header claims more pixels than may be decoded: refused, with its claimed size.
    Bomb(ImageSize),
    /// Not a whole image of a format we show (cut short, or only looking like one): the file
    /// is offered as a download like any other.
    NotAnImage,
}

/// The bytes a thumbnail may use while decoding: enough for the largest image allowed, in
/// RGBA, with room for the decoder's own buffers.
const MAX_ALLOC: u64 = ImageSize::MAX_PIXELS * 4 + 64 * 1024 * 1024;

/// Decodes `bytes` and makes its thumbnail fitting `bounds`.
pub fn picture(bytes: &[u8], bounds: ImageSize) -> Picture {
    let Ok(reader) = ImageReader::new(Cursor::new(bytes)).with_guessed_format() else {
        return Picture::NotAnImage;
    };
    let Some(format) = reader.format() else {
        return Picture::NotAnImage;
    };
    let extension = match format {
        ImageFormat::Png => "png",
        ImageFormat::Jpeg => "jpeg",
        ImageFormat::Gif => "gif",
        ImageFormat::WebP => "webp",
        _ => return Picture::NotAnImage,
    };
    let Ok(content_type) = ContentType::image(extension) else {
        return Picture::NotAnImage;
    };
    // The header alone says how large the image claims to be: checked before decoding.
    let Ok((width, height)) =
        ImageReader::with_format(Cursor::new(bytes), format).into_dimensions()
    else {
        return Picture::NotAnImage;
    };
    let claimed = ImageSize { width, height };
    if !claimed.may_decode() {
        return Picture::Bomb(claimed);
    }
    let Some(image) = decode(bytes, format) else {
        return Picture::NotAnImage;
    };
    let size = ImageSize {
        width: image.width(),
        height: image.height(),
    };
    let fit = size.fit(bounds);
    let small = if fit == size {
        image
    } else {
        image.thumbnail_exact(fit.width, fit.height)
    };
    match encode(&small) {
        Some(thumbnail) => Picture::Shown(Pictured {
            content_type,
            size,
            thumbnail,
        }),
        None => Picture::NotAnImage,
    }
}

/// What became of a picture for an avatar or a logo.
#[derive(Debug)]
pub enum Square {
    /// Cropped to its middle square, at most `side` pixels, encoded.
    Made(Vec<u8>),
    /// Its header claims more pixels than may be decoded.
    Bomb(ImageSize),
    /// Not an image of a format we read.
    NotAnImage,
}

/// A10, A11: the middle square of an image (upright), scaled down to at most `side` pixels,
/// re-encoded without metadata. The app crops where the person chose before uploading; this
/// makes any other upload (a bot's, a script's) square too.
pub fn square(bytes: &[u8], side: u32) -> Square {
    let Ok(reader) = ImageReader::new(Cursor::new(bytes)).with_guessed_format() else {
        return Square::NotAnImage;
    };
    let Some(format) = reader.format() else {
        return Square::NotAnImage;
    };
    if !matches!(
        format,
        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Gif | ImageFormat::WebP
    ) {
        return Square::NotAnImage;
    }
    let Ok((width, height)) =
        ImageReader::with_format(Cursor::new(bytes), format).into_dimensions()
    else {
        return Square::NotAnImage;
    };
    let claimed = ImageSize { width, height };
    if !claimed.may_decode() {
        return Square::Bomb(claimed);
    }
    let Some(image) = decode(bytes, format) else {
        return Square::NotAnImage;
    };
    let edge = image.width().min(image.height());
    let x = (image.width() - edge) / 2;
    let y = (image.height() - edge) / 2;
    let cropped = image.crop_imm(x, y, edge, edge);
    let small = if edge > side {
        cropped.resize_exact(side, side, image::imageops::FilterType::Lanczos3)
    } else {
        cropped
    };
    match encode(&small) {
        Some(bytes) => Square::Made(bytes),
        None => Square::NotAnImage,
    }
}

/// Decodes with the allocation limits, and turns the image upright.
fn decode(bytes: &[u8], format: ImageFormat) -> Option<DynamicImage> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(ImageSize::MAX_SIDE);
    limits.max_image_height = Some(ImageSize::MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().ok()?;
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).ok()?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Some(image)
}

/// Scales a stored square picture to `side` pixels, as PNG (icons of the logo).
pub fn icon(bytes: &[u8], side: u32) -> Option<Vec<u8>> {
    let image = image::load_from_memory(bytes).ok()?;
    let scaled = image.resize_exact(side, side, image::imageops::FilterType::Lanczos3);
    let mut out = Vec::new();
    scaled
        .to_rgba8()
        .write_with_encoder(PngEncoder::new(&mut out))
        .ok()?;
    Some(out)
}

/// Re-encodes pixels alone: EXIF, XMP, ICC and comments of the original are not carried over.
/// PNG only where something is see-through (screenshots carry an alpha channel that is all
/// opaque: they become JPEGs, a tenth of the size).
fn encode(image: &DynamicImage) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let see_through = image.color().has_alpha() && image.to_rgba8().pixels().any(|p| p.0[3] < 255);
    if see_through {
        image
            .to_rgba8()
            .write_with_encoder(PngEncoder::new(&mut out))
            .ok()?;
    } else {
        image
            .to_rgb8()
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 85))
            .ok()?;
    }
    Some(out)
}

/// Whether a thumbnail is a PNG (else a JPEG): its type when served.
pub fn thumbnail_type(thumbnail_head: &[u8]) -> &'static str {
    if thumbnail_head.starts_with(b"\x89PNG") {
        "image/png"
    } else {
        "image/jpeg"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use campfire_domain::THUMBNAIL_BOX;
    use image::{ImageEncoder, Rgb, RgbImage};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = RgbImage::from_pixel(width, height, Rgb([200, 40, 40]));
        let mut out = Vec::new();
        image.write_with_encoder(PngEncoder::new(&mut out)).unwrap();
        out
    }

    #[test]
    fn a_photo_gets_a_jpeg_thumbnail_that_fits_the_box() {
        let bytes = png(2400, 1000);
        assert!(looks_like_image(&bytes));
        let Picture::Shown(shown) = picture(&bytes, THUMBNAIL_BOX) else {
            panic!("not shown");
        };
        assert_eq!(shown.content_type.as_str(), "image/png");
        assert_eq!((shown.size.width, shown.size.height), (2400, 1000));
        let thumb = image::load_from_memory(&shown.thumbnail).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (1200, 500));
        assert_eq!(thumbnail_type(&shown.thumbnail), "image/jpeg");
    }

    #[test]
    fn a_picture_becomes_its_middle_square_at_most_512() {
        let Square::Made(bytes) = square(&png(1600, 900), 512) else {
            panic!("not made");
        };
        let made = image::load_from_memory(&bytes).unwrap();
        assert_eq!((made.width(), made.height()), (512, 512));
        let Square::Made(bytes) = square(&png(100, 300), 512) else {
            panic!("not made");
        };
        let made = image::load_from_memory(&bytes).unwrap();
        assert_eq!((made.width(), made.height()), (100, 100), "never scaled up");
        assert!(matches!(square(b"<svg/>", 512), Square::NotAnImage));
        let icon = icon(&bytes, 192).unwrap();
        assert_eq!(image::load_from_memory(&icon).unwrap().width(), 192);
    }

    #[test]
    fn a_bomb_is_refused_by_its_header() {
        // A valid PNG header claiming 60,000 × 60,000 pixels, and nothing after it.
        let mut bytes = png(1, 1);
        let ihdr = bytes.windows(4).position(|w| w == b"IHDR").unwrap();
        bytes[ihdr + 4..ihdr + 8].copy_from_slice(&60_000u32.to_be_bytes());
        bytes[ihdr + 8..ihdr + 12].copy_from_slice(&60_000u32.to_be_bytes());
        // A bomb is a valid file: its header's checksum matches.
        let crc = crc32fast::hash(&bytes[ihdr..ihdr + 17]);
        bytes[ihdr + 17..ihdr + 21].copy_from_slice(&crc.to_be_bytes());
        match picture(&bytes, THUMBNAIL_BOX) {
            Picture::Bomb(size) => assert_eq!(size.width, 60_000),
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn html_dressed_as_an_image_is_no_image() {
        let bytes = b"<html><script>alert(1)</script></html>";
        assert!(!looks_like_image(bytes));
        assert!(matches!(picture(bytes, THUMBNAIL_BOX), Picture::NotAnImage));
        let mut cut = png(50, 50);
        cut.truncate(cut.len() / 2);
        assert!(matches!(picture(&cut, THUMBNAIL_BOX), Picture::NotAnImage));
    }

    #[test]
    fn exif_orientation_is_applied() {
        // A 40 × 20 JPEG whose EXIF says "rotate 90° clockwise": shown 20 × 40.
        let image = RgbImage::from_pixel(40, 20, Rgb([10, 200, 10]));
        let mut jpeg = Vec::new();
        let mut encoder = JpegEncoder::new_with_quality(&mut jpeg, 90);
        encoder.set_exif_metadata(exif_orientation(6)).unwrap();
        encoder
            .write_image(image.as_raw(), 40, 20, image::ExtendedColorType::Rgb8)
            .unwrap();
        let Picture::Shown(shown) = picture(&jpeg, THUMBNAIL_BOX) else {
            panic!("not shown");
        };
        assert_eq!((shown.size.width, shown.size.height), (20, 40));
        // The thumbnail carries no EXIF of its own.
        assert!(!shown.thumbnail.windows(4).any(|w| w == b"Exif"));
    }

    /// A minimal big-endian TIFF block with one Orientation entry.
    fn exif_orientation(value: u16) -> Vec<u8> {
        let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
        tiff.extend_from_slice(&1u16.to_be_bytes());
        tiff.extend_from_slice(&0x0112u16.to_be_bytes());
        tiff.extend_from_slice(&3u16.to_be_bytes());
        tiff.extend_from_slice(&1u32.to_be_bytes());
        tiff.extend_from_slice(&value.to_be_bytes());
        tiff.extend_from_slice(&[0, 0]);
        tiff.extend_from_slice(&0u32.to_be_bytes());
        tiff
    }
}

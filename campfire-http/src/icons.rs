//! The app icon as PNG for the PWA manifest (O5) and notifications (N1), drawn here from simple
//! shapes after `assets/icons/app.svg` (a night sky, two crossed logs, a flame with a bright
//! core) and encoded by a minimal PNG writer over flate2's deflate (already linked through the
//! `png` crate). Stored (uncompressed) blocks made the 192-pixel icon 148 KB, which a phone
//! fetched beside the room's first paint; compressed it is a few kilobytes.
//! Each size is drawn once, on first request.

use std::sync::OnceLock;

/// The PNG of the icon at `size`×`size` pixels (192 and 512 are cached).
pub fn png(size: u32) -> Vec<u8> {
    static SMALL: OnceLock<Vec<u8>> = OnceLock::new();
    static LARGE: OnceLock<Vec<u8>> = OnceLock::new();
    match size {
        192 => SMALL.get_or_init(|| encode(size, &draw(size))).clone(),
        512 => LARGE.get_or_init(|| encode(size, &draw(size))).clone(),
        other => encode(other, &draw(other)),
    }
}

type Rgba = [f32; 4];

fn rgb(hex: u32, alpha: f32) -> Rgba {
    let channel = |shift: u32| ((hex >> shift) & 0xff) as f32 / 255.0;
    [channel(16), channel(8), channel(0), alpha]
}

fn mix(a: Rgba, b: Rgba, t: f32) -> Rgba {
    let t = t.clamp(0.0, 1.0);
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
        a[3] + (b[3] - a[3]) * t,
    ]
}

/// `top` painted over `bottom` (straight alpha).
fn over(bottom: Rgba, top: Rgba) -> Rgba {
    let [br, bg, bb, ba] = bottom;
    let [tr, tg, tb, ta] = top;
    let alpha = ta + ba * (1.0 - ta);
    if alpha <= 0.0 {
        return [0.0; 4];
    }
    let channel = |t: f32, b: f32| (t * ta + b * ba * (1.0 - ta)) / alpha;
    [channel(tr, br), channel(tg, bg), channel(tb, bb), alpha]
}

/// A capsule (a log) from `a` to `b` with radius `r`.
fn in_capsule(p: (f32, f32), a: (f32, f32), b: (f32, f32), r: f32) -> bool {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let t = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
    let (cx, cy) = (a.0 + dx * t, a.1 + dy * t);
    (p.0 - cx).powi(2) + (p.1 - cy).powi(2) <= r * r
}

/// A teardrop: a circle at `centre` of radius `r` and the cone from it up to `tip`.
fn in_drop(p: (f32, f32), centre: (f32, f32), r: f32, tip: (f32, f32)) -> bool {
    let (dx, dy) = (p.0 - centre.0, p.1 - centre.1);
    if dx * dx + dy * dy <= r * r {
        return true;
    }
    let height = centre.1 - tip.1;
    if p.1 < tip.1 || p.1 > centre.1 || height <= r {
        return false;
    }
    // The tangents from the tip touch the circle at height `centre.1 - r²/height`.
    let half_angle = (r / height).asin();
    let along = p.1 - tip.1;
    let touch = centre.1 - r * r / height;
    // Below the tangent points the circle alone is the outline.
    p.1 <= touch && (p.0 - tip.0).abs() <= along * half_angle.tan()
}

/// The colour of the icon at `p`, in the 512-unit space of app.svg.
fn shade(p: (f32, f32)) -> Rgba {
    let (x, y) = p;
    // The rounded square (rx = 112) with the night gradient.
    let corner = 112.0;
    let qx = (x - 256.0).abs() - (256.0 - corner);
    let qy = (y - 256.0).abs() - (256.0 - corner);
    let outside = qx.max(0.0).hypot(qy.max(0.0)) > corner;
    if outside || !(0.0..512.0).contains(&x) || !(0.0..512.0).contains(&y) {
        return [0.0; 4];
    }
    let mut colour = mix(rgb(0x2e1a47, 1.0), rgb(0x6b2a2f, 1.0), y / 512.0);
    // The glow behind the fire.
    let glow = 1.0 - ((x - 256.0).hypot(y - 300.0) / 210.0);
    if glow > 0.0 {
        colour = over(colour, rgb(0xffb347, 0.6 * glow));
    }
    // Two crossed logs.
    let angle = 15f32.to_radians();
    for (sign, hex) in [(-1.0f32, 0x7a3f22), (1.0, 0x8e4b29)] {
        let (s, c) = ((sign * angle).sin(), (sign * angle).cos());
        let end = |dx: f32| (256.0 + dx * c, 392.0 + dx * s);
        if in_capsule(p, end(-128.0), end(128.0), 24.0) {
            colour = rgb(hex, 1.0);
        }
    }
    // The flame, and its bright core.
    if in_drop(p, (256.0, 276.0), 100.0, (256.0, 84.0)) {
        // app.svg's three stops: red at the base, orange at 55 %, yellow at the tip.
        let t = (376.0 - y) / 292.0;
        colour = if t < 0.55 {
            mix(rgb(0xe8381c, 1.0), rgb(0xf7861f, 1.0), t / 0.55)
        } else {
            mix(rgb(0xf7861f, 1.0), rgb(0xffc23a, 1.0), (t - 0.55) / 0.45)
        };
    }
    if in_drop(p, (256.0, 304.0), 54.0, (258.0, 196.0)) {
        colour = mix(rgb(0xffb02e, 1.0), rgb(0xfff1a6, 1.0), (358.0 - y) / 162.0);
    }
    // Sparks.
    for (sx, sy, r) in [
        (176.0, 168.0, 7.0),
        (340.0, 140.0, 6.0),
        (372.0, 206.0, 4.0),
    ] {
        if (x - sx).hypot(y - sy) <= r {
            colour = rgb(0xffcf5c, 1.0);
        }
    }
    colour
}

/// RGBA pixels, 4×4 supersampled.
fn draw(size: u32) -> Vec<u8> {
    const SAMPLES: u32 = 4;
    let scale = 512.0 / size as f32;
    let mut pixels = Vec::with_capacity((size * size * 4) as usize);
    for py in 0..size {
        for px in 0..size {
            let mut sum = [0.0f32; 4];
            for sy in 0..SAMPLES {
                for sx in 0..SAMPLES {
                    let x = (px as f32 + (sx as f32 + 0.5) / SAMPLES as f32) * scale;
                    let y = (py as f32 + (sy as f32 + 0.5) / SAMPLES as f32) * scale;
                    let c = shade((x, y));
                    // Premultiplied, so edges blend towards transparent, not black.
                    sum[0] += c[0] * c[3];
                    sum[1] += c[1] * c[3];
                    sum[2] += c[2] * c[3];
                    sum[3] += c[3];
                }
            }
            let n = (SAMPLES * SAMPLES) as f32;
            let alpha = sum[3] / n;
            let channel = |v: f32| {
                if alpha > 0.0 {
                    ((v / n / alpha) * 255.0).round().clamp(0.0, 255.0) as u8
                } else {
                    0
                }
            };
            pixels.extend_from_slice(&[
                channel(sum[0]),
                channel(sum[1]),
                channel(sum[2]),
                (alpha * 255.0).round().clamp(0.0, 255.0) as u8,
            ]);
        }
    }
    pixels
}

/// A PNG of RGBA `pixels` (8 bits per channel), each row "Up"-filtered (the difference from the
/// row above, which turns the sky's smooth gradient into runs deflate packs well), zlib at the
/// best compression: drawn once per size, so the encoder's time does not matter.
fn encode(size: u32, pixels: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let row = (size * 4) as usize;
    let mut raw = Vec::with_capacity(pixels.len() + size as usize);
    let mut above: &[u8] = &[];
    for line in pixels.chunks(row) {
        raw.push(2); // filter: Up
        if above.is_empty() {
            raw.extend_from_slice(line);
        } else {
            raw.extend(line.iter().zip(above).map(|(x, up)| x.wrapping_sub(*up)));
        }
        above = line;
    }
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let zlib = zlib
        .write_all(&raw)
        .and_then(|()| zlib.finish())
        .unwrap_or_default();

    let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&size.to_be_bytes());
    header.extend_from_slice(&size.to_be_bytes());
    header.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA, no interlace
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &zlib);
    chunk(&mut png, b"IEND", &[]);
    png
}

fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    png.extend_from_slice(&len.to_be_bytes());
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    png.extend_from_slice(&crc.finalize().to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_is_a_png_of_the_asked_size_with_a_transparent_corner_and_a_flame() {
        let png = png(192);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 192);
        let pixels = draw(64);
        let at = |x: usize, y: usize| &pixels[(y * 64 + x) * 4..(y * 64 + x) * 4 + 4];
        assert_eq!(at(0, 0)[3], 0, "the rounded corner is transparent");
        let flame = at(32, 28);
        assert!(
            flame[0] > 200 && flame[3] == 255,
            "the flame is bright: {flame:?}"
        );
        let sky = at(32, 3);
        assert!(sky[2] > sky[1], "the sky is dark purple: {sky:?}");
    }

    #[test]
    fn the_encoded_icon_decodes_to_the_drawn_pixels_in_a_few_kilobytes() {
        let png = png(192);
        let decoded = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
            .expect("a valid PNG")
            .into_rgba8();
        assert_eq!(decoded.dimensions(), (192, 192));
        assert!(decoded.into_raw() == draw(192), "lossless");
        assert!(png.len() < 32_000, "compressed: {} bytes", png.len());
    }
}

//! The committed media assets: every `/play` sound decodes, is short, audible and unclipped,
//! and is byte-for-byte what `cargo xtask assets` generates; the pictures and icons are
//! well-formed SVG of the right shape.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::collections::BTreeSet;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use campfire_domain::{PlayDisplay, Sound};
use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use xtask::assets::{self, sound_path};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Decodes an MP3 to mono f32 samples and returns them with the sample rate.
fn decode(bytes: Vec<u8>) -> (Vec<f32>, u32) {
    let mss = MediaSourceStream::new(Box::new(Cursor::new(bytes)), Default::default());
    let mut hint = Hint::new();
    hint.with_extension("mp3");
    let mut format = symphonia::default::get_probe()
        .probe(
            &hint,
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .expect("probe");
    let track = format.default_track(TrackType::Audio).expect("audio track");
    let track_id = track.id;
    let params = track.codec_params.as_ref().expect("codec params");
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(
            params.audio().expect("audio params"),
            &AudioDecoderOptions::default(),
        )
        .expect("decoder");
    let mut samples = Vec::new();
    let mut rate = 0;
    let mut chunk: Vec<f32> = Vec::new();
    while let Some(packet) = format.next_packet().expect("packet") {
        if packet.track_id != track_id {
            continue;
        }
        let buf = decoder.decode(&packet).expect("decode");
        rate = buf.spec().rate();
        let channels = buf.spec().channels().count();
        assert_eq!(channels, 1, "sounds are mono");
        buf.copy_to_vec_interleaved(&mut chunk);
        samples.extend_from_slice(&chunk);
    }
    (samples, rate)
}

#[test]
fn every_sound_decodes_lasts_under_four_seconds_and_is_audible_without_clipping() {
    let mut failures = Vec::new();
    for sound in Sound::ALL {
        let path = sound_path(&root(), sound);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (samples, rate) = decode(bytes);
        assert!(rate > 0, "{}: no audio decoded", sound.name());
        let secs = samples.len() as f64 / f64::from(rate);
        let peak = samples.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let rms = (samples.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>()
            / samples.len().max(1) as f64)
            .sqrt();
        let name = sound.name();
        if !(0.3..4.0).contains(&secs) {
            failures.push(format!("{name}: lasts {secs:.2}s"));
        }
        if peak > 0.99 {
            failures.push(format!("{name}: peak {peak:.3} clips"));
        }
        if peak < 0.2 {
            failures.push(format!("{name}: peak {peak:.3} is too quiet"));
        }
        if rms < 0.03 {
            failures.push(format!("{name}: RMS {rms:.4} is near silence"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn committed_sounds_are_exactly_what_the_generator_makes() {
    let mut total = 0;
    let mut stale = Vec::new();
    for sound in Sound::ALL {
        let fresh = assets::generate(sound).unwrap();
        let committed = std::fs::read(sound_path(&root(), sound)).unwrap_or_default();
        if fresh != committed {
            stale.push(sound.name());
        }
        total += committed.len();
    }
    assert!(
        stale.is_empty(),
        "regenerating changed these sounds (run `cargo xtask assets` and commit): {stale:?}"
    );
    assert!(
        total <= 3 * 1024 * 1024,
        "sounds total {total} bytes, over 3 MB"
    );
}

#[test]
fn generation_is_deterministic_within_a_run() {
    // Cheap guard against hidden state (a shared RNG, a static): render twice, same bytes.
    for sound in [Sound::Crickets, Sound::Ballmer, Sound::FiftySixK] {
        assert_eq!(
            assets::generate(sound).unwrap(),
            assets::generate(sound).unwrap()
        );
    }
}

/// File stems with the given extension in `dir`.
fn stems(dir: &Path, ext: &str) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn the_sounds_directory_holds_exactly_the_56_sounds() {
    let expected: BTreeSet<String> = Sound::ALL.iter().map(|s| s.name().to_owned()).collect();
    assert_eq!(expected.len(), 56);
    assert_eq!(stems(&root().join(assets::SOUNDS_DIR), "mp3"), expected);
}

/// Checks that `text` is a single well-nested `<svg>` element: every tag closes in order.
fn check_well_formed(name: &str, text: &str) {
    let trimmed = text.trim_start();
    assert!(trimmed.starts_with("<svg"), "{name}: must start with <svg");
    assert!(
        text.trim_end().ends_with("</svg>"),
        "{name}: must end with </svg>"
    );
    assert!(
        text.contains(r#"xmlns="http://www.w3.org/2000/svg""#),
        "{name}: missing the SVG namespace"
    );
    let mut stack: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        if rest.starts_with("!--") {
            let end = rest
                .find("-->")
                .unwrap_or_else(|| panic!("{name}: unclosed comment"));
            rest = &rest[end + 3..];
            continue;
        }
        let close = rest
            .find('>')
            .unwrap_or_else(|| panic!("{name}: unclosed tag"));
        let tag = &rest[..close];
        rest = &rest[close + 1..];
        assert_eq!(
            tag.matches('"').count() % 2,
            0,
            "{name}: unbalanced quotes in <{tag}>"
        );
        if let Some(closing) = tag.strip_prefix('/') {
            let top = stack
                .pop()
                .unwrap_or_else(|| panic!("{name}: stray </{closing}>"));
            assert_eq!(top, closing.trim(), "{name}: </{closing}> closes <{top}>");
        } else if !tag.ends_with('/') {
            let element = tag.split_whitespace().next().unwrap_or_default().to_owned();
            stack.push(element);
        }
    }
    assert!(stack.is_empty(), "{name}: unclosed elements {stack:?}");
}

/// Colours written literally (hex, rgb(), or a named colour in a fill/stroke attribute).
fn literal_colours(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["fill=\"", "stroke=\"", "stop-color=\"", "color=\""] {
        for (i, _) in text.match_indices(attr) {
            let value: String = text[i + attr.len()..]
                .chars()
                .take_while(|&c| c != '"')
                .collect();
            if !matches!(value.as_str(), "none" | "currentColor") && !value.starts_with("url(") {
                found.push(format!("{attr}{value}\""));
            }
        }
    }
    if text.contains("rgb(") || text.contains("hsl(") || text.contains("style=") {
        found.push("rgb()/hsl()/style".to_owned());
    }
    found
}

#[test]
fn pictures_exist_for_exactly_the_picture_sounds() {
    let dir = root().join("assets/play");
    let expected: BTreeSet<String> = Sound::ALL
        .iter()
        .filter(|s| s.display() == PlayDisplay::Picture)
        .map(|s| s.name().to_owned())
        .collect();
    assert_eq!(expected.len(), 15);
    assert_eq!(stems(&dir, "svg"), expected);
    for name in &expected {
        let text = std::fs::read_to_string(dir.join(format!("{name}.svg"))).unwrap();
        check_well_formed(name, &text);
        assert!(
            text.contains(r#"viewBox="0 0 256 256""#),
            "{name}: viewBox must be 0 0 256 256"
        );
        assert!(text.contains("<title>"), "{name}: needs a <title>");
        assert!(
            !text.contains("<image") && !text.contains("base64"),
            "{name}: no embedded bitmaps"
        );
    }
}

/// Every action the UI needs an icon for.
const ICONS: &[&str] = &[
    "arrow-down",
    "arrow-up",
    "attach",
    "back",
    "bell-everything",
    "bell-invisible",
    "bell-mentions",
    "bell-nothing",
    "bold",
    "boost",
    "bot",
    "check",
    "chevron-down",
    "chevron-left",
    "chevron-right",
    "clock",
    "close",
    "code",
    "copy",
    "copy-link",
    "crown",
    "delete",
    "download",
    "edit",
    "external",
    "eye",
    "eye-off",
    "file",
    "format",
    "heading",
    "home",
    "image",
    "inbox",
    "info",
    "italic",
    "key",
    "list",
    "lock",
    "logout",
    "mention",
    "menu",
    "more",
    "pause",
    "people",
    "person",
    "pin",
    "ping",
    "play",
    "plus",
    "qr",
    "quote",
    "reply",
    "room",
    "rotate",
    "search",
    "send",
    "settings",
    "share",
    "smile",
    "sound",
    "star",
    "strike",
    "unlock",
    "upload",
    "warning",
];

#[test]
fn icons_are_consistent_themable_line_icons() {
    let dir = root().join("assets/icons");
    let present = stems(&dir, "svg");
    let missing: Vec<&&str> = ICONS.iter().filter(|n| !present.contains(**n)).collect();
    assert!(missing.is_empty(), "missing icons: {missing:?}");
    for name in present
        .iter()
        .filter(|n| !matches!(n.as_str(), "app" | "bot-avatar"))
    {
        let text = std::fs::read_to_string(dir.join(format!("{name}.svg"))).unwrap();
        check_well_formed(name, &text);
        let svg_tag = &text[..text.find('>').unwrap()];
        for attr in [
            r#"viewBox="0 0 24 24""#,
            r#"width="24""#,
            r#"height="24""#,
            r#"fill="none""#,
            r#"stroke="currentColor""#,
            r#"stroke-width="1.75""#,
            r#"stroke-linecap="round""#,
            r#"stroke-linejoin="round""#,
        ] {
            assert!(
                svg_tag.contains(attr),
                "{name}: the <svg> element needs {attr}"
            );
        }
        assert!(
            !text[svg_tag.len()..].contains("stroke-width"),
            "{name}: every stroke uses the one width"
        );
        assert!(
            literal_colours(&text).is_empty(),
            "{name}: fixed colours {:?}",
            literal_colours(&text)
        );
        assert!(text.contains("<title>"), "{name}: needs a <title>");
    }
}

#[test]
fn app_icon_and_bot_avatar_are_square_svgs() {
    for name in ["app", "bot-avatar"] {
        let text =
            std::fs::read_to_string(root().join(format!("assets/icons/{name}.svg"))).unwrap();
        check_well_formed(name, &text);
        let svg_tag = &text[..text.find('>').unwrap()];
        assert!(
            svg_tag.contains(r#"viewBox="0 0 512 512""#),
            "{name}: viewBox must be 0 0 512 512"
        );
        assert!(text.contains("<title>"), "{name}: needs a <title>");
    }
}

#[test]
fn readme_explains_the_assets() {
    let text = std::fs::read_to_string(root().join("assets/README.md")).unwrap();
    assert!(text.contains("cargo xtask assets"));
}

//! `cargo xtask assets`: synthesises the 56 `/play` sounds and encodes them to MP3.
//!
//! Every sound is generated from code — [`sounds`] holds one recipe per name, built from the
//! blocks in [`synth`], [`instruments`] and [`voice`] — and encoded with LAME at a fixed
//! bitrate, so the output is byte-for-byte the same on every run. The files are committed under
//! `assets/sounds/`; a test regenerates them and fails if any byte changed.

pub mod analysis;
pub mod instruments;
pub mod math;
pub mod sounds;
pub mod synth;
pub mod voice;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use campfire_domain::Sound;
use mp3lame_encoder::{Bitrate, Builder, FlushNoGap, Mode, MonoPcm, Quality};

/// No sound lasts longer than this many seconds before encoding (the decoded file adds the
/// encoder's few milliseconds of delay and padding, and must stay under 4 s).
pub const MAX_SECONDS: f64 = 3.6;

/// The constant MP3 bitrate, in kbit/s: transparent enough for effects at 22.05 kHz mono, and
/// small (the 56 files total well under 3 MB).
pub const BITRATE_KBPS: u32 = 64;

/// Where the sounds live, relative to the workspace root.
pub const SOUNDS_DIR: &str = "assets/sounds";

/// The path of `sound`'s file under the workspace `root`.
pub fn sound_path(root: &Path, sound: Sound) -> PathBuf {
    root.join(SOUNDS_DIR).join(format!("{}.mp3", sound.name()))
}

/// The finished samples of `sound`: its recipe, trimmed to [`MAX_SECONDS`], faded at the ends
/// and normalised, in `[-1, 1]`.
pub fn render(sound: Sound) -> Vec<f64> {
    let mut raw = sounds::recipe(sound);
    raw.truncate(synth::samples(MAX_SECONDS));
    // Block DC and subsonic rumble: inaudible, but it wastes headroom.
    let mut dc = synth::OnePole::new(25.0);
    synth::filter(&mut raw, |x| dc.highpass(x));
    synth::fade_edges(&mut raw, 0.002, 0.04);
    synth::normalise(&raw)
}

/// 16-bit PCM of `samples` (rounded, clamped).
pub fn to_pcm(samples: &[f64]) -> Vec<i16> {
    samples
        .iter()
        // The value is clamped to the i16 range, so the cast cannot wrap.
        .map(|x| (x * 32767.0).round().clamp(-32768.0, 32767.0) as i16)
        .collect()
}

/// Encodes mono 16-bit PCM at [`synth::SR`] to a constant-bitrate MP3 with a LAME info frame
/// (which lets browsers trim the encoder delay) and no ID3 tag, so nothing varies by run.
pub fn encode_mp3(pcm: &[i16]) -> Result<Vec<u8>> {
    let mut builder = Builder::new().context("LAME could not allocate an encoder")?;
    let err = |what: &str, e: mp3lame_encoder::BuildError| anyhow::anyhow!("LAME {what}: {e}");
    builder
        .set_num_channels(1)
        .map_err(|e| err("channels", e))?;
    // SR is an integral constant.
    builder
        .set_sample_rate(synth::SR as u32)
        .map_err(|e| err("sample rate", e))?;
    builder
        .set_brate(Bitrate::Kbps64)
        .map_err(|e| err("bitrate", e))?;
    builder.set_mode(Mode::Mono).map_err(|e| err("mode", e))?;
    builder
        .set_quality(Quality::NearBest)
        .map_err(|e| err("quality", e))?;
    builder
        .set_to_write_vbr_tag(true)
        .map_err(|e| err("info tag", e))?;
    let mut encoder = builder.build().map_err(|e| err("init", e))?;

    let mut out = Vec::with_capacity(mp3lame_encoder::max_required_buffer_size(pcm.len()));
    encoder
        .encode_to_vec(MonoPcm(pcm), &mut out)
        .map_err(|e| anyhow::anyhow!("LAME encode: {e}"))?;
    out.reserve(7200);
    encoder
        .flush_to_vec::<FlushNoGap>(&mut out)
        .map_err(|e| anyhow::anyhow!("LAME flush: {e}"))?;
    // LAME reserved the first frame for the info tag; fill it in now that the totals are known.
    let mut tag = Vec::with_capacity(encoder.lame_tag_size().max(1));
    if encoder.lame_tag_encode_to_vec(&mut tag).is_some() {
        match out.get_mut(..tag.len()) {
            Some(head) => head.copy_from_slice(&tag),
            None => bail!("LAME info tag is longer than the whole stream"),
        }
    }
    Ok(out)
}

/// The MP3 bytes of `sound`, exactly as committed.
pub fn generate(sound: Sound) -> Result<Vec<u8>> {
    encode_mp3(&to_pcm(&render(sound)))
        .with_context(|| format!("encoding sound `{}`", sound.name()))
}

/// Runs the command: writes every sound (or, with `check`, only compares them), then reports.
pub fn run(root: &Path, args: &[&str]) -> Result<()> {
    let (check, report) = match args {
        [] => (false, false),
        ["--check"] => (true, false),
        ["--report"] => (false, true),
        _ => bail!("usage: cargo xtask assets [--check | --report]"),
    };
    let dir = root.join(SOUNDS_DIR);
    if !check {
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut total = 0usize;
    let mut stale = Vec::new();
    for sound in Sound::ALL {
        let bytes = generate(sound)?;
        total += bytes.len();
        let path = sound_path(root, sound);
        let current = std::fs::read(&path).ok();
        if current.as_deref() != Some(bytes.as_slice()) {
            if check {
                stale.push(sound.name());
            } else {
                std::fs::write(&path, &bytes)
                    .with_context(|| format!("writing {}", path.display()))?;
                println!("wrote {}", path.display());
            }
        }
        if report {
            println!("{}", analysis::describe(sound.name(), &render(sound)));
        }
    }
    println!(
        "assets: {} sounds, {:.1} KiB in total",
        Sound::ALL.len(),
        total as f64 / 1024.0
    );
    if !stale.is_empty() {
        bail!(
            "sounds out of date (run `cargo xtask assets`): {}",
            stale.join(", ")
        );
    }
    Ok(())
}

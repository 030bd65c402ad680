//! Each sound is recognisably what its name says, checked by numbers: the bell rings and
//! decays, the sad trombone falls four times, the rimshot is three hits and a cymbal, the
//! crickets chirp high and often, the vuvuzela drones on one B♭, and so on.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use campfire_domain::Sound;
use xtask::assets::analysis::{centroid, dominant, envelope, onsets, pitch, spectrum};
use xtask::assets::render;
use xtask::assets::synth::{SR, rms, samples};

fn window(buf: &[f64], from: f64, to: f64) -> &[f64] {
    &buf[samples(from).min(buf.len())..samples(to).min(buf.len())]
}

/// The median pitch of 60 ms windows every 20 ms between `from` and `to` seconds.
fn median_pitch(buf: &[f64], from: f64, to: f64) -> Option<f64> {
    let mut found: Vec<f64> = Vec::new();
    let mut at = from;
    while at + 0.06 <= to {
        found.extend(pitch(window(buf, at, at + 0.06)));
        at += 0.02;
    }
    found.sort_by(f64::total_cmp);
    found.get(found.len() / 2).copied()
}

/// The semitone distance from `a` up to `b`.
fn semitones(a: f64, b: f64) -> f64 {
    12.0 * (b / a).log2()
}

#[test]
fn the_bell_rings_and_decays() {
    let bell = render(Sound::Bell);
    let env = envelope(&bell, 0.25);
    assert!(
        env[0] > 3.0 * env[env.len() - 2],
        "bell should fade: {env:?}"
    );
    // Strictly fading after the strike (allowing for beating between partials).
    let rising = env.windows(2).skip(1).filter(|w| w[1] > w[0] * 1.1).count();
    assert!(rising <= 1, "bell envelope should decay: {env:?}");
    assert!(bell.len() as f64 / SR > 2.5, "a bell rings for a while");
}

#[test]
fn the_sad_trombone_plays_four_falling_notes() {
    let t = render(Sound::Trombone);
    let notes: Vec<f64> = [(0.1, 0.3), (0.55, 0.75), (1.0, 1.2), (1.5, 1.7)]
        .iter()
        .map(|&(a, b)| pitch(window(&t, a, b)).expect("a pitched note"))
        .collect();
    for pair in notes.windows(2) {
        let step = semitones(pair[0], pair[1]);
        assert!(
            (-1.6..=-0.4).contains(&step),
            "each note a semitone lower: {notes:?}"
        );
    }
}

#[test]
fn the_rimshot_is_ba_dum_tss() {
    let r = render(Sound::Rimshot);
    assert!(onsets(window(&r, 0.0, 0.7)) >= 3, "three hits");
    // The cymbal's ring is bright.
    assert!(centroid(window(&r, 0.6, 1.4)) > 2500.0);
}

#[test]
fn crickets_chirp_high_and_often() {
    let c = render(Sound::Crickets);
    let f = dominant(&c);
    assert!(
        (3500.0..5500.0).contains(&f),
        "cricket song around 4–5 kHz, got {f}"
    );
    assert!(onsets(&c) >= 8, "many chirps");
}

#[test]
fn the_vuvuzela_drones_on_b_flat() {
    let v = render(Sound::Vuvuzela);
    for at in [0.6, 1.2, 1.8, 2.4] {
        let f = pitch(window(&v, at, at + 0.08)).expect("a steady drone");
        assert!(
            semitones(233.0, f).abs() < 0.5,
            "B♭3 drone, got {f} Hz at {at}s"
        );
    }
    let env = envelope(window(&v, 0.5, 3.0), 0.25);
    let (lo, hi) = env
        .iter()
        .fold((f64::MAX, 0.0f64), |(l, h), &e| (l.min(e), h.max(e)));
    assert!(hi < 1.6 * lo, "a drone holds its level: {env:?}");
}

#[test]
fn tada_ends_on_a_big_held_chord() {
    let t = render(Sound::Tada);
    assert!(onsets(window(&t, 0.0, 0.45)) >= 2, "pickup notes");
    assert!(rms(window(&t, 0.5, 1.2)) > 0.1, "held chord");
}

#[test]
fn the_modem_sends_its_answer_tone() {
    let m = render(Sound::FiftySixK);
    let spec = spectrum(&m, samples(1.15));
    let bin = spec
        .iter()
        .enumerate()
        .fold((0, 0.0), |b, (k, &p)| if p > b.1 { (k, p) } else { b })
        .0;
    let f = bin as f64 * SR / 1024.0;
    assert!((f - 2100.0).abs() < 40.0, "2100 Hz answer tone, got {f}");
}

#[test]
fn honk_and_horn_are_loud_sustained_blasts() {
    for sound in [Sound::Honk, Sound::Horn, Sound::Vuvuzela] {
        let s = render(sound);
        let loud = envelope(&s, 0.05).iter().filter(|&&e| e > 0.1).count();
        assert!(loud as f64 * 0.05 > 0.8, "{}: should blare", sound.name());
    }
}

#[test]
fn noooo_is_one_long_falling_wail() {
    let n = render(Sound::Noooo);
    let early = median_pitch(&n, 0.7, 1.1).expect("voiced");
    let late = median_pitch(&n, 1.9, 2.2).expect("voiced");
    assert!(late < early * 0.85, "the wail falls: {early} → {late}");
}

#[test]
fn every_sound_is_its_own() {
    // No two sounds may share a fingerprint of length, brightness and rhythm.
    let prints: Vec<(&str, f64, f64, usize)> = Sound::ALL
        .iter()
        .map(|&s| {
            let b = render(s);
            (s.name(), b.len() as f64 / SR, centroid(&b), onsets(&b))
        })
        .collect();
    for (i, a) in prints.iter().enumerate() {
        for b in &prints[i + 1..] {
            let same = (a.1 - b.1).abs() < 0.02 && (a.2 - b.2).abs() < 20.0 && a.3 == b.3;
            assert!(!same, "{} and {} are indistinguishable", a.0, b.0);
        }
    }
}

//! One recipe per `/play` sound: what each is made of, in notes, timbres and rhythm.
//!
//! Every recipe is our own: the melodies are written here (none is a quotation of a song),
//! the voices are cartoon formant gestures, and all noise comes from fixed seeds.

use campfire_domain::Sound;

use super::instruments::{
    applause, bell, boom, brass, bulb_horn, calliope, chip, chip_bass, chirp, clap, crash, crowd,
    detune, dtmf, epiano, fiddle, firework, fm_blip, glock, hat, hz, kick, pluck, power_chord, rim,
    sax, snare, strings, swept_noise, timpani, tom, tone, vibrato, whistle,
};
use super::math::{exp2, sin_cycles};
use super::synth::{
    Biquad, OnePole, Osc, Rng, adsr, decay, echo, env, filter, mix_into, perc, reverb, samples,
    saturate, scale, signal, smooth_step,
};
use super::voice::Ph::*;
use super::voice::{Seg, Voice, speak};

/// The raw (un-normalised) samples of `sound`.
pub fn recipe(sound: Sound) -> Vec<f64> {
    match sound {
        Sound::FiftySixK => fifty_six_k(),
        Sound::Ballmer => ballmer(),
        Sound::Bell => ding(),
        Sound::Bezos => bezos(),
        Sound::Bueller => bueller(),
        Sound::Butts => butts(),
        Sound::ClownTown => clowntown(),
        Sound::CottonEyeJoe => cottoneyejoe(),
        Sound::Crickets => crickets(),
        Sound::Curb => curb(),
        Sound::DadGummit => dadgummit(),
        Sound::DangerZone => dangerzone(),
        Sound::DanielSan => danielsan(),
        Sound::Deeper => deeper(),
        Sound::DoNotWant => donotwant(),
        Sound::Drama => drama(),
        Sound::Flawless => flawless(),
        Sound::Glados => glados(),
        Sound::GoGoGo => gogogo(),
        Sound::GreatJob => greatjob(),
        Sound::Greyjoy => greyjoy(),
        Sound::Guarantee => guarantee(),
        Sound::HeyGirl => heygirl(),
        Sound::Honk => honk(),
        Sound::Horn => airhorn(),
        Sound::Horror => horror(),
        Sound::Inconceivable => inconceivable(),
        Sound::LetItGo => letitgo(),
        Sound::Live => live(),
        Sound::Loggins => loggins(),
        Sound::MakeItSo => makeitso(),
        Sound::Noooo => noooo(),
        Sound::Nyan => nyan(),
        Sound::OhMy => ohmy(),
        Sound::OhYeah => ohyeah(),
        Sound::PushIt => pushit(),
        Sound::Rimshot => rimshot(),
        Sound::RollOut => rollout(),
        Sound::Rumble => rumble(),
        Sound::Sax => smooth_sax(),
        Sound::Secret => secret(),
        Sound::SexyBack => sexyback(),
        Sound::Story => story(),
        Sound::Tada => tada(),
        Sound::Tmyk => tmyk(),
        Sound::Totes => totes(),
        Sound::Trololo => trololo(),
        Sound::Trombone => trombone(),
        Sound::Unix => unix(),
        Sound::Vuvuzela => vuvuzela(),
        Sound::What => what(),
        Sound::Whoomp => whoomp(),
        Sound::Wups => wups(),
        Sound::Yay => yay(),
        Sound::Yeah => yeah(),
        Sound::Yodel => yodel(),
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// A note on a beat grid: (start beat, MIDI note, length in beats).
type Note = (f64, f64, f64);

/// Places `notes` at `bpm` from `start` seconds, each rendered by `inst(freq, hold_seconds, i)`.
fn seq(
    out: &mut Vec<f64>,
    start: f64,
    bpm: f64,
    notes: &[Note],
    gain: f64,
    mut inst: impl FnMut(f64, f64, usize) -> Vec<f64>,
) {
    let beat = 60.0 / bpm;
    for (i, &(at, note, len)) in notes.iter().enumerate() {
        let buf = inst(hz(note), len * beat, i);
        mix_into(out, start + at * beat, &buf, gain);
    }
}

/// Places one event (drum hit etc.) at each of `times` seconds.
fn hits(out: &mut Vec<f64>, times: &[f64], gain: f64, mut make: impl FnMut(usize) -> Vec<f64>) {
    for (i, &at) in times.iter().enumerate() {
        mix_into(out, at, &make(i), gain);
    }
}

/// The times of beats `beats` at `bpm` from `start`.
fn beats(start: f64, bpm: f64, beats: &[f64]) -> Vec<f64> {
    beats.iter().map(|b| start + b * 60.0 / bpm).collect()
}

/// Transposes a phrase's pitches by `ratio`.
fn pitched(segs: &[Seg], ratio: f64) -> Vec<Seg> {
    segs.iter().map(|&(p, d, f)| (p, d, f * ratio)).collect()
}

/// A band-pass over the whole buffer, for telephone and radio colour.
fn band(buf: &mut [f64], low: f64, high: f64) {
    let mut hp = Biquad::highpass(low, 0.7);
    let mut lp = Biquad::lowpass(high, 0.7);
    filter(buf, |x| lp.process(hp.process(x)));
}

// ---------------------------------------------------------------------------------------------
// Recipes, alphabetically by name

/// 56k: a dial-up modem calling — dial tone, keypad digits, the answer tone, the warbling
/// handshake and the hissing training noise, all through a telephone line.
fn fifty_six_k() -> Vec<f64> {
    let mut out = Vec::new();
    let mut a = Osc::new(0.0);
    let mut b = Osc::new(0.0);
    let dial_tone = signal(0.3, |t| {
        (a.sine(350.0) + b.sine(440.0)) * 0.4 * adsr(t, 0.28, 0.01, 0.0, 1.0, 0.02)
    });
    mix_into(&mut out, 0.0, &dial_tone, 1.0);
    for (k, digit) in [5u8, 5, 5, 0, 1, 9, 9].into_iter().enumerate() {
        mix_into(&mut out, 0.35 + 0.1 * k as f64, &dtmf(digit), 0.8);
    }
    // Answer tone with a phase reversal click.
    let mut ans = Osc::new(0.0);
    let answer = signal(0.45, |t| {
        let flip = if t > 0.22 { -1.0 } else { 1.0 };
        ans.sine(2100.0) * flip * 0.55 * adsr(t, 0.43, 0.01, 0.0, 1.0, 0.02)
    });
    mix_into(&mut out, 1.1, &answer, 1.0);
    // FSK warble: random bits between two tones, then a brighter pair.
    let mut rng = Rng::new(56);
    let mut fsk = Osc::new(0.0);
    let mut bit_hi = false;
    let mut next_flip = 0.0;
    let warble = signal(0.5, |t| {
        if t >= next_flip {
            bit_hi = rng.uniform() < 0.5;
            next_flip = t + 1.0 / 300.0;
        }
        let f = if t < 0.25 {
            if bit_hi { 1180.0 } else { 980.0 }
        } else if bit_hi {
            1850.0
        } else {
            1650.0
        };
        fsk.sine(f) * 0.5
    });
    mix_into(&mut out, 1.6, &warble, 1.0);
    // The "bong" and the screech.
    let mut p = Osc::new(0.0);
    let mut q = Osc::new(0.0);
    let screech = signal(0.35, |t| {
        (p.sine(1200.0 + 1200.0 * (t / 0.35)) * 0.4 + q.sine(2400.0) * 0.3)
            * adsr(t, 0.33, 0.005, 0.0, 1.0, 0.02)
    });
    mix_into(&mut out, 2.1, &screech, 1.0);
    // Training: rhythmic bursts of line noise.
    let training = swept_noise(
        1.05,
        |t| 1800.0 + 600.0 * sin_cycles(3.0 * t),
        0.6,
        |t| {
            let pulse = if (t * 7.0).floor() as i64 % 3 == 2 {
                0.45
            } else {
                1.0
            };
            0.8 * pulse * smooth_step(t, 0.0, 0.05)
        },
        57,
    );
    mix_into(&mut out, 2.45, &training, 1.0);
    band(&mut out, 300.0, 3400.0);
    out
}

/// ballmer: "Developers! Developers! Developers!" shouted three times, ever louder, with claps.
fn ballmer() -> Vec<f64> {
    let word: [Seg; 9] = [
        (D, 0.05, 190.0),
        (Eh, 0.07, 200.0),
        (V, 0.05, 215.0),
        (Eh, 0.17, 250.0),
        (L, 0.05, 235.0),
        (Ah, 0.07, 215.0),
        (P, 0.07, 205.0),
        (Er, 0.12, 195.0),
        (Z, 0.12, 185.0),
    ];
    let mut out = Vec::new();
    for k in 0..3 {
        let lift = 1.0 + 0.1 * k as f64;
        let v = speak(&Voice::man(10 + k).shouting(), &pitched(&word, lift));
        let at = 0.05 + 0.95 * k as f64;
        mix_into(&mut out, at, &v, 0.9 + 0.1 * k as f64);
        mix_into(&mut out, at + 0.2, &clap(11 + k), 0.5);
        mix_into(&mut out, at + 0.62, &clap(21 + k), 0.5);
    }
    saturate(&mut out, 2.0);
    reverb(&mut out, 0.6, 0.25);
    out
}

/// bell: a single strike of a bell that rings and slowly decays, shimmering.
fn ding() -> Vec<f64> {
    let mut out = bell(hz(76.0), 3.4, 3);
    reverb(&mut out, 0.5, 0.2);
    out
}

/// bezos: a big honking laugh — "HA ha ha ha haaa" — and a wheezing breath in.
fn bezos() -> Vec<f64> {
    let mut segs: Vec<Seg> = vec![(Sil, 0.03, 260.0)];
    let pitches = [280.0, 255.0, 240.0, 225.0, 215.0, 200.0];
    for (k, p) in pitches.into_iter().enumerate() {
        let vowel = if k == 0 { 0.16 } else { 0.1 };
        segs.push((H, 0.05, p));
        segs.push((Aa, vowel, p));
    }
    segs.push((H, 0.06, 190.0));
    segs.push((Aa, 0.45, 170.0));
    segs.push((Sil, 0.05, 150.0));
    let mut out = speak(&Voice::man(7).shouting(), &segs);
    // The honk: a nasal band boost.
    let mut nasal = Biquad::bandpass(1100.0, 2.0);
    filter(&mut out, |x| x + 0.8 * nasal.process(x));
    let wheeze = swept_noise(
        0.45,
        |t| 1400.0 + 1200.0 * t,
        3.0,
        |t| 0.25 * env(t, &[(0.0, 0.0), (0.2, 1.0), (0.45, 0.0)]),
        8,
    );
    let at = out.len() as f64 / super::synth::SR;
    mix_into(&mut out, at, &wheeze, 1.0);
    reverb(&mut out, 0.4, 0.15);
    out
}

/// bueller: a flat, bored roll-call — "Bueller? … Bueller?" — in an echoing classroom.
fn bueller() -> Vec<f64> {
    let name: [Seg; 5] = [
        (B, 0.06, 100.0),
        (Y, 0.05, 100.0),
        (Oo, 0.13, 99.0),
        (L, 0.07, 98.0),
        (Er, 0.3, 104.0),
    ];
    let v = Voice {
        vibrato: (5.0, 0.0),
        wander: 0.004,
        ..Voice::man(4)
    };
    let mut out = Vec::new();
    mix_into(&mut out, 0.05, &speak(&v, &name), 1.0);
    mix_into(&mut out, 1.25, &speak(&v, &name), 1.0);
    out.resize(samples(2.6), 0.0);
    reverb(&mut out, 0.75, 0.35);
    out
}

/// butts: a low snicker — "heh heh heh… butts" — then a lighter's click and flame.
fn butts() -> Vec<f64> {
    let v = Voice {
        bright: 3500.0,
        ..Voice::man(5)
    };
    let mut segs: Vec<Seg> = Vec::new();
    for p in [118.0, 112.0, 108.0] {
        segs.extend([(H, 0.05, p), (Eh, 0.07, p), (Sil, 0.1, p)]);
    }
    segs.extend([
        (Sil, 0.15, 110.0),
        (B, 0.05, 110.0),
        (Ah, 0.16, 112.0),
        (T, 0.06, 100.0),
        (S, 0.14, 100.0),
    ]);
    let mut out = speak(&v, &segs);
    let mut nasal = Biquad::bandpass(1300.0, 2.5);
    filter(&mut out, |x| x + 0.6 * nasal.process(x));
    // Lighter: flint wheel rasp, then the soft roar of the flame.
    let flint = swept_noise(0.06, |_| 4000.0, 1.5, |t| perc(t, 0.001, 0.02) * 1.2, 6);
    mix_into(&mut out, 1.5, &flint, 1.0);
    let flame = swept_noise(
        0.7,
        |_| 600.0,
        0.8,
        |t| 0.3 * adsr(t, 0.6, 0.05, 0.1, 0.7, 0.1),
        7,
    );
    mix_into(&mut out, 1.55, &flame, 1.0);
    out
}

/// clowntown: a fairground calliope oom-pah with a tumbling chromatic tune, clown-horn
/// honks and a slide whistle.
fn clowntown() -> Vec<f64> {
    let bpm = 176.0;
    let mut out = Vec::new();
    // Oom (bass) on the beat, pah (chord) off it.
    let mut bass: Vec<Note> = Vec::new();
    let mut pah: Vec<Note> = Vec::new();
    for bar in 0..3 {
        let root = if bar == 1 { 43.0 } else { 48.0 };
        let chord: &[f64] = if bar == 1 {
            &[59.0, 62.0, 65.0]
        } else {
            &[60.0, 64.0, 67.0]
        };
        for beat in [0.0, 2.0] {
            bass.push((bar as f64 * 4.0 + beat, root, 0.5));
            for &c in chord {
                pah.push((bar as f64 * 4.0 + beat + 1.0, c, 0.4));
            }
        }
    }
    seq(&mut out, 0.0, bpm, &bass, 0.6, |f, h, i| {
        calliope(f, h, 100 + i as u64)
    });
    seq(&mut out, 0.0, bpm, &pah, 0.18, |f, h, i| {
        calliope(f, h, 200 + i as u64)
    });
    let tune: [Note; 13] = [
        (0.0, 79.0, 0.5),
        (0.5, 78.0, 0.5),
        (1.0, 77.0, 0.5),
        (1.5, 76.0, 0.5),
        (2.0, 75.0, 0.5),
        (2.5, 74.0, 0.5),
        (3.0, 73.0, 0.5),
        (3.5, 72.0, 0.5),
        (4.0, 71.0, 1.0),
        (5.0, 74.0, 1.0),
        (6.0, 77.0, 1.0),
        (7.0, 76.0, 0.5),
        (8.0, 72.0, 2.0),
    ];
    seq(&mut out, 0.0, bpm, &tune, 0.5, |f, h, i| {
        calliope(f, h, 300 + i as u64)
    });
    mix_into(&mut out, 2.45, &bulb_horn(370.0, 0.22), 0.9);
    mix_into(&mut out, 2.72, &bulb_horn(370.0, 0.3), 0.9);
    let slide = whistle(|t| 500.0 + 1400.0 * smooth_step(t, 0.0, 0.4), 0.45, 9);
    mix_into(&mut out, 3.05, &slide, 0.5);
    reverb(&mut out, 0.4, 0.15);
    out
}

/// cottoneyejoe: a fiddle hoedown over stomps, claps and banjo, then a "yee-haw!".
fn cottoneyejoe() -> Vec<f64> {
    let bpm = 136.0;
    let mut out = Vec::new();
    let tune: [Note; 16] = [
        (0.0, 69.0, 0.5),
        (0.5, 69.0, 0.5),
        (1.0, 71.0, 0.5),
        (1.5, 69.0, 0.5),
        (2.0, 66.0, 0.5),
        (2.5, 62.0, 0.5),
        (3.0, 66.0, 0.5),
        (3.5, 69.0, 0.5),
        (4.0, 71.0, 0.5),
        (4.5, 71.0, 0.5),
        (5.0, 73.0, 0.5),
        (5.5, 74.0, 0.5),
        (6.0, 73.0, 0.5),
        (6.5, 71.0, 0.5),
        (7.0, 69.0, 0.5),
        (7.5, 74.0, 0.5),
    ];
    seq(&mut out, 0.0, bpm, &tune, 1.0, |f, h, i| {
        fiddle(f, h * 0.9, 400 + i as u64)
    });
    let stomps = beats(0.0, bpm, &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
    hits(&mut out, &stomps, 0.7, |_| kick(0.7));
    let claps = beats(0.0, bpm, &[1.0, 3.0, 5.0, 7.0]);
    hits(&mut out, &claps, 0.4, |i| clap(410 + i as u64));
    let mut banjo: Vec<Note> = Vec::new();
    for b in 0..8 {
        let chord: &[f64] = if (2..4).contains(&b) || b >= 6 {
            &[62.0, 67.0, 71.0]
        } else {
            &[62.0, 66.0, 69.0]
        };
        for (k, &n) in chord.iter().enumerate() {
            banjo.push((b as f64 + 0.5 + 0.02 * k as f64, n, 0.3));
        }
    }
    seq(&mut out, 0.0, bpm, &banjo, 0.25, |f, _, i| {
        pluck(f, 0.3, 0.99, 0.9, 450 + i as u64)
    });
    let yeehaw: [Seg; 5] = [
        (Y, 0.06, 300.0),
        (Ee, 0.22, 420.0),
        (H, 0.05, 380.0),
        (Aa, 0.1, 350.0),
        (Aw, 0.3, 250.0),
    ];
    let whoop = speak(&Voice::man(12).shouting(), &yeehaw);
    mix_into(&mut out, 3.55 - 0.75, &whoop, 0.45);
    reverb(&mut out, 0.3, 0.12);
    out
}

/// crickets: three crickets chirping in turn on a still night.
fn crickets() -> Vec<f64> {
    let length = 3.4;
    let mut rng = Rng::new(13);
    let mut night = OnePole::new(400.0);
    let mut out = signal(length, |_| night.lowpass(rng.noise()) * 0.03);
    // (carrier Hz, seconds between chirps, pulses per chirp, first chirp at, level)
    let insects = [
        (4300.0, 0.62, 3, 0.05, 0.5),
        (4750.0, 0.8, 4, 0.3, 0.35),
        (3950.0, 0.71, 3, 0.5, 0.25),
    ];
    for (carrier, period, pulses, first, level) in insects {
        let mut osc = Osc::new(0.0);
        let mut chirps = signal(length, |t| {
            let since = t - first;
            if since < 0.0 {
                return 0.0;
            }
            let in_chirp = since - (since / period).floor() * period;
            let pulse = (in_chirp / 0.032).floor();
            if pulse >= f64::from(pulses) {
                return 0.0;
            }
            let within = in_chirp - pulse * 0.032;
            let shape = sin_cycles((within / 0.022).min(1.0) * 0.5).max(0.0);
            osc.sine(carrier * (1.0 + 0.01 * within / 0.022)) * shape
        });
        scale(&mut chirps, level);
        mix_into(&mut out, 0.0, &chirps, 1.0);
    }
    reverb(&mut out, 0.4, 0.08);
    out
}

/// curb: a bouncy, sheepish tuba-and-mandolin ditty that ends on a deflating "bwomp".
fn curb() -> Vec<f64> {
    let bpm = 124.0;
    let mut out = Vec::new();
    let tuba: [Note; 8] = [
        (0.0, 41.0, 0.4),
        (1.0, 48.0, 0.4),
        (2.0, 41.0, 0.4),
        (3.0, 48.0, 0.4),
        (4.0, 46.0, 0.4),
        (5.0, 41.0, 0.4),
        (6.0, 48.0, 0.4),
        (6.5, 40.0, 0.4),
    ];
    seq(&mut out, 0.0, bpm, &tuba, 0.8, |f, h, i| {
        brass(move |_| f, h, 0.35, 500 + i as u64)
    });
    // Mandolin tremolo melody: each note picked as fast repeated plucks.
    let melody: [Note; 9] = [
        (0.0, 65.0, 0.5),
        (0.5, 67.0, 0.5),
        (1.0, 69.0, 1.0),
        (2.0, 72.0, 0.5),
        (2.5, 69.0, 0.5),
        (3.0, 67.0, 1.0),
        (4.0, 70.0, 1.0),
        (5.0, 69.0, 0.5),
        (5.5, 65.0, 1.5),
    ];
    let beat = 60.0 / bpm;
    for (i, &(at, note, len)) in melody.iter().enumerate() {
        let picks = ((len * beat) / 0.07).floor() as usize;
        for p in 0..picks.max(1) {
            let s = pluck(hz(note), 0.25, 0.985, 0.7, 600 + (i * 31 + p) as u64);
            mix_into(
                &mut out,
                at * beat + p as f64 * 0.07,
                &s,
                if p % 2 == 0 { 0.32 } else { 0.22 },
            );
        }
    }
    // Bwomp: the tuba sagging down.
    let bwomp = brass(|t| hz(40.0) * exp2(-t * 0.9), 0.55, 0.5, 599);
    mix_into(&mut out, 7.0 * beat, &bwomp, 0.9);
    reverb(&mut out, 0.3, 0.12);
    out
}

/// dadgummit: an exasperated "dad gummit!" and a fishing reel screaming as the fish runs.
fn dadgummit() -> Vec<f64> {
    let segs: [Seg; 9] = [
        (D, 0.05, 190.0),
        (Ae, 0.2, 205.0),
        (D, 0.06, 170.0),
        (G, 0.05, 215.0),
        (Ah, 0.12, 225.0),
        (M, 0.07, 190.0),
        (Ih, 0.09, 160.0),
        (T, 0.07, 140.0),
        (Sil, 0.05, 140.0),
    ];
    let v = Voice {
        vibrato: (7.0, 0.35),
        wander: 0.03,
        ..Voice::man(14).shouting()
    };
    let mut out = speak(&v, &segs);
    saturate(&mut out, 1.5);
    // Reel ratchet: clicks speeding up, over the whirr of line paying out.
    let start = 0.95;
    let mut t = 0.0;
    let mut rate = 14.0;
    let mut k = 0u64;
    while t < 1.7 {
        mix_into(&mut out, start + t, &rim(700 + k), 0.8);
        t += 1.0 / rate;
        rate = (rate * 1.07).min(42.0);
        k += 1;
    }
    let whirr = swept_noise(
        1.7,
        |t| 2200.0 + 800.0 * (t / 1.7),
        4.0,
        |t| 0.25 * smooth_step(t, 0.0, 0.8) * adsr(t, 1.6, 0.01, 0.0, 1.0, 0.1),
        15,
    );
    mix_into(&mut out, start, &whirr, 1.5);
    out
}

/// dangerzone: a fighter jet screams past, then a driving 80s rock riff kicks in.
fn dangerzone() -> Vec<f64> {
    let mut out = Vec::new();
    let jet = swept_noise(
        1.7,
        |t| 400.0 + 2600.0 * env(t, &[(0.0, 0.1), (0.85, 1.0), (1.7, 0.15)]),
        0.9,
        |t| env(t, &[(0.0, 0.0), (0.85, 1.0), (1.7, 0.15)]),
        16,
    );
    mix_into(&mut out, 0.0, &jet, 1.0);
    let whine = chirp(3200.0, 1500.0, 1.5);
    mix_into(&mut out, 0.2, &whine, 0.12);
    let bpm = 152.0;
    let start = 1.1;
    let riff: [f64; 8] = [40.0, 40.0, 40.0, 40.0, 40.0, 40.0, 43.0, 45.0];
    let mut bass: Vec<Note> = Vec::new();
    for rep in 0..2 {
        for (k, &n) in riff.iter().enumerate() {
            bass.push((rep as f64 * 4.0 + k as f64 * 0.5, n, 0.4));
        }
    }
    seq(&mut out, start, bpm, &bass, 0.7, |f, h, i| {
        let mut o = Osc::new(0.0);
        let mut lp = Biquad::default();
        let _ = i;
        signal(h + 0.05, |t| {
            lp.set_lowpass(300.0 + 2500.0 * decay(t, 0.06), 2.0);
            lp.process(o.saw(f)) * adsr(t, h, 0.003, 0.1, 0.7, 0.05)
        })
    });
    let chords: [Note; 4] = [
        (0.0, 52.0, 1.5),
        (1.5, 55.0, 0.5),
        (2.0, 57.0, 1.5),
        (4.0, 52.0, 2.0),
    ];
    seq(&mut out, start, bpm, &chords, 0.35, |f, h, i| {
        power_chord(f, h + 0.1, 800 + i as u64)
    });
    hits(
        &mut out,
        &beats(start, bpm, &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]),
        0.8,
        |_| kick(1.0),
    );
    let mut snares = Vec::new();
    for &at in &beats(start, bpm, &[1.0, 3.0, 5.0]) {
        let mut s = snare(17);
        reverb(&mut s, 0.8, 0.6);
        mix_into(&mut snares, at, &s, 1.0);
    }
    mix_into(&mut out, 0.0, &snares, 0.6);
    mix_into(&mut out, start, &crash(1.5, 18), 0.4);
    out
}

/// danielsan: fireworks bursting over a triumphant synth-brass fanfare.
fn danielsan() -> Vec<f64> {
    let mut out = Vec::new();
    mix_into(&mut out, 0.0, &firework(0.45, 19), 0.5);
    mix_into(&mut out, 0.55, &firework(0.4, 20), 0.45);
    mix_into(&mut out, 1.5, &firework(0.5, 21), 0.5);
    let chords: [(f64, &[f64], f64); 4] = [
        (0.45, &[60.0, 64.0, 67.0, 72.0], 0.35),
        (0.85, &[60.0, 65.0, 69.0, 72.0], 0.35),
        (1.25, &[62.0, 67.0, 71.0, 74.0], 0.35),
        (1.65, &[60.0, 64.0, 67.0, 72.0, 76.0], 1.5),
    ];
    for (k, (at, notes, hold)) in chords.into_iter().enumerate() {
        for (j, &n) in notes.iter().enumerate() {
            let f = hz(n);
            let b = brass(move |_| f, hold, 0.8, 900 + (k * 10 + j) as u64);
            mix_into(&mut out, at, &b, 0.22);
        }
        mix_into(&mut out, at, &timpani(hz(36.0), 0.8, 930 + k as u64), 0.4);
    }
    mix_into(&mut out, 1.65, &crash(1.6, 22), 0.4);
    reverb(&mut out, 0.6, 0.2);
    out
}

/// deeper: two enormous, distorted low brass blasts ("BRAAAM"), the second lower still.
fn deeper() -> Vec<f64> {
    let mut out = Vec::new();
    for (k, (at, shift, hold)) in [(0.0, 0.0, 1.0), (1.45, -2.0, 1.4)].into_iter().enumerate() {
        for (j, n) in [36.0, 43.0, 48.0, 51.0].into_iter().enumerate() {
            let f = hz(n + shift);
            let b = brass(
                move |t| f * (1.0 - 0.01 * smooth_step(t, hold * 0.5, hold)),
                hold,
                1.0,
                1000 + (k * 10 + j) as u64,
            );
            mix_into(&mut out, at, &b, 0.35);
        }
        mix_into(&mut out, at, &boom(hold + 0.3), 0.4);
    }
    saturate(&mut out, 3.0);
    let mut lp = Biquad::lowpass(3500.0, 0.7);
    filter(&mut out, |x| lp.process(x));
    reverb(&mut out, 0.85, 0.35);
    out
}

/// donotwant: a strained, wailing "do NOT WANT!".
fn donotwant() -> Vec<f64> {
    let segs: [Seg; 10] = [
        (D, 0.05, 260.0),
        (Oo, 0.18, 290.0),
        (N, 0.06, 280.0),
        (Aa, 0.2, 320.0),
        (T, 0.07, 300.0),
        (W, 0.08, 330.0),
        (Aa, 0.25, 360.0),
        (Ah, 0.35, 250.0),
        (N, 0.07, 220.0),
        (T, 0.08, 210.0),
    ];
    let v = Voice {
        vibrato: (6.5, 0.5),
        ..Voice::man(23).shouting()
    };
    let mut out = speak(&v, &segs);
    saturate(&mut out, 2.0);
    out.resize(samples(1.9), 0.0);
    reverb(&mut out, 0.6, 0.3);
    out
}

/// drama: "dun, dun, DUNNN!" — two orchestral stabs and a long minor chord with timpani roll.
fn drama() -> Vec<f64> {
    let mut out = Vec::new();
    let hitsets: [(f64, f64, f64); 3] = [(0.0, 52.0, 0.22), (0.42, 51.0, 0.22), (0.9, 50.0, 1.7)];
    for (k, (at, root, hold)) in hitsets.into_iter().enumerate() {
        let chord = [root - 12.0, root, root + 3.0, root + 7.0, root + 12.0];
        for (j, n) in chord.into_iter().enumerate() {
            let f = hz(n);
            mix_into(&mut out, at, &strings(f, hold, 0.01), 0.2);
            let b = brass(move |_| f, hold, 0.9, 1100 + (k * 10 + j) as u64);
            mix_into(&mut out, at, &b, 0.18);
        }
        mix_into(
            &mut out,
            at,
            &timpani(hz(root - 12.0), 1.0, 1150 + k as u64),
            0.5,
        );
    }
    // Timpani roll under the last chord.
    let mut k = 0;
    let mut t = 1.0;
    while t < 2.4 {
        let swell = env(t, &[(1.0, 0.15), (2.2, 0.5), (2.4, 0.2)]);
        mix_into(&mut out, t, &timpani(hz(38.0), 0.4, 1160 + k), swell * 0.5);
        t += 0.06;
        k += 1;
    }
    reverb(&mut out, 0.8, 0.3);
    out
}

/// flawless: a camera flash charging and popping, a sparkle, and a sassy "flawless".
fn flawless() -> Vec<f64> {
    let mut out = Vec::new();
    mix_into(&mut out, 0.0, &chirp(1500.0, 7000.0, 0.35), 0.08);
    let pop = swept_noise(
        0.25,
        |t| 3000.0 - 2000.0 * t,
        0.7,
        |t| perc(t, 0.0005, 0.04) * 1.5,
        24,
    );
    mix_into(&mut out, 0.36, &pop, 1.0);
    for (k, n) in [84.0, 88.0, 91.0, 96.0, 100.0, 103.0]
        .into_iter()
        .enumerate()
    {
        mix_into(&mut out, 0.42 + 0.045 * k as f64, &glock(hz(n), 0.8), 0.25);
    }
    let segs: [Seg; 7] = [
        (F, 0.1, 220.0),
        (L, 0.07, 240.0),
        (Aw, 0.32, 300.0),
        (L, 0.07, 230.0),
        (Eh, 0.14, 210.0),
        (S, 0.18, 200.0),
        (Sil, 0.05, 200.0),
    ];
    let v = speak(&Voice::woman(25), &segs);
    mix_into(&mut out, 1.0, &v, 1.0);
    reverb(&mut out, 0.5, 0.2);
    out
}

/// glados: a cold, sing-song synthetic voice ("oh… it's you") that glitches into angry beeps.
fn glados() -> Vec<f64> {
    let segs: [Seg; 9] = [
        (Oh, 0.38, 392.0),
        (Sil, 0.3, 392.0),
        (Ih, 0.12, 440.0),
        (T, 0.05, 440.0),
        (S, 0.1, 440.0),
        (Y, 0.06, 330.0),
        (Oo, 0.18, 349.0),
        (Oo, 0.2, 294.0),
        (Sil, 0.05, 294.0),
    ];
    let v = Voice {
        vibrato: (0.0, 0.0),
        wander: 0.0,
        breath: 0.0,
        ..Voice::woman(26)
    };
    let mut voice = speak(&v, &segs);
    // Metallic comb and a touch of ring modulation make it synthetic.
    let mut ring = Osc::new(0.0);
    let delay = samples(0.004);
    let dry = voice.clone();
    for (i, x) in voice.iter_mut().enumerate() {
        let back = i
            .checked_sub(delay)
            .and_then(|j| dry.get(j))
            .copied()
            .unwrap_or(0.0);
        *x = (*x + 0.6 * back) * (0.8 + 0.2 * ring.sine(90.0));
    }
    let mut out = Vec::new();
    mix_into(&mut out, 0.0, &voice, 1.0);
    let mut rng = Rng::new(27);
    for k in 0..9 {
        let f = 400.0 + 1600.0 * rng.uniform();
        mix_into(
            &mut out,
            1.7 + 0.07 * k as f64,
            &fm_blip(f, 1.41, 3.0, 0.06),
            0.3,
        );
    }
    let mut buzz_osc = Osc::new(0.0);
    let buzz = signal(0.35, |t| {
        buzz_osc.pulse(110.0, 0.2) * adsr(t, 0.3, 0.005, 0.0, 1.0, 0.05)
    });
    mix_into(&mut out, 2.4, &buzz, 0.35);
    reverb(&mut out, 0.6, 0.2);
    out
}

/// gogogo: three urgent, rising shouts of "GO!" over pounding drums and a snare build.
fn gogogo() -> Vec<f64> {
    let mut out = Vec::new();
    for (k, p) in [190.0, 215.0, 250.0].into_iter().enumerate() {
        let segs: [Seg; 3] = [(G, 0.05, p), (Oh, 0.24, p * 1.05), (Oo, 0.06, p * 0.9)];
        let at = 0.1 + 0.42 * k as f64;
        mix_into(
            &mut out,
            at,
            &speak(&Voice::man(30 + k as u64).shouting(), &segs),
            1.0,
        );
        mix_into(&mut out, at, &kick(1.0), 0.7);
        mix_into(&mut out, at, &tom(110.0 + 20.0 * k as f64, 31), 0.6);
    }
    let mut t = 0.0;
    let mut k = 0;
    while t < 1.45 {
        mix_into(&mut out, t, &snare(40 + k), 0.1 + 0.25 * t);
        t += if t < 0.9 { 0.105 } else { 0.0525 };
        k += 1;
    }
    mix_into(&mut out, 1.45, &crash(1.0, 41), 0.4);
    saturate(&mut out, 1.5);
    out
}

/// greatjob: a beaming "great job!" and a room bursting into applause.
fn greatjob() -> Vec<f64> {
    let segs: [Seg; 10] = [
        (G, 0.05, 240.0),
        (R, 0.06, 260.0),
        (Eh, 0.13, 300.0),
        (Ee, 0.07, 290.0),
        (T, 0.07, 270.0),
        (Sil, 0.04, 270.0),
        (D, 0.05, 280.0),
        (Aa, 0.24, 320.0),
        (Aa, 0.1, 230.0),
        (B, 0.07, 210.0),
    ];
    let mut out = Vec::new();
    mix_into(&mut out, 0.05, &speak(&Voice::woman(42), &segs), 1.0);
    let clapping = applause(2.5, 70.0, 43);
    mix_into(&mut out, 0.85, &clapping, 1.4);
    reverb(&mut out, 0.5, 0.15);
    out
}

/// greyjoy: a trumpet flub — a note that cracks, wobbles sour and deflates with a raspberry.
fn greyjoy() -> Vec<f64> {
    let mut rng = Rng::new(44);
    let wobble: Vec<f64> = (0..40).map(|_| rng.range(-0.4, 0.4)).collect();
    let contour = move |t: f64| {
        let base = env(
            t,
            &[
                (0.0, 70.0),
                (0.3, 70.0),
                (0.33, 77.5),
                (0.5, 76.5),
                (0.56, 69.0),
                (1.0, 68.2),
                (1.3, 67.5),
            ],
        );
        let idx = ((t * 25.0) as usize).min(wobble.len().saturating_sub(1));
        let w = wobble.get(idx).copied().unwrap_or(0.0) * smooth_step(t, 0.5, 0.7);
        hz(base + w)
    };
    let mut out = brass(contour, 1.3, 0.9, 45);
    // The crack: a squeak of noise.
    let squeak = swept_noise(0.08, |_| 2600.0, 3.0, |t| perc(t, 0.001, 0.02), 46);
    mix_into(&mut out, 0.31, &squeak, 0.6);
    // Raspberry: a low, buzzing blat sagging away.
    let mut o = Osc::new(0.0);
    let mut flap = Osc::new(0.0);
    let mut lp = Biquad::lowpass(1200.0, 1.0);
    let rasp = signal(0.6, |t| {
        let f = 140.0 - 70.0 * (t / 0.6);
        lp.process(o.pulse(f, 0.2))
            * (0.6 + 0.4 * flap.sine(23.0))
            * adsr(t, 0.5, 0.01, 0.1, 0.8, 0.1)
    });
    mix_into(&mut out, 1.45, &rasp, 0.8);
    reverb(&mut out, 0.3, 0.12);
    out
}

/// guarantee: a deep, confident "I guarantee it", sealed with a cash-register ding.
fn guarantee() -> Vec<f64> {
    let segs: [Seg; 14] = [
        (Aa, 0.12, 120.0),
        (Ee, 0.07, 115.0),
        (Sil, 0.05, 112.0),
        (G, 0.05, 112.0),
        (Eh, 0.07, 110.0),
        (R, 0.05, 110.0),
        (Ah, 0.06, 112.0),
        (N, 0.05, 118.0),
        (T, 0.05, 130.0),
        (Ee, 0.3, 128.0),
        (Ee, 0.05, 105.0),
        (Ih, 0.07, 98.0),
        (T, 0.07, 92.0),
        (Sil, 0.05, 90.0),
    ];
    let v = Voice {
        formant_scale: 0.92,
        bright: 2000.0,
        ..Voice::man(47)
    };
    let mut out = speak(&v, &segs);
    let at = out.len() as f64 / super::synth::SR + 0.1;
    mix_into(&mut out, at, &bell(hz(88.0), 1.0, 48), 0.5);
    reverb(&mut out, 0.3, 0.12);
    out
}

/// heygirl: a warm electric-piano major-seventh chord, sparkles, and a smooth "heyyy girl".
fn heygirl() -> Vec<f64> {
    let mut out = Vec::new();
    for (k, n) in [53.0, 57.0, 60.0, 64.0, 67.0].into_iter().enumerate() {
        mix_into(&mut out, 0.03 * k as f64, &epiano(hz(n), 2.6), 0.3);
    }
    for (k, n) in [88.0, 91.0, 95.0, 100.0].into_iter().enumerate() {
        mix_into(&mut out, 0.1 + 0.09 * k as f64, &glock(hz(n), 0.9), 0.15);
    }
    let segs: [Seg; 8] = [
        (H, 0.07, 110.0),
        (Eh, 0.28, 112.0),
        (Ee, 0.25, 100.0),
        (Sil, 0.12, 100.0),
        (G, 0.05, 105.0),
        (Er, 0.3, 100.0),
        (L, 0.12, 92.0),
        (Sil, 0.05, 90.0),
    ];
    let v = Voice {
        breath: 0.3,
        bright: 1800.0,
        ..Voice::man(49)
    };
    mix_into(&mut out, 0.75, &speak(&v, &segs), 1.1);
    reverb(&mut out, 0.6, 0.25);
    out
}

/// honk: a car horn — a short tap and then one long, brassy HONK.
fn honk() -> Vec<f64> {
    let horn = |length: f64| {
        let mut a = Osc::new(0.0);
        let mut b = Osc::new(0.25);
        let mut nasal = Biquad::bandpass(900.0, 1.2);
        let mut lp = Biquad::lowpass(4000.0, 0.7);
        let mut v = signal(length, |t| {
            let sag = 1.0 - 0.015 * smooth_step(t, 0.0, length);
            let x = a.pulse(415.0 * sag, 0.4) + b.pulse(523.0 * sag, 0.4);
            lp.process(x * 0.3 + nasal.process(x)) * adsr(t, length - 0.03, 0.008, 0.02, 0.9, 0.03)
        });
        saturate(&mut v, 2.5);
        v
    };
    let mut out = Vec::new();
    mix_into(&mut out, 0.02, &horn(0.15), 1.0);
    mix_into(&mut out, 0.3, &horn(0.85), 1.0);
    out
}

/// horn: a stadium air horn — BWAAAP, bwap, bwap, BWAAAAAP.
fn airhorn() -> Vec<f64> {
    let blast = |length: f64, seed: u64| {
        let mut oscs = [Osc::new(0.0), Osc::new(0.3), Osc::new(0.6)];
        let mut rng = Rng::new(seed);
        let mut bp = Biquad::bandpass(1800.0, 0.8);
        let mut v = signal(length, |t| {
            let scoop = 1.0 - 0.06 * decay(t, 0.03);
            let f = 466.0 * scoop;
            let x: f64 = oscs
                .iter_mut()
                .zip([1.0, 1.005, 1.26])
                .map(|(o, r)| o.saw(f * r))
                .sum();
            (x + bp.process(rng.noise()) * 0.4) * adsr(t, length - 0.03, 0.006, 0.05, 0.85, 0.03)
        });
        saturate(&mut v, 4.0);
        v
    };
    let mut out = Vec::new();
    for (k, (at, len)) in [(0.0, 0.55), (0.62, 0.14), (0.82, 0.14), (1.02, 1.2)]
        .into_iter()
        .enumerate()
    {
        mix_into(&mut out, at, &blast(len, 50 + k as u64), 1.0);
    }
    let mut lp = Biquad::lowpass(5000.0, 0.7);
    filter(&mut out, |x| lp.process(x));
    reverb(&mut out, 0.7, 0.2);
    out
}

/// horror: seven shrieking violin stabs, one per skull, then a low dread boom.
fn horror() -> Vec<f64> {
    let mut out = Vec::new();
    let notes = [88.0, 89.0, 87.5, 88.5, 86.0, 87.0, 85.0];
    for (k, n) in notes.into_iter().enumerate() {
        let f0 = hz(n);
        let mut o = Osc::new(0.0);
        let mut o2 = Osc::new(0.4);
        let mut rng = Rng::new(60 + k as u64);
        let mut bp = Biquad::bandpass(3000.0, 1.0);
        let stab = signal(0.24, |t| {
            let f = f0 * (1.0 - 0.06 * t) * vibrato(t, 11.0, 0.4, 0.0);
            let scrape = bp.process(rng.noise()) * 0.5;
            (o.saw(f) + 0.7 * o2.saw(f * 1.06) + scrape) * perc(t, 0.004, 0.1)
        });
        mix_into(&mut out, 0.02 + 0.21 * k as f64, &stab, 1.0);
    }
    let dread_at = 1.55;
    mix_into(&mut out, dread_at, &boom(1.6), 0.5);
    for n in [36.0, 37.0, 42.0] {
        mix_into(&mut out, dread_at, &strings(hz(n), 1.3, 0.05), 0.3);
    }
    reverb(&mut out, 0.85, 0.4);
    out
}

/// inconceivable: "in-con-CEIV-able!", with the big rise on the third syllable.
fn inconceivable() -> Vec<f64> {
    let segs: [Seg; 14] = [
        (Ih, 0.07, 150.0),
        (N, 0.05, 150.0),
        (K, 0.06, 155.0),
        (Ah, 0.08, 158.0),
        (N, 0.05, 165.0),
        (S, 0.12, 180.0),
        (Ee, 0.3, 240.0),
        (V, 0.06, 190.0),
        (Ah, 0.08, 175.0),
        (B, 0.05, 160.0),
        (Ah, 0.06, 150.0),
        (L, 0.14, 130.0),
        (Sil, 0.05, 120.0),
        (Sil, 0.05, 120.0),
    ];
    let v = Voice {
        vibrato: (6.0, 0.25),
        ..Voice::man(61).shouting()
    };
    let mut out = speak(&v, &segs);
    out.resize(samples(1.9), 0.0);
    reverb(&mut out, 0.7, 0.3);
    out
}

/// letitgo: an icy wind, a swirl of celesta sparkles, and a soaring piano-and-strings ballad.
fn letitgo() -> Vec<f64> {
    let mut out = swept_noise(
        3.4,
        |t| 700.0 + 500.0 * sin_cycles(0.4 * t),
        2.0,
        |t| 0.25 * env(t, &[(0.0, 0.0), (0.6, 1.0), (3.0, 0.6), (3.4, 0.0)]),
        62,
    );
    let progression: [(f64, [f64; 4]); 4] = [
        (0.0, [53.0, 60.0, 65.0, 69.0]),
        (0.8, [48.0, 60.0, 64.0, 67.0]),
        (1.6, [50.0, 57.0, 62.0, 65.0]),
        (2.4, [46.0, 58.0, 62.0, 65.0]),
    ];
    for (at, chord) in progression {
        for (j, n) in chord.into_iter().enumerate() {
            mix_into(&mut out, at + 0.02 * j as f64, &epiano(hz(n), 0.75), 0.22);
        }
        mix_into(&mut out, at, &strings(hz(chord[0] + 12.0), 0.8, 0.2), 0.12);
    }
    let mut rng = Rng::new(63);
    let pentatonic = [84.0, 86.0, 88.0, 91.0, 93.0, 96.0, 98.0, 100.0, 103.0];
    for k in 0..22 {
        let idx = ((k as f64 * 0.45 + rng.range(0.0, 3.0)) as usize).min(pentatonic.len() - 1);
        let n = pentatonic.get(idx).copied().unwrap_or(96.0);
        mix_into(
            &mut out,
            0.1 + 0.14 * k as f64,
            &glock(hz(n), 0.7),
            0.12 + 0.06 * rng.uniform(),
        );
    }
    reverb(&mut out, 0.85, 0.3);
    out
}

/// live: an angry "we'll do it LIVE!" punctuated by a fist slamming the desk.
fn live() -> Vec<f64> {
    let segs: [Seg; 13] = [
        (W, 0.05, 170.0),
        (Ee, 0.1, 180.0),
        (L, 0.05, 175.0),
        (D, 0.04, 185.0),
        (Oo, 0.1, 190.0),
        (Ih, 0.06, 195.0),
        (T, 0.06, 200.0),
        (L, 0.06, 230.0),
        (Aa, 0.2, 270.0),
        (Ee, 0.08, 240.0),
        (V, 0.1, 200.0),
        (Sil, 0.05, 190.0),
        (Sil, 0.05, 190.0),
    ];
    let mut out = speak(&Voice::man(64).shouting(), &segs);
    saturate(&mut out, 2.5);
    let slam_at = 0.58;
    mix_into(&mut out, slam_at, &kick(0.6), 1.0);
    mix_into(&mut out, slam_at, &tom(80.0, 65), 0.8);
    let rattle = swept_noise(0.4, |_| 2500.0, 1.5, |t| perc(t, 0.001, 0.08) * 0.5, 66);
    mix_into(&mut out, slam_at + 0.01, &rattle, 1.0);
    out.resize(samples(1.6), 0.0);
    reverb(&mut out, 0.5, 0.2);
    out
}

/// loggins: a gated-reverb 80s tom fill into a big power chord, synth brass and crash.
fn loggins() -> Vec<f64> {
    let mut out = Vec::new();
    let fill = [220.0, 180.0, 150.0, 125.0, 105.0, 90.0];
    for (k, f) in fill.into_iter().enumerate() {
        let mut t = tom(f, 70 + k as u64);
        reverb(&mut t, 0.9, 0.7);
        t.truncate(samples(0.22));
        super::synth::fade_edges(&mut t, 0.001, 0.03);
        mix_into(&mut out, 0.12 * k as f64, &t, 0.35);
    }
    let hit = 0.72;
    mix_into(&mut out, hit, &power_chord(hz(45.0), 2.4, 71), 0.9);
    mix_into(&mut out, hit, &kick(1.0), 0.8);
    mix_into(&mut out, hit, &crash(2.0, 72), 0.4);
    for (j, n) in [57.0, 64.0, 69.0, 73.0].into_iter().enumerate() {
        let f = hz(n);
        mix_into(
            &mut out,
            hit,
            &brass(move |_| f, 1.8, 0.7, 73 + j as u64),
            0.25,
        );
    }
    // Arpeggiated synth bubbling under the chord.
    let arp = [69.0, 76.0, 81.0, 76.0];
    for k in 0..16 {
        let n = arp.get(k % 4).copied().unwrap_or(69.0);
        mix_into(
            &mut out,
            hit + 0.12 * k as f64,
            &chip(hz(n), 0.09, 0.25),
            0.08 * (1.0 - k as f64 / 20.0),
        );
    }
    out
}

/// makeitso: a starship hum, a calm command — "make it so" — and the jump to warp.
fn makeitso() -> Vec<f64> {
    let mut hum_a = Osc::new(0.0);
    let mut hum_b = Osc::new(0.0);
    let mut out = signal(3.4, |t| {
        (hum_a.sine(55.0) + 0.5 * hum_b.sine(110.5))
            * 0.25
            * env(t, &[(0.0, 0.0), (0.3, 1.0), (2.0, 1.0), (2.4, 0.0)])
    });
    let segs: [Seg; 10] = [
        (M, 0.08, 118.0),
        (Eh, 0.12, 122.0),
        (Ee, 0.05, 120.0),
        (K, 0.06, 118.0),
        (Ih, 0.06, 116.0),
        (T, 0.06, 114.0),
        (S, 0.13, 112.0),
        (Oh, 0.25, 108.0),
        (Oo, 0.1, 96.0),
        (Sil, 0.05, 95.0),
    ];
    let v = Voice {
        formant_scale: 0.95,
        ..Voice::man(80)
    };
    mix_into(&mut out, 0.3, &speak(&v, &segs), 1.2);
    let warp_at = 1.65;
    mix_into(&mut out, warp_at, &chirp(150.0, 2400.0, 0.9), 0.35);
    let rush = swept_noise(
        1.2,
        |t| 300.0 + 4000.0 * smooth_step(t, 0.0, 1.0),
        1.2,
        |t| env(t, &[(0.0, 0.0), (0.85, 0.9), (1.2, 0.0)]),
        81,
    );
    mix_into(&mut out, warp_at, &rush, 0.8);
    mix_into(&mut out, warp_at + 0.9, &boom(0.9), 0.8);
    mix_into(&mut out, warp_at + 0.9, &glock(hz(96.0), 0.8), 0.3);
    reverb(&mut out, 0.6, 0.2);
    out
}

/// noooo: a long, anguished "NOOOOOOO!" that rises, then falls away with wide vibrato.
fn noooo() -> Vec<f64> {
    let segs: [Seg; 6] = [
        (N, 0.12, 190.0),
        (Oh, 0.5, 240.0),
        (Oh, 0.6, 250.0),
        (Oh, 0.6, 190.0),
        (Oo, 0.4, 140.0),
        (Sil, 0.05, 130.0),
    ];
    let v = Voice {
        vibrato: (5.0, 0.6),
        ..Voice::man(82).shouting()
    };
    let mut out = speak(&v, &segs);
    saturate(&mut out, 2.0);
    out.resize(samples(2.9), 0.0);
    reverb(&mut out, 0.85, 0.4);
    out
}

/// nyan: a cat's "nyan!" and a bouncy chiptune with a rainbow sparkle.
fn nyan() -> Vec<f64> {
    let mut out = Vec::new();
    let meow: [Seg; 5] = [
        (N, 0.05, 600.0),
        (Y, 0.06, 700.0),
        (Ae, 0.18, 760.0),
        (Aa, 0.08, 620.0),
        (N, 0.08, 520.0),
    ];
    mix_into(&mut out, 0.0, &speak(&Voice::child(90), &meow), 0.5);
    let bpm = 150.0;
    let start = 0.5;
    let melody: [f64; 16] = [
        76.0, 80.0, 83.0, 80.0, 78.0, 81.0, 85.0, 81.0, 80.0, 83.0, 88.0, 83.0, 87.0, 85.0, 83.0,
        80.0,
    ];
    let notes: Vec<Note> = melody
        .iter()
        .enumerate()
        .map(|(k, &n)| (k as f64 * 0.5, n, 0.42))
        .collect();
    seq(&mut out, start, bpm, &notes, 0.5, |f, h, _| chip(f, h, 0.5));
    let bass: Vec<Note> = (0..16)
        .map(|k| {
            let root = [52.0, 54.0, 56.0, 59.0].get(k / 4).copied().unwrap_or(52.0);
            (
                k as f64 * 0.5,
                if k % 2 == 0 { root - 12.0 } else { root },
                0.4,
            )
        })
        .collect();
    seq(&mut out, start, bpm, &bass, 0.45, |f, h, _| chip_bass(f, h));
    for &at in &beats(start, bpm, &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]) {
        mix_into(&mut out, at, &hat(false, 91), 0.25);
    }
    let sparkle = chirp(2000.0, 6000.0, 0.3);
    mix_into(&mut out, 0.3, &sparkle, 0.05);
    out
}

/// ohmy: a drawn-out, amused, eyebrow-raising "oh myyy".
fn ohmy() -> Vec<f64> {
    let segs: [Seg; 6] = [
        (Oh, 0.2, 150.0),
        (Oh, 0.3, 230.0),
        (M, 0.09, 240.0),
        (Aa, 0.4, 255.0),
        (Ee, 0.35, 150.0),
        (Sil, 0.05, 140.0),
    ];
    let v = Voice {
        vibrato: (4.5, 0.35),
        breath: 0.12,
        ..Voice::man(92)
    };
    let mut out = Vec::new();
    mix_into(&mut out, 0.05, &speak(&v, &segs), 1.0);
    out.resize(samples(1.8), 0.0);
    reverb(&mut out, 0.5, 0.2);
    out
}

/// ohyeah: a wall smashing in, bricks tumbling, and a booming "OH YEAH!".
fn ohyeah() -> Vec<f64> {
    let mut out = Vec::new();
    let mut lp = Biquad::lowpass(1500.0, 0.7);
    let mut rng = Rng::new(93);
    let smash = signal(0.6, |t| {
        lp.process(rng.noise()) * perc(t, 0.001, 0.15) * 2.0
    });
    mix_into(&mut out, 0.0, &smash, 1.0);
    mix_into(&mut out, 0.0, &boom(0.6), 0.8);
    let mut bricks = Rng::new(94);
    for k in 0..14 {
        let at = 0.08 + bricks.range(0.0, 0.7);
        mix_into(&mut out, at, &tom(bricks.range(150.0, 400.0), 95 + k), 0.25);
    }
    let segs: [Seg; 6] = [
        (Oh, 0.4, 115.0),
        (Oh, 0.1, 140.0),
        (Y, 0.07, 160.0),
        (Eh, 0.25, 170.0),
        (Ah, 0.3, 125.0),
        (Sil, 0.05, 120.0),
    ];
    let v = Voice {
        formant_scale: 0.93,
        ..Voice::man(96).shouting()
    };
    let mut shout = speak(&v, &segs);
    saturate(&mut shout, 2.0);
    mix_into(&mut out, 0.55, &shout, 1.0);
    reverb(&mut out, 0.7, 0.3);
    out
}

/// pushit: an electro-funk groove — 808 kick, claps, a rubbery synth bass — and "push it!".
fn pushit() -> Vec<f64> {
    let bpm = 118.0;
    let mut out = Vec::new();
    hits(
        &mut out,
        &beats(0.0, bpm, &[0.0, 1.5, 2.0, 4.0, 5.5, 6.0]),
        0.8,
        |_| kick(1.0),
    );
    hits(&mut out, &beats(0.0, bpm, &[1.0, 3.0, 5.0]), 0.5, |i| {
        clap(100 + i as u64)
    });
    let hat_times: Vec<f64> = (0..13).map(|k| 0.5 * k as f64).collect();
    hits(&mut out, &beats(0.0, bpm, &hat_times), 0.2, |i| {
        hat(i % 4 == 3, 110)
    });
    let bass: [Note; 8] = [
        (0.0, 40.0, 0.4),
        (0.75, 40.0, 0.2),
        (1.0, 43.0, 0.4),
        (1.5, 45.0, 0.4),
        (2.5, 40.0, 0.3),
        (3.0, 38.0, 0.4),
        (3.5, 40.0, 0.4),
        (4.0, 40.0, 0.4),
    ];
    seq(&mut out, 0.0, bpm, &bass, 0.6, |f, h, _| {
        let mut o = Osc::new(0.0);
        let mut lp = Biquad::default();
        signal(h + 0.05, |t| {
            lp.set_lowpass(200.0 + 1800.0 * decay(t, 0.08), 4.0);
            lp.process(o.pulse(f, 0.3)) * adsr(t, h, 0.003, 0.05, 0.8, 0.05)
        })
    });
    let segs: [Seg; 6] = [
        (P, 0.07, 210.0),
        (Uu, 0.14, 230.0),
        (Sh, 0.15, 220.0),
        (Ih, 0.1, 240.0),
        (T, 0.07, 200.0),
        (Sil, 0.05, 200.0),
    ];
    let v = Voice::woman(111).shouting();
    mix_into(&mut out, 60.0 / bpm * 2.0 - 0.1, &speak(&v, &segs), 1.0);
    mix_into(
        &mut out,
        60.0 / bpm * 6.0 - 0.1,
        &speak(&v, &pitched(&segs, 1.12)),
        1.0,
    );
    out.truncate(samples(3.5));
    out
}

/// rimshot: ba-dum-TSS — snare, tom, then kick and a ringing cymbal.
fn rimshot() -> Vec<f64> {
    let mut out = Vec::new();
    mix_into(&mut out, 0.02, &snare(120), 0.8);
    mix_into(&mut out, 0.02, &rim(121), 0.5);
    mix_into(&mut out, 0.2, &tom(120.0, 122), 0.9);
    mix_into(&mut out, 0.5, &kick(1.0), 0.9);
    mix_into(&mut out, 0.5, &crash(1.6, 123), 0.8);
    reverb(&mut out, 0.4, 0.15);
    out
}

/// rollout: clanking, whirring mechanical transformation, then an engine revs and drives off.
fn rollout() -> Vec<f64> {
    let mut out = Vec::new();
    let mut rng = Rng::new(130);
    let mut t = 0.0;
    let mut k = 0u64;
    while t < 1.3 {
        let clank = fm_blip(rng.range(300.0, 900.0), 1.73, 6.0, 0.09);
        mix_into(&mut out, t, &clank, 0.35);
        mix_into(&mut out, t, &rim(131 + k), 0.4);
        let servo_from = rng.range(300.0, 600.0);
        let mut o = Osc::new(0.0);
        let servo = signal(0.12, |s| {
            o.saw(servo_from * (1.0 + 1.5 * s / 0.12)) * adsr(s, 0.1, 0.005, 0.0, 1.0, 0.02)
        });
        mix_into(&mut out, t + 0.05, &servo, 0.08);
        t += 0.2 - 0.012 * k as f64;
        k += 1;
    }
    let engine_at = 1.35;
    let mut o = Osc::new(0.0);
    let mut o2 = Osc::new(0.0);
    let mut lp = Biquad::default();
    let engine = signal(2.0, |s| {
        let rpm = env(
            s,
            &[
                (0.0, 28.0),
                (0.35, 70.0),
                (0.6, 45.0),
                (1.2, 85.0),
                (2.0, 95.0),
            ],
        );
        lp.set_lowpass(300.0 + rpm * 12.0, 1.5);
        let x = o.pulse(rpm, 0.25) + 0.5 * o2.saw(rpm * 2.0);
        lp.process(x) * env(s, &[(0.0, 0.0), (0.05, 1.0), (1.3, 1.0), (2.0, 0.0)])
    });
    let mut engine = engine;
    saturate(&mut engine, 2.0);
    mix_into(&mut out, engine_at, &engine, 0.8);
    let screech = swept_noise(
        0.4,
        |_| 2300.0,
        6.0,
        |s| 0.3 * env(s, &[(0.0, 0.0), (0.05, 1.0), (0.4, 0.0)]),
        132,
    );
    mix_into(&mut out, engine_at + 0.6, &screech, 1.0);
    out
}

/// rumble: the boxing-ring bell, a roaring crowd, and a rolling "rrrrumble!".
fn rumble() -> Vec<f64> {
    let mut out = Vec::new();
    for k in 0..3 {
        mix_into(
            &mut out,
            0.02 + 0.16 * k as f64,
            &bell(hz(88.0), 1.0, 140 + k),
            1.0,
        );
    }
    let roar = crowd(
        3.0,
        |t| env(t, &[(0.0, 0.0), (1.0, 0.5), (2.6, 1.0), (3.0, 0.0)]),
        141,
    );
    mix_into(&mut out, 0.4, &roar, 0.6);
    let segs: [Seg; 7] = [
        (R, 0.45, 120.0),
        (Ah, 0.55, 160.0),
        (Ah, 0.2, 210.0),
        (M, 0.1, 200.0),
        (B, 0.06, 190.0),
        (L, 0.2, 170.0),
        (Sil, 0.05, 160.0),
    ];
    let mut call = speak(&Voice::man(142).shouting(), &segs);
    // Roll the R: a fast tongue-trill flutter over its first half second.
    let mut flutter = Osc::new(0.0);
    for (i, x) in call.iter_mut().enumerate() {
        let t = super::synth::time(i);
        if t < 0.5 {
            *x *= 0.55 + 0.45 * flutter.sine(28.0);
        }
    }
    saturate(&mut call, 1.5);
    mix_into(&mut out, 0.85, &call, 1.0);
    reverb(&mut out, 0.8, 0.3);
    out
}

/// sax: a smoky, late-night saxophone lick over a soft minor-ninth pad.
fn smooth_sax() -> Vec<f64> {
    let mut out = Vec::new();
    for n in [50.0, 57.0, 60.0, 64.0, 65.0] {
        mix_into(&mut out, 0.0, &strings(hz(n), 3.0, 0.6), 0.08);
    }
    // (start s, from note, to note, hold s): bends are scooped into.
    let lick: [(f64, f64, f64, f64); 6] = [
        (0.05, 68.0, 69.0, 0.35),
        (0.45, 72.0, 72.0, 0.2),
        (0.7, 74.0, 74.0, 0.7),
        (1.5, 77.0, 77.0, 0.25),
        (1.8, 76.0, 76.0, 0.25),
        (2.1, 75.0, 74.0, 1.0),
    ];
    for (k, (at, from, to, hold)) in lick.into_iter().enumerate() {
        let s = sax(
            move |t| hz(from + (to - from) * smooth_step(t, 0.0, 0.12)),
            hold,
            150 + k as u64,
        );
        mix_into(&mut out, at, &s, 0.6);
    }
    reverb(&mut out, 0.75, 0.3);
    out
}

/// secret: a chiptune arpeggio climbing through three chords to a sparkling "found it!".
fn secret() -> Vec<f64> {
    let mut out = Vec::new();
    let runs = [
        [67.0, 71.0, 74.0, 79.0],
        [69.0, 73.0, 76.0, 81.0],
        [71.0, 75.0, 78.0, 83.0],
    ];
    let mut k = 0;
    for run in runs {
        for n in run {
            mix_into(&mut out, 0.075 * k as f64, &chip(hz(n), 0.07, 0.25), 0.4);
            mix_into(
                &mut out,
                0.075 * k as f64,
                &chip_bass(hz(n - 24.0), 0.07),
                0.25,
            );
            k += 1;
        }
    }
    let end = 0.075 * k as f64;
    for n in [83.0, 87.0, 90.0, 95.0] {
        mix_into(&mut out, end, &chip(hz(n), 0.5, 0.125), 0.2);
    }
    mix_into(&mut out, end, &glock(hz(95.0), 0.8), 0.2);
    echo(&mut out, 0.15, 0.3, 2.5);
    out
}

/// sexyback: a sultry, syncopated beat with finger snaps, a growling bass and a breathy "yeah".
fn sexyback() -> Vec<f64> {
    let bpm = 116.0;
    let mut out = Vec::new();
    hits(
        &mut out,
        &beats(0.0, bpm, &[0.0, 0.75, 2.0, 2.5, 4.0, 4.75]),
        0.8,
        |_| kick(0.9),
    );
    hits(&mut out, &beats(0.0, bpm, &[1.0, 3.0, 5.0]), 0.5, |i| {
        let mut s = snare(160 + i as u64);
        mix_into(&mut s, 0.0, &clap(170 + i as u64), 1.0);
        s
    });
    let ticks: Vec<f64> = (0..24).map(|k| k as f64 * 0.25).collect();
    hits(&mut out, &beats(0.0, bpm, &ticks), 0.14, |i| {
        hat(i % 6 == 5, 180 + i as u64)
    });
    let bass: [Note; 5] = [
        (0.0, 33.0, 0.7),
        (1.5, 33.0, 0.4),
        (2.0, 36.0, 0.7),
        (3.5, 35.0, 0.4),
        (4.0, 33.0, 1.0),
    ];
    seq(&mut out, 0.0, bpm, &bass, 0.55, |f, h, _| {
        let mut o = Osc::new(0.0);
        let mut o2 = Osc::new(0.5);
        let mut lp = Biquad::lowpass(700.0, 3.0);
        let mut v = signal(h + 0.05, |t| {
            lp.process(o.saw(f) + o2.saw(f * 1.01)) * adsr(t, h, 0.005, 0.1, 0.8, 0.05)
        });
        saturate(&mut v, 3.0);
        v
    });
    let segs: [Seg; 5] = [
        (Y, 0.08, 190.0),
        (Eh, 0.2, 200.0),
        (Ah, 0.3, 170.0),
        (H, 0.1, 160.0),
        (Sil, 0.05, 160.0),
    ];
    let v = Voice {
        breath: 0.4,
        ..Voice::man(190)
    };
    mix_into(&mut out, 2.6, &speak(&v, &segs), 1.2);
    out.truncate(samples(3.5));
    reverb(&mut out, 0.3, 0.1);
    out
}

/// story: a warm old-radio narrator — "and now you know…" — then a gentle closing cadence.
fn story() -> Vec<f64> {
    let segs: [Seg; 14] = [
        (Ae, 0.14, 125.0),
        (N, 0.07, 120.0),
        (D, 0.05, 118.0),
        (Sil, 0.12, 118.0),
        (N, 0.07, 130.0),
        (Aa, 0.16, 140.0),
        (Oo, 0.1, 132.0),
        (Sil, 0.1, 125.0),
        (Y, 0.06, 118.0),
        (Oo, 0.18, 112.0),
        (Sil, 0.1, 110.0),
        (N, 0.08, 105.0),
        (Oh, 0.45, 92.0),
        (Sil, 0.05, 90.0),
    ];
    let v = Voice {
        formant_scale: 0.95,
        vibrato: (5.0, 0.05),
        ..Voice::man(200)
    };
    let mut out = Vec::new();
    mix_into(&mut out, 0.15, &speak(&v, &segs), 1.0);
    // A simple cadence: dominant seventh resolving home.
    for (k, n) in [55.0, 59.0, 62.0, 65.0].into_iter().enumerate() {
        mix_into(&mut out, 2.2 + 0.02 * k as f64, &epiano(hz(n), 0.3), 0.22);
    }
    for (k, n) in [48.0, 60.0, 64.0, 67.0, 72.0].into_iter().enumerate() {
        mix_into(&mut out, 2.6 + 0.02 * k as f64, &epiano(hz(n), 0.5), 0.22);
    }
    // Old radio: narrow band, a little hiss and crackle.
    band(&mut out, 350.0, 3200.0);
    let mut rng = Rng::new(201);
    let mut crackle = Rng::new(202);
    let len = out.len();
    let mut hiss = signal(len as f64 / super::synth::SR, |_| {
        rng.noise() * 0.012
            + if crackle.uniform() < 0.0015 {
                crackle.noise() * 0.3
            } else {
                0.0
            }
    });
    band(&mut hiss, 1000.0, 6000.0);
    mix_into(&mut out, 0.0, &hiss, 1.0);
    out.truncate(samples(3.5));
    out
}

/// tada: a brass fanfare — three quick pickups into a big major chord with timpani and cymbal.
fn tada() -> Vec<f64> {
    let mut out = Vec::new();
    for (k, n) in [67.0, 67.0, 67.0].into_iter().enumerate() {
        let f = hz(n);
        mix_into(
            &mut out,
            0.1 * k as f64,
            &brass(move |_| f, 0.06, 0.9, 210 + k as u64),
            0.7,
        );
    }
    for (j, n) in [48.0, 60.0, 64.0, 67.0, 72.0, 76.0].into_iter().enumerate() {
        let f = hz(n);
        mix_into(
            &mut out,
            0.32,
            &brass(move |_| f, 1.2, 1.0, 220 + j as u64),
            0.2,
        );
    }
    mix_into(&mut out, 0.32, &timpani(hz(36.0), 1.2, 230), 0.6);
    mix_into(&mut out, 0.32, &crash(1.6, 231), 0.35);
    reverb(&mut out, 0.6, 0.2);
    out
}

/// tmyk: a shooting star — a glittering harp sweep streaking up — and a shimmering pad.
fn tmyk() -> Vec<f64> {
    let mut out = Vec::new();
    let streak = swept_noise(
        0.7,
        |t| 2500.0 + 5000.0 * (t / 0.7),
        3.0,
        |t| 0.2 * env(t, &[(0.0, 0.0), (0.5, 1.0), (0.7, 0.0)]),
        240,
    );
    mix_into(&mut out, 0.0, &streak, 1.0);
    let pentatonic = [72.0, 74.0, 76.0, 79.0, 81.0];
    for k in 0..18 {
        let n = pentatonic.get(k % 5).copied().unwrap_or(72.0) + 12.0 * (k / 5) as f64 - 12.0;
        mix_into(
            &mut out,
            0.035 * k as f64,
            &pluck(hz(n), 1.0, 0.996, 0.6, 241 + k as u64),
            0.25,
        );
    }
    for n in [60.0, 64.0, 67.0, 71.0, 74.0] {
        mix_into(&mut out, 0.6, &strings(hz(n), 2.0, 0.4), 0.1);
    }
    for (k, n) in [96.0, 100.0, 103.0, 107.0, 103.0].into_iter().enumerate() {
        mix_into(&mut out, 0.7 + 0.3 * k as f64, &glock(hz(n), 1.0), 0.2);
    }
    reverb(&mut out, 0.85, 0.35);
    out.truncate(samples(3.4));
    out
}

/// totes: two chirpy, delighted "totes!" and a bubbly pop.
fn totes() -> Vec<f64> {
    let segs: [Seg; 5] = [
        (T, 0.05, 300.0),
        (Oh, 0.17, 360.0),
        (Oo, 0.05, 330.0),
        (T, 0.05, 320.0),
        (S, 0.12, 320.0),
    ];
    let v = Voice::woman(250);
    let mut out = Vec::new();
    mix_into(&mut out, 0.03, &speak(&v, &segs), 1.0);
    mix_into(&mut out, 0.6, &speak(&v, &pitched(&segs, 1.2)), 1.0);
    let mut o = Osc::new(0.0);
    let pop = signal(0.12, |t| {
        o.sine(500.0 + 2500.0 * t / 0.12) * perc(t, 0.002, 0.03)
    });
    mix_into(&mut out, 1.15, &pop, 0.5);
    reverb(&mut out, 0.3, 0.1);
    out
}

/// trololo: a jaunty baritone vocalise — "tro-lo-lo-lo, lo-lo-lo" — over an oom-pah band.
fn trololo() -> Vec<f64> {
    let bpm = 132.0;
    let beat = 60.0 / bpm;
    // (beat, note, beats) for each "lo".
    let tune: [Note; 11] = [
        (0.0, 57.0, 1.0),
        (1.0, 60.0, 0.5),
        (1.5, 60.0, 0.5),
        (2.0, 64.0, 0.5),
        (2.5, 62.0, 0.5),
        (3.0, 60.0, 1.0),
        (4.0, 57.0, 0.5),
        (4.5, 59.0, 0.5),
        (5.0, 60.0, 0.5),
        (5.5, 59.0, 0.5),
        (6.0, 57.0, 1.0),
    ];
    let mut segs: Vec<Seg> = Vec::new();
    for (k, &(_, note, len)) in tune.iter().enumerate() {
        let f = hz(note - 12.0);
        let d = len * beat;
        if k == 0 {
            segs.extend([(T, 0.04, f), (R, 0.05, f), (Oh, d - 0.09, f)]);
        } else {
            segs.extend([(L, 0.06, f), (Oh, d - 0.06, f)]);
        }
    }
    segs.push((Sil, 0.05, hz(45.0)));
    let v = Voice {
        vibrato: (5.5, 0.2),
        ..Voice::man(260)
    };
    let mut out = speak(&v, &segs);
    let bass: [Note; 4] = [
        (0.0, 45.0, 0.5),
        (2.0, 40.0, 0.5),
        (4.0, 45.0, 0.5),
        (6.0, 40.0, 0.5),
    ];
    seq(&mut out, 0.0, bpm, &bass, 0.5, |f, _, i| {
        pluck(f, 0.6, 0.995, 0.5, 270 + i as u64)
    });
    let mut offbeats: Vec<Note> = Vec::new();
    for b in [1.0, 3.0, 5.0] {
        for n in [57.0, 60.0, 64.0] {
            offbeats.push((b, n, 0.3));
        }
    }
    seq(&mut out, 0.0, bpm, &offbeats, 0.1, |f, h, i| {
        calliope(f, h, 280 + i as u64)
    });
    reverb(&mut out, 0.5, 0.2);
    out
}

/// trombone: the sad trombone — four falling notes, "wah, wah, wah, waaaah".
fn trombone() -> Vec<f64> {
    let mut out = Vec::new();
    let notes: [(f64, f64, f64); 4] = [
        (0.0, 55.0, 0.38),
        (0.45, 54.0, 0.38),
        (0.9, 53.0, 0.38),
        (1.35, 52.0, 1.3),
    ];
    for (k, (at, note, hold)) in notes.into_iter().enumerate() {
        let last = k == 3;
        let f = hz(note);
        let mut b = brass(
            move |t| {
                let wobble = if last {
                    vibrato(t, 4.5, 0.6, 0.25)
                } else {
                    1.0
                };
                f * wobble * (1.0 - 0.015 * smooth_step(t, 0.0, hold))
            },
            hold,
            0.5,
            300 + k as u64,
        );
        // Plunger mute: the filter opens ("wa") and closes ("ah").
        let mut wah = Biquad::default();
        let mut i = 0usize;
        filter(&mut b, |x| {
            let t = super::synth::time(i);
            i += 1;
            let open = if last {
                env(t, &[(0.0, 0.1), (0.15, 1.0), (0.6, 0.7), (1.4, 0.15)])
            } else {
                env(t, &[(0.0, 0.1), (0.12, 1.0), (0.4, 0.3)])
            };
            wah.set_lowpass(250.0 + 2200.0 * open, 2.5);
            wah.process(x)
        });
        mix_into(&mut out, at, &b, 1.0);
    }
    reverb(&mut out, 0.4, 0.15);
    out
}

/// unix: clattering keys, a burst of computer chatter, and a satisfied "beep-boop".
fn unix() -> Vec<f64> {
    let mut out = Vec::new();
    let mut rng = Rng::new(310);
    let mut t = 0.0;
    let mut k = 0u64;
    while t < 1.2 {
        let mut click_bp = Biquad::bandpass(rng.range(2500.0, 4000.0), 2.0);
        let mut thock = Osc::new(0.0);
        let mut key_rng = Rng::new(311 + k);
        let key = signal(0.05, |s| {
            (click_bp.process(key_rng.noise()) * 1.5 + thock.sine(180.0) * 0.5)
                * perc(s, 0.0005, 0.008)
        });
        mix_into(&mut out, t, &key, 0.6);
        t += rng.range(0.05, 0.12);
        k += 1;
    }
    let scale = [72.0, 74.0, 76.0, 79.0, 81.0, 84.0, 86.0, 88.0];
    for j in 0..14 {
        let idx = (rng.uniform() * scale.len() as f64) as usize;
        let n = scale.get(idx).copied().unwrap_or(84.0);
        mix_into(
            &mut out,
            1.3 + 0.055 * j as f64,
            &chip(hz(n), 0.045, 0.5),
            0.25,
        );
    }
    mix_into(&mut out, 2.2, &tone(hz(84.0), 0.12), 0.35);
    mix_into(&mut out, 2.36, &tone(hz(91.0), 0.22), 0.35);
    out
}

/// vuvuzela: a swarm of plastic stadium horns droning on one buzzing B♭.
fn vuvuzela() -> Vec<f64> {
    let length = 3.3;
    let mut out = vec![0.0; samples(length)];
    let mut rng = Rng::new(320);
    for k in 0..6 {
        let cents = rng.range(-25.0, 25.0);
        let start = rng.range(0.0, 0.4);
        let f = detune(233.0, cents);
        let mut o = Osc::new(rng.uniform());
        let mut wob = Osc::new(rng.uniform());
        let wob_rate = rng.range(2.0, 5.0);
        let mut bell_bp = Biquad::bandpass(rng.range(700.0, 1100.0), 1.0);
        let horn = signal(length - start, |t| {
            let x = o.pulse(f * (1.0 + 0.006 * wob.sine(wob_rate)), 0.35);
            (0.4 * x + bell_bp.process(x)) * adsr(t, length - start - 0.15, 0.08, 0.1, 0.9, 0.15)
        });
        mix_into(&mut out, start, &horn, if k == 0 { 0.5 } else { 0.25 });
    }
    saturate(&mut out, 2.0);
    out.truncate(samples(length));
    out
}

/// what: a record scratches to a halt, then a baffled "WHAT?".
fn what() -> Vec<f64> {
    let mut out = Vec::new();
    for (k, n) in [57.0, 60.0, 64.0, 67.0].into_iter().enumerate() {
        mix_into(&mut out, 0.01 * k as f64, &epiano(hz(n), 0.3), 0.2);
    }
    mix_into(&mut out, 0.0, &kick(1.0), 0.6);
    mix_into(&mut out, 0.22, &hat(false, 330), 0.3);
    // Scratch: the record dragged back and forth — pitch and level follow the hand.
    let mut rng = Rng::new(331);
    let mut bp = Biquad::default();
    let mut o = Osc::new(0.0);
    let scratch = signal(0.5, |t| {
        let speed = sin_cycles(5.0 * t).abs();
        bp.set_bandpass(300.0 + 2200.0 * speed, 1.5);
        (bp.process(rng.noise()) + 0.4 * o.saw(120.0 + 500.0 * speed))
            * speed
            * env(t, &[(0.0, 1.0), (0.4, 1.0), (0.5, 0.0)])
    });
    mix_into(&mut out, 0.35, &scratch, 1.1);
    let segs: [Seg; 4] = [
        (W, 0.07, 140.0),
        (Ah, 0.35, 200.0),
        (T, 0.08, 280.0),
        (Sil, 0.05, 280.0),
    ];
    mix_into(
        &mut out,
        1.05,
        &speak(&Voice::man(332).shouting(), &segs),
        1.0,
    );
    reverb(&mut out, 0.4, 0.15);
    out
}

/// whoomp: a deep "WHOOMP!" on an 808 boom, claps, and "there it is".
fn whoomp() -> Vec<f64> {
    let mut out = Vec::new();
    mix_into(&mut out, 0.0, &boom(1.2), 1.0);
    let segs: [Seg; 5] = [
        (W, 0.07, 120.0),
        (Oo, 0.25, 110.0),
        (M, 0.1, 90.0),
        (P, 0.07, 85.0),
        (Sil, 0.05, 85.0),
    ];
    let v = Voice {
        formant_scale: 0.92,
        ..Voice::man(340).shouting()
    };
    mix_into(&mut out, 0.0, &speak(&v, &segs), 0.9);
    let bpm = 128.0;
    hits(
        &mut out,
        &beats(0.9, bpm, &[0.0, 1.0, 2.0, 2.5, 3.0]),
        0.5,
        |i| clap(341 + i as u64),
    );
    hits(&mut out, &beats(0.9, bpm, &[0.0, 2.0, 3.5]), 0.7, |_| {
        kick(1.0)
    });
    let there: [Seg; 8] = [
        (Th, 0.05, 150.0),
        (Eh, 0.1, 160.0),
        (R, 0.06, 155.0),
        (Ih, 0.08, 170.0),
        (T, 0.05, 165.0),
        (Ih, 0.16, 150.0),
        (Z, 0.12, 140.0),
        (Sil, 0.05, 140.0),
    ];
    mix_into(
        &mut out,
        2.2,
        &speak(&Voice::man(342).shouting(), &there),
        0.9,
    );
    reverb(&mut out, 0.4, 0.15);
    out
}

/// wups: a quick "wups!", a slide whistle slipping down, and a soft bump.
fn wups() -> Vec<f64> {
    let segs: [Seg; 5] = [
        (W, 0.06, 280.0),
        (Uu, 0.12, 330.0),
        (P, 0.06, 300.0),
        (S, 0.12, 300.0),
        (Sil, 0.05, 300.0),
    ];
    let mut out = Vec::new();
    mix_into(&mut out, 0.02, &speak(&Voice::woman(350), &segs), 1.0);
    let slip = whistle(
        |t| 1500.0 * exp2(-2.4 * t / 0.6) + 200.0 * decay(t, 0.05),
        0.6,
        351,
    );
    mix_into(&mut out, 0.38, &slip, 0.35);
    mix_into(&mut out, 1.0, &tom(90.0, 352), 0.7);
    mix_into(&mut out, 1.0, &kick(0.5), 0.4);
    out
}

/// yay: a bunch of kids cheering "yaaay!" with a party blower.
fn yay() -> Vec<f64> {
    let mut out = Vec::new();
    let mut rng = Rng::new(360);
    for k in 0..6 {
        let p = rng.range(290.0, 420.0);
        let segs: [Seg; 5] = [
            (Y, 0.08, p * 0.9),
            (Eh, 0.3, p * 1.15),
            (Eh, 0.3, p * 1.1),
            (Ee, 0.2, p * 0.85),
            (Sil, 0.05, p * 0.8),
        ];
        let mut v = Voice::child(361 + k).shouting();
        v.vibrato = (rng.range(5.0, 7.0), 0.3);
        mix_into(&mut out, rng.range(0.0, 0.12), &speak(&v, &segs), 0.4);
    }
    // Party blower: a buzzing reed unrolling upward.
    let mut o = Osc::new(0.0);
    let mut nasal = Biquad::bandpass(1500.0, 1.5);
    let blower = signal(0.7, |t| {
        let f = 520.0 + 120.0 * smooth_step(t, 0.0, 0.2);
        nasal.process(o.pulse(f, 0.2)) * adsr(t, 0.6, 0.02, 0.05, 0.9, 0.1)
    });
    mix_into(&mut out, 1.05, &blower, 0.6);
    reverb(&mut out, 0.5, 0.2);
    out
}

/// yeah: a crashing power chord and a screamed rock "YEEAAAHHH!".
fn yeah() -> Vec<f64> {
    let mut out = Vec::new();
    let segs: [Seg; 5] = [
        (Y, 0.08, 300.0),
        (Eh, 0.35, 350.0),
        (Ae, 0.4, 390.0),
        (Aa, 0.9, 370.0),
        (H, 0.12, 330.0),
    ];
    let v = Voice {
        vibrato: (6.0, 0.45),
        ..Voice::man(370).shouting()
    };
    let mut scream = speak(&v, &segs);
    saturate(&mut scream, 4.0);
    mix_into(&mut out, 0.05, &scream, 0.8);
    mix_into(&mut out, 0.3, &power_chord(hz(40.0), 2.6, 371), 0.6);
    mix_into(&mut out, 0.3, &kick(1.0), 0.8);
    mix_into(&mut out, 0.3, &crash(2.2, 372), 0.4);
    reverb(&mut out, 0.7, 0.25);
    out
}

/// yodel: "yo-de-lay-ee-hoo", flipping between chest voice and falsetto, echoing off a
/// mountain over an accordion oom-pah.
fn yodel() -> Vec<f64> {
    // (sound, seconds, MIDI pitch): chest notes (G3–D4) flip up to falsetto ones (G4–D5) and back.
    let line: [(super::voice::Ph, f64, f64); 23] = [
        (Y, 0.05, 55.0),
        (Oh, 0.16, 55.0),
        (D, 0.03, 71.0),
        (Eh, 0.12, 71.0),
        (L, 0.04, 67.0),
        (Ei, 0.16, 62.0),
        (Ee, 0.16, 74.0),
        (Oo, 0.22, 59.0),
        (Sil, 0.04, 59.0),
        (Y, 0.05, 55.0),
        (Oh, 0.16, 55.0),
        (D, 0.03, 71.0),
        (Eh, 0.12, 71.0),
        (L, 0.04, 67.0),
        (Ei, 0.16, 64.0),
        (Ee, 0.16, 76.0),
        (H, 0.05, 62.0),
        (Oo, 0.2, 62.0),
        (Ee, 0.14, 74.0),
        (Oo, 0.14, 59.0),
        (Ee, 0.14, 71.0),
        (Oo, 0.45, 55.0),
        (Sil, 0.05, 55.0),
    ];
    let segs: Vec<Seg> = line.iter().map(|&(p, d, n)| (p, d, hz(n))).collect();
    let v = Voice {
        vibrato: (6.0, 0.2),
        bright: 2200.0,
        ..Voice::man(380)
    };
    let mut out = speak(&v, &segs);
    let bpm = 168.0;
    let oompah: Vec<Note> = (0..8)
        .map(|k| {
            let beat = k as f64;
            if k % 2 == 0 {
                (beat, if k % 4 == 0 { 43.0 } else { 38.0 }, 0.4)
            } else {
                (beat, 59.0, 0.35)
            }
        })
        .collect();
    seq(&mut out, 0.0, bpm, &oompah, 0.1, |f, h, i| {
        calliope(f, h, 390 + i as u64)
    });
    echo(&mut out, 0.3, 0.35, 3.5);
    out
}

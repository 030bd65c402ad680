//! Instruments and sound effects built from the synthesis blocks: each returns a finished
//! buffer for one note or event, which the recipes place on a timeline with
//! [`mix_into`](super::synth::mix_into).

use super::math::{TAU, exp, midi, sin_cycles};
use super::synth::{
    Biquad, OnePole, Osc, Rng, SR, adsr, decay, env, mix_into, perc, samples, saturate, signal,
    smooth_step,
};

/// The frequency of MIDI note `n` (60 = middle C).
pub fn hz(n: f64) -> f64 {
    midi(n)
}

/// A frequency `cents` hundredths of a semitone away from `freq`.
pub fn detune(freq: f64, cents: f64) -> f64 {
    freq * super::math::exp2(cents / 1200.0)
}

/// Vibrato as a frequency multiplier: `depth` semitones at `rate` Hz, fading in over `delay`.
pub fn vibrato(t: f64, rate: f64, depth: f64, delay: f64) -> f64 {
    let fade = smooth_step(t, delay, delay + 0.25);
    super::math::exp2(depth * fade * sin_cycles(rate * t) / 12.0)
}

/// A brass voice (trumpet, trombone, horn): two slightly detuned saws through a low-pass that
/// opens with the attack, as a real player's lips do. `freq` may glide over time; `bright`
/// (0..1) sets how far the filter opens; the note lasts `hold` seconds plus a short release.
pub fn brass(freq: impl Fn(f64) -> f64, hold: f64, bright: f64, seed: u64) -> Vec<f64> {
    let mut a = Osc::new(0.0);
    let mut b = Osc::new(0.37);
    let mut lp = Biquad::default();
    let mut rng = Rng::new(seed);
    let mut breath_lp = Biquad::bandpass(1500.0, 0.8);
    signal(hold + 0.12, |t| {
        let f = freq(t) * vibrato(t, 5.2, 0.12, 0.25);
        let osc = 0.5 * (a.saw(detune(f, -4.0)) + b.saw(detune(f, 4.0)));
        // "Blat": the filter overshoots just after the attack, then settles.
        let open = env(t, &[(0.0, 0.15), (0.04, 1.0), (0.15, 0.75)]) * (0.3 + 0.7 * bright);
        let cutoff = f * (1.2 + 9.0 * open);
        lp.set_lowpass(cutoff.min(9000.0), 0.9);
        let amp = adsr(t, hold, 0.025, 0.1, 0.85, 0.1);
        let breath = breath_lp.process(rng.noise()) * 0.15 * decay(t, 0.05);
        (lp.process(osc) + breath) * amp
    })
}

/// A sustained string-section note: three detuned saws, a soft attack, vibrato.
pub fn strings(freq: f64, hold: f64, attack: f64) -> Vec<f64> {
    let mut oscs = [Osc::new(0.0), Osc::new(0.31), Osc::new(0.62)];
    let cents = [-7.0, 0.0, 6.0];
    let mut lp = Biquad::lowpass(3200.0, 0.7);
    let mut body = Biquad::bandpass(900.0, 0.7);
    signal(hold + 0.25, |t| {
        let f = freq * vibrato(t, 5.5, 0.1, 0.15);
        let s: f64 = oscs
            .iter_mut()
            .zip(cents)
            .map(|(o, c)| o.saw(detune(f, c)))
            .sum::<f64>()
            / 3.0;
        let x = lp.process(s);
        (x + 0.6 * body.process(x)) * adsr(t, hold, attack, 0.2, 0.9, 0.25)
    })
}

/// A bell: inharmonic partials, each pair slightly detuned so it shimmers, the high ones dying
/// first, plus the clang of the strike. Rings for about `length` seconds.
pub fn bell(freq: f64, length: f64, seed: u64) -> Vec<f64> {
    // (frequency ratio, amplitude, relative decay time)
    const PARTIALS: [(f64, f64, f64); 10] = [
        (0.5, 0.45, 1.0),
        (1.0, 1.0, 0.85),
        (1.003, 0.6, 0.8),
        (1.19, 0.55, 0.55),
        (1.5, 0.35, 0.45),
        (2.0, 0.6, 0.38),
        (2.52, 0.35, 0.3),
        (3.01, 0.3, 0.22),
        (4.16, 0.22, 0.14),
        (5.43, 0.15, 0.09),
    ];
    let mut oscs: Vec<Osc> = (0..PARTIALS.len())
        .map(|i| Osc::new(i as f64 * 0.17))
        .collect();
    let mut rng = Rng::new(seed);
    let mut clang = Biquad::bandpass(freq * 3.3, 2.0);
    signal(length, |t| {
        let tone: f64 = oscs
            .iter_mut()
            .zip(PARTIALS)
            .map(|(o, (ratio, amp, life))| {
                o.sine(freq * ratio) * amp * perc(t, 0.002, length * life * 0.45)
            })
            .sum();
        let strike = clang.process(rng.noise()) * decay(t, 0.012) * 1.5;
        tone * 0.35 + strike
    })
}

/// A glockenspiel / celesta note: a pure tone with its bright inharmonic overtone.
pub fn glock(freq: f64, length: f64) -> Vec<f64> {
    let mut a = Osc::new(0.0);
    let mut b = Osc::new(0.0);
    let mut c = Osc::new(0.0);
    signal(length, |t| {
        a.sine(freq) * perc(t, 0.002, length * 0.35)
            + 0.35 * b.sine(freq * 2.76) * perc(t, 0.001, 0.08)
            + 0.15 * c.sine(freq * 5.4) * perc(t, 0.001, 0.03)
    })
}

/// An electric-piano note: two-operator FM whose brightness fades as the note rings.
pub fn epiano(freq: f64, hold: f64) -> Vec<f64> {
    let mut car = Osc::new(0.0);
    let mut modu = Osc::new(0.0);
    let mut tine = Osc::new(0.0);
    signal(hold + 0.4, |t| {
        let index = 0.35 * decay(t, 0.4) + 0.05;
        let m = modu.sine(freq) * index;
        let body = car.pm(freq, m);
        let ping = tine.sine(freq * 7.0) * 0.08 * decay(t, 0.03);
        (body + ping) * adsr(t, hold, 0.003, 1.2, 0.5, 0.35) * decay(t, 1.5)
    })
}

/// A chiptune pulse-wave note with a quick, bright envelope.
pub fn chip(freq: f64, hold: f64, duty: f64) -> Vec<f64> {
    let mut o = Osc::new(0.0);
    signal(hold + 0.02, |t| {
        o.pulse(freq, duty) * adsr(t, hold, 0.002, 0.05, 0.7, 0.02)
    })
}

/// A chiptune triangle-wave bass note.
pub fn chip_bass(freq: f64, hold: f64) -> Vec<f64> {
    let mut o = Osc::new(0.0);
    signal(hold + 0.01, |t| {
        o.tri(freq) * adsr(t, hold, 0.002, 0.02, 0.9, 0.01)
    })
}

/// A steam calliope / fairground organ pipe: few harmonics, breathy, with a wide tremolo.
pub fn calliope(freq: f64, hold: f64, seed: u64) -> Vec<f64> {
    let mut h = [Osc::new(0.0), Osc::new(0.1), Osc::new(0.2), Osc::new(0.3)];
    let amps = [1.0, 0.5, 0.3, 0.12];
    let mut rng = Rng::new(seed);
    let mut breath = Biquad::bandpass(freq * 2.0, 1.5);
    signal(hold + 0.05, |t| {
        let f = freq * vibrato(t, 6.5, 0.18, 0.05);
        let tone: f64 = h
            .iter_mut()
            .zip(amps)
            .enumerate()
            .map(|(k, (o, a))| o.sine(f * (k + 1) as f64) * a)
            .sum();
        (tone + breath.process(rng.noise()) * 0.4) * adsr(t, hold, 0.02, 0.05, 0.85, 0.05)
    })
}

/// A fiddle: a bowed saw with vibrato, bow scrape, and the resonances of a wooden body.
pub fn fiddle(freq: f64, hold: f64, seed: u64) -> Vec<f64> {
    let mut o = Osc::new(0.0);
    let mut rng = Rng::new(seed);
    let mut bodies = [
        Biquad::bandpass(290.0, 2.0),
        Biquad::bandpass(700.0, 1.5),
        Biquad::bandpass(2600.0, 2.0),
    ];
    let mut lp = Biquad::lowpass(5000.0, 0.7);
    signal(hold + 0.06, |t| {
        let f = freq * vibrato(t, 6.0, 0.15, 0.08);
        let x = o.saw(f) + rng.noise() * 0.12;
        let shaped: f64 = bodies.iter_mut().map(|b| b.process(x)).sum::<f64>() + 0.3 * x;
        lp.process(shaped) * adsr(t, hold, 0.02, 0.05, 0.85, 0.05)
    })
}

/// A saxophone: a reedy saw through a conical-bore formant, breath, vibrato and a slight growl;
/// `freq` may bend over time.
pub fn sax(freq: impl Fn(f64) -> f64, hold: f64, seed: u64) -> Vec<f64> {
    let mut o = Osc::new(0.0);
    let mut rng = Rng::new(seed);
    let mut bore = Biquad::bandpass(1100.0, 1.2);
    let mut bright = Biquad::bandpass(2600.0, 2.5);
    let mut lp = Biquad::lowpass(4200.0, 0.7);
    let mut growl = Osc::new(0.0);
    signal(hold + 0.08, |t| {
        let f = freq(t) * vibrato(t, 5.0, 0.25, 0.2);
        let reed = o.saw(f) * (1.0 + 0.15 * growl.sine(31.0));
        let x = reed + rng.noise() * 0.18;
        let y = lp.process(0.6 * bore.process(x) + 0.3 * bright.process(x) + 0.25 * x);
        y * adsr(t, hold, 0.04, 0.08, 0.8, 0.08)
    })
}

/// A plucked string (Karplus–Strong): a noise burst in a tuned feedback loop. `sustain` near 1
/// rings longer; `bright` (0..1) shapes the pluck.
pub fn pluck(freq: f64, length: f64, sustain: f64, bright: f64, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let period = SR / freq.max(20.0) - 0.5;
    let burst = samples(1.0 / freq.max(20.0));
    let mut soften = OnePole::new(800.0 + 8000.0 * bright);
    let n = samples(length);
    let mut out: Vec<f64> = Vec::with_capacity(n);
    for i in 0..n {
        let excite = if i < burst {
            soften.lowpass(rng.noise())
        } else {
            0.0
        };
        let back = i as f64 - period;
        let fed = if back >= 1.0 {
            // `back` is positive and below i, so the index is in range.
            let j = back.floor() as usize;
            let frac = back - back.floor();
            let y0 = out.get(j).copied().unwrap_or(0.0);
            let y1 = out.get(j + 1).copied().unwrap_or(0.0);
            let ym = out.get(j.wrapping_sub(1)).copied().unwrap_or(0.0);
            let delayed = y0 + (y1 - y0) * frac;
            let earlier = ym + (y0 - ym) * frac;
            sustain * 0.5 * (delayed + earlier)
        } else {
            0.0
        };
        out.push(excite + fed);
    }
    out
}

/// A distorted electric-guitar power chord (root, fifth, octave) on `root` Hz.
pub fn power_chord(root: f64, length: f64, seed: u64) -> Vec<f64> {
    let mut mix = Vec::new();
    for (k, ratio) in [1.0, 1.498, 2.0].into_iter().enumerate() {
        let string = pluck(root * ratio, length, 0.9997, 0.8, seed + k as u64);
        mix_into(&mut mix, 0.004 * k as f64, &string, 1.0);
    }
    saturate(&mut mix, 12.0);
    let mut cab = Biquad::lowpass(3200.0, 0.8);
    let mut low = Biquad::highpass(90.0, 0.7);
    mix.iter().map(|&x| cab.process(low.process(x))).collect()
}

/// A bass-drum thump: a sine diving from about 160 Hz, with a click.
pub fn kick(punch: f64) -> Vec<f64> {
    let mut o = Osc::new(0.0);
    signal(0.45, |t| {
        let f = 48.0 + 110.0 * decay(t, 0.035) * punch;
        o.sine(f) * perc(t, 0.001, 0.16) + 0.3 * decay(t, 0.004) * sin_cycles(t * 1800.0)
    })
}

/// A deep, long 808-style boom with a pitch drop.
pub fn boom(length: f64) -> Vec<f64> {
    let mut o = Osc::new(0.0);
    let mut v = signal(length, |t| {
        let f = 42.0 + 90.0 * decay(t, 0.05);
        o.sine(f) * perc(t, 0.002, length * 0.4)
    });
    saturate(&mut v, 1.8);
    v
}

/// A snare: a short tonal body plus a rattle of filtered noise.
pub fn snare(seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let mut o = Osc::new(0.0);
    let mut hp = Biquad::highpass(1200.0, 0.7);
    signal(0.35, |t| {
        let body = o.sine(185.0 + 60.0 * decay(t, 0.02)) * perc(t, 0.001, 0.05);
        let rattle = hp.process(rng.noise()) * perc(t, 0.001, 0.11);
        0.7 * body + rattle
    })
}

/// A rim click: a hard, high, woody knock.
pub fn rim(seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let mut bp = Biquad::bandpass(1700.0, 4.0);
    let mut o = Osc::new(0.0);
    signal(0.12, |t| {
        (bp.process(rng.noise()) * 2.0 + o.sine(820.0) * 0.6) * perc(t, 0.0005, 0.018)
    })
}

/// A tom: a pitched drum at `freq` Hz sagging slightly as it rings.
pub fn tom(freq: f64, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let mut o = Osc::new(0.0);
    let mut o2 = Osc::new(0.0);
    let mut bp = Biquad::bandpass(freq * 3.0, 1.0);
    signal(0.6, |t| {
        let f = freq * (1.0 + 0.35 * decay(t, 0.04));
        let tone = o.sine(f) + 0.3 * o2.sine(f * 1.58);
        tone * perc(t, 0.001, 0.2) + bp.process(rng.noise()) * perc(t, 0.001, 0.03)
    })
}

/// A hi-hat: bright noise; `open` lets it ring.
pub fn hat(open: bool, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let mut hp = Biquad::highpass(6500.0, 0.8);
    let tau = if open { 0.18 } else { 0.03 };
    signal(if open { 0.6 } else { 0.12 }, |t| {
        hp.process(rng.noise()) * perc(t, 0.0005, tau) * 0.7
    })
}

/// A crash cymbal: metallic square-wave clangour and bright noise, ringing for `length` s.
pub fn crash(length: f64, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    // Inharmonic square oscillators, as in analogue drum machines.
    let freqs = [296.0, 367.0, 441.0, 533.0, 676.0, 793.0];
    let mut oscs: Vec<Osc> = freqs.iter().map(|_| Osc::new(0.0)).collect();
    let mut hp = Biquad::highpass(3500.0, 0.7);
    let mut metal = Biquad::bandpass(5200.0, 1.2);
    signal(length, |t| {
        let clang: f64 = oscs
            .iter_mut()
            .zip(freqs)
            .map(|(o, f)| o.pulse(f * 2.1, 0.5))
            .sum();
        let m = metal.process(clang * 0.2);
        let n = hp.process(rng.noise());
        (0.6 * n + 0.5 * m) * perc(t, 0.001, length * 0.3)
    })
}

/// A hand clap: a few quick bursts of band-passed noise and a short tail.
pub fn clap(seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let mut bp = Biquad::bandpass(1200.0 + 500.0 * Rng::new(seed ^ 0x55).uniform(), 1.6);
    signal(0.25, |t| {
        let bursts: f64 = [0.0, 0.009, 0.019]
            .iter()
            .map(|&s| perc(t - s, 0.0005, 0.004))
            .sum::<f64>()
            + perc(t - 0.027, 0.0005, 0.05);
        bp.process(rng.noise()) * bursts * 1.6
    })
}

/// A timpani stroke at `freq` Hz.
pub fn timpani(freq: f64, length: f64, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let mut o = [Osc::new(0.0), Osc::new(0.0), Osc::new(0.0)];
    let mut lp = Biquad::lowpass(400.0, 0.7);
    signal(length, |t| {
        let f = freq * (1.0 + 0.04 * decay(t, 0.08));
        let [a, b, c] = &mut o;
        let tone = a.sine(f) + 0.5 * b.sine(f * 1.5) + 0.25 * c.sine(f * 1.98);
        tone * perc(t, 0.003, length * 0.35) + lp.process(rng.noise()) * 2.0 * decay(t, 0.03)
    })
}

/// Band-passed noise whose centre sweeps along `centre(t)`, for whooshes, wind and jets.
pub fn swept_noise(
    length: f64,
    centre: impl Fn(f64) -> f64,
    q: f64,
    amp: impl Fn(f64) -> f64,
    seed: u64,
) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let mut bp = Biquad::default();
    signal(length, |t| {
        bp.set_bandpass(centre(t), q);
        bp.process(rng.noise()) * amp(t)
    })
}

/// A slide whistle following `freq(t)`: a nearly pure, breathy tone.
pub fn whistle(freq: impl Fn(f64) -> f64, length: f64, seed: u64) -> Vec<f64> {
    let mut o = Osc::new(0.0);
    let mut rng = Rng::new(seed);
    let mut lp = OnePole::new(3000.0);
    signal(length, |t| {
        let f = freq(t);
        (o.sine(f) + 0.06 * lp.lowpass(rng.noise())) * adsr(t, length - 0.05, 0.02, 0.02, 1.0, 0.05)
    })
}

/// A rubber-bulb clown horn squeeze: a nasal, buzzing reed that bends up then sags.
pub fn bulb_horn(freq: f64, length: f64) -> Vec<f64> {
    let mut o = Osc::new(0.0);
    let mut nasal = Biquad::bandpass(1400.0, 1.5);
    let mut lp = Biquad::lowpass(3500.0, 0.7);
    signal(length, |t| {
        let bend = env(
            t,
            &[(0.0, 0.8), (0.04, 1.06), (length * 0.6, 1.0), (length, 0.9)],
        );
        let x = o.pulse(freq * bend, 0.3);
        let y = lp.process(x * 0.3 + nasal.process(x) * 1.2);
        y * adsr(t, length - 0.04, 0.01, 0.05, 0.9, 0.04)
    })
}

/// Applause from `claps_per_second` hands, fading in and out over `length` seconds.
pub fn applause(length: f64, claps_per_second: f64, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let mut out = vec![0.0; samples(length)];
    let count = (length * claps_per_second) as usize;
    for k in 0..count {
        let at = rng.range(0.0, length - 0.25);
        let c = clap(seed.wrapping_mul(31).wrapping_add(k as u64));
        let swell = env(
            at,
            &[(0.0, 0.3), (0.25, 1.0), (length * 0.7, 1.0), (length, 0.2)],
        );
        mix_into(&mut out, at, &c, swell * rng.range(0.3, 1.0));
    }
    out.truncate(samples(length));
    out
}

/// Firework: a whistling rocket rising for `rise` seconds, then a bang and a crackle.
pub fn firework(rise: f64, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let mut o = Osc::new(0.0);
    let mut hiss = Biquad::bandpass(3000.0, 1.0);
    let mut boom_lp = Biquad::lowpass(700.0, 0.7);
    let top = rng.range(2200.0, 3000.0);
    let crackles: Vec<f64> = (0..40).map(|_| rise + 0.08 + rng.range(0.0, 0.9)).collect();
    let mut crackle_rng = Rng::new(seed ^ 0xABCD);
    let mut crackle_hp = Biquad::highpass(2500.0, 0.7);
    let length = rise + 1.1;
    signal(length, |t| {
        let whistle = if t < rise {
            let f = 900.0 + (top - 900.0) * (t / rise);
            (o.sine(f) * 0.35 + hiss.process(crackle_rng.noise()) * 0.3) * smooth_step(t, 0.0, 0.1)
        } else {
            0.0
        };
        let bang = boom_lp.process(crackle_rng.noise()) * 3.0 * perc(t - rise, 0.002, 0.18);
        let sparks: f64 = crackles.iter().map(|&c| perc(t - c, 0.0002, 0.004)).sum();
        whistle + bang + crackle_hp.process(crackle_rng.noise()) * sparks * 0.8
    })
}

/// A crowd roar: murmuring voices (noise through shifting vowel formants) swelling by `amp(t)`.
pub fn crowd(length: f64, amp: impl Fn(f64) -> f64, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let mut f1 = Biquad::default();
    let mut f2 = Biquad::default();
    let mut lp = Biquad::lowpass(3000.0, 0.7);
    let mut wobble = Osc::new(0.0);
    let mut wobble2 = Osc::new(0.3);
    signal(length, |t| {
        let w = wobble.sine(0.7);
        f1.set_bandpass(650.0 + 120.0 * w, 1.2);
        f2.set_bandpass(1500.0 - 300.0 * wobble2.sine(0.45), 1.5);
        let n = rng.noise();
        lp.process(f1.process(n) + 0.7 * f2.process(n) + 0.1 * n) * amp(t) * 1.5
    })
}

/// Dual-tone (DTMF) telephone key press for `digit` (0..=9), 90 ms.
pub fn dtmf(digit: u8) -> Vec<f64> {
    let (row, col) = match digit {
        1 => (697.0, 1209.0),
        2 => (697.0, 1336.0),
        3 => (697.0, 1477.0),
        4 => (770.0, 1209.0),
        5 => (770.0, 1336.0),
        6 => (770.0, 1477.0),
        7 => (852.0, 1209.0),
        8 => (852.0, 1336.0),
        9 => (852.0, 1477.0),
        _ => (941.0, 1336.0),
    };
    let mut a = Osc::new(0.0);
    let mut b = Osc::new(0.0);
    signal(0.09, |t| {
        (a.sine(row) + b.sine(col)) * 0.5 * adsr(t, 0.085, 0.003, 0.0, 1.0, 0.005)
    })
}

/// A steady sine tone with soft edges.
pub fn tone(freq: f64, length: f64) -> Vec<f64> {
    let mut o = Osc::new(0.0);
    signal(length, |t| {
        o.sine(freq) * adsr(t, length - 0.01, 0.005, 0.0, 1.0, 0.01)
    })
}

/// A pitched swoosh of a laser-like sine chirp from `from` to `to` Hz (exponential glide).
pub fn chirp(from: f64, to: f64, length: f64) -> Vec<f64> {
    let mut o = Osc::new(0.0);
    let ratio = (to / from).max(1e-3);
    signal(length, |t| {
        let x = t / length;
        // from·ratioˣ without powf: e^(x·ln ratio) via the series-free route below.
        let f = from * pow(ratio, x);
        o.sine(f) * adsr(t, length - 0.01, 0.005, 0.0, 1.0, 0.01)
    })
}

/// `base`^`x` for positive `base`, by the deterministic exp and a Newton-refined logarithm.
pub fn pow(base: f64, x: f64) -> f64 {
    exp(x * ln(base))
}

/// Natural logarithm of a positive number (Newton's method on the deterministic exp).
pub fn ln(v: f64) -> f64 {
    if v <= 0.0 {
        return -700.0;
    }
    // Start from the binary exponent, then refine: y ← y + 2(v - eʸ)/(v + eʸ).
    let bits = v.to_bits();
    let e2 = ((bits >> 52) & 0x7ff) as f64 - 1023.0;
    let mut y = e2 * core::f64::consts::LN_2;
    for _ in 0..8 {
        let ey = exp(y);
        y += 2.0 * (v - ey) / (v + ey);
    }
    y
}

/// A cheap phase-continuous FM operator pair, for metallic blips and robot tones.
pub fn fm_blip(freq: f64, ratio: f64, index: f64, length: f64) -> Vec<f64> {
    let mut car = Osc::new(0.0);
    let mut m = Osc::new(0.0);
    signal(length, |t| {
        let pm = m.sine(freq * ratio) * index / TAU;
        car.pm(freq, pm) * adsr(t, length - 0.02, 0.003, 0.02, 0.8, 0.02)
    })
}

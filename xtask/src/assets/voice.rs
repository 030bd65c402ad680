//! A tiny formant "voice": a buzzing glottal source shaped by three cascaded resonators into
//! vowels, with noise for fricatives and bursts for stops. It is not speech synthesis — just
//! enough for cartoon exclamations ("developers!", "go, go, go!", "nooooo") with the rhythm,
//! vowels and pitch contour of the phrase.

use super::instruments::vibrato;
use super::synth::{Biquad, OnePole, Osc, Resonator, Rng, SR, samples, time};

/// A speech sound. Vowels use the ARPAbet-like names of American English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ph {
    /// "father"
    Aa,
    /// "cat"
    Ae,
    /// "but"
    Ah,
    /// "law"
    Aw,
    /// "bed"
    Eh,
    /// "day" (its first, longer part)
    Ei,
    /// "bird"
    Er,
    /// "beet"
    Ee,
    /// "bit"
    Ih,
    /// "boat"
    Oh,
    /// "boot"
    Oo,
    /// "book"
    Uu,
    /// "let"
    L,
    /// "red"
    R,
    /// "wet"
    W,
    /// "yes"
    Y,
    /// "met"
    M,
    /// "net"
    N,
    /// "sing"
    Ng,
    /// "sip"
    S,
    /// "ship"
    Sh,
    /// "zip"
    Z,
    /// "fit"
    F,
    /// "vat"
    V,
    /// "thin"
    Th,
    /// "hat"
    H,
    /// "pat"
    P,
    /// "bat"
    B,
    /// "tap"
    T,
    /// "dap"
    D,
    /// "cap"
    K,
    /// "gap"
    G,
    /// "chip"
    Ch,
    /// A pause.
    Sil,
}

/// How a sound is made.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Vowel,
    Sonorant,
    Fricative,
    Stop { burst_hz: f64, voiced: bool },
    Aspirate,
    Silence,
}

/// The acoustic recipe of a phoneme (male voice values).
#[derive(Debug, Clone, Copy)]
struct Spec {
    formants: [f64; 3],
    voice: f64,
    fric: f64,
    fric_hz: f64,
    fric_q: f64,
    kind: Kind,
}

const fn vowel(f1: f64, f2: f64, f3: f64) -> Spec {
    Spec {
        formants: [f1, f2, f3],
        voice: 1.0,
        fric: 0.0,
        fric_hz: 3000.0,
        fric_q: 1.0,
        kind: Kind::Vowel,
    }
}

const fn sonorant(f1: f64, f2: f64, f3: f64, voice: f64) -> Spec {
    Spec {
        formants: [f1, f2, f3],
        voice,
        fric: 0.0,
        fric_hz: 3000.0,
        fric_q: 1.0,
        kind: Kind::Sonorant,
    }
}

const fn fricative(hz: f64, q: f64, amp: f64, voice: f64) -> Spec {
    Spec {
        formants: [400.0, 1600.0, 2600.0],
        voice,
        fric: amp,
        fric_hz: hz,
        fric_q: q,
        kind: Kind::Fricative,
    }
}

const fn stop(burst_hz: f64, voiced: bool) -> Spec {
    Spec {
        formants: [400.0, 1600.0, 2600.0],
        voice: 0.0,
        fric: 0.0,
        fric_hz: burst_hz,
        fric_q: 1.2,
        kind: Kind::Stop { burst_hz, voiced },
    }
}

fn spec(ph: Ph) -> Spec {
    match ph {
        Ph::Aa => vowel(730.0, 1090.0, 2440.0),
        Ph::Ae => vowel(660.0, 1720.0, 2410.0),
        Ph::Ah => vowel(620.0, 1190.0, 2390.0),
        Ph::Aw => vowel(570.0, 840.0, 2410.0),
        Ph::Eh => vowel(530.0, 1840.0, 2480.0),
        Ph::Ei => vowel(440.0, 2020.0, 2600.0),
        Ph::Er => vowel(490.0, 1350.0, 1690.0),
        Ph::Ee => vowel(280.0, 2250.0, 2950.0),
        Ph::Ih => vowel(390.0, 1990.0, 2550.0),
        Ph::Oh => vowel(460.0, 800.0, 2500.0),
        Ph::Oo => vowel(310.0, 870.0, 2240.0),
        Ph::Uu => vowel(440.0, 1020.0, 2240.0),
        Ph::L => sonorant(360.0, 1000.0, 2700.0, 0.55),
        Ph::R => sonorant(330.0, 1060.0, 1380.0, 0.65),
        Ph::W => sonorant(300.0, 610.0, 2200.0, 0.55),
        Ph::Y => sonorant(270.0, 2100.0, 3000.0, 0.6),
        Ph::M => sonorant(260.0, 1000.0, 2200.0, 0.35),
        Ph::N => sonorant(260.0, 1600.0, 2600.0, 0.35),
        Ph::Ng => sonorant(260.0, 2200.0, 2750.0, 0.35),
        Ph::S => fricative(6000.0, 2.5, 0.5, 0.0),
        Ph::Sh => fricative(2900.0, 1.6, 0.6, 0.0),
        Ph::Z => fricative(6000.0, 2.5, 0.35, 0.3),
        Ph::F => fricative(4200.0, 0.6, 0.12, 0.0),
        Ph::V => fricative(4200.0, 0.6, 0.05, 0.4),
        Ph::Th => fricative(5000.0, 0.7, 0.1, 0.0),
        Ph::H => Spec {
            kind: Kind::Aspirate,
            voice: 0.0,
            ..vowel(500.0, 1500.0, 2500.0)
        },
        Ph::P => stop(900.0, false),
        Ph::B => stop(800.0, true),
        Ph::T => stop(4200.0, false),
        Ph::D => stop(3800.0, true),
        Ph::K => stop(2000.0, false),
        Ph::G => stop(1800.0, true),
        Ph::Ch => Spec {
            fric: 0.6,
            fric_hz: 2900.0,
            fric_q: 1.6,
            ..stop(4000.0, false)
        },
        Ph::Sil => Spec {
            voice: 0.0,
            kind: Kind::Silence,
            ..vowel(500.0, 1500.0, 2500.0)
        },
    }
}

/// Who is speaking and how.
#[derive(Debug, Clone)]
pub struct Voice {
    /// Formant frequencies relative to an adult male (about 1.15 for a woman, 1.3 for a child).
    pub formant_scale: f64,
    /// Cut-off of the glottal source's tilt filter: higher is brighter, pushier.
    pub bright: f64,
    /// Breathiness: noise mixed into voiced sounds (0..1).
    pub breath: f64,
    /// Vibrato rate in Hz and depth in semitones.
    pub vibrato: (f64, f64),
    /// Random pitch wander (fraction of the pitch), for a less robotic voice.
    pub wander: f64,
    /// Seed for the noise.
    pub seed: u64,
}

impl Voice {
    /// An adult man speaking normally.
    pub fn man(seed: u64) -> Self {
        Voice {
            formant_scale: 1.0,
            bright: 2600.0,
            breath: 0.04,
            vibrato: (5.5, 0.08),
            wander: 0.015,
            seed,
        }
    }

    /// An adult woman speaking normally.
    pub fn woman(seed: u64) -> Self {
        Voice {
            formant_scale: 1.16,
            bright: 3200.0,
            breath: 0.08,
            ..Voice::man(seed)
        }
    }

    /// A child.
    pub fn child(seed: u64) -> Self {
        Voice {
            formant_scale: 1.3,
            bright: 3600.0,
            breath: 0.06,
            ..Voice::man(seed)
        }
    }

    /// This voice shouting: a brighter, pushier source.
    pub fn shouting(self) -> Self {
        Voice {
            bright: self.bright * 2.2,
            breath: self.breath * 0.5,
            ..self
        }
    }
}

/// One segment of an utterance: the sound, its length in seconds, and the pitch (Hz) at its
/// middle; the pitch glides linearly between segment middles.
pub type Seg = (Ph, f64, f64);

/// Speaks `segs` in `voice`.
pub fn speak(voice: &Voice, segs: &[Seg]) -> Vec<f64> {
    let total: f64 = segs.iter().map(|s| s.1).sum();
    let n = samples(total + 0.05);
    // Segment boundaries and pitch anchors (time of each segment's middle).
    let mut starts = Vec::with_capacity(segs.len());
    let mut anchors = Vec::with_capacity(segs.len());
    let mut at = 0.0;
    for &(_, dur, pitch) in segs {
        starts.push(at);
        anchors.push((at + dur / 2.0, pitch));
        at += dur;
    }

    let mut rng = Rng::new(voice.seed);
    let mut glottis = Osc::new(0.0);
    let mut tilt = OnePole::new(voice.bright);
    let mut res = [
        Resonator::default(),
        Resonator::default(),
        Resonator::default(),
    ];
    let mut r4 = Resonator::default();
    r4.set(3500.0 * voice.formant_scale, 300.0);
    let mut fric_filter = Biquad::default();
    let mut wander_lp = OnePole::new(3.0);
    // Smoothed parameters (one-pole glides), initialised from the first segment.
    let first = segs.first().map_or(spec(Ph::Sil), |s| target(segs, 0, s.0));
    let mut formants = first.formants;
    let mut voice_amp = 0.0;
    let mut asp_amp = 0.0;
    let mut fric_amp = 0.0;
    let glide = 1.0 - super::math::exp(-1.0 / (0.022 * SR));
    let amp_glide = 1.0 - super::math::exp(-1.0 / (0.006 * SR));

    let mut seg_index = 0usize;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let t = time(i);
        while seg_index + 1 < segs.len() && starts.get(seg_index + 1).is_some_and(|&s| t >= s) {
            seg_index += 1;
        }
        let Some(&(ph, dur, _)) = segs.get(seg_index) else {
            break;
        };
        let seg_start = starts.get(seg_index).copied().unwrap_or(0.0);
        let local = t - seg_start;
        let past_end = t >= total;
        let s = target(segs, seg_index, ph);

        // Per-sound source levels.
        let (mut v, mut asp, mut fric) = (s.voice, 0.0, s.fric);
        let mut burst = 0.0;
        let mut burst_hz = s.fric_hz;
        match s.kind {
            Kind::Vowel | Kind::Sonorant | Kind::Fricative => {}
            Kind::Aspirate => asp = 0.55,
            Kind::Silence => {}
            Kind::Stop {
                burst_hz: hz,
                voiced,
            } => {
                // Closure (silence or a faint voice bar), then the release burst.
                let burst_len = (dur * 0.45).min(0.03);
                let release = dur - burst_len;
                v = if voiced { 0.12 } else { 0.0 };
                burst_hz = hz;
                if local >= release {
                    let k = (local - release) / burst_len;
                    // A 1 ms attack keeps the burst from clicking; voiced bursts are weaker.
                    let attack = ((local - release) / 0.001).min(1.0);
                    burst = (1.0 - k).max(0.0) * attack * if voiced { 0.15 } else { 0.35 };
                    if !voiced {
                        asp = 0.35 * k;
                    }
                }
                fric = if local >= release { s.fric } else { 0.0 };
            }
        }
        // Aspiration after an unvoiced stop delays the voicing of the next sound a little.
        if seg_index > 0
            && local < 0.03
            && let Some(&(prev, _, _)) = segs.get(seg_index - 1)
            && matches!(spec(prev).kind, Kind::Stop { voiced: false, .. })
        {
            let k = local / 0.03;
            asp += 0.4 * (1.0 - k);
            v *= k;
        }
        if past_end {
            v = 0.0;
            asp = 0.0;
            fric = 0.0;
        }

        for (f, target_f) in formants.iter_mut().zip(s.formants) {
            *f += (target_f * voice.formant_scale - *f) * glide;
        }
        voice_amp += (v - voice_amp) * amp_glide;
        asp_amp += (asp - asp_amp) * amp_glide;
        fric_amp += (fric - fric_amp) * amp_glide;
        let bandwidths = [70.0, 100.0, 160.0];
        for ((r, f), bw) in res.iter_mut().zip(formants).zip(bandwidths) {
            r.set(f, bw);
        }

        let pitch = pitch_at(&anchors, t)
            * vibrato(t, voice.vibrato.0, voice.vibrato.1, 0.1)
            * (1.0 + voice.wander * wander_lp.lowpass(rng.noise()) * 8.0);
        let buzz = tilt.lowpass(glottis.saw(pitch));
        let noise = rng.noise();
        let source = buzz * voice_amp * (1.0 - voice.breath)
            + noise * (asp_amp + voice.breath * voice_amp * 0.5);
        let mut y = source;
        for r in res.iter_mut() {
            y = r.process(y);
        }
        y = 0.8 * y + 0.2 * r4.process(y);
        fric_filter.set_bandpass(burst_hz.min(SR * 0.45), s.fric_q);
        let hiss = fric_filter.process(noise) * (fric_amp + burst);
        out.push(y * 0.5 + hiss * 1.3);
    }
    out
}

/// The target spec of segment `index`: stops and /h/ take the formants of the next sound,
/// as the mouth is already shaped for it.
fn target(segs: &[Seg], index: usize, ph: Ph) -> Spec {
    let mut s = spec(ph);
    if matches!(s.kind, Kind::Stop { .. } | Kind::Aspirate | Kind::Silence) {
        let next = segs
            .iter()
            .skip(index + 1)
            .map(|seg| spec(seg.0))
            .find(|n| matches!(n.kind, Kind::Vowel | Kind::Sonorant));
        if let Some(next) = next {
            s.formants = next.formants;
        }
    }
    s
}

/// The pitch at `t`, linear between anchors and flat beyond them.
fn pitch_at(anchors: &[(f64, f64)], t: f64) -> f64 {
    super::synth::env(t, anchors).max(30.0)
}

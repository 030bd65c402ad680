//! Synthesis building blocks: a fixed-seed noise source, band-limited oscillators, envelopes,
//! filters, a mixer, a small reverb, and loudness normalisation.
//!
//! Everything works on mono `f64` buffers at [`SR`] samples per second and uses only the
//! deterministic maths of [`super::math`], so a recipe renders to the same samples everywhere.

use super::math::{TAU, cos_cycles, exp, fract, sin_cycles, tanh};

/// The sample rate of every sound: plenty for short effects, and it keeps the files small.
pub const SR: f64 = 22_050.0;

/// Target short-term loudness: the RMS of the loudest 400 ms window (about -14 dBFS).
pub const TARGET_LOUDNESS: f64 = 0.2;
/// No sample of a normalised sound exceeds this (about -1.4 dBFS), leaving headroom for the
/// small overshoot that MP3 encoding adds.
pub const CEILING: f64 = 0.85;

/// The number of samples in `seconds` (rounded; negative durations are empty).
pub fn samples(seconds: f64) -> usize {
    let n = (seconds.max(0.0) * SR).round();
    // Durations are a few seconds, far below usize::MAX.
    n as usize
}

/// The time in seconds of sample `i`.
pub fn time(i: usize) -> f64 {
    i as f64 / SR
}

/// A buffer of `seconds` long whose sample at time `t` is `f(t)`.
pub fn signal(seconds: f64, mut f: impl FnMut(f64) -> f64) -> Vec<f64> {
    (0..samples(seconds)).map(|i| f(time(i))).collect()
}

/// SplitMix64: a tiny, fast, fixed-seed pseudo-random generator, the only randomness used.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator with the given seed; the same seed always gives the same sequence.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn uniform(&mut self) -> f64 {
        // The top 53 bits convert exactly.
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// White noise: uniform in `[-1, 1)`.
    pub fn noise(&mut self) -> f64 {
        self.uniform() * 2.0 - 1.0
    }

    /// Uniform in `[lo, hi)`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }
}

/// PolyBLEP residual: smooths the step of a naive waveform at phase `t` (in cycles, increment
/// `dt` per sample) so saws and squares do not alias badly.
fn blep(t: f64, dt: f64) -> f64 {
    if dt <= 0.0 {
        0.0
    } else if t < dt {
        let x = t / dt;
        x + x - x * x - 1.0
    } else if t > 1.0 - dt {
        let x = (t - 1.0) / dt;
        x * x + x + x + 1.0
    } else {
        0.0
    }
}

/// A phase accumulator with the classic waveforms; the frequency may change every sample.
#[derive(Debug, Clone, Default)]
pub struct Osc {
    phase: f64,
}

impl Osc {
    /// An oscillator starting at `phase` (in cycles).
    pub fn new(phase: f64) -> Self {
        Osc {
            phase: fract(phase),
        }
    }

    /// Returns the current phase and the per-sample increment, then advances by `freq`.
    fn tick(&mut self, freq: f64) -> (f64, f64) {
        let p = self.phase;
        let dt = (freq / SR).clamp(0.0, 0.5);
        self.phase = fract(self.phase + dt);
        (p, dt)
    }

    /// A sine at `freq` Hz.
    pub fn sine(&mut self, freq: f64) -> f64 {
        let (p, _) = self.tick(freq);
        sin_cycles(p)
    }

    /// A band-limited sawtooth at `freq` Hz.
    pub fn saw(&mut self, freq: f64) -> f64 {
        let (p, dt) = self.tick(freq);
        2.0 * p - 1.0 - blep(p, dt)
    }

    /// A band-limited pulse at `freq` Hz with duty cycle `duty` (0.5 is a square).
    pub fn pulse(&mut self, freq: f64, duty: f64) -> f64 {
        let (p, dt) = self.tick(freq);
        let duty = duty.clamp(0.05, 0.95);
        let naive = if p < duty { 1.0 } else { -1.0 };
        // Subtracting the mean keeps narrow pulses free of DC.
        naive + blep(p, dt) - blep(fract(p + 1.0 - duty), dt) - (2.0 * duty - 1.0)
    }

    /// A triangle at `freq` Hz (its harmonics fall fast, so it needs no band-limiting here).
    pub fn tri(&mut self, freq: f64) -> f64 {
        let (p, _) = self.tick(freq);
        4.0 * (p - 0.5).abs() - 1.0
    }

    /// Phase modulation: a sine at `freq` Hz whose phase is offset by `pm` cycles.
    pub fn pm(&mut self, freq: f64, pm: f64) -> f64 {
        let (p, _) = self.tick(freq);
        sin_cycles(p + pm)
    }
}

/// Piecewise-linear envelope through `(time, value)` points (times ascending); flat outside.
pub fn env(t: f64, points: &[(f64, f64)]) -> f64 {
    let Some(&(t0, v0)) = points.first() else {
        return 0.0;
    };
    if t <= t0 {
        return v0;
    }
    for pair in points.windows(2) {
        if let [(ta, va), (tb, vb)] = *pair
            && t <= tb
        {
            let span = tb - ta;
            return if span <= 0.0 {
                vb
            } else {
                va + (vb - va) * (t - ta) / span
            };
        }
    }
    points.last().map_or(0.0, |&(_, v)| v)
}

/// Exponential decay with time constant `tau` seconds (1 at t = 0); 0 before 0.
pub fn decay(t: f64, tau: f64) -> f64 {
    if t < 0.0 || tau <= 0.0 {
        0.0
    } else {
        exp(-t / tau)
    }
}

/// A percussive envelope: linear attack over `attack` seconds, then exponential decay.
pub fn perc(t: f64, attack: f64, tau: f64) -> f64 {
    if t < 0.0 {
        0.0
    } else if t < attack {
        t / attack
    } else {
        decay(t - attack, tau)
    }
}

/// Attack-decay-sustain-release for a note held `hold` seconds; linear segments.
pub fn adsr(t: f64, hold: f64, a: f64, d: f64, s: f64, r: f64) -> f64 {
    let on = if t < 0.0 {
        0.0
    } else if t < a {
        t / a.max(1e-6)
    } else if t < a + d {
        1.0 - (1.0 - s) * (t - a) / d.max(1e-6)
    } else {
        s
    };
    if t <= hold {
        on
    } else {
        // Release from wherever the note was when the key let go.
        let at_release = adsr(hold, hold, a, d, s, r);
        (at_release * (1.0 - (t - hold) / r.max(1e-6))).max(0.0)
    }
}

/// Smooth 0→1 step between `t0` and `t1` (raised cosine).
pub fn smooth_step(t: f64, t0: f64, t1: f64) -> f64 {
    if t <= t0 {
        0.0
    } else if t >= t1 {
        1.0
    } else {
        0.5 - 0.5 * cos_cycles(0.5 * (t - t0) / (t1 - t0))
    }
}

/// A second-order IIR filter (the Audio EQ Cookbook designs), retunable every sample.
#[derive(Debug, Clone, Default)]
pub struct Biquad {
    b0: f64,
    b1: f64,
    b2: f64,
    a1: f64,
    a2: f64,
    x1: f64,
    x2: f64,
    y1: f64,
    y2: f64,
}

impl Biquad {
    fn set(&mut self, b: [f64; 3], a: [f64; 3]) {
        let [b0, b1, b2] = b;
        let [a0, a1, a2] = a;
        self.b0 = b0 / a0;
        self.b1 = b1 / a0;
        self.b2 = b2 / a0;
        self.a1 = a1 / a0;
        self.a2 = a2 / a0;
    }

    fn omega(freq: f64, q: f64) -> (f64, f64) {
        let w = (freq / SR).clamp(1e-5, 0.49);
        let cos_w = cos_cycles(w);
        let alpha = sin_cycles(w) / (2.0 * q.max(0.05));
        (cos_w, alpha)
    }

    /// A low-pass at `freq` Hz with resonance `q` (0.707 is flat).
    pub fn lowpass(freq: f64, q: f64) -> Self {
        let mut f = Biquad::default();
        f.set_lowpass(freq, q);
        f
    }

    /// A high-pass at `freq` Hz with resonance `q`.
    pub fn highpass(freq: f64, q: f64) -> Self {
        let mut f = Biquad::default();
        f.set_highpass(freq, q);
        f
    }

    /// A band-pass around `freq` Hz with 0 dB peak gain; higher `q` is narrower.
    pub fn bandpass(freq: f64, q: f64) -> Self {
        let mut f = Biquad::default();
        f.set_bandpass(freq, q);
        f
    }

    /// Retunes as a low-pass, keeping the filter's state (for sweeps).
    pub fn set_lowpass(&mut self, freq: f64, q: f64) {
        let (c, alpha) = Self::omega(freq, q);
        self.set(
            [(1.0 - c) / 2.0, 1.0 - c, (1.0 - c) / 2.0],
            [1.0 + alpha, -2.0 * c, 1.0 - alpha],
        );
    }

    /// Retunes as a high-pass, keeping the filter's state.
    pub fn set_highpass(&mut self, freq: f64, q: f64) {
        let (c, alpha) = Self::omega(freq, q);
        self.set(
            [(1.0 + c) / 2.0, -(1.0 + c), (1.0 + c) / 2.0],
            [1.0 + alpha, -2.0 * c, 1.0 - alpha],
        );
    }

    /// Retunes as a band-pass, keeping the filter's state.
    pub fn set_bandpass(&mut self, freq: f64, q: f64) {
        let (c, alpha) = Self::omega(freq, q);
        self.set([alpha, 0.0, -alpha], [1.0 + alpha, -2.0 * c, 1.0 - alpha]);
    }

    /// Filters one sample.
    pub fn process(&mut self, x: f64) -> f64 {
        let y = self.b0 * x + self.b1 * self.x1 + self.b2 * self.x2
            - self.a1 * self.y1
            - self.a2 * self.y2;
        self.x2 = self.x1;
        self.x1 = x;
        self.y2 = self.y1;
        // Flush denormals so long silent tails stay cheap and exact.
        self.y1 = if y.abs() < 1e-30 { 0.0 } else { y };
        self.y1
    }
}

/// A one-pole low-pass (6 dB/octave); `highpass` is its complement.
#[derive(Debug, Clone, Default)]
pub struct OnePole {
    a: f64,
    y: f64,
}

impl OnePole {
    /// A one-pole with its corner at `freq` Hz.
    pub fn new(freq: f64) -> Self {
        let mut f = OnePole::default();
        f.set(freq);
        f
    }

    /// Moves the corner to `freq` Hz.
    pub fn set(&mut self, freq: f64) {
        self.a = 1.0 - exp(-TAU * freq.max(1.0) / SR);
    }

    /// Low-passes one sample.
    pub fn lowpass(&mut self, x: f64) -> f64 {
        self.y += self.a * (x - self.y);
        self.y
    }

    /// High-passes one sample (the input minus its low-passed part).
    pub fn highpass(&mut self, x: f64) -> f64 {
        x - self.lowpass(x)
    }
}

/// A two-pole resonator with unity gain at DC (Klatt's formant resonator); in cascade they
/// shape a buzzy source into vowels.
#[derive(Debug, Clone, Default)]
pub struct Resonator {
    a: f64,
    b: f64,
    c: f64,
    y1: f64,
    y2: f64,
}

impl Resonator {
    /// Tunes to centre `freq` Hz and bandwidth `bw` Hz, keeping the state.
    pub fn set(&mut self, freq: f64, bw: f64) {
        let r = exp(-core::f64::consts::PI * bw / SR);
        self.c = -r * r;
        self.b = 2.0 * r * cos_cycles((freq / SR).clamp(0.0, 0.49));
        self.a = 1.0 - self.b - self.c;
    }

    /// Filters one sample.
    pub fn process(&mut self, x: f64) -> f64 {
        let y = self.a * x + self.b * self.y1 + self.c * self.y2;
        self.y2 = self.y1;
        self.y1 = if y.abs() < 1e-30 { 0.0 } else { y };
        self.y1
    }
}

/// A delay line of fixed length.
#[derive(Debug, Clone)]
struct Delay {
    buf: Vec<f64>,
    pos: usize,
}

impl Delay {
    fn new(len: usize) -> Self {
        Delay {
            buf: vec![0.0; len.max(1)],
            pos: 0,
        }
    }

    /// The sample written `len` ticks ago.
    fn read(&self) -> f64 {
        self.buf.get(self.pos).copied().unwrap_or(0.0)
    }

    /// Writes `x` and advances.
    fn write(&mut self, x: f64) {
        if let Some(slot) = self.buf.get_mut(self.pos) {
            *slot = x;
        }
        self.pos = (self.pos + 1) % self.buf.len();
    }
}

/// Adds `src` (scaled by `gain`) into `dst` starting at `at` seconds, growing `dst` if needed.
pub fn mix_into(dst: &mut Vec<f64>, at: f64, src: &[f64], gain: f64) {
    let start = samples(at);
    let end = start + src.len();
    if dst.len() < end {
        dst.resize(end, 0.0);
    }
    if let Some(region) = dst.get_mut(start..end) {
        for (d, s) in region.iter_mut().zip(src) {
            *d += s * gain;
        }
    }
}

/// Multiplies every sample by `gain`.
pub fn scale(buf: &mut [f64], gain: f64) {
    for x in buf.iter_mut() {
        *x *= gain;
    }
}

/// Soft saturation: `tanh(drive·x)`, scaled back so small signals keep their level.
pub fn saturate(buf: &mut [f64], drive: f64) {
    let drive = drive.max(1e-3);
    for x in buf.iter_mut() {
        *x = tanh(*x * drive) / drive;
    }
}

/// Runs every sample through `filter`.
pub fn filter(buf: &mut [f64], mut filter: impl FnMut(f64) -> f64) {
    for x in buf.iter_mut() {
        *x = filter(*x);
    }
}

/// A feedback echo: `delay` seconds apart, each repeat `feedback` times quieter and a little
/// darker; the buffer grows to hold the repeats until they fade below -50 dB.
pub fn echo(buf: &mut Vec<f64>, delay: f64, feedback: f64, max_len: f64) {
    let d = samples(delay).max(1);
    let limit = samples(max_len);
    let mut tail = buf.len() + d * 12;
    if tail > limit {
        tail = limit;
    }
    if buf.len() < tail {
        buf.resize(tail, 0.0);
    }
    let mut lp = OnePole::new(3500.0);
    for i in d..buf.len() {
        let prev = buf.get(i - d).copied().unwrap_or(0.0);
        let wet = lp.lowpass(prev) * feedback;
        if let Some(x) = buf.get_mut(i) {
            *x += wet;
        }
    }
}

/// A small Schroeder reverb (four damped combs into two all-passes) mixed in at `wet`;
/// `size` in 0..1 sets the decay. The buffer keeps its length.
pub fn reverb(buf: &mut [f64], size: f64, wet: f64) {
    // Mutually prime delays (in samples at 22.05 kHz) so the echoes do not line up.
    let mut combs: Vec<(Delay, f64)> = [1116, 1188, 1277, 1356]
        .iter()
        .map(|&n| (Delay::new(n / 2), 0.0))
        .collect();
    let mut allpasses: Vec<Delay> = [556, 441].iter().map(|&n| Delay::new(n / 2)).collect();
    let feedback = 0.7 + 0.28 * size.clamp(0.0, 1.0);
    let damp = 0.3;
    for x in buf.iter_mut() {
        let input = *x * 0.25;
        let mut out = 0.0;
        for (line, store) in combs.iter_mut() {
            let y = line.read();
            *store = y * (1.0 - damp) + *store * damp;
            line.write(input + *store * feedback);
            out += y;
        }
        for line in allpasses.iter_mut() {
            let delayed = line.read();
            let y = -out + delayed;
            line.write(out + delayed * 0.5);
            out = y;
        }
        *x += out * wet;
    }
}

/// Short fades at both ends (in seconds) so no sound starts or stops with a click.
pub fn fade_edges(buf: &mut [f64], fade_in: f64, fade_out: f64) {
    let n_in = samples(fade_in).max(1);
    let n_out = samples(fade_out).max(1);
    let len = buf.len();
    for (i, x) in buf.iter_mut().enumerate() {
        if i < n_in {
            *x *= i as f64 / n_in as f64;
        }
        let from_end = len - i;
        if from_end <= n_out {
            *x *= (from_end - 1) as f64 / n_out as f64;
        }
    }
}

/// The largest absolute sample.
pub fn peak(buf: &[f64]) -> f64 {
    buf.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// Root-mean-square level of the whole buffer.
pub fn rms(buf: &[f64]) -> f64 {
    if buf.is_empty() {
        return 0.0;
    }
    (buf.iter().map(|x| x * x).sum::<f64>() / buf.len() as f64).sqrt()
}

/// Short-term loudness: the RMS of the loudest 400 ms window (50 ms hops).
pub fn loudness(buf: &[f64]) -> f64 {
    let win = samples(0.4);
    let hop = samples(0.05);
    if buf.len() <= win {
        return rms(buf);
    }
    let mut best = 0.0f64;
    let mut start = 0;
    while start + win <= buf.len() {
        if let Some(w) = buf.get(start..start + win) {
            best = best.max(rms(w));
        }
        start += hop;
    }
    best
}

/// Brings a sound to [`TARGET_LOUDNESS`] and under [`CEILING`]: peaks that would overshoot go
/// through a soft-knee limiter (pushed at most 3 dB into it), so nothing clips.
pub fn normalise(buf: &[f64]) -> Vec<f64> {
    let loud = loudness(buf);
    let top = peak(buf);
    if loud <= 0.0 || top <= 0.0 {
        return buf.to_vec();
    }
    let gain = (TARGET_LOUDNESS / loud).min(1.4 * CEILING / top);
    let knee = 0.6 * CEILING;
    let room = CEILING - knee;
    buf.iter()
        .map(|&x| {
            let y = x * gain;
            let a = y.abs();
            if a <= knee {
                y
            } else {
                let limited = knee + room * tanh((a - knee) / room);
                if y < 0.0 { -limited } else { limited }
            }
        })
        .collect()
}

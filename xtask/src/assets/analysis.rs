//! Measuring sounds by numbers: level, envelope, onsets, pitch and spectral centroid.
//!
//! Used by `cargo xtask assets --report` and by the tests that check each sound is what its
//! name says (a bell decays, the sad trombone falls, the crickets are high and pulsing…).

use super::math::{cos_cycles, sin_cycles};
use super::synth::{SR, peak, rms, samples};

/// RMS level of consecutive blocks of `block` seconds.
pub fn envelope(buf: &[f64], block: f64) -> Vec<f64> {
    let n = samples(block).max(1);
    buf.chunks(n).map(rms).collect()
}

/// Number of attacks: 20 ms blocks whose level jumps to at least twice the previous block's
/// and above a tenth of the loudest block.
pub fn onsets(buf: &[f64]) -> usize {
    let env = envelope(buf, 0.02);
    let top = env.iter().fold(0.0f64, |m, &x| m.max(x));
    env.windows(2)
        .filter(|w| matches!(w, [a, b] if *b > 2.0 * a.max(1e-9) && *b > 0.1 * top))
        .count()
}

/// The fundamental frequency of `window` by normalised autocorrelation, searched between 60 and
/// 1500 Hz; `None` when nothing is clearly periodic.
pub fn pitch(window: &[f64]) -> Option<f64> {
    let energy: f64 = window.iter().map(|x| x * x).sum();
    if energy <= 1e-9 {
        return None;
    }
    let min_lag = (SR / 1500.0) as usize;
    let max_lag = ((SR / 60.0) as usize).min(window.len() / 2);
    let corr = |lag: usize| -> f64 {
        let s: f64 = window
            .iter()
            .zip(window.iter().skip(lag))
            .map(|(a, b)| a * b)
            .sum();
        s / energy * window.len() as f64 / (window.len() - lag) as f64
    };
    let scores: Vec<(usize, f64)> = (min_lag..max_lag).map(|lag| (lag, corr(lag))).collect();
    let best = scores.iter().fold(0.0f64, |m, &(_, c)| m.max(c));
    if best < 0.5 {
        return None;
    }
    // The first lag that comes close to the best avoids octave errors.
    let (lag, _) = scores
        .windows(3)
        .filter_map(|w| match w {
            [a, b, c] if b.1 >= a.1 && b.1 >= c.1 && b.1 > 0.97 * best => Some(*b),
            _ => None,
        })
        .next()?;
    Some(SR / lag as f64)
}

/// Pitch estimates every `hop` seconds over 60 ms windows.
pub fn pitch_track(buf: &[f64], hop: f64) -> Vec<Option<f64>> {
    let win = samples(0.06);
    let step = samples(hop).max(1);
    let mut out = Vec::new();
    let mut start = 0;
    while start + win <= buf.len() {
        out.push(buf.get(start..start + win).and_then(pitch));
        start += step;
    }
    out
}

/// A radix-2 FFT of `x` (its length must be a power of two), as (re, im) pairs.
fn fft(x: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let n = x.len();
    if n <= 1 {
        return x.to_vec();
    }
    let even: Vec<(f64, f64)> = x.iter().step_by(2).copied().collect();
    let odd: Vec<(f64, f64)> = x.iter().skip(1).step_by(2).copied().collect();
    let (e, o) = (fft(&even), fft(&odd));
    let mut low = Vec::with_capacity(n / 2);
    let mut high = Vec::with_capacity(n / 2);
    for (k, (&(er, ei), &(or, oi))) in e.iter().zip(&o).enumerate() {
        let turn = -(k as f64) / n as f64;
        let (c, s) = (cos_cycles(turn), sin_cycles(turn));
        let (tr, ti) = (c * or - s * oi, c * oi + s * or);
        low.push((er + tr, ei + ti));
        high.push((er - tr, ei - ti));
    }
    low.extend(high);
    low
}

/// Magnitude spectrum of a Hann-windowed 1024-sample frame starting at `start`.
pub fn spectrum(buf: &[f64], start: usize) -> Vec<f64> {
    const N: usize = 1024;
    let frame: Vec<(f64, f64)> = (0..N)
        .map(|i| {
            let x = buf.get(start + i).copied().unwrap_or(0.0);
            let w = 0.5 - 0.5 * cos_cycles(i as f64 / N as f64);
            (x * w, 0.0)
        })
        .collect();
    fft(&frame)
        .into_iter()
        .take(N / 2)
        .map(|(re, im)| (re * re + im * im).sqrt())
        .collect()
}

/// Energy-weighted mean spectral centroid in Hz (how bright the sound is).
pub fn centroid(buf: &[f64]) -> f64 {
    let bin_hz = SR / 1024.0;
    let mut weighted = 0.0;
    let mut total = 0.0;
    let mut start = 0;
    while start + 1024 <= buf.len() {
        for (k, m) in spectrum(buf, start).into_iter().enumerate() {
            let p = m * m;
            weighted += p * k as f64 * bin_hz;
            total += p;
        }
        start += 2048;
    }
    if total > 0.0 { weighted / total } else { 0.0 }
}

/// The strongest frequency (Hz) over the whole sound, from summed frame spectra.
pub fn dominant(buf: &[f64]) -> f64 {
    let mut sum = vec![0.0; 512];
    let mut start = 0;
    while start + 1024 <= buf.len() {
        for (s, m) in sum.iter_mut().zip(spectrum(buf, start)) {
            *s += m * m;
        }
        start += 1024;
    }
    let (k, _) =
        sum.iter().enumerate().skip(1).fold(
            (0, 0.0),
            |best, (k, &p)| if p > best.1 { (k, p) } else { best },
        );
    k as f64 * SR / 1024.0
}

/// A one-line description: duration, peak, RMS, onsets, centroid, pitch contour and an
/// envelope sketch over 24 columns.
pub fn describe(name: &str, buf: &[f64]) -> String {
    let secs = buf.len() as f64 / SR;
    let env = envelope(buf, secs / 24.0 + 1e-9);
    let top = env.iter().fold(0.0f64, |m, &x| m.max(x)).max(1e-9);
    let bars: String = env
        .iter()
        .map(|&e| {
            let levels = [' ', '.', ':', '-', '=', '+', '*', '#'];
            let i = ((e / top) * 7.0).round() as usize;
            levels.get(i.min(7)).copied().unwrap_or(' ')
        })
        .collect();
    let track: Vec<String> = pitch_track(buf, secs / 8.0)
        .into_iter()
        .map(|p| p.map_or("-".to_owned(), |f| format!("{f:.0}")))
        .collect();
    format!(
        "{name:<14} {secs:4.2}s peak {:.2} rms {:.3} onsets {:>2} centroid {:>5.0} Hz dominant {:>5.0} Hz |{bars}| pitch {}",
        peak(buf),
        rms(buf),
        onsets(buf),
        centroid(buf),
        dominant(buf),
        track.join(" ")
    )
}

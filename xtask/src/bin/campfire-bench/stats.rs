//! Percentiles and medians.

use std::time::Duration;

/// The `q` quantile (0..=1) of `samples`, in milliseconds (nearest rank); 0 when empty.
pub fn percentile(samples: &mut [Duration], q: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    samples.sort_unstable();
    let rank = ((samples.len() as f64) * q).ceil() as usize;
    let index = rank.clamp(1, samples.len()) - 1;
    samples.get(index).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// The median of `values`; 0 when empty.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted.get(n / 2).copied().unwrap_or(0.0),
        n => {
            let a = sorted.get(n / 2 - 1).copied().unwrap_or(0.0);
            let b = sorted.get(n / 2).copied().unwrap_or(0.0);
            (a + b) / 2.0
        }
    }
}

//! Deterministic elementary functions.
//!
//! `f64::sin`, `exp` and friends call the platform's libm, whose last-bit results differ between
//! C libraries and versions. The sounds must come out byte-identical on every machine, so the
//! synthesiser uses these instead: they are built only from IEEE-754 operations that are exactly
//! specified (`+ - * /`, `floor`, `round`), and Rust never fuses or reorders them.

/// τ = 2π.
pub const TAU: f64 = core::f64::consts::TAU;
const LN_2: f64 = core::f64::consts::LN_2;
const FRAC_PI_2: f64 = core::f64::consts::FRAC_PI_2;
const PI: f64 = core::f64::consts::PI;

/// The fractional part of `x`, in `[0, 1)`.
pub fn fract(x: f64) -> f64 {
    let f = x - x.floor();
    if f >= 1.0 { 0.0 } else { f }
}

/// sin(2π·`cycles`): the sine of a phase measured in cycles.
pub fn sin_cycles(cycles: f64) -> f64 {
    // Reduce to [-0.5, 0.5) cycles, then to [-π/2, π/2] by symmetry.
    let mut r = fract(cycles);
    if r >= 0.5 {
        r -= 1.0;
    }
    let mut x = r * TAU;
    if x > FRAC_PI_2 {
        x = PI - x;
    } else if x < -FRAC_PI_2 {
        x = -PI - x;
    }
    sin_kernel(x)
}

/// cos(2π·`cycles`).
pub fn cos_cycles(cycles: f64) -> f64 {
    sin_cycles(cycles + 0.25)
}

/// sin(`x`) for an angle in radians.
pub fn sin(x: f64) -> f64 {
    sin_cycles(x / TAU)
}

/// cos(`x`) for an angle in radians.
pub fn cos(x: f64) -> f64 {
    cos_cycles(x / TAU)
}

/// Taylor series of sin on [-π/2, π/2]; the error is below 1e-11.
fn sin_kernel(x: f64) -> f64 {
    let x2 = x * x;
    let mut term = x;
    let mut sum = x;
    let mut k = 1.0;
    for _ in 0..8 {
        term *= -x2 / ((k + 1.0) * (k + 2.0));
        sum += term;
        k += 2.0;
    }
    sum
}

/// eˣ, saturating to 0 below -700 and to a huge finite value above 700.
pub fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return 0.0;
    }
    let x = x.clamp(-700.0, 700.0);
    // x = k·ln2 + r with |r| ≤ ln2/2; eʳ by its Taylor series, 2ᵏ by building the float.
    let k = (x / LN_2).round();
    let r = x - k * LN_2;
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut n = 1.0;
    for _ in 0..14 {
        term *= r / n;
        sum += term;
        n += 1.0;
    }
    sum * pow2i(k)
}

/// 2ᵏ for an integral `k` in [-1010, 1010].
fn pow2i(k: f64) -> f64 {
    // `k` is integral and clamped, so the cast is exact.
    let k = k.clamp(-1010.0, 1010.0) as i64;
    let bits = u64::try_from(k + 1023).unwrap_or(1023) << 52;
    f64::from_bits(bits)
}

/// 2ˣ.
pub fn exp2(x: f64) -> f64 {
    exp(x * LN_2)
}

/// tanh(`x`), a smooth saturator.
pub fn tanh(x: f64) -> f64 {
    if x > 20.0 {
        return 1.0;
    }
    if x < -20.0 {
        return -1.0;
    }
    let e = exp(2.0 * x);
    (e - 1.0) / (e + 1.0)
}

/// The frequency in Hz of MIDI note `note` (69 = A4 = 440 Hz; fractions are allowed).
pub fn midi(note: f64) -> f64 {
    440.0 * exp2((note - 69.0) / 12.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_libm_closely() {
        let mut x = -40.0;
        while x < 40.0 {
            assert!((sin(x) - x.sin()).abs() < 1e-10, "sin({x})");
            assert!((cos(x) - x.cos()).abs() < 1e-10, "cos({x})");
            assert!(
                (tanh(x / 8.0) - (x / 8.0).tanh()).abs() < 1e-10,
                "tanh({x})"
            );
            let e = exp(x / 2.0);
            assert!(((e - (x / 2.0).exp()) / e).abs() < 1e-12, "exp({x})");
            x += 0.0137;
        }
        assert!((midi(69.0) - 440.0).abs() < 1e-9);
        assert!((midi(81.0) - 880.0).abs() < 1e-9);
        assert!((midi(60.0) - 261.625_565).abs() < 1e-5);
        assert_eq!(fract(-0.25), 0.75);
    }
}

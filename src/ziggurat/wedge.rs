//! Two lines around the density in every wedge, for the wedge test `y < expf(-x²/2)` of
//! the SIMD kernels' slow path: most tests are decided by one multiply and two adds, and
//! `expf` (`mathf.rs`, STREAM.md §12) runs only for `y` between the lines, so the answer — and every output
//! bit — is unchanged.
//!
//! Why it is exact: for every `x` a wedge test can meet (every wedge magnitude of every
//! layer of both ziggurats, about 2.6·10^7 values each), the tests below check
//! `lo(x) <= mathf::expf(-x²/2) <= hi(x)` exhaustively, with `lo` and `hi` evaluated
//! exactly as [`below`] evaluates them. Then `y < lo(x)` implies `y < expf`, and
//! `y >= hi(x)` implies the opposite, and anything in between asks `libm` itself.
//!
//! How the lines are built (at compile time, from the layer tables): in `u = x²` the
//! density `g(u) = exp(-u/2)` is convex, so across the wedge `[u0, u1]` (`u0 = (k w)²`,
//! `u1 = (2^23 w)²`) it lies below its chord and at most `max|g''| h² / 8 = g(u0) h² / 32`
//! below it (`h = u1 - u0`). The lines are the chord and the chord moved down by that gap,
//! each moved out by a slack of `2^-19 (1 + u1) g(u0)` for the rounding of the `f32`
//! evaluation and of `expf`. In `u` rather than `x` the band between them is narrow even
//! in the wide top layers, where most wedge tests happen (layer 255 alone, with `k = 0`,
//! holds a quarter of them).
//!
//! Why it is fast: the polynomial bracket this replaced put about 50 cycles of latency on
//! the path that the next vector of the hot loop waits for; this is two multiplies and an
//! add.

use super::{half_square_neg, mathf, Layer};

/// The two lines of one wedge, in `u = x²`: `lo(u) = lo + b u`, `hi(u) = hi + b u`.
#[derive(Clone, Copy, Debug)]
#[repr(C, align(16))]
pub(super) struct Lines {
    b: f32,
    lo: f32,
    hi: f32,
}

/// `2^23`, the magnitude scale of the layer widths.
const MAG_SCALE: f64 = 8_388_608.0;

/// `exp(t)` for `-8 <= t <= 0` in `f64` at compile time, to about 1e-15 relative:
/// `t / 32` by its Taylor series, squared five times.
const fn exp_f64(t: f64) -> f64 {
    let r = t / 32.0;
    let mut sum = 1.0;
    let mut term = 1.0;
    let mut n = 1;
    while n < 16 {
        term = term * r / n as f64;
        sum += term;
        n += 1;
    }
    let mut k = 0;
    while k < 5 {
        sum *= sum;
        k += 1;
    }
    sum
}

/// The lines of every layer whose fast test can fail (`k < 2^23`); the others (the
/// normal's layer 0 goes to the tail, the truncated ziggurat's full-width strips never
/// fail) are never read, and get lines that decide nothing (every `y` in `[0, 1]` lies
/// between them, so `libm` would answer).
const fn wedge_lines(layers: &[Layer; 256]) -> [Lines; 256] {
    let mut out = [Lines {
        b: 0.0,
        lo: 0.0,
        hi: 2.0,
    }; 256];
    let mut i = 0;
    while i < 256 {
        let w = layers[i].w as f64;
        // The wedge starts at the first rejected magnitude, `k * w`.
        let (x0, x1) = (layers[i].k as f64 * w, w * MAG_SCALE);
        let (u0, u1) = (x0 * x0, x1 * x1);
        if layers[i].k < 1 << 23 && u1 > u0 {
            let (g0, g1) = (exp_f64(-0.5 * u0), exp_f64(-0.5 * u1));
            let b = (g1 - g0) / (u1 - u0);
            let a = g0 - b * u0;
            let h = u1 - u0;
            let gap = g0 * h * h / 32.0;
            let slack = (1.0 + u1) * g0 / 524_288.0;
            out[i] = Lines {
                b: b as f32,
                lo: (a - gap - slack) as f32,
                hi: (a + slack) as f32,
            };
        }
        i += 1;
    }
    out
}

/// The normal's wedge lines (layers `1..=255`).
pub(super) static NORM_LINES: [Lines; 256] = wedge_lines(&super::NORM);
/// The truncated normal's wedge lines.
pub(super) static TRUNC_LINES: [Lines; 256] = wedge_lines(&super::TRUNC);

/// One layer's numbers for the fix-up eight lanes at a time (`fix8.rs`), one 32-byte load:
/// `[w, y(i), y(i + 1), b, lo, hi, 0, 0]`, `y` the strip heights (`NORM_F` or `TRUNC_Y`).
#[cfg(all(
    target_arch = "x86_64",
    any(target_feature = "avx2", not(glorot_no_dispatch))
))]
#[derive(Clone, Copy, Debug)]
#[repr(C, align(32))]
pub(super) struct FixRow(pub(super) [f32; 8]);

#[cfg(all(
    target_arch = "x86_64",
    any(target_feature = "avx2", not(glorot_no_dispatch))
))]
const fn fix_rows(layers: &[Layer; 256], ys: &[f32; 257], lines: &[Lines; 256]) -> [FixRow; 256] {
    let mut out = [FixRow([0.0; 8]); 256];
    let mut i = 0;
    while i < 256 {
        let l = lines[i];
        out[i] = FixRow([layers[i].w, ys[i], ys[i + 1], l.b, l.lo, l.hi, 0.0, 0.0]);
        i += 1;
    }
    out
}

/// The normal's [`FixRow`]s.
#[cfg(all(
    target_arch = "x86_64",
    any(target_feature = "avx2", not(glorot_no_dispatch))
))]
pub(super) static NORM_FIX: [FixRow; 256] = fix_rows(&super::NORM, &super::NORM_F, &NORM_LINES);
/// The truncated normal's [`FixRow`]s.
#[cfg(all(
    target_arch = "x86_64",
    any(target_feature = "avx2", not(glorot_no_dispatch))
))]
pub(super) static TRUNC_FIX: [FixRow; 256] = fix_rows(&super::TRUNC, &super::TRUNC_Y, &TRUNC_LINES);

/// `(lo(x²), hi(x²))`.
#[inline(always)]
fn bounds(lines: &Lines, x: f32) -> (f32, f32) {
    let bu = lines.b * (x * x);
    (lines.lo + bu, lines.hi + bu)
}

/// `y < mathf::expf(-x²/2)` for an `x` in the wedge of the layer of `lines`, asking
/// `libm` only when `y` lies between the lines. The sides are read from the signs of
/// `y - lo` and `y - hi` (exact: a difference of floats is zero only for equal floats,
/// and rounding keeps its sign), so the compiler cannot split the test into a branch on
/// the coin flip `y < lo`; the one branch left (`libm` or not) is rarely taken.
#[cfg_attr(not(test), allow(dead_code))]
#[inline(always)]
pub(super) fn below(lines: &Lines, x: f32, y: f32) -> bool {
    let (below_lo, between) = sides(lines, x, y);
    if between {
        return y < mathf::expf(half_square_neg(x));
    }
    below_lo
}

/// `(y < lo(x²), lo(x²) <= y < hi(x²))`, without a branch: where the second is false, the
/// first is the answer of [`below`]; where it is true, only `libm` can tell.
#[inline(always)]
pub(super) fn sides(lines: &Lines, x: f32, y: f32) -> (bool, bool) {
    let (lo, hi) = bounds(lines, x);
    let below_lo = (y - lo).to_bits() >> 31;
    let below_hi = (y - hi).to_bits() >> 31;
    (below_lo != 0, below_hi & !below_lo != 0)
}

#[cfg(test)]
mod tests {
    use super::super::{NORM, NORM_F, TRUNC, TRUNC_Y};
    use super::*;

    /// Checks the lines for every wedge input of `layers[first..]` and returns
    /// `(inputs, mean of (hi - lo) / (strip height))`: the share of wedge tests that
    /// reach `libm`, for a uniform `y`.
    fn check_every_wedge_input(
        layers: &[Layer; 256],
        lines: &[Lines; 256],
        ys: &[f32; 257],
        first: usize,
    ) -> (u64, f64) {
        let mut n = 0u64;
        let mut band = 0f64;
        for (i, layer) in layers.iter().enumerate().skip(first) {
            let height = f64::from(ys[i + 1] - ys[i]);
            for mag in layer.k..1 << 23 {
                let x = mag as f32 * layer.w;
                let e = mathf::expf(half_square_neg(x));
                let (lo, hi) = bounds(&lines[i], x);
                assert!(
                    lo <= e && e <= hi,
                    "layer {i} mag {mag}: x {x} expf {e} lines [{lo}, {hi}]"
                );
                band += f64::from(hi - lo) / height;
                n += 1;
            }
        }
        (n, band / n as f64)
    }

    #[test]
    fn the_lines_hold_for_every_normal_wedge_input() {
        // Layer 0's failures go to the tail, not to a wedge test.
        let (n, band) = check_every_wedge_input(&NORM, &NORM_LINES, &NORM_F, 1);
        assert!(n > 20_000_000, "{n} inputs");
        // Measured 0.63%: libm is asked for about 1 wedge test in 160.
        assert!(band < 0.01, "band {band}");
    }

    #[test]
    fn the_lines_hold_for_every_truncated_wedge_input() {
        let (n, band) = check_every_wedge_input(&TRUNC, &TRUNC_LINES, &TRUNC_Y, 0);
        assert!(n > 20_000_000, "{n} inputs");
        // Measured 0.24%.
        assert!(band < 0.005, "band {band}");
    }

    #[test]
    fn below_answers_as_libm_at_and_around_the_lines() {
        for (layers, lines) in [(&NORM, &NORM_LINES), (&TRUNC, &TRUNC_LINES)] {
            for i in [1usize, 57, 58, 100, 200, 254, 255] {
                let layer = layers[i];
                if layer.k >= 1 << 23 {
                    continue;
                }
                for mag in [layer.k, (layer.k + (1 << 23)) / 2, (1 << 23) - 1] {
                    let x = mag as f32 * layer.w;
                    let e = mathf::expf(half_square_neg(x));
                    let (lo, hi) = bounds(&lines[i], x);
                    for y in [0.0, lo, e, hi, 2.0 * hi]
                        .into_iter()
                        .flat_map(|v: f32| [v.next_down(), v, v.next_up()])
                    {
                        assert_eq!(below(&lines[i], x, y), y < e, "layer {i} x {x} y {y}");
                    }
                }
            }
        }
    }

    #[test]
    fn compile_time_exp_is_accurate() {
        for k in 0..=800 {
            let t = -(k as f64) / 100.0;
            let rel = (exp_f64(t) / libm::exp(t) - 1.0).abs();
            assert!(rel < 1e-13, "t {t}: {rel:e}");
        }
    }
}

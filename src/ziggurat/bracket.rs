//! A cheap bracket around `libm::expf(t)` for the wedge test `y < expf(t)`: most wedge
//! tests are decided by a short polynomial, and `libm::expf` runs only for `y` within a
//! relative 2^-16 of the curve, so the answer — and every output bit — is unchanged.
//!
//! Why it is exact: for every `t` the wedge test can meet (every wedge magnitude of every
//! layer of both ziggurats, about 2.6·10^7 values each), the tests below check
//! `lo <= libm::expf(t) <= hi` exhaustively. Then `y < lo` implies `y < expf(t)`, and
//! `y >= hi` implies the opposite, and anything in between asks `libm` itself.

use core::f32::consts::{LN_2, LOG2_E};

/// Relative half-width of the bracket. The approximation's error is below 2^-19 and
/// `libm::expf`'s below 2^-23, so 2^-16 leaves a factor of 8 to spare; the
/// exhaustive tests are what make it exact, not this estimate.
const MARGIN: f32 = 1.0 / 65_536.0;

/// `1.5 * 2^23`: adding it to a float of magnitude below `2^22` rounds that float to an
/// integer (to nearest, ties to even) held in the low mantissa bits.
const ROUND: f32 = 12_582_912.0;

/// `exp(t)` for `-7 <= t <= 0` to about 2^-19 relative: `t = k ln 2 + r` with `k` the
/// nearest integer to `t / ln 2` and `|r| <= ln 2 / 2`, `e^r` by its Taylor polynomial of
/// degree 6 (remainder below 2^-22) in Estrin's form (a short dependency chain: this sits
/// on the critical path of every wedge test), scaled by `2^k` built from its bits. Float
/// operations only: no saturating float-to-int conversion.
#[inline(always)]
fn exp_approx(t: f32) -> f32 {
    let z = t * LOG2_E + ROUND;
    let k = z.to_bits().wrapping_sub(ROUND.to_bits()); // k as i32, in -11..=0
    let r = t - (z - ROUND) * LN_2;
    let r2 = r * r;
    let p01 = 1.0 + r;
    let p23 = 0.5 + r * (1.0 / 6.0);
    let p45 = 1.0 / 24.0 + r * (1.0 / 120.0);
    let p = p01 + r2 * (p23 + r2 * (p45 + r2 * (1.0 / 720.0)));
    // 2^k: exponent field 127 + k, which stays in 116..=127 (normal).
    p * f32::from_bits(k.wrapping_add(127) << 23)
}

/// `(lo, hi)` with `lo <= libm::expf(t) <= hi` for every `t` the wedge tests meet.
#[inline(always)]
pub(super) fn expf_bounds(t: f32) -> (f32, f32) {
    let e = exp_approx(t);
    (e * (1.0 - MARGIN), e * (1.0 + MARGIN))
}

/// `y < libm::expf(t)`, asking `libm` only when `y` lies inside the bracket. No early
/// return on the first comparison (a coin flip in the wedge): it compiles to a select,
/// and the one branch left (`libm` or not) is almost never taken.
#[inline(always)]
pub(super) fn below_expf(y: f32, t: f32) -> bool {
    let (lo, hi) = expf_bounds(t);
    let mut below = y < lo;
    if !(below | (y >= hi)) {
        below = y < libm::expf(t);
    }
    below
}

#[cfg(test)]
mod tests {
    use super::super::{half_square_neg, Layer, NORM, TRUNC};
    use super::*;

    /// Checks the bracket for every wedge input of `layers[first..]` and returns
    /// `(inputs, widest relative error of the approximation)`.
    fn check_every_wedge_input(layers: &[Layer; 256], first: usize) -> (u64, f64) {
        let mut n = 0u64;
        let mut worst = 0f64;
        for (i, layer) in layers.iter().enumerate().skip(first) {
            for mag in layer.k..1 << 23 {
                let t = half_square_neg(mag as f32 * layer.w);
                let e = libm::expf(t);
                let (lo, hi) = expf_bounds(t);
                assert!(
                    lo <= e && e <= hi,
                    "layer {i} mag {mag}: t {t} expf {e} bracket [{lo}, {hi}]"
                );
                worst = worst.max((f64::from(exp_approx(t)) / libm::exp(f64::from(t)) - 1.0).abs());
                n += 1;
            }
        }
        (n, worst)
    }

    #[test]
    fn the_bracket_holds_for_every_normal_wedge_input() {
        // Layer 0's failures go to the tail, not to a wedge test.
        let (n, worst) = check_every_wedge_input(&NORM, 1);
        assert!(n > 20_000_000, "{n} inputs");
        assert!(worst < 2f64.powi(-19), "approximation error {worst:e}");
    }

    #[test]
    fn the_bracket_holds_for_every_truncated_wedge_input() {
        let (n, worst) = check_every_wedge_input(&TRUNC, 0);
        assert!(n > 20_000_000, "{n} inputs");
        assert!(worst < 2f64.powi(-19), "approximation error {worst:e}");
    }

    #[test]
    fn below_expf_answers_as_libm_at_and_around_the_bracket() {
        for t in [-6.9f32, -3.3, -1.0, -0.25, -1e-3, 0.0] {
            let (lo, hi) = expf_bounds(t);
            let e = libm::expf(t);
            for y in [0.0, lo, e, hi, 2.0 * hi]
                .into_iter()
                .flat_map(|v: f32| [v.next_down(), v, v.next_up()])
            {
                assert_eq!(below_expf(y, t), y < e, "t {t} y {y}");
            }
        }
    }

    #[test]
    fn the_bracket_is_narrow() {
        // Narrow enough that libm is rarely asked: the band is 2^-15 of the value wide
        // (give or take the rounding of `e * (1 ± MARGIN)`, a few 2^-24).
        for t in [-6.9f32, -3.3, -1.0, -0.25, -1e-3, 0.0] {
            let (lo, hi) = expf_bounds(t);
            let e = libm::expf(t);
            assert!(
                lo < e && e < hi && (hi - lo) / e < 2.0 * MARGIN + 4.0 / 16_777_216.0,
                "t {t}"
            );
        }
    }
}

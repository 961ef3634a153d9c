//! The scalar samplers: one accepted value from a stream of `u32` words, and (stream
//! version 2) one element from its lane's draw and its own fix-up generator. These
//! functions *are* the stream contract; the SIMD kernels in `simd.rs` are tested to give
//! the same bits.
//!
//! Bit layout of a draw `r` (numpy's float32 layout, not numpy's tables: layers count from
//! the base, see `docs/STREAM.md`): layer `i = r & 0xff`, sign = bit 8, magnitude
//! `mag = r >> 9` (23 bits); `x = mag * W[i]`.

#[rustfmt::skip]
mod tables;
#[cfg(all(
    target_arch = "x86_64",
    any(target_feature = "avx2", not(glorot_no_dispatch))
))]
mod fix8;
#[cfg(test)]
mod kat;
pub(crate) mod mathf;
pub(crate) mod simd;
mod wedge;
#[cfg(any(target_feature = "sse2", target_feature = "avx"))]
pub(crate) mod x86;

pub(crate) use tables::{NORM, TRUNC};
use tables::{
    NORM_F, NORM_F_FIX, NORM_INV_R, NORM_R, TRUNC_FULL, TRUNC_HALF_V, TRUNC_Y, TRUNC_Y_FIX,
};

/// One of the three samplers of the stream contract. Defined here, below both the fill
/// module (which picks a kernel by it) and the run-time AVX2 kernels (which take it), so
/// that imports run one way: `fill` → kernels → `chunk`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Sampler {
    Normal,
    TruncatedNormal,
    Uniform,
}

/// One layer of a ziggurat: `x = mag * w`, and `mag < k` means "inside the next layer's
/// width, accept at once". Interleaved so that one cache line serves both loads.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct Layer {
    pub(crate) w: f32,
    pub(crate) k: u32,
}

use crate::lanes::{Element, U32Source};

/// `2^-24`: a 24-bit integer times this is a uniform float in `[0, 1)`, exactly.
const INV_2_24: f32 = 1.0 / 16_777_216.0;
/// `2^-23`.
const INV_2_23: f32 = 1.0 / 8_388_608.0;

/// A uniform `f32` in `[0, 1)` from the top 24 bits of one draw.
#[inline(always)]
fn unit_f32<S: U32Source>(src: &mut S) -> f32 {
    unit_bits(src.next_u32())
}

/// The uniform `f32` in `[0, 1)` of one word: its top 24 bits times `2^-24`.
#[inline(always)]
fn unit_bits(w: u32) -> f32 {
    (w >> 8) as f32 * INV_2_24
}

/// `-0.5 * x * x`, the exponent of the unnormalised density (plain mul, no FMA).
#[inline(always)]
fn half_square_neg(x: f32) -> f32 {
    -0.5 * x * x
}

/// Applies the sign bit (bit 8 of the draw) to a non-negative `x`.
#[inline(always)]
pub(crate) fn with_sign(x: f32, r: u32) -> f32 {
    f32::from_bits(x.to_bits() ^ ((r << 23) & 0x8000_0000))
}

/// The fast path of both ziggurats: `(signed x, accepted?)`.
#[inline(always)]
pub(crate) fn fast(r: u32, layers: &[Layer; 256]) -> (f32, bool) {
    let layer = layers[(r & 0xff) as usize];
    let mag = r >> 9;
    let x = mag as f32 * layer.w;
    (with_sign(x, r), mag < layer.k)
}

/// `expf(-x²/2)` at the edge `x = w * 2^23` (exact) of layer `i`, `x = 0` past the last
/// layer: within a few ulps of the strip heights `NORM_F` and `TRUNC_Y`.
#[inline(never)]
fn edge_density(layers: &[Layer; 256], i: usize) -> f32 {
    let x = match layers.get(i) {
        Some(layer) => layer.w * 8_388_608.0,
        None => 0.0,
    };
    mathf::expf(half_square_neg(x))
}

/// `v` moved by the signed 4-bit number of ulps at nibble `i` of `fix`.
#[inline(always)]
fn fixed(v: f32, fix: &[u8], i: usize) -> f32 {
    let d = ((fix[i / 2] >> (4 * (i % 2))) << 4) as i8 >> 4;
    f32::from_bits(v.to_bits().wrapping_add(d as u32))
}

/// `NORM_F[i]` (`i` in `1..=256`). Where the fill is scalar (no SIMD unit, where flash is
/// small too), recomputed from the layer's edge and a nibble of correction: the same bits
/// for every `i` (tested), in an eighth of the table's flash, for two `expf` per slow path.
#[inline(always)]
fn norm_f(i: usize) -> f32 {
    if crate::chunk::SIMD {
        NORM_F[i]
    } else {
        norm_f_compact(i)
    }
}

fn norm_f_compact(i: usize) -> f32 {
    fixed(edge_density(&NORM, i), &NORM_F_FIX, i)
}

/// `TRUNC_Y[i]` (`i` in `0..=256`), as [`norm_f`]: full-width strips stack `V/2` each.
#[inline(always)]
fn trunc_y(i: usize) -> f32 {
    if crate::chunk::SIMD {
        TRUNC_Y[i]
    } else {
        trunc_y_compact(i)
    }
}

fn trunc_y_compact(i: usize) -> f32 {
    let v = if i < TRUNC_FULL {
        i as f32 * TRUNC_HALF_V
    } else {
        edge_density(&TRUNC, i)
    };
    fixed(v, &TRUNC_Y_FIX, i)
}

/// The normal's slow path for a draw `r` that failed the fast test: the wedge test, or the
/// tail for layer 0. `None` means "rejected: draw afresh". Draws further words from `src`.
#[cold]
#[inline(never)]
pub(crate) fn normal_slow<S: U32Source>(src: &mut S, r: u32) -> Option<f32> {
    let i = (r & 0xff) as usize;
    if i == 0 {
        // Marsaglia (1964) tail beyond R: x = R + e1/R with e1, e2 ~ Exp(1), accepted if
        // 2 e2 > (e1/R)^2. `1 - u` is in (0, 1], so the logarithms are finite.
        loop {
            let xx = -mathf::log1pf(-unit_f32(src)) * NORM_INV_R;
            let yy = -mathf::log1pf(-unit_f32(src));
            if yy + yy > xx * xx {
                return Some(with_sign(NORM_R + xx, r));
            }
        }
    }
    let x = (r >> 9) as f32 * NORM[i].w;
    let (f0, f1) = (norm_f(i), norm_f(i + 1));
    let y = f0 + unit_f32(src) * (f1 - f0);
    if y < mathf::expf(half_square_neg(x)) {
        Some(with_sign(x, r))
    } else {
        None
    }
}

/// The truncated ziggurat's slow path (wedge test only: it has no tail).
#[cold]
#[inline(never)]
pub(crate) fn truncated_slow<S: U32Source>(src: &mut S, r: u32) -> Option<f32> {
    let i = (r & 0xff) as usize;
    let x = (r >> 9) as f32 * TRUNC[i].w;
    let (y0, y1) = (trunc_y(i), trunc_y(i + 1));
    let y = y0 + unit_f32(src) * (y1 - y0);
    if y < mathf::expf(half_square_neg(x)) {
        Some(with_sign(x, r))
    } else {
        None
    }
}

/// One standard-normal value.
#[inline]
pub(crate) fn normal<S: U32Source>(src: &mut S) -> f32 {
    loop {
        let r = src.next_u32();
        let (x, ok) = fast(r, &NORM);
        if ok {
            return x;
        }
        if let Some(x) = normal_slow(src, r) {
            return x;
        }
    }
}

/// One standard-normal value conditioned on `|x| <= 2` (in fact `|x| <= 2 - 2^-22`).
#[inline]
pub(crate) fn truncated_normal<S: U32Source>(src: &mut S) -> f32 {
    loop {
        let r = src.next_u32();
        let (x, ok) = fast(r, &TRUNC);
        if ok {
            return x;
        }
        if let Some(x) = truncated_slow(src, r) {
            return x;
        }
    }
}

/// Stream version 2: the value of an element whose lane draw `r` failed the fast test of
/// `layers`, from its fix-up generator `g`. This is the standard Ziggurat (the loop of
/// [`normal`]) run on the source "`r`, then `g`'s words": `slow` (the wedge test, or the
/// tail for the normal's layer 0) for the same `x`, and whole new samples from `g` while it
/// rejects. One copy for both ziggurats (flash is scarce where the scalar fill runs).
#[cold]
#[inline(never)]
pub(crate) fn rest(
    mut r: u32,
    mut g: Element,
    layers: &'static [Layer; 256],
    slow: fn(&mut Element, u32) -> Option<f32>,
) -> f32 {
    loop {
        if let Some(x) = slow(&mut g, r) {
            return x;
        }
        r = g.next_u32();
        let (x, ok) = fast(r, layers);
        if ok {
            return x;
        }
    }
}

/// Stream version 2, the contract for one element: the value of element `e` whose lane
/// draw is `r`, for the key whose fix-up base is `fix` — `x` if the draw passes the fast
/// test of `layers`, else [`rest`] from the element's fix-up generator.
#[inline(always)]
fn element(
    r: u32,
    fix: u64,
    e: u64,
    layers: &'static [Layer; 256],
    slow: fn(&mut Element, u32) -> Option<f32>,
) -> f32 {
    let (x, ok) = fast(r, layers);
    if ok {
        x
    } else {
        rest(r, Element::new(fix, e), layers, slow)
    }
}

/// [`element`] for the normal.
#[inline(always)]
pub(crate) fn normal_element(r: u32, fix: u64, e: u64) -> f32 {
    element(r, fix, e, &NORM, normal_slow::<Element>)
}

/// [`element`] for the truncated normal.
#[inline(always)]
pub(crate) fn truncated_element(r: u32, fix: u64, e: u64) -> f32 {
    element(r, fix, e, &TRUNC, truncated_slow::<Element>)
}

/// One uniform value on `[-1, 1)`: the draw as `i32`, arithmetic shift by 8, times 2^-23
/// (every step exact).
#[inline(always)]
pub(crate) fn uniform_from_bits(r: u32) -> f32 {
    ((r as i32) >> 8) as f32 * INV_2_23
}

/// One uniform value on `[-1, 1)`.
#[inline]
pub(crate) fn uniform<S: U32Source>(src: &mut S) -> f32 {
    uniform_from_bits(src.next_u32())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::{NORMAL_MAX_ABS, TRUNCATED_MAX_ABS};

    /// The largest 23-bit magnitude.
    const MAG_MAX: f32 = 8_388_607.0;

    #[test]
    fn normal_max_abs_is_the_tail_end_and_every_layer_stays_below_it() {
        // The tail's largest value, computed exactly as `normal_slow` computes it.
        let u_max = ((1u32 << 24) - 1) as f32 * INV_2_24;
        let xx = -mathf::log1pf(-u_max) * NORM_INV_R;
        assert_eq!((NORM_R + xx).to_bits(), NORMAL_MAX_ABS.to_bits());
        // The tail is increasing in u, and log1pf is monotone: u_max gives the maximum.
        let u_prev = ((1u32 << 24) - 2) as f32 * INV_2_24;
        assert!(NORM_R + -mathf::log1pf(-u_prev) * NORM_INV_R <= NORMAL_MAX_ABS);
        // Layer 0's fast path accepts only mag < k[0], i.e. x < R; layers >= 1 have x < X[i] <= R.
        assert!((NORM[0].k - 1) as f32 * NORM[0].w < NORM_R);
        for layer in &NORM[1..] {
            assert!(MAG_MAX * layer.w <= NORM_R);
        }
    }

    /// The compact strip heights of the scalar fill are the tables' values, bit for bit,
    /// at every index the slow paths read.
    #[test]
    fn edge_density_with_fixes_gives_the_strip_heights() {
        for (i, f) in NORM_F.iter().enumerate().skip(1) {
            assert_eq!(norm_f_compact(i).to_bits(), f.to_bits(), "NORM_F[{i}]");
        }
        for (i, y) in TRUNC_Y.iter().enumerate() {
            assert_eq!(trunc_y_compact(i).to_bits(), y.to_bits(), "TRUNC_Y[{i}]");
        }
        assert!(TRUNC[..TRUNC_FULL].iter().all(|l| l.w == TRUNC[0].w));
        assert!(TRUNC[TRUNC_FULL].w < TRUNC[0].w);
    }

    #[test]
    fn truncated_max_abs_bounds_every_layer() {
        let widest = TRUNC.iter().map(|l| MAG_MAX * l.w).fold(0.0f32, f32::max);
        assert_eq!(widest.to_bits(), TRUNCATED_MAX_ABS.to_bits());
    }
}

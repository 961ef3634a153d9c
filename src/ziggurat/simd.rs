//! The `f32x8` kernels: one draw per lane, the fast path for all eight lanes at once, and
//! the rare lanes that fail it finished by the *scalar* slow path on that lane's own
//! generator — so lane `l` consumes exactly the words the scalar sampler would.
//!
//! Each kernel writes eight values to `out` and returns nothing; the generator state is
//! passed by value into the cold fix-up so that it stays in registers in the hot loop.

use wide::{f32x8, i32x8, u32x8};

use super::{fast, normal_slow, unit_f32, wedge, with_sign, Layer, NORM, NORM_F, TRUNC, TRUNC_Y};
use crate::lanes::{Lane, Lanes8, U32Source};

/// The sign mask: bit 8 of each draw moved to bit 31.
#[inline(always)]
fn sign_bits(r: u32x8) -> f32x8 {
    wide::bytemuck::cast((r << 23) & u32x8::splat(0x8000_0000))
}

/// The layers selected by the low byte of each draw: `(w, k)` per lane. On x86 with
/// SSE2 or AVX this is `x86::lookup` (8-byte pair loads and two shuffles); elsewhere the
/// portable form below, which the tests also compare against it.
#[inline(always)]
fn lookup(r: u32x8, layers: &[Layer; 256]) -> (f32x8, i32x8) {
    #[cfg(any(target_feature = "sse2", target_feature = "avx"))]
    {
        // Indices leave by `vmovd`/`vpextrd`: a store and eight byte loads instead (forced
        // with `black_box`) was measured 5% slower — it lengthens the chain that the
        // fast-path branch waits on.
        let idx = (r & u32x8::splat(0xff)).to_array();
        super::x86::lookup(idx, layers)
    }
    #[cfg(not(any(target_feature = "sse2", target_feature = "avx")))]
    {
        lookup_portable(r, layers)
    }
}

/// The portable lookup: one `Layer` per lane, its `w` and `k` inserted lane by lane.
#[inline(always)]
#[cfg_attr(any(target_feature = "sse2", target_feature = "avx"), allow(dead_code))]
fn lookup_portable(r: u32x8, layers: &[Layer; 256]) -> (f32x8, i32x8) {
    let bytes: [u8; 32] = wide::bytemuck::cast(r);
    let sel: [Layer; 8] = core::array::from_fn(|l| layers[bytes[4 * l] as usize]);
    (
        f32x8::new(core::array::from_fn(|l| sel[l].w)),
        i32x8::new(core::array::from_fn(|l| sel[l].k as i32)),
    )
}

/// The shared fast path: writes the signed `x` of every lane and returns the accepted mask.
#[inline(always)]
fn fast_simd(r: u32x8, layers: &[Layer; 256], out: &mut [f32; 8]) -> u32 {
    let (w, k) = lookup(r, layers);
    let mag: i32x8 = wide::bytemuck::cast(r >> 9);
    let x = (f32x8::from_i32x8(mag) * w) ^ sign_bits(r);
    *out = x.to_array();
    mag.simd_lt(k).to_bitmask()
}

/// Finishes one lane whose draw `r` failed the fast test, with exactly the words and the
/// result of the scalar sampler's loop from its slow path on — but without its two
/// unpredictable branches: the wedge test is decided by two lines around the curve
/// (`libm::expf` only between them, see `wedge.rs`), and the lane's next draw is taken
/// speculatively and kept only if the wedge test rejects (state and value chosen by
/// selects, not branches).
///
/// The state stays in registers: only the rare tail hands a copy to the out-of-line
/// `normal_slow` (an address taken for the whole loop kept it in memory, and the
/// speculative copy then stalled on store forwarding, measured on Zen 3).
#[inline(always)]
fn finish_lane<const NORMAL: bool>(lane: &mut Lane, mut r: u32) -> f32 {
    let (layers, ys, lines) = if NORMAL {
        (&NORM, &NORM_F, &wedge::NORM_LINES)
    } else {
        (&TRUNC, &TRUNC_Y, &wedge::TRUNC_LINES)
    };
    let mut cur = *lane;
    let v = loop {
        let i = (r & 0xff) as usize;
        if NORMAL && i == 0 {
            // The tail (about 1 draw in 4000): the scalar slow path as it stands.
            let mut tail = cur;
            let got = normal_slow(&mut tail, r);
            cur = tail;
            if let Some(v) = got {
                break v;
            }
            r = cur.next_u32();
            let (x, ok) = fast(r, layers);
            if ok {
                break x;
            }
            continue;
        }
        let x = (r >> 9) as f32 * layers[i].w;
        let y = ys[i] + unit_f32(&mut cur) * (ys[i + 1] - ys[i]);
        let accept = wedge::below(&lines[i], x, y);
        let mut next = cur;
        let r2 = next.next_u32();
        let (x2, ok2) = fast(r2, layers);
        cur = core::hint::select_unpredictable(accept, cur, next);
        let v = core::hint::select_unpredictable(accept, with_sign(x, r), x2);
        // Done unless the wedge test rejected and the next draw failed its fast test too
        // (rare: the fast test fails 1.5% of draws). Opaque to the optimiser, which would
        // otherwise split the `|` into a first branch on the coin flip `accept`.
        if core::hint::black_box(accept | ok2) {
            break v;
        }
        r = r2;
    };
    *lane = cur;
    v
}

/// Finishes the lanes whose bit is clear in `ok` (lane order does not matter: each lane
/// draws from its own generator only). Out of line: see [`finish_inline`].
#[cold]
#[inline(never)]
pub(crate) fn finish<const NORMAL: bool>(
    lanes: Lanes8,
    ok: u32,
    r: u32x8,
    out: &mut [f32; 8],
) -> Lanes8 {
    finish_inline::<NORMAL>(lanes, ok, r, out)
}

/// [`finish`], inline: the truncated kernel calls it so (measured 7% faster with AVX2);
/// the normal's, with its tail, would then grow too large to be inlined into the fill
/// loop, and the run-time AVX2 kernels keep the call too (inlining SSE2 code into them
/// was measured 3x slower).
#[inline(always)]
fn finish_inline<const NORMAL: bool>(
    mut lanes: Lanes8,
    ok: u32,
    r: u32x8,
    out: &mut [f32; 8],
) -> Lanes8 {
    let ra = r.to_array();
    let mut todo = !ok & 0xff;
    while todo != 0 {
        let l = todo.trailing_zeros() as usize;
        todo &= todo - 1;
        let mut lane = lanes.lane(l);
        out[l] = finish_lane::<NORMAL>(&mut lane, ra[l]);
        lanes.set_lane(l, lane);
    }
    lanes
}

/// Eight standard-normal values, value `l` from lane `l`.
#[inline(always)]
pub(crate) fn normal(mut lanes: Lanes8, out: &mut [f32; 8]) -> Lanes8 {
    let r = lanes.next();
    let ok = fast_simd(r, &NORM, out);
    if ok != 0xff {
        lanes = finish::<true>(lanes, ok, r, out);
    }
    lanes
}

/// Eight truncated-normal values.
#[inline(always)]
pub(crate) fn truncated_normal(mut lanes: Lanes8, out: &mut [f32; 8]) -> Lanes8 {
    let r = lanes.next();
    let ok = fast_simd(r, &TRUNC, out);
    if ok != 0xff {
        lanes = finish_inline::<false>(lanes, ok, r, out);
    }
    lanes
}

/// Eight uniform values on `[-1, 1)`, as [`super::uniform_from_bits`] lane by lane.
#[inline(always)]
pub(crate) fn uniform(mut lanes: Lanes8, out: &mut [f32; 8]) -> Lanes8 {
    let i: i32x8 = wide::bytemuck::cast(lanes.next());
    *out = (f32x8::from_i32x8(i >> 8) * f32x8::splat(super::INV_2_23)).to_array();
    lanes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_reads_the_layer_of_every_index_in_every_lane() {
        for layers in [&NORM, &TRUNC] {
            for i in 0..256u32 {
                // high bits set too: only the low byte may select the layer
                let r = u32x8::new(core::array::from_fn(|l| {
                    ((i + 37 * l as u32) & 0xff) | (0xABCD_E000 ^ ((l as u32) << 12))
                }));
                let (w, k) = lookup(r, layers);
                let (pw, pk) = lookup_portable(r, layers);
                assert_eq!(
                    w.to_array().map(f32::to_bits),
                    pw.to_array().map(f32::to_bits)
                );
                assert_eq!(k.to_array(), pk.to_array());
                for (l, &ri) in r.to_array().iter().enumerate() {
                    let want = layers[(ri & 0xff) as usize];
                    assert_eq!(w.to_array()[l].to_bits(), want.w.to_bits());
                    assert_eq!(k.to_array()[l], want.k as i32);
                }
            }
        }
    }
}

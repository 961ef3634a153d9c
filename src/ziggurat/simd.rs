//! The vector kernels of stream version 2, on `wide`'s `f32x8`: the fast pass over rows
//! (one draw per lane, the fast test for all eight at once, no data-dependent branch), and
//! the fix-up of one element whose draw failed it — scalar, shared with the run-time AVX2
//! kernels, and tested against the contract's [`super::normal_element`].

use wide::{f32x8, i32x8, u32x8};

use super::{fast, unit_bits, wedge, with_sign, Layer, NORM, NORM_F, TRUNC, TRUNC_Y};
use crate::chunk::{Affine, Post, LANES};
use crate::key::{element_state, splitmix_output};
use crate::lanes::Lanes8;

/// The lanes of chunk `chunk` of the key whose base is `base`, lane `l` from
/// `key::lane_state(base, chunk, l)`: on AVX2 builds four SplitMix64 outputs at a time
/// (`lanes::avx2::seed`), elsewhere one by one.
#[inline]
pub(crate) fn seeded(base: u64, chunk: u64) -> Lanes8 {
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
    {
        super::x86::seeded(base, chunk)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "avx2")))]
    {
        Lanes8::from_states(&core::array::from_fn(|l| {
            crate::key::lane_state(base, chunk, l as u32)
        }))
    }
}

/// The sign mask: bit 8 of each draw moved to bit 31.
#[inline(always)]
fn sign_bits(r: u32x8) -> u32x8 {
    (r << 23) & u32x8::splat(0x8000_0000)
}

/// The layers selected by the low byte of each draw: `(w, k)` per lane. On x86 with
/// SSE2 or AVX this is `x86::lookup` (8-byte pair loads and two shuffles); elsewhere the
/// portable form below, which the tests also compare against it.
#[inline(always)]
fn lookup(r: u32x8, layers: &[Layer; 256]) -> (f32x8, i32x8) {
    #[cfg(any(target_feature = "sse2", target_feature = "avx"))]
    {
        super::x86::lookup(r, layers)
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

/// The fast pass of both ziggurats over `rows` (see `chunk::fill_rows`): each row gets
/// the signed `x` of every lane that passes the fast test (`post`'s affine part applied)
/// and the draw's bits in every lane that fails it, whose bit is set in the row's byte of
/// `fails`.
///
/// Out of line (one call per chunk): inlined into the fill, its loop was measured to lose
/// a lane register to a stack slot in some builds (x86-64-v3: 0.69 → 0.95 ns per value).
#[inline(never)]
pub(crate) fn ziggurat_rows(
    lanes: &mut Lanes8,
    layers: &[Layer; 256],
    rows: &mut [[f32; LANES]],
    fails: &mut [u8],
    post: impl Post,
) {
    let Affine { s, m } = post.affine();
    let (s, m) = (f32x8::splat(s), f32x8::splat(m));
    let mut g = *lanes;
    for (row, f) in rows.iter_mut().zip(fails) {
        let r = g.next();
        let (w, k) = lookup(r, layers);
        let mag: i32x8 = wide::bytemuck::cast(r >> 9);
        let x: u32x8 = wide::bytemuck::cast(f32x8::from_i32x8(mag) * w);
        let ok: u32x8 = wide::bytemuck::cast(mag.simd_lt(k));
        let x: f32x8 = wide::bytemuck::cast(x ^ sign_bits(r));
        let x: u32x8 = wide::bytemuck::cast(x * s + m);
        // Passing lanes: x with the draw's sign; failing lanes: the draw itself.
        let v = (x & ok) | (r & !ok);
        *row = wide::bytemuck::cast(v);
        *f = !ok.to_bitmask() as u8;
    }
    *lanes = g;
}

/// The uniform's rows: every draw is a value, `((r as i32) >> 8) * 2^-23` (`post`'s
/// affine part applied). Out of line, as [`ziggurat_rows`].
#[inline(never)]
pub(crate) fn uniform_rows(lanes: &mut Lanes8, rows: &mut [[f32; LANES]], post: impl Post) {
    let Affine { s, m } = post.affine();
    let (s, m) = (f32x8::splat(s), f32x8::splat(m));
    let mut g = *lanes;
    for row in rows.iter_mut() {
        let i: i32x8 = wide::bytemuck::cast(g.next());
        let u = f32x8::from_i32x8(i >> 8) * f32x8::splat(super::INV_2_23);
        *row = (u * s + m).to_array();
    }
    *lanes = g;
}

/// The kernels' `fix` (see `chunk::fill_rows`): on AVX2 builds eight elements at a time
/// (`fix8.rs`, the last few one at a time), elsewhere [`fix`] one element at a time.
#[inline(always)]
pub(crate) fn fix_list<const NORMAL: bool>(
    vals: &mut [f32],
    pos: &mut [u16],
    fixb: u64,
    at: u64,
    aff: Affine,
) -> usize {
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
    {
        super::x86::fix_list::<NORMAL>(vals, pos, fixb, at, aff)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "avx2")))]
    {
        crate::chunk::fix_each(vals, pos, fixb, at, fix::<NORMAL>, aff)
    }
}

/// The value of element `e` whose draw `r` failed the fast test, in the common case:
/// exactly [`super::normal_element`] (`NORMAL`) or [`super::truncated_element`] where it
/// returns `Some`, and `None` for the rare rest — the normal's tail (layer 0), a wedge test
/// that the two lines around the curve cannot decide (see `wedge.rs`), and a wedge
/// rejection whose new draw fails its fast test too — which the caller finishes with the
/// contract's own function. No branch but the one on that rare case, no call: the
/// element's generator gives its first 64-bit output at once, the low half for the wedge
/// test's uniform and the high half for the draw of a new sample should the wedge reject,
/// computed either way and chosen by a select.
#[inline(always)]
pub(crate) fn fix<const NORMAL: bool>(r: u32, fix: u64, e: u64) -> Option<f32> {
    let (layers, ys, lines) = if NORMAL {
        (&NORM, &NORM_F, &wedge::NORM_LINES)
    } else {
        (&TRUNC, &TRUNC_Y, &wedge::TRUNC_LINES)
    };
    let o = splitmix_output(element_state(fix, e), 1);
    let i = (r & 0xff) as usize;
    let x = (r >> 9) as f32 * layers[i].w;
    let y = ys[i] + unit_bits(o as u32) * (ys[i + 1] - ys[i]);
    let (accept, undecided) = wedge::sides(&lines[i], x, y);
    let r2 = (o >> 32) as u32;
    let (x2, ok2) = fast(r2, layers);
    let rare = (NORMAL & (i == 0)) | undecided | !(accept | ok2);
    // Opaque to the optimiser, which would otherwise split the test into branches on the
    // coin flip `accept`.
    if core::hint::black_box(rare) {
        None
    } else {
        Some(core::hint::select_unpredictable(
            accept,
            with_sign(x, r),
            x2,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::mix64;

    /// The kernels' fix-up equals the contract's element function bit for bit wherever it
    /// gives a value, on 2·10^6 failing draws of each ziggurat (every layer that can fail,
    /// both signs), and leaves only the rare cases to the contract; the rare paths are
    /// counted so that the test shows it reached them: the normal's tail, and a new draw
    /// that fails too.
    #[test]
    fn fix_equals_the_contract() {
        for normal in [true, false] {
            let layers = if normal { &NORM } else { &TRUNC };
            let (mut tails, mut second_failures, mut rare, mut n) = (0, 0, 0, 0);
            let mut i = 0u64;
            while n < 2_000_000 {
                i += 1;
                let r = mix64(i) as u32;
                if fast(r, layers).1 {
                    continue;
                }
                n += 1;
                let (fixb, e) = (mix64(i ^ 0x55), mix64(!i));
                let (want, got) = if normal {
                    (
                        super::super::normal_element(r, fixb, e),
                        fix::<true>(r, fixb, e),
                    )
                } else {
                    (
                        super::super::truncated_element(r, fixb, e),
                        fix::<false>(r, fixb, e),
                    )
                };
                match got {
                    Some(v) => assert_eq!(v.to_bits(), want.to_bits(), "r {r:#x} e {e}"),
                    None => rare += 1,
                }
                tails += u32::from(normal && r & 0xff == 0);
                let r2 = (splitmix_output(element_state(fixb, e), 1) >> 32) as u32;
                second_failures += u32::from(!fast(r2, layers).1);
            }
            assert!(tails > 100 || !normal, "tail reached {tails} times");
            assert!(second_failures > 1000, "second failures: {second_failures}");
            // The rare case stays rare (the inputs are fixed, so these counts are too):
            // 3.0% of the normal's fix-ups (1.7% the tail, the rest second failures after a
            // wedge rejection and tests the lines leave to libm), 1.3% of the truncated's.
            let bound = if normal { n / 25 } else { n / 50 };
            assert!(rare < bound, "{rare} of {n} fix-ups left to the contract");
        }
    }

    #[test]
    fn seeded_lanes_are_the_lane_states() {
        for (base, chunk) in crate::lanes::tests::seeding_cases() {
            let states: [[u32; 4]; 8] =
                core::array::from_fn(|l| crate::key::lane_state(base, chunk, l as u32));
            let got = seeded(base, chunk).s.map(|v| v.to_array());
            for (l, st) in states.iter().enumerate() {
                for w in 0..4 {
                    assert_eq!(got[w][l], st[w], "base {base:#x} chunk {chunk} lane {l}");
                }
            }
        }
    }

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

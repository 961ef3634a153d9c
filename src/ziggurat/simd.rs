//! The `f32x8` kernels: one draw per lane, the fast path for all eight lanes at once, and
//! the rare lanes that fail it finished by the *scalar* slow path on that lane's own
//! generator — so lane `l` consumes exactly the words the scalar sampler would.
//!
//! Each kernel writes eight values to `out` and returns nothing; the generator state is
//! passed by value into the cold fix-up so that it stays in registers in the hot loop.

use wide::{f32x8, i32x8, u32x8};

use super::{normal_slow, truncated_slow, Layer, NORM, TRUNC};
use crate::lanes::{Lane, Lanes8};

/// The sign mask: bit 8 of each draw moved to bit 31.
#[inline(always)]
fn sign_bits(r: u32x8) -> f32x8 {
    wide::bytemuck::cast((r << 23) & u32x8::splat(0x8000_0000))
}

/// The layers selected by the low byte of each draw: `(w, k)` per lane. The index bytes
/// are read from the draw's bytes in memory (8 byte loads rather than 24 shuffles and
/// extracts). An AVX2 `vpgatherdd` version was measured and gave no speed-up on Zen 3, so
/// the crate keeps `#![forbid(unsafe_code)]`.
#[inline(always)]
fn lookup(r: u32x8, layers: &[Layer; 256]) -> (f32x8, i32x8) {
    let bytes: [u8; 32] = wide::bytemuck::cast(r);
    let sel: [Layer; 8] = core::array::from_fn(|l| layers[bytes[4 * l] as usize]);
    (
        f32x8::new(core::array::from_fn(|l| sel[l].w)),
        i32x8::new(core::array::from_fn(|l| sel[l].k as i32)),
    )
}

/// The shared fast path: writes the signed `x` of every lane and returns the accepted mask.
#[inline(always)]
fn fast(r: u32x8, layers: &[Layer; 256], out: &mut [f32; 8]) -> u32 {
    let (w, k) = lookup(r, layers);
    let mag: i32x8 = wide::bytemuck::cast(r >> 9);
    let x = (f32x8::from_i32x8(mag) * w) ^ sign_bits(r);
    *out = x.to_array();
    mag.simd_lt(k).to_bitmask()
}

/// Finishes the lanes whose bit is clear in `ok`: the slow path for their current draw,
/// then the full scalar sampler until one value is accepted. Generic (not a function
/// pointer) so that each sampler's slow path is inlined into its own copy.
#[cold]
#[inline(never)]
fn finish<Slow, Full>(
    mut lanes: Lanes8,
    ok: u32,
    r: u32x8,
    out: &mut [f32; 8],
    slow: Slow,
    full: Full,
) -> Lanes8
where
    Slow: Fn(&mut Lane, u32) -> Option<f32>,
    Full: Fn(&mut Lane) -> f32,
{
    let ra = r.to_array();
    let mut todo = !ok & 0xff;
    while todo != 0 {
        let l = todo.trailing_zeros() as usize;
        todo &= todo - 1;
        let mut lane = lanes.lane(l);
        out[l] = match slow(&mut lane, ra[l]) {
            Some(v) => v,
            None => full(&mut lane),
        };
        lanes.set_lane(l, lane);
    }
    lanes
}

/// Eight standard-normal values, value `l` from lane `l`.
#[inline(always)]
pub(crate) fn normal(mut lanes: Lanes8, out: &mut [f32; 8]) -> Lanes8 {
    let r = lanes.next();
    let ok = fast(r, &NORM, out);
    if ok != 0xff {
        lanes = finish(
            lanes,
            ok,
            r,
            out,
            normal_slow::<Lane>,
            super::normal::<Lane>,
        );
    }
    lanes
}

/// Eight truncated-normal values.
#[inline(always)]
pub(crate) fn truncated_normal(mut lanes: Lanes8, out: &mut [f32; 8]) -> Lanes8 {
    let r = lanes.next();
    let ok = fast(r, &TRUNC, out);
    if ok != 0xff {
        lanes = finish(
            lanes,
            ok,
            r,
            out,
            truncated_slow::<Lane>,
            super::truncated_normal::<Lane>,
        );
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
                for (l, &ri) in r.to_array().iter().enumerate() {
                    let want = layers[(ri & 0xff) as usize];
                    assert_eq!(w.to_array()[l].to_bits(), want.w.to_bits());
                    assert_eq!(k.to_array()[l], want.k as i32);
                }
            }
        }
    }
}

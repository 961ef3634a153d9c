//! The `f32x8` kernels: one draw per lane, the fast path for all eight lanes at once, and
//! the rare lanes that fail it finished by the *scalar* slow path on that lane's own
//! generator — so lane `l` consumes exactly the words the scalar sampler would.

use wide::{f32x8, i32x8, u32x8};

use super::{normal_slow, truncated_slow, NORM_K, NORM_W, TRUNC_K, TRUNC_W};
use crate::lanes::{Lane, Lanes8};

/// The sign mask: bit 8 of each draw moved to bit 31.
#[inline(always)]
fn sign_bits(r: u32x8) -> f32x8 {
    wide::bytemuck::cast((r << 23) & u32x8::splat(0x8000_0000))
}

/// The shared fast path: `(signed x, accepted mask as bits)` for one draw per lane.
#[inline(always)]
fn fast(r: u32x8, w: &[f32; 256], k: &[u32; 256]) -> (f32x8, u32) {
    let ra = r.to_array();
    let wv = f32x8::new(core::array::from_fn(|l| w[(ra[l] & 0xff) as usize]));
    let kv = i32x8::new(core::array::from_fn(|l| k[(ra[l] & 0xff) as usize] as i32));
    let mag: i32x8 = wide::bytemuck::cast(r >> 9);
    let x = f32x8::from_i32x8(mag) * wv;
    let x = x ^ sign_bits(r);
    (x, mag.simd_lt(kv).to_bitmask())
}

/// Finishes the lanes whose bit is clear in `ok`: the slow path for their current draw,
/// then the full scalar sampler until one value is accepted.
#[cold]
#[inline(never)]
fn finish(
    lanes: &mut Lanes8,
    x: f32x8,
    ok: u32,
    r: u32x8,
    slow: fn(&mut Lane, u32) -> Option<f32>,
    full: fn(&mut Lane) -> f32,
) -> f32x8 {
    let mut xs = x.to_array();
    let ra = r.to_array();
    for (l, (x, &r)) in xs.iter_mut().zip(&ra).enumerate() {
        if ok & (1 << l) == 0 {
            let mut lane = lanes.lane(l);
            *x = match slow(&mut lane, r) {
                Some(v) => v,
                None => full(&mut lane),
            };
            lanes.set_lane(l, lane);
        }
    }
    f32x8::new(xs)
}

/// Eight standard-normal values, value `l` from lane `l`.
#[inline(always)]
pub(crate) fn normal(lanes: &mut Lanes8) -> f32x8 {
    let r = lanes.next();
    let (x, ok) = fast(r, &NORM_W, &NORM_K);
    if ok == 0xff {
        x
    } else {
        finish(lanes, x, ok, r, normal_slow::<Lane>, super::normal::<Lane>)
    }
}

/// Eight truncated-normal values.
#[inline(always)]
pub(crate) fn truncated_normal(lanes: &mut Lanes8) -> f32x8 {
    let r = lanes.next();
    let (x, ok) = fast(r, &TRUNC_W, &TRUNC_K);
    if ok == 0xff {
        x
    } else {
        finish(
            lanes,
            x,
            ok,
            r,
            truncated_slow::<Lane>,
            super::truncated_normal::<Lane>,
        )
    }
}

/// Eight uniform values on `[-1, 1)`, as [`super::uniform_from_bits`] lane by lane.
#[inline(always)]
pub(crate) fn uniform(lanes: &mut Lanes8) -> f32x8 {
    let i: i32x8 = wide::bytemuck::cast(lanes.next());
    f32x8::from_i32x8(i >> 8) * f32x8::splat(super::INV_2_23)
}

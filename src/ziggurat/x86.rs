//! The one module with `unsafe` code: the x86 form of the layer lookup, eight 8-byte
//! `Layer` loads paired into two vectors and split by `shufps` into `w` and `k`.
//! Written with intrinsics because LLVM, given the same loads in plain Rust, moves them
//! through general registers and rebuilds the vectors with sixteen inserts (measured
//! 25–30% slower). Same values as the portable lookup (tested in `simd.rs`).
#![allow(unsafe_code)]

#[cfg(target_arch = "x86")]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

use wide::{f32x8, i32x8};

use super::Layer;

/// A pointer to the layer of `idx` (only its low byte is used, so it is always in bounds).
#[inline(always)]
fn at(layers: &[Layer; 256], idx: u32) -> *const f64 {
    core::ptr::from_ref(&layers[(idx & 0xff) as usize]).cast()
}

/// `(w, k)` of the layers `idx[l] & 0xff`, lane by lane (AVX).
#[cfg(target_feature = "avx")]
#[inline(always)]
pub(super) fn lookup(idx: [u32; 8], layers: &[Layer; 256]) -> (f32x8, i32x8) {
    let p = |l: usize| at(layers, idx[l]);
    // SAFETY: the build enables AVX (the `cfg` above), so every instruction used exists on
    // the CPUs this code may run on. Each pointer is to one element of `layers` (8
    // readable, initialised bytes: `Layer` is `repr(C)` {f32, u32} with no padding), and
    // `movsd`/`movhpd` loads have no alignment requirement; any bits are a valid `f64`.
    unsafe {
        let q01 = _mm_loadh_pd(_mm_load_sd(p(0)), p(1));
        let q23 = _mm_loadh_pd(_mm_load_sd(p(2)), p(3));
        let q45 = _mm_loadh_pd(_mm_load_sd(p(4)), p(5));
        let q67 = _mm_loadh_pd(_mm_load_sd(p(6)), p(7));
        // a = [w0 k0 w1 k1 | w4 k4 w5 k5], b = [w2 k2 w3 k3 | w6 k6 w7 k7]
        let a = _mm256_castpd_ps(_mm256_insertf128_pd::<1>(_mm256_castpd128_pd256(q01), q45));
        let b = _mm256_castpd_ps(_mm256_insertf128_pd::<1>(_mm256_castpd128_pd256(q23), q67));
        let w = _mm256_shuffle_ps::<0b10_00_10_00>(a, b);
        let k = _mm256_shuffle_ps::<0b11_01_11_01>(a, b);
        (f32x8::from(w), i32x8::from(_mm256_castps_si256(k)))
    }
}

/// `(w, k)` of the layers `idx[l] & 0xff`, lane by lane (SSE2: two halves of four).
#[cfg(all(target_feature = "sse2", not(target_feature = "avx")))]
#[inline(always)]
pub(super) fn lookup(idx: [u32; 8], layers: &[Layer; 256]) -> (f32x8, i32x8) {
    use wide::{f32x4, i32x4};
    let p = |l: usize| at(layers, idx[l]);
    // SAFETY: the build enables SSE2 (the `cfg` above), so every instruction used exists
    // on the CPUs this code may run on. Each pointer is to one element of `layers` (8
    // readable, initialised bytes: `Layer` is `repr(C)` {f32, u32} with no padding), and
    // `movsd`/`movhpd` loads have no alignment requirement; any bits are a valid `f64`.
    unsafe {
        let half = |i: usize| {
            let a = _mm_castpd_ps(_mm_loadh_pd(_mm_load_sd(p(i)), p(i + 1)));
            let b = _mm_castpd_ps(_mm_loadh_pd(_mm_load_sd(p(i + 2)), p(i + 3)));
            (
                f32x4::from(_mm_shuffle_ps::<0b10_00_10_00>(a, b)),
                i32x4::from(_mm_castps_si128(_mm_shuffle_ps::<0b11_01_11_01>(a, b))),
            )
        };
        let (w0, k0) = half(0);
        let (w1, k1) = half(4);
        (
            wide::bytemuck::cast([w0, w1]),
            wide::bytemuck::cast([k0, k1]),
        )
    }
}

//! The seeding of a chunk's eight lanes on AVX2: the 16 SplitMix64 outputs of
//! [`crate::key::lane_state`] four at a time in 64-bit vector lanes, the 64-bit multiplies
//! made of three `vpmuludq` each, and the outputs rearranged into the structure-of-arrays
//! words of `Lanes8`. Same bits as the scalar seeding (tested); about a third of its
//! instructions, which a small fill pays once per chunk.
//!
//! Compiled where AVX2 code can run: `x86-64-v3` builds (the `wide` kernels) and the run-time
//! AVX2 kernels of default x86-64 builds. No `unsafe`: the intrinsics used are arithmetic,
//! safe inside a function compiled for AVX2.

#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

use crate::key::{GAMMA, MIX_M1, MIX_M2};

/// `z * c` in every 64-bit lane (the low 64 bits): `lo·lo + ((hi·lo + lo·hi) << 32)`.
#[inline]
#[target_feature(enable = "avx2")]
pub(crate) fn mul64(z: __m256i, c: u64) -> __m256i {
    let c_lo = _mm256_set1_epi64x(i64::from(c as u32));
    let c_hi = _mm256_set1_epi64x((c >> 32) as i64);
    let ll = _mm256_mul_epu32(z, c_lo);
    let hl = _mm256_mul_epu32(_mm256_srli_epi64::<32>(z), c_lo);
    let lh = _mm256_mul_epu32(z, c_hi);
    _mm256_add_epi64(ll, _mm256_slli_epi64::<32>(_mm256_add_epi64(hl, lh)))
}

/// [`crate::key::mix64`] in every 64-bit lane.
#[inline]
#[target_feature(enable = "avx2")]
pub(crate) fn mix64(z: __m256i) -> __m256i {
    let z = mul64(_mm256_xor_si256(z, _mm256_srli_epi64::<30>(z)), MIX_M1);
    let z = mul64(_mm256_xor_si256(z, _mm256_srli_epi64::<27>(z)), MIX_M2);
    _mm256_xor_si256(z, _mm256_srli_epi64::<31>(z))
}

/// `j * GAMMA` for the four `j` given, as a vector of 64-bit lanes.
#[inline]
#[target_feature(enable = "avx2")]
fn gammas(j: [u64; 4]) -> __m256i {
    let g = |n: u64| n.wrapping_mul(GAMMA) as i64;
    _mm256_setr_epi64x(g(j[0]), g(j[1]), g(j[2]), g(j[3]))
}

/// The lanes of chunk `chunk` of the key whose base is `base`, as `Lanes8` holds them:
/// word `w` of lane `l` in 32-bit lane `l` of the `w`-th vector, equal to
/// `lane_state(base, chunk, l)[w]`.
///
/// `lane_state`'s replacement of an all-zero state is left out because it cannot happen:
/// lane `l`'s two outputs are `mix64` of `t + (2l + 1) GAMMA` and of `t + (2l + 2) GAMMA`
/// (`t = base + 16 chunk GAMMA`), `mix64` is a bijection with `mix64(0) = 0`, and the two
/// inputs differ by `GAMMA != 0`, so at most one of the outputs is zero.
#[inline]
#[target_feature(enable = "avx2")]
pub(crate) fn seed(base: u64, chunk: u64) -> [__m256i; 4] {
    // Output `j` (1..=16) of the chunk is `mix64(t + j GAMMA)`; lane `l` takes `2l + 1`
    // (`a`, words 0 and 1) and `2l + 2` (`b`, words 2 and 3).
    let t =
        _mm256_set1_epi64x(base.wrapping_add(chunk.wrapping_mul(16).wrapping_mul(GAMMA)) as i64);
    let out = |j: [u64; 4]| mix64(_mm256_add_epi64(t, gammas(j)));
    let (a0, a1) = (out([1, 3, 5, 7]), out([9, 11, 13, 15]));
    let (b0, b1) = (out([2, 4, 6, 8]), out([10, 12, 14, 16]));
    let (s0, s1) = split_halves(a0, a1);
    let (s2, s3) = split_halves(b0, b1);
    [s0, s1, s2, s3]
}

/// Eight 64-bit values (four in `v0`, four in `v1`) as their eight low 32-bit halves and
/// their eight high halves, in order.
#[inline]
#[target_feature(enable = "avx2")]
pub(crate) fn split_halves(v0: __m256i, v1: __m256i) -> (__m256i, __m256i) {
    // [lo0 hi0 lo1 hi1 | lo2 hi2 lo3 hi3] → [lo0 lo1 lo2 lo3 | hi0 hi1 hi2 hi3]
    let halves = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    let (p0, p1) = (
        _mm256_permutevar8x32_epi32(v0, halves),
        _mm256_permutevar8x32_epi32(v1, halves),
    );
    (
        _mm256_permute2x128_si256::<0x20>(p0, p1),
        _mm256_permute2x128_si256::<0x31>(p0, p1),
    )
}

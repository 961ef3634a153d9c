//! The fix-ups eight at a time on AVX2: [`simd::fix`](super::simd::fix) for eight listed
//! elements at once — their generators' first outputs by the 64-bit multiplies of
//! `lanes::avx2`, each layer's numbers by one 32-byte load ([`FixRow`]) and a transpose,
//! the new draw's layer by `x86::pair_lookup` — with exactly the scalar fix-up's
//! operations (IEEE `f32` multiplies and adds in the same order, no FMA), so the same bits
//! (tested against it). The scalar fix-up is about 75 instructions an element; this cut
//! the normal fill by about 385 instructions per chunk (its ~15 fix-ups fill two groups,
//! some lanes unused): about 50 an element.
//!
//! No `unsafe`: the intrinsics used are arithmetic, safe inside functions compiled for
//! AVX2, and the loads are plain Rust (`bytemuck` casts of arrays).

#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

use super::wedge::{FixRow, NORM_FIX, TRUNC_FIX};
use super::{simd, Layer, NORM, TRUNC};
use crate::chunk::Affine;
use crate::key::{ELEMENT_GAMMA, GAMMA};
use crate::lanes::avx2::{mix64, mul64, split_halves};

/// The eight rows' first six columns: `[w, y0, y1, b, lo, hi]`, column `c` holding lane `l`'s
/// `rows[l][c]` in lane `l`.
#[inline]
#[target_feature(enable = "avx2")]
fn columns(rows: [&FixRow; 8]) -> [__m256; 6] {
    let r: [__m256; 8] = core::array::from_fn(|l| wide::bytemuck::cast(rows[l].0));
    // [a0 b0 a1 b1 | a4 b4 a5 b5] and [a2 b2 a3 b3 | a6 b6 a7 b7] for row pairs (a, b).
    let lo = |a: usize| _mm256_unpacklo_ps(r[a], r[a + 1]);
    let hi = |a: usize| _mm256_unpackhi_ps(r[a], r[a + 1]);
    let (t0, t1, t2, t3) = (lo(0), hi(0), lo(2), hi(2));
    let (t4, t5, t6, t7) = (lo(4), hi(4), lo(6), hi(6));
    // Rows 0..4 (resp. 4..8) of columns c and c + 4.
    let u0 = _mm256_shuffle_ps::<0x44>(t0, t2);
    let u1 = _mm256_shuffle_ps::<0xEE>(t0, t2);
    let u2 = _mm256_shuffle_ps::<0x44>(t1, t3);
    let u3 = _mm256_shuffle_ps::<0xEE>(t1, t3);
    let u4 = _mm256_shuffle_ps::<0x44>(t4, t6);
    let u5 = _mm256_shuffle_ps::<0xEE>(t4, t6);
    let u6 = _mm256_shuffle_ps::<0x44>(t5, t7);
    let u7 = _mm256_shuffle_ps::<0xEE>(t5, t7);
    [
        _mm256_permute2f128_ps::<0x20>(u0, u4),
        _mm256_permute2f128_ps::<0x20>(u1, u5),
        _mm256_permute2f128_ps::<0x20>(u2, u6),
        _mm256_permute2f128_ps::<0x20>(u3, u7),
        _mm256_permute2f128_ps::<0x31>(u0, u4),
        _mm256_permute2f128_ps::<0x31>(u1, u5),
    ]
}

/// The sign of each draw (bit 8) moved to bit 31.
#[inline]
#[target_feature(enable = "avx2")]
fn sign_bits(r: __m256i) -> __m256i {
    _mm256_and_si256(_mm256_slli_epi32::<23>(r), _mm256_set1_epi32(i32::MIN))
}

/// All ones where the float is negative (its sign bit set).
#[inline]
#[target_feature(enable = "avx2")]
fn negative(v: __m256) -> __m256i {
    _mm256_srai_epi32::<31>(_mm256_castps_si256(v))
}

/// Eight fix-ups: `r` the draws, `e` the element indices (low four, high four). Returns the
/// values with `aff` applied (the draw's bits where rare) and the mask of the rare lanes.
#[inline]
#[target_feature(enable = "avx2")]
fn fix8<const NORMAL: bool>(
    r: [u32; 8],
    e: [__m256i; 2],
    fixb: u64,
    aff: Affine,
) -> ([u32; 8], u32) {
    let (layers, table): (&[Layer; 256], &[FixRow; 256]) = if NORMAL {
        (&NORM, &NORM_FIX)
    } else {
        (&TRUNC, &TRUNC_FIX)
    };
    // The generators' first outputs: `mix64(fix + e * ELEMENT_GAMMA + GAMMA)`.
    let start = _mm256_set1_epi64x(fixb.wrapping_add(GAMMA) as i64);
    let out = |e: __m256i| mix64(_mm256_add_epi64(start, mul64(e, ELEMENT_GAMMA)));
    let (o_lo, o_hi) = split_halves(out(e[0]), out(e[1]));
    let [w, y0, y1, b, lo, hi] = columns(core::array::from_fn(|l| &table[(r[l] & 0xff) as usize]));

    let rv: __m256i = wide::bytemuck::cast(r);
    let x = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32::<9>(rv)), w);
    let u = _mm256_mul_ps(
        _mm256_cvtepi32_ps(_mm256_srli_epi32::<8>(o_lo)),
        _mm256_set1_ps(super::INV_2_24),
    );
    let y = _mm256_add_ps(y0, _mm256_mul_ps(u, _mm256_sub_ps(y1, y0)));
    let bu = _mm256_mul_ps(b, _mm256_mul_ps(x, x));
    let below_lo = negative(_mm256_sub_ps(y, _mm256_add_ps(lo, bu)));
    let below_hi = negative(_mm256_sub_ps(y, _mm256_add_ps(hi, bu)));
    let accept = below_lo;
    let undecided = _mm256_andnot_si256(below_lo, below_hi);

    // The new draw's fast test.
    let (w2, k2) = super::x86::pair_lookup(o_hi, layers);
    let mag2 = _mm256_srli_epi32::<9>(o_hi);
    let ok2 = _mm256_cmpgt_epi32(k2, mag2);
    let x2 = _mm256_xor_si256(
        _mm256_castps_si256(_mm256_mul_ps(_mm256_cvtepi32_ps(mag2), w2)),
        sign_bits(o_hi),
    );
    let x1 = _mm256_xor_si256(_mm256_castps_si256(x), sign_bits(rv));

    let mut rare = _mm256_or_si256(
        undecided,
        _mm256_andnot_si256(_mm256_or_si256(accept, ok2), _mm256_set1_epi32(-1)),
    );
    if NORMAL {
        let tail = _mm256_cmpeq_epi32(
            _mm256_and_si256(rv, _mm256_set1_epi32(0xff)),
            _mm256_setzero_si256(),
        );
        rare = _mm256_or_si256(rare, tail);
    }
    let v = _mm256_castsi256_ps(_mm256_blendv_epi8(x2, x1, accept));
    let v = _mm256_add_ps(
        _mm256_mul_ps(v, _mm256_set1_ps(aff.s)),
        _mm256_set1_ps(aff.m),
    );
    let v = _mm256_blendv_epi8(_mm256_castps_si256(v), rv, rare);
    let mask = _mm256_movemask_ps(_mm256_castsi256_ps(rare)) as u32;
    (wide::bytemuck::cast(v), mask)
}

/// The kernels' `fix` (see `chunk::fill_rows`) eight elements at a time: finishes the
/// elements at `pos`, moves the rare ones to the front of `pos` and returns their count.
#[inline]
#[target_feature(enable = "avx2")]
pub(crate) fn fix_list<const NORMAL: bool>(
    vals: &mut [f32],
    pos: &mut [u16],
    fixb: u64,
    at: u64,
    aff: Affine,
) -> usize {
    let mut slow = 0;
    let mut done = 0;
    // Groups while four or more are left; the last one to three one at a time, which is
    // faster for so few (a group's latency is not hidden when nothing else is left to do:
    // a 64-value fill, with about one fix-up, measured 13 ns slower with a group).
    while pos.len() - done >= SCALAR_BELOW {
        let n = (pos.len() - done).min(8);
        // A short last group repeats its last position; those lanes are not written.
        let p: [u16; 8] = core::array::from_fn(|l| pos[done + l.min(n - 1)]);
        let r: [u32; 8] = core::array::from_fn(|l| vals[usize::from(p[l])].to_bits());
        let pv = positions(&p);
        let at_v = _mm256_set1_epi64x(at as i64);
        let e = [
            _mm256_add_epi64(at_v, _mm256_cvtepu16_epi64(pv)),
            _mm256_add_epi64(at_v, _mm256_cvtepu16_epi64(_mm_srli_si128::<8>(pv))),
        ];
        let (v, rare) = fix8::<NORMAL>(r, e, fixb, aff);
        // All eight lanes are written, a fixed count (no branch on `n`): a repeated lane
        // writes its last position's value again, and is masked out of the rare list.
        let rare = rare & ((1 << n) - 1);
        for l in 0..8 {
            vals[usize::from(p[l])] = f32::from_bits(v[l]);
            // The list is rewritten in place, behind the reading: before lane `l < n`,
            // `slow <= done + l`, a slot already read into `p`. Past `n` (the last group
            // only, `done + n == pos.len()`) `slow` may reach the end; the slot written
            // then is the last, which holds `p[n - 1] == p[l]` if every element is rare.
            pos[slow.min(pos.len() - 1)] = p[l];
            slow += (rare >> l & 1) as usize;
        }
        done += n;
    }
    let rest = crate::chunk::fix_each(vals, &mut pos[done..], fixb, at, simd::fix::<NORMAL>, aff);
    // Rare: a loop rather than `copy_within` (a call to `memmove` in every chunk).
    for i in 0..rest {
        pos[slow + i] = pos[done + i];
    }
    slow + rest
}

/// Fewer fix-ups than this left are done one at a time.
const SCALAR_BELOW: usize = 4;

/// The eight positions as one 128-bit vector.
#[inline]
#[target_feature(enable = "avx2")]
fn positions(p: &[u16; 8]) -> __m128i {
    wide::bytemuck::cast(*p)
}

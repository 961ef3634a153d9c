//! The fills: the range check, the choice of kernel (vector, run-time AVX2, or lane by
//! lane), the scalar reference, and the fills from a caller's generator. The chunk loop
//! itself is `chunk.rs`; the kernels are `ziggurat/`.

use crate::chunk::{fill_rows, for_each_chunk, Post, CHUNK, LANES};
use crate::key::{fixup_base, lane_state, Key};
use crate::lanes::{Lane, U32Source};
pub(crate) use crate::ziggurat::Sampler;
use crate::ziggurat::{self, simd, NORM, TRUNC};
use crate::Error;

mod lanes_scalar;

/// Validates the element range; nothing is written on `Err`.
#[inline]
fn check(offset: u64, len: usize) -> Result<(), Error> {
    match u64::try_from(len).ok().and_then(|n| offset.checked_add(n)) {
        Some(_) => Ok(()),
        None => Err(Error::RangeOverflow),
    }
}

/// The fast fill of one sampler: the `f32x8` kernels where `wide` has vector registers,
/// the lane-by-lane loop of [`lanes_scalar`] where it emulates them with arrays (same bits).
#[inline(always)]
pub(crate) fn fill_simd(s: Sampler, key: Key, offset: u64, out: &mut [f32]) -> Result<(), Error> {
    check(offset, out.len())?;
    fill_checked(s, key, offset, out);
    Ok(())
}

/// [`fill_simd`] for a range already checked.
#[inline(always)]
pub(crate) fn fill_checked(s: Sampler, key: Key, offset: u64, out: &mut [f32]) {
    if crate::chunk::SIMD {
        fill_vectors(s, key, offset, out, ());
    } else {
        lanes_scalar::fill(s, key, offset, out);
    }
}

/// The `f32x8` fill of one sampler (the range is already checked; `crate::chunk::SIMD`
/// must hold), with `post` applied to each chunk's values once final. On an x86-64 build
/// without AVX2 whose CPU has it, the AVX2 copy of the kernels (same bits) runs instead.
pub(crate) fn fill_vectors<P: Post>(s: Sampler, key: Key, offset: u64, out: &mut [f32], post: P) {
    #[cfg(all(
        target_arch = "x86_64",
        not(target_feature = "avx2"),
        not(glorot_no_dispatch)
    ))]
    if ziggurat::x86::avx2::available() {
        ziggurat::x86::avx2::fill(s, key, offset, out, post);
        return;
    }
    fill_wide(s, key, offset, out, post);
}

/// [`fill_vectors`] on `wide`'s `f32x8`, as compiled for the build's target features.
pub(crate) fn fill_wide<P: Post>(s: Sampler, key: Key, offset: u64, out: &mut [f32], post: P) {
    match s {
        Sampler::Normal => wide_ziggurat::<true, P>(key, offset, out, post),
        Sampler::TruncatedNormal => wide_ziggurat::<false, P>(key, offset, out, post),
        Sampler::Uniform => wide_uniform(key, offset, out, post),
    }
}

// One function per sampler, out of line: each hot loop is compiled on its own, so that
// code around it cannot change its inlining or register allocation.

/// The normal (`NORMAL`) or the truncated normal on `wide`'s vectors.
#[inline(never)]
fn wide_ziggurat<const NORMAL: bool, P: Post>(key: Key, offset: u64, out: &mut [f32], post: P) {
    let (layers, rest): (_, fn(u32, u64, u64) -> f32) = if NORMAL {
        (&NORM, ziggurat::normal_element)
    } else {
        (&TRUNC, ziggurat::truncated_element)
    };
    fill_rows(
        key,
        offset,
        out,
        simd::seeded,
        |l| {
            l.next();
        },
        |l, rows, fails| simd::ziggurat_rows(l, layers, rows, fails, post),
        |vals, pos, fixb, at| simd::fix_list::<NORMAL>(vals, pos, fixb, at, post.affine()),
        rest,
        simd::fix::<NORMAL>,
        post,
    );
}

#[inline(never)]
fn wide_uniform<P: Post>(key: Key, offset: u64, out: &mut [f32], post: P) {
    fill_rows(
        key,
        offset,
        out,
        simd::seeded,
        |l| {
            l.next();
        },
        |l, rows, _| simd::uniform_rows(l, rows, post),
        // Never called: the uniform has no fast test to fail.
        |_, _, _, _| 0,
        |r, _, _| ziggurat::uniform_from_bits(r),
        |r, _, _| Some(ziggurat::uniform_from_bits(r)), // never called either
        post,
    );
}

/// The value of element `e` of sampler `s` whose lane draw is `r`: the stream contract
/// (version 2), element by element.
#[inline(always)]
fn element(s: Sampler, r: u32, fix: u64, e: u64) -> f32 {
    match s {
        Sampler::Normal => ziggurat::normal_element(r, fix, e),
        Sampler::TruncatedNormal => ziggurat::truncated_element(r, fix, e),
        Sampler::Uniform => ziggurat::uniform_from_bits(r),
    }
}

/// The scalar reference fill, the contract written plainly: chunk `k`'s element `8j + l`
/// is made from lane `l`'s `j`-th draw (and, if that fails the fast test, the element's own
/// fix-up generator).
pub(crate) fn fill_reference(
    s: Sampler,
    key: Key,
    offset: u64,
    out: &mut [f32],
) -> Result<(), Error> {
    check(offset, out.len())?;
    let base = key.base();
    let fix = fixup_base(base);
    for_each_chunk(offset, out, |chunk, lo, part| {
        let hi = lo + part.len();
        for l in 0..LANES {
            let mut lane = Lane {
                s: lane_state(base, chunk, l as u32),
            };
            let mut p = l;
            while p < hi {
                let r = lane.next_u32();
                if p >= lo {
                    part[p - lo] = element(s, r, fix, chunk * CHUNK + p as u64);
                }
                p += LANES;
            }
        }
    });
    Ok(())
}

/// Fills `out` from a caller's generator, one word per draw (not position-addressable):
/// the standard Ziggurat, value after value.
pub(crate) fn fill_from_rng<R: rand_core::Rng + ?Sized>(
    s: Sampler,
    mut rng: &mut R,
    out: &mut [f32],
) {
    match s {
        Sampler::Normal => out.iter_mut().for_each(|x| *x = ziggurat::normal(&mut rng)),
        Sampler::TruncatedNormal => out
            .iter_mut()
            .for_each(|x| *x = ziggurat::truncated_normal(&mut rng)),
        Sampler::Uniform => out
            .iter_mut()
            .for_each(|x| *x = ziggurat::uniform(&mut rng)),
    }
}

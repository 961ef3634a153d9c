//! Chunked, position-addressable filling: the element range `offset .. offset + len` of a
//! key's stream, cut into chunks of [`CHUNK`] elements whose eight lanes are seeded on their
//! own, so a fill may start anywhere at the cost of at most one chunk of extra draws.

use crate::key::{lane_state, Key};
use crate::lanes::{Lane, Lanes8};
use crate::{ziggurat, Error};

mod lanes_scalar;
pub(crate) use lanes_scalar::SIMD;

/// Elements per chunk (frozen by stream version 1): 128 values from each of 8 lanes.
pub const CHUNK: u64 = 1024;
pub(crate) const LANES: usize = 8;

/// One of the three samplers of the stream contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Sampler {
    Normal,
    TruncatedNormal,
    Uniform,
}

/// Validates the element range; nothing is written on `Err`.
#[inline]
fn check(offset: u64, len: usize) -> Result<(), Error> {
    match u64::try_from(len).ok().and_then(|n| offset.checked_add(n)) {
        Some(_) => Ok(()),
        None => Err(Error::RangeOverflow),
    }
}

/// Calls `f(chunk, lo, part)` for each chunk that `offset .. offset + out.len()` touches,
/// `part` being the piece of `out` holding that chunk's elements `lo .. lo + part.len()`.
#[inline(always)]
pub(crate) fn for_each_chunk(
    offset: u64,
    out: &mut [f32],
    mut f: impl FnMut(u64, usize, &mut [f32]),
) {
    let mut pos = offset;
    let mut rest = out;
    while !rest.is_empty() {
        let lo = (pos % CHUNK) as usize;
        let take = rest.len().min(CHUNK as usize - lo);
        let (part, tail) = rest.split_at_mut(take);
        f(pos / CHUNK, lo, part);
        pos = pos.wrapping_add(take as u64);
        rest = tail;
    }
}

/// The fast fill of one sampler: the `f32x8` kernels where `wide` has vector registers,
/// the lane-by-lane loop of [`lanes_scalar`] where it emulates them with arrays (same bits).
#[inline(always)]
pub(crate) fn fill_simd(s: Sampler, key: Key, offset: u64, out: &mut [f32]) -> Result<(), Error> {
    check(offset, out.len())?;
    if lanes_scalar::SIMD {
        fill_vectors(s, key, offset, out);
    } else {
        lanes_scalar::fill(s, key, offset, out);
    }
    Ok(())
}

/// The `f32x8` fill of one sampler (the range is already checked). On an x86-64 build
/// without AVX2 whose CPU has it, the AVX2 copy of the kernels (same bits) runs instead.
fn fill_vectors(s: Sampler, key: Key, offset: u64, out: &mut [f32]) {
    #[cfg(all(
        target_arch = "x86_64",
        not(target_feature = "avx2"),
        not(glorot_no_dispatch)
    ))]
    if ziggurat::x86::avx2::available() {
        ziggurat::x86::avx2::fill(s, key, offset, out);
        return;
    }
    fill_wide(s, key, offset, out);
}

/// [`fill_vectors`] on `wide`'s `f32x8`, as compiled for the build's target features.
pub(crate) fn fill_wide(s: Sampler, key: Key, offset: u64, out: &mut [f32]) {
    let base = key.base();
    match s {
        Sampler::Normal => for_each_chunk(offset, out, |c, lo, part| {
            chunk_simd(base, c, lo, part, ziggurat::simd::normal)
        }),
        Sampler::TruncatedNormal => for_each_chunk(offset, out, |c, lo, part| {
            chunk_simd(base, c, lo, part, ziggurat::simd::truncated_normal)
        }),
        Sampler::Uniform => for_each_chunk(offset, out, |c, lo, part| {
            chunk_simd(base, c, lo, part, ziggurat::simd::uniform)
        }),
    }
}

/// Fills `out` with elements `lo .. lo + out.len()` of chunk `chunk`.
#[inline(always)]
fn chunk_simd(
    base: u64,
    chunk: u64,
    lo: usize,
    out: &mut [f32],
    kernel: impl Fn(Lanes8, &mut [f32; LANES]) -> Lanes8,
) {
    let lanes = Lanes8::from_states(&core::array::from_fn(|l| lane_state(base, chunk, l as u32)));
    chunk_with(lanes, lo, out, kernel);
}

/// Runs `kernel` (eight values per call) over one chunk's lanes `lanes`, writing the
/// chunk's elements `lo .. lo + out.len()` to `out`. Generic in the lanes' representation,
/// so that a kernel compiled for other target features can share it.
#[inline(always)]
pub(crate) fn chunk_with<L>(
    mut lanes: L,
    lo: usize,
    out: &mut [f32],
    kernel: impl Fn(L, &mut [f32; LANES]) -> L,
) {
    let mut scratch = [0.0f32; LANES];
    // Vectors before the range still have to run: a lane's j-th value depends on how many
    // draws its earlier values rejected.
    for _ in 0..lo / LANES {
        lanes = kernel(lanes, &mut scratch);
    }
    let mut out = out;
    let skip = lo % LANES;
    if skip != 0 {
        lanes = kernel(lanes, &mut scratch);
        let n = out.len().min(LANES - skip);
        let (head, rest) = out.split_at_mut(n);
        head.copy_from_slice(&scratch[skip..skip + n]);
        out = rest;
    }
    let (body, tail) = out.as_chunks_mut::<LANES>();
    for dst in body {
        lanes = kernel(lanes, dst);
    }
    if !tail.is_empty() {
        // The range's last vector: the lane state after it is not needed.
        kernel(lanes, &mut scratch);
        let n = tail.len();
        tail.copy_from_slice(&scratch[..n]);
    }
}

/// The scalar reference fill: each lane run on its own, value `j` of lane `l` written to
/// chunk element `8j + l`.
pub(crate) fn fill_reference(
    s: Sampler,
    key: Key,
    offset: u64,
    out: &mut [f32],
) -> Result<(), Error> {
    check(offset, out.len())?;
    let sample: fn(&mut Lane) -> f32 = match s {
        Sampler::Normal => ziggurat::normal::<Lane>,
        Sampler::TruncatedNormal => ziggurat::truncated_normal::<Lane>,
        Sampler::Uniform => ziggurat::uniform::<Lane>,
    };
    let base = key.base();
    for_each_chunk(offset, out, |chunk, lo, part| {
        let hi = lo + part.len();
        for l in 0..LANES {
            let mut lane = Lane {
                s: lane_state(base, chunk, l as u32),
            };
            let mut e = l;
            while e < hi {
                let v = sample(&mut lane);
                if e >= lo {
                    part[e - lo] = v;
                }
                e += LANES;
            }
        }
    });
    Ok(())
}

/// Fills `out` from a caller's generator, one word per draw (not position-addressable).
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

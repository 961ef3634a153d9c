//! The fill without SIMD: each lane of a chunk run on its own, its values written with a
//! stride of eight. Used where `wide` has no vector unit to map `f32x8` onto and emulates
//! it with arrays (Cortex-M, RISC-V, …): there, the scalar loop is smaller, needs a few
//! words of stack instead of eight-lane arrays, and runs fewer instructions per value.

use super::{for_each_chunk, Sampler, LANES};
use crate::key::{lane_state, Key};
use crate::lanes::Lane;
use crate::ziggurat;

/// `true` where `wide`'s `f32x8`/`u32x8` map onto vector registers: the same conditions
/// under which `wide` (1.x) leaves its array fallback (`u32x4` and `f32x4` on SSE2,
/// wasm `simd128` and aarch64 NEON; 32-bit ARM NEON is not used by `wide`).
pub(crate) const SIMD: bool = cfg!(any(
    target_feature = "sse2",
    target_feature = "simd128",
    all(target_feature = "neon", target_arch = "aarch64")
));

/// Fills `out` (already range-checked) with elements `offset ..` of the key's stream, lane
/// by lane: the same bits as the SIMD fill, by the stream contract.
#[inline(always)]
pub(crate) fn fill(s: Sampler, key: Key, offset: u64, out: &mut [f32]) {
    match s {
        Sampler::Normal => normal(key, offset, out),
        Sampler::TruncatedNormal => truncated_normal(key, offset, out),
        Sampler::Uniform => uniform(key, offset, out),
    }
}

#[inline(never)]
fn normal(key: Key, offset: u64, out: &mut [f32]) {
    fill_lanes(key, offset, out, ziggurat::normal::<Lane>);
}

#[inline(never)]
fn truncated_normal(key: Key, offset: u64, out: &mut [f32]) {
    fill_lanes(key, offset, out, ziggurat::truncated_normal::<Lane>);
}

#[inline(never)]
fn uniform(key: Key, offset: u64, out: &mut [f32]) {
    fill_lanes(key, offset, out, ziggurat::uniform::<Lane>);
}

/// Lane `l` of chunk `chunk`, out of line: the samplers share one copy of the mixer.
#[inline(never)]
fn seed(base: u64, chunk: u64, l: usize) -> Lane {
    Lane {
        s: lane_state(base, chunk, l as u32),
    }
}

/// Chunk `k`'s element `8j + l` is lane `l`'s `j`-th value: for each lane, the values
/// before the range are drawn and dropped, then every eighth element of the range written.
#[inline(always)]
fn fill_lanes(key: Key, offset: u64, out: &mut [f32], sample: impl Fn(&mut Lane) -> f32) {
    let base = key.base();
    for_each_chunk(offset, out, |chunk, lo, part| {
        for l in 0..LANES {
            let mut lane = seed(base, chunk, l);
            // Lane l's values at chunk elements 8j + l < lo: j < ceil((lo - l) / 8).
            let before = (lo + LANES - 1 - l) / LANES;
            for _ in 0..before {
                sample(&mut lane);
            }
            let mut i = before * LANES + l - lo;
            while i < part.len() {
                part[i] = sample(&mut lane);
                i += LANES;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec;

    /// The lane-by-lane fill equals the `f32x8` fill bit for bit, for every sampler, over
    /// offsets and lengths that start and end inside, at and across chunk boundaries.
    #[test]
    fn lane_fill_equals_the_simd_fill() {
        let c = super::super::CHUNK;
        let offsets = [
            0,
            1,
            7,
            8,
            9,
            13,
            c - 9,
            c - 1,
            c,
            c + 5,
            3 * c - 5,
            u64::MAX - 4000,
        ];
        let lens = [0usize, 1, 3, 8, 9, 100, 1023, 1024, 1025, 2500];
        for key in [Key::new(0), Key::with_stream(42, 7), Key::new(9).fold_in(3)] {
            for s in [Sampler::Normal, Sampler::TruncatedNormal, Sampler::Uniform] {
                for offset in offsets {
                    for len in lens {
                        let mut a = vec![f32::NAN; len];
                        let mut b = vec![f32::NAN; len];
                        super::super::fill_vectors(s, key, offset, &mut a);
                        fill(s, key, offset, &mut b);
                        let (a, b): (vec::Vec<u32>, vec::Vec<u32>) = (
                            a.iter().map(|x| x.to_bits()).collect(),
                            b.iter().map(|x| x.to_bits()).collect(),
                        );
                        assert_eq!(a, b, "{s:?} {key:?} offset {offset} len {len}");
                    }
                }
            }
        }
    }
}

//! The fill without SIMD: each lane of a chunk run on its own, its values written with a
//! stride of eight. Used where `wide` has no vector unit to map `f32x8` onto and emulates
//! it with arrays (Cortex-M, RISC-V, …): there, the scalar loop is smaller, needs a few
//! words of stack instead of eight-lane arrays, and runs fewer instructions per value.

use super::Sampler;
use crate::chunk::{for_each_chunk, CHUNK, LANES};
use crate::key::{fixup_base, lane_state, Key};
use crate::lanes::{Element, Lane, U32Source};
use crate::ziggurat;

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

fn normal(key: Key, offset: u64, out: &mut [f32]) {
    ziggurat_lanes(key, offset, out, &ziggurat::NORM, ziggurat::normal_slow);
}

fn truncated_normal(key: Key, offset: u64, out: &mut [f32]) {
    ziggurat_lanes(key, offset, out, &ziggurat::TRUNC, ziggurat::truncated_slow);
}

/// Both ziggurats share one copy of the loop (flash is what is scarce where this runs):
/// the layer table is data, and the rare fix-up a call through `slow`.
#[inline(never)]
fn ziggurat_lanes(
    key: Key,
    offset: u64,
    out: &mut [f32],
    layers: &'static [ziggurat::Layer; 256],
    slow: fn(&mut Element, u32) -> Option<f32>,
) {
    fill_lanes(key, offset, out, |r, fix, e| {
        let (x, ok) = ziggurat::fast(r, layers);
        if ok {
            x
        } else {
            ziggurat::rest(r, Element::new(fix, e), layers, slow)
        }
    });
}

#[inline(never)]
fn uniform(key: Key, offset: u64, out: &mut [f32]) {
    fill_lanes(key, offset, out, |r, _, _| ziggurat::uniform_from_bits(r));
}

/// Lane `l` of chunk `chunk`, out of line: the samplers share one copy of the mixer.
#[inline(never)]
fn seed(base: u64, chunk: u64, l: usize) -> Lane {
    Lane {
        s: lane_state(base, chunk, l as u32),
    }
}

/// Chunk `k`'s element `8j + l` is made from lane `l`'s `j`-th draw: for each lane, the
/// draws before the range are skipped, then every eighth element of the range written by
/// `element(r, fix, e)`.
#[inline(always)]
fn fill_lanes(key: Key, offset: u64, out: &mut [f32], element: impl Fn(u32, u64, u64) -> f32) {
    let base = key.base();
    let fix = fixup_base(base);
    for_each_chunk(offset, out, |chunk, lo, part| {
        for l in 0..LANES {
            let mut lane = seed(base, chunk, l);
            // Lane l's draws for chunk elements 8j + l < lo: j < ceil((lo - l) / 8).
            let before = (lo + LANES - 1 - l) / LANES;
            for _ in 0..before {
                lane.next_u32();
            }
            let mut i = before * LANES + l - lo;
            while i < part.len() {
                let e = chunk * CHUNK + (lo + i) as u64;
                part[i] = element(lane.next_u32(), fix, e);
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
                        super::super::fill_vectors(s, key, offset, &mut a, ());
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

//! `sample::*` and `reference::*`: any key, offset (near `u64::MAX` too), length and split.
//! Asserts: `Err` exactly when `offset + len` overflows `u64`, and then nothing written;
//! every value finite and in its sampler's range; SIMD == reference bit for bit; any split of
//! the range, filled in reverse order, equals the one-shot fill.
#![no_main]

use arbitrary::Arbitrary;
use glorot::{reference, sample, Error, Key};
use libfuzzer_sys::fuzz_target;

type Fill = fn(Key, u64, &mut [f32]) -> Result<(), Error>;

/// Largest output the target allocates: four chunks, so splits cross chunk boundaries.
const MAX_LEN: usize = 4 * sample::CHUNK as usize + 17;
/// A bit pattern no sampler writes (a NaN with a payload), to see what was left untouched.
const SENTINEL: u32 = 0x7FC0_DEAD;

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Sampler {
    Normal,
    TruncatedNormal,
    Uniform,
}

/// Offsets from the interesting regions as well as anywhere.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Offset {
    /// `k` itself: the first chunks.
    Start(u16),
    /// `u64::MAX - k`: the end of the index space, where `offset + len` may overflow.
    End(u16),
    /// `chunk * CHUNK + k`: near a chunk boundary somewhere in the middle.
    Chunk(u64, i8),
    Any(u64),
}

#[derive(Arbitrary, Debug)]
struct Input {
    seed: u64,
    stream: u64,
    folds: Vec<u64>,
    sampler: Sampler,
    offset: Offset,
    len: u16,
    splits: Vec<u16>,
}

impl Sampler {
    fn paths(self) -> (Fill, Fill) {
        match self {
            Sampler::Normal => (sample::normal, reference::normal),
            Sampler::TruncatedNormal => (sample::truncated_normal, reference::truncated_normal),
            Sampler::Uniform => (sample::uniform, reference::uniform),
        }
    }

    fn in_range(self, x: f32) -> bool {
        match self {
            Sampler::Normal => x.abs() <= sample::NORMAL_MAX_ABS,
            Sampler::TruncatedNormal => x.abs() <= sample::TRUNCATED_MAX_ABS,
            Sampler::Uniform => (-1.0..1.0).contains(&x),
        }
    }
}

impl Offset {
    fn get(self) -> u64 {
        match self {
            Offset::Start(k) => u64::from(k),
            Offset::End(k) => u64::MAX - u64::from(k),
            Offset::Chunk(c, k) => (c % (u64::MAX / sample::CHUNK))
                .wrapping_mul(sample::CHUNK)
                .wrapping_add_signed(i64::from(k)),
            Offset::Any(x) => x,
        }
    }
}

fn bits(xs: &[f32]) -> Vec<u32> {
    xs.iter().map(|x| x.to_bits()).collect()
}

fuzz_target!(|input: Input| {
    let key = input
        .folds
        .iter()
        .take(4)
        .fold(Key::with_stream(input.seed, input.stream), |k, &d| {
            k.fold_in(d)
        });
    let offset = input.offset.get();
    let len = usize::from(input.len) % (MAX_LEN + 1);
    let (fast, slow) = input.sampler.paths();
    let fits = offset.checked_add(len as u64).is_some();

    let mut one = vec![f32::from_bits(SENTINEL); len];
    let mut refr = vec![f32::from_bits(SENTINEL); len];
    let r1 = fast(key, offset, &mut one);
    let r2 = slow(key, offset, &mut refr);
    if !fits {
        assert_eq!(r1, Err(Error::RangeOverflow), "{input:?}");
        assert_eq!(r2, Err(Error::RangeOverflow), "{input:?}");
        assert!(one.iter().chain(&refr).all(|x| x.to_bits() == SENTINEL));
        return;
    }
    assert_eq!(r1, Ok(()), "{input:?}");
    assert_eq!(r2, Ok(()), "{input:?}");
    assert_eq!(bits(&one), bits(&refr), "SIMD != reference: {input:?}");
    for (i, &x) in one.iter().enumerate() {
        assert!(input.sampler.in_range(x), "element {i} = {x:e}: {input:?}");
    }

    // The same range cut at the fuzzer's points, filled last piece first.
    let mut cuts: Vec<usize> = input
        .splits
        .iter()
        .map(|&s| usize::from(s) % (len + 1))
        .collect();
    cuts.push(0);
    cuts.push(len);
    cuts.sort_unstable();
    cuts.dedup();
    let mut parts = vec![f32::from_bits(SENTINEL); len];
    for w in cuts.windows(2).rev() {
        let (a, b) = (w[0], w[1]);
        let r = fast(key, offset + a as u64, &mut parts[a..b]);
        assert_eq!(r, Ok(()), "piece {a}..{b}: {input:?}");
    }
    assert_eq!(bits(&parts), bits(&one), "split != one-shot: {input:?}");
});

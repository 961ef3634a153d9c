//! `sample::*_from_rng` driven by a generator the fuzzer controls: its bytes, read as
//! little-endian `u32` words, come first, then a fixed SplitMix64 (so every rejection loop
//! ends). Choosing the words lets the fuzzer walk into the Ziggurat's wedges and tail.
//! Asserts: every value finite and in range; the same words give the same bits; the uniform
//! sampler is exactly `((w as i32) >> 8) as f32 * 2^-23` of the words in order.
#![no_main]

use core::convert::Infallible;

use arbitrary::Arbitrary;
use glorot::sample;
use libfuzzer_sys::fuzz_target;
use rand_core::TryRng;

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Sampler {
    Normal,
    TruncatedNormal,
    Uniform,
}

#[derive(Arbitrary, Debug)]
struct Input {
    sampler: Sampler,
    len: u8,
    words: Vec<u32>,
}

/// The fuzzer's words, then SplitMix64 from a fixed seed. Counts the words handed out.
struct Scripted<'a> {
    words: &'a [u32],
    used: usize,
    state: u64,
}

impl<'a> Scripted<'a> {
    fn new(words: &'a [u32]) -> Self {
        Scripted {
            words,
            used: 0,
            state: 0x0123_4567_89AB_CDEF,
        }
    }
}

impl TryRng for Scripted<'_> {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let w = match self.words.get(self.used) {
            Some(&w) => w,
            None => {
                self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = self.state;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                (z ^ (z >> 31)) as u32
            }
        };
        self.used += 1;
        Ok(w)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let lo = self.try_next_u32()?;
        let hi = self.try_next_u32()?;
        Ok(u64::from(lo) | (u64::from(hi) << 32))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for c in dst.chunks_mut(4) {
            let w = self.try_next_u32()?.to_le_bytes();
            c.copy_from_slice(&w[..c.len()]);
        }
        Ok(())
    }
}

fn run(s: Sampler, words: &[u32], out: &mut [f32]) -> usize {
    let mut rng = Scripted::new(words);
    match s {
        Sampler::Normal => sample::normal_from_rng(&mut rng, out),
        Sampler::TruncatedNormal => sample::truncated_normal_from_rng(&mut rng, out),
        Sampler::Uniform => sample::uniform_from_rng(&mut rng, out),
    }
    rng.used
}

fuzz_target!(|input: Input| {
    let len = usize::from(input.len);
    let mut a = vec![f32::NAN; len];
    let mut b = vec![f32::NAN; len];
    let used_a = run(input.sampler, &input.words, &mut a);
    let used_b = run(input.sampler, &input.words, &mut b);
    assert_eq!(used_a, used_b);
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(
            x.to_bits(),
            y.to_bits(),
            "not deterministic at {i}: {input:?}"
        );
        let ok = match input.sampler {
            Sampler::Normal => x.abs() <= sample::NORMAL_MAX_ABS,
            Sampler::TruncatedNormal => x.abs() <= sample::TRUNCATED_MAX_ABS,
            Sampler::Uniform => (-1.0..1.0).contains(x),
        };
        assert!(ok, "element {i} = {x:e} out of range: {input:?}");
    }
    if let Sampler::Uniform = input.sampler {
        assert_eq!(used_a, len, "uniform takes one word per value");
        let mut rng = Scripted::new(&input.words);
        for (i, x) in a.iter().enumerate() {
            let w = rng.try_next_u32().unwrap();
            let want = ((w as i32) >> 8) as f32 * (1.0 / 8_388_608.0);
            assert_eq!(
                x.to_bits(),
                want.to_bits(),
                "uniform element {i}: {input:?}"
            );
        }
    } else {
        assert!(used_a >= len, "at least one word per value");
    }
});

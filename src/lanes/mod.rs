//! xoshiro128++ (Blackman & Vigna 2019), one lane in scalar form and eight lanes side by
//! side in `u32x8`. Lane `l` of [`Lanes8`] steps exactly like a scalar [`Lane`] holding the
//! same state, which in turn equals `rand_xoshiro::Xoshiro128PlusPlus` (tested).

use wide::u32x8;

#[cfg(all(
    target_arch = "x86_64",
    any(target_feature = "avx2", not(glorot_no_dispatch))
))]
pub(crate) mod avx2;

/// A source of uniformly random `u32` words: a lane, or a caller's `rand_core::Rng`.
pub(crate) trait U32Source {
    fn next_u32(&mut self) -> u32;
}

/// One xoshiro128++ generator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Lane {
    pub(crate) s: [u32; 4],
}

impl U32Source for Lane {
    #[inline(always)]
    fn next_u32(&mut self) -> u32 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(7).wrapping_add(s[0]);
        let t = s[1] << 9;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(11);
        result
    }
}

impl<R: rand_core::Rng + ?Sized> U32Source for &mut R {
    #[inline]
    fn next_u32(&mut self) -> u32 {
        (**self).next_u32()
    }
}

/// The fix-up generator of one element (stream version 2): the SplitMix64 sequence whose
/// state starts at `key::element_state(fix, e)`, read as `u32` words, each 64-bit output
/// giving two — its low half first, then its high half.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Element {
    /// The sequence's starting state.
    z: u64,
    /// Outputs taken so far.
    n: u64,
    /// The high half of the last output, while it has not been read.
    high: Option<u32>,
}

impl Element {
    /// The generator of element `e` of the key whose fix-up base is `fix`.
    #[inline(always)]
    pub(crate) fn new(fix: u64, e: u64) -> Element {
        Element::at(crate::key::element_state(fix, e), 0)
    }

    /// The generator with state `z` after `n` whole outputs (`2n` words).
    #[inline(always)]
    pub(crate) fn at(z: u64, n: u64) -> Element {
        Element { z, n, high: None }
    }
}

impl U32Source for Element {
    /// Out of line: only the rare slow paths read words this way (the vector kernels'
    /// fix-up computes its first output itself), and SplitMix64's 64-bit multiplies are
    /// long code on 32-bit targets, whose flash it would fill at every call site.
    #[inline(never)]
    fn next_u32(&mut self) -> u32 {
        if let Some(h) = self.high.take() {
            return h;
        }
        self.n += 1;
        let o = crate::key::splitmix_output(self.z, self.n);
        self.high = Some((o >> 32) as u32);
        o as u32
    }
}

/// Eight xoshiro128++ generators in structure-of-arrays form: `s[w]` holds word `w` of
/// every lane.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lanes8 {
    pub(crate) s: [u32x8; 4],
}

#[inline(always)]
fn rotl(x: u32x8, k: u32) -> u32x8 {
    (x << k) | (x >> (32 - k))
}

impl Lanes8 {
    /// Lanes from eight scalar states, lane `l` from `states[l]`.
    #[cfg_attr(
        all(target_arch = "x86_64", target_feature = "avx2"),
        allow(
            dead_code,
            reason = "AVX2 builds seed by `lanes::avx2::seed`; the tests use it"
        )
    )]
    #[inline]
    pub(crate) fn from_states(states: &[[u32; 4]; 8]) -> Lanes8 {
        let word = |w: usize| u32x8::new(core::array::from_fn(|l| states[l][w]));
        Lanes8 {
            s: [word(0), word(1), word(2), word(3)],
        }
    }

    /// Steps all eight lanes once and returns their outputs.
    #[inline(always)]
    pub(crate) fn next(&mut self) -> u32x8 {
        let [s0, s1, s2, s3] = &mut self.s;
        let result = rotl(*s0 + *s3, 7) + *s0;
        let t = *s1 << 9;
        *s2 ^= *s0;
        *s3 ^= *s1;
        *s1 ^= *s2;
        *s0 ^= *s3;
        *s2 ^= t;
        *s3 = rotl(*s3, 11);
        result
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rand_xoshiro::rand_core::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro128PlusPlus;

    fn xoshiro_from_state(s: [u32; 4]) -> Xoshiro128PlusPlus {
        let mut seed = [0u8; 16];
        for (w, chunk) in s.iter().zip(seed.chunks_exact_mut(4)) {
            chunk.copy_from_slice(&w.to_le_bytes());
        }
        Xoshiro128PlusPlus::from_seed(seed)
    }

    #[test]
    fn scalar_lane_equals_rand_xoshiro() {
        for base in [0u64, 1, 0xDEAD_BEEF, u64::MAX] {
            for chunk in [0u64, 1, 1 << 40, (u64::MAX / 1024)] {
                for l in 0..8 {
                    let s = crate::key::lane_state(base, chunk, l);
                    let mut ours = Lane { s };
                    let mut theirs = xoshiro_from_state(s);
                    for _ in 0..1000 {
                        assert_eq!(ours.next_u32(), theirs.next_u32());
                    }
                }
            }
        }
    }

    #[test]
    fn every_simd_lane_equals_its_scalar_lane() {
        let states: [[u32; 4]; 8] =
            core::array::from_fn(|l| crate::key::lane_state(7, 3, l as u32));
        let mut simd = Lanes8::from_states(&states);
        let mut scalar = states.map(xoshiro_from_state);
        for step in 0..1000 {
            let v = simd.next().to_array();
            for l in 0..8 {
                assert_eq!(v[l], scalar[l].next_u32(), "lane {l} step {step}");
            }
        }
    }

    /// The bases and chunks the seeding tests use: small, large, the extremes, and a spread
    /// of mixed ones (so that the 64-bit products carry across their 32-bit halves).
    pub(crate) fn seeding_cases() -> impl Iterator<Item = (u64, u64)> {
        let bases = [
            0u64,
            1,
            0xDEAD_BEEF,
            u64::MAX,
            0u64.wrapping_sub(0x9E37_79B9_7F4A_7C15),
        ];
        let chunks = [0u64, 1, 2, 1 << 40, u64::MAX / 1024];
        let fixed = bases
            .into_iter()
            .flat_map(move |b| chunks.into_iter().map(move |c| (b, c)));
        let mixed = (0..2000u64).map(|i| (crate::key::mix64(i), crate::key::mix64(!i) >> 10));
        fixed.chain(mixed)
    }

    #[test]
    fn the_all_zero_state_is_avoided() {
        // mix64 is a bijection with mix64(0) = 0, so some (base, chunk, lane) maps to
        // a zero word; the state as a whole is still never all zero.
        for base in [0u64, 1, u64::MAX] {
            for chunk in 0..64 {
                for l in 0..8 {
                    assert_ne!(crate::key::lane_state(base, chunk, l), [0; 4]);
                }
            }
        }
        assert_eq!(
            crate::key::lane_state(0u64.wrapping_sub(0x9E37_79B9_7F4A_7C15), 0, 0)[..2],
            [0, 0],
            "a zero first word is reachable"
        );
    }
}

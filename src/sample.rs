//! The fast samplers: `f32x8` kernels over eight xoshiro128++ lanes.
//!
//! Each function writes elements `offset .. offset + out.len()` of the key's stream, and
//! gives exactly the bits of the matching function in [`crate::reference`]. Any split of a
//! tensor into slices, filled in any order, on any thread or machine, gives the same bits as
//! one call over the whole tensor:
//!
//! ```
//! use glorot::{sample, Key};
//! let key = Key::new(42);
//! let mut whole = [0.0f32; 3000];
//! sample::normal(key, 0, &mut whole)?;
//!
//! let mut parts = [0.0f32; 3000];
//! let (a, b) = parts.split_at_mut(1234);
//! sample::normal(key, 1234, b)?; // any order
//! sample::normal(key, 0, a)?;
//! assert_eq!(whole.map(f32::to_bits), parts.map(f32::to_bits));
//! # Ok::<(), glorot::Error>(())
//! ```
//!
//! Starting at an arbitrary offset costs at most one chunk's worth of lane steps (127 per
//! lane), and no sampling work for the elements before it.

use crate::fill::{fill_from_rng, fill_simd, Sampler};
use crate::{Error, Key};

pub use crate::chunk::CHUNK;

/// The largest magnitude [`normal`] (and [`normal_from_rng`]) can return: the end of
/// Marsaglia's tail, `R + (-log1pf(-u) * (1/R))` in `f32` (with `R` and `1/R` each an
/// `f32` constant, `docs/STREAM.md` section 9) for the largest uniform `u = 1 - 2^-24` a
/// draw can give (`8.206654`, bits `0x41034e74`). Every other layer stays below `R = 3.654`.
pub const NORMAL_MAX_ABS: f32 = 8.206_654;

/// The largest magnitude [`truncated_normal`] can return: `2 - 2^-22` (a 23-bit magnitude
/// times the bottom strips' width `2 / 2^23`).
pub const TRUNCATED_MAX_ABS: f32 = 2.0 - 1.0 / 4_194_304.0;

/// Standard normal values (mean 0, variance 1).
///
/// # Errors
/// [`Error::RangeOverflow`] if `offset + out.len()` overflows `u64`; `out` is untouched.
#[inline]
pub fn normal(key: Key, offset: u64, out: &mut [f32]) -> Result<(), Error> {
    fill_simd(Sampler::Normal, key, offset, out)
}

/// Standard normal values truncated to `[-2, 2]`: exactly the normal density restricted to
/// that interval and renormalised (variance `0.87962566103423978²`). Every value satisfies
/// `|x| <= 2 - 2^-22`.
///
/// # Errors
/// [`Error::RangeOverflow`] if `offset + out.len()` overflows `u64`; `out` is untouched.
#[inline]
pub fn truncated_normal(key: Key, offset: u64, out: &mut [f32]) -> Result<(), Error> {
    fill_simd(Sampler::TruncatedNormal, key, offset, out)
}

/// Uniform values on `[-1, 1)`, on the grid of multiples of `2^-23`.
///
/// # Errors
/// [`Error::RangeOverflow`] if `offset + out.len()` overflows `u64`; `out` is untouched.
#[inline]
pub fn uniform(key: Key, offset: u64, out: &mut [f32]) -> Result<(), Error> {
    fill_simd(Sampler::Uniform, key, offset, out)
}

/// Standard normal values from a caller's generator (a hardware RNG, a `rand` generator):
/// the same Ziggurat, one `next_u32` per draw, values written in order. This path is **not**
/// position-addressable: its output depends on the generator's state, not on a [`Key`].
///
/// ```
/// use rand_xoshiro::{rand_core::SeedableRng, Xoshiro128PlusPlus};
/// let mut rng = Xoshiro128PlusPlus::seed_from_u64(1);
/// let mut w = [0.0f32; 16];
/// glorot::sample::normal_from_rng(&mut rng, &mut w);
/// assert!(w.iter().all(|x| x.is_finite()));
/// ```
#[inline]
pub fn normal_from_rng<R: rand_core::Rng + ?Sized>(rng: &mut R, out: &mut [f32]) {
    fill_from_rng(Sampler::Normal, rng, out)
}

/// Truncated-normal values from a caller's generator; see [`normal_from_rng`].
#[inline]
pub fn truncated_normal_from_rng<R: rand_core::Rng + ?Sized>(rng: &mut R, out: &mut [f32]) {
    fill_from_rng(Sampler::TruncatedNormal, rng, out)
}

/// Uniform values on `[-1, 1)` from a caller's generator; see [`normal_from_rng`].
#[inline]
pub fn uniform_from_rng<R: rand_core::Rng + ?Sized>(rng: &mut R, out: &mut [f32]) {
    fill_from_rng(Sampler::Uniform, rng, out)
}

/// The name of the kernel that [`normal`], [`truncated_normal`] and [`uniform`] run on
/// this machine, for reports and benchmarks: `"avx2"` (compiled in, or chosen at run time
/// on an x86-64 build without it when the CPU has AVX2), `"avx"`, `"sse2"`, `"neon"`,
/// `"simd128"`, or `"scalar lanes"` where `wide` has no vector unit (Cortex-M, RISC-V,
/// …). Every kernel gives the same bits; this only says which one runs.
pub fn kernel() -> &'static str {
    #[cfg(all(
        target_arch = "x86_64",
        not(target_feature = "avx2"),
        not(glorot_no_dispatch)
    ))]
    if crate::ziggurat::x86::avx2::available() {
        return "avx2";
    }
    if !crate::chunk::SIMD {
        "scalar lanes"
    } else if cfg!(target_feature = "avx2") {
        "avx2"
    } else if cfg!(target_feature = "avx") {
        "avx"
    } else if cfg!(target_feature = "sse2") {
        "sse2"
    } else if cfg!(target_feature = "neon") {
        "neon"
    } else {
        "simd128"
    }
}

//! The scalar reference: the stream contract written plainly, lane by lane.
//!
//! Element `k*CHUNK + 8*j + l` of a key's stream is made from the `j`-th draw of lane `l` of
//! chunk `k` (each lane one xoshiro128++ generator run on its own), finished, if that draw
//! fails the fast test, by the element's own fix-up generator (see the crate docs,
//! "Determinism"). The functions here do exactly that, element by element, with no SIMD,
//! and [`crate::sample`] is tested to give the same bits. They are public so that a
//! device's output can be checked on a host (or the other way round).
//!
//! ```
//! use glorot::{reference, sample, Key};
//! let mut fast = [0.0f32; 100];
//! let mut slow = [0.0f32; 100];
//! sample::truncated_normal(Key::new(3), 5000, &mut fast)?;
//! reference::truncated_normal(Key::new(3), 5000, &mut slow)?;
//! assert_eq!(fast.map(f32::to_bits), slow.map(f32::to_bits));
//! # Ok::<(), glorot::Error>(())
//! ```

use crate::fill::{fill_reference, Sampler};
use crate::{Error, Key};

/// Scalar twin of [`crate::sample::normal`].
///
/// # Errors
/// [`Error::RangeOverflow`] if `offset + out.len()` overflows `u64`; `out` is untouched.
pub fn normal(key: Key, offset: u64, out: &mut [f32]) -> Result<(), Error> {
    fill_reference(Sampler::Normal, key, offset, out)
}

/// Scalar twin of [`crate::sample::truncated_normal`].
///
/// # Errors
/// [`Error::RangeOverflow`] if `offset + out.len()` overflows `u64`; `out` is untouched.
pub fn truncated_normal(key: Key, offset: u64, out: &mut [f32]) -> Result<(), Error> {
    fill_reference(Sampler::TruncatedNormal, key, offset, out)
}

/// Scalar twin of [`crate::sample::uniform`].
///
/// # Errors
/// [`Error::RangeOverflow`] if `offset + out.len()` overflows `u64`; `out` is untouched.
pub fn uniform(key: Key, offset: u64, out: &mut [f32]) -> Result<(), Error> {
    fill_reference(Sampler::Uniform, key, offset, out)
}

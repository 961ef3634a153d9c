//! Half-precision output (feature `half`): a key's `f32` stream rounded to nearest even
//! into [`f16`](struct@f16) or [`bf16`], for the three samplers and for every [`Initializer`].
//!
//! The values are exactly `f16::from_f32(x)` / `bf16::from_f32(x)` of the `f32` values `x`
//! that the `f32` functions write at the same positions — the stream contract, and so
//! position addressing, splits and golden vectors, carry over unchanged:
//!
//! ```
//! use glorot::half::{bf16, f16, InitializerHalf};
//! use glorot::{sample, Fans, GlorotNormal, Initializer, Key};
//! let key = Key::new(42);
//! let mut w16 = [f16::ZERO; 6400];
//! GlorotNormal.fill_half(Fans::new(100, 64), key, 0, &mut w16)?;
//!
//! let mut w32 = [0.0f32; 6400];
//! GlorotNormal.fill(Fans::new(100, 64), key, 0, &mut w32)?;
//! assert!(w16.iter().zip(&w32).all(|(h, x)| h.to_bits() == f16::from_f32(*x).to_bits()));
//!
//! // The samplers, e.g. elements 1000..1100 of a standard normal stream in bf16:
//! let mut z = [bf16::ZERO; 100];
//! glorot::half::normal(key, 1000, &mut z)?;
//! # Ok::<(), glorot::Error>(())
//! ```
//!
//! Sampling in `f32` and rounding keeps the full shape of the distribution: a bf16 tensor
//! gets every bf16 value in range, not the 128 values of an 8-bit draw. Values whose
//! magnitude exceeds the format's largest finite number (65504 for `f16`) round to
//! infinity, as `from_f32` does; no standard initializer comes near it.
//!
//! Nothing is allocated and no `f32` buffer of the output's size is needed: values are made
//! a block at a time in a buffer on the stack (one chunk, 4 KiB, where the fill is SIMD;
//! 64 values where it runs lane by lane, on small devices) and rounded as they are written.
//! Every function validates its arguments before the first write, so an `Err` leaves
//! `out` untouched.

use ::half::{bf16 as Bf16, f16 as F16};

use crate::chunk::{CHUNK, SIMD};
use crate::fill::{fill_checked, Sampler};
use crate::{Error, Fans, Initializer, Key, Layout, Sampling};

pub use ::half::{bf16, f16};

mod sealed {
    pub trait Sealed {}
    impl Sealed for ::half::f16 {}
    impl Sealed for ::half::bf16 {}
}

/// A half-precision format that glorot writes: [`f16`](struct@f16) or [`bf16`] (sealed).
pub trait HalfFloat: Copy + sealed::Sealed {
    /// `x` rounded to nearest, ties to even (`f16::from_f32` / `bf16::from_f32`).
    fn from_f32(x: f32) -> Self;
}

impl HalfFloat for F16 {
    #[inline]
    fn from_f32(x: f32) -> Self {
        F16::from_f32(x)
    }
}

impl HalfFloat for Bf16 {
    #[inline]
    fn from_f32(x: f32) -> Self {
        Bf16::from_f32(x)
    }
}

/// Standard normal values, rounded: element `i` is `H::from_f32` of element `offset + i` of
/// [`crate::sample::normal`]'s output for `key`.
///
/// # Errors
/// [`Error::RangeOverflow`] if `offset + out.len()` overflows `u64`; `out` is untouched.
pub fn normal<H: HalfFloat>(key: Key, offset: u64, out: &mut [H]) -> Result<(), Error> {
    check(offset, out.len())?;
    walk(key, offset, out, Sampler::Normal, |_| {});
    Ok(())
}

/// Standard normal values truncated to `[-2, 2]`, rounded; see
/// [`crate::sample::truncated_normal`].
///
/// # Errors
/// [`Error::RangeOverflow`] if `offset + out.len()` overflows `u64`; `out` is untouched.
pub fn truncated_normal<H: HalfFloat>(key: Key, offset: u64, out: &mut [H]) -> Result<(), Error> {
    check(offset, out.len())?;
    walk(key, offset, out, Sampler::TruncatedNormal, |_| {});
    Ok(())
}

/// Uniform values on `[-1, 1)`, rounded; see [`crate::sample::uniform`]. (Rounding can
/// carry values just below 1 up to 1.)
///
/// # Errors
/// [`Error::RangeOverflow`] if `offset + out.len()` overflows `u64`; `out` is untouched.
pub fn uniform<H: HalfFloat>(key: Key, offset: u64, out: &mut [H]) -> Result<(), Error> {
    check(offset, out.len())?;
    walk(key, offset, out, Sampler::Uniform, |_| {});
    Ok(())
}

/// Half-precision fills for every [`Initializer`] (blanket-implemented; bring it into scope
/// with `use glorot::half::InitializerHalf`).
pub trait InitializerHalf: Initializer {
    /// Writes elements `offset .. offset + out.len()` of the tensor with these `fans`, each
    /// `H::from_f32` of the value [`Initializer::fill`] writes there.
    ///
    /// The values come from [`Initializer::sampling`] and the formula its [`Sampling`]
    /// documents, which is what `fill` does for every initializer of this crate; an empty
    /// `out` is handed to `fill` itself, so that its errors (or its absence of errors, as
    /// for PyTorch's empty tensors) are the same as `fill`'s.
    ///
    /// # Errors
    /// Those of [`Initializer::fill`]. On `Err`, `out` is untouched.
    fn fill_half<H: HalfFloat>(
        &self,
        fans: Fans,
        key: Key,
        offset: u64,
        out: &mut [H],
    ) -> Result<(), Error> {
        if out.is_empty() {
            return self.fill(fans, key, offset, &mut []);
        }
        // The same checks, in the same order, as `sampling(fans)?.fill(key, offset, out)`.
        let s = self.sampling(fans)?;
        s.validate()?;
        check(offset, out.len())?;
        fill_sampling(&s, key, offset, out);
        Ok(())
    }

    /// [`Initializer::fill_shape`] in half precision: the whole tensor of `shape`, its fans
    /// computed in `layout`, each value `H::from_f32` of the `f32` one.
    ///
    /// ```
    /// use glorot::half::{bf16, InitializerHalf};
    /// use glorot::{GlorotNormal, Key, Layout};
    /// let mut w = vec![bf16::ZERO; 3 * 3 * 16 * 32];
    /// GlorotNormal.fill_shape_half(&[3, 3, 16, 32], Layout::Keras, Key::new(42), &mut w)?;
    /// # Ok::<(), glorot::Error>(())
    /// ```
    ///
    /// # Errors
    /// Those of [`Initializer::fill_shape`]. On `Err`, `out` is untouched.
    fn fill_shape_half<H: HalfFloat>(
        &self,
        shape: &[usize],
        layout: Layout<'_>,
        key: Key,
        out: &mut [H],
    ) -> Result<(), Error> {
        let fans = crate::init::whole_tensor_fans(shape, layout, out.len())?;
        self.fill_half(fans, key, 0, out)
    }
}

impl<I: Initializer + ?Sized> InitializerHalf for I {}

/// `offset + len` must fit in a `u64` (the check of the `f32` fills).
fn check(offset: u64, len: usize) -> Result<(), Error> {
    match u64::try_from(len).ok().and_then(|n| offset.checked_add(n)) {
        Some(_) => Ok(()),
        None => Err(Error::RangeOverflow),
    }
}

/// A [`Sampling`]'s values, as [`Sampling::fill`] computes them, rounded into `out`.
/// `s` has been validated.
fn fill_sampling<H: HalfFloat>(s: &Sampling, key: Key, offset: u64, out: &mut [H]) {
    match *s {
        Sampling::Normal { mean, stddev } => {
            walk(key, offset, out, Sampler::Normal, |v| {
                affine(v, stddev, mean)
            });
        }
        Sampling::TruncatedNormal { mean, stddev } => {
            walk(key, offset, out, Sampler::TruncatedNormal, |v| {
                affine(v, stddev, mean)
            });
        }
        Sampling::Uniform { limit } => {
            walk(key, offset, out, Sampler::Uniform, |v| {
                affine(v, limit, 0.0)
            });
        }
        Sampling::UniformRange { minval, maxval } => {
            let width = maxval - minval;
            let below = maxval.next_down();
            walk(key, offset, out, Sampler::Uniform, |v| {
                for x in v.iter_mut() {
                    let y = minval + width * ((*x + 1.0) * 0.5);
                    *x = if y < maxval { y } else { below };
                }
            });
        }
    }
}

/// [`Sampling`]'s normal and uniform formulas: `v * s`, then `+ m` as a separate add
/// unless `m == 0` (the operations of `Sampling::fill`, so the same bits).
#[inline(always)]
fn affine(v: &mut [f32; 8], s: f32, m: f32) {
    if m == 0.0 {
        for x in v.iter_mut() {
            *x *= s;
        }
    } else {
        for x in v.iter_mut() {
            *x = *x * s + m;
        }
    }
}

/// Values made per block: a whole chunk where the fill is SIMD (so each chunk's lanes are
/// seeded once, as in the `f32` fill), 64 where it runs lane by lane (small stacks).
const BLOCK: usize = if SIMD { CHUNK as usize } else { 64 };

/// Writes elements `offset .. offset + out.len()` of `key`'s stream of sampler `s`, each
/// vector of eight values passed through `map` and rounded: block by block (aligned to
/// [`BLOCK`]), each block filled by the `f32` fill into a buffer on the stack.
#[inline(always)]
fn walk<H: HalfFloat>(
    key: Key,
    offset: u64,
    out: &mut [H],
    s: Sampler,
    map: impl Fn(&mut [f32; 8]),
) {
    let mut buf = [0.0f32; BLOCK];
    let mut pos = offset;
    let mut rest = out;
    while !rest.is_empty() {
        let n = rest.len().min(BLOCK - (pos % BLOCK as u64) as usize);
        let (part, tail) = rest.split_at_mut(n);
        let vals = &mut buf[..n];
        fill_checked(s, key, pos, vals);
        let (groups, last) = vals.as_chunks_mut::<8>();
        let (dst, dst_last) = part.split_at_mut(groups.len() * 8);
        for (v, d) in groups.iter_mut().zip(dst.chunks_exact_mut(8)) {
            map(v);
            for (d, x) in d.iter_mut().zip(v.iter()) {
                *d = H::from_f32(*x);
            }
        }
        if !last.is_empty() {
            let mut v = [0.0f32; 8];
            v[..last.len()].copy_from_slice(last);
            map(&mut v);
            for (d, x) in dst_last.iter_mut().zip(v) {
                *d = H::from_f32(x);
            }
        }
        pos += n as u64;
        rest = tail;
    }
}

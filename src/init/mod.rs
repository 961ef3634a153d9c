//! The initializers: a trait that turns fans into a [`Sampling`], and Keras', PyTorch's and
//! JAX's initializers as types that implement it.
//!
//! Every initializer resolves, for given [`Fans`], to one [`Sampling`] — a distribution
//! with its `f32` parameters — and fills by drawing a standard sampler from
//! [`crate::sample`] and applying a plain `f32` multiply (and add, for a mean). Fills are
//! therefore position-addressable and bit-reproducible exactly like the samplers.
//!
//! | Keras 3 | PyTorch | JAX | here |
//! |---|---|---|---|
//! | `GlorotNormal` | — | `glorot_normal` | [`GlorotNormal`] |
//! | `GlorotUniform` | — | `glorot_uniform` | [`GlorotUniform`] |
//! | `HeNormal`, `HeUniform` | — | `he_normal`, `he_uniform` | [`HeNormal`], [`HeUniform`] |
//! | `LecunNormal`, `LecunUniform` | — | `lecun_*` | [`LecunNormal`], [`LecunUniform`] |
//! | `VarianceScaling` | — | `variance_scaling` | [`VarianceScaling`] |
//! | `RandomNormal`, `TruncatedNormal`, `RandomUniform` | `normal_`, `trunc_normal_`, `uniform_` | `normal`, `truncated_normal`, `uniform` | [`RandomNormal`], [`TruncatedNormal`], [`RandomUniform`] |
//! | — | `xavier_normal_`, `xavier_uniform_` | — | [`XavierNormal`], [`XavierUniform`] |
//! | — | `kaiming_normal_`, `kaiming_uniform_` | — | [`KaimingNormal`], [`KaimingUniform`] |
//!
//! Fans come from [`Fans::new`] or [`Fans::from_shape`] with a [`Layout`]:
//! Keras' HWIO, PyTorch's OIHW, or JAX-style named axes.

mod exact_f64;
mod keras;
mod sampling;
mod torch;
mod variance_scaling;

pub use keras::{
    GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform, RandomNormal,
    RandomUniform, TruncatedNormal,
};
pub use sampling::Sampling;
pub use torch::{KaimingNormal, KaimingUniform, Nonlinearity, XavierNormal, XavierUniform};
pub use variance_scaling::{Distribution, FanMode, VarianceScaling, TRUNCATION_CORRECTION};

use crate::{element_count, Error, Fans, Key, Layout};

/// A weight initializer: fans in, a [`Sampling`] out, and fills built on it.
///
/// `fill(fans, key, offset, out)` writes elements `offset .. offset + out.len()` of the
/// tensor, so a tensor can be filled in slices, in any order, with the bits of one call.
///
/// ```
/// use glorot::{Fans, GlorotNormal, Initializer, Key, Layout};
/// let mut w = [0.0f32; 100 * 64];
/// GlorotNormal.fill(Fans::new(100, 64), Key::new(42), 0, &mut w)?;
///
/// // The same tensor from its Keras shape, and its second half on its own:
/// let mut v = [0.0f32; 100 * 64];
/// GlorotNormal.fill_shape(&[100, 64], Layout::Keras, Key::new(42), &mut v)?;
/// let mut half = [0.0f32; 3200];
/// GlorotNormal.fill_shape_range(&[100, 64], Layout::Keras, Key::new(42), 3200, &mut half)?;
/// assert_eq!(w.map(f32::to_bits), v.map(f32::to_bits));
/// assert_eq!(&w[3200..], &half[..]);
/// # Ok::<(), glorot::Error>(())
/// ```
pub trait Initializer {
    /// The distribution drawn for `fans`, with the `f32` parameters actually used.
    ///
    /// # Errors
    /// Depends on the initializer (each implementation documents its own): invalid
    /// parameters, or numbers that are not usable in `f32`.
    fn sampling(&self, fans: Fans) -> Result<Sampling, Error>;

    /// Writes elements `offset .. offset + out.len()` of the tensor with these `fans`,
    /// drawn from `key`'s stream.
    ///
    /// # Errors
    /// Those of [`Initializer::sampling`], and [`Error::RangeOverflow`] if `offset +
    /// out.len()` overflows `u64`. On `Err`, `out` is untouched.
    fn fill(&self, fans: Fans, key: Key, offset: u64, out: &mut [f32]) -> Result<(), Error> {
        self.sampling(fans)?.fill(key, offset, out)
    }

    /// Fills a whole tensor of shape `shape`, its fans computed in `layout`.
    ///
    /// # Errors
    /// Those of [`Fans::from_shape`]; [`Error::LengthMismatch`] if `out.len()` is not the
    /// shape's element count; those of [`Initializer::fill`]. On `Err`, `out` is
    /// untouched.
    fn fill_shape(
        &self,
        shape: &[usize],
        layout: Layout<'_>,
        key: Key,
        out: &mut [f32],
    ) -> Result<(), Error> {
        let fans = whole_tensor_fans(shape, layout, out.len())?;
        self.fill(fans, key, 0, out)
    }

    /// Fills elements `offset .. offset + out.len()` of a tensor of shape `shape`.
    ///
    /// # Errors
    /// Those of [`Fans::from_shape`]; [`Error::SliceOutOfTensor`] if the range does not
    /// lie inside the tensor; those of [`Initializer::fill`]. On `Err`, `out` is untouched.
    fn fill_shape_range(
        &self,
        shape: &[usize],
        layout: Layout<'_>,
        key: Key,
        offset: u64,
        out: &mut [f32],
    ) -> Result<(), Error> {
        let fans = Fans::from_shape(shape, layout)?;
        let len = element_count(shape)?;
        let end = u64::try_from(out.len())
            .ok()
            .and_then(|n| offset.checked_add(n));
        if !matches!(end, Some(end) if end <= len) {
            return Err(Error::SliceOutOfTensor { len });
        }
        self.fill(fans, key, offset, out)
    }
}

/// The fans of a tensor of `shape` in `layout` that an output of `len` elements fills
/// whole: [`Initializer::fill_shape`]'s checks (also those of `fill_shape_half`).
pub(crate) fn whole_tensor_fans(
    shape: &[usize],
    layout: Layout<'_>,
    len: usize,
) -> Result<Fans, Error> {
    let fans = Fans::from_shape(shape, layout)?;
    let expected = element_count(shape)?;
    if u64::try_from(len) != Ok(expected) {
        return Err(Error::LengthMismatch {
            expected,
            actual: len,
        });
    }
    Ok(fans)
}

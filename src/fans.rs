//! Fans: the numbers of input and output units of a weight tensor, computed from its shape
//! for Keras' (`HWIO`), PyTorch's (`OIHW`) or explicitly named axes, in checked arithmetic.

use crate::Error;

/// The fan-in and fan-out of a weight tensor: the numbers of input and output units each
/// weight connects, times the receptive field of a convolution kernel.
///
/// ```
/// use glorot::{Fans, Layout};
/// // A 3×3 convolution from 16 to 32 channels, in Keras' HWIO and PyTorch's OIHW order:
/// assert_eq!(Fans::from_shape(&[3, 3, 16, 32], Layout::Keras)?, Fans::new(144, 288));
/// assert_eq!(Fans::from_shape(&[32, 16, 3, 3], Layout::Torch)?, Fans::new(144, 288));
/// # Ok::<(), glorot::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fans {
    /// The number of input units (`shape[-2] * receptive field` in Keras).
    pub fan_in: u64,
    /// The number of output units (`shape[-1] * receptive field` in Keras).
    pub fan_out: u64,
}

/// How a shape's axes map to input units, output units and the receptive field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout<'a> {
    /// Keras' `compute_fans`: `(..., in, out)`, e.g. a 2-D kernel is HWIO. Rank 0 gives
    /// `(1, 1)`, rank 1 gives `(s0, s0)`, rank 2 gives `(s0, s1)`, and a higher rank gives
    /// `(s[-2] * r, s[-1] * r)` with the receptive field `r = prod(s[..rank-2])`.
    Keras,
    /// PyTorch's `_calculate_fan_in_and_fan_out`: `(out, in, ...)`, e.g. a 2-D kernel is
    /// OIHW: `(s1 * r, s0 * r)` with `r = prod(s[2..])`. Rank `< 2` is an error, as in
    /// PyTorch.
    Torch,
    /// Named axes, as JAX's `variance_scaling(in_axis, out_axis, batch_axis)` (a single
    /// axis is a one-element slice): `fan_in = prod(s[in_axes]) * r`, `fan_out =
    /// prod(s[out_axes]) * r`, where the receptive field `r` is the product of the axes
    /// named in none of the three lists; batch axes count in neither fan. Negative axes
    /// count from the end (`-1` is the last). Rank `< 2` is an error, as in JAX; an axis
    /// must be in `-rank .. rank` and may be named only once over all three lists.
    ///
    /// JAX's defaults `in_axis=-2, out_axis=-1, batch_axis=()` give Keras' fans for
    /// rank ≥ 2.
    Axes {
        /// The axes whose sizes multiply into `fan_in`.
        in_axes: &'a [isize],
        /// The axes whose sizes multiply into `fan_out`.
        out_axes: &'a [isize],
        /// The axes that count in neither fan (a batch of independent kernels).
        batch_axes: &'a [isize],
    },
}

/// The number of elements of a tensor of shape `shape` (`1` for rank 0, `0` if any
/// dimension is `0`).
///
/// # Errors
/// [`Error::ShapeOverflow`] if the product does not fit in a `u64`.
pub fn element_count(shape: &[usize]) -> Result<u64, Error> {
    if shape.contains(&0) {
        return Ok(0);
    }
    product(shape.iter().copied())
}

/// Checked product of dimensions; `0` if any dimension is `0`, even when the product of
/// the others would overflow (a zero-sized tensor has zero fans, not an error).
fn product(dims: impl Iterator<Item = usize> + Clone) -> Result<u64, Error> {
    if dims.clone().any(|d| d == 0) {
        return Ok(0);
    }
    dims.into_iter().try_fold(1u64, |acc, d| {
        u64::try_from(d)
            .ok()
            .and_then(|d| acc.checked_mul(d))
            .ok_or(Error::ShapeOverflow)
    })
}

impl Fans {
    /// Fans given directly, e.g. `Fans::new(100, 64)` for a dense layer from 100 to 64
    /// units.
    #[inline]
    pub const fn new(fan_in: u64, fan_out: u64) -> Fans {
        Fans { fan_in, fan_out }
    }

    /// The fans of a tensor of shape `shape` in `layout`. A zero-sized dimension gives
    /// zero fans where the formulas say so (Keras' `max(1, fan)` guard belongs to
    /// [`VarianceScaling`](crate::VarianceScaling), not here).
    ///
    /// ```
    /// use glorot::{Fans, Layout};
    /// let jax = Layout::Axes { in_axes: &[-2], out_axes: &[-1], batch_axes: &[0] };
    /// // A batch of 8 independent 3×3 kernels from 16 to 32 channels:
    /// assert_eq!(Fans::from_shape(&[8, 3, 3, 16, 32], jax)?, Fans::new(144, 288));
    /// assert_eq!(Fans::from_shape(&[], Layout::Keras)?, Fans::new(1, 1));
    /// assert_eq!(Fans::from_shape(&[7], Layout::Keras)?, Fans::new(7, 7));
    /// # Ok::<(), glorot::Error>(())
    /// ```
    ///
    /// # Errors
    /// - [`Error::ShapeOverflow`] if the element count or a fan does not fit in a `u64`;
    /// - [`Error::RankTooSmall`] for rank `< 2` with [`Layout::Torch`] or [`Layout::Axes`];
    /// - [`Error::InvalidAxis`] if an axis of [`Layout::Axes`] is out of range or repeated.
    pub fn from_shape(shape: &[usize], layout: Layout<'_>) -> Result<Fans, Error> {
        // Every layout rejects a shape whose element count overflows, even when a zero
        // dimension elsewhere would keep the fans small.
        element_count(shape)?;
        let rank = shape.len();
        let dim = |i: usize| u64::try_from(shape[i]).map_err(|_| Error::ShapeOverflow);
        match layout {
            Layout::Keras => match rank {
                0 => Ok(Fans::new(1, 1)),
                1 => Ok(Fans::new(dim(0)?, dim(0)?)),
                // Each fan is one product (its own dimension times the receptive field),
                // so a zero anywhere in it wins over an overflow elsewhere in it.
                _ => {
                    let receptive = shape[..rank - 2].iter().copied();
                    Ok(Fans::new(
                        product(receptive.clone().chain([shape[rank - 2]]))?,
                        product(receptive.chain([shape[rank - 1]]))?,
                    ))
                }
            },
            Layout::Torch => {
                if rank < 2 {
                    return Err(Error::RankTooSmall { rank, min: 2 });
                }
                let receptive = shape[2..].iter().copied();
                Ok(Fans::new(
                    product(receptive.clone().chain([shape[1]]))?,
                    product(receptive.chain([shape[0]]))?,
                ))
            }
            Layout::Axes {
                in_axes,
                out_axes,
                batch_axes,
            } => {
                if rank < 2 {
                    return Err(Error::RankTooSmall { rank, min: 2 });
                }
                let all = || in_axes.iter().chain(out_axes).chain(batch_axes);
                // Normalise and range-check every axis, then reject repeats (k² compares
                // over a handful of axes; no allocation).
                for (i, &a) in all().enumerate() {
                    let a = normalise(a, rank)?;
                    for &b in all().skip(i + 1) {
                        if normalise(b, rank)? == a {
                            return Err(Error::InvalidAxis);
                        }
                    }
                }
                // Axes were checked above, so `normalise` cannot fail here. Each fan is one
                // product: its named dimensions times the unnamed (receptive) ones.
                let named = |d: usize| all().any(|&a| normalise(a, rank) == Ok(d));
                let receptive = (0..rank).filter(move |&d| !named(d)).map(|d| shape[d]);
                let fan = |axes: &[isize]| {
                    let own = axes
                        .iter()
                        .map(|&a| normalise(a, rank).map_or(0, |d| shape[d]));
                    product(own.chain(receptive.clone()))
                };
                Ok(Fans::new(fan(in_axes)?, fan(out_axes)?))
            }
        }
    }
}

/// `axis` as an index in `0..rank` (negative axes count from the end).
fn normalise(axis: isize, rank: usize) -> Result<usize, Error> {
    let i = if axis < 0 {
        rank.checked_sub(axis.unsigned_abs())
    } else {
        Some(axis.unsigned_abs())
    };
    i.filter(|&i| i < rank).ok_or(Error::InvalidAxis)
}

//! The crate's one error type: a small `Copy` enum, so `no_std` callers can match on it
//! and firmware can turn it into an error code without allocating.

use core::fmt;

/// Everything that can go wrong in `glorot`.
///
/// Every fallible function validates its input *before* it writes anything, so an
/// `Err` always means the output slice was left untouched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// `offset + out.len()` does not fit in a `u64` element index.
    RangeOverflow,
    /// A shape's element count, or a fan computed from it, does not fit in a `u64`.
    ShapeOverflow,
    /// The layout needs a tensor of at least `min` dimensions (PyTorch's and JAX's fans
    /// need two), and the shape has `rank`.
    RankTooSmall {
        /// The shape's number of dimensions.
        rank: usize,
        /// The fewest dimensions the layout accepts.
        min: usize,
    },
    /// An explicit axis is outside `-rank .. rank`, or the same axis is named twice.
    InvalidAxis,
    /// A variance-scaling `scale` that is not finite or not `> 0`.
    InvalidScale,
    /// A parameter other than `scale` is out of its domain: a gain, standard deviation or
    /// leaky-ReLU slope that is not finite (or a gain or standard deviation that is not
    /// `> 0`), a mean or bound that is not finite, `minval >= maxval`, or a fan mode that
    /// PyTorch's Kaiming initializers do not have.
    InvalidParameter,
    /// PyTorch semantics divide by a fan that is zero (`xavier_*` with `fan_in + fan_out ==
    /// 0`, `kaiming_*` with a zero fan on a non-empty tensor).
    ZeroFan,
    /// The parameters are valid but the numbers they lead to are not usable in `f32`: a
    /// standard deviation or limit that rounds to `0` or to infinity, a uniform limit below
    /// `f32::MIN_POSITIVE` (too few bits to keep `[-limit, limit)` half-open), or weights whose
    /// magnitude could overflow `f32` (a huge `stddev` or `mean`, a range
    /// `maxval - minval` that overflows).
    ScaleOutOfRange,
    /// The output slice does not have the length the shape asks for.
    LengthMismatch {
        /// The number of elements the shape (or the slice of it) has.
        expected: u64,
        /// `out.len()`.
        actual: usize,
    },
    /// `offset .. offset + out.len()` is not inside a tensor of `len` elements.
    SliceOutOfTensor {
        /// The tensor's element count.
        len: u64,
    },
    /// A seeded layer's input does not have the layer's number of inputs
    /// ([`seeded::Dense::forward`](crate::seeded::Dense::forward)).
    InputMismatch {
        /// The layer's number of inputs.
        expected: u64,
        /// `x.len()`.
        actual: usize,
    },
    /// A seeded layer was given an empty scratch buffer to regenerate its weights into.
    EmptyScratch,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::RangeOverflow => f.write_str("offset + length overflows the u64 element index"),
            Error::ShapeOverflow => f.write_str("the shape's element count or a fan overflows u64"),
            Error::RankTooSmall { rank, min } => write!(
                f,
                "fans need a tensor of at least {min} dimensions, got rank {rank}"
            ),
            Error::InvalidAxis => {
                f.write_str("an axis is out of range for the shape, or named twice")
            }
            Error::InvalidScale => f.write_str("scale must be finite and > 0"),
            Error::InvalidParameter => f.write_str(
                "invalid parameter (gain/stddev must be finite and > 0, mean/minval/maxval \
                 finite with minval < maxval, slope finite, Kaiming mode fan_in or fan_out)",
            ),
            Error::ZeroFan => f.write_str("the fan is zero (PyTorch divides by it)"),
            Error::ScaleOutOfRange => f.write_str(
                "the standard deviation, limit or range is 0 or overflows f32, \
                 or the weights could overflow f32",
            ),
            Error::LengthMismatch { expected, actual } => write!(
                f,
                "output has {actual} elements but the shape has {expected}"
            ),
            Error::SliceOutOfTensor { len } => {
                write!(f, "the slice is not inside the tensor of {len} elements")
            }
            Error::InputMismatch { expected, actual } => write!(
                f,
                "input has {actual} elements but the layer has {expected} inputs"
            ),
            Error::EmptyScratch => f.write_str("the scratch buffer is empty"),
        }
    }
}

impl core::error::Error for Error {}

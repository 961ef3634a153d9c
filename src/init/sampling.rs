//! `Sampling`: the one distribution an initializer resolves to for given fans, and the
//! fill that draws it — a standard sampler, then a plain `f32` multiply and add.

use crate::chunk::{Affine, Post};
use crate::fill::Sampler;
use crate::{sample, Error, Key};

/// The largest `|z|` of [`sample::normal`] (the end of Marsaglia's tail, tested there).
const NORMAL_MAX_ABS: f64 = sample::NORMAL_MAX_ABS as f64;
/// The largest `|t|` of [`sample::truncated_normal`].
const TRUNCATED_MAX_ABS: f64 = sample::TRUNCATED_MAX_ABS as f64;
/// `1 + 2^-23`: covers the relative rounding error of one `f32` operation (`2^-24`) with
/// room to spare.
const ROUNDING: f64 = 1.0 + 1.0 / 8_388_608.0;

/// The distribution an initializer draws from once the fans are known, with the `f32`
/// numbers that are actually used. [`Initializer::sampling`](crate::Initializer::sampling)
/// returns it, so the standard deviation or limit of any initializer can be read off.
///
/// Each variant states its output exactly (plain `f32` operations, no fused multiply-add,
/// so the bits are the same on every target):
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sampling {
    /// `z * stddev`, then `+ mean` unless `mean == 0`, with `z` from [`sample::normal`].
    Normal {
        /// The mean.
        mean: f32,
        /// The standard deviation.
        stddev: f32,
    },
    /// `t * stddev`, then `+ mean` unless `mean == 0`, with `t` from
    /// [`sample::truncated_normal`]: a normal of parameters `(mean, stddev)` truncated to
    /// `mean ± 2 stddev`. Its standard deviation is `0.8796 * stddev`.
    TruncatedNormal {
        /// The mean.
        mean: f32,
        /// The standard deviation of the normal *before* truncation (the number Keras
        /// computes and passes to its truncated-normal sampler).
        stddev: f32,
    },
    /// `u * limit` with `u` from [`sample::uniform`]: uniform on `[-limit, limit)`.
    Uniform {
        /// The half-width.
        limit: f32,
    },
    /// `minval + (maxval - minval) * ((u + 1) * 0.5)` with `u` from [`sample::uniform`]
    /// (so `(u + 1) * 0.5` is uniform on `[0, 1)`, exactly); a value that rounding carries
    /// up to `maxval` is replaced by the largest `f32` below `maxval`, so every value lies
    /// in `[minval, maxval)`.
    UniformRange {
        /// The inclusive lower bound.
        minval: f32,
        /// The exclusive upper bound.
        maxval: f32,
    },
}

impl Sampling {
    /// The normal's standard deviation for the two normal variants (before truncation for
    /// [`Sampling::TruncatedNormal`]), `None` for the uniform ones.
    pub const fn stddev(&self) -> Option<f32> {
        match *self {
            Sampling::Normal { stddev, .. } | Sampling::TruncatedNormal { stddev, .. } => {
                Some(stddev)
            }
            Sampling::Uniform { .. } | Sampling::UniformRange { .. } => None,
        }
    }

    /// The half-width of [`Sampling::Uniform`], `None` for the other variants.
    pub const fn limit(&self) -> Option<f32> {
        match *self {
            Sampling::Uniform { limit } => Some(limit),
            _ => None,
        }
    }

    /// Checks that filling cannot produce a NaN, an infinity or a constant.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] if a `stddev` or `limit` is not finite and `> 0`, a
    ///   `mean`, `minval` or `maxval` is not finite, or `minval >= maxval`;
    /// - [`Error::ScaleOutOfRange`] if `|mean| + max|z| * stddev` could exceed `f32::MAX`
    ///   (`max|z|` is [`sample::NORMAL_MAX_ABS`] = 8.2067 for the normal sampler,
    ///   [`sample::TRUNCATED_MAX_ABS`] < 2 for the truncated one), or
    ///   `maxval - minval` overflows `f32`.
    pub fn validate(&self) -> Result<(), Error> {
        let positive = |x: f32| x.is_finite() && x > 0.0;
        match *self {
            Sampling::Normal { mean, stddev } | Sampling::TruncatedNormal { mean, stddev } => {
                if !mean.is_finite() || !positive(stddev) {
                    return Err(Error::InvalidParameter);
                }
                let z = match self {
                    Sampling::Normal { .. } => NORMAL_MAX_ABS,
                    _ => TRUNCATED_MAX_ABS,
                };
                // |fl(fl(z*s) + m)| <= ((z*s)(1+e) + |m|)(1+e): bounded by MAX, the sum
                // cannot round to infinity.
                let worst = (z * stddev as f64 * ROUNDING + (mean as f64).abs()) * ROUNDING;
                if worst > f32::MAX as f64 {
                    return Err(Error::ScaleOutOfRange);
                }
            }
            // |fl(u * limit)| <= limit for |u| <= 1: nothing can overflow.
            Sampling::Uniform { limit } if !positive(limit) => return Err(Error::InvalidParameter),
            // With a normal `limit`, |u| <= 1 - 2^-23 keeps `u * limit` at least one ulp
            // inside the range; a subnormal limit has too few bits and `u * limit` can round
            // to `limit` itself.
            Sampling::Uniform { limit } if limit < f32::MIN_POSITIVE => {
                return Err(Error::ScaleOutOfRange)
            }
            Sampling::Uniform { .. } => {}
            Sampling::UniformRange { minval, maxval } => {
                if !minval.is_finite() || !maxval.is_finite() || minval >= maxval {
                    return Err(Error::InvalidParameter);
                }
                if !(maxval - minval).is_finite() {
                    return Err(Error::ScaleOutOfRange);
                }
            }
        }
        Ok(())
    }

    /// Writes elements `offset .. offset + out.len()` of the key's stream of this
    /// distribution: like the samplers it is built on, any split of a tensor into slices
    /// gives the bits of one call.
    ///
    /// ```
    /// use glorot::{Key, Sampling};
    /// let mut w = [0.0f32; 100];
    /// Sampling::Uniform { limit: 0.25 }.fill(Key::new(1), 0, &mut w)?;
    /// assert!(w.iter().all(|x| (-0.25..0.25).contains(x)));
    /// # Ok::<(), glorot::Error>(())
    /// ```
    ///
    /// # Errors
    /// Those of [`Sampling::validate`], and [`Error::RangeOverflow`] if `offset +
    /// out.len()` overflows `u64`. On `Err`, `out` is untouched.
    pub fn fill(&self, key: Key, offset: u64, out: &mut [f32]) -> Result<(), Error> {
        self.validate()?;
        self.fill_valid(key, offset, out)
    }

    /// [`Sampling::fill`] for a sampling known to pass [`Sampling::validate`]. Inlined, so
    /// that a caller whose variant is a constant links only that variant's sampler.
    #[inline(always)]
    pub(crate) fn fill_valid(&self, key: Key, offset: u64, out: &mut [f32]) -> Result<(), Error> {
        if u64::try_from(out.len())
            .ok()
            .and_then(|n| offset.checked_add(n))
            .is_none()
        {
            return Err(Error::RangeOverflow);
        }
        if crate::chunk::SIMD {
            // The vector kernels scale each value as they make it (`Post` below).
            crate::fill::fill_vectors(self.sampler(), key, offset, out, *self);
            return Ok(());
        }
        // Lane by lane: one chunk at a time, so the scaling pass reads values still in
        // cache rather than making a second trip through memory for large tensors.
        let chunk = sample::CHUNK;
        let mut pos = offset;
        let mut rest = out;
        while !rest.is_empty() {
            let take = rest.len().min((chunk - pos % chunk) as usize);
            let (piece, tail) = rest.split_at_mut(take);
            crate::fill::fill_checked(self.sampler(), key, pos, piece);
            self.transform(piece);
            pos += take as u64;
            rest = tail;
        }
        Ok(())
    }

    /// The standard sampler this distribution is made from.
    #[inline(always)]
    const fn sampler(&self) -> Sampler {
        match *self {
            Sampling::Normal { .. } => Sampler::Normal,
            Sampling::TruncatedNormal { .. } => Sampler::TruncatedNormal,
            Sampling::Uniform { .. } | Sampling::UniformRange { .. } => Sampler::Uniform,
        }
    }

    /// The lane-by-lane fill's transform of a chunk's final values: the whole of [`Post`]
    /// at once (a multiply by 1 and an add of 0 skipped, which changes no bit).
    #[inline]
    fn transform(self, out: &mut [f32]) {
        let Affine { s, m } = Post::affine(self);
        if s != 1.0 || m != 0.0 {
            affine(out, s, m);
        }
        Post::apply(self, out);
    }
}

/// The standard sampler's values to this distribution's: the scale and shift as values are
/// made, the range's transform per chunk.
impl Post for Sampling {
    #[inline(always)]
    fn affine(self) -> Affine {
        // `+ -0.0` is no add at all, bit for bit (see `Affine`), as `affine` skips `+ 0`.
        let m = |m: f32| if m == 0.0 { -0.0 } else { m };
        match self {
            Sampling::Normal { mean, stddev } | Sampling::TruncatedNormal { mean, stddev } => {
                Affine {
                    s: stddev,
                    m: m(mean),
                }
            }
            Sampling::Uniform { limit } => Affine { s: limit, m: -0.0 },
            Sampling::UniformRange { .. } => Affine::NONE,
        }
    }

    #[inline(always)]
    fn apply(self, out: &mut [f32]) {
        if let Sampling::UniformRange { minval, maxval } = self {
            range(out, minval, maxval);
        }
    }
}

/// `minval + (maxval - minval) * ((u + 1) * 0.5)`, kept below `maxval`.
#[inline(always)]
fn range(out: &mut [f32], minval: f32, maxval: f32) {
    let width = maxval - minval;
    let below = prev_f32(maxval);
    for v in out.iter_mut() {
        let x = minval + width * ((*v + 1.0) * 0.5);
        *v = if x < maxval { x } else { below };
    }
}

/// `v * s`, then `+ m` as a separate add (Rust never fuses the two) unless `m == 0`
/// (`Affine::of` without the add where it would change no bit).
#[inline(always)]
fn affine(out: &mut [f32], s: f32, m: f32) {
    if m == 0.0 {
        for v in out.iter_mut() {
            *v *= s;
        }
    } else {
        for v in out.iter_mut() {
            *v = *v * s + m;
        }
    }
}

/// The largest `f32` below the finite `x` (`f32::next_down`, which needs Rust 1.86).
fn prev_f32(x: f32) -> f32 {
    let b = x.to_bits();
    if x == 0.0 {
        -f32::from_bits(1)
    } else if x > 0.0 {
        f32::from_bits(b - 1)
    } else {
        f32::from_bits(b + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prev_f32_is_the_next_float_down() {
        let cases = [
            (1.0f32, 1.0 - 1.0 / 16_777_216.0),
            (-1.0, -(1.0 + 1.0 / 8_388_608.0)),
            (0.0, -f32::from_bits(1)),
            (-0.0, -f32::from_bits(1)),
            (f32::MAX, f32::from_bits(0x7F7F_FFFE)),
            (f32::from_bits(1), 0.0),
        ];
        for (x, p) in cases {
            assert_eq!(prev_f32(x).to_bits(), p.to_bits(), "prev_f32({x:e})");
        }
    }
}

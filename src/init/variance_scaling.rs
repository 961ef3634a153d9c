//! Keras' `VarianceScaling`: `scale / max(1, n)` for the fan `n` that the mode picks, turned
//! into a standard deviation or a limit in `f64` (with `libm`) and used as an `f32`.

use super::{Initializer, Sampling};
use crate::{Error, Fans};

/// Keras' and JAX's correction for the truncated normal: the standard deviation of a
/// standard normal truncated to `[-2, 2]`. Dividing by it makes the truncated values'
/// standard deviation `sqrt(scale / n)`.
#[allow(
    clippy::excessive_precision,
    reason = "Keras' constant, written as Keras writes it"
)]
pub const TRUNCATION_CORRECTION: f64 = 0.879_625_661_034_239_78;

/// Which fan divides the scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FanMode {
    /// `n = fan_in` (Keras `"fan_in"`, PyTorch `mode='fan_in'`).
    FanIn,
    /// `n = fan_out`.
    FanOut,
    /// `n = (fan_in + fan_out) / 2` (Keras `"fan_avg"`).
    FanAvg,
    /// `n = sqrt(fan_in * fan_out)` (JAX `"fan_geo_avg"`).
    FanGeoAvg,
}

impl FanMode {
    /// `n` for `fans`, in `f64` as Keras and JAX compute it: the sum and product are exact
    /// (in `u128`) and rounded once to `f64`.
    pub fn fan(self, fans: Fans) -> f64 {
        let (i, o) = (fans.fan_in as u128, fans.fan_out as u128);
        match self {
            FanMode::FanIn => fans.fan_in as f64,
            FanMode::FanOut => fans.fan_out as f64,
            FanMode::FanAvg => (i + o) as f64 / 2.0,
            FanMode::FanGeoAvg => libm::sqrt((i * o) as f64),
        }
    }
}

/// The distribution the scale is applied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Distribution {
    /// A normal truncated at ±2 standard deviations, with
    /// `stddev = sqrt(scale / n) / 0.87962566103423978` so that the truncated values have
    /// standard deviation `sqrt(scale / n)` (Keras' `"truncated_normal"`, and its
    /// `"normal"`).
    TruncatedNormal,
    /// A normal with `stddev = sqrt(scale / n)` (Keras' `"untruncated_normal"`).
    UntruncatedNormal,
    /// Uniform on `[-limit, limit)` with `limit = sqrt(3 * scale / n)` (Keras'
    /// `"uniform"`), which has variance `scale / n`.
    Uniform,
}

impl Distribution {
    /// The sampling of this distribution with standard deviation or limit `p`.
    #[inline(always)]
    pub(crate) fn sampling(self, p: f32) -> Sampling {
        match self {
            Distribution::TruncatedNormal => Sampling::TruncatedNormal {
                mean: 0.0,
                stddev: p,
            },
            Distribution::UntruncatedNormal => Sampling::Normal {
                mean: 0.0,
                stddev: p,
            },
            Distribution::Uniform => Sampling::Uniform { limit: p },
        }
    }
}

/// Keras' `VarianceScaling(scale, mode, distribution)`: weights of variance
/// `scale / max(1, n)`, `n` the fan that `mode` picks.
///
/// ```
/// use glorot::{Distribution, FanMode, Fans, Initializer, Key, VarianceScaling};
/// let init = VarianceScaling::new(2.0, FanMode::FanIn, Distribution::Uniform)?; // HeUniform
/// let mut w = [0.0f32; 150];
/// init.fill(Fans::new(6, 25), Key::new(7), 0, &mut w)?;
/// assert_eq!(init.sampling(Fans::new(6, 25))?.limit(), Some(((3.0f64 * 2.0 / 6.0).sqrt()) as f32));
/// # Ok::<(), glorot::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VarianceScaling {
    scale: f64,
    mode: FanMode,
    distribution: Distribution,
}

impl VarianceScaling {
    /// A variance-scaling initializer.
    ///
    /// # Errors
    /// [`Error::InvalidScale`] if `scale` is not finite or not `> 0` (Keras rejects
    /// `scale <= 0`; NaN and infinity are rejected here too).
    pub fn new(scale: f64, mode: FanMode, distribution: Distribution) -> Result<Self, Error> {
        if !(scale.is_finite() && scale > 0.0) {
            return Err(Error::InvalidScale);
        }
        Ok(VarianceScaling {
            scale,
            mode,
            distribution,
        })
    }

    /// The constructor for the named initializers, whose scale is known to be valid.
    pub(crate) const fn fixed(scale: f64, mode: FanMode, distribution: Distribution) -> Self {
        VarianceScaling {
            scale,
            mode,
            distribution,
        }
    }

    /// The scale.
    pub const fn scale(&self) -> f64 {
        self.scale
    }

    /// The fan mode.
    pub const fn mode(&self) -> FanMode {
        self.mode
    }

    /// The distribution.
    pub const fn distribution(&self) -> Distribution {
        self.distribution
    }

    /// The standard deviation (normal distributions; before truncation) or limit
    /// (uniform) in `f64`, exactly as Keras computes it.
    pub(crate) fn parameter(&self, fans: Fans) -> f64 {
        let s = self.scale / self.mode.fan(fans).max(1.0);
        match self.distribution {
            Distribution::TruncatedNormal => libm::sqrt(s) / TRUNCATION_CORRECTION,
            Distribution::UntruncatedNormal => libm::sqrt(s),
            Distribution::Uniform => libm::sqrt(3.0 * s),
        }
    }
}

impl Initializer for VarianceScaling {
    /// # Errors
    /// [`Error::ScaleOutOfRange`] if the standard deviation or limit, rounded to `f32`, is
    /// `0` or infinite, or the weights could overflow `f32` (see
    /// [`Sampling::validate`]).
    fn sampling(&self, fans: Fans) -> Result<Sampling, Error> {
        let p = self.parameter(fans) as f32;
        if !(p.is_finite() && p > 0.0) {
            return Err(Error::ScaleOutOfRange);
        }
        let s = self.distribution.sampling(p);
        s.validate().map_err(|_| Error::ScaleOutOfRange)?;
        Ok(s)
    }
}

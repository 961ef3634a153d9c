//! PyTorch's `torch.nn.init` flavour: `xavier_*_` and `kaiming_*_` (untruncated normal or
//! uniform, no `max(1, n)` guard) and `calculate_gain`.

use super::{Initializer, Sampling};
use crate::{Error, FanMode, Fans};

/// PyTorch's `calculate_gain(nonlinearity, param)`: the factor that keeps the variance of
/// activations steady through a layer followed by this nonlinearity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Nonlinearity {
    /// `linear`: gain 1.
    Linear,
    /// `conv1d`, `conv2d`, `conv3d` and the `conv_transpose` variants: gain 1.
    Conv,
    /// `sigmoid`: gain 1.
    Sigmoid,
    /// `tanh`: gain 5/3.
    Tanh,
    /// `relu`: gain `sqrt(2)`.
    Relu,
    /// `leaky_relu` with this negative slope: gain `sqrt(2 / (1 + slope²))`. PyTorch's
    /// `calculate_gain` defaults the slope to `0.01`; its `kaiming_*_` pass `a = 0`.
    LeakyRelu(f64),
    /// `selu`: gain 3/4.
    Selu,
}

impl Nonlinearity {
    /// The gain, computed in `f64` as PyTorch does.
    ///
    /// ```
    /// use glorot::Nonlinearity;
    /// assert_eq!(Nonlinearity::Relu.gain()?, 2f64.sqrt());
    /// assert_eq!(Nonlinearity::LeakyRelu(0.0).gain()?, 2f64.sqrt());
    /// # Ok::<(), glorot::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if the leaky-ReLU slope is not finite, or so large that
    /// the gain is not `> 0`.
    pub fn gain(self) -> Result<f64, Error> {
        let g = match self {
            Nonlinearity::Linear | Nonlinearity::Conv | Nonlinearity::Sigmoid => 1.0,
            Nonlinearity::Tanh => 5.0 / 3.0,
            Nonlinearity::Relu => libm::sqrt(2.0),
            Nonlinearity::LeakyRelu(slope) => {
                if !slope.is_finite() {
                    return Err(Error::InvalidParameter);
                }
                libm::sqrt(2.0 / (1.0 + slope * slope))
            }
            Nonlinearity::Selu => 3.0 / 4.0,
        };
        if g > 0.0 {
            Ok(g)
        } else {
            Err(Error::InvalidParameter)
        }
    }
}

/// A gain must be finite and `> 0`.
fn check_gain(gain: f64) -> Result<f64, Error> {
    if gain.is_finite() && gain > 0.0 {
        Ok(gain)
    } else {
        Err(Error::InvalidParameter)
    }
}

/// `x` as a finite, non-zero `f32`.
fn to_f32(x: f64) -> Result<f32, Error> {
    let p = x as f32;
    if p.is_finite() && p > 0.0 {
        Ok(p)
    } else {
        Err(Error::ScaleOutOfRange)
    }
}

/// PyTorch's Xavier standard deviation `gain * sqrt(2 / (fan_in + fan_out))`.
fn xavier_std(gain: f64, fans: Fans) -> Result<f64, Error> {
    let gain = check_gain(gain)?;
    let sum = fans.fan_in as u128 + fans.fan_out as u128;
    if sum == 0 {
        return Err(Error::ZeroFan);
    }
    Ok(gain * libm::sqrt(2.0 / sum as f64))
}

/// PyTorch's Kaiming standard deviation `gain / sqrt(fan)`.
fn kaiming_std(mode: FanMode, gain: f64, fans: Fans) -> Result<f64, Error> {
    let gain = kaiming_check(mode, gain)?;
    let fan = mode.fan(fans);
    if fan == 0.0 {
        return Err(Error::ZeroFan);
    }
    Ok(gain / libm::sqrt(fan))
}

/// Validates the Kaiming parameters (PyTorch only has `fan_in` and `fan_out`).
fn kaiming_check(mode: FanMode, gain: f64) -> Result<f64, Error> {
    match mode {
        FanMode::FanIn | FanMode::FanOut => check_gain(gain),
        FanMode::FanAvg | FanMode::FanGeoAvg => Err(Error::InvalidParameter),
    }
}

/// PyTorch's `xavier_normal_(gain)`: an **untruncated** normal with
/// `std = gain * sqrt(2 / (fan_in + fan_out))`, fans usually from
/// [`Layout::Torch`](crate::Layout::Torch). [`Default`] is PyTorch's `gain = 1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct XavierNormal {
    /// The gain (finite, `> 0`), e.g. from [`Nonlinearity::gain`].
    pub gain: f64,
}

/// PyTorch's `xavier_uniform_(gain)`: uniform on `[-a, a)` with
/// `a = sqrt(3) * gain * sqrt(2 / (fan_in + fan_out))`. [`Default`] is `gain = 1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct XavierUniform {
    /// The gain (finite, `> 0`), e.g. from [`Nonlinearity::gain`].
    pub gain: f64,
}

impl Default for XavierNormal {
    fn default() -> Self {
        XavierNormal { gain: 1.0 }
    }
}

impl Default for XavierUniform {
    fn default() -> Self {
        XavierUniform { gain: 1.0 }
    }
}

impl XavierNormal {
    /// The standard deviation used for `fans`.
    ///
    /// # Errors
    /// As [`Initializer::sampling`] for this type: a zero fan (PyTorch raises) or a gain
    /// that is not usable. Hence a `Result`, where the Keras presets' getters (e.g.
    /// [`GlorotNormal::stddev`](crate::GlorotNormal::stddev)) return a plain `f32`: their
    /// scale is fixed and Keras' `max(1, n)` keeps them valid for every fan.
    pub fn stddev(&self, fans: Fans) -> Result<f32, Error> {
        to_f32(xavier_std(self.gain, fans)?)
    }
}

impl XavierUniform {
    /// The limit `a` used for `fans`.
    ///
    /// # Errors
    /// As [`Initializer::sampling`] for this type: a zero fan (PyTorch raises) or a gain
    /// that is not usable. Hence a `Result`, where the Keras presets' getters (e.g.
    /// [`GlorotNormal::stddev`](crate::GlorotNormal::stddev)) return a plain `f32`: their
    /// scale is fixed and Keras' `max(1, n)` keeps them valid for every fan.
    pub fn limit(&self, fans: Fans) -> Result<f32, Error> {
        to_f32(libm::sqrt(3.0) * xavier_std(self.gain, fans)?)
    }
}

impl Initializer for XavierNormal {
    /// # Errors
    /// [`Error::InvalidParameter`] if `gain` is not finite and `> 0`; [`Error::ZeroFan`] if
    /// `fan_in + fan_out == 0` (PyTorch divides by zero); [`Error::ScaleOutOfRange`] if the
    /// standard deviation rounds to `0` or could make weights overflow `f32`.
    fn sampling(&self, fans: Fans) -> Result<Sampling, Error> {
        let s = Sampling::Normal {
            mean: 0.0,
            stddev: self.stddev(fans)?,
        };
        s.validate().map_err(|_| Error::ScaleOutOfRange)?;
        Ok(s)
    }
}

impl Initializer for XavierUniform {
    /// # Errors
    /// [`Error::InvalidParameter`] if `gain` is not finite and `> 0`; [`Error::ZeroFan`] if
    /// `fan_in + fan_out == 0`; [`Error::ScaleOutOfRange`] if the limit is `0` or infinite
    /// in `f32`.
    fn sampling(&self, fans: Fans) -> Result<Sampling, Error> {
        let s = Sampling::Uniform {
            limit: self.limit(fans)?,
        };
        s.validate().map_err(|_| Error::ScaleOutOfRange)?;
        Ok(s)
    }
}

/// PyTorch's `kaiming_normal_(a, mode, nonlinearity)`: an **untruncated** normal with
/// `std = gain / sqrt(fan)`, where PyTorch's `gain = calculate_gain(nonlinearity, a)` is
/// [`Nonlinearity::gain`]. [`Default`] is PyTorch's `mode='fan_in'`,
/// `nonlinearity='leaky_relu'`, `a=0`, i.e. gain `sqrt(2)` (He et al.).
///
/// ```
/// use glorot::{FanMode, Fans, KaimingNormal, Nonlinearity};
/// let k = KaimingNormal { mode: FanMode::FanOut, gain: Nonlinearity::Tanh.gain()? };
/// assert_eq!(k.stddev(Fans::new(144, 288))?, (5.0 / 3.0 / 288f64.sqrt()) as f32);
/// # Ok::<(), glorot::Error>(())
/// ```
///
/// As in PyTorch, filling an empty tensor is a no-op even when its fan is zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KaimingNormal {
    /// [`FanMode::FanIn`] or [`FanMode::FanOut`] (PyTorch has no other).
    pub mode: FanMode,
    /// The gain (finite, `> 0`), usually [`Nonlinearity::gain`] of the nonlinearity after
    /// the layer.
    pub gain: f64,
}

/// PyTorch's `kaiming_uniform_(a, mode, nonlinearity)`: uniform on `[-b, b)` with
/// `b = sqrt(3) * gain / sqrt(fan)`. [`Default`] as for [`KaimingNormal`].
///
/// As in PyTorch, filling an empty tensor is a no-op even when its fan is zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KaimingUniform {
    /// [`FanMode::FanIn`] or [`FanMode::FanOut`] (PyTorch has no other).
    pub mode: FanMode,
    /// The gain (finite, `> 0`), usually [`Nonlinearity::gain`] of the nonlinearity after
    /// the layer.
    pub gain: f64,
}

impl Default for KaimingNormal {
    fn default() -> Self {
        KaimingNormal {
            mode: FanMode::FanIn,
            gain: core::f64::consts::SQRT_2, // calculate_gain('leaky_relu', 0)
        }
    }
}

impl Default for KaimingUniform {
    fn default() -> Self {
        KaimingUniform {
            mode: FanMode::FanIn,
            gain: core::f64::consts::SQRT_2, // calculate_gain('leaky_relu', 0)
        }
    }
}

impl KaimingNormal {
    /// The standard deviation used for `fans`.
    ///
    /// # Errors
    /// As [`Initializer::sampling`] for this type: a zero fan (PyTorch raises) or a gain
    /// that is not usable. Hence a `Result`, where the Keras presets' getters (e.g.
    /// [`GlorotNormal::stddev`](crate::GlorotNormal::stddev)) return a plain `f32`: their
    /// scale is fixed and Keras' `max(1, n)` keeps them valid for every fan.
    pub fn stddev(&self, fans: Fans) -> Result<f32, Error> {
        to_f32(kaiming_std(self.mode, self.gain, fans)?)
    }
}

impl KaimingUniform {
    /// The bound `b` used for `fans`.
    ///
    /// # Errors
    /// As [`Initializer::sampling`] for this type: a zero fan (PyTorch raises) or a gain
    /// that is not usable. Hence a `Result`, where the Keras presets' getters (e.g.
    /// [`GlorotNormal::stddev`](crate::GlorotNormal::stddev)) return a plain `f32`: their
    /// scale is fixed and Keras' `max(1, n)` keeps them valid for every fan.
    pub fn limit(&self, fans: Fans) -> Result<f32, Error> {
        to_f32(libm::sqrt(3.0) * kaiming_std(self.mode, self.gain, fans)?)
    }
}

impl Initializer for KaimingNormal {
    /// # Errors
    /// [`Error::InvalidParameter`] for a mode other than `FanIn`/`FanOut` or a gain that
    /// is not finite and `> 0`; [`Error::ZeroFan`] if the fan is zero;
    /// [`Error::ScaleOutOfRange`] if the standard deviation is `0` in `f32`.
    fn sampling(&self, fans: Fans) -> Result<Sampling, Error> {
        let s = Sampling::Normal {
            mean: 0.0,
            stddev: self.stddev(fans)?,
        };
        s.validate().map_err(|_| Error::ScaleOutOfRange)?;
        Ok(s)
    }

    /// As the provided method, except that an empty `out` is `Ok` even when the fan is
    /// zero (PyTorch's "initializing zero-element tensors is a no-op").
    ///
    /// # Errors
    /// Those of [`Initializer::sampling`] (for a non-empty `out`), and
    /// [`Error::RangeOverflow`].
    fn fill(&self, fans: Fans, key: crate::Key, offset: u64, out: &mut [f32]) -> Result<(), Error> {
        kaiming_check(self.mode, self.gain)?;
        if out.is_empty() {
            return Ok(());
        }
        self.sampling(fans)?.fill(key, offset, out)
    }
}

impl Initializer for KaimingUniform {
    /// # Errors
    /// [`Error::InvalidParameter`] for a mode other than `FanIn`/`FanOut` or a gain that
    /// is not finite and `> 0`; [`Error::ZeroFan`] if the fan is zero;
    /// [`Error::ScaleOutOfRange`] if the bound is `0` in `f32`.
    fn sampling(&self, fans: Fans) -> Result<Sampling, Error> {
        let s = Sampling::Uniform {
            limit: self.limit(fans)?,
        };
        s.validate().map_err(|_| Error::ScaleOutOfRange)?;
        Ok(s)
    }

    /// As the provided method, except that an empty `out` is `Ok` even when the fan is
    /// zero (PyTorch's "initializing zero-element tensors is a no-op").
    ///
    /// # Errors
    /// Those of [`Initializer::sampling`] (for a non-empty `out`), and
    /// [`Error::RangeOverflow`].
    fn fill(&self, fans: Fans, key: crate::Key, offset: u64, out: &mut [f32]) -> Result<(), Error> {
        kaiming_check(self.mode, self.gain)?;
        if out.is_empty() {
            return Ok(());
        }
        self.sampling(fans)?.fill(key, offset, out)
    }
}

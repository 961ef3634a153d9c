//! Keras 3's named initializers: the six variance-scaling presets as unit structs, and
//! `RandomNormal`, `TruncatedNormal`, `RandomUniform` with explicit parameters.

use super::{exact_f64, Initializer, Sampling};
use crate::{Distribution, Error, FanMode, Fans, Key, VarianceScaling};

macro_rules! preset {
    (
        $(#[$doc:meta])*
        $name:ident = ($scale:expr, $mode:ident, $dist:ident), $getter:ident, $what:literal
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct $name;

        impl $name {
            /// The same initializer as a [`VarianceScaling`].
            pub const VARIANCE_SCALING: VarianceScaling =
                VarianceScaling::fixed($scale, FanMode::$mode, Distribution::$dist);

            #[doc = concat!("The ", $what, " used for `fans`, in `f32`. Never fails: the scale")]
            /// is fixed and Keras' `max(1, n)` guard keeps it finite and non-zero for
            /// every `u64` fan.
            pub fn $getter(self, fans: Fans) -> f32 {
                let vs = Self::VARIANCE_SCALING;
                if exact_f64::HARDWARE_F64 {
                    vs.parameter(fans) as f32
                } else {
                    // The same bits, in integers (no soft-float `f64` linked in).
                    exact_f64::preset_parameter(vs.scale(), vs.mode(), vs.distribution(), fans)
                }
            }
        }

        impl Initializer for $name {
            /// # Errors
            /// None for any `fans`: the result is always valid.
            ///
            /// `VARIANCE_SCALING.sampling(fans)` without its checks, which cannot fail for
            /// a preset: the parameter is monotone in the fan `n` in `[1, 2^64]`, and both
            /// ends pass them (test `presets_pass_every_check_at_both_ends_of_the_fan`).
            fn sampling(&self, fans: Fans) -> Result<Sampling, Error> {
                Ok(Self::VARIANCE_SCALING.distribution().sampling(self.$getter(fans)))
            }

            /// The default `fill` (`self.sampling(fans)?.fill(..)`, whose checks cannot
            /// fail here), with the sampler chosen at compile time so that a firmware
            /// links only that one.
            fn fill(&self, fans: Fans, key: Key, offset: u64, out: &mut [f32]) -> Result<(), Error> {
                Self::VARIANCE_SCALING
                    .distribution()
                    .sampling(self.$getter(fans))
                    .fill_valid(key, offset, out)
            }
        }
    };
}

preset! {
    /// Keras' `GlorotNormal` (Xavier normal): a normal truncated at ±2 stddev with
    /// `stddev = sqrt(2 / (fan_in + fan_out)) / 0.87962566103423978`, i.e.
    /// `VarianceScaling(1.0, FanAvg, TruncatedNormal)`.
    ///
    /// ```
    /// use glorot::{Fans, GlorotNormal, Initializer, Key};
    /// let mut w = [0.0f32; 100 * 64];
    /// GlorotNormal.fill(Fans::new(100, 64), Key::new(42), 0, &mut w)?;
    /// let s = GlorotNormal.stddev(Fans::new(100, 64));
    /// assert!(w.iter().all(|x| x.abs() <= 2.0 * s));
    /// # Ok::<(), glorot::Error>(())
    /// ```
    GlorotNormal = (1.0, FanAvg, TruncatedNormal), stddev, "standard deviation (before truncation)"
}

preset! {
    /// Keras' `GlorotUniform` (Xavier uniform; Keras' default kernel initializer): uniform
    /// on `[-limit, limit)` with `limit = sqrt(6 / (fan_in + fan_out))`, i.e.
    /// `VarianceScaling(1.0, FanAvg, Uniform)`.
    GlorotUniform = (1.0, FanAvg, Uniform), limit, "limit"
}

preset! {
    /// Keras' `HeNormal`: a normal truncated at ±2 stddev with
    /// `stddev = sqrt(2 / fan_in) / 0.87962566103423978`, i.e.
    /// `VarianceScaling(2.0, FanIn, TruncatedNormal)`.
    HeNormal = (2.0, FanIn, TruncatedNormal), stddev, "standard deviation (before truncation)"
}

preset! {
    /// Keras' `HeUniform`: uniform on `[-limit, limit)` with `limit = sqrt(6 / fan_in)`,
    /// i.e. `VarianceScaling(2.0, FanIn, Uniform)`.
    HeUniform = (2.0, FanIn, Uniform), limit, "limit"
}

preset! {
    /// Keras' `LecunNormal`: a normal truncated at ±2 stddev with
    /// `stddev = sqrt(1 / fan_in) / 0.87962566103423978`, i.e.
    /// `VarianceScaling(1.0, FanIn, TruncatedNormal)`.
    LecunNormal = (1.0, FanIn, TruncatedNormal), stddev, "standard deviation (before truncation)"
}

preset! {
    /// Keras' `LecunUniform`: uniform on `[-limit, limit)` with `limit = sqrt(3 / fan_in)`,
    /// i.e. `VarianceScaling(1.0, FanIn, Uniform)`.
    LecunUniform = (1.0, FanIn, Uniform), limit, "limit"
}

/// Keras' `RandomNormal(mean, stddev)`: `mean + stddev * z`, independent of the fans.
/// Keras' defaults are `mean = 0`, `stddev = 0.05` ([`Default`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RandomNormal {
    /// The mean (finite).
    pub mean: f32,
    /// The standard deviation (finite, `> 0`).
    pub stddev: f32,
}

impl Default for RandomNormal {
    fn default() -> Self {
        RandomNormal {
            mean: 0.0,
            stddev: 0.05,
        }
    }
}

impl Initializer for RandomNormal {
    /// # Errors
    /// [`Error::InvalidParameter`] if `mean` is not finite or `stddev` is not finite and
    /// `> 0`; [`Error::ScaleOutOfRange`] if the weights could overflow `f32`.
    fn sampling(&self, _fans: Fans) -> Result<Sampling, Error> {
        let s = Sampling::Normal {
            mean: self.mean,
            stddev: self.stddev,
        };
        s.validate()?;
        Ok(s)
    }
}

/// Keras' `TruncatedNormal(mean, stddev)`: a normal of parameters `(mean, stddev)`
/// truncated to `mean ± 2 stddev`, with **no** 0.8796 correction (the values' standard
/// deviation is `0.8796 * stddev`), independent of the fans. Keras' defaults are
/// `mean = 0`, `stddev = 0.05` ([`Default`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TruncatedNormal {
    /// The mean (finite).
    pub mean: f32,
    /// The standard deviation before truncation (finite, `> 0`).
    pub stddev: f32,
}

impl Default for TruncatedNormal {
    fn default() -> Self {
        TruncatedNormal {
            mean: 0.0,
            stddev: 0.05,
        }
    }
}

impl Initializer for TruncatedNormal {
    /// # Errors
    /// [`Error::InvalidParameter`] if `mean` is not finite or `stddev` is not finite and
    /// `> 0`; [`Error::ScaleOutOfRange`] if the weights could overflow `f32`.
    fn sampling(&self, _fans: Fans) -> Result<Sampling, Error> {
        let s = Sampling::TruncatedNormal {
            mean: self.mean,
            stddev: self.stddev,
        };
        s.validate()?;
        Ok(s)
    }
}

/// Keras' `RandomUniform(minval, maxval)`: uniform on `[minval, maxval)`, independent of
/// the fans (see [`Sampling::UniformRange`] for the exact formula). Keras' defaults are
/// `minval = -0.05`, `maxval = 0.05` ([`Default`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RandomUniform {
    /// The inclusive lower bound (finite).
    pub minval: f32,
    /// The exclusive upper bound (finite, `> minval`).
    pub maxval: f32,
}

impl Default for RandomUniform {
    fn default() -> Self {
        RandomUniform {
            minval: -0.05,
            maxval: 0.05,
        }
    }
}

impl Initializer for RandomUniform {
    /// # Errors
    /// [`Error::InvalidParameter`] if a bound is not finite or `minval >= maxval`;
    /// [`Error::ScaleOutOfRange`] if `maxval - minval` overflows `f32`.
    fn sampling(&self, _fans: Fans) -> Result<Sampling, Error> {
        let s = Sampling::UniformRange {
            minval: self.minval,
            maxval: self.maxval,
        };
        s.validate()?;
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parameter `sqrt(scale / max(1, n)) [/ 0.8796]` is monotone in `n`, and
    /// `n` lies in `[1, 2^64]`: if both ends pass `sampling()`'s checks (finite, `> 0`,
    /// `Sampling::validate`), every fan does, which is what the presets' `fill` relies on.
    #[test]
    fn presets_pass_every_check_at_both_ends_of_the_fan() {
        let ends = [
            Fans::new(0, 0),
            Fans::new(1, 1),
            Fans::new(u64::MAX, u64::MAX),
            Fans::new(u64::MAX, 0),
            Fans::new(0, u64::MAX),
        ];
        let presets: [(&dyn Initializer, VarianceScaling); 6] = [
            (&GlorotNormal, GlorotNormal::VARIANCE_SCALING),
            (&GlorotUniform, GlorotUniform::VARIANCE_SCALING),
            (&HeNormal, HeNormal::VARIANCE_SCALING),
            (&HeUniform, HeUniform::VARIANCE_SCALING),
            (&LecunNormal, LecunNormal::VARIANCE_SCALING),
            (&LecunUniform, LecunUniform::VARIANCE_SCALING),
        ];
        for (init, vs) in presets {
            for fans in ends {
                // the checked path succeeds, and gives what the preset returns unchecked
                assert_eq!(vs.sampling(fans).unwrap(), init.sampling(fans).unwrap());
            }
        }
    }

    /// The presets' `fill` gives the bits of the default `sampling(fans)?.fill(..)`.
    #[test]
    fn preset_fill_equals_sampling_fill() {
        fn check(init: &impl Initializer, fans: Fans) {
            let key = Key::new(5).fold_in(fans.fan_in);
            for (offset, len) in [(0u64, 3000usize), (1021, 17)] {
                let mut a = [0.0f32; 3000];
                let mut b = [0.0f32; 3000];
                init.fill(fans, key, offset, &mut a[..len]).unwrap();
                init.sampling(fans)
                    .unwrap()
                    .fill(key, offset, &mut b[..len])
                    .unwrap();
                assert_eq!(a.map(f32::to_bits), b.map(f32::to_bits));
            }
        }
        for fans in [Fans::new(0, 0), Fans::new(100, 64), Fans::new(3, u64::MAX)] {
            check(&GlorotNormal, fans);
            check(&GlorotUniform, fans);
            check(&HeNormal, fans);
            check(&HeUniform, fans);
            check(&LecunNormal, fans);
            check(&LecunUniform, fans);
        }
    }
}

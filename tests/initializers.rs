//! The initializers against Keras 3, PyTorch and JAX: fans per layout, the standard
//! deviations and limits their formulas give, the exact output formula, sample moments,
//! bounds, and the rejection of bad input (which must leave `out` untouched).
//!
//! Expected fans and numbers are written out as literals, computed by hand (or in Python
//! with `math`) from each project's formulas: Keras 3 `compute_fans` and
//! `VarianceScaling.__call__`, PyTorch `_calculate_fan_in_and_fan_out`, `xavier_*_`,
//! `kaiming_*_`, `calculate_gain`, JAX `_compute_fans` and `variance_scaling`.
//!
//! Statistical checks use fixed keys, so each either always passes or always fails; each
//! bound is derived from the statistic's distribution under a correct sampler and stated
//! with its false-failure probability.

use glorot::{
    element_count, sample, Distribution, Error, FanMode, Fans, GlorotNormal, GlorotUniform,
    HeNormal, HeUniform, Initializer, KaimingNormal, KaimingUniform, Key, Layout, LecunNormal,
    LecunUniform, Nonlinearity, RandomNormal, RandomUniform, Sampling, TruncatedNormal,
    VarianceScaling, XavierNormal, XavierUniform,
};

const C: f64 = 0.879_625_661_034_239_8; // Keras' 0.87962566103423978

fn fans(shape: &[usize], layout: Layout<'_>) -> Result<(u64, u64), Error> {
    Fans::from_shape(shape, layout).map(|f| (f.fan_in, f.fan_out))
}

#[test]
fn keras_fans() {
    let k = Layout::Keras;
    let table: &[(&[usize], (u64, u64))] = &[
        (&[], (1, 1)),                       // rank 0: "just to avoid errors for constants"
        (&[7], (7, 7)),                      // rank 1: (s0, s0)
        (&[100, 64], (100, 64)),             // Dense 100 -> 64
        (&[5, 16, 32], (80, 160)),           // Conv1D, kernel 5
        (&[3, 3, 16, 32], (144, 288)),       // Conv2D HWIO
        (&[2, 3, 3, 16, 32], (288, 576)),    // Conv3D
        (&[1, 1, 1, 1, 1, 1, 4, 2], (4, 2)), // rank 8
        (&[0], (0, 0)),                      // zero-sized: no guard in compute_fans
        (&[0, 64], (0, 64)),
        (&[3, 3, 0, 32], (0, 288)),
        (&[0, 3, 16, 32], (0, 0)),
    ];
    for &(shape, want) in table {
        assert_eq!(fans(shape, k), Ok(want), "Keras {shape:?}");
    }
}

#[test]
fn torch_fans() {
    let t = Layout::Torch;
    let table: &[(&[usize], (u64, u64))] = &[
        (&[64, 100], (100, 64)),       // nn.Linear(100, 64).weight is (out, in)
        (&[32, 16, 3, 3], (144, 288)), // Conv2d OIHW
        (&[32, 16, 5], (80, 160)),     // Conv1d
        (&[32, 16, 2, 3, 3], (288, 576)),
        (&[0, 16, 3, 3], (144, 0)),
        (&[32, 16, 0, 3], (0, 0)),
    ];
    for &(shape, want) in table {
        assert_eq!(fans(shape, t), Ok(want), "Torch {shape:?}");
    }
    // PyTorch: "Fan in and fan out can not be computed for tensor with fewer than 2
    // dimensions".
    assert_eq!(fans(&[], t), Err(Error::RankTooSmall { rank: 0, min: 2 }));
    assert_eq!(fans(&[5], t), Err(Error::RankTooSmall { rank: 1, min: 2 }));
}

#[test]
fn axes_fans_as_jax() {
    let ax = |i: &'static [isize], o: &'static [isize], b: &'static [isize]| Layout::Axes {
        in_axes: i,
        out_axes: o,
        batch_axes: b,
    };
    // JAX defaults in_axis=-2, out_axis=-1, batch_axis=() agree with Keras for rank >= 2.
    let jax_default = ax(&[-2], &[-1], &[]);
    for shape in [&[100usize, 64][..], &[3, 3, 16, 32], &[2, 3, 3, 16, 32]] {
        assert_eq!(
            fans(shape, jax_default),
            fans(shape, Layout::Keras),
            "{shape:?}"
        );
    }
    // A batch of 8 independent kernels: the batch axis counts in neither fan.
    assert_eq!(
        fans(&[8, 3, 3, 16, 32], ax(&[-2], &[-1], &[0])),
        Ok((144, 288))
    );
    // Several input / output axes (e.g. an EinsumDense kernel of shape (in, heads, dim)).
    assert_eq!(fans(&[16, 4, 32], ax(&[0], &[1, 2], &[])), Ok((16, 128)));
    assert_eq!(fans(&[4, 5, 6], ax(&[0, 1], &[2], &[])), Ok((20, 6)));
    // OIHW expressed with axes equals Layout::Torch; positive and negative axes agree.
    assert_eq!(fans(&[32, 16, 3, 3], ax(&[1], &[0], &[])), Ok((144, 288)));
    assert_eq!(fans(&[32, 16, 3, 3], ax(&[-3], &[-4], &[])), Ok((144, 288)));
    // Empty in-axes: the fan is the receptive field alone (JAX: prod(()) == 1).
    assert_eq!(fans(&[3, 3, 16, 32], ax(&[], &[-1], &[-2])), Ok((9, 288)));
    // Errors: out of range either way, repeated within or across lists, rank < 2 (JAX).
    assert_eq!(fans(&[3, 3], ax(&[2], &[1], &[])), Err(Error::InvalidAxis));
    assert_eq!(fans(&[3, 3], ax(&[-3], &[1], &[])), Err(Error::InvalidAxis));
    assert_eq!(fans(&[3, 3], ax(&[0], &[-2], &[])), Err(Error::InvalidAxis));
    assert_eq!(
        fans(&[3, 3, 3], ax(&[0, 0], &[1], &[])),
        Err(Error::InvalidAxis)
    );
    assert_eq!(
        fans(&[3, 3, 3], ax(&[0], &[1], &[-2])),
        Err(Error::InvalidAxis)
    );
    assert_eq!(
        fans(&[3, 3, 3], ax(&[0], &[1], &[isize::MIN])),
        Err(Error::InvalidAxis)
    );
    assert_eq!(
        fans(&[5], ax(&[0], &[], &[])),
        Err(Error::RankTooSmall { rank: 1, min: 2 })
    );
}

#[test]
fn overflowing_shapes_are_errors_not_panics() {
    let big = 1usize << 32;
    let ax = Layout::Axes {
        in_axes: &[0],
        out_axes: &[1],
        batch_axes: &[],
    };
    for layout in [Layout::Keras, Layout::Torch, ax] {
        // element count 2^64
        assert_eq!(fans(&[big, big], layout), Err(Error::ShapeOverflow));
        assert_eq!(fans(&[2, big, big], layout), Err(Error::ShapeOverflow));
        assert_eq!(fans(&[usize::MAX, 2], layout), Err(Error::ShapeOverflow));
    }
    assert_eq!(element_count(&[big, big]), Err(Error::ShapeOverflow));
    assert_eq!(element_count(&[usize::MAX, 1]), Ok(usize::MAX as u64));
    assert_eq!(element_count(&[]), Ok(1));
    // A zero dimension makes the count 0 whatever the others are...
    assert_eq!(element_count(&[big, big, 0]), Ok(0));
    // ...but a fan that still overflows is an error (Keras would give 5 * 2^64 in Python
    // integers; it cannot be represented here).
    assert_eq!(
        fans(&[big, big, 0, 5], Layout::Keras),
        Err(Error::ShapeOverflow)
    );
    // Fans that fit, in a tensor of zero elements, are fine.
    assert_eq!(fans(&[0, big, big], Layout::Keras), Ok((0, 0)));
    // Largest fans that fit.
    assert_eq!(fans(&[usize::MAX, 1], Layout::Keras), Ok((u64::MAX, 1)));
}

/// Relative closeness for `f32` results against literals computed in `f64`.
fn close(got: f32, want: f64) -> bool {
    ((got as f64) - want).abs() <= want * 1e-7
}

#[test]
fn standard_deviations_and_limits_match_the_formulas() {
    let dense = Fans::new(100, 64); // n: fan_in 100, fan_out 64, fan_avg 82, geo 80
    let conv = Fans::from_shape(&[3, 3, 16, 32], Layout::Keras).unwrap(); // (144, 288)
    let torch_dense = Fans::from_shape(&[64, 100], Layout::Torch).unwrap();
    let torch_conv = Fans::from_shape(&[32, 16, 3, 3], Layout::Torch).unwrap();
    let sd = |s: Sampling| s.stddev().unwrap();
    let vs = |scale, mode, dist| VarianceScaling::new(scale, mode, dist).unwrap();

    // Keras 3: sqrt(scale / max(1, n)) / 0.87962566103423978 for the truncated normal.
    let cases: [(f32, f64, &str); 20] = [
        (
            GlorotNormal.stddev(dense),
            0.125_543_775_001_975_47,
            "glorot_normal dense",
        ),
        (
            GlorotUniform.limit(dense),
            0.191_273_013_919_001_48,
            "glorot_uniform dense",
        ),
        (
            HeNormal.stddev(conv),
            0.133_978_731_428_994_22,
            "he_normal conv",
        ),
        (
            HeUniform.limit(conv),
            0.204_124_145_231_931_5,
            "he_uniform conv",
        ),
        (
            LecunNormal.stddev(conv),
            0.094_737_269_528_213_03,
            "lecun_normal conv",
        ),
        (
            LecunUniform.limit(conv),
            0.144_337_567_297_406_43,
            "lecun_uniform conv",
        ),
        (
            GlorotNormal.stddev(conv),
            0.077_352_656_656_214_4,
            "glorot_normal conv",
        ),
        // Keras' guard: max(1, n) — zero fans behave like n = 1.
        (
            GlorotNormal.stddev(Fans::new(0, 0)),
            1.136_847_234_338_556_5,
            "guard",
        ),
        (
            HeUniform.limit(Fans::new(0, 5)),
            2.449_489_742_783_178,
            "guard he",
        ),
        // JAX fan_geo_avg: n = sqrt(100 * 64) = 80.
        (
            sd(vs(1.0, FanMode::FanGeoAvg, Distribution::UntruncatedNormal)
                .sampling(dense)
                .unwrap()),
            0.111_803_398_874_989_48,
            "fan_geo_avg",
        ),
        (
            sd(vs(2.0, FanMode::FanOut, Distribution::UntruncatedNormal)
                .sampling(dense)
                .unwrap()),
            0.176_776_695_296_636_9,
            "fan_out untruncated",
        ),
        // PyTorch: untruncated, no guard.
        (
            XavierNormal::default().stddev(torch_dense).unwrap(),
            0.110_431_526_074_846_55,
            "xavier_normal",
        ),
        (
            XavierUniform::default().limit(torch_dense).unwrap(),
            0.191_273_013_919_001_48,
            "xavier_uniform",
        ),
        (
            XavierNormal {
                gain: Nonlinearity::Tanh.gain().unwrap(),
            }
            .stddev(torch_conv)
            .unwrap(),
            0.113_402_302_906_628_62,
            "xavier_normal tanh",
        ),
        (
            KaimingNormal::default().stddev(torch_dense).unwrap(),
            0.141_421_356_237_309_5,
            "kaiming_normal",
        ),
        (
            KaimingUniform::default().limit(torch_dense).unwrap(),
            0.244_948_974_278_317_83,
            "kaiming_uniform",
        ),
        (
            KaimingNormal {
                mode: FanMode::FanOut,
                gain: Nonlinearity::Relu.gain().unwrap(),
            }
            .stddev(torch_conv)
            .unwrap(),
            0.083_333_333_333_333_33,
            "kaiming_normal fan_out relu",
        ),
        (
            KaimingUniform {
                mode: FanMode::FanIn,
                gain: Nonlinearity::Selu.gain().unwrap(),
            }
            .limit(torch_conv)
            .unwrap(),
            0.108_253_175_473_054_83,
            "kaiming_uniform selu",
        ),
        // Fixed-parameter initializers ignore the fans.
        (
            sd(TruncatedNormal::default().sampling(conv).unwrap()),
            0.05,
            "truncated_normal",
        ),
        (
            sd(RandomNormal::default().sampling(dense).unwrap()),
            0.05,
            "random_normal",
        ),
    ];
    for (got, want, name) in cases {
        assert!(close(got, want), "{name}: {got} vs {want}");
    }
    // The getters report exactly the number the fill uses.
    assert_eq!(
        GlorotNormal.sampling(dense),
        Ok(Sampling::TruncatedNormal {
            mean: 0.0,
            stddev: GlorotNormal.stddev(dense)
        })
    );
    assert_eq!(
        HeUniform.sampling(conv),
        Ok(Sampling::Uniform {
            limit: HeUniform.limit(conv)
        })
    );
    assert_eq!(
        GlorotNormal.sampling(dense),
        GlorotNormal::VARIANCE_SCALING.sampling(dense)
    );
}

#[test]
fn calculate_gain_matches_pytorch() {
    let table = [
        (Nonlinearity::Linear, 1.0),
        (Nonlinearity::Conv, 1.0),
        (Nonlinearity::Sigmoid, 1.0),
        (Nonlinearity::Tanh, 5.0 / 3.0),
        (Nonlinearity::Relu, std::f64::consts::SQRT_2),
        (Nonlinearity::LeakyRelu(0.01), 1.414_142_856_997_835_4),
        (Nonlinearity::LeakyRelu(0.0), std::f64::consts::SQRT_2),
        (Nonlinearity::LeakyRelu(-0.2), 1.386_750_490_563_072_8),
        (Nonlinearity::Selu, 0.75),
    ];
    for (nl, want) in table {
        let g = nl.gain().unwrap();
        assert!((g - want).abs() <= 1e-15, "{nl:?}: {g} vs {want}");
    }
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e200] {
        assert_eq!(
            Nonlinearity::LeakyRelu(bad).gain(),
            Err(Error::InvalidParameter),
            "slope {bad}"
        );
    }
}

/// Every initializer under test, with the fans it is tested at, its exact distribution
/// family and the mean and variance its source's formula promises.
struct Case {
    name: &'static str,
    init: Box<dyn Initializer>,
    fans: Fans,
    mean: f64,
    var: f64,
}

fn cases() -> Vec<Case> {
    let d = Fans::new(100, 64);
    let c = Fans::new(144, 288);
    let case = |name, init: Box<dyn Initializer>, fans, mean, var| Case {
        name,
        init,
        fans,
        mean,
        var,
    };
    vec![
        case("glorot_normal", Box::new(GlorotNormal), d, 0.0, 1.0 / 82.0),
        case(
            "glorot_uniform",
            Box::new(GlorotUniform),
            d,
            0.0,
            1.0 / 82.0,
        ),
        case("he_normal", Box::new(HeNormal), c, 0.0, 2.0 / 144.0),
        case("he_uniform", Box::new(HeUniform), c, 0.0, 2.0 / 144.0),
        case("lecun_normal", Box::new(LecunNormal), c, 0.0, 1.0 / 144.0),
        case("lecun_uniform", Box::new(LecunUniform), c, 0.0, 1.0 / 144.0),
        case(
            "variance_scaling fan_geo_avg untruncated",
            Box::new(
                VarianceScaling::new(3.0, FanMode::FanGeoAvg, Distribution::UntruncatedNormal)
                    .unwrap(),
            ),
            d,
            0.0,
            3.0 / 80.0,
        ),
        case(
            "variance_scaling fan_out truncated",
            Box::new(
                VarianceScaling::new(0.5, FanMode::FanOut, Distribution::TruncatedNormal).unwrap(),
            ),
            c,
            0.0,
            0.5 / 288.0,
        ),
        case(
            "random_normal",
            Box::new(RandomNormal {
                mean: 1.5,
                stddev: 0.25,
            }),
            d,
            1.5,
            0.0625,
        ),
        case(
            // Keras' TruncatedNormal: no correction, variance (0.8796 * stddev)^2.
            "truncated_normal",
            Box::new(TruncatedNormal {
                mean: -0.5,
                stddev: 0.25,
            }),
            d,
            -0.5,
            0.0625 * C * C,
        ),
        case(
            "random_uniform",
            Box::new(RandomUniform {
                minval: -0.1,
                maxval: 0.3,
            }),
            d,
            0.1,
            0.16 / 12.0,
        ),
        case(
            "xavier_normal",
            Box::new(XavierNormal { gain: 2.0 }),
            d,
            0.0,
            4.0 * 2.0 / 164.0,
        ),
        case(
            "xavier_uniform",
            Box::<XavierUniform>::default(),
            d,
            0.0,
            2.0 / 164.0,
        ),
        case(
            "kaiming_normal",
            Box::<KaimingNormal>::default(),
            c,
            0.0,
            2.0 / 144.0,
        ),
        case(
            "kaiming_uniform fan_out tanh",
            Box::new(KaimingUniform {
                mode: FanMode::FanOut,
                gain: Nonlinearity::Tanh.gain().unwrap(),
            }),
            c,
            0.0,
            25.0 / 9.0 / 288.0,
        ),
    ]
}

/// Standardised fourth moment E[(x-μ)^4] / σ^4 of each family: normal 3, uniform 9/5,
/// standard normal truncated to [-a, a] (a = 2): with Z = 2Φ(a) - 1,
/// E[x²] = 1 - 2aφ(a)/Z and E[x⁴] = 3E[x²] - 2a³φ(a)/Z.
fn kurtosis(s: Sampling) -> f64 {
    match s {
        Sampling::Normal { .. } => 3.0,
        Sampling::Uniform { .. } | Sampling::UniformRange { .. } => 1.8,
        Sampling::TruncatedNormal { .. } => {
            let a = 2.0f64;
            let phi = (-0.5 * a * a).exp() / (2.0 * std::f64::consts::PI).sqrt();
            let z = libm::erf(a / std::f64::consts::SQRT_2);
            let m2 = 1.0 - 2.0 * a * phi / z;
            let m4 = 3.0 * m2 - 2.0 * a * a * a * phi / z;
            assert!(
                (m2.sqrt() - C).abs() < 1e-15,
                "Keras' constant is sqrt(E[x²])"
            );
            m4 / (m2 * m2)
        }
    }
}

#[test]
fn sample_mean_and_variance_match_the_formulas() {
    // With the true mean μ known, m2 = mean((x-μ)²) over N independent values has mean σ²
    // and variance (κ - 1)σ⁴/N (κ the kurtosis); the sample mean has variance σ²/N. By the
    // CLT each z below is N(0, 1); |z| > 6.5 has probability 8e-11 per check, 30 checks:
    // a correct initializer fails this test with probability < 3e-9. The f32 rounding of
    // the parameters (relative 6e-8) is far below the tolerance (~1.4e-3 relative).
    const N: usize = 1 << 20;
    let mut w = vec![0.0f32; N];
    for (i, c) in cases().into_iter().enumerate() {
        c.init
            .fill(c.fans, Key::new(1000 + i as u64), 0, &mut w)
            .unwrap();
        let n = N as f64;
        let mean = w.iter().map(|&x| x as f64).sum::<f64>() / n;
        let m2 = w.iter().map(|&x| (x as f64 - c.mean).powi(2)).sum::<f64>() / n;
        let k = kurtosis(c.init.sampling(c.fans).unwrap());
        let z_mean = (mean - c.mean) / (c.var / n).sqrt();
        let z_var = (m2 - c.var) / (c.var * ((k - 1.0) / n).sqrt());
        assert!(
            z_mean.abs() < 6.5,
            "{}: mean {mean} vs {} (z {z_mean:.2})",
            c.name,
            c.mean
        );
        assert!(
            z_var.abs() < 6.5,
            "{}: variance {m2} vs {} (z {z_var:.2})",
            c.name,
            c.var
        );
    }
}

#[test]
fn bounds_hold_and_are_reached() {
    // 2^22 values per initializer. "Reached": a truncated normal lies beyond 1.98 stddev
    // on a given side with probability (P(Z > 1.98) - P(Z > 2)) / P(|Z| <= 2) = 1.16e-3 per
    // value, so missing a side has probability (1 - 1.16e-3)^(2^22) < e^-4800; a uniform
    // value is within 0.1% of a given end with probability 5e-4: missing it, < e^-2000.
    const N: usize = 1 << 22;
    let mut w = vec![0.0f32; N];
    for (i, c) in cases().into_iter().enumerate() {
        c.init
            .fill(c.fans, Key::new(2000 + i as u64), 0, &mut w)
            .unwrap();
        assert!(w.iter().all(|x| x.is_finite()), "{}", c.name);
        match c.init.sampling(c.fans).unwrap() {
            Sampling::TruncatedNormal { mean, stddev } => {
                let (lo, hi) = (mean - 2.0 * stddev, mean + 2.0 * stddev);
                assert!(w.iter().all(|&x| lo <= x && x <= hi), "{}", c.name);
                let edge = 1.98 * stddev;
                assert!(w.iter().any(|&x| x - mean > edge), "{}", c.name);
                assert!(w.iter().any(|&x| mean - x > edge), "{}", c.name);
            }
            Sampling::Uniform { limit } => {
                assert!(w.iter().all(|&x| -limit <= x && x < limit), "{}", c.name);
                assert!(w.iter().any(|&x| x > 0.999 * limit), "{}", c.name);
                assert!(w.iter().any(|&x| x < -0.999 * limit), "{}", c.name);
            }
            Sampling::UniformRange { minval, maxval } => {
                assert!(w.iter().all(|&x| minval <= x && x < maxval), "{}", c.name);
                let eps = 0.001 * (maxval - minval);
                assert!(w.iter().any(|&x| x > maxval - eps), "{}", c.name);
                assert!(w.iter().any(|&x| x < minval + eps), "{}", c.name);
            }
            Sampling::Normal { .. } => {}
        }
    }
}

/// The initializers scale inside the fill (each value as it is made, see `chunk::Post`):
/// the same bits as the sampler's values scaled afterwards, by the documented formula —
/// over a range whose first and last rows are partial and which holds about a hundred
/// chunks, so that values from every path (fast, fixed up eight at a time or one at a time,
/// left to the contract's own function, in a partial row) are compared.
#[test]
fn output_is_the_documented_formula_bit_for_bit() {
    for (offset, n) in [(3_000, 2_500), (1_021, 100_003)] {
        formula_bit_for_bit(offset, n);
    }
}

fn formula_bit_for_bit(offset: u64, n: usize) {
    let key = Key::with_stream(5, 9);
    let draw = |f: fn(Key, u64, &mut [f32]) -> Result<(), Error>| {
        let mut v = vec![0.0f32; n];
        f(key, offset, &mut v).unwrap();
        v
    };
    let (z, t, u) = (
        draw(sample::normal),
        draw(sample::truncated_normal),
        draw(sample::uniform),
    );
    for c in cases() {
        let s = c.init.sampling(c.fans).unwrap();
        let want: Vec<f32> = match s {
            Sampling::Normal { mean: 0.0, stddev } => z.iter().map(|&x| x * stddev).collect(),
            Sampling::Normal { mean, stddev } => z.iter().map(|&x| x * stddev + mean).collect(),
            Sampling::TruncatedNormal { mean: 0.0, stddev } => {
                t.iter().map(|&x| x * stddev).collect()
            }
            Sampling::TruncatedNormal { mean, stddev } => {
                t.iter().map(|&x| x * stddev + mean).collect()
            }
            Sampling::Uniform { limit } => u.iter().map(|&x| x * limit).collect(),
            Sampling::UniformRange { minval, maxval } => u
                .iter()
                .map(|&x| minval + (maxval - minval) * ((x + 1.0) * 0.5))
                .collect(),
        };
        let mut got = vec![0.0f32; n];
        c.init.fill(c.fans, key, offset, &mut got).unwrap();
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&got), bits(&want), "{} offset {offset}", c.name);
    }
}

#[test]
fn any_split_gives_the_bits_of_one_call() {
    let key = Key::new(77);
    let n = 5_000;
    for c in cases() {
        let mut whole = vec![0.0f32; n];
        c.init.fill(c.fans, key, 0, &mut whole).unwrap();
        let mut parts = vec![0.0f32; n];
        let cuts = [0, 1, 9, 1024, 1030, 3333, n];
        for pair in cuts.windows(2).rev() {
            let (a, b) = (pair[0], pair[1]);
            c.init
                .fill(c.fans, key, a as u64, &mut parts[a..b])
                .unwrap();
        }
        assert!(
            whole
                .iter()
                .zip(&parts)
                .all(|(x, y)| x.to_bits() == y.to_bits()),
            "{}",
            c.name
        );
    }
}

#[test]
fn shape_helpers_check_the_length_and_the_slice() {
    let shape = [3, 3, 16, 32];
    let key = Key::new(3);
    let mut whole = vec![0.0f32; 4608];
    GlorotNormal
        .fill_shape(&shape, Layout::Keras, key, &mut whole)
        .unwrap();
    let mut direct = vec![0.0f32; 4608];
    GlorotNormal
        .fill(Fans::new(144, 288), key, 0, &mut direct)
        .unwrap();
    assert_eq!(whole, direct);
    let mut part = vec![0.0f32; 100];
    GlorotNormal
        .fill_shape_range(&shape, Layout::Keras, key, 4508, &mut part)
        .unwrap();
    assert_eq!(&part[..], &whole[4508..]);

    let sentinel = f32::from_bits(0x7E57_7E57);
    let mut short = vec![sentinel; 4607];
    assert_eq!(
        GlorotNormal.fill_shape(&shape, Layout::Keras, key, &mut short),
        Err(Error::LengthMismatch {
            expected: 4608,
            actual: 4607
        })
    );
    assert!(short.iter().all(|x| x.to_bits() == sentinel.to_bits()));
    let mut long = vec![sentinel; 4609];
    assert!(matches!(
        GlorotNormal.fill_shape(&shape, Layout::Keras, key, &mut long),
        Err(Error::LengthMismatch { .. })
    ));
    assert!(long.iter().all(|x| x.to_bits() == sentinel.to_bits()));
    let mut p = vec![sentinel; 100];
    for offset in [4509, u64::MAX - 50, u64::MAX] {
        assert_eq!(
            GlorotNormal.fill_shape_range(&shape, Layout::Keras, key, offset, &mut p),
            Err(Error::SliceOutOfTensor { len: 4608 })
        );
    }
    assert!(p.iter().all(|x| x.to_bits() == sentinel.to_bits()));
    // Rank 0 in Keras is one element with fans (1, 1).
    let mut scalar = [0.0f32; 1];
    GlorotUniform
        .fill_shape(&[], Layout::Keras, key, &mut scalar)
        .unwrap();
    assert!((-6f32.sqrt()..6f32.sqrt()).contains(&(scalar[0] / 1.0)));
}

/// Runs `f` on a slice of sentinels and checks it fails with `want` and writes nothing.
fn rejects(name: &str, want: Error, f: impl FnOnce(&mut [f32]) -> Result<(), Error>) {
    let sentinel = f32::from_bits(0x7E57_7E57);
    let mut out = vec![sentinel; 1000];
    assert_eq!(f(&mut out), Err(want), "{name}");
    assert!(
        out.iter().all(|x| x.to_bits() == sentinel.to_bits()),
        "{name}: out was written"
    );
}

#[test]
fn bad_input_is_rejected_before_anything_is_written() {
    let k = Key::new(1);
    let f = Fans::new(100, 64);
    for scale in [0.0, -0.0, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        for dist in [
            Distribution::TruncatedNormal,
            Distribution::UntruncatedNormal,
            Distribution::Uniform,
        ] {
            assert_eq!(
                VarianceScaling::new(scale, FanMode::FanIn, dist),
                Err(Error::InvalidScale),
                "scale {scale}"
            );
        }
    }
    // Valid scales whose standard deviation or limit is not a usable f32.
    for (scale, dist) in [
        (1e300, Distribution::TruncatedNormal), // stddev 1e150: inf in f32
        (1e78, Distribution::UntruncatedNormal), // stddev 1e39: inf in f32
        (1e76, Distribution::UntruncatedNormal), // stddev 1e38: finite, but 8.5e38 overflows
        (1e-300, Distribution::Uniform),        // limit 1.7e-150: 0 in f32
    ] {
        let vs = VarianceScaling::new(scale, FanMode::FanIn, dist).unwrap();
        rejects(&format!("scale {scale:e}"), Error::ScaleOutOfRange, |o| {
            vs.fill(Fans::new(1, 1), k, 0, o)
        });
    }
    // RandomNormal / TruncatedNormal parameters.
    for (mean, stddev) in [
        (0.0, 0.0),
        (0.0, -1.0),
        (0.0, f32::NAN),
        (0.0, f32::INFINITY),
        (f32::NAN, 1.0),
        (f32::INFINITY, 1.0),
    ] {
        rejects("random_normal", Error::InvalidParameter, |o| {
            RandomNormal { mean, stddev }.fill(f, k, 0, o)
        });
        rejects("truncated_normal", Error::InvalidParameter, |o| {
            TruncatedNormal { mean, stddev }.fill(f, k, 0, o)
        });
    }
    // Finite parameters whose weights could overflow f32.
    rejects("random_normal huge", Error::ScaleOutOfRange, |o| {
        RandomNormal {
            mean: 0.0,
            stddev: 1e38,
        }
        .fill(f, k, 0, o)
    });
    rejects("random_normal huge mean", Error::ScaleOutOfRange, |o| {
        RandomNormal {
            mean: 3.3e38,
            stddev: 1e37,
        }
        .fill(f, k, 0, o)
    });
    rejects("truncated_normal huge", Error::ScaleOutOfRange, |o| {
        TruncatedNormal {
            mean: 0.0,
            stddev: 2e38,
        }
        .fill(f, k, 0, o)
    });
    // ...while the largest ones that cannot overflow are accepted and stay finite.
    let mut w = vec![0.0f32; 100_000];
    for init in [
        &TruncatedNormal {
            mean: 0.0,
            stddev: 1.7e38,
        } as &dyn Initializer,
        &RandomNormal {
            mean: 0.0,
            stddev: 4e37,
        },
        &RandomUniform {
            minval: -1.7e38,
            maxval: 1.7e38,
        },
    ] {
        init.fill(f, k, 0, &mut w).unwrap();
        assert!(
            w.iter().all(|x| x.is_finite()),
            "{init:?}",
            init = init.sampling(f)
        );
    }
    // RandomUniform.
    for (minval, maxval) in [
        (1.0, 1.0),
        (1.0, 0.0),
        (f32::NAN, 1.0),
        (0.0, f32::NAN),
        (f32::NEG_INFINITY, 0.0),
        (0.0, f32::INFINITY),
    ] {
        rejects("random_uniform", Error::InvalidParameter, |o| {
            RandomUniform { minval, maxval }.fill(f, k, 0, o)
        });
    }
    rejects("random_uniform range", Error::ScaleOutOfRange, |o| {
        RandomUniform {
            minval: -3e38,
            maxval: 3e38,
        }
        .fill(f, k, 0, o)
    });
    // PyTorch gains.
    for gain in [f64::NAN, 0.0, -1.0, f64::INFINITY] {
        rejects("xavier_normal gain", Error::InvalidParameter, |o| {
            XavierNormal { gain }.fill(f, k, 0, o)
        });
        rejects("xavier_uniform gain", Error::InvalidParameter, |o| {
            XavierUniform { gain }.fill(f, k, 0, o)
        });
    }
    rejects("xavier_normal gain 1e300", Error::ScaleOutOfRange, |o| {
        XavierNormal { gain: 1e300 }.fill(f, k, 0, o)
    });
    for gain in [f64::NAN, 0.0, -1.0, f64::INFINITY] {
        rejects("kaiming gain", Error::InvalidParameter, |o| {
            KaimingNormal {
                mode: FanMode::FanIn,
                gain,
            }
            .fill(f, k, 0, o)
        });
    }
    for mode in [FanMode::FanAvg, FanMode::FanGeoAvg] {
        rejects("kaiming mode", Error::InvalidParameter, |o| {
            KaimingUniform { mode, gain: 1.0 }.fill(f, k, 0, o)
        });
    }
    // Zero fans: PyTorch divides by them; Keras' guard does not.
    rejects("xavier zero", Error::ZeroFan, |o| {
        XavierNormal::default().fill(Fans::new(0, 0), k, 0, o)
    });
    rejects("kaiming zero", Error::ZeroFan, |o| {
        KaimingNormal::default().fill(Fans::new(0, 5), k, 0, o)
    });
    // PyTorch's kaiming on a zero-element tensor is a no-op, and so is ours.
    assert_eq!(
        KaimingUniform::default().fill_shape(&[32, 0, 3, 3], Layout::Torch, k, &mut []),
        Ok(())
    );
    assert_eq!(
        XavierUniform::default().fill_shape(&[0, 0], Layout::Torch, k, &mut []),
        Err(Error::ZeroFan)
    );
    assert_eq!(
        GlorotNormal.fill_shape(&[0, 0], Layout::Keras, k, &mut []),
        Ok(())
    );
    // Shapes and ranges.
    rejects("overflowing shape", Error::ShapeOverflow, |o| {
        GlorotNormal.fill_shape(&[1 << 32, 1 << 32], Layout::Keras, k, o)
    });
    rejects(
        "torch rank 1",
        Error::RankTooSmall { rank: 1, min: 2 },
        |o| XavierNormal::default().fill_shape(&[1000], Layout::Torch, k, o),
    );
    rejects("offset overflow", Error::RangeOverflow, |o| {
        GlorotNormal.fill(f, k, u64::MAX - 10, o)
    });
    rejects(
        "length",
        Error::LengthMismatch {
            expected: 999,
            actual: 1000,
        },
        |o| GlorotNormal.fill_shape(&[999], Layout::Keras, k, o),
    );
}

#[test]
fn errors_display_something_useful() {
    let all = [
        Error::RangeOverflow,
        Error::ShapeOverflow,
        Error::RankTooSmall { rank: 1, min: 2 },
        Error::InvalidAxis,
        Error::InvalidScale,
        Error::InvalidParameter,
        Error::ZeroFan,
        Error::ScaleOutOfRange,
        Error::LengthMismatch {
            expected: 4,
            actual: 5,
        },
        Error::SliceOutOfTensor { len: 4 },
    ];
    let texts: Vec<String> = all.iter().map(|e| e.to_string()).collect();
    for (i, t) in texts.iter().enumerate() {
        assert!(t.len() > 10, "{:?}", all[i]);
        assert!(texts[..i].iter().all(|u| u != t), "duplicate message {t}");
        let _: &dyn std::error::Error = &all[i];
    }
    assert!(texts[2].contains("rank 1"));
    assert!(texts[8].contains('4') && texts[8].contains('5'));
}

#[test]
fn the_firmware_call_works() {
    // embedded/ relies on exactly this path and call.
    use glorot::{Fans, GlorotNormal, Initializer};
    let mut w = [0.0f32; 6400];
    GlorotNormal
        .fill(Fans::new(100, 64), Key::new(42), 0, &mut w)
        .unwrap();
    let s = GlorotNormal.stddev(Fans::new(100, 64));
    assert!(w.iter().all(|x| x.abs() <= 2.0 * s) && w.iter().any(|&x| x != 0.0));
}

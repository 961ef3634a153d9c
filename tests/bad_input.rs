//! Every bad input in the README's "Bad input" table, and what it gets: the exact `Error`, and nothing
//! written. Each output slice starts as a sentinel NaN; "untouched" means every bit is
//! still the sentinel's.

use glorot::{
    element_count, reference, sample, Distribution, Error, FanMode, Fans, GlorotNormal,
    GlorotUniform, Initializer, KaimingNormal, KaimingUniform, Key, Layout, Nonlinearity,
    RandomNormal, RandomUniform, Sampling, TruncatedNormal, VarianceScaling, XavierNormal,
    XavierUniform,
};

const SENTINEL: u32 = 0x7FC0_DEAD;

fn sentinel(n: usize) -> Vec<f32> {
    vec![f32::from_bits(SENTINEL); n]
}

fn untouched(out: &[f32]) -> bool {
    out.iter().all(|x| x.to_bits() == SENTINEL)
}

/// Runs `f` on a fresh sentinel slice of `n` values: asserts the error and that nothing
/// was written.
#[track_caller]
fn rejects(n: usize, want: Error, f: impl FnOnce(&mut [f32]) -> Result<(), Error>) {
    let mut out = sentinel(n);
    assert_eq!(f(&mut out), Err(want));
    assert!(untouched(&out), "{want:?}: output was written");
    assert!(!want.to_string().is_empty());
}

type Fill = fn(Key, u64, &mut [f32]) -> Result<(), Error>;
const FILLS: [(&str, Fill); 6] = [
    ("sample::normal", sample::normal),
    ("sample::truncated_normal", sample::truncated_normal),
    ("sample::uniform", sample::uniform),
    ("reference::normal", reference::normal),
    ("reference::truncated_normal", reference::truncated_normal),
    ("reference::uniform", reference::uniform),
];

#[test]
fn sampler_ranges_past_the_end_of_the_index_space() {
    let k = Key::new(1);
    for (name, f) in FILLS {
        // offset + len overflows u64 (by one, and by a lot)
        for (offset, n) in [(u64::MAX, 1), (u64::MAX - 1, 2), (u64::MAX - 4095, 5000)] {
            let mut out = sentinel(n);
            assert_eq!(f(k, offset, &mut out), Err(Error::RangeOverflow), "{name}");
            assert!(untouched(&out), "{name}");
        }
        // the last element itself is fine, and so is an empty output anywhere
        let mut out = sentinel(1);
        assert_eq!(f(k, u64::MAX - 1, &mut out), Ok(()), "{name}");
        assert!(out[0].is_finite());
        for offset in [0, u64::MAX] {
            assert_eq!(f(k, offset, &mut []), Ok(()), "{name}");
        }
    }
}

#[test]
fn from_rng_with_an_empty_output_draws_nothing() {
    struct Counting(u32);
    impl rand_core::TryRng for Counting {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            self.0 += 1;
            Ok(self.0.wrapping_mul(0x9E37_79B9))
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            Ok(u64::from(self.try_next_u32()?))
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            dst.fill(0);
            Ok(())
        }
    }
    let mut rng = Counting(0);
    sample::normal_from_rng(&mut rng, &mut []);
    sample::truncated_normal_from_rng(&mut rng, &mut []);
    sample::uniform_from_rng(&mut rng, &mut []);
    assert_eq!(rng.0, 0);
}

#[test]
fn shapes_too_small_for_the_layout() {
    for shape in [&[][..], &[5][..]] {
        let rank = shape.len();
        let want = Error::RankTooSmall { rank, min: 2 };
        assert_eq!(Fans::from_shape(shape, Layout::Torch), Err(want));
        let jax = Layout::Axes {
            in_axes: &[-2],
            out_axes: &[-1],
            batch_axes: &[],
        };
        assert_eq!(Fans::from_shape(shape, jax), Err(want));
        // Keras takes them: rank 0 -> (1, 1), rank 1 -> (s0, s0)
        assert!(Fans::from_shape(shape, Layout::Keras).is_ok());
        // and the Torch-flavoured initializers through fill_shape
        let n = element_count(shape).unwrap() as usize;
        rejects(n, want, |o| {
            XavierNormal::default().fill_shape(shape, Layout::Torch, Key::new(1), o)
        });
    }
}

#[test]
fn bad_axes() {
    let axes = |i: &'static [isize], o: &'static [isize], b: &'static [isize]| Layout::Axes {
        in_axes: i,
        out_axes: o,
        batch_axes: b,
    };
    let cases = [
        axes(&[2], &[1], &[]),    // past the end (rank 2)
        axes(&[-3], &[-1], &[]),  // before the start
        axes(&[-1], &[1], &[]),   // the same axis twice (-1 == 1 at rank 2)
        axes(&[0], &[1], &[0]),   // an axis both in and batch
        axes(&[0, 0], &[1], &[]), // repeated within one list
        axes(&[isize::MIN], &[1], &[]),
        axes(&[isize::MAX], &[1], &[]),
    ];
    for layout in cases {
        assert_eq!(
            Fans::from_shape(&[3, 4], layout),
            Err(Error::InvalidAxis),
            "{layout:?}"
        );
        rejects(12, Error::InvalidAxis, |o| {
            GlorotNormal.fill_shape(&[3, 4], layout, Key::new(1), o)
        });
    }
}

#[test]
fn overflowing_shapes() {
    let big = 1usize << 32;
    for (shape, layout) in [
        (&[big, big][..], Layout::Keras),
        (&[usize::MAX, 2][..], Layout::Torch),
        (&[big, big, 1, 1][..], Layout::Keras),
        (&[2, 3, big, big][..], Layout::Torch),
    ] {
        assert_eq!(element_count(shape), Err(Error::ShapeOverflow));
        assert_eq!(
            Fans::from_shape(shape, layout),
            Err(Error::ShapeOverflow),
            "{shape:?}"
        );
        rejects(4, Error::ShapeOverflow, |o| {
            GlorotNormal.fill_shape_range(shape, layout, Key::new(1), 0, o)
        });
    }
    // (With no zero dimension a fan divides the element count, so it cannot overflow on
    // its own.) A zero-sized shape whose partial product would overflow before the zero:
    // the zero wins, so the fans are exact (here fan_in = 0 * 2^63 * 4 = 0).
    let shape = [0, 1usize << 63, 4, 1, 1];
    let layout = Layout::Axes {
        in_axes: &[1, 2, 0],
        out_axes: &[],
        batch_axes: &[],
    };
    assert_eq!(element_count(&shape), Ok(0));
    assert_eq!(Fans::from_shape(&shape, layout), Ok(Fans::new(0, 1)));
}

#[test]
fn zero_sized_shapes() {
    // A zero dimension: zero elements, fans where the formula says; an empty fill is Ok.
    assert_eq!(element_count(&[0, 5]), Ok(0));
    assert_eq!(
        Fans::from_shape(&[0, 5], Layout::Keras),
        Ok(Fans::new(0, 5))
    );
    assert_eq!(
        Fans::from_shape(&[3, 3, 0, 8], Layout::Keras),
        Ok(Fans::new(0, 72))
    );
    assert_eq!(
        GlorotNormal.fill_shape(&[0, 5], Layout::Keras, Key::new(1), &mut []),
        Ok(())
    );
    // Keras guards the fan with max(1, n): a zero fan is not an error there.
    assert!(GlorotUniform.sampling(Fans::new(0, 0)).is_ok());
    // PyTorch divides by it: ZeroFan, unless the tensor is empty (PyTorch returns early
    // for Kaiming, and Xavier's fan_in + fan_out = 0 only for an empty tensor anyway).
    rejects(4, Error::ZeroFan, |o| {
        XavierNormal::default().fill(Fans::new(0, 0), Key::new(1), 0, o)
    });
    rejects(4, Error::ZeroFan, |o| {
        KaimingNormal::default().fill(Fans::new(0, 3), Key::new(1), 0, o)
    });
    rejects(4, Error::ZeroFan, |o| {
        KaimingUniform {
            mode: FanMode::FanOut,
            gain: 1.0,
        }
        .fill(Fans::new(3, 0), Key::new(1), 0, o)
    });
    assert_eq!(
        KaimingNormal::default().fill_shape(&[0, 3], Layout::Torch, Key::new(1), &mut []),
        Ok(())
    );
    assert_eq!(
        XavierNormal::default().fill_shape(&[0, 0], Layout::Torch, Key::new(1), &mut []),
        Err(Error::ZeroFan)
    );
}

#[test]
fn output_length_does_not_match_the_shape() {
    for (n, expected) in [(0usize, 12u64), (11, 12), (13, 12)] {
        rejects(
            n,
            Error::LengthMismatch {
                expected,
                actual: n,
            },
            |o| GlorotNormal.fill_shape(&[3, 4], Layout::Keras, Key::new(1), o),
        );
    }
    rejects(
        1,
        Error::LengthMismatch {
            expected: 0,
            actual: 1,
        },
        |o| GlorotNormal.fill_shape(&[0, 4], Layout::Keras, Key::new(1), o),
    );
    // a scalar (rank 0) has one element
    rejects(
        2,
        Error::LengthMismatch {
            expected: 1,
            actual: 2,
        },
        |o| GlorotNormal.fill_shape(&[], Layout::Keras, Key::new(1), o),
    );
}

#[test]
fn a_slice_outside_the_tensor() {
    let shape = [3, 4];
    let cases = [
        (12u64, 1usize),
        (10, 3),
        (0, 13),
        (u64::MAX, 1),
        (u64::MAX - 1, 2),
    ];
    for (offset, n) in cases {
        rejects(n, Error::SliceOutOfTensor { len: 12 }, |o| {
            GlorotNormal.fill_shape_range(&shape, Layout::Keras, Key::new(1), offset, o)
        });
    }
    // the end of the tensor exactly, and an empty slice at its end, are fine
    let mut out = sentinel(2);
    assert_eq!(
        GlorotNormal.fill_shape_range(&shape, Layout::Keras, Key::new(1), 10, &mut out),
        Ok(())
    );
    assert_eq!(
        GlorotNormal.fill_shape_range(&shape, Layout::Keras, Key::new(1), 12, &mut []),
        Ok(())
    );
    // an empty slice past the end is still outside
    rejects(0, Error::SliceOutOfTensor { len: 12 }, |o| {
        GlorotNormal.fill_shape_range(&shape, Layout::Keras, Key::new(1), 13, o)
    });
}

#[test]
fn initializer_fill_past_the_end_of_the_index_space() {
    rejects(2, Error::RangeOverflow, |o| {
        GlorotNormal.fill(Fans::new(3, 4), Key::new(1), u64::MAX, o)
    });
    rejects(2, Error::RangeOverflow, |o| {
        Sampling::Uniform { limit: 1.0 }.fill(Key::new(1), u64::MAX, o)
    });
    // parameters are checked first: a bad parameter wins over a bad range
    rejects(2, Error::InvalidParameter, |o| {
        RandomNormal {
            mean: 0.0,
            stddev: -1.0,
        }
        .fill(Fans::new(1, 1), Key::new(1), u64::MAX, o)
    });
}

const NOT_POSITIVE_OR_NOT_FINITE: [f64; 7] = [
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    0.0,
    -0.0,
    -1.0,
    -f64::MIN_POSITIVE,
];

#[test]
fn variance_scaling_scale() {
    for s in NOT_POSITIVE_OR_NOT_FINITE {
        for d in [
            Distribution::TruncatedNormal,
            Distribution::UntruncatedNormal,
            Distribution::Uniform,
        ] {
            assert_eq!(
                VarianceScaling::new(s, FanMode::FanAvg, d),
                Err(Error::InvalidScale),
                "{s}"
            );
        }
    }
    // valid but useless in f32: the stddev rounds to 0 (subnormal scale) or to infinity
    for (s, d) in [
        (f64::from_bits(1), Distribution::UntruncatedNormal),
        (1e-100, Distribution::Uniform),
        (1e300, Distribution::TruncatedNormal),
        (f64::MAX, Distribution::Uniform),
    ] {
        let vs = VarianceScaling::new(s, FanMode::FanIn, d).unwrap();
        assert_eq!(
            vs.sampling(Fans::new(1, 1)),
            Err(Error::ScaleOutOfRange),
            "{s}"
        );
        rejects(3, Error::ScaleOutOfRange, |o| {
            vs.fill(Fans::new(1, 1), Key::new(1), 0, o)
        });
    }
}

#[test]
fn torch_gain_and_mode() {
    for g in NOT_POSITIVE_OR_NOT_FINITE {
        let fans = Fans::new(3, 4);
        let e = Error::InvalidParameter;
        rejects(3, e, |o| {
            XavierNormal { gain: g }.fill(fans, Key::new(1), 0, o)
        });
        rejects(3, e, |o| {
            XavierUniform { gain: g }.fill(fans, Key::new(1), 0, o)
        });
        let mode = FanMode::FanIn;
        rejects(3, e, |o| {
            KaimingNormal { mode, gain: g }.fill(fans, Key::new(1), 0, o)
        });
        rejects(3, e, |o| {
            KaimingUniform { mode, gain: g }.fill(fans, Key::new(1), 0, o)
        });
    }
    // Kaiming has no fan_avg / fan_geo_avg (PyTorch's mode is 'fan_in' or 'fan_out'),
    // even for an empty tensor
    for mode in [FanMode::FanAvg, FanMode::FanGeoAvg] {
        let k = KaimingNormal { mode, gain: 1.0 };
        rejects(3, Error::InvalidParameter, |o| {
            k.fill(Fans::new(3, 4), Key::new(1), 0, o)
        });
        assert_eq!(
            k.fill(Fans::new(3, 4), Key::new(1), 0, &mut []),
            Err(Error::InvalidParameter)
        );
    }
    // a gain so small or large that the stddev is 0 or infinite in f32
    for g in [1e-50, 1e300] {
        rejects(3, Error::ScaleOutOfRange, |o| {
            XavierNormal { gain: g }.fill(Fans::new(3, 4), Key::new(1), 0, o)
        });
    }
    // calculate_gain's leaky_relu slope must be finite
    for slope in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert_eq!(
            Nonlinearity::LeakyRelu(slope).gain(),
            Err(Error::InvalidParameter)
        );
    }
}

#[test]
fn random_normal_and_truncated_normal_parameters() {
    let bad_stddev = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 0.0, -0.0, -1.0];
    let bad_mean = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY];
    let fans = Fans::new(1, 1);
    for stddev in bad_stddev {
        rejects(3, Error::InvalidParameter, |o| {
            RandomNormal { mean: 0.0, stddev }.fill(fans, Key::new(1), 0, o)
        });
        rejects(3, Error::InvalidParameter, |o| {
            TruncatedNormal { mean: 0.0, stddev }.fill(fans, Key::new(1), 0, o)
        });
    }
    for mean in bad_mean {
        rejects(3, Error::InvalidParameter, |o| {
            RandomNormal { mean, stddev: 1.0 }.fill(fans, Key::new(1), 0, o)
        });
    }
    // weights that could overflow f32
    for (mean, stddev) in [(f32::MAX, 1e32), (0.0, f32::MAX), (0.0, 1e38)] {
        rejects(3, Error::ScaleOutOfRange, |o| {
            RandomNormal { mean, stddev }.fill(fans, Key::new(1), 0, o)
        });
    }
    rejects(3, Error::ScaleOutOfRange, |o| {
        TruncatedNormal {
            mean: 0.0,
            stddev: f32::MAX,
        }
        .fill(fans, Key::new(1), 0, o)
    });
    // the largest stddev that is accepted gives finite weights
    let mut out = sentinel(4096);
    let ok = RandomNormal {
        mean: 0.0,
        stddev: 1e37,
    };
    assert_eq!(ok.fill(fans, Key::new(1), 0, &mut out), Ok(()));
    assert!(out.iter().all(|x| x.is_finite()));
}

#[test]
fn random_uniform_bounds() {
    let fans = Fans::new(1, 1);
    let invalid = [
        (1.0, 0.0),
        (0.5, 0.5),
        (f32::NAN, 1.0),
        (0.0, f32::NAN),
        (f32::NEG_INFINITY, 1.0),
        (0.0, f32::INFINITY),
    ];
    for (minval, maxval) in invalid {
        rejects(3, Error::InvalidParameter, |o| {
            RandomUniform { minval, maxval }.fill(fans, Key::new(1), 0, o)
        });
    }
    rejects(3, Error::ScaleOutOfRange, |o| {
        RandomUniform {
            minval: -f32::MAX,
            maxval: f32::MAX,
        }
        .fill(fans, Key::new(1), 0, o)
    });
    // subnormal bounds are valid, and every value lies in [minval, maxval)
    let (minval, maxval) = (f32::from_bits(1), f32::from_bits(3));
    let mut out = sentinel(4096);
    assert_eq!(
        RandomUniform { minval, maxval }.fill(fans, Key::new(1), 0, &mut out),
        Ok(())
    );
    assert!(out.iter().all(|&x| minval <= x && x < maxval));
}

#[test]
fn subnormal_uniform_limit_is_rejected() {
    // A limit that is subnormal in f32 has too few bits for `u * limit` to stay below
    // `limit`, so it is an error rather than a range that is silently closed.
    let vs = VarianceScaling::new(1e-88, FanMode::FanIn, Distribution::Uniform).unwrap();
    assert_eq!(vs.sampling(Fans::new(1, 1)), Err(Error::ScaleOutOfRange));
    rejects(4096, Error::ScaleOutOfRange, |o| {
        vs.fill(Fans::new(1, 1), Key::new(1), 0, o)
    });
    rejects(16, Error::ScaleOutOfRange, |o| {
        Sampling::Uniform {
            limit: f32::from_bits(1),
        }
        .fill(Key::new(1), 0, o)
    });
    // The smallest normal limit is accepted and keeps the range half-open.
    let mut out = sentinel(4096);
    let limit = f32::MIN_POSITIVE;
    Sampling::Uniform { limit }
        .fill(Key::new(1), 0, &mut out)
        .unwrap();
    assert!(out.iter().all(|&x| -limit <= x && x < limit));
}

#[test]
fn zero_outer_dimensions_win_over_an_overflowing_receptive_field() {
    // Found by fuzz/fans: each fan is one product, so its zero wins over an overflow.
    let m = usize::MAX;
    assert_eq!(
        Fans::from_shape(&[m, m, 2, 0, 0], Layout::Keras),
        Ok(Fans::new(0, 0))
    );
    assert_eq!(
        Fans::from_shape(&[0, 0, m, m], Layout::Torch),
        Ok(Fans::new(0, 0))
    );
    let axes = Layout::Axes {
        in_axes: &[0],
        out_axes: &[1],
        batch_axes: &[],
    };
    assert_eq!(Fans::from_shape(&[0, 0, m, m], axes), Ok(Fans::new(0, 0)));
}

#[test]
fn uniform_initializers_validate_in_sampling_too() {
    // Found by fuzz/initializers: sampling() must fail exactly when fill() does.
    use glorot::{KaimingUniform, XavierUniform};
    let k = KaimingUniform {
        mode: FanMode::FanIn,
        gain: 1e-40,
    };
    assert_eq!(k.sampling(Fans::new(1792, 0)), Err(Error::ScaleOutOfRange));
    rejects(8, Error::ScaleOutOfRange, |o| {
        k.fill(Fans::new(1792, 0), Key::new(1), 0, o)
    });
    let x = XavierUniform { gain: 1e-40 };
    assert_eq!(x.sampling(Fans::new(3, 4)), Err(Error::ScaleOutOfRange));
    rejects(8, Error::ScaleOutOfRange, |o| {
        x.fill(Fans::new(3, 4), Key::new(1), 0, o)
    });
}

/// `seeded::Dense::forward`: every size mismatch is an error, and neither `y` nor the
/// scratch is written.
#[test]
fn seeded_dense_rejects_bad_sizes() {
    use glorot::seeded::Dense;
    let layer = Dense::new(GlorotNormal, 4, 3, Key::new(1)).unwrap();
    let x = [1.0f32; 4];
    let mut scratch = sentinel(8);
    rejects(
        3,
        Error::InputMismatch {
            expected: 4,
            actual: 5,
        },
        |y| layer.forward(&[1.0; 5], y, &mut scratch),
    );
    rejects(
        3,
        Error::InputMismatch {
            expected: 4,
            actual: 0,
        },
        |y| layer.forward(&[], y, &mut scratch),
    );
    rejects(
        2,
        Error::LengthMismatch {
            expected: 3,
            actual: 2,
        },
        |y| layer.forward(&x, y, &mut scratch),
    );
    rejects(
        4,
        Error::LengthMismatch {
            expected: 3,
            actual: 4,
        },
        |y| layer.forward(&x, y, &mut scratch),
    );
    rejects(3, Error::EmptyScratch, |y| layer.forward(&x, y, &mut []));
    assert!(untouched(&scratch), "scratch was written");
    // Construction: a product of sizes that overflows, and invalid initializers.
    assert_eq!(
        Dense::new(GlorotNormal, usize::MAX, 2, Key::new(1)),
        Err(Error::ShapeOverflow)
    );
    let zero = RandomUniform {
        minval: 1.0,
        maxval: 1.0,
    };
    assert_eq!(
        Dense::new(zero, 2, 2, Key::new(1)),
        Err(Error::InvalidParameter)
    );
    let torch = XavierNormal { gain: 1.0 };
    assert_eq!(Dense::new(torch, 0, 0, Key::new(1)), Err(Error::ZeroFan));
}

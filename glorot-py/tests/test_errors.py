"""Bad input: the right exception, a message naming the argument, and `out` untouched."""

import ml_dtypes
import numpy as np
import pytest

import glorot


def _sentinel(n=64, dtype=np.float32):
    return np.full(n, 7.0, dtype=dtype)


def _unchanged(out, dtype=np.float32):
    return np.array_equal(out, np.full(out.shape, 7.0, dtype=dtype))


CORE = [glorot.normal, glorot.truncated_normal, glorot.uniform]


@pytest.mark.parametrize("fn", CORE)
@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 2**64}, ValueError, "seed"),
        ({"seed": 1.5}, TypeError, "seed"),
        ({"seed": "1"}, TypeError, "seed"),
        ({"seed": True}, TypeError, "seed"),
        ({"seed": np.float32(3.0)}, TypeError, "seed"),
        ({"seed": np.bool_(True)}, TypeError, "seed"),
        ({"seed": np.array(3.7)}, TypeError, "seed"),  # int() would truncate it to 3
        ({"stream": -3}, ValueError, "stream"),
        ({"stream": 2**70}, ValueError, "stream"),
        ({"offset": 2**64 - 10}, ValueError, "offset"),
        ({"offset": -1}, ValueError, "offset"),
        ({"threads": 0}, ValueError, "threads"),
        ({"threads": "2"}, TypeError, "threads"),
        ({"dtype": np.float64}, TypeError, "dtype"),
        ({"dtype": np.float16}, TypeError, "dtype"),  # does not match out's float32
        ({"shape": 65}, ValueError, "out has shape"),  # out has 64 elements
        ({"shape": (8, 8)}, ValueError, r"out has shape \(64,\) but shape is \(8, 8\)"),
    ],
)
def test_core_rejects_before_writing(fn, kwargs, exc, match):
    out = _sentinel()
    args = {"seed": 1, "out": out, **kwargs}
    seed = args.pop("seed")
    shape = args.pop("shape", None)
    with pytest.raises(exc, match=match):
        fn(shape, seed=seed, **args)
    assert _unchanged(out)


@pytest.mark.parametrize("fn", CORE)
def test_out_must_be_a_writeable_contiguous_float_array(fn):
    with pytest.raises(TypeError, match="out must be a numpy.ndarray"):
        fn(seed=1, out=[0.0] * 4)
    ints = np.full(8, 7, np.int32)
    with pytest.raises(TypeError, match="out must have dtype"):
        fn(seed=1, out=ints)
    assert (ints == 7).all()
    f64 = np.full(8, 7.0)
    with pytest.raises(TypeError, match="out must have dtype"):
        fn(seed=1, out=f64)
    assert (f64 == 7).all()
    base = _sentinel(128)
    with pytest.raises(ValueError, match="out must be C-contiguous"):
        fn(seed=1, out=base[::2])
    assert _unchanged(base)
    fortran = np.asfortranarray(np.full((4, 3), 7.0, np.float32))
    with pytest.raises(ValueError, match="out must be C-contiguous"):
        fn(seed=1, out=fortran)
    assert (fortran == 7).all()
    ro = _sentinel()
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="out must be writeable"):
        fn(seed=1, out=ro)
    assert _unchanged(ro)


@pytest.mark.parametrize("fn", CORE)
@pytest.mark.parametrize(
    "shape, exc, match",
    [
        ((-1,), ValueError, r"shape\[0\] must be >= 0"),
        ((3, -2), ValueError, r"shape\[1\] must be >= 0"),
        (-5, ValueError, "shape must be >= 0"),
        ((2**40, 2**40), ValueError, "too large"),
        ((2**63,), ValueError, "too large"),
        ((2**64,), ValueError, "too large"),
        ((1.5,), TypeError, r"shape\[0\] must be an int"),
        ("12", TypeError, "shape must be an int or a sequence"),
        (None, TypeError, "shape is required"),
    ],
)
def test_bad_shapes(fn, shape, exc, match):
    with pytest.raises(exc, match=match):
        fn(shape, seed=1)


INITS = [glorot.glorot_normal, glorot.he_uniform, glorot.xavier_normal, glorot.kaiming_uniform]


@pytest.mark.parametrize("fn", INITS)
def test_initializers_reject_before_writing(fn):
    out = _sentinel(12).reshape(3, 4)
    cases = [
        ({"seed": -1}, ValueError, "seed"),
        ({"stream": 1.0}, TypeError, "stream"),
        ({"layout": "nhwc"}, ValueError, "layout"),
        ({"dtype": "int8"}, TypeError, "dtype"),
        ({"offset": 5}, ValueError, "offset"),  # 5 + 12 > 12 elements
        ({"shape": (4, 4)}, ValueError, "out has shape"),
        ({"shape": (4, 3)}, ValueError, r"out has shape \(3, 4\) but shape is \(4, 3\)"),  # same size
        ({"shape": (3, -4)}, ValueError, r"shape\[1\]"),
    ]
    for kwargs, exc, match in cases:
        args = {"shape": (3, 4), "seed": 1, "out": out, **kwargs}
        with pytest.raises(exc, match=match):
            fn(args.pop("shape"), args.pop("seed"), **args)
        assert _unchanged(out), kwargs


def test_initializer_parameters_are_named():
    out = _sentinel(12).reshape(3, 4)
    cases = [
        (glorot.xavier_normal, {"gain": 0.0}, ValueError, "gain"),
        (glorot.xavier_uniform, {"gain": float("nan")}, ValueError, "gain"),
        (glorot.kaiming_normal, {"mode": "fan_avg"}, ValueError, "mode"),
        (glorot.kaiming_normal, {"nonlinearity": "swish"}, ValueError, "nonlinearity"),
        (glorot.kaiming_uniform, {"a": float("inf")}, ValueError, "a"),
        (glorot.variance_scaling, {"scale": -1.0}, ValueError, "scale"),
        (glorot.variance_scaling, {"mode": "fan"}, ValueError, "mode"),
        (glorot.variance_scaling, {"distribution": "normal"}, ValueError, "distribution"),
        (glorot.random_normal, {"stddev": 0.0}, ValueError, "stddev"),
        (glorot.random_normal, {"mean": 1e300}, ValueError, "mean"),
        (glorot.random_uniform, {"minval": 1.0, "maxval": 1.0}, ValueError, "minval"),
        (glorot.trunc_normal, {"a": -3.0}, ValueError, "a, b"),
        (glorot.trunc_normal, {"std": -1.0}, ValueError, "std"),
    ]
    for fn, kwargs, exc, match in cases:
        with pytest.raises(exc, match=match):
            fn((3, 4), 1, out=out, **kwargs)
        assert _unchanged(out), (fn, kwargs)


def test_torch_layout_needs_two_dimensions():
    out = _sentinel(5)
    with pytest.raises(ValueError, match="shape"):
        glorot.xavier_normal((5,), 1, out=out)
    assert _unchanged(out)


def test_bfloat16_and_float16_out_are_checked_too():
    for dt in (np.float16, ml_dtypes.bfloat16):
        out = _sentinel(8, dt)
        with pytest.raises(ValueError, match="seed"):
            glorot.normal(seed=-1, out=out)
        assert _unchanged(out, dt)
        ro = _sentinel(8, dt)
        ro.flags.writeable = False
        with pytest.raises(ValueError, match="writeable"):
            glorot.glorot_normal((2, 4), 1, out=ro)
        assert _unchanged(ro, dt)


def test_empty_tensors_are_fine():
    assert glorot.normal(0, seed=1).shape == (0,)
    assert glorot.kaiming_normal((0, 3), 1).shape == (0, 3)


@pytest.mark.parametrize("fn", CORE)
def test_samplers_take_the_shape_first_and_the_seed_by_keyword(fn):
    # 0.1 had normal(seed, shape): both ints, so the old order must fail loudly, not swap.
    with pytest.raises(TypeError, match="positional"):
        fn(42, 1000)
    with pytest.raises(TypeError, match="seed"):
        fn(1000)
    np.testing.assert_array_equal(fn(8, seed=42), fn((8,), seed=42))


def test_out_must_have_the_shape_unless_it_is_a_slice():
    # numpy's rule for out=: the same shape, not only the same size.
    whole = glorot.glorot_normal((3, 4), 1)
    out = _sentinel(12).reshape(4, 3)
    with pytest.raises(ValueError, match=r"out has shape \(4, 3\) but shape is \(3, 4\)"):
        glorot.glorot_normal((3, 4), 1, out=out)
    assert _unchanged(out)
    with pytest.raises(ValueError, match="out has shape"):
        glorot.normal((3, 4), seed=1, out=out)
    assert _unchanged(out)
    right = _sentinel(12).reshape(3, 4)
    assert glorot.glorot_normal((3, 4), 1, out=right) is right
    np.testing.assert_array_equal(right, whole)
    # With offset, out is a slice of the row-major tensor: any shape, its size counts.
    part = _sentinel(6).reshape(2, 3)
    glorot.glorot_normal((3, 4), 1, out=part, offset=6)
    np.testing.assert_array_equal(part.ravel(), whole.ravel()[6:])


def test_bfloat16_by_name_needs_no_import_of_ml_dtypes():
    code = (
        "import sys, glorot\n"
        "assert 'ml_dtypes' not in sys.modules\n"
        "w = glorot.kaiming_uniform((32, 16, 3, 3), 42, nonlinearity='relu', dtype='bfloat16')\n"
        "print(w.dtype, w.shape)"
    )
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "bfloat16 (32, 16, 3, 3)"

"""Python output equals the Rust crate's, bit for bit (values from the `golden` example)."""

import ml_dtypes
import numpy as np

import glorot

DTYPES = {"f32": (np.float32, np.uint32), "f16": (np.float16, np.uint16), "bf16": (ml_dtypes.bfloat16, np.uint16)}


def _bits(a, key):
    return a.view(DTYPES[key][1]).ravel()


def test_every_golden_case_matches(golden):
    kinds = set()
    for case in golden:
        fn = getattr(glorot, case["fn"])
        kinds.add(case["fn"])
        for key, (dt, _) in DTYPES.items():
            want = np.array(case[key], dtype=DTYPES[key][1])
            if case["fn"] in ("normal", "truncated_normal", "uniform"):
                got = fn(case["shape"], seed=case["seed"], stream=case["stream"], offset=case["offset"], dtype=dt)
                # And into a caller's array, on 2 threads.
                out = np.zeros(case["shape"], dtype=dt)
                fn(seed=case["seed"], stream=case["stream"], offset=case["offset"], out=out, threads=2)
                np.testing.assert_array_equal(_bits(out, key), want)
            else:
                got = fn(tuple(case["shape"]), case["seed"], stream=case["stream"], dtype=dt)
            assert got.dtype == np.dtype(dt)
            assert got.shape == tuple(case["shape"])
            np.testing.assert_array_equal(_bits(got, key), want, err_msg=f"{case['fn']} {key} seed={case['seed']}")
    assert kinds == {"normal", "truncated_normal", "uniform", "glorot_normal", "xavier_uniform", "kaiming_normal"}


def test_slices_equal_the_whole(golden):
    """An initializer filled slice by slice (offset + out) equals the whole tensor."""
    for case in golden:
        if case["fn"] != "glorot_normal":
            continue
        shape = tuple(case["shape"])
        whole = glorot.glorot_normal(shape, case["seed"], stream=case["stream"])
        flat = np.full(whole.size, np.nan, np.float32)
        cuts = sorted({0, min(7, whole.size), min(1030, whole.size), whole.size})
        for a, b in zip(cuts, cuts[1:]):
            glorot.glorot_normal(shape, case["seed"], stream=case["stream"], out=flat[a:b], offset=a)
        np.testing.assert_array_equal(flat.view(np.uint32), whole.ravel().view(np.uint32))

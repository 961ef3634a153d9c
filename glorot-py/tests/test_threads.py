"""Threaded fills equal the one-thread fill, bit for bit, around chunk and split boundaries."""

import ml_dtypes
import numpy as np
import pytest

import glorot

M, C = glorot.MIN_PER_THREAD, glorot.CHUNK
SIZES = [M - 1, M, M + 1, 2 * M - 1, 2 * M, 2 * M + 1, 2 * M + C - 1, 3 * M + 7, 5 * M + 3 * C + 1]


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("fn", [glorot.normal, glorot.truncated_normal, glorot.uniform])
def test_threads_equal_one_thread(fn, n):
    one = fn(n, seed=9, stream=4, offset=1000, threads=1)
    for t in (2, 3, 8):
        many = fn(n, seed=9, stream=4, offset=1000, threads=t)
        np.testing.assert_array_equal(one.view(np.uint32), many.view(np.uint32))


@pytest.mark.parametrize("dt", [np.float16, ml_dtypes.bfloat16])
def test_threads_equal_one_thread_half(dt):
    n = 3 * M + 5
    one = glorot.glorot_normal((n // 7, 7), 3, dtype=dt, threads=1)
    many = glorot.glorot_normal((n // 7, 7), 3, dtype=dt, threads=4)
    np.testing.assert_array_equal(one.view(np.uint16), many.view(np.uint16))


def test_threaded_fill_equals_pieces():
    """A large threaded fill equals the same elements filled in small unthreaded pieces."""
    n = 4 * M + 123
    whole = glorot.normal(n, seed=5, threads=2)
    pieces = np.concatenate([glorot.normal(min(1000, n - a), seed=5, offset=a, threads=1) for a in range(0, n, 1000)])
    np.testing.assert_array_equal(whole.view(np.uint32), pieces.view(np.uint32))

"""Helpers shared by the framework adapters (not public)."""

import operator

import numpy as np


def np_dtype(dtype, argument="dtype"):
    """The numpy dtype for a framework's float32/float16/bfloat16 name or object.

    Raises ``TypeError`` naming ``argument`` for anything else.
    """
    name = None
    if dtype is not None and not isinstance(dtype, str):
        try:  # numpy, jax.numpy and ml_dtypes types and dtypes
            name = np.dtype(dtype).name
        except TypeError:
            name = None
    if name is None:
        name = str(dtype).replace("torch.", "")
    if name in ("float32", "float"):
        return np.dtype(np.float32)
    if name in ("float16", "half"):
        return np.dtype(np.float16)
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    raise TypeError(
        f"{argument} must be float32, float16 or bfloat16, got {dtype!r}"
    )


def check_seed(seed, argument="seed"):
    """``seed`` as an int in ``0 .. 2**64`` (``TypeError``/``ValueError`` naming it)."""
    # operator.index, not int(): a float tensor or numpy float has __index__-like int()
    # conversions that truncate (torch.tensor(3.7) -> 3); an integer tensor passes.
    if isinstance(seed, bool) or "bool" in str(getattr(seed, "dtype", "")):
        raise TypeError(f"{argument} must be an int, got {type(seed).__name__}")
    try:
        seed = operator.index(seed)
    except TypeError:
        raise TypeError(f"{argument} must be an int, got {type(seed).__name__}") from None
    if not 0 <= seed < 2**64:
        raise ValueError(f"{argument} must be in 0..2**64, got {seed}")
    return seed

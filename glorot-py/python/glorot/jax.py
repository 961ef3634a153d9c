"""JAX/Flax initializers with glorot's bits, and mesh-independent sharded init.

Each factory returns ``init(key, shape, dtype=jnp.float32)`` — the signature of
``jax.nn.initializers`` and Flax's ``kernel_init`` — so
``flax.linen.Dense(64, kernel_init=glorot.jax.glorot_normal())`` works. The stream is
derived from the JAX key's data (``jax.random.key_data``: its uint32 words ``w0, w1, ...``)
as ``fold_in(...fold_in(fold_in(stream, w0), w1)..., wn)``, with ``stream`` the factory's
argument (default 0), and the seed is the factory's ``seed`` (default 0). So
``jax.random.split`` keys give independent tensors, the same key gives the same tensor,
and the values are glorot's bits, identical in Rust, C and firmware.

The key must be concrete (``init`` runs on the host, outside ``jit``).

``sharded(init, shape, sharding, seed)`` builds a ``jax.Array`` with
``jax.make_array_from_callback``: each device computes only its own shard, from the
global element indices, so the array's values do not depend on the mesh or partition
spec.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np

import glorot as _g

from ._common import check_seed, np_dtype

__all__ = [
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "lecun_uniform",
    "variance_scaling",
    "normal",
    "truncated_normal",
    "uniform",
    "key_stream",
    "sharded",
]


def key_stream(key, stream=0):
    """The glorot stream of a JAX key (typed or raw uint32): its words folded into ``stream``."""
    if jnp.issubdtype(getattr(key, "dtype", None), jax.dtypes.prng_key):
        key = jax.random.key_data(key)
    words = np.asarray(key).astype(np.uint32).ravel()
    s = check_seed(stream, "stream")
    for w in words:
        s = _g.fold_in(s, int(w))
    return s


def _factory(fn, seed, stream, dtype, layout, params):
    check_seed(seed)
    check_seed(stream, "stream")
    default_dtype = dtype

    def init(key, shape, dtype=None):
        dt = np_dtype(dtype if dtype is not None else default_dtype)
        values = fn(tuple(int(d) for d in shape), seed, stream=key_stream(key, stream), layout=layout, dtype=dt, **params)
        return jnp.asarray(values)

    init.glorot = (fn, seed, stream, layout, params)
    return init


def _axes(in_axis, out_axis, batch_axis):
    return (in_axis, out_axis, tuple(batch_axis) if not isinstance(batch_axis, int) else (batch_axis,))


def variance_scaling(scale, mode, distribution, in_axis=-2, out_axis=-1, batch_axis=(), dtype=jnp.float32, *, seed=0, stream=0):
    """``jax.nn.initializers.variance_scaling``; ``distribution`` is ``"truncated_normal"``,
    ``"normal"`` (untruncated, as in JAX) or ``"uniform"``."""
    dist = {"normal": "untruncated_normal"}.get(distribution, distribution)
    params = {"scale": scale, "mode": mode, "distribution": dist}
    _g.variance_scaling((2, 2), 0, **params)  # validate now
    return _factory(_g.variance_scaling, seed, stream, dtype, _axes(in_axis, out_axis, batch_axis), params)


def _named(scale, mode, distribution, doc):
    def f(in_axis=-2, out_axis=-1, batch_axis=(), dtype=jnp.float32, *, seed=0, stream=0):
        return variance_scaling(scale, mode, distribution, in_axis, out_axis, batch_axis, dtype, seed=seed, stream=stream)

    f.__doc__ = doc
    return f


glorot_normal = _named(1.0, "fan_avg", "truncated_normal", "``jax.nn.initializers.glorot_normal``.")
glorot_uniform = _named(1.0, "fan_avg", "uniform", "``jax.nn.initializers.glorot_uniform``.")
he_normal = _named(2.0, "fan_in", "truncated_normal", "``jax.nn.initializers.he_normal``.")
he_uniform = _named(2.0, "fan_in", "uniform", "``jax.nn.initializers.he_uniform``.")
lecun_normal = _named(1.0, "fan_in", "truncated_normal", "``jax.nn.initializers.lecun_normal``.")
lecun_uniform = _named(1.0, "fan_in", "uniform", "``jax.nn.initializers.lecun_uniform``.")


def normal(stddev=1e-2, dtype=jnp.float32, *, seed=0, stream=0):
    """``jax.nn.initializers.normal(stddev)``."""
    return _factory(_g.random_normal, seed, stream, dtype, "keras", {"mean": 0.0, "stddev": stddev})


def truncated_normal(stddev=1e-2, dtype=jnp.float32, lower=-2.0, upper=2.0, *, seed=0, stream=0):
    """``jax.nn.initializers.truncated_normal(stddev)`` (only ``lower=-2, upper=2``)."""
    if lower != -2.0 or upper != 2.0:
        raise ValueError(f"lower, upper: glorot truncates at -2, 2, got {lower}, {upper}")
    return _factory(_g.trunc_normal, seed, stream, dtype, "keras", {"mean": 0.0, "std": stddev})


def uniform(scale=1e-2, dtype=jnp.float32, *, seed=0, stream=0):
    """``jax.nn.initializers.uniform(scale)``: ``[0, scale)``."""
    return _factory(_g.random_uniform, seed, stream, dtype, "keras", {"minval": 0.0, "maxval": scale})


def _fill_box(fn, shape, index, seed, stream, dt, layout, params):
    """The values of the box ``index`` (a tuple of slices) of the tensor of ``shape``, filled
    by its contiguous row-major runs, each at its global offset."""
    index = tuple(index) + (slice(None),) * (len(shape) - len(index))
    ranges = [range(*sl.indices(n)) for sl, n in zip(index, shape)]
    for r in ranges:
        if r.step != 1:
            raise ValueError("sharded: shards must be contiguous boxes")
    box = tuple(len(r) for r in ranges)
    local = np.empty(box, dtype=dt)
    if local.size == 0:
        return local
    # Axes after k are whole: a run spans box[k] * prod(shape[k+1:]) elements.
    k = len(shape) - 1
    while k > 0 and box[k] == shape[k]:
        k -= 1
    run = int(np.prod(box[k:], dtype=np.int64)) if shape else 1
    rows = local.reshape(-1, run)
    strides = [int(np.prod(shape[i + 1:], dtype=np.int64)) for i in range(len(shape))]
    for row, outer in enumerate(np.ndindex(*box[:k])):
        start = sum((ranges[i].start + o) * strides[i] for i, o in enumerate(outer))
        start += ranges[k].start * strides[k] if shape else 0
        fn(shape, seed, stream=stream, layout=layout, out=rows[row], offset=start, **params)
    return local


def sharded(init, shape, sharding, seed=None, *, key=None, dtype=None):
    """A ``jax.Array`` of ``shape`` laid out by ``sharding``, filled by ``init`` (a factory's
    result, e.g. ``glorot.jax.glorot_normal(seed=1)``), each device computing only its shard.

    The stream is the factory's, folded with ``key``'s data if a key is given; ``seed``, if
    given, replaces the factory's seed. The values equal ``init(key, shape)`` computed
    whole, bit for bit, whatever the mesh and partition spec.
    """
    fn, fseed, stream, layout, params = init.glorot
    seed = fseed if seed is None else check_seed(seed)
    if key is not None:
        stream = key_stream(key, stream)
    shape = tuple(int(d) for d in shape)
    dt = np_dtype(dtype if dtype is not None else jnp.float32)

    def callback(index):
        return _fill_box(fn, shape, index, seed, stream, dt, layout, params)

    return jax.make_array_from_callback(shape, sharding, callback)

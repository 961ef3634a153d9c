"""glorot: bit-reproducible neural-network weight initialisation.

The Python face of the ``glorot`` Rust crate (a ``no_std`` library that also runs in
microcontroller firmware): the same ``(seed, stream, element index)`` gives the same
bits here, in Rust, through the C ABI and on the device.

Core samplers (standard normal, standard normal truncated to ``[-2, 2]``, uniform on
``[-1, 1)``), each writing elements ``offset ..`` of stream ``stream`` of ``seed``::

    glorot.normal(shape, *, seed, stream=0, offset=0, out=None, dtype=None, threads=None)
    glorot.truncated_normal(...)
    glorot.uniform(...)

Every function takes the shape first (as ``keras.random.normal(shape, ..., seed=...)``
does). The samplers take ``seed`` by keyword only: 0.1 had ``normal(seed, shape)``, and
two ints in the old order now raise ``TypeError`` instead of silently swapping.

Initializers by their Keras names (fans in Keras' layout, ``(..., in, out)``, by
default)::

    glorot_normal, glorot_uniform, he_normal, he_uniform, lecun_normal, lecun_uniform,
    variance_scaling, random_normal, random_uniform

and by their PyTorch names (fans in PyTorch's layout, ``(out, in, ...)``, by default)::

    xavier_normal, xavier_uniform, kaiming_normal, kaiming_uniform, trunc_normal

each as ``f(shape, seed, *, <parameters>, stream=0, layout=..., dtype=None, out=None,
offset=None, threads=None)``.

Arguments common to all:

- ``seed``, ``stream``: ints in ``0 .. 2**64``.
- ``dtype``: ``float32`` (default), ``float16`` or ``bfloat16`` (anything ``numpy.dtype``
  accepts; ``"bfloat16"`` needs ``ml_dtypes`` installed, and glorot imports it).
  Half-precision values are the float32 values rounded to nearest even.
- ``out``: a C-contiguous, writeable ``numpy.ndarray`` of one of those dtypes, filled in
  place and returned. Its shape must be ``shape`` (numpy's rule for ``out=``; the same size
  in another shape is a ``ValueError``). For the initializers, ``offset`` with ``out``
  fills elements ``offset .. offset + out.size`` of the (row-major) tensor of ``shape``;
  ``out`` is then a slice, of any shape.
- ``layout``: ``"keras"``, ``"torch"``, or ``(in_axes, out_axes, batch_axes)`` (JAX's
  ``in_axis``, ``out_axis``, ``batch_axis``).
- ``threads``: fills of more than ``MIN_PER_THREAD`` elements are split over this many
  threads (default: all cores) with the GIL released; the bits do not depend on it.

Every argument is checked before anything is written; bad input raises ``TypeError`` (a
wrong type) or ``ValueError`` (a wrong value), with a message that names the argument.

Submodules: ``glorot.keras`` (``keras.initializers.Initializer`` subclasses),
``glorot.torch`` (``torch.nn.init``-style in-place functions and ``init_module_``),
``glorot.jax`` (``(key, shape, dtype)`` initializer factories and ``sharded``). They are
imported on first use (``import glorot`` then ``glorot.torch.xavier_normal_`` works), so
``import glorot`` itself needs only numpy; each needs its framework installed.

``glorot.__version__`` is the version of the Rust crate this package was built from (one
number for both).
"""

import importlib as _importlib

from . import _native

from ._native import (
    __version__,
    CHUNK,
    MIN_PER_THREAD,
    fans,
    fold_in,
    glorot_normal,
    glorot_uniform,
    he_normal,
    he_uniform,
    kaiming_normal,
    kaiming_uniform,
    kernel,
    lecun_normal,
    lecun_uniform,
    name_stream,
    normal,
    random_normal,
    random_uniform,
    trunc_normal,
    truncated_normal,
    uniform,
    variance_scaling,
    xavier_normal,
    xavier_uniform,
)

__all__ = [
    "__version__",
    "CHUNK",
    "MIN_PER_THREAD",
    "fans",
    "fold_in",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "kaiming_normal",
    "kaiming_uniform",
    "kernel",
    "lecun_normal",
    "lecun_uniform",
    "name_stream",
    "normal",
    "random_normal",
    "random_uniform",
    "trunc_normal",
    "truncated_normal",
    "uniform",
    "variance_scaling",
    "xavier_normal",
    "xavier_uniform",
]

#: Initializers by name (Keras' and PyTorch's snake-case names), from the extension's table.
INITIALIZERS = {name: globals()[name] for name in _native.INITIALIZER_NAMES}
__all__.append("INITIALIZERS")

#: The framework adapters, imported on first attribute access (PEP 562).
_SUBMODULES = ("keras", "torch", "jax")


def __getattr__(name):
    if name in _SUBMODULES:
        # import_module binds the submodule as an attribute of this package, so this hook
        # runs once per submodule. An ImportError (the framework is missing) propagates.
        return _importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))

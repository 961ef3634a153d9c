"""PyTorch's ``torch.nn.init`` functions with glorot's bits.

``xavier_normal_``, ``xavier_uniform_``, ``kaiming_normal_``, ``kaiming_uniform_``,
``trunc_normal_``, ``normal_`` and ``uniform_`` take PyTorch's arguments plus a keyword
``seed`` (required) and ``stream`` (default 0), and fill the tensor in place under
``torch.no_grad()``, fans computed as PyTorch computes them (``(out, in, *kernel)``). CPU
tensors of float32, float16 and bfloat16 that are contiguous are filled directly; others
(another device, non-contiguous) are filled on the CPU and copied in. PyTorch's
``generator`` argument is not supported (glorot's stream replaces it).

``init_module_(module, seed)`` initialises every parameter of a model, each from its own
stream, derived from its name as ``module.named_parameters()`` reports it:

    stream(name) = glorot.name_stream(name, stream)
                 = fold_in(stream, FNV-1a-64(name.encode("utf-8")))

(``fold_in`` is the Rust crate's ``Key::fold_in``; FNV-1a 64 with offset basis
``0xcbf29ce484222325`` and prime ``0x100000001b3``). So one seed fixes a whole model, and a
parameter's values depend only on (seed, its name, its shape), not on the order of the
parameters or on the other layers.
"""

import math

import numpy as np
import torch

import glorot as _g

from ._common import check_seed

__all__ = [
    "xavier_normal_",
    "xavier_uniform_",
    "kaiming_normal_",
    "kaiming_uniform_",
    "trunc_normal_",
    "normal_",
    "uniform_",
    "init_module_",
]

_DIRECT = {torch.float32, torch.float16, torch.bfloat16}


def _numpy_view(t):
    """A numpy array sharing ``t``'s memory (bfloat16 through ml_dtypes)."""
    if t.dtype == torch.bfloat16:
        import ml_dtypes

        return t.view(torch.int16).numpy().view(ml_dtypes.bfloat16)
    return t.numpy()


def _np_dtype(dtype):
    if dtype == torch.float32:
        return np.float32
    if dtype == torch.float16:
        return np.float16
    import ml_dtypes

    return ml_dtypes.bfloat16


def _fill(fn, tensor, generator, seed, stream, layout="torch", **params):
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"tensor must be a torch.Tensor, got {type(tensor).__name__}")
    if generator is not None:
        raise TypeError("generator is not supported: glorot draws from seed= and stream=")
    if tensor.dtype not in _DIRECT:
        raise TypeError(
            f"tensor must have dtype float32, float16 or bfloat16, got {tensor.dtype}"
        )
    check_seed(seed)
    check_seed(stream, "stream")
    shape = tuple(tensor.shape)
    with torch.no_grad():
        if tensor.device.type == "cpu" and tensor.is_contiguous():
            fn(shape, seed, stream=stream, layout=layout, out=_numpy_view(tensor.detach()), **params)
        else:
            values = fn(shape, seed, stream=stream, layout=layout, dtype=_np_dtype(tensor.dtype), **params)
            if tensor.dtype == torch.bfloat16:
                src = torch.from_numpy(values.view(np.int16)).view(torch.bfloat16)
            else:
                src = torch.from_numpy(values)
            tensor.copy_(src)
    return tensor


def xavier_normal_(tensor, gain=1.0, generator=None, *, seed, stream=0):
    """``torch.nn.init.xavier_normal_``: normal with ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    return _fill(_g.xavier_normal, tensor, generator, seed, stream, gain=gain)


def xavier_uniform_(tensor, gain=1.0, generator=None, *, seed, stream=0):
    """``torch.nn.init.xavier_uniform_``: uniform on ``[-b, b)``, ``b = gain * sqrt(6 / (fan_in + fan_out))``."""
    return _fill(_g.xavier_uniform, tensor, generator, seed, stream, gain=gain)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None, *, seed, stream=0):
    """``torch.nn.init.kaiming_normal_``: normal with ``std = gain / sqrt(fan)``."""
    return _fill(_g.kaiming_normal, tensor, generator, seed, stream, a=a, mode=mode, nonlinearity=nonlinearity)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None, *, seed, stream=0):
    """``torch.nn.init.kaiming_uniform_``: uniform on ``[-b, b)``, ``b = sqrt(3) * gain / sqrt(fan)``."""
    return _fill(_g.kaiming_uniform, tensor, generator, seed, stream, a=a, mode=mode, nonlinearity=nonlinearity)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None, *, seed, stream=0):
    """``torch.nn.init.trunc_normal_`` for ``a = mean - 2 std``, ``b = mean + 2 std`` (glorot's cut).

    Other ``a``, ``b`` raise ``ValueError``.
    """
    return _fill(_g.trunc_normal, tensor, generator, seed, stream, "keras",  # no fans: any rank
                  mean=mean, std=std, a=a, b=b)


def normal_(tensor, mean=0.0, std=1.0, generator=None, *, seed, stream=0):
    """``torch.nn.init.normal_``."""
    return _fill(_g.random_normal, tensor, generator, seed, stream, "keras",  # no fans: any rank
                  mean=mean, stddev=std)


def uniform_(tensor, a=0.0, b=1.0, generator=None, *, seed, stream=0):
    """``torch.nn.init.uniform_``: ``[a, b)``."""
    return _fill(_g.random_uniform, tensor, generator, seed, stream, "keras",  # no fans: any rank
                  minval=a, maxval=b)


def init_module_(module, seed, *, stream=0, weight_init=None, bias_init=None):
    """Initialises every parameter of ``module`` in place, each from its own stream.

    Parameter ``name`` (from ``module.named_parameters()``) is drawn from stream
    ``glorot.name_stream(name, stream)`` of ``seed``. By default parameters of two or
    more dimensions get ``xavier_uniform_`` and the others (biases, norm scales) PyTorch's
    ``Linear``-bias rule ``uniform_(-1/sqrt(n), 1/sqrt(n))`` with ``n`` their number of
    elements; ``weight_init``/``bias_init`` replace these, called as
    ``f(tensor, seed=seed, stream=name_stream(name, stream))``. Returns ``module``.
    """
    seed = check_seed(seed)
    check_seed(stream, "stream")
    if weight_init is None:
        weight_init = xavier_uniform_
    if bias_init is None:

        def bias_init(t, *, seed, stream):
            if t.numel() == 0:
                return t
            bound = 1.0 / math.sqrt(t.numel())
            return uniform_(t, -bound, bound, seed=seed, stream=stream)

    for name, p in module.named_parameters():
        s = _g.name_stream(name, stream)
        if p.dim() >= 2:
            weight_init(p, seed=seed, stream=s)
        else:
            bias_init(p, seed=seed, stream=s)
    return module

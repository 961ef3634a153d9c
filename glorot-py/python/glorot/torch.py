"""PyTorch's ``torch.nn.init`` functions and default initialisation with glorot's bits, on
plain tensors and on sharded ``DTensor`` parameters (FSDP2, tensor parallel) alike.

``xavier_normal_``, ``xavier_uniform_``, ``kaiming_normal_``, ``kaiming_uniform_``,
``trunc_normal_``, ``normal_``, ``uniform_`` and ``constant_`` take PyTorch's arguments plus
a keyword ``seed`` (required) and ``stream`` (default 0), and fill the tensor in place under
``torch.no_grad()``, fans computed as PyTorch computes them (``(out, in, *kernel)``).
Tensors of float32, float16 and bfloat16 are accepted; contiguous CPU tensors are written
directly, others (another device, non-contiguous) through a CPU scratch of their size.
PyTorch's ``generator`` argument is not supported (glorot's stream replaces it). Fills run
on ``torch.get_num_threads()`` threads (the bits do not depend on it).

**DTensors.** A ``torch.distributed.tensor.DTensor`` (any mesh; ``Shard(d)``,
``_StridedShard`` as FSDP2 × TP makes it, ``Replicate()``; uneven shards as torch chunks
them) is filled on each rank in its local shard only: the global index of each local
element is worked out from the placements, fans come from the global shape, and
``full_tensor()`` equals the dense fill of the same seed and stream bit for bit, whatever
the mesh. No rank builds the full tensor.

**Whole models.** ``init_module_(model, seed)`` draws for every parameter what its
module's own ``reset_parameters()`` draws in PyTorch, and ``keyed(model, seed)`` makes
the model's own init code (``model.init_weights()``, ``_init_weights``) draw from glorot.
Parameter ``name`` (as ``named_parameters()`` reports it for the unwrapped model) uses the
stream

    stream(name) = glorot.name_stream(name, stream)
                 = fold_in(stream, FNV-1a-64(name.encode("utf-8")))

(``fold_in`` is the Rust crate's ``Key::fold_in``; FNV-1a 64 with offset basis
``0xcbf29ce484222325`` and prime ``0x100000001b3``). So one seed fixes a whole model, and a
parameter's values depend only on (seed, its name, its shape), not on the order of the
parameters, on the other layers or on how the model is sharded.
"""

import contextlib
import functools
import math
import operator
import threading
import weakref

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
    "constant_",
    "init_module_",
    "keyed",
    "stream_name",
    "local_indices",
    "KeyedError",
    "NORMAL_MAX_ABS",
    "TRUNC_TAG",
]

_DIRECT = {torch.float32, torch.float16, torch.bfloat16}

#: The largest |z| glorot's standard normal sampler returns (the crate's
#: ``sample::NORMAL_MAX_ABS``, 8.206654): a truncation at least this many standard
#: deviations from the mean never cuts.
NORMAL_MAX_ABS = 8.206654

#: General-cut truncated normals are computed in float32 pieces of at most this many elements.
_SCRATCH = 1 << 20

#: ``trunc_normal_`` draws the inverse-CDF replacements for values outside ``[a, b]`` from
#: stream ``fold_in(stream, TRUNC_TAG)`` (the bytes of "trunc" as an integer).
TRUNC_TAG = 0x7472756E63

#: Name components that wrappers insert and ``stream_name`` removes.
_WRAPPER_PREFIXES = ("_fsdp_wrapped_module", "_checkpoint_wrapped_module", "_orig_mod", "_offload_wrapped_module")


# --- DTensor placements -> global indices of the local shard ---------------------------


@functools.lru_cache(maxsize=None)
def _dtensor_types():
    """The DTensor classes, looked up once (``None`` for a torch without distributed)."""
    try:
        from torch.distributed.tensor import DTensor
        from torch.distributed.tensor.placement_types import Partial, Replicate, Shard
    except ImportError:  # torch built without distributed
        return None
    try:
        from torch.distributed.tensor.placement_types import _StridedShard
    except ImportError:
        _StridedShard = ()
    return DTensor, Shard, _StridedShard, Replicate, Partial


def _is_dtensor(t):
    types = _dtensor_types()
    return types is not None and isinstance(t, types[0])


def _chunk(idx, k, r):
    """Piece ``r`` of ``idx`` cut as ``torch.chunk(idx, k)`` cuts (``ceil(n / k)`` each,
    the last ones shorter or empty)."""
    c = -(-len(idx) // k)
    return idx[r * c:(r + 1) * c]


def local_indices(shape, mesh_shape, coordinate, placements):
    """For each dimension of a tensor of global ``shape``, the global indices (an int64
    numpy array, in local order) that the rank at ``coordinate`` of a mesh of
    ``mesh_shape`` holds under ``placements`` (one per mesh dimension).

    ``Shard(d)`` cuts dimension ``d`` as ``torch.chunk`` does; ``_StridedShard(d,
    split_factor=f)`` (FSDP2 on top of tensor parallelism) first cuts it in ``f`` pieces,
    cuts each piece as ``Shard`` would and joins piece ``coordinate`` of each; placements
    apply left to right, each to what the ones before left. ``Replicate()`` keeps all.
    ``Partial`` raises ``ValueError`` (a partial sum has no elementwise value to draw).
    """
    types = _dtensor_types()
    if types is None:
        raise ValueError("placements: this torch has no torch.distributed.tensor")
    _, Shard, Strided, Replicate, Partial = types
    shape = tuple(int(n) for n in shape)
    idx = [np.arange(n, dtype=np.int64) for n in shape]
    if len(mesh_shape) != len(placements) or len(coordinate) != len(placements):
        raise ValueError("mesh_shape, coordinate and placements must have one entry per mesh dimension")
    for mesh_dim, p in enumerate(placements):
        k, r = int(mesh_shape[mesh_dim]), int(coordinate[mesh_dim])
        if isinstance(p, Replicate):
            continue
        if isinstance(p, Partial):
            raise ValueError(f"placements: {p} (a partial sum) cannot be initialised elementwise")
        if not isinstance(p, Shard) and not (Strided and isinstance(p, Strided)):
            raise ValueError(f"placements: unsupported placement {p!r}")
        d = p.dim + len(shape) if p.dim < 0 else p.dim
        if Strided and isinstance(p, Strided):
            f = int(p.split_factor)
            pieces = [_chunk(idx[d], f, j) for j in range(f)]
            idx[d] = np.concatenate([_chunk(piece, k, r) for piece in pieces])
        else:
            idx[d] = _chunk(idx[d], k, r)
    return idx


def _runs(shape, idx):
    """``(local_start, global_start, length)`` of the contiguous row-major runs covering a
    local tensor whose dimension ``d`` holds global indices ``idx[d]``, in local order."""
    local = [len(i) for i in idx]
    n = int(np.prod(local, dtype=np.int64)) if local else 1
    if n == 0:
        return []
    full = [len(i) == s and (s == 0 or (i[0] == 0 and np.all(np.diff(i) == 1))) for i, s in zip(idx, shape)]
    k = len(shape) - 1
    while k >= 0 and full[k]:
        k -= 1
    if k < 0:
        return [(0, 0, n)]
    tail = int(np.prod(shape[k + 1:], dtype=np.int64))
    gstride = [int(np.prod(shape[i + 1:], dtype=np.int64)) for i in range(len(shape))]
    # Segments of consecutive global indices along dimension k.
    ik = idx[k]
    breaks = np.flatnonzero(np.diff(ik) != 1) + 1
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks, [len(ik)]))
    segs = [(int(s), int(ik[s]), int(e - s)) for s, e in zip(starts, ends)]
    # Global offset of each combination of the leading local indices, in local order.
    base = np.zeros(1, dtype=np.int64)
    for d in range(k):
        base = (base[:, None] + idx[d][None, :] * gstride[d]).reshape(-1)
    row = local[k] * tail
    runs = []
    for j, b in enumerate(base.tolist()):
        for ls, gs, ln in segs:
            runs.append((j * row + ls * tail, b + gs * tail, ln * tail))
    return runs


def _local_and_indices(tensor):
    """``(global shape, local tensor, per-dimension global indices or None)``; ``None``
    means the local tensor is the whole tensor."""
    if _is_dtensor(tensor):
        mesh = tensor.device_mesh
        local = tensor.to_local()
        coord = mesh.get_coordinate()
        shape = tuple(tensor.shape)
        if coord is None:  # this rank is not in the mesh: nothing to write
            return shape, local, [np.zeros(0, np.int64)] * len(shape)
        return shape, local, local_indices(shape, tuple(mesh.shape), coord, tensor.placements)
    return tuple(tensor.shape), tensor, None


def _numpy_view(t):
    """A numpy array sharing ``t``'s memory (bfloat16 through ml_dtypes)."""
    if t.dtype == torch.bfloat16:
        import ml_dtypes

        return t.view(torch.int16).numpy().view(ml_dtypes.bfloat16)
    return t.numpy()


def _check_tensor(tensor):
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"tensor must be a torch.Tensor, got {type(tensor).__name__}")
    if tensor.dtype not in _DIRECT:
        raise TypeError(f"tensor must have dtype float32, float16 or bfloat16, got {tensor.dtype}")
    if tensor.device.type == "meta" or (_is_dtensor(tensor) and tensor.to_local().device.type == "meta"):
        raise ValueError("tensor is on the meta device (no storage): call module.to_empty(device=...) first")


def _apply(tensor, fill_run):
    """Fills ``tensor`` (plain or DTensor: its local shard) by its contiguous runs:
    ``fill_run(flat, global_start)`` writes the 1-D contiguous CPU tensor ``flat`` with
    elements ``global_start ..`` of the row-major global tensor."""
    shape, local, idx = _local_and_indices(tensor)
    runs = [(0, 0, local.numel())] if idx is None else _runs(shape, idx)
    if not runs or local.numel() == 0:
        return tensor
    with torch.no_grad():
        direct = local.device.type == "cpu" and local.is_contiguous()
        target = local.detach() if direct else torch.empty(local.shape, dtype=local.dtype)
        flat = target.view(-1)
        for ls, gs, ln in runs:
            fill_run(flat[ls:ls + ln], gs)
        if not direct:
            local.copy_(target)
    return tensor


def _native(fn, tensor, seed, stream, layout, params):
    """Fills ``tensor`` with the native initializer ``fn`` (keywords only), fans from its
    global shape."""
    _check_tensor(tensor)
    seed = check_seed(seed)
    stream = check_seed(stream, "stream")
    shape = tuple(tensor.shape)
    threads = max(1, torch.get_num_threads())
    if tensor.numel() == 0:
        return tensor
    # Arguments are checked on the whole tensor before anything is written.
    fn(shape=shape, seed=seed, stream=stream, layout=layout, out=np.empty(1, np.float32), offset=0, **params)

    def run(flat, start):
        fn(shape=shape, seed=seed, stream=stream, layout=layout, out=_numpy_view(flat), offset=start, threads=threads, **params)

    return _apply(tensor, run)


def _no_generator(generator):
    if generator is not None:
        raise TypeError("generator is not supported: glorot draws from seed= and stream=")


def constant_(tensor, val):
    """``torch.nn.init.constant_``, local shards only for a DTensor."""
    _check_tensor(tensor)
    return _apply(tensor, lambda flat, start: flat.fill_(val))


def xavier_normal_(tensor, gain=1.0, generator=None, *, seed, stream=0):
    """``torch.nn.init.xavier_normal_``: normal with ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    _no_generator(generator)
    return _native(_g.xavier_normal, tensor, seed, stream, "torch", {"gain": gain})


def xavier_uniform_(tensor, gain=1.0, generator=None, *, seed, stream=0):
    """``torch.nn.init.xavier_uniform_``: uniform on ``[-b, b)``, ``b = gain * sqrt(6 / (fan_in + fan_out))``."""
    _no_generator(generator)
    return _native(_g.xavier_uniform, tensor, seed, stream, "torch", {"gain": gain})


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None, *, seed, stream=0):
    """``torch.nn.init.kaiming_normal_``: normal with ``std = gain / sqrt(fan)``."""
    _no_generator(generator)
    return _native(_g.kaiming_normal, tensor, seed, stream, "torch", {"a": a, "mode": mode, "nonlinearity": nonlinearity})


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None, *, seed, stream=0):
    """``torch.nn.init.kaiming_uniform_``: uniform on ``[-b, b)``, ``b = sqrt(3) * gain / sqrt(fan)``."""
    _no_generator(generator)
    return _native(_g.kaiming_uniform, tensor, seed, stream, "torch", {"a": a, "mode": mode, "nonlinearity": nonlinearity})


def _finite(x, name):
    try:
        x = float(x)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, got {type(x).__name__}") from None
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {x}")
    return x


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None, *, seed, stream=0):
    """``torch.nn.init.trunc_normal_``: normal ``(mean, std)`` truncated to ``[a, b]``.

    Three exact methods, each a pure function of the element index (so shards agree):

    - ``a = mean - 2 std``, ``b = mean + 2 std``: glorot's truncated sampler.
    - ``a <= mean - NORMAL_MAX_ABS std`` and ``b >= mean + NORMAL_MAX_ABS std`` (e.g.
      torchtitan's ``std=0.02, a=-2, b=2``): the cut is beyond anything glorot's normal
      sampler returns, so the plain normal ``mean + std * z`` is the truncated draw.
    - any other ``[a, b]`` (e.g. ``a = -3 std``): the normal value ``v = mean + std * z`` of
      the element (stream ``stream``) where it falls in ``[a, b]``; elsewhere the inverse
      CDF ``mean + std * ndtri(Phi(alpha) + u (Phi(beta) - Phi(alpha)))`` (float64, clamped
      to ``[a, b]``) of the uniform ``u`` of the same element on stream
      ``fold_in(stream, TRUNC_TAG)``. A normal conditioned on ``[a, b]`` mixed with an
      independent draw of the same truncated law is that truncated law, so the result is
      exact; the inverse CDF runs only for the ``1 - P(a <= v <= b)`` share (0.27% at 3 std).
    """
    _no_generator(generator)
    mean, std, a, b = (_finite(v, n) for v, n in ((mean, "mean"), (std, "std"), (a, "a"), (b, "b")))
    if not std > 0:
        raise ValueError(f"std must be > 0, got {std}")
    if not a < b:
        raise ValueError(f"a must be < b, got a={a}, b={b}")
    if a == mean - 2.0 * std and b == mean + 2.0 * std:
        return _native(_g.trunc_normal, tensor, seed, stream, "keras", {"mean": mean, "std": std})
    lo, hi = (a - mean) / std, (b - mean) / std
    # Beyond NORMAL_MAX_ABS with room for float32 rounding of mean + std * z.
    room = min(-lo, hi) - NORMAL_MAX_ABS
    if room > 1e-3 * NORMAL_MAX_ABS and room * std > 4 * float(np.spacing(np.float32(abs(mean) + NORMAL_MAX_ABS * std))):
        return _native(_g.random_normal, tensor, seed, stream, "keras", {"mean": mean, "stddev": std})
    _check_tensor(tensor)
    seed, stream = check_seed(seed), check_seed(stream, "stream")
    cdf = lambda x: 0.5 * math.erfc(-x / math.sqrt(2.0))  # noqa: E731
    flip = lo > 0  # the upper tail: draw its mirror image, where Phi keeps its precision
    p_lo, p_hi = (cdf(-hi), cdf(-lo)) if flip else (cdf(lo), cdf(hi))
    if not p_hi > p_lo:
        raise ValueError(f"a, b: [{a}, {b}] has no probability under normal({mean}, {std}) in float64")
    shape = tuple(tensor.shape)
    if tensor.numel() == 0:
        return tensor
    _g.random_normal(shape=shape, seed=seed, mean=mean, stddev=std, out=np.empty(1, np.float32), offset=0)
    v = np.empty(min(_SCRATCH, tensor.numel()), np.float32)
    u = np.empty_like(v)
    tail_stream = _g.fold_in(stream, TRUNC_TAG)
    threads = max(1, torch.get_num_threads())

    def run(flat, start):
        for s in range(0, flat.numel(), _SCRATCH):
            n = min(_SCRATCH, flat.numel() - s)
            _g.random_normal(shape=shape, seed=seed, mean=mean, stddev=std, out=v[:n], offset=start + s, threads=threads)
            out = np.flatnonzero((v[:n] < a) | (v[:n] > b))
            if len(out):  # few: 1 - P(a <= v <= b) of the elements
                _g.uniform(seed=seed, out=u[:n], stream=tail_stream, offset=start + s, threads=threads)
                q = torch.from_numpy(u[out].astype(np.float64)).add_(1.0).mul_(0.5 * (p_hi - p_lo)).add_(p_lo)
                z = torch.special.ndtri(q).mul_(-std if flip else std).add_(mean).clamp_(a, b)
                v[out] = z.numpy().astype(np.float32)
            flat[s:s + n].copy_(torch.from_numpy(v[:n]))

    return _apply(tensor, run)


def normal_(tensor, mean=0.0, std=1.0, generator=None, *, seed, stream=0):
    """``torch.nn.init.normal_`` (``std = 0`` fills ``mean``)."""
    _no_generator(generator)
    mean, std = _finite(mean, "mean"), _finite(std, "std")
    if std < 0.0:
        raise ValueError(f"std must be >= 0, got {std}")
    if std == 0.0:
        return constant_(tensor, mean)
    return _native(_g.random_normal, tensor, seed, stream, "keras", {"mean": mean, "stddev": std})


def uniform_(tensor, a=0.0, b=1.0, generator=None, *, seed, stream=0):
    """``torch.nn.init.uniform_``: ``[a, b)`` (``a = b`` fills ``a``)."""
    _no_generator(generator)
    a, b = _finite(a, "a"), _finite(b, "b")
    if a > b:
        raise ValueError(f"a must be <= b, got a={a}, b={b}")
    if a == b:
        return constant_(tensor, a)
    return _native(_g.random_uniform, tensor, seed, stream, "keras", {"minval": a, "maxval": b})


# --- init_module_: PyTorch's reset_parameters() rules --------------------------------


def stream_name(name):
    """``name`` (from ``named_parameters()``) as for the unwrapped model: the components
    that FSDP1, activation checkpointing, CPU offload and ``torch.compile`` insert
    (``_fsdp_wrapped_module``, ``_checkpoint_wrapped_module``, ``_offload_wrapped_module``,
    ``_orig_mod``) are removed. FSDP2 (``fully_shard``) and tensor parallelism do not
    rename parameters."""
    return ".".join(c for c in name.split(".") if c not in _WRAPPER_PREFIXES)


def _fan_in(weight):
    return _g.fans(shape=tuple(weight.shape), layout="torch")[0] if weight.dim() >= 2 else 0


def _linear_rules(m, prefix=""):
    rules = {prefix + "weight": lambda t, s, st: kaiming_uniform_(t, a=math.sqrt(5), seed=s, stream=st)}
    if getattr(m, "bias", None) is not None:
        fan_in = _fan_in(m.weight)
        bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        rules[prefix + "bias"] = lambda t, s, st: uniform_(t, -bound, bound, seed=s, stream=st)
    return rules


def _ones_zeros(m):
    return {"weight": lambda t, s, st: constant_(t, 1.0), "bias": lambda t, s, st: constant_(t, 0.0)}


def _embedding_rules(m):
    def weight(t, s, st):
        normal_(t, 0.0, 1.0, seed=s, stream=st)
        if m.padding_idx is not None:
            _fill_row(t, m.padding_idx)

    return {"weight": weight}


def _fill_row(t, row, value=0.0):
    """Sets row ``row`` (global index along dimension 0) of ``t`` to ``value``, in the local
    shard only."""
    shape, local, idx = _local_and_indices(t)
    row = row + shape[0] if row < 0 else row
    with torch.no_grad():
        if idx is None:
            local[row].fill_(value)
        else:
            where = np.flatnonzero(idx[0] == row)
            if len(where):
                local[int(where[0])].fill_(value)


def _mha_rules(m):
    xu = lambda t, s, st: xavier_uniform_(t, seed=s, stream=st)  # noqa: E731
    xn = lambda t, s, st: xavier_normal_(t, seed=s, stream=st)  # noqa: E731
    zero = lambda t, s, st: constant_(t, 0.0)  # noqa: E731
    rules = {"in_proj_weight": xu, "q_proj_weight": xu, "k_proj_weight": xu, "v_proj_weight": xu,
             "in_proj_bias": zero, "bias_k": xn, "bias_v": xn}
    rules.update(_linear_rules(m.out_proj, "out_proj."))
    rules["out_proj.bias"] = zero
    return rules


def _rnn_rules(m):
    bound = 1.0 / math.sqrt(m.hidden_size) if m.hidden_size > 0 else 0.0
    rule = lambda t, s, st: uniform_(t, -bound, bound, seed=s, stream=st)  # noqa: E731
    return {n: rule for n, _ in m.named_parameters(recurse=False)}


def _bilinear_rules(m):
    bound = 1.0 / math.sqrt(m.weight.size(1))
    rule = lambda t, s, st: uniform_(t, -bound, bound, seed=s, stream=st)  # noqa: E731
    return {"weight": rule, "bias": rule}


class _Overridden:
    """The module's class overrides the ``reset_parameters`` its rule is PyTorch's for."""

    def __init__(self, cls):
        self.cls = cls


def _module_rules(m):
    """``{name relative to m: rule(tensor, seed, stream)}`` as ``m.reset_parameters()``
    draws, ``None`` for a module glorot has no rule for, or ``_Overridden`` for a subclass
    of a known module whose own ``reset_parameters`` may draw something else."""
    rules = _torch_rules(m)
    if rules is None:
        return None
    method = "_reset_parameters" if isinstance(m, torch.nn.MultiheadAttention) else "reset_parameters"
    owner = next((c for c in type(m).__mro__ if method in vars(c)), None)
    if owner is not None and not owner.__module__.startswith("torch."):
        return _Overridden(owner)
    return rules


def _torch_rules(m):
    nn = torch.nn
    if isinstance(m, nn.MultiheadAttention):
        return _mha_rules(m)
    if isinstance(m, (nn.Linear, nn.modules.conv._ConvNd)):
        return _linear_rules(m)
    if isinstance(m, nn.Bilinear):
        return _bilinear_rules(m)
    if isinstance(m, (nn.Embedding, nn.EmbeddingBag)):
        return _embedding_rules(m)
    if isinstance(m, (nn.LayerNorm, nn.GroupNorm, nn.modules.batchnorm._NormBase)):
        return _ones_zeros(m)
    if hasattr(nn, "RMSNorm") and isinstance(m, nn.RMSNorm):
        return {"weight": lambda t, s, st: constant_(t, 1.0)}
    if isinstance(m, (nn.RNNBase, nn.RNNCellBase)):
        return _rnn_rules(m)
    if isinstance(m, nn.PReLU):
        return {"weight": lambda t, s, st: constant_(t, m.init)}
    return None


def _reset_running_stats(m):
    if isinstance(m, torch.nn.modules.batchnorm._NormBase) and m.track_running_stats:
        for name, val in (("running_mean", 0), ("running_var", 1), ("num_batches_tracked", 0)):
            buf = getattr(m, name, None)
            if buf is not None:
                with torch.no_grad():
                    (buf.to_local() if _is_dtensor(buf) else buf).fill_(val)


def init_module_(module, seed, *, stream=0, weight_init=None, bias_init=None):
    """Initialises every parameter of ``module`` in place as PyTorch's ``reset_parameters()``
    does, with glorot's bits; returns ``module``.

    Rules (PyTorch's): ``Linear``, ``Conv*d``, ``ConvTranspose*d``: weight
    ``kaiming_uniform_(a=sqrt(5))`` (bound ``1/sqrt(fan_in)``), bias ``U(-1/sqrt(fan_in),
    1/sqrt(fan_in))`` with the weight's ``fan_in``; ``Bilinear``: both ``U(±1/sqrt(in1))``;
    ``Embedding``/``EmbeddingBag``: ``N(0, 1)``, the ``padding_idx`` row zero;
    ``LayerNorm``, ``RMSNorm``, ``GroupNorm``, ``BatchNorm*``, ``InstanceNorm*``: weight
    ones, bias zeros (and ``BatchNorm``'s running statistics reset); ``MultiheadAttention``:
    ``xavier_uniform_`` input projections, ``xavier_normal_`` ``bias_k``/``bias_v``, zero
    ``in_proj_bias`` and ``out_proj.bias``, ``out_proj.weight`` as ``Linear``'s;
    ``RNN``/``LSTM``/``GRU`` and their cells: all ``U(±1/sqrt(hidden_size))``; ``PReLU``:
    its ``init``. Random draws come from stream ``glorot.name_stream(stream_name(name),
    stream)`` of ``seed``, ``name`` the parameter's name from ``module.named_parameters()``.

    ``weight_init`` / ``bias_init``, called as ``f(tensor, seed=seed, stream=...)``, replace
    these rules for all parameters of two or more / fewer dimensions. A parameter of a
    module with no rule (e.g. a custom ``nn.Module`` holding an ``nn.Parameter``), or of a
    subclass of a known module that overrides ``reset_parameters()``, raises ``ValueError``
    naming it, unless ``weight_init``/``bias_init`` covers it; every parameter (dtype,
    device, placements) is checked before any is written. Parameters
    may be ``DTensor`` s (FSDP2, tensor parallel): each rank writes its shards only.
    """
    seed = check_seed(seed)
    stream = check_seed(stream, "stream")
    rules = {}
    for mname, m in module.named_modules():
        r = _module_rules(m)
        if r is None:
            continue
        prefix = mname + "." if mname else ""
        if isinstance(r, _Overridden):
            for pname, _ in m.named_parameters(recurse=False):
                rules.setdefault(prefix + pname, r)
            continue
        for rel, rule in r.items():
            rules.setdefault(prefix + rel, rule)  # a parent's rule (MHA's out_proj) wins
    todo = []
    for name, p in module.named_parameters():
        custom = weight_init if p.dim() >= 2 else bias_init
        rule = rules.get(name)
        if custom is None and isinstance(rule, _Overridden):
            raise ValueError(
                f"parameter {name!r} (shape {tuple(p.shape)}): its module's class "
                f"{rule.cls.__qualname__} overrides reset_parameters(), so PyTorch's rule for its "
                "base class may not be what it draws; run it under glorot.torch.keyed (e.g. "
                "with keyed(model, seed): model.apply(init_fn)) or pass weight_init=/bias_init="
            )
        if custom is None and rule is None:
            raise ValueError(
                f"parameter {name!r} (shape {tuple(p.shape)}): its module has no PyTorch default "
                "rule in glorot.torch.init_module_; pass weight_init=/bias_init= (called as "
                "f(tensor, seed=..., stream=...)) or initialise it under glorot.torch.keyed"
            )
        _check_tensor(p)
        _local_and_indices(p)  # placements checked (Partial is an error) before any write
        todo.append((name, p, custom))
    for name, p, custom in todo:
        st = _g.name_stream(stream_name(name), stream)
        if custom is not None:
            custom(p, seed=seed, stream=st)
        else:
            rules[name](p, seed, st)
    for _, m in module.named_modules():
        _reset_running_stats(m)
    return module


# --- keyed: the model's own init code, drawing from glorot ----------------------------


def _key(t):
    """Identifies a tensor's memory: ``t`` and ``t.data`` (another object, same storage)
    match; a slice of ``t`` does not."""
    local = t.to_local() if _is_dtensor(t) else t
    return (local.untyped_storage().data_ptr(), local.storage_offset(), tuple(local.shape), tuple(local.stride()), tuple(t.shape))


class KeyedError(RuntimeError):
    """A random operation under ``keyed`` that glorot cannot key (see ``keyed``)."""


_TENSOR_RANDOM = ("bernoulli_", "cauchy_", "exponential_", "geometric_", "log_normal_", "random_")
_FACTORY_RANDOM = ("rand", "randn", "randint", "randperm", "rand_like", "randn_like", "randint_like",
                   "normal", "bernoulli", "multinomial", "poisson")


class _Keyed(torch.overrides.TorchFunctionMode):
    def __init__(self, model, seed, stream, strict):
        super().__init__()
        self.seed, self.stream, self.strict = seed, stream, strict
        self.targets = {}
        named = list(model.named_parameters()) + list(model.named_buffers())
        for name, t in named:
            local = t.to_local() if _is_dtensor(t) else t
            if local.device.type == "meta":
                raise ValueError(f"keyed: {name!r} is on the meta device: call model.to_empty(device=...) first")
            if local.numel() > 0:
                self.targets.setdefault(_key(t), stream_name(name))
        init = torch.nn.init
        self.handlers = {
            torch.Tensor.uniform_: self._t_uniform,
            torch.Tensor.normal_: self._t_normal,
            init.uniform_: lambda tensor, a=0.0, b=1.0, generator=None: self._draw(uniform_, "uniform_", tensor, a, b),
            init.normal_: lambda tensor, mean=0.0, std=1.0, generator=None: self._draw(normal_, "normal_", tensor, mean, std),
            init.kaiming_uniform_: lambda tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None:
                self._draw(kaiming_uniform_, "kaiming_uniform_", tensor, a, mode, nonlinearity),
            init.kaiming_normal_: lambda tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None:
                self._draw(kaiming_normal_, "kaiming_normal_", tensor, a, mode, nonlinearity),
            init.trunc_normal_: lambda tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None:
                self._draw(trunc_normal_, "trunc_normal_", tensor, mean, std, a, b),
            init.xavier_uniform_: lambda tensor, gain=1.0, generator=None: self._draw(xavier_uniform_, "xavier_uniform_", tensor, gain),
            init.xavier_normal_: lambda tensor, gain=1.0, generator=None: self._draw(xavier_normal_, "xavier_normal_", tensor, gain),
        }
        # Rows of sharded parameters taken by an integer index (``w.data[padding_idx]``): a
        # DTensor index returns a copy, so an in-place write to it would be lost. id of the
        # copy -> (weak reference to it, the parameter, the row).
        self.rows = {}
        self.unkeyed = {getattr(torch.Tensor, n) for n in _TENSOR_RANDOM}
        self.unkeyed |= {getattr(torch, n) for n in _FACTORY_RANDOM if hasattr(torch, n)}

    def _t_uniform(self, t, a=0.0, b=1.0, *, generator=None, **kw):
        return self._draw(uniform_, "Tensor.uniform_", t, kw.get("from", a), kw.get("to", b))

    def _t_normal(self, t, mean=0.0, std=1.0, *, generator=None):
        return self._draw(normal_, "Tensor.normal_", t, mean, std)

    def _draw(self, fn, what, t, *args):
        local = t.to_local() if _is_dtensor(t) else t
        if isinstance(t, torch.Tensor) and local.numel() > 0 and local.device.type != "meta":
            name = self.targets.get(_key(t))
            if name is None:
                if self.strict:
                    raise KeyedError(
                        f"glorot.torch.keyed: {what} on a tensor of shape {tuple(t.shape)} that is not "
                        "a parameter or buffer of the model (nor the whole of one); pass strict=False "
                        "to draw such tensors from torch's generator"
                    )
                return None
            fn(t, *args, seed=self.seed, stream=_g.name_stream(name, self.stream))
        return t

    def _row_copy(self, func, args, kwargs):
        """``t[i]`` of a model parameter that is a sharded DTensor: remembered, so that
        ``zero_``/``fill_`` on the copy can be written to the parameter's local shard."""
        out = func(*args, **kwargs)
        t = args[0]
        if (isinstance(out, torch.Tensor) and self.targets.get(_key(t)) is not None
                and any(not p.is_replicate() for p in t.placements)):
            try:
                row = operator.index(args[1])
            except TypeError:
                row = None
            key = id(out)
            self.rows[key] = (weakref.ref(out, lambda _, k=key: self.rows.pop(k, None)), t, row)
        return out

    def _write_row(self, func, args, kwargs):
        """``zero_``/``fill_`` on a remembered row copy: the parameter's local shard is
        written (the copy too); anything else on it is an error, as it would be lost."""
        ref, t, row = self.rows[id(args[0])]
        name = func.__name__
        if row is not None and name in ("zero_", "fill_"):
            value = 0.0 if name == "zero_" else (args[1] if len(args) > 1 else kwargs["value"])
            _fill_row(t, row, float(value))
            return func(*args, **kwargs)
        if self.strict:
            raise KeyedError(
                f"glorot.torch.keyed: {name} on an indexed copy of the sharded parameter "
                f"{self.targets.get(_key(t))!r}: indexing a DTensor returns a copy, so the write "
                "would be lost; keyed writes zero_()/fill_() through an integer row index "
                "(w.data[padding_idx].zero_()), nothing else"
            )
        return func(*args, **kwargs)

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func is torch.Tensor.__getitem__ and args and _is_dtensor(args[0]):
            return self._row_copy(func, args, kwargs)
        if (self.rows and args and isinstance(args[0], torch.Tensor) and id(args[0]) in self.rows
                and self.rows[id(args[0])][0]() is args[0]
                and getattr(func, "__name__", "").endswith("_") and not func.__name__.startswith("_")):
            return self._write_row(func, args, kwargs)
        h = self.handlers.get(func)
        if h is not None:
            out = h(*args, **kwargs)
            if out is not None:
                return out
            return func(*args, **kwargs)  # strict=False, not the model's: torch's draw
        if func in self.unkeyed and self.strict:
            raise KeyedError(
                f"glorot.torch.keyed: {getattr(func, '__qualname__', func)} is a random operation "
                "glorot does not key; pass strict=False to let torch's generator draw it"
            )
        return func(*args, **kwargs)


@contextlib.contextmanager
def keyed(model, seed, *, stream=0, strict=True):
    """Within the block, random in-place initialisation of ``model``'s parameters and buffers
    draws glorot's bits, so the model's own init code (``model.init_weights()``,
    ``model.apply(model._init_weights)``) gives the same values on 1, 2 or 512 ranks::

        with glorot.torch.keyed(model, seed=42):
            model.init_weights()

    Keyed: ``torch.nn.init.uniform_``, ``normal_``, ``trunc_normal_``, ``xavier_uniform_``,
    ``xavier_normal_``, ``kaiming_uniform_``, ``kaiming_normal_`` (as ``nn.init.X`` or
    imported by name) and ``Tensor.uniform_``/``normal_`` on a parameter or buffer (or its
    ``.data``) of ``model``, each drawn from stream ``glorot.name_stream(stream_name(name),
    stream)`` of ``seed`` by global element index; a ``DTensor`` is filled in its local
    shard only. A tensor drawn twice is drawn again from the start of its stream (the last
    draw wins, whatever came before). Non-random operations (``zeros_``, ``ones_``,
    ``constant_``, ``copy_``, ``fill_``) run as usual. Indexing a sharded ``DTensor``
    returns a copy: ``zero_()``/``fill_()`` on an integer row of a model parameter
    (Hugging Face's ``w.data[padding_idx].zero_()``) is written to the local shard that
    holds the row; other in-place ops on such a copy raise ``KeyedError`` (strict). Only
    the thread that entered ``keyed`` is keyed.

    Not keyed (``KeyedError`` by default; ``strict=False`` lets torch's generator draw
    them): a keyed op on a tensor that is not a whole parameter or buffer of ``model`` (a
    slice, a temporary), ``Tensor.bernoulli_/cauchy_/exponential_/geometric_/log_normal_/
    random_``, ``torch.rand/randn/randint/randperm/normal/bernoulli/multinomial/poisson``
    and ``*_like``, and so ``nn.init.orthogonal_``/``sparse_`` (which draw into a
    temporary). PyTorch's ``generator`` argument is
    ignored. Parameters must have storage (after ``to_empty``); tied parameters are drawn
    from the name ``named_parameters()`` reports first.
    """
    seed = check_seed(seed)
    stream = check_seed(stream, "stream")
    mode = _Keyed(model, seed, stream, strict)
    init = torch.nn.init
    saved = {n: getattr(init, n) for n in ("_no_grad_uniform_", "_no_grad_normal_", "_no_grad_trunc_normal_")}

    # The patches are module globals, seen by every thread; they key only this thread's
    # calls (a TorchFunctionMode is per thread too) and pass other threads' through.
    owner = threading.get_ident()

    def p_uniform(tensor, a, b, generator=None):
        out = mode._draw(uniform_, "uniform_", tensor, a, b) if threading.get_ident() == owner else None
        return out if out is not None else saved["_no_grad_uniform_"](tensor, a, b, generator)

    def p_normal(tensor, mean, std, generator=None):
        out = mode._draw(normal_, "normal_", tensor, mean, std) if threading.get_ident() == owner else None
        return out if out is not None else saved["_no_grad_normal_"](tensor, mean, std, generator)

    def p_trunc_normal(tensor, mean, std, a, b, generator=None):
        out = mode._draw(trunc_normal_, "trunc_normal_", tensor, mean, std, a, b) if threading.get_ident() == owner else None
        return out if out is not None else saved["_no_grad_trunc_normal_"](tensor, mean, std, a, b, generator)

    init._no_grad_uniform_ = p_uniform
    init._no_grad_normal_ = p_normal
    init._no_grad_trunc_normal_ = p_trunc_normal
    try:
        with mode:
            yield model
    finally:
        for n, f in saved.items():
            setattr(init, n, f)

"""Keras 3 initializers with glorot's bits.

``GlorotNormal``, ``GlorotUniform``, ``HeNormal``, ``HeUniform``, ``LecunNormal``,
``LecunUniform``, ``VarianceScaling``, ``RandomNormal``, ``TruncatedNormal`` and
``RandomUniform`` are subclasses of ``keras.initializers.Initializer`` with Keras'
parameters and semantics, plus ``stream``:

- an int ``seed`` gives the same values on every call (as Keras' seeded initializers do);
- ``seed=None`` draws a seed once, at construction, and each call then takes the next
  stream, so calls differ (as Keras' unseeded initializers do);
- ``get_config()`` returns the parameters, seed and stream, and the classes are registered
  as serializable (package ``"glorot"``), so a model saved as ``.keras`` reloads with them.

The values are computed by glorot on the host (numpy, float32/float16/bfloat16) and
converted to a tensor of the requested dtype, so they do not depend on the backend::

    import keras, glorot.keras
    layer = keras.layers.Dense(64, kernel_initializer=glorot.keras.GlorotNormal(seed=42))
"""

import secrets

import keras

import glorot as _g

from ._common import check_seed, np_dtype

__all__ = [
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "LecunNormal",
    "LecunUniform",
    "VarianceScaling",
    "RandomNormal",
    "TruncatedNormal",
    "RandomUniform",
]


class _GlorotInitializer(keras.initializers.Initializer):
    """Common part: seed/stream handling, dtype conversion, config."""

    _fn = None

    def __init__(self, seed=None, stream=0):
        if seed is None:
            self._fixed = False
            seed = secrets.randbits(64)
        else:
            self._fixed = True
        self.seed = check_seed(seed)
        self.stream = check_seed(stream, "stream")
        self._calls = 0

    def _params(self):
        return {}

    def __call__(self, shape, dtype=None):
        dtype = keras.backend.standardize_dtype(dtype or keras.config.floatx())
        stream = self.stream
        if not self._fixed:
            stream = (self.stream + self._calls) % 2**64
            self._calls += 1
        values = type(self)._fn(
            tuple(int(d) for d in shape),
            self.seed,
            stream=stream,
            layout="keras",
            dtype=np_dtype(dtype),
            **self._params(),
        )
        return keras.ops.convert_to_tensor(values, dtype=dtype)

    def get_config(self):
        return {"seed": self.seed if self._fixed else None, "stream": self.stream, **self._params()}


def _register(cls):
    return keras.saving.register_keras_serializable(package="glorot")(cls)


@_register
class VarianceScaling(_GlorotInitializer):
    """Keras' ``VarianceScaling(scale, mode, distribution, seed)``, glorot's bits."""

    _fn = staticmethod(_g.variance_scaling)

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None, stream=0):
        super().__init__(seed, stream)
        self.scale = float(scale)
        self.mode = mode
        self.distribution = distribution
        # Validate now (ValueError naming the argument), not at the first call.
        _g.variance_scaling((2, 2), 0, **self._params())

    def _params(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution}


def _fixed_scaling(name, fn, doc):
    def __init__(self, seed=None, stream=0):
        _GlorotInitializer.__init__(self, seed, stream)

    cls = type(name, (_GlorotInitializer,), {"__init__": __init__, "_fn": staticmethod(fn), "__doc__": doc})
    cls.__module__ = __name__
    return _register(cls)


GlorotNormal = _fixed_scaling("GlorotNormal", _g.glorot_normal, "Keras' ``GlorotNormal(seed)``: truncated normal of variance ``1 / fan_avg``.")
GlorotUniform = _fixed_scaling("GlorotUniform", _g.glorot_uniform, "Keras' ``GlorotUniform(seed)``: uniform of variance ``1 / fan_avg``.")
HeNormal = _fixed_scaling("HeNormal", _g.he_normal, "Keras' ``HeNormal(seed)``: truncated normal of variance ``2 / fan_in``.")
HeUniform = _fixed_scaling("HeUniform", _g.he_uniform, "Keras' ``HeUniform(seed)``: uniform of variance ``2 / fan_in``.")
LecunNormal = _fixed_scaling("LecunNormal", _g.lecun_normal, "Keras' ``LecunNormal(seed)``: truncated normal of variance ``1 / fan_in``.")
LecunUniform = _fixed_scaling("LecunUniform", _g.lecun_uniform, "Keras' ``LecunUniform(seed)``: uniform of variance ``1 / fan_in``.")


@_register
class RandomNormal(_GlorotInitializer):
    """Keras' ``RandomNormal(mean=0.0, stddev=0.05, seed)``."""

    _fn = staticmethod(_g.random_normal)

    def __init__(self, mean=0.0, stddev=0.05, seed=None, stream=0):
        super().__init__(seed, stream)
        self.mean, self.stddev = float(mean), float(stddev)
        _g.random_normal(1, 0, **self._params())

    def _params(self):
        return {"mean": self.mean, "stddev": self.stddev}


@_register
class TruncatedNormal(_GlorotInitializer):
    """Keras' ``TruncatedNormal(mean=0.0, stddev=0.05, seed)``: cut at ``mean ± 2 stddev``."""

    _fn = staticmethod(_g.trunc_normal)

    def __init__(self, mean=0.0, stddev=0.05, seed=None, stream=0):
        super().__init__(seed, stream)
        self.mean, self.stddev = float(mean), float(stddev)
        _g.trunc_normal(1, 0, **self._params())

    def _params(self):
        return {"mean": self.mean, "std": self.stddev}

    def get_config(self):
        cfg = super().get_config()
        del cfg["std"]
        cfg["stddev"] = self.stddev
        return cfg


@_register
class RandomUniform(_GlorotInitializer):
    """Keras' ``RandomUniform(minval=-0.05, maxval=0.05, seed)``: ``[minval, maxval)``."""

    _fn = staticmethod(_g.random_uniform)

    def __init__(self, minval=-0.05, maxval=0.05, seed=None, stream=0):
        super().__init__(seed, stream)
        self.minval, self.maxval = float(minval), float(maxval)
        _g.random_uniform(1, 0, **self._params())

    def _params(self):
        return {"minval": self.minval, "maxval": self.maxval}

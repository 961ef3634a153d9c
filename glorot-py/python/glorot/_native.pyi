"""Type stubs of the extension module glorot._native (re-exported by ``glorot``)."""

from typing import Any, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

Shape = Union[int, Sequence[int]]
Layout = Union[str, Tuple[Union[int, Sequence[int]], Union[int, Sequence[int]], Union[int, Sequence[int]]]]
DType = Any  # float32, float16 or ml_dtypes.bfloat16, as numpy.dtype accepts them

CHUNK: int
__version__: str
MIN_PER_THREAD: int
INITIALIZER_NAMES: list[str]

def normal(
    shape: Optional[Shape] = None,
    *,
    seed: int,
    stream: int = 0,
    offset: int = 0,
    out: Optional[npt.NDArray[Any]] = None,
    dtype: Optional[DType] = None,
    threads: Optional[int] = None,
) -> npt.NDArray[Any]: ...
def truncated_normal(
    shape: Optional[Shape] = None,
    *,
    seed: int,
    stream: int = 0,
    offset: int = 0,
    out: Optional[npt.NDArray[Any]] = None,
    dtype: Optional[DType] = None,
    threads: Optional[int] = None,
) -> npt.NDArray[Any]: ...
def uniform(
    shape: Optional[Shape] = None,
    *,
    seed: int,
    stream: int = 0,
    offset: int = 0,
    out: Optional[npt.NDArray[Any]] = None,
    dtype: Optional[DType] = None,
    threads: Optional[int] = None,
) -> npt.NDArray[Any]: ...
def glorot_normal(
    shape: Shape,
    seed: int,
    *,
    stream: int = 0,
    layout: Optional[Layout] = None,
    dtype: Optional[DType] = None,
    out: Optional[npt.NDArray[Any]] = None,
    offset: Optional[int] = None,
    threads: Optional[int] = None,
) -> npt.NDArray[Any]: ...
def glorot_uniform(
    shape: Shape,
    seed: int,
    *,
    stream: int = 0,
    layout: Optional[Layout] = None,
    dtype: Optional[DType] = None,
    out: Optional[npt.NDArray[Any]] = None,
    offset: Optional[int] = None,
    threads: Optional[int] = None,
) -> npt.NDArray[Any]: ...
def he_normal(
    shape: Shape,
    seed: int,
    *,
    stream: int = 0,
    layout: Optional[Layout] = None,
    dtype: Optional[DType] = None,
    out: Optional[npt.NDArray[Any]] = None,
    offset: Optional[int] = None,
    threads: Optional[int] = None,
) -> npt.NDArray[Any]: ...
def he_uniform(
    shape: Shape,
    seed: int,
    *,
    stream: int = 0,
    layout: Optional[Layout] = None,
    dtype: Optional[DType] = None,
    out: Optional[npt.NDArray[Any]] = None,
    offset: Optional[int] = None,
    threads: Optional[int] = None,
) -> npt.NDArray[Any]: ...
def lecun_normal(
    shape: Shape,
    seed: int,
    *,
    stream: int = 0,
    layout: Optional[Layout] = None,
    dtype: Optional[DType] = None,
    out: Optional[npt.NDArray[Any]] = None,
    offset: Optional[int] = None,
    threads: Optional[int] = None,
) -> npt.NDArray[Any]: ...
def lecun_uniform(
    shape: Shape,
    seed: int,
    *,
    stream: int = 0,
    layout: Optional[Layout] = None,
    dtype: Optional[DType] = None,
    out: Optional[npt.NDArray[Any]] = None,
    offset: Optional[int] = None,
    threads: Optional[int] = None,
) -> npt.NDArray[Any]: ...
def variance_scaling(
    shape: Shape,
    seed: int,
    *,
    scale: float = 1.0,
    mode: str = "fan_in",
    distribution: str = "truncated_normal",
    stream: int = 0,
    layout: Optional[Layout] = None,
    dtype: Optional[DType] = None,
    out: Optional[npt.NDArray[Any]] = None,
    offset: Optional[int] = None,
    threads: Optional[int] = None,
) -> npt.NDArray[Any]: ...
def random_normal(
    shape: Shape,
    seed: int,
    *,
    mean: float = 0.0,
    stddev: float = 0.05,
    stream: int = 0,
    layout: Optional[Layout] = None,
    dtype: Optional[DType] = None,
    out: Optional[npt.NDArray[Any]] = None,
    offset: Optional[int] = None,
    threads: Optional[int] = None,
) -> npt.NDArray[Any]: ...
def random_uniform(
    shape: Shape,
    seed: int,
    *,
    minval: float = -0.05,
    maxval: float = 0.05,
    stream: int = 0,
    layout: Optional[Layout] = None,
    dtype: Optional[DType] = None,
    out: Optional[npt.NDArray[Any]] = None,
    offset: Optional[int] = None,
    threads: Optional[int] = None,
) -> npt.NDArray[Any]: ...
def trunc_normal(
    shape: Shape,
    seed: int,
    *,
    mean: float = 0.0,
    std: float = 1.0,
    a: float = -2.0,
    b: float = 2.0,
    stream: int = 0,
    layout: Optional[Layout] = None,
    dtype: Optional[DType] = None,
    out: Optional[npt.NDArray[Any]] = None,
    offset: Optional[int] = None,
    threads: Optional[int] = None,
) -> npt.NDArray[Any]: ...
def xavier_normal(
    shape: Shape,
    seed: int,
    *,
    gain: float = 1.0,
    stream: int = 0,
    layout: Optional[Layout] = None,
    dtype: Optional[DType] = None,
    out: Optional[npt.NDArray[Any]] = None,
    offset: Optional[int] = None,
    threads: Optional[int] = None,
) -> npt.NDArray[Any]: ...
def xavier_uniform(
    shape: Shape,
    seed: int,
    *,
    gain: float = 1.0,
    stream: int = 0,
    layout: Optional[Layout] = None,
    dtype: Optional[DType] = None,
    out: Optional[npt.NDArray[Any]] = None,
    offset: Optional[int] = None,
    threads: Optional[int] = None,
) -> npt.NDArray[Any]: ...
def kaiming_normal(
    shape: Shape,
    seed: int,
    *,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    stream: int = 0,
    layout: Optional[Layout] = None,
    dtype: Optional[DType] = None,
    out: Optional[npt.NDArray[Any]] = None,
    offset: Optional[int] = None,
    threads: Optional[int] = None,
) -> npt.NDArray[Any]: ...
def kaiming_uniform(
    shape: Shape,
    seed: int,
    *,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    stream: int = 0,
    layout: Optional[Layout] = None,
    dtype: Optional[DType] = None,
    out: Optional[npt.NDArray[Any]] = None,
    offset: Optional[int] = None,
    threads: Optional[int] = None,
) -> npt.NDArray[Any]: ...
def fans(shape: Shape, layout: Optional[Layout] = None) -> Tuple[int, int]: ...
def fold_in(stream: int, data: int) -> int: ...
def name_stream(name: str, stream: int = 0) -> int: ...
def kernel() -> str: ...

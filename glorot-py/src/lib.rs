//! Python bindings of [`glorot`]: the extension module `glorot._native`, re-exported by the
//! Python package `glorot` (`python/glorot/__init__.py`).
//!
//! Every function validates all of its arguments — seed, stream, offset, shape, layout,
//! parameters, `out`, `dtype`, `threads` — before it writes anything, and raises
//! `ValueError` or `TypeError` with a message that names the argument. Fills of more than
//! [`MIN_PER_THREAD`] elements run on several threads (`std::thread::scope` over slices of the
//! output, cut at multiples of [`glorot::sample::CHUNK`]) with the GIL released; the fills
//! are position-addressable, so the bits do not depend on the number of threads.

use glorot::half::{bf16, f16, InitializerHalf};
use glorot::{
    element_count, Distribution, Error, FanMode, Fans, GlorotNormal, GlorotUniform, HeNormal,
    HeUniform, Initializer, KaimingNormal, KaimingUniform, Key, Layout, LecunNormal, LecunUniform,
    Nonlinearity, RandomNormal, RandomUniform, Sampling, TruncatedNormal, VarianceScaling,
    XavierNormal, XavierUniform,
};
use numpy::{
    dtype, Element, IxDyn, PyArrayDescr, PyArrayDescrMethods, PyArrayDyn, PyArrayMethods,
    PyUntypedArray, PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString, PyTuple};

/// Fills of fewer elements than this per thread are not split further: below it a thread
/// costs more than it saves.
pub const MIN_PER_THREAD: usize = 1 << 16;

fn value_error(msg: String) -> PyErr {
    PyValueError::new_err(msg)
}

fn type_error(msg: String) -> PyErr {
    PyTypeError::new_err(msg)
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string())
}

fn repr(obj: &Bound<'_, PyAny>) -> String {
    obj.repr()
        .map_or_else(|_| "?".to_owned(), |r| r.to_string())
}

/// An integer argument in `0 .. 2^64`: `TypeError` for a non-integer (floats and bools
/// included), `ValueError` for an integer outside the range.
fn arg_u64(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<u64> {
    if obj.is_instance_of::<PyBool>() || obj.is_instance_of::<PyFloat>() {
        return Err(type_error(format!(
            "{name} must be an int, got {}",
            type_name(obj)
        )));
    }
    if let Ok(v) = obj.extract::<u64>() {
        return Ok(v);
    }
    if obj.is_instance_of::<PyInt>() || obj.hasattr("__index__").unwrap_or(false) {
        Err(value_error(format!(
            "{name} must be in 0..2**64, got {}",
            repr(obj)
        )))
    } else {
        Err(type_error(format!(
            "{name} must be an int, got {}",
            type_name(obj)
        )))
    }
}

/// A finite float argument.
fn arg_f64(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<f64> {
    if obj.is_instance_of::<PyBool>() {
        return Err(type_error(format!("{name} must be a float, got bool")));
    }
    let v = obj
        .extract::<f64>()
        .map_err(|_| type_error(format!("{name} must be a float, got {}", type_name(obj))))?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(value_error(format!("{name} must be finite, got {v}")))
    }
}

/// A positive, finite float argument.
fn arg_positive(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<f64> {
    let v = arg_f64(obj, name)?;
    if v > 0.0 {
        Ok(v)
    } else {
        Err(value_error(format!("{name} must be > 0, got {v}")))
    }
}

/// A float argument that must be exactly representable as a finite `f32` after rounding.
fn arg_f32(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<f32> {
    let v = arg_f64(obj, name)?;
    let f = v as f32;
    if f.is_finite() {
        Ok(f)
    } else {
        Err(value_error(format!("{name} overflows float32, got {v}")))
    }
}

fn arg_str(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    obj.cast::<PyString>()
        .map_err(|_| type_error(format!("{name} must be a str, got {}", type_name(obj))))
        .map(|s| s.to_string())
}

/// `shape` as an int (a 1-D shape) or a sequence of ints, each `>= 0`, whose element count
/// (in bytes of `f32`) fits in memory's address space.
fn arg_shape(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<usize>> {
    let dim = |d: &Bound<'_, PyAny>, what: &str| -> PyResult<usize> {
        if d.is_instance_of::<PyBool>() || d.is_instance_of::<PyFloat>() {
            return Err(type_error(format!(
                "{what} must be an int, got {}",
                type_name(d)
            )));
        }
        match d.extract::<i64>() {
            Ok(v) if v < 0 => Err(value_error(format!("{what} must be >= 0, got {v}"))),
            Ok(v) => {
                usize::try_from(v).map_err(|_| value_error(format!("{what} is too large: {v}")))
            }
            Err(_) if d.is_instance_of::<PyInt>() || d.hasattr("__index__").unwrap_or(false) => {
                Err(value_error(format!("{what} is too large: {}", repr(d))))
            }
            Err(_) => Err(type_error(format!(
                "{what} must be an int, got {}",
                type_name(d)
            ))),
        }
    };
    let shape = if obj.is_instance_of::<PyInt>() {
        vec![dim(obj, name)?]
    } else if let Ok(t) = obj.cast::<PyTuple>() {
        let mut v = Vec::with_capacity(t.len());
        for (i, d) in t.iter().enumerate() {
            v.push(dim(&d, &format!("{name}[{i}]"))?);
        }
        v
    } else if obj.is_instance_of::<PyString>() {
        return Err(type_error(format!(
            "{name} must be an int or a sequence of ints, got str"
        )));
    } else if !obj.hasattr("__len__").unwrap_or(false) && obj.hasattr("__index__").unwrap_or(false)
    {
        vec![dim(obj, name)?]
    } else {
        let it = obj.try_iter().map_err(|_| {
            type_error(format!(
                "{name} must be an int or a sequence of ints, got {}",
                type_name(obj)
            ))
        })?;
        let mut v = Vec::new();
        for (i, d) in it.enumerate() {
            v.push(dim(&d?, &format!("{name}[{i}]"))?);
        }
        v
    };
    if shape.len() > 32 {
        return Err(value_error(format!(
            "{name} has {} dimensions; numpy allows at most 32",
            shape.len()
        )));
    }
    let too_large = || value_error(format!("{name} {shape:?} is too large"));
    let n = element_count(&shape).map_err(|_| too_large())?;
    // numpy cannot allocate more than isize::MAX bytes; 4 bytes an element for float32.
    if n > (isize::MAX as u64) / 4 {
        return Err(too_large());
    }
    Ok(shape)
}

/// The three output formats.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Dt {
    F32,
    F16,
    Bf16,
}

impl Dt {
    fn name(self) -> &'static str {
        match self {
            Dt::F32 => "float32",
            Dt::F16 => "float16",
            Dt::Bf16 => "bfloat16",
        }
    }
}

/// The format of a numpy dtype, or `None` if it is none of the three.
fn dt_of(descr: &Bound<'_, PyArrayDescr>) -> Option<Dt> {
    let py = descr.py();
    if descr.is_equiv_to(&dtype::<f32>(py)) {
        Some(Dt::F32)
    } else if descr.is_equiv_to(&dtype::<f16>(py)) {
        Some(Dt::F16)
    } else if descr.itemsize() == 2
        && descr
            .getattr("name")
            .and_then(|n| n.extract::<String>())
            .is_ok_and(|n| n == "bfloat16")
    {
        Some(Dt::Bf16)
    } else {
        None
    }
}

fn arg_dtype(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Dt>> {
    let Some(obj) = obj else { return Ok(None) };
    if obj.is_none() {
        return Ok(None);
    }
    let bad = || {
        type_error(format!(
            "dtype must be float32, float16 or bfloat16, got {}",
            repr(obj)
        ))
    };
    let descr = PyArrayDescr::new(obj.py(), obj).map_err(|_| bad())?;
    dt_of(&descr).map(Some).ok_or_else(bad)
}

/// The number of threads: `None` is all cores.
fn arg_threads(obj: Option<&Bound<'_, PyAny>>) -> PyResult<usize> {
    match obj {
        Some(t) if !t.is_none() => {
            let n = arg_u64(t, "threads")?;
            if n == 0 || n > 4096 {
                return Err(value_error(format!("threads must be in 1..=4096, got {n}")));
            }
            Ok(n as usize)
        }
        _ => Ok(all_cores()),
    }
}

/// `available_parallelism()`, read once: it reads cgroup files, ~100 µs a call on Linux.
fn all_cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// A layout: `"keras"`, `"torch"`, or `(in_axes, out_axes, batch_axes)` with each an int or
/// a sequence of ints (JAX's `in_axis`, `out_axis`, `batch_axis`).
enum LayoutArg {
    Keras,
    Torch,
    Axes(Vec<isize>, Vec<isize>, Vec<isize>),
}

impl LayoutArg {
    fn layout(&self) -> Layout<'_> {
        match self {
            LayoutArg::Keras => Layout::Keras,
            LayoutArg::Torch => Layout::Torch,
            LayoutArg::Axes(i, o, b) => Layout::Axes {
                in_axes: i,
                out_axes: o,
                batch_axes: b,
            },
        }
    }
}

fn arg_layout(obj: &Bound<'_, PyAny>) -> PyResult<LayoutArg> {
    let bad = || {
        value_error(format!(
            "layout must be 'keras', 'torch' or (in_axes, out_axes, batch_axes), got {}",
            repr(obj)
        ))
    };
    if let Ok(s) = obj.cast::<PyString>() {
        return match s.to_cow()?.as_ref() {
            "keras" => Ok(LayoutArg::Keras),
            "torch" => Ok(LayoutArg::Torch),
            _ => Err(bad()),
        };
    }
    let axes = |a: Bound<'_, PyAny>| -> PyResult<Vec<isize>> {
        if let Ok(i) = a.extract::<isize>() {
            return Ok(vec![i]);
        }
        a.extract::<Vec<isize>>().map_err(|_| bad())
    };
    let (i, o, b): (Bound<'_, PyAny>, Bound<'_, PyAny>, Bound<'_, PyAny>) =
        obj.extract().map_err(|_| bad())?;
    Ok(LayoutArg::Axes(axes(i)?, axes(o)?, axes(b)?))
}

/// A `glorot::Error` from resolving fans or parameters, as a `ValueError` naming what it is
/// about.
fn init_error(e: Error, shape: &[usize]) -> PyErr {
    let what = match e {
        Error::RankTooSmall { .. } | Error::InvalidAxis | Error::ShapeOverflow => {
            format!("shape {shape:?} / layout")
        }
        Error::ZeroFan => format!("shape {shape:?}"),
        Error::RangeOverflow | Error::SliceOutOfTensor { .. } => "offset".to_owned(),
        Error::LengthMismatch { .. } => "out".to_owned(),
        _ => "parameters".to_owned(),
    };
    value_error(format!("{what}: {e}"))
}

/// A [`Sampling`] as an [`Initializer`], for [`InitializerHalf::fill_half`].
struct Fixed(Sampling);

impl Initializer for Fixed {
    fn sampling(&self, _: Fans) -> Result<Sampling, Error> {
        Ok(self.0)
    }
}

/// Runs `f(offset_of_piece, piece)` over `out` cut into at most `threads` pieces (a multiple
/// of [`glorot::sample::CHUNK`] elements each, at least [`MIN_PER_THREAD`]), the first on
/// this thread.
fn run_pieces<T: Send>(
    out: &mut [T],
    offset: u64,
    threads: usize,
    f: impl Fn(u64, &mut [T]) -> Result<(), Error> + Sync,
) -> Result<(), Error> {
    let n = out.len();
    let t = threads.min(n.div_ceil(MIN_PER_THREAD)).max(1);
    if t == 1 {
        return f(offset, out);
    }
    let chunk = glorot::sample::CHUNK as usize;
    let per = n.div_ceil(t).next_multiple_of(chunk);
    let f = &f;
    std::thread::scope(|s| {
        let mut pieces = out.chunks_mut(per);
        let first = pieces.next().unwrap_or_default();
        let handles: Vec<_> = pieces
            .enumerate()
            .map(|(i, p)| s.spawn(move || f(offset + ((i + 1) * per) as u64, p)))
            .collect();
        let mut result = f(offset, first);
        for h in handles {
            let r = h.join().unwrap_or(Err(Error::RangeOverflow));
            result = result.and(r);
        }
        result
    })
}

/// The output: a new or the caller's array, in one of the three formats.
enum Out<'py> {
    F32(Bound<'py, PyArrayDyn<f32>>),
    F16(Bound<'py, PyArrayDyn<f16>>),
    Bf16(Bound<'py, PyArrayDyn<bf16>>),
}

impl<'py> Out<'py> {
    fn new(py: Python<'py>, dt: Dt, shape: &[usize]) -> PyResult<Self> {
        let dims = IxDyn(shape);
        Ok(match dt {
            Dt::F32 => Out::F32(PyArrayDyn::zeros(py, dims, false)),
            Dt::F16 => Out::F16(PyArrayDyn::zeros(py, dims, false)),
            Dt::Bf16 => {
                // numpy finds "bfloat16" only once ml_dtypes has registered it.
                py.import("ml_dtypes")?;
                Out::Bf16(PyArrayDyn::zeros(py, dims, false))
            }
        })
    }

    fn object(self) -> Bound<'py, PyAny> {
        match self {
            Out::F32(a) => a.into_any(),
            Out::F16(a) => a.into_any(),
            Out::Bf16(a) => a.into_any(),
        }
    }
}

/// The caller's `out`: a C-contiguous, writeable ndarray of one of the three formats (and
/// of the format `dtype` asks for, if given). Its size is checked by the caller.
fn arg_out<'py>(obj: &Bound<'py, PyAny>, want: Option<Dt>) -> PyResult<(Out<'py>, usize)> {
    let arr = obj.cast::<PyUntypedArray>().map_err(|_| {
        type_error(format!(
            "out must be a numpy.ndarray, got {}",
            type_name(obj)
        ))
    })?;
    let dt = dt_of(&arr.dtype()).ok_or_else(|| {
        type_error(format!(
            "out must have dtype float32, float16 or bfloat16, got {}",
            arr.dtype()
        ))
    })?;
    if let Some(w) = want {
        if w != dt {
            return Err(type_error(format!(
                "dtype {} does not match out's dtype {}",
                w.name(),
                dt.name()
            )));
        }
    }
    if !arr.is_c_contiguous() {
        return Err(value_error("out must be C-contiguous".to_owned()));
    }
    let not_writeable = |e: numpy::BorrowError| match e {
        numpy::BorrowError::NotWriteable => value_error("out must be writeable".to_owned()),
        e => value_error(format!("out: {e}")),
    };
    let len = arr.len();
    let out = match dt {
        Dt::F32 => {
            let a = obj.cast::<PyArrayDyn<f32>>()?;
            drop(a.try_readwrite().map_err(not_writeable)?);
            Out::F32(a.clone())
        }
        Dt::F16 => {
            let a = obj.cast::<PyArrayDyn<f16>>()?;
            drop(a.try_readwrite().map_err(not_writeable)?);
            Out::F16(a.clone())
        }
        Dt::Bf16 => {
            obj.py().import("ml_dtypes")?;
            let a = obj.cast::<PyArrayDyn<bf16>>()?;
            drop(a.try_readwrite().map_err(not_writeable)?);
            Out::Bf16(a.clone())
        }
    };
    Ok((out, len))
}

/// Fills `out` with `s` drawn from `key` at elements `offset ..`, on `threads` threads with
/// the GIL released for large arrays. `s` is valid and the range fits (checked by callers).
fn fill_out(
    py: Python<'_>,
    out: &Out<'_>,
    s: Sampling,
    key: Key,
    offset: u64,
    threads: usize,
) -> PyResult<()> {
    fn go<T: Element + Send>(
        py: Python<'_>,
        a: &Bound<'_, PyArrayDyn<T>>,
        offset: u64,
        threads: usize,
        f: impl Fn(u64, &mut [T]) -> Result<(), Error> + Sync + Send,
    ) -> PyResult<()> {
        let mut rw = a
            .try_readwrite()
            .map_err(|e| value_error(format!("out: {e}")))?;
        let slice = rw
            .as_slice_mut()
            .map_err(|e| value_error(format!("out: {e}")))?;
        let r = if slice.len() >= MIN_PER_THREAD {
            py.detach(|| run_pieces(slice, offset, threads, f))
        } else {
            f(offset, slice)
        };
        r.map_err(|e| value_error(format!("offset: {e}")))
    }
    match out {
        Out::F32(a) => go(py, a, offset, threads, |o, p| s.fill(key, o, p)),
        Out::F16(a) => go(py, a, offset, threads, |o, p| {
            Fixed(s).fill_half(Fans::new(1, 1), key, o, p)
        }),
        Out::Bf16(a) => go(py, a, offset, threads, |o, p| {
            Fixed(s).fill_half(Fans::new(1, 1), key, o, p)
        }),
    }
}

/// Checks that `offset .. offset + len` fits in `u64`.
fn check_range(offset: u64, len: usize) -> PyResult<()> {
    match offset.checked_add(len as u64) {
        Some(_) => Ok(()),
        None => Err(value_error(format!(
            "offset {offset} + {len} elements overflows the 2**64 element index"
        ))),
    }
}

/// The common path of the core samplers.
#[allow(clippy::too_many_arguments)]
fn sampler<'py>(
    py: Python<'py>,
    s: Sampling,
    seed: &Bound<'py, PyAny>,
    shape: Option<&Bound<'py, PyAny>>,
    stream: Option<&Bound<'py, PyAny>>,
    offset: Option<&Bound<'py, PyAny>>,
    out: Option<&Bound<'py, PyAny>>,
    dtype: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let seed = arg_u64(seed, "seed")?;
    let stream = stream.map_or(Ok(0), |s| arg_u64(s, "stream"))?;
    let offset = offset.map_or(Ok(0), |o| arg_u64(o, "offset"))?;
    let shape = shape
        .filter(|s| !s.is_none())
        .map(|s| arg_shape(s, "shape"))
        .transpose()?;
    let dt = arg_dtype(dtype)?;
    let threads = arg_threads(threads)?;
    let (target, given) = match out.filter(|o| !o.is_none()) {
        Some(o) => {
            let (target, len) = arg_out(o, dt)?;
            if let Some(shape) = &shape {
                let n = element_count(shape).unwrap_or(u64::MAX);
                if n != len as u64 {
                    return Err(value_error(format!(
                        "out has {len} elements but shape {shape:?} has {n}"
                    )));
                }
            }
            check_range(offset, len)?;
            (target, Some(o))
        }
        None => {
            let shape = shape
                .ok_or_else(|| type_error("shape is required unless out is given".to_owned()))?;
            let n = element_count(&shape).unwrap_or(u64::MAX);
            check_range(offset, n as usize)?;
            (Out::new(py, dt.unwrap_or(Dt::F32), &shape)?, None)
        }
    };
    fill_out(
        py,
        &target,
        s,
        Key::with_stream(seed, stream),
        offset,
        threads,
    )?;
    Ok(match given {
        Some(o) => o.clone(),
        None => target.object(),
    })
}

/// The three core samplers, one `#[pyfunction]` each with the same arguments:
/// `name(seed, shape=None, *, stream=0, offset=0, out=None, dtype=None, threads=None)`,
/// elements `offset ..` of stream `stream` of `seed` of the sampling `$s`.
macro_rules! sampler_fn {
    ($(#[doc = $doc:literal])* $name:ident, $s:expr) => {
        $(#[doc = $doc])*
        #[pyfunction]
        #[pyo3(signature = (seed, shape=None, *, stream=None, offset=None, out=None, dtype=None, threads=None))]
        #[allow(clippy::too_many_arguments)]
        fn $name<'py>(
            py: Python<'py>,
            seed: &Bound<'py, PyAny>,
            shape: Option<&Bound<'py, PyAny>>,
            stream: Option<&Bound<'py, PyAny>>,
            offset: Option<&Bound<'py, PyAny>>,
            out: Option<&Bound<'py, PyAny>>,
            dtype: Option<&Bound<'py, PyAny>>,
            threads: Option<&Bound<'py, PyAny>>,
        ) -> PyResult<Bound<'py, PyAny>> {
            sampler(py, $s, seed, shape, stream, offset, out, dtype, threads)
        }
    };
}

sampler_fn!(
    /// `normal(seed, shape=None, *, ...)`: standard normal values.
    normal,
    Sampling::Normal { mean: 0.0, stddev: 1.0 }
);
sampler_fn!(
    /// `truncated_normal(seed, shape=None, *, ...)`: standard normal values truncated to
    /// `[-2, 2]`.
    truncated_normal,
    Sampling::TruncatedNormal { mean: 0.0, stddev: 1.0 }
);
sampler_fn!(
    /// `uniform(seed, shape=None, *, ...)`: uniform values on `[-1, 1)`.
    uniform,
    Sampling::Uniform { limit: 1.0 }
);

/// The common arguments of the initializers.
struct InitArgs<'a, 'py> {
    shape: &'a Bound<'py, PyAny>,
    seed: &'a Bound<'py, PyAny>,
    stream: Option<&'a Bound<'py, PyAny>>,
    layout: Option<&'a Bound<'py, PyAny>>,
    dtype: Option<&'a Bound<'py, PyAny>>,
    out: Option<&'a Bound<'py, PyAny>>,
    offset: Option<&'a Bound<'py, PyAny>>,
    threads: Option<&'a Bound<'py, PyAny>>,
}

/// Fills the tensor of `shape` (or, with `offset`, elements `offset .. offset + out.size`
/// of it) with `init`'s values; `init` is built from the already-validated parameters.
fn initialize<'py>(
    py: Python<'py>,
    a: InitArgs<'_, 'py>,
    default_layout: LayoutArg,
    init: &dyn Initializer,
) -> PyResult<Bound<'py, PyAny>> {
    let shape = arg_shape(a.shape, "shape")?;
    let seed = arg_u64(a.seed, "seed")?;
    let stream = a.stream.map_or(Ok(0), |s| arg_u64(s, "stream"))?;
    let layout = match a.layout {
        Some(l) if !l.is_none() => arg_layout(l)?,
        _ => default_layout,
    };
    let offset = match a.offset {
        Some(o) if !o.is_none() => Some(arg_u64(o, "offset")?),
        _ => None,
    };
    let dt = arg_dtype(a.dtype)?;
    let threads = arg_threads(a.threads)?;
    let n = element_count(&shape).map_err(|e| init_error(e, &shape))?;
    let fans = Fans::from_shape(&shape, layout.layout()).map_err(|e| init_error(e, &shape))?;
    // As in PyTorch, an empty tensor is filled (with nothing) even if its fan is zero.
    let s = match init.sampling(fans).and_then(|s| s.validate().map(|()| s)) {
        Ok(s) => Some(s),
        Err(Error::ZeroFan) if n == 0 => None,
        Err(e) => return Err(init_error(e, &shape)),
    };
    let (target, given, start) = match a.out.filter(|o| !o.is_none()) {
        Some(o) => {
            let (target, len) = arg_out(o, dt)?;
            let start = offset.unwrap_or(0);
            let inside = start.checked_add(len as u64).is_some_and(|end| end <= n);
            if offset.is_none() && len as u64 != n {
                return Err(value_error(format!(
                    "out has {len} elements but shape {shape:?} has {n}"
                )));
            }
            if !inside {
                return Err(value_error(format!(
                    "offset {start} + out's {len} elements is not inside the tensor of {n}"
                )));
            }
            (target, Some(o), start)
        }
        None => {
            if offset.is_some_and(|o| o != 0) {
                return Err(value_error(
                    "offset needs out= (the slice of the tensor to fill)".to_owned(),
                ));
            }
            (Out::new(py, dt.unwrap_or(Dt::F32), &shape)?, None, 0)
        }
    };
    if let Some(s) = s {
        fill_out(
            py,
            &target,
            s,
            Key::with_stream(seed, stream),
            start,
            threads,
        )?;
    }
    Ok(match given {
        Some(o) => o.clone(),
        None => target.object(),
    })
}

/// Defines a parameterless initializer function.
macro_rules! plain_initializer {
    ($(#[$doc:meta])* $fn_name:ident, $init:expr, $layout:expr) => {
        $(#[$doc])*
        #[pyfunction]
        #[pyo3(signature = (shape, seed, *, stream=None, layout=None, dtype=None, out=None, offset=None, threads=None))]
        #[allow(clippy::too_many_arguments)]
        fn $fn_name<'py>(
            py: Python<'py>,
            shape: &Bound<'py, PyAny>,
            seed: &Bound<'py, PyAny>,
            stream: Option<&Bound<'py, PyAny>>,
            layout: Option<&Bound<'py, PyAny>>,
            dtype: Option<&Bound<'py, PyAny>>,
            out: Option<&Bound<'py, PyAny>>,
            offset: Option<&Bound<'py, PyAny>>,
            threads: Option<&Bound<'py, PyAny>>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let a = InitArgs { shape, seed, stream, layout, dtype, out, offset, threads };
            initialize(py, a, $layout, &$init)
        }
    };
}

plain_initializer!(
    /// Keras' `GlorotNormal`: truncated normal, variance `1 / fan_avg`.
    glorot_normal, GlorotNormal, LayoutArg::Keras
);
plain_initializer!(
    /// Keras' `GlorotUniform`: uniform, variance `1 / fan_avg`.
    glorot_uniform, GlorotUniform, LayoutArg::Keras
);
plain_initializer!(
    /// Keras' `HeNormal`: truncated normal, variance `2 / fan_in`.
    he_normal, HeNormal, LayoutArg::Keras
);
plain_initializer!(
    /// Keras' `HeUniform`: uniform, variance `2 / fan_in`.
    he_uniform, HeUniform, LayoutArg::Keras
);
plain_initializer!(
    /// Keras' `LecunNormal`: truncated normal, variance `1 / fan_in`.
    lecun_normal, LecunNormal, LayoutArg::Keras
);
plain_initializer!(
    /// Keras' `LecunUniform`: uniform, variance `1 / fan_in`.
    lecun_uniform, LecunUniform, LayoutArg::Keras
);

fn fan_mode(obj: Option<&Bound<'_, PyAny>>, default: FanMode, torch: bool) -> PyResult<FanMode> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(default);
    };
    let s = arg_str(obj, "mode")?;
    Ok(match s.as_str() {
        "fan_in" => FanMode::FanIn,
        "fan_out" => FanMode::FanOut,
        "fan_avg" if !torch => FanMode::FanAvg,
        "fan_geo_avg" if !torch => FanMode::FanGeoAvg,
        _ if torch => {
            return Err(value_error(format!(
                "mode must be 'fan_in' or 'fan_out', got {s:?}"
            )))
        }
        _ => {
            return Err(value_error(format!(
                "mode must be 'fan_in', 'fan_out', 'fan_avg' or 'fan_geo_avg', got {s:?}"
            )))
        }
    })
}

/// Keras' `VarianceScaling(scale, mode, distribution)` (and JAX's, with `mode="fan_geo_avg"`).
#[pyfunction]
#[pyo3(signature = (shape, seed, *, scale=None, mode=None, distribution=None, stream=None, layout=None, dtype=None, out=None, offset=None, threads=None))]
#[allow(clippy::too_many_arguments)]
fn variance_scaling<'py>(
    py: Python<'py>,
    shape: &Bound<'py, PyAny>,
    seed: &Bound<'py, PyAny>,
    scale: Option<&Bound<'py, PyAny>>,
    mode: Option<&Bound<'py, PyAny>>,
    distribution: Option<&Bound<'py, PyAny>>,
    stream: Option<&Bound<'py, PyAny>>,
    layout: Option<&Bound<'py, PyAny>>,
    dtype: Option<&Bound<'py, PyAny>>,
    out: Option<&Bound<'py, PyAny>>,
    offset: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let scale = scale.map_or(Ok(1.0), |s| arg_positive(s, "scale"))?;
    let mode = fan_mode(mode, FanMode::FanIn, false)?;
    let distribution = match distribution.filter(|d| !d.is_none()) {
        None => Distribution::TruncatedNormal,
        Some(d) => match arg_str(d, "distribution")?.as_str() {
            "truncated_normal" => Distribution::TruncatedNormal,
            "untruncated_normal" => Distribution::UntruncatedNormal,
            "uniform" => Distribution::Uniform,
            other => {
                return Err(value_error(format!(
                "distribution must be 'truncated_normal', 'untruncated_normal' or 'uniform', got {other:?}"
            )))
            }
        },
    };
    let vs = VarianceScaling::new(scale, mode, distribution)
        .map_err(|e| value_error(format!("scale: {e}")))?;
    let a = InitArgs {
        shape,
        seed,
        stream,
        layout,
        dtype,
        out,
        offset,
        threads,
    };
    initialize(py, a, LayoutArg::Keras, &vs)
}

/// Keras' `RandomNormal(mean, stddev)` (PyTorch's `normal_(mean, std)`).
#[pyfunction]
#[pyo3(signature = (shape, seed, *, mean=None, stddev=None, stream=None, layout=None, dtype=None, out=None, offset=None, threads=None))]
#[allow(clippy::too_many_arguments)]
fn random_normal<'py>(
    py: Python<'py>,
    shape: &Bound<'py, PyAny>,
    seed: &Bound<'py, PyAny>,
    mean: Option<&Bound<'py, PyAny>>,
    stddev: Option<&Bound<'py, PyAny>>,
    stream: Option<&Bound<'py, PyAny>>,
    layout: Option<&Bound<'py, PyAny>>,
    dtype: Option<&Bound<'py, PyAny>>,
    out: Option<&Bound<'py, PyAny>>,
    offset: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let mean = mean.map_or(Ok(0.0), |m| arg_f32(m, "mean"))?;
    let stddev = stddev.map_or(Ok(0.05), |s| arg_f32(s, "stddev"))?;
    if stddev <= 0.0 {
        return Err(value_error(format!("stddev must be > 0, got {stddev}")));
    }
    let a = InitArgs {
        shape,
        seed,
        stream,
        layout,
        dtype,
        out,
        offset,
        threads,
    };
    initialize(py, a, LayoutArg::Keras, &RandomNormal { mean, stddev })
}

/// Keras' `RandomUniform(minval, maxval)` (PyTorch's `uniform_(a, b)`): `[minval, maxval)`.
#[pyfunction]
#[pyo3(signature = (shape, seed, *, minval=None, maxval=None, stream=None, layout=None, dtype=None, out=None, offset=None, threads=None))]
#[allow(clippy::too_many_arguments)]
fn random_uniform<'py>(
    py: Python<'py>,
    shape: &Bound<'py, PyAny>,
    seed: &Bound<'py, PyAny>,
    minval: Option<&Bound<'py, PyAny>>,
    maxval: Option<&Bound<'py, PyAny>>,
    stream: Option<&Bound<'py, PyAny>>,
    layout: Option<&Bound<'py, PyAny>>,
    dtype: Option<&Bound<'py, PyAny>>,
    out: Option<&Bound<'py, PyAny>>,
    offset: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let minval = minval.map_or(Ok(-0.05), |m| arg_f32(m, "minval"))?;
    let maxval = maxval.map_or(Ok(0.05), |m| arg_f32(m, "maxval"))?;
    if minval >= maxval {
        return Err(value_error(format!(
            "minval must be < maxval, got minval={minval}, maxval={maxval}"
        )));
    }
    let a = InitArgs {
        shape,
        seed,
        stream,
        layout,
        dtype,
        out,
        offset,
        threads,
    };
    initialize(py, a, LayoutArg::Keras, &RandomUniform { minval, maxval })
}

/// PyTorch's `trunc_normal_(mean, std, a, b)` for the cut glorot draws: `a = mean - 2*std`,
/// `b = mean + 2*std` (Keras' `TruncatedNormal(mean, stddev)`).
#[pyfunction]
#[pyo3(signature = (shape, seed, *, mean=None, std=None, a=None, b=None, stream=None, layout=None, dtype=None, out=None, offset=None, threads=None))]
#[allow(clippy::too_many_arguments)]
fn trunc_normal<'py>(
    py: Python<'py>,
    shape: &Bound<'py, PyAny>,
    seed: &Bound<'py, PyAny>,
    mean: Option<&Bound<'py, PyAny>>,
    std: Option<&Bound<'py, PyAny>>,
    a: Option<&Bound<'py, PyAny>>,
    b: Option<&Bound<'py, PyAny>>,
    stream: Option<&Bound<'py, PyAny>>,
    layout: Option<&Bound<'py, PyAny>>,
    dtype: Option<&Bound<'py, PyAny>>,
    out: Option<&Bound<'py, PyAny>>,
    offset: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let mean64 = mean.map_or(Ok(0.0), |m| arg_f64(m, "mean"))?;
    let std64 = std.map_or(Ok(1.0), |s| arg_positive(s, "std"))?;
    let lo = a.map_or(Ok(mean64 - 2.0 * std64), |x| arg_f64(x, "a"))?;
    let hi = b.map_or(Ok(mean64 + 2.0 * std64), |x| arg_f64(x, "b"))?;
    if lo != mean64 - 2.0 * std64 || hi != mean64 + 2.0 * std64 {
        return Err(value_error(format!(
            "a, b: glorot truncates at mean -/+ 2*std ({}, {}), got a={lo}, b={hi}",
            mean64 - 2.0 * std64,
            mean64 + 2.0 * std64
        )));
    }
    let mean = mean64 as f32;
    if !mean.is_finite() {
        return Err(value_error(format!("mean overflows float32, got {mean64}")));
    }
    let stddev = std64 as f32;
    if !(stddev.is_finite() && stddev > 0.0) {
        return Err(value_error(format!("std is not a usable float32: {std64}")));
    }
    let args = InitArgs {
        shape,
        seed,
        stream,
        layout,
        dtype,
        out,
        offset,
        threads,
    };
    initialize(
        py,
        args,
        LayoutArg::Keras,
        &TruncatedNormal { mean, stddev },
    )
}

/// PyTorch's `xavier_normal_(gain)`: untruncated normal, `std = gain * sqrt(2 / (fan_in +
/// fan_out))`; fans in PyTorch's layout (OIHW) unless `layout` says otherwise.
#[pyfunction]
#[pyo3(signature = (shape, seed, *, gain=None, stream=None, layout=None, dtype=None, out=None, offset=None, threads=None))]
#[allow(clippy::too_many_arguments)]
fn xavier_normal<'py>(
    py: Python<'py>,
    shape: &Bound<'py, PyAny>,
    seed: &Bound<'py, PyAny>,
    gain: Option<&Bound<'py, PyAny>>,
    stream: Option<&Bound<'py, PyAny>>,
    layout: Option<&Bound<'py, PyAny>>,
    dtype: Option<&Bound<'py, PyAny>>,
    out: Option<&Bound<'py, PyAny>>,
    offset: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let gain = gain.map_or(Ok(1.0), |g| arg_positive(g, "gain"))?;
    let a = InitArgs {
        shape,
        seed,
        stream,
        layout,
        dtype,
        out,
        offset,
        threads,
    };
    initialize(py, a, LayoutArg::Torch, &XavierNormal { gain })
}

/// PyTorch's `xavier_uniform_(gain)`: uniform on `[-b, b)`, `b = gain * sqrt(6 / (fan_in +
/// fan_out))`.
#[pyfunction]
#[pyo3(signature = (shape, seed, *, gain=None, stream=None, layout=None, dtype=None, out=None, offset=None, threads=None))]
#[allow(clippy::too_many_arguments)]
fn xavier_uniform<'py>(
    py: Python<'py>,
    shape: &Bound<'py, PyAny>,
    seed: &Bound<'py, PyAny>,
    gain: Option<&Bound<'py, PyAny>>,
    stream: Option<&Bound<'py, PyAny>>,
    layout: Option<&Bound<'py, PyAny>>,
    dtype: Option<&Bound<'py, PyAny>>,
    out: Option<&Bound<'py, PyAny>>,
    offset: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let gain = gain.map_or(Ok(1.0), |g| arg_positive(g, "gain"))?;
    let a = InitArgs {
        shape,
        seed,
        stream,
        layout,
        dtype,
        out,
        offset,
        threads,
    };
    initialize(py, a, LayoutArg::Torch, &XavierUniform { gain })
}

/// PyTorch's `calculate_gain(nonlinearity, a)` as Kaiming uses it.
fn kaiming_gain(a: Option<&Bound<'_, PyAny>>, nl: Option<&Bound<'_, PyAny>>) -> PyResult<f64> {
    let slope = a.map_or(Ok(0.0), |x| arg_f64(x, "a"))?;
    let name = nl.map_or(Ok("leaky_relu".to_owned()), |n| arg_str(n, "nonlinearity"))?;
    let nl = match name.as_str() {
        "linear" => Nonlinearity::Linear,
        "conv1d" | "conv2d" | "conv3d" | "conv_transpose1d" | "conv_transpose2d"
        | "conv_transpose3d" => Nonlinearity::Conv,
        "sigmoid" => Nonlinearity::Sigmoid,
        "tanh" => Nonlinearity::Tanh,
        "relu" => Nonlinearity::Relu,
        "leaky_relu" => Nonlinearity::LeakyRelu(slope),
        "selu" => Nonlinearity::Selu,
        other => {
            return Err(value_error(format!(
                "nonlinearity {other:?} is not one of PyTorch's calculate_gain names"
            )))
        }
    };
    nl.gain()
        .map_err(|e| value_error(format!("a (the leaky_relu slope): {e}")))
}

/// PyTorch's `kaiming_normal_(a, mode, nonlinearity)`: untruncated normal,
/// `std = gain / sqrt(fan)`.
#[pyfunction]
#[pyo3(signature = (shape, seed, *, a=None, mode=None, nonlinearity=None, stream=None, layout=None, dtype=None, out=None, offset=None, threads=None))]
#[allow(clippy::too_many_arguments)]
fn kaiming_normal<'py>(
    py: Python<'py>,
    shape: &Bound<'py, PyAny>,
    seed: &Bound<'py, PyAny>,
    a: Option<&Bound<'py, PyAny>>,
    mode: Option<&Bound<'py, PyAny>>,
    nonlinearity: Option<&Bound<'py, PyAny>>,
    stream: Option<&Bound<'py, PyAny>>,
    layout: Option<&Bound<'py, PyAny>>,
    dtype: Option<&Bound<'py, PyAny>>,
    out: Option<&Bound<'py, PyAny>>,
    offset: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let gain = kaiming_gain(a, nonlinearity)?;
    let mode = fan_mode(mode, FanMode::FanIn, true)?;
    let args = InitArgs {
        shape,
        seed,
        stream,
        layout,
        dtype,
        out,
        offset,
        threads,
    };
    initialize(py, args, LayoutArg::Torch, &KaimingNormal { mode, gain })
}

/// PyTorch's `kaiming_uniform_(a, mode, nonlinearity)`: uniform on `[-b, b)`,
/// `b = sqrt(3) * gain / sqrt(fan)`.
#[pyfunction]
#[pyo3(signature = (shape, seed, *, a=None, mode=None, nonlinearity=None, stream=None, layout=None, dtype=None, out=None, offset=None, threads=None))]
#[allow(clippy::too_many_arguments)]
fn kaiming_uniform<'py>(
    py: Python<'py>,
    shape: &Bound<'py, PyAny>,
    seed: &Bound<'py, PyAny>,
    a: Option<&Bound<'py, PyAny>>,
    mode: Option<&Bound<'py, PyAny>>,
    nonlinearity: Option<&Bound<'py, PyAny>>,
    stream: Option<&Bound<'py, PyAny>>,
    layout: Option<&Bound<'py, PyAny>>,
    dtype: Option<&Bound<'py, PyAny>>,
    out: Option<&Bound<'py, PyAny>>,
    offset: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let gain = kaiming_gain(a, nonlinearity)?;
    let mode = fan_mode(mode, FanMode::FanIn, true)?;
    let args = InitArgs {
        shape,
        seed,
        stream,
        layout,
        dtype,
        out,
        offset,
        threads,
    };
    initialize(py, args, LayoutArg::Torch, &KaimingUniform { mode, gain })
}

/// `fans(shape, layout="keras") -> (fan_in, fan_out)`.
#[pyfunction]
#[pyo3(signature = (shape, layout=None))]
fn fans(shape: &Bound<'_, PyAny>, layout: Option<&Bound<'_, PyAny>>) -> PyResult<(u64, u64)> {
    let shape = arg_shape(shape, "shape")?;
    let layout = match layout {
        Some(l) if !l.is_none() => arg_layout(l)?,
        _ => LayoutArg::Keras,
    };
    let f = Fans::from_shape(&shape, layout.layout()).map_err(|e| init_error(e, &shape))?;
    Ok((f.fan_in, f.fan_out))
}

/// `fold_in(stream, data) -> int`: the stream id of `Key.fold_in(data)` for a key of stream
/// `stream` (the seed does not enter).
#[pyfunction]
fn fold_in(stream: &Bound<'_, PyAny>, data: &Bound<'_, PyAny>) -> PyResult<u64> {
    let stream = arg_u64(stream, "stream")?;
    let data = arg_u64(data, "data")?;
    Ok(Key::with_stream(0, stream).fold_in(data).stream())
}

/// `name_stream(name, stream=0) -> int`: `fold_in(stream, fnv1a64(name.encode("utf-8")))`,
/// the stream of a named parameter.
#[pyfunction]
#[pyo3(signature = (name, stream=None))]
fn name_stream(name: &Bound<'_, PyAny>, stream: Option<&Bound<'_, PyAny>>) -> PyResult<u64> {
    let name = arg_str(name, "name")?;
    let stream = stream.map_or(Ok(0), |s| arg_u64(s, "stream"))?;
    Ok(Key::with_stream(0, stream).fold_in_name(&name).stream())
}

/// `kernel() -> str`: the sampling kernel that runs on this machine.
#[pyfunction]
fn kernel() -> &'static str {
    glorot::sample::kernel()
}

/// The extension module `glorot._native`.
#[pymodule(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(normal, m)?)?;
    m.add_function(wrap_pyfunction!(truncated_normal, m)?)?;
    m.add_function(wrap_pyfunction!(uniform, m)?)?;
    m.add_function(wrap_pyfunction!(glorot_normal, m)?)?;
    m.add_function(wrap_pyfunction!(glorot_uniform, m)?)?;
    m.add_function(wrap_pyfunction!(he_normal, m)?)?;
    m.add_function(wrap_pyfunction!(he_uniform, m)?)?;
    m.add_function(wrap_pyfunction!(lecun_normal, m)?)?;
    m.add_function(wrap_pyfunction!(lecun_uniform, m)?)?;
    m.add_function(wrap_pyfunction!(variance_scaling, m)?)?;
    m.add_function(wrap_pyfunction!(random_normal, m)?)?;
    m.add_function(wrap_pyfunction!(random_uniform, m)?)?;
    m.add_function(wrap_pyfunction!(trunc_normal, m)?)?;
    m.add_function(wrap_pyfunction!(xavier_normal, m)?)?;
    m.add_function(wrap_pyfunction!(xavier_uniform, m)?)?;
    m.add_function(wrap_pyfunction!(kaiming_normal, m)?)?;
    m.add_function(wrap_pyfunction!(kaiming_uniform, m)?)?;
    m.add_function(wrap_pyfunction!(fans, m)?)?;
    m.add_function(wrap_pyfunction!(fold_in, m)?)?;
    m.add_function(wrap_pyfunction!(name_stream, m)?)?;
    m.add_function(wrap_pyfunction!(kernel, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("MIN_PER_THREAD", MIN_PER_THREAD)?;
    m.add("CHUNK", glorot::sample::CHUNK)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_equal_one_fill_around_chunk_boundaries() {
        let s = Sampling::Normal {
            mean: 0.0,
            stddev: 1.0,
        };
        let key = Key::with_stream(7, 3);
        for n in [
            MIN_PER_THREAD * 2 - 1,
            MIN_PER_THREAD * 2,
            MIN_PER_THREAD * 2 + 1,
            MIN_PER_THREAD * 3 + 1023,
        ] {
            let mut one = vec![0.0f32; n];
            s.fill(key, 5, &mut one).unwrap();
            for t in [2, 3, 7] {
                let mut many = vec![0.0f32; n];
                run_pieces(&mut many, 5, t, |o, p| s.fill(key, o, p)).unwrap();
                assert!(one
                    .iter()
                    .zip(&many)
                    .all(|(a, b)| a.to_bits() == b.to_bits()));
            }
        }
    }
}

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

/// An integer argument in `0 .. 2^64`: `TypeError` for a non-integer (floats, bools, float
/// or bool tensors and numpy scalars included: `operator.index` decides, as Python's own
/// integer arguments do), `ValueError` for an integer outside the range.
fn arg_u64(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<u64> {
    let is_bool = obj.is_instance_of::<PyBool>()
        || obj
            .getattr("dtype")
            .is_ok_and(|d| d.str().is_ok_and(|s| s.to_string().contains("bool")));
    let index = if is_bool {
        None
    } else {
        obj.py()
            .import("operator")
            .and_then(|op| op.call_method1("index", (obj,)))
            .ok()
    };
    let Some(index) = index else {
        return Err(type_error(format!(
            "{name} must be an int, got {}",
            type_name(obj)
        )));
    };
    index
        .extract::<u64>()
        .map_err(|_| value_error(format!("{name} must be in 0..2**64, got {}", repr(&index))))
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
    // numpy knows the name "bfloat16" only once ml_dtypes has registered it: import it for
    // the caller (`dtype="bfloat16"` works without `import ml_dtypes`).
    if obj
        .cast::<PyString>()
        .is_ok_and(|s| s.to_cow().is_ok_and(|s| s == "bfloat16"))
    {
        obj.py().import("ml_dtypes").map_err(|_| {
            type_error(
                "dtype 'bfloat16' needs the ml_dtypes package (pip install ml_dtypes)".to_owned(),
            )
        })?;
    }
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
/// of the format `dtype` asks for, if given), and its shape. Its shape is checked by the
/// caller.
fn arg_out<'py>(obj: &Bound<'py, PyAny>, want: Option<Dt>) -> PyResult<(Out<'py>, Vec<usize>)> {
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
    let shape = arr.shape().to_vec();
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
    Ok((out, shape))
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

/// Checks the caller's `out` against `shape`, numpy's rule for `out=`: the same shape, not
/// only the same number of elements (a `(64, 32)` buffer for a `(32, 64)` tensor is a
/// `ValueError`, as in numpy, not a silent reinterpretation).
fn check_out_shape(out_shape: &[usize], shape: &[usize]) -> PyResult<()> {
    if out_shape == shape {
        Ok(())
    } else {
        Err(value_error(format!(
            "out has shape {} but shape is {}",
            py_shape(out_shape),
            py_shape(shape)
        )))
    }
}

/// A shape as Python prints a tuple: `(3,)`, `(2, 4)`.
fn py_shape(shape: &[usize]) -> String {
    match shape {
        [d] => format!("({d},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The common path of the core samplers.
#[allow(clippy::too_many_arguments)]
fn sampler<'py>(
    py: Python<'py>,
    s: Sampling,
    shape: Option<&Bound<'py, PyAny>>,
    seed: &Bound<'py, PyAny>,
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
            let (target, out_shape) = arg_out(o, dt)?;
            if let Some(shape) = &shape {
                check_out_shape(&out_shape, shape)?;
            }
            check_range(offset, out_shape.iter().product())?;
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
/// `name(shape=None, *, seed, stream=0, offset=0, out=None, dtype=None, threads=None)`,
/// elements `offset ..` of stream `stream` of `seed` of the sampling `$s`.
///
/// `shape` comes first, as in every other function of the package (and in
/// `keras.random.normal(shape, ..., seed=...)`); `seed` is keyword-only, so the order of
/// 0.1 (`normal(seed, shape)`, two ints) is a `TypeError`, never a silent swap.
macro_rules! sampler_fn {
    ($(#[doc = $doc:literal])* $name:ident, $s:expr) => {
        $(#[doc = $doc])*
        #[pyfunction]
        #[pyo3(signature = (shape=None, *, seed, stream=None, offset=None, out=None, dtype=None, threads=None))]
        #[allow(clippy::too_many_arguments)]
        fn $name<'py>(
            py: Python<'py>,
            shape: Option<&Bound<'py, PyAny>>,
            seed: &Bound<'py, PyAny>,
            stream: Option<&Bound<'py, PyAny>>,
            offset: Option<&Bound<'py, PyAny>>,
            out: Option<&Bound<'py, PyAny>>,
            dtype: Option<&Bound<'py, PyAny>>,
            threads: Option<&Bound<'py, PyAny>>,
        ) -> PyResult<Bound<'py, PyAny>> {
            sampler(py, $s, shape, seed, stream, offset, out, dtype, threads)
        }
    };
}

sampler_fn!(
    /// `normal(shape=None, *, seed, ...)`: standard normal values.
    normal,
    Sampling::Normal { mean: 0.0, stddev: 1.0 }
);
sampler_fn!(
    /// `truncated_normal(shape=None, *, seed, ...)`: standard normal values truncated to
    /// `[-2, 2]`.
    truncated_normal,
    Sampling::TruncatedNormal { mean: 0.0, stddev: 1.0 }
);
sampler_fn!(
    /// `uniform(shape=None, *, seed, ...)`: uniform values on `[-1, 1)`.
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
///
/// `out` without `offset` must have exactly `shape` (numpy's rule for `out=`); with
/// `offset` it is a slice of the row-major tensor, any shape, and its size counts.
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
            let (target, out_shape) = arg_out(o, dt)?;
            let len: usize = out_shape.iter().product();
            let start = offset.unwrap_or(0);
            if offset.is_none() {
                check_out_shape(&out_shape, &shape)?;
            }
            let inside = start.checked_add(len as u64).is_some_and(|end| end <= n);
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

fn distribution(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Distribution> {
    let Some(d) = obj.filter(|d| !d.is_none()) else {
        return Ok(Distribution::TruncatedNormal);
    };
    Ok(match arg_str(d, "distribution")?.as_str() {
        "truncated_normal" => Distribution::TruncatedNormal,
        "untruncated_normal" => Distribution::UntruncatedNormal,
        "uniform" => Distribution::Uniform,
        other => {
            return Err(value_error(format!(
            "distribution must be 'truncated_normal', 'untruncated_normal' or 'uniform', got {other:?}"
        )))
        }
    })
}

fn variance_scaling_init(
    scale: Option<&Bound<'_, PyAny>>,
    mode: Option<&Bound<'_, PyAny>>,
    dist: Option<&Bound<'_, PyAny>>,
) -> PyResult<VarianceScaling> {
    let scale = scale.map_or(Ok(1.0), |s| arg_positive(s, "scale"))?;
    let mode = fan_mode(mode, FanMode::FanIn, false)?;
    let distribution = distribution(dist)?;
    VarianceScaling::new(scale, mode, distribution).map_err(|e| value_error(format!("scale: {e}")))
}

fn random_normal_init(
    mean: Option<&Bound<'_, PyAny>>,
    stddev: Option<&Bound<'_, PyAny>>,
) -> PyResult<RandomNormal> {
    let mean = mean.map_or(Ok(0.0), |m| arg_f32(m, "mean"))?;
    let stddev = stddev.map_or(Ok(0.05), |s| arg_f32(s, "stddev"))?;
    if stddev <= 0.0 {
        return Err(value_error(format!("stddev must be > 0, got {stddev}")));
    }
    Ok(RandomNormal { mean, stddev })
}

fn random_uniform_init(
    minval: Option<&Bound<'_, PyAny>>,
    maxval: Option<&Bound<'_, PyAny>>,
) -> PyResult<RandomUniform> {
    let minval = minval.map_or(Ok(-0.05), |m| arg_f32(m, "minval"))?;
    let maxval = maxval.map_or(Ok(0.05), |m| arg_f32(m, "maxval"))?;
    if minval >= maxval {
        return Err(value_error(format!(
            "minval must be < maxval, got minval={minval}, maxval={maxval}"
        )));
    }
    Ok(RandomUniform { minval, maxval })
}

/// PyTorch's `trunc_normal_(mean, std, a, b)` for the cut glorot draws: `a = mean - 2*std`,
/// `b = mean + 2*std` (anything else is a `ValueError`).
fn trunc_normal_init(
    mean: Option<&Bound<'_, PyAny>>,
    std: Option<&Bound<'_, PyAny>>,
    a: Option<&Bound<'_, PyAny>>,
    b: Option<&Bound<'_, PyAny>>,
) -> PyResult<TruncatedNormal> {
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
    Ok(TruncatedNormal { mean, stddev })
}

fn gain_arg(g: Option<&Bound<'_, PyAny>>) -> PyResult<f64> {
    g.map_or(Ok(1.0), |g| arg_positive(g, "gain"))
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

/// The initializers, one line each: `name, default layout, (its own keyword parameters) =>
/// the glorot initializer built from them (a `PyResult`)`. Each becomes the `#[pyfunction]`
/// `name(shape, seed, *, <parameters>, stream=0, layout=<default>, dtype=None, out=None,
/// offset=None, threads=None)`; the parameters are checked (in the expression) before the
/// common arguments, and before anything is written. `add_initializers` registers them all
/// and `INITIALIZER_NAMES` lists them.
macro_rules! initializers {
    ($($(#[doc = $doc:literal])* $name:ident, $layout:ident, ($($p:ident),*) => $build:expr;)*) => {
        $(
            $(#[doc = $doc])*
            #[pyfunction]
            #[pyo3(signature = (shape, seed, *, $($p=None,)* stream=None, layout=None, dtype=None, out=None, offset=None, threads=None))]
            #[allow(clippy::too_many_arguments)]
            fn $name<'py>(
                py: Python<'py>,
                shape: &Bound<'py, PyAny>,
                seed: &Bound<'py, PyAny>,
                $($p: Option<&Bound<'py, PyAny>>,)*
                stream: Option<&Bound<'py, PyAny>>,
                layout: Option<&Bound<'py, PyAny>>,
                dtype: Option<&Bound<'py, PyAny>>,
                out: Option<&Bound<'py, PyAny>>,
                offset: Option<&Bound<'py, PyAny>>,
                threads: Option<&Bound<'py, PyAny>>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let init: PyResult<_> = $build;
                let a = InitArgs { shape, seed, stream, layout, dtype, out, offset, threads };
                initialize(py, a, LayoutArg::$layout, &init?)
            }
        )*

        /// The names of the initializers (Keras' and PyTorch's snake-case names), in the
        /// order of the table.
        const INITIALIZER_NAMES: &[&str] = &[$(stringify!($name)),*];

        fn add_initializers(m: &Bound<'_, PyModule>) -> PyResult<()> {
            $(m.add_function(wrap_pyfunction!($name, m)?)?;)*
            Ok(())
        }
    };
}

initializers! {
    /// Keras' `GlorotNormal`: truncated normal, variance `1 / fan_avg`.
    glorot_normal, Keras, () => Ok(GlorotNormal);
    /// Keras' `GlorotUniform`: uniform, variance `1 / fan_avg`.
    glorot_uniform, Keras, () => Ok(GlorotUniform);
    /// Keras' `HeNormal`: truncated normal, variance `2 / fan_in`.
    he_normal, Keras, () => Ok(HeNormal);
    /// Keras' `HeUniform`: uniform, variance `2 / fan_in`.
    he_uniform, Keras, () => Ok(HeUniform);
    /// Keras' `LecunNormal`: truncated normal, variance `1 / fan_in`.
    lecun_normal, Keras, () => Ok(LecunNormal);
    /// Keras' `LecunUniform`: uniform, variance `1 / fan_in`.
    lecun_uniform, Keras, () => Ok(LecunUniform);
    /// Keras' `VarianceScaling(scale, mode, distribution)` (and JAX's, with
    /// `mode="fan_geo_avg"`).
    variance_scaling, Keras, (scale, mode, distribution) =>
        variance_scaling_init(scale, mode, distribution);
    /// Keras' `RandomNormal(mean, stddev)` (PyTorch's `normal_(mean, std)`).
    random_normal, Keras, (mean, stddev) => random_normal_init(mean, stddev);
    /// Keras' `RandomUniform(minval, maxval)` (PyTorch's `uniform_(a, b)`): `[minval, maxval)`.
    random_uniform, Keras, (minval, maxval) => random_uniform_init(minval, maxval);
    /// PyTorch's `trunc_normal_(mean, std, a, b)` for the cut glorot draws: `a = mean -
    /// 2*std`, `b = mean + 2*std` (Keras' `TruncatedNormal(mean, stddev)`).
    trunc_normal, Keras, (mean, std, a, b) => trunc_normal_init(mean, std, a, b);
    /// PyTorch's `xavier_normal_(gain)`: untruncated normal, `std = gain * sqrt(2 / (fan_in +
    /// fan_out))`; fans in PyTorch's layout (OIHW) unless `layout` says otherwise.
    xavier_normal, Torch, (gain) => gain_arg(gain).map(|gain| XavierNormal { gain });
    /// PyTorch's `xavier_uniform_(gain)`: uniform on `[-b, b)`, `b = gain * sqrt(6 / (fan_in
    /// + fan_out))`.
    xavier_uniform, Torch, (gain) => gain_arg(gain).map(|gain| XavierUniform { gain });
    /// PyTorch's `kaiming_normal_(a, mode, nonlinearity)`: untruncated normal,
    /// `std = gain / sqrt(fan)`.
    kaiming_normal, Torch, (a, mode, nonlinearity) => kaiming_gain(a, nonlinearity)
        .and_then(|gain| Ok(KaimingNormal { mode: fan_mode(mode, FanMode::FanIn, true)?, gain }));
    /// PyTorch's `kaiming_uniform_(a, mode, nonlinearity)`: uniform on `[-b, b)`,
    /// `b = sqrt(3) * gain / sqrt(fan)`. PyTorch's `nn.Linear`/`nn.Conv*` default is
    /// `kaiming_uniform(shape, seed, a=math.sqrt(5))`.
    kaiming_uniform, Torch, (a, mode, nonlinearity) => kaiming_gain(a, nonlinearity)
        .and_then(|gain| Ok(KaimingUniform { mode: fan_mode(mode, FanMode::FanIn, true)?, gain }));
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
    add_initializers(m)?;
    m.add("INITIALIZER_NAMES", INITIALIZER_NAMES.to_vec())?;
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

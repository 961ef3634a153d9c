//! The C ABI of `glorot`: `extern "C"` fill functions for the samplers and the named
//! initializers, built as a static library (`libglorot_c.a`) with the header
//! `include/glorot.h`, which `cbindgen` generates from this file.
//!
//! Every function returns `GLOROT_OK` (0) or a `GLOROT_ERR_*` code and, on error, has
//! written nothing. Nothing allocates. The only `unsafe` of the project outside the AVX2
//! gather module lives here: turning C pointers into slices.
//!
//! The library is `no_std` when built with `panic = "abort"`, as the C library is built
//! (`cargo build -p glorot-c --profile c-release`, see ci/c-abi.sh; and for Cortex-M). A
//! workspace build with the default profiles (`panic = "unwind"`: `cargo clippy`, `cargo
//! build`) links `std` instead, which a `no_std` static library cannot do without.
#![cfg_attr(panic = "abort", no_std)]
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

#[cfg(test)]
extern crate std;

use core::ffi::{c_char, c_int};

use glorot::{
    sample, Distribution, Error, FanMode, Fans, GlorotNormal, GlorotUniform, HeNormal, HeUniform,
    Initializer, KaimingNormal, KaimingUniform, Key, Layout, LecunNormal, LecunUniform,
    Nonlinearity, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling, XavierNormal,
    XavierUniform,
};

/// The version of the stream contract: the same (seed, stream, offset, function,
/// parameters) give the same bits on every target for as long as this number stays.
pub const GLOROT_STREAM_VERSION: c_int = 2;

/// Success.
pub const GLOROT_OK: c_int = 0;
/// A required pointer is NULL (`out` with `len > 0`, `shape` with `rank > 0`, or an
/// output pointer).
pub const GLOROT_ERR_NULL_POINTER: c_int = 1;
/// An argument is not one the C ABI accepts: an unknown `GLOROT_LAYOUT_*`,
/// `GLOROT_FAN_*`, `GLOROT_DIST_*` or `GLOROT_NONLINEARITY_*` code, an `out` that is not
/// aligned for `float`, or a `len` too large for the address space.
pub const GLOROT_ERR_INVALID_ARGUMENT: c_int = 2;
/// `offset + len` overflows the 64-bit element index.
pub const GLOROT_ERR_RANGE_OVERFLOW: c_int = 3;
/// A shape's element count, or a fan computed from it, does not fit in 64 bits.
pub const GLOROT_ERR_SHAPE_OVERFLOW: c_int = 4;
/// The layout needs a tensor of at least 2 dimensions (PyTorch's fans).
pub const GLOROT_ERR_RANK_TOO_SMALL: c_int = 5;
/// An axis is out of range or named twice (not reachable through this ABI, which has no
/// named-axes layout; kept so that every library error has its code).
pub const GLOROT_ERR_INVALID_AXIS: c_int = 6;
/// A variance-scaling `scale` that is not finite or not `> 0`.
pub const GLOROT_ERR_INVALID_SCALE: c_int = 7;
/// Another parameter out of its domain: a gain or standard deviation not finite and
/// `> 0`, a mean or bound not finite, `minval >= maxval`, a leaky-ReLU slope not finite,
/// or a Kaiming fan mode other than `GLOROT_FAN_IN` / `GLOROT_FAN_OUT`.
pub const GLOROT_ERR_INVALID_PARAMETER: c_int = 8;
/// PyTorch semantics divide by a fan that is zero (`xavier_*` with `fan_in + fan_out ==
/// 0`, `kaiming_*` with a zero fan and `len > 0`).
pub const GLOROT_ERR_ZERO_FAN: c_int = 9;
/// The parameters are valid but lead to a standard deviation or limit that is 0 or
/// infinite in `float`, or to weights that could overflow `float`.
pub const GLOROT_ERR_SCALE_OUT_OF_RANGE: c_int = 10;
/// The output length is not the shape's element count (not reachable through this ABI).
pub const GLOROT_ERR_LENGTH_MISMATCH: c_int = 11;
/// The element range is not inside the tensor (not reachable through this ABI).
pub const GLOROT_ERR_SLICE_OUT_OF_TENSOR: c_int = 12;
/// `glorot_seeded_dense_forward`: `x` does not have the layer's `n_in` elements (not
/// reachable through this ABI, where `n_in` is the length of `x`; kept so that every library
/// error has its code).
pub const GLOROT_ERR_INPUT_MISMATCH: c_int = 13;
/// `glorot_seeded_dense_forward`: `scratch_len` is 0.
pub const GLOROT_ERR_EMPTY_SCRATCH: c_int = 14;
/// An error of a newer `glorot` that this ABI does not know yet.
pub const GLOROT_ERR_UNKNOWN: c_int = 255;

/// Keras' layout `(..., in, out)`: a dense kernel is `(in, out)`, a 2-D convolution HWIO.
pub const GLOROT_LAYOUT_KERAS: c_int = 0;
/// PyTorch's layout `(out, in, ...)`: `nn.Linear.weight` is `(out, in)`, a convolution
/// OIHW. Rank must be at least 2.
pub const GLOROT_LAYOUT_TORCH: c_int = 1;

/// `n = fan_in`.
pub const GLOROT_FAN_IN: c_int = 0;
/// `n = fan_out`.
pub const GLOROT_FAN_OUT: c_int = 1;
/// `n = (fan_in + fan_out) / 2`.
pub const GLOROT_FAN_AVG: c_int = 2;
/// `n = sqrt(fan_in * fan_out)` (JAX's `fan_geo_avg`).
pub const GLOROT_FAN_GEO_AVG: c_int = 3;

/// A normal truncated at ±2 stddev, with `stddev = sqrt(scale / n) / 0.87962566103423978`
/// (Keras' `"truncated_normal"` and `"normal"`).
pub const GLOROT_DIST_TRUNCATED_NORMAL: c_int = 0;
/// A normal with `stddev = sqrt(scale / n)`.
pub const GLOROT_DIST_UNTRUNCATED_NORMAL: c_int = 1;
/// Uniform on `[-limit, limit)` with `limit = sqrt(3 * scale / n)`.
pub const GLOROT_DIST_UNIFORM: c_int = 2;

/// PyTorch's `calculate_gain("linear")`: 1.
pub const GLOROT_NONLINEARITY_LINEAR: c_int = 0;
/// `"conv1d"`, `"conv2d"`, ...: 1.
pub const GLOROT_NONLINEARITY_CONV: c_int = 1;
/// `"sigmoid"`: 1.
pub const GLOROT_NONLINEARITY_SIGMOID: c_int = 2;
/// `"tanh"`: 5/3.
pub const GLOROT_NONLINEARITY_TANH: c_int = 3;
/// `"relu"`: sqrt(2).
pub const GLOROT_NONLINEARITY_RELU: c_int = 4;
/// `"leaky_relu"` with negative slope `param`: `sqrt(2 / (1 + param²))`.
pub const GLOROT_NONLINEARITY_LEAKY_RELU: c_int = 5;
/// `"selu"`: 3/4.
pub const GLOROT_NONLINEARITY_SELU: c_int = 6;

/// The code of a library error.
fn code(e: Error) -> c_int {
    match e {
        Error::RangeOverflow => GLOROT_ERR_RANGE_OVERFLOW,
        Error::ShapeOverflow => GLOROT_ERR_SHAPE_OVERFLOW,
        Error::RankTooSmall { .. } => GLOROT_ERR_RANK_TOO_SMALL,
        Error::InvalidAxis => GLOROT_ERR_INVALID_AXIS,
        Error::InvalidScale => GLOROT_ERR_INVALID_SCALE,
        Error::InvalidParameter => GLOROT_ERR_INVALID_PARAMETER,
        Error::ZeroFan => GLOROT_ERR_ZERO_FAN,
        Error::ScaleOutOfRange => GLOROT_ERR_SCALE_OUT_OF_RANGE,
        Error::LengthMismatch { .. } => GLOROT_ERR_LENGTH_MISMATCH,
        Error::SliceOutOfTensor { .. } => GLOROT_ERR_SLICE_OUT_OF_TENSOR,
        Error::InputMismatch { .. } => GLOROT_ERR_INPUT_MISMATCH,
        Error::EmptyScratch => GLOROT_ERR_EMPTY_SCRATCH,
        _ => GLOROT_ERR_UNKNOWN,
    }
}

/// `Ok` → `GLOROT_OK`, `Err` → its code.
fn status(r: Result<(), c_int>) -> c_int {
    match r {
        Ok(()) => GLOROT_OK,
        Err(c) => c,
    }
}

/// `out[..len]` as a slice: empty for `len == 0` (whatever `out` is), an error for a NULL,
/// misaligned or impossibly long buffer.
///
/// # Safety
/// For `len > 0`, `out` must point to `len` writable `float`s that nothing else reads or
/// writes during the call.
unsafe fn out_slice<'a>(out: *mut f32, len: usize) -> Result<&'a mut [f32], c_int> {
    if len == 0 {
        return Ok(&mut []);
    }
    if out.is_null() {
        return Err(GLOROT_ERR_NULL_POINTER);
    }
    if !out.is_aligned() || len > isize::MAX as usize / core::mem::size_of::<f32>() {
        return Err(GLOROT_ERR_INVALID_ARGUMENT);
    }
    // SAFETY: `out` is non-null and aligned, `len * 4 <= isize::MAX` (checked above), and
    // the caller guarantees `len` writable, unaliased floats at `out` for the call.
    Ok(unsafe { core::slice::from_raw_parts_mut(out, len) })
}

/// Runs a fill on the checked output buffer.
///
/// # Safety
/// As [`out_slice`].
unsafe fn with_out(
    out: *mut f32,
    len: usize,
    fill: impl FnOnce(&mut [f32]) -> Result<(), Error>,
) -> c_int {
    // SAFETY: forwarded from this function's contract.
    let r = unsafe { out_slice(out, len) }.and_then(|o| fill(o).map_err(code));
    status(r)
}

fn mode(m: c_int) -> Result<FanMode, c_int> {
    match m {
        GLOROT_FAN_IN => Ok(FanMode::FanIn),
        GLOROT_FAN_OUT => Ok(FanMode::FanOut),
        GLOROT_FAN_AVG => Ok(FanMode::FanAvg),
        GLOROT_FAN_GEO_AVG => Ok(FanMode::FanGeoAvg),
        _ => Err(GLOROT_ERR_INVALID_ARGUMENT),
    }
}

fn distribution(d: c_int) -> Result<Distribution, c_int> {
    match d {
        GLOROT_DIST_TRUNCATED_NORMAL => Ok(Distribution::TruncatedNormal),
        GLOROT_DIST_UNTRUNCATED_NORMAL => Ok(Distribution::UntruncatedNormal),
        GLOROT_DIST_UNIFORM => Ok(Distribution::Uniform),
        _ => Err(GLOROT_ERR_INVALID_ARGUMENT),
    }
}

fn nonlinearity(n: c_int, param: f64) -> Result<Nonlinearity, c_int> {
    match n {
        GLOROT_NONLINEARITY_LINEAR => Ok(Nonlinearity::Linear),
        GLOROT_NONLINEARITY_CONV => Ok(Nonlinearity::Conv),
        GLOROT_NONLINEARITY_SIGMOID => Ok(Nonlinearity::Sigmoid),
        GLOROT_NONLINEARITY_TANH => Ok(Nonlinearity::Tanh),
        GLOROT_NONLINEARITY_RELU => Ok(Nonlinearity::Relu),
        GLOROT_NONLINEARITY_LEAKY_RELU => Ok(Nonlinearity::LeakyRelu(param)),
        GLOROT_NONLINEARITY_SELU => Ok(Nonlinearity::Selu),
        _ => Err(GLOROT_ERR_INVALID_ARGUMENT),
    }
}

/// Fills with an initializer whose parameters were decoded by `make`.
///
/// # Safety
/// As [`out_slice`].
#[allow(clippy::too_many_arguments, reason = "the C signature, flattened")]
unsafe fn init<I: Initializer>(
    make: Result<I, c_int>,
    seed: u64,
    stream: u64,
    offset: u64,
    out: *mut f32,
    len: usize,
    fans: Fans,
) -> c_int {
    let init = match make {
        Ok(i) => i,
        Err(c) => return c,
    };
    let key = Key::with_stream(seed, stream);
    // SAFETY: forwarded from this function's contract.
    unsafe { with_out(out, len, |o| init.fill(fans, key, offset, o)) }
}

/// The stream id of the key `(seed, glorot_fold_in(stream, data))`, derived from the key
/// `(seed, stream)` and `data` like JAX's `fold_in` (the seed is unchanged). Use it to give
/// every layer of a model its own key: `glorot_fold_in(0, layer_index)`.
#[no_mangle]
pub extern "C" fn glorot_fold_in(stream: u64, data: u64) -> u64 {
    Key::with_stream(0, stream).fold_in(data).stream()
}

/// A static, NUL-terminated English description of a `GLOROT_*` status code.
#[no_mangle]
pub extern "C" fn glorot_strerror(code: c_int) -> *const c_char {
    let s: &'static core::ffi::CStr = match code {
        GLOROT_OK => c"ok",
        GLOROT_ERR_NULL_POINTER => c"a required pointer is NULL",
        GLOROT_ERR_INVALID_ARGUMENT => {
            c"invalid argument (unknown enum code, misaligned or too long buffer)"
        }
        GLOROT_ERR_RANGE_OVERFLOW => c"offset + len overflows the 64-bit element index",
        GLOROT_ERR_SHAPE_OVERFLOW => c"the shape's element count or a fan overflows 64 bits",
        GLOROT_ERR_RANK_TOO_SMALL => c"the layout needs a tensor of at least 2 dimensions",
        GLOROT_ERR_INVALID_AXIS => c"an axis is out of range or named twice",
        GLOROT_ERR_INVALID_SCALE => c"scale must be finite and > 0",
        GLOROT_ERR_INVALID_PARAMETER => c"invalid parameter",
        GLOROT_ERR_ZERO_FAN => c"the fan is zero (PyTorch divides by it)",
        GLOROT_ERR_SCALE_OUT_OF_RANGE => c"the standard deviation or limit is 0 or overflows float",
        GLOROT_ERR_LENGTH_MISMATCH => c"the output length is not the shape's element count",
        GLOROT_ERR_SLICE_OUT_OF_TENSOR => c"the element range is not inside the tensor",
        GLOROT_ERR_INPUT_MISMATCH => c"the input length is not the layer's number of inputs",
        GLOROT_ERR_EMPTY_SCRATCH => c"the scratch buffer is empty",
        _ => c"unknown error code",
    };
    s.as_ptr()
}

/// Computes `*fan_in` and `*fan_out` of a tensor of shape `shape[0..rank]` in `layout`
/// (`GLOROT_LAYOUT_KERAS` or `GLOROT_LAYOUT_TORCH`). Keras: rank 0 gives (1, 1), rank 1
/// (s0, s0), rank 2 (s0, s1), higher ranks multiply by the receptive field
/// `s0 * ... * s[rank-3]`. PyTorch: `(s1 * r, s0 * r)` with `r = s2 * ... * s[rank-1]`.
/// On error the outputs are not written.
///
/// # Safety
/// `shape` must point to `rank` readable `size_t` (or may be NULL when `rank == 0`);
/// `fan_in` and `fan_out` must be NULL or point to writable `uint64_t`.
#[no_mangle]
pub unsafe extern "C" fn glorot_fans(
    shape: *const usize,
    rank: usize,
    layout: c_int,
    fan_in: *mut u64,
    fan_out: *mut u64,
) -> c_int {
    if (shape.is_null() && rank > 0) || fan_in.is_null() || fan_out.is_null() {
        return GLOROT_ERR_NULL_POINTER;
    }
    if !shape.is_aligned() || rank > isize::MAX as usize / core::mem::size_of::<usize>() {
        return GLOROT_ERR_INVALID_ARGUMENT;
    }
    let layout = match layout {
        GLOROT_LAYOUT_KERAS => Layout::Keras,
        GLOROT_LAYOUT_TORCH => Layout::Torch,
        _ => return GLOROT_ERR_INVALID_ARGUMENT,
    };
    let shape: &[usize] = if rank == 0 {
        &[]
    } else {
        // SAFETY: non-null, aligned, `rank * size_of::<usize>() <= isize::MAX` (checked
        // above); the caller guarantees `rank` readable values.
        unsafe { core::slice::from_raw_parts(shape, rank) }
    };
    match Fans::from_shape(shape, layout) {
        Ok(f) => {
            // SAFETY: both pointers are non-null (checked above) and, by the caller's
            // contract, point to writable `uint64_t`.
            unsafe {
                fan_in.write_unaligned(f.fan_in);
                fan_out.write_unaligned(f.fan_out);
            }
            GLOROT_OK
        }
        Err(e) => code(e),
    }
}

/// Stores PyTorch's `calculate_gain(nonlinearity, param)` in `*gain` (`param` is the
/// leaky-ReLU negative slope; PyTorch's default is 0.01; ignored otherwise).
///
/// # Safety
/// `gain` must be NULL or point to a writable `double`.
#[no_mangle]
pub unsafe extern "C" fn glorot_calculate_gain(
    nonlinearity_code: c_int,
    param: f64,
    gain: *mut f64,
) -> c_int {
    if gain.is_null() {
        return GLOROT_ERR_NULL_POINTER;
    }
    let g = nonlinearity(nonlinearity_code, param).and_then(|n| n.gain().map_err(code));
    match g {
        Ok(g) => {
            // SAFETY: non-null (checked above), writable by the caller's contract.
            unsafe { gain.write_unaligned(g) };
            GLOROT_OK
        }
        Err(c) => c,
    }
}

/// The three samplers, one entry each: `fn name => sample::function;`, each becoming
/// `name(seed, stream, offset, out, len) -> c_int` (read by cbindgen macro-expanded, as
/// `c_initializers!`).
macro_rules! c_samplers {
    ($($(#[doc = $doc:literal])* fn $name:ident => $f:path;)*) => {$(
        $(#[doc = $doc])*
        ///
        /// # Safety
        /// For `len > 0`, `out` must point to `len` writable floats that nothing else accesses
        /// during the call. `out` may be NULL when `len == 0`.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            seed: u64,
            stream: u64,
            offset: u64,
            out: *mut f32,
            len: usize,
        ) -> c_int {
            let key = Key::with_stream(seed, stream);
            // SAFETY: this function's contract is `with_out`'s.
            unsafe { with_out(out, len, |o| $f(key, offset, o)) }
        }
    )*};
}

c_samplers! {
    /// Writes elements `offset .. offset + len - 1` of the standard normal stream of the key
    /// `(seed, stream)` to `out[0..len]`. Errors: `GLOROT_ERR_NULL_POINTER`,
    /// `GLOROT_ERR_INVALID_ARGUMENT`, `GLOROT_ERR_RANGE_OVERFLOW`.
    fn glorot_normal => sample::normal;
    /// As `glorot_normal`, for the standard normal truncated to [-2, 2] (standard deviation
    /// 0.87962566103423978).
    fn glorot_truncated_normal => sample::truncated_normal;
    /// As `glorot_normal`, for the uniform distribution on [-1, 1) (multiples of 2^-23).
    fn glorot_uniform => sample::uniform;
}

/// The initializers, one entry each: `fn name(<its C parameters after seed, stream, offset,
/// out, len>) fans <the Fans passed to it> => <the initializer, a Result<_, c_int>>;`. Each
/// becomes `glorot_init_<name>(seed, stream, offset, out, len, <parameters>) -> c_int`,
/// filling through [`init`]. cbindgen reads this crate macro-expanded (`[parse.expand]` in
/// cbindgen.toml), so the header lists every function as if written out.
macro_rules! c_initializers {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident($($p:ident: $t:ty),*) fans $fans:expr => $make:expr;
    )*) => {$(
        $(#[doc = $doc])*
        ///
        /// # Safety
        /// As `glorot_normal`.
        #[no_mangle]
        #[allow(clippy::too_many_arguments, reason = "the C signature")]
        pub unsafe extern "C" fn $name(
            seed: u64,
            stream: u64,
            offset: u64,
            out: *mut f32,
            len: usize,
            $($p: $t),*
        ) -> c_int {
            // SAFETY: this function's contract is `init`'s.
            unsafe { init($make, seed, stream, offset, out, len, $fans) }
        }
    )*};
}

/// `VarianceScaling::new` from the C codes.
fn variance_scaling(
    scale: f64,
    mode_code: c_int,
    distribution_code: c_int,
) -> Result<VarianceScaling, c_int> {
    let m = mode(mode_code)?;
    let d = distribution(distribution_code)?;
    VarianceScaling::new(scale, m, d).map_err(code)
}

c_initializers! {
    /// Keras' `GlorotNormal`: normal truncated at ±2 stddev, `stddev = sqrt(2 / (fan_in +
    /// fan_out)) / 0.87962566103423978` (the truncated values have std
    /// `sqrt(2 / (fan_in + fan_out))`).
    /// Writes elements `offset .. offset + len - 1` of the tensor with fans
    /// `(fan_in, fan_out)` for the key `(seed, stream)`. Never fails for valid pointers and
    /// range.
    fn glorot_init_glorot_normal(fan_in: u64, fan_out: u64)
        fans Fans::new(fan_in, fan_out) => Ok(GlorotNormal);
    /// Keras' `GlorotUniform`: uniform on [-limit, limit), `limit = sqrt(6 / (fan_in +
    /// fan_out))`.
    /// Writes elements `offset .. offset + len - 1` of the tensor with fans
    /// `(fan_in, fan_out)` for the key `(seed, stream)`. Never fails for valid pointers and
    /// range.
    fn glorot_init_glorot_uniform(fan_in: u64, fan_out: u64)
        fans Fans::new(fan_in, fan_out) => Ok(GlorotUniform);
    /// Keras' `HeNormal`: truncated normal, `stddev = sqrt(2 / fan_in) / 0.8796...`.
    /// Writes elements `offset .. offset + len - 1` of the tensor with fans
    /// `(fan_in, fan_out)` for the key `(seed, stream)`. Never fails for valid pointers and
    /// range.
    fn glorot_init_he_normal(fan_in: u64, fan_out: u64)
        fans Fans::new(fan_in, fan_out) => Ok(HeNormal);
    /// Keras' `HeUniform`: uniform, `limit = sqrt(6 / fan_in)`.
    /// Writes elements `offset .. offset + len - 1` of the tensor with fans
    /// `(fan_in, fan_out)` for the key `(seed, stream)`. Never fails for valid pointers and
    /// range.
    fn glorot_init_he_uniform(fan_in: u64, fan_out: u64)
        fans Fans::new(fan_in, fan_out) => Ok(HeUniform);
    /// Keras' `LecunNormal`: truncated normal, `stddev = sqrt(1 / fan_in) / 0.8796...`.
    /// Writes elements `offset .. offset + len - 1` of the tensor with fans
    /// `(fan_in, fan_out)` for the key `(seed, stream)`. Never fails for valid pointers and
    /// range.
    fn glorot_init_lecun_normal(fan_in: u64, fan_out: u64)
        fans Fans::new(fan_in, fan_out) => Ok(LecunNormal);
    /// Keras' `LecunUniform`: uniform, `limit = sqrt(3 / fan_in)`.
    /// Writes elements `offset .. offset + len - 1` of the tensor with fans
    /// `(fan_in, fan_out)` for the key `(seed, stream)`. Never fails for valid pointers and
    /// range.
    fn glorot_init_lecun_uniform(fan_in: u64, fan_out: u64)
        fans Fans::new(fan_in, fan_out) => Ok(LecunUniform);
    /// Keras' `VarianceScaling(scale, mode, distribution)`: weights of variance
    /// `scale / max(1, n)`, `n` the fan that `mode` (`GLOROT_FAN_*`) picks, drawn from
    /// `distribution` (`GLOROT_DIST_*`).
    fn glorot_init_variance_scaling(
        fan_in: u64, fan_out: u64, scale: f64, mode_code: c_int, distribution_code: c_int
    )
        fans Fans::new(fan_in, fan_out) => variance_scaling(scale, mode_code, distribution_code);
    /// Keras' `RandomNormal(mean, stddev)` (Keras' defaults: 0, 0.05): `mean + stddev * z`.
    fn glorot_init_random_normal(mean: f32, stddev: f32)
        fans Fans::new(0, 0) => Ok(RandomNormal { mean, stddev });
    /// Keras' `TruncatedNormal(mean, stddev)` (defaults 0, 0.05): `mean + stddev * t`, `t` the
    /// standard normal truncated to [-2, 2] — no 0.8796 correction.
    fn glorot_init_truncated_normal(mean: f32, stddev: f32)
        fans Fans::new(0, 0) => Ok(TruncatedNormal { mean, stddev });
    /// Keras' `RandomUniform(minval, maxval)` (defaults -0.05, 0.05): uniform on
    /// [minval, maxval).
    fn glorot_init_random_uniform(minval: f32, maxval: f32)
        fans Fans::new(0, 0) => Ok(RandomUniform { minval, maxval });
    /// PyTorch's `xavier_normal_(gain)` (default gain 1): an untruncated normal with
    /// `std = gain * sqrt(2 / (fan_in + fan_out))`. PyTorch's fans come from the OIHW shape:
    /// use `glorot_fans(..., GLOROT_LAYOUT_TORCH, ...)`.
    fn glorot_init_xavier_normal(fan_in: u64, fan_out: u64, gain: f64)
        fans Fans::new(fan_in, fan_out) => Ok(XavierNormal { gain });
    /// PyTorch's `xavier_uniform_(gain)`: uniform on [-a, a), `a = gain * sqrt(6 / (fan_in +
    /// fan_out))`.
    fn glorot_init_xavier_uniform(fan_in: u64, fan_out: u64, gain: f64)
        fans Fans::new(fan_in, fan_out) => Ok(XavierUniform { gain });
    /// PyTorch's `kaiming_normal_(a, mode, nonlinearity)`: an untruncated normal with
    /// `std = gain / sqrt(fan)`, `mode` `GLOROT_FAN_IN` or `GLOROT_FAN_OUT`, `gain` PyTorch's
    /// `calculate_gain(nonlinearity, a)` (see `glorot_calculate_gain`). PyTorch's defaults
    /// are `GLOROT_FAN_IN` and gain sqrt(2) (`leaky_relu` with `a = 0`).
    fn glorot_init_kaiming_normal(fan_in: u64, fan_out: u64, mode_code: c_int, gain: f64)
        fans Fans::new(fan_in, fan_out) => mode(mode_code).map(|mode| KaimingNormal { mode, gain });
    /// PyTorch's `kaiming_uniform_(a, mode, nonlinearity)`: uniform on [-b, b),
    /// `b = sqrt(3) * gain / sqrt(fan)`; arguments as `glorot_init_kaiming_normal`.
    fn glorot_init_kaiming_uniform(fan_in: u64, fan_out: u64, mode_code: c_int, gain: f64)
        fans Fans::new(fan_in, fan_out)
        => mode(mode_code).map(|mode| KaimingUniform { mode, gain });
}

/// Nothing in this library panics for any input; if it ever did, a C program has no Rust
/// runtime to unwind into, so the core stops here (spinning, so that a debugger or a
/// watchdog sees where).
#[cfg(all(panic = "abort", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}

#[cfg(test)]
mod tests;

/// A seeded dense layer (`glorot::seeded::Dense`): `y = xᵀW` for the `(n_in, n_out)`
/// Keras-layout kernel `W` that `glorot_init_variance_scaling(seed, stream, 0, W, n_in *
/// n_out, n_in, n_out, scale, mode, distribution)` would fill, without storing `W`: it is
/// regenerated into `scratch` (any `scratch_len >= 1`; 1024 is a good size), and the result
/// does not depend on `scratch_len`. Each `y[o]` starts at `+0.0` and adds `x[i] *
/// W[i][o]` for `i = 0, 1, …` in order, a plain `float` multiply then add (no FMA).
/// Glorot normal is `scale = 1, GLOROT_FAN_AVG, GLOROT_DIST_TRUNCATED_NORMAL`.
///
/// Errors (nothing written to `y` or `scratch`): `GLOROT_ERR_NULL_POINTER` (`x`, `y` or
/// `scratch` NULL with a non-zero length), `GLOROT_ERR_INVALID_ARGUMENT` (unknown code,
/// misaligned buffer, `x`/`y`/`scratch` overlapping), `GLOROT_ERR_EMPTY_SCRATCH`,
/// `GLOROT_ERR_SHAPE_OVERFLOW` (`n_in * n_out` overflows), and those of
/// `glorot_init_variance_scaling`'s parameters.
///
/// # Safety
/// `x` must point to `n_in` readable `float`s, `y` to `n_out` and `scratch` to
/// `scratch_len` writable `float`s (each may be NULL when its length is 0); `y` and
/// `scratch` must not be read or written by anything else during the call.
#[no_mangle]
#[allow(clippy::too_many_arguments, reason = "the C signature")]
pub unsafe extern "C" fn glorot_seeded_dense_forward(
    seed: u64,
    stream: u64,
    scale: f64,
    mode_code: c_int,
    distribution_code: c_int,
    x: *const f32,
    n_in: usize,
    y: *mut f32,
    n_out: usize,
    scratch: *mut f32,
    scratch_len: usize,
) -> c_int {
    let run = || -> Result<(), c_int> {
        let m = mode(mode_code)?;
        let d = distribution(distribution_code)?;
        let init = VarianceScaling::new(scale, m, d).map_err(code)?;
        let layer = glorot::seeded::Dense::new(init, n_in, n_out, Key::with_stream(seed, stream))
            .map_err(code)?;
        let (xs, ys, ss) = (x as usize, y as usize, scratch as usize);
        let overlap = |a: usize, an: usize, b: usize, bn: usize| {
            an != 0 && bn != 0 && a < b.wrapping_add(bn * 4) && b < a.wrapping_add(an * 4)
        };
        if overlap(xs, n_in, ys, n_out)
            || overlap(xs, n_in, ss, scratch_len)
            || overlap(ys, n_out, ss, scratch_len)
        {
            return Err(GLOROT_ERR_INVALID_ARGUMENT);
        }
        // SAFETY: the caller guarantees `n_in` readable floats at `x`; `out_slice` checks
        // NULL, alignment and length, and only reads through the slice below.
        let x = unsafe { out_slice(x.cast_mut(), n_in) }?;
        // SAFETY: the caller guarantees `n_out` writable, unaliased floats at `y`.
        let y = unsafe { out_slice(y, n_out) }?;
        // SAFETY: the caller guarantees `scratch_len` writable, unaliased floats.
        let s = unsafe { out_slice(scratch, scratch_len) }?;
        layer.forward(x, y, s).map_err(code)
    };
    status(run())
}

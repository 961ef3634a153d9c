#![no_std]
#![deny(unsafe_code)]
#![deny(missing_docs)]
//! Neural-network weight initialisation — Glorot/Xavier normal and the variance-scaling
//! family — over a vectorized, bit-reproducible `f32` Ziggurat.
//!
//! `glorot` is `#![no_std]` and needs no heap: the same code runs in microcontroller
//! firmware and on a many-core host, and a [`Key`] gives the same weights on both.
//!
//! ```
//! use glorot::{sample, Key};
//! let mut w = [0.0f32; 6400];
//! sample::normal(Key::new(42), 0, &mut w)?; // standard normal, element 0..6400
//! # Ok::<(), glorot::Error>(())
//! ```
//!
//! # Layers
//! - [`init`]: the initializers — Keras 3's [`GlorotNormal`], [`GlorotUniform`], [`HeNormal`],
//!   [`HeUniform`], [`LecunNormal`], [`LecunUniform`], [`VarianceScaling`] (with JAX's
//!   [`FanMode::FanGeoAvg`]), [`RandomNormal`], [`TruncatedNormal`], [`RandomUniform`], and
//!   PyTorch's [`XavierNormal`], [`XavierUniform`], [`KaimingNormal`], [`KaimingUniform`] —
//!   behind one trait, [`Initializer`]. Each resolves its [`Fans`] (from a shape in Keras'
//!   HWIO, PyTorch's OIHW or named axes: [`Layout`]) to a [`Sampling`]: a sampler below and
//!   the `f32` factor (and mean) applied to it by a plain multiply (and add).
//!
//!   ```
//!   use glorot::{GlorotNormal, Initializer, Key, Layout};
//!   let mut kernel = [0.0f32; 3 * 3 * 16 * 32]; // Conv2D 3×3, 16 → 32 channels (HWIO)
//!   GlorotNormal.fill_shape(&[3, 3, 16, 32], Layout::Keras, Key::new(42), &mut kernel)?;
//!   # Ok::<(), glorot::Error>(())
//!   ```
//! - [`sample`]: standard normal, standard normal truncated to `[-2, 2]`, and uniform on
//!   `[-1, 1)`, each an `f32x8` kernel (via [`wide`](https://docs.rs/wide)) over eight
//!   xoshiro128++ lanes; [`reference`](mod@reference): their scalar twins, bit for bit equal.
//! - Chunked, position-addressable filling: `f(key, offset, out)` writes elements
//!   `offset .. offset + out.len()` of the key's stream, so a tensor can be filled in
//!   pieces — on other threads, cores or machines — with the bits of one call. There is no
//!   thread pool inside; bring your own executor.
//!
//! # Determinism (stream contract, version 1)
//! A tensor's values are a pure function of (seed, stream id, element index, sampler) —
//! not of the target, the SIMD width, how the calls are cut, or threads. Precisely:
//! - Elements are grouped in chunks of [`sample::CHUNK`] = 1024. Within chunk `k`, element
//!   `k*1024 + 8*j + l` is the `j`-th value that lane `l` of chunk `k` *accepts*. A lane that
//!   rejects a draw draws again from its own generator, so lanes never influence each other.
//! - Lane `l` of chunk `k` is a xoshiro128++ generator (Blackman & Vigna) whose 128-bit
//!   state is the SplitMix64 outputs number `2i+1` and `2i+2`, `i = 8k + l`, of the sequence
//!   that starts at `base = mix64(seed + mix64(stream + 0x9E3779B97F4A7C15))`, as
//!   little-endian `u32` words (`mix64` = SplitMix64's finaliser). [`Key::fold_in`] derives
//!   stream ids by the same mixer.
//! - A draw `r: u32` is read as numpy's float32 ziggurat reads it: layer `r & 0xff`, sign
//!   bit 8, 23-bit magnitude `r >> 9`. The wedge and tail tests use `libm`'s `expf` and
//!   `log1pf`; nothing that reaches an output uses a fused or target-dependent operation.
//! - Uniform: `((r as i32) >> 8) as f32 * 2^-23`.
//!
//! Golden vectors in `golden/v1.rs` pin the first values and a hash of the first million
//! of each sampler; CI checks them on x86-64 (SSE2, v2, v3), aarch64, wasm32 and Cortex-M.
//! Any change of an output bit is a new stream version.
//!
//! # The samplers
//! The normal sampler is the Ziggurat of Marsaglia & Tsang (2000) with 256 layers and
//! Marsaglia's (1964) tail, in numpy's 32-bit layout. The truncated sampler is an exact
//! Ziggurat of the normal density restricted to `[0, 2]`: 256 equal-area strips stacked from
//! `y = 0`, no tail, so no vector ever waits on a re-draw loop for out-of-range values.
//! Tables are generated in f64 by `tests/support/gen_tables.rs` and checked by a test that
//! regenerates them.
//!
//! # Crate features
//! - `half` (off by default): the `half` module — fills of `half::f16` and `half::bf16`, sampled in
//!   `f32` by the same stream contract and rounded to nearest even; for the samplers and,
//!   through `half::InitializerHalf`, for every [`Initializer`]. `no_std`, no heap.
//!
//! - `ndarray` (off by default): the [`ndarray`](mod@ndarray) module — fill any ndarray
//!   `ArrayBase` of `f32` (any memory order, each element by its logical row-major index) or
//!   build an `Array`. `no_std`; ndarray itself links `alloc`.
//!
//! Nothing in the library needs `std`, with or without features, nor `alloc`, except
//! through ndarray when the `ndarray` feature is on. It is
//! `#![deny(unsafe_code)]` with one exception, `ziggurat/x86.rs`: the x86 layer lookup
//! (SSE2/AVX loads and shuffles) and, for x86-64 builds without AVX2, an AVX2 copy of the
//! kernels chosen at run time when the CPU has AVX2 (detected by `cpufeatures`, no `std`).
//! Each `unsafe` block states its safety argument; both are tested against the portable
//! code, bit for bit.
//!
//! # Performance
//! Measured on one core of a shared 2-core AMD Zen 3 machine (the README has the tables and
//! the command that reproduces them): `sample::uniform` fills at ~2.8–3.1 G values/s;
//! `sample::normal` and `sample::truncated_normal` at 0.5–0.8 G/s, 2.2–3.7×
//! `rand_distr::StandardNormal`. The fast path is about fifty vector instructions per
//! eight values, eight of them 8-byte table loads; the ~11% of vectors in which a lane
//! fails it are finished lane by lane, with the wedge test decided by two lines around the
//! curve so that `libm::expf` runs only between them (same decisions, exhaustively
//! tested).
//!
//! # References
//! - X. Glorot, Y. Bengio, *Understanding the difficulty of training deep feedforward
//!   neural networks*, AISTATS 2010.
//! - G. Marsaglia, W. W. Tsang, *The Ziggurat Method for Generating Random Variables*,
//!   J. Stat. Softw. 5(8), 2000.
//! - J. A. Doornik, *An Improved Ziggurat Method to Generate Normal Random Samples*, 2005.
//! - C. D. McFarland, *A modified ziggurat algorithm for generating exponentially and
//!   normally distributed pseudorandom numbers*, J. Stat. Comput. Simul. 86(7), 2016.
//! - D. Blackman, S. Vigna, *Scrambled linear pseudorandom number generators*, ACM TOMS 2021.
//! - Keras 3, `keras.initializers.VarianceScaling`.

// Unit tests that need a heap or `is_x86_feature_detected!` use `std`; the library never does.
#[cfg(test)]
extern crate std;

mod error;
mod fans;
mod fill;
#[cfg(feature = "half")]
pub mod half;
pub mod init;
mod key;
mod lanes;
#[cfg(feature = "ndarray")]
pub mod ndarray;
pub mod reference;
pub mod sample;
mod ziggurat;

pub use error::Error;
pub use fans::{element_count, Fans, Layout};
pub use init::{
    Distribution, FanMode, GlorotNormal, GlorotUniform, HeNormal, HeUniform, Initializer,
    KaimingNormal, KaimingUniform, LecunNormal, LecunUniform, Nonlinearity, RandomNormal,
    RandomUniform, Sampling, TruncatedNormal, VarianceScaling, XavierNormal, XavierUniform,
};
pub use key::Key;

/// The README's examples, run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The guide's examples, run as doc tests.
#[doc = include_str!("../docs/GUIDE.md")]
#[cfg(doctest)]
pub struct GuideDoctests;

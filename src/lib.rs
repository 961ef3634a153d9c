#![no_std]
#![deny(unsafe_code)]
#![deny(missing_docs)]
// docs.rs (`--cfg docsrs`, see Cargo.toml) labels feature-gated items with their feature.
#![cfg_attr(docsrs, feature(doc_cfg))]
//! Neural-network weight initialisation — Glorot/Xavier normal and the variance-scaling
//! family, Keras', PyTorch's and JAX's flavours by name — over a vectorized,
//! bit-reproducible `f32` Ziggurat.
//!
//! `glorot` is `#![no_std]` and needs no heap: the same code runs in microcontroller
//! firmware and on a many-core host, and a [`Key`] gives the same weights on both. Any
//! slice of a tensor can be computed on its own, with the bits of the whole fill.
//!
//! ```
//! use glorot::{GlorotNormal, Initializer, Key, Layout};
//!
//! fn main() -> Result<(), glorot::Error> {
//!     // Keras' GlorotNormal for a Conv2D 3×3, 16 → 32 channels kernel (HWIO), layer 0 of
//!     // model seed 42.
//!     let mut kernel = vec![0.0f32; 3 * 3 * 16 * 32];
//!     let key = Key::new(42).fold_in(0);
//!     GlorotNormal.fill_shape(&[3, 3, 16, 32], Layout::Keras, key, &mut kernel)?;
//!
//!     // Elements 1000..1100 alone (another thread, core or machine): the same bits.
//!     let mut part = [0.0f32; 100];
//!     GlorotNormal.fill_shape_range(&[3, 3, 16, 32], Layout::Keras, key, 1000, &mut part)?;
//!     assert_eq!(&kernel[1000..1100], &part[..]);
//!     Ok(())
//! }
//! ```
//!
//! More: the guide ([`docs/GUIDE.md`](https://docs.rs/crate/glorot/latest/source/docs/GUIDE.md):
//! each framework's names, one seed for a whole model, sharding, checking a device, C,
//! half precision, Python), the stream specification
//! ([`docs/STREAM.md`](https://docs.rs/crate/glorot/latest/source/docs/STREAM.md): what
//! every output bit is, enough to reimplement it), every kind of bad input and what it gets
//! ([`docs/ERRORS.md`](https://docs.rs/crate/glorot/latest/source/docs/ERRORS.md)), and
//! the README (the C ABI, the `glorot` command, the Python package, the burn and candle
//! adapters).
//!
//! # Modules
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
//! - [`seeded`]: a dense layer whose kernel is regenerated from its key at every call
//!   instead of being stored (`docs/SEEDED.md`: a classifier that runs bit-identically on a
//!   Cortex-M4F).
//! - [`sample`]: standard normal, standard normal truncated to `[-2, 2]`, and uniform on
//!   `[-1, 1)`, each an `f32x8` kernel (via [`wide`](https://docs.rs/wide)) over eight
//!   xoshiro128++ lanes; [`reference`](mod@reference): their scalar twins, bit for bit equal.
//! - Chunked, position-addressable filling: `f(key, offset, out)` writes elements
//!   `offset .. offset + out.len()` of the key's stream, so a tensor can be filled in
//!   pieces — on other threads, cores or machines — with the bits of one call. There is no
//!   thread pool inside; bring your own executor.
//!
//! # Crate features
//! Both are documented on docs.rs (all features, each item labelled with its feature).
//! - `half` (off by default): the `half` module — fills of `half::f16` and `half::bf16`, sampled in
//!   `f32` by the same stream contract and rounded to nearest even; for the samplers and,
//!   through `half::InitializerHalf`, for every [`Initializer`]. `no_std`, no heap.
//!
//! - `ndarray` (off by default): the `ndarray` module — fill any ndarray
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
//! # Determinism (stream contract, version 2)
//! A tensor's values are a pure function of (seed, stream id, element index, sampler) —
//! not of the target, the SIMD width, how the calls are cut, or threads. The contract is
//! specified bit for bit, for implementers in other languages, in `docs/STREAM.md`, with
//! known-answer vectors in `golden/kat-v2.json`. In short:
//! - Elements are grouped in chunks of [`sample::CHUNK`] = 1024, each of 128 rows of eight
//!   lanes. Element `e = k*1024 + 8*j + l` is made from the `j`-th draw `r: u32` of lane `l`
//!   of chunk `k`: every draw lands in exactly one element, and no element ever depends on
//!   another's draw.
//! - Lane `l` of chunk `k` is a xoshiro128++ generator (Blackman & Vigna) whose 128-bit
//!   state is the SplitMix64 outputs number `2i+1` and `2i+2`, `i = 8k + l`, of the sequence
//!   that starts at `base = mix64(seed + mix64(stream + 0x9E3779B97F4A7C15))`, as
//!   little-endian `u32` words (`mix64` = SplitMix64's finaliser). [`Key::fold_in`] derives
//!   stream ids by the same mixer.
//! - A draw `r` is decoded as numpy's float32 Ziggurat decodes one — layer `i = r & 0xff`,
//!   sign bit 8, 23-bit magnitude `r >> 9`, `x = (r >> 9) * w[i]` — but with glorot's own
//!   tables: layer 0 is the base strip (which carries the tail) and layers count upward to
//!   the peak (numpy counts its entries 1..255 from the top down), and `k[i]` is the floor
//!   of the exact ratio. If `r >> 9 < k[i]`, the element is `x` with that sign.
//! - Otherwise the element is finished by its own **fix-up generator**: the SplitMix64
//!   sequence with state `z = fix + e * 0xC2B2AE3D27D4EB4F`, `fix = mix64(base ^
//!   0xBB67AE8584CAA73B)`, whose output `n = 1, 2, …` is `mix64(z + n * 0x9E3779B97F4A7C15)`,
//!   read as `u32` words, low half first. The element's value is what the standard Ziggurat
//!   (the scalar loop of [`sample::normal_from_rng`]) returns when its source yields `r`
//!   first and then the fix-up generator's words: the wedge test of the same `x` (or
//!   Marsaglia's tail, for layer 0: two words per attempt, a rejected attempt redraws the
//!   pair, the sign is bit 8 of `r`) with the next word as its uniform, and, if the wedge
//!   rejects, whole new samples drawn from the fix-up generator until one is accepted.
//! - Why this is exact: the standard Ziggurat turns any stream of independent uniform
//!   words into one exactly distributed value, and each element gets such a stream of its
//!   own — one lane draw, used by no other element, then its private generator. Draws that
//!   a rejection "wastes" are not reused, so rejections shift nothing. (Dropping a failed
//!   `x` and drawing afresh *without* its wedge test would not be exact: the wedges carry
//!   about 1% of the mass.)
//! - The wedge and tail tests use the `expf` and `log1pf` of the `libm` crate (ports of
//!   FreeBSD's, not correctly rounded; `docs/STREAM.md` gives them in full); nothing that
//!   reaches an output uses a fused or target-dependent operation.
//! - Uniform: `((r as i32) >> 8) as f32 * 2^-23` (unchanged from version 1).
//!
//! Version 1 (retired, never released) made element `8j + l` the `j`-th value lane `l`
//! *accepted*, so every rejection shifted the rest of its lane, and a fill had to branch on
//! the ~11% of vectors with a failing lane. In version 2 the fast pass over a chunk has no
//! data-dependent branch, and a fill starting inside a chunk only steps the lanes to its
//! first row.
//!
//! Golden vectors in `golden/v2.rs` pin the first values and a hash of the first million
//! of each sampler; CI checks them on x86-64 (SSE2, v2, v3), aarch64, wasm32 and Cortex-M.
//! The known-answer vectors trace every path step by step and are checked from Rust, C and
//! Python. Any change of an output bit is a new stream version.
//!
//! # The samplers
//! The normal sampler is the Ziggurat of Marsaglia & Tsang (2000) with 256 layers and
//! Marsaglia's (1964) tail. It shares numpy's float32 draw layout and its `R`, but not its
//! tables' order or `k`, its tail sign or its wedge arithmetic (`docs/STREAM.md`, "What is
//! and is not numpy's"): numpy's tables do not reproduce glorot's values. The truncated
//! sampler is an exact Ziggurat of the normal density restricted to `[0, 2]`: 256
//! equal-area strips stacked from `y = 0`, no tail, so no vector ever waits on a re-draw
//! loop for out-of-range values. Tables are generated in f64 by
//! `tests/support/gen_tables.rs` and checked by a test that regenerates them;
//! `docs/STREAM.md` gives each table's hash.
//!
//! # Performance
//! Measured on one core of a shared 2-core AMD Zen 3 machine (`docs/PERFORMANCE.md` has
//! the tables and the commands that reproduce them): `sample::normal` fills at about
//! 1.5 G values/s (0.64–0.68 ns per value) and `sample::truncated_normal` 5% faster,
//! 3.4–4× `rand_distr::StandardNormal` and 0.43–0.47× our own `sample::uniform`, in the
//! default `x86-64` build (AVX2 chosen at run time) and in `x86-64-v3` builds alike. A
//! chunk is made in two passes: a branch-free fast pass (about ten cycles per row of
//! eight: one xoshiro128++ step, eight 8-byte table loads, the fast test, a blend and a
//! store), then the ~15 of its 1024 elements whose draw failed the fast test, from a
//! packed list, each finished on its own with its wedge test decided by two lines around
//! the curve (`expf` only between them; same decisions, exhaustively tested).
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

mod chunk;
mod error;
mod fans;
mod fill;
#[cfg(feature = "half")]
#[cfg_attr(docsrs, doc(cfg(feature = "half")))]
pub mod half;
pub mod init;
mod key;
mod lanes;
#[cfg(feature = "ndarray")]
#[cfg_attr(docsrs, doc(cfg(feature = "ndarray")))]
pub mod ndarray;
pub mod reference;
pub mod sample;
pub mod seeded;
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

/// The seeded layer's page (`docs/SEEDED.md`), its example run as a doc test.
#[doc = include_str!("../docs/SEEDED.md")]
#[cfg(doctest)]
pub struct SeededDoctests;

/// The guide's examples, run as doc tests.
#[doc = include_str!("../docs/GUIDE.md")]
#[cfg(doctest)]
pub struct GuideDoctests;

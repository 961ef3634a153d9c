//! [`ndarray`](https://docs.rs/ndarray) arrays of `f32`, filled and built by any
//! [`Initializer`] (feature `ndarray`).
//!
//! ```
//! use glorot::{GlorotNormal, Key, Layout};
//! // A Dense(64 → 32) kernel, Keras' (in, out) order, as an owned `Array2<f32>`:
//! let w = glorot::ndarray::init(&GlorotNormal, (64, 32), Layout::Keras, Key::new(42))?;
//! assert_eq!(w.shape(), &[64, 32]);
//! # Ok::<(), glorot::Error>(())
//! ```
//!
//! # Which element gets which value
//! An array's element at logical index `(i0, i1, …, in)` gets element number
//! `((i0 * s1 + i1) * s2 + …) * sn + in` of the initializer's stream for the array's shape
//! `(s0, …, sn)`: its *logical row-major* index, whatever the memory order or strides. So
//! a Fortran-order array, a transposed view or a strided slice of a larger array gets the
//! same values at the same logical positions as a C-order array of its shape, and those are
//! the values [`Initializer::fill_shape`] writes into a flat slice of that shape.
//!
//! The fans come from the array's shape in the given [`Layout`]: for an array that views a
//! part of a larger tensor, fill the whole tensor (or compute its [`Fans`] and use
//! [`Initializer::fill`] on the part).
//!
//! # `no_std` and `alloc`
//! This module works without `std`, with ndarray's default features off (as this crate
//! depends on it). ndarray itself always links `alloc`, so the feature brings `alloc` into
//! the dependency graph (a freestanding binary then needs a `#[global_allocator]`);
//! [`fill`] never allocates, and [`init`] allocates only the array it returns. The rest of
//! the library is unchanged: without the feature, nothing in it needs `alloc`.

use ::ndarray::{Array, ArrayBase, DataMut, Dimension, ShapeBuilder};

use crate::{sample::CHUNK, Error, Fans, Initializer, Key, Layout, Sampling};

/// Fills `array` with `initializer`'s values for the array's shape (fans in `layout`),
/// drawn from `key`'s stream, each element the one at its logical row-major index (see the
/// [module docs](self)).
///
/// Works on any `ArrayBase` of `f32` that can be written: `Array`, `ArrayViewMut`,
/// `ArcArray`, `CowArray`…, contiguous or not, in any memory order. A C-contiguous array is
/// filled in one call; otherwise each row (the last axis) is filled on its own, through a
/// [`CHUNK`]-element buffer on the stack (4 KiB) if the row is strided.
///
/// ```
/// use glorot::{HeNormal, Initializer, Key, Layout};
/// use ndarray::{Array2, ShapeBuilder};
/// let mut c = Array2::<f32>::zeros((8, 5));
/// let mut f = Array2::<f32>::zeros((8, 5).f()); // column-major memory
/// glorot::ndarray::fill(&HeNormal, Layout::Keras, Key::new(7), &mut c)?;
/// glorot::ndarray::fill(&HeNormal, Layout::Keras, Key::new(7), &mut f)?;
/// assert_eq!(c, f); // same value at each logical position
///
/// let mut flat = [0.0f32; 40];
/// HeNormal.fill_shape(&[8, 5], Layout::Keras, Key::new(7), &mut flat)?;
/// assert_eq!(c.as_slice().unwrap(), &flat[..]);
/// # Ok::<(), glorot::Error>(())
/// ```
///
/// # Errors
/// Those of [`Fans::from_shape`] for the array's shape in `layout`, and those of
/// [`Initializer::sampling`] for those fans. Everything is checked before the first write:
/// on `Err`, `array` is untouched.
pub fn fill<I, S, D>(
    initializer: &I,
    layout: Layout<'_>,
    key: Key,
    array: &mut ArrayBase<S, D>,
) -> Result<(), Error>
where
    I: Initializer + ?Sized,
    S: DataMut<Elem = f32>,
    D: Dimension,
{
    let fans = Fans::from_shape(array.shape(), layout)?;
    let sampling = initializer.sampling(fans)?;
    fill_sampling(&sampling, key, array)
}

/// A new array of `shape` filled by [`fill`]: `shape` is anything ndarray's constructors
/// take (`(64, 32)`, `[3, 3, 16, 32]`, `IxDyn(&[…])`, `(64, 32).f()` for column-major
/// memory — which changes the memory order, not the values at each logical index).
///
/// ```
/// use glorot::{Key, Layout, XavierUniform};
/// use ndarray::ShapeBuilder;
/// // A PyTorch Conv2d weight, (out, in, kh, kw):
/// let w = glorot::ndarray::init(&XavierUniform::default(), [32, 16, 3, 3], Layout::Torch, Key::new(1))?;
/// let wf = glorot::ndarray::init(&XavierUniform::default(), [32, 16, 3, 3].f(), Layout::Torch, Key::new(1))?;
/// assert_eq!(w, wf);
/// assert!(glorot::ndarray::init(&XavierUniform::default(), [5], Layout::Torch, Key::new(1)).is_err());
/// # Ok::<(), glorot::Error>(())
/// ```
///
/// # Errors
/// [`Error::ShapeOverflow`] if the array's size in bytes does not fit in an `isize` (where
/// ndarray would panic); those of [`fill`]. Everything is checked before the array is
/// allocated.
pub fn init<I, Sh>(
    initializer: &I,
    shape: Sh,
    layout: Layout<'_>,
    key: Key,
) -> Result<Array<f32, Sh::Dim>, Error>
where
    I: Initializer + ?Sized,
    Sh: ShapeBuilder,
{
    let shape = shape.into_shape_with_order();
    let dim = shape.raw_dim();
    let fits = dim
        .size_checked()
        .and_then(|n| n.checked_mul(core::mem::size_of::<f32>()))
        .is_some_and(|bytes| isize::try_from(bytes).is_ok());
    if !fits {
        return Err(Error::ShapeOverflow);
    }
    let fans = Fans::from_shape(dim.slice(), layout)?;
    let sampling = initializer.sampling(fans)?;
    let mut array = Array::zeros(shape);
    fill_sampling(&sampling, key, &mut array)?;
    Ok(array)
}

/// [`fill`] with the sampling already resolved (and so validated).
fn fill_sampling<S, D>(
    sampling: &Sampling,
    key: Key,
    array: &mut ArrayBase<S, D>,
) -> Result<(), Error>
where
    S: DataMut<Elem = f32>,
    D: Dimension,
{
    // Validate once, so that no later call can fail half way: the offsets below are below the
    // element count, a `usize`, so they cannot overflow `u64` either.
    sampling.validate()?;
    if let Some(flat) = array.as_slice_mut() {
        return sampling.fill(key, 0, flat);
    }
    let mut offset = 0u64;
    const BUF: usize = CHUNK as usize;
    let mut buf = [0.0f32; BUF];
    for mut row in array.rows_mut() {
        let len = row.len();
        if let Some(flat) = row.as_slice_mut() {
            sampling.fill(key, offset, flat)?;
        } else {
            // A strided row: pieces that end on chunk boundaries of the stream, so that no
            // chunk's lanes are generated twice.
            let mut done = 0usize;
            let mut dst = row.iter_mut();
            while done < len {
                let to_boundary = BUF - ((offset + done as u64) % CHUNK) as usize;
                let n = to_boundary.min(len - done);
                sampling.fill(key, offset + done as u64, &mut buf[..n])?;
                // `buf` first: `zip` stops on it without taking an element from `dst`.
                for (s, d) in buf[..n].iter().zip(dst.by_ref()) {
                    *d = *s;
                }
                done += n;
            }
        }
        offset += len as u64;
    }
    Ok(())
}

//! [glorot](https://docs.rs/glorot)'s bit-reproducible initializers for
//! [candle](https://github.com/huggingface/candle): a [`VarBuilder`] backend that hands out
//! seeded Glorot/Xavier, LeCun, He/Kaiming, truncated-normal… variables by name, and plain
//! functions returning a [`Tensor`] for a shape and an initializer.
//!
//! ```
//! use candle_core::{DType, Device};
//! use glorot::{GlorotNormal, Key};
//! let vb = glorot_candle::var_builder(GlorotNormal, Key::new(42), DType::F32, &Device::Cpu);
//! let fc = candle_nn::linear(64, 32, vb.pp("fc"))?; // weight GlorotNormal (PyTorch fans), bias zeros
//! # Ok::<(), candle_core::Error>(())
//! ```
//!
//! # Which values each variable gets
//! The variable named `name` (the full path, e.g. `fc.weight`, as candle passes it to
//! [`SimpleBackend::get`]) of shape `s` draws from the key
//! [`key.fold_in_name(name)`](Key::fold_in_name) (`key.fold_in` of the 64-bit FNV-1a hash of
//! the name's UTF-8 bytes), in candle's row-major order, the
//! values of [`Initializer::fill_shape`] for `s`. [`GlorotBackend`] maps candle's
//! [`Init`] hint as follows:
//! - `Init::Const(c)` (e.g. ones for a layer norm's weight): the constant `c`, whatever the
//!   rank. Note that candle's `VarBuilder::get` passes the default hint, `Const(0.)`: ask
//!   for weights with `get_with_hints` and a random hint (`candle_nn::init::DEFAULT_KAIMING_NORMAL`),
//!   as `candle_nn::linear`, `conv2d`, `embedding`… do;
//! - any other hint on a tensor of rank ≥ 2 (weights): the configured initializer, fans
//!   from the shape in [`Layout::Torch`] — candle stores weights PyTorch style,
//!   `(out, in, k…)` — or the layout set by [`GlorotBackend::with_layout`];
//! - any other hint on a tensor of rank 0 or 1 (biases, which candle draws uniformly):
//!   zeros, as Keras does, or the constant set by [`GlorotBackend::with_bias`].
//!
//! The values are then converted to the requested dtype (`to_dtype`, round to nearest).

#![deny(missing_docs)]

use candle_core::{DType, Device, Result, Shape, Tensor};
use candle_nn::var_builder::SimpleBackend;
use candle_nn::{Init, VarBuilder};
use glorot::{element_count, Fans, Initializer, Key, Layout};

/// A candle error carrying a [`glorot::Error`].
fn wrap(e: glorot::Error) -> candle_core::Error {
    candle_core::Error::wrap(e)
}

/// A tensor of `shape` (f32) on `device`, holding [`Initializer::fill_shape`]'s values with
/// fans in `layout`.
///
/// ```
/// use candle_core::Device;
/// use glorot::{Initializer, Key, Layout, XavierUniform};
/// let t = glorot_candle::tensor(&XavierUniform::default(), (32, 16), Layout::Torch, Key::new(1), &Device::Cpu)?;
/// let mut w = vec![0.0f32; 32 * 16];
/// XavierUniform::default().fill_shape(&[32, 16], Layout::Torch, Key::new(1), &mut w).unwrap();
/// assert_eq!(t.flatten_all()?.to_vec1::<f32>()?, w);
/// # Ok::<(), candle_core::Error>(())
/// ```
///
/// # Errors
/// A wrapped [`glorot::Error`]: those of [`Initializer::fill_shape`] (fans, parameters), or
/// `ShapeOverflow` if the element count does not fit in memory. Nothing is allocated then.
/// candle's `Error::Wrapped` keeps only the message (`e.to_string()` is glorot's); the
/// typed error is what `Fans::from_shape(dims, layout).and_then(|f| initializer.sampling(f))`
/// returns for the same arguments.
pub fn tensor<I, S>(
    initializer: &I,
    shape: S,
    layout: Layout<'_>,
    key: Key,
    device: &Device,
) -> Result<Tensor>
where
    I: Initializer + ?Sized,
    S: Into<Shape>,
{
    let shape: Shape = shape.into();
    let dims = shape.dims();
    let sampling = initializer
        .sampling(Fans::from_shape(dims, layout).map_err(wrap)?)
        .map_err(wrap)?;
    let n = len(dims)?;
    let mut v = vec![0.0f32; n];
    sampling.fill(key, 0, &mut v).map_err(wrap)?;
    Tensor::from_vec(v, shape, device)
}

/// The element count of `dims`, checked to fit in memory as `f32`s.
fn len(dims: &[usize]) -> Result<usize> {
    usize::try_from(element_count(dims).map_err(wrap)?)
        .ok()
        .filter(|n| n.checked_mul(4).is_some_and(|b| isize::try_from(b).is_ok()))
        .ok_or_else(|| wrap(glorot::Error::ShapeOverflow))
}

/// The key of the variable named `name`: [`key.fold_in_name(name)`](Key::fold_in_name).
pub fn var_key(key: Key, name: &str) -> Key {
    key.fold_in_name(name)
}

/// A [`SimpleBackend`] that creates every variable from glorot (see the [crate
/// docs](crate) for how candle's hints are mapped), for [`VarBuilder::from_backend`].
pub struct GlorotBackend<I> {
    initializer: I,
    key: Key,
    layout: Layout<'static>,
    bias: f32,
}

impl<I: Initializer + Send + Sync> GlorotBackend<I> {
    /// Weights from `initializer` with PyTorch fans, biases zero, streams from `key`.
    pub fn new(initializer: I, key: Key) -> Self {
        GlorotBackend {
            initializer,
            key,
            layout: Layout::Torch,
            bias: 0.0,
        }
    }

    /// The layout the weights' fans are computed in (default [`Layout::Torch`]).
    pub fn with_layout(mut self, layout: Layout<'static>) -> Self {
        self.layout = layout;
        self
    }

    /// The constant for rank-0/1 tensors whose hint is random (default `0.0`).
    pub fn with_bias(mut self, bias: f32) -> Self {
        self.bias = bias;
        self
    }

    fn f32_values(&self, shape: &Shape, name: &str, hint: Init, dev: &Device) -> Result<Tensor> {
        let constant = match hint {
            Init::Const(c) => Some(c as f32),
            _ if shape.rank() < 2 => Some(self.bias),
            _ => None,
        };
        match constant {
            Some(c) if !c.is_finite() => Err(wrap(glorot::Error::InvalidParameter)),
            Some(c) => Tensor::from_vec(vec![c; len(shape.dims())?], shape.clone(), dev),
            None => tensor(
                &self.initializer,
                shape.clone(),
                self.layout,
                var_key(self.key, name),
                dev,
            ),
        }
    }
}

impl<I: Initializer + Send + Sync> SimpleBackend for GlorotBackend<I> {
    /// # Errors
    /// A wrapped [`glorot::Error`] if the initializer does not fit the shape (e.g. Xavier on
    /// a tensor with a zero fan) or a constant hint is not finite; candle's dtype
    /// conversion errors.
    fn get(&self, s: Shape, name: &str, h: Init, dtype: DType, dev: &Device) -> Result<Tensor> {
        let t = self.f32_values(&s, name, h, dev)?;
        if dtype == DType::F32 {
            Ok(t)
        } else {
            t.to_dtype(dtype)
        }
    }

    /// Always an error: a variable is created from its shape, which this call does not give.
    fn get_unchecked(&self, name: &str, _dtype: DType, _dev: &Device) -> Result<Tensor> {
        Err(candle_core::Error::Msg(format!(
            "glorot-candle creates variables from their shape; `{name}` was asked for without one"
        )))
    }

    /// Always `false`: nothing is stored.
    fn contains_tensor(&self, _name: &str) -> bool {
        false
    }
}

/// A [`VarBuilder`] over a [`GlorotBackend`]: `initializer` for weights (PyTorch fans),
/// zeros for biases, constants where candle asks for them.
pub fn var_builder<'a, I>(initializer: I, key: Key, dtype: DType, device: &Device) -> VarBuilder<'a>
where
    I: Initializer + Send + Sync + 'a,
{
    VarBuilder::from_backend(
        Box::new(GlorotBackend::new(initializer, key)),
        dtype,
        device.clone(),
    )
}

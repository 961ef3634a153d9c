//! [glorot](https://docs.rs/glorot)'s bit-reproducible initializers for
//! [burn](https://burn.dev): parameters built from any [`Initializer`], and whole models
//! re-initialised from one [`Key`], with the same bits on every backend.
//!
//! ```
//! use burn::nn::LinearConfig;
//! use burn::tensor::Device;
//! use glorot::Key;
//!
//! let device = Device::flex();
//! let layer = LinearConfig::new(64, 32).init(&device);
//! let layer = glorot_burn::reinit(layer, Key::new(42))?; // weight: GlorotNormal, bias: zeros
//! # Ok::<(), glorot::Error>(())
//! ```
//!
//! # Which stream each parameter draws
//! [`reinit`] and [`reinit_with`] give the float parameter at module path `p` (the field
//! names from the root module down, joined by `.`, e.g. `layers.0.weight`: what burn's
//! [`ModuleMapper::enter_module`] reports) the key [`key.fold_in_name(p)`](Key::fold_in_name):
//! `key.fold_in(fnv1a64(p))`, with the 64-bit FNV-1a hash of the path's UTF-8 bytes. The values are then those
//! of [`Initializer::fill_shape`] for the parameter's shape (row-major, burn's element order),
//! so they depend on the seed, the path, the shape and the initializer, never on the
//! backend, the device or the order in which modules are visited.
//!
//! # Which initializer each parameter gets
//! [`reinit_with`] asks a rule — any `FnMut(&str, &[usize]) -> ParamInit` of the path and
//! shape — and [`default_rule`] (used by [`reinit`]) is:
//! - a parameter named `gamma` (the scale of burn's norm layers): ones;
//! - named `bias` or `beta`: zeros;
//! - rank 2 (burn's `Linear` weight, stored `[d_input, d_output]`): [`GlorotNormal`] with
//!   [`Layout::Keras`] (fans `(in, out)`);
//! - rank ≥ 3 (burn's convolution weights, stored `[out, in / groups, k…]`): [`GlorotNormal`]
//!   with [`Layout::Torch`];
//! - anything else (other rank-0/1 parameters, e.g. a learned temperature): kept.
//!
//! Int and bool parameters are never touched.

#![deny(missing_docs)]

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::tensor::{Device, Tensor, TensorData};
use glorot::{element_count, Error, Fans, GlorotNormal, Initializer, Key, Layout};

/// A tensor of `shape` on `device`, holding [`Initializer::fill_shape`]'s values (fans in
/// `layout`) in burn's row-major element order.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use glorot::{GlorotNormal, Initializer, Key, Layout};
/// let t: Tensor<2> = glorot_burn::tensor(&GlorotNormal, [64, 32], Layout::Keras, Key::new(1), &Device::flex())?;
/// let mut w = vec![0.0f32; 64 * 32];
/// GlorotNormal.fill_shape(&[64, 32], Layout::Keras, Key::new(1), &mut w)?;
/// assert_eq!(t.into_data().to_vec::<f32>().unwrap(), w);
/// # Ok::<(), glorot::Error>(())
/// ```
///
/// # Errors
/// Those of [`Initializer::fill_shape`] (fans, parameters); [`Error::ShapeOverflow`] if the
/// element count does not fit in memory (a `usize`). Nothing is allocated on `Err`.
pub fn tensor<I, const D: usize>(
    initializer: &I,
    shape: [usize; D],
    layout: Layout<'_>,
    key: Key,
    device: &Device,
) -> Result<Tensor<D>, Error>
where
    I: Initializer + ?Sized,
{
    let values = values(initializer, &shape, layout, key)?;
    Ok(Tensor::from_data(TensorData::new(values, shape), device))
}

/// A trainable parameter (a fresh `ParamId`, gradients required) holding [`tensor`]'s values.
///
/// ```
/// use burn::module::Param;
/// use burn::tensor::{Device, Tensor};
/// use glorot::{Key, Layout, TruncatedNormal};
/// let w: Param<Tensor<4>> = glorot_burn::param(
///     &TruncatedNormal::default(), [32, 16, 3, 3], Layout::Torch, Key::new(1), &Device::flex())?;
/// assert_eq!(w.val().dims(), [32, 16, 3, 3]);
/// # Ok::<(), glorot::Error>(())
/// ```
///
/// # Errors
/// Those of [`tensor`].
pub fn param<I, const D: usize>(
    initializer: &I,
    shape: [usize; D],
    layout: Layout<'_>,
    key: Key,
    device: &Device,
) -> Result<Param<Tensor<D>>, Error>
where
    I: Initializer + ?Sized,
{
    tensor(initializer, shape, layout, key, device).map(Param::from_tensor)
}

/// What [`reinit_with`] does with one float parameter.
#[derive(Clone, Copy)]
pub enum ParamInit<'a> {
    /// Draw it from this initializer, fans from its shape in this layout.
    Init(&'a dyn Initializer, Layout<'a>),
    /// Set every element to this value (e.g. `0.0` for biases).
    Constant(f32),
    /// Leave it as it is.
    Keep,
}

impl core::fmt::Debug for ParamInit<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ParamInit::Init(_, layout) => write!(f, "Init(_, {layout:?})"),
            ParamInit::Constant(c) => write!(f, "Constant({c})"),
            ParamInit::Keep => f.write_str("Keep"),
        }
    }
}

/// The rule [`reinit`] uses (see the [crate docs](crate)): `gamma` → ones, `bias`/`beta` →
/// zeros, rank 2 → GlorotNormal/Keras, rank ≥ 3 → GlorotNormal/Torch, otherwise kept.
///
/// The name is the path's **last segment** (`norm.gamma` is a `gamma`; `gamma_net.weight`
/// is a `weight`), and the name wins over the rank: a rank-2 `bias` gets zeros.
///
/// ```
/// use glorot_burn::{default_rule, ParamInit};
/// assert!(matches!(default_rule("layers.0.bias", &[4, 8]), ParamInit::Constant(0.0)));
/// assert!(matches!(default_rule("gamma_net.weight", &[4, 8]), ParamInit::Init(..)));
/// assert!(matches!(default_rule("norm.gamma", &[8]), ParamInit::Constant(1.0)));
/// ```
pub fn default_rule(path: &str, shape: &[usize]) -> ParamInit<'static> {
    let name = path.rsplit('.').next().unwrap_or(path);
    match (name, shape.len()) {
        ("gamma", _) => ParamInit::Constant(1.0),
        ("bias" | "beta", _) => ParamInit::Constant(0.0),
        (_, 2) => ParamInit::Init(&GlorotNormal, Layout::Keras),
        (_, r) if r >= 3 => ParamInit::Init(&GlorotNormal, Layout::Torch),
        _ => ParamInit::Keep,
    }
}

/// The key of the parameter at `path`: [`key.fold_in_name(path)`](Key::fold_in_name).
pub fn param_key(key: Key, path: &str) -> Key {
    key.fold_in_name(path)
}

/// Re-initialises every float parameter of `module` by [`default_rule`], each from its own
/// stream `param_key(key, path)`.
///
/// # Errors
/// As [`reinit_with`].
pub fn reinit<M: Module>(module: M, key: Key) -> Result<M, Error> {
    reinit_with(module, key, default_rule)
}

/// Re-initialises every float parameter of `module` as `rule(path, shape)` says, each drawn
/// from `param_key(key, path)`. Parameter ids, devices and whether they require gradients
/// are kept.
///
/// ```
/// use burn::nn::{conv::Conv2dConfig, LinearConfig};
/// use burn::tensor::Device;
/// use glorot::{HeNormal, Key, Layout};
/// use glorot_burn::ParamInit;
/// let device = Device::flex();
/// let conv = Conv2dConfig::new([3, 8], [3, 3]).init(&device);
/// // He normal for every weight (PyTorch layout), biases kept as burn made them:
/// let conv = glorot_burn::reinit_with(conv, Key::new(7), |path, shape| match shape.len() {
///     1 => ParamInit::Keep,
///     _ => ParamInit::Init(&HeNormal, Layout::Torch),
/// })?;
/// // A rule that does not fit a parameter is an error, and nothing is changed:
/// let lin = LinearConfig::new(4, 2).init(&device);
/// let err = glorot_burn::reinit_with(lin, Key::new(7), |_, _| ParamInit::Init(&HeNormal, Layout::Torch));
/// assert!(err.is_err());
/// # Ok::<(), glorot::Error>(())
/// ```
///
/// # Errors
/// The first parameter (in visiting order) whose rule fails: [`Fans::from_shape`]'s errors
/// for its shape and layout, [`Initializer::sampling`]'s for those fans,
/// [`Error::InvalidParameter`] for a constant that is not finite, [`Error::ShapeOverflow`]
/// for a shape whose element count does not fit a `usize`. Every parameter is checked
/// before any is changed; on `Err` the module is dropped unchanged.
pub fn reinit_with<'i, M, F>(module: M, key: Key, mut rule: F) -> Result<M, Error>
where
    M: Module,
    F: FnMut(&str, &[usize]) -> ParamInit<'i>,
{
    let mut check = Walker {
        key,
        rule: &mut rule,
        path: Vec::new(),
        error: None,
    };
    module.visit(&mut check);
    if let Some(e) = check.error {
        return Err(e);
    }
    let mut map = Walker {
        key,
        rule: &mut rule,
        path: Vec::new(),
        error: None,
    };
    let module = module.map(&mut map);
    match map.error {
        Some(e) => Err(e),
        None => Ok(module),
    }
}

/// `initializer.fill_shape` into a new `Vec`.
fn values<I: Initializer + ?Sized>(
    initializer: &I,
    shape: &[usize],
    layout: Layout<'_>,
    key: Key,
) -> Result<Vec<f32>, Error> {
    // Resolve the sampling before allocating, so that bad input allocates nothing.
    let sampling = initializer.sampling(Fans::from_shape(shape, layout)?)?;
    let n = usize::try_from(element_count(shape)?).map_err(|_| Error::ShapeOverflow)?;
    if n.checked_mul(core::mem::size_of::<f32>())
        .is_none_or(|b| isize::try_from(b).is_err())
    {
        return Err(Error::ShapeOverflow);
    }
    let mut v = vec![0.0f32; n];
    sampling.fill(key, 0, &mut v)?;
    Ok(v)
}

/// The path-tracking visitor and mapper behind [`reinit_with`].
struct Walker<'r, F> {
    key: Key,
    rule: &'r mut F,
    path: Vec<String>,
    error: Option<Error>,
}

impl<'i, F> Walker<'_, F>
where
    F: FnMut(&str, &[usize]) -> ParamInit<'i>,
{
    /// The new values of the parameter at the current path with `shape`, or `None` to keep it.
    fn new_values(&mut self, shape: &[usize]) -> Result<Option<Vec<f32>>, Error> {
        let path = self.path.join(".");
        match (self.rule)(&path, shape) {
            ParamInit::Keep => Ok(None),
            ParamInit::Constant(c) if !c.is_finite() => Err(Error::InvalidParameter),
            ParamInit::Constant(c) => {
                let n = usize::try_from(element_count(shape)?).map_err(|_| Error::ShapeOverflow)?;
                Ok(Some(vec![c; n]))
            }
            ParamInit::Init(init, layout) => {
                values(init, shape, layout, param_key(self.key, &path)).map(Some)
            }
        }
    }

    fn record(&mut self, e: Error) {
        self.error.get_or_insert(e);
    }
}

impl<'i, F> ModuleVisitor for Walker<'_, F>
where
    F: FnMut(&str, &[usize]) -> ParamInit<'i>,
{
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if self.error.is_some() {
            return;
        }
        // Checking means computing: the values are dropped here and computed again by the
        // mapper (initialisation is cheap next to building the model).
        let shape = param.lazy_shape().dims::<D>();
        if let Err(e) = self.new_values(&shape) {
            self.record(e);
        }
    }
}

impl<'i, F> ModuleMapper for Walker<'_, F>
where
    F: FnMut(&str, &[usize]) -> ParamInit<'i>,
{
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let shape = param.lazy_shape().dims::<D>();
        let device = param.lazy_device();
        match self.new_values(&shape) {
            Ok(Some(values)) => param.map(|old| {
                let require_grad = old.is_require_grad();
                Tensor::from_data(TensorData::new(values, shape), &device)
                    .set_require_grad(require_grad)
            }),
            Ok(None) => param,
            Err(e) => {
                self.record(e);
                param
            }
        }
    }
}

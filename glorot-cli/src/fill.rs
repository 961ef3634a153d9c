//! Filling one tensor: the arguments, their validation, the `.npy` writer, the statistics
//! and the human-readable report.

use std::fs::File;
use std::io::{BufWriter, IsTerminal};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
#[cfg(feature = "half")]
use glorot::half::{bf16, f16, InitializerHalf};
use glorot::{
    element_count, Distribution, FanMode, Fans, GlorotNormal, GlorotUniform, HeNormal, HeUniform,
    Initializer, KaimingNormal, KaimingUniform, Key, Layout, LecunNormal, LecunUniform,
    Nonlinearity, RandomNormal, RandomUniform, Sampling, TruncatedNormal, VarianceScaling,
    XavierNormal, XavierUniform,
};
use indicatif::{ProgressBar, ProgressStyle};
use npyz::WriterBuilder;

/// The initializers, by their snake_case names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum Init {
    /// Keras: truncated normal, stddev sqrt(2 / (fan_in + fan_out)) / 0.8796. No parameters
    GlorotNormal,
    /// Keras: uniform on ±sqrt(6 / (fan_in + fan_out)). No parameters
    GlorotUniform,
    /// Keras: truncated normal, stddev sqrt(2 / fan_in) / 0.8796. No parameters
    HeNormal,
    /// Keras: uniform on ±sqrt(6 / fan_in). No parameters
    HeUniform,
    /// Keras: truncated normal, stddev sqrt(1 / fan_in) / 0.8796. No parameters
    LecunNormal,
    /// Keras: uniform on ±sqrt(3 / fan_in). No parameters
    LecunUniform,
    /// PyTorch: normal, stddev gain * sqrt(2 / (fan_in + fan_out)). --gain (default 1)
    XavierNormal,
    /// PyTorch: uniform on ±gain * sqrt(6 / (fan_in + fan_out)). --gain (default 1)
    XavierUniform,
    /// PyTorch: normal, stddev gain / sqrt(fan). --a or --gain (default sqrt(2)), --mode fan_in|fan_out
    KaimingNormal,
    /// PyTorch: uniform on ±gain * sqrt(3 / fan). --a or --gain (default sqrt(2)), --mode fan_in|fan_out
    KaimingUniform,
    /// Keras: normal. --mean (default 0), --stddev (default 0.05)
    RandomNormal,
    /// Keras: normal truncated to mean ± 2 stddev. --mean (default 0), --stddev (default 0.05)
    TruncatedNormal,
    /// Keras: uniform on [minval, maxval). --minval (default -0.05), --maxval (default 0.05)
    RandomUniform,
    /// Keras/JAX: --scale (default 1), --mode (default fan_in), --distribution (default truncated_normal)
    VarianceScaling,
}

impl Init {
    /// The name `--init` takes.
    pub fn name(self) -> String {
        self.to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default()
    }

    /// The flags this initializer takes, beyond the common ones.
    fn takes(self, flag: &str) -> bool {
        use Init::*;
        match flag {
            "gain" => matches!(
                self,
                XavierNormal | XavierUniform | KaimingNormal | KaimingUniform
            ),
            "mode" | "a" => {
                matches!(self, KaimingNormal | KaimingUniform)
                    || (flag == "mode" && self == VarianceScaling)
            }
            "scale" | "distribution" => self == VarianceScaling,
            "mean" | "stddev" => matches!(self, RandomNormal | TruncatedNormal),
            "minval" | "maxval" => self == RandomUniform,
            _ => true,
        }
    }
}

/// `--mode`: which fan the variance is scaled by.
#[allow(clippy::enum_variant_names)] // the names are the values: fan_in, fan_out, ...
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum Mode {
    /// fan_in
    FanIn,
    /// fan_out
    FanOut,
    /// (fan_in + fan_out) / 2 (variance_scaling only)
    FanAvg,
    /// sqrt(fan_in * fan_out), JAX (variance_scaling only)
    FanGeoAvg,
}

/// `--distribution` of variance_scaling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum Dist {
    /// Normal truncated to ±2 stddev, stddev corrected by 0.8796 (`normal` is an alias, as in Keras)
    #[value(alias = "normal")]
    TruncatedNormal,
    /// Normal
    UntruncatedNormal,
    /// Uniform on ±sqrt(3 * scale / fan)
    Uniform,
}

/// `--layout`: where the fans are in the shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LayoutArg {
    /// (..., in, out), i.e. HWIO (Keras, JAX)
    Keras,
    /// (out, in, ...), i.e. OIHW (PyTorch)
    Torch,
}

/// The element type written by `--out`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Dtype {
    /// little-endian <f4
    F32,
    /// <f2: the f32 values rounded to nearest even
    F16,
    /// .npy has no code for it: <u2 holding the raw bf16 bits
    /// (numpy: np.load(f).view(ml_dtypes.bfloat16)), rounded to nearest even
    Bf16,
}

/// The initializers' parameters, as given (`None`: the initializer's default).
#[derive(Args, Debug, Default)]
pub struct Params {
    /// xavier_* (default 1), kaiming_* (default sqrt(2): PyTorch's leaky_relu with a=0)
    #[arg(long, value_parser = positive)]
    gain: Option<f64>,
    /// kaiming_*: PyTorch's `a`, the negative slope of leaky_relu; gain sqrt(2 / (1 + a²)).
    /// nn.Linear's and nn.Conv*'s default is kaiming_uniform with --a 2.23606797749979 (sqrt(5))
    #[arg(long, value_parser = finite, conflicts_with = "gain")]
    a: Option<f64>,
    /// variance_scaling (default fan_in); kaiming_* (fan_in or fan_out; default fan_in)
    #[arg(long, value_enum)]
    mode: Option<Mode>,
    /// variance_scaling (default 1)
    #[arg(long, value_parser = positive)]
    scale: Option<f64>,
    /// variance_scaling (default truncated_normal)
    #[arg(long, value_enum)]
    distribution: Option<Dist>,
    /// random_normal, truncated_normal (default 0)
    #[arg(long, value_parser = finite_f32)]
    mean: Option<f32>,
    /// random_normal, truncated_normal (default 0.05)
    #[arg(long, value_parser = positive_f32)]
    stddev: Option<f32>,
    /// random_uniform (default -0.05)
    #[arg(long, value_parser = finite_f32)]
    minval: Option<f32>,
    /// random_uniform (default 0.05)
    #[arg(long, value_parser = finite_f32)]
    maxval: Option<f32>,
}

/// The arguments of a fill.
#[derive(Args, Debug)]
pub struct FillArgs {
    /// The initializer
    #[arg(long, value_enum, default_value = "glorot_normal", value_name = "NAME")]
    init: Init,
    /// The tensor's shape; an empty value is a scalar
    #[arg(
        long,
        default_value = "100,64",
        value_name = "D0,D1,...",
        allow_hyphen_values = true
    )]
    shape: String,
    /// Where the fans are (default: torch for xavier_*/kaiming_*, keras otherwise)
    #[arg(long, value_enum)]
    layout: Option<LayoutArg>,
    /// The key's seed
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// The key's stream id
    #[arg(long, default_value_t = 0)]
    stream: u64,
    /// First element of the slice to produce
    #[arg(long, default_value_t = 0)]
    offset: u64,
    /// Number of elements to produce (default: to the end)
    #[arg(long)]
    count: Option<u64>,
    #[command(flatten)]
    params: Params,
    /// Write the values as .npy with the tensor's shape, or (count,) for a slice
    #[arg(long, value_name = "FILE.npy")]
    out: Option<PathBuf>,
    /// The type written by --out; with --out, the statistics are of the values written
    #[arg(long, value_enum, default_value = "f32")]
    dtype: Dtype,
    /// Print fan_in, fan_out, stddev|limit (minval, maxval for random_uniform), count,
    /// mean, std, min, max as key=value lines
    #[arg(long)]
    stats: bool,
}

fn number(v: &str) -> Result<f64, String> {
    v.trim().parse().map_err(|_| format!("not a number: '{v}'"))
}

/// A number that must be finite and `> 0`.
fn positive(v: &str) -> Result<f64, String> {
    let x = number(v)?;
    if x.is_finite() && x > 0.0 {
        Ok(x)
    } else {
        Err(format!("must be finite and > 0, got {v}"))
    }
}

/// A finite number.
fn finite(v: &str) -> Result<f64, String> {
    let x = number(v)?;
    if x.is_finite() {
        Ok(x)
    } else {
        Err(format!("must be finite, got {v}"))
    }
}

/// A finite `f32`.
fn finite_f32(v: &str) -> Result<f32, String> {
    let x = number(v)? as f32;
    if x.is_finite() {
        Ok(x)
    } else {
        Err(format!("must be a finite f32, got {v}"))
    }
}

/// A finite `f32 > 0`.
fn positive_f32(v: &str) -> Result<f32, String> {
    let x = finite_f32(v)?;
    if x > 0.0 {
        Ok(x)
    } else {
        Err(format!("must be finite and > 0, got {v}"))
    }
}

fn parse_shape(v: &str) -> Result<Vec<usize>, String> {
    if v.trim().is_empty() {
        return Ok(Vec::new());
    }
    v.split(',')
        .map(|d| {
            let d = d.trim();
            if d.is_empty() {
                return Err(format!("malformed --shape '{v}': empty dimension"));
            }
            d.parse::<usize>().map_err(|e| match e.kind() {
                std::num::IntErrorKind::PosOverflow => {
                    format!("--shape dimension {d} is too large")
                }
                _ => format!("malformed --shape '{v}': '{d}' is not a non-negative integer"),
            })
        })
        .collect()
}

/// A validated request: everything `run` needs, nothing left to fail but I/O.
pub struct Plan {
    dtype: Dtype,
    name: String,
    init: Box<dyn Initializer + Sync>,
    shape: Vec<usize>,
    layout: &'static str,
    fans: Fans,
    sampling: Sampling,
    key: Key,
    total: u64,
    offset: u64,
    count: u64,
    out: Option<PathBuf>,
    stats: bool,
}

/// The initializer `init` with the parameters `p`; an error if a parameter is given to an
/// initializer that does not take it, or is invalid.
pub fn initializer(init: Init, p: &Params) -> Result<Box<dyn Initializer + Sync>, String> {
    let name = init.name();
    for (flag, given) in [
        ("gain", p.gain.is_some()),
        ("a", p.a.is_some()),
        ("mode", p.mode.is_some()),
        ("scale", p.scale.is_some()),
        ("distribution", p.distribution.is_some()),
        ("mean", p.mean.is_some()),
        ("stddev", p.stddev.is_some()),
        ("minval", p.minval.is_some()),
        ("maxval", p.maxval.is_some()),
    ] {
        if given && !init.takes(flag) {
            return Err(format!("--{flag} does not apply to --init {name}"));
        }
    }
    let mode = |default| match p.mode.unwrap_or(default) {
        Mode::FanIn => FanMode::FanIn,
        Mode::FanOut => FanMode::FanOut,
        Mode::FanAvg => FanMode::FanAvg,
        Mode::FanGeoAvg => FanMode::FanGeoAvg,
    };
    let kaiming_mode = || match mode(Mode::FanIn) {
        m @ (FanMode::FanIn | FanMode::FanOut) => Ok(m),
        _ => Err("kaiming_* take --mode fan_in or fan_out (as PyTorch)".to_string()),
    };
    // PyTorch's calculate_gain("leaky_relu", a); a = 0 (the default) gives sqrt(2).
    let kaiming_gain = match (p.gain, p.a) {
        (Some(gain), _) => gain,
        (None, a) => Nonlinearity::LeakyRelu(a.unwrap_or(0.0))
            .gain()
            .map_err(|e| format!("--a: {e}"))?,
    };
    let mean = p.mean.unwrap_or(0.0);
    let stddev = p.stddev.unwrap_or(0.05);
    Ok(match init {
        Init::GlorotNormal => Box::new(GlorotNormal),
        Init::GlorotUniform => Box::new(GlorotUniform),
        Init::HeNormal => Box::new(HeNormal),
        Init::HeUniform => Box::new(HeUniform),
        Init::LecunNormal => Box::new(LecunNormal),
        Init::LecunUniform => Box::new(LecunUniform),
        Init::XavierNormal => Box::new(XavierNormal {
            gain: p.gain.unwrap_or(1.0),
        }),
        Init::XavierUniform => Box::new(XavierUniform {
            gain: p.gain.unwrap_or(1.0),
        }),
        Init::KaimingNormal => Box::new(KaimingNormal {
            mode: kaiming_mode()?,
            gain: kaiming_gain,
        }),
        Init::KaimingUniform => Box::new(KaimingUniform {
            mode: kaiming_mode()?,
            gain: kaiming_gain,
        }),
        Init::RandomNormal => Box::new(RandomNormal { mean, stddev }),
        Init::TruncatedNormal => Box::new(TruncatedNormal { mean, stddev }),
        Init::RandomUniform => {
            let minval = p.minval.unwrap_or(-0.05);
            let maxval = p.maxval.unwrap_or(0.05);
            if minval >= maxval {
                return Err(format!(
                    "--minval ({minval}) must be less than --maxval ({maxval})"
                ));
            }
            Box::new(RandomUniform { minval, maxval })
        }
        Init::VarianceScaling => {
            let distribution = match p.distribution.unwrap_or(Dist::TruncatedNormal) {
                Dist::TruncatedNormal => Distribution::TruncatedNormal,
                Dist::UntruncatedNormal => Distribution::UntruncatedNormal,
                Dist::Uniform => Distribution::Uniform,
            };
            let vs = VarianceScaling::new(p.scale.unwrap_or(1.0), mode(Mode::FanIn), distribution)
                .map_err(|e| format!("--scale: {e}"))?;
            Box::new(vs)
        }
    })
}

/// Validates the arguments into a [`Plan`]; the error is the one-line message.
pub fn plan(a: FillArgs) -> Result<Plan, String> {
    let name = a.init.name();
    let init = initializer(a.init, &a.params)?;
    let shape = parse_shape(&a.shape)?;
    let torch = a.init.takes("gain");
    let (layout, layout_name) = match a.layout {
        None if torch => (Layout::Torch, "torch"),
        None | Some(LayoutArg::Keras) => (Layout::Keras, "keras"),
        Some(LayoutArg::Torch) => (Layout::Torch, "torch"),
    };
    let total = element_count(&shape)
        .map_err(|_| format!("--shape '{}' has more than 2^64 - 1 elements", a.shape))?;
    let fans = Fans::from_shape(&shape, layout)
        .map_err(|e| format!("--shape '{}' with --layout {layout_name}: {e}", a.shape))?;
    let sampling = init.sampling(fans).map_err(|e| {
        format!(
            "--init {name} with fans ({}, {}): {e}",
            fans.fan_in, fans.fan_out
        )
    })?;
    let offset = a.offset;
    if offset > total {
        return Err(format!(
            "--offset {offset} is outside the tensor of {total} elements"
        ));
    }
    let count = a.count.unwrap_or(total - offset);
    if count > total - offset {
        return Err(format!(
            "the slice {offset}..{} is outside the tensor of {total} elements",
            offset as u128 + count as u128
        ));
    }
    if a.dtype != Dtype::F32 && !cfg!(feature = "half") {
        return Err(
            "--dtype f16 and bf16 need glorot-cli built with its default feature half".into(),
        );
    }
    if let Some(out) = &a.out {
        if out.is_dir() {
            return Err(format!("--out {} is a directory", out.display()));
        }
    }
    Ok(Plan {
        dtype: a.dtype,
        name,
        init,
        shape,
        layout: layout_name,
        fans,
        sampling,
        key: Key::with_stream(a.seed, a.stream),
        total,
        offset,
        count,
        out: a.out,
        stats: a.stats,
    })
}

// ---------------------------------------------------------------------------------------
// Filling, statistics, output

/// Elements per fill call: big enough to amortise, small enough for any tensor size.
const BLOCK: usize = 1 << 20;

/// Streaming moments (Welford), extremes and a histogram over `[lo, hi]`.
struct Summary {
    n: u64,
    mean: f64,
    m2: f64,
    min: f32,
    max: f32,
    lo: f64,
    hi: f64,
    bins: Vec<u64>,
}

impl Summary {
    fn new(lo: f64, hi: f64, bins: usize) -> Summary {
        Summary {
            n: 0,
            mean: 0.0,
            m2: 0.0,
            min: f32::INFINITY,
            max: f32::NEG_INFINITY,
            lo,
            hi,
            bins: vec![0; bins],
        }
    }

    fn add(&mut self, xs: &[f32]) {
        let k = self.bins.len();
        for &x in xs {
            self.n += 1;
            let d = x as f64 - self.mean;
            self.mean += d / self.n as f64;
            self.m2 += d * (x as f64 - self.mean);
            self.min = self.min.min(x);
            self.max = self.max.max(x);
            let b = ((x as f64 - self.lo) / (self.hi - self.lo) * k as f64).floor();
            if (0.0..k as f64).contains(&b) {
                self.bins[b as usize] += 1;
            } else if x as f64 == self.hi {
                self.bins[k - 1] += 1;
            }
        }
    }

    /// The population standard deviation of the values seen.
    fn std(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            (self.m2 / self.n as f64).sqrt()
        }
    }
}

/// The histogram range and the CDF of the theoretical distribution.
fn support(s: Sampling) -> (f64, f64) {
    match s {
        Sampling::Normal { mean, stddev } => {
            let (m, s) = (mean as f64, stddev as f64);
            (m - 4.0 * s, m + 4.0 * s)
        }
        Sampling::TruncatedNormal { mean, stddev } => {
            let (m, s) = (mean as f64, stddev as f64);
            (m - 2.0 * s, m + 2.0 * s)
        }
        Sampling::Uniform { limit } => (-(limit as f64), limit as f64),
        Sampling::UniformRange { minval, maxval } => (minval as f64, maxval as f64),
    }
}

fn big_phi(x: f64) -> f64 {
    0.5 * (1.0 + libm::erf(x / std::f64::consts::SQRT_2))
}

fn cdf(s: Sampling, x: f64) -> f64 {
    let (lo, hi) = support(s);
    match s {
        Sampling::Normal { mean, stddev } => big_phi((x - mean as f64) / stddev as f64),
        Sampling::TruncatedNormal { mean, stddev } => {
            let z = ((x - mean as f64) / stddev as f64).clamp(-2.0, 2.0);
            (big_phi(z) - big_phi(-2.0)) / (big_phi(2.0) - big_phi(-2.0))
        }
        Sampling::Uniform { .. } | Sampling::UniformRange { .. } => {
            ((x - lo) / (hi - lo)).clamp(0.0, 1.0)
        }
    }
}

/// The standard deviation of the values the distribution promises.
fn theoretical_std(s: Sampling) -> f64 {
    const C: f64 = 0.879_625_661_034_239_8;
    match s {
        Sampling::Normal { stddev, .. } => stddev as f64,
        Sampling::TruncatedNormal { stddev, .. } => stddev as f64 * C,
        Sampling::Uniform { limit } => limit as f64 / 3f64.sqrt(),
        Sampling::UniformRange { minval, maxval } => (maxval as f64 - minval as f64) / 12f64.sqrt(),
    }
}

/// The progress bar of a long fill: only when stderr is a terminal (and stdout too, so
/// that a piped report stays clean), and only for fills of several blocks.
fn progress(count: u64) -> Option<ProgressBar> {
    let terminal = std::io::stderr().is_terminal() && std::io::stdout().is_terminal();
    if !terminal || count < 8 * BLOCK as u64 {
        return None;
    }
    let bar = ProgressBar::new(count);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {human_pos}/{human_len} values, eta {eta}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// An element type the fill can produce: `f32`, or `f16`/`bf16` rounded from it.
trait Element: Copy + Default {
    fn fill(p: &Plan, offset: u64, out: &mut [Self]) -> Result<(), glorot::Error>;
    fn to_f32(self) -> f32;
}

impl Element for f32 {
    fn fill(p: &Plan, offset: u64, out: &mut [f32]) -> Result<(), glorot::Error> {
        p.init.fill(p.fans, p.key, offset, out)
    }
    fn to_f32(self) -> f32 {
        self
    }
}

#[cfg(feature = "half")]
macro_rules! half_element {
    ($($t:ty),*) => {$(
        impl Element for $t {
            fn fill(p: &Plan, offset: u64, out: &mut [$t]) -> Result<(), glorot::Error> {
                p.init.fill_half(p.fans, p.key, offset, out)
            }
            fn to_f32(self) -> f32 {
                <$t>::to_f32(self)
            }
        }
    )*};
}
#[cfg(feature = "half")]
half_element!(f16, bf16);

/// Fills the planned range block by block, feeding each block to `sink` (and its `f32`
/// values to `summary`).
fn fill_range<T: Element>(
    p: &Plan,
    summary: &mut Summary,
    mut sink: impl FnMut(&[T]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let bar = progress(p.count);
    let mut buf = vec![T::default(); BLOCK.min(p.count as usize)];
    let mut wide = Vec::with_capacity(buf.len());
    let mut done = 0u64;
    while done < p.count {
        let n = (p.count - done).min(BLOCK as u64) as usize;
        let block = &mut buf[..n];
        T::fill(p, p.offset + done, block).map_err(std::io::Error::other)?;
        wide.clear();
        wide.extend(block.iter().map(|x| x.to_f32()));
        summary.add(&wide);
        sink(block)?;
        done += n as u64;
        if let Some(bar) = &bar {
            bar.set_position(done);
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(())
}

/// Runs a validated plan. An I/O error names the file, and leaves no partial file.
pub fn run(p: &Plan) -> Result<(), String> {
    let (lo, hi) = support(p.sampling);
    let mut summary = Summary::new(lo, hi, 24);
    match &p.out {
        Some(path) => {
            if let Err(e) = write_npy(p, path, &mut summary) {
                let _ = std::fs::remove_file(path);
                return Err(format!("{}: {e}", path.display()));
            }
        }
        None => fill_range::<f32>(p, &mut summary, |_| Ok(())).map_err(|e| e.to_string())?,
    }
    if p.stats {
        out!("{}", stats_lines(p, &summary));
    } else if p.out.is_none() {
        let sliced = p.offset != 0 || p.count != p.total;
        let mut title = format!(
            "{}  shape {:?}  layout {}  key (seed {}, stream {})",
            p.name,
            p.shape,
            p.layout,
            p.key.seed(),
            p.key.stream()
        );
        if sliced {
            title += &format!(
                "  elements {}..{}",
                p.offset,
                p.offset as u128 + p.count as u128
            );
        }
        out!("{}", report(&title, p.fans, p.sampling, &summary));
    }
    Ok(())
}

/// Writes the planned values to `path` as `.npy` of `descr`, each element mapped by `word`.
fn write_as<T: Element, W: npyz::Serialize + npyz::AutoSerialize>(
    p: &Plan,
    path: &Path,
    descr: &str,
    summary: &mut Summary,
    word: impl Fn(T) -> W,
) -> std::io::Result<()> {
    let shape: Vec<u64> = if p.offset == 0 && p.count == p.total {
        p.shape.iter().map(|&d| d as u64).collect()
    } else {
        vec![p.count]
    };
    let file = BufWriter::new(File::create(path)?);
    let mut w = npyz::WriteOptions::<W>::new()
        .dtype(npyz::DType::Plain(
            descr.parse().map_err(std::io::Error::other)?,
        ))
        .shape(&shape)
        .writer(file)
        .begin_nd()?;
    fill_range(p, summary, |xs: &[T]| w.extend(xs.iter().map(|&x| word(x))))?;
    w.finish()
}

fn write_npy(p: &Plan, path: &Path, summary: &mut Summary) -> std::io::Result<()> {
    match p.dtype {
        Dtype::F32 => write_as(p, path, "<f4", summary, |x: f32| x),
        #[cfg(feature = "half")]
        Dtype::F16 => write_as(p, path, "<f2", summary, |x: f16| x),
        // .npy has no bfloat16 code: the raw bits as little-endian u16.
        #[cfg(feature = "half")]
        Dtype::Bf16 => write_as(p, path, "<u2", summary, |x: bf16| x.to_bits()),
        #[cfg(not(feature = "half"))]
        Dtype::F16 | Dtype::Bf16 => unreachable!("plan() rejects f16/bf16 without `half`"),
    }
}

fn stats_lines(p: &Plan, s: &Summary) -> String {
    let mut o = format!("fan_in={}\nfan_out={}\n", p.fans.fan_in, p.fans.fan_out);
    match p.sampling {
        Sampling::Normal { stddev, .. } | Sampling::TruncatedNormal { stddev, .. } => {
            o += &format!("stddev={stddev}\n")
        }
        Sampling::Uniform { limit } => o += &format!("limit={limit}\n"),
        Sampling::UniformRange { minval, maxval } => {
            o += &format!("minval={minval}\nmaxval={maxval}\n")
        }
    }
    o += &format!("count={}\n", s.n);
    if s.n > 0 {
        o += &format!(
            "mean={}\nstd={}\nmin={}\nmax={}\n",
            s.mean,
            s.std(),
            s.min,
            s.max
        );
    } else {
        o += "mean=nan\nstd=nan\nmin=nan\nmax=nan\n";
    }
    o
}

/// The human-readable report of one tensor: parameters, moments and the histogram.
fn report(title: &str, fans: Fans, sampling: Sampling, s: &Summary) -> String {
    let mut o = format!("{title}\n");
    o += &format!(
        "  fans       fan_in {}, fan_out {}\n",
        fans.fan_in, fans.fan_out
    );
    o += &match sampling {
        Sampling::TruncatedNormal { mean, stddev } => format!(
            "  drawn from normal(mean {mean}, stddev {stddev}) truncated to mean ± {}\n",
            2.0 * stddev
        ),
        Sampling::Normal { mean, stddev } => {
            format!("  drawn from normal(mean {mean}, stddev {stddev})\n")
        }
        Sampling::Uniform { limit } => format!("  drawn from uniform[-{limit}, {limit})\n"),
        Sampling::UniformRange { minval, maxval } => {
            format!("  drawn from uniform[{minval}, {maxval})\n")
        }
    };
    if s.n == 0 {
        return o + "  (no elements)\n";
    }
    o += &format!(
        "  sample     count {}  mean {:+.6}  std {:.6} (theory {:.6})  min {:+.6}  max {:+.6}\n",
        s.n,
        s.mean,
        s.std(),
        theoretical_std(sampling),
        s.min,
        s.max
    );
    o += &histogram(sampling, s);
    o
}

/// One row per bin: `#` bars for the observed count, `|` where the theoretical density
/// puts the expected count.
fn histogram(sampling: Sampling, s: &Summary) -> String {
    const WIDTH: f64 = 50.0;
    let k = s.bins.len();
    let width = (s.hi - s.lo) / k as f64;
    let expected: Vec<f64> = (0..k)
        .map(|i| {
            let a = s.lo + i as f64 * width;
            s.n as f64 * (cdf(sampling, a + width) - cdf(sampling, a))
        })
        .collect();
    let top = s
        .bins
        .iter()
        .map(|&c| c as f64)
        .chain(expected.iter().copied())
        .fold(1.0, f64::max);
    let mut o = format!(
        "  histogram  {k} bins over [{:+.4}, {:+.4}]; '#' observed, '|' theoretical density\n",
        s.lo, s.hi
    );
    for (i, (&c, &e)) in s.bins.iter().zip(&expected).enumerate() {
        let bar = (c as f64 / top * WIDTH).round() as usize;
        let mark = (e / top * WIDTH).round() as usize;
        let mut row: Vec<u8> = vec![b' '; WIDTH as usize + 1];
        row[..bar].fill(b'#');
        row[mark.min(WIDTH as usize)] = b'|';
        o += &format!(
            "  {:+9.4} {} {:>7} ({:.1})\n",
            s.lo + (i as f64 + 0.5) * width,
            String::from_utf8_lossy(&row),
            c,
            e
        );
    }
    o
}

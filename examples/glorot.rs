//! `glorot`: the demo, and a small command-line tool over the initializers.
//!
//! With no arguments it initialises the two-layer model of Keras' `GlorotNormal` tutorial
//! and reports, per weight tensor, its shape, fans, standard deviation or limit, the
//! sample's moments, a histogram against the theoretical density, and the fill throughput
//! next to `rand_distr` measured in the same run (the two taking turns, medians):
//!
//! ```text
//! cargo run --release --example glorot
//! ```
//!
//! With arguments it fills one tensor (or a slice of it) and writes it as `.npy` and/or
//! prints its statistics as `key=value` lines; `--help` lists the flags:
//!
//! ```text
//! cargo run --release --example glorot -- --init he_normal --shape 3,3,16,32 --stats --out w.npy
//! ```

use std::ffi::OsString;
use std::fs::File;
use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use glorot::{
    element_count, Distribution, FanMode, Fans, GlorotNormal, GlorotUniform, HeNormal, HeUniform,
    Initializer, KaimingNormal, KaimingUniform, Key, Layout, LecunNormal, LecunUniform,
    RandomNormal, RandomUniform, Sampling, TruncatedNormal, VarianceScaling, XavierNormal,
    XavierUniform,
};
use npyz::WriterBuilder;
use rand::SeedableRng;
use rand_distr::{Distribution as _, StandardNormal, Uniform};
use rand_xoshiro::Xoshiro256PlusPlus;

const USAGE: &str = "\
glorot — bit-reproducible neural-network weight initialisation

USAGE:
    glorot                      the demo (Keras' GlorotNormal tutorial model)
    glorot [OPTIONS]            fill one tensor, or a slice of it

OPTIONS (each at most once; `--flag value` or `--flag=value`):
    --init NAME           glorot_normal (default), glorot_uniform, he_normal, he_uniform,
                          lecun_normal, lecun_uniform, xavier_normal, xavier_uniform,
                          kaiming_normal, kaiming_uniform, random_normal,
                          truncated_normal, random_uniform, variance_scaling
    --shape D0,D1,...     the tensor's shape (default 100,64); an empty value is a scalar
    --layout keras|torch  keras: (..., in, out) i.e. HWIO; torch: (out, in, ...) i.e. OIHW
                          (default: torch for xavier_*/kaiming_*, keras otherwise)
    --seed N              the key's seed (default 0)
    --stream N            the key's stream id (default 0)
    --offset N            first element of the slice to produce (default 0)
    --count N             number of elements to produce (default: to the end)
    --gain X              xavier_* (default 1), kaiming_* (default sqrt(2), PyTorch's
                          leaky_relu with a=0)
    --mode M              fan_in, fan_out, fan_avg, fan_geo_avg: variance_scaling
                          (default fan_in), kaiming_* (fan_in or fan_out; default fan_in)
    --scale X             variance_scaling (default 1)
    --distribution D      truncated_normal (default; `normal` is an alias, as in Keras),
                          untruncated_normal, uniform: variance_scaling
    --mean X --stddev X   random_normal, truncated_normal (default 0, 0.05)
    --minval X --maxval X random_uniform (default -0.05, 0.05)
    --out FILE.npy        write the values as little-endian <f4 with the tensor's shape,
                          or (count,) for a slice
    --dtype T             the type written by --out: f32 (default, <f4), f16 (<f2) or bf16,
                          which .npy has no code for, written as <u2 holding the raw bf16
                          bits (numpy: np.load(f).view(ml_dtypes.bfloat16)). f16 and bf16
                          are the f32 values rounded to nearest even; they need the example
                          built with --features half. With --out, the statistics are of
                          the values written.
    --stats               print fan_in, fan_out, stddev|limit (minval, maxval for
                          random_uniform), count, mean, std, min, max as key=value lines
    --help                this text

Without --out or --stats, a human-readable report is printed.
Exit status: 0 on success, 2 for bad arguments (nothing is written), 1 for I/O errors.
";

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args.is_empty() {
        return match demo() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("glorot: {e}");
                ExitCode::from(1)
            }
        };
    }
    let plan = match parse(&args).and_then(plan) {
        Ok(Some(plan)) => plan,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("glorot: {msg}");
            eprintln!("Run with --help for usage.");
            return ExitCode::from(2);
        }
    };
    match run(&plan) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("glorot: {e}");
            ExitCode::from(1)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Arguments

/// The flags as given, still as text (each at most once).
#[derive(Default)]
struct Args {
    init: Option<String>,
    shape: Option<String>,
    layout: Option<String>,
    seed: Option<String>,
    stream: Option<String>,
    offset: Option<String>,
    count: Option<String>,
    gain: Option<String>,
    mode: Option<String>,
    scale: Option<String>,
    distribution: Option<String>,
    mean: Option<String>,
    stddev: Option<String>,
    minval: Option<String>,
    maxval: Option<String>,
    out: Option<PathBuf>,
    dtype: Option<String>,
    stats: bool,
    help: bool,
}

fn parse(args: &[OsString]) -> Result<Args, String> {
    let mut a = Args::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let arg = arg
            .to_str()
            .ok_or_else(|| format!("argument {arg:?} is not valid UTF-8"))?;
        let Some(flag) = arg.strip_prefix("--") else {
            return Err(format!("unexpected argument '{arg}' (flags start with --)"));
        };
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (flag, None),
        };
        if name == "stats" || name == "help" {
            if inline.is_some() {
                return Err(format!("--{name} takes no value"));
            }
            let seen = if name == "stats" {
                &mut a.stats
            } else {
                &mut a.help
            };
            if std::mem::replace(seen, true) {
                return Err(format!("--{name} given twice"));
            }
            continue;
        }
        let slot = match name {
            "init" => &mut a.init,
            "shape" => &mut a.shape,
            "layout" => &mut a.layout,
            "seed" => &mut a.seed,
            "stream" => &mut a.stream,
            "offset" => &mut a.offset,
            "count" => &mut a.count,
            "gain" => &mut a.gain,
            "mode" => &mut a.mode,
            "scale" => &mut a.scale,
            "distribution" => &mut a.distribution,
            "mean" => &mut a.mean,
            "stddev" => &mut a.stddev,
            "minval" => &mut a.minval,
            "maxval" => &mut a.maxval,
            "dtype" => &mut a.dtype,
            "out" => {
                let v = match inline {
                    Some(v) => OsString::from(v),
                    None => it
                        .next()
                        .filter(|v| !v.to_string_lossy().starts_with("--"))
                        .ok_or("--out needs a value")?
                        .clone(),
                };
                if v.is_empty() {
                    return Err("--out needs a file name".into());
                }
                if a.out.replace(PathBuf::from(v)).is_some() {
                    return Err("--out given twice".into());
                }
                continue;
            }
            _ => return Err(format!("unknown flag --{name}")),
        };
        let v = match inline {
            Some(v) => v,
            None => it
                .next()
                .filter(|v| !v.to_string_lossy().starts_with("--"))
                .ok_or_else(|| format!("--{name} needs a value"))?
                .to_str()
                .ok_or_else(|| format!("the value of --{name} is not valid UTF-8"))?
                .to_string(),
        };
        if slot.replace(v).is_some() {
            return Err(format!("--{name} given twice"));
        }
    }
    Ok(a)
}

/// The element type of the values written (`--dtype`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dtype {
    F32,
    F16,
    Bf16,
}

/// A validated request: everything `run` needs, nothing left to fail but I/O.
struct Plan {
    dtype: Dtype,
    name: String,
    init: Box<dyn Initializer>,
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

fn parse_u64(flag: &str, v: &str) -> Result<u64, String> {
    v.trim()
        .parse()
        .map_err(|_| format!("--{flag} must be an integer in 0..=2^64-1, got '{v}'"))
}

fn parse_f64(flag: &str, v: &str) -> Result<f64, String> {
    v.trim()
        .parse()
        .map_err(|_| format!("--{flag} must be a number, got '{v}'"))
}

/// A number that must be finite and `> 0`.
fn positive(flag: &str, v: &str) -> Result<f64, String> {
    let x = parse_f64(flag, v)?;
    if x.is_finite() && x > 0.0 {
        Ok(x)
    } else {
        Err(format!("--{flag} must be finite and > 0, got {v}"))
    }
}

/// An `f32` that must be finite (and `> 0` if `pos`).
fn finite_f32(flag: &str, v: &str, pos: bool) -> Result<f32, String> {
    let x = parse_f64(flag, v)? as f32;
    match (x.is_finite(), pos && x <= 0.0) {
        (true, false) => Ok(x),
        (_, true) => Err(format!("--{flag} must be finite and > 0, got {v}")),
        (false, _) => Err(format!("--{flag} must be a finite f32, got {v}")),
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

fn parse_mode(v: &str) -> Result<FanMode, String> {
    match v {
        "fan_in" => Ok(FanMode::FanIn),
        "fan_out" => Ok(FanMode::FanOut),
        "fan_avg" => Ok(FanMode::FanAvg),
        "fan_geo_avg" => Ok(FanMode::FanGeoAvg),
        _ => Err(format!(
            "unknown --mode '{v}' (fan_in, fan_out, fan_avg, fan_geo_avg)"
        )),
    }
}

const INITS: [&str; 14] = [
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "lecun_uniform",
    "xavier_normal",
    "xavier_uniform",
    "kaiming_normal",
    "kaiming_uniform",
    "random_normal",
    "truncated_normal",
    "random_uniform",
    "variance_scaling",
];

fn plan(a: Args) -> Result<Option<Plan>, String> {
    if a.help {
        return Ok(None);
    }
    let name = a.init.clone().unwrap_or_else(|| "glorot_normal".into());
    if !INITS.contains(&name.as_str()) {
        return Err(format!(
            "unknown --init '{name}' (one of: {})",
            INITS.join(", ")
        ));
    }
    // Flags that only some initializers take.
    let torch = name.starts_with("xavier_") || name.starts_with("kaiming_");
    let applies = |flag: &str| match flag {
        "gain" => torch,
        "mode" => name == "variance_scaling" || name.starts_with("kaiming_"),
        "scale" | "distribution" => name == "variance_scaling",
        "mean" | "stddev" => name == "random_normal" || name == "truncated_normal",
        "minval" | "maxval" => name == "random_uniform",
        _ => true,
    };
    for (flag, given) in [
        ("gain", &a.gain),
        ("mode", &a.mode),
        ("scale", &a.scale),
        ("distribution", &a.distribution),
        ("mean", &a.mean),
        ("stddev", &a.stddev),
        ("minval", &a.minval),
        ("maxval", &a.maxval),
    ] {
        if given.is_some() && !applies(flag) {
            return Err(format!("--{flag} does not apply to --init {name}"));
        }
    }

    let gain = |default: f64| match &a.gain {
        Some(v) => positive("gain", v),
        None => Ok(default),
    };
    let mode = |default| a.mode.as_deref().map_or(Ok(default), parse_mode);
    let kaiming_mode = || match mode(FanMode::FanIn)? {
        m @ (FanMode::FanIn | FanMode::FanOut) => Ok(m),
        _ => Err("kaiming_* take --mode fan_in or fan_out (as PyTorch)".to_string()),
    };
    let f32_or = |flag: &str, v: &Option<String>, default: f32, pos: bool| match v {
        Some(v) => finite_f32(flag, v, pos),
        None => Ok(default),
    };
    let init: Box<dyn Initializer> = match name.as_str() {
        "glorot_normal" => Box::new(GlorotNormal),
        "glorot_uniform" => Box::new(GlorotUniform),
        "he_normal" => Box::new(HeNormal),
        "he_uniform" => Box::new(HeUniform),
        "lecun_normal" => Box::new(LecunNormal),
        "lecun_uniform" => Box::new(LecunUniform),
        "xavier_normal" => Box::new(XavierNormal { gain: gain(1.0)? }),
        "xavier_uniform" => Box::new(XavierUniform { gain: gain(1.0)? }),
        "kaiming_normal" => Box::new(KaimingNormal {
            mode: kaiming_mode()?,
            gain: gain(std::f64::consts::SQRT_2)?,
        }),
        "kaiming_uniform" => Box::new(KaimingUniform {
            mode: kaiming_mode()?,
            gain: gain(std::f64::consts::SQRT_2)?,
        }),
        "random_normal" => Box::new(RandomNormal {
            mean: f32_or("mean", &a.mean, 0.0, false)?,
            stddev: f32_or("stddev", &a.stddev, 0.05, true)?,
        }),
        "truncated_normal" => Box::new(TruncatedNormal {
            mean: f32_or("mean", &a.mean, 0.0, false)?,
            stddev: f32_or("stddev", &a.stddev, 0.05, true)?,
        }),
        "random_uniform" => {
            let minval = f32_or("minval", &a.minval, -0.05, false)?;
            let maxval = f32_or("maxval", &a.maxval, 0.05, false)?;
            if minval >= maxval {
                return Err(format!(
                    "--minval ({minval}) must be less than --maxval ({maxval})"
                ));
            }
            Box::new(RandomUniform { minval, maxval })
        }
        _ => {
            let scale = match &a.scale {
                Some(v) => positive("scale", v)?,
                None => 1.0,
            };
            let distribution = match a.distribution.as_deref() {
                None | Some("truncated_normal" | "normal") => Distribution::TruncatedNormal,
                Some("untruncated_normal") => Distribution::UntruncatedNormal,
                Some("uniform") => Distribution::Uniform,
                Some(d) => {
                    return Err(format!(
                        "unknown --distribution '{d}' (truncated_normal, untruncated_normal, \
                         uniform)"
                    ))
                }
            };
            let vs = VarianceScaling::new(scale, mode(FanMode::FanIn)?, distribution)
                .map_err(|e| format!("--scale: {e}"))?;
            Box::new(vs)
        }
    };

    let shape_text = a.shape.as_deref().unwrap_or("100,64");
    let shape = parse_shape(shape_text)?;
    let (layout, layout_name) = match a.layout.as_deref() {
        None if torch => (Layout::Torch, "torch"),
        None | Some("keras") => (Layout::Keras, "keras"),
        Some("torch") => (Layout::Torch, "torch"),
        Some(l) => return Err(format!("unknown --layout '{l}' (keras or torch)")),
    };
    let total = element_count(&shape)
        .map_err(|_| format!("--shape '{shape_text}' has more than 2^64 - 1 elements"))?;
    let fans = Fans::from_shape(&shape, layout)
        .map_err(|e| format!("--shape '{shape_text}' with --layout {layout_name}: {e}"))?;
    let sampling = init.sampling(fans).map_err(|e| {
        format!(
            "--init {name} with fans ({}, {}): {e}",
            fans.fan_in, fans.fan_out
        )
    })?;

    let seed = a.seed.as_deref().map_or(Ok(0), |v| parse_u64("seed", v))?;
    let stream = a
        .stream
        .as_deref()
        .map_or(Ok(0), |v| parse_u64("stream", v))?;
    let offset = a
        .offset
        .as_deref()
        .map_or(Ok(0), |v| parse_u64("offset", v))?;
    if offset > total {
        return Err(format!(
            "--offset {offset} is outside the tensor of {total} elements"
        ));
    }
    let count = a
        .count
        .as_deref()
        .map_or(Ok(total - offset), |v| parse_u64("count", v))?;
    if count > total - offset {
        return Err(format!(
            "the slice {offset}..{} is outside the tensor of {total} elements",
            offset as u128 + count as u128
        ));
    }
    let dtype = match a.dtype.as_deref() {
        None | Some("f32") => Dtype::F32,
        Some("f16") => Dtype::F16,
        Some("bf16") => Dtype::Bf16,
        Some(other) => return Err(format!("--dtype must be f32, f16 or bf16, got '{other}'")),
    };
    if dtype != Dtype::F32 && !cfg!(feature = "half") {
        return Err("--dtype f16 and bf16 need the example built with --features half".into());
    }
    if let Some(out) = &a.out {
        if out.is_dir() {
            return Err(format!("--out {} is a directory", out.display()));
        }
    }
    Ok(Some(Plan {
        dtype,
        name,
        init,
        shape,
        layout: layout_name,
        fans,
        sampling,
        key: Key::with_stream(seed, stream),
        total,
        offset,
        count,
        out: a.out,
        stats: a.stats,
    }))
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

/// Fills the planned range block by block, feeding each block to `sink`.
fn fill_range(
    p: &Plan,
    mut sink: impl FnMut(&[f32]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut buf = vec![0.0f32; BLOCK.min(p.count as usize)];
    let mut done = 0u64;
    while done < p.count {
        let n = (p.count - done).min(BLOCK as u64) as usize;
        let block = &mut buf[..n];
        p.init
            .fill(p.fans, p.key, p.offset + done, block)
            .map_err(std::io::Error::other)?;
        sink(block)?;
        done += n as u64;
    }
    Ok(())
}

/// As [`fill_range`], for f16/bf16: each value rounded from the f32 stream.
#[cfg(feature = "half")]
fn fill_range_half<H: glorot::half::HalfFloat + Default>(
    p: &Plan,
    mut sink: impl FnMut(&[H]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use glorot::half::InitializerHalf;
    let mut buf = vec![H::default(); BLOCK.min(p.count as usize)];
    let mut done = 0u64;
    while done < p.count {
        let n = (p.count - done).min(BLOCK as u64) as usize;
        let block = &mut buf[..n];
        p.init
            .fill_half(p.fans, p.key, p.offset + done, block)
            .map_err(std::io::Error::other)?;
        sink(block)?;
        done += n as u64;
    }
    Ok(())
}

fn run(p: &Plan) -> std::io::Result<()> {
    let (lo, hi) = support(p.sampling);
    let mut summary = Summary::new(lo, hi, 24);
    match &p.out {
        Some(path) => {
            let result = write_npy(p, path, &mut summary);
            if result.is_err() {
                let _ = std::fs::remove_file(path);
            }
            result?;
        }
        None => fill_range(p, |xs| {
            summary.add(xs);
            Ok(())
        })?,
    }
    if p.stats {
        print!("{}", stats_lines(p, &summary));
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
        print!("{}", report(&title, p.fans, "", p.sampling, &summary));
    }
    Ok(())
}

fn write_npy(p: &Plan, path: &Path, summary: &mut Summary) -> std::io::Result<()> {
    let shape: Vec<u64> = if p.offset == 0 && p.count == p.total {
        p.shape.iter().map(|&d| d as u64).collect()
    } else {
        vec![p.count]
    };
    let file = BufWriter::new(File::create(path)?);
    #[cfg(not(feature = "half"))]
    assert_eq!(
        p.dtype,
        Dtype::F32,
        "plan() rejects f16/bf16 without the half feature"
    );
    #[cfg(feature = "half")]
    match p.dtype {
        Dtype::F32 => {}
        Dtype::F16 => {
            let mut w = npyz::WriteOptions::<glorot::half::f16>::new()
                .dtype(npyz::DType::Plain(
                    "<f2".parse().map_err(std::io::Error::other)?,
                ))
                .shape(&shape)
                .writer(file)
                .begin_nd()?;
            fill_range_half(p, |xs: &[glorot::half::f16]| {
                summary.add(&xs.iter().map(|x| x.to_f32()).collect::<Vec<_>>());
                w.extend(xs.iter().copied())
            })?;
            return w.finish();
        }
        Dtype::Bf16 => {
            // .npy has no bfloat16 code: the raw bits as little-endian u16.
            let mut w = npyz::WriteOptions::<u16>::new()
                .dtype(npyz::DType::Plain(
                    "<u2".parse().map_err(std::io::Error::other)?,
                ))
                .shape(&shape)
                .writer(file)
                .begin_nd()?;
            fill_range_half(p, |xs: &[glorot::half::bf16]| {
                summary.add(&xs.iter().map(|x| x.to_f32()).collect::<Vec<_>>());
                w.extend(xs.iter().map(|x| x.to_bits()))
            })?;
            return w.finish();
        }
    }
    let mut w = npyz::WriteOptions::<f32>::new()
        .dtype(npyz::DType::Plain(
            "<f4".parse().map_err(std::io::Error::other)?,
        ))
        .shape(&shape)
        .writer(file)
        .begin_nd()?;
    fill_range(p, |xs| {
        summary.add(xs);
        w.extend(xs.iter().copied())
    })?;
    w.finish()
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
fn report(title: &str, fans: Fans, detail: &str, sampling: Sampling, s: &Summary) -> String {
    let mut o = format!("{title}\n");
    o += &format!(
        "  fans       fan_in {}, fan_out {}\n",
        fans.fan_in, fans.fan_out
    );
    if !detail.is_empty() {
        o += &format!("  {detail}\n");
    }
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

// ---------------------------------------------------------------------------------------
// The demo

/// The reference: `rand_distr`'s `StandardNormal` (f32) times `stddev`, called as the
/// criterion bench calls it (`Distribution::sample`), in a function of its own. Through
/// `rand`'s `RngExt::sample` it stayed a call per value here and ran 2–3x slower than
/// in the bench, which flattered our ratio.
#[inline(never)]
fn rand_distr_normal(rng: &mut Xoshiro256PlusPlus, stddev: f32, buf: &mut [f32]) {
    for x in buf.iter_mut() {
        let z: f32 = StandardNormal.sample(rng);
        *x = z * stddev;
    }
}

/// The reference for the uniform initializers: `rand_distr`'s `Uniform<f32>`, as above.
#[inline(never)]
fn rand_distr_uniform(rng: &mut Xoshiro256PlusPlus, u: Uniform<f32>, buf: &mut [f32]) {
    for x in buf.iter_mut() {
        *x = u.sample(rng);
    }
}

/// Samples per second of `a` and of `b`, each filling a buffer of `n`: one fill of each in
/// turn until `budget` has passed, and the median of each one's per-fill rates. Taking
/// turns keeps the ratio honest on a shared machine whose speed drifts from one second to
/// the next.
fn race(
    n: usize,
    budget: Duration,
    mut a: impl FnMut(&mut [f32]),
    mut b: impl FnMut(&mut [f32]),
) -> (f64, f64) {
    let mut buf = vec![0.0f32; n];
    a(&mut buf); // warm up
    b(&mut buf);
    let (mut ra, mut rb) = (Vec::new(), Vec::new());
    let start = Instant::now();
    while start.elapsed() < budget || ra.len() < 5 {
        for (f, rates) in [
            (&mut a as &mut dyn FnMut(&mut [f32]), &mut ra),
            (&mut b, &mut rb),
        ] {
            let t = Instant::now();
            f(&mut buf);
            black_box(&buf);
            rates.push(n as f64 / t.elapsed().as_secs_f64());
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    (median(&mut ra), median(&mut rb))
}

fn demo() -> std::io::Result<()> {
    println!("glorot demo: the model of Keras' GlorotNormal tutorial");
    println!("    model = keras.Sequential([");
    println!("        keras.Input(shape=(100,)),");
    println!("        layers.Dense(64, kernel_initializer=GlorotNormal()),");
    println!("        layers.Dense(10),   # Keras' default kernel_initializer: GlorotUniform");
    println!("    ])");
    println!("Biases are zeros (Keras' default). Kernel l is drawn from Key::new(42).fold_in(l).");
    println!();

    let layers: [(&str, [usize; 2], &dyn Initializer, &str); 2] = [
        ("dense/kernel", [100, 64], &GlorotNormal, "GlorotNormal"),
        ("dense_1/kernel", [64, 10], &GlorotUniform, "GlorotUniform"),
    ];
    let model = Key::new(42);
    for (l, (tensor, shape, init, init_name)) in layers.into_iter().enumerate() {
        let key = model.fold_in(l as u64);
        let fans = Fans::from_shape(&shape, Layout::Keras).map_err(std::io::Error::other)?;
        let sampling = init.sampling(fans).map_err(std::io::Error::other)?;
        let mut w = vec![0.0f32; shape.iter().product()];
        init.fill_shape(&shape, Layout::Keras, key, &mut w)
            .map_err(std::io::Error::other)?;
        let (lo, hi) = support(sampling);
        let mut summary = Summary::new(lo, hi, if w.len() >= 4000 { 24 } else { 12 });
        summary.add(&w);
        let formula = match sampling {
            Sampling::TruncatedNormal { .. } => format!(
                "stddev     sqrt(2 / ({} + {})) / 0.87962566 = {}",
                fans.fan_in,
                fans.fan_out,
                GlorotNormal.stddev(fans)
            ),
            _ => format!(
                "limit      sqrt(6 / ({} + {})) = {}",
                fans.fan_in,
                fans.fan_out,
                GlorotUniform.limit(fans)
            ),
        };
        let title = format!(
            "{tensor}  shape ({}, {}) (Keras: (in, out))  {init_name}",
            shape[0], shape[1]
        );
        print!("{}", report(&title, fans, &formula, sampling, &summary));

        // Throughput: the same initializer over 1M-element fills, and rand_distr's
        // StandardNormal (f32, Xoshiro256PlusPlus) times the same stddev — or its
        // Uniform<f32> on the same interval — measured now, on this machine.
        const N: usize = 1 << 20;
        let budget = Duration::from_millis(600);
        let mut offset = 0u64;
        let ours = |buf: &mut [f32]| {
            init.fill(fans, key, offset, buf).expect("valid fill");
            offset += N as u64;
        };
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(42);
        let ((ours, theirs), what) = match sampling {
            Sampling::TruncatedNormal { stddev, .. } | Sampling::Normal { stddev, .. } => (
                race(N, budget, ours, |buf| {
                    rand_distr_normal(&mut rng, stddev, buf)
                }),
                "rand_distr StandardNormal f32 x stddev (untruncated)",
            ),
            Sampling::Uniform { limit } => {
                let u = Uniform::new(-limit, limit).expect("limit > 0");
                (
                    race(N, budget, ours, |buf| rand_distr_uniform(&mut rng, u, buf)),
                    "rand_distr Uniform<f32>",
                )
            }
            Sampling::UniformRange { .. } => unreachable!("the demo has no RandomUniform"),
        };
        println!(
            "  throughput {init_name}: {:.0} M samples/s; {what} with Xoshiro256PlusPlus: \
             {:.0} M samples/s; ratio {:.2}x",
            ours / 1e6,
            theirs / 1e6,
            ours / theirs
        );
        println!();
    }
    std::io::stdout().flush()
}

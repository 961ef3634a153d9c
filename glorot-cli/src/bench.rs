//! `glorot bench`: every sampler and initializer timed against `rand_distr`'s
//! `StandardNormal`, our uniform and `fill(1.0)`, in the same run.
//!
//! Method: one buffer per size, cut into one slice per thread (`std::thread::scope`; each
//! thread fills its slice at its own offset, as a sharded fill does). Every case runs once
//! untimed (warm-up), then the repetitions take turns: repetition `r` times every case
//! once before repetition `r + 1` starts, so a machine whose speed drifts slows all cases
//! alike. A small size is filled repeatedly until a repetition covers `--min-values`
//! values. Each cell is the median over the repetitions; each ratio is the median of the
//! per-repetition ratios (both cases of a ratio were timed in the same repetition).

use std::hint::black_box;
use std::time::Instant;

use clap::Args;
use clap::ValueEnum;
use glorot::{sample, Fans, Key};
use rand::SeedableRng;

use crate::fill::{initializer, Init, Params};
use rand_distr::{Distribution as _, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The arguments of `glorot bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Sizes in values, comma-separated; suffixes Ki, Mi, Gi (powers of 1024)
    #[arg(long, value_delimiter = ',', value_parser = parse_size, default_value = "64,4Ki,1Mi,64Mi")]
    sizes: Vec<usize>,
    /// Threads filling each buffer together (one slice each)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    threads: u16,
    /// Timed repetitions per case, interleaved (medians are reported)
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u16).range(1..))]
    reps: u16,
    /// Values each timed repetition covers at least (small sizes repeat their fill)
    #[arg(long, default_value = "4Mi", value_parser = parse_size)]
    min_values: usize,
    /// Print the results as one JSON object instead of tables
    #[arg(long)]
    json: bool,
}

/// `64`, `4Ki`, `1Mi`, `2Gi`: a positive number of values.
fn parse_size(v: &str) -> Result<usize, String> {
    let t = v.trim();
    let (digits, unit) = match t.len().checked_sub(2).map(|i| t.split_at(i)) {
        Some((d, "Ki")) => (d, 1usize << 10),
        Some((d, "Mi")) => (d, 1 << 20),
        Some((d, "Gi")) => (d, 1 << 30),
        _ => (t, 1),
    };
    digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("'{v}' is not a positive size (e.g. 64, 4Ki, 1Mi)"))
}

/// A validated benchmark.
pub struct Plan {
    sizes: Vec<usize>,
    threads: usize,
    reps: usize,
    min_values: usize,
    json: bool,
}

/// Validates the arguments; the error is the one-line message.
pub fn plan(a: &BenchArgs) -> Result<Plan, String> {
    let threads = usize::from(a.threads);
    if let Some(&n) = a.sizes.iter().find(|&&n| n < threads) {
        return Err(format!(
            "--sizes {n} is smaller than --threads {threads} (each thread needs a value)"
        ));
    }
    Ok(Plan {
        sizes: a.sizes.clone(),
        threads,
        reps: usize::from(a.reps),
        min_values: a.min_values,
        json: a.json,
    })
}

/// What a case is: the measured code, or one of the three references.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sampler,
    Initializer,
    Reference,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Sampler => "sampler",
            Kind::Initializer => "initializer",
            Kind::Reference => "reference",
        }
    }
}

/// Fills `out`, the slice of the buffer that starts at element `offset`.
type FillFn = Box<dyn Fn(&mut [f32], u64, &mut Xoshiro256PlusPlus) + Sync>;

struct Case {
    name: String,
    kind: Kind,
    fill: FillFn,
}

const RAND_DISTR: &str = "rand_distr StandardNormal";
const UNIFORM: &str = "sample::uniform";
const FILL_ONE: &str = "fill(1.0)";

/// `rand_distr`'s `StandardNormal` (`f32`, Xoshiro256PlusPlus), called as a user calls it.
#[inline(never)]
fn rand_distr_normal(rng: &mut Xoshiro256PlusPlus, out: &mut [f32]) {
    for x in out.iter_mut() {
        *x = StandardNormal.sample(rng);
    }
}

fn cases() -> Vec<Case> {
    let key = Key::new(42);
    let sampler = |name: &str, f: fn(Key, u64, &mut [f32]) -> Result<(), glorot::Error>| Case {
        name: name.to_string(),
        kind: Kind::Sampler,
        fill: Box::new(move |out, offset, _| f(key, offset, out).expect("in range")),
    };
    let mut cases = vec![
        sampler("sample::normal", sample::normal),
        sampler("sample::truncated_normal", sample::truncated_normal),
        sampler(UNIFORM, sample::uniform),
    ];
    // Every initializer of `glorot --init`, at its defaults, for a Dense(100 -> 64)
    // kernel's fans.
    let fans = Fans::new(100, 64);
    for &which in Init::value_variants() {
        let init = initializer(which, &Params::default()).expect("the defaults are valid");
        cases.push(Case {
            name: which.name(),
            kind: Kind::Initializer,
            fill: Box::new(move |out, offset, _| {
                init.fill(fans, key, offset, out).expect("valid fill")
            }),
        });
    }
    cases.push(Case {
        name: RAND_DISTR.to_string(),
        kind: Kind::Reference,
        fill: Box::new(|out, _, rng| rand_distr_normal(rng, out)),
    });
    cases.push(Case {
        name: FILL_ONE.to_string(),
        kind: Kind::Reference,
        fill: Box::new(|out, _, _| out.fill(black_box(1.0))),
    });
    cases
}

/// Seconds for `iters` fills of `buf`, cut into one slice per thread.
fn time(case: &Case, buf: &mut [f32], threads: usize, iters: usize) -> f64 {
    let slice = buf.len().div_ceil(threads);
    let start = Instant::now();
    std::thread::scope(|s| {
        for (i, part) in buf.chunks_mut(slice).enumerate() {
            let offset = (i * slice) as u64;
            let mut work = move || {
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(i as u64);
                for _ in 0..iters {
                    (case.fill)(black_box(&mut *part), offset, &mut rng);
                    black_box(&mut *part);
                }
            };
            if threads == 1 {
                work();
            } else {
                s.spawn(work);
            }
        }
    });
    start.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// One cell of the results.
struct Row<'a> {
    size: usize,
    name: &'a str,
    kind: Kind,
    ns_per_value: f64,
    vs_rand_distr: f64,
    vs_uniform: f64,
    vs_fill_one: f64,
}

impl Row<'_> {
    fn m_values_per_s(&self) -> f64 {
        1e3 / self.ns_per_value
    }
}

/// Times every case at one size: warm-up, then interleaved repetitions.
fn measure<'a>(p: &Plan, cases: &'a [Case], size: usize) -> (usize, Vec<Row<'a>>) {
    let mut buf = vec![0.0f32; size];
    let iters = p.min_values.div_ceil(size).max(1);
    for case in cases {
        time(case, &mut buf, p.threads, 1);
    }
    // ns per value: [case][rep]
    let mut ns = vec![Vec::with_capacity(p.reps); cases.len()];
    for _ in 0..p.reps {
        for (case, ns) in cases.iter().zip(&mut ns) {
            let seconds = time(case, &mut buf, p.threads, iters);
            ns.push(seconds * 1e9 / (size * iters) as f64);
        }
    }
    let index = |name| {
        cases
            .iter()
            .position(|c| c.name == name)
            .expect("reference")
    };
    let (rd, un, one) = (index(RAND_DISTR), index(UNIFORM), index(FILL_ONE));
    // The median of the per-repetition ratios `reference time / case time` (> 1: faster).
    let ratio = |reference: usize, case: usize| {
        median(
            ns[reference]
                .iter()
                .zip(&ns[case])
                .map(|(r, c)| r / c)
                .collect(),
        )
    };
    let rows = cases
        .iter()
        .enumerate()
        .map(|(i, case)| Row {
            size,
            name: &case.name,
            kind: case.kind,
            ns_per_value: median(ns[i].clone()),
            vs_rand_distr: ratio(rd, i),
            vs_uniform: ratio(un, i),
            vs_fill_one: ratio(one, i),
        })
        .collect();
    (iters, rows)
}

/// The CPU's model name (`/proc/cpuinfo` where there is one), else the architecture.
fn cpu() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name") || l.starts_with("Model"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

/// How this binary was compiled: the vector extension it may use everywhere.
fn build() -> &'static str {
    if cfg!(target_feature = "avx2") {
        "avx2"
    } else if cfg!(target_arch = "x86_64") {
        "x86-64 baseline (SSE2; AVX2 chosen at run time)"
    } else {
        std::env::consts::ARCH
    }
}

/// Runs the benchmark and prints the tables (or the JSON object) to stdout.
pub fn run(p: &Plan) -> Result<(), String> {
    let cases = cases();
    let mut all = Vec::new();
    let mut iters = Vec::new();
    for &size in &p.sizes {
        let (n, rows) = measure(p, &cases, size);
        iters.push(n);
        all.extend(rows);
    }
    if p.json {
        let results: Vec<serde_json::Value> = all
            .iter()
            .map(|r| {
                serde_json::json!({
                    "size": r.size,
                    "case": r.name,
                    "kind": r.kind.name(),
                    "ns_per_value": r.ns_per_value,
                    "m_values_per_s": r.m_values_per_s(),
                    "vs_rand_distr": r.vs_rand_distr,
                    "vs_uniform": r.vs_uniform,
                    "vs_fill_one": r.vs_fill_one,
                })
            })
            .collect();
        let doc = serde_json::json!({
            "glorot": env!("CARGO_PKG_VERSION"),
            "cpu": cpu(),
            "arch": std::env::consts::ARCH,
            "build": build(),
            "kernel": sample::kernel(),
            "threads": p.threads,
            "reps": p.reps,
            "min_values": p.min_values,
            "results": results,
        });
        outln!("{doc:#}");
        return Ok(());
    }
    outln!("glorot bench (glorot-cli {})", env!("CARGO_PKG_VERSION"));
    outln!("cpu      {}", cpu());
    outln!("kernel   {} (build: {})", sample::kernel(), build());
    outln!(
        "method   {} thread(s); warm-up, then {} interleaved repetitions, medians",
        p.threads,
        p.reps
    );
    outln!("ratios   reference time / case time, same repetition (> 1: the case is faster)");
    for (size, iters) in p.sizes.iter().zip(&iters) {
        outln!();
        outln!("{size} values ({iters} fill(s) per repetition)");
        outln!(
            "{:<38} {:>9} {:>11} {:>13} {:>10} {:>12}",
            "case",
            "ns/value",
            "M values/s",
            "× rand_distr",
            "× uniform",
            "× fill(1.0)"
        );
        for r in all.iter().filter(|r| r.size == *size) {
            outln!(
                "{:<38} {:>9.3} {:>11.0} {:>13.2} {:>10.2} {:>12.2}",
                r.name,
                r.ns_per_value,
                r.m_values_per_s(),
                r.vs_rand_distr,
                r.vs_uniform,
                r.vs_fill_one
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("64"), Ok(64));
        assert_eq!(parse_size("4Ki"), Ok(4096));
        assert_eq!(parse_size("64Mi"), Ok(64 << 20));
        assert_eq!(parse_size("1Gi"), Ok(1 << 30));
        for bad in [
            "0",
            "",
            "Ki",
            "-1",
            "1.5Mi",
            "4KB",
            "99999999999999999999Gi",
        ] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    /// Each thread fills its own slice at its own offset: the buffer is the one-thread fill.
    #[test]
    fn threads_fill_the_same_bits() {
        let cases = cases();
        let normal = cases.iter().find(|c| c.name == "sample::normal").unwrap();
        let mut one = vec![0.0f32; 1001];
        let mut three = vec![0.0f32; 1001];
        time(normal, &mut one, 1, 1);
        time(normal, &mut three, 3, 2);
        let mut want = vec![0.0f32; 1001];
        sample::normal(Key::new(42), 0, &mut want).unwrap();
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&one), bits(&want));
        assert_eq!(bits(&three), bits(&want));
    }
}

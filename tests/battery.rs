//! The statistical battery at scale: 2^30 (1.07·10^9) values per sampler, over 64 keys and
//! 16,384 chunks per key, streamed in blocks on two threads. Every test is `#[ignore]`d:
//!
//! ```sh
//! cargo test --release --test battery -- --ignored --nocapture --test-threads=1
//! ```
//!
//! (`GLOROT_BATTERY_GROUPS=n` runs `n` of the 16 key groups, for a quick look.)
//!
//! Each sampler gets: chi-square on 65,536 bins equiprobable under its exact CDF; exact counts
//! in its tails or edge windows against Poisson bounds; mean and variance; serial correlation
//! of `x` and of `x²` at lags 1 (neighbouring lanes), 8 (same lane, next value) and 1024 (same
//! lane position, next chunk); and the same correlations between the streams of keys `k` and
//! `k+1`, of `fold_in(0)` and `fold_in(1)`, and of a key and its `fold_in(0)`.
//!
//! As in `tests/statistics.rs`, the keys are fixed, so each test always passes or always
//! fails for a given stream, and each bound is set so that an exact sampler would fail it
//! with probability about 1e-9 or less (stated per bound): a failure is a bug, not bad luck.
//! Statistics and p-values are printed (`--nocapture` shows them).

use glorot::{sample, Error, Key};
use std::f64::consts::{PI, SQRT_2};

type Fill = fn(Key, u64, &mut [f32]) -> Result<(), Error>;

/// Values per key: 2^24, i.e. 16,384 chunks.
const PER_KEY: u64 = 1 << 24;
/// Key groups (4 keys each): 16 × 4 × 2^24 = 2^30 values per sampler.
const GROUPS: u64 = 16;
/// Values per work item and key; each item also draws the next 1024 for the lagged pairs.
const BLOCK: usize = 1 << 15;
const LAGS: [usize; 3] = [1, 8, 1024];
const BINS: usize = 65_536;
/// Edges `Bins::bin` compares after its table look-up.
const SCAN: usize = 6;
const THREADS: usize = 2;
/// Two-sided |z| bound for the normal-approximation statistics: P(|N(0,1)| > 6.5) = 8.0e-11.
const Z_BOUND: f64 = 6.5;
/// One-sided tail probability below which a count fails.
const P_BOUND: f64 = 1e-9;

fn big_phi(x: f64) -> f64 {
    0.5 * libm::erfc(-x / SQRT_2)
}
fn phi(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * PI).sqrt()
}
/// Two-sided p-value of a standard-normal z.
fn p_two_sided(z: f64) -> f64 {
    libm::erfc(z.abs() / SQRT_2)
}

/// The four keys of group `g`: seeds `s` and `s + 1`, and `s` folded with 0 and with 1.
fn group_keys(g: u64) -> [Key; 4] {
    let s = 0x0BA7_7E11_0000 + 2 * g;
    [
        Key::new(s),
        Key::new(s + 1),
        Key::new(s).fold_in(0),
        Key::new(s).fold_in(1),
    ]
}
/// Pairs of group keys whose streams are correlated against each other.
const CROSS: [(usize, usize, &str); 3] = [
    (0, 1, "keys k and k+1"),
    (2, 3, "fold_in(0) vs fold_in(1)"),
    (0, 2, "key vs its fold_in(0)"),
];

/// A window of values `lo <= x < hi` (of `|x|` if `abs`) whose count is checked.
#[derive(Clone, Copy)]
struct Window {
    name: &'static str,
    lo: f64,
    hi: f64,
    abs: bool,
}

struct Spec {
    name: &'static str,
    fill: Fill,
    cdf: fn(f64) -> f64,
    /// Interval holding all the CDF's interior quantiles, for bisection and the bin table.
    span: (f64, f64),
    /// Exact mean, variance, and variance of `(x - mean)²`.
    mean: f64,
    var: f64,
    var_sq: f64,
    /// Every value must satisfy `range(x)`.
    range: fn(f32) -> bool,
    windows: Vec<Window>,
    /// No window holds an `|x|` below this (a cheap pre-filter).
    window_floor: f64,
}

fn truncated_cdf(x: f64) -> f64 {
    let x = x.clamp(-2.0, 2.0);
    (big_phi(x) - big_phi(-2.0)) / (big_phi(2.0) - big_phi(-2.0))
}

/// Exact raw moment of a density on `[a, b]` by composite Simpson's rule.
fn moment(pdf: impl Fn(f64) -> f64, a: f64, b: f64, k: i32) -> f64 {
    let m = 200_000;
    let h = (b - a) / m as f64;
    let g = |x: f64| x.powi(k) * pdf(x);
    let mut s = g(a) + g(b);
    for i in 1..m {
        s += g(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    s * h / 3.0
}

fn normal_spec() -> Spec {
    let t = |name, lo| Window {
        name,
        lo,
        hi: f64::INFINITY,
        abs: true,
    };
    Spec {
        name: "normal",
        fill: sample::normal,
        cdf: big_phi,
        span: (-6.0, 6.0),
        mean: 0.0,
        var: 1.0,
        var_sq: 2.0, // E[x^4] - 1
        range: |x| x.is_finite(),
        windows: vec![
            t("|x| > 3", 3.0),
            t("|x| > R (the tail)", 3.654_152_885_361_009_2),
            t("|x| > 4", 4.0),
            t("|x| > 5", 5.0),
            t("|x| > 6", 6.0),
            t("|x| > 7", 7.0),
            Window {
                name: "x > 4",
                lo: 4.0,
                hi: f64::INFINITY,
                abs: false,
            },
            Window {
                name: "x < -4",
                lo: f64::NEG_INFINITY,
                hi: -4.0,
                abs: false,
            },
        ],
        window_floor: 3.0,
    }
}

fn truncated_spec() -> Spec {
    let z = big_phi(2.0) - big_phi(-2.0);
    let pdf = |x: f64| phi(x) / z;
    let var = moment(pdf, -2.0, 2.0, 2);
    let m4 = moment(pdf, -2.0, 2.0, 4);
    let edge = |name, lo| Window {
        name,
        lo,
        hi: 2.0,
        abs: true,
    };
    Spec {
        name: "truncated_normal",
        fill: sample::truncated_normal,
        cdf: truncated_cdf,
        span: (-2.0, 2.0),
        mean: 0.0,
        var,
        var_sq: m4 - var * var,
        range: |x| x.abs() <= 2.0 - 1.0 / 4_194_304.0,
        windows: vec![
            edge("|x| in [1.9, 2]", 1.9),
            Window {
                name: "|x| in [1.98, 1.99)",
                lo: 1.98,
                hi: 1.99,
                abs: true,
            },
            edge("|x| in [1.99, 2]", 1.99),
            edge("|x| in [1.999, 2]", 1.999),
            edge("|x| in [1.9999, 2]", 1.9999),
            edge("|x| in [2 - 2^-16, 2]", 2.0 - 1.0 / 65_536.0),
            Window {
                name: "x in [1.99, 2]",
                lo: 1.99,
                hi: 2.0,
                abs: false,
            },
            Window {
                name: "x in [-2, -1.99)",
                lo: -2.0,
                hi: -1.99,
                abs: false,
            },
        ],
        window_floor: 1.9,
    }
}

fn uniform_spec() -> Spec {
    // The values are i·2^-23 for i in [-2^23, 2^23), equally likely: exact moments.
    let m = 1u128 << 23;
    let n = 2 * m;
    let sum_i = -(m as f64); // sum of i over [-m, m)
    let sum_i2 = ((m - 1) * m * (2 * m - 1) / 3 + m * m) as f64; // sum of i^2
    let mean = sum_i / n as f64 / m as f64;
    let var = sum_i2 / n as f64 / (m * m) as f64 - mean * mean;
    let lowest = -1.0 + 1.0 / 8_388_608.0;
    let top = 1.0 - 1.0 / 65_536.0;
    let bottom = -1.0 + 1.0 / 65_536.0;
    let w = |name, lo, hi| Window {
        name,
        lo,
        hi,
        abs: false,
    };
    Spec {
        name: "uniform",
        fill: sample::uniform,
        cdf: |x| ((x + 1.0) / 2.0).clamp(0.0, 1.0),
        span: (-1.0, 1.0),
        mean,
        var,
        var_sq: 1.0 / 5.0 - 1.0 / 9.0, // E[x^4] - E[x^2]^2, to 1e-7
        range: |x| (-1.0..1.0).contains(&x),
        windows: vec![
            w("x = -1 exactly", -1.0, lowest),
            w("x in [-1, -1 + 2^-16)", -1.0, bottom),
            w("x in [1 - 2^-16, 1)", top, 1.0),
            w("x in [0.99, 1)", 0.99, 1.0),
            w("x in [-1, -0.99)", -1.0, -0.99),
        ],
        window_floor: 0.99,
    }
}

/// Maps a value to its bin under the exact CDF: bin `b` is `[q(b/BINS), q((b+1)/BINS))`.
struct Bins {
    /// The `BINS - 1` interior edges, increasing, then `SCAN` infinities.
    edges: Vec<f32>,
    lo: f64,
    inv_h: f64,
    /// `start[c]` = number of edges at or below the start of cell `c - 1` (a lower bound for
    /// any value the cell arithmetic puts in cell `c`; the scan in `bin` finishes the count).
    start: Vec<u16>,
}

impl Bins {
    fn new(spec: &Spec) -> Bins {
        let (a, b) = spec.span;
        let edges: Vec<f64> = (1..BINS)
            .map(|k| {
                let p = k as f64 / BINS as f64;
                if spec.name == "uniform" {
                    return -1.0 + 2.0 * p; // exact: a multiple of 2^-15
                }
                let (mut lo, mut hi) = (a, b);
                for _ in 0..200 {
                    let mid = 0.5 * (lo + hi);
                    if mid <= lo || mid >= hi {
                        break;
                    }
                    if (spec.cdf)(mid) < p {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                hi
            })
            .collect();
        assert!(edges.windows(2).all(|w| w[0] < w[1]));
        // Cells narrower than the narrowest bin, over the span of the edges (and 3 more, so
        // that rounding in `bin` cannot push a value inside the span past the table).
        let (lo, hi) = (edges[0], edges[BINS - 2]);
        let cells = 1usize << 17;
        let h = (hi - lo) / cells as f64;
        let start: Vec<u16> = (0..cells + 3)
            .map(|c| {
                let x = lo + (c as f64 - 1.0) * h;
                edges.partition_point(|&e| e <= x) as u16
            })
            .collect();
        // A value put in cell c lies below the start of cell c + 2, so at most
        // `start[c + 3] - start[c]` edges separate it from `start[c]`: the fixed scan in
        // `bin` must cover that.
        assert!(start.windows(4).all(|w| w[3] - w[0] <= SCAN as u16));
        // `x >= e` for an f32 x holds exactly when `x >= up(e)`, `up(e)` the least f32 >= e.
        let up = |e: f64| {
            let f = e as f32;
            match f as f64 {
                g if g >= e => f,
                _ if f == 0.0 => f32::from_bits(1),
                _ if f > 0.0 => f32::from_bits(f.to_bits() + 1),
                _ => f32::from_bits(f.to_bits() - 1),
            }
        };
        let mut edges: Vec<f32> = edges.into_iter().map(up).collect();
        edges.extend([f32::INFINITY; SCAN]);
        Bins {
            edges,
            lo,
            inv_h: 1.0 / h,
            start,
        }
    }

    /// `Ok(cell)` of the table, or `Err(bin)` for a value beyond the table's span.
    #[inline]
    fn cell(&self, x: f32) -> Result<usize, usize> {
        let t = (x as f64 - self.lo) * self.inv_h;
        // Below the first edge (x - lo rounds to >= 0 whenever x >= lo), or NaN.
        if t.is_nan() || t < 0.0 {
            return Err(0);
        }
        let c = t as usize;
        if c >= self.start.len() {
            return Err(BINS - 1); // beyond the last edge by more than two cells
        }
        Ok(c)
    }

    /// The bin of `x`, given its cell: the table's lower bound, then a branch-free count of
    /// the (at most SCAN) further edges at or below `x`.
    #[inline]
    fn bin_in(&self, c: usize, x: f32) -> usize {
        // The edges are sorted, so the count is a sum of independent comparisons.
        let b = self.start[c] as usize;
        let next: &[f32; SCAN] = self.edges[b..b + SCAN].try_into().unwrap();
        b + next.iter().map(|&e| usize::from(e <= x)).sum::<usize>()
    }

    /// Adds the bins of `xs` to `bins`. Values are first grouped by band of 512 cells
    /// (a counting sort into `tmp`), so that the table, edge and bin look-ups of one band stay
    /// in cache: done value by value they miss it, and cost several times more.
    fn histogram(&self, xs: &[f32], bins: &mut [u32], tmp: &mut Vec<(u32, f32)>) {
        const SHIFT: usize = 9;
        let bands = (self.start.len() >> SHIFT) + 1;
        let mut pos = vec![0usize; bands + 1];
        for &x in xs {
            match self.cell(x) {
                Ok(c) => pos[(c >> SHIFT) + 1] += 1,
                Err(b) => bins[b] += 1,
            }
        }
        for i in 1..=bands {
            pos[i] += pos[i - 1];
        }
        tmp.clear();
        tmp.resize(pos[bands], (0, 0.0));
        for &x in xs {
            if let Ok(c) = self.cell(x) {
                let p = &mut pos[c >> SHIFT];
                tmp[*p] = (c as u32, x);
                *p += 1;
            }
        }
        for &(c, x) in tmp.iter() {
            bins[self.bin_in(c as usize, x)] += 1;
        }
    }
}

/// Float sums of one work item, merged in item order so the totals do not depend on how
/// items were spread over threads.
#[derive(Clone, Copy, Default)]
struct Sums {
    /// Σ v and Σ (v² - var), v = x - mean.
    s1: f64,
    s2: f64,
    /// Σ v_i v_{i+L} and Σ w_i w_{i+L}, w = v² - var, per lag.
    lag: [f64; 3],
    lag_sq: [f64; 3],
    /// The same between the streams of `CROSS` pairs.
    cross: [f64; 3],
    cross_sq: [f64; 3],
}

/// Integer counts of one thread (order-free).
struct Counts {
    bins: Vec<u32>,
    windows: Vec<u64>,
    out_of_range: u64,
    max_abs: f32,
}

struct Scratch {
    x: [Vec<f32>; 4],
    tmp: Vec<(u32, f32)>,
}

fn run_item(spec: &Spec, bins: &Bins, item: u64, sc: &mut Scratch, counts: &mut Counts) -> Sums {
    let blocks = PER_KEY / BLOCK as u64;
    let (g, blk) = (item / blocks, item % blocks);
    let keys = group_keys(g);
    let offset = blk * BLOCK as u64;
    for (key, x) in keys.iter().zip(&mut sc.x) {
        (spec.fill)(*key, offset, x).unwrap();
    }
    let (mean, var) = (spec.mean, spec.var);
    let mut sums = Sums::default();
    for x in &sc.x {
        let (mut s1, mut s2) = (0.0, 0.0);
        let (mut lag, mut lag_sq) = ([0.0f64; 3], [0.0f64; 3]);
        for i in 0..BLOCK {
            let v = x[i] as f64 - mean;
            let w = v * v - var;
            s1 += v;
            s2 += w;
            for (j, &l) in LAGS.iter().enumerate() {
                let u = x[i + l] as f64 - mean;
                lag[j] += v * u;
                lag_sq[j] += w * (u * u - var);
            }
        }
        sums.s1 += s1;
        sums.s2 += s2;
        for j in 0..3 {
            sums.lag[j] += lag[j];
            sums.lag_sq[j] += lag_sq[j];
        }
        bins.histogram(&x[..BLOCK], &mut counts.bins, &mut sc.tmp);
        for &x in &x[..BLOCK] {
            if !(spec.range)(x) {
                counts.out_of_range += 1;
            }
            counts.max_abs = counts.max_abs.max(x.abs());
            let xf = x as f64;
            if xf.abs() >= spec.window_floor {
                for (n, win) in spec.windows.iter().enumerate() {
                    let y = if win.abs { xf.abs() } else { xf };
                    if win.lo <= y && y < win.hi {
                        counts.windows[n] += 1;
                    }
                }
            }
        }
    }
    for (j, &(a, b, _)) in CROSS.iter().enumerate() {
        let (mut c, mut c_sq) = (0.0, 0.0);
        for (&x, &y) in sc.x[a][..BLOCK].iter().zip(&sc.x[b][..BLOCK]) {
            let (v, u) = (x as f64 - mean, y as f64 - mean);
            c += v * u;
            c_sq += (v * v - var) * (u * u - var);
        }
        sums.cross[j] = c;
        sums.cross_sq[j] = c_sq;
    }
    sums
}

/// One-sided tail probability of a Poisson(`lambda`) count `k` in the direction it deviates:
/// P(X <= k) if k < lambda, else P(X >= k). Binomial counts are more concentrated than
/// Poisson ones of the same mean, so the Poisson tail bounds the binomial one (conservative).
fn poisson_tail(k: u64, lambda: f64) -> f64 {
    let ln_pmf = |j: u64| j as f64 * lambda.ln() - lambda - libm::lgamma(j as f64 + 1.0);
    let mut acc = 0.0;
    let mut j = k;
    loop {
        let t = ln_pmf(j).exp();
        acc += t;
        if t <= acc * 1e-17 {
            break;
        }
        if (k as f64) < lambda {
            if j == 0 {
                break;
            }
            j -= 1;
        } else {
            j += 1;
        }
    }
    acc.min(1.0)
}

fn battery(spec: Spec) {
    let groups = std::env::var("GLOROT_BATTERY_GROUPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(GROUPS)
        .clamp(1, GROUPS);
    let t0 = std::time::Instant::now();
    let bins = Bins::new(&spec);
    let items = groups * (PER_KEY / BLOCK as u64);
    let n = groups * 4 * PER_KEY; // values per statistic over all keys
    let results: Vec<(Vec<(u64, Sums)>, Counts)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (spec, bins) = (&spec, &bins);
                s.spawn(move || {
                    let len = BLOCK + 1024;
                    let mut sc = Scratch {
                        x: std::array::from_fn(|_| vec![0.0; len]),
                        tmp: Vec::new(),
                    };
                    let mut counts = Counts {
                        bins: vec![0; BINS],
                        windows: vec![0; spec.windows.len()],
                        out_of_range: 0,
                        max_abs: 0.0,
                    };
                    let sums = (t as u64..items)
                        .step_by(THREADS)
                        .map(|i| (i, run_item(spec, bins, i, &mut sc, &mut counts)))
                        .collect::<Vec<_>>();
                    (sums, counts)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all: Vec<(u64, Sums)> = results.iter().flat_map(|r| r.0.clone()).collect();
    all.sort_by_key(|r| r.0);
    let mut tot = Sums::default();
    for (_, s) in &all {
        tot.s1 += s.s1;
        tot.s2 += s.s2;
        for j in 0..3 {
            tot.lag[j] += s.lag[j];
            tot.lag_sq[j] += s.lag_sq[j];
            tot.cross[j] += s.cross[j];
            tot.cross_sq[j] += s.cross_sq[j];
        }
    }
    let mut bin_count = vec![0u64; BINS];
    let mut win_count = vec![0u64; spec.windows.len()];
    let (mut out_of_range, mut max_abs) = (0u64, 0.0f32);
    for (_, c) in &results {
        bin_count
            .iter_mut()
            .zip(&c.bins)
            .for_each(|(a, &b)| *a += u64::from(b));
        win_count
            .iter_mut()
            .zip(&c.windows)
            .for_each(|(a, b)| *a += b);
        out_of_range += c.out_of_range;
        max_abs = max_abs.max(c.max_abs);
    }
    let secs = t0.elapsed().as_secs_f64();
    let name = spec.name;
    let nf = n as f64;
    println!(
        "\n== {name}: {n} values ({groups} groups x 4 keys x {PER_KEY}) in {secs:.1} s \
         ({:.1} M values/s incl. statistics)",
        nf / secs / 1e6
    );
    let mut failures = Vec::new();

    // Range: no value outside the sampler's support (a hard bound, no false failures).
    println!("  max |x| = {max_abs:e}, values out of range: {out_of_range}");
    if out_of_range != 0 {
        failures.push(format!("{out_of_range} values out of range"));
    }
    assert_eq!(bin_count.iter().sum::<u64>(), n);

    // Chi-square over BINS equiprobable bins: under the null chi-square with 65,535 degrees
    // of freedom; by Wilson–Hilferty its cube root is normal, and |z| > 6 (either side: too
    // poor a fit, or too good a one) has probability 2e-9.
    let e = nf / BINS as f64;
    let chi2: f64 = bin_count.iter().map(|&o| (o as f64 - e).powi(2) / e).sum();
    let k = (BINS - 1) as f64;
    let c = 2.0 / (9.0 * k);
    let z = ((chi2 / k).cbrt() - (1.0 - c)) / c.sqrt();
    let p = 0.5 * libm::erfc(z / SQRT_2);
    println!("  chi-square, {BINS} bins: {chi2:.1} (df {k}, Wilson-Hilferty z = {z:.2}, upper p = {p:.3})");
    if z.abs() > 6.0 {
        failures.push(format!("chi-square {chi2} (z = {z:.2})"));
    }

    // Windows: each count against its exact probability; fails if its one-sided Poisson
    // tail probability is below 1e-9.
    for (win, &count) in spec.windows.iter().zip(&win_count) {
        let prob = if win.abs {
            2.0 * ((spec.cdf)(win.hi) - (spec.cdf)(win.lo))
        } else {
            (spec.cdf)(win.hi) - (spec.cdf)(win.lo)
        };
        let lambda = prob * nf;
        let tail = poisson_tail(count, lambda);
        let z = (count as f64 - lambda) / (lambda * (1.0 - prob)).sqrt();
        println!(
            "  {:<24} {count:>11} vs {lambda:>14.2} expected (z = {z:>6.2}, one-sided p = {tail:.3})",
            win.name
        );
        if tail < P_BOUND {
            failures.push(format!(
                "{}: {count} vs {lambda:.2} (p = {tail:e})",
                win.name
            ));
        }
    }

    // Mean and variance: sums of n independent terms, so z = sum / sqrt(n var) ~ N(0, 1);
    // |z| > 6.5 has probability 8e-11 per check.
    let mut zs = vec![
        ("mean".to_string(), tot.s1 / (nf * spec.var).sqrt(), nf),
        (
            "variance".to_string(),
            tot.s2 / (nf * spec.var_sq).sqrt(),
            nf,
        ),
    ];
    // Correlations: for independent values, Σ v_i v_j over m pairs (v = x - mean, exact
    // mean) has mean 0 and variance m var², and the terms are uncorrelated, so
    // z = Σ / (var sqrt(m)) ~ N(0, 1); likewise for w = v² - var with var_sq. |z| > 6.5 has
    // probability 8e-11; 12 such checks per sampler. The correlation itself is r = z/sqrt(m).
    let m = nf; // every lag has one pair per value
    for (j, lag) in LAGS.iter().enumerate() {
        let z = tot.lag[j] / (spec.var * m.sqrt());
        zs.push((format!("lag {lag}: x"), z, m));
        let z = tot.lag_sq[j] / (spec.var_sq * m.sqrt());
        zs.push((format!("lag {lag}: x^2"), z, m));
    }
    let m = nf / 4.0; // one pair per value of one key
    for (j, (_, _, what)) in CROSS.iter().enumerate() {
        let z = tot.cross[j] / (spec.var * m.sqrt());
        zs.push((format!("{what}: x"), z, m));
        let z = tot.cross_sq[j] / (spec.var_sq * m.sqrt());
        zs.push((format!("{what}: x^2"), z, m));
    }
    for (what, z, m) in zs {
        println!(
            "  {what:<34} z = {z:>6.2} (r = {:>10.3e}, p = {:.3}, {m:e} terms)",
            z / m.sqrt(),
            p_two_sided(z)
        );
        if z.abs() > Z_BOUND {
            failures.push(format!("{what}: z = {z:.2}"));
        }
    }
    assert!(failures.is_empty(), "{name}: {failures:#?}");
}

#[test]
#[ignore = "10^9 values: run with --release -- --ignored"]
fn battery_normal() {
    battery(normal_spec());
}

#[test]
#[ignore = "10^9 values: run with --release -- --ignored"]
fn battery_truncated_normal() {
    battery(truncated_spec());
}

#[test]
#[ignore = "10^9 values: run with --release -- --ignored"]
fn battery_uniform() {
    battery(uniform_spec());
}

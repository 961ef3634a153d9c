//! Statistical tests of the three samplers against their exact distributions.
//!
//! Every test uses fixed keys, so it is deterministic: it either always passes or always
//! fails for a given stream. Each bound is derived from the distribution of its statistic
//! under the hypothesis that the sampler is exact, and set so that a correct sampler would
//! fail it with probability at most about 1e-9 (stated per bound) — a failure is a bug, not
//! bad luck.

use glorot::{sample, Key};
use std::f64::consts::{PI, SQRT_2};

const N: usize = 10_000_000;

#[derive(Clone, Copy, Debug)]
enum Dist {
    Normal,
    Truncated,
    Uniform,
}

fn phi(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * PI).sqrt()
}
fn big_phi(x: f64) -> f64 {
    0.5 * libm::erfc(-x / SQRT_2)
}

impl Dist {
    fn fill(self, key: Key, out: &mut [f32]) {
        match self {
            Dist::Normal => sample::normal(key, 0, out),
            Dist::Truncated => sample::truncated_normal(key, 0, out),
            Dist::Uniform => sample::uniform(key, 0, out),
        }
        .unwrap()
    }
    fn cdf(self, x: f64) -> f64 {
        match self {
            Dist::Normal => big_phi(x),
            Dist::Truncated => {
                let x = x.clamp(-2.0, 2.0);
                (big_phi(x) - big_phi(-2.0)) / (big_phi(2.0) - big_phi(-2.0))
            }
            Dist::Uniform => ((x + 1.0) / 2.0).clamp(0.0, 1.0),
        }
    }
    /// Density, for numerical moments.
    fn pdf(self, x: f64) -> f64 {
        match self {
            Dist::Normal => phi(x),
            Dist::Truncated if x.abs() <= 2.0 => phi(x) / (big_phi(2.0) - big_phi(-2.0)),
            Dist::Truncated => 0.0,
            Dist::Uniform if (-1.0..1.0).contains(&x) => 0.5,
            Dist::Uniform => 0.0,
        }
    }
    fn support(self) -> (f64, f64) {
        match self {
            Dist::Normal => (-12.0, 12.0),
            Dist::Truncated => (-2.0, 2.0),
            Dist::Uniform => (-1.0, 1.0),
        }
    }
    /// Exact raw moment E[x^k], by composite Simpson's rule on the (smooth) support.
    fn moment(self, k: i32) -> f64 {
        let (a, b) = self.support();
        let m = 200_000;
        let h = (b - a) / m as f64;
        let g = |x: f64| x.powi(k) * self.pdf(x.clamp(a, b - 1e-15));
        let mut s = g(a) + g(b - 1e-15);
        for i in 1..m {
            s += g(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
        }
        s * h / 3.0
    }
}

const ALL: [Dist; 3] = [Dist::Normal, Dist::Truncated, Dist::Uniform];

fn draw(d: Dist, key: Key) -> Vec<f32> {
    let mut v = vec![0.0f32; N];
    d.fill(key, &mut v);
    v
}

/// Smallest k with P(Poisson(lambda) >= k) <= p, and largest k with P(Poisson <= k) <= p:
/// the two-sided acceptance interval for a count. Binomial counts are more concentrated than
/// Poisson counts of the same mean, so these bounds are conservative for them.
fn poisson_interval(lambda: f64, p: f64) -> (u64, u64) {
    let ln_pmf = |k: u64| k as f64 * lambda.ln() - lambda - libm::lgamma(k as f64 + 1.0);
    let hi_start = (lambda + 40.0 * lambda.sqrt() + 60.0) as u64;
    let (mut acc, mut hi) = (0.0, hi_start);
    while hi > 0 {
        acc += ln_pmf(hi).exp();
        if acc > p {
            break;
        }
        hi -= 1;
    }
    let (mut acc, mut lo) = (0.0, 0u64);
    loop {
        acc += ln_pmf(lo).exp();
        if acc > p {
            break;
        }
        lo += 1;
    }
    (lo, hi + 1) // a count outside [lo, hi] has probability <= p on each side
}

#[test]
fn moments_match_the_exact_ones() {
    // For a raw moment estimate m_k = mean(x^k) over N independent values, the CLT gives
    // (m_k - E[x^k]) / sqrt((E[x^2k] - E[x^k]^2) / N) ~ N(0, 1); |z| > 6.5 has probability
    // 8e-11 per check (12 checks).
    for d in ALL {
        let xs = draw(d, Key::new(1));
        for k in 1..=4 {
            let m = xs.iter().map(|&x| (x as f64).powi(k)).sum::<f64>() / N as f64;
            let mu = d.moment(k);
            let sd = ((d.moment(2 * k) - mu * mu) / N as f64).sqrt();
            let z = (m - mu) / sd;
            assert!(z.abs() < 6.5, "{d:?}: E[x^{k}] = {m} vs {mu} (z = {z:.2})");
        }
    }
    // The truncated normal's variance is the 0.87962566103423978² that Keras divides by.
    #[allow(
        clippy::excessive_precision,
        reason = "Keras' constant, quoted as Keras writes it"
    )]
    let t = 0.879_625_661_034_239_78_f64;
    assert!((Dist::Truncated.moment(2) - t * t).abs() < 1e-12);
}

#[test]
fn kolmogorov_smirnov_against_the_exact_cdf() {
    // P(sqrt(N) D > 3.0) ≈ 2 exp(-18) = 3e-8 under the null (Kolmogorov's limit law);
    // discreteness of the 23-bit outputs moves D by < 1e-6, far inside the 9.5e-4 bound.
    for d in ALL {
        let mut xs = draw(d, Key::new(2));
        xs.sort_unstable_by(|a, b| a.total_cmp(b));
        let n = N as f64;
        let mut dmax = 0.0f64;
        for (i, &x) in xs.iter().enumerate() {
            let f = d.cdf(x as f64);
            dmax = dmax
                .max((f - i as f64 / n).abs())
                .max(((i + 1) as f64 / n - f).abs());
        }
        assert!(
            n.sqrt() * dmax < 3.0,
            "{d:?}: sqrt(n) D = {}",
            n.sqrt() * dmax
        );
    }
}

#[test]
fn chi_square_over_1024_equiprobable_bins() {
    // Bins of equal probability under the exact CDF. Under the null the statistic is
    // chi-square with 1023 degrees of freedom; by Wilson–Hilferty it exceeds the bound
    // below (z = 6) with probability ~1e-9.
    let bins = 1024usize;
    let k = (bins - 1) as f64;
    let c = 2.0 / (9.0 * k);
    let bound = k * (1.0 - c + 6.0 * c.sqrt()).powi(3);
    for d in ALL {
        let xs = draw(d, Key::new(3));
        let mut count = vec![0u64; bins];
        for &x in &xs {
            let b = ((d.cdf(x as f64) * bins as f64) as usize).min(bins - 1);
            count[b] += 1;
        }
        let e = N as f64 / bins as f64;
        let chi2: f64 = count.iter().map(|&o| (o as f64 - e).powi(2) / e).sum();
        assert!(chi2 < bound, "{d:?}: chi2 = {chi2} (bound {bound})");
    }
}

#[test]
fn tail_frequencies() {
    // Counts beyond each threshold against their exact probabilities, each inside a
    // two-sided Poisson interval of false-failure probability 1e-9 per side.
    let checks: [(Dist, &[f64]); 3] = [
        (Dist::Normal, &[1.0, 2.0, 3.0, 4.0, 5.0]),
        (Dist::Truncated, &[0.5, 1.0, 1.5, 1.9, 1.99]),
        (Dist::Uniform, &[0.5, 0.9, 0.99, 0.999]),
    ];
    for (d, ts) in checks {
        let xs = draw(d, Key::new(4));
        for &t in ts {
            let count = xs.iter().filter(|x| x.abs() as f64 > t).count() as u64;
            let p = 1.0 - (d.cdf(t) - d.cdf(-t));
            let (lo, hi) = poisson_interval(p * N as f64, 1e-9);
            assert!(
                (lo..=hi).contains(&count),
                "{d:?}: {count} beyond {t}, expected {} (allowed {lo}..={hi})",
                p * N as f64
            );
        }
    }
}

#[test]
fn bounds_are_exact() {
    let t = draw(Dist::Truncated, Key::new(5));
    let max = t.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    assert!(max <= 2.0 - 1.0 / 4_194_304.0, "truncated max |x| = {max}");
    assert!(
        max > 1.99,
        "the truncated sampler reaches the edge (max {max})"
    );
    let u = draw(Dist::Uniform, Key::new(5));
    assert!(u.iter().all(|&x| (-1.0..1.0).contains(&x)));
    let n = draw(Dist::Normal, Key::new(5));
    assert!(n.iter().all(|x| x.is_finite()));
}

fn corr(a: &[f32], b: &[f32]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (
        a.iter().map(|&x| x as f64).sum::<f64>() / n,
        b.iter().map(|&x| x as f64).sum::<f64>() / n,
    );
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (x as f64 - ma, y as f64 - mb);
        sab += x * y;
        saa += x * x;
        sbb += y * y;
    }
    sab / (saa * sbb).sqrt()
}

#[test]
fn no_correlation_between_neighbours_lanes_lags_or_keys() {
    // For independent pairs the sample correlation is ~ N(0, 1/n); |r| sqrt(n) > 6.5 has
    // probability 8e-11 per check.
    for d in ALL {
        let xs = draw(d, Key::new(6));
        let ys = draw(d, Key::new(7)); // key n+1
        let folded = draw(d, Key::new(6).fold_in(0));
        let folded1 = draw(d, Key::new(6).fold_in(1));
        let cases = [
            ("lag 1 (neighbouring lanes)", corr(&xs[..N - 1], &xs[1..])),
            ("lag 8 (same lane)", corr(&xs[..N - 8], &xs[8..])),
            (
                "lag 1024 (next chunk, same lane)",
                corr(&xs[..N - 1024], &xs[1024..]),
            ),
            ("keys n and n+1", corr(&xs, &ys)),
            ("fold_in(0) vs fold_in(1)", corr(&folded, &folded1)),
            ("key vs its fold_in(0)", corr(&xs, &folded)),
        ];
        for (name, r) in cases {
            let z = r * (N as f64).sqrt();
            assert!(z.abs() < 6.5, "{d:?} {name}: r = {r} (z = {z:.2})");
        }
        // lane l against lane l+1 within each vector: values 8j+l and 8j+l+1
        for l in 0..7 {
            let a: Vec<f32> = xs.chunks_exact(8).map(|v| v[l]).collect();
            let b: Vec<f32> = xs.chunks_exact(8).map(|v| v[l + 1]).collect();
            let z = corr(&a, &b) * (a.len() as f64).sqrt();
            assert!(z.abs() < 6.5, "{d:?} lanes {l},{}: z = {z:.2}", l + 1);
        }
    }
}

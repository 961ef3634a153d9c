//! `glorot-user-build [n] [reps]`: the minimum time per value over `reps` interleaved
//! rounds (default 1 Mi values, 41 rounds; fills smaller than 64 Ki values are timed in
//! batches of 64 Ki values per round) of `sample::normal`, `sample::truncated_normal`,
//! `sample::uniform`, `GlorotNormal` and rand_distr's `StandardNormal` (from
//! `Xoshiro256PlusPlus`, the criterion bench's reference), each round with a new key, and
//! the ratios from the same run. Minimums of interleaved rounds, so that the machine's
//! drift moves every column alike. Every fill's output is checked (finite, plausible mean).

use glorot::{sample, Fans, GlorotNormal, Initializer, Key};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use std::hint::black_box;
use std::time::Instant;

const NAMES: [&str; 5] = [
    "normal",
    "truncated_normal",
    "uniform",
    "glorot_normal",
    "rand_distr",
];

fn check(xs: &[f32]) {
    assert!(xs.iter().all(|x| x.is_finite()), "non-finite output");
    if xs.len() >= 4096 {
        let mean = xs.iter().map(|&x| f64::from(x)).sum::<f64>() / xs.len() as f64;
        assert!(mean.abs() < 0.1, "mean {mean}");
    }
}

fn main() {
    let arg = |i: usize, default: usize| {
        std::env::args()
            .nth(i)
            .map_or(default, |s| s.parse().expect("arguments: [n] [reps]"))
    };
    let (n, reps) = (arg(1, 1 << 20), arg(2, 41));
    let mut buf = vec![0.0f32; n];
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(1);
    let fans = Fans::new(1024, 1024);
    let mut best = [f64::INFINITY; NAMES.len()];
    // Small fills are timed in batches of `calls` fills (at least 64 Ki values per timing),
    // so that the clock's resolution and cost do not dominate a 64-value fill.
    let calls = (65536 / n).max(1);
    for rep in 0..reps {
        for (i, b) in best.iter_mut().enumerate() {
            let t = Instant::now();
            for c in 0..calls {
                let key = black_box(Key::new((rep * calls + c) as u64));
                match i {
                    0 => sample::normal(key, 0, &mut buf).unwrap(),
                    1 => sample::truncated_normal(key, 0, &mut buf).unwrap(),
                    2 => sample::uniform(key, 0, &mut buf).unwrap(),
                    3 => GlorotNormal.fill(fans, key, 0, &mut buf).unwrap(),
                    _ => buf
                        .iter_mut()
                        .for_each(|x| *x = StandardNormal.sample(&mut rng)),
                }
                black_box(&mut buf);
            }
            *b = b.min(t.elapsed().as_secs_f64() / calls as f64);
            check(&buf);
        }
    }
    println!(
        "kernel: {}; {n} values, min of {reps} interleaved rounds of {calls} call(s)",
        sample::kernel()
    );
    println!(
        "{:<17} {:>9} {:>9} {:>10} {:>10} {:>10}",
        "", "ns/value", "M/s", "÷ uniform", "× rand_distr", "ns/call"
    );
    for (name, b) in NAMES.iter().zip(best) {
        println!(
            "{name:<17} {:>9.3} {:>9.0} {:>10.3} {:>10.2} {:>10.1}",
            b * 1e9 / n as f64,
            n as f64 / b / 1e6,
            best[2] / b,
            best[4] / b,
            b * 1e9
        );
    }
    println!("truncated ÷ normal {:.3}", best[0] / best[1]);
}

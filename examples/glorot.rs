//! The demo: the model of Keras' `GlorotNormal` tutorial, initialised with glorot — what
//! was drawn, against what Keras promises, and how fast, against `rand_distr`.
//!
//! ```text
//! cargo run --release --example glorot
//! ```
//!
//! The weight-file tool that used to live here is the `glorot` command now
//! (`cargo install --path glorot-cli`; `glorot --help`), with `glorot bench` for the full
//! throughput table.

use std::hint::black_box;
use std::time::Instant;

use glorot::{Fans, GlorotNormal, Initializer, Key, Layout};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

/// `rand_distr`'s `StandardNormal` (f32) times `stddev`: the usual way to draw weights.
#[inline(never)]
fn rand_distr_normal(rng: &mut Xoshiro256PlusPlus, stddev: f32, out: &mut [f32]) {
    for x in out.iter_mut() {
        let z: f32 = StandardNormal.sample(rng);
        *x = z * stddev;
    }
}

/// The median of `runs` timings of `f`, in nanoseconds per value of `n`.
fn ns_per_value(times: &mut [f64], n: usize) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2] * 1e9 / n as f64
}

fn main() -> Result<(), glorot::Error> {
    println!("Keras' GlorotNormal tutorial model:");
    println!("    keras.Sequential([keras.Input(shape=(100,)),");
    println!("                      layers.Dense(64, kernel_initializer=GlorotNormal()),");
    println!("                      layers.Dense(10, kernel_initializer=GlorotNormal())])");
    println!("kernel l is drawn from Key::new(42).fold_in(l); Keras' shape is (in, out).\n");

    let model = Key::new(42);
    for (l, shape) in [[100usize, 64], [64, 10]].into_iter().enumerate() {
        let mut w = vec![0.0f32; shape[0] * shape[1]];
        GlorotNormal.fill_shape(&shape, Layout::Keras, model.fold_in(l as u64), &mut w)?;

        let fans = Fans::from_shape(&shape, Layout::Keras)?;
        let stddev = GlorotNormal.stddev(fans) as f64;
        let n = w.len() as f64;
        let mean = w.iter().map(|&x| x as f64).sum::<f64>() / n;
        let std = (w.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / n).sqrt();
        let (min, max) = w
            .iter()
            .fold((f32::MAX, f32::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        // A normal truncated to ±2 stddev has standard deviation 0.87962566 * stddev:
        // Keras divides by that constant, so the weights' std is sqrt(2 / (fan_in + fan_out)).
        println!(
            "dense_{l}/kernel {shape:?}: fans ({}, {})",
            fans.fan_in, fans.fan_out
        );
        println!("  drawn       mean {mean:+.5}  std {std:.5}  min {min:+.5}  max {max:+.5}");
        println!(
            "  expected    mean +0.00000  std {:.5}  values within ±{:.5} (2 stddev, stddev {stddev:.5})",
            stddev * 0.879_625_661_034_239_8,
            2.0 * stddev,
        );
    }

    // How fast: GlorotNormal over 1 Mi values against rand_distr's StandardNormal times the
    // same stddev, taking turns (medians), on one core of this machine, now.
    const N: usize = 1 << 20;
    let fans = Fans::new(100, 64);
    let stddev = GlorotNormal.stddev(fans);
    let mut buf = vec![0.0f32; N];
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(42);
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for round in 0..16u64 {
        let t = Instant::now();
        GlorotNormal.fill(fans, model, round * N as u64, black_box(&mut buf))?;
        ours.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        rand_distr_normal(&mut rng, stddev, black_box(&mut buf));
        theirs.push(t.elapsed().as_secs_f64());
    }
    let (ours, theirs) = (ns_per_value(&mut ours, N), ns_per_value(&mut theirs, N));
    println!(
        "\nspeed, 1 Mi values, one thread (kernel: {}):",
        glorot::sample::kernel()
    );
    println!(
        "  glorot GlorotNormal           {ours:.2} ns per value ({:.0} M/s)",
        1e3 / ours
    );
    println!(
        "  rand_distr StandardNormal     {theirs:.2} ns per value ({:.0} M/s)",
        1e3 / theirs
    );
    println!("  ratio                         {:.2}x", theirs / ours);
    println!("\nMore: `glorot bench` (every sampler and initializer), docs/PERFORMANCE.md.");
    Ok(())
}

//! Throughput of the three samplers against `rand_distr::StandardNormal` (f32, from
//! `Xoshiro256PlusPlus`), our own uniform (the ceiling a normal sampler on these lanes can
//! approach) and `slice.fill(1.0)` (the memory bound), all in the same group so the ratios
//! come from one run.
//!
//! `cargo bench --bench sample`; `RUSTFLAGS="-C target-cpu=x86-64-v3" cargo bench ...` for
//! the AVX2 build. `GLOROT_BENCH_SIZES=64,4096` picks sizes (default: 64, 4 Ki, 1 Mi, 64 Mi).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use glorot::{reference, sample, Key};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::hint::black_box;

fn sizes() -> Vec<usize> {
    match std::env::var("GLOROT_BENCH_SIZES") {
        Ok(s) => s
            .split(',')
            .map(|x| x.trim().parse().expect("GLOROT_BENCH_SIZES: numbers"))
            .collect(),
        Err(_) => vec![64, 4 << 10, 1 << 20, 64 << 20],
    }
}

/// Checks that a bench's output is what it claims to be (every benchmark checks its answer).
fn check_normalish(xs: &[f32]) {
    assert!(xs.iter().all(|x| x.is_finite()));
    if xs.len() >= 4096 {
        let mean = xs.iter().map(|&x| x as f64).sum::<f64>() / xs.len() as f64;
        assert!(mean.abs() < 0.1, "mean {mean}");
    }
}

fn bench_samplers(c: &mut Criterion) {
    let key = Key::new(0x5EED);
    for n in sizes() {
        let mut g = c.benchmark_group(format!("sample/{n}"));
        g.throughput(Throughput::Elements(n as u64));
        if n >= 1 << 24 {
            g.sample_size(10);
        }
        let mut buf = vec![0.0f32; n];
        type F = fn(Key, u64, &mut [f32]) -> Result<(), glorot::Error>;
        let ours: [(&str, F); 3] = [
            ("normal", sample::normal),
            ("truncated_normal", sample::truncated_normal),
            ("uniform", sample::uniform),
        ];
        for (name, f) in ours {
            f(key, 0, &mut buf).unwrap();
            check_normalish(&buf);
            g.bench_function(BenchmarkId::new(name, n), |b| {
                b.iter(|| f(black_box(key), 0, black_box(&mut buf)).unwrap())
            });
        }
        if n <= 1 << 20 {
            g.bench_function(BenchmarkId::new("reference_normal", n), |b| {
                b.iter(|| reference::normal(black_box(key), 0, black_box(&mut buf)).unwrap())
            });
        }
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(0x5EED);
        g.bench_function(BenchmarkId::new("rand_distr_normal", n), |b| {
            b.iter(|| {
                for x in buf.iter_mut() {
                    *x = StandardNormal.sample(&mut rng);
                }
                black_box(&mut buf);
            })
        });
        check_normalish(&buf);
        g.bench_function(BenchmarkId::new("fill_1", n), |b| {
            b.iter(|| black_box(&mut buf[..]).fill(black_box(1.0)))
        });
        g.finish();
    }
}

criterion_group!(benches, bench_samplers);
criterion_main!(benches);

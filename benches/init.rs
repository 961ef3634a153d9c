//! Throughput of each initializer, with `rand_distr::StandardNormal` (f32, from
//! `Xoshiro256PlusPlus`), our own `sample::uniform` and `slice.fill(1.0)` in the same group,
//! so every ratio comes from one run. `GLOROT_BENCH_SIZES=64,4096` picks sizes (default 64,
//! 4 Ki, 1 Mi, 64 Mi); a tensor of `n` elements is given fans `(n/64, 64)`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use glorot::{
    sample, FanMode, Fans, GlorotNormal, GlorotUniform, HeNormal, HeUniform, Initializer,
    KaimingNormal, KaimingUniform, Key, LecunNormal, LecunUniform, RandomNormal, RandomUniform,
    TruncatedNormal, XavierNormal, XavierUniform,
};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::hint::black_box;

fn sizes() -> Vec<usize> {
    match std::env::var("GLOROT_BENCH_SIZES") {
        Ok(s) => s
            .split(',')
            .map(|x| x.trim().parse().expect("numbers"))
            .collect(),
        Err(_) => vec![64, 4 << 10, 1 << 20, 64 << 20],
    }
}

fn bench_initializers(c: &mut Criterion) {
    let key = Key::new(0x5EED);
    let relu = (2.0f64).sqrt();
    let inits: Vec<(&str, Box<dyn Initializer>)> = vec![
        ("glorot_normal", Box::new(GlorotNormal)),
        ("glorot_uniform", Box::new(GlorotUniform)),
        ("he_normal", Box::new(HeNormal)),
        ("he_uniform", Box::new(HeUniform)),
        ("lecun_normal", Box::new(LecunNormal)),
        ("lecun_uniform", Box::new(LecunUniform)),
        (
            "random_normal",
            Box::new(RandomNormal {
                mean: 0.0,
                stddev: 0.05,
            }),
        ),
        (
            "truncated_normal",
            Box::new(TruncatedNormal {
                mean: 0.0,
                stddev: 0.05,
            }),
        ),
        (
            "random_uniform",
            Box::new(RandomUniform {
                minval: -0.05,
                maxval: 0.05,
            }),
        ),
        ("xavier_normal", Box::new(XavierNormal { gain: 1.0 })),
        ("xavier_uniform", Box::new(XavierUniform { gain: 1.0 })),
        (
            "kaiming_normal",
            Box::new(KaimingNormal {
                mode: FanMode::FanIn,
                gain: relu,
            }),
        ),
        (
            "kaiming_uniform",
            Box::new(KaimingUniform {
                mode: FanMode::FanIn,
                gain: relu,
            }),
        ),
    ];
    for n in sizes() {
        let fans = Fans::new((n as u64 / 64).max(1), 64);
        let mut g = c.benchmark_group(format!("init/{n}"));
        g.throughput(Throughput::Elements(n as u64));
        if n >= 1 << 24 {
            g.sample_size(10);
        }
        let mut buf = vec![0.0f32; n];
        for (name, init) in &inits {
            // check the answer: finite, and inside the sampling's bound where it has one
            init.fill(fans, key, 0, &mut buf).unwrap();
            assert!(buf.iter().all(|x| x.is_finite()), "{name}");
            g.bench_function(BenchmarkId::new(*name, n), |b| {
                b.iter(|| {
                    init.fill(black_box(fans), black_box(key), 0, black_box(&mut buf))
                        .unwrap()
                })
            });
        }
        g.bench_function(BenchmarkId::new("sample_uniform", n), |b| {
            b.iter(|| sample::uniform(black_box(key), 0, black_box(&mut buf)).unwrap())
        });
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(0x5EED);
        g.bench_function(BenchmarkId::new("rand_distr_normal", n), |b| {
            b.iter(|| {
                for x in buf.iter_mut() {
                    *x = StandardNormal.sample(&mut rng);
                }
                black_box(&mut buf);
            })
        });
        g.bench_function(BenchmarkId::new("fill_1", n), |b| {
            b.iter(|| black_box(&mut buf[..]).fill(black_box(1.0)))
        });
        g.finish();
    }
}

criterion_group!(benches, bench_initializers);
criterion_main!(benches);

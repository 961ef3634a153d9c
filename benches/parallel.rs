//! One thread against two on the same fill (the chunked contract lets any executor split
//! the work), and `fill(1.0)` on the same threads as the memory bound. Every run checks that
//! the parallel output is bit-identical to the one-thread fill.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use glorot::{sample, Key};
use std::hint::black_box;

#[path = "../examples/support/parallel.rs"]
mod parallel;
use parallel::{fill_parallel, memset_parallel};

fn bench_parallel(c: &mut Criterion) {
    let key = Key::new(0x5EED);
    let sizes = match std::env::var("GLOROT_BENCH_SIZES") {
        Ok(s) => s
            .split(',')
            .map(|x| x.trim().parse().expect("numbers"))
            .collect(),
        Err(_) => vec![4usize << 20, 64 << 20],
    };
    for n in sizes {
        let mut g = c.benchmark_group(format!("parallel/{n}"));
        g.throughput(Throughput::Elements(n as u64));
        g.sample_size(10);
        let mut one = vec![0.0f32; n];
        let mut two = vec![0.0f32; n];
        sample::normal(key, 0, &mut one).unwrap();
        fill_parallel(key, &mut two, 2).unwrap();
        assert!(one
            .iter()
            .zip(&two)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
        for threads in [1, 2] {
            g.bench_function(BenchmarkId::new("normal", threads), |b| {
                b.iter(|| fill_parallel(black_box(key), black_box(&mut two), threads).unwrap())
            });
            g.bench_function(BenchmarkId::new("fill_1", threads), |b| {
                b.iter(|| memset_parallel(black_box(&mut two), threads))
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench_parallel);
criterion_main!(benches);

//! Filling one tensor from several threads with `std::thread::scope` — no thread pool inside
//! `glorot`: the fills are position-addressable, so each thread fills its own slice at its
//! own offset and the result is bit-identical to one call.
//!
//! `cargo run --release --example parallel -- [elements] [threads]` (defaults: 64 Mi, all
//! cores). Reports the time of 1 thread and of `threads` threads, the speed-up, and
//! `fill(1.0)` on the same threads as the memory-bandwidth reference.

use glorot::{sample, Key};
use std::time::Instant;

#[path = "support/parallel.rs"]
mod parallel;
use parallel::{fill_parallel, memset_parallel};

fn best_of<F: FnMut()>(reps: usize, mut f: F) -> f64 {
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(64 << 20);
    let threads: usize = match args.next() {
        Some(s) => s.parse()?,
        None => std::thread::available_parallelism().map_or(2, |n| n.get()),
    };
    let key = Key::new(2024).fold_in(7);
    let mut one = vec![0.0f32; n];
    let mut many = vec![0.0f32; n];
    let reps = if n >= 1 << 24 { 3 } else { 10 };

    let t1 = best_of(reps, || sample::normal(key, 0, &mut one).unwrap());
    let tn = best_of(reps, || fill_parallel(key, &mut many, threads).unwrap());
    let same = one
        .iter()
        .zip(&many)
        .all(|(a, b)| a.to_bits() == b.to_bits());
    let m1 = best_of(reps, || memset_parallel(&mut one, 1));
    let mn = best_of(reps, || memset_parallel(&mut many, threads));

    let rate = |t: f64| n as f64 / t / 1e6;
    println!("normal, {n} elements ({} MiB)", (n * 4) >> 20);
    println!("  1 thread : {:8.1} M samples/s", rate(t1));
    println!(
        "  {threads} threads: {:8.1} M samples/s  (speed-up {:.2}x)",
        rate(tn),
        t1 / tn
    );
    println!("  fill(1.0), 1 thread : {:8.1} M elements/s", rate(m1));
    println!(
        "  fill(1.0), {threads} threads: {:8.1} M elements/s",
        rate(mn)
    );
    println!(
        "  {threads}-thread normal / {threads}-thread fill(1.0): {:.2}",
        mn / tn
    );
    println!("  bit-identical to the one-thread fill: {same}");
    if !same {
        return Err("parallel fill differs from the one-thread fill".into());
    }
    Ok(())
}

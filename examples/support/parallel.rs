//! Shared by `examples/parallel.rs` and `benches/parallel.rs`: one tensor filled from
//! several scoped threads, and `fill(1.0)` the same way as the memory-bandwidth reference.

use glorot::{sample, Key};

/// Fills `out` (elements `0..out.len()` of `key`'s stream) on `threads` threads. Pieces are
/// cut at multiples of `sample::CHUNK`, so no thread repeats another's chunk set-up.
pub fn fill_parallel(key: Key, out: &mut [f32], threads: usize) -> Result<(), glorot::Error> {
    let chunk = sample::CHUNK as usize;
    let per = out.len().div_ceil(threads).div_ceil(chunk) * chunk;
    std::thread::scope(|s| {
        let handles: Vec<_> = out
            .chunks_mut(per.max(chunk))
            .enumerate()
            .map(|(i, part)| s.spawn(move || sample::normal(key, (i * per) as u64, part)))
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().expect("worker panicked"))
    })
}

/// `fill(1.0)` on `threads` threads: how fast memory can be written at all.
pub fn memset_parallel(out: &mut [f32], threads: usize) {
    let per = out.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        for part in out.chunks_mut(per) {
            s.spawn(move || part.fill(1.0));
        }
    });
}

//! Golden-vector checks for wasm32 with simd128 (wide's wasm SIMD path), as a `no_std`
//! cdylib without allocation. `ci/wasm-check.mjs` instantiates it under node and runs every
//! check by index; each check returns 1 (pass) or 0 (fail) and leaves the detail of a
//! failure in `last_*`.
//!
//! Checks, for each entry `e` of `golden/v2.rs` (index `4 * e + k`): `k = 0` first 16 values
//! by the SIMD path (from offset 0 and from offset 5), `k = 1` the same by the reference
//! path, `k = 2` SIMD == reference over the first 4096 values, `k = 3` FNV-1a of the first
//! `HASH_LEN` values filled in blocks of 250. Then two GlorotNormal Dense(100 -> 64) checks:
//! in blocks, and the whole kernel in one call.
#![no_std]

#[cfg(not(target_feature = "simd128"))]
compile_error!("build with -C target-feature=+simd128 (see .cargo/config.toml)");

#[allow(dead_code)]
mod golden {
    include!("../../golden/v2.rs");
}

use core::sync::atomic::{AtomicU64, Ordering::Relaxed};

use glorot::{reference, sample, Error, Fans, GlorotNormal, Initializer, Key};
use golden::{fnv1a_update, Sampler, FNV_OFFSET, GLOROT_DENSE_100_64, GOLDEN, HASH_LEN};

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

const BLOCK: usize = 250;
const CROSS_LEN: u64 = 4096;
const KERNEL: usize = 6400;
const PER_ENTRY: u32 = 4;

static LAST_INDEX: AtomicU64 = AtomicU64::new(u64::MAX);
static LAST_GOT: AtomicU64 = AtomicU64::new(0);
static LAST_WANT: AtomicU64 = AtomicU64::new(0);

type Fill = fn(Key, u64, &mut [f32]) -> Result<(), Error>;

fn simd(s: Sampler) -> Fill {
    match s {
        Sampler::Normal => sample::normal,
        Sampler::TruncatedNormal => sample::truncated_normal,
        Sampler::Uniform => sample::uniform,
    }
}

fn scalar(s: Sampler) -> Fill {
    match s {
        Sampler::Normal => reference::normal,
        Sampler::TruncatedNormal => reference::truncated_normal,
        Sampler::Uniform => reference::uniform,
    }
}

fn fail(index: u64, got: u64, want: u64) -> u32 {
    LAST_INDEX.store(index, Relaxed);
    LAST_GOT.store(got, Relaxed);
    LAST_WANT.store(want, Relaxed);
    0
}

fn pass() -> u32 {
    LAST_INDEX.store(u64::MAX, Relaxed);
    1
}

fn first16(fill: Fill, key: Key, want: &[u32; 16]) -> u32 {
    let mut out = [0.0f32; 16];
    fill(key, 0, &mut out).unwrap();
    if let Some(i) = (0..16).find(|&i| out[i].to_bits() != want[i]) {
        return fail(i as u64, out[i].to_bits() as u64, want[i] as u64);
    }
    let mut out = [0.0f32; 11];
    fill(key, 5, &mut out).unwrap();
    if let Some(i) = (0..11).find(|&i| out[i].to_bits() != want[i + 5]) {
        return fail(i as u64 + 5, out[i].to_bits() as u64, want[i + 5] as u64);
    }
    pass()
}

fn block_hash(fill: Fill, key: Key, len: u64) -> u64 {
    let mut buf = [0.0f32; BLOCK];
    let mut h = FNV_OFFSET;
    let mut off = 0u64;
    while off < len {
        let n = core::cmp::min(BLOCK as u64, len - off) as usize;
        fill(key, off, &mut buf[..n]).unwrap();
        h = fnv1a_update(h, &buf[..n]);
        off += n as u64;
    }
    h
}

fn hash_check(got: u64, want: u64) -> u32 {
    if got == want {
        pass()
    } else {
        fail(u64::MAX - 1, got, want)
    }
}

/// Number of checks.
#[no_mangle]
pub extern "C" fn n_checks() -> u32 {
    GOLDEN.len() as u32 * PER_ENTRY + 2
}

/// For check `i`: the golden entry's sampler (0 normal, 1 truncated, 2 uniform, 3 glorot).
#[no_mangle]
pub extern "C" fn check_sampler(i: u32) -> u32 {
    match GOLDEN.get((i / PER_ENTRY) as usize) {
        Some(g) => g.sampler as u32,
        None => 3,
    }
}

/// For check `i`: the key's seed.
#[no_mangle]
pub extern "C" fn check_seed(i: u32) -> u64 {
    GOLDEN
        .get((i / PER_ENTRY) as usize)
        .map_or(GLOROT_DENSE_100_64.seed, |g| g.seed)
}

/// For check `i`: the key's stream.
#[no_mangle]
pub extern "C" fn check_stream(i: u32) -> u64 {
    GOLDEN
        .get((i / PER_ENTRY) as usize)
        .map_or(GLOROT_DENSE_100_64.stream, |g| g.stream)
}

/// How many values the long-run hashes cover.
#[no_mangle]
pub extern "C" fn hash_len() -> u64 {
    HASH_LEN
}

/// After a failed check: the element index (u64::MAX - 1 for a hash), the bits got and
/// wanted.
#[no_mangle]
pub extern "C" fn last_index() -> u64 {
    LAST_INDEX.load(Relaxed)
}

/// See [`last_index`].
#[no_mangle]
pub extern "C" fn last_got() -> u64 {
    LAST_GOT.load(Relaxed)
}

/// See [`last_index`].
#[no_mangle]
pub extern "C" fn last_want() -> u64 {
    LAST_WANT.load(Relaxed)
}

/// Runs check `i`: 1 pass, 0 fail.
#[no_mangle]
pub extern "C" fn check(i: u32) -> u32 {
    let e = (i / PER_ENTRY) as usize;
    if let Some(g) = GOLDEN.get(e) {
        let key = Key::with_stream(g.seed, g.stream);
        return match i % PER_ENTRY {
            0 => first16(simd(g.sampler), key, &g.first16),
            1 => first16(scalar(g.sampler), key, &g.first16),
            2 => {
                let (mut a, mut b) = ([0.0f32; BLOCK], [0.0f32; BLOCK]);
                let mut off = 0;
                while off < CROSS_LEN {
                    simd(g.sampler)(key, off, &mut a).unwrap();
                    scalar(g.sampler)(key, off, &mut b).unwrap();
                    if let Some(j) = (0..BLOCK).find(|&j| a[j].to_bits() != b[j].to_bits()) {
                        return fail(off + j as u64, a[j].to_bits() as u64, b[j].to_bits() as u64);
                    }
                    off += BLOCK as u64;
                }
                pass()
            }
            _ => hash_check(block_hash(simd(g.sampler), key, HASH_LEN), g.hash_1m),
        };
    }
    let gi = &GLOROT_DENSE_100_64;
    let key = Key::with_stream(gi.seed, gi.stream);
    let fans = Fans::new(gi.fan_in, gi.fan_out);
    match i - GOLDEN.len() as u32 * PER_ENTRY {
        0 => {
            let fill: Fill = |k, off, out| GlorotNormal.fill(Fans::new(100, 64), k, off, out);
            let r = first16(fill, key, &gi.first16);
            if r == 0 {
                return r;
            }
            hash_check(block_hash(fill, key, KERNEL as u64), gi.hash)
        }
        1 => {
            let mut w = [0.0f32; KERNEL];
            GlorotNormal.fill(fans, key, 0, &mut w).unwrap();
            hash_check(fnv1a_update(FNV_OFFSET, &w), gi.hash)
        }
        _ => fail(u64::MAX, 0, 0),
    }
}

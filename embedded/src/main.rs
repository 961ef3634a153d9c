//! Golden-vector check on a Cortex-M core (run in QEMU by `ci/cortex-m.sh`).
//!
//! For every entry of `golden/v2.rs`: the first 16 values (SIMD and reference paths, from
//! offset 0 and from an inner offset), the FNV-1a hash of the first `HASH_LEN` values filled
//! in blocks at increasing offsets (no heap, static buffers only), and SIMD == reference over
//! a shorter run; and the `GlorotNormal` Dense(100 -> 64) kernel (6400 values) against
//! `GLOROT_DENSE_100_64`, filled block by block and, where RAM allows (not on the 16 KiB
//! micro:bit), into one static 6400-value buffer in a single call. Prints one line per check
//! over semihosting; exits with failure on any mismatch or panic.
#![no_std]
#![no_main]

#[allow(dead_code)]
mod golden {
    include!("../../golden/v2.rs");
}

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use glorot::{reference, sample, Error, Fans, GlorotNormal, Initializer, Key};
use glorot_firmware::{exit, paint_all, stack_high_water};
use golden::{fnv1a_update, Sampler, FNV_OFFSET, GLOROT_DENSE_100_64, GOLDEN, HASH_LEN};

/// Block size for the long runs: deliberately not a multiple of the library's chunk, so
/// blocks start and end inside chunks.
const BLOCK: usize = 250;
/// How many values the SIMD path is compared with the reference path on the device.
const CROSS_LEN: u64 = 4096;
/// Elements of the Dense(100 -> 64) kernel.
const KERNEL: usize = 6400;

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

fn name(s: Sampler) -> &'static str {
    match s {
        Sampler::Normal => "normal",
        Sampler::TruncatedNormal => "truncated_normal",
        Sampler::Uniform => "uniform",
    }
}

struct Tally {
    passed: u32,
    failed: u32,
}

impl Tally {
    fn check(&mut self, ok: bool) -> &'static str {
        if ok {
            self.passed += 1;
            "PASS"
        } else {
            self.failed += 1;
            "FAIL"
        }
    }
}

/// Index of the first element where `got` and `want` differ in bits.
fn first_diff(got: &[f32], want: &[u32]) -> Option<usize> {
    got.iter().zip(want).position(|(g, w)| g.to_bits() != *w)
}

/// FNV-1a of elements `0..len` of `fill`'s stream, filled `BLOCK` values at a time.
fn block_hash(fill: Fill, key: Key, len: u64, buf: &mut [f32; BLOCK]) -> u64 {
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

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    hprintln!("PANIC: {}", info);
    exit(false)
}

#[entry]
fn main() -> ! {
    static mut A: [f32; BLOCK] = [0.0; BLOCK];
    static mut B: [f32; BLOCK] = [0.0; BLOCK];
    // cortex-m-rt turns these into `&'static mut` (safe: `main` runs once).
    #[cfg(big_ram)]
    static mut W: [f32; KERNEL] = [0.0; KERNEL];
    let (a, b) = (A, B);
    paint_all();
    let mut t = Tally {
        passed: 0,
        failed: 0,
    };

    for g in GOLDEN {
        let key = Key::with_stream(g.seed, g.stream);
        let label = name(g.sampler);

        // First 16 values, both paths, from offset 0 and from offset 5.
        for (path, fill) in [("simd", simd(g.sampler)), ("reference", scalar(g.sampler))] {
            let out = &mut a[..16];
            fill(key, 0, out).unwrap();
            let d0 = first_diff(out, &g.first16);
            let out = &mut a[..11];
            fill(key, 5, out).unwrap();
            let d5 = first_diff(out, &g.first16[5..]);
            let r = t.check(d0.is_none() && d5.is_none());
            hprintln!(
                "{} {} seed={:#x} stream={} {} first16",
                r,
                label,
                g.seed,
                g.stream,
                path
            );
            if let Some(i) = d0 {
                hprintln!(
                    "  element {}: got {:#010x} want {:#010x}",
                    i,
                    a[i].to_bits(),
                    g.first16[i]
                );
            }
            if let Some(i) = d5 {
                hprintln!(
                    "  (offset 5) element {}: want {:#010x}",
                    i + 5,
                    g.first16[i + 5]
                );
            }
        }

        // SIMD == reference over the first CROSS_LEN values, block by block.
        let mut off = 0u64;
        let mut diff = None;
        while off < CROSS_LEN && diff.is_none() {
            simd(g.sampler)(key, off, &mut a[..]).unwrap();
            scalar(g.sampler)(key, off, &mut b[..]).unwrap();
            if let Some(i) = a
                .iter()
                .zip(b.iter())
                .position(|(x, y)| x.to_bits() != y.to_bits())
            {
                diff = Some((off + i as u64, a[i].to_bits(), b[i].to_bits()));
            }
            off += BLOCK as u64;
        }
        let r = t.check(diff.is_none());
        hprintln!(
            "{} {} seed={:#x} stream={} simd==reference n={}",
            r,
            label,
            g.seed,
            g.stream,
            off
        );
        if let Some((i, s, f)) = diff {
            hprintln!("  element {}: simd {:#010x} reference {:#010x}", i, s, f);
        }

        // The long-run hash, SIMD path, in blocks.
        let h = block_hash(simd(g.sampler), key, HASH_LEN, a);
        let r = t.check(h == g.hash_1m);
        hprintln!(
            "{} {} seed={:#x} stream={} fnv1a(first {})={:#018x} want {:#018x}",
            r,
            label,
            g.seed,
            g.stream,
            HASH_LEN,
            h,
            g.hash_1m
        );
    }

    // GlorotNormal, Dense(100 -> 64), key (42, 0).
    let gi = &GLOROT_DENSE_100_64;
    assert_eq!(gi.fan_in * gi.fan_out, KERNEL as u64);
    let key = Key::with_stream(gi.seed, gi.stream);
    let fans = Fans::new(gi.fan_in, gi.fan_out);
    let glorot_block: Fill = |k, off, out| GlorotNormal.fill(Fans::new(100, 64), k, off, out);
    let h = block_hash(glorot_block, key, KERNEL as u64, a);
    GlorotNormal.fill(fans, key, 0, &mut a[..16]).unwrap();
    let d = first_diff(&a[..16], &gi.first16);
    let r = t.check(h == gi.hash && d.is_none());
    hprintln!(
        "{} GlorotNormal Dense({}->{}) in blocks of {}: fnv1a={:#018x} want {:#018x}, first16 {}",
        r,
        gi.fan_in,
        gi.fan_out,
        BLOCK,
        h,
        gi.hash,
        if d.is_none() { "ok" } else { "DIFFER" }
    );
    if let Some(i) = d {
        hprintln!(
            "  element {}: got {:#010x} want {:#010x}",
            i,
            a[i].to_bits(),
            gi.first16[i]
        );
    }
    #[cfg(big_ram)]
    {
        let w: &mut [f32; KERNEL] = W;
        GlorotNormal.fill(fans, key, 0, w).unwrap();
        let h = fnv1a_update(FNV_OFFSET, w);
        let d = first_diff(&w[..16], &gi.first16);
        let r = t.check(h == gi.hash && d.is_none());
        hprintln!(
            "{} GlorotNormal Dense({}->{}) whole kernel in one call: fnv1a={:#018x} want {:#018x}",
            r,
            gi.fan_in,
            gi.fan_out,
            h,
            gi.hash
        );
    }

    hprintln!("stack high water {} B", stack_high_water());
    hprintln!("firmware: {} passed, {} failed", t.passed, t.failed);
    exit(t.failed == 0)
}

//! Footprint probe: what the library adds to a firmware. Built once without any library
//! call (no `fp-*` feature) and once per set of calls (`fp-normal`, `fp-truncated`,
//! `fp-uniform`, `fp-glorot`); `ci/cortex-m.sh` diffs `arm-none-eabi-size -A` of the two.
//! Each linked call is run once under a stack probe (peak bytes below the caller's stack
//! pointer) and timed with SysTick, which counts instructions when QEMU runs with
//! `-icount shift=0` (calibrated against a loop of known length). No `core::fmt`: output is
//! written with a hand-rolled integer printer so the baseline stays minimal.
#![no_std]
#![no_main]

use cortex_m::peripheral::{syst::SystClkSource, SYST};
use cortex_m_rt::entry;
use cortex_m_semihosting::hio;
use glorot_firmware::exit;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    exit(false)
}

/// Values per timed call (fits the 16 KiB micro:bit with room for the stack).
const N: usize = 1024;

fn put(s: &[u8]) {
    if let Ok(mut out) = hio::hstdout() {
        let _ = out.write_all(s);
    }
}

fn put_u64(mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    put(&buf[i..]);
}

/// SysTick ticks elapsed while running `f` (24-bit down-counter, so at most 2^24 - 1).
fn ticks(f: &mut dyn FnMut()) -> u64 {
    let start = SYST::get_current();
    core::hint::black_box(f)();
    let end = SYST::get_current();
    (start.wrapping_sub(end) & 0x00ff_ffff) as u64
}

/// Ticks of a loop of `2 * n` instructions (`subs` + `bne`).
fn calibrate(n: u32) -> u64 {
    ticks(&mut || {
        // SAFETY: a register-only countdown loop; touches no memory and no flags that
        // outlive it.
        unsafe {
            core::arch::asm!("2:", "subs {0}, #1", "bne 2b", inout(reg) n => _, options(nomem, nostack));
        }
    })
}

#[allow(dead_code)]
struct Probe {
    cal_insns: u64,
    cal_ticks: u64,
    ok: bool,
}

impl Probe {
    #[allow(dead_code)]
    fn run(&mut self, name: &[u8], f: &mut dyn FnMut() -> bool) {
        let mut ok = false;
        let stack = glorot_firmware::stack_peak(&mut || ok = f());
        let t = ticks(&mut || {
            core::hint::black_box(f());
        });
        self.ok &= ok;
        put(name);
        put(b": stack ");
        put_u64(stack as u64);
        put(b" B");
        if self.cal_ticks > 0 {
            // instructions per value, times 10, rounded
            let x10 = (t * self.cal_insns * 10 + self.cal_ticks * N as u64 / 2)
                / (self.cal_ticks * N as u64);
            put(b", insn/value ");
            put_u64(x10 / 10);
            put(b".");
            put_u64(x10 % 10);
        }
        put(if ok { b" ok\n" } else { b" ERROR\n" });
    }
}

#[entry]
fn main() -> ! {
    static mut BUF: [f32; N] = [0.0; N];
    let buf: &'static mut [f32; N] = BUF;
    let mut syst = cortex_m::Peripherals::take().unwrap().SYST;
    syst.set_clock_source(SystClkSource::Core);
    syst.set_reload(0x00ff_ffff);
    syst.clear_current();
    syst.enable_counter();
    let cal_insns = 2 * 200_000;
    let p = &mut Probe {
        cal_insns,
        cal_ticks: calibrate(200_000),
        ok: true,
    };
    put(b"footprint probe: calibration ");
    put_u64(p.cal_ticks);
    put(b" ticks\n");

    let key = core::hint::black_box(glorot::Key::with_stream(1, 2));
    let _ = &key;
    // Fans from a shape known only at run time, as in a firmware that initialises several
    // layers: with constant fans LTO would fold part of the f64 parameter math away.
    let fans = core::hint::black_box(glorot::Fans::new(100, 64));
    let _ = &fans;
    // The baseline runs the probe machinery too (on a call that does nothing), so that its
    // code is not counted as the library's.
    #[cfg(not(any(
        feature = "fp-normal",
        feature = "fp-truncated",
        feature = "fp-uniform",
        feature = "fp-glorot",
        feature = "fp-seeded"
    )))]
    p.run(b"no call", &mut || {
        core::hint::black_box(&mut buf[..]);
        true
    });
    #[cfg(feature = "fp-normal")]
    p.run(b"sample::normal", &mut || {
        glorot::sample::normal(key, 0, &mut buf[..]).is_ok()
    });
    #[cfg(feature = "fp-truncated")]
    p.run(b"sample::truncated_normal", &mut || {
        glorot::sample::truncated_normal(key, 0, &mut buf[..]).is_ok()
    });
    #[cfg(feature = "fp-uniform")]
    p.run(b"sample::uniform", &mut || {
        glorot::sample::uniform(key, 0, &mut buf[..]).is_ok()
    });
    #[cfg(feature = "fp-glorot")]
    p.run(b"GlorotNormal(100,64)", &mut || {
        use glorot::Initializer;
        glorot::GlorotNormal
            .fill(fans, key, 0, &mut buf[..])
            .is_ok()
    });

    // A seeded 16 → 64 GlorotNormal layer (1024 weights, regenerated into `buf`): its
    // instructions per value are per weight, the multiply-add included.
    #[cfg(feature = "fp-seeded")]
    p.run(b"seeded::Dense(16,64)", &mut || {
        let (n_in, n_out) = core::hint::black_box((16usize, 64usize));
        let x = core::hint::black_box([0.5f32; 16]);
        let mut y = [0.0f32; 64];
        let ok = glorot::seeded::Dense::new(glorot::GlorotNormal, n_in, n_out, key)
            .and_then(|layer| layer.forward(&x, &mut y, &mut buf[..]))
            .is_ok();
        core::hint::black_box(&y);
        ok
    });

    // The buffer is used in every variant, so it is not counted as the library's.
    core::hint::black_box(&mut buf[..]);
    exit(p.ok)
}

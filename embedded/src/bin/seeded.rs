//! The seeded-layer demo on a Cortex-M4F (QEMU mps2-an386): the random-feature digit
//! classifier of `examples/seeded/` (its `model.rs` and generated `readout.rs` are
//! included), run over the 397 test digits (`test.bin`, in flash).
//!
//! The hidden layer's 65 × 512 weights are never stored: `glorot::seeded::Dense`
//! regenerates them from the seed at every inference into a 1024-value scratch buffer. The
//! readout (513 × 10 `f32`) is in flash. Prints the same lines as the host example
//! (accuracy and an FNV-1a hash of all logits), then the same model with the hidden kernel
//! stored (materialised once in RAM), and the emulated instructions per inference of both
//! (SysTick under QEMU `-icount shift=0`, calibrated by a loop of known length, as
//! `src/bin/footprint.rs` does). `ci/seeded.sh` checks the lines against the host's.
#![no_std]
#![no_main]

use cortex_m::peripheral::{syst::SystClkSource, SYST};
use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use glorot::{Fans, GlorotNormal, Initializer, Key};
use glorot_firmware::{exit, paint_all, stack_high_water};

#[path = "../../../examples/seeded/model.rs"]
#[allow(dead_code)]
mod model;
#[path = "../../../examples/seeded/readout.rs"]
mod readout;

use model::{CLASSES, HIDDEN, INPUTS, RECORD};

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    hprintln!("panic: {}", info);
    exit(false)
}

static TEST: &[u8] = include_bytes!("../../../examples/seeded/test.bin");

/// SysTick ticks elapsed while running `f` (24-bit down-counter).
fn ticks<R>(f: impl FnOnce() -> R) -> (R, u64) {
    let start = SYST::get_current();
    let r = core::hint::black_box(f());
    let end = SYST::get_current();
    (r, (start.wrapping_sub(end) & 0x00ff_ffff) as u64)
}

/// Ticks of a loop of `2 * n` instructions (`subs` + `bne`).
fn calibrate(n: u32) -> u64 {
    ticks(|| {
        // SAFETY: a register-only countdown loop; touches no memory and no flags that
        // outlive it.
        unsafe {
            core::arch::asm!("2:", "subs {0}, #1", "bne 2b", inout(reg) n => _, options(nomem, nostack));
        }
    })
    .1
}

/// Runs the test set with `hidden` computing the hidden layer; prints the result line and
/// returns (ticks in `hidden`, ticks per whole inference) summed over the test set.
fn run(
    name: &str,
    mut hidden: impl FnMut(&[f32; INPUTS], &mut [f32; HIDDEN]) -> bool,
) -> (u64, u64) {
    let (mut correct, mut total, mut fnv) = (0usize, 0usize, model::Fnv::new());
    let (mut t_hidden, mut t_all) = (0u64, 0u64);
    let mut h = [0.0f32; HIDDEN];
    let mut logits = [0.0f32; CLASSES];
    for r in TEST.chunks_exact(RECORD) {
        let (ok, t) = ticks(|| {
            let x = model::input(&r[..RECORD - 1]);
            let (ok, t) = ticks(|| hidden(&x, &mut h));
            model::logits(&h, &readout::READOUT, &mut logits);
            (ok, t)
        });
        if !ok.0 {
            hprintln!("{}: hidden layer failed", name);
            exit(false);
        }
        t_hidden += ok.1;
        t_all += t;
        fnv.logits(&logits);
        correct += usize::from(model::argmax(&logits) == r[RECORD - 1] as usize);
        total += 1;
    }
    hprintln!(
        "{}: test correct {}/{} logits fnv1a {:016x}",
        name,
        correct,
        total,
        fnv.0
    );
    (t_hidden, t_all)
}

#[entry]
fn main() -> ! {
    static mut SCRATCH: [f32; 1024] = [0.0; 1024];
    static mut KERNEL: [f32; INPUTS * HIDDEN] = [0.0; INPUTS * HIDDEN];
    let scratch: &'static mut [f32; 1024] = SCRATCH;
    let kernel: &'static mut [f32; INPUTS * HIDDEN] = KERNEL;
    paint_all();
    let mut syst = cortex_m::Peripherals::take().unwrap().SYST;
    syst.set_clock_source(SystClkSource::Core);
    syst.set_reload(0x00ff_ffff);
    syst.clear_current();
    syst.enable_counter();
    let cal_insns = 2 * 200_000u64;
    let cal_ticks = calibrate(200_000);

    let layer = match model::layer(core::hint::black_box(readout::SEED)) {
        Ok(l) => l,
        Err(e) => {
            hprintln!("layer: {}", e);
            exit(false)
        }
    };
    let seeded = run("seeded", |x, h| {
        model::hidden_seeded(&layer, x, h, &mut scratch[..]).is_ok()
    });
    let stack = stack_high_water();

    // The same model with the hidden kernel stored: materialised once, then a plain matvec.
    let fans = Fans::new(INPUTS as u64, HIDDEN as u64);
    if GlorotNormal
        .fill(fans, Key::new(readout::SEED), 0, &mut kernel[..])
        .is_err()
    {
        exit(false);
    }
    let stored = run("stored", |x, h| {
        model::hidden_stored(&kernel[..], x, h);
        true
    });

    let n = (TEST.len() / RECORD) as u64;
    let per = |t: u64| (t * cal_insns + cal_ticks * n / 2) / (cal_ticks * n);
    hprintln!(
        "insn/inference (emulated): seeded hidden layer {} (whole inference {}), stored hidden layer {} (whole inference {})",
        per(seeded.0),
        per(seeded.1),
        per(stored.0),
        per(stored.1)
    );
    hprintln!("stack high water {} B (seeded run)", stack);
    exit(true)
}

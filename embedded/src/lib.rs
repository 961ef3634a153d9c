//! Support shared by the firmware binaries: exit over semihosting and a stack
//! high-water-mark probe. Each binary brings its own panic handler (the footprint one must
//! not pull in `core::fmt`), and every panic handler exits with failure.
#![no_std]

use core::ptr;

use cortex_m_semihosting::debug;

/// Ends the QEMU run: exit status 0 when `ok`, 1 otherwise.
pub fn exit(ok: bool) -> ! {
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    // Only reached without a semihosting host (a real board): park.
    loop {
        cortex_m::asm::bkpt();
    }
}

const PAINT: u32 = 0xC5A5_5A5C;

extern "C" {
    /// End of .bss/.uninit (cortex-m-rt's link.x): the lowest address the stack may reach.
    static __sheap: u32;
}

/// Runs `f` and returns the peak number of stack bytes it used below the caller's stack
/// pointer (its own call frame included), measured by painting the free stack first.
#[inline(never)]
pub fn stack_peak(f: &mut dyn FnMut()) -> usize {
    let bottom = ptr::addr_of!(__sheap) as usize;
    let sp = cortex_m::register::msp::read() as usize;
    // This function's frame is complete (no dynamic allocas on ARM) and interrupts are off,
    // so nothing below `sp` is live; keep a few words of margin anyway.
    let top = (sp - 16) & !3;
    let mut p = bottom;
    while p < top {
        // SAFETY: [bottom, top) is free stack RAM between the end of .bss and the current
        // stack pointer; no Rust object lives there and no interrupt can run.
        unsafe { ptr::write_volatile(p as *mut u32, PAINT) };
        p += 4;
    }
    // black_box keeps LTO from devirtualizing/inlining `f` into this frame.
    (core::hint::black_box(f))();
    let mut p = bottom;
    // SAFETY: the same free stack RAM as above, read back word by word.
    while p < top && unsafe { ptr::read_volatile(p as *const u32) } == PAINT {
        p += 4;
    }
    sp - p
}

/// Total stack bytes the run has used so far at most: paint once at start with
/// [`paint_all`], read with this at the end.
pub fn stack_high_water() -> usize {
    extern "C" {
        static _stack_start: u32;
    }
    let bottom = ptr::addr_of!(__sheap) as usize;
    let top = ptr::addr_of!(_stack_start) as usize;
    let mut p = bottom;
    // SAFETY: [bottom, top) is the stack region; reading it is always sound on this MCU.
    while p < top && unsafe { ptr::read_volatile(p as *const u32) } == PAINT {
        p += 4;
    }
    top - p
}

/// Paints the free stack below the current stack pointer (see [`stack_high_water`]).
#[inline(never)]
pub fn paint_all() {
    let bottom = ptr::addr_of!(__sheap) as usize;
    let sp = cortex_m::register::msp::read() as usize;
    let top = (sp - 64) & !3;
    let mut p = bottom;
    while p < top {
        // SAFETY: as in `stack_peak`: free stack RAM below the live frames.
        unsafe { ptr::write_volatile(p as *mut u32, PAINT) };
        p += 4;
    }
}

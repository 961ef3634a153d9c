//! Links `glorot` into a `#![no_std]`, `#![no_main]` executable with no C runtime
//! (`-nostartfiles`; only `memcpy`/`memset` from libc), proving the library needs nothing beyond `core`.
#![no_std]
#![no_main]

use core::panic::PanicInfo;

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {}
}

/// The precompiled `core` refers to the unwinding personality even under `panic = "abort"`;
/// it is never called. (`memcpy` and friends come from the C library, as in firmware they
/// come from `compiler_builtins`.)
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}

static mut WEIGHTS: [f32; 6400] = [0.0; 6400];

#[no_mangle]
pub extern "C" fn _start() -> ! {
    // SAFETY: single-threaded freestanding entry point; nothing else touches WEIGHTS.
    let w = unsafe { &mut *core::ptr::addr_of_mut!(WEIGHTS) };
    let key = glorot::Key::new(1);
    let ok = glorot::sample::normal(key, 0, w).is_ok()
        && glorot::sample::truncated_normal(key, 0, w).is_ok()
        && glorot::sample::uniform(key, 0, w).is_ok();
    core::hint::black_box(ok);
    loop {}
}

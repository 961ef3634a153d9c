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
    #[cfg(feature = "ndarray")]
    let ok = ok && with_ndarray::run(key, w);
    core::hint::black_box(ok);
    loop {}
}

/// `glorot::ndarray` in the freestanding binary: a strided view filled in place, and an owned
/// array from `init` (allocated by the bump allocator below).
#[cfg(feature = "ndarray")]
mod with_ndarray {
    use core::alloc::{GlobalAlloc, Layout};
    use core::sync::atomic::{AtomicUsize, Ordering};
    use glorot::{GlorotNormal, Key};

    const HEAP_SIZE: usize = 64 * 1024;
    #[repr(align(16))]
    struct Heap(core::cell::UnsafeCell<[u8; HEAP_SIZE]>);
    // SAFETY: the bytes are only handed out by `Bump::alloc`, each range once.
    unsafe impl Sync for Heap {}
    static HEAP: Heap = Heap(core::cell::UnsafeCell::new([0; HEAP_SIZE]));

    /// Never frees: enough for a link check that allocates a few small arrays.
    struct Bump(AtomicUsize);
    // SAFETY: each allocation is a distinct, suitably aligned range inside HEAP (the atomic
    // bump hands out every byte at most once), or null when the heap is exhausted.
    unsafe impl GlobalAlloc for Bump {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let base = HEAP.0.get() as usize;
            let mut start = 0;
            let claimed = self
                .0
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |used| {
                    start = (base + used).next_multiple_of(layout.align()) - base;
                    let end = start.checked_add(layout.size())?;
                    (end <= HEAP_SIZE).then_some(end)
                });
            match claimed {
                Ok(_) => (base + start) as *mut u8,
                Err(_) => core::ptr::null_mut(),
            }
        }
        unsafe fn dealloc(&self, _: *mut u8, _: Layout) {}
    }

    #[global_allocator]
    static ALLOC: Bump = Bump(AtomicUsize::new(0));

    pub fn run(key: Key, w: &mut [f32]) -> bool {
        let Ok(mut a) = ndarray::ArrayViewMut2::from_shape((80, 80), w) else {
            return false;
        };
        let filled = glorot::ndarray::fill(
            &GlorotNormal,
            glorot::Layout::Keras,
            key,
            &mut a.view_mut().reversed_axes(),
        )
        .is_ok();
        let owned = glorot::ndarray::init(&GlorotNormal, (16, 8), glorot::Layout::Keras, key);
        filled && owned.is_ok_and(|o| o.len() == 128)
    }
}

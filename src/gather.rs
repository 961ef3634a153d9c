//! Table lookups for the SIMD kernels: the ziggurat layer `(w, k)` of each lane's draw.
//!
//! The only module with `unsafe` code: with AVX2 enabled at compile time (e.g.
//! `-C target-cpu=x86-64-v3`), two hardware gathers replace sixteen scalar loads and the
//! shuffles that assemble them (measured in `benches/sample.rs`). Every other target uses
//! the portable version. Both return the same bits — they read the same table entries —
//! and the tests below compare them for every layer index.
#![allow(unsafe_code)]

use wide::{f32x8, i32x8, u32x8};

use crate::ziggurat::Layer;

/// `(w, k as i32)` of `layers[r & 0xff]` for each lane, with AVX2 gathers.
#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
#[inline(always)]
pub(crate) fn lookup(r: u32x8, layers: &[Layer; 256]) -> (f32x8, i32x8) {
    use core::arch::x86_64::{__m256i, _mm256_i32gather_epi32, _mm256_i32gather_ps};
    let idx = __m256i::from(r & u32x8::splat(0xff));
    let base = layers.as_ptr();
    // SAFETY: every index is in 0..256 (masked above) and scaled by 8 = size_of::<Layer>(),
    // so each read is `layers[i].w` (offset 0) or `layers[i].k` (offset 4) of an element of
    // the 256-entry table: in bounds, aligned to 4, initialised. `Layer` is `repr(C)`
    // { f32, u32 }, so those offsets are exact. AVX2 is enabled at compile time (cfg above).
    let (w, k) = unsafe {
        (
            _mm256_i32gather_ps::<8>(base.cast::<f32>(), idx),
            _mm256_i32gather_epi32::<8>(base.cast::<i32>().add(1), idx),
        )
    };
    (f32x8::from(w), i32x8::from(k))
}

/// `(w, k as i32)` of `layers[r & 0xff]` for each lane, portable.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "avx2"), allow(dead_code))]
#[inline(always)]
pub(crate) fn lookup_portable(r: u32x8, layers: &[Layer; 256]) -> (f32x8, i32x8) {
    // The low byte of each lane, read from the draw's bytes (little-endian lanes).
    let bytes: [u8; 32] = wide::bytemuck::cast(r);
    let sel: [Layer; 8] = core::array::from_fn(|l| layers[bytes[4 * l] as usize]);
    (
        f32x8::new(core::array::from_fn(|l| sel[l].w)),
        i32x8::new(core::array::from_fn(|l| sel[l].k as i32)),
    )
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "avx2")))]
pub(crate) use lookup_portable as lookup;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ziggurat::{NORM, TRUNC};

    #[test]
    fn lookup_reads_the_layer_of_every_index_in_every_lane() {
        for layers in [&NORM, &TRUNC] {
            for i in 0..256u32 {
                // high bits set too: only the low byte may select the layer
                let r = u32x8::new(core::array::from_fn(|l| {
                    ((i + 37 * l as u32) & 0xff) | (0xABCD_E000 ^ (l as u32) << 12)
                }));
                let (w, k) = lookup(r, layers);
                let (pw, pk) = lookup_portable(r, layers);
                assert_eq!(
                    w.to_array().map(f32::to_bits),
                    pw.to_array().map(f32::to_bits)
                );
                assert_eq!(k.to_array(), pk.to_array());
                for (l, &ri) in r.to_array().iter().enumerate() {
                    let want = layers[(ri & 0xff) as usize];
                    assert_eq!(w.to_array()[l].to_bits(), want.w.to_bits());
                    assert_eq!(k.to_array()[l], want.k as i32);
                }
            }
        }
    }
}

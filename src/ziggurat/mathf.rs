//! `expf` and `log1pf` as stream v2 specifies them (docs/STREAM.md §12), owned by glorot.
//!
//! The wedge tests and the tail depend on the last bit of these two functions, and neither
//! is correctly rounded, so their algorithm is part of the stream. They were the `libm`
//! crate's (0.2.16: FreeBSD msun's `e_expf.c`, and musl's `log1pf.c` — which `libm` labels
//! FreeBSD's `s_log1pf.c`, a different algorithm today); a later `libm`
//! release, or the x87 routine `libm` selects on x86 without SSE, could change a bit of a
//! weight. Here they are written out once, restricted to the domains the samplers use —
//! `expf(x)` for `-8 < x <= 0`, `log1pf(x)` for `-1 < x <= 0` — and tested equal to `libm`
//! 0.2.16 on every `f32` of those domains (`exhaustive_*`, ignored, run by `.ci/run`) and to
//! the known-answer vectors of `golden/kat-v2.json`.
//!
//! Outside those domains the results are unspecified (no panic; glorot never calls them
//! there).
//!
//! ```text
//! Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//! Developed at SunPro, a Sun Microsystems, Inc. business. Permission to use, copy,
//! modify, and distribute this software is freely granted, provided that this notice
//! is preserved.
//! ```

/// `e^x` for `-8 < x <= 0`, bit for bit FreeBSD msun's `expf` (STREAM.md §12).
#[inline(never)]
pub(crate) fn expf(x: f32) -> f32 {
    const LN2_HI: f32 = f32::from_bits(0x3F31_7200);
    const LN2_LO: f32 = f32::from_bits(0x35BF_BE8E);
    const INV_LN2: f32 = f32::from_bits(0x3FB8_AA3B);
    const P1: f32 = f32::from_bits(0x3E2A_AA8F);
    const P2: f32 = f32::from_bits(0xBB35_5215);
    let hx = x.to_bits() & 0x7FFF_FFFF;
    let (k, hi, lo, x) = if hx > 0x3EB1_7218 {
        // |x| > ln2 / 2. `x` is negative here: FreeBSD's `HALF[sign]` is -0.5 and
        // `1 - sign - sign` is -1.
        let k = if hx > 0x3F85_1592 {
            // |x| > 1.5 ln2; `as` truncates toward zero, as C's conversion does.
            (INV_LN2 * x - 0.5) as i32
        } else {
            -1
        };
        let kf = k as f32;
        let hi = x - kf * LN2_HI; // exact
        let lo = kf * LN2_LO;
        (k, hi, lo, hi - lo)
    } else if hx > 0x3900_0000 {
        // 2^-14 < |x| <= ln2 / 2
        (0, x, 0.0, x)
    } else {
        return 1.0 + x;
    };
    let xx = x * x;
    let c = x - xx * (P1 + xx * P2);
    let y = 1.0 + (x * c / (2.0 - c) - lo + hi);
    if k == 0 {
        y
    } else {
        // y * 2^k, k in -12..=-1 here: 2^k is a normal f32 and y * 2^k is exact (the result
        // is at least e^-8, far from the subnormals).
        y * f32::from_bits(((0x7F + k) as u32) << 23)
    }
}

/// `ln(1 + x)` for `-1 < x <= 0`, bit for bit musl's `log1pf` (STREAM.md §12).
#[inline(never)]
pub(crate) fn log1pf(x: f32) -> f32 {
    const LN2_HI: f32 = f32::from_bits(0x3F31_7180);
    const LN2_LO: f32 = f32::from_bits(0x3717_F7D1);
    const LG1: f32 = f32::from_bits(0x3F2A_AAAA);
    const LG2: f32 = f32::from_bits(0x3ECC_CE13);
    const LG3: f32 = f32::from_bits(0x3E91_E9EE);
    const LG4: f32 = f32::from_bits(0x3E78_9E26);
    let ix = x.to_bits();
    if ix << 1 < 0x3380_0000 << 1 {
        // |x| < 2^-24, -0.0 and 0.0 included
        return x;
    }
    let (k, c, f) = if ix <= 0xBE95_F619 {
        // sqrt(2)/2 - 1 <= x
        (0, 0.0, x)
    } else {
        let u = 1.0 + x;
        let iu = u.to_bits() + (0x3F80_0000 - 0x3F35_04F3);
        let k = (iu >> 23) as i32 - 0x7F;
        let c = if k < 25 {
            let c = if k >= 2 { 1.0 - (u - x) } else { x - (u - 1.0) };
            c / u
        } else {
            0.0
        };
        (k, c, f32::from_bits((iu & 0x007F_FFFF) + 0x3F35_04F3) - 1.0)
    };
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * LG4);
    let t2 = z * (LG1 + w * LG3);
    let r = t2 + t1;
    let hfsq = 0.5 * f * f;
    let dk = k as f32;
    s * (hfsq + r) + (dk * LN2_LO + c) - hfsq + f + dk * LN2_HI
}

#[cfg(test)]
mod tests {
    use super::{expf, log1pf};

    /// Every `step`-th `f32` bit pattern of the negative numbers below `below` (the bits of
    /// `-0.0` up to those of `below`, exclusive), and `+0.0`.
    fn negatives(below: f32, step: usize) -> impl Iterator<Item = f32> {
        core::iter::once(0.0f32).chain(
            (0x8000_0000u32..below.to_bits())
                .step_by(step)
                .map(f32::from_bits),
        )
    }

    fn check(f: fn(f32) -> f32, g: fn(f32) -> f32, xs: impl Iterator<Item = f32>) -> u64 {
        let mut n = 0;
        for x in xs {
            assert_eq!(
                f(x).to_bits(),
                g(x).to_bits(),
                "x = {x:e} ({:#010x})",
                x.to_bits()
            );
            n += 1;
        }
        n
    }

    #[test]
    fn expf_is_libms_on_a_sample_of_its_domain() {
        // About 1.1e9 / 997 = 1.1e6 inputs spread over (-8, 0], and the ends.
        let n = check(expf, libm::expf, negatives(-8.0, 997));
        assert!(n > 1_000_000);
        check(
            expf,
            libm::expf,
            [-0.0, 0.0, -7.999_999_5, -f32::MIN_POSITIVE].into_iter(),
        );
    }

    #[test]
    fn log1pf_is_libms_on_a_sample_of_its_domain() {
        let n = check(log1pf, libm::log1pf, negatives(-1.0, 997));
        assert!(n > 1_000_000);
        let last = f32::from_bits((-1.0f32).to_bits() - 1); // the largest -u: 1 - 2^-24
        check(
            log1pf,
            libm::log1pf,
            [-0.0, 0.0, last, -f32::MIN_POSITIVE].into_iter(),
        );
    }

    #[test]
    #[ignore = "exhaustive, ~1e9 inputs each: run by .ci/run (cargo test --release --lib mathf -- --ignored)"]
    fn exhaustive_expf() {
        check(expf, libm::expf, negatives(-8.0, 1));
    }

    #[test]
    #[ignore = "exhaustive, ~1e9 inputs each: run by .ci/run (cargo test --release --lib mathf -- --ignored)"]
    fn exhaustive_log1pf() {
        check(log1pf, libm::log1pf, negatives(-1.0, 1));
    }
}

//! The presets' parameter `sqrt(scale / max(1, n))` (`/ 0.8796`, or `sqrt(3 * …)`) with
//! each `f64` operation done in integers and rounded to nearest even, as IEEE 754 rounds
//! it: the same bits as `VarianceScaling::parameter` (tested against it), but a core
//! without an `f64` unit (Cortex-M4F, M0, M33) links ~60 instructions of loops here
//! instead of ~3 KB of soft-float division, square root, conversions and comparisons.
//!
//! Only for positive normal numbers whose results stay normal, which the presets' domain
//! guarantees: `scale` is 1 or 2, `n` in `[1, 2^64]`, so every intermediate lies in
//! `[2^-66, 2^2]`.

use super::{Distribution, FanMode, TRUNCATION_CORRECTION};
use crate::Fans;

/// Whether the target computes `f64` in hardware: there the presets use plain `f64`
/// arithmetic (a few nanoseconds; the integer route takes about a microsecond), elsewhere
/// this module. Both give the same bits (tested).
pub(crate) const HARDWARE_F64: bool = cfg!(any(
    target_feature = "sse2",
    target_arch = "aarch64",
    target_arch = "wasm32"
));

/// `(m + d) * 2^e` with `d` in `[0, 1)` (non-zero exactly when `sticky`), rounded to the
/// nearest `f64`, ties to even. `m != 0`; if `sticky`, `m` has at most 10 leading zeros
/// (so `d` lies below the rounding bit after normalising).
fn round(m: u64, sticky: bool, e: i32) -> f64 {
    let lz = m.leading_zeros();
    debug_assert!(m != 0 && (!sticky || lz <= 10));
    let m = m << lz;
    let mut e = e - lz as i32 + 11;
    let mut mant = m >> 11; // 53 bits, the top one set
    let half = (m >> 10) & 1 != 0;
    let rest = m & 0x3ff != 0 || sticky;
    if half && (rest || mant & 1 != 0) {
        mant += 1;
        if mant == 1 << 53 {
            mant >>= 1;
            e += 1;
        }
    }
    // value = mant * 2^e, mant in [2^52, 2^53): biased exponent e + 52 + 1023.
    let biased = e + 52 + 1023;
    debug_assert!((1..2047).contains(&biased));
    f64::from_bits(((biased as u64) << 52) | (mant & ((1 << 52) - 1)))
}

/// `x = m * 2^e` with `m` in `[2^52, 2^53)`, for a positive normal `x`.
fn parts(x: f64) -> (u64, i32) {
    let b = x.to_bits();
    debug_assert!(x > 0.0 && x.is_normal());
    ((b & ((1 << 52) - 1)) | (1 << 52), (b >> 52) as i32 - 1075)
}

/// `max(1, n as f64)`.
fn fan_one(n: u64) -> f64 {
    if n <= 1 {
        1.0
    } else {
        round(n, false, 0)
    }
}

/// `max(1, (a + b) as f64 / 2)`: the sum exact in 65 bits, rounded once.
fn fan_avg(a: u64, b: u64) -> f64 {
    match a.overflowing_add(b) {
        (s, false) if s <= 2 => 1.0,
        (s, false) => round(s, false, -1),
        // a + b = 2^64 + s = 2 * (2^63 + s/2): its half is (2^63 + s >> 1) + (s & 1) / 2.
        (s, true) => round((1 << 63) | (s >> 1), s & 1 != 0, 0),
    }
}

/// `a / b`, by long division: 64 quotient bits and the remainder as sticky bit.
fn div(a: f64, b: f64) -> f64 {
    let (mut ma, mut ea) = parts(a);
    let (mb, eb) = parts(b);
    if ma < mb {
        ma <<= 1;
        ea -= 1;
    }
    // ma / mb in [1, 2); r < 2 mb < 2^54 throughout.
    let (mut q, mut r) = (0u64, ma);
    for _ in 0..64 {
        q <<= 1;
        if r >= mb {
            r -= mb;
            q |= 1;
        }
        r <<= 1;
    }
    round(q, r != 0, ea - eb - 63)
}

/// `sqrt(a)`, digit by digit: 56 root bits and the remainder as sticky bit.
fn sqrt(a: f64) -> f64 {
    let (mut m, mut e) = parts(a);
    if e & 1 != 0 {
        m <<= 1;
        e -= 1;
    }
    // x = m * 2^10 < 2^64, read two bits at a time and then zeros: after 56 pairs, root =
    // floor(sqrt(m * 2^58)) = floor(sqrt(m) * 2^29), in [2^55, 2^56).
    let mut x = m << 10;
    let (mut root, mut rem) = (0u64, 0u64);
    for _ in 0..56 {
        rem = (rem << 2) | (x >> 62);
        x <<= 2;
        let trial = (root << 2) | 1;
        root <<= 1;
        if rem >= trial {
            rem -= trial;
            root |= 1;
        }
    }
    round(root, rem != 0, e / 2 - 29)
}

/// `3 * a` (the product is exact in 55 bits).
fn mul3(a: f64) -> f64 {
    let (m, e) = parts(a);
    round(3 * m, false, e)
}

/// `x as f32` for a positive normal `x` whose `f32` rounding is normal.
fn to_f32(x: f64) -> f32 {
    let (m, mut e) = parts(x);
    let mut mant = m >> 29; // 24 bits, the top one set
    let half = (m >> 28) & 1 != 0;
    let rest = m & ((1 << 28) - 1) != 0;
    if half && (rest || mant & 1 != 0) {
        mant += 1;
        if mant == 1 << 24 {
            mant >>= 1;
            e += 1;
        }
    }
    // value = mant * 2^(e + 29), mant in [2^23, 2^24): biased exponent e + 29 + 23 + 127.
    let biased = e + 29 + 23 + 127;
    debug_assert!((1..255).contains(&biased));
    f32::from_bits(((biased as u32) << 23) | (mant as u32 & ((1 << 23) - 1)))
}

/// `VarianceScaling::parameter(fans) as f32` for a preset: `scale` 1 or 2, mode fan-in,
/// fan-out or fan-avg.
pub(super) fn preset_parameter(
    scale: f64,
    mode: FanMode,
    distribution: Distribution,
    fans: Fans,
) -> f32 {
    let n = match mode {
        FanMode::FanIn => fan_one(fans.fan_in),
        FanMode::FanOut => fan_one(fans.fan_out),
        FanMode::FanAvg => fan_avg(fans.fan_in, fans.fan_out),
        FanMode::FanGeoAvg => unreachable!("no preset uses fan_geo_avg"),
    };
    let s = div(scale, n);
    to_f32(match distribution {
        Distribution::TruncatedNormal => div(sqrt(s), TRUNCATION_CORRECTION),
        Distribution::UntruncatedNormal => sqrt(s),
        Distribution::Uniform => sqrt(mul3(s)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// xorshift64*, for test inputs.
    struct Gen(u64);
    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        /// A positive normal f64 within `2^±70`, often with a short mantissa.
        fn f64(&mut self) -> f64 {
            let r = self.next();
            let mant = match r & 3 {
                0 => self.next() & ((1 << 52) - 1),
                1 => (self.next() & 0xff) << 44,
                2 => (1 << 52) - 1 - (self.next() & 0xff),
                _ => self.next() & 0xf,
            };
            let exp = 1023 - 70 + (r >> 8) % 141;
            f64::from_bits((exp << 52) | mant)
        }
        /// A fan: small, near a power of two, or any `u64`.
        fn fan(&mut self) -> u64 {
            let r = self.next();
            match r & 3 {
                0 => r >> 50,
                1 => (1u64 << (r >> 58)).wrapping_add((self.next() % 5).wrapping_sub(2)),
                2 => u64::MAX - (r >> 60),
                _ => self.next(),
            }
        }
    }

    fn same(a: f64, b: f64, what: &str) {
        assert_eq!(a.to_bits(), b.to_bits(), "{what}: {a:e} vs {b:e}");
    }

    #[test]
    fn each_operation_rounds_as_ieee() {
        let mut g = Gen(0x9E37_79B9_7F4A_7C15);
        for _ in 0..400_000 {
            let (a, b) = (g.f64(), g.f64());
            same(div(a, b), a / b, "div");
            same(sqrt(a), a.sqrt(), "sqrt");
            same(mul3(a), 3.0 * a, "mul3");
            if (1e-37..1e38).contains(&a) {
                assert_eq!(to_f32(a).to_bits(), (a as f32).to_bits(), "to_f32 {a:e}");
            }
            let (i, o) = (g.fan(), g.fan());
            same(fan_one(i), (i as f64).max(1.0), "fan_one");
            same(
                fan_avg(i, o),
                ((i as u128 + o as u128) as f64 / 2.0).max(1.0),
                "fan_avg",
            );
        }
        // Exact cases and ties.
        same(sqrt(4.0), 2.0, "sqrt 4");
        same(div(1.0, 3.0), 1.0 / 3.0, "1/3");
        same(fan_avg(u64::MAX, u64::MAX), u64::MAX as f64, "max avg");
        same(
            fan_avg(u64::MAX, 0),
            (u64::MAX as u128 as f64) / 2.0,
            "half max",
        );
        same(
            fan_avg((1 << 54) + 3, 0),
            ((1u64 << 54) + 3) as f64 / 2.0,
            "tie",
        );
        assert_eq!(to_f32(1.0 + f64::EPSILON).to_bits(), 1.0f32.to_bits());
    }

    #[test]
    fn preset_parameter_equals_variance_scaling_parameter() {
        use crate::init::keras::*;
        let presets = [
            GlorotNormal::VARIANCE_SCALING,
            GlorotUniform::VARIANCE_SCALING,
            HeNormal::VARIANCE_SCALING,
            HeUniform::VARIANCE_SCALING,
            LecunNormal::VARIANCE_SCALING,
            LecunUniform::VARIANCE_SCALING,
        ];
        let mut g = Gen(42);
        for _ in 0..100_000 {
            let fans = Fans::new(g.fan(), g.fan());
            for vs in presets {
                let want = vs.parameter(fans) as f32;
                let got = preset_parameter(vs.scale(), vs.mode(), vs.distribution(), fans);
                assert_eq!(got.to_bits(), want.to_bits(), "{vs:?} {fans:?}");
            }
        }
    }
}

//! Rust-side tests of the C ABI, and the generator of `tests/golden.h` (the golden vectors
//! of `golden/v2.rs` as C data for `tests/test.c`), checked against the committed file.

use std::fmt::Write as _;
use std::format;
use std::string::String;
use std::vec;

use super::*;

#[allow(dead_code)]
mod golden {
    include!("../../golden/v2.rs");
}

/// `tests/golden.h`, rendered from `golden/v2.rs`.
fn render_golden_h() -> String {
    let mut s = String::new();
    s.push_str(
        "/* Generated from golden/v2.rs by glorot-c/src/tests.rs - do not edit.\n \
         * Regenerate with: cd glorot-c && GLOROT_BLESS=1 cargo test */\n\
         #ifndef GLOROT_GOLDEN_H\n#define GLOROT_GOLDEN_H\n\n#include <stdint.h>\n\n",
    );
    let _ = writeln!(s, "#define GOLDEN_HASH_LEN {}u", golden::HASH_LEN);
    let _ = writeln!(
        s,
        "#define GOLDEN_FNV_OFFSET 0x{:016x}ull",
        golden::FNV_OFFSET
    );
    let _ = writeln!(
        s,
        "#define GOLDEN_FOLD_IN_1_2 0x{:016x}ull",
        golden::FOLD_IN_1_2
    );
    s.push_str(
        "\nenum golden_sampler { GOLDEN_NORMAL, GOLDEN_TRUNCATED_NORMAL, GOLDEN_UNIFORM };\n\n\
         struct golden {\n    enum golden_sampler sampler;\n    uint64_t seed;\n    \
         uint64_t stream;\n    uint32_t first16[16];\n    uint64_t hash_1m;\n};\n\n\
         static const struct golden GOLDEN[] = {\n",
    );
    for g in golden::GOLDEN {
        let sampler = match g.sampler {
            golden::Sampler::Normal => "GOLDEN_NORMAL",
            golden::Sampler::TruncatedNormal => "GOLDEN_TRUNCATED_NORMAL",
            golden::Sampler::Uniform => "GOLDEN_UNIFORM",
        };
        let _ = writeln!(
            s,
            "    {{{sampler}, 0x{:x}ull, 0x{:x}ull,",
            g.seed, g.stream
        );
        for half in g.first16.chunks(8) {
            let words: vec::Vec<String> = half.iter().map(|w| format!("0x{w:08x}u")).collect();
            let open = if half.as_ptr() == g.first16.as_ptr() {
                "{"
            } else {
                " "
            };
            let close = if half.len() == 8 && open == " " {
                "},"
            } else {
                ","
            };
            let _ = writeln!(s, "     {open}{}{close}", words.join(", "));
        }
        let _ = writeln!(s, "     0x{:016x}ull}},", g.hash_1m);
    }
    s.push_str(
        "};\n\n#define GOLDEN_COUNT (sizeof GOLDEN / sizeof GOLDEN[0])\n\n#endif /* GLOROT_GOLDEN_H */\n",
    );
    s
}

#[test]
fn golden_h_is_rendered_from_golden_v2() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden.h");
    let want = render_golden_h();
    if std::env::var_os("GLOROT_BLESS").is_some() {
        std::fs::write(path, &want).unwrap();
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "glorot-c/tests/golden.h is stale: regenerate with GLOROT_BLESS=1 cargo test"
    );
}

#[test]
fn samplers_match_the_library() {
    type CFill = unsafe extern "C" fn(u64, u64, u64, *mut f32, usize) -> c_int;
    type RFill = fn(Key, u64, &mut [f32]) -> Result<(), Error>;
    let pairs: [(CFill, RFill); 3] = [
        (glorot_normal, sample::normal),
        (glorot_truncated_normal, sample::truncated_normal),
        (glorot_uniform, sample::uniform),
    ];
    for (c, r) in pairs {
        let mut a = vec![0.0f32; 3000];
        let mut b = vec![0.0f32; 3000];
        // SAFETY: `a` holds 3000 floats.
        assert_eq!(unsafe { c(7, 9, 1021, a.as_mut_ptr(), a.len()) }, GLOROT_OK);
        r(Key::with_stream(7, 9), 1021, &mut b).unwrap();
        assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
    }
}

#[test]
fn initializers_match_the_library() {
    let (fin, fout) = (300u64, 77u64);
    let fans = Fans::new(fin, fout);
    let key = Key::with_stream(5, 6);
    let mut a = vec![0.0f32; 2000];
    let mut b = vec![0.0f32; 2000];
    let mut same = |rc: c_int, init: &dyn Initializer, a: &mut [f32]| {
        assert_eq!(rc, GLOROT_OK);
        init.fill(fans, key, 33, &mut b).unwrap();
        assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
    };
    let p = a.as_mut_ptr();
    let n = a.len();
    // SAFETY (all calls below): `p` points to the `n` floats of `a`, used by nothing else
    // during each call.
    unsafe {
        let rc = glorot_init_glorot_normal(5, 6, 33, p, n, fin, fout);
        same(rc, &GlorotNormal, &mut a);
        let rc = glorot_init_he_uniform(5, 6, 33, p, n, fin, fout);
        same(rc, &HeUniform, &mut a);
        let rc = glorot_init_variance_scaling(
            5,
            6,
            33,
            p,
            n,
            fin,
            fout,
            0.3,
            GLOROT_FAN_GEO_AVG,
            GLOROT_DIST_UNTRUNCATED_NORMAL,
        );
        let vs = VarianceScaling::new(0.3, FanMode::FanGeoAvg, Distribution::UntruncatedNormal);
        same(rc, &vs.unwrap(), &mut a);
        let rc = glorot_init_random_uniform(5, 6, 33, p, n, -3.0, 0.5);
        let ru = RandomUniform {
            minval: -3.0,
            maxval: 0.5,
        };
        same(rc, &ru, &mut a);
        let rc = glorot_init_xavier_normal(5, 6, 33, p, n, fin, fout, 5.0 / 3.0);
        same(rc, &XavierNormal { gain: 5.0 / 3.0 }, &mut a);
        let rc = glorot_init_kaiming_uniform(5, 6, 33, p, n, fin, fout, GLOROT_FAN_OUT, 0.7);
        let ku = KaimingUniform {
            mode: FanMode::FanOut,
            gain: 0.7,
        };
        same(rc, &ku, &mut a);
    }
}

#[test]
fn every_library_error_has_its_own_code() {
    let errors = [
        Error::RangeOverflow,
        Error::ShapeOverflow,
        Error::RankTooSmall { rank: 1, min: 2 },
        Error::InvalidAxis,
        Error::InvalidScale,
        Error::InvalidParameter,
        Error::ZeroFan,
        Error::ScaleOutOfRange,
        Error::LengthMismatch {
            expected: 1,
            actual: 2,
        },
        Error::SliceOutOfTensor { len: 3 },
        Error::InputMismatch {
            expected: 1,
            actual: 2,
        },
        Error::EmptyScratch,
    ];
    let mut codes: vec::Vec<c_int> = errors.iter().map(|&e| code(e)).collect();
    assert!(!codes.contains(&GLOROT_OK) && !codes.contains(&GLOROT_ERR_UNKNOWN));
    codes.extend([GLOROT_ERR_NULL_POINTER, GLOROT_ERR_INVALID_ARGUMENT]);
    let n = codes.len();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), n, "two errors share a code");
    for c in codes {
        // SAFETY: glorot_strerror returns a static NUL-terminated string.
        let s = unsafe { core::ffi::CStr::from_ptr(glorot_strerror(c)) };
        assert_ne!(s.to_bytes(), b"unknown error code", "code {c}");
    }
}

#[test]
fn seeded_dense_forward_matches_the_library() {
    use glorot::seeded::Dense;
    let (n_in, n_out) = (37usize, 53usize);
    let x: vec::Vec<f32> = (0..n_in).map(|i| i as f32 * 0.125 - 2.0).collect();
    let init = VarianceScaling::new(2.0, FanMode::FanIn, Distribution::Uniform).unwrap();
    let layer = Dense::new(init, n_in, n_out, Key::with_stream(5, 6)).unwrap();
    let mut want = vec![0.0f32; n_out];
    layer.forward(&x, &mut want, &mut [0.0; 64]).unwrap();
    for scratch_len in [1usize, 100, 5000] {
        let mut y = vec![f32::NAN; n_out];
        let mut s = vec![0.0f32; scratch_len];
        // SAFETY: valid, disjoint buffers of the stated lengths.
        let rc = unsafe {
            glorot_seeded_dense_forward(
                5,
                6,
                2.0,
                GLOROT_FAN_IN,
                GLOROT_DIST_UNIFORM,
                x.as_ptr(),
                n_in,
                y.as_mut_ptr(),
                n_out,
                s.as_mut_ptr(),
                scratch_len,
            )
        };
        assert_eq!(rc, GLOROT_OK);
        assert_eq!(
            y.iter().map(|v| v.to_bits()).collect::<vec::Vec<_>>(),
            want.iter().map(|v| v.to_bits()).collect::<vec::Vec<_>>()
        );
    }
    // Errors leave y untouched.
    let mut y = vec![f32::NAN; n_out];
    // SAFETY: as above; the scratch is empty.
    let rc = unsafe {
        glorot_seeded_dense_forward(
            5,
            6,
            2.0,
            GLOROT_FAN_IN,
            GLOROT_DIST_UNIFORM,
            x.as_ptr(),
            n_in,
            y.as_mut_ptr(),
            n_out,
            core::ptr::null_mut(),
            0,
        )
    };
    assert_eq!(rc, GLOROT_ERR_EMPTY_SCRATCH);
    assert!(y.iter().all(|v| v.is_nan()));
}

//! The SIMD samplers equal the scalar reference bit for bit, and any split of a range gives
//! the same bits as one fill.

use glorot::{reference, sample, Error, Key};
use proptest::prelude::*;

type Fill = fn(Key, u64, &mut [f32]) -> Result<(), Error>;

const SAMPLERS: [(&str, Fill, Fill); 3] = [
    ("normal", sample::normal, reference::normal),
    (
        "truncated_normal",
        sample::truncated_normal,
        reference::truncated_normal,
    ),
    ("uniform", sample::uniform, reference::uniform),
];

fn bits(xs: &[f32]) -> Vec<u32> {
    xs.iter().map(|x| x.to_bits()).collect()
}

fn assert_same(name: &str, key: Key, offset: u64, len: usize) {
    for (sname, fast, slow) in SAMPLERS {
        let mut a = vec![f32::NAN; len];
        let mut b = vec![f32::NAN; len];
        fast(key, offset, &mut a).unwrap();
        slow(key, offset, &mut b).unwrap();
        assert_eq!(
            bits(&a),
            bits(&b),
            "{name}: {sname} key={key:?} offset={offset} len={len}"
        );
    }
}

#[test]
fn small_lengths_and_offsets_around_chunk_boundaries() {
    let c = sample::CHUNK;
    let offsets = [
        0,
        1,
        7,
        8,
        9,
        c - 9,
        c - 8,
        c - 1,
        c,
        c + 1,
        3 * c - 5,
        u64::MAX - 17,
    ];
    for key in [
        Key::new(0),
        Key::new(1),
        Key::with_stream(42, 7),
        Key::new(9).fold_in(3),
    ] {
        for offset in offsets {
            for len in 0..=17 {
                assert_same("small", key, offset, len);
            }
            let long = 2 * c as usize + 3;
            if offset.checked_add(long as u64).is_some() {
                assert_same("two chunks", key, offset, long);
            }
        }
    }
}

#[test]
fn a_long_run_hits_every_slow_path() {
    // 2^20 values per sampler: ~1.2 % of draws take the wedge, ~1/4000 the tail.
    assert_same("long", Key::new(2024), 0, 1 << 20);
}

#[test]
fn the_last_element_of_the_index_space() {
    for (sname, fast, slow) in SAMPLERS {
        let (mut a, mut b) = ([0.0f32; 1], [0.0f32; 1]);
        fast(Key::new(5), u64::MAX - 1, &mut a).unwrap();
        slow(Key::new(5), u64::MAX - 1, &mut b).unwrap();
        assert_eq!(a[0].to_bits(), b[0].to_bits(), "{sname}");
        // one past the end of the index space is an error, and nothing is written
        let mut c = [7.0f32; 2];
        assert_eq!(
            fast(Key::new(5), u64::MAX - 1, &mut c),
            Err(Error::RangeOverflow)
        );
        assert_eq!(
            slow(Key::new(5), u64::MAX - 1, &mut c),
            Err(Error::RangeOverflow)
        );
        assert_eq!(c, [7.0; 2]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn simd_equals_reference(seed: u64, stream: u64, offset in 0u64..1 << 40, len in 0usize..3000) {
        assert_same("proptest", Key::with_stream(seed, stream), offset, len);
    }

    #[test]
    fn simd_equals_reference_near_the_end(seed: u64, back in 0u64..5000, len in 0usize..3000) {
        let offset = u64::MAX - back;
        let len = len.min(back as usize);
        assert_same("near end", Key::new(seed), offset, len);
    }

    #[test]
    fn any_split_in_any_order_equals_one_fill(
        seed: u64,
        offset in 0u64..1 << 50,
        len in 0usize..5000,
        mut cuts in proptest::collection::vec(0usize..5000, 0..12),
        order_seed: u64,
    ) {
        let key = Key::new(seed);
        for (sname, fast, slow) in SAMPLERS {
            let mut whole = vec![0.0f32; len];
            fast(key, offset, &mut whole).unwrap();
            cuts.iter_mut().for_each(|c| *c %= len + 1);
            cuts.push(0);
            cuts.push(len);
            cuts.sort_unstable();
            let mut pieces: Vec<(usize, usize)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
            // a fixed shuffle of the pieces (the order must not matter)
            let mut s = order_seed | 1;
            for i in (1..pieces.len()).rev() {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17;
                pieces.swap(i, (s % (i as u64 + 1)) as usize);
            }
            let mut split = vec![f32::NAN; len];
            for (k, (a, b)) in pieces.iter().enumerate() {
                // alternate the SIMD and the reference path piece by piece
                let f = if k % 2 == 0 { fast } else { slow };
                f(key, offset + *a as u64, &mut split[*a..*b]).unwrap();
            }
            prop_assert_eq!(bits(&whole), bits(&split), "{}", sname);
        }
    }
}

/// `sample::kernel` names the kernel this build and CPU run.
#[test]
fn kernel_is_named() {
    let k = glorot::sample::kernel();
    #[cfg(target_arch = "x86_64")]
    {
        let want = if cfg!(target_feature = "avx2")
            || (!cfg!(glorot_no_dispatch) && std::arch::is_x86_feature_detected!("avx2"))
        {
            "avx2"
        } else if cfg!(target_feature = "avx") {
            "avx"
        } else {
            "sse2"
        };
        assert_eq!(k, want);
    }
    assert!(["avx2", "avx", "sse2", "neon", "simd128", "scalar lanes"].contains(&k));
}

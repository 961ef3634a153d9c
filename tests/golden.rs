//! Golden vectors: fixed keys → exact output bits, for both paths. A failure here means the
//! stream changed; that is only ever allowed as a new stream version.

#[allow(dead_code)]
#[path = "support/golden_gen.rs"]
mod golden_gen;
#[allow(dead_code)]
mod golden {
    include!("../golden/v2.rs");
}

use glorot::{reference, sample, Key};
use golden::{Sampler, GOLDEN};

type Fill = fn(Key, u64, &mut [f32]) -> Result<(), glorot::Error>;

fn paths(s: Sampler) -> [(&'static str, Fill); 2] {
    match s {
        Sampler::Normal => [("simd", sample::normal), ("reference", reference::normal)],
        Sampler::TruncatedNormal => [
            ("simd", sample::truncated_normal),
            ("reference", reference::truncated_normal),
        ],
        Sampler::Uniform => [("simd", sample::uniform), ("reference", reference::uniform)],
    }
}

#[test]
fn the_golden_file_is_what_the_reference_writes() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/golden/v2.rs");
    let want = golden_gen::render();
    if std::env::var_os("GLOROT_BLESS").is_some() {
        std::fs::write(path, &want).unwrap();
    }
    let have = std::fs::read_to_string(path).unwrap();
    assert!(
        have == want,
        "golden/v2.rs is not what the reference produces: the stream changed"
    );
}

#[test]
fn first_sixteen_values() {
    for g in GOLDEN {
        for (name, fill) in paths(g.sampler) {
            let mut out = [0.0f32; 16];
            fill(Key::with_stream(g.seed, g.stream), 0, &mut out).unwrap();
            assert_eq!(
                out.map(f32::to_bits),
                g.first16,
                "{name} {:?} seed {}",
                g.sampler,
                g.seed
            );
        }
    }
}

#[test]
fn hash_of_the_first_million_filled_in_blocks() {
    // Both paths, in 1000-element blocks at increasing offsets (as a device without the RAM
    // for a million values does it), and the SIMD path in one call.
    for g in GOLDEN {
        let key = Key::with_stream(g.seed, g.stream);
        for (name, fill) in paths(g.sampler) {
            let mut h = golden::FNV_OFFSET;
            let mut block = [0.0f32; 1000];
            for b in 0..golden::HASH_LEN / 1000 {
                fill(key, b * 1000, &mut block).unwrap();
                h = golden::fnv1a_update(h, &block);
            }
            assert_eq!(h, g.hash_1m, "{name} {:?} seed {}", g.sampler, g.seed);
        }
        let mut all = vec![0.0f32; golden::HASH_LEN as usize];
        paths(g.sampler)[0].1(key, 0, &mut all).unwrap();
        assert_eq!(golden::fnv1a_update(golden::FNV_OFFSET, &all), g.hash_1m);
    }
}

#[test]
fn glorot_normal_dense_kernel() {
    use glorot::{Fans, GlorotNormal, Initializer};
    let g = &golden::GLOROT_DENSE_100_64;
    let mut w = vec![0.0f32; (g.fan_in * g.fan_out) as usize];
    let fans = Fans::new(g.fan_in, g.fan_out);
    GlorotNormal
        .fill(fans, Key::with_stream(g.seed, g.stream), 0, &mut w)
        .unwrap();
    assert_eq!(
        w[..16].iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        g.first16
    );
    assert_eq!(golden::fnv1a_update(golden::FNV_OFFSET, &w), g.hash);
}

#[test]
fn fold_in_is_pinned() {
    assert_eq!(Key::new(1).fold_in(2).stream(), golden::FOLD_IN_1_2);
    assert_eq!(Key::new(1).fold_in(2).seed(), 1);
}

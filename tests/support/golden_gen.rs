//! Writes `golden/v2.rs` from the scalar reference (see `tests/golden.rs`).

use glorot::{reference, Key};
use std::fmt::Write;

pub const KEYS: [(u64, u64); 3] = [(0, 0), (42, 0), (0xDEAD_BEEF, 7)];
pub const HASH_LEN: u64 = 1_000_000;
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

pub fn fnv1a_update(mut h: u64, xs: &[f32]) -> u64 {
    for x in xs {
        for b in x.to_bits().to_le_bytes() {
            h = (h ^ b as u64).wrapping_mul(FNV_PRIME);
        }
    }
    h
}

type Fill = fn(Key, u64, &mut [f32]) -> Result<(), glorot::Error>;
pub const SAMPLERS: [(&str, Fill); 3] = [
    ("Normal", reference::normal),
    ("TruncatedNormal", reference::truncated_normal),
    ("Uniform", reference::uniform),
];

pub fn render() -> String {
    let mut s = String::new();
    s.push_str(include_str!("golden_header.rs.in"));
    writeln!(s, "/// `Key::new(1).fold_in(2).stream()`.").unwrap();
    writeln!(
        s,
        "pub const FOLD_IN_1_2: u64 = 0x{:016x};\n",
        Key::new(1).fold_in(2).stream()
    )
    .unwrap();
    {
        use glorot::{Fans, GlorotNormal, Initializer};
        let mut w = vec![0.0f32; 6400];
        GlorotNormal
            .fill(Fans::new(100, 64), Key::new(42), 0, &mut w)
            .unwrap();
        let first: Vec<String> = w[..16]
            .iter()
            .map(|x| format!("0x{:08x}", x.to_bits()))
            .collect();
        writeln!(
            s,
            "/// `GlorotNormal` on a Dense(100 -> 64) kernel, key (42, 0)."
        )
        .unwrap();
        writeln!(
            s,
            "pub const GLOROT_DENSE_100_64: GoldenInit = GoldenInit {{"
        )
        .unwrap();
        writeln!(
            s,
            "    seed: 42,\n    stream: 0,\n    fan_in: 100,\n    fan_out: 64,"
        )
        .unwrap();
        writeln!(s, "    first16: [").unwrap();
        for row in first.chunks(8) {
            writeln!(s, "        {},", row.join(", ")).unwrap();
        }
        writeln!(s, "    ],").unwrap();
        writeln!(s, "    hash: 0x{:016x},", fnv1a_update(FNV_OFFSET, &w)).unwrap();
        writeln!(s, "}};\n").unwrap();
    }
    writeln!(s, "pub const GOLDEN: &[Golden] = &[").unwrap();
    let mut buf = vec![0.0f32; HASH_LEN as usize];
    for (name, fill) in SAMPLERS {
        for (seed, stream) in KEYS {
            fill(Key::with_stream(seed, stream), 0, &mut buf).unwrap();
            let first: Vec<String> = buf[..16]
                .iter()
                .map(|x| format!("0x{:08x}", x.to_bits()))
                .collect();
            writeln!(s, "    Golden {{").unwrap();
            writeln!(s, "        sampler: Sampler::{name},").unwrap();
            writeln!(s, "        seed: 0x{seed:x},").unwrap();
            writeln!(s, "        stream: {stream},").unwrap();
            writeln!(s, "        first16: [").unwrap();
            for row in first.chunks(8) {
                writeln!(s, "            {},", row.join(", ")).unwrap();
            }
            writeln!(s, "        ],").unwrap();
            writeln!(
                s,
                "        hash_1m: 0x{:016x},",
                fnv1a_update(FNV_OFFSET, &buf)
            )
            .unwrap();
            writeln!(s, "    }},").unwrap();
        }
    }
    writeln!(s, "];").unwrap();
    s
}

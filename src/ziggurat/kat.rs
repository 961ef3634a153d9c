//! The known-answer vectors of stream version 2 (`golden/kat-v2.json`) and the check that
//! `docs/STREAM.md`, the specification, quotes the constants and table hashes the code uses.
//!
//! The vectors are written here, from the crate's own functions: every labelled element is
//! traced step by step (lane draw, layer, path, fix-up words, the wedge's and tail's
//! intermediate `f32` values), and the traced value is asserted to be the bits that
//! `normal_element` / `truncated_element` / the scalar reference give for that element.
//! `GLOROT_BLESS=1 cargo test --release kat` rewrites the file; without it the test fails if
//! the committed file differs from what this module writes (as `golden/v2.rs` is checked).
//! Every run is also filled by `sample::*` (the SIMD kernels) and asserted equal. The file
//! is read by the Python tests (`glorot-py/tests/test_kat.py`, through the extension and
//! through an implementation written from STREAM.md alone) and the C test
//! (`glorot-c/tests/kat.c`, through the ABI).

use super::tables::{NORM_F, NORM_INV_R, NORM_R, TRUNC_FULL, TRUNC_HALF_V, TRUNC_Y};
use super::{half_square_neg, mathf, unit_bits, with_sign, Layer, NORM, TRUNC};
use crate::chunk::CHUNK;
use crate::key::{fixup_base, lane_state, mix64, ELEMENT_GAMMA, FIXUP_TAG, FOLD_TAG, GAMMA};
use crate::lanes::{Element, Lane, U32Source};
use crate::{reference, Key};
use std::format;
use std::string::{String, ToString};
use std::vec;
use std::vec::Vec;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/golden/kat-v2.json");
const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/STREAM.md");

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Zig {
    Normal,
    Truncated,
}

impl Zig {
    fn name(self) -> &'static str {
        match self {
            Zig::Normal => "normal",
            Zig::Truncated => "truncated_normal",
        }
    }
    fn layers(self) -> &'static [Layer; 256] {
        match self {
            Zig::Normal => &NORM,
            Zig::Truncated => &TRUNC,
        }
    }
    /// The strip heights the wedge test interpolates between (`NORM_F`, `TRUNC_Y`).
    fn heights(self) -> &'static [f32; 257] {
        match self {
            Zig::Normal => &NORM_F,
            Zig::Truncated => &TRUNC_Y,
        }
    }
}

/// What happened to one draw (the lane's, or a fresh one from the fix-up generator).
#[derive(Debug)]
enum Test {
    Fast,
    Wedge {
        word: u32,
        u: f32,
        y: f32,
        expf: f32,
        accept: bool,
    },
    /// The tail's attempts: `(word x, word y, xx, yy, accepted)`.
    Tail(Vec<(u32, u32, f32, f32, bool)>),
}

#[derive(Debug)]
struct Step {
    draw: u32,
    layer: u32,
    sign: u32,
    mag: u32,
    x: f32,
    test: Test,
}

struct Trace {
    steps: Vec<Step>,
    words: Vec<u32>,
    value: f32,
}

/// Where element `e`'s lane draw comes from, and the draw.
struct Origin {
    chunk: u64,
    lane: u32,
    row: u32,
    state: [u32; 4],
    draw: u32,
}

fn origin(key: Key, e: u64) -> Origin {
    let (chunk, p) = (e / CHUNK, (e % CHUNK) as u32);
    let (lane, row) = (p % 8, p / 8);
    let state = lane_state(key.base(), chunk, lane);
    let mut g = Lane { s: state };
    let mut draw = 0;
    for _ in 0..=row {
        draw = g.next_u32();
    }
    Origin {
        chunk,
        lane,
        row,
        state,
        draw,
    }
}

/// The standard Ziggurat on "the lane draw `r`, then the fix-up generator of element `e`",
/// written out step by step.
fn trace(z: Zig, key: Key, e: u64, r0: u32) -> Trace {
    let fix = fixup_base(key.base());
    let mut g = Element::new(fix, e);
    let mut words = Vec::new();
    let mut next = |words: &mut Vec<u32>| {
        let w = g.next_u32();
        words.push(w);
        w
    };
    let layers = z.layers();
    let mut steps = Vec::new();
    let mut r = r0;
    let value = loop {
        let i = r & 0xff;
        let mag = r >> 9;
        let x = mag as f32 * layers[i as usize].w;
        let mut step = Step {
            draw: r,
            layer: i,
            sign: (r >> 8) & 1,
            mag,
            x,
            test: Test::Fast,
        };
        if mag < layers[i as usize].k {
            steps.push(step);
            break with_sign(x, r);
        }
        if z == Zig::Normal && i == 0 {
            let mut tries = Vec::new();
            let v = loop {
                let w1 = next(&mut words);
                let xx = -mathf::log1pf(-unit_bits(w1)) * NORM_INV_R;
                let w2 = next(&mut words);
                let yy = -mathf::log1pf(-unit_bits(w2));
                let ok = yy + yy > xx * xx;
                tries.push((w1, w2, xx, yy, ok));
                if ok {
                    break with_sign(NORM_R + xx, r);
                }
            };
            step.test = Test::Tail(tries);
            steps.push(step);
            break v;
        }
        let (h0, h1) = (z.heights()[i as usize], z.heights()[i as usize + 1]);
        let word = next(&mut words);
        let u = unit_bits(word);
        let y = h0 + u * (h1 - h0);
        let ex = mathf::expf(half_square_neg(x));
        let accept = y < ex;
        step.test = Test::Wedge {
            word,
            u,
            y,
            expf: ex,
            accept,
        };
        steps.push(step);
        if accept {
            break with_sign(x, r);
        }
        r = next(&mut words);
    };
    let want = match z {
        Zig::Normal => super::normal_element(r0, fix, e),
        Zig::Truncated => super::truncated_element(r0, fix, e),
    };
    assert_eq!(
        value.to_bits(),
        want.to_bits(),
        "trace of {z:?} {key:?} {e}"
    );
    Trace {
        steps,
        words,
        value,
    }
}

/// The path of a trace, as the labels name it.
fn path(t: &Trace) -> String {
    let mut parts = Vec::new();
    for s in &t.steps {
        parts.push(match &s.test {
            Test::Fast => "fast".to_string(),
            Test::Wedge { accept: true, .. } => "wedge-accept".to_string(),
            Test::Wedge { accept: false, .. } => "wedge-reject".to_string(),
            Test::Tail(tries) if tries.len() == 1 => "tail-accept".to_string(),
            Test::Tail(tries) => format!("tail-reject{}-accept", tries.len() - 1),
        });
    }
    parts.join(",")
}

fn hex32(x: u32) -> String {
    format!("\"0x{x:08x}\"")
}
fn hex64(x: u64) -> String {
    format!("\"0x{x:016x}\"")
}
fn f(x: f32) -> String {
    hex32(x.to_bits())
}
fn list(xs: impl IntoIterator<Item = String>) -> String {
    format!("[{}]", xs.into_iter().collect::<Vec<_>>().join(", "))
}

/// One labelled element of a ziggurat sampler, one line of JSON.
fn element_line(label: &str, z: Zig, key: Key, e: u64) -> (String, String) {
    let o = origin(key, e);
    let t = trace(z, key, e, o.draw);
    let mut got = [0.0f32];
    match z {
        Zig::Normal => reference::normal(key, e, &mut got).unwrap(),
        Zig::Truncated => reference::truncated_normal(key, e, &mut got).unwrap(),
    }
    assert_eq!(got[0].to_bits(), t.value.to_bits());
    let steps = t.steps.iter().map(|s| {
        let test = match &s.test {
            Test::Fast => "\"test\": \"fast\"".to_string(),
            Test::Wedge {
                word,
                u,
                y,
                expf,
                accept,
            } => format!(
                "\"test\": \"wedge\", \"u_word\": {}, \"u\": {}, \"y\": {}, \"expf\": {}, \"accept\": {accept}",
                hex32(*word),
                f(*u),
                f(*y),
                f(*expf)
            ),
            Test::Tail(tries) => format!(
                "\"test\": \"tail\", \"tries\": {}",
                list(tries.iter().map(|(w1, w2, xx, yy, ok)| format!(
                    "{{\"x_word\": {}, \"y_word\": {}, \"xx\": {}, \"yy\": {}, \"accept\": {ok}}}",
                    hex32(*w1),
                    hex32(*w2),
                    f(*xx),
                    f(*yy)
                )))
            ),
        };
        format!(
            "{{\"draw\": {}, \"layer\": {}, \"sign\": {}, \"mag\": {}, \"x\": {}, {test}}}",
            hex32(s.draw),
            s.layer,
            s.sign,
            s.mag,
            f(s.x)
        )
    });
    let p = path(&t);
    let line = format!(
        "{{\"label\": \"{label}\", \"sampler\": \"{}\", \"seed\": {}, \"stream\": {}, \"element\": {}, \"value\": {}, \
         \"path\": \"{p}\", \"chunk\": {}, \"lane\": {}, \"row\": {}, \"lane_state\": {}, \"draw\": {}, \
         \"fixup_state\": {}, \"fixup_words\": {}, \"steps\": {}}}",
        z.name(),
        hex64(key.seed()),
        hex64(key.stream()),
        hex64(e),
        f(t.value),
        hex64(o.chunk),
        o.lane,
        o.row,
        list(o.state.map(hex32)),
        hex32(o.draw),
        hex64(crate::key::element_state(fixup_base(key.base()), e)),
        list(t.words.iter().map(|&w| hex32(w))),
        list(steps)
    );
    (p, line)
}

/// Elements found by [`find_rare_paths`] (run by hand), whose paths the generator asserts.
/// (sampler, element of `Key::new(0x5EED)`, label = the expected path).
const RARE: &[(Zig, u64, &str)] = &[
    (Zig::Normal, 4398, "tail-accept"),
    (Zig::Normal, 72551, "tail-reject1-accept"),
    (Zig::Normal, 106940, "tail-reject2-accept"),
    (Zig::Normal, 39257436, "tail-reject3-accept"),
    (Zig::Normal, 886690, "wedge-reject,tail-accept"),
    (Zig::Normal, 12715638, "wedge-reject,tail-reject1-accept"),
    (Zig::Normal, 32367, "wedge-reject,wedge-reject,fast"),
    (
        Zig::Normal,
        957186,
        "wedge-reject,wedge-reject,wedge-accept",
    ),
    (
        Zig::Normal,
        1372602,
        "wedge-reject,wedge-reject,wedge-reject,fast",
    ),
    (Zig::Normal, 5143705, "fast"),
    (Zig::Normal, 13329156, "fast"),
    (
        Zig::Truncated,
        1095403,
        "wedge-reject,wedge-reject,wedge-accept",
    ),
    (
        Zig::Truncated,
        19634337,
        "wedge-reject,wedge-reject,wedge-reject,fast",
    ),
    (Zig::Truncated, 5143705, "fast"),
    (Zig::Truncated, 13329156, "fast"),
];

/// The key of the labelled elements.
const KAT_KEY: Key = Key::new(0x5EED);

/// Sampled-key search for the rare paths; run by hand with
/// `cargo test --release find_rare_paths -- --ignored --nocapture`.
#[test]
#[ignore]
fn find_rare_paths() {
    for z in [Zig::Normal, Zig::Truncated] {
        let key = KAT_KEY;
        let mut seen = std::collections::BTreeSet::new();
        for chunk in 0..40_000u64 {
            for lane in 0..8u32 {
                let mut g = Lane {
                    s: lane_state(key.base(), chunk, lane),
                };
                for row in 0..128u64 {
                    let draw = g.next_u32();
                    let e = chunk * CHUNK + row * 8 + lane as u64;
                    let mag = draw >> 9;
                    let layer = (draw & 0xff) as usize;
                    if mag == 0 || mag >= z.layers()[layer].k {
                        let t = trace(z, key, e, draw);
                        let mut p = path(&t);
                        if mag == 0 {
                            p = format!("zero-{}-{p}", draw >> 8 & 1);
                        }
                        if seen.insert(p.clone()) {
                            std::println!("{z:?} e {e} path {p}");
                        }
                    }
                }
            }
        }
    }
}

/// `mix64`'s inverse (each xorshift undone by iteration, each multiply by its inverse).
fn unmix64(mut z: u64) -> u64 {
    let inv = |m: u64| {
        let mut x = m;
        for _ in 0..6 {
            x = x.wrapping_mul(2u64.wrapping_sub(m.wrapping_mul(x)));
        }
        x
    };
    let unshift = |y: u64, s: u32| {
        let mut x = y;
        for _ in 0..64 / s + 1 {
            x = y ^ (x >> s);
        }
        x
    };
    z = unshift(z, 31);
    z = unshift(z.wrapping_mul(inv(0x94D0_49BB_1331_11EB)), 27);
    unshift(z.wrapping_mul(inv(0xBF58_476D_1CE4_E5B9)), 30)
}

/// FNV-1a 64 of the little-endian bytes of `words` (the table hashes of STREAM.md).
fn fnv_words(words: impl IntoIterator<Item = u32>) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for w in words {
        for b in w.to_le_bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// The six generated tables as `(name, entries as u32 bits)`, in STREAM.md's order.
fn tables() -> [(&'static str, Vec<u32>); 6] {
    [
        ("NORM_W", NORM.iter().map(|l| l.w.to_bits()).collect()),
        ("NORM_K", NORM.iter().map(|l| l.k).collect()),
        ("NORM_F", NORM_F.iter().map(|x| x.to_bits()).collect()),
        ("TRUNC_W", TRUNC.iter().map(|l| l.w.to_bits()).collect()),
        ("TRUNC_K", TRUNC.iter().map(|l| l.k).collect()),
        ("TRUNC_Y", TRUNC_Y.iter().map(|x| x.to_bits()).collect()),
    ]
}

/// The named constants as `(name, bits, width in bits)`, in STREAM.md's order.
fn constants() -> Vec<(&'static str, u64, u32)> {
    vec![
        ("GAMMA", GAMMA, 64),
        ("FOLD_TAG", FOLD_TAG, 64),
        ("FIXUP_TAG", FIXUP_TAG, 64),
        ("ELEMENT_GAMMA", ELEMENT_GAMMA, 64),
        ("MIX_M1", 0xBF58_476D_1CE4_E5B9, 64),
        ("MIX_M2", 0x94D0_49BB_1331_11EB, 64),
        ("FNV_OFFSET", 0xcbf2_9ce4_8422_2325, 64),
        ("FNV_PRIME", 0x0000_0100_0000_01b3, 64),
        ("CHUNK", CHUNK, 64),
        ("NORM_R", u64::from(NORM_R.to_bits()), 32),
        ("NORM_INV_R", u64::from(NORM_INV_R.to_bits()), 32),
        ("INV_2_24", u64::from(super::INV_2_24.to_bits()), 32),
        ("INV_2_23", u64::from(super::INV_2_23.to_bits()), 32),
        ("TRUNC_HALF_V", u64::from(TRUNC_HALF_V.to_bits()), 32),
        ("TRUNC_FULL", TRUNC_FULL as u64, 32),
        (
            "NORMAL_MAX_ABS",
            u64::from(crate::sample::NORMAL_MAX_ABS.to_bits()),
            32,
        ),
        (
            "TRUNCATED_MAX_ABS",
            u64::from(crate::sample::TRUNCATED_MAX_ABS.to_bits()),
            32,
        ),
        (
            "TRUNCATION_CORRECTION",
            crate::init::TRUNCATION_CORRECTION.to_bits(),
            64,
        ),
    ]
}

/// One key-derivation case: the ops applied to `(seed, stream)`, the key's bases and a few
/// lanes' states and first draws.
fn key_line(label: &str, seed: u64, stream: u64, ops: &[(&str, u64)], names: &[&str]) -> String {
    let mut key = Key::with_stream(seed, stream);
    let mut steps = Vec::new();
    for &(op, data) in ops {
        key = key.fold_in(data);
        steps.push(format!(
            "{{\"op\": \"{op}\", \"data\": {}, \"stream\": {}}}",
            hex64(data),
            hex64(key.stream())
        ));
    }
    for name in names {
        let h = crate::key::fnv1a64(name.as_bytes());
        assert_eq!(key.fold_in_name(name), key.fold_in(h));
        key = key.fold_in_name(name);
        steps.push(format!(
            "{{\"op\": \"fold_in_name\", \"name\": \"{name}\", \"fnv1a64\": {}, \"stream\": {}}}",
            hex64(h),
            hex64(key.stream())
        ));
    }
    let base = key.base();
    let lanes = [(0u64, 0u32), (0, 7), (1, 3), (u64::MAX / CHUNK, 7)].map(|(chunk, lane)| {
        let state = lane_state(base, chunk, lane);
        let i = chunk.wrapping_mul(8).wrapping_add(u64::from(lane));
        let a = mix64(base.wrapping_add(i.wrapping_mul(2).wrapping_add(1).wrapping_mul(GAMMA)));
        let b = mix64(base.wrapping_add(i.wrapping_mul(2).wrapping_add(2).wrapping_mul(GAMMA)));
        let mut g = Lane { s: state };
        let draws: Vec<String> = (0..4).map(|_| hex32(g.next_u32())).collect();
        format!(
            "{{\"chunk\": {}, \"lane\": {lane}, \"splitmix\": [{}, {}], \"state\": {}, \"draws\": {}}}",
            hex64(chunk),
            hex64(a),
            hex64(b),
            list(state.map(hex32)),
            list(draws)
        )
    });
    format!(
        "{{\"label\": \"{label}\", \"seed\": {}, \"stream\": {}, \"ops\": {}, \"key_stream\": {}, \"base\": {}, \"fixup_base\": {}, \"lanes\": {}}}",
        hex64(seed),
        hex64(stream),
        list(steps),
        hex64(key.stream()),
        hex64(base),
        hex64(fixup_base(base)),
        list(lanes)
    )
}

/// The full text of `golden/kat-v2.json`.
fn render() -> String {
    let mut s = String::new();
    s.push_str("{\n\"format\": \"glorot known-answer vectors, stream version 2 (docs/STREAM.md, section 13). GENERATED by src/ziggurat/kat.rs - do not edit. Bit patterns are hex strings (f32 values as their IEEE-754 bits); one case per line.\",\n");
    s.push_str("\"version\": 2,\n");

    s.push_str("\"constants\": {\n");
    let cs: Vec<String> = constants()
        .into_iter()
        .map(|(n, v, w)| {
            if w == 32 {
                format!("  \"{n}\": {}", hex32(v as u32))
            } else {
                format!("  \"{n}\": {}", hex64(v))
            }
        })
        .collect();
    s.push_str(&cs.join(",\n"));
    s.push_str("\n},\n");

    s.push_str("\"tables\": {\n");
    let ts: Vec<String> = tables()
        .into_iter()
        .map(|(n, t)| {
            format!(
                "  \"{n}\": {{\"fnv1a64\": {}, \"entries\": {}}}",
                hex64(fnv_words(t.iter().copied())),
                list(t.iter().map(|&w| hex32(w)))
            )
        })
        .collect();
    s.push_str(&ts.join(",\n"));
    s.push_str("\n},\n");

    // Key derivation. The third key is chosen (by inverting mix64) so that lane 0 of chunk 0
    // gets a first SplitMix64 output of 0: a state whose first two words are zero.
    let zero_seed = unmix64(0u64.wrapping_sub(GAMMA)).wrapping_sub(mix64(GAMMA));
    assert_eq!(lane_state(Key::new(zero_seed).base(), 0, 0)[..2], [0, 0]);
    let keys = [
        key_line("Key::new(0)", 0, 0, &[], &[]),
        key_line("Key::with_stream(42, 7)", 42, 7, &[], &[]),
        key_line(
            "zero SplitMix64 output: lane 0 of chunk 0 starts [0, 0, a, b]",
            zero_seed,
            0,
            &[],
            &[],
        ),
        key_line(
            "Key::new(42).fold_in(3).fold_in(0xffffffffffffffff)",
            42,
            0,
            &[("fold_in", 3), ("fold_in", u64::MAX)],
            &[],
        ),
        key_line(
            "Key::with_stream(1, 2).fold_in_name(\\\"\\\").fold_in_name(\\\"layers.0.weight\\\")",
            1,
            2,
            &[],
            &["", "layers.0.weight"],
        ),
    ];
    s.push_str("\"keys\": [\n");
    s.push_str(&keys.join(",\n"));
    s.push_str("\n],\n");

    // Labelled elements: every path, every layer, chunk edges, the top of the index range.
    let key = KAT_KEY;
    let mut lines = Vec::new();
    for z in [Zig::Normal, Zig::Truncated] {
        let mut paths = std::collections::BTreeSet::new();
        let mut layers = [false; 256];
        let mut e = 0u64;
        while layers.iter().any(|c| !c) || e < 4096 {
            let o = origin(key, e);
            let t = trace(z, key, e, o.draw);
            let p = path(&t);
            let layer = (o.draw & 0xff) as usize;
            if paths.insert(p.clone()) {
                lines.push(element_line(&p, z, key, e).1);
            } else if !layers[layer] {
                let full = z == Zig::Truncated && layer < TRUNC_FULL;
                let label = format!("layer {layer}{}", if full { " (full width)" } else { "" });
                lines.push(element_line(&label, z, key, e).1);
            }
            layers[layer] = true;
            e += 1;
            assert!(e < 100_000, "every layer within 100000 elements");
        }
        for &(zz, e, want) in RARE.iter().filter(|r| r.0 == z) {
            let o = origin(key, e);
            let label = if o.draw >> 9 == 0 {
                format!("magnitude 0, sign {}", o.draw >> 8 & 1)
            } else {
                want.to_string()
            };
            let (p, line) = element_line(&label, zz, key, e);
            assert_eq!(p, want, "{z:?} element {e}");
            lines.push(line);
        }
        for e in [1023u64, 1024, (1 << 40) + 5, u64::MAX - 1024, u64::MAX - 2] {
            let label = format!("index 0x{e:x}");
            lines.push(element_line(&label, z, key, e).1);
        }
        let folded = Key::new(42).fold_in(3).fold_in_name("layers.0.weight");
        lines.push(
            element_line(
                "Key::new(42).fold_in(3).fold_in_name(\\\"layers.0.weight\\\"), index 5",
                z,
                folded,
                5,
            )
            .1,
        );
    }
    s.push_str("\"elements\": [\n");
    s.push_str(&lines.join(",\n"));
    s.push_str("\n],\n");

    // Contiguous runs of each sampler, inside and across chunk boundaries, through both fills.
    let folded = Key::new(42).fold_in(3).fold_in_name("layers.0.weight");
    let runs_of: [(Key, u64, usize); 6] = [
        (key, 0, 16),
        (key, 1020, 8),
        (key, 3 * CHUNK - 1, 3),
        (key, (1 << 40) - 5, 10),
        (key, u64::MAX - 9, 9),
        (folded, 0, 8),
    ];
    let mut runs = Vec::new();
    type Fill = fn(Key, u64, &mut [f32]) -> Result<(), crate::Error>;
    let fills: [(&str, Fill, Fill); 3] = [
        ("normal", reference::normal, crate::sample::normal),
        (
            "truncated_normal",
            reference::truncated_normal,
            crate::sample::truncated_normal,
        ),
        ("uniform", reference::uniform, crate::sample::uniform),
    ];
    for (name, slow, fast) in fills {
        for (k, offset, n) in runs_of {
            let mut a = vec![0.0f32; n];
            let mut b = vec![0.0f32; n];
            slow(k, offset, &mut a).unwrap();
            fast(k, offset, &mut b).unwrap();
            assert_eq!(
                a.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                b.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
            );
            let draws = (0..n as u64).map(|i| hex32(origin(k, offset + i).draw));
            runs.push(format!(
                "{{\"sampler\": \"{name}\", \"seed\": {}, \"stream\": {}, \"offset\": {}, \"values\": {}, \"draws\": {}}}",
                hex64(k.seed()),
                hex64(k.stream()),
                hex64(offset),
                list(a.iter().map(|&x| f(x))),
                list(draws)
            ));
        }
    }
    s.push_str("\"runs\": [\n");
    s.push_str(&runs.join(",\n"));
    s.push_str("\n],\n");

    s.push_str("\"libm\": [\n");
    s.push_str(&libm_lines().join(",\n"));
    s.push_str("\n],\n");

    s.push_str("\"initializers\": [\n");
    s.push_str(&initializer_lines().join(",\n"));
    s.push_str("\n]\n}\n");
    s
}

/// `expf` and `log1pf` on the inputs glorot gives them, where the `libm` crate's results
/// differ from the `f64` function rounded to `f32` (and a few where they agree): vectors
/// that tell section 12's algorithms from a correctly rounded `expf`/`log1pf`.
fn libm_lines() -> Vec<String> {
    let mut out = Vec::new();
    let mut case = |name: &str, x: f32, y: f32, rounded: f32| {
        out.push(format!(
            "{{\"fn\": \"{name}\", \"x\": {}, \"y\": {}, \"f64_rounded\": {}}}",
            f(x),
            f(y),
            f(rounded)
        ));
    };
    // expf(h), h = -x²/2 in (-8, 0]: h on a grid of 2^-17.
    let (mut differ, mut agree) = (0, 0);
    for i in 0..8 << 17 {
        let h = -(i as f32) / 131_072.0;
        let (y, r) = (mathf::expf(h), libm::exp(f64::from(h)) as f32);
        if (y != r && differ < 32) || (y == r && i % (1 << 17) == 12_345 && agree < 8) {
            case("expf", h, y, r);
            if y != r {
                differ += 1
            } else {
                agree += 1
            }
        }
    }
    assert_eq!((differ, agree), (32, 8), "expf cases");
    // log1pf(-u), u = U(w) a multiple of 2^-24 in [0, 1).
    let (mut differ, mut agree) = (0, 0);
    for k in (0..1u32 << 24).step_by(7) {
        let v = -(k as f32 * super::INV_2_24);
        let (y, r) = (mathf::log1pf(v), libm::log1p(f64::from(v)) as f32);
        if (y != r && differ < 32) || (y == r && k % (1 << 20) < 7 && agree < 8) {
            case("log1pf", v, y, r);
            if y != r {
                differ += 1
            } else {
                agree += 1
            }
        }
    }
    assert_eq!((differ, agree), (32, 8), "log1pf cases");
    out
}

/// Each initializer's factor (and mean) for a few shapes, and its first values.
fn initializer_lines() -> Vec<String> {
    use crate::init::*;
    use crate::{Fans, Layout, Sampling};
    let keras: [(&str, &dyn Initializer, &[usize]); 10] = [
        ("GlorotNormal", &GlorotNormal, &[100, 64]),
        ("GlorotNormal", &GlorotNormal, &[3, 3, 16, 32]),
        ("GlorotUniform", &GlorotUniform, &[784, 10]),
        ("HeNormal", &HeNormal, &[5, 5, 3, 8]),
        ("HeUniform", &HeUniform, &[7]),
        ("LecunNormal", &LecunNormal, &[]),
        ("LecunUniform", &LecunUniform, &[2, 3, 4, 5, 6]),
        (
            "RandomNormal(mean 0.5, stddev 0.05)",
            &RandomNormal {
                mean: 0.5,
                stddev: 0.05,
            },
            &[4, 4],
        ),
        (
            "TruncatedNormal(mean -1, stddev 0.3)",
            &TruncatedNormal {
                mean: -1.0,
                stddev: 0.3,
            },
            &[4, 4],
        ),
        (
            "RandomUniform(minval -0.3, maxval 0.7)",
            &RandomUniform {
                minval: -0.3,
                maxval: 0.7,
            },
            &[4, 4],
        ),
    ];
    let vs = VarianceScaling::new(0.1, FanMode::FanGeoAvg, Distribution::Uniform).unwrap();
    let vsn = VarianceScaling::new(3.0, FanMode::FanOut, Distribution::UntruncatedNormal).unwrap();
    let torch: [(&str, &dyn Initializer, &[usize]); 4] = [
        (
            "XavierNormal(gain 1)",
            &XavierNormal::default(),
            &[32, 16, 3, 3],
        ),
        (
            "XavierUniform(gain 5/3)",
            &XavierUniform { gain: 5.0 / 3.0 },
            &[64, 100],
        ),
        (
            "KaimingNormal(fan_in, gain sqrt 2)",
            &KaimingNormal::default(),
            &[32, 16, 3, 3],
        ),
        (
            "KaimingUniform(fan_out, gain 1)",
            &KaimingUniform {
                mode: FanMode::FanOut,
                gain: 1.0,
            },
            &[10, 20],
        ),
    ];
    let mut all: Vec<(String, &dyn Initializer, &[usize], &str)> = Vec::new();
    for (n, i, sh) in keras {
        all.push((n.to_string(), i, sh, "keras"));
    }
    all.push((
        "VarianceScaling(0.1, fan_geo_avg, uniform)".to_string(),
        &vs,
        &[7, 11],
        "keras",
    ));
    all.push((
        "VarianceScaling(3, fan_out, untruncated_normal)".to_string(),
        &vsn,
        &[3, 3, 8, 5],
        "keras",
    ));
    for (n, i, sh) in torch {
        all.push((n.to_string(), i, sh, "torch"));
    }
    all.into_iter()
        .map(|(name, init, shape, layout)| {
            let lay = if layout == "keras" { Layout::Keras } else { Layout::Torch };
            let fans = Fans::from_shape(shape, lay).unwrap();
            let sampling = init.sampling(fans).unwrap();
            let params = match sampling {
                Sampling::Normal { mean, stddev } => format!("\"sampling\": \"normal\", \"mean\": {}, \"stddev\": {}", f(mean), f(stddev)),
                Sampling::TruncatedNormal { mean, stddev } => format!("\"sampling\": \"truncated_normal\", \"mean\": {}, \"stddev\": {}", f(mean), f(stddev)),
                Sampling::Uniform { limit } => format!("\"sampling\": \"uniform\", \"limit\": {}", f(limit)),
                Sampling::UniformRange { minval, maxval } => format!("\"sampling\": \"uniform_range\", \"minval\": {}, \"maxval\": {}", f(minval), f(maxval)),
            };
            let mut w = [0.0f32; 8];
            init.fill(fans, Key::new(42), 0, &mut w).unwrap();
            let shape_s: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
            format!(
                "{{\"initializer\": \"{name}\", \"shape\": [{}], \"layout\": \"{layout}\", \"fan_in\": {}, \"fan_out\": {}, {params}, \"seed\": 42, \"stream\": 0, \"first8\": {}}}",
                shape_s.join(", "),
                fans.fan_in,
                fans.fan_out,
                list(w.iter().map(|&x| f(x)))
            )
        })
        .collect()
}

#[test]
fn the_kat_file_is_what_the_crate_writes() {
    let want = render();
    if std::env::var_os("GLOROT_BLESS").is_some() {
        std::fs::write(PATH, &want).unwrap();
    }
    let have = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        have == want,
        "golden/kat-v2.json is not what src/ziggurat/kat.rs writes: the stream or the \
         generator changed (GLOROT_BLESS=1 cargo test --release kat rewrites it)"
    );
}

/// Checks `spec` (the text of STREAM.md): every constant of [`constants`] is quoted in a
/// table row `` | `NAME` | `0x…` | … `` with the code's value, every table of [`tables`] in a
/// row `` | `NAME` | entries | `0x…` | `` with its length and hash, and the `libm` version
/// it names is the one in `Cargo.lock`.
fn check_spec(spec: &str, lock: &str) -> Result<(), String> {
    let consts = constants();
    let tabs = tables();
    let mut seen = std::collections::BTreeSet::new();
    let hex = |s: &str| u64::from_str_radix(s.trim_matches('`').trim_start_matches("0x"), 16).ok();
    for line in spec.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 4 || !cells[1].starts_with('`') {
            continue;
        }
        let name = cells[1].trim_matches('`');
        if let Some(&(_, v, _)) = consts.iter().find(|c| c.0 == name) {
            if hex(cells[2]) != Some(v) {
                return Err(format!(
                    "STREAM.md: {name} is {}, the code's is 0x{v:x}",
                    cells[2]
                ));
            }
            seen.insert(name);
        } else if let Some((_, t)) = tabs.iter().find(|t| t.0 == name) {
            let h = fnv_words(t.iter().copied());
            if cells[2] != t.len().to_string() || hex(cells[3]) != Some(h) {
                return Err(format!(
                    "STREAM.md: table {name} is {} entries, {}; the code's is {}, 0x{h:016x}",
                    cells[2],
                    cells[3],
                    t.len()
                ));
            }
            seen.insert(name);
        }
    }
    for name in consts.iter().map(|c| c.0).chain(tabs.iter().map(|t| t.0)) {
        if !seen.contains(name) {
            return Err(format!("STREAM.md does not quote {name}"));
        }
    }
    let libm = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"libm\""))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
        .map(|v| v.trim_matches('"'))
        .ok_or("no libm in Cargo.lock")?;
    if !spec.contains(&format!("**`libm` {libm}**")) {
        return Err(format!(
            "STREAM.md does not name libm {libm}, the version in Cargo.lock"
        ));
    }
    Ok(())
}

#[test]
fn stream_md_quotes_the_code_s_constants_and_tables() {
    let spec = std::fs::read_to_string(SPEC).unwrap();
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    if let Err(e) = check_spec(&spec, &lock) {
        panic!("{e}");
    }
    // The check can fail: a constant, a table hash, a missing row, another libm.
    for (from, to) in [
        ("`0x9E3779B97F4A7C15`", "`0x9E3779B97F4A7C17`"),
        ("`0x3E8C1D53`", "`0x3E8C1D54`"),
        ("`0x47bf433784c84403`", "`0x47bf433784c84404`"),
        ("| `FOLD_TAG` |", "| FOLD_TAG |"),
    ] {
        assert!(spec.contains(from), "{from}");
        assert!(
            check_spec(&spec.replacen(from, to, 1), &lock).is_err(),
            "{from} -> {to}"
        );
    }
    assert!(check_spec(
        &spec,
        &lock.replacen(
            "name = \"libm\"\nversion = \"",
            "name = \"libm\"\nversion = \"9",
            1
        )
    )
    .is_err());
}

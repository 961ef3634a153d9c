//! Generator of `src/ziggurat/tables.rs`, in f64 with `libm` so that it gives the same text
//! on every target. `tests/tables.rs` regenerates the file and compares it byte for byte;
//! `GLOROT_BLESS=1 cargo test --test tables` rewrites it after a deliberate change (which is
//! a new stream version: see the crate docs).

use core::fmt::Write;

/// Layers per ziggurat (indexed by the low 8 bits of a draw).
pub const N: usize = 256;
/// Magnitudes have 23 bits: `x = mag * W[i]` with `W[i] = width_i / 2^23`.
pub const SCALE: f64 = 8_388_608.0;
/// The truncation bound of the truncated sampler.
pub const BOUND: f64 = 2.0;

fn f(x: f64) -> f64 {
    libm::exp(-0.5 * x * x)
}
fn finv(y: f64) -> f64 {
    libm::sqrt(-2.0 * libm::log(y))
}

/// The normal ziggurat (Marsaglia & Tsang 2000): edges `X[0..=256]`, where `X[0] = V/f(R)`
/// is the width of the base strip (which carries the tail), `X[1] = R`, `X[i+1] =
/// f⁻¹(f(X[i]) + V/X[i])`, `X[256] = 0`, and `R` is found by bisection so that the top strip
/// `[0, X[255]] × [f(X[255]), 1]` has area `V` too.
pub struct Normal {
    pub r: f64,
    pub v: f64,
    pub x: [f64; N + 1],
}

fn normal_area(r: f64) -> f64 {
    r * f(r) + libm::sqrt(core::f64::consts::FRAC_PI_2) * libm::erfc(r / core::f64::consts::SQRT_2)
}

/// `None` if the strips reach the top before the last layer (R too small), else the top
/// strip's area minus `V` (positive: R too large).
fn normal_edges(r: f64) -> Option<(f64, [f64; N + 1])> {
    let v = normal_area(r);
    let mut x = [0.0; N + 1];
    x[0] = v / f(r);
    x[1] = r;
    for i in 1..N - 1 {
        let y = f(x[i]) + v / x[i];
        if y >= 1.0 {
            return None;
        }
        x[i + 1] = finv(y);
    }
    x[N] = 0.0;
    Some((x[N - 1] * (1.0 - f(x[N - 1])) - v, x))
}

pub fn normal() -> Normal {
    let (mut lo, mut hi) = (3.0_f64, 4.0_f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid == lo || mid == hi {
            break;
        }
        match normal_edges(mid) {
            Some((resid, _)) if resid > 0.0 => hi = mid,
            _ => lo = mid,
        }
    }
    let (_, x) = normal_edges(hi).expect("bisection ends on a feasible R");
    Normal {
        r: hi,
        v: normal_area(hi),
        x,
    }
}

/// The ziggurat of the normal density restricted to `[0, BOUND]` (see DESIGN.md): strips
/// stacked from `y = 0`, `w_i = min(BOUND, f⁻¹(y_i))`, `y_{i+1} = y_i + V/w_i`, with `V`
/// found by bisection so that `y_N = 1`. No tail: every strip lies inside `[0, BOUND]`.
pub struct Truncated {
    pub v: f64,
    pub w: [f64; N + 1],
    pub y: [f64; N + 1],
}

/// `Err(())` if `v` overshoots (the stack passes `y = 1` early or ends above 1).
fn truncated_strips(v: f64) -> Result<([f64; N + 1], [f64; N + 1]), ()> {
    let mut w = [0.0; N + 1];
    let mut y = [0.0; N + 1];
    for i in 0..N {
        w[i] = if y[i] <= f(BOUND) { BOUND } else { finv(y[i]) };
        y[i + 1] = y[i] + v / w[i];
        if y[i + 1] > 1.0 || (i + 1 < N && y[i + 1] >= 1.0) {
            return Err(());
        }
    }
    w[N] = 0.0;
    Ok((w, y))
}

pub fn truncated() -> Truncated {
    let (mut lo, mut hi) = (1e-4_f64, 1e-2_f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid == lo || mid == hi {
            break;
        }
        match truncated_strips(mid) {
            Ok(_) => lo = mid,
            Err(()) => hi = mid,
        }
    }
    let (w, mut y) = truncated_strips(lo).expect("bisection ends on a feasible V");
    y[N] = 1.0; // the top of the last strip is the peak; the residual is < 1 ulp-ish
    Truncated { v: lo, w, y }
}

/// `floor(inner / outer * 2^23)`: a magnitude below this is inside the next strip's width.
fn fast_bound(inner: f64, outer: f64) -> u32 {
    libm::floor(inner / outer * SCALE) as u32
}

fn write_f32s(out: &mut String, name: &str, doc: &str, xs: &[f64]) {
    writeln!(out, "/// {doc}").unwrap();
    writeln!(out, "pub(crate) static {name}: [f32; {}] = [", xs.len()).unwrap();
    for row in xs.chunks(4) {
        let items: Vec<String> = row.iter().map(|&x| format!("{:?}", x as f32)).collect();
        writeln!(out, "    {},", items.join(", ")).unwrap();
    }
    writeln!(out, "];\n").unwrap();
}

fn write_layers(out: &mut String, name: &str, doc: &str, w: &[f64], k: &[u32]) {
    writeln!(out, "/// {doc}").unwrap();
    writeln!(out, "pub(crate) static {name}: [Layer; {}] = [", w.len()).unwrap();
    for (w, k) in w.iter().zip(k) {
        writeln!(out, "    Layer {{ w: {:?}, k: 0x{k:06x} }},", *w as f32).unwrap();
    }
    writeln!(out, "];\n").unwrap();
}

/// The runtime approximation of a strip's height from its edge: `expf(-0.5 * x * x)` in
/// `f32` with `x = w * 2^23` (exact), `x = 0` past the last layer — what
/// `ziggurat::edge_density` computes.
fn edge_density(w: &[f64], i: usize) -> f32 {
    let x = if i < N {
        (w[i] / SCALE) as f32 * 8_388_608.0
    } else {
        0.0
    };
    libm::expf(-0.5 * x * x)
}

/// `table[i]` minus `approx(i)` in units in the last place (panics outside `-8 ..= 7`);
/// `None` entries are unused and stored as 0.
fn fixes(table: &[f64], approx: impl Fn(usize) -> Option<f32>) -> Vec<i8> {
    (0..table.len())
        .map(|i| match approx(i) {
            None => 0,
            Some(a) => {
                let d = (table[i] as f32).to_bits() as i64 - a.to_bits() as i64;
                assert!((-8..=7).contains(&d), "entry {i}: {d} ulp");
                d as i8
            }
        })
        .collect()
}

/// Signed 4-bit values, two per byte: entry `i` in the low nibble of byte `i / 2` for even
/// `i`, the high nibble for odd `i`.
fn write_nibbles(out: &mut String, name: &str, doc: &str, xs: &[i8]) {
    let bytes: Vec<u8> = xs
        .chunks(2)
        .map(|p| (p[0] as u8 & 0xf) | (p.get(1).map_or(0, |&h| h as u8 & 0xf) << 4))
        .collect();
    writeln!(out, "/// {doc}").unwrap();
    writeln!(out, "pub(crate) static {name}: [u8; {}] = [", bytes.len()).unwrap();
    for row in bytes.chunks(12) {
        let items: Vec<String> = row.iter().map(|x| format!("0x{x:02x}")).collect();
        writeln!(out, "    {},", items.join(", ")).unwrap();
    }
    writeln!(out, "];\n").unwrap();
}

/// The full text of `src/ziggurat/tables.rs`.
pub fn render() -> String {
    let nz = normal();
    let tz = truncated();
    let mut s = String::new();
    s.push_str(
        "//! Ziggurat tables. GENERATED by `tests/support/gen_tables.rs` — do not edit;\n\
         //! `GLOROT_BLESS=1 cargo test --test tables` regenerates them, and the `tables` test\n\
         //! fails if this file differs from what the generator writes.\n\n\
         use super::Layer;\n\n",
    );
    writeln!(s, "/// Start of the normal's tail, `R` (f64: {:?}).", nz.r).unwrap();
    writeln!(s, "pub(crate) const NORM_R: f32 = {:?};", nz.r as f32).unwrap();
    writeln!(s, "/// `1 / R`.").unwrap();
    writeln!(
        s,
        "pub(crate) const NORM_INV_R: f32 = {:?};",
        (1.0 / nz.r) as f32
    )
    .unwrap();
    writeln!(
        s,
        "// Strip areas: normal V = {:?}, truncated V = {:?}.\n",
        nz.v, tz.v
    )
    .unwrap();

    let w: Vec<f64> = (0..N).map(|i| nz.x[i] / SCALE).collect();
    let k: Vec<u32> = (0..N).map(|i| fast_bound(nz.x[i + 1], nz.x[i])).collect();
    let fy: Vec<f64> = (0..=N)
        .map(|i| if i == 0 { 0.0 } else { f(nz.x[i]) })
        .collect();
    write_layers(
        &mut s,
        "NORM",
        "Normal layers: `w = X[i] / 2^23` (width per unit of magnitude), \
         `k = floor(X[i+1] / X[i] * 2^23)`\n/// (`mag < k` is accepted at once).",
        &w,
        &k,
    );
    write_f32s(
        &mut s,
        "NORM_F",
        "Normal: `F[i] = f(X[i])` for `i >= 1` (`F[256] = f(0) = 1`); `F[0]` is unused.",
        &fy,
    );

    let nf_fix = fixes(&fy, |i| (i > 0).then(|| edge_density(&nz.x, i)));
    write_nibbles(
        &mut s,
        "NORM_F_FIX",
        "Normal, scalar fill: `NORM_F[i]` is `edge_density(NORM, i)` plus\n\
         /// nibble `i` of this many ulps (`i >= 1`; entry 0 unused).",
        &nf_fix,
    );

    let tw: Vec<f64> = (0..N).map(|i| tz.w[i] / SCALE).collect();
    let tk: Vec<u32> = (0..N).map(|i| fast_bound(tz.w[i + 1], tz.w[i])).collect();
    write_layers(
        &mut s,
        "TRUNC",
        "Truncated layers: `w = w_i / 2^23`, `k = floor(w_{i+1} / w_i * 2^23)`\n\
         /// (`2^23`: the whole strip is under the curve).",
        &tw,
        &tk,
    );
    write_f32s(
        &mut s,
        "TRUNC_Y",
        "Truncated: the strip boundaries `y_0 = 0 < y_1 < … < y_256 = 1`.",
        &tz.y,
    );
    let half_v = (tz.v / BOUND) as f32;
    let full = tz.w.iter().take_while(|&&w| w == BOUND).count();
    writeln!(
        s,
        "/// Truncated: `V / 2`, the height of a full-width strip.\n\
         pub(crate) const TRUNC_HALF_V: f32 = {half_v:?};\n\
         /// Truncated: strips `0 .. TRUNC_FULL` have the full width 2.\n\
         pub(crate) const TRUNC_FULL: usize = {full};\n"
    )
    .unwrap();
    let ty_fix = fixes(&tz.y, |i| {
        Some(if i < full {
            i as f32 * half_v
        } else {
            edge_density(&tz.w, i)
        })
    });
    write_nibbles(
        &mut s,
        "TRUNC_Y_FIX",
        "Truncated, scalar fill: `TRUNC_Y[i]` is `i * TRUNC_HALF_V` (full-width strips) or\n\
         /// `edge_density(TRUNC, i)` (the others) plus nibble `i` of this many ulps.",
        &ty_fix,
    );
    s
}

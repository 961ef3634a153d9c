//! The chunk loop of stream version 2, shared by every vector kernel: a fill is cut into
//! chunks of [`CHUNK`] elements, each chunk into rows of eight (one draw per lane), and each
//! run of rows is done in two passes — a branch-free fast pass over the rows, then the
//! packed few elements whose draw failed the fast test, each finished on its own.
//!
//! Nothing here knows a sampler: the kernels (`ziggurat::simd`, `ziggurat::x86`) implement
//! [`Rows`], and the fill module picks one. Dependencies run one way: `fill` → kernels →
//! `chunk`.

use crate::key::{fixup_base, Key};

/// Elements per chunk (frozen by the stream contract): 128 rows of eight lanes.
pub const CHUNK: u64 = 1024;
/// Lanes per row.
pub(crate) const LANES: usize = 8;
/// Rows per chunk.
const ROWS: usize = CHUNK as usize / LANES;

/// `true` where `wide`'s `f32x8`/`u32x8` map onto vector registers: the same conditions
/// under which `wide` (1.x) leaves its array fallback (`u32x4` and `f32x4` on SSE2,
/// wasm `simd128` and aarch64 NEON; 32-bit ARM NEON is not used by `wide`). Elsewhere the
/// fill runs lane by lane (`fill/lanes_scalar.rs`), which is smaller and faster there.
pub(crate) const SIMD: bool = cfg!(any(
    target_feature = "sse2",
    target_feature = "simd128",
    all(target_feature = "neon", target_arch = "aarch64")
));

/// `x * s + m` in `f32`: a multiply, then an add (two roundings; Rust never fuses them).
/// With `m = -0.0` the add changes no bit (`x + -0.0` is `x` for every `x`), so a plain
/// scale is `m = -0.0`, and [`Affine::NONE`] is no change at all, which the optimiser
/// removes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Affine {
    pub(crate) s: f32,
    pub(crate) m: f32,
}

impl Affine {
    /// No change.
    pub(crate) const NONE: Affine = Affine { s: 1.0, m: -0.0 };

    /// `x * s + m`.
    #[inline(always)]
    pub(crate) fn of(self, x: f32) -> f32 {
        x * self.s + self.m
    }
}

/// A transform of the samplers' values made by [`fill_rows`] itself, so that an
/// initializer's scale costs no second pass over the output: the affine part is applied to
/// each value as the kernels make it (in registers), the rest to each chunk's piece of the
/// output as soon as it is complete (still in the L1 cache). `()` is none (the plain
/// samplers): the kernels compiled for it have no trace of it.
pub(crate) trait Post: Copy {
    /// The part applied to each value as it is made.
    #[inline(always)]
    fn affine(self) -> Affine {
        Affine::NONE
    }

    /// The part applied to each chunk's final values, after [`Post::affine`].
    #[inline(always)]
    fn apply(self, _vals: &mut [f32]) {}
}

impl Post for () {}

/// Calls `f(chunk, lo, part)` for each chunk that `offset .. offset + out.len()` touches,
/// `part` being the piece of `out` holding that chunk's elements `lo .. lo + part.len()`.
/// (The caller has checked that the range fits in `u64`.)
#[inline(always)]
pub(crate) fn for_each_chunk(
    offset: u64,
    out: &mut [f32],
    mut f: impl FnMut(u64, usize, &mut [f32]),
) {
    let mut pos = offset;
    let mut rest = out;
    while !rest.is_empty() {
        let lo = (pos % CHUNK) as usize;
        let take = rest.len().min(CHUNK as usize - lo);
        let (part, tail) = rest.split_at_mut(take);
        f(pos / CHUNK, lo, part);
        pos = pos.wrapping_add(take as u64);
        rest = tail;
    }
}

/// Fills `out` with elements `offset ..` of the key's stream (the range is already
/// checked) by one sampler's kernel on one representation `L` of the eight lanes:
/// - `seed(base, chunk)`: the lanes of chunk `chunk` of the key whose base is `base`, lane
///   `l` from `key::lane_state(base, chunk, l)`;
/// - `skip(lanes)`: steps every lane once, dropping the draws (rows before the range);
/// - `rows(lanes, rows, fails)`, the fast pass: one draw per lane for each row. Where the
///   draw passes the fast test the row holds its value (with `post`'s affine part
///   applied); where it fails, the row holds the draw's bits (`f32::from_bits(r)`) and bit
///   `l` of `fails[j]` is set (`fails` is as long as `rows`, and zero on entry);
/// - `fix(vals, pos, fix, at)`: finishes the elements at the positions `pos` of `vals`
///   (whose element indices are `at + pos[i]`), each holding a draw that failed the fast
///   test, from the elements' own generators (`fix` is [`fixup_base`] of the key; the
///   affine part applied), except the rare ones the kernel leaves to `rest`: those it
///   moves to the front of `pos`, untouched in `vals`, and returns their count
///   ([`fix_each`] does this one element at a time);
/// - `rest(r, fix, e)`: the value of element `e` whose draw `r` failed the fast test, by
///   the contract's own function;
/// - `fix1(r, fix, e)`: `fix` for one element, `None` where it would leave the element to
///   `rest` (used for short fills, see [`fix_short`]);
/// - `post`: see [`Post`]; `rows` and `fix` apply its affine part, `fill_rows` the rest.
///
/// Closures rather than a trait, so that a kernel compiled for other target features
/// (the run-time AVX2 kernels) can hand in closures that inherit them.
#[inline(always)]
#[expect(
    clippy::too_many_arguments,
    reason = "the range, the kernel's six parts and the post-transform; a struct of generic closures reads worse"
)]
pub(crate) fn fill_rows<L: Copy>(
    key: Key,
    offset: u64,
    out: &mut [f32],
    seed: impl Fn(u64, u64) -> L,
    skip: impl Fn(&mut L),
    rows: impl Fn(&mut L, &mut [[f32; LANES]], &mut [u8]),
    fix: impl Fn(&mut [f32], &mut [u16], u64, u64) -> usize,
    rest: impl Fn(u32, u64, u64) -> f32,
    fix1: impl Fn(u32, u64, u64) -> Option<f32>,
    post: impl Post,
) {
    let aff = post.affine();
    let base = key.base();
    let fixb = fixup_base(base);
    for_each_chunk(offset, out, |chunk, lo, whole| {
        let part = &mut *whole;
        let mut lanes = seed(base, chunk);
        // `chunk < 2^54`, so the chunk's first element index does not overflow.
        let first = chunk * CHUNK;
        let mut row = lo / LANES;
        // Rows before the range: their draws are skipped, nothing else (no element ever
        // depends on another's draw).
        for _ in 0..row {
            skip(&mut lanes);
        }
        let mut part = part;
        let head = lo % LANES;
        if head != 0 {
            let n = part.len().min(LANES - head);
            let (h, after) = part.split_at_mut(n);
            let at = first + (row * LANES) as u64;
            one_row(&mut lanes, &rows, &rest, aff, fixb, at, head, h);
            part = after;
            row += 1;
        }
        let (body, tail) = part.as_chunks_mut::<LANES>();
        if !body.is_empty() {
            let mut fails = [0u8; ROWS];
            rows(&mut lanes, body, &mut fails[..body.len()]);
            let at = first + (row * LANES) as u64;
            if body.len() <= SHORT {
                fix_short(body.as_flattened_mut(), &fails, &fix1, &rest, aff, fixb, at);
            } else {
                fix_rows(body.as_flattened_mut(), &fails, &fix, &rest, aff, fixb, at);
            }
            row += body.len();
        }
        if !tail.is_empty() {
            let at = first + (row * LANES) as u64;
            one_row(&mut lanes, &rows, &rest, aff, fixb, at, 0, tail);
        }
        post.apply(whole);
    });
}

/// One row computed whole, of which lanes `from .. from + dst.len()` are written to `dst`
/// (a fill's partial first or last row); `at` is the row's first element index. Its few
/// fix-ups go straight to the contract's `rest`.
#[inline(always)]
#[expect(
    clippy::too_many_arguments,
    reason = "fill_rows' parts and the row's place, passed down as they are"
)]
fn one_row<L>(
    lanes: &mut L,
    rows: &impl Fn(&mut L, &mut [[f32; LANES]], &mut [u8]),
    rest: &impl Fn(u32, u64, u64) -> f32,
    aff: Affine,
    fixb: u64,
    at: u64,
    from: usize,
    dst: &mut [f32],
) {
    let mut v = [[0.0f32; LANES]; 1];
    let mut fails = [0u8; 1];
    rows(lanes, &mut v, &mut fails);
    for (i, (d, &x)) in dst.iter_mut().zip(&v[0][from..]).enumerate() {
        let l = from + i;
        *d = if fails[0] >> l & 1 != 0 {
            aff.of(rest(x.to_bits(), fixb, at + l as u64))
        } else {
            x
        };
    }
}

/// Bodies of at most this many rows are fixed up by [`fix_short`].
const SHORT: usize = 8;

/// [`fix_rows`] for a body of at most [`SHORT`] rows (one 64-bit word of `fails`): each
/// failing element finished at once by `fix1`, or `rest` where it declines — no list, no
/// group of eight. A 64-value fill has about 0.8 fix-ups; this took it from 79 to 72 ns.
#[inline(always)]
fn fix_short(
    vals: &mut [f32],
    fails: &[u8; ROWS],
    fix1: &impl Fn(u32, u64, u64) -> Option<f32>,
    rest: &impl Fn(u32, u64, u64) -> f32,
    aff: Affine,
    fixb: u64,
    at: u64,
) {
    let (word, _) = fails.split_first_chunk::<8>().unwrap_or((&[0; 8], &[]));
    let mut w = u64::from_le_bytes(*word);
    while w != 0 {
        let p = w.trailing_zeros() as usize;
        w &= w - 1;
        if let Some(v) = vals.get_mut(p) {
            let (r, e) = (v.to_bits(), at + p as u64);
            *v = aff.of(fix1(r, fixb, e).unwrap_or_else(|| rest(r, fixb, e)));
        }
    }
}

/// The second pass: every element whose bit is set in `fails` (bit `l` of byte `j` is
/// element `8j + l` of `vals`) is finished from the draw bits it holds; `at` is the
/// element index of `vals[0]`.
///
/// The bitmap is turned into a list of positions without a data-dependent branch (four
/// positions written per 64-bit word whatever its count, the count added; a loop only for
/// the rare word with more than four), and the list is worked off by [`fix_list`] once it
/// holds more than 64 (rare: about 15 elements of a chunk fail) and at the end.
#[inline(always)]
fn fix_rows(
    vals: &mut [f32],
    fails: &[u8; ROWS],
    fix: &impl Fn(&mut [f32], &mut [u16], u64, u64) -> usize,
    rest: &impl Fn(u32, u64, u64) -> f32,
    aff: Affine,
    fixb: u64,
    at: u64,
) {
    // At most 64 listed before a word is added, which adds at most 64 (and writes 4).
    let mut pos = [0u16; 2 * 64 + 4];
    let mut n = 0;
    let words = vals.len().div_ceil(64);
    for (q, word) in fails.as_chunks::<8>().0[..words].iter().enumerate() {
        if n > 64 {
            fix_list(vals, &mut pos[..n], fix, rest, aff, fixb, at);
            n = 0;
        }
        let mut w = u64::from_le_bytes(*word);
        let count = w.count_ones() as usize;
        let q = 64 * q as u16;
        for k in 0..4 {
            // `trailing_zeros` of 0 is 64: a position past the count, never read.
            pos[n + k] = q + w.trailing_zeros() as u16;
            w &= w.wrapping_sub(1);
        }
        for k in 4..count {
            pos[n + k] = q + w.trailing_zeros() as u16;
            w &= w - 1;
        }
        n += count;
    }
    fix_list(vals, &mut pos[..n], fix, rest, aff, fixb, at);
}

/// Finishes the elements at `pos` by the kernel's `fix`; the rare ones it declines are
/// finished by `rest` (out of line, with calls to `libm`) after it, so that its loop has
/// no call to keep registers across.
#[inline(always)]
fn fix_list(
    vals: &mut [f32],
    pos: &mut [u16],
    fix: &impl Fn(&mut [f32], &mut [u16], u64, u64) -> usize,
    rest: &impl Fn(u32, u64, u64) -> f32,
    aff: Affine,
    fixb: u64,
    at: u64,
) {
    let slow = fix(vals, pos, fixb, at);
    for &p in &pos[..slow] {
        if let Some(v) = vals.get_mut(usize::from(p)) {
            *v = aff.of(rest(v.to_bits(), fixb, at + u64::from(p)));
        }
    }
}

/// The kernels' `fix` one element at a time: `fix(r, fixb, e)` is the value of element `e`
/// whose draw `r` failed the fast test, or `None` for the rare ones left to `rest`; `aff`
/// is applied to the values. The fix-ups are independent of each other, so the processor
/// overlaps them.
#[inline(always)]
pub(crate) fn fix_each(
    vals: &mut [f32],
    pos: &mut [u16],
    fixb: u64,
    at: u64,
    fix: impl Fn(u32, u64, u64) -> Option<f32>,
    aff: Affine,
) -> usize {
    let mut slow = 0;
    for i in 0..pos.len() {
        let p = pos[i];
        let Some(v) = vals.get_mut(usize::from(p)) else {
            continue;
        };
        match fix(v.to_bits(), fixb, at + u64::from(p)) {
            Some(x) => *v = aff.of(x),
            None => {
                // `slow <= i`: the list is rewritten in place, behind the reading.
                pos[slow] = p;
                slow += 1;
            }
        }
    }
    slow
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::mix64;
    use std::vec;

    /// A synthetic kernel on scalar lanes: lane `l`'s draws count up from `l << 16`, a draw
    /// "fails" when `fail(r)`, and a failed draw `r` of element `e` becomes `fix_value(r, e)`
    /// — through `fix` when `declined(r)` is false, through `rest` otherwise. The chunk loop
    /// must give every element the value the contract (by element) says, whatever the
    /// pattern: all failing (the list overflows and is flushed), none, or a random mix.
    fn check_pattern(fail: fn(u32) -> bool, declined: fn(u32) -> bool) {
        let value = |r: u32, fixb: u64, e: u64| -> f32 {
            let ok = !fail(r);
            if ok {
                (r % 1000) as f32
            } else {
                (mix64(fixb ^ e ^ u64::from(r)) % 100_000) as f32 + 0.5
            }
        };
        let key = Key::new(5);
        let fixb = fixup_base(key.base());
        for (offset, len) in [
            (0u64, 3000usize),
            (5, 1019),
            (1023, 2),
            (7, 9),
            (2048 + 61, 700),
        ] {
            let mut out = vec![f32::NAN; len];
            fill_rows(
                key,
                offset,
                &mut out,
                |_, _| [0u32; LANES],
                |lanes| lanes.iter_mut().for_each(|c| *c += 1),
                |lanes, rows, fails| {
                    for (row, f) in rows.iter_mut().zip(fails) {
                        for (l, x) in row.iter_mut().enumerate() {
                            let r = ((l as u32) << 16) | lanes[l];
                            lanes[l] += 1;
                            let bad = fail(r);
                            *x = if bad {
                                f32::from_bits(r)
                            } else {
                                (r % 1000) as f32
                            };
                            *f |= u8::from(bad) << l;
                        }
                    }
                },
                |vals, pos, fixb, at| {
                    fix_each(
                        vals,
                        pos,
                        fixb,
                        at,
                        |r, fixb, e| (!declined(r)).then(|| value(r, fixb, e)),
                        Affine::NONE,
                    )
                },
                value,
                |r, fixb, e| (!declined(r)).then(|| value(r, fixb, e)),
                (),
            );
            for (i, x) in out.iter().enumerate() {
                let e = offset + i as u64;
                let (row, l) = ((e % CHUNK) as usize / LANES, e as usize % LANES);
                let r = ((l as u32) << 16) | row as u32;
                assert_eq!(
                    x.to_bits(),
                    value(r, fixb, e).to_bits(),
                    "offset {offset} e {e}"
                );
            }
        }
    }

    #[test]
    fn every_element_gets_its_own_value_whatever_fails() {
        check_pattern(|_| true, |_| false);
        check_pattern(|_| true, |r| r.is_multiple_of(3));
        check_pattern(|_| false, |_| true);
        check_pattern(
            |r| mix64(u64::from(r)).is_multiple_of(7),
            |r| r.is_multiple_of(5),
        );
        check_pattern(|r| r & 0xff < 70, |_| false);
    }
}

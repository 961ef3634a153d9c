//! `Fans::from_shape`, `element_count` and the shape-taking fills with any shape (zero,
//! small and overflowing dimensions), layout and axes (out of range, negative, repeated).
//! Asserts: no panic; the result equals a naive computation in exact `u128` arithmetic —
//! `Ok` with the same fans exactly when every number fits in a `u64`, and the documented
//! error otherwise; `fill_shape` / `fill_shape_range` give `LengthMismatch` /
//! `SliceOutOfTensor` exactly when documented, and leave `out` untouched on `Err`.
#![no_main]

use arbitrary::Arbitrary;
use glorot::{element_count, Error, Fans, GlorotNormal, Initializer, Key, Layout};
use libfuzzer_sys::fuzz_target;

const SENTINEL: u32 = 0x7FC0_DEAD;
/// Whether zero-sized shapes must match the exact fans too (see the KNOWN case below).
const STRICT_ZERO_SIZED: bool = true;

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Dim {
    Small(u8),
    Zero,
    /// `2^k` for `k` in 0..64: products overflow after a few of them.
    Pow2(u8),
    Any(u64),
}

#[derive(Arbitrary, Debug)]
enum LayoutIn {
    Keras,
    Torch,
    Axes {
        in_axes: Vec<i8>,
        out_axes: Vec<i8>,
        batch_axes: Vec<i8>,
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    dims: Vec<Dim>,
    layout: LayoutIn,
    offset: u16,
    len: u16,
}

impl Dim {
    fn get(self) -> usize {
        match self {
            Dim::Small(k) => usize::from(k),
            Dim::Zero => 0,
            Dim::Pow2(k) => 1usize << (k % 64),
            Dim::Any(x) => x as usize,
        }
    }
}

/// An exact product: `None` if it exceeds `u128` (then it surely exceeds `u64`).
fn exact(dims: impl IntoIterator<Item = usize>) -> Option<u128> {
    let dims: Vec<u128> = dims.into_iter().map(|d| d as u128).collect();
    if dims.contains(&0) {
        return Some(0);
    }
    dims.iter().try_fold(1u128, |a, &d| a.checked_mul(d))
}

fn fits(x: Option<u128>) -> Option<u64> {
    x.and_then(|x| u64::try_from(x).ok())
}

/// The fans as the docs define them, in exact arithmetic; `Err` as documented.
fn naive(shape: &[usize], layout: &Layout<'_>) -> Result<Fans, Error> {
    fits(exact(shape.iter().copied())).ok_or(Error::ShapeOverflow)?;
    let rank = shape.len();
    let (fan_in, fan_out) = match layout {
        Layout::Keras => match rank {
            0 => (Some(1), Some(1)),
            1 => (Some(shape[0] as u128), Some(shape[0] as u128)),
            _ => {
                let r = &shape[..rank - 2];
                let fi = exact(r.iter().copied().chain([shape[rank - 2]]));
                let fo = exact(r.iter().copied().chain([shape[rank - 1]]));
                (fi, fo)
            }
        },
        Layout::Torch => {
            if rank < 2 {
                return Err(Error::RankTooSmall { rank, min: 2 });
            }
            let r = &shape[2..];
            let fi = exact(r.iter().copied().chain([shape[1]]));
            let fo = exact(r.iter().copied().chain([shape[0]]));
            (fi, fo)
        }
        Layout::Axes {
            in_axes,
            out_axes,
            batch_axes,
        } => {
            if rank < 2 {
                return Err(Error::RankTooSmall { rank, min: 2 });
            }
            let mut seen = vec![false; rank];
            let mut norm = |axes: &[isize]| -> Result<Vec<usize>, Error> {
                axes.iter()
                    .map(|&a| {
                        let i = if a < 0 {
                            rank as i128 + a as i128
                        } else {
                            a as i128
                        };
                        if i < 0 || i >= rank as i128 || seen[i as usize] {
                            return Err(Error::InvalidAxis);
                        }
                        seen[i as usize] = true;
                        Ok(i as usize)
                    })
                    .collect()
            };
            let ins = norm(in_axes)?;
            let outs = norm(out_axes)?;
            norm(batch_axes)?;
            let r: Vec<usize> = (0..rank).filter(|&d| !seen[d]).map(|d| shape[d]).collect();
            let fi = exact(ins.iter().map(|&d| shape[d]).chain(r.iter().copied()));
            let fo = exact(outs.iter().map(|&d| shape[d]).chain(r.iter().copied()));
            (fi, fo)
        }
    };
    match (fits(fan_in), fits(fan_out)) {
        (Some(i), Some(o)) => Ok(Fans::new(i, o)),
        _ => Err(Error::ShapeOverflow),
    }
}

fuzz_target!(|input: Input| {
    let shape: Vec<usize> = input.dims.iter().take(8).map(|d| d.get()).collect();
    let axes: [Vec<isize>; 3];
    let layout = match &input.layout {
        LayoutIn::Keras => Layout::Keras,
        LayoutIn::Torch => Layout::Torch,
        LayoutIn::Axes {
            in_axes,
            out_axes,
            batch_axes,
        } => {
            let wide = |v: &Vec<i8>| v.iter().take(6).map(|&a| a as isize).collect();
            axes = [wide(in_axes), wide(out_axes), wide(batch_axes)];
            Layout::Axes {
                in_axes: &axes[0],
                out_axes: &axes[1],
                batch_axes: &axes[2],
            }
        }
    };
    let ours = Fans::from_shape(&shape, layout);
    let want = naive(&shape, &layout);
    match (ours, want) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{shape:?} {layout:?}"),
        (Err(a), Err(b)) => assert_eq!(a, b, "{shape:?} {layout:?}"),
        // KNOWN (reported, issue 6): for a zero-sized tensor, `from_shape` multiplies the
        // dimensions in order and reports an overflow of a partial product that a later
        // zero would have cancelled, e.g. [0, 2^63, 4, 1, 1] with Axes { in: [1, 2, 0] }
        // gives ShapeOverflow although both fans fit. Set STRICT_ZERO_SIZED once fixed.
        (Err(Error::ShapeOverflow), Ok(_)) if !STRICT_ZERO_SIZED && shape.contains(&0) => {}
        (a, b) => panic!("{shape:?} {layout:?}: from_shape = {a:?}, naive = {b:?}"),
    }

    // The shape-taking fills: checks in the documented order, nothing written on Err.
    let count = element_count(&shape);
    let offset = u64::from(input.offset);
    let len = usize::from(input.len) % 4097;
    let mut out = vec![f32::from_bits(SENTINEL); len];
    let key = Key::new(1);
    let r = GlorotNormal.fill_shape_range(&shape, layout, key, offset, &mut out);
    match (&ours, count) {
        (Err(e), _) => assert_eq!(r, Err(*e)),
        (Ok(_), Ok(n)) if offset + len as u64 > n => {
            assert_eq!(r, Err(Error::SliceOutOfTensor { len: n }))
        }
        (Ok(_), Ok(_)) => {
            assert_eq!(r, Ok(()), "{shape:?} {layout:?} {offset} {len}");
            assert!(out.iter().all(|x| x.is_finite()));
        }
        (Ok(_), Err(e)) => panic!("fans Ok but element_count {e:?}"),
    }
    if r.is_err() {
        assert!(out.iter().all(|x| x.to_bits() == SENTINEL));
    }
    let mut out = vec![f32::from_bits(SENTINEL); len];
    let r = GlorotNormal.fill_shape(&shape, layout, key, &mut out);
    match (&ours, count) {
        (Err(e), _) => assert_eq!(r, Err(*e)),
        (Ok(_), Ok(n)) if n != len as u64 => assert_eq!(
            r,
            Err(Error::LengthMismatch {
                expected: n,
                actual: len
            })
        ),
        (Ok(_), _) => assert_eq!(r, Ok(())),
    }
    if r.is_err() {
        assert!(out.iter().all(|x| x.to_bits() == SENTINEL));
    }
});

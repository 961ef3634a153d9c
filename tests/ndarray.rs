//! `glorot::ndarray` (`--features ndarray`): every array, whatever its memory order or
//! strides, holds at each logical index the value `Initializer::fill_shape` writes at that
//! row-major index of a flat slice; bad input is an `Err` that leaves the array untouched.
#![cfg(feature = "ndarray")]

use glorot::{
    Error, GlorotNormal, GlorotUniform, HeNormal, Initializer, Key, Layout, LecunNormal,
    RandomNormal, TruncatedNormal, XavierNormal,
};
use ndarray::{s, Array, Array2, Array3, ArrayD, Axis, IxDyn, ShapeBuilder};

/// The flat row-major fill of `shape`, computed by the core crate.
fn flat(init: &dyn Initializer, shape: &[usize], layout: Layout<'_>, key: Key) -> Vec<f32> {
    let n = shape.iter().product();
    let mut v = vec![0.0f32; n];
    init.fill_shape(shape, layout, key, &mut v).unwrap();
    v
}

/// The array's elements in logical row-major order, as bits.
fn logical_bits<S, D>(a: &ndarray::ArrayBase<S, D>) -> Vec<u32>
where
    S: ndarray::Data<Elem = f32>,
    D: ndarray::Dimension,
{
    a.iter().map(|x| x.to_bits()).collect()
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// Equal bit vectors, or a panic naming the first differing index (not the whole vectors).
#[track_caller]
fn same(got: &[u32], want: &[u32], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    if let Some(i) = (0..got.len()).find(|&i| got[i] != want[i]) {
        panic!("{what}: element {i} is {:#x}, want {:#x}", got[i], want[i]);
    }
}

#[test]
fn c_and_fortran_order_hold_the_flat_fill_at_each_logical_index() {
    let key = Key::new(42);
    for shape in [
        vec![64, 32],
        vec![3, 3, 16, 32],
        vec![7],
        vec![1000, 3],
        vec![5, 1, 9],
    ] {
        let want = bits(&flat(&GlorotNormal, &shape, Layout::Keras, key));
        let c = glorot::ndarray::init(&GlorotNormal, IxDyn(&shape), Layout::Keras, key).unwrap();
        let f =
            glorot::ndarray::init(&GlorotNormal, IxDyn(&shape).f(), Layout::Keras, key).unwrap();
        assert!(c.is_standard_layout());
        same(&logical_bits(&c), &want, "C order");
        same(&logical_bits(&f), &want, "F order");
        if shape.len() > 1 && shape.iter().filter(|&&d| d > 1).count() > 1 {
            // Really column-major memory, so the test above exercised the strided path.
            assert!(!f.is_standard_layout());
            assert_ne!(f.as_slice_memory_order().unwrap(), c.as_slice().unwrap());
        }
    }
}

#[test]
fn static_dimensions_and_dyn_initializers() {
    let key = Key::with_stream(3, 9);
    let w: Array2<f32> =
        glorot::ndarray::init(&XavierNormal::default(), (32, 16), Layout::Torch, key).unwrap();
    let want = flat(&XavierNormal::default(), &[32, 16], Layout::Torch, key);
    same(&bits(w.as_slice().unwrap()), &bits(&want), "Array2");

    let inits: [&dyn Initializer; 3] = [&HeNormal, &LecunNormal, &TruncatedNormal::default()];
    for init in inits {
        let a: Array3<f32> =
            glorot::ndarray::init(init, (4, 6, 5).f(), Layout::Keras, key).unwrap();
        same(
            &logical_bits(&a),
            &bits(&flat(init, &[4, 6, 5], Layout::Keras, key)),
            "dyn",
        );
    }
}

#[test]
fn views_transposes_and_strided_slices() {
    let key = Key::new(7);
    // A transposed view of a (300, 20) array is a (20, 300) array with strided rows.
    let mut base = Array2::<f32>::zeros((300, 20));
    glorot::ndarray::fill(
        &GlorotUniform,
        Layout::Keras,
        key,
        &mut base.view_mut().reversed_axes(),
    )
    .unwrap();
    let want = flat(&GlorotUniform, &[20, 300], Layout::Keras, key);
    same(&logical_bits(&base.t()), &bits(&want), "transpose");

    // Every other row (contiguous rows, strided between them) and every third column
    // (strided rows): shapes (150, 20) and (300, 7); 2100 elements cross chunk boundaries
    // in the middle of rows.
    for (rows, cols) in [(2usize, 1usize), (1, 3), (2, 3)] {
        let mut big = Array2::<f32>::from_elem((300, 20), f32::NAN);
        let mut view = big.slice_mut(s![..;rows, ..;cols]);
        let shape = view.shape().to_vec();
        glorot::ndarray::fill(&HeNormal, Layout::Keras, key, &mut view).unwrap();
        let want = flat(&HeNormal, &shape, Layout::Keras, key);
        same(&logical_bits(&view), &bits(&want), "strided view");
        // Only the view's elements were written.
        let written = big.iter().filter(|x| !x.is_nan()).count();
        assert_eq!(written, want.len());
    }

    // Rows of length 1 with a huge stride, and a rank-3 array permuted.
    let mut a = Array3::<f32>::zeros((6, 1100, 2));
    let mut p = a.view_mut().permuted_axes([2, 0, 1]); // shape (2, 6, 1100)
    glorot::ndarray::fill(&LecunNormal, Layout::Keras, key, &mut p).unwrap();
    let want = flat(&LecunNormal, &[2, 6, 1100], Layout::Keras, key);
    same(
        &logical_bits(&a.view().permuted_axes([2, 0, 1])),
        &bits(&want),
        "permuted",
    );
    let mut col = Array2::<f32>::zeros((2000, 3));
    glorot::ndarray::fill(
        &LecunNormal,
        Layout::Keras,
        key,
        &mut col.index_axis_mut(Axis(1), 1).insert_axis(Axis(1)),
    )
    .unwrap();
    let want = flat(&LecunNormal, &[2000, 1], Layout::Keras, key);
    same(&logical_bits(&col.column(1)), &bits(&want), "column");
}

#[test]
fn rank_zero_and_empty_arrays() {
    let key = Key::new(1);
    let mut scalar = ndarray::arr0(0.0f32);
    glorot::ndarray::fill(&GlorotNormal, Layout::Keras, key, &mut scalar).unwrap();
    assert_eq!(
        scalar.into_scalar().to_bits(),
        flat(&GlorotNormal, &[], Layout::Keras, key)[0].to_bits()
    );
    let empty: ArrayD<f32> =
        glorot::ndarray::init(&GlorotNormal, IxDyn(&[0, 5]), Layout::Keras, key).unwrap();
    assert_eq!(empty.len(), 0);
}

#[test]
fn errors_leave_the_array_untouched() {
    let key = Key::new(1);
    let mut v = Array::from_elem(5, 2.5f32);
    // PyTorch's fans need rank ≥ 2.
    assert_eq!(
        glorot::ndarray::fill(&XavierNormal::default(), Layout::Torch, key, &mut v),
        Err(Error::RankTooSmall { rank: 1, min: 2 })
    );
    let bad = RandomNormal {
        mean: 0.0,
        stddev: -1.0,
    };
    let mut m = Array2::from_elem((4, 3).f(), 2.5f32);
    assert_eq!(
        glorot::ndarray::fill(&bad, Layout::Keras, key, &mut m),
        Err(Error::InvalidParameter)
    );
    assert!(v.iter().chain(m.iter()).all(|&x| x == 2.5));
    assert_eq!(
        glorot::ndarray::init(&bad, (4, 3), Layout::Keras, key),
        Err(Error::InvalidParameter)
    );
}

#[test]
fn shapes_ndarray_cannot_allocate_are_errors_not_panics() {
    let key = Key::new(1);
    for shape in [
        vec![usize::MAX, 2],
        vec![usize::MAX / 4 + 1],
        vec![1 << 40, 1 << 40],
    ] {
        assert_eq!(
            glorot::ndarray::init(&GlorotNormal, IxDyn(&shape), Layout::Keras, key),
            Err(Error::ShapeOverflow),
            "{shape:?}"
        );
    }
}

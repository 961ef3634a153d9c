//! glorot-candle against the real candle: tensors and `VarBuilder` variables hold the glorot
//! crate's bits, with PyTorch fans for `candle_nn::linear` and `conv2d` weights.

use candle_core::{DType, Device, Module, Tensor};
use candle_nn::{Conv2dConfig, VarBuilder};
use glorot::{
    GlorotNormal, HeNormal, Initializer, Key, Layout, LecunUniform, TruncatedNormal, XavierUniform,
};
use glorot_candle::{var_key, GlorotBackend};

fn expected(init: &dyn Initializer, shape: &[usize], layout: Layout<'_>, key: Key) -> Vec<u32> {
    let mut v = vec![0.0f32; shape.iter().product()];
    init.fill_shape(shape, layout, key, &mut v).unwrap();
    v.iter().map(|x| x.to_bits()).collect()
}

fn bits(t: &Tensor) -> Vec<u32> {
    let v: Vec<f32> = t.flatten_all().unwrap().to_vec1().unwrap();
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn tensors_hold_the_glorot_bits() {
    let key = Key::with_stream(11, 2);
    let inits: [(&dyn Initializer, Layout<'_>); 4] = [
        (&GlorotNormal, Layout::Keras),
        (&XavierUniform::default(), Layout::Torch),
        (&TruncatedNormal::default(), Layout::Keras),
        (&LecunUniform, Layout::Torch),
    ];
    for (init, layout) in inits {
        let t = glorot_candle::tensor(init, (8, 3, 5, 5), layout, key, &Device::Cpu).unwrap();
        assert_eq!(t.dims(), &[8, 3, 5, 5]);
        assert_eq!(t.dtype(), DType::F32);
        assert_eq!(bits(&t), expected(init, &[8, 3, 5, 5], layout, key));
    }
    // Errors, not panics: PyTorch fans need rank ≥ 2.
    assert!(glorot_candle::tensor(&GlorotNormal, 5, Layout::Torch, key, &Device::Cpu).is_err());
}

#[test]
fn linear_and_conv2d_weights_use_pytorch_fans_and_their_names_streams() {
    let key = Key::new(42);
    let vb = glorot_candle::var_builder(GlorotNormal, key, DType::F32, &Device::Cpu);
    let fc = candle_nn::linear(64, 32, vb.pp("fc")).unwrap();
    let conv = candle_nn::conv2d(3, 8, 3, Conv2dConfig::default(), vb.pp("conv")).unwrap();

    // candle stores (out, in[, kh, kw]); PyTorch fans of that are (in·k, out·k).
    assert_eq!(fc.weight().dims(), &[32, 64]);
    assert_eq!(
        bits(fc.weight()),
        expected(
            &GlorotNormal,
            &[32, 64],
            Layout::Torch,
            var_key(key, "fc.weight")
        )
    );
    assert_eq!(conv.weight().dims(), &[8, 3, 3, 3]);
    assert_eq!(
        bits(conv.weight()),
        expected(
            &GlorotNormal,
            &[8, 3, 3, 3],
            Layout::Torch,
            var_key(key, "conv.weight")
        )
    );
    // The fans really are PyTorch's: with LeCun (fan_in only), Keras' reading of (32, 64)
    // would give other values.
    let vbl = glorot_candle::var_builder(LecunUniform, key, DType::F32, &Device::Cpu);
    let fl = candle_nn::linear(64, 32, vbl.pp("fc")).unwrap();
    let torch = expected(
        &LecunUniform,
        &[32, 64],
        Layout::Torch,
        var_key(key, "fc.weight"),
    );
    assert_eq!(bits(fl.weight()), torch);
    assert!(
        torch
            != expected(
                &LecunUniform,
                &[32, 64],
                Layout::Keras,
                var_key(key, "fc.weight")
            )
    );
    // Biases: zeros (candle's hint is a uniform draw).
    for b in [fc.bias().unwrap(), conv.bias().unwrap()] {
        assert!(bits(b).iter().all(|&x| x == 0));
    }
    // The layers work.
    let y = fc
        .forward(&Tensor::ones((2, 64), DType::F32, &Device::Cpu).unwrap())
        .unwrap();
    assert_eq!(y.dims(), &[2, 32]);
}

#[test]
fn hints_dtypes_layouts_and_errors() {
    let key = Key::new(3);
    let backend = GlorotBackend::new(HeNormal, key)
        .with_layout(Layout::Keras)
        .with_bias(0.5);
    let vb = VarBuilder::from_backend(Box::new(backend), DType::F32, Device::Cpu);
    // Init::Const is kept (layer norm: weight ones, bias zeros).
    let ln = candle_nn::layer_norm(16, 1e-5, vb.pp("ln")).unwrap();
    let y = ln
        .forward(
            &Tensor::arange(0f32, 16., &Device::Cpu)
                .unwrap()
                .reshape((1, 16))
                .unwrap(),
        )
        .unwrap();
    assert_eq!(y.dims(), &[1, 16]);
    let w = vb
        .get_with_hints(16, "ln.weight", candle_nn::init::ONE)
        .unwrap();
    assert!(w.to_vec1::<f32>().unwrap().iter().all(|&x| x == 1.0));
    // A random hint on a rank-1 tensor: the configured bias constant.
    let b = vb
        .get_with_hints(4, "b", candle_nn::init::DEFAULT_KAIMING_UNIFORM)
        .unwrap();
    assert_eq!(b.to_vec1::<f32>().unwrap(), vec![0.5; 4]);
    // Keras layout as configured.
    // (`VarBuilder::get` passes candle's default hint, `Const(0.)`: a constant.)
    assert!(bits(&vb.get((6, 10), "k").unwrap()).iter().all(|&b| b == 0));
    let k = vb
        .get_with_hints((6, 10), "k", candle_nn::init::DEFAULT_KAIMING_NORMAL)
        .unwrap();
    assert_eq!(
        bits(&k),
        expected(&HeNormal, &[6, 10], Layout::Keras, var_key(key, "k"))
    );

    // Other dtypes: the f32 values, converted.
    let vb16 = glorot_candle::var_builder(GlorotNormal, key, DType::F64, &Device::Cpu);
    let w64 = vb16
        .get_with_hints((5, 7), "w", candle_nn::init::DEFAULT_KAIMING_NORMAL)
        .unwrap();
    assert_eq!(w64.dtype(), DType::F64);
    let back: Vec<f32> = w64
        .to_dtype(DType::F32)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap();
    let want = expected(&GlorotNormal, &[5, 7], Layout::Torch, var_key(key, "w"));
    assert_eq!(back.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), want);

    // Errors: an invalid initializer; a NaN constant hint.
    let bad = glorot::RandomNormal {
        mean: 0.0,
        stddev: -1.0,
    };
    let vbx = glorot_candle::var_builder(bad, key, DType::F32, &Device::Cpu);
    let err = vbx
        .get_with_hints((3, 5), "z", candle_nn::init::DEFAULT_KAIMING_NORMAL)
        .unwrap_err();
    assert!(err.to_string().contains("invalid parameter"), "{err}");
    assert!(vbx
        .get_with_hints(3, "c", candle_nn::Init::Const(f64::NAN))
        .is_err());
}

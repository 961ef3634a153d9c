//! glorot-burn against the real burn (NdArray backend, with and without autodiff): the
//! bits equal the glorot crate's, each parameter's stream is its path's, rules and errors.
#![allow(deprecated)] // Device::ndarray: deprecated in burn 0.22 in favour of `flex`.

use burn::module::{Module, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::tensor::{Device, Tensor};
use glorot::{
    Error, GlorotNormal, HeUniform, Initializer, Key, Layout, TruncatedNormal, XavierUniform,
};
use glorot_burn::{param_key, ParamInit};

#[path = "../examples/mlp.rs"]
mod mlp;

fn expected(init: &dyn Initializer, shape: &[usize], layout: Layout<'_>, key: Key) -> Vec<u32> {
    let mut v = vec![0.0f32; shape.iter().product()];
    init.fill_shape(shape, layout, key, &mut v).unwrap();
    v.iter().map(|x| x.to_bits()).collect()
}

fn bits<const D: usize>(t: Tensor<D>) -> Vec<u32> {
    let v: Vec<f32> = t.into_data().to_vec().unwrap();
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn tensors_hold_the_glorot_bits_on_plain_and_autodiff_devices() {
    for device in [
        Device::flex(),
        Device::flex().autodiff(),
        Device::ndarray(),
        Device::ndarray().autodiff(),
    ] {
        let key = Key::with_stream(5, 3);
        let inits: [(&dyn Initializer, Layout<'_>); 3] = [
            (&GlorotNormal, Layout::Keras),
            (&XavierUniform::default(), Layout::Torch),
            (&TruncatedNormal::default(), Layout::Keras),
        ];
        for (init, layout) in inits {
            let t = glorot_burn::tensor(init, [33, 70], layout, key, &device).unwrap();
            assert_eq!(bits(t), expected(init, &[33, 70], layout, key));
            let p = glorot_burn::param(init, [4, 3, 5, 5], layout, key, &device).unwrap();
            assert!(
                p.val().is_require_grad()
                    || device == Device::ndarray()
                    || device == Device::flex()
            );
            assert_eq!(bits(p.val()), expected(init, &[4, 3, 5, 5], layout, key));
        }
    }
}

#[derive(Module, Debug)]
struct Net {
    conv: Conv2d,
    norm: LayerNorm,
    layers: Vec<Linear>,
}

fn net(device: &Device) -> Net {
    Net {
        conv: Conv2dConfig::new([3, 8], [3, 3]).init(device),
        norm: LayerNormConfig::new(16).init(device),
        layers: vec![
            LinearConfig::new(16, 32).init(device),
            LinearConfig::new(32, 4).init(device),
        ],
    }
}

#[test]
fn reinit_gives_each_parameter_its_paths_stream() {
    let device = Device::ndarray().autodiff();
    let key = Key::new(42);
    let before = net(&device);
    let ids = (before.layers[0].weight.id, before.conv.weight.id);
    let m = glorot_burn::reinit(before, key).unwrap();
    // Ids (what optimizers key their state by) are kept.
    assert_eq!((m.layers[0].weight.id, m.conv.weight.id), ids);

    let w0 = expected(
        &GlorotNormal,
        &[16, 32],
        Layout::Keras,
        param_key(key, "layers.0.weight"),
    );
    let w1 = expected(
        &GlorotNormal,
        &[32, 4],
        Layout::Keras,
        param_key(key, "layers.1.weight"),
    );
    let wc = expected(
        &GlorotNormal,
        &[8, 3, 3, 3],
        Layout::Torch,
        param_key(key, "conv.weight"),
    );
    assert_eq!(bits(m.layers[0].weight.val()), w0);
    assert_eq!(bits(m.layers[1].weight.val()), w1);
    assert_eq!(bits(m.conv.weight.val()), wc);
    assert_ne!(w0[..128], w1[..128]); // different paths, different streams
    let zeros = |t: Tensor<1>| bits(t).iter().all(|&b| b == 0);
    assert!(zeros(m.layers[0].bias.as_ref().unwrap().val()));
    assert!(zeros(m.conv.bias.as_ref().unwrap().val()));
    assert!(zeros(m.norm.beta.as_ref().unwrap().val()));
    let gamma: Vec<f32> = m.norm.gamma.val().into_data().to_vec().unwrap();
    assert!(gamma.iter().all(|&g| g == 1.0));
    assert!(m.layers[0].weight.val().is_require_grad());

    // The same seed on a plain device, the same bits.
    let plain = glorot_burn::reinit(net(&Device::ndarray()), key).unwrap();
    assert_eq!(bits(plain.layers[1].weight.val()), w1);
}

#[test]
fn paths_and_hash_are_the_documented_ones() {
    // The hash itself is tested against the FNV-1a reference vectors in the core crate.
    let key = Key::new(9);
    assert_eq!(
        param_key(key, "layers.0.weight"),
        key.fold_in_name("layers.0.weight")
    );
    assert_ne!(
        param_key(key, "layers.0.weight"),
        param_key(key, "layers.1.weight")
    );
    // The rule sees exactly these paths and shapes.
    let mut seen = Vec::new();
    glorot_burn::reinit_with(net(&Device::ndarray()), key, |path, shape| {
        seen.push((path.to_string(), shape.to_vec()));
        ParamInit::Keep
    })
    .unwrap();
    seen.sort();
    seen.dedup(); // visited once to check, once to map
    let want: Vec<(String, Vec<usize>)> = [
        ("conv.bias", vec![8]),
        ("conv.weight", vec![8, 3, 3, 3]),
        ("layers.0.bias", vec![32]),
        ("layers.0.weight", vec![16, 32]),
        ("layers.1.bias", vec![4]),
        ("layers.1.weight", vec![32, 4]),
        ("norm.beta", vec![16]),
        ("norm.gamma", vec![16]),
    ]
    .into_iter()
    .map(|(p, s)| (p.to_string(), s))
    .collect();
    assert_eq!(seen, want);
}

#[test]
fn custom_rules_and_errors() {
    let device = Device::ndarray();
    let key = Key::new(3);
    let m = glorot_burn::reinit_with(net(&device), key, |_, shape| match shape.len() {
        1 => ParamInit::Constant(0.25),
        _ => ParamInit::Init(&HeUniform, Layout::Torch),
    })
    .unwrap();
    let lw = expected(
        &HeUniform,
        &[16, 32],
        Layout::Torch,
        param_key(key, "layers.0.weight"),
    );
    assert_eq!(bits(m.layers[0].weight.val()), lw);
    let b: Vec<f32> = m.layers[1]
        .bias
        .as_ref()
        .unwrap()
        .val()
        .into_data()
        .to_vec()
        .unwrap();
    assert!(b.iter().all(|&x| x == 0.25));

    // Torch fans of a rank-1 bias: an error, not a panic.
    let err = glorot_burn::reinit_with(net(&device), key, |_, _| {
        ParamInit::Init(&GlorotNormal, Layout::Torch)
    });
    assert_eq!(err.err(), Some(Error::RankTooSmall { rank: 1, min: 2 }));
    let err = glorot_burn::reinit_with(net(&device), key, |_, _| ParamInit::Constant(f32::NAN));
    assert_eq!(err.err(), Some(Error::InvalidParameter));
    let p: Result<Param<Tensor<1>>, _> =
        glorot_burn::param(&GlorotNormal, [7], Layout::Torch, key, &device);
    assert!(p.is_err());
}

#[test]
fn the_example_mlps_loss_falls() {
    let losses = mlp::train(30, 42).unwrap();
    assert!(losses.iter().all(|l| l.is_finite()));
    // Deterministic (fixed seed, CPU); a fall to under half is far from the ~4% this seed reaches.
    assert!(losses[30] < 0.5 * losses[0], "{losses:?}");
    // And reproducible: the same seed gives the same bits.
    let again = mlp::train(30, 42).unwrap();
    assert_eq!(
        losses.iter().map(|l| l.to_bits()).collect::<Vec<_>>(),
        again.iter().map(|l| l.to_bits()).collect::<Vec<_>>()
    );
}

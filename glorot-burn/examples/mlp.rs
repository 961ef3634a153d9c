//! Trains a small MLP for a few steps on a synthetic regression task with burn's autodiff
//! (NdArray backend), its weights from glorot: `cargo run -p glorot-burn --example mlp`.
//! The loss printed at each step falls; one seed fixes the run on any backend.

use burn::module::Module;
use burn::nn::{Linear, LinearConfig, Relu};
use burn::optim::{GradientsParams, SgdConfig};
use burn::tensor::{Device, Tensor, TensorData};
use glorot::{Key, Layout, RandomUniform};

/// A 2-layer perceptron: 8 → 32 → 1.
#[derive(Module, Debug)]
pub struct Mlp {
    hidden: Linear,
    activation: Relu,
    output: Linear,
}

impl Mlp {
    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.output
            .forward(self.activation.forward(self.hidden.forward(x)))
    }
}

/// The MSE loss after each of `steps` SGD steps (the first entry is before any step).
#[allow(deprecated)] // Device::ndarray: burn 0.22 prefers `flex`; the issue asks for NdArray.
pub fn train(steps: usize, seed: u64) -> Result<Vec<f32>, glorot::Error> {
    let device = Device::ndarray().autodiff();
    let model = Mlp {
        hidden: LinearConfig::new(8, 32).init(&device),
        activation: Relu::new(),
        output: LinearConfig::new(32, 1).init(&device),
    };
    // Every weight GlorotNormal (Keras fans), every bias zero, from one seed.
    let mut model = glorot_burn::reinit(model, Key::new(seed))?;

    // Synthetic data, also from glorot: x uniform on [-1, 1), y = sum(x * w_true) + 0.5.
    let n = 256;
    let x: Tensor<2> = glorot_burn::tensor(
        &RandomUniform {
            minval: -1.0,
            maxval: 1.0,
        },
        [n, 8],
        Layout::Keras,
        Key::with_stream(seed, 1),
        &device,
    )?;
    let w_true = Tensor::<2>::from_data(
        TensorData::new(vec![0.5f32, -1.0, 0.25, 2.0, -0.75, 1.5, 0.0, -0.5], [8, 1]),
        &device,
    );
    let y = x.clone().matmul(w_true).add_scalar(0.5);

    let mut optim = SgdConfig::new().init();
    let mut losses = Vec::with_capacity(steps + 1);
    for step in 0..=steps {
        let loss = (model.forward(x.clone()) - y.clone()).powi_scalar(2).mean();
        losses.push(loss.clone().into_scalar::<f32>());
        if step == steps {
            break;
        }
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optim.step(0.05, model, grads);
    }
    Ok(losses)
}

#[allow(dead_code)] // `tests/training.rs` includes this file for `train`.
fn main() -> Result<(), glorot::Error> {
    for (step, loss) in train(30, 42)?.iter().enumerate() {
        println!("step {step:2}: loss {loss:.5}");
    }
    Ok(())
}

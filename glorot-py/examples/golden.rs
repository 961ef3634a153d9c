//! Writes golden cases for the Python tests (`tests/test_golden.py`) as JSON: values the
//! `glorot` crate computes in this very build, so the tests follow any change of the
//! stream's bits by themselves.
//!
//! `cargo run --release -p glorot-py --example golden -- FILE`
//!
//! Each case: `{"fn": name, "seed", "stream", "offset", "shape", "f32": [bits],
//! "f16": [bits], "bf16": [bits]}` with the bits as integers; `fn` is one of `normal`,
//! `truncated_normal`, `uniform` (element `offset ..` of the stream) or `glorot_normal`,
//! `xavier_uniform`, `kaiming_normal` (the whole tensor of `shape`, in the function's default
//! layout).

use glorot::half::{bf16, f16, InitializerHalf};
use glorot::{sample, Fans, GlorotNormal, Initializer, KaimingNormal, Key, Layout, XavierUniform};
use std::fmt::Write as _;

type Sampler = fn(Key, u64, &mut [f32]) -> Result<(), glorot::Error>;
/// How an initializer's fans come from a shape (its framework's layout).
type FansOf = dyn Fn(&[usize]) -> Result<Fans, glorot::Error>;
type HalfSampler<H> = fn(Key, u64, &mut [H]) -> Result<(), glorot::Error>;

fn list(bits: impl Iterator<Item = u64>) -> String {
    let v: Vec<String> = bits.map(|b| b.to_string()).collect();
    format!("[{}]", v.join(","))
}

#[allow(clippy::too_many_arguments, reason = "one JSON object's fields")]
fn case(
    name: &str,
    seed: u64,
    stream: u64,
    offset: u64,
    shape: &[usize],
    f32s: &[f32],
    f16s: &[f16],
    bf16s: &[bf16],
) -> String {
    format!(
        "{{\"fn\":\"{name}\",\"seed\":{seed},\"stream\":{stream},\"offset\":{offset},\"shape\":{},\"f32\":{},\"f16\":{},\"bf16\":{}}}",
        list(shape.iter().map(|&d| d as u64)),
        list(f32s.iter().map(|v| u64::from(v.to_bits()))),
        list(f16s.iter().map(|v| u64::from(v.to_bits()))),
        list(bf16s.iter().map(|v| u64::from(v.to_bits()))),
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: golden FILE")?;
    let mut cases = Vec::new();
    let keys: [(u64, u64, u64, usize); 6] = [
        (0, 0, 0, 1000),
        (42, 0, 0, 2051),
        (42, 7, 1021, 40),
        (u64::MAX, u64::MAX, 1 << 40, 33),
        (12345, 1, u64::MAX - 64, 64),
        (3, 9, 5_000_000, 3),
    ];
    let samplers: [(&str, Sampler, HalfSampler<f16>, HalfSampler<bf16>); 3] = [
        (
            "normal",
            sample::normal,
            glorot::half::normal,
            glorot::half::normal,
        ),
        (
            "truncated_normal",
            sample::truncated_normal,
            glorot::half::truncated_normal,
            glorot::half::truncated_normal,
        ),
        (
            "uniform",
            sample::uniform,
            glorot::half::uniform,
            glorot::half::uniform,
        ),
    ];
    for (name, f, h, b) in samplers {
        for &(seed, stream, offset, n) in &keys {
            let key = Key::with_stream(seed, stream);
            let mut v = vec![0.0f32; n];
            f(key, offset, &mut v)?;
            let mut vh = vec![f16::ZERO; n];
            h(key, offset, &mut vh)?;
            let mut vb = vec![bf16::ZERO; n];
            b(key, offset, &mut vb)?;
            cases.push(case(name, seed, stream, offset, &[n], &v, &vh, &vb));
        }
    }
    let shapes: [(&[usize], u64, u64); 4] = [
        (&[64, 32], 42, 0),
        (&[3, 3, 16, 32], 7, 5),
        (&[100], 1, 2),
        (&[5, 4, 3, 3], 9, 0),
    ];
    let inits: [(&str, &FansOf, &dyn Initializer); 3] = [
        (
            "glorot_normal",
            &|s| Fans::from_shape(s, Layout::Keras),
            &GlorotNormal,
        ),
        (
            "xavier_uniform",
            &|s| Fans::from_shape(s, Layout::Torch),
            &XavierUniform { gain: 1.0 },
        ),
        (
            "kaiming_normal",
            &|s| Fans::from_shape(s, Layout::Torch),
            &KaimingNormal::default(),
        ),
    ];
    for (name, fans_of, init) in inits {
        for &(shape, seed, stream) in &shapes {
            let Ok(fans) = fans_of(shape) else { continue };
            let n: usize = shape.iter().product();
            let key = Key::with_stream(seed, stream);
            let mut v = vec![0.0f32; n];
            init.fill(fans, key, 0, &mut v)?;
            let mut vh = vec![f16::ZERO; n];
            init.fill_half(fans, key, 0, &mut vh)?;
            let mut vb = vec![bf16::ZERO; n];
            init.fill_half(fans, key, 0, &mut vb)?;
            cases.push(case(name, seed, stream, 0, shape, &v, &vh, &vb));
        }
    }
    let mut json = String::from("[\n");
    for (i, c) in cases.iter().enumerate() {
        let sep = if i + 1 < cases.len() { ",\n" } else { "\n" };
        write!(json, "{c}{sep}")?;
    }
    json.push_str("]\n");
    std::fs::write(&path, json)?;
    eprintln!("wrote {} golden cases to {path}", cases.len());
    Ok(())
}

//! Draws `docs/glorot_normal.svg`: the histogram of glorot's `GlorotNormal` weights for a
//! Dense(1000 → 1000) kernel (10⁶ values) against the exact density of the normal
//! truncated at ±2σ that Keras' `GlorotNormal` defines — the figure of Keras' own docs,
//! from this crate's sampler.
//!
//! ```text
//! cargo run --release --example plot [-- OUT.svg]
//! ```
//!
//! Prints the sample's mean and standard deviation next to the target's, and the largest
//! gap between a bar and the density's average over the bar (in units of the bar's own
//! binomial standard error), so that a wrong figure shows up in the numbers too.

use glorot::{Fans, GlorotNormal, Initializer, Key};
use plotters::prelude::*;

const FAN_IN: u64 = 1000;
const FAN_OUT: u64 = 1000;
const BINS: usize = 80;

/// Φ, the standard normal CDF.
fn big_phi(z: f64) -> f64 {
    0.5 * (1.0 + libm::erf(z / std::f64::consts::SQRT_2))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/docs/glorot_normal.svg").into());

    let fans = Fans::new(FAN_IN, FAN_OUT);
    let n = (FAN_IN * FAN_OUT) as usize;
    let mut w = vec![0.0f32; n];
    GlorotNormal.fill(fans, Key::new(42), 0, &mut w)?;

    // The normal of standard deviation `sigma` truncated to ±2σ (Keras' definition).
    let sigma = f64::from(GlorotNormal.stddev(fans));
    let mass = big_phi(2.0) - big_phi(-2.0);
    let density = |x: f64| {
        if x.abs() > 2.0 * sigma {
            0.0
        } else {
            (-0.5 * (x / sigma).powi(2)).exp()
                / (sigma * (2.0 * std::f64::consts::PI).sqrt() * mass)
        }
    };
    // The bar's probability: the truncated normal's mass over [a, b).
    let prob = |a: f64, b: f64| (big_phi(b / sigma) - big_phi(a / sigma)) / mass;

    let (lo, hi) = (-2.0 * sigma, 2.0 * sigma);
    let width = (hi - lo) / BINS as f64;
    let mut counts = [0u64; BINS];
    for &x in &w {
        let i = ((f64::from(x) - lo) / width).floor() as usize;
        counts[i.min(BINS - 1)] += 1;
    }

    let mean = w.iter().map(|&x| f64::from(x)).sum::<f64>() / n as f64;
    let std = (w
        .iter()
        .map(|&x| (f64::from(x) - mean).powi(2))
        .sum::<f64>()
        / (n - 1) as f64)
        .sqrt();
    let target = (2.0 / (FAN_IN + FAN_OUT) as f64).sqrt();
    let worst = counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let p = prob(lo + i as f64 * width, lo + (i + 1) as f64 * width);
            (c as f64 - n as f64 * p) / (n as f64 * p * (1.0 - p)).sqrt()
        })
        .fold(0.0f64, |m, z| m.max(z.abs()));
    println!(
        "GlorotNormal fans ({FAN_IN}, {FAN_OUT}), {n} values: mean {mean:+.2e}, std {std:.6} \
         (target sqrt(2/(fan_in+fan_out)) = {target:.6}), sigma before truncation {sigma:.6}; \
         largest bar deviation {worst:.2} standard errors over {BINS} bars"
    );

    let peak = density(0.0) * 1.12;
    let root = SVGBackend::new(&out, (800, 500)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("glorot GlorotNormal, Dense({FAN_IN} → {FAN_OUT}): {n} weights"),
            ("sans-serif", 22),
        )
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(60)
        .build_cartesian_2d(lo * 1.15..hi * 1.15, 0.0..peak)?;
    chart
        .configure_mesh()
        .x_desc("weight")
        .y_desc("density")
        .x_labels(9)
        .y_labels(6)
        .x_label_formatter(&|x| format!("{x:.3}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()?;

    let bar = RGBColor(70, 130, 180);
    chart
        .draw_series(counts.iter().enumerate().map(|(i, &c)| {
            let a = lo + i as f64 * width;
            let h = c as f64 / (n as f64 * width);
            Rectangle::new([(a, 0.0), (a + width, h)], bar.mix(0.55).filled())
        }))?
        .label("sampled weights (histogram)")
        .legend(move |(x, y)| {
            Rectangle::new([(x, y - 5), (x + 16, y + 5)], bar.mix(0.55).filled())
        });

    let steps = 800;
    let curve = (0..=steps).map(|k| {
        let x = lo * 1.15 + (hi - lo) * 1.15 * k as f64 / steps as f64;
        (x, density(x))
    });
    chart
        .draw_series(LineSeries::new(curve, RED.stroke_width(2)))?
        .label(format!("normal(0, σ = {sigma:.4}) truncated at ±2σ"))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], RED.stroke_width(2)));

    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    root.present()?;
    println!("wrote {out}");

    // A figure that does not match its density is a bug, not an illustration.
    if worst > 6.0 || (std / target - 1.0).abs() > 0.005 {
        return Err("the histogram does not match the truncated-normal density".into());
    }
    Ok(())
}

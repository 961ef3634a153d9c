//! The committed ziggurat tables are exactly what the generator in the repo writes.

#[path = "support/gen_tables.rs"]
mod gen_tables;

#[test]
fn committed_tables_match_the_generator() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/ziggurat/tables.rs");
    let want = gen_tables::render();
    if std::env::var_os("GLOROT_BLESS").is_some() {
        std::fs::write(path, &want).unwrap();
    }
    let have = std::fs::read_to_string(path).unwrap();
    assert!(have == want, "src/ziggurat/tables.rs differs from the generator's output; \
        if the change is deliberate it is a new stream version: GLOROT_BLESS=1 cargo test --test tables");
}

#[test]
fn normal_strips_have_equal_area_and_decreasing_edges() {
    let z = gen_tables::normal();
    // Edges strictly decrease from the base to the peak.
    for i in 1..gen_tables::N {
        assert!(z.x[i] > z.x[i + 1], "edge {i}");
    }
    assert!(z.x[0] > z.x[1]);
    let f = |x: f64| (-0.5 * x * x).exp();
    // Strip i >= 1 has area X[i] * (f(X[i+1]) - f(X[i])) = V.
    for i in 1..gen_tables::N {
        let area = z.x[i] * (f(z.x[i + 1]) - f(z.x[i]));
        assert!((area - z.v).abs() < 1e-12, "strip {i}: {area} vs {}", z.v);
    }
    // Base strip: X[0] * f(R) = V, and V = R f(R) + the tail's area.
    assert!((z.x[0] * f(z.r) - z.v).abs() < 1e-15);
    // Total area of the ziggurat = N V; the half-normal's area is sqrt(pi/2).
    let half = (std::f64::consts::PI / 2.0).sqrt();
    assert!(256.0 * z.v > half && 256.0 * z.v < half * 1.02);
    assert!((z.r - 3.654_152_885_361_009).abs() < 1e-9, "R = {}", z.r);
}

#[test]
fn truncated_strips_have_equal_area_and_stay_inside_the_bound() {
    let z = gen_tables::truncated();
    let f = |x: f64| (-0.5 * x * x).exp();
    for i in 0..gen_tables::N {
        let area = z.w[i] * (z.y[i + 1] - z.y[i]);
        assert!((area - z.v).abs() < 1e-12, "strip {i}: {area} vs {}", z.v);
        assert!(z.w[i] <= gen_tables::BOUND);
        assert!(z.w[i] >= z.w[i + 1], "widths decrease");
        assert!(z.y[i] < z.y[i + 1], "heights increase");
        // The strip covers the curve: at height y_i the density is no wider than w_i.
        assert!(z.w[i] == gen_tables::BOUND || (f(z.w[i]) - z.y[i]).abs() < 1e-12);
    }
    assert!((z.y[gen_tables::N] - 1.0).abs() < 1e-12);
    // DESIGN.md: v ≈ 0.0046989, ~57 full-width strips, area efficiency ≈ 99.45 %.
    assert!((z.v - 0.004_698_9).abs() < 1e-7, "V = {}", z.v);
    let full = (0..gen_tables::N)
        .filter(|&i| z.w[i + 1] == gen_tables::BOUND)
        .count();
    assert!((55..=59).contains(&full), "{full} full strips");
    // Area under f on [0, 2] = sqrt(pi/2) * erf(sqrt 2).
    let inside = (std::f64::consts::PI / 2.0).sqrt() * libm::erf(std::f64::consts::SQRT_2);
    let eff = inside / (256.0 * z.v);
    assert!(eff > 0.994 && eff < 0.996, "efficiency {eff}");
}

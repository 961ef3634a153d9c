//! The `glorot` command: it is run with arguments, its `.npy` output is read back with
//! `npyz` and compared bit for bit with the library, its `--stats` lines are checked
//! against the data, and bad arguments must fail cleanly (exit status 2, one line on
//! stderr, nothing on stdout, no file written). The rows of docs/ERRORS.md's CLI table.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use glorot::{
    Fans, GlorotNormal, HeNormal, Initializer, KaimingUniform, Key, Layout, Sampling,
    VarianceScaling,
};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_glorot"))
        .args(args)
        .output()
        .expect("run glorot")
}

/// A fresh, empty directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("glorot-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Reads an `.npy` file: (shape, values); checks the dtype is little-endian `<f4`.
fn read_npy(path: &Path) -> (Vec<u64>, Vec<f32>) {
    let bytes = std::fs::read(path).unwrap();
    let npy = npyz::NpyFile::new(&bytes[..]).unwrap();
    assert_eq!(npy.dtype().descr(), "'<f4'", "dtype of {}", path.display());
    assert_eq!(npy.order(), npyz::Order::C);
    let shape = npy.shape().to_vec();
    (shape, npy.into_vec::<f32>().unwrap())
}

/// The `key=value` lines of `--stats`.
fn stats(out: &Output) -> Vec<(String, String)> {
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap_or_else(|| panic!("line '{l}'"));
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn get<'a>(stats: &'a [(String, String)], key: &str) -> &'a str {
    &stats
        .iter()
        .find(|(k, _)| k == key)
        .unwrap_or_else(|| panic!("no {key} in {stats:?}"))
        .1
}

/// Every `--init` name (and every initializer `glorot bench` times).
const INITS: [&str; 14] = [
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "lecun_uniform",
    "xavier_normal",
    "xavier_uniform",
    "kaiming_normal",
    "kaiming_uniform",
    "random_normal",
    "truncated_normal",
    "random_uniform",
    "variance_scaling",
];

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn writes_the_tensor_and_its_stats() {
    let dir = scratch("tensor");
    let path = dir.join("w.npy");
    let out = run(&[
        "--init",
        "he_normal",
        "--shape",
        "3,3,16,32",
        "--seed",
        "7",
        "--stream=2",
        "--stats",
        "--out",
        path.to_str().unwrap(),
    ]);
    let s = stats(&out);
    let keys: Vec<&str> = s.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        ["fan_in", "fan_out", "stddev", "count", "mean", "std", "min", "max"]
    );

    let (shape, values) = read_npy(&path);
    assert_eq!(shape, [3, 3, 16, 32]);
    let mut want = vec![0.0f32; 4608];
    HeNormal
        .fill_shape(
            &[3, 3, 16, 32],
            Layout::Keras,
            Key::with_stream(7, 2),
            &mut want,
        )
        .unwrap();
    assert_eq!(bits(&values), bits(&want));

    assert_eq!(get(&s, "fan_in"), "144");
    assert_eq!(get(&s, "fan_out"), "288");
    // Keras' stddev, before truncation: sqrt(2/144) / 0.87962566103423978.
    let stddev: f32 = get(&s, "stddev").parse().unwrap();
    assert_eq!(stddev, HeNormal.stddev(Fans::new(144, 288)));
    assert!((stddev as f64 - 0.133_978_731_428_994_22).abs() < 1e-8);
    assert_eq!(get(&s, "count"), "4608");
    let n = values.len() as f64;
    let mean = values.iter().map(|&x| x as f64).sum::<f64>() / n;
    let std = (values
        .iter()
        .map(|&x| (x as f64 - mean).powi(2))
        .sum::<f64>()
        / n)
        .sqrt();
    let num = |k| get(&s, k).parse::<f64>().unwrap();
    assert!(
        (num("mean") - mean).abs() < 1e-12,
        "{} vs {mean}",
        num("mean")
    );
    assert!((num("std") - std).abs() < 1e-12, "{} vs {std}", num("std"));
    let min = values.iter().copied().fold(f32::INFINITY, f32::min);
    let max = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    assert_eq!(get(&s, "min").parse::<f32>().unwrap(), min);
    assert_eq!(get(&s, "max").parse::<f32>().unwrap(), max);
    assert!(-2.0 * stddev <= min && max <= 2.0 * stddev);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_slice_is_the_same_part_of_the_tensor() {
    let dir = scratch("slice");
    let path = dir.join("part.npy");
    // xavier_*/kaiming_* default to PyTorch's OIHW layout.
    let out = run(&[
        "--init",
        "kaiming_uniform",
        "--shape",
        "32,16,3,3",
        "--seed",
        "11",
        "--offset",
        "1000",
        "--count",
        "2000",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (shape, values) = read_npy(&path);
    assert_eq!(shape, [2000]);
    let mut whole = vec![0.0f32; 4608];
    KaimingUniform::default()
        .fill_shape(&[32, 16, 3, 3], Layout::Torch, Key::new(11), &mut whole)
        .unwrap();
    assert_eq!(bits(&values), bits(&whole[1000..3000]));
    // --layout keras reads the same shape as HWIO: other fans, other values.
    let out = run(&[
        "--init",
        "kaiming_uniform",
        "--shape",
        "32,16,3,3",
        "--layout",
        "keras",
        "--stats",
    ]);
    let s = stats(&out);
    assert_eq!((get(&s, "fan_in"), get(&s, "fan_out")), ("1536", "1536"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn every_initializer_and_its_parameters() {
    let limit = |s: &[(String, String)]| get(s, "limit").parse::<f32>().unwrap();
    let stddev = |s: &[(String, String)]| get(s, "stddev").parse::<f32>().unwrap();
    let range = |s: &[(String, String)]| {
        (
            get(s, "min").parse::<f32>().unwrap(),
            get(s, "max").parse::<f32>().unwrap(),
        )
    };
    // Defaults: shape 100,64; Keras layout except for xavier_*/kaiming_* (then (out, in)).
    let table: &[(&[&str], &str, f64)] = &[
        (
            &["--init", "glorot_normal"],
            "stddev",
            0.125_543_775_001_975_47,
        ),
        (
            &["--init", "glorot_uniform"],
            "limit",
            0.191_273_013_919_001_48,
        ),
        (&["--init", "he_normal"], "stddev", 0.160_774_477_714_793_06),
        (&["--init", "he_uniform"], "limit", 0.244_948_974_278_317_83),
        (
            &["--init", "lecun_normal"],
            "stddev",
            0.113_684_723_433_855_65,
        ),
        (
            &["--init", "lecun_uniform"],
            "limit",
            0.173_205_080_756_887_72,
        ),
        (
            &["--init", "xavier_normal", "--gain", "2"],
            "stddev",
            0.220_863_052_149_693_1,
        ),
        (
            &["--init", "xavier_uniform"],
            "limit",
            0.191_273_013_919_001_48,
        ),
        (
            &["--init", "kaiming_normal"],
            "stddev",
            0.176_776_695_296_636_9,
        ),
        (
            &[
                "--init",
                "kaiming_uniform",
                "--mode",
                "fan_out",
                "--gain",
                "1",
            ],
            "limit",
            0.173_205_080_756_887_72,
        ),
        (&["--init", "random_normal"], "stddev", 0.05),
        (
            &["--init", "truncated_normal", "--stddev", "0.2"],
            "stddev",
            0.2,
        ),
        (
            &[
                "--init",
                "variance_scaling",
                "--scale",
                "2",
                "--mode",
                "fan_geo_avg",
                "--distribution",
                "uniform",
            ],
            "limit",
            0.273_861_278_752_583_04,
        ),
        (
            &[
                "--init",
                "variance_scaling",
                "--distribution",
                "untruncated_normal",
            ],
            "stddev",
            0.1,
        ),
    ];
    for &(args, key, want) in table {
        let mut a = args.to_vec();
        a.push("--stats");
        let s = stats(&run(&a));
        let got = if key == "limit" {
            limit(&s)
        } else {
            stddev(&s)
        };
        assert!(
            (got as f64 - want).abs() <= want * 1e-7,
            "{args:?}: {key} {got} vs {want}"
        );
        let (min, max) = range(&s);
        if key == "limit" {
            assert!(
                -got <= min && max < got,
                "{args:?}: [{min}, {max}] vs {got}"
            );
        }
        assert_eq!(get(&s, "count"), "6400");
    }
    // random_uniform reports its bounds instead of a limit; values stay in [min, max).
    let s = stats(&run(&[
        "--init",
        "random_uniform",
        "--minval",
        "1",
        "--maxval",
        "2",
        "--stats",
    ]));
    assert_eq!((get(&s, "minval"), get(&s, "maxval")), ("1", "2"));
    let (min, max) = range(&s);
    assert!((1.0..2.0).contains(&min) && (1.0..2.0).contains(&max));
    // random_normal's mean moves the sample.
    let s = stats(&run(&[
        "--init",
        "random_normal",
        "--mean=5",
        "--stddev=0.01",
        "--stats",
    ]));
    assert!((get(&s, "mean").parse::<f64>().unwrap() - 5.0).abs() < 0.001);
    // The numbers printed are the ones the library uses.
    let vs = VarianceScaling::new(
        2.0,
        glorot::FanMode::FanGeoAvg,
        glorot::Distribution::Uniform,
    )
    .unwrap();
    assert_eq!(
        vs.sampling(Fans::new(100, 64)).unwrap(),
        Sampling::Uniform {
            limit: table[12].2 as f32
        }
    );
}

#[test]
fn a_scalar_shape_and_the_human_report() {
    let dir = scratch("scalar");
    let path = dir.join("s.npy");
    let out = run(&["--shape", "", "--out", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (shape, values) = read_npy(&path);
    assert_eq!(shape, Vec::<u64>::new());
    let mut want = [0.0f32];
    GlorotNormal
        .fill(Fans::new(1, 1), Key::new(0), 0, &mut want)
        .unwrap();
    assert_eq!(bits(&values), bits(&want));
    // No --out, no --stats: a report with the histogram.
    let out = run(&["--init", "lecun_uniform", "--shape", "8,8"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(text.contains("fan_in 8, fan_out 8"), "{text}");
    assert!(text.contains("histogram"), "{text}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn help_lists_every_initializer() {
    let out = run(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for name in INITS.into_iter().chain([
        "--out",
        "--stats",
        // the parameters, and which initializers take them
        "--gain",
        "--mode",
        "--scale",
        "--distribution",
        "--mean",
        "--stddev",
        "--minval",
        "--maxval",
        "fan_geo_avg",
        "untruncated_normal",
        "bench",
        "completions",
        "Exit status",
    ]) {
        assert!(text.contains(name), "{name} missing from --help:\n{text}");
    }
    // `-h` is the short form; both succeed and print to stdout only.
    let short = run(&["-h"]);
    assert!(short.status.success() && short.stderr.is_empty());
    assert!(String::from_utf8(short.stdout).unwrap().contains("--init"));
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = run(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        // Every shell's script names the flags (fish without the dashes) and subcommands.
        for word in ["init", "shape", "bench", "threads", "completions"] {
            assert!(text.contains(word), "{shell}: {word} missing");
        }
    }
    let out = run(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    // No shell: the one line still names the missing argument (clap puts it on a line of
    // its own).
    let out = run(&["completions"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("glorot: the following required arguments were not provided: <SHELL>"),
        "{err}"
    );
}

/// A reader that goes away (`glorot completions zsh | head -3`) ends the program quietly,
/// status 0, no panic. The read end is closed before the child can write, so every write
/// meets a closed pipe: deterministic, not a race against the pipe's buffer.
#[test]
fn a_closed_stdout_is_not_a_panic() {
    for args in [
        &["completions", "zsh"][..],
        &["--init", "he_normal", "--shape", "64,64"][..],
        &["--init", "he_normal", "--shape", "64,64", "--stats"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_glorot"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run glorot");
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}

/// `--a`: PyTorch's leaky_relu slope for kaiming_*; nn.Linear's default,
/// `kaiming_uniform_(w, a=sqrt(5))`, is `--a 2.23606797749979` (gain sqrt(1/3)).
#[test]
fn kaiming_a_is_pytorchs_slope() {
    let dir = scratch("kaiming-a");
    let a = dir.join("a.npy");
    let g = dir.join("g.npy");
    let shape = [
        "--init",
        "kaiming_uniform",
        "--shape",
        "32,16",
        "--seed",
        "3",
    ];
    let run_to = |extra: &[&str], path: &Path| {
        let mut args = shape.to_vec();
        args.extend(extra);
        args.extend(["--out", path.to_str().unwrap()]);
        let out = run(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        read_npy(path).1
    };
    let by_a = run_to(&["--a", "2.23606797749979"], &a);
    let gain = (2.0 / (1.0 + 5.0f64)).sqrt();
    let by_gain = run_to(&["--gain", &gain.to_string()], &g);
    assert_eq!(by_a, by_gain);
    let lib = KaimingUniform {
        mode: glorot::FanMode::FanIn,
        gain: glorot::Nonlinearity::LeakyRelu(5.0f64.sqrt())
            .gain()
            .unwrap(),
    };
    let mut want = vec![0.0f32; 32 * 16];
    lib.fill_shape(&[32, 16], Layout::Torch, Key::new(3), &mut want)
        .unwrap();
    assert_eq!(by_a, want);
    // --a with --gain, or --a for an initializer without it: bad arguments.
    for bad in [
        &["--init", "kaiming_normal", "--a", "1", "--gain", "1"][..],
        &["--init", "xavier_normal", "--a", "1"][..],
        &["--init", "kaiming_normal", "--a", "inf"][..],
    ] {
        let out = run(bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// Half precision (the default feature `half`): the f16 file is the f32 fill rounded.
#[cfg(feature = "half")]
#[test]
fn f16_and_bf16_are_the_f32_values_rounded() {
    let dir = scratch("half");
    let f = dir.join("w16.npy");
    let b = dir.join("wb16.npy");
    for (dtype, path) in [("f16", &f), ("bf16", &b)] {
        let out = run(&["--dtype", dtype, "--out", path.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut want = vec![0.0f32; 6400];
    GlorotNormal
        .fill_shape(&[100, 64], Layout::Keras, Key::new(0), &mut want)
        .unwrap();
    let npy = |p: &Path, descr: &str| {
        let bytes = std::fs::read(p).unwrap();
        let npy = npyz::NpyFile::new(&bytes[..]).unwrap();
        assert_eq!(npy.dtype().descr(), descr);
        if descr == "'<f2'" {
            let v = npy.into_vec::<glorot::half::f16>().unwrap();
            v.into_iter().map(|x| x.to_bits()).collect::<Vec<u16>>()
        } else {
            npy.into_vec::<u16>().unwrap()
        }
    };
    let f16 = npy(&f, "'<f2'");
    let bf16 = npy(&b, "'<u2'");
    for (i, &w) in want.iter().enumerate() {
        assert_eq!(f16[i], glorot::half::f16::from_f32(w).to_bits(), "f16 {i}");
        assert_eq!(
            bf16[i],
            glorot::half::bf16::from_f32(w).to_bits(),
            "bf16 {i}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[cfg(not(feature = "half"))]
#[test]
fn f16_without_the_half_feature_is_a_usage_error() {
    let out = run(&["--dtype", "f16", "--stats"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("default feature half"));
}

/// Not a terminal (the test's pipes): a long fill prints no progress bar, only the result.
#[test]
fn no_progress_bar_when_not_on_a_terminal() {
    let out = run(&["--shape", "4096,4096", "--stats"]);
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(get(&stats(&out), "count"), "16777216");
}

#[test]
fn bad_arguments_fail_cleanly_and_write_nothing() {
    let dir = scratch("bad");
    let path = dir.join("never.npy");
    let p = path.to_str().unwrap();
    // (arguments, a word the message must contain)
    let cases: &[(&[&str], &str)] = &[
        (&["--init", "glorot"], "invalid value 'glorot' for '--init"),
        (&["--init", "xavier_normal", "--gain", "nan"], "--gain"),
        (&["--init", "xavier_normal", "--gain", "0"], "--gain"),
        (&["--init", "kaiming_normal", "--gain", "-1"], "--gain"),
        (&["--init", "xavier_uniform", "--gain", "inf"], "--gain"),
        (&["--init", "variance_scaling", "--scale", "0"], "--scale"),
        (&["--init", "variance_scaling", "--scale", "-2"], "--scale"),
        (&["--init", "variance_scaling", "--scale", "NaN"], "--scale"),
        (&["--init", "variance_scaling", "--scale", "inf"], "--scale"),
        (
            &[
                "--init",
                "variance_scaling",
                "--scale",
                "1e300",
                "--shape",
                "1,1",
            ],
            "overflows",
        ),
        (
            &["--init", "variance_scaling", "--mode", "fan_sum"],
            "--mode",
        ),
        (
            &["--init", "variance_scaling", "--distribution", "gaussian"],
            "--distribution",
        ),
        (
            &["--init", "kaiming_normal", "--mode", "fan_avg"],
            "fan_in or fan_out",
        ),
        (&["--init", "random_normal", "--stddev", "0"], "--stddev"),
        (&["--init", "random_normal", "--stddev", "1e39"], "--stddev"),
        (&["--init", "random_normal", "--stddev", "1e38"], "overflow"),
        (&["--init", "truncated_normal", "--mean", "inf"], "--mean"),
        (
            &["--init", "random_uniform", "--minval", "1", "--maxval", "0"],
            "--minval",
        ),
        (&["--gain", "2"], "does not apply"),
        (&["--init", "he_normal", "--mean", "1"], "does not apply"),
        (&["--shape", "3,,4"], "--shape"),
        (&["--shape", "3,x"], "--shape"),
        (&["--shape", "-3,4"], "--shape"),
        (&["--shape", "4294967296,4294967296"], "2^64"),
        (&["--shape", "99999999999999999999999"], "too large"),
        (
            &["--init", "xavier_normal", "--shape", "7"],
            "at least 2 dimensions",
        ),
        (&["--init", "xavier_normal", "--shape", "0,0"], "zero"),
        (&["--layout", "nhwc"], "--layout"),
        (&["--shape", "3,3", "--offset", "10"], "outside"),
        (
            &["--shape", "3,3", "--offset", "5", "--count", "5"],
            "outside",
        ),
        (
            &["--shape", "3,3", "--count", "18446744073709551615"],
            "outside",
        ),
        (&["--seed", "-1"], "--seed"),
        (&["--stream", "1.5"], "--stream"),
        (&["--count"], "a value is required for '--count"),
        (
            &["--seed", "1", "--seed", "2"],
            "cannot be used multiple times",
        ),
        (&["--stats=yes"], "unexpected value 'yes' for '--stats'"),
        (&["--frobnicate", "3"], "unexpected argument '--frobnicate'"),
        (
            &["glorot_normal"],
            "unrecognized subcommand 'glorot_normal'",
        ),
        (&["--shape=-3,4"], "'-3' is not a non-negative integer"),
        (&["--dtype", "f64"], "--dtype"),
    ];
    for &(args, needle) in cases {
        let mut a = args.to_vec();
        a.extend(["--out", p]);
        let out = run(&a);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: '{needle}' not in: {err}");
        assert!(out.stdout.is_empty(), "{args:?}: stdout not empty");
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 1, "{args:?}: not one line: {err}");
        assert!(lines[0].starts_with("glorot: "), "{args:?}: {err}");
        assert!(
            lines[0].ends_with(" (glorot --help for usage)"),
            "{args:?}: {err}"
        );
        assert!(!path.exists(), "{args:?}: wrote {p}");
    }
    // An --out that is a directory is bad arguments.
    let out = run(&["--out", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a directory"));
    // An --out that cannot be created is an I/O error (status 1), with no partial file,
    // and the message names the path.
    let missing = dir.join("no/such/dir/w.npy");
    let out = run(&["--out", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("glorot: ") && err.contains(missing.to_str().unwrap()),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(out.stdout.is_empty() && !missing.exists());
    std::fs::remove_dir_all(dir).unwrap();
}

/// `glorot bench` with tiny sizes: the structure of its JSON and of its table, and finite,
/// positive numbers (timings themselves are not asserted: they depend on the machine).
#[test]
fn bench_reports_every_case_at_every_size() {
    let out = run(&[
        "bench",
        "--sizes",
        "64,1Ki",
        "--threads",
        "2",
        "--reps",
        "2",
        "--min-values",
        "4096",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(doc["threads"], 2);
    assert_eq!(doc["reps"], 2);
    assert_eq!(doc["kernel"], glorot::sample::kernel());
    assert!(!doc["cpu"].as_str().unwrap().is_empty());
    let results = doc["results"].as_array().unwrap();
    let cases: Vec<&str> = [
        "sample::normal",
        "sample::truncated_normal",
        "sample::uniform",
    ]
    .into_iter()
    .chain(INITS)
    .chain(["rand_distr StandardNormal", "fill(1.0)"])
    .collect();
    assert_eq!(results.len(), 2 * cases.len());
    for size in [64, 1024] {
        for &case in &cases {
            let r = results
                .iter()
                .find(|r| r["size"] == size && r["case"] == case)
                .unwrap_or_else(|| panic!("no {case} at {size}"));
            for field in [
                "ns_per_value",
                "m_values_per_s",
                "vs_rand_distr",
                "vs_uniform",
                "vs_fill_one",
            ] {
                let x = r[field].as_f64().unwrap_or(f64::NAN);
                assert!(x.is_finite() && x > 0.0, "{case} at {size}: {field} = {x}");
            }
            let ns = r["ns_per_value"].as_f64().unwrap();
            let m = r["m_values_per_s"].as_f64().unwrap();
            assert!(
                (ns * m - 1e3).abs() < 1e-6 * 1e3,
                "{case}: {ns} ns vs {m} M/s"
            );
        }
        // A reference against itself is exactly 1 (the same timings).
        let rd = results
            .iter()
            .find(|r| r["size"] == size && r["case"] == "rand_distr StandardNormal")
            .unwrap();
        assert_eq!(rd["vs_rand_distr"], 1.0);
        assert_eq!(rd["kind"], "reference");
    }

    // The table: the header lines, then one row per case under each size.
    let out = run(&[
        "bench",
        "--sizes",
        "100",
        "--reps",
        "1",
        "--min-values",
        "100",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "cpu ",
        "kernel ",
        glorot::sample::kernel(),
        "ns/value",
        "M values/s",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    for case in &cases {
        assert!(
            text.lines().any(|l| l.starts_with(case)),
            "{case} missing:\n{text}"
        );
    }
}

#[test]
fn bench_rejects_bad_sizes_and_threads() {
    for (args, needle) in [
        (&["bench", "--sizes", "0"][..], "not a positive size"),
        (&["bench", "--sizes", "4KB"], "not a positive size"),
        (&["bench", "--threads", "0"], "--threads"),
        (
            &["bench", "--sizes", "2", "--threads", "3"],
            "smaller than --threads",
        ),
    ] {
        let out = run(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
}

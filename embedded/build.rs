//! Writes `memory.x` for the QEMU machine of the target into OUT_DIR, and sets
//! `cfg(big_ram)` where a whole 6400-f32 kernel fits in RAM (not on the 16 KiB micro:bit).
use std::{env, fs, path::PathBuf};

fn main() {
    let target = env::var("TARGET").unwrap_or_default();
    let (mem, big_ram) = if target.starts_with("thumbv6m") {
        ("mem-microbit.x", false)
    } else if target.starts_with("thumbv8m") {
        ("mem-mps2-an505.x", true)
    } else {
        ("mem-mps2-an386.x", true)
    };
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    fs::copy(mem, out.join("memory.x")).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rustc-check-cfg=cfg(big_ram)");
    if big_ram {
        println!("cargo:rustc-cfg=big_ram");
    }
    println!("cargo:rerun-if-changed={mem}");
    println!("cargo:rerun-if-changed=build.rs");
}

#!/usr/bin/env bash
# The ML adapters: fmt, clippy and tests of glorot-burn (burn 0.22, NdArray backend with
# autodiff) and glorot-candle (candle 0.11, CPU), in a persistent target dir outside the clone
# so that a second CI run is warm. Each is built with only the features it needs (see their
# Cargo.toml). Idempotent.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO"
export CARGO_TARGET_DIR="$CROSS_DIR/ml" CARGO_TERM_COLOR=never

for crate in glorot-burn glorot-candle; do
    t=$(now)
    cargo fmt -p "$crate" --check
    cargo clippy -p "$crate" --all-targets -- -D warnings
    cargo test -p "$crate"
    echo "$crate: $(( $(now) - t ))s"
done
cargo run -q -p glorot-burn --example mlp | tail -n 3

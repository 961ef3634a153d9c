#!/usr/bin/env bash
# wasm32 with simd128 under node 20: builds wasm/ (a no_std, allocation-free cdylib over the
# library with -C target-feature=+simd128, so wide takes its wasm SIMD path) for
# wasm32-unknown-unknown with -Zbuild-std by Debian's rustc-web, and runs the golden-vector
# checks from ci/wasm-check.mjs: every golden entry's first 16 values (SIMD and reference),
# SIMD == reference over 4096 values, the 1M-value hash, and the GlorotNormal kernel.
# (The wasm32-wasip1 `cargo test` route is not used: proptest's default `fork` feature pulls
# in wait-timeout, which does not build for wasm, and the dev-dependencies alone take ~9 min
# to build there.)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need_toolchain
cd "$REPO/wasm"

t=wasm32-unknown-unknown
log="$LOG_DIR/$t.log"
: >"$log"
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="$CROSS_DIR/$t"

t0=$(now)
if ! run_logged "$t" cargo "+$TC" build --release --locked --target "$t"; then
    echo "[wasm] $t: BUILD FAILED (log: $log)"
    exit 1
fi
t1=$(now)
out="$LOG_DIR/$t.out"
rc=0
node "$REPO/ci/wasm-check.mjs" "$CARGO_TARGET_DIR/$t/release/glorot_wasm_check.wasm" >"$out" 2>&1 || rc=$?
t2=$(now)
counts=$(sed -n 's/^wasm: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$out")
if [ "$rc" = 0 ] && [ -n "$counts" ]; then
    read -r p f <<<"$counts"
    echo "[wasm] $t +simd128 (node $(node --version)): $p checks passed, $f failed" \
        "(build $((t1 - t0)) s, run $((t2 - t1)) s)"
else
    echo "[wasm] $t +simd128: FAILED (node exit $rc; output: $out)"
    grep -v '^PASS' "$out" | head -n 40 || true
    exit 1
fi

#!/usr/bin/env bash
# x86_64 at target-cpu x86-64 (SSE2), x86-64-v2 (SSE4.2) and x86-64-v3 (AVX2+FMA), plain
# rustup toolchain: `cargo test --release` of the golden-vector and SIMD-vs-reference tests
# for each level, each level in its own target dir.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO"

failed=0
for level in x86-64 x86-64-v2 x86-64-v3; do
    log="x86_64-$level"
    : >"$LOG_DIR/$log.log"
    # A level this CPU cannot run would die of SIGILL: say so instead of failing obscurely.
    need=""
    case $level in
        x86-64-v2) need="sse4_2 popcnt" ;;
        x86-64-v3) need="avx2 fma bmi2" ;;
    esac
    missing=""
    for flag in $need; do grep -qw "$flag" /proc/cpuinfo || missing="$missing $flag"; done
    if [ -n "$missing" ]; then
        echo "[x86_64] $level: NOT RUN, this CPU lacks:$missing"
        failed=$((failed + 1))
        continue
    fi
    t0=$(now)
    rc=0
    RUSTFLAGS="-C target-cpu=$level" CARGO_TARGET_DIR="$CROSS_DIR/x86_64-$level" \
        run_logged "$log" cargo test --release --test golden --test simd_vs_reference || rc=$?
    t1=$(now)
    read -r p f < <(sed -n 's/^test result: [A-Za-z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1 \2/p' \
        "$LOG_DIR/$log.log" | awk '{p+=$1; f+=$2} END{print p+0, f+0}')
    if [ "$rc" = 0 ]; then
        echo "[x86_64] target-cpu=$level: $p tests passed, $f failed ($((t1 - t0)) s)"
    else
        echo "[x86_64] target-cpu=$level: FAILED, $p tests passed, $f failed (log: $LOG_DIR/$log.log)"
        grep -E '^(test .* FAILED|---- |thread .* panicked|  left|  right|assertion)' \
            "$LOG_DIR/$log.log" | head -n 40 || true
        failed=$((failed + 1))
    fi
done
[ "$failed" = 0 ]

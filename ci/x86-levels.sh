#!/usr/bin/env bash
# x86_64 at target-cpu x86-64 (SSE2), x86-64-v2 (SSE4.2) and x86-64-v3 (AVX2+FMA), plain
# rustup toolchain: `cargo test --release` of the golden-vector, SIMD-vs-reference and
# initializer tests (the kernels apply an initializer's scale themselves) for each level.
# The x86-64 and v2 levels are built with `--cfg glorot_no_dispatch`, so
# that their own kernels run even on an AVX2 CPU; a fourth run, "x86-64+dispatch", is the
# default build as users get it (its AVX2 kernels chosen at run time).
# The level is set with per-package profile rustflags (-Zprofile-rustflags, RUSTC_BOOTSTRAP)
# on glorot (lib and test targets) and every crate of its normal dependency tree (wide,
# safe_arch, libm, ...) except the integer-only bytemuck and rand_core (many dev-dependencies
# depend on them; no float operation there can change with the level). That is all the code
# that computes the bits; as with RUSTFLAGS, std stays at the baseline. The dev-dependencies
# (criterion, proptest, ...) then build once for all three levels in one target dir instead
# of three times (~3 min each on 2 cores).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO"

INTEGER_ONLY=" bytemuck rand_core "
pkgs=$(cargo tree -e normal --prefix none 2>/dev/null | sed 's/ v[0-9].*//' | sort -u \
    | while read -r p; do case "$INTEGER_ONLY" in *" $p "*) ;; *) echo "$p" ;; esac; done)
case " $(echo $pkgs) " in
    *" glorot "*" wide "*|*" wide "*" glorot "*) ;;
    *) echo "[x86_64] cannot list glorot's dependency tree (got: $pkgs)" >&2; exit 1 ;;
esac

failed=0
for run in x86-64:nodispatch x86-64-v2:nodispatch x86-64-v3:static x86-64:dispatch; do
    level=${run%%:*}
    mode=${run#*:}
    name=$level
    if [ "$mode" = dispatch ]; then name="$level+dispatch"; fi
    log="x86_64-$name"
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
    cfg=()
    for p in $pkgs; do
        extra=""
        if [ "$p" = glorot ] && [ "$mode" = nodispatch ]; then extra=',"--cfg","glorot_no_dispatch"'; fi
        cfg+=(--config "profile.release.package.$p.rustflags=[\"-C\",\"target-cpu=$level\"$extra]")
    done
    rc=0
    RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$CROSS_DIR/x86_64-levels" \
        run_logged "$log" cargo test -Zprofile-rustflags --release "${cfg[@]}" \
        --test golden --test simd_vs_reference --test initializers || rc=$?
    t1=$(now)
    read -r p f < <(sed -n 's/^test result: [A-Za-z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1 \2/p' \
        "$LOG_DIR/$log.log" | awk '{p+=$1; f+=$2} END{print p+0, f+0}')
    if [ "$rc" = 0 ]; then
        echo "[x86_64] target-cpu=$name: $p tests passed, $f failed ($((t1 - t0)) s)"
    else
        echo "[x86_64] target-cpu=$name: FAILED, $p tests passed, $f failed (log: $LOG_DIR/$log.log)"
        grep -E '^(test .* FAILED|---- |thread .* panicked|  left|  right|assertion)' \
            "$LOG_DIR/$log.log" | head -n 40 || true
        failed=$((failed + 1))
    fi
done
[ "$failed" = 0 ]

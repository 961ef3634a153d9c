#!/usr/bin/env bash
# aarch64-unknown-linux-gnu (wide's NEON path) under qemu-aarch64: `cargo test --release` of
# the root crate, built with -Zbuild-std by Debian's rustc-web (+$GLOROT_CROSS_TOOLCHAIN):
# the unit tests and every tests/*.rs except those in SKIP (doctests are not run: they would
# need -Zdoctest-xcompile).
#   statistics:  only when CI is set (the time budget): 75-180 s under qemu-user, and it
#                tests distributions, not bits (golden and simd_vs_reference do). With CI
#                unset it runs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need_toolchain
cd "$REPO"

t=aarch64-unknown-linux-gnu
log="$LOG_DIR/$t.log"
: >"$log"
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="$CROSS_DIR/$t"
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
SKIP=" "
if [ -n "${CI:-}" ]; then SKIP="$SKIP statistics "; fi
args=(--release -Zbuild-std --target "$t" --no-fail-fast --lib)
for f in tests/*.rs; do
    name=$(basename "$f" .rs)
    case "$SKIP" in *" $name "*) continue ;; esac
    args+=(--test "$name")
done

t0=$(now)
if ! run_logged "$t" cargo "+$TC" test "${args[@]}" --no-run; then
    echo "[aarch64] $t: BUILD FAILED (log: $log)"
    exit 1
fi
t1=$(now)
rc=0
run_logged "$t" cargo "+$TC" test "${args[@]}" || rc=$?
t2=$(now)
# libtest's "test result: ok. N passed; M failed; ..." lines, summed over the test binaries.
read -r p f < <(sed -n 's/^test result: [A-Za-z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1 \2/p' "$log" \
    | awk '{p+=$1; f+=$2} END{print p+0, f+0}')
if [ "$rc" = 0 ]; then
    echo "[aarch64] $t (qemu-aarch64): $p tests passed, $f failed (build $((t1 - t0)) s," \
        "run $((t2 - t1)) s; not run:$(echo $SKIP | sed 's/^/ /')${CI:+ (CI set)})"
else
    echo "[aarch64] $t (qemu-aarch64): FAILED, $p tests passed, $f failed (log: $log)"
    grep -E '^(test .* FAILED|---- |thread .* panicked|  left|  right|assertion)' "$log" | head -n 40 || true
    exit 1
fi

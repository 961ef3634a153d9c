#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a bounded time with a fixed libFuzzer seed, and
# fails on the first crash (a panic or a failed invariant). Installs cargo-fuzz (and the
# nightly toolchain it needs) when missing; idempotent.
#
#   bash ci/fuzz.sh                  # each target for FUZZ_SECONDS (default 60)
#   FUZZ_SECONDS=10 bash ci/fuzz.sh fill rng
#
# New inputs go to a temporary corpus (the committed seeds in fuzz/corpus/ stay as they
# are); a crashing input is kept in fuzz/artifacts/<target>/ and printed.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${FUZZ_SECONDS:-60}"
export CARGO_TERM_COLOR=never

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
cargo +nightly fuzz --version

cd fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi
# Build first, so that the timed runs below measure fuzzing, not compiling.
cargo +nightly fuzz build

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
summary=()
for t in "${targets[@]}"; do
    mkdir -p "$work/$t" "corpus/$t" "artifacts/$t"
    log="$work/$t.log"
    echo "=== fuzz $t: ${secs}s, -seed=1"
    start=$(date +%s)
    if ! cargo +nightly fuzz run "$t" "$work/$t" "corpus/$t" -- \
        -max_total_time="$secs" -seed=1 -print_final_stats=1 \
        -artifact_prefix="artifacts/$t/" >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "FAIL: fuzz target $t crashed; input kept in fuzz/artifacts/$t/"
        exit 1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 || true)
    line="$t: ${runs:-?} executions in $(( $(date +%s) - start ))s (${cov:-cov: ?}, corpus $(ls "$work/$t" | wc -l) new + $(ls "corpus/$t" | wc -l) seeds)"
    echo "$line"
    summary+=("$line")
done
echo "=== fuzz summary"
printf '%s\n' "${summary[@]}"

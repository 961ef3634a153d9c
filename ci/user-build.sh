#!/usr/bin/env bash
# The samplers built as a user's crate builds them (benches/user-build): codegen-units 1 and
# 16, with and without `-C target-cpu=x86-64-v3`, each run once with the ratios it measures.
#   bash ci/user-build.sh            # the four builds, 1 Mi values, 41 rounds each
#   SMOKE=1 bash ci/user-build.sh    # CI: one build, small, checks that it builds and runs
# Target dirs under target/user-build/<build>.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO/benches/user-build"
run() { # name cgu rustflags [n reps]
    local dir="$REPO/target/user-build/$1"
    echo "== $1 (codegen-units $2${3:+, $3})"
    RUSTFLAGS="$3" CARGO_PROFILE_RELEASE_CODEGEN_UNITS="$2" CARGO_TARGET_DIR="$dir" \
        cargo build --release --quiet
    "$dir/release/glorot-user-build" "${@:4}"
}
if [ -n "${SMOKE:-}" ]; then
    run cgu16 16 "" 65536 3
else
    run cgu1 1 ""
    run cgu16 16 ""
    run cgu1-v3 1 "-C target-cpu=x86-64-v3"
    run cgu16-v3 16 "-C target-cpu=x86-64-v3"
fi

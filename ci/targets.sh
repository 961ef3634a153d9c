#!/usr/bin/env bash
# Same bits on every target this machine can run (issue 5). Entry point for .ci/run:
#   bash ci/targets.sh            # everything
#   bash ci/targets.sh wasm arm   # a subset: install cortex-m aarch64 wasm x86 (install always runs)
# Installs what it needs (ci/install-cross.sh), then runs each target's script; build and
# test output goes to $GLOROT_CROSS_LOG (default /tmp/glorot-cross-logs), one summary line
# per target here. Exits non-zero if any target fails.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

steps=("$@")
if [ ${#steps[@]} = 0 ]; then steps=(cortex-m aarch64 wasm x86); fi

start=$(now)
t0=$(now)
bash "$REPO/ci/install-cross.sh"
echo "[targets] install: $(( $(now) - t0 )) s"

passed=0
failed=0
failed_names=""
for s in "${steps[@]}"; do
    case $s in
        cortex-m) script=cortex-m.sh ;;
        aarch64) script=aarch64.sh ;;
        wasm) script=wasm.sh ;;
        x86) script=x86-levels.sh ;;
        *) echo "unknown step $s (cortex-m aarch64 wasm x86)" >&2; exit 2 ;;
    esac
    t0=$(now)
    if bash "$REPO/ci/$script"; then
        passed=$((passed + 1))
        echo "[targets] $s: ok ($(( $(now) - t0 )) s)"
    else
        failed=$((failed + 1))
        failed_names="$failed_names $s"
        echo "[targets] $s: FAILED ($(( $(now) - t0 )) s)"
    fi
done
echo "[targets] total $(( $(now) - start )) s${failed_names:+; failed:$failed_names}"
echo "targets: $passed passed, $failed failed"
[ "$failed" = 0 ]

# Shared helpers for the ci/*.sh scripts (sourced, not run).
# Settings (environment):
#   GLOROT_CROSS_TOOLCHAIN  rustup name of Debian's rustc-web toolchain   (rustweb)
#   GLOROT_CROSS_TARGET_DIR parent of the per-target CARGO_TARGET_DIRs    (/work/target-cross)
#   GLOROT_CROSS_LOG        where build/run logs go                      (/tmp/glorot-cross-logs)

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TC=${GLOROT_CROSS_TOOLCHAIN:-rustweb}
CROSS_DIR=${GLOROT_CROSS_TARGET_DIR:-/work/target-cross}
LOG_DIR=${GLOROT_CROSS_LOG:-/tmp/glorot-cross-logs}
export GLOROT_CROSS_TOOLCHAIN=$TC GLOROT_CROSS_TARGET_DIR=$CROSS_DIR GLOROT_CROSS_LOG=$LOG_DIR
mkdir -p "$CROSS_DIR" "$LOG_DIR"

now() { date +%s; }

# run_logged LOG CMD...: runs CMD with all output appended to $LOG_DIR/LOG.log. On failure
# prints the log's last lines to stderr and returns CMD's status.
run_logged() {
    local log="$LOG_DIR/$1.log" rc=0
    shift
    echo "+ $*" >>"$log"
    "$@" >>"$log" 2>&1 || rc=$?
    if [ "$rc" != 0 ]; then
        echo "---- last lines of $log (exit $rc) ----" >&2
        tail -n 40 "$log" >&2
        echo "----" >&2
    fi
    return "$rc"
}

# Requires the cross toolchain (ci/install-cross.sh).
need_toolchain() {
    if ! rustup run "$TC" rustc -V >/dev/null 2>&1; then
        echo "toolchain +$TC missing: run ci/install-cross.sh (or ci/targets.sh)" >&2
        exit 1
    fi
}

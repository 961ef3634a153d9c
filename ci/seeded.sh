#!/usr/bin/env bash
# The seeded-layer demo (docs/SEEDED.md): the host example fits the digit classifier's readout
# and must regenerate examples/seeded/readout.rs byte for byte (freshness); the Cortex-M4F
# firmware (embedded/src/bin/seeded.rs, QEMU mps2-an386, -icount shift=0) must print the
# host's accuracy and logits hash, bit for bit, for the seeded and the stored-weights model.
# Also measures what the seeded layer adds to a firmware (embedded/src/bin/footprint.rs with
# and without fp-seeded). Idempotent. Regenerate the readout (after a stream change) with:
#   cargo run --release --example seeded -- --write examples/seeded/readout.rs
set -euo pipefail
source "$(dirname "$0")/lib.sh"
# Tools: the cross toolchain and qemu-system-arm (the project's idempotent installer), and
# arm-none-eabi-size.
run_logged seeded-install bash "$REPO/ci/install-cross.sh"
if ! command -v arm-none-eabi-size >/dev/null; then
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
    run_logged seeded-install $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive run_logged seeded-install \
        $SUDO apt-get install -y -q --no-install-recommends binutils-arm-none-eabi
fi
need_toolchain
export CARGO_TERM_COLOR=never
T=thumbv7em-none-eabihf
failed=0
ok() { echo "[seeded] $*"; }
bad() { echo "[seeded] $* FAILED (logs: $LOG_DIR/seeded-*.log)"; failed=$((failed + 1)); }

# ---- host: fit, evaluate, regenerate the readout ------------------------------------------
t0=$(now)
gen=$(mktemp /tmp/glorot-readout.XXXXXX)
trap 'rm -f "$gen"' EXIT
: >"$LOG_DIR/seeded-host.log"
(cd "$REPO" && run_logged seeded-host cargo run --release --locked --example seeded -- --write "$gen")
host=$(grep -E '^(seeded|stored): test correct' "$LOG_DIR/seeded-host.log")
echo "$host" | sed 's/^/[seeded] host  /'
if cmp -s "$gen" "$REPO/examples/seeded/readout.rs"; then
    ok "examples/seeded/readout.rs is fresh ($(($(now) - t0)) s)"
else
    bad "examples/seeded/readout.rs is stale: run cargo run --release --example seeded -- --write examples/seeded/readout.rs"
fi

# ---- firmware on Cortex-M4F ---------------------------------------------------------------
t0=$(now)
export RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$CROSS_DIR/seeded-dense"
: >"$LOG_DIR/seeded-build.log"
qemu() { # qemu ELF: runs it on mps2-an386 with instruction counting
    timeout 600 qemu-system-arm -machine mps2-an386 -cpu cortex-m4 -nographic -monitor none \
        -serial none -semihosting-config enable=on,target=native -icount shift=0 -kernel "$1"
}
sizes() { arm-none-eabi-size -A "$1" | awk '$1==".text"||$1==".rodata"{f+=$2} $1==".data"||$1==".bss"{r+=$2} END{print f+0, r+0}'; }
cd "$REPO/embedded"
run_logged seeded-build cargo "+$TC" build --release --locked --bin seeded --target "$T"
out="$LOG_DIR/seeded-firmware.out"
rc=0
qemu "$CARGO_TARGET_DIR/$T/release/seeded" >"$out" 2>&1 || rc=$?
device=$(grep -E '^(seeded|stored): test correct' "$out" || true)
echo "$device" | sed 's/^/[seeded] M4F   /'
sed -n 's/^\(insn\/inference.*\|stack high water.*\)/[seeded] M4F   \1/p' "$out"
if [ "$rc" = 0 ] && [ -n "$device" ] && [ "$device" = "$host" ]; then
    ok "firmware accuracy and logits hashes equal the host's ($(($(now) - t0)) s)"
else
    cat "$out"
    bad "firmware (qemu exit $rc) differs from the host"
fi

# ---- flash: what the seeded layer adds ----------------------------------------------------
t0=$(now)
fp=()
for f in none fp-glorot fp-seeded fp-glorot,fp-seeded; do
    feats=()
    [ "$f" = none ] || feats=(--features "$f")
    run_logged seeded-build cargo "+$TC" build --release --locked --bin footprint --target "$T" "${feats[@]}"
    read -r fl _ < <(sizes "$CARGO_TARGET_DIR/$T/release/footprint")
    fp+=("$fl")
done
read -r sfl sram < <(sizes "$CARGO_TARGET_DIR/$T/release/seeded")
ok "flash on M4F: seeded::Dense<GlorotNormal> alone adds $((fp[2] - fp[0])) B, next to a GlorotNormal fill $((fp[3] - fp[1])) B (GlorotNormal fill alone $((fp[1] - fp[0])) B); stored 65x512 kernel would be $((65 * 512 * 4)) B; demo firmware $sfl B flash, $sram B static RAM ($(($(now) - t0)) s)"

[ "$failed" = 0 ]

#!/usr/bin/env bash
# Cortex-M in QEMU: builds embedded/ (the golden-vector firmware) for M4F, M0 and M33, runs
# it under qemu-system-arm with semihosting, and measures the library's footprint on M4F and
# M0 (flash/RAM by `arm-none-eabi-size -A` of embedded/src/bin/footprint.rs built with and
# without library calls; peak stack and emulated instructions per value from the same
# binary under `-icount shift=0`).
# Writes the footprint table to $GLOROT_CROSS_LOG/FOOTPRINT.md (and to ci/FOOTPRINT.md when
# GLOROT_WRITE_FOOTPRINT=1). GLOROT_FOOTPRINT_ENFORCE=1 fails the run when the goals
# (<= 8 KiB flash for normal + truncated + GlorotNormal on M4F, <= 512 B stack) are missed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need_toolchain
export RUSTC_BOOTSTRAP=1
cd "$REPO/embedded"

qemu_args() {
    case "$1" in
        thumbv7em-none-eabihf) echo "-machine mps2-an386 -cpu cortex-m4" ;;
        thumbv6m-none-eabi) echo "-machine microbit" ;;
        thumbv8m.main-none-eabihf) echo "-machine mps2-an505 -cpu cortex-m33" ;;
    esac
}

qemu_run() { # qemu_run TARGET ELF [extra qemu args...]
    local t=$1 elf=$2
    shift 2
    # shellcheck disable=SC2046
    timeout 900 qemu-system-arm $(qemu_args "$t") -nographic -monitor none -serial none \
        -semihosting-config enable=on,target=native "$@" -kernel "$elf"
}

build() { # build TARGET BIN LOG [cargo args...]
    local t=$1 bin=$2 log=$3
    shift 3
    run_logged "$log" cargo "+$TC" build --release --locked --bin "$bin" --target "$t" "$@"
}

failed=0
passed=0

# ---- golden vectors on each core --------------------------------------------------------
# One cargo invocation for the three targets: the host build scripts and proc macros build
# once and the three (mostly serial) -Zbuild-std core builds overlap on the two cores.
TARGETS=(thumbv7em-none-eabihf thumbv6m-none-eabi thumbv8m.main-none-eabihf)
declare -A CORE=([thumbv7em-none-eabihf]=M4F [thumbv6m-none-eabi]=M0 [thumbv8m.main-none-eabihf]=M33)
export CARGO_TARGET_DIR="$CROSS_DIR/thumb"
log=cortex-m-build
: >"$LOG_DIR/$log.log"
t0=$(now)
targs=()
for t in "${TARGETS[@]}"; do targs+=(--target "$t"); done
if ! run_logged "$log" cargo "+$TC" build --release --locked --bin golden "${targs[@]}"; then
    echo "[cortex-m] BUILD FAILED (log: $LOG_DIR/$log.log)"
    exit 1
fi
echo "[cortex-m] built the firmware for ${TARGETS[*]} ($(( $(now) - t0 )) s)"

for t in "${TARGETS[@]}"; do
    core=${CORE[$t]}
    out="$LOG_DIR/cortex-m-$t.out"
    t1=$(now)
    rc=0
    qemu_run "$t" "$CARGO_TARGET_DIR/$t/release/golden" >"$out" 2>&1 || rc=$?
    t2=$(now)
    counts=$(sed -n 's/^firmware: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$out")
    hw=$(sed -n 's/^stack high water \([0-9]*\) B$/\1/p' "$out")
    if [ "$rc" = 0 ] && [ -n "$counts" ]; then
        read -r p f <<<"$counts"
        echo "[cortex-m] $t ($core, QEMU $(qemu_args "$t" | awk '{print $2}')): $p checks passed, $f failed;" \
            "stack high water ${hw:-?} B (run $((t2 - t1)) s)"
        passed=$((passed + 1))
    else
        echo "[cortex-m] $t ($core): FAILED (qemu exit $rc; run $((t2 - t1)) s; output: $out)"
        grep -v '^PASS' "$out" | head -n 40 || true
        failed=$((failed + 1))
    fi
done

# ---- footprint ---------------------------------------------------------------------------
glorot_feat=",fp-glorot"

sizes() { # flash (.text+.rodata) and RAM (.data+.bss) of an ELF
    arm-none-eabi-size -A "$1" | awk '$1==".text"||$1==".rodata"{f+=$2} $1==".data"||$1==".bss"{r+=$2} END{print f+0, r+0}'
}

fp_md="$LOG_DIR/FOOTPRINT.md"
fp_ok=1
{
    echo "# Footprint on Cortex-M (measured by ci/cortex-m.sh)"
    echo
    echo "What the library adds to a firmware: \`embedded/src/bin/footprint.rs\` built with the"
    echo "listed calls minus the same binary whose stack/instruction probe runs a call that does"
    echo "nothing (so the probe's own code is not counted); GlorotNormal's fans come from"
    echo "\`black_box\`, as in firmware that sizes layers at run time; profile \`opt-level = \"s\"\`,"
    echo "fat LTO, \`codegen-units = 1\`, \`panic = \"abort\"\`; $(rustup run "$TC" rustc -V | cut -d' ' -f1-2)"
    echo "(Debian rustc-web), \`-Zbuild-std=core,compiler_builtins\`. Flash = .text + .rodata,"
    echo "RAM = .data + .bss (the caller's 1024-value output buffer is in both builds, so it is not"
    echo "counted). Peak stack = bytes used below the caller's stack pointer by one call filling"
    echo "1024 values (painted stack, high-water mark). Instructions per value are **emulated**:"
    echo "QEMU \`-icount shift=0\` with SysTick calibrated by a loop of known length, one call of"
    echo "1024 values (includes key setup and chunk seeding)."
    echo
} >"$fp_md"

for spec in "thumbv7em-none-eabihf M4F" "thumbv6m-none-eabi M0"; do
    read -r t core <<<"$spec"
    log="footprint-$t"
    : >"$LOG_DIR/$log.log"
    elf="$CARGO_TARGET_DIR/$t/release/footprint"
    t0=$(now)
    if ! build "$t" footprint "$log"; then
        echo "[cortex-m] footprint $t: BUILD FAILED"; failed=$((failed + 1)); continue
    fi
    read -r base_flash base_ram < <(sizes "$elf")
    {
        echo "## $t ($core, QEMU $(qemu_args "$t" | awk '{print $2}'))"
        echo
        echo "Baseline firmware without library calls: $base_flash B flash, $base_ram B RAM."
        echo
        echo "| library calls linked | flash added | RAM added | peak stack per call | instructions per value (emulated) |"
        echo "|---|---:|---:|---|---|"
    } >>"$fp_md"
    variants=("normal:fp-normal" "truncated_normal:fp-truncated" "uniform:fp-uniform"
              "GlorotNormal:fp-glorot"
              "normal + truncated_normal${glorot_feat:+ + GlorotNormal}:fp-normal,fp-truncated$glorot_feat"
              "all three samplers${glorot_feat:+ + GlorotNormal}:fp-normal,fp-truncated,fp-uniform$glorot_feat")
    vfail=0
    for v in "${variants[@]}"; do
        label=${v%%:*}
        feats=${v#*:}
        if ! build "$t" footprint "$log" --features "$feats"; then vfail=1; break; fi
        read -r fl ra < <(sizes "$elf")
        out="$LOG_DIR/$log-${feats//,/_}.out"
        rc=0
        qemu_run "$t" "$elf" -icount shift=0 >"$out" 2>&1 || rc=$?
        if [ "$rc" != 0 ] || grep -q ERROR "$out"; then vfail=1; cat "$out"; break; fi
        stack=$(sed -n 's/^\(.*\): stack \([0-9]*\) B.*/\1 \2 B/p' "$out" | paste -sd ';' | sed 's/;/; /g')
        insn=$(sed -n 's/^\(.*\): stack .*insn\/value \([0-9.]*\).*/\1 \2/p' "$out" | paste -sd ';' | sed 's/;/; /g')
        maxstack=$(sed -n 's/.*: stack \([0-9]*\) B.*/\1/p' "$out" | sort -n | tail -n1)
        echo "| $label | $((fl - base_flash)) B | $((ra - base_ram)) B | $stack | $insn |" >>"$fp_md"
        if [[ $t == thumbv7em* && $feats == fp-normal,fp-truncated$glorot_feat ]]; then
            goal_flash=$((fl - base_flash))
            goal_stack=$maxstack
        fi
        if [[ $t == thumbv7em* && $feats == fp-normal,fp-truncated,fp-uniform$glorot_feat ]]; then
            all_flash=$((fl - base_flash))
        fi
        if [[ $t == thumbv6m* && $feats == fp-normal,fp-truncated,fp-uniform$glorot_feat ]]; then
            m0_flash=$((fl - base_flash)); m0_stack=$maxstack
        fi
    done
    echo >>"$fp_md"
    if [ "$vfail" = 1 ]; then
        echo "[cortex-m] footprint $t: FAILED (log: $LOG_DIR/$log.log)"; failed=$((failed + 1)); continue
    fi
    passed=$((passed + 1))
    if [[ $t == thumbv7em* ]]; then
        verdict="goal met"
        if [ "$goal_flash" -gt 8192 ] || [ "$goal_stack" -gt 512 ]; then verdict="OVER GOAL (8192 B / 512 B)"; fp_ok=0; fi
        echo "[cortex-m] footprint M4F: normal+truncated${glorot_feat:++glorot} adds $goal_flash B flash," \
            "peak stack $goal_stack B: $verdict; all samplers $all_flash B ($(( $(now) - t0 )) s)"
    else
        echo "[cortex-m] footprint M0: all samplers${glorot_feat:++glorot} add $m0_flash B flash," \
            "peak stack $m0_stack B ($(( $(now) - t0 )) s)"
    fi
done
{
    echo "Goal (M4F, normal + truncated_normal + GlorotNormal): <= 8192 B flash, <= 512 B stack."
} >>"$fp_md"
if [ "${GLOROT_WRITE_FOOTPRINT:-0}" = 1 ]; then cp "$fp_md" "$REPO/ci/FOOTPRINT.md"; fi
if [ "${GLOROT_FOOTPRINT_ENFORCE:-0}" = 1 ] && [ "$fp_ok" = 0 ]; then failed=$((failed + 1)); fi

echo "[cortex-m] $passed passed, $failed failed (logs: $LOG_DIR)"
[ "$failed" = 0 ]

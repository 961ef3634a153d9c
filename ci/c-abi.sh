#!/usr/bin/env bash
# The C ABI (glorot-c/, a member of the root workspace): checks that include/glorot.h is what
# cbindgen generates, lints the crate (fmt, clippy), runs its Rust tests (which also check
# tests/golden.h against golden/v2.rs), then builds the static library with the workspace's
# `c-release` profile (panic = "abort", fat LTO, one codegen unit: the library is `no_std`
# only with panic = "abort") and tests/test.c against it twice, and runs it:
#   - host: gcc against the x86-64 staticlib; there also tests/kat.c, which checks the
#     known-answer vectors golden/kat-v2.json (docs/STREAM.md) through the ABI;
#   - Cortex-M4F: arm-none-eabi-gcc + newlib (rdimon semihosting) against the
#     thumbv7em-none-eabihf staticlib (Debian's rustc-web, -Zbuild-std), in
#     qemu-system-arm -machine mps2-an386 -cpu cortex-m4.
# Idempotent; installs what it needs (apt, cargo install, ci/install-cross.sh). One summary
# line per step; full logs in $GLOROT_CROSS_LOG (see ci/lib.sh).
# Settings: GLOROT_C_TARGET_DIR (host builds, default target/c-abi),
#   GLOROT_C_THUMB_TARGET_DIR (cross build, default $GLOROT_CROSS_TARGET_DIR/c-abi-thumbv7em),
#   GLOROT_C_BLESS=1 rewrites include/glorot.h instead of failing on a difference.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CBINDGEN_VERSION=0.29.4
THUMB=thumbv7em-none-eabihf
HOST_DIR=${GLOROT_C_TARGET_DIR:-$REPO/target/c-abi}
THUMB_DIR=${GLOROT_C_THUMB_TARGET_DIR:-$CROSS_DIR/c-abi-thumbv7em}
C=$REPO/glorot-c
CFLAGS=(-std=c11 -O2 -Wall -Wextra -Werror -ffp-contract=off -I"$C/include" -I"$C/tests")
export CARGO_TERM_COLOR=never
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi

failed=0
passed=0
ok() { echo "[c-abi] $*"; passed=$((passed + 1)); }
bad() { echo "[c-abi] $* FAILED (logs: $LOG_DIR/c-abi-*.log)"; failed=$((failed + 1)); }

# ---- 1. tools ---------------------------------------------------------------------------
t0=$(now)
: >"$LOG_DIR/c-abi-install.log"
pkgs=(gcc libc6-dev gcc-arm-none-eabi libnewlib-arm-none-eabi)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
done
if [ "${#missing[@]}" != 0 ]; then
    run_logged c-abi-install $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive run_logged c-abi-install \
        $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# The cross toolchain (+$TC) and qemu-system-arm: the project's installer, idempotent.
run_logged c-abi-install bash "$REPO/ci/install-cross.sh"
CBINDGEN=$(command -v cbindgen || echo "$HOME/.cargo/bin/cbindgen")
if [ "$("$CBINDGEN" --version 2>/dev/null)" != "cbindgen $CBINDGEN_VERSION" ]; then
    run_logged c-abi-install cargo install --locked --force cbindgen --version "$CBINDGEN_VERSION"
    CBINDGEN=$HOME/.cargo/bin/cbindgen
fi
echo "[c-abi] tools: $(gcc --version | head -n1 | awk '{print "gcc", $NF}'), $(arm-none-eabi-gcc --version | head -n1 | awk '{print "arm-none-eabi-gcc", $(NF-1)}'), $("$CBINDGEN" --version), $(rustup run "$TC" rustc -V | cut -d' ' -f1-2) as +$TC ($(($(now) - t0)) s)"

# ---- 2. the committed header is cbindgen's ------------------------------------------------
t0=$(now)
gen=$(mktemp /tmp/glorot-h.XXXXXX)
trap 'rm -f "$gen"' EXIT
# cbindgen reads glorot-c macro-expanded (cbindgen.toml: [parse.expand]; the initializers
# come from one table, `c_initializers!`), through `rustc -Zunpretty=expanded`: an
# unstable flag, allowed on this stable toolchain for that one call by RUSTC_BOOTSTRAP.
if RUSTC_BOOTSTRAP=1 run_logged c-abi-header "$CBINDGEN" --quiet --config "$C/cbindgen.toml" --crate glorot-c \
    --output "$gen" "$C"; then
    if cmp -s "$gen" "$C/include/glorot.h"; then
        ok "header: include/glorot.h is what cbindgen $CBINDGEN_VERSION generates ($(($(now) - t0)) s)"
    elif [ "${GLOROT_C_BLESS:-0}" = 1 ]; then
        cp "$gen" "$C/include/glorot.h"
        ok "header: include/glorot.h regenerated (GLOROT_C_BLESS=1)"
    else
        diff -u "$C/include/glorot.h" "$gen" | head -n 40 || true
        bad "header: include/glorot.h differs from cbindgen's output (GLOROT_C_BLESS=1 ci/c-abi.sh rewrites it)"
    fi
else
    bad "header: cbindgen"
fi

# ---- 2b. rustfmt and clippy on glorot-c (this crate only: the library has its own step) ----
t0=$(now)
: >"$LOG_DIR/c-abi-lint.log"
if (cd "$REPO" && run_logged c-abi-lint cargo fmt --check -p glorot-c &&
    CARGO_TARGET_DIR=$HOST_DIR run_logged c-abi-lint cargo clippy -p glorot-c --all-targets --no-deps --locked -- -D warnings); then
    ok "lint: cargo fmt --check, cargo clippy -D warnings ($(($(now) - t0)) s)"
else
    bad "lint"
fi

# ---- 3. the crate's Rust tests (ABI vs library, tests/golden.h vs golden/v2.rs) ---------
t0=$(now)
: >"$LOG_DIR/c-abi-rust.log"
if (cd "$REPO" && CARGO_TARGET_DIR=$HOST_DIR run_logged c-abi-rust cargo test -p glorot-c --release --locked); then
    counts=$(grep -h '^test result:' "$LOG_DIR/c-abi-rust.log" | tail -n1 | sed 's/^test result: //')
    ok "rust tests: $counts ($(($(now) - t0)) s)"
else
    bad "rust tests"
fi

# ---- 4. test.c on the host ----------------------------------------------------------------
run_c() { # run_c NAME CMD...: runs the test program, checks its status and last line
    local name=$1 out="$LOG_DIR/c-abi-$1.out" rc=0 t1
    shift
    t1=$(now)
    timeout 900 "$@" >"$out" 2>&1 || rc=$?
    local last
    last=$(sed -n 's/^test\.c: \([0-9]* passed, [0-9]* failed\)$/\1/p' "$out" | tail -n1)
    if [ "$rc" = 0 ] && [[ $last == *" 0 failed" ]]; then
        ok "$name: test.c $last (build $((t1 - t0)) s, run $(($(now) - t1)) s)"
    else
        grep -v '^PASS' "$out" | tail -n 30 || true
        bad "$name: test.c exit $rc, ${last:-no summary line}"
    fi
}

t0=$(now)
: >"$LOG_DIR/c-abi-host.log"
if (cd "$REPO" && CARGO_TARGET_DIR=$HOST_DIR run_logged c-abi-host cargo build -p glorot-c --profile c-release --locked) &&
    run_logged c-abi-host gcc "${CFLAGS[@]}" "$C/tests/test.c" "$HOST_DIR/c-release/libglorot_c.a" \
        -lm -o "$HOST_DIR/test-c"; then
    run_c "host x86_64" "$HOST_DIR/test-c"
else
    bad "host x86_64: build"
fi

# ---- 4b. kat.c on the host: the known-answer vectors (golden/kat-v2.json) through the ABI ----
t0=$(now)
if run_logged c-abi-host gcc "${CFLAGS[@]}" "$C/tests/kat.c" "$HOST_DIR/c-release/libglorot_c.a" \
        -lm -o "$HOST_DIR/kat-c" &&
    "$HOST_DIR/kat-c" "$REPO/golden/kat-v2.json" >"$LOG_DIR/c-abi-kat.out" 2>&1; then
    ok "host x86_64: kat.c $(tail -n1 "$LOG_DIR/c-abi-kat.out" | sed 's/^kat\.c: //') ($(($(now) - t0)) s)"
else
    grep -v '^PASS' "$LOG_DIR/c-abi-kat.out" 2>/dev/null | tail -n 30 || true
    bad "host x86_64: kat.c"
fi

# ---- 5. test.c on a Cortex-M4F in QEMU ------------------------------------------------------
t0=$(now)
: >"$LOG_DIR/c-abi-thumb.log"
lib=$THUMB_DIR/$THUMB/c-release/libglorot_c.a
elf=$THUMB_DIR/test-c.elf
if (cd "$REPO" && RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=$THUMB_DIR run_logged c-abi-thumb \
        cargo "+$TC" build -p glorot-c --profile c-release --locked --target "$THUMB" \
        -Zbuild-std=core,compiler_builtins) &&
    run_logged c-abi-thumb arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard \
        -mfpu=fpv4-sp-d16 "${CFLAGS[@]}" --specs=rdimon.specs -Wl,--no-warn-execstack \
        -T "$C/tests/mps2-an386/link.ld" "$C/tests/test.c" "$C/tests/mps2-an386/startup.c" \
        "$lib" -lm -o "$elf"; then
    run_c "cortex-m4f qemu mps2-an386" qemu-system-arm -machine mps2-an386 -cpu cortex-m4 \
        -nographic -monitor none -serial none -semihosting-config enable=on,target=native \
        -kernel "$elf"
else
    bad "cortex-m4f: build"
fi

echo "[c-abi] $passed passed, $failed failed"
[ "$failed" = 0 ]

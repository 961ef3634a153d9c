#!/usr/bin/env bash
# Installs what ci/targets.sh needs on a fresh Debian 12 machine (as root):
#   - apt: QEMU (system-arm, user), arm-none-eabi binutils, aarch64 cross gcc, wasi-libc
#   - Debian's rustc-web (rustc + cargo + std + std source) unpacked into $GLOROT_CROSS_PREFIX
#     and registered in rustup as toolchain $GLOROT_CROSS_TOOLCHAIN (see shared/targets.md).
# Idempotent: every step is skipped when its result is already there.
set -euo pipefail

TC=${GLOROT_CROSS_TOOLCHAIN:-rustweb}
PREFIX=${GLOROT_CROSS_PREFIX:-/opt/rust-web}
LOG=${GLOROT_CROSS_LOG:-/tmp/glorot-cross-logs}/install.log
mkdir -p "$(dirname "$LOG")"
: >"$LOG"

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi

die() { echo "install-cross: $*" >&2; echo "install-cross: log: $LOG" >&2; exit 1; }

apt_updated=0
apt_update() {
    if [ "$apt_updated" = 0 ]; then
        $SUDO apt-get update -q >>"$LOG" 2>&1 || die "apt-get update failed"
        apt_updated=1
    fi
}

# The libstd package (libstd-rust-web-X.Y) and the LLVM major it links against; resolved from
# the archive so a point-release bump of rustc-web in Debian keeps working.
resolve_versions() {
    # Always from a fresh package list: a stale one (as a new machine may have) names an
    # older libstd than the rustc-web that `apt-get download` then fetches.
    apt_update
    STD_PKG=$(apt-cache depends libstd-rust-web-dev \
        | awk '/Depends: libstd-rust-web-[0-9]/{print $2; exit}')
    [ -n "$STD_PKG" ] || die "cannot resolve libstd-rust-web-* from libstd-rust-web-dev"
    LLVM_NN=$(apt-cache depends "$STD_PKG" | awk '/Depends: libllvm[0-9]+$/{sub("libllvm","",$2); print $2; exit}')
    [ -n "$LLVM_NN" ] || die "cannot resolve the libllvm version of $STD_PKG"
}

have_pkgs() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null | grep -qx installed || return 1
    done
}

APT_PKGS=(qemu-system-arm qemu-user binutils-arm-none-eabi
          gcc-aarch64-linux-gnu libc6-dev-arm64-cross wasi-libc
          libgit2-1.5 libcurl4 libssh2-1 libsqlite3-0)

toolchain_ok() {
    rustup run "$TC" rustc -V >/dev/null 2>&1 \
        && rustup run "$TC" cargo -V >/dev/null 2>&1 \
        && [ -d "$(rustup run "$TC" rustc --print sysroot)/lib/rustlib/src/rust/library/core" ]
}

# 1. apt packages (+ the LLVM/lld the cross toolchain links against, + node if missing)
extra=()
if ! toolchain_ok; then
    resolve_versions
    extra+=("libllvm$LLVM_NN" "lld-$LLVM_NN")
fi
command -v node >/dev/null 2>&1 || extra+=(nodejs)
if ! have_pkgs "${APT_PKGS[@]}" ${extra[@]+"${extra[@]}"}; then
    apt_update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
        "${APT_PKGS[@]}" ${extra[@]+"${extra[@]}"} >>"$LOG" 2>&1 || die "apt-get install failed"
fi

# 2. Debian's rustc-web, unpacked (never dpkg -i: it conflicts with rustup) and linked.
if ! toolchain_ok; then
    [ -n "${STD_PKG:-}" ] || resolve_versions
    dl=$(mktemp -d /tmp/glorot-rustweb.XXXXXX)
    chmod 755 "$dl"
    ( cd "$dl" && apt-get download -q rustc-web cargo-web libstd-rust-web-dev "$STD_PKG" rust-web-src ) \
        >>"$LOG" 2>&1 || { apt_update; ( cd "$dl" && apt-get download -q rustc-web cargo-web \
            libstd-rust-web-dev "$STD_PKG" rust-web-src ) >>"$LOG" 2>&1; } \
        || die "apt-get download of rustc-web failed"
    $SUDO rm -rf "$PREFIX.tmp"
    $SUDO mkdir -p "$PREFIX.tmp"
    for deb in "$dl"/*.deb; do $SUDO dpkg -x "$deb" "$PREFIX.tmp"; done
    rm -rf "$dl"
    # The compiler's own source is not needed for -Zbuild-std (~365 MB).
    $SUDO rm -rf "$PREFIX".tmp/usr/src/rustc-*/compiler "$PREFIX".tmp/usr/src/rustc-*/src
    # rustc has no RPATH: put librustc_driver where the loader looks relative to it.
    for so in "$PREFIX".tmp/usr/lib/x86_64-linux-gnu/librustc_driver-*.so; do
        $SUDO ln -sf "x86_64-linux-gnu/$(basename "$so")" "$PREFIX.tmp/usr/lib/$(basename "$so")"
    done
    lld=/usr/bin/lld-$LLVM_NN
    [ -x "$lld" ] || die "$lld missing"
    $SUDO ln -sf "$lld" "$PREFIX.tmp/usr/bin/rust-lld"
    $SUDO mkdir -p "$PREFIX.tmp/usr/lib/rustlib/x86_64-unknown-linux-gnu/bin"
    $SUDO ln -sf "$lld" "$PREFIX.tmp/usr/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld"
    # rust-src: -Zbuild-std looks for lib/rustlib/src/rust/library in the sysroot.
    if [ ! -e "$PREFIX.tmp/usr/lib/rustlib/src/rust/library" ]; then
        src=$(ls -d "$PREFIX".tmp/usr/src/rustc-*/ | head -n1)
        $SUDO mkdir -p "$PREFIX.tmp/usr/lib/rustlib/src"
        $SUDO ln -sfn "../../../src/$(basename "$src")" "$PREFIX.tmp/usr/lib/rustlib/src/rust"
    fi
    $SUDO rm -rf "$PREFIX"
    $SUDO mv "$PREFIX.tmp" "$PREFIX"
    rustup toolchain remove "$TC" >/dev/null 2>&1 || true
    rustup toolchain link "$TC" "$PREFIX/usr" >>"$LOG" 2>&1 || die "rustup toolchain link failed"
    toolchain_ok || die "toolchain $TC does not work after install"
fi

# 3. wasi-libc's objects where rustc's wasm32-wasip1 self-contained linking expects them.
sysroot=$(rustup run "$TC" rustc --print sysroot)
sc="$sysroot/lib/rustlib/wasm32-wasip1/lib/self-contained"
if [ ! -e "$sc/crt1-command.o" ]; then
    $SUDO mkdir -p "$sc"
    for f in /usr/lib/wasm32-wasi/*.o /usr/lib/wasm32-wasi/*.a; do
        $SUDO ln -sf "$f" "$sc/"
    done
fi

echo "install-cross: $(rustup run "$TC" rustc -V) as +$TC; $(qemu-system-arm --version | head -n1)"

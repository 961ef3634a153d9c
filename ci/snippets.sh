#!/usr/bin/env bash
# Every Python and shell block of README.md, glorot-py/README.md and docs/GUIDE.md, run as
# written (ci/snippets.py: how blocks are found, and how one opts out), as a new user would:
#  - in a copy of the working tree ($CROSS_DIR/snippets/repo, made afresh each run with the
#    files' times kept, so cargo's build stays warm), not in the clone itself;
#  - with a fresh HOME (no ~/.cargo/bin, no pip cache, no ~/.keras, no shell setup) and a
#    fresh venv holding the wheel ci/python.sh built (run that first) — the frameworks
#    (numpy, ml_dtypes, torch, keras, jax) come from the tool venv through a .pth, as in
#    ci/python.sh; keras uses its JAX backend (KERAS_BACKEND=jax);
#  - cargo from the rustup installation (CARGO_HOME and RUSTUP_HOME kept for the registry
#    and the toolchain), `cargo install` into the fresh HOME, builds in a persistent
#    CARGO_TARGET_DIR (which the README's C quick start honours).
# The Rust blocks are doc tests (cargo test --doc) and the README's C program is compiled
# and run by ci/cli.sh.
set -euo pipefail
# shellcheck source=ci/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$REPO"
t0=$(now)

VENV=$CROSS_DIR/venv-py
wheel=$(ls "$CROSS_DIR"/py/dist/wheel/glorot-*.whl 2>/dev/null || true)
if [ -z "$wheel" ]; then
    echo "no wheel in $CROSS_DIR/py/dist/wheel: run ci/python.sh first"
    exit 1
fi

WORK=$CROSS_DIR/snippets
rm -rf "$WORK/repo" "$WORK/home"
mkdir -p "$WORK/repo" "$WORK/home" "$WORK/target"
# The working tree's files (tracked, and new ones not ignored), modification times kept.
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$WORK/repo"

SNIP_VENV=$WORK/venv
python3 -m venv --clear "$SNIP_VENV"
site=$("$SNIP_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
tools=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "import site; site.addsitedir('$tools')" >"$site/zz-glorot-ci-tools.pth"
"$SNIP_VENV/bin/pip" install -q --no-deps "$wheel"

cargo_bin=$(dirname "$(command -v cargo)")
home=$WORK/home
env -i \
    HOME="$home" \
    PATH="$home/.cargo/bin:$SNIP_VENV/bin:$cargo_bin:/usr/local/bin:/usr/bin:/bin" \
    VIRTUAL_ENV="$SNIP_VENV" \
    CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" \
    RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" \
    CARGO_INSTALL_ROOT="$home/.cargo" \
    CARGO_TARGET_DIR="$WORK/target" \
    CARGO_TERM_COLOR=never \
    KERAS_BACKEND=jax \
    JAX_PLATFORMS=cpu \
    LANG=C.UTF-8 \
    python3 -u "$REPO/ci/snippets.py" "$WORK/repo" README.md glorot-py/README.md docs/GUIDE.md

echo "[snippets] done ($(( $(now) - t0 )) s)"

#!/usr/bin/env bash
# The Python package glorot-py, as users get it:
#  1. a tool venv outside the clone ($CROSS_DIR/venv-py: maturin, auditwheel, numpy,
#     ml_dtypes, pytest, keras, jax[cpu], torch; reused, so warm runs skip the downloads);
#     clippy and the extension's Rust unit tests; the golden cases written by the Rust crate;
#  2. `maturin build --release`: exactly one abi3 manylinux wheel, which `auditwheel show`
#     must accept;
#  3. that wheel installed into a fresh venv ($CROSS_DIR/venv-wheel, recreated every run;
#     the frameworks come from the tool venv through a .pth, after the venv's own
#     site-packages) and pytest on glorot-py/tests (every file there) with a PATH that has
#     no cargo: the tests import the installed wheel (conftest checks it), not the source;
#  4. `maturin sdist`, and the sdist installed by pip (a source build: this one needs
#     cargo) into another fresh venv, whose values must equal the wheel's.
set -euo pipefail
# shellcheck source=ci/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$REPO"

VENV=$CROSS_DIR/venv-py
export CARGO_TARGET_DIR=$CROSS_DIR/py
DIST=$CARGO_TARGET_DIR/dist
t=$(now)
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
# Idempotent: pip does nothing for what is already installed.
"$VENV/bin/pip" install -q maturin auditwheel numpy ml_dtypes pytest keras "jax[cpu]" torch
echo "python venv ready ($(( $(now) - t ))s): $(KERAS_BACKEND=jax "$VENV/bin/python" -c 'import numpy, keras, jax, torch; print("numpy", numpy.__version__, "keras", keras.__version__, "jax", jax.__version__, "torch", torch.__version__)')"

t=$(now)
cargo clippy -p glorot-py --all-targets -- -D warnings
cargo test --release -p glorot-py --lib
golden=$CARGO_TARGET_DIR/golden.json
cargo run --quiet --release -p glorot-py --example golden -- "$golden"
echo "clippy, unit tests, golden cases ($(( $(now) - t ))s)"

t=$(now)
rm -rf "$DIST" && mkdir -p "$DIST/wheel" "$DIST/sdist"
( cd glorot-py && PATH=$VENV/bin:$PATH maturin build --release --locked -q -o "$DIST/wheel" )
mapfile -t wheels < <(ls "$DIST/wheel")
if [ "${#wheels[@]}" != 1 ] || [[ "${wheels[0]}" != glorot-*-cp39-abi3-manylinux*_x86_64*.whl ]]; then
    echo "want one abi3 manylinux wheel, got: ${wheels[*]}"
    exit 1
fi
wheel=$DIST/wheel/${wheels[0]}
"$VENV/bin/auditwheel" show "$wheel" | tee "$DIST/auditwheel.txt"
# auditwheel wraps its lines: match on the text with the line breaks taken out.
tr '\n' ' ' <"$DIST/auditwheel.txt" | grep -q 'is consistent with the following platform tag: "manylinux_'
echo "wheel ${wheels[0]} built and accepted by auditwheel ($(( $(now) - t ))s)"

# fresh_venv DIR: a new venv whose site-packages come first, then the tool venv's (for
# numpy, the frameworks, pytest, maturin) through `site.addsitedir` in a .pth file.
fresh_venv() {
    python3 -m venv --clear "$1"
    local site tools
    site=$("$1/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    tools=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    echo "import site; site.addsitedir('$tools')" >"$site/zz-glorot-ci-tools.pth"
}

t=$(now)
TEST_VENV=$CROSS_DIR/venv-wheel
fresh_venv "$TEST_VENV"
"$TEST_VENV/bin/pip" install -q --no-deps "$wheel"
NO_CARGO_PATH=$TEST_VENV/bin:/usr/local/bin:/usr/bin:/bin
if PATH=$NO_CARGO_PATH command -v cargo >/dev/null; then
    echo "cargo is on $NO_CARGO_PATH: the wheel test would not prove it needs no toolchain"
    exit 1
fi
# pytest exits 5 when it collects no test: that fails this script, as it should.
# GLOROT_TEST_INSTALLED=1: conftest checks that `glorot` is the installed wheel.
env PATH="$NO_CARGO_PATH" GLOROT_GOLDEN="$golden" GLOROT_TEST_INSTALLED=1 \
    "$TEST_VENV/bin/python" -m pytest -q -p no:cacheprovider glorot-py/tests
echo "pytest against the installed wheel, no cargo on PATH ($(( $(now) - t ))s)"

t=$(now)
( cd glorot-py && PATH=$VENV/bin:$PATH maturin sdist -o "$DIST/sdist" )
sdist=$(ls "$DIST"/sdist/glorot-*.tar.gz)
SDIST_VENV=$CROSS_DIR/venv-sdist
fresh_venv "$SDIST_VENV"
# --no-build-isolation: maturin (the module and its binary) comes from the tool venv
# instead of a download each run.
PATH=$VENV/bin:$PATH "$SDIST_VENV/bin/pip" install -q --no-deps --no-build-isolation "$sdist"
probe='import glorot, hashlib; print(glorot.__version__, glorot.__file__.startswith(__import__("sys").prefix), hashlib.sha256(glorot.glorot_normal((100, 64), 42).tobytes()).hexdigest())'
from_sdist=$(cd / && "$SDIST_VENV/bin/python" -c "$probe")
from_wheel=$(cd / && "$TEST_VENV/bin/python" -c "$probe")
echo "sdist: $from_sdist"
echo "wheel: $from_wheel"
[ "$from_sdist" = "$from_wheel" ] && [[ "$from_wheel" == *" True "* ]]
echo "sdist $(basename "$sdist") built and installed, same bits as the wheel ($(( $(now) - t ))s)"

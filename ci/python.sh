#!/usr/bin/env bash
# The Python package glorot-py: a venv outside the clone (reused, so warm runs skip the
# downloads), the extension built by maturin into it, the golden cases written by the Rust
# crate in this build, and pytest (keras with the JAX backend, jax on 8 host CPU devices,
# numpy, ml_dtypes, torch from PyPI).
set -euo pipefail
# shellcheck source=ci/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$REPO"

VENV=$CROSS_DIR/venv-py
export CARGO_TARGET_DIR=$CROSS_DIR/py
t=$(now)
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
# Idempotent: pip does nothing for what is already installed.
"$VENV/bin/pip" install -q maturin numpy ml_dtypes pytest keras "jax[cpu]" torch
echo "python venv ready ($(( $(now) - t ))s): $("$VENV/bin/python" -c 'import numpy, keras, jax, torch; print("numpy", numpy.__version__, "keras", keras.__version__, "jax", jax.__version__, "torch", torch.__version__)')"

t=$(now)
( cd glorot-py && VIRTUAL_ENV=$VENV PATH=$VENV/bin:$PATH maturin develop --release -q )
cargo clippy -p glorot-py --all-targets -- -D warnings
cargo test --release -p glorot-py --lib
golden=$CARGO_TARGET_DIR/golden.json
cargo run --quiet --release -p glorot-py --example golden -- "$golden"
echo "extension built, golden cases written ($(( $(now) - t ))s)"

# pytest exits 5 when it collects no test: that fails this script, as it should.
GLOROT_GOLDEN=$golden "$VENV/bin/python" -m pytest -q glorot-py/tests

#!/usr/bin/env bash
# The PyTorch distributed demo, glorot-py/examples/fsdp_init.py: a small Llama-style model
# built on meta, sharded with FSDP2 over 1, 2 and 4 gloo ranks (CPU), initialised by its own
# init_weights() with torch's generator and under glorot.torch.keyed; prints the max
# |difference| from the dense init per parameter and fails unless glorot's is 0 everywhere.
# Runs after ci/python.sh, in the venv where that script installed the built wheel.
set -euo pipefail
# shellcheck source=ci/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$REPO"

VENV=$CROSS_DIR/venv-wheel
t=$(now)
"$VENV/bin/python" glorot-py/examples/fsdp_init.py
echo "fsdp_init demo ($(( $(now) - t ))s)"

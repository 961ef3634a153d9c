#!/usr/bin/env bash
# The user's side of the workspace: the `glorot` command (glorot-cli: clippy, tests with and
# and without `half`, `cargo install`), the demo (`cargo run --release --example glorot`), and
# the README's C quick start compiled and run exactly as the README says.
# Idempotent; needs only cargo and gcc (ci/c-abi.sh installs gcc on a fresh machine, and
# so does this script). Builds in the repository's target/ (warm after `cargo test`).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO"
export CARGO_TERM_COLOR=never
t0=$(now)

if ! command -v gcc >/dev/null; then
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
    $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends gcc libc6-dev
fi

echo "[cli] clippy (glorot-cli; the library has its own step)"
cargo clippy -p glorot-cli --all-targets --no-deps --locked -- -D warnings

echo "[cli] tests"
cargo test --release --locked -p glorot-cli

echo "[cli] cargo install --path glorot-cli"
root=$(mktemp -d /tmp/glorot-install.XXXXXX)
work=$(mktemp -d /tmp/glorot-readme-c.XXXXXX)
trap 'rm -rf "$root" "$work"' EXIT
CARGO_TARGET_DIR=$REPO/target cargo install --quiet --locked --path glorot-cli --root "$root"
"$root/bin/glorot" --version
"$root/bin/glorot" --init he_normal --shape 3,3,16,32 --stats | grep -qx 'count=4608'

echo "[cli] the demo (README's first command)"
cargo run --release --locked --example glorot >"$work/demo.txt"
for needle in "dense_0/kernel [100, 64]" "dense_1/kernel [64, 10]" "expected" "rand_distr StandardNormal" "ratio"; do
    grep -qF "$needle" "$work/demo.txt" || { cat "$work/demo.txt"; echo "[cli] demo: '$needle' missing"; exit 1; }
done

echo "[cli] README's C quick start: the program and the commands as written there"
python3 - "$REPO/README.md" "$work" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
c = text[text.index("### C"):]
program = re.search(r"```c\n(.*?)```", c, re.S).group(1)
commands = re.search(r"```sh\n(.*?)```", c, re.S).group(1)
open(sys.argv[2] + "/quickstart.c", "w").write(program)
open(sys.argv[2] + "/commands.sh", "w").write(commands)
PY
cp "$work/quickstart.c" "$REPO/quickstart.c"
trap 'rm -rf "$root" "$work" "$REPO/quickstart.c" "$REPO/quickstart"' EXIT
(cd "$REPO" && bash -euo pipefail "$work/commands.sh") | tee "$work/c.txt"
grep -q '^w\[0\] = ' "$work/c.txt" && grep -q '^offset past the end: ' "$work/c.txt"

echo "[cli] without the default feature half (--dtype f16/bf16 is then a usage error): clippy and tests"
cargo clippy -p glorot-cli --all-targets --no-deps --locked --no-default-features -- -D warnings
cargo test --release --locked -p glorot-cli --no-default-features

echo "[cli] done ($(($(now) - t0)) s)"

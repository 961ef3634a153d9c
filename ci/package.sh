#!/usr/bin/env bash
# Shipping the crates: `cargo package` (the dry run of `cargo publish`: the package is
# built from its own .crate, with path dependencies replaced by their versions) for every
# crate meant for crates.io — glorot, glorot-c, glorot-cli, glorot-burn, glorot-candle —
# in one call, so that the members find the unpublished glorot in cargo's local overlay.
# Each package must carry both licence files. The verification builds go to a persistent
# target dir ($CROSS_DIR/package), so warm runs only re-check.
set -euo pipefail
# shellcheck source=ci/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$REPO"
t0=$(now)
export CARGO_TARGET_DIR=$CROSS_DIR/package
crates=(glorot glorot-c glorot-cli glorot-burn glorot-candle)
args=()
for c in "${crates[@]}"; do args+=(-p "$c"); done

# Both licence files in every package, and the crate's README where it has one.
for c in "${crates[@]}"; do
    dir=$c
    [ "$c" = glorot ] && dir=.
    want=(LICENSE-MIT LICENSE-APACHE)
    [ -f "$dir/README.md" ] && want+=(README.md)
    files=$(cargo package --locked --allow-dirty --list -p "$c" 2>/dev/null)
    for f in "${want[@]}"; do
        grep -qx "$f" <<<"$files" || { echo "[package] $c: $f missing from the package"; exit 1; }
    done
done
# --allow-dirty: CI checks the working tree it was given (a fresh clone is clean anyway).
cargo package --locked --allow-dirty "${args[@]}"
ls -l "$CARGO_TARGET_DIR"/package/*.crate
echo "[package] ${crates[*]}: packaged and built from their .crate files ($(( $(now) - t0 )) s)"

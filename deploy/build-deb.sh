#!/usr/bin/env bash
# Builds the Debian package reproducibly: the same source (a clone of the
# same commit, wherever it lies), the same Rust toolchain and the same
# cargo-deb give the same binary and the same .deb, byte for byte.
#
#   deploy/build-deb.sh          -> target/debian/undersign_VERSION_ARCH.deb
#
# What would differ between two builds is taken out:
# - paths: the checkout's and cargo's registry are remapped
#   (--remap-path-prefix), so neither where you cloned nor your home shows;
# - time: SOURCE_DATE_EPOCH is the commit's time (cargo-deb dates the
#   package's files with it); the binary itself carries no build time;
# - the crate in one codegen unit: with several, LLVM names the symbols it
#   promotes between units by a hash that differed between two checkouts
#   (`.llvm.NNNN` suffixes, the only bytes that differed once paths were
#   remapped).
# It prints the toolchain and both SHA-256 sums; compare them with the
# published ones (README, "Checking a binary against the source").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v cargo-deb >/dev/null || {
    echo "cargo-deb is missing: cargo install --locked cargo-deb --version 3.8.0" >&2
    exit 1
}
cargo_home=${CARGO_HOME:-$HOME/.cargo}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
export RUSTFLAGS="--remap-path-prefix=$PWD=/build/undersign --remap-path-prefix=$cargo_home=/cargo ${RUSTFLAGS:-}"
export CARGO_INCREMENTAL=0
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1

cargo deb --locked
rustc --version
cargo deb --version
target=${CARGO_TARGET_DIR:-target}
sha256sum "$target/release/undersign" "$target"/debian/undersign_*.deb

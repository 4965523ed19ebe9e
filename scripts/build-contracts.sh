#!/usr/bin/env bash
# Builds every Soroban contract to wasm32v1-none (profile `contract`), prints each WASM's
# path and size, and fails if any exceeds the size budget below.
#
# Prefers a rustup toolchain that has the wasm32v1-none target; falls back to Debian's
# rustc-web toolchain (/usr/bin/rustc 1.96), building core/alloc from source with build-std.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every crate under contracts/ that defines a #[contract] (interfaces is a plain library).
CONTRACTS=()
for d in contracts/*/; do
  c=$(basename "$d")
  if grep -q '#\[contract\]' "$d/src/lib.rs" 2>/dev/null; then CONTRACTS+=("$c"); else echo "contracts: skipping $c (no #[contract] yet)"; fi
done
TARGET=wasm32v1-none
# The network accepts contract code up to 128 KiB (mainnet ledger limit); every call pays to
# load the code, so we hold each contract to a tighter budget and report sizes
# (docs/contracts.md, "Sizes").
LIMIT=$((96 * 1024))
OUT=target/wasm

# soroban-sdk 28 emits every spec entry plus usage markers and expects the build system to drop
# unused entries ("spec shaking"); tools/spec-shake does that step after cargo.
export SOROBAN_SDK_BUILD_SYSTEM_SUPPORTS_SPEC_SHAKING_V2=1

pkgs=()
for c in "${CONTRACTS[@]}"; do pkgs+=(-p "urja-$c"); done

if command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
  echo "contracts: rustup toolchain with $TARGET"
  CARGO_TARGET_DIR=target/wasm-build cargo build --locked --profile contract --target "$TARGET" "${pkgs[@]}"
elif [ -x /usr/bin/rustc ] && /usr/bin/rustc --print target-list | grep -qx "$TARGET"; then
  echo "contracts: Debian rustc $(/usr/bin/rustc --version | cut -d' ' -f2) with build-std"
  # Debian's rust-lld points at an lld version that may be absent; lld-19 serves as wasm-ld
  # when invoked under that name.
  if [ ! -e /usr/bin/rust-lld ]; then
    mkdir -p target/wasm-tools
    ln -sf "$(command -v lld-19 || echo /usr/lib/llvm-19/bin/lld)" target/wasm-tools/wasm-ld
    export CARGO_TARGET_WASM32V1_NONE_LINKER="$PWD/target/wasm-tools/wasm-ld"
  fi
  RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc CARGO_TARGET_DIR=target/wasm-build \
    /usr/bin/cargo build --locked --profile contract --target "$TARGET" \
    -Zbuild-std=core,alloc "${pkgs[@]}"
else
  echo "contracts: no toolchain with the $TARGET target." >&2
  echo "  Either 'rustup target add $TARGET' or 'apt-get install rustc-web cargo-web rust-web-src lld-19'." >&2
  exit 1
fi

mkdir -p "$OUT"
wasms=()
for c in "${CONTRACTS[@]}"; do
  cp "target/wasm-build/$TARGET/contract/urja_$c.wasm" "$OUT/"
  wasms+=("$OUT/urja_$c.wasm")
done
cargo run --quiet --locked --release -p urja-spec-shake -- "${wasms[@]}"
fail=0
for c in "${CONTRACTS[@]}"; do
  dst="$OUT/urja_$c.wasm"
  size=$(stat -c %s "$dst")
  printf '%-32s %6d bytes (%4.1f KiB)\n' "$dst" "$size" "$(awk -v s="$size" 'BEGIN{print s/1024}')"
  if [ "$size" -gt "$LIMIT" ]; then
    echo "contracts: $dst is over the $((LIMIT / 1024)) KiB budget" >&2
    fail=1
  fi
done
exit $fail

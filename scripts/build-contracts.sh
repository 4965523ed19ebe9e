#!/usr/bin/env bash
# Builds every Soroban contract to wasm32v1-none (profile `contract`), prints each WASM's
# path and size, and fails if any exceeds Soroban's 64 KiB limit.
#
# Prefers a rustup toolchain that has the wasm32v1-none target; falls back to Debian's
# rustc-web toolchain (/usr/bin/rustc 1.96), building core/alloc from source with build-std.
set -euo pipefail
cd "$(dirname "$0")/.."

CONTRACTS=(token registry market verifier governance)
TARGET=wasm32v1-none
LIMIT=$((64 * 1024))
OUT=target/wasm

pkgs=()
for c in "${CONTRACTS[@]}"; do pkgs+=(-p "urja-$c"); done

if command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
  echo "contracts: rustup toolchain with $TARGET"
  CARGO_TARGET_DIR=target/wasm-build cargo build --locked --profile contract --target "$TARGET" "${pkgs[@]}"
elif [ -x /usr/bin/rustc ] && /usr/bin/rustc --print target-list | grep -qx "$TARGET"; then
  echo "contracts: Debian rustc $(/usr/bin/rustc --version | cut -d' ' -f2) with build-std"
  RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc CARGO_TARGET_DIR=target/wasm-build \
    /usr/bin/cargo build --locked --profile contract --target "$TARGET" \
    -Zbuild-std=core,alloc "${pkgs[@]}"
else
  echo "contracts: no toolchain with the $TARGET target." >&2
  echo "  Either 'rustup target add $TARGET' or 'apt-get install rustc-web cargo-web rust-web-src lld-19'." >&2
  exit 1
fi

mkdir -p "$OUT"
fail=0
for c in "${CONTRACTS[@]}"; do
  src="target/wasm-build/$TARGET/contract/urja_$c.wasm"
  dst="$OUT/urja_$c.wasm"
  cp "$src" "$dst"
  size=$(stat -c %s "$dst")
  printf '%-32s %6d bytes (%4.1f KiB)\n' "$dst" "$size" "$(awk -v s="$size" 'BEGIN{print s/1024}')"
  if [ "$size" -gt "$LIMIT" ]; then
    echo "contracts: $dst is over the 64 KiB limit" >&2
    fail=1
  fi
done
exit $fail

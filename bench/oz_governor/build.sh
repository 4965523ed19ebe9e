#!/usr/bin/env bash
# What OpenZeppelin's Governor and Votes would weigh: builds the smallest Governor on
# stellar-governance 0.8.0 (execute by anyone, cancel by the proposer, no overrides) and a
# membership contract that is only `Votes`, exactly as scripts/build-contracts.sh builds
# Urja's contracts (profile `contract`, spec shaking), and prints their sizes next to
# governance's. Quoted in docs/contracts.md ("Built on OpenZeppelin").
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
TARGET=wasm32v1-none
export SOROBAN_SDK_BUILD_SYSTEM_SUPPORTS_SPEC_SHAKING_V2=1
export CARGO_TARGET_DIR="$ROOT/target/oz-governor-build"
if command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
  cargo build --locked --offline --profile contract --target "$TARGET"
else
  if [ ! -e /usr/bin/rust-lld ]; then
    mkdir -p "$ROOT/target/wasm-tools"
    ln -sf "$(command -v lld-19 || echo /usr/lib/llvm-19/bin/lld)" "$ROOT/target/wasm-tools/wasm-ld"
    export CARGO_TARGET_WASM32V1_NONE_LINKER="$ROOT/target/wasm-tools/wasm-ld"
  fi
  RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc /usr/bin/cargo build --locked --offline \
    --profile contract --target "$TARGET" -Zbuild-std=core,alloc
fi
OUT="$ROOT/target/oz-governor"
mkdir -p "$OUT"
cp "$CARGO_TARGET_DIR/$TARGET/contract/ozgov.wasm" "$CARGO_TARGET_DIR/$TARGET/contract/ozvotes.wasm" "$OUT/"
(cd "$ROOT" && cargo run --quiet --locked --release -p urja-spec-shake -- "$OUT/ozgov.wasm" "$OUT/ozvotes.wasm")
for w in "$OUT/ozgov.wasm" "$OUT/ozvotes.wasm" "$ROOT/target/wasm/urja_governance.wasm"; do
  printf '%-48s %6d bytes\n' "$w" "$(stat -c %s "$w")"
done

#!/usr/bin/env bash
# Builds the official stellar CLI once into a cache outside the repository and prints the
# binary's path. `--path` prints where it is (or would be) without building; the CLI test
# (tests/localnet/test_stellar_cli.py) asks this script, so the location is said here only.
#
# About 35-45 minutes on 2 cores. Built without default features: those add the OS secure
# key store and Ledger hardware-wallet support, which need libdbus/libudev headers and which
# nothing here uses (keys live in the CLI's config directory, docs/stellar-cli.md).
set -euo pipefail
VERSION=28.1.0
ROOT="${URJA_CACHE:-$HOME/.cache/urja}/stellar-cli"
BIN="$ROOT/bin/stellar"

if [ "${1:-}" = "--path" ]; then echo "$BIN"; exit 0; fi

if [ -x "$BIN" ] && "$BIN" --version | grep -q "^stellar $VERSION "; then
  echo "stellar-cli: $VERSION already built" >&2
else
  echo "stellar-cli: building $VERSION into $ROOT (about 35-45 minutes on 2 cores)" >&2
  cargo install stellar-cli --version "=$VERSION" --locked --no-default-features --root "$ROOT"
fi
echo "$BIN"

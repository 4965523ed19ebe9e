#!/usr/bin/env bash
# Installs everything Urja needs on a fresh Debian 12 machine (idempotent).
# Called by `make setup`, hence by `make test` and `make demo`. Nothing is installed by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(rustc-web cargo-web rust-web-src lld-19 libsodium-dev libgtest-dev cmake ninja-build
              mosquitto valgrind pkg-config libmosquitto-dev chromium chromium-driver)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js runs snarkjs and circomlibjs (zero-knowledge cross-checks); use the machine's
# node if it has one, else Debian's.
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
echo "setup: installing the urja package (builds the native extension)"
.venv/bin/python -m pip install -q -e ".[test]"
echo "setup: installing JavaScript tools (snarkjs, circomlibjs, stellar-sdk)"
(cd tools/zk-js && npm ci --no-audit --no-fund --loglevel=error)
(cd tests/localnet/js && npm ci --no-audit --no-fund --loglevel=error)
(cd web && npm ci --no-audit --no-fund --loglevel=error)
echo "setup: done"

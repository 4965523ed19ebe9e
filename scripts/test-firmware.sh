#!/usr/bin/env bash
# Builds the meter firmware's host side (portable core, tests, simulator) with
# AddressSanitizer + UndefinedBehaviorSanitizer and runs its ctest suite. Called by
# `make test-firmware` (hence `make test`). Build tree: target/firmware-host.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=target/firmware-host
cmake -S firmware/host -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DURJA_SANITIZE=ON >/dev/null
cmake --build "$BUILD" -j "$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$BUILD" --output-on-failure -j "$(nproc)"

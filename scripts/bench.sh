#!/usr/bin/env bash
# Runs every benchmark under bench/ (each prints its figures and ratios against a reference
# measured in the same run). Benchmarks never fail a build on timing; they report.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
for b in bench/*.sh bench/*.py; do
  echo "=== $b"
  case "$b" in
    *.sh) bash "$b" ;;
    *.py) .venv/bin/python "$b" ;;
  esac
done

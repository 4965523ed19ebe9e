# Urja — the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
export CARGO_TERM_COLOR := never

.PHONY: help setup contracts py-clients web-bindings localnet stellar-cli web test test-rust test-python test-firmware test-web lint bench demo clean

help:
	@echo "make demo   - run a simulated community on the embedded local network"
	@echo "make test   - install everything and run every test suite"
	@echo "make bench  - run the benchmarks (ratios against references measured in the same run)"
	@echo "make contracts - build the Soroban contracts to wasm32v1-none"
	@echo "make web-bindings - regenerate the web app's contract clients from the built WASM"
	@echo "make py-clients - regenerate the Python contract clients from the built WASM"
	@echo "make stellar-cli - build the official stellar CLI once into ~/.cache/urja (35-45 min)"

## Install every dependency (apt, pip, npm) — idempotent.
setup:
	scripts/setup.sh

## Build all contracts to WASM and check their size.
contracts:
	scripts/build-contracts.sh

## The Python contract clients, generated from the built contracts' specs by
## stellar-contract-bindings into orchestrator/urja/clients/ (committed; a test fails while
## they differ from target/wasm).
py-clients: contracts
	$(PY) tools/gen_py_clients.py

## The web app's contract clients, generated from the built contracts' specs by the
## @stellar/stellar-sdk generator into web/src/contracts/ (committed; the web tests fail
## while they differ from target/wasm).
web-bindings: contracts
	cd web && node scripts/bindings.mjs

## The local Stellar network binary (optimised: the Soroban host is slow unoptimised).
localnet:
	cargo build --release --locked -p urja-localnet

## The official stellar CLI, built once into a cache outside the repo (docs/stellar-cli.md);
## tests/localnet/test_stellar_cli.py runs it against the local network, and skips without it.
stellar-cli:
	scripts/build-stellar-cli.sh

## Everything: install, build, and run every suite. The web app is built (and unit-tested)
## before pytest, whose browser test drives it against the whole stack.
test: setup contracts localnet
	$(MAKE) test-rust
	$(MAKE) test-firmware
	$(MAKE) test-web
	$(MAKE) test-python

test-rust:
	cargo test --workspace --locked

test-python:
	$(PY) -m pytest -q

test-firmware:
	@if [ -f firmware/host/CMakeLists.txt ]; then scripts/test-firmware.sh; else echo "firmware: no host build yet"; fi

test-web:
	@if [ -f web/package.json ]; then scripts/test-web.sh; else echo "web: no app yet"; fi

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	$(PY) -m ruff check orchestrator tests

bench: setup contracts localnet
	scripts/bench.sh

## The dashboard, built into web/dist (served by the orchestrator).
web:
	cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent

demo: setup contracts localnet web
	$(PY) -m urja.cli demo

clean:
	rm -rf target .venv

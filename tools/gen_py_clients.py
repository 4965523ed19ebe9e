#!/usr/bin/env python3
"""Writes orchestrator/urja/clients/<contract>.py: a typed client per contract, generated
from the contract's own spec by `stellar-contract-bindings` (PyPI; the generator the Stellar
Python SDK's maintainers ship) over each WASM `make contracts` builds
(`target/wasm/urja_<contract>.wasm`). The generated modules are committed and never edited
by hand; `urja.bindings` calls the contracts through them. A test fails while they differ
from the built contracts.
Usage: `tools/gen_py_clients.py [--check] [--wasm-dir DIR]`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "orchestrator" / "urja" / "clients"
CONTRACTS = ("market", "registry", "token", "verifier", "governance")
"""Contract kinds, each built as target/wasm/urja_<kind>.wasm."""


def generate(wasm: Path) -> str:
    """The generated sync client module for the contract built as `wasm`."""
    from stellar_contract_bindings import python, utils

    return python.generate_binding(utils.get_specs_by_wasm_file(str(wasm)), "sync")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if a client is stale")
    ap.add_argument("--wasm-dir", type=Path, default=ROOT / "target" / "wasm")
    a = ap.parse_args(argv)
    stale = []
    for kind in CONTRACTS:
        wasm = a.wasm_dir / f"urja_{kind}.wasm"
        if not wasm.exists():
            print(f"gen_py_clients: {wasm} is missing: run `make contracts` first", file=sys.stderr)
            return 2
        text = generate(wasm)
        path = OUT / f"{kind}.py"
        if path.exists() and path.read_text() == text:
            continue
        if a.check:
            stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text)
    if stale:
        print(
            f"gen_py_clients: {', '.join(stale)} differ from the contracts' specs in "
            f"{a.wasm_dir}: a contract interface changed; run `make py-clients` and commit",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Writes orchestrator/urja/data/contract_errors.json from the contracts' `contracterror` enums.

The Rust enums are the one source of truth for error codes; the orchestrator and the web app
read this generated table to turn `Error(Contract, #N)` into words, and a test fails when the
table and the Rust sources disagree. Usage: `tools/gen_contract_errors.py [--check]`.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "orchestrator" / "urja" / "data" / "contract_errors.json"
SOURCES = {
    "market": "contracts/market/src/errors.rs",
    "registry": "contracts/registry/src/lib.rs",
    "token": "contracts/token/src/lib.rs",
    "verifier": "contracts/verifier/src/lib.rs",
    "governance": "contracts/governance/src/lib.rs",
}
_ENUM = re.compile(r"#\[contracterror\].*?pub enum \w+ \{(.*?)\n\}", re.S)
_VARIANT = re.compile(r"((?:\s*///[^\n]*\n)*)\s*(\w+) = (\d+),")


def table() -> dict[str, dict[str, dict[str, str]]]:
    """contract -> code -> {"name", "doc"} parsed from the Rust sources."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for contract, rel in SOURCES.items():
        body = _ENUM.search((ROOT / rel).read_text())
        if body is None:
            raise SystemExit(f"{rel}: no #[contracterror] enum found")
        codes = {}
        for doc, name, code in _VARIANT.findall(body.group(1)):
            text = " ".join(line.strip().removeprefix("///").strip() for line in doc.splitlines())
            codes[code] = {"name": name, "doc": text.strip()}
        out[contract] = codes
    return out


def main() -> int:
    text = json.dumps(table(), indent=1, sort_keys=True) + "\n"
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT} is stale: run tools/gen_contract_errors.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

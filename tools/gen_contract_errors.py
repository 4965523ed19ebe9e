#!/usr/bin/env python3
"""Writes orchestrator/urja/data/contract_errors.json from the contracts' `contracterror` enums.

The Rust enums are the one source of truth for error codes; the orchestrator and the web app
read this generated table to turn `Error(Contract, #N)` into words, and a test fails when the
table and the Rust sources disagree. Usage: `tools/gen_contract_errors.py [--check]`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import cache
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
# Errors raised by shared code: the admin module (every governed contract) and the
# OpenZeppelin crates the contracts are built on (crate, file under its src/).
ADMIN = ["contracts/interfaces/src/lib.rs", ("stellar-access", "ownable/mod.rs"),
         ("stellar-access", "role_transfer/mod.rs")]
SHARED = {
    "market": ADMIN,
    "registry": ADMIN,
    "token": ADMIN + [("stellar-tokens", "fungible/mod.rs")],
    "verifier": ADMIN,
    "governance": [],
}
_ENUM = re.compile(r"#\[contracterror\].*?pub enum \w+ \{(.*?)\n\}", re.S)
_VARIANT = re.compile(r"((?:\s*///[^\n]*\n)*)\s*(\w+) = (\d+),")


@cache
def _crate_dirs() -> dict[str, Path]:
    """Source directory of every package in the workspace's dependency graph (`cargo metadata`)."""
    meta = subprocess.run(
        ["cargo", "metadata", "--offline", "--locked", "--format-version", "1"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return {p["name"]: Path(p["manifest_path"]).parent for p in json.loads(meta.stdout)["packages"]}


def _codes(path: Path) -> dict[str, dict[str, str]]:
    """code -> {"name", "doc"} of the first `contracterror` enum in `path`."""
    body = _ENUM.search(path.read_text())
    if body is None:
        raise SystemExit(f"{path}: no #[contracterror] enum found")
    codes = {}
    for doc, name, code in _VARIANT.findall(body.group(1)):
        text = " ".join(line.strip().removeprefix("///").strip() for line in doc.splitlines())
        codes[code] = {"name": name, "doc": text.strip()}
    return codes


def table() -> dict[str, dict[str, dict[str, str]]]:
    """contract -> code -> {"name", "doc"} parsed from the Rust sources."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for contract, rel in SOURCES.items():
        codes = _codes(ROOT / rel)
        for src in SHARED[contract]:
            path = ROOT / src if isinstance(src, str) else _crate_dirs()[src[0]] / "src" / src[1]
            codes.update(_codes(path))
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

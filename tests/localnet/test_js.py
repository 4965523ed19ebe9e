"""The official JavaScript SDK (`@stellar/stellar-sdk` rpc.Server) against urja-localnet."""

from __future__ import annotations

import json
import subprocess

from .conftest import ROOT


def test_javascript_sdk_flow(localnet):
    script = ROOT / "tests" / "localnet" / "js" / "flow.mjs"
    wasm = ROOT / "target" / "wasm" / "urja_token.wasm"
    out = subprocess.run(
        ["node", str(script), localnet.url, str(wasm)], capture_output=True, text=True, timeout=180
    )
    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["balance"] == "42" and result["contractId"].startswith("C")
    assert result["events"] >= 1

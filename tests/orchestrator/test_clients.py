"""The Python contract clients generated from the contracts' specs (`urja.clients`,
tools/gen_py_clients.py) and the shim that routes them through `Chain` (`urja.bindings`):
the committed clients are what the generator makes of today's WASM, a contract with another
interface fails the check naming the stale module, and the shim's plain values equal what
the chain's SCVals decode to."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from stellar_sdk import Keypair, scval

from urja.bindings import Market, plain
from urja.clients import market as market_client
from urja.scval_codec import native

ROOT = Path(__file__).resolve().parents[2]
WASM = ROOT / "target" / "wasm"
TOOL = ROOT / "tools" / "gen_py_clients.py"
built = all((WASM / f"urja_{k}.wasm").exists() for k in ("market", "registry"))
needs_wasm = pytest.mark.skipif(
    not built and not os.environ.get("CI"), reason="target/wasm not built (make contracts)"
)


def check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(TOOL), "--check", *args], capture_output=True, text=True
    )


@needs_wasm
def test_the_committed_clients_are_the_generators_output_for_todays_contracts():
    r = check()
    assert r.returncode == 0, r.stderr


@needs_wasm
def test_a_contract_whose_interface_changed_fails_the_check_naming_its_module(tmp_path):
    for f in WASM.glob("urja_*.wasm"):
        shutil.copy(f, tmp_path / f.name)
    shutil.copy(WASM / "urja_registry.wasm", tmp_path / "urja_market.wasm")
    r = check("--wasm-dir", str(tmp_path))
    assert r.returncode == 1
    assert "orchestrator/urja/clients/market.py differ" in r.stderr
    assert "registry.py" not in r.stderr and "make py-clients" in r.stderr


def test_plain_values_equal_what_the_chains_scvals_decode_to():
    a, b = Keypair.random().public_key, Keypair.random().public_key
    params = market_client.Params(
        payment_token=a,
        kwh_token=b,
        registry=a,
        verifier=b,
        circuit_id=1,
        operator=a,
        fee_recipient=b,
        fee_bps=100,
        slot_secs=900,
        gate_lead_secs=300,
        delivery_deadline_secs=3600,
        horizon_slots=96,
        price_floor=1,
        price_cap=100,
    )
    v = params.to_scval()
    assert plain(market_client.Params.from_scval(v)) == native(v)
    order = market_client.Order.from_scval(
        market_client.Order(
            **{
                **{f: 0 for f in market_client.Order.__annotations__},
                "owner": a,
                "side": market_client.Side(1),
                "status": market_client.OrderStatus(0),
                "meter": bytes(32),
            }
        ).to_scval()
    )
    assert plain(order) == native(order.to_scval())
    assert plain(order)["side"] == 1 and plain(order)["owner"] == a


def test_settle_arguments_are_encoded_by_the_generated_client():
    class NoChain:
        kinds: dict = {}
        passphrase = "test"

        class server:
            server_url = "http://127.0.0.1:1"

    m = Market(NoChain(), "C" + "A" * 55)
    args = m.settle_args(7, [{"buy": 1, "sell": 2, "wh": 300, "price": 5}], None)
    assert [native(x) for x in args] == [7, [{"buy": 1, "price": 5, "sell": 2, "wh": 300}], None]
    assert args[0] == scval.to_uint64(7)
    args = m.settle_args(7, [], 9)
    assert native(args[2]) == 9


def test_the_generated_error_enums_name_every_code_as_the_error_table_does():
    """`contract_errors.json` (from the contracts' `contracterror` enums, with their docs for
    messages) and the generated clients' error enums (from the specs) agree on every code."""
    import enum
    import importlib

    from urja.chain import contract_errors

    for kind, table in contract_errors().items():
        module = importlib.import_module(f"urja.clients.{kind}")
        generated = {
            str(int(member)): member.name
            for cls in vars(module).values()
            if isinstance(cls, type)
            and issubclass(cls, enum.IntEnum)
            and cls.__name__.endswith("Error")
            for member in cls
        }
        assert generated == {code: e["name"] for code, e in table.items()}, kind

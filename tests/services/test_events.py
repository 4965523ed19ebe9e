"""The event table generated from the contracts' specs, and the typed decoders built on it
(`urja.events`): the table must match the built WASMs, a changed event layout is caught
by the check, and an event of the wrong shape is refused naming what was wrong."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys

import pytest
from stellar_sdk import xdr
from xdrlib3 import Packer

from urja import events

from ..localnet.conftest import ROOT

TOOL = ROOT / "tools" / "gen_contract_events.py"


def _tool():
    spec = importlib.util.spec_from_file_location("gen_contract_events", TOOL)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _leb(n: int) -> bytes:
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _with_spec(wasm: bytes, entries: list) -> bytes:
    """`wasm` with its `contractspecv0` section replaced by `entries`."""
    p = Packer()
    for e in entries:
        e.pack(p)
    name = b"contractspecv0"
    body = _leb(len(name)) + name + p.get_buffer()
    out, i = bytearray(wasm[:8]), 8
    while i < len(wasm):
        section = wasm[i]
        size, j, shift = 0, i + 1, 0
        while True:
            b = wasm[j]
            j += 1
            size |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        end = j + size
        is_spec = section == 0 and wasm[j + 1 : j + 1 + len(name)] == name
        out += bytes([0]) + _leb(len(body)) + body if is_spec else wasm[i:end]
        i = end
    return bytes(out)


def test_contract_event_table_matches_the_built_contracts():
    r = subprocess.run([sys.executable, str(TOOL), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_a_changed_event_layout_fails_the_check(tmp_path):
    """A market whose `trade` event lost its `price` field: the committed table is stale."""
    gen = _tool()
    for w in (ROOT / "target" / "wasm").glob("urja_*.wasm"):
        shutil.copy(w, tmp_path / w.name)
    market = tmp_path / "urja_market.wasm"
    entries = gen.spec_entries(market.read_bytes())
    for e in entries:
        if e.kind == xdr.SCSpecEntryKind.SC_SPEC_ENTRY_EVENT_V0:
            ev = e.event_v0
            if ev.prefix_topics[0].sc_symbol == b"trade":
                ev.params = [p for p in ev.params if p.name != b"price"]
    market.write_bytes(_with_spec(market.read_bytes(), entries))
    changed = gen.table(tmp_path)["market"]["events"]["trade"][0]["params"]
    assert [p["name"] for p in changed][-1] == "wh"
    r = subprocess.run(
        [sys.executable, str(TOOL), "--check", "--wasm-dir", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1 and "stale" in r.stderr


def test_events_decode_to_records_with_the_contracts_field_names():
    t = events.decode("market", ["trade", 7], [3, 1, 2, "GBUY", "GSELL", 500, 9])
    assert type(t).__name__ == "TradeSettled" and (t.contract, t.event) == ("market", "trade")
    assert (t.slot, t.trade_id, t.buyer, t.price) == (7, 3, "GBUY", 9)
    o = events.decode("market", ["order", 7], [4, "GSELL", 0, 500, 5, 0, "ab" * 32, 3])
    assert o.side.name == "sell" and o.side == 0 and o.meter == b"\xab" * 32
    assert o.slot == 7 and o.slots == 3  # a standing order: its first slot and how many
    m = events.decode("registry", ["member", "GA"], [3, 0, True, 40])
    assert m.role.name == "both" and m.addr == "GA"
    # A token event in map form and in CAP-67's bare-amount form decode alike.
    mint = events.decode("token", ["mint", "GA"], {"amount": 5})
    assert mint == events.decode("token", ["mint", "GA"], 5) and mint.amount == 5
    # One name, two layouts: a plain transfer and one to a muxed account.
    plain = events.decode("token", ["transfer", "GA", "GB"], 7)
    muxed = events.decode("token", ["transfer", "GA", "GB"], {"amount": 7, "to_muxed_id": 9})
    assert (plain.amount, muxed.amount, muxed.to_muxed_id) == (7, 7, 9)
    with pytest.raises(events.EventLayoutError, match="as MuxedTransfer.*as Transfer"):
        events.decode("token", ["transfer", "GA", "GB"], {"amount": 7, "memo": 1})
    burn = events.decode("token", ["burn", "GA"], 2)
    assert events.fields(burn) == {"from": "GA", "amount": 2}
    assert events.decode("market", ["no_such_event"], None) is None
    row = {"kind": "verifier", "name": "vk_set", "topics": [1], "data": "00ff"}
    assert events.from_row(row).vk == b"\x00\xff"


@pytest.mark.parametrize(
    "topics, data, error",
    [
        (["trade", 7], [3, 1, 2, "GB", "GS", 500], "not a vec of its 7 fields"),
        (["trade"], [3, 1, 2, "GB", "GS", 500, 9], "0 topics after its name, the spec has 1"),
        (["trade", 7], [3, 1, 2, "GB", "GS", "500", 9], "field 'wh': expected i128"),
        (["order", 7], [4, "GS", 2, 500, 5, 0, None, 1], "field 'side': expected a Side case"),
        (["proof", "ab", 7], ["GD", "cd" * 32, 1, "ef" * 64, "00"], "expected 32 bytes"),
    ],
)
def test_an_event_of_another_shape_is_refused_naming_the_field(topics, data, error):
    with pytest.raises(events.EventLayoutError, match=error):
        events.decode("market", topics, data)

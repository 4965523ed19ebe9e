"""Pieces of the services that need no network: error naming, batch planning, slot timing,
configuration and the generated error table."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from urja import clearing
from urja.chain import explain
from urja.config import ConfigError, load
from urja.matcher_service import MAX_TRADES_PER_METER_SLOT, cap_per_meter, plan_batches
from urja.slots import REFUND_WINDOW_SECS, SlotClock

from ..localnet.conftest import ROOT


def test_contract_error_table_matches_the_rust_enums():
    r = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_contract_errors.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr


def test_contract_errors_are_named_in_words():
    msg, code, name = explain("HostError: Error(Contract, #4)\n...", "market")
    assert (code, name) == (4, "SlotClosed") and "gate has closed" in msg
    assert explain("HostError: Error(Contract, #99)", "market")[0] == "contract error #99"
    assert explain("HostError: Error(Budget, ExceededLimit)", None)[1] is None


def test_batches_are_as_large_as_the_simulation_allows():
    trades = [{"i": i} for i in range(23)]
    sizes = [len(b) for b in plan_batches(trades, lambda b: len(b) <= 7)]
    assert sum(sizes) == 23 and max(sizes) <= 7
    assert [t for b in plan_batches(trades, lambda b: True) for t in b] == trades
    assert [len(b) for b in plan_batches(trades, lambda b: False)] == [1] * 23


def test_clearing_keeps_at_most_20_trades_per_meter_the_largest_first():
    """Sixty 1-Wh bids and a few larger ones against two meters' offers: each meter keeps
    its 20 largest trades (ties: earliest), the rest stay unmatched, the uniform price holds."""
    orders = [{"id": "1", "side": "sell", "wh": 500, "price": 2, "feeder": "0", "ts": 1}]
    orders.append({"id": "2", "side": "sell", "wh": 500, "price": 3, "feeder": "0", "ts": 2})
    for i in range(60):
        orders.append(
            {"id": str(10 + i), "side": "buy", "wh": 1, "price": 9, "feeder": "0", "ts": 10 + i}
        )
    orders.append({"id": "90", "side": "buy", "wh": 400, "price": 9, "feeder": "0", "ts": 90})
    orders.append({"id": "91", "side": "buy", "wh": 300, "price": 9, "feeder": "0", "ts": 91})
    meter_of = {"1": "aa" * 32, "2": "bb" * 32}
    result = clearing.clear(orders, "uniform")
    kept = cap_per_meter(result.trades, meter_of)
    per_meter = {m: [t for t in kept if meter_of[t.sell] == m] for m in meter_of.values()}
    assert len(result.trades) > 2 * MAX_TRADES_PER_METER_SLOT
    assert all(len(ts) <= MAX_TRADES_PER_METER_SLOT for ts in per_meter.values())
    assert all(t.price == result.price for t in kept)
    for m, ts in per_meter.items():
        mine = [t for t in result.trades if meter_of[t.sell] == m]
        dropped = [t for t in mine if t not in ts]
        if dropped:  # every kept trade is at least as large as every dropped one
            assert min(t.wh for t in ts) >= max(t.wh for t in dropped)
            ones = [t for t in mine if t.wh == 1]
            kept_ones = [t for t in ts if t.wh == 1]
            assert kept_ones == ones[: len(kept_ones)]  # ties: the earliest stay
    assert [t for t in result.trades if t in kept] == kept  # clearing order kept
    assert any(t.wh >= 300 for t in kept)
    few = cap_per_meter(result.trades[:3], meter_of)
    assert few == result.trades[:3]


def test_slot_clock_mirrors_the_market_contract():
    c = SlotClock(900, 300, 3600)
    assert (c.start(10), c.gate(10), c.end(10), c.deadline(10)) == (9000, 8700, 9900, 13500)
    assert c.next_open(8699) == 10 and c.next_open(8700) == 11
    assert c.settling(8700) == [9, 10] and c.settling(9899) == [10, 11]
    assert c.settling(9900) == [11]


def test_config_errors_name_the_setting(tmp_path):
    bad = tmp_path / "urja.toml"
    bad.write_text("[network]\nname = 'moon'\n")
    with pytest.raises(ConfigError, match="unknown network 'moon'"):
        load(bad, env={})
    bad.write_text("[mqtt]\nport = 'x'\n")
    with pytest.raises(ConfigError, match=r"\[mqtt\]\.port must be an integer"):
        load(bad, env={})
    bad.write_text("[network]\nname = 'testnet'\n")
    cfg = load(bad, env={"URJA_RPC_URL": "https://rpc.example"})
    assert cfg.rpc_url == "https://rpc.example" and cfg.passphrase.startswith("Test SDF")
    with pytest.raises(ConfigError, match="run `urja deploy`"):
        cfg.contract("market")


def test_last_ended_and_past_deadline_slots_agree_with_end_and_deadline():
    clock = SlotClock(slot_secs=15, gate_lead_secs=30, delivery_deadline_secs=40)
    for now in range(0, 200):
        ended = [s for s in range(-5, 20) if clock.end(s) <= now]
        past = [s for s in range(-5, 20) if clock.deadline(s) <= now]
        assert clock.last_ended(now) == max(ended)
        assert clock.last_past_deadline(now) == max(past)


def test_first_refundable_slot_is_the_oldest_whose_records_the_market_still_keeps():
    rust = (ROOT / "contracts/market/src/storage.rs").read_text()
    m = re.search(r"pub const REFUND_WINDOW_SECS: u64 = ([\d_]+);", rust)
    assert m and int(m.group(1).replace("_", "")) == REFUND_WINDOW_SECS
    clock = SlotClock(slot_secs=900, gate_lead_secs=300, delivery_deadline_secs=3600)
    for now in range(100_000, 200_000, 450):
        kept = [s for s in range(0, 300) if clock.deadline(s) + REFUND_WINDOW_SECS > now]
        assert clock.first_refundable(now) == min(kept)

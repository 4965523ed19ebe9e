"""Pieces of the services that need no network: error naming, batch planning, slot timing,
configuration and the generated error table."""

from __future__ import annotations

import subprocess
import sys

import pytest

from urja.chain import explain
from urja.config import ConfigError, load
from urja.matcher import plan_batches
from urja.slots import SlotClock

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

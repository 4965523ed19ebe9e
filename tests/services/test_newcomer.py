"""A newcomer's first hour (issue 18): each trap they fell into, reproduced step by step and
shown fixed. These need no network; the steps that do (quickstart, serve, a refused meter
report, consistent order/trade/slot states) are in tests/walkthrough."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from urja import broker
from urja.cli import COMMANDS, load_command, main
from urja.config import ConfigError, load
from urja.indexer.store import Index
from urja.orders import default_slot
from urja.slots import SlotClock
from urja.stack import REPO, ServiceError, default_web_dir, ensure_broker, where_dashboard


def run(*args: str, cwd: Path | None = None):
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(old)


def closed_port() -> int:
    return broker.free_port()  # nothing listens there


# 1. Friendbot ignored rpc_url; a bad --feeder hid behind the friendbot error.


def test_friendbot_follows_the_rpc_url_on_a_non_default_port(tmp_path):
    conf = tmp_path / "urja.toml"
    conf.write_text('[network]\nname = "local"\nrpc_url = "http://127.0.0.1:18000"\n')
    assert load(conf, {}).friendbot_url == "http://127.0.0.1:18000/friendbot"
    conf.write_text(
        '[network]\nrpc_url = "http://127.0.0.1:18000/"\n'
        'friendbot_url = "http://127.0.0.1:9/fund"\n'
    )
    assert load(conf, {}).friendbot_url == "http://127.0.0.1:9/fund"  # explicit wins
    assert load(conf, {"URJA_FRIENDBOT_URL": "http://x/f"}).friendbot_url == "http://x/f"


def test_deploy_names_a_bad_feeder_before_touching_network_or_keystore(tmp_path):
    conf = tmp_path / "urja.toml"
    port = closed_port()
    conf.write_text(f'[network]\nrpc_url = "http://127.0.0.1:{port}"\n[data]\ndir = "d"\n')
    r = run("--config", str(conf), "deploy", "--feeder", "north:5000", cwd=tmp_path)
    assert r.exit_code == 2, r.output
    assert "--feeder" in r.output and "'north:5000': expected ID:CAPACITY_WH" in r.output
    assert not (tmp_path / "d").exists()  # no keystore with an unfunded operator


# 2. `urja serve` without a broker said only "[Errno 111] Connection refused".


def _deployment(data: Path, network: str) -> None:
    data.mkdir(parents=True)
    rec = {
        "network": network,
        "rpc_url": "http://127.0.0.1:9",
        "passphrase": "Test SDF Network ; September 2015",
        "contracts": {"market": "C" * 56},
        "market": {
            "slot_secs": 900,
            "gate_lead_secs": 300,
            "delivery_deadline_secs": 3600,
            "price_floor": 1,
            "price_cap": 100_000,
        },  # fmt: skip
        "operator": "G" * 56,
    }
    (data / "deployment.json").write_text(json.dumps(rec))


def test_serve_names_the_missing_broker_and_how_to_start_one(tmp_path):
    mqtt = closed_port()
    conf = tmp_path / "urja.toml"
    conf.write_text(
        '[network]\nname = "testnet"\nrpc_url = "http://127.0.0.1:9"\n'
        f'[data]\ndir = "{tmp_path / "d"}"\n[mqtt]\nport = {mqtt}\n'
    )
    _deployment(tmp_path / "d", "testnet")
    r = run("--config", str(conf), "serve")
    assert r.exit_code == 1, r.output
    assert f"no MQTT broker answers at 127.0.0.1:{mqtt}" in r.output
    assert "[mqtt] host and port" in r.output and f"mosquitto -p {mqtt}" in r.output
    assert "urja serve --no-mqtt" in r.output


def test_serve_on_the_local_network_starts_its_own_broker(tmp_path):
    port = closed_port()
    cfg = load(None, {"URJA_DATA_DIR": str(tmp_path), "URJA_MQTT_PORT": str(port)})
    said: list[str] = []
    proc = ensure_broker(cfg, said.append)
    try:
        assert proc is not None and broker.reachable("127.0.0.1", port)
        assert said == [
            f"started an MQTT broker (mosquitto) on 127.0.0.1:{port} for the local network"
        ]
        assert ensure_broker(cfg, said.append) is None  # one answers now: nothing started
    finally:
        proc.terminate()
        proc.wait(10)
    remote = load(None, {"URJA_MQTT_HOST": "192.0.2.1", "URJA_MQTT_PORT": str(port)})
    with pytest.raises(ServiceError, match="no MQTT broker answers at 192.0.2.1"):
        ensure_broker(remote, said.append)


# 3. `meter register --new-key FILE` overwrote an existing meter's key.


def test_new_meter_key_never_overwrites_a_key_file(tmp_path):
    key = tmp_path / "alice.meter"
    key.write_text("ab" * 32 + "\n")
    before = key.read_bytes()
    conf = tmp_path / "urja.toml"
    conf.write_text(f'[data]\ndir = "{tmp_path / "d"}"\n')
    _deployment(tmp_path / "d", "local")
    r = run(
        "--config", str(conf), "meter", "register", "--owner", "G" * 56,
        "--max-wh-per-minute", "90", "--new-key", str(key),
    )  # fmt: skip
    assert r.exit_code == 2, r.output
    assert f"{key} already exists and may be another meter's only key" in r.output
    assert key.read_bytes() == before


# 5. The default slot raced the gate: an offer and the matching bid fell on either side.


def test_default_slot_leaves_a_minute_before_its_gate():
    clock = SlotClock(900, 300)
    for now in range(10_000, 10_000 + 2 * 900, 7):
        s = default_slot(clock, now)
        assert clock.gate(s) - now >= 60
        assert clock.gate(s - 1) - now < 60 or s == clock.next_open(now)
    now = clock.gate(20) - 1  # one second before a gate: the old default was that slot
    assert clock.next_open(now) == 20 and default_slot(clock, now) == 21


# 6. Every command took seconds: --help imported pvlib, pandas, matplotlib and FastAPI.

HEAVY = ("pvlib", "pandas", "matplotlib", "fastapi", "stellar_sdk", "py_ecc", "uvicorn")


@pytest.mark.parametrize(
    "argv", [["--help"], ["offer", "--help"], ["bid", "--help"], ["orders", "--help"]]
)
def test_help_imports_no_heavy_module(argv):
    code = (
        "import sys\nfrom urja.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_orders_offer_and_keys_list_need_no_pvlib_pandas_matplotlib_or_fastapi(tmp_path):
    _deployment(tmp_path / "d", "local")  # offer gets as far as the keystore (no "nobody")
    offer = ["offer", "--key", "nobody", "--slot", "5", "--kwh", "0.001", "--price", "0.0001"]
    code = (
        "import sys\nfrom urja.cli import main\n"
        f"for argv in (['keys', 'list'], ['orders'], {offer!r}):\n"
        "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
        "print(sorted(m for m in ('pvlib', 'pandas', 'matplotlib', 'fastapi') if m in sys.modules))"
    )
    env = {**os.environ, "URJA_DATA_DIR": str(tmp_path / "d")}
    env = {k: v for k, v in env.items() if k != "URJA_CONFIG"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env,
        cwd=tmp_path,
    )  # fmt: skip
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_keys_list_needs_no_stellar_sdk(tmp_path):
    """Listing keys derives public keys with PyNaCl, so it starts without the SDK."""
    env = {k: v for k, v in os.environ.items() if k != "URJA_CONFIG"}
    env["URJA_DATA_DIR"] = str(tmp_path / "d")
    run = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "d"), "keys", "add", "alice"])
    assert run.exit_code == 0, run.output
    code = (
        "import sys\nfrom urja.cli import main\n"
        "try:\n    main(['keys', 'list'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('stellar_sdk', 'fastapi')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env,
        cwd=tmp_path,
    )  # fmt: skip
    lines = out.stdout.strip().splitlines()
    assert lines[0] == "alice\t" + run.output.split(": ")[1].strip() and lines[-1] == "[]"


def test_every_lazy_command_loads_and_its_listed_help_is_its_own():
    for name, (spec, short) in COMMANDS.items():
        cmd = load_command(spec)
        assert cmd.name == name or name in ("deploy", "demo", "zk")
        assert cmd.get_short_help_str(60) == short, name


# 8. The dashboard vanished outside the repository (--web was a relative path).


def test_dashboard_is_found_from_the_package_not_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("URJA_WEB_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert default_web_dir() == REPO / "web" / "dist"
    assert default_web_dir().is_absolute()
    empty = tmp_path / "dist"
    empty.mkdir()
    assert where_dashboard(empty, "http://h:1").startswith(
        f"no dashboard: {empty / 'index.html'} does not exist"
    )
    (empty / "index.html").write_text("<html></html>")
    assert where_dashboard(empty, "http://h:1") == f"dashboard on http://h:1/ (from {empty})"


# 10. A typo in the config was accepted; a bad port did not name its key.


@pytest.mark.parametrize(
    "text, error",
    [
        ('[market]\nmechanism = "uniforn"\n', "[market].mechanism 'uniforn' is not one of"),
        ('[mqtt]\nport = "1883x"\n', "[mqtt].port must be an integer, not '1883x'"),
        ("[api]\nport = 70000\n", "[api].port must be in 1..65535, not 70000"),
        ("[market]\ngrid_tarif = 8\n", "unknown key [market].grid_tarif"),
        ('[netwrok]\nname = "local"\n', "unknown table [netwrok]"),
        ("[market]\ngrid_tariff = -1\n", "[market].grid_tariff must be in >= 0, not -1"),
        ('[network]\nrpc_url = "127.0.0.1:8000"\n', "[network].rpc_url must be an http(s) URL"),
    ],
)
def test_config_is_checked_in_full_at_load(tmp_path, text, error):
    conf = tmp_path / "urja.toml"
    conf.write_text(text)
    with pytest.raises(ConfigError) as e:
        load(conf, {})
    assert error in str(e.value)


def test_config_error_names_the_environment_variable():
    with pytest.raises(ConfigError, match=r"\$URJA_API_PORT \(overrides \[api\].port\)"):
        load(None, {"URJA_API_PORT": "eighty"})


def test_a_config_typo_stops_orders_at_once(tmp_path):
    conf = tmp_path / "urja.toml"
    conf.write_text('[market]\nmechanism = "uniforn"\n')
    r = run("--config", str(conf), "orders")
    assert r.exit_code == 1
    assert "[market].mechanism 'uniforn' is not one of uniform, pay_as_bid, network" in r.output


# Issue 17's race: a reader opened the index while the indexer was still creating it.


def test_a_reader_never_sees_a_half_created_index(tmp_path):
    failures = []
    for i in range(30):
        path = tmp_path / f"i{i}" / "index.sqlite"
        path.parent.mkdir()

        def reader(p=path):
            while not p.exists():  # starts before the indexer and opens the file at once
                pass
            try:
                ix = Index(p, readonly=True)
                # What each reader asks first: the API (synced, slots, events), the matcher
                # (its book), the monitor (meters) and the agents (clearing prices).
                ix.synced(), ix.slots(5), ix.events(limit=5), ix.book(0), ix.meters()
                ix.clearing_prices(0)
            except Exception as e:  # noqa: BLE001 - any failure is what this test looks for
                failures.append(e)

        t = threading.Thread(target=reader)
        t.start()
        Index(path)
        t.join(30)
    assert failures == []


# 9. Data that disagreed with itself: orders `open` with refund 0 beside a delivered trade
# with refund 400; a slot with only an unmatched offer stayed `delivering`.


def test_order_state_agrees_with_its_trades_and_the_clock():
    from urja.orders import order_state

    clock = SlotClock(30, 10, 600)
    slot = 100
    bid = {"id": 2, "slot": slot, "slots": 1, "side": "buy", "wh": 400, "price": 8,
           "escrow": 3200, "filled": 400, "status": "open", "refund": 0}  # fmt: skip
    offer = {**bid, "id": 1, "side": "sell", "wh": 500, "price": 6, "escrow": 0}
    trade = {"buy": 2, "sell": 1, "wh": 400, "price": 7, "state": "delivered",
             "delivered_wh": 400, "refund": 400}  # fmt: skip
    after = clock.end(slot) + 5
    assert order_state(bid, [trade], clock, after) == {
        **bid,
        "state": "delivered",
        "refund": 400,
    }
    assert order_state(offer, [trade], clock, after)["state"] == "delivered"
    assert order_state(offer, [trade], clock, after)["refund"] == 0  # sellers lock nothing
    assert order_state(bid, [], clock, clock.gate(slot) - 1)["state"] == "open"
    lone = {**offer, "id": 3, "filled": 0}
    assert order_state(lone, [], clock, after)["state"] == "unmatched"
    matched = {**trade, "state": "matched", "delivered_wh": 0, "refund": 0}
    assert order_state(bid, [matched], clock, after)["state"] == "matched"
    short = {**trade, "delivered_wh": 300}
    assert order_state(bid, [short], clock, after)["state"] == "part-delivered"
    expired = {**matched, "state": "expired", "refund": 3200}
    assert order_state(bid, [expired], clock, after) == {
        **bid,
        "state": "expired",
        "refund": 3200,
    }
    # A standing bid for three slots stays open until its last slot's gate, and is matched
    # only when every one of its slots is.
    standing = {**bid, "slots": 3, "escrow": 9600}
    assert order_state(standing, [matched], clock, clock.gate(slot + 2) - 1)["state"] == "open"
    last = clock.end(slot + 2) + 5
    assert order_state(standing, [matched], clock, last)["state"] == "part-matched"
    assert order_state({**standing, "filled": 1200}, [matched], clock, last)["state"] == "matched"


def test_a_slot_without_trades_is_done_once_it_ends():
    from urja.api import slot_status

    clock = SlotClock(30, 10, 600)
    s = 100
    assert slot_status(clock, s, clock.end(s) + 1, trades=0, deliveries=0) == "done"
    assert slot_status(clock, s, clock.end(s) + 1, trades=1, deliveries=0) == "delivering"
    assert slot_status(clock, s, clock.end(s) + 1, trades=1, deliveries=1) == "done"
    assert slot_status(clock, s, clock.deadline(s), trades=1, deliveries=0) == "done"
    assert slot_status(clock, s, clock.gate(s), trades=0, deliveries=0) == "gate_closed"
    assert slot_status(clock, s, clock.gate(s), trades=2, deliveries=0) == "settled"
    assert slot_status(clock, s, clock.gate(s) - 1, trades=0, deliveries=0) == "open"


def test_an_out_of_range_price_names_floor_and_cap():
    from urja.orders import check_price

    market = {"price_floor": 1, "price_cap": 100_000}
    check_price(market, 100_000)
    match = (
        r"10\.0001 XLM/kWh is outside the market's range 0\.0001 XLM/kWh to 10 XLM/kWh"
        r" .*cap 100000"
    )
    with pytest.raises(ValueError, match=match):
        check_price(market, 100_001)


def test_an_order_in_finer_units_than_the_chain_keeps_is_refused_naming_the_step(tmp_path):
    """`urja offer`/`bid` take kWh and XLM per kWh; what the chain cannot hold exactly (below
    1 Wh, between two stroop-per-Wh steps) is refused before anything is signed."""
    _deployment(tmp_path / "d", "local")
    base = ["--data-dir", str(tmp_path / "d"), "offer", "--key", "alice", "--slot", "5"]
    r = run(*base, "--kwh", "0.0005", "--price", "0.0006")
    assert r.exit_code == 2 and "energy '0.0005' is not an amount of kWh" in r.output, r.output
    r = run(*base, "--kwh", "0.5", "--price", "0.00045")
    assert r.exit_code == 2, r.output
    assert "'0.00045' is not a whole number of 0.0001 XLM/kWh steps" in r.output, r.output
    r = run(*base, "--wh", "500", "--price", "6")  # the chain's units are not what people type
    assert r.exit_code == 2 and "Did you mean one of: '--help', '--kwh'" in r.output, r.output

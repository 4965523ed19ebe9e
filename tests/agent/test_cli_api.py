"""`urja report`, `urja agent scenarios` and `urja agent run`'s checks on the command line,
and the read API's /api/kpi."""

from __future__ import annotations

import json

from click.testing import CliRunner
from fastapi.testclient import TestClient

from urja.api import ApiContext, create_app
from urja.chain import Chain
from urja.cli import main
from urja.deploy import Deployment
from urja.kpi import SlotFlow, write_flows

T0 = 1742524200  # 2025-03-21 08:00 in Delhi

FLOWS = [
    SlotFlow("donor", 1, T0, 2000, 500, sold_wh=1000, earned=4.5, grid_export_wh=500),
    SlotFlow("home", 1, T0, 0, 1500, bought_wh=1000, paid=4.5, grid_import_wh=500),
]


def test_report_prints_kwh_currency_and_local_days(tmp_path):
    p = tmp_path / "flows.jsonl"
    write_flows(p, FLOWS)
    r = CliRunner().invoke(main, ["report", "--flows", str(p), "--households"])
    assert r.exit_code == 0, r.output
    assert "days in Asia/Kolkata" in r.output and "2025-03-21" in r.output
    assert "saved vs grid-only, ₹" in r.output and "self-sufficiency" in r.output
    assert "use kWh" in r.output and "donor" in r.output
    r = CliRunner().invoke(main, ["report", "--flows", str(p), "--json"])
    doc = json.loads(r.output)
    assert doc["units"]["energy"] == "kWh" and doc["community"][0]["traded_kwh"] == 1.0


def test_report_refuses_a_gapped_tariff_naming_the_slab(tmp_path):
    p = tmp_path / "flows.jsonl"
    write_flows(p, FLOWS)
    t = tmp_path / "t.toml"
    t.write_text(
        "feed_in = 3\n[[slabs]]\nfrom_kwh = 0\nto_kwh = 100\nrate = 3\n"
        "[[slabs]]\nfrom_kwh = 150\nrate = 5\n"
    )
    r = CliRunner().invoke(main, ["report", "--flows", str(p), "--tariff", str(t)])
    assert r.exit_code == 1
    assert "slabs[1].from_kwh is 150 kWh but slabs[0] ends at 100 kWh (gap of 50 kWh)" in r.output


def test_agent_run_refuses_an_impossible_battery_before_the_network(tmp_path):
    s = tmp_path / "agent.toml"
    s.write_text(
        'key = "home"\n[battery]\ncapacity_kwh = 5\npower_kw = 2\nround_trip_efficiency = 1.3\n'
    )
    r = CliRunner().invoke(
        main,
        ["--data-dir", str(tmp_path / "nothing"), "agent", "run", "--settings", str(s), "--once"],
    )
    assert r.exit_code == 1
    assert "battery.round_trip_efficiency must be above 0 and at most 1, got 1.3" in r.output


def test_scenarios_command_prints_the_table(tmp_path):
    r = CliRunner().invoke(
        main, ["agent", "scenarios", "--households", "4", "--out", str(tmp_path)]
    )
    assert r.exit_code == 0, r.output
    assert "agents_battery" in r.output and "CO2 avoided, kg" in r.output
    kpi = json.loads((tmp_path / "kpi.json").read_text())
    assert set(kpi["community"]) == {"no_market", "manual", "agents", "agents_battery"}
    assert (tmp_path / "scenarios.png").stat().st_size > 10_000


def test_read_api_kpi(tmp_path):
    dep = Deployment(
        "local",
        "http://127.0.0.1:9",
        "test",
        {},
        {"slot_secs": 900, "gate_lead_secs": 300, "delivery_deadline_secs": 3600},
        "G",
    )
    ctx = ApiContext(dep, Chain("http://127.0.0.1:9", "test"), tmp_path / "index.sqlite")
    client = TestClient(create_app(ctx))
    assert client.get("/api/kpi").status_code == 404
    write_flows(tmp_path / "agents" / "donor.jsonl", FLOWS[:1])
    write_flows(tmp_path / "agents" / "home.jsonl", FLOWS[1:])
    doc = client.get("/api/kpi").json()
    assert doc["community"][0]["households"] == 2
    assert {h["household"] for h in doc["households"]} == {"donor", "home"}


def test_agent_run_signs_its_order_against_the_market_on_the_local_network(tmp_path):
    """`urja agent run --once` on the embedded local network: settings, keystore, forecast
    from the household's measurements file, and the bid sent through `Market.order`. The
    deployment record names a market contract that does not exist (this test deploys no
    contracts), so the host refuses the simulated `market.bid`, and the command says so."""
    import time

    import requests
    from stellar_sdk import StrKey

    from urja import broker, localnet
    from urja.indexer.store import Index
    from urja.keystore import Keystore

    port = broker.free_port()
    node = localnet.start(tmp_path / "net", port, ledger_close_ms=250)
    try:
        data = tmp_path / "data"
        data.mkdir()
        kp = Keystore(data / "keystore.json").get_or_create("home-01")
        requests.get(f"{node.url}/friendbot", params={"addr": kp.public_key}, timeout=60)
        nowhere = StrKey.encode_contract(bytes(range(32)))
        now_slot = int(time.time()) // 15
        passphrase = localnet.status(node.url)["network"]["passphrase"]
        (data / "deployment.json").write_text(
            json.dumps(
                {
                    "network": "local",
                    "rpc_url": node.url,
                    "passphrase": passphrase,
                    "contracts": {"market": nowhere, "registry": nowhere},
                    "market": {"slot_secs": 15, "gate_lead_secs": 5, "delivery_deadline_secs": 600},
                    "operator": kp.public_key,
                    # 15-second slots standing for 15 minutes, as in the demo
                    "site": {
                        "latitude": 28.61,
                        "longitude": 77.21,
                        "origin_slot": now_slot,
                        "origin_unix": 1774063800,
                        "sim_slot_secs": 900,
                    },
                }
            )
        )
        Index(data / "index.sqlite")
        # a home without PV that used 100 Wh in each of its last 200 slots
        lines = [f"{s},0,100" for s in range(now_slot - 200, now_slot - 1)]
        (tmp_path / "meter.csv").write_text("slot,pv_wh,load_wh\n" + "\n".join(lines) + "\n")
        (tmp_path / "agent.toml").write_text(
            'key = "home-01"\nreadings = "meter.csv"\nstrategy = "fixed"\n'
            "[fixed]\nsell = 4\nbuy = 5\n"
        )
        r = CliRunner().invoke(
            main,
            [
                "--data-dir",
                str(data),
                "agent",
                "run",
                "--settings",
                str(tmp_path / "agent.toml"),
                "--once",
            ],
        )
        assert r.exit_code == 1
        assert "market.bid: HostError" in r.output and "MissingValue" in r.output
    finally:
        localnet.stop(tmp_path / "net")

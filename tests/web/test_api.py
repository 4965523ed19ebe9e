"""The read API's household endpoints (meters, withdrawals, credit totals) over an index
holding the events exactly as the indexer stores them (`events` rows with JSON topics and
data), and the credit endpoint's answer when the network is down."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from stellar_sdk import Keypair

from urja.api import ApiContext, create_app, meter_status
from urja.chain import Chain
from urja.deploy import Deployment
from urja.indexer.store import Index, dumps

DONOR = Keypair.from_raw_ed25519_seed(bytes(range(32))).public_key
OTHER = Keypair.from_raw_ed25519_seed(bytes(range(1, 33))).public_key
M1, M2, M3 = "11" * 32, "22" * 32, "33" * 32
MARKET = "CDLZFC3SYJYDZT7K67VZ75HPJVIEUVNIXF47ZG2FB2RMQQVU2HHGCYSC"


class Events:
    """Writes events as the indexer does: one row per event, ids ordered like RPC ids."""

    def __init__(self, ix: Index):
        self.ix, self.n = ix, 0

    def add(self, kind: str, name: str, topics: list, data, ledger: int) -> None:
        self.n += 1
        with self.ix.db:
            self.ix.db.execute(
                "INSERT INTO events(id, ledger, ledger_time, tx_hash, contract, kind, name,"
                " topics, data) VALUES(?,?,?,?,?,?,?,?,?)",
                (
                    f"{ledger:019d}-{self.n:010d}",
                    ledger,
                    1_700_000_000 + ledger * 5,
                    f"{self.n:064x}",
                    "C" + kind.upper(),
                    kind,
                    name,
                    dumps(topics),
                    dumps(data),
                ),
            )


@pytest.fixture
def api(tmp_path):
    ix = Index(tmp_path / "index.sqlite")
    ev = Events(ix)
    # Meter events: [owner, feeder, max_wh_per_minute, active, accepted].
    ev.add("registry", "meter", [bytes.fromhex(M1)], [DONOR, 0, 100, False, False], 10)
    ev.add("registry", "meter", [bytes.fromhex(M2)], [DONOR, 0, 50, False, False], 11)
    ev.add("registry", "meter", [bytes.fromhex(M3)], [OTHER, 0, 100, False, False], 11)
    ev.add("registry", "meter", [bytes.fromhex(M1)], [DONOR, 0, 100, True, True], 12)
    ev.add("registry", "meter", [bytes.fromhex(M2)], [DONOR, 0, 50, True, True], 13)
    ev.add("registry", "meter", [bytes.fromhex(M2)], [DONOR, 0, 50, False, True], 14)
    # Member events: [role, feeder, active, since]; the derived row as the indexer keeps it.
    ev.add("registry", "member", [DONOR], [1, 0, True, 1_700_000_040], 8)
    ev.add("registry", "member", [DONOR], [1, 0, True, 1_700_000_090], 9)
    with ix.db:
        ix.db.execute(
            "INSERT INTO members(address, role, feeder, active) VALUES(?, 1, 0, 1)", (DONOR,)
        )
    # An offer from M1 and a bid (order data ends with the offer's meter, None for bids).
    ev.add("market", "order", [40], [1, DONOR, 0, 300, 4, 0, bytes.fromhex(M1)], 15)
    ev.add("market", "order", [40], [2, OTHER, 1, 200, 8, 1600, None], 15)
    with ix.db:
        ix.db.execute(
            "INSERT INTO orders(id, slot, owner, side, wh, price, escrow, filled, status, refund,"
            " ledger) VALUES(1, 40, ?, 'sell', 300, 4, 0, 200, 'closed', 0, 15),"
            " (2, 40, ?, 'buy', 200, 8, 1600, 200, 'open', 0, 15)",
            (DONOR, OTHER),
        )
        ix.db.execute(
            "INSERT INTO trades(trade_id, slot, buy, sell, buyer, seller, wh, price, state,"
            " delivered_wh, paid, fee, refund, ledger)"
            " VALUES(1, 40, 2, 1, ?, ?, 200, 6, 'delivered', 200, 1188, 12, 400, 16)",
            (OTHER, DONOR),
        )
    ev.add("market", "withdraw", [DONOR], 1000, 17)
    ev.add("market", "withdraw", [OTHER], 400, 18)
    ev.add("market", "withdraw", [DONOR], 188, 19)
    ix.db.close()
    dep = Deployment(
        network="local",
        rpc_url="http://127.0.0.1:9",
        passphrase="Standalone Network ; February 2017",
        contracts={"market": MARKET},
        market={
            "slot_secs": 15,
            "gate_lead_secs": 5,
            "delivery_deadline_secs": 600,
            "horizon_slots": 100,
            "price_floor": 1,
            "price_cap": 1000,
            "fee_bps": 100,
        },
        operator=OTHER,
    )
    chain = Chain(dep.rpc_url, dep.passphrase, patience_secs=0.5)
    return TestClient(create_app(ApiContext(dep, chain, tmp_path / "index.sqlite")))


def test_meters_of_a_household_follow_their_latest_registry_event(api):
    meters = api.get(f"/api/accounts/{DONOR}/meters").json()
    assert [m["meter"] for m in meters] == [M1, M2]
    m1, m2 = meters
    assert m1 == {
        "meter": M1,
        "owner": DONOR,
        "feeder": 0,
        "max_wh_per_minute": 100,
        "active": True,
        "accepted": True,
        "status": "active",
        "registered_ledger": 10,
        "ledger": 12,
    }
    assert (m2["status"], m2["accepted"], m2["active"]) == ("suspended", True, False)
    assert [m["meter"] for m in api.get(f"/api/accounts/{OTHER}/meters").json()] == [M3]
    assert api.get(f"/api/accounts/{OTHER}/meters").json()[0]["status"] == "pending"
    assert api.get("/api/accounts/GBAD/meters").status_code == 422


def test_meter_status_words():
    assert meter_status(active=False, accepted=False) == "pending"
    assert meter_status(active=True, accepted=True) == "active"
    assert meter_status(active=False, accepted=True) == "suspended"


def test_account_lists_meters_offer_meters_withdrawals_and_credit_totals(api):
    me = api.get(f"/api/accounts/{DONOR}").json()
    assert me["member"] == {"role": "donor", "feeder": 0, "active": True, "since": 1_700_000_090}
    assert [m["meter"] for m in me["meters"]] == [M1, M2]
    assert [o["meter"] for o in me["orders"]] == [M1]
    assert [w["amount"] for w in me["withdrawals"]] == [188, 1000]  # newest first
    assert me["withdrawals"][0]["ledger"] == 19
    assert me["totals"]["credited"] == 1188
    assert me["totals"]["withdrawn"] == 1188
    them = api.get(f"/api/accounts/{OTHER}").json()
    assert [o["meter"] for o in them["orders"]] == [None]
    assert (them["totals"]["credited"], them["totals"]["withdrawn"]) == (400, 400)


def test_a_meter_event_of_another_layout_is_named_not_misread(api, tmp_path):
    ix = Index(tmp_path / "index.sqlite")
    Events(ix).add("registry", "meter", [bytes.fromhex(M1)], [DONOR, 0, 100, True], 20)
    ix.db.close()
    r = api.get(f"/api/accounts/{DONOR}/meters")
    assert r.status_code == 500
    assert "has 4 fields, expected 5" in r.json()["detail"]


def test_credit_needs_the_network_and_says_so(api):
    r = api.get(f"/api/accounts/{DONOR}/credit")
    assert r.status_code == 503
    assert "network unreachable" in r.json()["detail"]
    assert api.get("/api/accounts/nobody/credit").status_code == 422

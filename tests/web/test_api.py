"""The read API's household endpoints (meters, withdrawals, credit totals) over an index
built by the indexer's own `apply` from contract events, and the credit endpoint's answer
when the network is down."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from stellar_sdk import Keypair

from urja.api import ApiContext, create_app, meter_status
from urja.chain import Chain
from urja.deploy import Deployment
from urja.indexer.follow import apply
from urja.indexer.store import Index, dumps

DONOR = Keypair.from_raw_ed25519_seed(bytes(range(32))).public_key
OTHER = Keypair.from_raw_ed25519_seed(bytes(range(1, 33))).public_key
FEES = Keypair.from_raw_ed25519_seed(bytes(range(2, 34))).public_key
M1, M2, M3 = "11" * 32, "22" * 32, "33" * 32
MARKET = "CDLZFC3SYJYDZT7K67VZ75HPJVIEUVNIXF47ZG2FB2RMQQVU2HHGCYSC"


class Events:
    """Feeds decoded events to the index as `Indexer.poll` does: the raw row, then `apply`."""

    def __init__(self, ix: Index):
        self.ix, self.n = ix, 0

    def add(self, kind: str, name: str, topics: list, data, ledger: int) -> None:
        self.n += 1
        ev_id, when, tx = (
            f"{ledger:019d}-{self.n:010d}",
            1_700_000_000 + ledger * 5,
            f"{self.n:064x}",
        )
        with self.ix.db:
            self.ix.db.execute(
                "INSERT INTO events(id, ledger, ledger_time, tx_hash, contract, kind, name,"
                " topics, data) VALUES(?,?,?,?,?,?,?,?,?)",
                (
                    ev_id,
                    ledger,
                    when,
                    tx,
                    "C" + kind.upper(),
                    kind,
                    name,
                    dumps(topics),
                    dumps(data),
                ),
            )
            apply(self.ix.db, kind, name, topics, data, ev_id, ledger, tx, when)


def market_params(**changes) -> dict:
    """A whole `params` event value (every field of the market's `Params`), with `changes`."""
    return {
        "payment_token": "CPAY",
        "kwh_token": "CKWH",
        "registry": "CREG",
        "verifier": "CVER",
        "circuit_id": 1,
        "operator": "GOPERATOR",
        "fee_recipient": "GFEE",
        "fee_bps": 100,
        "slot_secs": 900,
        "gate_lead_secs": 300,
        "delivery_deadline_secs": 3600,
        "horizon_slots": 96,
        "price_floor": 1,
        "price_cap": 100,
        **changes,
    }


@pytest.fixture
def api(tmp_path):
    ix = Index(tmp_path / "index.sqlite")
    ev = Events(ix)
    ev.add("market", "params", [], market_params(fee_recipient=FEES), 1)
    # Members: [role, feeder, active, since]; meters: [owner, feeder, cap, active, accepted].
    ev.add("registry", "member", [DONOR], [1, 0, True, 1_700_000_040], 8)
    ev.add("registry", "member", [DONOR], [1, 0, True, 1_700_000_090], 9)
    ev.add("registry", "member", [OTHER], [2, 0, True, 1_700_000_095], 9)
    ev.add("registry", "meter", [bytes.fromhex(M1)], [DONOR, 0, 100, False, False], 10)
    ev.add("registry", "meter", [bytes.fromhex(M2)], [DONOR, 0, 50, False, False], 11)
    ev.add("registry", "meter", [bytes.fromhex(M3)], [OTHER, 0, 100, False, False], 11)
    ev.add("registry", "meter", [bytes.fromhex(M1)], [DONOR, 0, 100, True, True], 12)
    ev.add("registry", "meter", [bytes.fromhex(M2)], [DONOR, 0, 50, True, True], 13)
    ev.add("registry", "meter", [bytes.fromhex(M2)], [DONOR, 0, 50, False, True], 14)
    # An offer from M1 and a bid; settled at 6, delivered in full: the donor is credited
    # 1200 less the 1 % fee, the buyer the 1600 it locked less the 1200 paid.
    ev.add("market", "order", [40], [1, DONOR, 0, 300, 4, 0, bytes.fromhex(M1), 1], 15)
    ev.add("market", "order", [40], [2, OTHER, 1, 200, 8, 1600, None, 1], 15)
    ev.add("market", "trade", [40], [1, 2, 1, OTHER, DONOR, 200, 6], 16)
    ev.add("market", "delivered", [40], [1, 200, 1188, 12, 400], 17)
    ev.add("market", "release", [40], [1, 0], 18)
    ev.add("market", "withdraw", [DONOR], 1000, 19)
    ev.add("market", "withdraw", [OTHER], 400, 20)
    ev.add("market", "withdraw", [DONOR], 100, 21)
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
        "since": 1_700_000_050,
    }
    assert (m2["status"], m2["accepted"], m2["active"]) == ("suspended", True, False)
    theirs = api.get(f"/api/accounts/{OTHER}/meters").json()
    assert [(m["meter"], m["status"]) for m in theirs] == [(M3, "pending")]
    assert api.get("/api/accounts/GBAD/meters").status_code == 422


def test_a_standing_order_is_in_the_book_of_each_slot_it_covers(api, tmp_path):
    ix = Index(tmp_path / "index.sqlite")
    Events(ix).add("market", "order", [41], [3, OTHER, 1, 50, 7, 50 * 7 * 3, None, 3], 22)
    ix.db.close()
    for slot in (41, 43):
        book = api.get(f"/api/slots/{slot}/book").json()
        assert [(b["id"], b["slot"], b["slots"], b["wh"]) for b in book["bids"]] == [(3, 41, 3, 50)]
        assert book["demand"] == [{"price": 7, "cum_wh": 50}]  # per slot, not 150
    assert api.get("/api/slots/44/book").json()["bids"] == []
    assert [b["slots"] for b in api.get("/api/slots/40/book").json()["bids"]] == [1]


def test_config_names_the_communitys_time_zone(api, tmp_path):
    assert api.get("/api/config").json()["time_zone"] == "Asia/Kolkata"


def test_meter_status_words():
    assert meter_status(active=False, accepted=False) == "pending"
    assert meter_status(active=True, accepted=True) == "active"
    assert meter_status(active=False, accepted=True) == "suspended"


def test_account_lists_meters_offer_meters_withdrawals_and_credit_totals(api):
    me = api.get(f"/api/accounts/{DONOR}").json()
    assert me["member"] == {"role": "donor", "feeder": 0, "active": True, "since": 1_700_000_090}
    assert [m["meter"] for m in me["meters"]] == [M1, M2]
    assert [o["meter"] for o in me["orders"]] == [M1]
    assert [(w["amount"], w["ledger"]) for w in me["withdrawals"]] == [(100, 21), (1000, 19)]
    t = me["totals"]
    assert (t["earned"], t["credited"], t["withdrawn"], t["credit"]) == (1188, 1188, 1100, 88)
    them = api.get(f"/api/accounts/{OTHER}").json()
    assert [o["meter"] for o in them["orders"]] == [None]
    t = them["totals"]
    assert (t["refunded"], t["credited"], t["withdrawn"], t["credit"]) == (400, 400, 400, 0)
    fees = api.get(f"/api/accounts/{FEES}").json()["totals"]
    assert (fees["credited"], fees["credit"]) == (12, 12)


def test_events_carry_their_fields_by_the_contracts_names(api):
    """The events endpoint serves each event as indexed plus its fields named by the
    contract's event spec (the generated table), enums by name and bytes as hex."""
    withdrawals = api.get("/api/events?kind=market&name=withdraw").json()
    assert [e["fields"] for e in withdrawals][0] == {"owner": DONOR, "amount": 100}
    (trade,) = api.get("/api/events?kind=market&name=trade").json()
    assert trade["data"] == [1, 2, 1, OTHER, DONOR, 200, 6]
    assert trade["fields"] == {
        "slot": 40,
        "trade_id": 1,
        "buy": 2,
        "sell": 1,
        "buyer": OTHER,
        "seller": DONOR,
        "wh": 200,
        "price": 6,
    }
    orders = api.get("/api/events?kind=market&name=order").json()
    assert {e["fields"]["side"] for e in orders} == {"sell", "buy"}
    meter = api.get("/api/events?kind=registry&name=meter&limit=1").json()[0]["fields"]
    assert meter["meter_id"] == M2 and meter["accepted"] is True


def test_credit_needs_the_network_and_says_so(api):
    r = api.get(f"/api/accounts/{DONOR}/credit")
    assert r.status_code == 503
    assert "network unreachable" in r.json()["detail"]
    assert api.get("/api/accounts/nobody/credit").status_code == 422


def test_an_index_of_another_schema_is_named(api, tmp_path):
    ix = Index(tmp_path / "index.sqlite")
    with ix.db:
        ix.db.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
    ix.db.close()
    r = api.get(f"/api/accounts/{DONOR}/meters")
    assert r.status_code == 503
    assert "schema version 1" in r.json()["detail"]

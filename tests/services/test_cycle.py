"""The operator's services end to end on the local network: a full trading cycle, bad meter
messages, kill -9 of each service mid-slot, a network outage, and a doctored database."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
import time

from nacl.signing import SigningKey

from urja import localnet, market_audit
from urja.agent.units import XLM, kwh_text
from urja.domain import market_domain
from urja.fleet import publish, sign_slot
from urja.relayer.message import encode

from .conftest import SLOT_SECS, Community


def order(c: Community, key: str, side: str, slot: int, wh: int, price: int) -> None:
    """`urja offer`/`bid` as a household types it: kWh and XLM per kWh (the index then
    holds the chain's Wh and stroops per Wh these stand for)."""
    kwh, per_kwh = kwh_text(wh).split(" ")[0], XLM.price_text(price).split(" ")[0]
    c.urja(side, "--key", key, "--slot", str(slot), "--kwh", kwh, "--price", per_kwh)


def place(c: Community, slot: int) -> None:
    """The standard book: 500 Wh offered, 450 Wh bid, clearing at 5 in three trades."""
    for key, side, wh, price in (
        ("d1", "offer", 300, 4),
        ("d2", "offer", 200, 5),
        ("r1", "bid", 250, 8),
        ("r2", "bid", 200, 6),
    ):
        order(c, key, side, slot, wh, price)


def report(c: Community, slot: int, d1_wh: int, d2_wh: int) -> None:
    for name, wh in (("d1", d1_wh), ("d2", d2_wh)):
        c.urja(
            "meter",
            "report",
            "--key-file",
            str(c.root / f"{name}.meter"),
            "--slot",
            str(slot),
            "--wh",
            str(wh),
            "--wait",
            "0",  # publish only, as a meter does: the tests watch the services themselves
        )


def trades(c: Community, slot: int) -> list[dict]:
    return c.index().rows("SELECT * FROM trades WHERE slot = ? ORDER BY trade_id", (slot,))


def deliveries(c: Community, slot: int) -> list[dict]:
    return c.index().rows("SELECT * FROM deliveries WHERE slot = ?", (slot,))


def settle_and_deliver(c: Community, slot: int, d1_wh: int, d2_wh: int, during=None) -> None:
    clock = c.stack.clock
    c.wait(lambda: len(trades(c, slot)) == 3, timeout=clock.end(slot) - c.now() + 30)
    c.wait_time(clock.end(slot))
    report(c, slot, d1_wh, d2_wh)
    if during:
        during()
    c.wait(lambda: len(deliveries(c, slot)) == 2, timeout=120)
    c.wait(lambda: all(t["state"] == "delivered" for t in trades(c, slot)), timeout=30)


def test_full_cycle_settles_pro_rata_refunds_and_mints_surplus(community: Community):
    c = community
    slot = c.next_slot()
    supply0, d2_kwh0 = c.supply(), c.kwh("d2")
    place(c, slot)
    settle_and_deliver(c, slot, 250, 200)
    t = trades(c, slot)
    assert [(x["wh"], x["price"]) for x in t] == [(250, 5), (50, 5), (150, 5)]
    d1 = [x for x in t if x["seller"] == c.addr("d1")]
    # d1 matched 300 Wh and delivered 250: every trade is cut pro rata, buyers refunded.
    assert sum(x["delivered_wh"] for x in d1) == 250
    assert all(x["delivered_wh"] < x["wh"] and x["refund"] > 0 for x in d1)
    for x in t:  # escrow = wh * bid limit; the buyer pays delivered * price, the rest returns
        limit = 8 if x["buyer"] == c.addr("r1") else 6
        assert x["paid"] + x["fee"] + x["refund"] == x["wh"] * limit
    # d2 matched 150 Wh and proved 200: the 50 Wh surplus is minted to d2.
    assert c.kwh("d2") - d2_kwh0 == 50
    assert c.supply() - supply0 == 450
    assert "AUDIT PASSED" in c.urja("audit")


def test_standing_orders_trade_and_deliver_in_every_slot_they_cover(community: Community):
    """One `urja offer --slots 2` and one `urja bid --slots 2` (a transaction each) trade
    and settle in both slots; a standing order past the horizon is refused naming --slots."""
    import json

    c = community
    clock = c.stack.clock
    slot = c.next_slot(lead=8)
    args = ["--slot", str(slot), "--slots", "2", "--price"]
    out = c.urja("offer", "--key", "d1", *args, "0.0004", "--kwh", "0.2")
    assert "in each of 2 slots, to slot " + str(slot + 1) in out, out
    out = c.urja("bid", "--key", "r1", *args, "0.0008", "--kwh", "0.15")
    # 150 Wh x 8 stroops per Wh in each of two slots is locked at once.
    assert XLM.units_text(2400) + " locked in escrow (" + XLM.units_text(1200) in out, out
    far = c.urja_fails("bid", "--key", "r2", "--slot", str(slot), "--slots", "100000",
                       "--price", "0.0008", "--kwh", "0.1")  # fmt: skip
    assert "--slots" in far and "horizon" in far, far
    for s in (slot, slot + 1):
        c.wait(lambda s=s: len(trades(c, s)) == 1, timeout=clock.end(s) - c.now() + 30)
        c.wait_time(clock.end(s))
        c.urja("meter", "report", "--key-file", str(c.root / "d1.meter"), "--slot", str(s),
               "--wh", "150", "--wait", "0")  # fmt: skip
        c.wait(lambda s=s: [t["state"] for t in trades(c, s)] == ["delivered"], timeout=120)
        [t] = trades(c, s)
        assert (t["wh"], t["delivered_wh"], t["seller"]) == (150, 150, c.addr("d1"))
    rows = json.loads(c.urja("orders", "--account", c.addr("r1"), "--json"))
    [bid] = [r for r in rows if r["slot"] == slot and r["slots"] == 2]
    assert (bid["wh"], bid["filled"], bid["state"]) == (150, 300, "delivered")
    assert bid["escrow"] == 2400
    assert "AUDIT PASSED" in c.urja("audit")


def test_orders_placed_at_the_same_moment_do_not_fail_on_chain(community: Community):
    """Four households order at once, three rounds: every order transaction succeeds the
    first time. Order ids come from each household's own account; with the shared counter
    they replaced, orders applied in one ledger named the same order entry and all but one
    failed on chain, charged, and were sent again (docs/cost-model.md). The orders are
    cancelled before their gate, so the test leaves nothing that later changes the chain
    (a release after the slot) while the next tests run."""
    from concurrent.futures import ThreadPoolExecutor

    from urja import fees

    c = community
    slot = c.next_slot(lead=90)  # the gate far enough away to place and cancel everything
    meter = {n: k.verify_key.encode() for n, k in c.meters.items()}
    # Offers above the bids: nothing trades, the book just fills.
    who = [("d1", "sell", 9), ("d2", "sell", 9), ("r1", "buy", 2), ("r2", "buy", 2)]

    def place(o: tuple[str, str, int]) -> tuple[str, int]:
        name, side, price = o
        return name, c.market.order(c.key(name), side, slot, 10, price, meter.get(name))

    placed = [place(o) for o in who]  # a household's first order draws its number: one at a time
    start = c.stack.chain.latest_ledger() + 1
    with ThreadPoolExecutor(len(who)) as pool:
        for _ in range(3):
            placed += pool.map(place, who)
    sent = [
        t
        for t in fees.transactions(c.stack.chain.rpc_url, start)
        if t.contract == c.stack.dep.contracts["market"] and t.function in ("offer", "bid")
    ]
    with ThreadPoolExecutor(len(who)) as pool:
        list(pool.map(lambda p: c.market.cancel(c.key(p[0]), p[1]), placed))
    assert len({oid for _, oid in placed}) == 16
    assert len(sent) == 12 and all(t.success for t in sent), [t.success for t in sent]
    # The ledgers they landed in: several orders shared one (otherwise nothing was shown).
    assert len({t.ledger for t in sent}) < len(sent)
    assert c.stack.chain.ledger_time() < c.stack.clock.gate(slot)


def test_bad_meter_messages_are_refused_with_reasons_and_change_nothing(community: Community):
    c = community
    now_slot = c.stack.clock.current(c.now())
    day, night = c.sky_slot(7.5), c.sky_slot(1)  # 07:30 and 01:00 in Delhi, never traded
    assert day < now_slot
    meter = c.meters["d1"]
    supply0 = c.supply()
    dom = market_domain(c.stack.dep.passphrase, c.stack.dep.contracts["market"])
    good = sign_slot(meter, day, [40] * 15, [0] * 15, None, domain=dom)
    forged = sign_slot(SigningKey.generate(), day, [40] * 15, [0] * 15, None, domain=dom)
    forged = dataclasses.replace(forged, meter=meter.verify_key.encode())
    other = sign_slot(meter, day, [41] * 15, [0] * 15, None, domain=dom)  # other readings
    too_much = sign_slot(meter, day - 1, [101] * 15, [0] * 15, None, domain=dom)
    at_night = sign_slot(meter, night, [30] * 15, [0] * 15, None, domain=dom)
    unknown = sign_slot(SigningKey.generate(), day, [10] * 15, [0] * 15, None, domain=dom)
    future = sign_slot(meter, now_slot + 5, [10] * 15, [0] * 15, None, domain=dom)
    # Genuinely signed by the meter, but for another market contract on this network.
    elsewhere = market_domain(c.stack.dep.passphrase, c.stack.dep.contracts["registry"])
    replayed = sign_slot(meter, day - 2, [40] * 15, [0] * 15, None, domain=elsewhere)
    publish([good, good], "127.0.0.1", c.mqtt_port, "test")  # a resend is harmless
    for m in (forged, other, too_much, at_night, unknown, future, replayed):
        publish([m], "127.0.0.1", c.mqtt_port, "test")
    import paho.mqtt.client as mqtt

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    client.connect("127.0.0.1", c.mqtt_port)
    client.loop_start()
    client.publish(f"urja/test/meter/{'00' * 32}/slot", b"{not json", qos=1).wait_for_publish()
    client.publish(
        f"urja/test/meter/{'00' * 32}/slot", encode(good).replace('"v":2', '"v":3'), qos=1
    ).wait_for_publish()
    client.loop_stop()

    def reasons():
        """eight refusals recorded"""
        out = c.urja("relayer", "dead-letters")
        return out if len(out.strip().splitlines()) >= 9 else None

    text = c.wait(reasons, timeout=60)
    for expected in (
        "signature: not the meter's signature",
        "already reported different",
        "above the meter's limit of 100",
        "while the sun was down",
        "not registered",
        "has not ended yet",
        "malformed JSON",
        "unsupported message version",
        "signed for another market or network",
    ):
        assert expected in text, (expected, text)
    c.wait(lambda: len(deliveries(c, day)) == 1, timeout=60)
    assert c.supply() - supply0 == good.energy_wh  # only the genuine message minted
    assert len(deliveries(c, night)) == len(deliveries(c, day - 1)) == 0


def test_kill9_of_every_service_mid_slot_loses_nothing_and_repeats_nothing(community):
    c = community
    clock = c.stack.clock
    slot = c.next_slot(lead=8)
    supply0 = c.supply()
    place(c, slot)
    c.kill9("indexer")
    c.start("indexer")
    c.wait_time(clock.gate(slot))
    time.sleep(0.5)
    c.kill9("matcher")  # around its settle
    c.start("matcher")

    def crash_relayer():
        time.sleep(0.4)
        c.kill9("relayer")  # after the messages arrived, before or while proving
        c.start("relayer")

    settle_and_deliver(c, slot, 280, 150, during=crash_relayer)
    assert len({(t["buy"], t["sell"]) for t in trades(c, slot)}) == 3
    assert sorted(d["energy_wh"] for d in deliveries(c, slot)) == [150, 280]
    assert c.supply() - supply0 == 430
    assert "AUDIT PASSED" in c.urja("audit")


def test_the_audit_passes_when_the_market_moves_while_it_reads(community, monkeypatch):
    """A bid lands after `urja audit` read the chain and before it read the index (seen on
    a clean-clone run: the chain said refunded 2990, the events 3010). Each chain value is
    compared with the events up to the ledger it was read at, so the audit passes; the
    index it read does hold the bid the chain's values leave out."""
    c = community
    slot = c.next_slot(lead=20)
    read = market_audit.chain_state
    seen = {}

    def racing(s, owners):
        state = read(s, owners)
        order(c, "r1", "bid", slot, 100, 7)
        c.wait(lambda: c.index().open_orders(slot, c.addr("r1")), timeout=30)
        seen.update(state=state, bid=c.index().open_orders(slot, c.addr("r1"))[0])
        return state

    monkeypatch.setattr(market_audit, "chain_state", racing)
    assert "AUDIT PASSED" in c.urja("audit")
    monkeypatch.undo()
    bid = seen["bid"]
    assert seen["state"]["ledgers"]["totals"] < bid["ledger"]
    c.urja("cancel", "--key", "r1", str(bid["id"]))  # leaves nothing pending for later tests
    c.wait(lambda: not c.index().open_orders(slot, c.addr("r1")), timeout=30)
    assert "AUDIT PASSED" in c.urja("audit")


def test_services_wait_out_a_network_outage_and_catch_up(community):
    c = community
    clock = c.stack.clock
    slot = c.next_slot(lead=12)
    place(c, slot)
    localnet.stop(c.net)
    time.sleep(4)
    localnet.start(c.net, c.port, ledger_close_ms=250)

    def outage_after_reports():
        time.sleep(0.3)
        localnet.stop(c.net)
        time.sleep(4)
        localnet.start(c.net, c.port, ledger_close_ms=250)

    settle_and_deliver(c, slot, 300, 200, during=outage_after_reports)
    logs = c.log("indexer") + c.log("matcher") + c.log("relayer")
    assert "unreachable" in logs  # reported while it lasted
    assert "AUDIT PASSED" in c.urja("audit")
    assert clock.end(slot) <= c.now()


def test_matcher_splits_a_settlement_to_fit_the_transaction_limits(community):
    from urja.indexer.store import Index
    from urja.limits import TxLimits
    from urja.matcher_service import Matcher

    c = community
    c.kill9("matcher")  # this test settles the slot itself, with tight limits
    try:
        slot = c.next_slot(lead=10)
        for key, side, wh, price in (
            ("d1", "offer", 150, 3),
            ("d1", "offer", 150, 4),
            ("d2", "offer", 100, 4),
            ("d2", "offer", 100, 5),
            ("r1", "bid", 120, 8),
            ("r1", "bid", 130, 7),
            ("r2", "bid", 100, 6),
            ("r2", "bid", 90, 6),
        ):
            order(c, key, side, slot, wh, price)
        c.wait_time(c.stack.clock.gate(slot))
        c.wait(lambda: c.index().synced()[1] >= c.stack.clock.gate(slot), timeout=30)
        m = Matcher(
            c.market,
            Index(c.data / "index.sqlite"),
            c.stack.operator,
            c.stack.clock,
            limits=TxLimits(write_entries=16),
        )
        report = m.settle(slot)
        assert len(report.batches) > 1 and sum(report.batches) == report.trades >= 4
        c.wait(lambda: len(trades(c, slot)) == report.trades, timeout=30)
        assert {t["price"] for t in trades(c, slot)} == {report.price}
    finally:
        c.start("matcher")


def test_the_audit_from_the_chain_alone_and_offline_pass_and_a_stale_index_is_named(
    community, tmp_path
):
    """`--from-chain` rebuilds from events fetched afresh, `--offline` skips the chain's
    state; an index nobody follows while the market moves is refused with the ledgers and
    what to do, not audited against a chain it cannot match."""
    from urja.config import load
    from urja.stack import Stack

    c = community
    assert "AUDIT PASSED" in c.urja("audit", "--from-chain")
    assert "AUDIT PASSED" in c.urja("audit", "--offline")
    copy = tmp_path / "data"
    shutil.copytree(c.data, copy)
    cfg = tmp_path / "urja.toml"
    cfg.write_text(c.config.read_text().replace(str(c.data), str(copy)))
    stale = Stack.open(load(cfg))
    slot = c.next_slot(lead=20)
    order(c, "r1", "bid", slot, 100, 7)  # an event the copy's index will never hold
    c.wait(lambda: c.index().open_orders(slot, c.addr("r1")), timeout=30)
    bid = c.index().open_orders(slot, c.addr("r1"))[0]
    try:
        market_audit.audit_deployment(stale, wait_secs=1)
        raise AssertionError("a stale index was audited")
    except market_audit.AuditError as e:
        assert "is synced to ledger" in str(e) and "urja indexer run" in str(e)
    c.urja("cancel", "--key", "r1", str(bid["id"]))
    c.wait(lambda: not c.index().open_orders(slot, c.addr("r1")), timeout=30)


def test_audit_fails_loudly_on_a_doctored_database(community, tmp_path):
    c = community
    if not c.index().deliveries(limit=1):
        # Run alone, the community has no delivery yet to doctor: make one.
        slot = c.next_slot()
        place(c, slot)
        settle_and_deliver(c, slot, 250, 200)
    copy = tmp_path / "data"
    shutil.copytree(c.data, copy)
    cfg = tmp_path / "urja.toml"
    cfg.write_text(c.config.read_text().replace(str(c.data), str(copy)))

    def audit() -> str:
        from click.testing import CliRunner

        from urja.cli import main

        r = CliRunner().invoke(main, ["--config", str(cfg), "audit"])
        assert r.exit_code == 1, r.output
        return r.output

    db = sqlite3.connect(copy / "index.sqlite")
    with db:  # a delivery claims more energy than its proof
        db.execute("UPDATE deliveries SET energy_wh = energy_wh + 100 WHERE rowid = 1")
    out = audit()
    assert "AUDIT FAILED" in out and "index tables agree with the events" in out
    with db:  # the raw event itself doctored: the proof no longer verifies
        row = db.execute("SELECT id, data FROM events WHERE name = 'proof' LIMIT 1").fetchone()
        data = row[1].split(",")
        data[2] = str(int(data[2]) + 1)
        db.execute("UPDATE events SET data = ? WHERE id = ?", (",".join(data), row[0]))
    out = audit()
    assert "FAIL every delivery proof verifies (py_ecc" in out
    assert "token total_supply equals proven Wh" in out
    with db:  # a proof event deleted: supply no longer matches the chain
        db.execute("DELETE FROM events WHERE name = 'proof'")
    assert "kWh minted equals proven delivered Wh" in audit()


assert SLOT_SECS == 15


def test_read_api_serves_the_dashboard_data(community: Community):
    from fastapi.testclient import TestClient

    c = community
    api = TestClient(c.stack.api_app())
    cfg = api.get("/api/config").json()
    assert cfg["contracts"] == c.stack.dep.contracts and cfg["dev_wallet"] is True
    status = api.get("/api/status").json()
    assert status["indexed_ledger"] > 0 and status["current_slot"] > 0
    slots = api.get("/api/slots").json()
    settled = [s for s in slots if s["trades"] == 3]
    assert settled and settled[0]["price"] == 5 and settled[0]["status"] == "done"
    book = api.get(f"/api/slots/{settled[0]['slot']}/book").json()
    assert [p["cum_wh"] for p in book["supply"]] == [300, 500]
    assert [p["cum_wh"] for p in book["demand"]] == [250, 450]
    me = api.get(f"/api/accounts/{c.addr('r1')}").json()
    assert me["member"]["role"] == "receiver" and me["totals"]["kwh_received_wh"] > 0
    assert api.get(f"/api/deliveries?account={c.addr('d1')}").json()[0]["verified"] is True
    night = c.sky_slot(2)  # 02:00 on the test's sky
    publish(
        [
            sign_slot(
                c.meters["d2"],
                night,
                [25] * 15,
                [0] * 15,
                None,
                domain=market_domain(c.stack.dep.passphrase, c.stack.dep.contracts["market"]),
            )
        ],
        "127.0.0.1",
        c.mqtt_port,
        "test",
    )
    c.wait(lambda: "sun was down" in c.urja("relayer", "dead-letters"), timeout=30)
    grid = api.get("/api/grid?limit=300").json()  # back to the night slot of the sky
    assert any(g["export_wh"] > 0 for g in grid)
    assert any("export_at_night" in g["flags"] for g in grid)  # the refused night message
    assert api.get("/api/accounts/GNOTANADDRESS").status_code == 422
    gov = api.get("/api/events?kind=governance").json()
    # The key vote of the fixture: proposed, voted by the members, executed.
    assert {e["name"] for e in gov} >= {"proposed", "voted", "executed"}
    assert "/api/slots/{slot}/book" in api.get("/openapi.json").json()["paths"]

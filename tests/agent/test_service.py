"""`urja agent run`'s service loop against a market that records calls: it places orders
inside the planning window, never twice, moves a ramp's price with cancel-and-place, carries
out the battery plan at the gate, withdraws a half-placed set, and records its flows."""

from __future__ import annotations

import pytest

from urja.agent.devices import Battery
from urja.agent.household import Agent, Household
from urja.agent.service import AgentService, ReadingsError
from urja.agent.strategy import FixedLimits, LinearRamp, Want
from urja.agent.tariff import delhi
from urja.agent.units import Money
from urja.chain import ChainError
from urja.kpi import read_flows
from urja.slots import SlotClock

CLOCK = SlotClock(slot_secs=900, gate_lead_secs=300, delivery_deadline_secs=900)
DAY0 = 1742495400 // 900  # 2025-03-21 00:00 in Delhi


class Book:
    """A market that records what the agent asks of it (order ids count up)."""

    def __init__(self, fail_on: int | None = None):
        self.orders: dict[int, tuple] = {}
        self.calls: list[tuple] = []
        self.fail_on = fail_on

    def order(self, kp, side, slot, wh, price, meter=None):
        assert (meter is not None) == (side == "sell"), "offers name their meter, bids none"
        n = len(self.calls) + 1
        self.calls.append(("order", side, slot, wh, price))
        if self.fail_on == n:
            raise ChainError("market.bid: InsufficientBalance (#7)")
        oid = 100 + n
        self.orders[oid] = (side, slot, wh, price)
        return oid

    def cancel(self, kp, oid):
        self.calls.append(("cancel", oid))
        del self.orders[oid]


def readings(tmp_path, slots):
    p = tmp_path / "meter.csv"
    with open(p, "w") as fh:
        fh.write("slot,pv_wh,load_wh\n")
        for s in slots:
            # a sunny roof: surplus from 09:00 to 15:00, 150 Wh of load per slot
            k = (s - DAY0) % 96
            pv = 800.0 if 36 <= k < 60 else 0.0
            fh.write(f"{s},{pv},150\n")
    return p


def service(tmp_path, strategy, book, battery=None, ahead=4):
    a = Agent(Household("donor", 4.0, battery), delhi(), strategy, Money("₹", 7))
    return AgentService(
        a,
        book,
        object(),
        CLOCK,
        open_orders=lambda slot: [],  # the index lags: it has seen nothing yet
        address="GDONOR",
        meter=bytes(32),
        readings=readings(tmp_path, range(DAY0 - 7 * 96, DAY0 + 40)),
        flows_path=tmp_path / "flows.jsonl",
        plan_ahead_slots=ahead,
    )


def test_places_once_inside_the_window_and_never_twice(tmp_path):
    book = Book()
    svc = service(tmp_path, FixedLimits(4.0, 5.0), book)
    slot = DAY0 + 42  # 10:30, a surplus slot
    gate = CLOCK.gate(slot)
    assert svc.tick(gate - 5 * 900 - 1) == [] or not any(c[2] == slot for c in book.calls)
    said = svc.tick(gate - 600)
    sells = [c for c in book.calls if c[0] == "order" and c[2] == slot]
    assert len(sells) == 1 and sells[0][1] == "sell"
    assert sells[0][4] == Money("₹", 7).units_per_wh(4.0)
    assert any("offer" in s and "kWh at 4.00 ₹/kWh" in s and "10:30–10:45 IST" in s for s in said)
    n = len(book.calls)
    svc.tick(gate - 300)  # same want: nothing to do even though the index shows nothing
    assert len(book.calls) == n


def test_ramp_moves_its_price_to_the_limit_by_the_gate(tmp_path):
    book = Book()
    ramp = LinearRamp(sell_start=8.0, sell_limit=4.0, buy_start=3.0, buy_limit=5.0)
    svc = service(tmp_path, ramp, book)
    slot = DAY0 + 42
    gate = CLOCK.gate(slot)
    opens = gate - 4 * 900
    for t in range(opens, gate, 300):
        if CLOCK.next_open(t) == slot:
            svc.tick(t)
    svc.tick(gate - 1)
    live = [o for o in book.orders.values() if o[1] == slot]
    assert len(live) == 1  # every older price was cancelled
    m = Money("₹", 7)
    assert live[0][3] == pytest.approx(m.units_per_wh(4.0), abs=m.units_per_wh(4.0) * 0.01)
    cancels = [c for c in book.calls if c[0] == "cancel"]
    assert cancels, "the ramp never moved"


def test_battery_plan_is_carried_out_at_the_gate_and_within_limits(tmp_path):
    b = Battery(5.0, 2.5, 0.9, 0.1, 0.9, 0.2, 0.2)
    svc = service(tmp_path, FixedLimits(4.0, 5.0), Book(), battery=b)
    socs = []
    for k in range(36, 60):
        slot = DAY0 + k
        svc.tick(CLOCK.gate(slot) - 600)
        svc.tick(CLOCK.gate(slot) + 1)
        socs.append(svc.agent.soc_wh)
    assert max(socs) > b.soc_initial * 5000 + 1000  # it stores the surplus
    assert all(b.min_wh - 1e-6 <= s <= b.max_wh + 1e-6 for s in socs)


def test_a_failed_placement_withdraws_what_it_placed(tmp_path):
    """Two orders wanted, the second refused: the first is cancelled again."""
    book = Book(fail_on=2)
    svc = service(tmp_path, FixedLimits(4.0, 5.0), book)
    step = svc.agent.step

    def two_wants(*args):
        st, sched = step(*args)
        st.wants = [Want("sell", 500, 40_000), Want("buy", 200, 50_000)]
        return st, sched

    svc.agent.step = two_wants
    slot = DAY0 + 42
    with pytest.raises(ChainError, match="InsufficientBalance"):
        svc.tick(CLOCK.gate(slot) - 600)
    assert [c[0] for c in book.calls] == ["order", "order", "cancel"]
    assert not [o for o in book.orders.values() if o[1] == slot]


def test_flows_are_recorded_after_the_deadline(tmp_path):
    svc = service(tmp_path, FixedLimits(4.0, 5.0), Book())
    slot = DAY0 + 20
    svc.tick(CLOCK.deadline(slot) + 1)
    flows = {f.slot: f for f in read_flows(tmp_path / "flows.jsonl")}
    assert slot in flows and flows[slot].load_wh == 150
    assert flows[slot].grid_import_wh == pytest.approx(150)
    assert all(abs(f.imbalance_wh()) < 1e-9 for f in flows.values())


def test_malformed_readings_name_the_line(tmp_path):
    svc = service(tmp_path, FixedLimits(4.0, 5.0), Book())
    with open(svc.readings, "a") as fh:
        fh.write(f"{DAY0 + 41},lots,150\n")
    with pytest.raises(ReadingsError, match=r"meter\.csv:\d+: expected slot,pv_wh,load_wh"):
        svc.read_measurements()


def test_a_compressed_day_is_followed(tmp_path):
    """A demo's 15-second slots standing for 15 minutes from 09:00 in Delhi: the agent's sun,
    day and printed clock times follow the represented time, not the chain's."""
    origin_slot, origin_unix = 120_000_000, 1774063800  # 2026-03-21 09:00 IST
    offset = origin_unix - origin_slot * 900
    a = Agent(Household("donor", 4.0), delhi(), FixedLimits(4.0, 5.0), time_offset=offset)
    assert a.slot_unix(origin_slot) == origin_unix
    day, k = a.day_and_offset(origin_slot)
    assert k == 36 and a.day_start_slot(day) == origin_slot - 36
    noon = a.clear_sky([origin_slot + 12])[0]
    night = a.clear_sky([origin_slot + 60])[0]  # 00:00
    assert noon > 500 and night == 0
    clock = SlotClock(slot_secs=15, gate_lead_secs=5, delivery_deadline_secs=600)
    svc = AgentService(a, Book(), object(), clock, open_orders=lambda s: [])
    assert "2026-03-21 09:00–09:15 IST" in svc._say(origin_slot, "x")


def test_slots_that_do_not_stand_for_15_minutes_are_refused():
    with pytest.raises(ValueError, match="15-minute slots .* stand for 15 s"):
        Agent(Household("home"), delhi(), FixedLimits(4.0, 5.0), slot_secs=15)


def test_index_ports_read_the_households_rows_and_prices(tmp_path):
    from urja.agent.service import index_ports
    from urja.indexer.store import Index

    ix = Index(tmp_path / "index.sqlite")
    ix.db.executemany(
        "INSERT INTO orders(id, slot, owner, side, wh, price, escrow, status, ledger) "
        "VALUES (?, ?, ?, ?, ?, ?, 0, ?, 1)",
        [
            (1, 50, "GME", "sell", 500, 40000, "open"),
            (2, 50, "GME", "buy", 100, 50000, "cancelled"),
            (3, 50, "GOTHER", "sell", 100, 40000, "open"),
            (4, 51, "GME", "sell", 300, 40000, "open"),
        ],
    )
    ix.db.execute(
        "INSERT INTO trades(trade_id, slot, buy, sell, buyer, seller, wh, price, state, "
        "delivered_wh, ledger) VALUES (1, 50, 9, 1, 'GX', 'GME', 400, 45000, 'delivered', 380, 2)"
    )
    ix.db.executemany(
        "INSERT INTO settles(slot, trades, clearing_price, ledger, tx_hash) VALUES (?,?,?,?,?)",
        [(49, 0, None, 1, "a"), (50, 1, 45000, 2, "b"), (50, 1, 45000, 3, "c")],
    )
    ix.db.commit()
    open_orders, trades, prices = index_ports(tmp_path / "index.sqlite", "GME")
    assert [o.id for o in open_orders(50)] == [1]
    assert [t["delivered_wh"] for t in trades(50)] == [380]
    # A standing offer placed for slots 51..53 is the household's in each of them.
    with ix.db:
        ix.db.execute(
            "INSERT INTO orders(id, slot, owner, side, wh, price, escrow, ledger, slots) "
            "VALUES (5, 51, 'GME', 'sell', 200, 40000, 0, 1, 3)"
        )
    assert [(o.id, o.slots) for o in open_orders(53)] == [(5, 3)]
    assert [(o.id, o.slots) for o in open_orders(51)] == [(4, 1), (5, 3)]
    assert open_orders(54) == []
    assert prices(48) == [(49, None), (50, 45000)] and prices(50) == []
    # fed to the agent, a clearing price becomes what its surplus is expected to earn
    svc = service(tmp_path, FixedLimits(4.0, 5.0), Book())
    svc.prices = prices
    svc.tick(CLOCK.gate(DAY0 + 10) - 600)
    assert svc.agent.expected_sell() == pytest.approx(4.5)
    assert svc.last_priced == 50


def test_a_load_whose_slots_were_missed_gets_what_still_fits():
    from urja.agent.devices import DeferrableLoad

    pump = DeferrableLoad("pump", energy_kwh=2.0, power_kw=1.0, earliest=24, deadline=31)
    a = Agent(Household("home", 0.0, None, (pump,)), delhi(), FixedLimits(4.0, 5.0))
    for k in range(96 * 2):
        a.observe(DAY0 - 96 * 2 + k, 0, 100)
    slot = DAY0 + 30  # two slots of its window left: 0.5 kWh fits, not 2 kWh
    windows, owners = a.flex_windows(slot, 96)
    assert windows[0].remaining_wh == 500  # today's; tomorrow's is whole again
    assert windows[1].remaining_wh == 2000 and owners[1][1] == owners[0][1] + 1
    st, _ = a.step(slot, 0, 0, 1)
    assert st.flex_wh == pytest.approx(250)


def test_pv_capacity_from_the_registered_meters(tmp_path):
    from urja.agent.service import registered_kwp
    from urja.fleet import SimHousehold
    from urja.indexer.store import Index

    roof = SimHousehold("d", "donor", 0, kwp=4.5, base_load_w=500)
    ix = Index(tmp_path / "index.sqlite")
    ix.db.executemany(
        "INSERT INTO meters(meter, owner, feeder, max_wh_per_minute, active, since) "
        "VALUES (?, ?, 0, ?, ?, 0)",
        [("m1", "GME", roof.max_wh_per_minute, 1), ("m2", "GME", 500, 0), ("m3", "GOTHER", 90, 1)],
    )
    ix.db.commit()
    # the registered capacity rounds up per minute: within 1 Wh/min of the roof
    assert registered_kwp(tmp_path / "index.sqlite", "GME") == pytest.approx(4.5, abs=0.06)
    assert registered_kwp(tmp_path / "index.sqlite", "GNOBODY") == 0
    # A demo registers the rate times its time compression (15-second slots standing for
    # 15 minutes): the agent divides it out again.
    from urja import metering

    fast = metering.compressed_rate(roof.max_wh_per_minute, 15, 900)
    ix.db.execute("UPDATE meters SET max_wh_per_minute = ? WHERE meter = 'm1'", (fast,))
    ix.db.commit()
    assert registered_kwp(tmp_path / "index.sqlite", "GME", 60) == pytest.approx(4.5, abs=0.06)

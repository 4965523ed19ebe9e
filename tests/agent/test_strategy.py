"""Strategies: the linear ramp reaches its limit at gate closure; fixed and cost limits;
reconciling the book."""

from __future__ import annotations

import pytest

from urja.agent.strategy import (
    CostMinimising,
    FixedLimits,
    LinearRamp,
    Open,
    Want,
    reconcile,
)
from urja.agent.tariff import delhi


def test_ramp_reaches_its_limit_exactly_at_gate_closure():
    r = LinearRamp(sell_start=8.0, sell_limit=3.5, buy_start=3.0, buy_limit=6.0)
    opens, gate = 1000.0, 4600.0
    assert r.price("sell", opens, opens, gate) == 8.0
    assert r.price("buy", opens, opens, gate) == 3.0
    assert r.price("sell", gate, opens, gate) == 3.5
    assert r.price("buy", gate, opens, gate) == 6.0
    # halfway is halfway, and it moves one way only
    assert r.price("sell", 2800, opens, gate) == pytest.approx(5.75)
    assert r.price("buy", 2800, opens, gate) == pytest.approx(4.5)
    sells = [r.price("sell", t, opens, gate) for t in range(0, 6000, 100)]
    assert sells == sorted(sells, reverse=True)
    # before the book opens it waits at the start, after the gate it stays at the limit
    assert r.price("sell", 0, opens, gate) == 8.0 and r.price("buy", 9999, opens, gate) == 6.0


def test_ramp_refuses_a_backwards_ramp():
    with pytest.raises(ValueError, match="sell_start"):
        LinearRamp(sell_start=3.0, sell_limit=4.0, buy_start=3.0, buy_limit=6.0)


def test_fixed_and_cost_limits():
    f = FixedLimits(sell=4.0, buy=5.0)
    assert f.price("sell", 0, 0, 1) == 4.0 and f.price("buy", 5, 0, 1) == 5.0
    c = CostMinimising(delhi(), monthly_kwh=450, margin=0.25)
    assert c.price("buy", 0, 0, 1) == pytest.approx(6.25)  # third slab, 6.50, less margin
    assert c.price("sell", 0, 0, 1) == pytest.approx(3.25)  # feed-in 3.00 plus margin
    small = CostMinimising(delhi(), monthly_kwh=100, margin=0.25)
    assert small.price("buy", 0, 0, 1) == pytest.approx(3.25)  # never below what selling earns


def test_reconcile_keeps_cancels_and_places():
    book = [Open(1, "sell", 500, 40), Open(2, "buy", 300, 50), Open(3, "sell", 100, 30)]
    want = [Want("sell", 510, 40), Want("buy", 300, 55)]
    acts = reconcile(want, book, tolerance_wh=20)
    assert acts.cancel == (2, 3)  # the bid's price changed; the stray offer goes
    assert acts.place == (Want("buy", 300, 55),)
    assert reconcile([], book).cancel == (1, 2, 3)
    assert reconcile(want, []).place == tuple(want)


def test_reconcile_counts_a_standing_order_and_never_cancels_it():
    # Order 7 stands for several slots: cancelling it would withdraw them all (and past its
    # first slot's gate the market refuses), so it stays and its Wh count first.
    book = [Open(7, "buy", 200, 45, slots=4), Open(8, "buy", 100, 55)]
    acts = reconcile([Want("buy", 300, 55), Want("sell", 50, 40)], book)
    assert acts.cancel == () and acts.place == (Want("sell", 50, 40),)  # 8 is the rest
    acts = reconcile([Want("buy", 500, 55)], book)
    assert acts.cancel == (8,) and acts.place == (Want("buy", 300, 55),)
    acts = reconcile([Want("buy", 150, 55)], book)  # the standing order covers it all
    assert acts.cancel == (8,) and acts.place == ()
    assert reconcile([], book).cancel == (8,)

"""What the demo's market did for each household (`urja.demo_outcomes`): slot flows from the
simulation and the chain's delivered trades conserve energy in every case, money is in XLM,
and the KPI tables sum the households."""

from __future__ import annotations

import pytest

from urja import demo_outcomes as d
from urja.agent.tariff import delhi


def trade(slot, buyer, seller, delivered, paid, fee):
    return {
        "slot": slot,
        "buyer": buyer,
        "seller": seller,
        "delivered_wh": delivered,
        "paid": paid,
        "fee": fee,
    }


@pytest.mark.parametrize(
    "who, pv, export, imp, trades",
    [
        ("GD", 900.0, 600, 0, [trade(1, "GR", "GD", 450, 900_000, 9_000)]),  # sold part of it
        ("GR", 0.0, 0, 700, [trade(1, "GR", "GD", 450, 900_000, 9_000)]),  # bought part of it
        ("GR", 0.0, 0, 200, [trade(1, "GR", "GD", 450, 900_000, 9_000)]),  # bought more
        ("GX", 100.0, 0, 300, []),  # no trade at all
    ],
)
def test_every_slot_flow_conserves_energy(who, pv, export, imp, trades):
    f = d.slot_flow(who, 1, 0, pv, export, imp, trades)
    assert f.imbalance_wh() == pytest.approx(0.0)
    assert f.grid_import_wh >= 0 and f.grid_export_wh >= 0 and f.load_wh >= 0
    assert f.load_wh == pytest.approx(pv - export + imp)


def test_trades_count_for_their_own_slot_and_money_is_in_xlm():
    trades = [trade(1, "GR", "GD", 450, 900_000, 9_000), trade(2, "GR", "GD", 100, 200_000, 2_000)]
    flows = d.flows({("GD", 1): (900.0, 600, 0), ("GR", 1): (0.0, 0, 700)}, {1: 1000}, trades)
    sold, bought = flows
    assert (sold.household, sold.sold_wh, sold.earned) == ("GD", 450, 0.09)
    assert (bought.household, bought.bought_wh, bought.paid) == ("GR", 450, 0.0909)
    assert bought.grid_import_wh == 250 and sold.grid_export_wh == 150


def test_the_tariff_in_xlm_is_delhis_at_the_reference_rate():
    t = d.tariff_in_xlm()
    assert t.currency == "XLM" and t.feed_in == pytest.approx(3.0 / 25)
    assert [s.rate * 25 for s in t.slabs] == pytest.approx([s.rate for s in delhi().slabs])


def test_the_kpi_tables_have_the_community_and_each_household():
    trades = [trade(1, "GR", "GD", 450, 900_000, 9_000)]
    flows = d.flows({("GD", 1): (900.0, 600, 0), ("GR", 1): (0.0, 0, 700)}, {1: 1774063800}, trades)
    tables = d.kpi_tables(flows, {"GD": "donor-1", "GR": "receiver-1"}, "Asia/Kolkata", 900)
    community, homes = tables.values()
    assert community[0]["households"] == 2 and community[0]["traded kWh"] == "0.45"
    assert community[0]["day"] == "2026-03-21"
    assert sorted(h["household"] for h in homes) == ["donor-1", "receiver-1"]
    # the receiver imported 450 Wh less from the grid: 450 of its 700 Wh came from a neighbour
    receiver = next(h for h in homes if h["household"] == "receiver-1")
    assert receiver["self-sufficiency"] == "64 %"

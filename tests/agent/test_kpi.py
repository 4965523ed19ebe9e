"""KPIs computed by hand on small flows: shares, savings against grid-only, peak, CO2, Gini."""

from __future__ import annotations

import pytest

from urja.agent.tariff import delhi
from urja.kpi import (
    CEA_KG_PER_KWH,
    SlotFlow,
    community_days,
    gini,
    household_days,
    read_flows,
    write_flows,
)

T0 = 1742524200  # 2025-03-21 08:00 in Delhi (02:30 UTC)


def test_gini():
    assert gini([1, 1, 1, 1]) == 0
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)
    assert gini([0, 0]) is None and gini([]) is None


def flows():
    # slot 1: the donor has 2 kWh of PV and 0.5 kWh load, sells 1 kWh to the home at 4 ₹/kWh
    # and feeds 0.5 kWh in; the home uses 1.5 kWh and imports 0.5 kWh.
    # slot 2: nobody has PV; each imports its load.
    return [
        SlotFlow("donor", 1, T0, 2000, 500, sold_wh=1000, earned=4.0, grid_export_wh=500),
        SlotFlow("home", 1, T0, 0, 1500, bought_wh=1000, paid=4.0, grid_import_wh=500),
        SlotFlow("donor", 2, T0 + 900, 0, 300, grid_import_wh=300),
        SlotFlow("home", 2, T0 + 900, 0, 700, grid_import_wh=700),
    ]


def test_household_kpis_by_hand():
    t = delhi()
    hs = {h.household: h for h in household_days(flows(), t)}
    d, h = hs["donor"], hs["home"]
    assert d.day == "2025-03-21"
    assert d.self_sufficiency == pytest.approx(0.5 / 0.8)
    assert d.self_consumption == pytest.approx(1.5 / 2.0)
    assert h.self_consumption is None and h.self_sufficiency == pytest.approx(1 / 2.2)
    # grid-only: donor would export 1.5 kWh and import 0.3; home would import 2.2 kWh
    donor_grid_only = t.daily_cost(0.3) - 3.0 * 1.5
    donor_cost = t.daily_cost(0.3) - 3.0 * 0.5 - 4.0
    assert d.saved == pytest.approx(donor_grid_only - donor_cost)  # 1 kWh at 4 not 3
    assert h.saved == pytest.approx(t.daily_cost(2.2) - (t.daily_cost(1.2) + 4.0))
    assert h.peak_import_kw == pytest.approx(0.7 * 4)
    assert h.co2_avoided_kg == pytest.approx(1.0 * CEA_KG_PER_KWH)


def test_community_kpis_by_hand():
    (c,), homes = community_days(flows(), delhi(), emission_kg_per_kwh=0.5)
    assert c.households == 2
    assert c.self_sufficiency == pytest.approx((3.0 - 1.5) / 3.0)
    assert c.self_consumption == pytest.approx(1.5 / 2.0)
    assert c.peak_import_kw == pytest.approx(1.0 * 4)  # slot 2: 0.3 + 0.7 kWh in 15 min
    assert c.co2_avoided_kg == pytest.approx(1.5 * 0.5)
    assert c.traded_kwh == pytest.approx(1.0)
    assert c.saved == pytest.approx(sum(h.saved for h in homes))
    # the home paid 4.00 for a kWh its first slab sells at 3.00: worse off
    assert c.better_off == 1 and c.worse_off == 1


def test_flows_file_round_trip_and_bad_line(tmp_path):
    p = tmp_path / "f.jsonl"
    write_flows(p, flows())
    assert read_flows(p) == flows()
    with open(p, "a") as fh:
        fh.write('{"household": "x", "slot": 1, "bogus": 2}\n')
    with pytest.raises(ValueError, match=r"f\.jsonl:5: .*unknown fields \['bogus'\]"):
        read_flows(p)

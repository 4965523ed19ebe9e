"""The four scenarios on one small simulated community, cleared with the matching engine:
energy conserved per household per slot, batteries within limits, deferrable loads done,
and the ranking docs/agents.md reports."""

from __future__ import annotations

from collections import defaultdict

import pytest

from urja.agent import scenarios
from urja.kpi import community_days


@pytest.fixture(scope="module")
def outcome():
    setup = scenarios.Setup(households=10, seed=1)
    return setup, scenarios.run_all(setup)


def test_energy_conserved_per_household_per_slot(outcome):
    _, res = outcome
    for name, o in res.items():
        assert len(o.flows) == 10 * 96, name
        worst = max(abs(f.imbalance_wh()) for f in o.flows)
        assert worst < 1e-6, (name, worst)
        for f in o.flows:
            for v in (
                f.pv_wh,
                f.load_wh,
                f.flex_wh,
                f.charge_wh,
                f.discharge_wh,
                f.bought_wh,
                f.sold_wh,
                f.grid_import_wh,
                f.grid_export_wh,
            ):
                assert v >= -1e-9, (name, f)


def test_market_trades_balance_and_sellers_deliver_only_what_they_have(outcome):
    _, res = outcome
    for name in ("manual", "agents", "agents_battery"):
        per_slot = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
        for f in res[name].flows:
            s = per_slot[f.slot]
            s[0] += f.bought_wh
            s[1] += f.sold_wh
            s[2] += f.paid
            s[3] += f.earned
            surplus = f.pv_wh + f.discharge_wh - f.load_wh - f.flex_wh - f.charge_wh
            assert f.sold_wh <= max(surplus, 0) + 1e-6
        for b, sl, paid, earned in per_slot.values():
            assert b == pytest.approx(sl, abs=1e-6) and paid == pytest.approx(earned, abs=1e-9)
    assert sum(f.bought_wh for f in res["no_market"].flows) == 0


def test_batteries_stay_in_their_limits_and_loads_finish(outcome):
    setup, res = outcome
    b = setup.battery
    flows = res["agents_battery"].flows
    with_battery = {f.household for f in flows if f.charge_wh or f.discharge_wh}
    assert len(with_battery) == 3  # 30 % of 10 homes
    for f in flows:
        if f.household in with_battery:
            assert b.min_wh - 1e-6 <= f.soc_wh <= b.max_wh + 1e-6
    for name, o in res.items():
        managed = defaultdict(float)
        unmanaged = defaultdict(float)
        for f in o.flows:
            managed[f.household] += f.flex_wh
            unmanaged[f.household] += f.flex_unmanaged_wh
        assert managed == pytest.approx(unmanaged), name  # every load got its energy


def test_agents_do_better_than_manual_orders_and_no_market(outcome):
    setup, res = outcome
    kpi = {n: community_days(o.flows, setup.tariff)[0][0] for n, o in res.items()}
    assert kpi["no_market"].saved == pytest.approx(0, abs=1e-6)
    assert kpi["no_market"].traded_kwh == 0
    order = ["no_market", "manual", "agents", "agents_battery"]
    for a, b in zip(order, order[1:], strict=False):
        assert kpi[b].self_sufficiency > kpi[a].self_sufficiency, (a, b)
        assert kpi[b].saved > kpi[a].saved, (a, b)
        assert kpi[b].co2_avoided_kg > kpi[a].co2_avoided_kg, (a, b)

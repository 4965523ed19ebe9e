"""The HiGHS schedule: energy conserved every slot, the battery within its limits, deferrable
loads finished inside their windows and moved into surplus."""

from __future__ import annotations

import numpy as np
import pytest

from urja.agent.devices import Battery
from urja.agent.schedule import FlexWindow, ScheduleError, plan

SLOT = 900


def profiles(seed: int, n: int = 96):
    rng = np.random.default_rng(seed)
    hours = np.arange(n) / 4
    pv = np.clip(np.sin((hours - 6) / 12 * np.pi), 0, None) * rng.uniform(500, 1500)
    pv *= rng.uniform(0.5, 1.0, n)
    load = rng.uniform(100, 600, n)
    return pv, load


@pytest.mark.parametrize("seed", range(6))
def test_battery_within_limits_and_energy_conserved(seed):
    pv, load = profiles(seed)
    rng = np.random.default_rng(100 + seed)
    b = Battery(
        capacity_kwh=float(rng.uniform(2, 12)),
        power_kw=float(rng.uniform(1, 5)),
        round_trip_efficiency=float(rng.uniform(0.7, 0.98)),
        soc_min=0.1,
        soc_max=0.9,
        cycling_cost=float(rng.uniform(0, 1)),
    )
    buy = np.full(96, rng.uniform(4, 8) / 1000)
    sell = np.full(96, 3 / 1000)
    pump = FlexWindow(1500, 187.5, 24, 71)
    s = plan(pv, load, buy, sell, SLOT, b, b.min_wh + 0.3 * (b.max_wh - b.min_wh), [pump])
    eps = 1e-6
    # never outside its limits
    assert (s.soc >= b.min_wh - eps).all() and (s.soc <= b.max_wh + eps).all()
    step = b.max_step_wh(SLOT)
    assert (s.charge <= step + eps).all() and (s.discharge <= step + eps).all()
    assert (s.charge >= -eps).all() and (s.discharge >= -eps).all()
    # storage dynamics with losses
    eta = b.leg_efficiency
    soc0 = b.min_wh + 0.3 * (b.max_wh - b.min_wh)
    prev = np.concatenate([[soc0], s.soc[:-1]])
    assert np.allclose(s.soc, prev + eta * s.charge - s.discharge / eta, atol=1e-6)
    # energy conserved every slot: sources = uses
    sources = pv + s.discharge + s.imp
    uses = load + s.flex.sum(axis=0) + s.charge + s.exp
    assert np.abs(sources - uses).max() < 1e-6
    # the deferrable load gets exactly its energy, only inside its window
    assert s.flex.sum() == pytest.approx(1500, abs=1e-6)
    assert s.flex[0, :24].sum() == pytest.approx(0, abs=1e-9)
    assert s.flex[0, 72:].sum() == pytest.approx(0, abs=1e-9)


def test_deferrable_load_moves_into_surplus():
    pv = np.zeros(96)
    pv[40:56] = 1000.0  # 10:00-14:00, 1 kWh per slot
    load = np.full(96, 200.0)
    buy, sell = np.full(96, 6.5e-3), np.full(96, 3e-3)
    s = plan(pv, load, buy, sell, SLOT, None, None, [FlexWindow(3000, 750, 24, 71)])
    # 3 kWh fits into the 12.8 kWh surplus: none of it is taken from the grid
    assert s.flex[0, 40:56].sum() == pytest.approx(3000)
    assert s.imp[40:56].sum() == pytest.approx(0, abs=1e-6)


def test_battery_stores_surplus_for_the_evening():
    pv = np.zeros(96)
    pv[40:56] = 1000.0
    load = np.full(96, 200.0)
    b = Battery(5, 2.5, 0.9, 0.1, 0.9, 0.5, 0.1)
    s = plan(pv, load, np.full(96, 6.5e-3), np.full(96, 3e-3), SLOT, b, None, [])
    assert s.charge[40:56].sum() > 3000  # it fills up at noon
    assert s.discharge[56:].sum() > 3000  # and replaces imports later
    assert s.imp[56:].sum() < 200 * 40 - 3000


def test_a_load_that_cannot_fit_is_an_error():
    with pytest.raises(ScheduleError):
        plan(
            np.zeros(8),
            np.zeros(8),
            np.ones(8),
            np.zeros(8),
            SLOT,
            None,
            None,
            [FlexWindow(5000, 100, 0, 3)],
        )

"""Forecasts beat the seasonal-naive baseline (same slot yesterday) on a simulated year."""

from __future__ import annotations

import numpy as np
import pytest

from urja.agent import forecast, sim
from urja.agent.household import Agent, Household
from urja.agent.strategy import FixedLimits
from urja.agent.tariff import delhi


@pytest.fixture(scope="module")
def year():
    homes = [sim.Home("donor", 4.5, 600.0), sim.Home("home", 0.0, 450.0)]
    return sim.simulate(homes, 365, seed=3)


def test_forecasts_beat_seasonal_naive_on_a_simulated_year(year):
    e = forecast.evaluate(year.pv_wh[0], year.load_wh[0], year.clear_wh[0], lead=2)
    print({k: (round(v.mae_wh, 1), round(v.rmse_wh, 1)) for k, v in e.items()})
    assert e["pv"].n == 358 * 96
    assert e["pv"].mae_wh < 0.7 * e["pv_naive"].mae_wh
    assert e["pv"].rmse_wh < 0.7 * e["pv_naive"].rmse_wh
    assert e["load"].mae_wh < e["load_naive"].mae_wh
    assert e["load"].rmse_wh < e["load_naive"].rmse_wh


def test_pv_forecast_follows_registered_capacity_and_the_sun(year):
    # the agent, fed the measured year, forecasts from clear sky x kWp x recent clearness
    a = Agent(Household("donor", 4.5), delhi(), FixedLimits(4, 5))
    b = Agent(Household("donor", 9.0), delhi(), FixedLimits(4, 5))
    for k in range(20 * 96):
        s = year.first_slot + k
        a.observe(s, year.pv_wh[0, k], year.load_wh[0, k])
        b.observe(s, 2 * year.pv_wh[0, k], year.load_wh[0, k])
    nxt = year.first_slot + 20 * 96 + 1
    pa, la = a.forecast(nxt, 96)
    pb, _ = b.forecast(nxt, 96)
    assert np.allclose(pb, 2 * pa)  # twice the roof, twice the measured output
    clear = a.clear_sky(np.arange(nxt, nxt + 96))
    assert (pa[clear == 0] == 0).all() and (pa <= clear + 1e-9).all()
    assert pa.sum() > 0 and (la > 0).all()


def test_missing_measurements_are_filled_and_order_is_kept():
    a = Agent(Household("home"), delhi(), FixedLimits(4, 5))
    a.observe(1000, 0, 100)
    a.observe(1003, 0, 120)
    assert len(a.load_hist) == 4
    with pytest.raises(ValueError, match="already observed"):
        a.observe(1002, 0, 1)


def test_vectorised_evaluation_is_the_online_forecaster(year):
    pv, clear = year.pv_wh[0], year.clear_wh[0]
    m = forecast.PvForecaster()
    targets = np.arange(7 * 96, 40 * 96, 37)
    fast = forecast.pv_forecasts(pv, clear, targets, 2, m)
    for t, f in zip(targets, fast, strict=True):
        last = t - 1
        lo = max(0, last - m.long_days * 96)
        online = m.forecast(pv[lo:last], clear[lo:last], clear[t : t + 1], 2)[0]
        assert f == pytest.approx(online, rel=1e-9, abs=1e-9)


def test_history_is_bounded_and_forecasts_unchanged_by_trimming(year):
    a = Agent(Household("donor", 4.5), delhi(), FixedLimits(4, 5), keep_days=10)
    b = Agent(Household("donor", 4.5), delhi(), FixedLimits(4, 5), keep_days=400)
    n = 40 * 96
    for k in range(n):
        s = year.first_slot + k
        a.observe(s, year.pv_wh[0, k], year.load_wh[0, k])
        b.observe(s, year.pv_wh[0, k], year.load_wh[0, k])
    assert len(a.pv_hist) < 11 * 96 and len(b.pv_hist) == n
    fa, la = a.forecast(year.first_slot + n + 1, 96)
    fb, lb = b.forecast(year.first_slot + n + 1, 96)
    assert np.allclose(fa, fb) and np.allclose(la, lb)

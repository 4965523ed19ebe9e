"""Households' agents benchmark (issue 16).

1. Planning: agents for 1,000 simulated households (Delhi, pvlib; 30 % with a home battery,
   25 % a water pump, 15 % an EV) plan one slot (10:00 local time): forecast, HiGHS schedule
   over a 24-hour rolling horizon for homes with a battery or deferrable load, order prices
   from the cost-minimising strategy. Reported: wall time, the solver's share of it, and the
   ratio against the baseline measured in the same run: seasonal-naive fixed-limit agents
   (yesterday's same slot at fixed prices, no schedule) for the same 1,000 households.
   The same plans are also timed on two worker processes (half the households each), and
   the slot's resulting book is cleared with the matching engine.
2. Forecast errors on a simulated year: PV and load forecasts against the seasonal-naive
   baseline (same slot yesterday), two slots ahead, MAE and RMSE per 15-minute slot.

Timing is reported, never failed on. Run: .venv/bin/python bench/agents.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "orchestrator"))

from urja import clearing  # noqa: E402
from urja.agent import forecast, scenarios, sim  # noqa: E402
from urja.agent.forecast import SLOTS_PER_DAY, unit_clear_sky  # noqa: E402
from urja.agent.household import Agent, Household  # noqa: E402
from urja.agent.strategy import CostMinimising, FixedLimits  # noqa: E402

HOUSEHOLDS = 1000
SLOT_OF_DAY = 40  # 10:00
GATE_LEAD_SECS = 300


def build(setup, series, naive: bool) -> list[Agent]:
    """One agent per home: seasonal-naive fixed-limit (`naive`) or forecasting, scheduling,
    cost-minimising with the scenario mix of devices."""
    batteries, loads = scenarios.devices(setup, series.homes)
    agents = []
    for i, h in enumerate(series.homes):
        hist = np.clip(series.load_wh[i] - series.pv_wh[i], 0, None)
        monthly = hist[: 7 * SLOTS_PER_DAY].sum() / 1000 / 7 * 30
        if naive:
            a = Agent(Household(h.name, h.kwp), setup.tariff, FixedLimits(4.0, 5.0), naive=True)
        else:
            a = Agent(
                Household(
                    h.name,
                    h.kwp,
                    setup.battery if h.name in batteries else None,
                    loads.get(h.name, ()),
                ),
                setup.tariff,
                CostMinimising(setup.tariff, monthly),
            )
        agents.append(a)
    return agents


def feed(agents: list[Agent], series, upto: int) -> None:
    """Gives every agent its measurements of the first `upto` slots."""
    for i, a in enumerate(agents):
        for k in range(upto):
            a.observe(series.first_slot + k, series.pv_wh[i, k], series.load_wh[i, k])


def plan_all(agents: list[Agent], slot: int) -> tuple[float, float, int, list]:
    """Every agent plans `slot`: (wall seconds, HiGHS seconds, schedules solved, steps)."""
    gate = slot * 900 - GATE_LEAD_SECS
    t0 = time.perf_counter()
    solve, lps, steps = 0.0, 0, []
    for a in agents:
        st, sched = a.step(slot, gate - 60, gate - 3600, gate)
        solve += st.solve_secs
        lps += sched is not None
        steps.append(st)
    return time.perf_counter() - t0, solve, lps, steps


_SHARED: dict = {}


def _plan_part(bounds: tuple[int, int]) -> tuple[float, float, int]:
    """A worker's share of the households (agents inherited from the parent by fork)."""
    lo, hi = bounds
    secs, solve, lps, _ = plan_all(_SHARED["agents"][lo:hi], _SHARED["slot"])
    return secs, solve, lps


def planning() -> None:
    """Part 1: 1,000 households plan one slot, against the baseline."""
    setup = scenarios.Setup(households=HOUSEHOLDS)
    homes = sim.community(HOUSEHOLDS, setup.seed)
    first_day = setup.day - 7
    t0 = time.perf_counter()
    series = sim.simulate(homes, 8, setup.seed, sim.DAY0_UNIX + first_day * 86400)
    print(f"simulated {HOUSEHOLDS} households x 8 days in {time.perf_counter() - t0:.1f} s")
    slot = series.first_slot + 7 * SLOTS_PER_DAY + SLOT_OF_DAY
    upto = slot - series.first_slot - 1  # measured up to two slots before
    unit_clear_sky(np.arange(series.first_slot, slot + 2 * SLOTS_PER_DAY), 900)  # pvlib cache
    base = build(setup, series, naive=True)
    smart = build(setup, series, naive=False)
    feed(base, series, upto)
    feed(smart, series, upto)
    b_secs, _, _, _ = plan_all(base, slot)
    s_secs, solve, lps, steps = plan_all(smart, slot)
    # the same on both cores: two worker processes, half the households each
    import multiprocessing as mp

    _SHARED.update(agents=smart, slot=slot)
    half = HOUSEHOLDS // 2
    with mp.get_context("fork").Pool(2) as pool:
        pool.map(_plan_part, [(0, 1), (1, 2)])  # workers started before timing
        t0 = time.perf_counter()
        parts = pool.map(_plan_part, [(0, half), (half, HOUSEHOLDS)])
        two_core = time.perf_counter() - t0
    orders = [
        {
            "id": f"{i}/{w.side}",
            "side": w.side,
            "wh": w.wh,
            "price": w.price,
            "feeder": "c",
            "ts": i,
        }
        for i, st in enumerate(steps)
        for w in st.wants
    ]
    t0 = time.perf_counter()
    res = clearing.clear(orders)
    clear_secs = time.perf_counter() - t0
    print(f"\nplanning one slot (10:00) for {HOUSEHOLDS} households on this machine:")
    print(f"  baseline (seasonal-naive, fixed limits): {b_secs * 1000:8.1f} ms")
    print(
        f"  agents (forecast + HiGHS + cost strategy): {s_secs * 1000:8.1f} ms "
        f"= {s_secs / b_secs:.1f} x baseline; {lps} schedules solved"
    )
    print(
        f"  solver (HiGHS run) share: {solve / s_secs:.0%} "
        f"({solve * 1000:.1f} ms, {solve / max(lps, 1) * 1000:.2f} ms per schedule)"
    )
    print(
        f"  agents on 2 worker processes: {two_core * 1000:8.1f} ms "
        f"(the halves took {parts[0][0] * 1000:.0f} and {parts[1][0] * 1000:.0f} ms)"
    )
    print(
        f"  matching the {len(orders)} orders: {clear_secs * 1000:.1f} ms, "
        f"{res.volume_wh / 1000:.1f} kWh traded"
    )
    print(
        f"  gate lead time of a 15-minute market: {GATE_LEAD_SECS} s "
        f"(planning used {s_secs / GATE_LEAD_SECS:.1%} of it)"
    )


def forecasts(n: int = 20, days: int = 365) -> None:
    """Part 2: forecast errors against seasonal naive on a simulated year."""
    homes = sim.community(n, seed=11)
    t0 = time.perf_counter()
    s = sim.simulate(homes, days, seed=11)
    print(
        f"\nforecast errors over a simulated year ({n} households, {days} days, "
        f"{time.perf_counter() - t0:.1f} s to simulate), two slots ahead, per 15-minute slot:"
    )
    rows = {k: [] for k in ("pv", "pv_naive", "load", "load_naive")}
    for i, h in enumerate(homes):
        e = forecast.evaluate(s.pv_wh[i], s.load_wh[i], s.clear_wh[i], lead=2)
        for k in ("load", "load_naive"):
            rows[k].append(e[k])
        if h.kwp > 0:
            for k in ("pv", "pv_naive"):
                rows[k].append(e[k])
    for k, es in rows.items():
        mae = np.mean([e.mae_wh for e in es])
        rmse = np.sqrt(np.mean([e.rmse_wh**2 for e in es]))
        print(
            f"  {k:11s} MAE {mae / 1000:.4f} kWh  RMSE {rmse / 1000:.4f} kWh  "
            f"({len(es)} households)"
        )
    for k in ("pv", "load"):
        m = np.mean([e.mae_wh for e in rows[k]]) / np.mean([e.mae_wh for e in rows[k + "_naive"]])
        print(f"  {k}: forecast MAE = {m:.2f} x seasonal naive")


if __name__ == "__main__":
    planning()
    forecasts()

"""A household's rolling-horizon schedule: home battery and deferrable loads, as one linear
program solved with HiGHS (`highspy`).

For slots t = 0..T-1 of the horizon (energy in Wh per slot):

    minimise   sum_t buy_t*imp_t - sell_t*exp_t + wear*dis_t  -  terminal*soc_{T-1} + peak_cost*peak
    subject to imp_t <= peak                                                 (peak import)
               imp_t - exp_t - ch_t + dis_t - sum_j flex_jt = load_t - pv_t  (balance)
               soc_t = soc_{t-1} + eta*ch_t - dis_t/eta                      (storage)
               sum_{t in window_j} flex_jt = remaining_j                     (each load)
               0 <= ch_t, dis_t <= P*slot,  soc_min <= soc_t <= soc_max,
               0 <= flex_jt <= P_j*slot inside window_j (0 outside),  imp_t, exp_t >= 0

`buy_t` is what a Wh from outside costs the household (its grid tariff, or what it expects to
pay neighbours), `sell_t` what a Wh it sends out earns, `eta` the square root of the
round-trip efficiency, `wear` the cycling cost per Wh discharged and `terminal` what a Wh
left in the battery is worth at the end (the mean sell price after discharge losses, less
wear), and `peak_cost` a small price on the horizon's highest import, so that among equally
cheap plans the one with the lowest peak wins (deferrable loads are spread, not stacked).
Only the first slot of a plan is executed; the next slot plans again from the state
it left (rolling horizon).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import highspy
import numpy as np

from .devices import Battery


class ScheduleError(RuntimeError):
    """HiGHS found no optimal schedule (e.g. a deferrable load that can no longer fit)."""


@dataclass(frozen=True)
class FlexWindow:
    """A deferrable load's remaining energy (Wh) and window [first, last] in horizon slots."""

    remaining_wh: float
    max_wh_per_slot: float
    first: int
    last: int


@dataclass
class Schedule:
    """The optimal plan over the horizon (arrays of Wh per slot)."""

    imp: np.ndarray
    exp: np.ndarray
    charge: np.ndarray
    discharge: np.ndarray
    soc: np.ndarray
    flex: np.ndarray  # [load, slot]
    objective: float
    solve_secs: float = field(default=0.0, compare=False)


IMP, EXP, CH, DIS, SOC = range(5)


def plan(
    pv_wh: np.ndarray,
    load_wh: np.ndarray,
    buy: np.ndarray,
    sell: np.ndarray,
    slot_secs: int,
    battery: Battery | None = None,
    soc_wh: float | None = None,
    flex: list[FlexWindow] | None = None,
    peak_cost: float = 0.2e-3,
) -> Schedule:
    """The cost-minimising schedule for one household over `len(pv_wh)` slots. Prices are
    currency per Wh; `soc_wh` is the battery's energy now (default: its initial SoC)."""
    T = len(pv_wh)
    flex = flex or []
    nv = (5 + len(flex)) * T + 1
    peak = nv - 1
    cost = np.zeros(nv)
    lo = np.zeros(nv)
    hi = np.full(nv, highspy.kHighsInf)
    cost[peak] = peak_cost
    cost[IMP * T : (IMP + 1) * T] = buy
    cost[EXP * T : (EXP + 1) * T] = -np.asarray(sell)
    if battery is not None:
        eta = battery.leg_efficiency
        step = battery.max_step_wh(slot_secs)
        wear = battery.cycling_cost / 1000
        soc0 = battery.soc_initial * battery.capacity_kwh * 1000 if soc_wh is None else soc_wh
        soc0 = min(max(soc0, battery.min_wh), battery.max_wh)
        hi[CH * T : (DIS + 1) * T] = step
        lo[SOC * T : (SOC + 1) * T] = battery.min_wh
        hi[SOC * T : (SOC + 1) * T] = battery.max_wh
        cost[DIS * T : (DIS + 1) * T] = wear
        cost[SOC * T + T - 1] = -max(0.0, float(np.mean(sell)) * eta - wear)
    else:
        eta, soc0 = 1.0, 0.0
        hi[CH * T : (SOC + 1) * T] = 0.0
    t = np.arange(T)
    r_parts, c_parts, v_parts = [], [], []

    def add(rows_, cols_, vals_) -> None:
        r_parts.append(np.asarray(rows_, dtype=np.int64))
        c_parts.append(np.asarray(cols_, dtype=np.int64))
        v_parts.append(np.broadcast_to(np.asarray(vals_, dtype=float), len(r_parts[-1])))

    # balance rows 0..T-1
    for kind, coef in ((IMP, 1.0), (EXP, -1.0), (CH, -1.0), (DIS, 1.0)):
        add(t, kind * T + t, coef)
    for j in range(len(flex)):
        add(t, (5 + j) * T + t, -1.0)
    rhs = np.asarray(load_wh, float) - np.asarray(pv_wh, float)
    rlo, rhi = [rhs], [rhs]
    # peak rows T..2T-1: imp_t - peak <= 0
    add(T + t, IMP * T + t, 1.0)
    add(T + t, np.full(T, peak), -1.0)
    rlo.append(np.full(T, -highspy.kHighsInf))
    rhi.append(np.zeros(T))
    # storage rows 2T..3T-1
    add(2 * T + t, SOC * T + t, 1.0)
    add(2 * T + t, CH * T + t, -eta)
    add(2 * T + t, DIS * T + t, 1 / eta)
    add(2 * T + t[1:], SOC * T + t[:-1], -1.0)
    first = np.zeros(T)
    first[0] = soc0
    rlo.append(first)
    rhi.append(first)
    # one row per deferrable load
    for j, f in enumerate(flex):
        base = (5 + j) * T
        hi[base : base + T] = 0.0
        a, b = max(0, f.first), min(T - 1, f.last)
        inside = np.arange(a, b + 1)
        hi[base + inside] = f.max_wh_per_slot
        add(np.full(len(inside), 3 * T + j), base + inside, 1.0)
        # the whole window in the horizon: finish it; else do what pays
        rlo.append(np.array([f.remaining_wh if f.last <= T - 1 else 0.0]))
        rhi.append(np.array([f.remaining_wh]))
    r_idx = np.concatenate(r_parts).astype(np.int32)
    c_idx = np.concatenate(c_parts).astype(np.int32)
    vals = np.concatenate(v_parts)
    rlo = np.concatenate(rlo)
    rhi = np.concatenate(rhi)
    order = np.lexsort((r_idx, c_idx))
    lp = highspy.HighsLp()
    lp.num_col_ = nv
    lp.num_row_ = len(rlo)
    lp.col_cost_ = cost
    lp.col_lower_ = lo
    lp.col_upper_ = hi
    lp.row_lower_ = rlo
    lp.row_upper_ = rhi
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(c_idx[order], np.arange(nv + 1)).astype(np.int32)
    lp.a_matrix_.index_ = r_idx[order]
    lp.a_matrix_.value_ = vals[order]
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    # Small, well-scaled LPs: primal simplex without presolve is the fastest setting measured
    # (bench/agents.py); the optimum is the same.
    h.setOptionValue("presolve", "off")
    h.setOptionValue("simplex_strategy", 4)
    h.passModel(lp)
    t0 = time.perf_counter()
    h.run()
    secs = time.perf_counter() - t0
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise ScheduleError(f"no optimal schedule: HiGHS says {h.modelStatusToString(status)}")
    x = np.array(h.getSolution().col_value)
    seg = lambda k: x[k * T : (k + 1) * T]  # noqa: E731
    return Schedule(
        imp=seg(IMP),
        exp=seg(EXP),
        charge=seg(CH),
        discharge=seg(DIS),
        soc=seg(SOC),
        flex=np.array([seg(5 + j) for j in range(len(flex))]).reshape(len(flex), T),
        objective=float(h.getInfo().objective_function_value),
        solve_secs=secs,
    )

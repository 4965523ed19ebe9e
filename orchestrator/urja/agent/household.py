"""One household's agent: it remembers what its meter measured, forecasts the next slots,
schedules its battery and deferrable loads, and says which orders it wants for a slot.

The agent is pure computation (no network): `urja agent run` (service.py) feeds it
measurements and places its orders on the chain; the scenario simulator (scenarios.py) feeds
it simulated measurements and clears its orders with the matching engine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from ..solar import DELHI
from .devices import Battery, DeferrableLoad
from .forecast import (
    SLOTS_PER_DAY,
    LoadForecaster,
    PvForecaster,
    seasonal_naive,
    unit_clear_sky,
)
from .schedule import FlexWindow, Schedule, plan
from .strategy import Strategy, Want
from .tariff import Tariff
from .units import DEFAULT_TZ, Money

MIN_ORDER_WH = 10
"""Smaller wants are not worth a transaction."""


@dataclass(frozen=True)
class Household:
    """What the agent knows about its home: roof (registered kWp), devices."""

    name: str
    kwp: float = 0.0
    battery: Battery | None = None
    loads: tuple[DeferrableLoad, ...] = ()


@dataclass
class Step:
    """What the agent decided for one slot: the plan's first slot, and the orders."""

    slot: int
    forecast_pv_wh: float
    forecast_load_wh: float
    charge_wh: float
    discharge_wh: float
    flex_wh: float
    soc_wh: float
    wants: list[Want]
    plan_secs: float = 0.0
    solve_secs: float = 0.0
    flex_parts: list[tuple[int, int, float]] = field(default_factory=list)
    """(load index, local day, Wh) the deferrable loads take in this slot."""


@dataclass
class Agent:
    """One household's agent. `naive` agents forecast "same slot yesterday" and do not
    schedule devices (the manual baseline)."""

    home: Household
    tariff: Tariff
    strategy: Strategy
    money: Money = field(default_factory=Money)
    slot_secs: int = 900
    """The time a slot stands for (what its energy is per)."""
    horizon: int = SLOTS_PER_DAY
    tz: str = DEFAULT_TZ
    latitude: float = DELHI[0]
    longitude: float = DELHI[1]
    sell_value: float | None = None
    """What the plan assumes a surplus kWh earns; default: the mean of the last
    `price_memory` clearing prices seen, else the feed-in rate."""
    price_memory: int = 8
    naive: bool = False
    keep_days: int = 28
    """Days of measurements kept (forecasts use 7; the monthly estimate uses all kept)."""
    time_offset: int = 0
    """Slot k stands for unix time `time_offset + k * slot_secs` (non-zero when a demo
    compresses a day: see `solar.SiteClock`; `from_site` sets it)."""
    pv_method: PvForecaster = field(default_factory=PvForecaster)
    load_method: LoadForecaster = field(default_factory=LoadForecaster)

    def __post_init__(self) -> None:
        if self.slot_secs * SLOTS_PER_DAY != 86400:
            raise ValueError(
                f"an agent plans 15-minute slots (96 a day); these slots stand for "
                f"{self.slot_secs} s (a compressed demo day needs its site's sim_slot_secs)"
            )
        for ld in self.home.loads:
            ld.check_feasible(self.slot_secs)
        self.first_slot: int | None = None
        self.pv_hist: list[float] = []
        self.load_hist: list[float] = []
        b = self.home.battery
        self.soc_wh = b.soc_initial * b.capacity_kwh * 1000 if b else 0.0
        self.done_wh: dict[tuple[int, int], float] = {}
        self.prices: list[float] = []

    # -- time -----------------------------------------------------------------------------

    def slot_unix(self, slot: int) -> int:
        """The unix time `slot` stands for (its start)."""
        return self.time_offset + slot * self.slot_secs

    def day_and_offset(self, slot: int) -> tuple[int, int]:
        """(local day number, slot of the local day) of `slot`."""
        t = datetime.fromtimestamp(self.slot_unix(slot), ZoneInfo(self.tz))
        midnight = t.replace(hour=0, minute=0, second=0, microsecond=0)
        day = (midnight.date() - datetime(1970, 1, 1).date()).days
        return day, int((t - midnight) / timedelta(seconds=self.slot_secs))

    def day_start_slot(self, day: int) -> int:
        """The slot starting at local midnight of `day`."""
        d = datetime(1970, 1, 1) + timedelta(days=day)
        local = d.replace(tzinfo=ZoneInfo(self.tz))
        return (int(local.timestamp()) - self.time_offset) // self.slot_secs

    # -- measurements ---------------------------------------------------------------------

    def observe(self, slot: int, pv_wh: float, load_wh: float) -> None:
        """Records what the household measured in `slot`: PV output and its base load (the
        deferrable loads the agent runs itself are not part of it). Slots come in order; a
        missing slot is filled with the same slot of the day before."""
        if self.first_slot is None:
            self.first_slot = slot
        nxt = self.first_slot + len(self.pv_hist)
        if slot < nxt:
            raise ValueError(f"slot {slot} already observed (next expected {nxt})")
        while nxt < slot:  # gap: seasonal fill
            for h in (self.pv_hist, self.load_hist):
                h.append(h[-SLOTS_PER_DAY] if len(h) >= SLOTS_PER_DAY else 0.0)
            nxt += 1
        self.pv_hist.append(float(pv_wh))
        self.load_hist.append(float(load_wh))
        extra = len(self.pv_hist) - self.keep_days * SLOTS_PER_DAY
        if extra >= SLOTS_PER_DAY:  # a long-running agent keeps a bounded history
            del self.pv_hist[:extra]
            del self.load_hist[:extra]
            self.first_slot += extra

    def observe_price(self, per_kwh: float | None) -> None:
        """Records a slot's clearing price (currency per kWh; None when nothing cleared)."""
        if per_kwh is not None:
            self.prices = [*self.prices[-(self.price_memory - 1) :], float(per_kwh)]

    def expected_sell(self) -> float:
        """What a surplus kWh is expected to earn (never less than the feed-in rate)."""
        if self.sell_value is not None:
            return self.sell_value
        if not self.prices:
            return self.tariff.feed_in
        return max(self.tariff.feed_in, sum(self.prices) / len(self.prices))

    def clear_sky(self, slots: np.ndarray) -> np.ndarray:
        """Clear-sky Wh of this roof for `slots`."""
        unit = unit_clear_sky(
            slots, self.slot_secs, self.latitude, self.longitude, self.time_offset
        )
        return unit * self.home.kwp

    def forecast(self, slot: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(PV Wh, base load Wh) for `n` slots from `slot`."""
        if self.first_slot is None:
            return np.zeros(n), np.zeros(n)
        known = len(self.pv_hist)
        first = slot - self.first_slot
        pv_h = np.array(self.pv_hist)
        load_h = np.array(self.load_hist)
        if self.naive:
            return seasonal_naive(pv_h, first, n), seasonal_naive(load_h, first, n)
        if self.home.kwp > 0:
            lo = max(0, known - self.pv_method.long_days * SLOTS_PER_DAY)
            past = np.arange(self.first_slot + lo, self.first_slot + known)
            nxt = np.arange(slot, slot + n)
            pv = self.pv_method.forecast(
                pv_h[lo:], self.clear_sky(past), self.clear_sky(nxt), first - known + 1
            )
        else:
            pv = np.zeros(n)
        return pv, self.load_method.forecast(load_h, first, n)

    def monthly_kwh(self) -> float:
        """The household's grid consumption per month, from its history (for the slab)."""
        if not self.load_hist:
            return 0.0
        net = np.clip(np.array(self.load_hist) - np.array(self.pv_hist), 0, None)
        per_day = net.sum() / 1000 / (len(net) / SLOTS_PER_DAY)
        return per_day * self.tariff.days_per_month

    # -- planning -------------------------------------------------------------------------

    def flex_windows(self, slot: int, n: int) -> tuple[list[FlexWindow], list[tuple[int, int]]]:
        """The deferrable loads' windows inside [slot, slot+n) and the load each belongs to."""
        out, owner = [], []
        day, _ = self.day_and_offset(slot)
        for j, ld in enumerate(self.home.loads):
            for d in (day, day + 1):
                start = self.day_start_slot(d)
                first, last = start + ld.earliest, start + ld.deadline
                left = ld.energy_kwh * 1000 - self.done_wh.get((j, d), 0.0)
                if last < slot or first >= slot + n or left <= 1e-9:
                    continue
                step = ld.power_kw * 1000 * self.slot_secs / 3600
                # a load that can no longer finish (its slots were missed) gets what still fits
                left = min(left, step * (last - max(first, slot) + 1))
                out.append(FlexWindow(left, step, first - slot, last - slot))
                owner.append((j, d))
        return out, owner

    def step(
        self, slot: int, now: float, opens: float, gate: float
    ) -> tuple[Step, Schedule | None]:
        """Forecasts, plans and prices `slot`; returns the decision (not yet executed)."""
        t0 = time.perf_counter()
        n = 1 if self.naive else self.horizon
        pv, load = self.forecast(slot, n)
        windows, owners = ([], []) if self.naive else self.flex_windows(slot, n)
        sched = None
        if self.naive or (self.home.battery is None and not windows):
            net = load[0] - pv[0]
            imp, exp, ch, dis, fl = max(net, 0.0), max(-net, 0.0), 0.0, 0.0, 0.0
            solve = 0.0
            parts = []
        else:
            buy = np.full(n, self.tariff.marginal_rate(self.monthly_kwh()) / 1000)
            sell = np.full(n, min(self.expected_sell(), buy[0] * 1000) / 1000)
            sched = plan(
                pv, load, buy, sell, self.slot_secs, self.home.battery, self.soc_wh, windows
            )
            imp, exp = sched.imp[0], sched.exp[0]
            ch, dis = sched.charge[0], sched.discharge[0]
            fl = float(sched.flex[:, 0].sum()) if len(windows) else 0.0
            solve = sched.solve_secs
            parts = [(j, d, float(e)) for (j, d), e in zip(owners, sched.flex[:, 0], strict=True)]
        wants = []
        for side, wh in (("sell", exp), ("buy", imp)):
            if wh >= MIN_ORDER_WH:
                price = self.money.units_per_wh(self.strategy.price(side, now, opens, gate))
                wants.append(Want(side, int(round(wh)), price))
        st = Step(
            slot,
            float(pv[0]),
            float(load[0]),
            float(ch),
            float(dis),
            fl,
            self.soc_wh,
            wants,
            time.perf_counter() - t0,
            solve,
            parts,
        )
        return st, sched

    def execute(self, st: Step) -> None:
        """Carries out the first slot of the decision: the battery's charge and discharge and
        the deferrable loads' energy (the state the next plan starts from)."""
        b = self.home.battery
        if b is not None:
            eta = b.leg_efficiency
            soc = self.soc_wh + eta * st.charge_wh - st.discharge_wh / eta
            if not b.min_wh - 1e-6 <= soc <= b.max_wh + 1e-6:
                raise RuntimeError(f"{self.home.name}: battery plan leaves its limits ({soc} Wh)")
            self.soc_wh = min(max(soc, b.min_wh), b.max_wh)  # rounding noise only
        for j, d, e in st.flex_parts:
            self.done_wh[(j, d)] = self.done_wh.get((j, d), 0.0) + e

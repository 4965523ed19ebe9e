"""The same simulated day of the same community under four market set-ups, cleared off-chain
with the real matching engine (`urja.clearing.clear`, uniform price):

- `no_market`: every home trades only with the utility (grid-only);
- `manual`: households place fixed orders by hand: yesterday's surplus or shortfall in the
  same slot, at fixed limits (sell at 4.00, buy at 5.00 per kWh by default);
- `agents`: every household's agent forecasts, shifts its deferrable loads into surplus and
  places cost-minimising orders;
- `agents_battery`: the same with a home battery in a share (30 %) of homes.

Each slot: decisions are made from measurements up to two slots before (the slot before is
still running at gate closure), orders are cleared, each seller delivers what it actually
has up to what it sold (pro rata across its trades, as the market settles a shortfall), and
everything else goes to or comes from the grid. Deferrable loads without an agent run as soon
as their window opens.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np

from .. import clearing
from ..kpi import SlotFlow
from .devices import Battery, DeferrableLoad
from .forecast import SLOTS_PER_DAY
from .household import Agent, Household, Step
from .sim import DAY0_UNIX, SLOT_SECS, Home, Series, community, simulate
from .strategy import CostMinimising, FixedLimits
from .tariff import Tariff, delhi
from .units import Money

SCENARIOS = ("no_market", "manual", "agents", "agents_battery")
LEAD = 2
"""Slots between the last measured slot and the slot decided."""

PUMP = DeferrableLoad("water pump", energy_kwh=1.5, power_kw=0.75, earliest=24, deadline=71)
"""A pump that must run 1.5 kWh between 06:00 and 18:00."""
EV = DeferrableLoad("EV", energy_kwh=6.0, power_kw=3.3, earliest=32, deadline=79)
"""An EV (or two-wheeler fleet) at home by day: 6 kWh between 08:00 and 20:00."""


@dataclass(frozen=True)
class Setup:
    """The community and its devices; the same for every scenario."""

    households: int = 40
    seed: int = 1
    day: int = 79
    """Day of the simulated year (79: 21 March 2025, the equinox)."""
    warmup_days: int = 7
    battery_share: float = 0.3
    battery: Battery = field(default_factory=lambda: Battery(5.0, 2.5))
    pump_share: float = 0.25
    ev_share: float = 0.15
    manual_sell: float = 4.0
    manual_buy: float = 5.0
    tariff: Tariff = field(default_factory=delhi)
    money: Money = field(default_factory=Money)
    horizon: int = SLOTS_PER_DAY


@dataclass
class Outcome:
    """One scenario's flows, per household per slot, and its trades' clearing prices."""

    name: str
    flows: list[SlotFlow]
    prices: dict[int, float | None]
    plan_secs: float = 0.0
    solve_secs: float = 0.0


def devices(setup: Setup, homes: list[Home]) -> tuple[set[str], dict[str, tuple]]:
    """Which homes have a battery (in `agents_battery`) and which deferrable loads."""
    rng = random.Random(setup.seed + 7)
    names = [h.name for h in homes]
    batteries = set(rng.sample(names, round(setup.battery_share * len(names))))
    shuffled = rng.sample(names, len(names))
    n_pump = round(setup.pump_share * len(names))
    n_ev = round(setup.ev_share * len(names))
    loads = {n: (PUMP,) for n in shuffled[:n_pump]}
    loads.update({n: (EV,) for n in shuffled[n_pump : n_pump + n_ev]})
    return batteries, loads


def unmanaged(loads: tuple, slot_of_day: int, done: dict) -> float:
    """Energy the loads take in this slot when run as soon as their window opens."""
    total = 0.0
    for j, ld in enumerate(loads):
        if ld.earliest <= slot_of_day <= ld.deadline:
            left = ld.energy_kwh * 1000 - done.get(j, 0.0)
            e = min(left, ld.power_kw * 1000 * SLOT_SECS / 3600)
            done[j] = done.get(j, 0.0) + e
            total += e
    return total


def run(setup: Setup, name: str, series: Series | None = None) -> Outcome:
    """One scenario over the setup's day."""
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}; expected one of {SCENARIOS}")
    homes = series.homes if series else community(setup.households, setup.seed)
    if series is None:
        first_day = setup.day - setup.warmup_days
        series = simulate(homes, setup.warmup_days + 1, setup.seed, DAY0_UNIX + first_day * 86400)
    batteries, loads = devices(setup, homes)
    m = setup.money
    day_first = series.first_slot + setup.warmup_days * SLOTS_PER_DAY
    agents: dict[str, Agent] = {}
    if name != "no_market":
        for i, h in enumerate(homes):
            managed = name in ("agents", "agents_battery")
            bat = setup.battery if name == "agents_battery" and h.name in batteries else None
            net_hist = np.clip(series.load_wh[i] - series.pv_wh[i], 0, None)
            monthly = net_hist[: setup.warmup_days * SLOTS_PER_DAY].sum() / 1000 / setup.warmup_days
            strat = (
                CostMinimising(setup.tariff, monthly * setup.tariff.days_per_month)
                if managed
                else FixedLimits(setup.manual_sell, setup.manual_buy)
            )
            a = Agent(
                Household(h.name, h.kwp, bat, loads.get(h.name, ()) if managed else ()),
                setup.tariff,
                strat,
                m,
                SLOT_SECS,
                horizon=setup.horizon,
                naive=not managed,
            )
            agents[h.name] = a
    observed = 0
    flows: list[SlotFlow] = []
    prices: dict[int, float | None] = {}
    done_unmanaged: dict[str, dict] = {h.name: {} for h in homes}
    plan_secs = solve_secs = 0.0
    for k in range(SLOTS_PER_DAY):
        slot = day_first + k
        pos = slot - series.first_slot
        # measurements up to LEAD slots before
        while observed <= pos - LEAD:
            for i, h in enumerate(homes):
                if h.name in agents:
                    agents[h.name].observe(
                        series.first_slot + observed,
                        series.pv_wh[i, observed],
                        series.load_wh[i, observed],
                    )
            observed += 1
        gate = slot * SLOT_SECS - 300
        steps: dict[str, Step] = {}
        orders = []
        for i, h in enumerate(homes):
            a = agents.get(h.name)
            if a is None:
                continue
            st, _ = a.step(slot, gate, gate - 3600, gate)
            plan_secs += st.plan_secs
            solve_secs += st.solve_secs
            steps[h.name] = st
            for w in st.wants:
                orders.append(
                    {
                        "id": f"{h.name}/{w.side}",
                        "side": w.side,
                        "wh": w.wh,
                        "price": w.price,
                        "feeder": "community",
                        "ts": i,
                    }
                )
        trades = clearing.clear(orders).trades if orders else []
        prices[slot] = m.per_kwh(trades[0].price) if trades else None
        for a in agents.values():
            a.observe_price(prices[slot])
        # physical realisation
        net = {}
        for i, h in enumerate(homes):
            st = steps.get(h.name)
            base_flex = unmanaged(loads.get(h.name, ()), k, done_unmanaged[h.name])
            if st is not None and agents[h.name].home.loads:
                flex = st.flex_wh
            else:
                flex = base_flex
            ch = st.charge_wh if st else 0.0
            dis = st.discharge_wh if st else 0.0
            if st is not None:
                agents[h.name].execute(st)
            net[h.name] = (
                float(series.pv_wh[i, pos] - series.load_wh[i, pos] - flex - ch + dis),
                flex,
                base_flex,
                ch,
                dis,
            )
        sold_total: dict[str, float] = {}
        for t in trades:
            seller = t.sell.split("/")[0]
            sold_total[seller] = sold_total.get(seller, 0.0) + t.wh
        bought = dict.fromkeys(net, 0.0)
        sold = dict.fromkeys(net, 0.0)
        paid = dict.fromkeys(net, 0.0)
        earned = dict.fromkeys(net, 0.0)
        for t in trades:
            seller, buyer = t.sell.split("/")[0], t.buy.split("/")[0]
            have = max(net[seller][0], 0.0)
            ratio = min(1.0, have / sold_total[seller]) if sold_total[seller] else 0.0
            wh = t.wh * ratio
            money = m.amount(wh * t.price)
            sold[seller] += wh
            bought[buyer] += wh
            earned[seller] += money
            paid[buyer] += money
        for i, h in enumerate(homes):
            n, flex, base_flex, ch, dis = net[h.name]
            r = n - sold[h.name] + bought[h.name]
            a = agents.get(h.name)
            bat = a.home.battery if a else None
            flows.append(
                SlotFlow(
                    household=h.name,
                    slot=slot,
                    start=slot * SLOT_SECS,
                    pv_wh=float(series.pv_wh[i, pos]),
                    load_wh=float(series.load_wh[i, pos]),
                    flex_wh=flex,
                    flex_unmanaged_wh=base_flex,
                    charge_wh=ch,
                    discharge_wh=dis,
                    soc_wh=a.soc_wh if bat else 0.0,
                    bought_wh=bought[h.name],
                    paid=paid[h.name],
                    sold_wh=sold[h.name],
                    earned=earned[h.name],
                    grid_import_wh=max(-r, 0.0),
                    grid_export_wh=max(r, 0.0),
                    cycling_cost=(bat.cycling_cost * dis / 1000) if bat else 0.0,
                )
            )
    return Outcome(name, flows, prices, plan_secs, solve_secs)


def run_all(setup: Setup) -> dict[str, Outcome]:
    """All four scenarios on the same simulated community and day."""
    homes = community(setup.households, setup.seed)
    first_day = setup.day - setup.warmup_days
    series = simulate(homes, setup.warmup_days + 1, setup.seed, DAY0_UNIX + first_day * 86400)
    return {name: run(setup, name, series) for name in SCENARIOS}

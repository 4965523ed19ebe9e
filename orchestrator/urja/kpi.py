"""What the market did for each household and for the community, per local day.

Input: energy flows per household per slot (`SlotFlow`, Wh and currency), as the scenario
simulator or an agent records them. Output per household and day: self-sufficiency (share of
its consumption not drawn from the grid), self-consumption (share of its PV output used in
the community rather than fed into the grid), its bill and what it saved against grid-only,
its peak grid import, and the CO2 its avoided grid draw did not emit; for the community the
same over everyone, plus how evenly the savings are shared (Gini coefficient).

Grid-only means the same home trading only with the utility: its own PV used at home, the
surplus fed in at the feed-in rate, the rest bought at the slab tariff, no battery, and each
deferrable load run as soon as its window opens. CO2 avoided counts the grid energy not
drawn (consumption minus grid import) at the grid emission factor; exports displacing grid
generation elsewhere are not counted.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .agent.tariff import Tariff, delhi
from .agent.units import DEFAULT_TZ, local_time

CEA_KG_PER_KWH = 0.7117
"""Default grid emission factor: the Central Electricity Authority's CO2 Baseline Database
for the Indian Power Sector, version 21.0 (November 2025), all-India weighted average grid
emission rate for FY 2024-25 including renewables and captive plants, 0.7117 tCO2/MWh."""


@dataclass(frozen=True)
class SlotFlow:
    """One household's energy (Wh) and money (currency) in one slot. Energy balances:
    pv + discharge + bought + grid_import = load + flex + charge + sold + grid_export."""

    household: str
    slot: int
    start: int
    pv_wh: float
    load_wh: float
    flex_wh: float = 0.0
    flex_unmanaged_wh: float = 0.0
    charge_wh: float = 0.0
    discharge_wh: float = 0.0
    soc_wh: float = 0.0
    bought_wh: float = 0.0
    paid: float = 0.0
    sold_wh: float = 0.0
    earned: float = 0.0
    grid_import_wh: float = 0.0
    grid_export_wh: float = 0.0
    cycling_cost: float = 0.0

    def imbalance_wh(self) -> float:
        """Energy in minus energy out (0 when conserved)."""
        return (self.pv_wh + self.discharge_wh + self.bought_wh + self.grid_import_wh) - (
            self.load_wh + self.flex_wh + self.charge_wh + self.sold_wh + self.grid_export_wh
        )


@dataclass(frozen=True)
class HouseholdDay:
    """One household's day. Energy in kWh, money in the tariff's currency, peak in kW."""

    household: str
    day: str
    consumption_kwh: float
    pv_kwh: float
    grid_import_kwh: float
    grid_export_kwh: float
    bought_kwh: float
    sold_kwh: float
    self_sufficiency: float | None
    self_consumption: float | None
    cost: float
    grid_only_cost: float
    saved: float
    peak_import_kw: float
    co2_avoided_kg: float


@dataclass(frozen=True)
class CommunityDay:
    """The community's day: totals, shares, and how evenly the savings are shared."""

    day: str
    households: int
    consumption_kwh: float
    pv_kwh: float
    grid_import_kwh: float
    grid_export_kwh: float
    traded_kwh: float
    self_sufficiency: float | None
    self_consumption: float | None
    saved: float
    peak_import_kw: float
    co2_avoided_kg: float
    gini_saved: float | None
    better_off: int
    worse_off: int


def gini(values: list[float]) -> float | None:
    """Gini coefficient (0 = shared equally, 1 = one takes all); None when the mean is not
    positive (nothing to share)."""
    n = len(values)
    if n == 0:
        return None
    mean = sum(values) / n
    if mean <= 1e-9 * max(1.0, max(abs(v) for v in values)):
        return None
    xs = sorted(values)
    # sum_i sum_j |x_i - x_j| = 2 * sum_i (2i - n + 1) x_i over sorted values
    total = sum((2 * i - n + 1) * x for i, x in enumerate(xs))
    return total / (n * n * mean)


def _share(part: float, whole: float) -> float | None:
    return None if whole <= 0 else part / whole


def household_days(
    flows: list[SlotFlow],
    tariff: Tariff | None = None,
    emission_kg_per_kwh: float = CEA_KG_PER_KWH,
    slot_secs: int = 900,
    tz: str = DEFAULT_TZ,
) -> list[HouseholdDay]:
    """Per household and local day, from its slot flows."""
    tariff = tariff or delhi()
    if emission_kg_per_kwh < 0:
        raise ValueError(f"emission factor must be non-negative, got {emission_kg_per_kwh}")
    groups: dict[tuple[str, str], list[SlotFlow]] = defaultdict(list)
    for f in flows:
        groups[(f.household, local_time(f.start, tz).strftime("%Y-%m-%d"))].append(f)
    out = []
    per_hour = 3600 / slot_secs
    for (who, day), fs in sorted(groups.items()):
        cons = sum(f.load_wh + f.flex_wh for f in fs) / 1000
        pv = sum(f.pv_wh for f in fs) / 1000
        imp = sum(f.grid_import_wh for f in fs) / 1000
        exp = sum(f.grid_export_wh for f in fs) / 1000
        g_imp = g_exp = 0.0
        for f in fs:
            net = f.pv_wh - f.load_wh - f.flex_unmanaged_wh
            g_imp += max(-net, 0.0) / 1000
            g_exp += max(net, 0.0) / 1000
        cost = (
            tariff.daily_cost(imp)
            - tariff.feed_in * exp
            + sum(f.paid - f.earned + f.cycling_cost for f in fs)
        )
        grid_only = tariff.daily_cost(g_imp) - tariff.feed_in * g_exp
        ss = _share(cons - imp, cons)
        out.append(
            HouseholdDay(
                household=who,
                day=day,
                consumption_kwh=cons,
                pv_kwh=pv,
                grid_import_kwh=imp,
                grid_export_kwh=exp,
                bought_kwh=sum(f.bought_wh for f in fs) / 1000,
                sold_kwh=sum(f.sold_wh for f in fs) / 1000,
                self_sufficiency=ss,
                self_consumption=_share(pv - exp, pv),
                cost=cost,
                grid_only_cost=grid_only,
                saved=grid_only - cost,
                peak_import_kw=max(f.grid_import_wh for f in fs) * per_hour / 1000,
                co2_avoided_kg=max(cons - imp, 0.0) * emission_kg_per_kwh,
            )
        )
    return out


def community_days(
    flows: list[SlotFlow],
    tariff: Tariff | None = None,
    emission_kg_per_kwh: float = CEA_KG_PER_KWH,
    slot_secs: int = 900,
    tz: str = DEFAULT_TZ,
) -> tuple[list[CommunityDay], list[HouseholdDay]]:
    """Per local day for the whole community, and the household days it sums."""
    homes = household_days(flows, tariff, emission_kg_per_kwh, slot_secs, tz)
    by_day: dict[str, list[HouseholdDay]] = defaultdict(list)
    for h in homes:
        by_day[h.day].append(h)
    peak: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for f in flows:
        peak[local_time(f.start, tz).strftime("%Y-%m-%d")][f.slot] += f.grid_import_wh
    out = []
    for day, hs in sorted(by_day.items()):
        cons = sum(h.consumption_kwh for h in hs)
        pv = sum(h.pv_kwh for h in hs)
        imp = sum(h.grid_import_kwh for h in hs)
        exp = sum(h.grid_export_kwh for h in hs)
        saved = [h.saved for h in hs]
        out.append(
            CommunityDay(
                day=day,
                households=len(hs),
                consumption_kwh=cons,
                pv_kwh=pv,
                grid_import_kwh=imp,
                grid_export_kwh=exp,
                traded_kwh=sum(h.bought_kwh for h in hs),
                self_sufficiency=_share(cons - imp, cons),
                self_consumption=_share(pv - exp, pv),
                saved=sum(saved),
                peak_import_kw=max(peak[day].values()) * 3600 / slot_secs / 1000,
                co2_avoided_kg=sum(h.co2_avoided_kg for h in hs),
                gini_saved=gini(saved),
                better_off=sum(s > 0.005 for s in saved),
                worse_off=sum(s < -0.005 for s in saved),
            )
        )
    return out, homes


def write_flows(path: Path, flows: list[SlotFlow], append: bool = False) -> None:
    """Writes flows as JSON lines (one slot of one household per line)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a" if append else "w") as fh:
        for f in flows:
            fh.write(json.dumps(asdict(f)) + "\n")


def read_flows(path: Path) -> list[SlotFlow]:
    """Reads JSON-lines flows; a malformed line is an error naming its line number."""
    names = {f.name for f in fields(SlotFlow)}
    out = []
    with open(path) as fh:
        for i, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                unknown = sorted(set(doc) - names)
                if unknown:
                    raise ValueError(f"unknown fields {unknown}")
                out.append(SlotFlow(**doc))
            except (ValueError, TypeError) as e:
                raise ValueError(f"{path}:{i}: not a slot flow record: {e}") from None
    return out


def report(
    flows: list[SlotFlow],
    tariff: Tariff | None = None,
    emission_kg_per_kwh: float = CEA_KG_PER_KWH,
    tz: str = DEFAULT_TZ,
) -> dict:
    """The KPI report as a JSON-able document: community and household days, with units."""
    tariff = tariff or delhi()
    days, homes = community_days(flows, tariff, emission_kg_per_kwh, tz=tz)
    return {
        "units": {
            "energy": "kWh",
            "money": f"{tariff.currency}",
            "power": "kW",
            "co2": "kg",
            "days": f"local dates in {tz}",
        },
        "emission_factor_kg_per_kwh": emission_kg_per_kwh,
        "community": [asdict(d) for d in days],
        "households": [asdict(h) for h in homes],
    }


def read_flow_files(paths: list[Path]) -> list[SlotFlow]:
    """Flows from several JSON-lines files (e.g. one per agent)."""
    out: list[SlotFlow] = []
    for p in paths:
        out += read_flows(p)
    return out

"""What the demo's market did for each household: its slot flows (`urja.kpi.SlotFlow`) from
the simulation (PV and load per minute, what the meter read) and the chain (the trades the
index holds, delivered and paid), for the KPI tables of the demo's report.

The demo pays in XLM, so the Delhi tariff is expressed in XLM at the cost model's reference
rate (`urja.fees.INR_PER_XLM`, ₹25 per XLM: ₹5/kWh = 0.2 XLM/kWh).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from .agent.tariff import Slab, Tariff, delhi
from .fees import INR_PER_XLM, STROOPS_PER_XLM
from .kpi import SlotFlow


def tariff_in_xlm(inr: Tariff | None = None) -> Tariff:
    """`inr` (default: Delhi's) with every rate in XLM per kWh at `INR_PER_XLM`."""
    inr = inr or delhi()
    slabs = tuple(Slab(s.from_kwh, s.to_kwh, s.rate / INR_PER_XLM) for s in inr.slabs)
    return replace(inr, slabs=slabs, feed_in=inr.feed_in / INR_PER_XLM, currency="XLM")


def slot_flow(
    household: str,
    slot: int,
    start: int,
    pv_wh: float,
    export_wh: int,
    import_wh: int,
    trades: list[dict],
) -> SlotFlow:
    """One household's slot: the meter's export and import, the PV the simulation produced,
    and its delivered trades (as seller, sold and earned; as buyer, bought and paid with the
    fee). Load is what the meter implies (PV - export + import). Energy bought beyond what
    the household imported flows on to the grid, so every slot is conserved."""
    sold = sum(t["delivered_wh"] for t in trades if t["seller"] == household)
    earned = sum(t["paid"] for t in trades if t["seller"] == household)
    bought = sum(t["delivered_wh"] for t in trades if t["buyer"] == household)
    paid = sum(t["paid"] + t["fee"] for t in trades if t["buyer"] == household)
    return SlotFlow(
        household=household,
        slot=slot,
        start=start,
        pv_wh=pv_wh,
        load_wh=pv_wh - export_wh + import_wh,
        bought_wh=bought,
        paid=paid / STROOPS_PER_XLM,
        sold_wh=sold,
        earned=earned / STROOPS_PER_XLM,
        grid_import_wh=max(import_wh - bought, 0),
        grid_export_wh=export_wh - sold + max(bought - import_wh, 0),
    )


def flows(
    metered: dict[tuple[str, int], tuple[float, int, int]],
    starts: dict[int, int],
    trades: list[dict],
) -> list[SlotFlow]:
    """Every household's slot flows: `metered` maps (address, slot) to (PV Wh, export Wh,
    import Wh), `starts` each slot to the unix time it stands for, `trades` are the
    index's trade rows (only delivered energy counts)."""
    by_slot: dict[int, list[dict]] = defaultdict(list)
    for t in trades:
        by_slot[t["slot"]].append(t)
    return [
        slot_flow(who, slot, starts[slot], pv, exp, imp, by_slot[slot])
        for (who, slot), (pv, exp, imp) in sorted(metered.items())
    ]


COMMUNITY_TITLE = "What the market did for the community (tariff: Delhi's, at ₹25 per XLM)"
"""The title of the community's KPI table in the report (and in the demo's output)."""


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{100 * share:.0f} %"


def kpi_tables(
    flows_: list[SlotFlow], names: dict[str, str], tz: str, slot_secs: int
) -> dict[str, list[dict]]:
    """The report's KPI tables: the community's day, then each household's (`names` maps
    an address to the household's name), energy in kWh, money in XLM."""
    from .kpi import community_days

    days, homes = community_days(flows_, tariff_in_xlm(), slot_secs=slot_secs, tz=tz)
    community = [
        {
            "day": d.day,
            "households": d.households,
            "used kWh": f"{d.consumption_kwh:.2f}",
            "PV kWh": f"{d.pv_kwh:.2f}",
            "traded kWh": f"{d.traded_kwh:.2f}",
            "grid import kWh": f"{d.grid_import_kwh:.2f}",
            "grid export kWh": f"{d.grid_export_kwh:.2f}",
            "self-sufficiency": _pct(d.self_sufficiency),
            "self-consumption": _pct(d.self_consumption),
            "saved vs grid only (XLM)": f"{d.saved:.4f}",
            "peak import kW": f"{d.peak_import_kw:.1f}",
            "CO2 avoided kg": f"{d.co2_avoided_kg:.2f}",
            "Gini of savings": "–" if d.gini_saved is None else f"{d.gini_saved:.2f}",
            "better / worse off": f"{d.better_off} / {d.worse_off}",
        }
        for d in days
    ]
    households = [
        {
            "household": names.get(h.household, h.household[:8]),
            "day": h.day,
            "used kWh": f"{h.consumption_kwh:.2f}",
            "PV kWh": f"{h.pv_kwh:.2f}",
            "sold kWh": f"{h.sold_kwh:.2f}",
            "bought kWh": f"{h.bought_kwh:.2f}",
            "self-sufficiency": _pct(h.self_sufficiency),
            "saved vs grid only (XLM)": f"{h.saved:.4f}",
            "peak import kW": f"{h.peak_import_kw:.1f}",
        }
        for h in homes
    ]
    return {COMMUNITY_TITLE: community, "What it did for each household": households}

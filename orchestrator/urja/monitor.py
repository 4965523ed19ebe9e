"""The grid monitor: per-feeder export and import for each slot, and what looks wrong.

Reads the relayer's raw readings (accepted and refused messages: the grid server may see raw
data, the chain never does) and the index's meter registry, and flags:
- `export_at_night`: a meter reported export while the sun was down;
- `above_capacity`: a reading above the meter's registered capacity;
- `feeder_over_limit`: a feeder's net flow in a slot beyond its configured capacity;
- `meter_silent`: an active meter sent nothing for a slot that ended a while ago.
Results are logged and served as JSON by the read API (`/api/grid`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from .indexer.store import Index
from .relayer.inbox import Inbox
from .relayer.message import MessageError, parse
from .slots import SlotClock
from .solar import SiteClock, sun_down

log = logging.getLogger("urja.monitor")

SILENT_AFTER_SLOTS = 2
"""A meter counts as silent once a slot has been over this many slots without its report."""


@dataclass
class FeederSlot:
    """One feeder in one slot."""

    slot: int
    feeder: int
    export_wh: int = 0
    import_wh: int = 0
    capacity_wh: int | None = None
    meters_reporting: int = 0
    flags: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    def flag(self, kind: str, detail: str) -> None:
        if kind not in self.flags:
            self.flags.append(kind)
        self.details.append(detail)


def grid_status(
    index: Index,
    inbox: Inbox,
    clock: SlotClock,
    site: SiteClock | None,
    feeder_capacity_wh: dict[int, int],
    now: int,
    slots: int = 24,
    log_flags: bool = False,
) -> list[FeederSlot]:
    """Feeder rows for the last `slots` ended slots, newest first (flags also logged when
    `log_flags`, as `urja monitor` does)."""
    meters = {r["meter"]: r for r in index.meters()}
    last = clock.current(now) - 1
    first = last - slots + 1
    rows: dict[tuple[int, int], FeederSlot] = {}

    def row(slot: int, feeder: int) -> FeederSlot:
        key = (slot, feeder)
        if key not in rows:
            rows[key] = FeederSlot(slot, feeder, capacity_wh=feeder_capacity_wh.get(feeder))
        return rows[key]

    reported: dict[int, set[str]] = defaultdict(set)
    for slot in range(first, last + 1):
        for feeder in sorted({m["feeder"] for m in meters.values()} | set(feeder_capacity_wh)):
            row(slot, feeder)
    for text in inbox.messages_between(first, last):
        try:
            m = parse(text)
        except MessageError:  # a v1 message kept from before the market domain
            continue
        mid = m.meter.hex()
        info = meters.get(mid)
        if info is None:
            continue
        r = row(m.slot, info["feeder"])
        r.export_wh += m.energy_wh
        r.import_wh += sum(m.import_wh)
        r.meters_reporting += 1
        reported[m.slot].add(mid)
    for dl in inbox.dead_letters():
        if dl["slot"] is None or not first <= dl["slot"] <= last or not dl["payload"]:
            continue
        try:
            m = parse(dl["payload"])
        except MessageError:
            continue
        info = meters.get(m.meter.hex())
        if info is None:
            continue
        r = row(m.slot, info["feeder"])
        reported[m.slot].add(m.meter.hex())  # refused, but not silent
        if "sun was down" in dl["reason"]:
            r.flag("export_at_night", f"meter {m.meter.hex()[:12]}: {m.energy_wh} Wh at night")
        elif "above the meter's limit" in dl["reason"]:
            r.flag("above_capacity", f"meter {m.meter.hex()[:12]}: {dl['reason']}")
    for (slot, feeder), r in rows.items():
        net = abs(r.export_wh - r.import_wh)
        if r.capacity_wh is not None and net > r.capacity_wh:
            r.flag("feeder_over_limit", f"net {net} Wh over {r.capacity_wh} Wh")
        if site is not None and r.export_wh > 0 and sun_down(site, slot):
            r.flag("export_at_night", f"{r.export_wh} Wh exported at night")
        if slot <= clock.current(now) - SILENT_AFTER_SLOTS:
            for mid, info in meters.items():
                if (
                    info["active"]
                    and info["feeder"] == feeder
                    and info["since"] <= clock.start(slot)
                    and mid not in reported[slot]
                ):
                    r.flag("meter_silent", f"meter {mid[:12]} sent nothing")
    out = sorted(rows.values(), key=lambda r: (-r.slot, r.feeder))
    for r in out if log_flags else ():
        if r.flags:
            log.warning("slot %d feeder %d: %s", r.slot, r.feeder, "; ".join(r.details))
    return out

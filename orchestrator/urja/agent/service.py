"""`urja agent run`: one household's agent as a long-running service on the chain.

Every tick it reads the household's new measurements (a CSV its meter or inverter appends:
`slot,pv_wh,load_wh`), and for the next slot still open, once its planning window has begun
(`plan_ahead_slots` before the gate), forecasts, plans and prices it, and brings the
household's orders on the book to what it wants through the same `Market.order` and
`Market.cancel` calls as `urja offer`, `urja bid` and `urja cancel`. When a slot's gate
passes, the plan's battery and deferrable-load decisions for it are carried out; once its
delivery deadline has passed and its measurement is in, its flows (energy and money) are
appended to `<data>/agents/<key>.jsonl` for `urja report` and the read API.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..chain import ChainError
from ..kpi import SlotFlow, write_flows
from ..slots import SlotClock
from .household import Agent, Step
from .strategy import Open, reconcile
from .units import fmt_kwh, fmt_slot

log = logging.getLogger("urja.agent")


class MarketPort(Protocol):
    """The two market calls an agent makes (`urja.bindings.Market` has them)."""

    def order(
        self, kp, side: str, slot: int, wh: int, price: int, meter: bytes | None = None
    ) -> int:
        """Places an offer ("sell", from `meter`) or bid ("buy"); returns the order id."""

    def cancel(self, kp, order_id: int) -> None:
        """Withdraws an order before its gate."""


class ReadingsError(ValueError):
    """A malformed line in the measurements file."""


@dataclass
class AgentService:
    """One household's agent bound to the market."""

    agent: Agent
    market: MarketPort
    keypair: object
    clock: SlotClock
    open_orders: Callable[[int], list[Open]]
    """The household's open orders standing for a slot (from the index), standing orders
    placed for earlier slots included."""
    trades: Callable[[int], list[dict]] = lambda slot: []
    """The household's trades of a slot (index rows: buyer, seller, delivered_wh, price)."""
    prices: Callable[[int], list[tuple[int, int | None]]] = lambda after: []
    """(slot, clearing price per Wh in smallest units) of settled slots after a slot."""
    address: str = ""
    meter: bytes | None = None
    """The household's meter its offers deliver from (None: it only buys)."""
    readings: Path | None = None
    flows_path: Path | None = None
    plan_ahead_slots: int = 4
    decided: dict[int, Step] = field(default_factory=dict)
    executed: set[int] = field(default_factory=set)
    recorded: set[int] = field(default_factory=set)
    measured: dict[int, tuple[float, float]] = field(default_factory=dict)
    mine: dict[int, dict[int, Open]] = field(default_factory=dict)
    """Orders this service placed, per slot (the index may not have them yet)."""
    cancelled: set[int] = field(default_factory=set)
    last_priced: int = -1
    soc_after: dict[int, float] = field(default_factory=dict)
    """Battery energy (Wh) after each executed slot."""
    _offset: int = 0
    _line: int = 0

    def read_measurements(self) -> int:
        """Reads the lines appended since the last call; returns how many slots were new."""
        if self.readings is None or not self.readings.exists():
            return 0
        new = 0
        with open(self.readings, newline="") as fh:
            fh.seek(self._offset)
            while True:
                line = fh.readline()
                if not line or not line.endswith("\n"):
                    break  # a partly written last line is read next time
                self._offset = fh.tell()
                self._line += 1
                row = next(csv.reader([line]))
                if not row or row[0].strip() in ("", "slot"):
                    continue
                try:
                    slot, pv, load = int(row[0]), float(row[1]), float(row[2])
                    if pv < 0 or load < 0:
                        raise ValueError("negative energy")
                except (ValueError, IndexError) as e:
                    raise ReadingsError(
                        f"{self.readings}:{self._line}: expected slot,pv_wh,load_wh ({e})"
                    ) from None
                if self.agent.first_slot is not None and slot < self.agent.first_slot + len(
                    self.agent.pv_hist
                ):
                    continue  # already known
                self.agent.observe(slot, pv, load)
                self.measured[slot] = (pv, load)
                new += 1
        return new

    def _say(self, slot: int, text: str) -> str:
        a = self.agent
        when = fmt_slot(a.slot_unix(slot), a.slot_unix(slot + 1), a.tz)
        line = f"{self.agent.home.name} {when}: {text}"
        log.info(line)
        return line

    def tick(self, now: int) -> list[str]:
        """One round: measurements, execution of passed gates, orders for the open slot,
        flows of finished slots. Returns what it did, in words."""
        said: list[str] = []
        self.read_measurements()
        for slot, price in self.prices(self.last_priced):  # what surplus earned lately
            self.agent.observe_price(None if price is None else self.agent.money.per_kwh(price))
            self.last_priced = max(self.last_priced, slot)
        for s in sorted(self.decided):
            if s not in self.executed and self.clock.gate(s) <= now:
                self.agent.execute(self.decided[s])
                self.executed.add(s)
                self.soc_after[s] = self.agent.soc_wh
        slot = self.clock.next_open(now)
        gate = self.clock.gate(slot)
        opens = gate - self.plan_ahead_slots * self.clock.slot_secs
        if now >= opens:
            said += self.place(slot, now, opens, gate)
        said += self.record(now)
        return said

    def place(self, slot: int, now: int, opens: int, gate: int) -> list[str]:
        """Brings the household's orders for `slot` to what the agent wants now. Cancels
        first; if a placement fails, the orders this call placed are withdrawn again."""
        st, _ = self.agent.step(slot, now, opens, gate)
        self.decided[slot] = st
        mine = self.mine.setdefault(slot, {})
        book = {o.id: o for o in self.open_orders(slot)} | mine
        current = [o for i, o in sorted(book.items()) if i not in self.cancelled]
        acts = reconcile(st.wants, current)
        said = []
        m = self.agent.money
        for oid in acts.cancel:
            self.market.cancel(self.keypair, oid)
            self.cancelled.add(oid)
            said.append(self._say(slot, f"cancelled order {oid}"))
        placed: list[int] = []
        try:
            for w in acts.place:
                if w.side == "sell" and self.meter is None:
                    raise ValueError(f"{self.address}: an offer needs the household's meter")
                meter = self.meter if w.side == "sell" else None
                oid = self.market.order(self.keypair, w.side, slot, w.wh, w.price, meter)
                placed.append(oid)
                mine[oid] = Open(oid, w.side, w.wh, w.price)
                what = "offer" if w.side == "sell" else "bid"
                price = m.fmt_price(m.per_kwh(w.price))
                said.append(self._say(slot, f"{what} {fmt_kwh(w.wh)} at {price} (order {oid})"))
        except ChainError:
            for oid in placed:
                self.market.cancel(self.keypair, oid)
                self.cancelled.add(oid)
            raise
        return said

    def record(self, now: int) -> list[str]:
        """Appends the flows of slots whose delivery deadline passed and whose measurement
        is in."""
        out: list[SlotFlow] = []
        for s in sorted(self.measured):
            if s in self.recorded or self.clock.deadline(s) > now:
                continue
            pv, load = self.measured[s]
            st = self.decided.get(s) if s in self.executed else None
            ch = st.charge_wh if st else 0.0
            dis = st.discharge_wh if st else 0.0
            flex = st.flex_wh if st else 0.0
            bought = sold = paid = earned = 0.0
            for t in self.trades(s):
                units = self.agent.money.amount(t["delivered_wh"] * t["price"])
                if t["buyer"] == self.address:
                    bought += t["delivered_wh"]
                    paid += units
                if t["seller"] == self.address:
                    sold += t["delivered_wh"]
                    earned += units
            r = pv - load - flex - ch + dis - sold + bought
            b = self.agent.home.battery
            out.append(
                SlotFlow(
                    household=self.agent.home.name,
                    slot=s,
                    start=self.agent.slot_unix(s),
                    pv_wh=pv,
                    load_wh=load,
                    flex_wh=flex,
                    flex_unmanaged_wh=flex,
                    charge_wh=ch,
                    discharge_wh=dis,
                    soc_wh=self.soc_after.get(s, self.agent.soc_wh) if b else 0.0,
                    bought_wh=bought,
                    paid=paid,
                    sold_wh=sold,
                    earned=earned,
                    grid_import_wh=max(-r, 0.0),
                    grid_export_wh=max(r, 0.0),
                    cycling_cost=(b.cycling_cost * dis / 1000) if b else 0.0,
                )
            )
            self.recorded.add(s)
        if out and self.flows_path is not None:
            write_flows(self.flows_path, out, append=True)
        return [self._say(f.slot, f"recorded ({fmt_kwh(f.grid_import_wh)} from grid)") for f in out]


CAPACITY_MARGIN = 1.1
"""A meter's registered capacity (Wh per minute) is its roof's peak kW output per minute
times this margin (as `fleet.SimHousehold.max_wh_per_minute` registers it)."""


def registered_kwp(index_path: Path, address: str, compression: float = 1.0) -> float:
    """The household's PV capacity (kWp) from its active meters' registered capacity in the
    index (0 without a meter); in a trial whose slots stand for `compression` times their
    length the registered rate is that many times the roof's (`metering.compressed_rate`)."""
    from ..indexer.store import Index

    ix = Index(index_path, readonly=True)
    try:
        rows = [m for m in ix.meters_of(address) if m["active"]]
    finally:
        ix.db.close()
    rate = sum(r["max_wh_per_minute"] for r in rows) / compression
    return rate * 60 / 1000 / CAPACITY_MARGIN


def index_ports(index_path: Path, address: str):
    """(open_orders, trades, prices) callables reading the household's orders and trades and
    the slots' clearing prices from the event index."""
    from ..indexer.store import Index

    def read(query):
        ix = Index(index_path, readonly=True)
        try:
            return query(ix)
        finally:
            ix.db.close()

    def open_orders(slot: int) -> list[Open]:
        got = read(lambda ix: ix.open_orders(slot, address))
        return [Open(r["id"], r["side"], r["wh"], r["price"], r["slots"]) for r in got]

    def trades(slot: int) -> list[dict]:
        return read(lambda ix: ix.trades(slot, address))

    def prices(after: int) -> list[tuple[int, int | None]]:
        return list(read(lambda ix: ix.clearing_prices(after)).items())

    return open_orders, trades, prices

"""The matcher service: at gate closure, clear each slot's book and settle it on-chain.

The book comes from the indexer (orders are on-chain, so anyone can recompute the clearing);
the matching engine clears it; each meter keeps at most `MAX_TRADES_PER_METER_SLOT` trades
(the market refuses more, so one delivery always fits a transaction); trades go to
`market.settle` in batches sized from simulateTransaction's resource figures so each fits
Soroban's per-transaction limits. Clearing
is a pure function of the book, which cannot change after the gate, so after a crash the
matcher clears again, skips the (buy, sell) pairs the index already shows as settled and
submits the rest: nothing settles twice, nothing is lost.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from . import clearing
from .bindings import Market
from .chain import ChainError
from .indexer.store import Index
from .limits import TxLimits, Usage
from .loop import keep_running
from .slots import SlotClock

log = logging.getLogger("urja.matcher_service")

MAX_BATCH = 100
"""The market contract's own ceiling on trades per `settle` (contracts/market MAX_BATCH)."""
MARGIN = 0.8
"""A batch may use at most this share of any per-transaction limit."""
MAX_TRADES_PER_METER_SLOT = 20
"""The market's cap on one meter's trades in a slot (contracts/market
MAX_TRADES_PER_METER_SLOT): a settle batch beyond it is refused with `TooManyTrades`."""


@dataclass
class SlotReport:
    """What the matcher did for one slot."""

    slot: int
    offers: int
    bids: int
    trades: int
    volume_wh: int
    price: int | None
    batches: list[int] = field(default_factory=list)
    instructions: int = 0


def book(index: Index, slot: int) -> list[dict]:
    """The slot's orders for the engine: every order standing for it not cancelled, at its
    full per-slot size (`meter`: the meter an offer delivers from, hex; None for bids). A
    standing order enters each slot it covers fresh with its `wh`: the market fills it up to
    `wh` per slot, and what it matched in earlier slots does not count here."""
    return [
        {
            "id": str(r["id"]),
            "side": r["side"],
            "wh": r["wh"],
            "price": r["price"],
            "feeder": str(r["feeder"] if r["feeder"] is not None else 0),
            "ts": r["ledger"],  # time priority: order ids are per household, not in time
            "meter": r["meter"],
        }
        for r in index.book(slot)
    ]


def cap_per_meter(
    trades: list, meter_of: dict[str, str | None], most: int = MAX_TRADES_PER_METER_SLOT
) -> list:
    """The clearing's trades with at most `most` per meter (the sell order's meter): each
    meter keeps its largest trades (ties: the earliest in the clearing) and the rest stay
    unmatched. Dropping trades keeps a uniform price valid, since every kept trade still
    lies within its own bid and offer. Order of the kept trades is unchanged."""
    by_meter: dict[str | None, list[int]] = {}
    for i, t in enumerate(trades):
        by_meter.setdefault(meter_of.get(str(t.sell)), []).append(i)
    keep: set[int] = set()
    for idx in by_meter.values():
        keep.update(sorted(idx, key=lambda i: (-trades[i].wh, i))[:most])
    return [t for i, t in enumerate(trades) if i in keep]


def plan_batches(trades: list[dict], fits) -> list[list[dict]]:
    """Splits `trades` into consecutive batches, each as large as `fits(batch)` allows.

    `fits` simulates a candidate batch; sizes are found by halving from the contract's
    maximum, then kept for the following batches."""
    batches = []
    size = min(MAX_BATCH, len(trades))
    i = 0
    while i < len(trades):
        size = min(size, len(trades) - i)
        while size > 1 and not fits(trades[i : i + size]):
            size = max(1, size // 2)
        batches.append(trades[i : i + size])
        i += size
    return batches


CATCH_UP_SECS = 10
"""How long a tick waits for the index to reach the chain's latest ledger before giving up
until the next tick."""


class Matcher:
    """Clears and settles slots as their gates close."""

    def __init__(
        self,
        market: Market,
        index: Index,
        operator,
        clock: SlotClock,
        mechanism: str = "uniform",
        network: dict | None = None,
        limits: TxLimits | None = None,
    ):
        self.market = market
        self.index = index
        self.op = operator
        self.clock = clock
        self.mechanism = mechanism
        self.network = network
        self.limits = limits or TxLimits()
        self.done: set[int] = set()
        self.reports: dict[int, SlotReport] = {}

    def _fits(self, slot: int, batch: list[dict], price: int | None, usage: list) -> bool:
        try:
            sim = self.market.chain.simulate(
                self.market.id,
                "settle",
                self.market.settle_args(slot, batch, price),
                self.op.public_key,
            )
        except ChainError as e:
            if e.code is not None:  # a contract refusal is not a size problem
                raise
            return False  # the host ran out of budget: too large
        u = Usage.from_simulation(sim)
        usage.append(u)
        return u.share(self.limits) <= MARGIN

    def settle(self, slot: int) -> SlotReport:
        """Clears `slot` from the index and settles whatever is not settled yet."""
        orders = book(self.index, slot)
        offers = sum(o["side"] == "sell" for o in orders)
        report = SlotReport(slot, offers, len(orders) - offers, 0, 0, None)
        if offers == 0 or offers == len(orders):
            return report
        meter_of = {o["id"]: o.pop("meter") for o in orders}
        result = clearing.clear(orders, self.mechanism, self.network)
        kept = cap_per_meter(result.trades, meter_of)
        report.price = result.price
        report.volume_wh = sum(t.wh for t in kept)
        if len(kept) < len(result.trades):
            log.warning(
                "slot %d: %d trades left unmatched (at most %d per meter and slot)",
                slot,
                len(result.trades) - len(kept),
                MAX_TRADES_PER_METER_SLOT,
            )
        done = self.index.settled_pairs(slot)
        trades = [
            {"buy": int(t.buy), "sell": int(t.sell), "wh": t.wh, "price": t.price}
            for t in kept
            if (int(t.buy), int(t.sell)) not in done
        ]
        report.trades = len(kept)
        if not trades:
            return report
        usage: list[Usage] = []
        for batch in plan_batches(trades, lambda b: self._fits(slot, b, result.price, usage)):
            self.market.settle(self.op, slot, batch, result.price)
            report.batches.append(len(batch))
        report.instructions = sum(u.instructions for u in usage[-len(report.batches) :])
        log.info(
            "slot %d: %d trades, %d Wh at %s in batches %s",
            slot,
            report.trades,
            report.volume_wh,
            report.price,
            report.batches,
        )
        return report

    def tick(self) -> list[SlotReport]:
        """Settles every slot whose gate has closed, once the index has caught up with the
        chain (so batches an earlier run submitted are known), then tidies ended slots."""
        chain = self.market.chain
        latest = chain.latest_ledger()
        now = chain.ledger_time()
        # Wait for the indexer to pass `latest` rather than requiring it to be there already:
        # ledgers close while the index polls, so "synced == latest right now" may never hold.
        deadline = time.monotonic() + CATCH_UP_SECS
        while self.index.synced()[0] < latest:
            if time.monotonic() > deadline:
                return []
            time.sleep(0.1)
        out = []
        for slot in self.clock.settling(now):
            if slot in self.done:
                continue
            report = self.settle(slot)
            self.done.add(slot)
            self.reports[slot] = report
            out.append(report)
        self.tidy(now)
        return out

    def tidy(self, now: int, most: int = 8) -> int:
        """Returns escrow nobody will use: releases bids of ended slots with an unmatched
        part, and refunds trades whose delivery deadline passed. Anyone may call these; the
        operator does so that households need not."""
        n = 0
        first = self.clock.first_refundable(now)
        for oid in self.index.releasable_bids(first, self.clock.last_ended(now), most):
            self.market.release(self.op, oid)
            n += 1
        for tid in self.index.undelivered_trades(first, self.clock.last_past_deadline(now), most):
            self.market.refund_expired(self.op, tid)
            n += 1
        return n

    def run(self, stop: threading.Event, interval: float = 1.0) -> None:
        """Ticks until `stop` is set; an unreachable RPC or a refused settlement is reported
        and retried on the next tick."""
        keep_running(log, self.tick, stop, interval, on_refusal=True)

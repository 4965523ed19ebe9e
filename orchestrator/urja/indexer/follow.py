"""Following the chain: getEvents pages applied to the index, each page with its cursor.

The first run starts at the deployment's ledger; every later run continues from the cursor
stored with the last applied page, so a kill -9 at any point loses nothing and applies
nothing twice. While the RPC is unreachable the indexer says so and keeps retrying.
"""

from __future__ import annotations

import logging
import threading

from stellar_sdk import xdr as sx
from stellar_sdk.soroban_rpc import EventFilter, EventFilterType

from ..chain import Chain
from ..contracts import native
from ..loop import keep_running
from .store import Index, dumps

log = logging.getLogger("urja.indexer")

WATCHED = ("token", "registry", "market", "verifier", "governance")
"""Contracts whose events are indexed (at most 5 ids per getEvents filter)."""

SIDES = {0: "sell", 1: "buy"}


def decode(ev) -> tuple[str, list, object]:
    """(event name, decoded topics after the name, decoded data) of an RPC event."""
    topics = [native(sx.SCVal.from_xdr(t)) for t in ev.topic]
    data = native(sx.SCVal.from_xdr(ev.value))
    name = topics[0] if topics and isinstance(topics[0], str) else ""
    return name, topics[1:], data


def _amount(data) -> int:
    """A SEP-41 event amount: plain i128, or a map with `amount` (muxed form)."""
    return int(data["amount"] if isinstance(data, dict) else data)


def apply(
    db, kind: str, name: str, t: list, d, ev_id: str, ledger: int, tx: str, ledger_time: int
) -> None:
    """Updates the derived tables for one event (inside the caller's transaction)."""
    x = db.execute
    if kind == "market":
        if name == "order":
            oid, owner, side, wh, price, escrow = d
            x(
                "INSERT INTO orders(id, slot, owner, side, wh, price, escrow, ledger) "
                "VALUES(?,?,?,?,?,?,?,?)",
                (oid, t[0], owner, SIDES[side], wh, price, escrow, ledger),
            )
        elif name in ("cancel", "release"):
            oid, refund = d
            status = "cancelled" if name == "cancel" else "closed"
            x(
                "UPDATE orders SET status = ?, refund = refund + ? WHERE id = ?",
                (status, refund, oid),
            )
        elif name == "trade":
            tid, buy, sell, buyer, seller, wh, price = d
            x(
                "INSERT INTO trades(trade_id, slot, buy, sell, buyer, seller, wh, price, ledger)"
                " VALUES(?,?,?,?,?,?,?,?,?)",
                (tid, t[0], buy, sell, buyer, seller, wh, price, ledger),
            )
            x("UPDATE orders SET filled = filled + ? WHERE id IN (?, ?)", (wh, buy, sell))
        elif name == "settle":
            x(
                "INSERT INTO settles(slot, trades, clearing_price, ledger, tx_hash) "
                "VALUES(?,?,?,?,?)",
                (t[0], d[0], d[1], ledger, tx),
            )
        elif name == "delivered":
            tid, wh, paid, fee, refund = d
            x(
                "UPDATE trades SET state = 'delivered', delivered_wh = ?, paid = ?, fee = ?, "
                "refund = ? WHERE trade_id = ?",
                (wh, paid, fee, refund, tid),
            )
        elif name == "expired":
            tid, refund = d
            x("UPDATE trades SET state = 'expired', refund = ? WHERE trade_id = ?", (refund, tid))
        elif name == "surplus":
            x(
                "INSERT INTO surplus(slot, donor, wh, ledger) VALUES(?,?,?,?)",
                (t[0], d[0], d[1], ledger),
            )
        elif name == "proof":
            donor, commitment, energy, sig, proof = d
            x(
                "INSERT INTO deliveries(meter, slot, donor, commitment, energy_wh, signature, "
                "proof, tx_hash, ledger) VALUES(?,?,?,?,?,?,?,?,?)",
                (
                    t[0].hex(),
                    t[1],
                    donor,
                    commitment.hex(),
                    energy,
                    sig.hex(),
                    proof.hex(),
                    tx,
                    ledger,
                ),
            )
    elif kind == "registry":
        if name == "member":
            role, feeder, active = d
            x(
                "INSERT OR REPLACE INTO members(address, role, feeder, active) VALUES(?,?,?,?)",
                (t[0], role, feeder, int(active)),
            )
        elif name == "meter":
            owner, feeder, cap, active = d
            x(
                "INSERT INTO meters(meter, owner, feeder, max_wh_per_minute, active, since) "
                "VALUES(?,?,?,?,?,?) ON CONFLICT(meter) DO UPDATE SET owner = excluded.owner, "
                "feeder = excluded.feeder, max_wh_per_minute = excluded.max_wh_per_minute, "
                "active = excluded.active",
                (t[0].hex(), owner, feeder, cap, int(active), ledger_time),
            )
    elif kind == "token":
        if name in ("mint", "transfer", "burn"):
            src = t[0] if name != "mint" else None
            dst = t[0] if name == "mint" else (t[1] if name == "transfer" else None)
            x(
                "INSERT INTO token_moves(event, kind, src, dst, amount, ledger) "
                "VALUES(?,?,?,?,?,?)",
                (ev_id, name, src, dst, _amount(d), ledger),
            )
    elif kind == "verifier" and name == "vk_set":
        x("INSERT INTO keys(circuit_id, vk, ledger) VALUES(?,?,?)", (t[0], d.hex(), ledger))


class Indexer:
    """Pulls events for the deployment's contracts into an `Index`."""

    def __init__(self, chain: Chain, contracts: dict[str, str], index: Index, start_ledger: int):
        self.chain = chain
        self.index = index
        self.kinds = {contracts[k]: k for k in WATCHED if k in contracts}
        self.start_ledger = max(1, start_ledger)
        self.filter = EventFilter(
            event_type=EventFilterType.CONTRACT, contract_ids=list(self.kinds)
        )

    def _page(self, cursor: str | None, limit: int):
        if cursor:
            return self.chain._net(
                lambda: self.chain.server.get_events(
                    filters=[self.filter], cursor=cursor, limit=limit
                )
            )
        return self.chain._net(
            lambda: self.chain.server.get_events(
                start_ledger=self.start_ledger, filters=[self.filter], limit=limit
            )
        )

    def poll(self, limit: int = 200) -> int:
        """Applies every event available now; returns how many were new."""
        new = 0
        while True:
            cursor = self.index.meta("cursor")
            page = self._page(cursor, limit)
            db = self.index.db
            with db:  # one transaction: the page's events, derived rows and the cursor
                for ev in page.events:
                    name, topics, data = decode(ev)
                    when = int(ev.ledger_close_at.timestamp())
                    kind = self.kinds.get(ev.contract_id, "other")
                    cur = db.execute(
                        "INSERT OR IGNORE INTO events(id, ledger, ledger_time, tx_hash, contract,"
                        " kind, name, topics, data) VALUES(?,?,?,?,?,?,?,?,?)",
                        (
                            ev.id,
                            ev.ledger,
                            when,
                            ev.transaction_hash or "",
                            ev.contract_id,
                            kind,
                            name,
                            dumps(topics),
                            dumps(data),
                        ),
                    )
                    if cur.rowcount:
                        apply(
                            db,
                            kind,
                            name,
                            topics,
                            data,
                            ev.id,
                            ev.ledger,
                            ev.transaction_hash,
                            when,
                        )
                        new += 1
                if page.cursor:
                    self.index.set_meta("cursor", page.cursor)
                if len(page.events) < limit:
                    self.index.set_meta("ledger", page.latest_ledger)
                    self.index.set_meta("ledger_time", page.latest_Ledger_close_time or 0)
            if len(page.events) < limit:
                return new

    def run(self, stop: threading.Event, interval: float = 1.0) -> None:
        """Polls until `stop` is set; an unreachable RPC is logged and retried."""

        def tick() -> None:
            n = self.poll()
            if n:
                log.info("indexed %d events (ledger %s)", n, self.index.meta("ledger"))

        keep_running(log, tick, stop, interval)

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

from .. import events
from ..bindings import Market
from ..chain import Chain
from ..loop import keep_running
from ..scval_codec import native
from .store import Index, dumps

log = logging.getLogger("urja.indexer")

WATCHED = ("token", "registry", "market", "verifier", "governance")
"""Contracts whose events are indexed (at most 5 ids per getEvents filter)."""


def decode(ev) -> tuple[str, list, object]:
    """(event name, decoded topics after the name, decoded data) of an RPC event."""
    topics = [native(sx.SCVal.from_xdr(t)) for t in ev.topic]
    data = native(sx.SCVal.from_xdr(ev.value))
    name = topics[0] if topics and isinstance(topics[0], str) else ""
    return name, topics[1:], data


def _amount(data) -> int:
    """A SEP-41 event amount: plain i128, or a map with `amount` (muxed form)."""
    return int(data["amount"] if isinstance(data, dict) else data)


def _meta(db, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _set_meta(db, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO meta(key, value) VALUES(?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def _credit(db, ev_id: str, n: int, owner, kind: str, amount: int, slot: int, ref: int, ledger):
    if amount:
        db.execute(
            "INSERT INTO credits(event, n, owner, kind, amount, slot, ref, ledger) "
            "VALUES(?,?,?,?,?,?,?,?)",
            (ev_id, n, owner, kind, amount, slot, ref, ledger),
        )


def _fee_recipient(db, tid: int, lookup) -> str | None:
    """The fee recipient fixed in trade `tid`. The market's constructor emits no `params`
    event, so trades settled before the first one were recorded without it; the first time
    such a trade pays a fee, `lookup(tid)` asks the chain (the trade carries its recipient)
    and every trade recorded before the first `params` event gets it."""
    row = db.execute("SELECT fee_recipient FROM trades WHERE trade_id = ?", (tid,)).fetchone()
    if row is None:
        raise ValueError(f"delivered event for trade {tid}, which the index never saw settled")
    if row[0] is not None or lookup is None:
        return row[0]
    who = lookup(tid)
    if who is None:
        return None
    first = _meta(db, "first_params_ledger")
    if first is None:
        _set_meta(db, "fee_recipient", who)
        _set_meta(db, "initial_fee_recipient", who)
        db.execute("UPDATE trades SET fee_recipient = ? WHERE fee_recipient IS NULL", (who,))
    else:
        trade_ledger = db.execute(
            "SELECT ledger FROM trades WHERE trade_id = ?", (tid,)
        ).fetchone()[0]
        if trade_ledger < int(first):  # a trade of the market's first terms
            _set_meta(db, "initial_fee_recipient", who)
            db.execute(
                "UPDATE trades SET fee_recipient = ? WHERE fee_recipient IS NULL AND ledger < ?",
                (who, int(first)),
            )
    db.execute("UPDATE trades SET fee_recipient = ? WHERE trade_id = ?", (who, tid))
    return who


def apply(
    db,
    kind: str,
    name: str,
    t: list,
    d,
    ev_id: str,
    ledger: int,
    tx: str,
    ledger_time: int,
    fee_recipient_of=None,
) -> None:
    """Updates the derived tables for one event (inside the caller's transaction).

    `fee_recipient_of(trade_id)` (optional) reads a trade's fee recipient from the chain
    when no event has named it yet (see `_fee_recipient`)."""
    x = db.execute
    ev = events.decode(kind, [name, *t], d) if kind != "token" else None
    if ev is None and kind != "token":
        return  # an event the table does not know stays in the events table only
    if kind == "market":
        _apply_market(db, ev, ev_id, ledger, tx, fee_recipient_of)
    elif kind == "registry":
        _apply_registry(db, ev, ledger_time)
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
        x(
            "INSERT INTO keys(circuit_id, vk, ledger) VALUES(?,?,?)",
            (ev.circuit_id, ev.vk.hex(), ledger),
        )


def _apply_market(db, ev, ev_id: str, ledger: int, tx: str, fee_recipient_of) -> None:
    """One market event (a typed record from `urja.events`) into orders, trades, credits,
    withdrawals, settles, surplus and deliveries."""
    x = db.execute
    name = ev.event
    if name == "order":
        x(
            "INSERT INTO orders(id, slot, owner, side, wh, price, escrow, ledger, meter, slots) "
            "VALUES(?,?,?,?,?,?,?,?,?,?)",
            (
                ev.id,
                ev.slot,
                ev.owner,
                ev.side.name,
                ev.wh,
                ev.price,
                ev.escrow,
                ledger,
                ev.meter.hex() if ev.meter is not None else None,
                events.order_slots(ev),
            ),
        )
    elif name in ("cancel", "release"):
        status = "cancelled" if name == "cancel" else "closed"
        x(
            "UPDATE orders SET status = ?, refund = refund + ? WHERE id = ?",
            (status, ev.refund, ev.id),
        )
        if name == "release":  # a release credits; a cancel transfers to the owner
            row = x("SELECT owner FROM orders WHERE id = ?", (ev.id,)).fetchone()
            owner = row[0] if row else None
            _credit(db, ev_id, 0, owner, "release", ev.refund, ev.slot, ev.id, ledger)
    elif name == "trade":
        x(
            "INSERT INTO trades(trade_id, slot, buy, sell, buyer, seller, wh, price, ledger,"
            " fee_recipient) VALUES(?,?,?,?,?,?,?,?,?,?)",
            (
                ev.trade_id,
                ev.slot,
                ev.buy,
                ev.sell,
                ev.buyer,
                ev.seller,
                ev.wh,
                ev.price,
                ledger,
                _meta(db, "fee_recipient"),
            ),
        )
        x(
            "UPDATE orders SET filled = filled + ? WHERE id IN (?, ?)",
            (ev.wh, ev.buy, ev.sell),
        )
    elif name == "params":
        if _meta(db, "first_params_ledger") is None:
            _set_meta(db, "first_params_ledger", str(ledger))
        _set_meta(db, "fee_recipient", ev.params["fee_recipient"])
        _set_meta(db, "market_params", dumps(ev.params))
    elif name == "withdraw":
        x(
            "INSERT INTO withdrawals(event, owner, amount, ledger, tx_hash) VALUES(?,?,?,?,?)",
            (ev_id, ev.owner, ev.amount, ledger, tx or ""),
        )
    elif name == "settle":
        x(
            "INSERT INTO settles(slot, trades, clearing_price, ledger, tx_hash) VALUES(?,?,?,?,?)",
            (ev.slot, ev.trades, ev.clearing_price, ledger, tx),
        )
    elif name == "delivered":
        tid = ev.trade_id
        x(
            "UPDATE trades SET state = 'delivered', delivered_wh = ?, paid = ?, fee = ?, "
            "refund = ? WHERE trade_id = ?",
            (ev.delivered_wh, ev.paid, ev.fee, ev.refund, tid),
        )
        row = x("SELECT buyer, seller FROM trades WHERE trade_id = ?", (tid,)).fetchone()
        buyer, seller = row if row else (None, None)
        recipient = _fee_recipient(db, tid, fee_recipient_of) if ev.fee else None
        _credit(db, ev_id, 0, seller, "paid", ev.paid, ev.slot, tid, ledger)
        _credit(db, ev_id, 1, recipient, "fee", ev.fee, ev.slot, tid, ledger)
        _credit(db, ev_id, 2, buyer, "refund", ev.refund, ev.slot, tid, ledger)
    elif name == "expired":
        tid = ev.trade_id
        x(
            "UPDATE trades SET state = 'expired', refund = ? WHERE trade_id = ?",
            (ev.refund, tid),
        )
        row = x("SELECT buyer FROM trades WHERE trade_id = ?", (tid,)).fetchone()
        buyer = row[0] if row else None
        _credit(db, ev_id, 0, buyer, "expired", ev.refund, ev.slot, tid, ledger)
    elif name == "swept":  # escrow past every deadline of its owner, moved to credit
        _credit(db, ev_id, 0, ev.owner, "swept", ev.amount, 0, 0, ledger)
    elif name == "surplus":
        x(
            "INSERT INTO surplus(slot, donor, wh, ledger) VALUES(?,?,?,?)",
            (ev.slot, ev.donor, ev.wh, ledger),
        )
    elif name == "proof":
        x(
            "INSERT INTO deliveries(meter, slot, donor, commitment, energy_wh, signature, "
            "proof, tx_hash, ledger) VALUES(?,?,?,?,?,?,?,?,?)",
            (
                ev.meter.hex(),
                ev.slot,
                ev.donor,
                ev.commitment.hex(),
                ev.energy_wh,
                ev.signature.hex(),
                ev.proof.hex(),
                tx,
                ledger,
            ),
        )


def _apply_registry(db, ev, ledger_time: int) -> None:
    """One registry event into members and meters."""
    x = db.execute
    name = ev.event
    if name == "member":
        x(
            "INSERT OR REPLACE INTO members(address, role, feeder, active, since) "
            "VALUES(?,?,?,?,?)",
            (ev.addr, int(ev.role), ev.feeder, int(ev.active), ev.since),
        )
    elif name == "meter":
        x(
            "INSERT INTO meters(meter, owner, feeder, max_wh_per_minute, active, since, "
            "accepted) VALUES(?,?,?,?,?,?,?) ON CONFLICT(meter) DO UPDATE SET "
            "owner = excluded.owner, feeder = excluded.feeder, "
            "max_wh_per_minute = excluded.max_wh_per_minute, active = excluded.active, "
            "accepted = excluded.accepted",
            (
                ev.meter_id.hex(),
                ev.owner,
                ev.feeder,
                ev.max_wh_per_minute,
                int(ev.active),
                ledger_time,
                int(ev.accepted),
            ),
        )


def watched(contracts: dict[str, str]) -> EventFilter:
    """The RPC event filter for the deployment's contracts the index follows."""
    return EventFilter(
        event_type=EventFilterType.CONTRACT,
        contract_ids=[contracts[k] for k in WATCHED if k in contracts],
    )


def events_between(chain: Chain, contracts: dict[str, str], after: int, upto: int) -> bool:
    """Whether the deployment's contracts emitted any event in ledgers `after` + 1 to `upto`
    (asked of the RPC, not the index): an index synced to `after` then holds the state of
    every ledger up to `upto`."""
    if upto <= after:
        return False
    page = chain._net(
        lambda: chain.server.get_events(
            start_ledger=after + 1, filters=[watched(contracts)], limit=1
        )
    )
    return any(ev.ledger <= upto for ev in page.events)


class Indexer:
    """Pulls events for the deployment's contracts into an `Index`."""

    def __init__(self, chain: Chain, contracts: dict[str, str], index: Index, start_ledger: int):
        self.chain = chain
        self.index = index
        self.kinds = {contracts[k]: k for k in WATCHED if k in contracts}
        self.start_ledger = max(1, start_ledger)
        self.filter = watched(contracts)
        self.market_id = contracts.get("market")

    def fee_recipient_of(self, trade_id: int) -> str | None:
        """The fee recipient stored in trade `trade_id` (the market's `trade` view)."""
        if self.market_id is None:
            return None
        t = Market(self.chain, self.market_id).trade(trade_id)
        return t["fee_recipient"] if t else None

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
                            self.fee_recipient_of,
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

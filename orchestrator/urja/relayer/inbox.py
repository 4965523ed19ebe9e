"""The relayer's durable inbox of meter slots: at-least-once delivery in, exactly once out.

Meters resend a slot whenever an acknowledgement is lost, so the inbox keys each slot by
(meter, slot) in SQLite (WAL, full sync): a resend of the same message is a no-op, a
different message for a slot already received is refused, and a crash at any moment keeps
every accepted slot. Raw readings stay here, private to the grid server.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from .message import MessageError, MeterSlot, encode, parse


class Inbox:
    """Accepted meter slots and their delivery state."""

    def __init__(self, path: Path, readonly: bool = False) -> None:
        """The relayer's inbox at `path`, created if missing; `readonly` opens an existing
        file without writing (a reader beside the relayer: the API, `urja meter publish`),
        and its queries find nothing while the relayer has not created its tables."""
        self.readonly = readonly
        if readonly:
            self.db = sqlite3.connect(
                f"file:{path}?mode=ro", uri=True, check_same_thread=False, timeout=30
            )
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # Callers serialise access (the relayer holds a lock); MQTT callbacks run on their
        # own thread.
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.executescript(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
            "CREATE TABLE IF NOT EXISTS slots(meter BLOB NOT NULL, slot INTEGER NOT NULL,"
            " message TEXT NOT NULL, delivered_tx TEXT, PRIMARY KEY(meter, slot));"
            "CREATE TABLE IF NOT EXISTS dead_letters(id INTEGER PRIMARY KEY,"
            " received_at INTEGER NOT NULL, meter TEXT, slot INTEGER, reason TEXT NOT NULL,"
            " payload BLOB NOT NULL);"
        )

    def accept(self, m: MeterSlot) -> bool:
        """Stores a verified slot; False when this exact message was already stored."""
        text = encode(m)
        row = self.db.execute(
            "SELECT message FROM slots WHERE meter = ? AND slot = ?", (m.meter, m.slot)
        ).fetchone()
        if row is not None:
            if row[0] == text:
                return False
            raise MessageError(
                f"slot {m.slot}: meter {m.meter.hex()} already reported different readings"
            )
        self.db.execute(
            "INSERT INTO slots(meter, slot, message) VALUES (?, ?, ?)", (m.meter, m.slot, text)
        )
        return True

    def reject(self, payload: bytes | str, reason: str, m: MeterSlot | None = None) -> None:
        """Files a refused message with its reason in the dead-letter table."""
        if isinstance(payload, str):
            payload = payload.encode()
        self.db.execute(
            "INSERT INTO dead_letters(received_at, meter, slot, reason, payload)"
            " VALUES (strftime('%s','now'), ?, ?, ?, ?)",
            (m.meter.hex() if m else None, m.slot if m else None, reason, payload),
        )

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        try:
            return self.db.execute(sql, args).fetchall()
        except sqlite3.OperationalError:
            if self.readonly:  # the relayer has not created its tables yet
                return []
            raise

    def messages_between(self, first: int, last: int) -> list[str]:
        """The accepted messages (signed text) of slots `first`..`last`."""
        rows = self._read("SELECT message FROM slots WHERE slot BETWEEN ? AND ?", (first, last))
        return [r[0] for r in rows]

    def last_dead_letter(self) -> int:
        """The id of the newest refused message (0 when none)."""
        rows = self._read("SELECT coalesce(max(id), 0) FROM dead_letters")
        return rows[0][0] if rows else 0

    def refusals(self, meter_hex: str, slot: int, after: int = 0) -> list[str]:
        """Reasons the relayer refused `meter_hex`'s message for `slot` after dead letter
        `after`, oldest first."""
        rows = self._read(
            "SELECT reason FROM dead_letters WHERE id > ? AND meter = ? AND slot = ? ORDER BY id",
            (after, meter_hex, slot),
        )
        return [r[0] for r in rows]

    def delivery(self, meter: bytes, slot: int) -> tuple[bool, str | None]:
        """(accepted, delivered_tx) of `meter`'s `slot`: whether the inbox holds it, and the
        transaction that delivered it ('refused: ...' when the market refused it)."""
        rows = self._read(
            "SELECT delivered_tx FROM slots WHERE meter = ? AND slot = ?", (meter, slot)
        )
        return (True, rows[0][0]) if rows else (False, None)

    def dead_letters(self) -> list[dict]:
        """Refused messages, oldest first: {received_at, meter, slot, reason, payload}."""
        cur = self.db.execute(
            "SELECT received_at, meter, slot, reason, payload FROM dead_letters ORDER BY id"
        )
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    def pending(self) -> list[MeterSlot]:
        """Accepted slots not yet delivered on-chain, oldest first. A stored message this
        version can no longer read (a v1 message, signed without a market domain) is kept,
        marked refused and filed as a dead letter with the reason, instead of being retried."""
        rows = self.db.execute(
            "SELECT meter, slot, message FROM slots WHERE delivered_tx IS NULL ORDER BY slot, meter"
        ).fetchall()
        out = []
        for meter, slot, text in rows:
            try:
                out.append(parse(text))
            except MessageError as e:
                self.db.execute("BEGIN")
                self.db.execute(
                    "UPDATE slots SET delivered_tx = ? WHERE meter = ? AND slot = ?",
                    (f"refused: {e}", meter, slot),
                )
                self.db.execute(
                    "INSERT INTO dead_letters(received_at, meter, slot, reason, payload)"
                    " VALUES (strftime('%s','now'), ?, ?, ?, ?)",
                    (bytes(meter).hex(), slot, f"stored message unreadable: {e}", text.encode()),
                )
                self.db.execute("COMMIT")
        return out

    def mark_delivered(self, m: MeterSlot, tx_hash: str) -> None:
        """Records the transaction that delivered a slot."""
        self.db.execute(
            "UPDATE slots SET delivered_tx = ? WHERE meter = ? AND slot = ?",
            (tx_hash, m.meter, m.slot),
        )


class VerdictError(ValueError):
    """A published meter message was refused, or no verdict came within the wait (the
    message says which, with the reason or what to check)."""


def last_dead_letter(inbox_path: Path) -> int:
    """The newest dead letter's id in the relayer's inbox at `inbox_path` (0 without one)."""
    if not inbox_path.exists():
        return 0
    inbox = Inbox(inbox_path, readonly=True)
    try:
        return inbox.last_dead_letter()
    finally:
        inbox.db.close()


def await_verdict(
    inbox_path: Path,
    index_path: Path,
    meter_hex: str,
    slot: int,
    seen: int,
    deadline: float,
    say: Callable[[str], object] = print,
) -> str:
    """Follows the relayer's inbox, then the index, until `meter_hex`'s message for `slot`
    is refused (a dead letter after `seen`, or a delivery the market refused: VerdictError
    with the reason) or its delivery is proven on-chain and indexed (its transaction is
    returned), or `deadline` (time.monotonic) passes (VerdictError)."""
    inbox = Inbox(inbox_path, readonly=True)
    try:
        accepted = False
        while time.monotonic() < deadline:
            refused = inbox.refusals(meter_hex, slot, after=seen)
            if refused:
                raise VerdictError(
                    f"the relayer refused slot {slot} of meter {meter_hex[:12]}: {refused[-1]}"
                )
            stored, tx = inbox.delivery(bytes.fromhex(meter_hex), slot)
            if stored and not accepted:
                accepted = True
                say("accepted by the relayer; waiting for the delivery proof on-chain ...")
            if tx:
                if tx.startswith("refused"):
                    raise VerdictError(f"the market refused the delivery: {tx}")
                if _indexed(index_path, meter_hex, slot, deadline):
                    return tx
                break
            time.sleep(0.3)
    finally:
        inbox.db.close()
    raise VerdictError(
        f"no verdict on slot {slot} within the wait: is `urja serve` (or `urja relayer run`)"
        " running? Refusals: `urja relayer dead-letters`"
        if not accepted
        else f"slot {slot} was accepted but is not proven yet; see `urja trades --slot {slot}`"
    )


def _indexed(index_path: Path, meter_hex: str, slot: int, deadline: float) -> bool:
    """Waits until the index shows the delivery, so `urja trades` agrees right after."""
    from ..indexer.store import Index

    while time.monotonic() < deadline:
        if index_path.exists():
            ix = Index(index_path, readonly=True)
            try:
                if ix.deliveries(slot, meter=meter_hex):
                    return True
            finally:
                ix.db.close()
        time.sleep(0.3)
    return False

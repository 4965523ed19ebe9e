"""The event index: every contract event, and the market state derived from them, in SQLite.

Each page of events and the cursor that follows it are written in one transaction, so the
indexer resumes exactly where it stopped after any crash, and an event is never applied twice
(events are keyed by their RPC id). Other services (matcher, API, monitor, audit) open the same
file read-only: SQLite's WAL mode lets them read while the indexer writes.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from pathlib import Path

SCHEMA = """
PRAGMA journal_mode=WAL;
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events(
  id TEXT PRIMARY KEY, ledger INTEGER NOT NULL, ledger_time INTEGER NOT NULL,
  tx_hash TEXT NOT NULL, contract TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
  topics TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_name ON events(kind, name);
CREATE TABLE IF NOT EXISTS orders(
  id INTEGER PRIMARY KEY, slot INTEGER NOT NULL, owner TEXT NOT NULL, side TEXT NOT NULL,
  wh INTEGER NOT NULL, price INTEGER NOT NULL, escrow INTEGER NOT NULL,
  filled INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'open',
  refund INTEGER NOT NULL DEFAULT 0, ledger INTEGER NOT NULL, meter TEXT);
CREATE INDEX IF NOT EXISTS orders_slot ON orders(slot);
CREATE INDEX IF NOT EXISTS orders_owner ON orders(owner);
CREATE TABLE IF NOT EXISTS trades(
  trade_id INTEGER PRIMARY KEY, slot INTEGER NOT NULL, buy INTEGER NOT NULL,
  sell INTEGER NOT NULL, buyer TEXT NOT NULL, seller TEXT NOT NULL, wh INTEGER NOT NULL,
  price INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'matched',
  delivered_wh INTEGER NOT NULL DEFAULT 0, paid INTEGER NOT NULL DEFAULT 0,
  fee INTEGER NOT NULL DEFAULT 0, refund INTEGER NOT NULL DEFAULT 0, ledger INTEGER NOT NULL,
  fee_recipient TEXT);
CREATE INDEX IF NOT EXISTS trades_slot ON trades(slot);
CREATE TABLE IF NOT EXISTS settles(
  slot INTEGER NOT NULL, trades INTEGER NOT NULL, clearing_price INTEGER,
  ledger INTEGER NOT NULL, tx_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries(
  meter TEXT NOT NULL, slot INTEGER NOT NULL, donor TEXT NOT NULL, commitment TEXT NOT NULL,
  energy_wh INTEGER NOT NULL, signature TEXT NOT NULL, proof TEXT NOT NULL,
  tx_hash TEXT NOT NULL, ledger INTEGER NOT NULL, PRIMARY KEY(meter, slot));
CREATE TABLE IF NOT EXISTS surplus(slot INTEGER NOT NULL, donor TEXT NOT NULL,
  wh INTEGER NOT NULL, ledger INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS members(address TEXT PRIMARY KEY, role INTEGER NOT NULL,
  feeder INTEGER NOT NULL, active INTEGER NOT NULL, since INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS meters(meter TEXT PRIMARY KEY, owner TEXT NOT NULL,
  feeder INTEGER NOT NULL, max_wh_per_minute INTEGER NOT NULL, active INTEGER NOT NULL,
  since INTEGER NOT NULL, accepted INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS meters_owner ON meters(owner);
CREATE TABLE IF NOT EXISTS credits(event TEXT NOT NULL, n INTEGER NOT NULL, owner TEXT,
  kind TEXT NOT NULL, amount INTEGER NOT NULL, slot INTEGER NOT NULL, ref INTEGER NOT NULL,
  ledger INTEGER NOT NULL, PRIMARY KEY(event, n));
CREATE INDEX IF NOT EXISTS credits_owner ON credits(owner);
CREATE TABLE IF NOT EXISTS withdrawals(event TEXT PRIMARY KEY, owner TEXT NOT NULL,
  amount INTEGER NOT NULL, ledger INTEGER NOT NULL, tx_hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS withdrawals_owner ON withdrawals(owner);
CREATE TABLE IF NOT EXISTS token_moves(event TEXT PRIMARY KEY, kind TEXT NOT NULL,
  src TEXT, dst TEXT, amount INTEGER NOT NULL, ledger INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS keys(circuit_id INTEGER NOT NULL, vk TEXT NOT NULL,
  ledger INTEGER NOT NULL);
"""

SCHEMA_VERSION = 2
"""Bumped whenever a table changes shape; an index of another version is refused by name
(the indexer rebuilds a fresh one from the chain)."""

ROLE_NAMES = {1: "donor", 2: "receiver", 3: "both"}
"""Registry role numbers as words."""


def _jsonable(v):
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    return v


def dumps(v) -> str:
    """JSON text of a decoded event value (bytes as hex, big integers kept exact)."""
    return json.dumps(_jsonable(v), separators=(",", ":"))


def _create(path: Path) -> None:
    """Creates the index with its whole schema under a temporary name, then links it into
    place, so a reader never sees a file without tables. If another writer got there first,
    its file stays and this one is dropped (a link never replaces an existing file)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".index-", suffix=".sqlite")
    os.close(fd)
    try:
        db = sqlite3.connect(tmp)
        db.executescript(SCHEMA)
        with db:
            db.execute("INSERT INTO meta(key, value) VALUES('schema', ?)", (str(SCHEMA_VERSION),))
        db.close()
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        for leftover in (tmp, tmp + "-wal", tmp + "-shm"):
            Path(leftover).unlink(missing_ok=True)


class IndexSchemaError(ValueError):
    """The index file was written by another schema version (a ValueError, so commands
    report it in one line)."""


class Index:
    """The indexer's SQLite file; writable by the indexer, read-only for everyone else."""

    def __init__(self, path: Path, readonly: bool = False) -> None:
        self.path = Path(path)
        if readonly:
            if not self.path.exists():
                raise FileNotFoundError(f"no index at {self.path}: run `urja indexer run` first")
            uri = f"file:{self.path}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=30)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                _create(self.path)
            self.db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            self._check_schema()
            self.db.executescript(SCHEMA)
            self.db.execute("PRAGMA synchronous=FULL")
        self.db.row_factory = sqlite3.Row
        if readonly:
            self._check_schema()

    def _check_schema(self) -> None:
        """Refuses an index written by another schema version (it is left untouched)."""
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.OperationalError:
            return  # no meta table yet: a file another writer is still creating
        found = row[0] if row else "1"
        if found != str(SCHEMA_VERSION):
            raise IndexSchemaError(
                f"the index at {self.path} has schema version {found}, this urja writes "
                f"{SCHEMA_VERSION}: move it aside and run `urja indexer run` to rebuild it "
                "from the chain"
            )

    # -- meta ------------------------------------------------------------------------------

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value) -> None:
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES(?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )

    def synced(self) -> tuple[int, int]:
        """(ledger, close time) up to which every event is in the index."""
        return int(self.meta("ledger", "0")), int(self.meta("ledger_time", "0"))

    # -- reads shared by services ------------------------------------------------------------

    def rows(self, sql: str, args: tuple = ()) -> list[dict]:
        """Query rows as dicts."""
        return [dict(r) for r in self.db.execute(sql, args).fetchall()]

    def open_orders(self, slot: int) -> list[dict]:
        """Orders of `slot` still open, oldest first (the matcher's book)."""
        return self.rows(
            "SELECT * FROM orders WHERE slot = ? AND status = 'open' ORDER BY id", (slot,)
        )

    def settled_pairs(self, slot: int) -> set[tuple[int, int]]:
        """(buy, sell) order pairs already settled in `slot`."""
        return {
            (r["buy"], r["sell"])
            for r in self.rows("SELECT buy, sell FROM trades WHERE slot = ?", (slot,))
        }

    def slot_summary(self, slot: int) -> dict:
        """One slot's figures: orders, trades, cleared and delivered energy, shortfalls,
        clearing price and proofs (the API's slot list and the demo's table)."""
        o = self.rows(
            "SELECT coalesce(sum(side='sell'),0) offers, coalesce(sum(side='buy'),0) bids,"
            " coalesce(sum(CASE WHEN side='sell' THEN wh ELSE 0 END),0) offered_wh,"
            " coalesce(sum(CASE WHEN side='buy' THEN wh ELSE 0 END),0) bid_wh"
            " FROM orders WHERE slot = ? AND status != 'cancelled'",
            (slot,),
        )[0]
        t = self.rows(
            "SELECT count(*) trades, coalesce(sum(wh),0) cleared_wh,"
            " coalesce(sum(delivered_wh),0) delivered_wh,"
            " coalesce(sum(state = 'delivered' AND delivered_wh < wh),0) shortfalls"
            " FROM trades WHERE slot = ?",
            (slot,),
        )[0]
        price = self.rows("SELECT clearing_price FROM settles WHERE slot = ? LIMIT 1", (slot,))
        proofs = self.rows("SELECT count(*) n FROM deliveries WHERE slot = ?", (slot,))[0]["n"]
        return {
            "slot": slot,
            **o,
            **t,
            "price": price[0]["clearing_price"] if price else None,
            "deliveries": proofs,
        }

    def event_count(self) -> int:
        """How many contract events the index holds."""
        return self.db.execute("SELECT count(*) FROM events").fetchone()[0]

    # -- households: credits, withdrawals, meters ---------------------------------------------

    def credit_of(self, addr: str) -> int:
        """The payment-token credit `addr` may withdraw from the market now (as far as the
        index has followed): everything deliveries, expired trades and released bids credited
        it, less what it withdrew. Equals the market's `credit(addr)` view when synced."""
        got = self.db.execute(
            "SELECT coalesce(sum(amount), 0) FROM credits WHERE owner = ?", (addr,)
        ).fetchone()[0]
        out = self.db.execute(
            "SELECT coalesce(sum(amount), 0) FROM withdrawals WHERE owner = ?", (addr,)
        ).fetchone()[0]
        return got - out

    def credits(self, addr: str, limit: int = 100) -> list[dict]:
        """`addr`'s credits, newest first: kind ('paid' to a seller, 'fee' to the fee
        recipient, 'refund' of a delivered trade's unused escrow, 'expired', 'release', 'swept'
        escrow past every deadline), amount, slot, ref (trade id, or order id for 'release';
        both 0 for 'swept') and ledger."""
        return self.rows(
            "SELECT kind, amount, slot, ref, ledger, event FROM credits WHERE owner = ? "
            "ORDER BY ledger DESC, event DESC, n DESC LIMIT ?",
            (addr, limit),
        )

    def withdrawals(self, addr: str, limit: int = 100) -> list[dict]:
        """`addr`'s withdrawals of its credit, newest first: amount, ledger, tx_hash."""
        return self.rows(
            "SELECT amount, ledger, tx_hash, event FROM withdrawals WHERE owner = ? "
            "ORDER BY ledger DESC, event DESC LIMIT ?",
            (addr, limit),
        )

    def meters_of(self, owner: str) -> list[dict]:
        """`owner`'s meters: meter (hex key), feeder, max_wh_per_minute, active, accepted
        (a meter the operator proposed delivers only once its owner accepted it)."""
        return self.rows(
            "SELECT meter, feeder, max_wh_per_minute, active, accepted, since FROM meters "
            "WHERE owner = ? ORDER BY since, meter",
            (owner,),
        )

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
from collections.abc import Iterator
from contextlib import contextmanager
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
  refund INTEGER NOT NULL DEFAULT 0, ledger INTEGER NOT NULL, meter TEXT,
  slots INTEGER NOT NULL DEFAULT 1);
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

SCHEMA_VERSION = 3
"""Bumped whenever a table changes shape; an index of another version is refused by name
(the indexer rebuilds a fresh one from the chain). 3: `orders.slots` (standing orders)."""

COVERS = "slot <= ? AND ? < slot + slots"
"""SQL of "the order stands for slot `?`" (both `?` the slot): an order's `slot` is its
first slot and it stands for `slots` consecutive ones, for up to `wh` in each."""


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
        self._snapshots = 0
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

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read inside sees the index at one moment (one SQLite read transaction; WAL
        lets the indexer go on writing meanwhile): an auditor comparing events with derived
        tables must not see a page the indexer wrote between two of its queries."""
        if self._snapshots:
            self._snapshots += 1
        else:
            self.db.execute("BEGIN")
            self._snapshots = 1
        try:
            yield
        finally:
            self._snapshots -= 1
            if not self._snapshots:
                self.db.execute("COMMIT")

    def synced(self) -> tuple[int, int]:
        """(ledger, close time) up to which every event is in the index."""
        return int(self.meta("ledger", "0")), int(self.meta("ledger_time", "0"))

    # -- named queries: every read of the index outside this package goes through these ----

    def rows(self, sql: str, args: tuple = ()) -> list[dict]:
        """Query rows as dicts (for this package; other modules use the named queries)."""
        return [dict(r) for r in self.db.execute(sql, args).fetchall()]

    def _select(
        self,
        table: str,
        *,
        slot: int | None = None,
        who: tuple[str, ...] = (),
        account: str | None = None,
        where: str = "",
        where_args: tuple = (),
        order: str,
        limit: int | None = None,
        columns: str = "*",
    ) -> list[dict]:
        """Rows of `table`, of `slot` if given, where any of the columns `who` is `account`
        if given, and `where` (SQL of the caller with `?` for `where_args`): the one
        slot-and-account filter. For `orders`, "of `slot`" means standing for it (a
        standing order is of every slot it covers)."""
        sql, args = f"SELECT {columns} FROM {table} WHERE 1=1", []
        if slot is not None and table == "orders":
            sql += f" AND {COVERS}"
            args.extend([slot, slot])
        elif slot is not None:
            sql += " AND slot = ?"
            args.append(slot)
        if account is not None:
            sql += " AND (" + " OR ".join(f"{c} = ?" for c in who) + ")"
            args.extend([account] * len(who))
        if where:
            sql += f" AND {where}"
            args.extend(where_args)
        sql += f" ORDER BY {order}"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return self.rows(sql, tuple(args))

    def orders(
        self,
        slot: int | None = None,
        owner: str | None = None,
        *,
        newest_first: bool = False,
        with_cancelled: bool = True,
    ) -> list[dict]:
        """Orders standing for `slot` (a standing order is of each slot it covers) and/or
        of `owner` (every order when both are None), oldest first (by ledger, then id: ids are
        per household, not in time). `wh` is per slot, `filled` over all the order's
        slots."""
        return self._select(
            "orders",
            slot=slot,
            who=("owner",),
            account=owner,
            where="" if with_cancelled else "status != 'cancelled'",
            order="ledger DESC, id DESC" if newest_first else "ledger, id",
        )

    def open_orders(self, slot: int, owner: str | None = None) -> list[dict]:
        """Orders standing for `slot` (and of `owner`, if given) still open, oldest first
        (a household's agent); standing orders placed for earlier slots included."""
        return self._select(
            "orders",
            slot=slot,
            who=("owner",),
            account=owner,
            where="status = 'open'",
            order="ledger, id",
        )

    def book(self, slot: int) -> list[dict]:
        """Orders standing for `slot` not cancelled, oldest first, each with its owner's
        `feeder` (None for an owner the registry never named): what the matching engine
        sees. A standing order is in the book of every slot it covers, for its per-slot
        `wh`."""
        return self.rows(
            "SELECT o.*, m.feeder AS feeder FROM orders o LEFT JOIN members m"
            " ON m.address = o.owner WHERE o.slot <= ? AND ? < o.slot + o.slots"
            " AND o.status != 'cancelled' ORDER BY o.ledger, o.id",
            (slot, slot),
        )

    def releasable_bids(self, first_slot: int, last_ended_slot: int, limit: int) -> list[int]:
        """Ids of open bids with an unmatched part whose last slot is in `first_slot..=
        last_ended_slot` (the market releases an order only after its last slot ended, so
        their escrow may be released now; older ones are their owners' to sweep)."""
        rows = self.rows(
            "SELECT id FROM orders WHERE status = 'open' AND side = 'buy' "
            "AND filled < wh * slots AND slot + slots - 1 BETWEEN ? AND ? ORDER BY id LIMIT ?",
            (first_slot, last_ended_slot, limit),
        )
        return [r["id"] for r in rows]

    def trades(
        self,
        slot: int | None = None,
        account: str | None = None,
        *,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[dict]:
        """Trades of `slot` and/or where `account` is buyer or seller, by trade id."""
        return self._select(
            "trades",
            slot=slot,
            who=("buyer", "seller"),
            account=account,
            order="trade_id DESC" if newest_first else "trade_id",
            limit=limit,
        )

    def undelivered_trades(
        self, first_slot: int, last_past_deadline_slot: int, limit: int
    ) -> list[int]:
        """Ids of trades still awaiting delivery in slots `first_slot..=
        last_past_deadline_slot` (their deadline passed: the buyer's escrow may be refunded;
        older ones are their buyers' to sweep)."""
        rows = self.rows(
            "SELECT trade_id FROM trades WHERE state = 'matched' AND slot BETWEEN ? AND ? "
            "ORDER BY trade_id LIMIT ?",
            (first_slot, last_past_deadline_slot, limit),
        )
        return [r["trade_id"] for r in rows]

    def settled_pairs(self, slot: int) -> set[tuple[int, int]]:
        """(buy, sell) order pairs already settled in `slot` (the market settles a pair at
        most once per slot: two standing orders may trade again in each slot they share)."""
        return {(r["buy"], r["sell"]) for r in self.trades(slot)}

    def deliveries(
        self,
        slot: int | None = None,
        donor: str | None = None,
        *,
        meter: str | None = None,
        limit: int | None = None,
    ) -> list[dict]:
        """Proven deliveries of `slot`, `donor` and/or `meter` (hex), newest ledger first."""
        return self._select(
            "deliveries",
            slot=slot,
            who=("donor",),
            account=donor,
            where="meter = ?" if meter is not None else "",
            where_args=(meter,) if meter is not None else (),
            order="ledger DESC, meter",
            limit=limit,
        )

    def delivery_count(self, slot: int) -> int:
        """How many meters proved a delivery in `slot`."""
        return self.db.execute(
            "SELECT count(*) FROM deliveries WHERE slot = ?", (slot,)
        ).fetchone()[0]

    def slots(self, limit: int) -> list[int]:
        """The newest `limit` slots some order stands for, newest first (a standing order
        puts each slot it covers in the list)."""
        rows = self.rows(
            "WITH RECURSIVE covered(slot, last) AS ("
            " SELECT slot, slot + slots - 1 FROM orders"
            " UNION SELECT slot + 1, last FROM covered WHERE slot < last)"
            " SELECT DISTINCT slot FROM covered ORDER BY slot DESC LIMIT ?",
            (limit,),
        )
        return [r["slot"] for r in rows]

    def clearing_prices(self, after: int | None = None) -> dict[int, int | None]:
        """Slot -> its uniform clearing price (None: settled without a trade), for every
        settled slot after `after` (all when None), in slot order."""
        rows = self.rows(
            "SELECT slot, MAX(clearing_price) AS price FROM settles WHERE slot > ? "
            "GROUP BY slot ORDER BY slot",
            (-1 if after is None else after,),
        )
        return {r["slot"]: r["price"] for r in rows}

    def clearing_price(self, slot: int) -> int | None:
        """`slot`'s uniform clearing price, None before it settled with a trade."""
        return self.clearing_prices(slot - 1).get(slot)

    def member(self, address: str) -> dict | None:
        """The registry's record of `address` (role, feeder, active, since), or None."""
        rows = self.rows("SELECT * FROM members WHERE address = ?", (address,))
        return rows[0] if rows else None

    def meters(self) -> list[dict]:
        """Every registered meter (hex id, owner, feeder, max_wh_per_minute, active,
        accepted, since)."""
        return self.rows("SELECT * FROM meters ORDER BY since, meter")

    def events(
        self,
        kind: str | None = None,
        name: str | None = None,
        *,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[dict]:
        """Raw contract events (of `kind` and `name` if given) with their topics (after the
        name) and data parsed from JSON, in ledger order (`urja.events.from_row` types
        them)."""
        where = " AND ".join(
            f"{col} = ?" for col, v in (("kind", kind), ("name", name)) if v is not None
        )
        args = tuple(v for v in (kind, name) if v is not None)
        sql = "SELECT * FROM events" + (f" WHERE {where}" if where else "")
        sql += " ORDER BY ledger DESC, id DESC" if newest_first else " ORDER BY ledger, id"
        if limit is not None:
            sql += " LIMIT ?"
            args += (limit,)
        rows = self.rows(sql, args)
        for r in rows:
            r["topics"], r["data"] = json.loads(r["topics"]), json.loads(r["data"])
        return rows

    def slot_summary(self, slot: int) -> dict:
        """One slot's figures: orders, trades, cleared and delivered energy, shortfalls,
        clearing price and proofs (the API's slot list and the demo's table). Orders are
        those standing for the slot, each with its per-slot `wh`."""
        o = self.rows(
            "SELECT coalesce(sum(side='sell'),0) offers, coalesce(sum(side='buy'),0) bids,"
            " coalesce(sum(CASE WHEN side='sell' THEN wh ELSE 0 END),0) offered_wh,"
            " coalesce(sum(CASE WHEN side='buy' THEN wh ELSE 0 END),0) bid_wh"
            f" FROM orders WHERE {COVERS} AND status != 'cancelled'",
            (slot, slot),
        )[0]
        t = self.rows(
            "SELECT count(*) trades, coalesce(sum(wh),0) cleared_wh,"
            " coalesce(sum(delivered_wh),0) delivered_wh,"
            " coalesce(sum(state = 'delivered' AND delivered_wh < wh),0) shortfalls"
            " FROM trades WHERE slot = ?",
            (slot,),
        )[0]
        return {
            "slot": slot,
            **o,
            **t,
            "price": self.clearing_price(slot),
            "deliveries": self.delivery_count(slot),
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

    def credit_owners(self) -> list[str]:
        """Every address the market ever credited or paid out to (whose `credit` view an
        auditor compares), sorted."""
        return [
            r["owner"]
            for r in self.rows(
                "SELECT owner FROM credits UNION SELECT owner FROM withdrawals ORDER BY owner"
            )
        ]

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

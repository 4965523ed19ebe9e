"""The read-only HTTP API the dashboard (and anyone) uses: config, slots, books, trades,
deliveries, a household's history, meters and credit, and grid status. OpenAPI at
`/openapi.json`, docs at `/docs`. It reads the indexer's SQLite file (and the relayer's, for
grid status) and asks the RPC for the latest ledger and a household's withdrawable credit;
writes go from wallets straight to the contracts. docs/api.md describes every endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from stellar_sdk import StrKey

from . import events
from .agent.units import DEFAULT_TZ, XLM
from .bindings import Market
from .chain import Chain, ChainError, ChainUnavailable
from .deploy import Deployment
from .indexer.store import Index, IndexSchemaError
from .monitor import grid_status
from .relayer.inbox import Inbox
from .slots import SlotClock
from .solar import SiteClock


@dataclass
class ApiContext:
    """What the API serves from."""

    deployment: Deployment
    chain: Chain
    index_path: Path
    inbox_path: Path | None = None
    friendbot_url: str | None = None
    web_dir: Path | None = None
    grid_tariff: int = 8
    site: SiteClock | None = None
    time_zone: str = DEFAULT_TZ
    """The community's time zone, in which the dashboard shows slots as clock times."""


def _curve(orders: list[dict], side: str) -> list[dict]:
    """Cumulative step curve: supply by rising price, demand by falling price."""
    rows = sorted(
        (o for o in orders if o["side"] == side and o["status"] != "cancelled"),
        key=lambda o: o["price"],
        reverse=side == "buy",
    )
    out, cum = [], 0
    for o in rows:
        cum += o["wh"]
        if out and out[-1]["price"] == o["price"]:
            out[-1]["cum_wh"] = cum
        else:
            out.append({"price": o["price"], "cum_wh": cum})
    return out


def slot_status(clock: SlotClock, slot: int, now: int, trades: int, deliveries: int) -> str:
    """open (book open), gate_closed or settled (before the slot ends), delivering (ended,
    trades awaiting a proof before the deadline), done (delivered, past the deadline, or
    nothing to deliver: a slot without trades is done once it ends)."""
    if now < clock.gate(slot):
        return "open"
    if now < clock.end(slot):
        return "settled" if trades else "gate_closed"
    if trades and not deliveries and now < clock.deadline(slot):
        return "delivering"
    return "done"


def meter_status(active: bool, accepted: bool) -> str:
    """pending (registered by the operator, waiting for its owner's signature), active
    (accepted and delivering), or suspended (accepted, then suspended or retired)."""
    if not accepted:
        return "pending"
    return "active" if active else "suspended"


def household_meters(ix: Index, owner: str) -> list[dict]:
    """The meters registered to `owner`, oldest registration first, as the index keeps them
    (from the registry's `meter` events): `meter` (hex id), `feeder`, `max_wh_per_minute`,
    `active`, `accepted`, `status` and `since` (registration time)."""
    out = []
    for m in ix.meters_of(owner):
        active, accepted = bool(m["active"]), bool(m["accepted"])
        out.append(
            {
                **m,
                "owner": owner,
                "active": active,
                "accepted": accepted,
                "status": meter_status(active, accepted),
            }
        )
    return out


def household_withdrawals(ix: Index, owner: str) -> list[dict]:
    """`owner`'s withdrawals of its credit, newest first: `amount`, `ledger`, `tx_hash`."""
    return [
        {"amount": w["amount"], "ledger": w["ledger"], "tx_hash": w["tx_hash"]}
        for w in ix.withdrawals(owner, limit=1000)
    ]


def role_name(role: int) -> str:
    """A registry role number as its name in the contract (donor, receiver, both)."""
    try:
        return events.enum_type("registry", "Role")(role).name
    except ValueError:
        return "unknown"


DELIVERY_FIELDS = ("meter", "slot", "donor", "commitment", "energy_wh", "tx_hash", "ledger")
"""What the API serves of a delivery (its signature and proof stay in the index)."""


def _served_deliveries(rows: list[dict]) -> list[dict]:
    """Deliveries as served: `DELIVERY_FIELDS` and `verified` (the market checked the
    proof before it accepted it)."""
    return [{**{k: r[k] for k in DELIVERY_FIELDS}, "verified": True} for r in rows]


def _fields(row: dict) -> dict | None:
    """An event row's fields by their names in the contract's event spec (None for an
    event the table lacks or of another layout)."""
    try:
        ev = events.from_row(row)
    except events.EventLayoutError:
        return None
    return events.fields(ev) if ev is not None else None


def _account(address: str) -> str:
    if not (StrKey.is_valid_ed25519_public_key(address) or StrKey.is_valid_contract(address)):
        raise HTTPException(422, f"{address!r} is not a Stellar account (G...) or contract (C...)")
    return address


class _Reads:
    """What every route shares: the context, the market's clock, a fresh read-only index
    per request and the chain's time (503 when either is unavailable)."""

    def __init__(self, ctx: ApiContext) -> None:
        self.ctx = ctx
        self.dep = ctx.deployment
        self.clock = SlotClock.from_params(self.dep.market)
        self.feeder_caps = {int(f["id"]): int(f["capacity_wh"]) for f in self.dep.feeders}

    def index(self) -> Index:
        try:
            return Index(self.ctx.index_path, readonly=True)
        except (FileNotFoundError, IndexSchemaError) as e:
            raise HTTPException(503, str(e)) from None

    def q(self, query: Callable[[Index], Any]) -> Any:
        """`query(index)` on a freshly opened read-only index, closed afterwards."""
        ix = self.index()
        try:
            return query(ix)
        finally:
            ix.db.close()

    def chain_now(self) -> tuple[int, int]:
        """(latest ledger, its close time)."""
        try:
            info = self.ctx.chain._net(self.ctx.chain.server.get_latest_ledger)
        except ChainUnavailable as e:
            raise HTTPException(503, f"network unreachable: {e}") from None
        return int(info.sequence), int(info.close_time)


def create_app(ctx: ApiContext) -> FastAPI:
    """The FastAPI application over `ctx`."""
    app = FastAPI(
        title="Urja read API",
        version="1",
        description="Read-only view of an Urja community market (docs/api.md).",
    )
    r = _Reads(ctx)
    _market_routes(app, r)
    _household_routes(app, r)
    _operations_routes(app, r)
    _dashboard_routes(app, ctx)
    return app


def _market_routes(app: FastAPI, r: _Reads) -> None:
    """Config, status, slots, books, trades, deliveries and raw events."""

    dep, clock, index, q, chain_now, ctx = r.dep, r.clock, r.index, r.q, r.chain_now, r.ctx

    @app.get("/api/config", summary="Network, contract ids and market settings")
    def config() -> dict:
        return {
            "network": dep.network,
            "rpc_url": dep.rpc_url,
            "passphrase": dep.passphrase,
            "friendbot_url": ctx.friendbot_url,
            "dev_wallet": dep.network == "local",
            "contracts": dep.contracts,
            "market": dep.market,
            "payment": {"symbol": XLM.symbol, "decimals": XLM.decimals},
            "grid_tariff": ctx.grid_tariff,
            "feeders": dep.feeders,
            "time_zone": ctx.time_zone,
        }

    @app.get("/api/status", summary="Latest ledger, chain time and indexing progress")
    def status() -> dict:
        seq, t = chain_now()
        ix = index()
        try:
            ledger, _ = ix.synced()
            events = ix.event_count()
        finally:
            ix.db.close()
        return {
            "latest_ledger": seq,
            "ledger_time": t,
            "current_slot": clock.current(t),
            "next_open_slot": clock.next_open(t),
            "indexed_ledger": ledger,
            "events": events,
        }

    @app.get("/api/slots", summary="Per-slot summary, newest first")
    def slots(limit: int = Query(20, ge=1, le=500)) -> list[dict]:
        _, now = chain_now()
        rows = q(lambda ix: [ix.slot_summary(s) for s in ix.slots(limit)])
        return [
            {
                **r,
                "start": clock.start(r["slot"]),
                "gate": clock.gate(r["slot"]),
                "end": clock.end(r["slot"]),
                "status": slot_status(clock, r["slot"], now, r["trades"], r["deliveries"]),
            }
            for r in rows
        ]

    @app.get("/api/slots/{slot}/book", summary="A slot's orders and supply/demand curves")
    def book(slot: int) -> dict:
        orders = q(lambda ix: ix.orders(slot))
        price = q(lambda ix: ix.clearing_price(slot))
        return {
            "slot": slot,
            "offers": [o for o in orders if o["side"] == "sell"],
            "bids": [o for o in orders if o["side"] == "buy"],
            "supply": _curve(orders, "sell"),
            "demand": _curve(orders, "buy"),
            "clearing_price": price,
        }

    @app.get("/api/trades", summary="Settled trades, newest first")
    def trades(slot: int | None = None, account: str | None = None, limit: int = 500):
        who = _account(account) if account is not None else None
        return q(lambda ix: ix.trades(slot, who, limit=limit, newest_first=True))

    @app.get("/api/deliveries", summary="Deliveries proven on-chain, newest first")
    def deliveries(slot: int | None = None, account: str | None = None, limit: int = 500):
        donor = _account(account) if account is not None else None
        return _served_deliveries(q(lambda ix: ix.deliveries(slot, donor, limit=limit)))

    @app.get("/api/events", summary="Raw contract events (e.g. governance), newest first")
    def events(
        kind: str | None = Query(None, description="token, registry, market, verifier, governance"),
        name: str | None = Query(None, description="event name, e.g. proposed, vk_set, order"),
        limit: int = Query(100, ge=1, le=1000),
    ) -> list[dict]:
        rows = q(lambda ix: ix.events(kind, name, limit=limit, newest_first=True))
        return [{**r, "fields": _fields(r)} for r in rows]


def _household_routes(app: FastAPI, r: _Reads) -> None:
    """A household's membership, history, meters and credit."""
    dep, index, chain_now, ctx = r.dep, r.index, r.chain_now, r.ctx

    @app.get("/api/accounts/{address}", summary="A household's membership and history")
    def account(address: str) -> dict:
        a = _account(address)
        ix = index()
        try:
            m = ix.member(a)
            orders = ix.orders(owner=a, newest_first=True)
            trades = ix.trades(account=a, newest_first=True)
            delivered = ix.deliveries(donor=a)
            meters = household_meters(ix, a)
            withdrawals = household_withdrawals(ix, a)
            credited = sum(c["amount"] for c in ix.credits(a, limit=1_000_000))
            owed = ix.credit_of(a)
        finally:
            ix.db.close()
        sold = [t for t in trades if t["seller"] == a]
        bought = [t for t in trades if t["buyer"] == a]
        received = sum(t["delivered_wh"] for t in bought)
        spent = sum(t["delivered_wh"] * t["price"] for t in bought if t["state"] == "delivered")
        earned = sum(t["paid"] for t in sold)
        trade_refunds = sum(t["refund"] for t in bought)
        withdrawn = sum(w["amount"] for w in withdrawals)
        totals = {
            "sold_wh": sum(t["delivered_wh"] for t in sold),
            "bought_wh": received,
            "earned": earned,
            "spent": spent,
            "refunded": sum(o["refund"] for o in orders) + trade_refunds,
            "credited": credited,
            "withdrawn": withdrawn,
            "credit": owed,
            "kwh_received_wh": received,
            "savings": received * ctx.grid_tariff - spent,
        }
        return {
            "address": a,
            "member": (
                {
                    "role": role_name(m["role"]),
                    "feeder": m["feeder"],
                    "active": bool(m["active"]),
                    "since": m["since"],
                }
                if m
                else None
            ),
            "meters": meters,
            "orders": orders,
            "trades": trades,
            "withdrawals": withdrawals,
            "deliveries": _served_deliveries(delivered),
            "totals": totals,
        }

    @app.get("/api/accounts/{address}/meters", summary="A household's meters and their state")
    def meters(address: str) -> list[dict]:
        a = _account(address)
        ix = index()
        try:
            return household_meters(ix, a)
        finally:
            ix.db.close()

    @app.get(
        "/api/accounts/{address}/credit",
        summary="A household's payment-token credit in the market (read from the chain)",
    )
    def credit(address: str) -> dict:
        a = _account(address)
        seq, t = chain_now()
        try:
            value = Market(ctx.chain, dep.contracts["market"]).credit(a)
        except ChainUnavailable as e:
            raise HTTPException(503, f"network unreachable: {e}") from None
        except ChainError as e:
            raise HTTPException(502, f"market.credit refused: {e}") from None
        ix = index()
        try:
            indexed = ix.credit_of(a)
            withdrawals = household_withdrawals(ix, a)
        finally:
            ix.db.close()
        return {
            "address": a,
            "credit": int(value),
            "ledger": seq,
            "ledger_time": t,
            "indexed_credit": indexed,
            "withdrawn": sum(w["amount"] for w in withdrawals),
            "withdrawals": withdrawals,
        }


def _operations_routes(app: FastAPI, r: _Reads) -> None:
    """Grid status per feeder and the agents' KPIs."""
    clock, index, chain_now, ctx, feeder_caps = r.clock, r.index, r.chain_now, r.ctx, r.feeder_caps

    @app.get("/api/grid", summary="Per-feeder export/import per slot with anomaly flags")
    def grid(limit: int = Query(20, ge=1, le=500)) -> list[dict]:
        if ctx.inbox_path is None or not ctx.inbox_path.exists():
            raise HTTPException(503, "grid status needs the relayer's data (not on this server)")
        _, now = chain_now()
        ix = index()
        inbox = Inbox(ctx.inbox_path)
        try:
            rows = grid_status(ix, inbox, clock, ctx.site, feeder_caps, now, limit)
        finally:
            ix.db.close()
            inbox.db.close()
        return [r.__dict__ for r in rows]

    @app.get("/api/kpi", summary="Households' and the community's KPIs per day (agents' flows)")
    def kpi_report() -> dict:
        from .kpi import read_flow_files, report

        files = sorted((ctx.index_path.parent / "agents").glob("*.jsonl"))
        if not files:
            raise HTTPException(404, "no agent flows recorded yet (urja agent run writes them)")
        try:
            return report(read_flow_files(files))
        except ValueError as e:
            raise HTTPException(500, str(e)) from None


def _dashboard_routes(app: FastAPI, ctx: ApiContext) -> None:
    """The built dashboard at / (when `ctx.web_dir` holds one)."""
    if ctx.web_dir is not None and (ctx.web_dir / "index.html").exists():
        app.mount("/assets", StaticFiles(directory=ctx.web_dir / "assets"), name="assets")
        index_html: Callable = lambda: FileResponse(ctx.web_dir / "index.html")  # noqa: E731

        @app.get("/{path:path}", include_in_schema=False)
        def spa(path: str):
            if path.startswith("api/"):
                raise HTTPException(404, f"no such endpoint /{path}")
            f = ctx.web_dir / path
            if path and f.is_file() and ctx.web_dir in f.resolve().parents:
                return FileResponse(f)
            return index_html()

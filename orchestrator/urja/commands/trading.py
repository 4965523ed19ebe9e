"""Household commands: see upcoming slots, place and cancel orders, list orders and trades.

The Stellar SDK and the services are imported inside the commands that need them, so
`urja offer --help` and `urja orders` start without them.
"""

from __future__ import annotations

import json
import time
from datetime import datetime

import click

from ..slots import SlotClock
from .common import config, friendly

KEY = click.option("--key", "key_name", required=True, help="Keystore name of your key.")

MIN_LEAD_SECS = 60
"""The default slot's gate is at least this far away, so an offer and the matching bid typed
one after the other land in the same open slot (`urja slots`)."""


def default_slot(clock: SlotClock, now: int, min_lead: int = MIN_LEAD_SECS) -> int:
    """The first slot whose gate closes at least `min_lead` seconds after `now`."""
    s = clock.next_open(now)
    while clock.gate(s) - now < min_lead:
        s += 1
    return s


def clock_time(t: int) -> str:
    """A unix time as this machine's local clock time (households think in clock times)."""
    return datetime.fromtimestamp(t).astimezone().strftime("%H:%M:%S %Z")


def describe_slot(clock: SlotClock, slot: int, now: int) -> str:
    """`slot 123 (delivery 14:30:00–14:45:00 UTC; gate closes 14:25:00 UTC, in 95 s)`."""
    gate = clock.gate(slot)
    when = f"in {gate - now} s" if gate > now else "closed"
    return (
        f"slot {slot} (delivery {clock_time(clock.start(slot))}–{clock_time(clock.end(slot))};"
        f" gate closes {clock_time(gate)}, {when})"
    )


def _stack():
    from ..services import Stack

    return Stack.open(config())


def check_price(market: dict, price: int) -> None:
    """Refuses a price outside the market's floor and cap, naming both."""
    floor, cap = int(market["price_floor"]), int(market["price_cap"])
    if not floor <= price <= cap:
        raise click.BadParameter(
            f"{price} is outside the market's range {floor}..{cap} per Wh "
            f"(price_floor {floor}, price_cap {cap})",
            param_hint="--price",
        )


def offer_meter(s, owner: str, meter: str | None) -> bytes:
    """The meter an offer delivers from: `meter` (64 hex), or the owner's only accepted,
    active meter as the index knows it."""
    if meter is not None:
        try:
            b = bytes.fromhex(meter)
        except ValueError:
            b = b""
        if len(b) != 32:
            raise click.BadParameter(f"{meter!r}: expected a 64-hex meter id", param_hint="--meter")
        return b
    from ..indexer.store import Index

    path = s.cfg.data_dir / "index.sqlite"
    rows = []
    if path.exists():
        rows = [r["meter"] for r in Index(path, readonly=True).meters_of(owner) if r["active"]]
    if len(rows) != 1:
        found = ", ".join(rows) or "none in the index"
        raise click.UsageError(
            f"name the meter this offer delivers from with --meter (active meters of {owner}:"
            f" {found})"
        )
    return bytes.fromhex(rows[0])


def _place(
    side: str, key_name: str, slot: int | None, wh: int, price: int, meter: str | None = None
) -> None:
    from ..keystore import Keystore

    s = _stack()
    check_price(s.dep.market, price)
    kp = Keystore(s.cfg.keystore).get(key_name)
    now = s.chain.ledger_time()
    clock = s.clock
    slot = default_slot(clock, now) if slot is None else slot
    mid = offer_meter(s, kp.public_key, meter) if side == "sell" else None
    oid = s.market().order(kp, side, slot, wh, price, mid)
    what = "offer" if side == "sell" else "bid"
    extra = f", {wh * price} payment-token units locked in escrow" if side == "buy" else ""
    click.echo(f"{what} {oid}: {describe_slot(clock, slot, now)}, {wh} Wh at {price}/Wh{extra}")


def _order_command(name: str, side: str, what: str, limit_help: str, doc: str):
    """`urja offer` and `urja bid`: the same options, another side of the book."""

    @click.command(name, help=doc)
    @KEY
    @click.option(
        "--slot",
        type=int,
        default=None,
        help=f"Delivery slot (default: the first whose gate is {MIN_LEAD_SECS} s or more away;"
        " see `urja slots`).",
    )
    @click.option("--wh", type=click.IntRange(min=1), required=True, help=f"Energy to {what}, Wh.")
    @click.option("--price", type=click.IntRange(min=1), required=True, help=limit_help)
    @friendly
    def command(key_name, slot, wh, price, **extra) -> None:
        _place(side, key_name, slot, wh, price, extra.get("meter"))

    if side == "sell":
        command = click.option(
            "--meter",
            default=None,
            help="The meter (64 hex) the offer delivers from (default: your only meter).",
        )(command)
    return command


@click.command("withdraw")
@KEY
@friendly
def withdraw(key_name: str) -> None:
    """Withdraw your credit: payments for delivered energy, refunds and released escrow
    (the market credits them; each household withdraws its own)."""
    from ..keystore import Keystore

    s = _stack()
    kp = Keystore(s.cfg.keystore).get(key_name)
    market = s.market()
    if market.credit(kp.public_key) <= 0:
        raise click.ClickException(f"{key_name} has no credit to withdraw")
    amount = market.withdraw(kp)
    click.echo(f"withdrew {amount} payment-token units to {kp.public_key}")


offer = _order_command(
    "offer",
    "sell",
    "sell",
    "Lowest acceptable price per Wh (payment-token units).",
    "Offer surplus energy for a slot (donors).",
)
bid = _order_command(
    "bid",
    "buy",
    "buy",
    "Highest acceptable price per Wh; wh*price is locked in escrow.",
    "Bid for energy in a slot (receivers).",
)


@click.command("slots")
@click.option("--count", type=click.IntRange(min=1), default=4, show_default=True)
@click.option(
    "--next",
    "next_only",
    is_flag=True,
    help="Print only the number of the slot `offer` and `bid` would choose (for scripts).",
)
@click.option(
    "--wait-end",
    "wait_end",
    type=int,
    default=None,
    metavar="SLOT",
    help="Wait until SLOT has ended on the chain's clock, then return.",
)
@friendly
def slots(count: int, next_only: bool, wait_end: int | None) -> None:
    """Upcoming delivery slots: clock times and when each gate closes."""
    s = _stack()
    clock = s.clock
    now = s.chain.ledger_time()
    if wait_end is not None:
        end = clock.end(wait_end)
        if now < end:
            click.echo(f"slot {wait_end} ends at {clock_time(end)}; waiting {end - now} s ...")
        while now < end:
            time.sleep(min(1.0, end - now))
            now = s.chain.ledger_time()
        click.echo(f"slot {wait_end} has ended")
        return
    first = default_slot(clock, now)
    if next_only:
        click.echo(first)
        return
    for k in range(clock.next_open(now), first + count):
        mark = "  <- default for offer/bid" if k == first else ""
        click.echo(describe_slot(clock, k, now) + mark)


@click.command("cancel")
@KEY
@click.argument("order_id", type=int)
@friendly
def cancel(key_name, order_id) -> None:
    """Withdraw an order before its gate closes (a bid's escrow comes back)."""
    from ..keystore import Keystore

    s = _stack()
    s.market().cancel(Keystore(s.cfg.keystore).get(key_name), order_id)
    click.echo(f"order {order_id} cancelled")


def _latest(rpc_url: str) -> tuple[int, int] | None:
    """(sequence, close time) of the chain's latest ledger, or None when unreachable."""
    import requests

    body = {"jsonrpc": "2.0", "id": 1, "method": "getLatestLedger"}
    try:
        r = requests.post(rpc_url, json=body, timeout=5).json()["result"]
        return int(r["sequence"]), int(r["closeTime"])
    except (requests.RequestException, KeyError, ValueError, TypeError):
        return None


def current_index(wait_secs: float = 15.0):
    """The index once it has caught up with the chain's latest ledger as of this call, so
    what a household just did shows; with the chain's time and the market's clock. Says so
    on stderr when the indexer lags (is a service running?) and shows what is indexed."""
    from ..indexer.store import Index

    cfg = config()
    path = cfg.data_dir / "deployment.json"
    if not path.exists():
        raise click.ClickException(f"nothing deployed from {cfg.data_dir}: run `urja deploy`")
    dep = json.loads(path.read_text())
    clock = SlotClock.from_params(dep["market"])
    rpc = dep["rpc_url"] if cfg.network == "local" else (cfg.rpc_url or dep["rpc_url"])
    latest = _latest(rpc)
    ix = Index(cfg.data_dir / "index.sqlite", readonly=True)
    if latest is None:
        click.echo(f"network unreachable at {rpc}: showing the index as it is", err=True)
        return ix, clock, ix.synced()[1]
    deadline = time.monotonic() + wait_secs
    while ix.synced()[0] < latest[0] and time.monotonic() < deadline:
        time.sleep(0.2)
    if ix.synced()[0] < latest[0]:
        click.echo(
            f"the index is at ledger {ix.synced()[0]}, the chain at {latest[0]}: is `urja serve`"
            " (or `urja indexer run`) running? Showing what is indexed.",
            err=True,
        )
    return ix, clock, latest[1]


def _rows(ix, table: str, order: str, slot: int | None, account: str | None, who: tuple) -> list:
    sql, args = f"SELECT * FROM {table} WHERE 1=1", []
    if slot is not None:
        sql, args = sql + " AND slot = ?", [slot]
    if account:
        sql += " AND (" + " OR ".join(f"{c} = ?" for c in who) + ")"
        args += [account] * len(who)
    return ix.rows(sql + f" ORDER BY {order}", tuple(args))


def order_state(order: dict, trades: list[dict], clock: SlotClock, now: int) -> dict:
    """An order as its owner sees it, agreeing with its trades and the slot's clock:
    `state` is cancelled, open (book still open), unmatched, matched or part-matched (gate
    closed), then delivered (every matched Wh), part-delivered (a shortfall) or expired once
    its trades are; `filled` says how much of it was matched; `refund` adds
    the refunds of its trades (a buyer's escrow above the price paid or not delivered) to the
    order's own released escrow. Amounts are in payment-token units (stroops for XLM)."""
    mine = [t for t in trades if order["id"] in (t["buy"], t["sell"])]
    refund = int(order["refund"]) + sum(int(t["refund"]) for t in mine if t["buy"] == order["id"])
    if order["status"] == "cancelled":
        state = "cancelled"
    elif now < clock.gate(order["slot"]):
        state = "open"
    elif not mine:
        state = "unmatched"
    else:
        states = {t["state"] for t in mine}
        if states == {"matched"}:
            state = "matched" if order["filled"] == order["wh"] else "part-matched"
        elif states == {"expired"}:
            state = "expired"
        elif "matched" in states:
            state = "part-delivered"
        else:
            full = all(t["delivered_wh"] == t["wh"] for t in mine)
            state = "delivered" if full else "part-delivered"
    return {**order, "state": state, "refund": refund}


def _print(rows: list[dict], cols: list[str], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(rows, indent=1))
        return
    click.echo("\t".join(cols))
    for r in rows:
        click.echo("\t".join(str(r[c]) for c in cols))


@click.command("orders")
@click.option("--slot", type=int, default=None)
@click.option("--account", default=None, help="Only this owner's orders (G...).")
@click.option("--json", "as_json", is_flag=True)
@friendly
def orders(slot, account, as_json) -> None:
    """List orders from the index.

    An order's state agrees with its trades and the slot's clock (open, unmatched, matched,
    part-matched, delivered, part-delivered, expired, cancelled); escrow and refund are in
    payment-token units (stroops for XLM). Waits briefly for the index to reach the chain's
    latest ledger, so an order just placed shows."""
    ix, clock, now = current_index()
    rows = _rows(ix, "orders", "id", slot, account, ("owner",))
    trades = _rows(ix, "trades", "trade_id", slot, None, ())
    ids = {r["id"] for r in rows}
    trades = [t for t in trades if t["buy"] in ids or t["sell"] in ids]
    rows = [order_state(r, trades, clock, now) for r in rows]
    cols = ["id", "slot", "side", "wh", "price", "filled", "state", "escrow", "refund", "owner"]
    _print(rows, cols, as_json)


@click.command("trades")
@click.option("--slot", type=int, default=None)
@click.option("--account", default=None, help="Only trades with this party (G...).")
@click.option("--json", "as_json", is_flag=True)
@friendly
def trades(slot, account, as_json) -> None:
    """List settled trades from the index.

    Paid, fee and refund are in payment-token units (stroops for XLM)."""
    ix, _, _ = current_index()
    rows = _rows(ix, "trades", "trade_id", slot, account, ("buyer", "seller"))
    cols = ["trade_id", "slot", "buy", "sell", "wh", "price", "state", "delivered_wh"]
    cols += ["paid", "fee", "refund"]
    _print(rows, cols, as_json)

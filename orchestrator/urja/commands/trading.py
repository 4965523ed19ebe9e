"""Household commands: see upcoming slots, place and cancel orders, list orders and trades.

The Stellar SDK and the services are imported inside the commands that need them, so
`urja offer --help` and `urja orders` start without them.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import click

from .. import orders as orders_rules
from ..agent.units import XLM, kwh_text, parse_kwh
from ..orders import (
    MIN_LEAD_SECS,
    check_price,
    check_slots,
    default_slot,
    order_state,
    parse_meter,
)
from ..slots import SlotClock
from .common import config, friendly

KEY = click.option("--key", "key_name", required=True, help="Keystore name of your key.")


def clock_time(t: int, tz: str | None = None) -> str:
    """A unix time as a clock time in the community's time zone (`[market].timezone`;
    households think in clock times)."""
    return datetime.fromtimestamp(t, ZoneInfo(tz or config().timezone)).strftime("%H:%M:%S %Z")


def describe_slot(clock: SlotClock, slot: int, now: int, tz: str | None = None) -> str:
    """`slot 123 (delivery 14:30:00–14:45:00 IST; gate closes 14:25:00 IST, in 95 s)`."""
    gate = clock.gate(slot)
    when = f"in {gate - now} s" if gate > now else "closed"
    start, end = clock_time(clock.start(slot), tz), clock_time(clock.end(slot), tz)
    return f"slot {slot} (delivery {start}–{end}; gate closes {clock_time(gate, tz)}, {when})"


def show_fee(what: str, fee: int) -> None:
    """Prints a transaction's network fee before it is signed; at a terminal, asks first."""
    click.echo(f"network fee for {what}: at most {fee} stroops ({fee / 1e7:.4f} XLM)")
    if sys.stdin.isatty():
        click.confirm("sign and send?", default=True, abort=True)


def _stack():
    from ..stack import Stack

    s = Stack.open(config())
    s.chain.before_signing = show_fee
    return s


def offer_meter(s, owner: str, meter: str | None) -> bytes:
    """The meter an offer delivers from: `--meter`, or the owner's only active meter."""
    try:
        if meter is not None:
            return parse_meter(meter)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--meter") from None
    try:
        return orders_rules.offer_meter(s.index_path, owner)
    except LookupError as e:
        raise click.UsageError(str(e)) from None


def _kwh(ctx, param, value: str | None) -> int | None:
    """`--kwh` as whole Wh, or a usage error naming what is wrong."""
    try:
        return None if value is None else parse_kwh(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None


def _per_kwh(ctx, param, value: str | None) -> int | None:
    """`--price` (payment asset per kWh) as whole smallest units per Wh."""
    try:
        return None if value is None else XLM.parse_price_per_kwh(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None


def _place(
    side: str,
    key_name: str,
    slot: int | None,
    wh: int,
    price: int,
    meter: str | None = None,
    slots: int = 1,
) -> None:
    from ..keystore import Keystore

    s = _stack()
    try:
        check_price(s.dep.market, price)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--price") from None
    kp = Keystore(s.cfg.keystore).get(key_name)
    now = s.chain.ledger_time()
    clock = s.clock
    slot = default_slot(clock, now) if slot is None else slot
    try:
        check_slots(s.dep.market, clock, now, slot, slots)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--slots") from None
    mid = offer_meter(s, kp.public_key, meter) if side == "sell" else None
    oid = s.market().order(kp, side, slot, wh, price, mid, slots)
    what = "offer" if side == "sell" else "bid"
    at = f"{kwh_text(wh)} at {XLM.price_text(price)}"
    where = describe_slot(clock, slot, now, s.cfg.timezone)
    if slots > 1:
        last = slot + slots - 1
        ends = clock_time(clock.end(last), s.cfg.timezone)
        at += f" in each of {slots} slots, to slot {last} ending {ends}"
    extra = ""
    if side == "buy":
        each = f" ({XLM.units_text(wh * price)} per slot)" if slots > 1 else ""
        extra = f", {XLM.units_text(wh * price * slots)} locked in escrow{each}"
    click.echo(f"{what} {oid}: {where}, {at}{extra}")


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
    @click.option(
        "--kwh", "wh", required=True, callback=_kwh, help=f"Energy to {what}, kWh (e.g. 0.5)."
    )
    @click.option("--price", required=True, callback=_per_kwh, help=limit_help)
    @click.option(
        "--slots",
        type=click.IntRange(min=1),
        default=1,
        show_default=True,
        help="Consecutive slots from --slot the order stands for, the same kWh and price in"
        " each: one transaction (and one fee) instead of one per slot.",
    )
    @friendly
    def command(key_name, slot, wh, price, slots, **extra) -> None:
        _place(side, key_name, slot, wh, price, extra.get("meter"), slots)

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
    from ..chain import ChainError
    from ..keystore import Keystore

    s = _stack()
    kp = Keystore(s.cfg.keystore).get(key_name)
    try:
        amount = s.market().withdraw(kp)
    except ChainError as e:
        if e.name == "NothingToWithdraw":
            raise click.ClickException(f"{key_name} has no credit to withdraw") from None
        raise
    click.echo(f"withdrew {amount} payment-token units to {kp.public_key}")


offer = _order_command(
    "offer",
    "sell",
    "sell",
    "Lowest acceptable price, XLM per kWh (e.g. 0.0006; steps of 0.0001 = 1 stroop per Wh).",
    "Offer surplus energy for a slot (donors).",
)
bid = _order_command(
    "bid",
    "buy",
    "buy",
    "Highest acceptable price, XLM per kWh (steps of 0.0001); energy x price is locked in escrow.",
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
    from ..rpc import RpcError, latest_ledger

    try:
        return latest_ledger(rpc_url, timeout=5)
    except RpcError:
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


SHOWN = {
    "wh": ("kwh", kwh_text),
    "filled": ("filled_kwh", kwh_text),
    "delivered_wh": ("delivered_kwh", kwh_text),
    "price": ("xlm_per_kwh", XLM.price_text),
    "escrow": ("escrow_xlm", XLM.units_text),
    "refund": ("refund_xlm", XLM.units_text),
    "paid": ("paid_xlm", XLM.units_text),
    "fee": ("fee_xlm", XLM.units_text),
}
"""Columns households read in other units than the chain's: (header, formatter). The table
shows kWh and XLM (units in the header, numbers alone in the cells); `--json` keeps the
chain's Wh and stroops for scripts."""


def _print(rows: list[dict], cols: list[str], as_json: bool, clock: SlotClock) -> None:
    """Rows as JSON (chain units) or as a tab-separated table in household units, each
    slot followed by its start as a clock time in the community's time zone."""
    if as_json:
        click.echo(json.dumps(rows, indent=1))
        return
    tz = config().timezone
    shown = [x for c in cols for x in ([c, "time"] if c == "slot" else [c])]

    def cell(r: dict, c: str) -> str:
        if c == "time":
            return clock_time(clock.start(int(r["slot"])), tz)
        if c in SHOWN and r[c] is not None:
            return SHOWN[c][1](int(r[c])).split(" ")[0]
        return str(r[c])

    click.echo("\t".join(SHOWN[c][0] if c in SHOWN else c for c in shown))
    for r in rows:
        click.echo("\t".join(cell(r, c) for c in shown))


@click.command("orders")
@click.option("--slot", type=int, default=None)
@click.option("--account", default=None, help="Only this owner's orders (G...).")
@click.option("--json", "as_json", is_flag=True)
@friendly
def orders(slot, account, as_json) -> None:
    """List orders from the index.

    An order's state agrees with its trades and the slot's clock (open, unmatched, matched,
    part-matched, delivered, part-delivered, expired, cancelled); a standing order lists its
    first slot and how many it covers (`--slot` finds it in any of them), kWh per slot.
    Energy in kWh, prices in XLM per kWh, escrow and refund in XLM (`--json`: the chain's Wh
    and stroops). Waits briefly for the index to reach the chain's latest ledger, so an
    order just placed shows."""
    ix, clock, now = current_index()
    rows = ix.orders(slot, account or None)
    trades = ix.trades(slot)
    ids = {r["id"] for r in rows}
    trades = [t for t in trades if t["buy"] in ids or t["sell"] in ids]
    rows = [order_state(r, trades, clock, now) for r in rows]
    cols = ["id", "slot", "slots", "side", "wh", "price", "filled", "state", "escrow", "refund"]
    cols += ["owner"]
    _print(rows, cols, as_json, clock)


@click.command("trades")
@click.option("--slot", type=int, default=None)
@click.option("--account", default=None, help="Only trades with this party (G...).")
@click.option("--json", "as_json", is_flag=True)
@friendly
def trades(slot, account, as_json) -> None:
    """List settled trades from the index.

    Energy in kWh, prices in XLM per kWh, paid, fee and refund in XLM (`--json`: the chain's
    Wh and stroops)."""
    ix, clock, _ = current_index()
    rows = ix.trades(slot, account or None)
    cols = ["trade_id", "slot", "buy", "sell", "wh", "price", "state", "delivered_wh"]
    cols += ["paid", "fee", "refund"]
    _print(rows, cols, as_json, clock)

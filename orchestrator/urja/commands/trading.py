"""Household commands: place and cancel orders, list orders and trades."""

from __future__ import annotations

import json

import click

from ..indexer.store import Index
from ..keystore import Keystore
from ..services import Stack
from .common import config, friendly

KEY = click.option("--key", "key_name", required=True, help="Keystore name of your key.")


def _slot(s: Stack, slot: int | None) -> int:
    return slot if slot is not None else s.clock.next_open(s.chain.ledger_time())


def _place(side: str, key_name: str, slot: int | None, wh: int, price: int) -> None:
    s = Stack.open(config())
    kp = Keystore(s.cfg.keystore).get(key_name)
    slot = _slot(s, slot)
    oid = s.market().order(kp, side, slot, wh, price)
    what = "offer" if side == "sell" else "bid"
    extra = f", {wh * price} locked in escrow" if side == "buy" else ""
    click.echo(f"{what} {oid}: slot {slot}, {wh} Wh at {price}/Wh{extra}")


def _order_command(name: str, side: str, what: str, limit_help: str, doc: str):
    """`urja offer` and `urja bid`: the same options, another side of the book."""

    @click.command(name, help=doc)
    @KEY
    @click.option("--slot", type=int, default=None, help="Delivery slot (default: next open).")
    @click.option("--wh", type=click.IntRange(min=1), required=True, help=f"Energy to {what}, Wh.")
    @click.option("--price", type=click.IntRange(min=1), required=True, help=limit_help)
    @friendly
    def command(key_name, slot, wh, price) -> None:
        _place(side, key_name, slot, wh, price)

    return command


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


@click.command("cancel")
@KEY
@click.argument("order_id", type=int)
@friendly
def cancel(key_name, order_id) -> None:
    """Withdraw an order before its gate closes (a bid's escrow comes back)."""
    s = Stack.open(config())
    s.market().cancel(Keystore(s.cfg.keystore).get(key_name), order_id)
    click.echo(f"order {order_id} cancelled")


def _rows(table: str, order: str, slot: int | None, account: str | None, who: tuple) -> list:
    cfg = config()
    ix = Index(cfg.data_dir / "index.sqlite", readonly=True)
    sql, args = f"SELECT * FROM {table} WHERE 1=1", []
    if slot is not None:
        sql, args = sql + " AND slot = ?", [slot]
    if account:
        sql += " AND (" + " OR ".join(f"{c} = ?" for c in who) + ")"
        args += [account] * len(who)
    return ix.rows(sql + f" ORDER BY {order}", tuple(args))


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
    """List orders from the index."""
    rows = _rows("orders", "id", slot, account, ("owner",))
    _print(rows, ["id", "slot", "side", "wh", "price", "filled", "status", "owner"], as_json)


@click.command("trades")
@click.option("--slot", type=int, default=None)
@click.option("--account", default=None, help="Only trades with this party (G...).")
@click.option("--json", "as_json", is_flag=True)
@friendly
def trades(slot, account, as_json) -> None:
    """List settled trades from the index."""
    rows = _rows("trades", "trade_id", slot, account, ("buyer", "seller"))
    cols = ["trade_id", "slot", "buy", "sell", "wh", "price", "state", "delivered_wh"]
    _print(rows, cols, as_json)

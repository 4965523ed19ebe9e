"""Slot clearing: the Python face of the Rust matching engine.

`clear` takes a slot's orders either as a list of dicts (ids are strings) or as a mapping of
NumPy integer columns (the fast path for large books) and returns typed results. The
mechanisms, tie-breaking and price rules are documented in `docs/matching.md`; every input
is validated by the engine and rejected with `MatchingError` naming the order or node.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import _native

MatchingError = _native.MatchingError
"""A rejected order book (subclass of ValueError); the message names what was wrong."""

MECHANISMS = ("uniform", "pay_as_bid", "network")


@dataclass(frozen=True)
class Trade:
    """Energy matched between one buy and one sell order, priced per Wh."""

    buy: str
    sell: str
    wh: int
    price: int


@dataclass(frozen=True)
class Clearing:
    """The outcome of one slot: trades, the prices behind them and the totals."""

    price: int | None
    prices: dict[str, int]
    trades: list[Trade]
    welfare: int
    volume_wh: int
    engine_ns: int = field(default=0, compare=False, repr=False)
    """Time the engine spent validating and clearing (not part of the result)."""

    def to_json_dict(self) -> dict[str, Any]:
        """The documented result document (`urja market clear --out`)."""
        return {
            "price": self.price,
            "prices": dict(self.prices),
            "trades": [
                {"buy": t.buy, "sell": t.sell, "wh": t.wh, "price": t.price} for t in self.trades
            ],
            "welfare": self.welfare,
            "volume_wh": self.volume_wh,
        }


@dataclass(frozen=True)
class ColumnClearing:
    """The outcome of a columnar book: trades as NumPy arrays of order positions."""

    price: int | None
    prices: dict[str, int]
    welfare: int
    volume_wh: int
    buy: Any = field(repr=False)
    """Positions (into the input columns) of each trade's buy order."""
    sell: Any = field(repr=False)
    """Positions of each trade's sell order."""
    wh: Any = field(repr=False)
    """Wh of each trade."""
    trade_price: Any = field(repr=False)
    """Price per Wh of each trade."""
    engine_ns: int = field(default=0, compare=False, repr=False)
    """Time the engine spent validating and clearing (not part of the result)."""


def clear(
    orders: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    mechanism: str = "uniform",
    network: Mapping[str, Any] | None = None,
) -> Clearing | ColumnClearing:
    """Clears one slot.

    `orders` is either a sequence of `{"id", "side", "wh", "price", "feeder", "ts"}` dicts,
    or a mapping of equal-length integer arrays `side` (1 buy, 0 sell), `wh`, `price`, `ts`,
    optional `id` (non-negative, unique; default: positions) and, for the network
    mechanism, `feeder` (index into the network's nodes in their dict order).
    `network` is `{"nodes": {id: {"parent": id | None, "capacity_wh": int, "fee": int}}}`.
    """
    if isinstance(orders, Mapping):
        return _clear_columns(orders, mechanism, network)
    raw = _native.clear_orders(mechanism, orders, network)
    return Clearing(
        price=raw["price"],
        prices=raw["prices"],
        trades=[Trade(*t) for t in raw["trades"]],
        welfare=raw["welfare"],
        volume_wh=raw["volume_wh"],
        engine_ns=raw["engine_ns"],
    )


def _clear_columns(
    cols: Mapping[str, Any], mechanism: str, network: Mapping[str, Any] | None
) -> ColumnClearing:
    import numpy as np

    def col(name: str) -> Any:
        if name not in cols:
            raise MatchingError(f"columns: missing column {name!r}")
        return np.ascontiguousarray(cols[name], dtype=np.int64)

    side = col("side")
    ids = col("id") if "id" in cols else np.arange(len(side), dtype=np.int64)
    feeder = col("feeder") if mechanism == "network" and "feeder" in cols else None
    price, prices, welfare, volume, buy, sell, wh, tprice, ns = _native.clear_columns(
        mechanism, side, col("wh"), col("price"), col("ts"), ids, feeder, network
    )
    return ColumnClearing(
        price=price,
        prices=prices,
        welfare=welfare,
        volume_wh=volume,
        buy=np.frombuffer(buy, dtype="<u4"),
        sell=np.frombuffer(sell, dtype="<u4"),
        wh=np.frombuffer(wh, dtype="<i8"),
        trade_price=np.frombuffer(tprice, dtype="<i8"),
        engine_ns=ns,
    )


def clear_json(text: str) -> str:
    """Clears a JSON book (the documented input format) and returns the JSON result."""
    return _native.clear_json(text)

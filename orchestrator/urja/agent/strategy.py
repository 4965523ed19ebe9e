"""Order strategies: what price a household asks or offers for a slot, and when to change it.

Quantities come from the household's plan (forecast and schedule); a strategy sets prices
in currency per kWh as a function of time before the slot's gate:

- `FixedLimits`: one price per side, placed once.
- `LinearRamp`: starts at an ambitious price when the book opens and moves linearly to the
  household's limit, reaching it exactly at gate closure (sellers come down, buyers go up).
- `CostMinimising`: the limits at which trading beats the grid: buy at up to the marginal
  grid tariff less a margin, sell at no less than the feed-in rate plus a margin.

`reconcile` turns wanted orders into the actions (cancel, place) that get the book there:
the market has no amend, so a change of price or quantity is a cancel and a new order.
A standing order (one placed for several slots) is never cancelled by it: that would
withdraw its other slots too, and past its first slot's gate the market refuses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .tariff import Tariff


@dataclass(frozen=True)
class Want:
    """An order the household wants on the book: side "sell" or "buy", Wh, price per Wh in
    the payment asset's smallest units."""

    side: str
    wh: int
    price: int


@dataclass(frozen=True)
class Open:
    """An order of the household's already on the book: `wh` per slot, standing for `slots`
    consecutive slots (1: a one-slot order, the kind the agent places)."""

    id: int
    side: str
    wh: int
    price: int
    slots: int = 1


class Strategy(Protocol):
    """Prices (currency per kWh) for each side at time `now`."""

    name: str

    def price(self, side: str, now: float, opens: float, gate: float) -> float:
        """The limit price (currency per kWh) of `side` at `now`, for a slot whose planning
        window opened at `opens` and whose gate closes at `gate`."""


@dataclass(frozen=True)
class FixedLimits:
    """Sell at `sell` and buy at `buy` (currency per kWh), whatever the time."""

    sell: float
    buy: float
    name: str = "fixed"

    def price(self, side: str, now: float, opens: float, gate: float) -> float:
        """The fixed limit of `side`."""
        return self.sell if side == "sell" else self.buy


def ramp_fraction(now: float, opens: float, gate: float) -> float:
    """How far along (0..1) the ramp is at `now`: 0 when the book opens, 1 at gate closure."""
    if gate <= opens:
        return 1.0
    return min(1.0, max(0.0, (now - opens) / (gate - opens)))


@dataclass(frozen=True)
class LinearRamp:
    """Sellers start at `sell_start` and come down to `sell_limit`; buyers start at
    `buy_start` and go up to `buy_limit`; both reach their limit at gate closure."""

    sell_start: float
    sell_limit: float
    buy_start: float
    buy_limit: float
    name: str = "ramp"

    def __post_init__(self) -> None:
        if self.sell_start < self.sell_limit:
            raise ValueError("ramp: sell_start must be at or above sell_limit")
        if self.buy_start > self.buy_limit:
            raise ValueError("ramp: buy_start must be at or below buy_limit")

    def price(self, side: str, now: float, opens: float, gate: float) -> float:
        """Start price plus the ramp's fraction of the way to the limit."""
        f = ramp_fraction(now, opens, gate)
        if side == "sell":
            return self.sell_start + (self.sell_limit - self.sell_start) * f
        return self.buy_start + (self.buy_limit - self.buy_start) * f


@dataclass(frozen=True)
class CostMinimising:
    """Limits from the grid: pay neighbours up to the marginal tariff less `margin`, sell to
    them at no less than the feed-in rate plus `margin` (currency per kWh)."""

    tariff: Tariff
    monthly_kwh: float
    margin: float = 0.25
    name: str = "cost"

    def price(self, side: str, now: float, opens: float, gate: float) -> float:
        """Feed-in plus margin to sell; marginal tariff less margin (not below that) to buy."""
        if side == "sell":
            return self.tariff.feed_in + self.margin
        return max(
            self.tariff.feed_in + self.margin,
            self.tariff.marginal_rate(self.monthly_kwh) - self.margin,
        )


@dataclass(frozen=True)
class Actions:
    """What to do to the book: cancel these order ids, then place these orders."""

    cancel: tuple[int, ...]
    place: tuple[Want, ...]


def reconcile(wanted: list[Want], open_orders: list[Open], tolerance_wh: int = 20) -> Actions:
    """Keeps an open order that matches a wanted one (same side and price, quantity within
    `tolerance_wh`), cancels the rest and places what is missing.

    Standing orders (`slots > 1`) stay as they are and count first: their Wh in this slot
    comes off what is wanted on their side, so the household does not trade twice."""
    standing: dict[str, int] = {}
    for o in open_orders:
        if o.slots > 1:
            standing[o.side] = standing.get(o.side, 0) + o.wh
    rest = []
    for w in wanted:
        covered = min(standing.get(w.side, 0), w.wh)
        standing[w.side] = standing.get(w.side, 0) - covered
        if not covered:
            rest.append(w)
        elif w.wh - covered > tolerance_wh:
            rest.append(Want(w.side, w.wh - covered, w.price))
    open_orders = [o for o in open_orders if o.slots <= 1]
    keep: set[int] = set()
    place = []
    for w in rest:
        match = next(
            (
                o
                for o in open_orders
                if o.id not in keep
                and o.side == w.side
                and o.price == w.price
                and abs(o.wh - w.wh) <= tolerance_wh
            ),
            None,
        )
        if match is None:
            place.append(w)
        else:
            keep.add(match.id)
    cancel = tuple(o.id for o in open_orders if o.id not in keep)
    return Actions(cancel, tuple(place))

"""The household's grid tariff: monthly consumption slabs and a feed-in rate.

Default: the Delhi Electricity Regulatory Commission's domestic energy charges (unchanged
since the FY 2018-19 tariff order): 3.00 ₹/kWh for the first 200 kWh of a month, 4.50 up to
400, 6.50 up to 800, 7.00 up to 1,200 and 8.00 above (fixed charges, surcharges and the Delhi
subsidy left out). The feed-in rate for surplus sent to the grid is an assumption, 3.00 ₹/kWh;
both are configurable with a TOML file:

    currency = "₹"
    feed_in = 3.0            # per kWh
    days_per_month = 30
    [[slabs]]
    from_kwh = 0
    to_kwh = 200
    rate = 3.0               # per kWh
    [[slabs]]
    from_kwh = 200           # must equal the previous slab's to_kwh (no gaps, no overlaps)
    rate = 4.5               # the last slab has no to_kwh (open-ended)
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path


class TariffError(ValueError):
    """A tariff that cannot be used; the message names the field."""


@dataclass(frozen=True)
class Slab:
    """Energy charge `rate` (currency per kWh) for monthly consumption in [from_kwh, to_kwh)."""

    from_kwh: float
    to_kwh: float  # math.inf for the last slab
    rate: float


@dataclass(frozen=True)
class Tariff:
    """Slabs over monthly consumption, a feed-in rate, and the currency they are in."""

    slabs: tuple[Slab, ...]
    feed_in: float
    currency: str = "₹"
    days_per_month: float = 30.0

    def __post_init__(self) -> None:
        validate(self)

    def monthly_bill(self, kwh: float) -> float:
        """Energy charges for `kwh` consumed from the grid in a month."""
        bill = 0.0
        for s in self.slabs:
            if kwh <= s.from_kwh:
                break
            bill += (min(kwh, s.to_kwh) - s.from_kwh) * s.rate
        return bill

    def marginal_rate(self, monthly_kwh: float) -> float:
        """The rate of the slab the next kWh falls in, at `monthly_kwh` consumed."""
        for s in self.slabs:
            if monthly_kwh < s.to_kwh:
                return s.rate
        return self.slabs[-1].rate

    def daily_cost(self, import_kwh: float) -> float:
        """A day's share of the monthly bill if every day of the month imported `import_kwh`."""
        return self.monthly_bill(import_kwh * self.days_per_month) / self.days_per_month


def delhi() -> Tariff:
    """The default: DERC domestic energy charges and a 3.00 ₹/kWh feed-in rate."""
    edges = [(0, 200, 3.0), (200, 400, 4.5), (400, 800, 6.5), (800, 1200, 7.0)]
    slabs = [Slab(a, b, r) for a, b, r in edges] + [Slab(1200, math.inf, 8.0)]
    return Tariff(tuple(slabs), feed_in=3.0)


def _number(where: str, v, minimum: float = 0.0) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or math.isnan(v):
        raise TariffError(f"{where} must be a number, got {v!r}")
    if v < minimum:
        raise TariffError(f"{where} must be at least {minimum}, got {v}")
    return float(v)


def validate(t: Tariff) -> None:
    """Refuses slabs that do not start at 0, leave gaps, overlap or end; negative rates."""
    if not t.slabs:
        raise TariffError("slabs: a tariff needs at least one slab")
    prev = None
    for i, s in enumerate(t.slabs):
        _number(f"slabs[{i}].rate", s.rate)
        _number(f"slabs[{i}].from_kwh", s.from_kwh)
        if prev is None and s.from_kwh != 0:
            raise TariffError(f"slabs[0].from_kwh must be 0 (got {s.from_kwh:g} kWh)")
        if prev is not None and s.from_kwh != prev.to_kwh:
            what = "gap" if s.from_kwh > prev.to_kwh else "overlap"
            raise TariffError(
                f"slabs[{i}].from_kwh is {s.from_kwh:g} kWh but slabs[{i - 1}] ends at "
                f"{prev.to_kwh:g} kWh ({what} of {abs(s.from_kwh - prev.to_kwh):g} kWh)"
            )
        if not s.to_kwh > s.from_kwh:
            raise TariffError(
                f"slabs[{i}].to_kwh ({s.to_kwh:g}) must be above from_kwh ({s.from_kwh:g})"
            )
        prev = s
    if prev.to_kwh != math.inf:
        raise TariffError(
            f"slabs[{len(t.slabs) - 1}].to_kwh: the last slab must be open-ended "
            f"(no rate above {prev.to_kwh:g} kWh)"
        )
    _number("feed_in", t.feed_in)
    _number("days_per_month", t.days_per_month, 1.0)


def from_dict(doc: dict, where: str = "tariff") -> Tariff:
    """A tariff from its TOML/JSON document; errors name `where` and the field."""
    try:
        raw = doc.get("slabs")
        if not isinstance(raw, list):
            raise TariffError("slabs: missing or not a list of tables")
        slabs = []
        for i, s in enumerate(raw):
            if not isinstance(s, dict):
                raise TariffError(f"slabs[{i}] must be a table")
            unknown = sorted(set(s) - {"from_kwh", "to_kwh", "rate"})
            if unknown:
                raise TariffError(f"slabs[{i}] has unknown fields {unknown}")
            for k in ("from_kwh", "rate"):
                if k not in s:
                    raise TariffError(f"slabs[{i}].{k} is missing")
            to = s.get("to_kwh", math.inf)
            slabs.append(
                Slab(
                    _number(f"slabs[{i}].from_kwh", s["from_kwh"]),
                    _number(f"slabs[{i}].to_kwh", to),
                    _number(f"slabs[{i}].rate", s["rate"]),
                )
            )
        if "feed_in" not in doc:
            raise TariffError("feed_in is missing (currency per kWh paid for surplus)")
        currency = doc.get("currency", "₹")
        if not isinstance(currency, str) or not currency:
            raise TariffError(f"currency must be a non-empty string, got {currency!r}")
        return Tariff(
            tuple(slabs),
            _number("feed_in", doc["feed_in"]),
            currency,
            _number("days_per_month", doc.get("days_per_month", 30), 1.0),
        )
    except TariffError as e:
        raise TariffError(f"{where}: {e}") from None


def load(path: str | Path) -> Tariff:
    """A tariff from a TOML file."""
    p = Path(path)
    try:
        doc = tomllib.loads(p.read_text())
    except FileNotFoundError:
        raise TariffError(f"tariff file {p} does not exist") from None
    except tomllib.TOMLDecodeError as e:
        raise TariffError(f"tariff file {p} is not valid TOML: {e}") from None
    return from_dict(doc, f"tariff file {p}")

"""What a household reads: energy in kWh, money in the payment asset's unit per kWh, slots as
clock times in the community's time zone.

Prices on the chain and in the matching engine are integers per Wh in the asset's smallest
unit (10^-decimals of a unit); a household thinks in currency per kWh. `Money` converts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Asia/Kolkata"
"""The default community's time zone (Delhi)."""


@dataclass(frozen=True)
class Money:
    """A payment asset: its symbol and how many decimals its smallest unit has."""

    symbol: str = "₹"
    decimals: int = 7

    def units_per_wh(self, per_kwh: float) -> int:
        """A price per kWh (e.g. 4.5 ₹/kWh) as integer smallest units per Wh, at least 1."""
        return max(1, round(per_kwh * 10**self.decimals / 1000))

    def per_kwh(self, units_per_wh: int | float) -> float:
        """An integer price per Wh (smallest units) as currency per kWh."""
        return units_per_wh * 1000 / 10**self.decimals

    def amount(self, units: int | float) -> float:
        """Smallest units as an amount of currency."""
        return units / 10**self.decimals

    def fmt_price(self, per_kwh: float) -> str:
        """`4.50 ₹/kWh`."""
        return f"{per_kwh:.2f} {self.symbol}/kWh"

    def fmt_amount(self, amount: float) -> str:
        """`12.34 ₹`."""
        return f"{amount:.2f} {self.symbol}"

    def units_text(self, units: int) -> str:
        """Smallest units as the exact amount of currency: `0.00032 XLM`."""
        return f"{_plain(Decimal(int(units)).scaleb(-self.decimals))} {self.symbol}"

    def price_text(self, units_per_wh: int) -> str:
        """A chain price (smallest units per Wh) exactly, per kWh: `0.0006 XLM/kWh`."""
        per_kwh = Decimal(int(units_per_wh) * 1000).scaleb(-self.decimals)
        return f"{_plain(per_kwh)} {self.symbol}/kWh"

    def parse_price_per_kwh(self, text: str) -> int:
        """A price a household typed in currency per kWh (`0.0006`) as the chain's whole
        smallest units per Wh; ValueError naming the step when it falls between two (it is
        refused, never rounded: what is signed is what was typed). The web app's
        `parsePerKwh` follows the same rule (shared vectors docs/vectors/units.json)."""
        step = self.price_text(1)
        v = _decimal(text)
        if v is None or v.scaleb(self.decimals - 3) != v.scaleb(self.decimals - 3).to_integral():
            raise ValueError(
                f"price {text!r} is not a whole number of {step} steps (1 smallest unit per Wh)"
            )
        if v <= 0:
            raise ValueError(f"price {text!r} must be more than zero")
        return int(v.scaleb(self.decimals - 3))


XLM = Money("XLM", 7)
"""The payment asset deployments pay in (`urja deploy`'s default, native XLM: 7 decimals)."""


def fmt_kwh(wh: float) -> str:
    """Energy for people: `1.234 kWh`."""
    return f"{wh / 1000:.3f} kWh"


def kwh_text(wh: int) -> str:
    """Whole Wh exactly as kWh, trailing zeros dropped: `0.45 kWh`."""
    return f"{_plain(Decimal(int(wh)).scaleb(-3))} kWh"


def parse_kwh(text: str) -> int:
    """Energy a household typed in kWh (`0.45`) as whole Wh; ValueError when it is not an
    amount of kWh or is finer than 1 Wh (refused, never rounded). Same rule as the web app's
    `parseKwh` (docs/vectors/units.json)."""
    v = _decimal(text)
    if v is None or v.scaleb(3) != v.scaleb(3).to_integral():
        raise ValueError(f"energy {text!r} is not an amount of kWh (3 decimals at most: 1 Wh)")
    if v <= 0:
        raise ValueError(f"energy {text!r} must be more than zero")
    return int(v.scaleb(3))


def _decimal(text: str) -> Decimal | None:
    """A plain non-negative decimal as typed (digits, at most one point), or None."""
    t = str(text).strip()
    if not t or t.count(".") > 1 or not t.replace(".", "").isdigit() or t == ".":
        return None
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


def _plain(d: Decimal) -> str:
    """A Decimal in plain notation without trailing zeros (`0.0006`, `12`)."""
    t = format(d, "f")
    return t.rstrip("0").rstrip(".") if "." in t else t


def local_time(unix: float, tz: str = DEFAULT_TZ) -> datetime:
    """A unix time as an aware datetime in the community's time zone."""
    return datetime.fromtimestamp(unix, ZoneInfo(tz))


def fmt_clock(unix: float, tz: str = DEFAULT_TZ) -> str:
    """`09:15` in the community's time zone."""
    return local_time(unix, tz).strftime("%H:%M")


def fmt_slot(start_unix: float, end_unix: float, tz: str = DEFAULT_TZ) -> str:
    """A slot as people read it: `2026-03-21 09:00–09:15 IST`."""
    a, b = local_time(start_unix, tz), local_time(end_unix, tz)
    return f"{a:%Y-%m-%d %H:%M}–{b:%H:%M} {a:%Z}"

"""What a household reads: energy in kWh, money in the payment asset's unit per kWh, slots as
clock times in the community's time zone.

Prices on the chain and in the matching engine are integers per Wh in the asset's smallest
unit (10^-decimals of a unit); a household thinks in currency per kWh. `Money` converts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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


def fmt_kwh(wh: float) -> str:
    """Energy for people: `1.234 kWh`."""
    return f"{wh / 1000:.3f} kWh"


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

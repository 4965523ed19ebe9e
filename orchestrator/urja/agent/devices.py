"""A household's controllable devices: a home battery and a deferrable load.

Both validate themselves on construction: an impossible device (negative capacity, a
round-trip efficiency above 1, state-of-charge limits outside 0..1) is refused with a
`DeviceError` naming the field, before any plan or order is made from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


class DeviceError(ValueError):
    """An impossible device; the message names the field."""


def _check(name: str, v, lo: float, hi: float = math.inf, lo_open: bool = False) -> None:
    if isinstance(v, bool) or not isinstance(v, int | float) or math.isnan(v):
        raise DeviceError(f"{name} must be a number, got {v!r}")
    if (v <= lo if lo_open else v < lo) or v > hi:
        lo_s = f"above {lo:g}" if lo_open else f"at least {lo:g}"
        hi_s = "" if hi == math.inf else f" and at most {hi:g}"
        raise DeviceError(f"{name} must be {lo_s}{hi_s}, got {v:g}")


@dataclass(frozen=True)
class Battery:
    """A home battery. Energy in kWh, power in kW, cycling cost in currency per kWh
    discharged (wear), state-of-charge limits as shares of capacity."""

    capacity_kwh: float
    power_kw: float
    round_trip_efficiency: float = 0.9
    soc_min: float = 0.1
    soc_max: float = 0.95
    cycling_cost: float = 0.5
    soc_initial: float = 0.5

    def __post_init__(self) -> None:
        _check("battery.capacity_kwh", self.capacity_kwh, 0, lo_open=True)
        _check("battery.power_kw", self.power_kw, 0, lo_open=True)
        _check("battery.round_trip_efficiency", self.round_trip_efficiency, 0, 1, lo_open=True)
        _check("battery.soc_min", self.soc_min, 0, 1)
        _check("battery.soc_max", self.soc_max, 0, 1)
        if self.soc_min >= self.soc_max:
            raise DeviceError(
                f"battery.soc_min ({self.soc_min:g}) must be below soc_max ({self.soc_max:g})"
            )
        _check("battery.cycling_cost", self.cycling_cost, 0)
        _check("battery.soc_initial", self.soc_initial, self.soc_min, self.soc_max)

    @property
    def leg_efficiency(self) -> float:
        """Efficiency of charging and of discharging (each the square root of round trip)."""
        return math.sqrt(self.round_trip_efficiency)

    @property
    def min_wh(self) -> float:
        """Least energy the battery may hold, Wh."""
        return self.soc_min * self.capacity_kwh * 1000

    @property
    def max_wh(self) -> float:
        """Most energy the battery may hold, Wh."""
        return self.soc_max * self.capacity_kwh * 1000

    def max_step_wh(self, slot_secs: int) -> float:
        """Most energy in or out in one slot."""
        return self.power_kw * 1000 * slot_secs / 3600


@dataclass(frozen=True)
class DeferrableLoad:
    """A load that must receive `energy_kwh` at up to `power_kw`, between the start of slot
    offset `earliest` and the end of slot offset `deadline` of its day (0 = local midnight),
    e.g. an EV charged by 07:00 or a water pump run once a day."""

    name: str
    energy_kwh: float
    power_kw: float
    earliest: int
    deadline: int

    def __post_init__(self) -> None:
        _check(f"{self.name}.energy_kwh", self.energy_kwh, 0)
        _check(f"{self.name}.power_kw", self.power_kw, 0, lo_open=True)
        if not (0 <= self.earliest <= self.deadline):
            raise DeviceError(
                f"{self.name}.earliest ({self.earliest}) must be between 0 and deadline "
                f"({self.deadline})"
            )

    def check_feasible(self, slot_secs: int) -> None:
        """Refuses a load that cannot get its energy in its window at its power."""
        slots = self.deadline - self.earliest + 1
        most = self.power_kw * slots * slot_secs / 3600
        if self.energy_kwh > most + 1e-9:
            raise DeviceError(
                f"{self.name}.energy_kwh ({self.energy_kwh:g}) exceeds what {self.power_kw:g} kW "
                f"delivers in its {slots} slots ({most:g} kWh)"
            )

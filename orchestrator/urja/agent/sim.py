"""Simulated households' PV output and load per slot, after the fleet simulator's model.

`urja.fleet` draws one slot's per-minute meter readings; forecasting needs years of slots,
so this module draws the same model vectorised: pvlib clear-sky output of each roof
(`forecast.clear_sky_pv_wh`, the fleet's performance ratio), a community-wide cloud cover
that follows `fleet.Weather`'s random walk slot by slot, per-minute flicker around it, and
`fleet.load_profile_w` with per-minute noise for the load. PV and load are returned
separately (an inverter reports generation, the meter the net).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from ..fleet import Weather, load_profile_w
from .forecast import SLOTS_PER_DAY, clear_sky_pv_wh

SLOT_SECS = 900
MINUTES = 15
UTC_OFFSET_H = 5.5
DAY0_UNIX = 1735669800
"""2025-01-01 00:00 in Delhi (18:30 UTC the day before): day 0 of a simulated year."""


@dataclass(frozen=True)
class Home:
    """One simulated household: its roof (0 kWp without PV) and its base load."""

    name: str
    kwp: float
    base_load_w: float
    feeder: int = 0


@dataclass
class Series:
    """Per-slot Wh of every home over consecutive slots from `first_slot`."""

    homes: list[Home]
    first_slot: int
    pv_wh: np.ndarray  # [home, slot]
    load_wh: np.ndarray  # [home, slot]
    clear_wh: np.ndarray  # [home, slot] clear-sky PV of each roof
    clearness: np.ndarray  # [slot] community cloud cover

    @property
    def starts(self) -> np.ndarray:
        """Unix start of every slot."""
        return (self.first_slot + np.arange(self.pv_wh.shape[1])) * SLOT_SECS


def community(n: int, seed: int = 1, pv_share: float = 0.5) -> list[Home]:
    """`n` homes, every `1/pv_share`-th with a 3–6 kWp roof, base loads 300–900 W (the
    distributions of `fleet.make_community`)."""
    rng = random.Random(seed)
    step = round(1 / pv_share) if pv_share > 0 else 0
    homes = []
    for i in range(n):
        pv = step > 0 and i % step == 0
        homes.append(
            Home(
                f"{'donor' if pv else 'home'}-{i:03d}",
                round(rng.uniform(3.0, 6.0), 1) if pv else 0.0,
                rng.uniform(300, 900),
                (i // 2) % 2,
            )
        )
    return homes


def simulate(homes: list[Home], days: int, seed: int = 1, day0_unix: int = DAY0_UNIX) -> Series:
    """`days` days of slots from local midnight `day0_unix` for every home."""
    rng = np.random.default_rng(seed)
    first = day0_unix // SLOT_SECS
    n = days * SLOTS_PER_DAY
    starts = (first + np.arange(n)) * SLOT_SECS
    weather = Weather(random.Random(seed))
    clear = np.array([weather.clearness(first + k) for k in range(n)])
    unit = clear_sky_pv_wh(starts, SLOT_SECS, 1.0)  # Wh per kWp
    minute = np.arange(SLOTS_PER_DAY * MINUTES)
    hours = ((minute + 0.5) / 60.0) % 24  # local hour of every minute of the day
    profile = np.array([load_profile_w(h, 1.0) for h in hours]).reshape(SLOTS_PER_DAY, MINUTES)
    pv = np.empty((len(homes), n))
    load = np.empty((len(homes), n))
    cs = np.empty((len(homes), n))
    for i, h in enumerate(homes):
        flicker = np.clip(clear[:, None] + rng.normal(0, 0.05, (n, MINUTES)), 0.0, 1.0)
        cs[i] = unit * h.kwp
        pv[i] = cs[i] * flicker.mean(axis=1)
        noise = rng.uniform(0.8, 1.2, (n, MINUTES))
        per_min_w = np.tile(profile, (days, 1)) * h.base_load_w * noise
        load[i] = per_min_w.sum(axis=1) / 60.0
    return Series(homes, first, pv, load, cs, clear)

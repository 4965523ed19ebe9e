"""The sun over the community: slot times in local solar terms, and clear-sky irradiance.

Used three ways: the relayer refuses export reported while the sun is down, the grid monitor
flags it, and the fleet simulator shapes rooftop output. `SiteClock` maps a slot to the
wall-clock time it stands for: normally the slot's own unix time, but a demo may compress a
day (a 15-second slot standing for 15 minutes), recorded in the deployment so every service
agrees.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

DELHI = (28.61, 77.21)
"""Latitude and longitude of the default community (Delhi NCR)."""


@dataclass(frozen=True)
class SiteClock:
    """Where the community is and what time each slot stands for."""

    latitude: float = DELHI[0]
    longitude: float = DELHI[1]
    slot_secs: int = 900
    origin_slot: int = 0
    origin_unix: int = 0
    sim_slot_secs: int | None = None
    """When set, slot `origin_slot + k` stands for `origin_unix + k * sim_slot_secs`."""

    def unix(self, slot: int, offset: float = 0.0) -> float:
        """The unix time `offset` (0..1) of the way through `slot`."""
        if self.sim_slot_secs is None:
            return (slot + offset) * self.slot_secs
        return self.origin_unix + (slot - self.origin_slot + offset) * self.sim_slot_secs

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@lru_cache(maxsize=4096)
def _clear_sky(lat: float, lon: float, t0: float, n: int, span: float) -> tuple[float, ...]:
    import pandas as pd  # imported here: most commands never need the sky (and pvlib is slow)
    import pvlib

    times = pd.to_datetime([t0 + span * (i + 0.5) / n for i in range(n)], unit="s", utc=True)
    cs = pvlib.location.Location(lat, lon).get_clearsky(times, model="ineichen")
    return tuple(float(x) for x in cs["ghi"].to_numpy())


def clear_sky_ghi(site: SiteClock, slot: int, n: int) -> list[float]:
    """Clear-sky global horizontal irradiance (W/m^2) at `n` instants across `slot`."""
    span = site.unix(slot, 1.0) - site.unix(slot, 0.0)
    return list(_clear_sky(site.latitude, site.longitude, site.unix(slot), n, span))


def sun_down(site: SiteClock, slot: int) -> bool:
    """True when the sun stays below the horizon for the whole slot (no PV output possible)."""
    return max(clear_sky_ghi(site, slot, 3)) <= 0.0

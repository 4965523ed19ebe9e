"""A meter fleet simulator for scale: rooftop PV and household load, metered and signed.

PV output follows pvlib's clear-sky irradiance at the community's site (Delhi NCR by default)
scaled by each roof's size and a shared cloud cover that drifts from slot to slot with
per-minute flicker; household load follows a daily profile with morning and evening peaks.
Each simulated meter reports exactly what the firmware reports (docs/formats.md, "Meter
message"): 15 per-minute export and import readings, a salt, the Poseidon commitment and the
ed25519 signature over (market domain, meter, slot, commitment).
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field

from nacl.signing import SigningKey

from . import zk
from .domain import delivery_message
from .relayer.message import MeterSlot, encode
from .solar import SiteClock, clear_sky_ghi

PERFORMANCE_RATIO = 0.8
"""Share of the irradiance-rated output a real rooftop system delivers (losses, heat)."""


@dataclass
class Weather:
    """Community-wide cloud cover: a bounded random walk, one step per slot."""

    rng: random.Random
    clear: float = 0.9
    by_slot: dict[int, float] = field(default_factory=dict)

    def clearness(self, slot: int) -> float:
        """Share of clear-sky irradiance reaching the panels during `slot` (0.2..1)."""
        if slot not in self.by_slot:
            self.clear = min(1.0, max(0.2, self.clear + self.rng.gauss(0, 0.12)))
            self.by_slot[slot] = self.clear
        return self.by_slot[slot]


def load_profile_w(hour: float, base_w: float) -> float:
    """A household's mean demand at local `hour`: a base with morning and evening peaks."""
    morning = math.exp(-((hour - 7.5) ** 2) / 2.0)
    evening = 1.6 * math.exp(-((hour - 20.0) ** 2) / 3.0)
    return base_w * (0.6 + morning + evening)


@dataclass
class SimHousehold:
    """One simulated home: its roof, its load and (for donors) its meter key."""

    name: str
    role: str
    feeder: int
    kwp: float
    base_load_w: float
    meter: SigningKey | None = None
    utc_offset_h: float = 5.5

    @property
    def meter_id(self) -> bytes:
        return bytes(self.meter.verify_key)

    @property
    def max_wh_per_minute(self) -> int:
        """The meter's registered capacity: the roof's peak output per minute, rounded up."""
        return max(1, math.ceil(self.kwp * 1000 / 60 * 1.1))

    def minutes(
        self, site: SiteClock, weather: Weather, slot: int, rng: random.Random
    ) -> list[tuple[float, float]]:
        """Per-minute (PV, load) Wh for `slot`: the roof under the slot's clear sky and
        clouds, the household's load profile with its noise."""
        ghi = clear_sky_ghi(site, slot, zk.READINGS)
        clear = weather.clearness(slot)
        out = []
        for i, g in enumerate(ghi):
            flicker = min(1.0, max(0.0, clear + rng.gauss(0, 0.05)))
            pv_w = g / 1000.0 * self.kwp * 1000 * PERFORMANCE_RATIO * flicker
            hour = (site.unix(slot, (i + 0.5) / zk.READINGS) / 3600 + self.utc_offset_h) % 24
            load_w = load_profile_w(hour, self.base_load_w) * rng.uniform(0.8, 1.2)
            out.append((pv_w / 60.0, load_w / 60.0))
        return out

    def metered(self, minutes: list[tuple[float, float]]) -> tuple[list[int], list[int]]:
        """What the meter reads of `minutes`: per-minute (export, import) whole Wh, export
        capped at its registered rate."""
        export, imp = [], []
        for pv_wh, load_wh in minutes:
            net_wh = pv_wh - load_wh
            export.append(min(self.max_wh_per_minute, max(0, round(net_wh))))
            imp.append(max(0, round(-net_wh)))
        return export, imp


def spread(wh: int, readings: int = 15) -> list[int]:
    """`wh` over `readings` whole-Wh readings, as even as whole numbers allow (earlier
    readings take the remainder): a simulated meter's export for one slot."""
    base, extra = divmod(wh, readings)
    return [base + (1 if i < extra else 0) for i in range(readings)]


def sign_slot(
    meter: SigningKey,
    slot: int,
    export_wh: list[int],
    import_wh: list[int],
    salt: bytes | None,
    *,
    domain: bytes,
) -> MeterSlot:
    """Commits to and signs one slot for the market `domain` (`urja.domain.market_domain`)
    exactly as the firmware does."""
    salt = salt or zk.random_salt()
    c = zk.commitment(export_wh, salt)
    mid = bytes(meter.verify_key)
    sig = meter.sign(delivery_message(domain, mid, slot, c)).signature
    return MeterSlot(domain, mid, slot, tuple(export_wh), tuple(import_wh), salt, c, sig)


def make_community(
    n: int, feeders: int, rng: random.Random, donor_share: float = 0.5
) -> list[SimHousehold]:
    """`n` households over `feeders` feeders; about `donor_share` of them with rooftop PV."""
    homes = []
    for i in range(n):
        donor = i % round(1 / donor_share) == 0 if donor_share > 0 else False
        homes.append(
            SimHousehold(
                name=f"{'donor' if donor else 'home'}-{i:02d}",
                role="donor" if donor else "receiver",
                feeder=(i // 2) % feeders,
                kwp=round(rng.uniform(3.0, 6.0), 1) if donor else 0.0,
                base_load_w=rng.uniform(300, 900),
                meter=SigningKey.generate() if donor else None,
            )
        )
    return homes


def publish(messages: list[MeterSlot], host: str, port: int, community: str) -> None:
    """Publishes meter messages over MQTT (QoS 1) to `urja/<community>/meter/<id>/slot`."""
    import paho.mqtt.client as mqtt

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="")
    client.connect(host, port)
    client.loop_start()
    try:
        infos = [
            client.publish(f"urja/{community}/meter/{m.meter.hex()}/slot", encode(m), qos=1)
            for m in messages
        ]
        for info in infos:
            info.wait_for_publish(timeout=30)
    finally:
        client.loop_stop()
        client.disconnect()


def to_json(m: MeterSlot) -> dict:
    """The message as a dict (for files and logs)."""
    return json.loads(encode(m))

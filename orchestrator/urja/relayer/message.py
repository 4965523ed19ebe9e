"""Parsing and checking one meter message (docs/formats.md, "Meter message").

Every check names the field it refuses, so a bad meter or a tampered message is reported
precisely; nothing is stored or proven for a message that fails any check.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .. import audit

READINGS = 15
MAX_READING = (1 << 16) - 1
_HEX = re.compile(r"^[0-9a-f]*$")
_FIELDS = {
    "meter": 32,
    "salt": 32,
    "commitment": 32,
    "signature": 64,
}


class MessageError(ValueError):
    """A meter message that is malformed, out of range, forged or inconsistent."""


@dataclass(frozen=True)
class MeterSlot:
    """One meter's signed report of one slot."""

    meter: bytes
    slot: int
    export_wh: tuple[int, ...]
    import_wh: tuple[int, ...]
    salt: bytes
    commitment: bytes
    signature: bytes

    @property
    def energy_wh(self) -> int:
        """Energy exported in the slot (`E`)."""
        return sum(self.export_wh)


def _readings(d: dict, key: str) -> tuple[int, ...]:
    v = d.get(key)
    if not isinstance(v, list) or len(v) != READINGS:
        raise MessageError(f"{key}: expected a list of {READINGS} integers")
    for i, x in enumerate(v):
        if isinstance(x, bool) or not isinstance(x, int):
            raise MessageError(f"{key}[{i}]: not an integer")
        if not 0 <= x <= MAX_READING:
            raise MessageError(f"{key}[{i}]: {x} Wh is outside 0..={MAX_READING}")
    return tuple(v)


def parse(payload: bytes | str) -> MeterSlot:
    """Parses and checks the layout of a message (not yet its signature)."""
    try:
        d = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as e:
        raise MessageError(f"malformed JSON: {e}") from e
    if not isinstance(d, dict):
        raise MessageError("message must be a JSON object")
    if d.get("v") != 1:
        raise MessageError(f"v: unsupported message version {d.get('v')!r}")
    raw = {}
    for key, size in _FIELDS.items():
        v = d.get(key)
        if not isinstance(v, str) or len(v) != 2 * size or not _HEX.match(v):
            raise MessageError(f"{key}: expected {2 * size} lowercase hex digits")
        raw[key] = bytes.fromhex(v)
    slot = d.get("slot")
    if isinstance(slot, bool) or not isinstance(slot, int) or not 0 <= slot < 2**64:
        raise MessageError("slot: expected an integer in 0..2^64")
    if int.from_bytes(raw["salt"], "big") >= audit.R:
        raise MessageError("salt: not below the BN254 scalar modulus")
    return MeterSlot(
        meter=raw["meter"],
        slot=slot,
        export_wh=_readings(d, "export_wh"),
        import_wh=_readings(d, "import_wh"),
        salt=raw["salt"],
        commitment=raw["commitment"],
        signature=raw["signature"],
    )


def verify(m: MeterSlot, max_wh_per_minute: int | None = None) -> None:
    """Checks the meter's signature, that the commitment is Poseidon(readings, salt), and
    (when known) the meter's registered per-reading limit."""
    if not audit.verify_signature(m.meter, m.slot, m.commitment, m.signature):
        raise MessageError("signature: not the meter's signature over (meter, slot, commitment)")
    c = audit.poseidon([*m.export_wh, int.from_bytes(m.salt, "big")])
    if c.to_bytes(32, "big") != m.commitment:
        raise MessageError("commitment: does not match the readings and salt")
    if max_wh_per_minute is not None:
        check_limit(m, max_wh_per_minute)


def check_limit(m: MeterSlot, max_wh_per_minute: int) -> None:
    """Refuses a slot with a reading above the meter's registered per-reading limit."""
    for i, x in enumerate(m.export_wh):
        if x > max_wh_per_minute:
            raise MessageError(
                f"export_wh[{i}]: {x} Wh is above the meter's limit of {max_wh_per_minute}"
            )


def parse_and_verify(payload: bytes | str, max_wh_per_minute: int | None = None) -> MeterSlot:
    """`parse` then `verify`."""
    m = parse(payload)
    verify(m, max_wh_per_minute)
    return m


def encode(m: MeterSlot) -> str:
    """The message as a meter sends it (keys in the documented order)."""
    return json.dumps(
        {
            "v": 1,
            "meter": m.meter.hex(),
            "slot": m.slot,
            "export_wh": list(m.export_wh),
            "import_wh": list(m.import_wh),
            "salt": m.salt.hex(),
            "commitment": m.commitment.hex(),
            "signature": m.signature.hex(),
        },
        separators=(",", ":"),
    )

"""Parsing and checking one meter message (docs/formats.md, "Meter message").

Every check names the field it refuses, so a bad meter or a tampered message is reported
precisely; nothing is stored or proven for a message that fails any check. A message names
the market domain it was signed for (network and market contract, `urja.domain`); one for
another market or network is refused before its signature is even checked.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .. import proof_check

VERSION = 2
"""The meter message version this relayer reads (v2: signed for one market domain)."""
READINGS = 15
MAX_READING = (1 << 16) - 1
_HEX = re.compile(r"^[0-9a-f]*$")
_FIELDS = {
    "domain": 32,
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

    domain: bytes
    """The market domain the meter signed for (docs/formats.md, "Market domain")."""
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
    if d.get("v") == 1:
        raise MessageError(
            "v: message version 1 is signed without a market domain and is no longer accepted;"
            " update the meter firmware and provision its market domain"
        )
    if d.get("v") != VERSION:
        raise MessageError(f"v: unsupported message version {d.get('v')!r} (expected {VERSION})")
    raw = {}
    for key, size in _FIELDS.items():
        v = d.get(key)
        if not isinstance(v, str) or len(v) != 2 * size or not _HEX.match(v):
            raise MessageError(f"{key}: expected {2 * size} lowercase hex digits")
        raw[key] = bytes.fromhex(v)
    slot = d.get("slot")
    if isinstance(slot, bool) or not isinstance(slot, int) or not 0 <= slot < 2**64:
        raise MessageError("slot: expected an integer in 0..2^64")
    if int.from_bytes(raw["salt"], "big") >= proof_check.R:
        raise MessageError("salt: not below the BN254 scalar modulus")
    return MeterSlot(
        domain=raw["domain"],
        meter=raw["meter"],
        slot=slot,
        export_wh=_readings(d, "export_wh"),
        import_wh=_readings(d, "import_wh"),
        salt=raw["salt"],
        commitment=raw["commitment"],
        signature=raw["signature"],
    )


def check_domain(m: MeterSlot, domain: bytes) -> None:
    """Refuses a message signed for another market or network than `domain`."""
    if m.domain != domain:
        raise MessageError(
            f"domain: signed for another market or network: domain {m.domain.hex()}"
            f" != {domain.hex()}"
        )


def verify(m: MeterSlot, domain: bytes, reading_limit: int | None = None) -> None:
    """Checks that the message is for this market `domain`, the meter's signature, that the
    commitment is Poseidon(readings, salt), and (when known) the meter's per-reading limit
    (`metering.reading_limit_wh` of its registered rate and the market's slot length)."""
    check_domain(m, domain)
    if not proof_check.verify_signature(m.meter, m.slot, m.commitment, m.signature, domain=domain):
        raise MessageError(
            "signature: not the meter's signature over (domain, meter, slot, commitment)"
        )
    c = proof_check.poseidon([*m.export_wh, int.from_bytes(m.salt, "big")])
    if c.to_bytes(32, "big") != m.commitment:
        raise MessageError("commitment: does not match the readings and salt")
    if reading_limit is not None:
        check_limit(m, reading_limit)


def check_limit(m: MeterSlot, reading_limit: int) -> None:
    """Refuses a slot with a reading above the meter's per-reading limit."""
    for i, x in enumerate(m.export_wh):
        if x > reading_limit:
            raise MessageError(
                f"export_wh[{i}]: {x} Wh is above the meter's limit of {reading_limit} Wh "
                "per reading (its registered rate over one reading's interval)"
            )


def parse_and_verify(
    payload: bytes | str, domain: bytes, reading_limit: int | None = None
) -> MeterSlot:
    """`parse` then `verify` for the market `domain`."""
    m = parse(payload)
    verify(m, domain, reading_limit)
    return m


def encode(m: MeterSlot) -> str:
    """The message as a meter sends it (keys in the documented order)."""
    return json.dumps(
        {
            "v": VERSION,
            "domain": m.domain.hex(),
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

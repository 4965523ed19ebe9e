"""How a meter's registered rate bounds each of its readings: the one rule the market binds
into every proof, the relayer checks before proving and the auditor re-checks. Pure
Python, so the auditor needs nothing of the prover (`urja_interfaces::metering` is the
contracts' copy; both are checked against `docs/vectors/delivery.json`)."""

from __future__ import annotations

READINGS = 15
"""Readings per slot, each covering a fifteenth of the slot (a circuit constant; the
contracts' `metering::READINGS_PER_SLOT`)."""

MAX_READING_WH = 65_535
"""Readings and their limit are proven below 2^16 (`metering::MAX_READING_WH`)."""


def reading_limit_wh(max_wh_per_minute: int, slot_secs: int) -> int:
    """The most Wh one reading may claim in slots of `slot_secs` seconds from a meter
    registered at `max_wh_per_minute`: the rate over one reading's interval (`slot_secs /
    15` seconds), rounded down, at most `MAX_READING_WH`. The market binds exactly this
    into every proof (`urja_interfaces::metering::reading_limit_wh`; both are checked
    against `docs/vectors/delivery.json`)."""
    if max_wh_per_minute < 0 or slot_secs <= 0:
        raise ValueError(
            f"reading limit: max_wh_per_minute {max_wh_per_minute} and slot_secs {slot_secs} "
            "must be a rate >= 0 and a slot length > 0"
        )
    return min(MAX_READING_WH, max_wh_per_minute * (slot_secs // READINGS) // 60)


def compressed_rate(max_wh_per_minute: int, slot_secs: int, stands_for_secs: int) -> int:
    """The rate to register for a simulated meter in a trial market whose `slot_secs`-second
    slots each stand for `stands_for_secs` of a simulated day (the demo's 15-second slots
    stand for 15 minutes): its physical rate times `stands_for_secs / slot_secs`, rounded
    up, so each reading may hold what the roof exports in a reading of the simulated slot.
    Only for simulations and trials, and labelled so wherever shown: on a real network a
    slot lasts what it says and the registered rate is the meter's own."""
    if slot_secs <= 0 or stands_for_secs <= 0 or max_wh_per_minute < 0:
        raise ValueError(
            f"compressed rate: max_wh_per_minute {max_wh_per_minute}, slot_secs {slot_secs} "
            f"and stands_for_secs {stands_for_secs} must be >= 0, > 0 and > 0"
        )
    return -(-max_wh_per_minute * stands_for_secs // slot_secs)


def physical_rate(registered_wh_per_minute: int, slot_secs: int, stands_for_secs: int) -> float:
    """The inverse of `compressed_rate`: the physical Wh per minute of a meter registered at
    `registered_wh_per_minute` in a trial whose slots stand for `stands_for_secs`."""
    return registered_wh_per_minute * slot_secs / stands_for_secs

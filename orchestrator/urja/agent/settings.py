"""An agent's settings file (TOML), validated whole before the agent does anything:

    key = "donor-00"            # keystore name of the household's key
    kwp = 4.5                   # PV capacity; default: from the household's registered meters
    readings = "meter.csv"      # the household's measurements: slot,pv_wh,load_wh per line
    strategy = "cost"           # "fixed", "ramp" or "cost"
    timezone = "Asia/Kolkata"
    currency = "XLM"            # the payment asset's symbol
    decimals = 7                # its smallest unit
    tariff = "tariff.toml"      # optional; default: Delhi slabs (tariff.py)
    plan_ahead_slots = 4        # start placing a slot's orders this many slots before its gate
    [fixed]                     # for strategy = "fixed": limits per kWh
    sell = 4.0
    buy = 5.0
    [ramp]                      # for strategy = "ramp"
    sell_start = 7.0
    sell_limit = 4.0
    buy_start = 3.0
    buy_limit = 5.0
    [battery]                   # optional (devices.Battery fields)
    capacity_kwh = 5.0
    power_kw = 2.5
    [[loads]]                   # optional deferrable loads; window as local clock times
    name = "pump"
    energy_kwh = 1.5
    power_kw = 0.75
    earliest = "06:00"
    deadline = "18:00"          # the load finishes by the end of the slot starting here

Every error names the field (`battery.round_trip_efficiency must be ...`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from .devices import Battery, DeferrableLoad, DeviceError
from .household import Household
from .strategy import CostMinimising, FixedLimits, LinearRamp, Strategy
from .tariff import Tariff, TariffError, delhi
from .tariff import load as load_tariff
from .units import DEFAULT_TZ, Money

STRATEGIES = ("fixed", "ramp", "cost")


class SettingsError(ValueError):
    """An unusable agent settings file; the message names the field."""


@dataclass
class Settings:
    """Everything `urja agent run` needs besides the deployment."""

    key: str
    home: Household
    tariff: Tariff
    strategy_name: str
    strategy_doc: dict
    money: Money
    timezone: str
    readings: Path | None
    plan_ahead_slots: int
    kwp_given: bool = True
    """False when the file leaves kWp to the household's registered meters."""

    def strategy(self, monthly_kwh: float) -> Strategy:
        """The configured strategy (the cost strategy needs the household's monthly use)."""
        if self.strategy_name == "fixed":
            return FixedLimits(**self.strategy_doc)
        if self.strategy_name == "ramp":
            return LinearRamp(**self.strategy_doc)
        return CostMinimising(self.tariff, monthly_kwh, **self.strategy_doc)


def _clock(where: str, v, slot_secs: int) -> int:
    """ "HH:MM" as the slot of the day it falls in."""
    try:
        h, m = (int(x) for x in str(v).split(":"))
        if not (0 <= h < 24 and 0 <= m < 60):
            raise ValueError
    except ValueError:
        raise SettingsError(f"{where} must be a clock time HH:MM, got {v!r}") from None
    return (h * 3600 + m * 60) // slot_secs


def _table(doc: dict, name: str, allowed: set[str]) -> dict:
    t = doc.get(name, {})
    if not isinstance(t, dict):
        raise SettingsError(f"[{name}] must be a table")
    unknown = sorted(set(t) - allowed)
    if unknown:
        raise SettingsError(f"[{name}] has unknown fields {unknown}; expected {sorted(allowed)}")
    return t


def parse(doc: dict, base: Path, slot_secs: int = 900) -> Settings:
    """Settings from a parsed document; relative paths are taken from `base`."""
    try:
        key = doc.get("key")
        if not isinstance(key, str) or not key:
            raise SettingsError("key is missing (the keystore name of the household's key)")
        kwp = doc.get("kwp")
        if kwp is not None and (
            isinstance(kwp, bool) or not isinstance(kwp, int | float) or kwp < 0
        ):
            raise SettingsError(f"kwp must be a non-negative number, got {kwp!r}")
        battery = None
        if "battery" in doc:
            bt = _table(doc, "battery", {f.name for f in fields(Battery)})
            for req in ("capacity_kwh", "power_kw"):
                if req not in bt:
                    raise SettingsError(f"battery.{req} is missing")
            battery = Battery(**bt)
        loads = []
        raw_loads = doc.get("loads", [])
        if not isinstance(raw_loads, list):
            raise SettingsError("loads must be an array of tables ([[loads]])")
        for i, ld in enumerate(raw_loads):
            if not isinstance(ld, dict):
                raise SettingsError(f"loads[{i}] must be a table")
            for req in ("energy_kwh", "power_kw", "earliest", "deadline"):
                if req not in ld:
                    raise SettingsError(f"loads[{i}].{req} is missing")
            loads.append(
                DeferrableLoad(
                    str(ld.get("name", f"loads[{i}]")),
                    ld["energy_kwh"],
                    ld["power_kw"],
                    _clock(f"loads[{i}].earliest", ld["earliest"], slot_secs),
                    _clock(f"loads[{i}].deadline", ld["deadline"], slot_secs),
                )
            )
        for ld in loads:
            ld.check_feasible(slot_secs)
        tariff = delhi()
        if "tariff" in doc:
            tariff = load_tariff(base / str(doc["tariff"]))
        name = doc.get("strategy", "cost")
        if name not in STRATEGIES:
            raise SettingsError(f"strategy must be one of {STRATEGIES}, got {name!r}")
        allowed = {
            "fixed": {"sell", "buy"},
            "ramp": {"sell_start", "sell_limit", "buy_start", "buy_limit"},
            "cost": {"margin"},
        }[name]
        sdoc = _table(doc, name, allowed)
        if name != "cost":
            missing = sorted(allowed - set(sdoc))
            if missing:
                raise SettingsError(f"[{name}] is missing {missing}")
        try:
            probe = Settings(key, Household(key), tariff, name, sdoc, Money(), DEFAULT_TZ, None, 4)
            probe.strategy(0.0)
        except (TypeError, ValueError) as e:
            raise SettingsError(f"[{name}]: {e}") from None
        decimals = doc.get("decimals", 7)
        if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
            raise SettingsError(f"decimals must be a non-negative integer, got {decimals!r}")
        ahead = doc.get("plan_ahead_slots", 4)
        if isinstance(ahead, bool) or not isinstance(ahead, int) or ahead < 0:
            raise SettingsError(f"plan_ahead_slots must be a non-negative integer, got {ahead!r}")
        tz = doc.get("timezone", DEFAULT_TZ)
        try:
            from zoneinfo import ZoneInfo

            ZoneInfo(str(tz))
        except Exception:  # noqa: BLE001 - zoneinfo raises several types
            raise SettingsError(f"timezone {tz!r} is not a known time zone") from None
        readings = doc.get("readings")
        return Settings(
            key=key,
            home=Household(key, float(kwp or 0.0), battery, tuple(loads)),
            kwp_given=kwp is not None,
            tariff=tariff,
            strategy_name=name,
            strategy_doc=sdoc,
            money=Money(str(doc.get("currency", "XLM")), decimals),
            timezone=str(tz),
            readings=base / str(readings) if readings else None,
            plan_ahead_slots=ahead,
        )
    except (DeviceError, TariffError) as e:
        raise SettingsError(str(e)) from None


def load(path: str | Path, slot_secs: int = 900) -> Settings:
    """Settings from a TOML file."""
    p = Path(path)
    try:
        doc = tomllib.loads(p.read_text())
    except FileNotFoundError:
        raise SettingsError(f"agent settings file {p} does not exist") from None
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"agent settings file {p} is not valid TOML: {e}") from None
    try:
        return parse(doc, p.parent, slot_secs)
    except SettingsError as e:
        raise SettingsError(f"{p}: {e}") from None

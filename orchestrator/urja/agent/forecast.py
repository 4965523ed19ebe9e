"""Forecasts of a household's PV output and load for the next slots, and the baseline they
must beat.

PV: pvlib's clear-sky output of the household's registered capacity (`clear_sky_pv_wh`),
scaled by how much of its clear-sky output the roof actually delivered recently (its measured
output over the last `window` daylight slots divided by the clear-sky output of those slots),
shrunk toward its longer-run ratio the further ahead the slot is. Load: the mean of the same
slot of the day over its own last `days` days. Baseline: seasonal naive, the same slot
yesterday. `evaluate` scores both on a history (MAE and RMSE per slot).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pvlib

from ..fleet import PERFORMANCE_RATIO
from ..solar import DELHI

SLOTS_PER_DAY = 96


def clear_sky_pv_wh(
    starts: np.ndarray, slot_secs: int, kwp: float, lat: float = DELHI[0], lon: float = DELHI[1]
) -> np.ndarray:
    """Clear-sky energy (Wh) of a `kwp` roof in each slot starting at unix `starts`, from
    pvlib's Ineichen global horizontal irradiance sampled at three instants per slot."""
    starts = np.asarray(starts, dtype=float)
    offsets = (np.arange(3) + 0.5) / 3 * slot_secs
    t = (starts[:, None] + offsets[None, :]).ravel()
    times = pd.to_datetime(t, unit="s", utc=True)
    ghi = pvlib.location.Location(lat, lon).get_clearsky(times, model="ineichen")["ghi"]
    mean_ghi = ghi.to_numpy().reshape(len(starts), 3).mean(axis=1)
    return mean_ghi / 1000.0 * kwp * 1000 * PERFORMANCE_RATIO * slot_secs / 3600


_UNIT: dict[tuple[float, float, int], dict[int, float]] = {}
PREFETCH_SLOTS = 4 * SLOTS_PER_DAY


def unit_clear_sky(
    slots,
    slot_secs: int,
    lat: float = DELHI[0],
    lon: float = DELHI[1],
    offset: int = 0,
):
    """Clear-sky Wh per kWp for `slots` (slot numbers; slot k starts at unix
    `offset + k * slot_secs`), cached per site; a miss computes the next few days at once
    (one pvlib call serves many plans and many households)."""
    cache = _UNIT.setdefault((lat, lon, slot_secs, offset), {})
    slots = np.asarray(slots, dtype=np.int64)
    missing = sorted({int(s) for s in slots if int(s) not in cache})
    while missing:
        block = np.arange(missing[0], missing[0] + PREFETCH_SLOTS)
        vals = clear_sky_pv_wh(offset + block * slot_secs, slot_secs, 1.0, lat, lon)
        cache.update(zip(block.tolist(), vals.tolist(), strict=True))
        missing = [s for s in missing if s not in cache]
    return np.array([cache[int(s)] for s in slots])


@dataclass(frozen=True)
class PvForecaster:
    """Clear sky scaled by the roof's recent measured clearness."""

    window: int = 4
    """Recent daylight slots whose measured/clear-sky ratio sets the scale."""
    long_days: int = 7
    """Days behind the long-run ratio used at night and far ahead."""
    decay: float = 0.97
    """Per slot of lead time, the weight kept by the recent ratio (the rest: long-run)."""

    def ratios(self, measured: np.ndarray, clear: np.ndarray) -> tuple[float, float]:
        """(recent, long-run) measured/clear-sky ratios from aligned past slots."""
        day = clear > 1e-6
        long_m = measured[-self.long_days * SLOTS_PER_DAY :]
        long_c = clear[-self.long_days * SLOTS_PER_DAY :]
        long_ratio = float(long_m.sum() / long_c.sum()) if long_c.sum() > 0 else 0.8
        idx = np.flatnonzero(day)[-self.window :]
        if len(idx) == 0 or clear[idx].sum() <= 0:
            return long_ratio, long_ratio
        recent = float(measured[idx].sum() / clear[idx].sum())
        return recent, long_ratio

    def forecast(
        self, measured: np.ndarray, clear_past: np.ndarray, clear_next: np.ndarray, lead: int
    ) -> np.ndarray:
        """Wh for the slots whose clear-sky output is `clear_next`, the first of them `lead`
        slots after the last measured one."""
        recent, long_ratio = self.ratios(measured, clear_past)
        # A night between the last measurement and now makes the recent ratio stale.
        gap = lead
        w = self.decay ** (gap + np.arange(len(clear_next)))
        ratio = np.clip(w * recent + (1 - w) * long_ratio, 0.0, 1.0)
        return clear_next * ratio


@dataclass(frozen=True)
class LoadForecaster:
    """The mean of the same slot of the day over the household's last `days` days."""

    days: int = 7

    def forecast(self, history: np.ndarray, first: int, n: int) -> np.ndarray:
        """Wh for `n` slots starting at absolute position `first`; `history[i]` is the load
        of position i (positions < len(history) are known)."""
        history = np.asarray(history, dtype=float)
        known = len(history)
        if known == 0:
            return np.zeros(n)
        t = first + np.arange(n)[:, None] - SLOTS_PER_DAY * np.arange(1, self.days + 1)[None, :]
        ok = (t >= 0) & (t < known)
        vals = np.where(ok, history[np.clip(t, 0, known - 1)], 0.0)
        count = ok.sum(axis=1)
        fallback = history[-SLOTS_PER_DAY:].mean()
        return np.where(count > 0, vals.sum(axis=1) / np.maximum(count, 1), fallback)


def seasonal_naive(history: np.ndarray, first: int, n: int) -> np.ndarray:
    """The baseline: the same slot yesterday (0 when unknown)."""
    idx = np.arange(first, first + n) - SLOTS_PER_DAY
    return np.where((idx >= 0) & (idx < len(history)), history[np.clip(idx, 0, None)], 0.0)


@dataclass(frozen=True)
class Errors:
    """Mean absolute and root-mean-square error, Wh per slot, over `n` forecasts."""

    mae_wh: float
    rmse_wh: float
    n: int


def errors(forecast: np.ndarray, actual: np.ndarray) -> Errors:
    """MAE and RMSE of `forecast` against `actual`."""
    d = np.asarray(forecast, float) - np.asarray(actual, float)
    return Errors(float(np.abs(d).mean()), float(np.sqrt((d * d).mean())), len(d))


def pv_forecasts(
    pv: np.ndarray, clear: np.ndarray, targets: np.ndarray, lead: int, method: PvForecaster
) -> np.ndarray:
    """`method`'s forecast of every slot in `targets`, each made from the measurements up to
    `lead` slots before it: the same arithmetic as `PvForecaster.forecast`, vectorised with
    running sums (tests check both agree)."""
    last = targets - lead + 1  # measured positions are [0, last)
    cm = np.concatenate([[0.0], np.cumsum(pv)])
    cc = np.concatenate([[0.0], np.cumsum(clear)])
    lo = np.maximum(0, last - method.long_days * SLOTS_PER_DAY)
    long_c = cc[last] - cc[lo]
    long_m = cm[last] - cm[lo]
    long_ratio = np.where(long_c > 0, long_m / np.where(long_c > 0, long_c, 1), 0.8)
    day = np.flatnonzero(clear > 1e-6)
    dm = np.concatenate([[0.0], np.cumsum(pv[day])])
    dc = np.concatenate([[0.0], np.cumsum(clear[day])])
    k = np.searchsorted(day, last)  # daylight slots measured before `last`
    # only daylight slots inside the long window count (as in `ratios`)
    k0 = np.maximum(np.searchsorted(day, lo), k - method.window)
    rc = dc[k] - dc[k0]
    recent = np.where((k > k0) & (rc > 0), (dm[k] - dm[k0]) / np.where(rc > 0, rc, 1), long_ratio)
    w = method.decay**lead
    return clear[targets] * np.clip(w * recent + (1 - w) * long_ratio, 0.0, 1.0)


def evaluate(
    pv: np.ndarray,
    load: np.ndarray,
    clear: np.ndarray,
    lead: int = 2,
    warmup_days: int = 7,
    pv_method: PvForecaster | None = None,
    load_method: LoadForecaster | None = None,
) -> dict[str, Errors]:
    """Scores the forecasts and the seasonal-naive baseline on one household's history:
    every slot after `warmup_days` is forecast from what was measured up to `lead` slots
    before it (at most a day). Returns errors for "pv", "pv_naive", "load", "load_naive"."""
    if not 1 <= lead <= SLOTS_PER_DAY:
        raise ValueError(f"lead must be 1..{SLOTS_PER_DAY} slots, got {lead}")
    pv_method = pv_method or PvForecaster()
    load_method = load_method or LoadForecaster()
    start = warmup_days * SLOTS_PER_DAY
    targets = np.arange(start, len(pv))
    f_pv = pv_forecasts(pv, clear, targets, lead, pv_method)
    # same slot of earlier days are all measured when lead <= one day
    f_load = load_method.forecast(load, start, len(targets))
    return {
        "pv": errors(f_pv, pv[targets]),
        "pv_naive": errors(seasonal_naive(pv, start, len(targets)), pv[targets]),
        "load": errors(f_load, load[targets]),
        "load_naive": errors(seasonal_naive(load, start, len(targets)), load[targets]),
    }

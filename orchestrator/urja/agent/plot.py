"""The scenario comparison plot: community grid import through the day per scenario, and
the KPI bars side by side (matplotlib, PNG)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .units import fmt_clock  # noqa: E402

LABELS = {
    "no_market": "no market",
    "manual": "manual orders",
    "agents": "agents",
    "agents_battery": "agents + 30 % batteries",
}


def scenario_plot(results: dict, table: dict[str, dict], path: Path, currency: str) -> Path:
    """Writes the figure to `path`."""
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    ax = axes[0]
    for name, o in results.items():
        per_slot: dict[int, float] = defaultdict(float)
        starts: dict[int, int] = {}
        for f in o.flows:
            per_slot[f.slot] += f.grid_import_wh
            starts[f.slot] = f.start
        slots = sorted(per_slot)
        ax.plot(
            range(len(slots)),
            [per_slot[s] * 4 / 1000 for s in slots],
            label=LABELS.get(name, name),
            lw=1.2,
        )
    ticks = list(range(0, len(slots), 16))
    ax.set_xticks(ticks, [fmt_clock(starts[slots[i]]) for i in ticks])
    ax.set_xlabel("local time")
    ax.set_ylabel("community grid import, kW")
    ax.legend(fontsize=8)
    names = list(table)
    x = range(len(names))
    ax = axes[1]
    w = 0.4
    ax.bar(
        [i - w / 2 for i in x],
        [100 * (table[n]["self_sufficiency"] or 0) for n in names],
        w,
        label="self-sufficiency",
    )
    ax.bar(
        [i + w / 2 for i in x],
        [100 * (table[n]["self_consumption"] or 0) for n in names],
        w,
        label="self-consumption",
    )
    ax.set_xticks(list(x), [LABELS.get(n, n) for n in names], rotation=15, fontsize=8)
    ax.set_ylabel("%")
    ax.legend(fontsize=8)
    ax = axes[2]
    ax.bar(list(x), [table[n]["saved"] for n in names], color="tab:green")
    ax.set_xticks(list(x), [LABELS.get(n, n) for n in names], rotation=15, fontsize=8)
    ax.set_ylabel(f"community saved vs grid-only, {currency}/day")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path

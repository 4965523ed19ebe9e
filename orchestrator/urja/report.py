"""The demo's HTML report: per-slot table and plots, from the index and the relayer's data.

Plots (matplotlib, embedded as PNG so the report is one self-contained file): supply and
demand curves of every slot, the clearing price per slot, and energy exported and imported
per feeder per slot.
"""

from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .indexer.store import Index  # noqa: E402
from .monitor import FeederSlot  # noqa: E402


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _steps(orders: list[dict], side: str) -> tuple[list[int], list[int]]:
    rows = sorted(
        (o for o in orders if o["side"] == side), key=lambda o: o["price"], reverse=side == "buy"
    )
    xs, ys, cum = [0], [], 0
    for o in rows:
        ys.append(o["price"])
        cum += o["wh"]
        xs.append(cum)
    return xs, ys


def curves_figure(index: Index, slots: list[int]):
    """Supply (rising) and demand (falling) step curves, one panel per slot."""
    cols = min(4, len(slots)) or 1
    rows = math.ceil(len(slots) / cols) or 1
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.4 * rows), squeeze=False)
    for ax, slot in zip(axes.flat, slots, strict=False):
        orders = index.orders(slot, with_cancelled=False)
        for side, color in (("sell", "tab:green"), ("buy", "tab:blue")):
            xs, ys = _steps(orders, side)
            if ys:
                ax.stairs(
                    ys,
                    xs,
                    baseline=None,
                    color=color,
                    label="supply" if side == "sell" else "demand",
                )
        price = index.clearing_price(slot)
        if price is not None:
            ax.axhline(price, color="tab:red", lw=0.8, ls="--")
        ax.set_title(f"slot {slot}", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(slots) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.supxlabel("cumulative Wh")
    fig.supylabel("price per Wh")
    return fig


def prices_figure(table: list[dict]):
    fig, ax = plt.subplots(figsize=(7, 2.6))
    xs = [r["slot"] for r in table]
    ax.bar(xs, [r["cleared_wh"] for r in table], color="tab:olive", alpha=0.5, label="cleared Wh")
    ax2 = ax.twinx()
    ax2.plot(
        xs,
        [r["price"] if r["price"] is not None else float("nan") for r in table],
        "o-",
        color="tab:red",
        label="clearing price",
    )
    ax.set_xlabel("slot")
    ax.ticklabel_format(axis="x", style="plain", useOffset=False)
    ax.set_ylabel("cleared Wh")
    ax2.set_ylabel("price per Wh")
    return fig


def flows_figure(grid: list[FeederSlot]):
    fig, ax = plt.subplots(figsize=(7, 2.6))
    feeders = sorted({g.feeder for g in grid})
    width = 0.8 / max(1, len(feeders))
    for i, f in enumerate(feeders):
        rows = sorted((g for g in grid if g.feeder == f), key=lambda g: g.slot)
        xs = [g.slot + i * width for g in rows]
        ax.bar(xs, [g.export_wh for g in rows], width, label=f"feeder {f} export")
        ax.bar(xs, [-g.import_wh for g in rows], width, label=f"feeder {f} import", alpha=0.6)
    ax.axhline(0, color="black", lw=0.5)
    ax.set_xlabel("slot")
    ax.ticklabel_format(axis="x", style="plain", useOffset=False)
    ax.set_ylabel("Wh (export +, import -)")
    ax.legend(fontsize=7, ncol=2)
    return fig


def html_table(rows: list[dict]) -> str:
    """`rows` (dicts with the same keys) as an HTML table with a header row."""
    head = list(rows[0]) if rows else []
    return (
        "<table><tr>"
        + "".join(f"<th>{html.escape(h)}</th>" for h in head)
        + "</tr>"
        + "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(r[k]))}</td>" for k in head) + "</tr>"
            for r in rows
        )
        + "</table>"
    )


def write(
    path: Path,
    title: str,
    table: list[dict],
    index: Index,
    grid: list[FeederSlot],
    audit_text: str,
    tables: dict[str, list[dict]] | None = None,
) -> Path:
    """Writes the report and returns its path: the slot table, then `tables` (title ->
    rows, e.g. the KPIs), the figures and the audit."""
    slots = [r["slot"] for r in table]
    extra = "".join(
        f"<h2>{html.escape(t)}</h2>{html_table(rows)}" for t, rows in (tables or {}).items()
    )
    imgs = {
        "Supply and demand per slot (dashed: clearing price)": curves_figure(index, slots),
        "Clearing price and cleared energy per slot": prices_figure(table),
        "Energy flows per feeder (from the meters' raw readings)": flows_figure(grid),
    }
    figs = "".join(
        f"<h2>{html.escape(t)}</h2><img alt='{html.escape(t)}' src='data:image/png;base64,"
        f"{_png(f)}'>"
        for t, f in imgs.items()
    )
    doc = (
        "<!doctype html><html lang='en'><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;"
        "text-align:right}img{max-width:100%}</style>"
        f"<h1>{html.escape(title)}</h1><h2>Slots</h2>{html_table(table)}{extra}"
        f"{figs}<h2>Audit</h2><pre>{html.escape(audit_text)}</pre></html>"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc)
    return path

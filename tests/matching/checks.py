"""Invariants every clearing must satisfy, checked independently of the engine."""

from __future__ import annotations

from collections import defaultdict
from typing import Any


def edge_flows(orders_by_id, trades, nodes) -> dict[str, int]:
    """Net export on each node's parent edge implied by the trades' paths."""
    flow: dict[str, int] = defaultdict(int)

    def ancestors(n):
        path = [n]
        while nodes[path[-1]]["parent"] is not None:
            path.append(nodes[path[-1]]["parent"])
        return path

    for t in trades:
        up = ancestors(orders_by_id[t.sell]["feeder"])
        down = ancestors(orders_by_id[t.buy]["feeder"])
        common = set(up) & set(down)
        for n in up:
            if n in common:
                break
            flow[n] += t.wh
        for n in down:
            if n in common:
                break
            flow[n] -= t.wh
    return flow


def check_clearing(orders: list[dict[str, Any]], result, nodes=None) -> None:
    """Asserts limits, fills, capacities and the reported totals."""
    by_id = {o["id"]: o for o in orders}
    filled: dict[str, int] = defaultdict(int)
    welfare = volume = 0
    for t in result.trades:
        b, s = by_id[t.buy], by_id[t.sell]
        assert b["side"] == "buy" and s["side"] == "sell", t
        assert t.wh > 0, t
        assert t.price <= b["price"], f"buyer {t.buy} pays {t.price} above limit {b['price']}"
        assert t.price >= s["price"], f"seller {t.sell} gets {t.price} below {s['price']}"
        filled[t.buy] += t.wh
        filled[t.sell] += t.wh
        welfare += t.wh * (b["price"] - s["price"])
        volume += t.wh
    for oid, q in filled.items():
        assert q <= by_id[oid]["wh"], f"order {oid} over-filled: {q} > {by_id[oid]['wh']}"
    if nodes is not None:
        for n, f in edge_flows(by_id, result.trades, nodes).items():
            assert abs(f) <= nodes[n]["capacity_wh"], f"edge above {n}: {f} Wh over capacity"
            welfare -= abs(f) * nodes[n]["fee"]
    else:
        prices = {t.price for t in result.trades}
        if result.price is not None:
            assert prices <= {result.price}
    assert welfare == result.welfare
    assert volume == result.volume_wh

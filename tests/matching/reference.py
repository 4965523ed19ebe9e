"""Pure-Python references for the matching engine, written for clarity, not speed.

`uniform_reference` is the documented merit-order double auction (docs/matching.md);
`network_lp` builds and solves the network mechanism as a linear program with HiGHS. Tests
and `bench/matching.py` compare the Rust engine against both.
"""

from __future__ import annotations

from typing import Any


def uniform_reference(orders: list[dict[str, Any]], mechanism: str = "uniform") -> dict[str, Any]:
    """Clears a book by the documented merit-order walk; same result format as the engine."""
    buys = sorted(
        (o for o in orders if o["side"] == "buy"), key=lambda o: (-o["price"], o["ts"], o["id"])
    )
    sells = sorted(
        (o for o in orders if o["side"] == "sell"), key=lambda o: (o["price"], o["ts"], o["id"])
    )
    trades = []
    i = j = 0
    left_b = left_s = 0
    welfare = volume = 0
    while i < len(buys) and j < len(sells) and buys[i]["price"] >= sells[j]["price"]:
        b, s = buys[i], sells[j]
        left_b = left_b or b["wh"]
        left_s = left_s or s["wh"]
        wh = min(left_b, left_s)
        trades.append([b["id"], s["id"], wh, (b["price"] + s["price"]) // 2])
        welfare += wh * (b["price"] - s["price"])
        volume += wh
        left_b -= wh
        left_s -= wh
        if left_b == 0:
            i += 1
        if left_s == 0:
            j += 1
    price = trades[-1][3] if trades else None
    if mechanism == "uniform":
        for t in trades:
            t[3] = price
    return {
        "price": price if mechanism == "uniform" else None,
        "prices": {},
        "trades": [tuple(t) for t in trades],
        "welfare": welfare,
        "volume_wh": volume,
    }


def network_lp(orders: list[dict[str, Any]], nodes: dict[str, dict[str, Any]]):
    """Builds the network mechanism as an LP for HiGHS and returns the ready `Highs` object.

    Columns: one quantity per order (0..wh), and per non-root node an export and an import
    flow on its edge (0..capacity). One balance row per node. Maximise buyer limits minus
    seller limits minus edge fees.
    """
    import highspy
    import numpy as np

    names = list(nodes)
    index = {n: i for i, n in enumerate(names)}
    cost, upper, rows, vals = [], [], [], []
    for o in orders:
        sell = o["side"] == "sell"
        cost.append(-o["price"] if sell else o["price"])
        upper.append(o["wh"])
        rows.append([index[o["feeder"]]])
        vals.append([1.0 if sell else -1.0])
    for n in names:
        parent = nodes[n]["parent"]
        if parent is None:
            continue
        v, p = index[n], index[parent]
        for sign in (1.0, -1.0):  # export, import
            cost.append(-nodes[n]["fee"])
            upper.append(nodes[n]["capacity_wh"])
            rows.append([v, p])
            vals.append([-sign, sign])
    lp = highspy.HighsLp()
    lp.num_col_ = len(cost)
    lp.num_row_ = len(names)
    lp.col_cost_ = np.array(cost, dtype=np.float64)
    lp.col_lower_ = np.zeros(len(cost))
    lp.col_upper_ = np.array(upper, dtype=np.float64)
    lp.row_lower_ = np.zeros(len(names))
    lp.row_upper_ = np.zeros(len(names))
    lp.sense_ = highspy.ObjSense.kMaximize
    start = np.zeros(len(cost) + 1, dtype=np.int32)
    start[1:] = np.cumsum([len(r) for r in rows])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = np.array([i for r in rows for i in r], dtype=np.int32)
    lp.a_matrix_.value_ = np.array([x for v in vals for x in v], dtype=np.float64)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(lp)
    return h


def lp_welfare(h) -> int:
    """Solves a model from `network_lp` and returns its optimal welfare as an integer
    (the constraint matrix is totally unimodular, so the optimum is integral)."""
    import highspy

    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal, h.getModelStatus()
    return round(h.getInfo().objective_function_value)

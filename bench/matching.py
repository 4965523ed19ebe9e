"""Matching engine benchmark (issue: matching engine).

For 10^4, 10^5 and 10^6 orders: the engine's clearing time (NumPy column path), the pure-
Python reference's time on the same book, their ratio, and the engine's peak extra memory
per order (measured in a fresh subprocess from ru_maxrss). For the network mechanism on a
10,000-household three-level tree: the engine's time against HiGHS solving the same LP,
and both welfares. Targets are printed next to the figures; nothing fails on timing.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.matching.reference import lp_welfare, network_lp, uniform_reference  # noqa: E402
from urja import clearing  # noqa: E402

TARGET_MS = {100_000: 20.0, 1_000_000: 250.0}


def columns(n: int, seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "side": rng.integers(0, 2, n),
        "wh": rng.integers(1, 2_000, n),
        "price": rng.integers(1, 400, n),
        "ts": rng.integers(0, 900, n),
        "id": rng.permutation(n),
    }


def as_dicts(cols: dict[str, np.ndarray]) -> list[dict]:
    side, wh, price, ts, ids = (cols[k].tolist() for k in ("side", "wh", "price", "ts", "id"))
    return [
        {
            "id": f"{i:08d}",
            "side": "buy" if s else "sell",
            "wh": w,
            "price": p,
            "feeder": "f",
            "ts": t,
        }
        for s, w, p, t, i in zip(side, wh, price, ts, ids, strict=True)
    ]


def best_of(fn, repeat: int) -> float:
    """Best wall time of `repeat` calls, in seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def engine_best(fn, repeat: int) -> tuple[float, float]:
    """Best (engine time reported by the extension, whole call time), in seconds."""
    engine, call = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = fn()
        call.append(time.perf_counter() - t0)
        engine.append(r.engine_ns / 1e9)
    return min(engine), min(call)


def peak_bytes_per_order(n: int) -> float:
    """Peak resident memory the engine adds while clearing, per order. Runs in a fresh
    process; the kernel's peak counter (VmHWM) is reset just before the call."""
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r});"
        "from bench.matching import columns, vm; from urja import clearing;"
        f"c = columns({n}); clearing.clear(columns(100));"
        "open('/proc/self/clear_refs', 'w').write('5'); before = vm('VmRSS');"
        f"clearing.clear(c); print((vm('VmHWM') - before) / {n})"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def vm(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in bytes."""
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(field)


def auction() -> None:
    print("engine = validating + clearing inside the extension (GIL released); call = the")
    print("whole Python call incl. copying columns in and trades out; python = reference.")
    print(
        f"{'orders':>9} {'engine ms':>10} {'call ms':>8} {'python ms':>10} {'ratio':>7} "
        f"{'B/order':>8}  target (engine)"
    )
    for n in (10_000, 100_000, 1_000_000):
        cols = columns(n)
        engine, call = engine_best(lambda c=cols: clearing.clear(c), 5 if n < 10**6 else 3)
        dicts = as_dicts(cols)
        ref = best_of(lambda d=dicts: uniform_reference(d), 1)
        # Same welfare on the same book: the comparison is like for like.
        assert clearing.clear(cols).welfare == uniform_reference(dicts)["welfare"]
        mem = peak_bytes_per_order(n)
        target = TARGET_MS.get(n)
        verdict = ""
        if target is not None:
            ok = engine * 1e3 < target and ref / engine >= 50
            verdict = f"< {target:.0f} ms and >= 50x: {'met' if ok else 'MISSED'}"
        print(
            f"{n:>9} {engine * 1e3:>10.2f} {call * 1e3:>8.2f} {ref * 1e3:>10.1f} "
            f"{ref / engine:>7.0f} "
            f"{mem:>8.0f}  {verdict}"
        )


def network(households: int = 10_000) -> None:
    rng = random.Random(5)
    nodes = {"root": {"parent": None, "capacity_wh": 0, "fee": 0}}
    feeders = [f"f{k}" for k in range(100)]
    for f in feeders:
        nodes[f] = {
            "parent": "root",
            "capacity_wh": rng.randint(2_000, 20_000),
            "fee": rng.randint(0, 3),
        }
    orders = []
    for k in range(households):
        h = f"h{k}"
        nodes[h] = {
            "parent": rng.choice(feeders),
            "capacity_wh": rng.randint(500, 3_000),
            "fee": rng.randint(0, 1),
        }
        orders.append(
            {
                "id": f"o{k}",
                "side": rng.choice(["buy", "sell"]),
                "wh": rng.randint(100, 2_500),
                "price": rng.randint(10, 400),
                "feeder": h,
                "ts": rng.randint(0, 900),
            }
        )
    net = {"nodes": nodes}
    engine, call = engine_best(lambda: clearing.clear(orders, "network", net), 5)
    result = clearing.clear(orders, "network", net)
    h = network_lp(orders, nodes)
    t0 = time.perf_counter()
    lp = lp_welfare(h)
    highs = time.perf_counter() - t0
    ok = highs / engine >= 10 and lp == result.welfare
    print(
        f"network, {households} households / {len(nodes)} nodes / {len(orders)} orders: "
        f"engine {engine * 1e3:.1f} ms (call {call * 1e3:.1f} ms), "
        f"HiGHS run {highs * 1e3:.1f} ms, ratio "
        f"{highs / engine:.1f}x; welfare engine {result.welfare} HiGHS {lp} "
        f"(target >= 10x, equal welfare: {'met' if ok else 'MISSED'})"
    )


if __name__ == "__main__":
    print(
        json.dumps(
            {
                "cpu_count": __import__("os").cpu_count(),
                "maxrss_kb_at_start": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            }
        )
    )
    auction()
    network()

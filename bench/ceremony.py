"""Trusted-setup ceremony benchmark (issue 15).

Runs a ceremony over the delivery circuit with three contributors per phase and both
beacons (snarkjs, as `urja zk ceremony` does), then verifies and finalizes it, and prints for
every step the wall time, the peak memory of the snarkjs process (`ru_maxrss` of that child)
and the size of the file it wrote; then the time to load the final key in Rust and to prove
with it, next to a development key (same prover, arkworks' reduction) measured in the same
run. Machine load matters: the table also prints the load average before and after.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from urja import zk  # noqa: E402
from urja.ceremony import Beacon, Ceremony, proving_key  # noqa: E402

MEMBERS = ("alice", "bob", "carol")
NET = "Test SDF Network ; September 2015"


def row(name: str, seconds: float, rss: float, path: Path | None) -> None:
    size = f"{path.stat().st_size / 1e6:8.2f} MB" if path and path.is_file() else " " * 11
    print(f"| {name:34s} | {seconds:7.1f} s | {rss:6.0f} MB | {size} |")


def main() -> None:
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        c = Ceremony(Path(tmp) / "c")
        quiet = lambda _: None  # noqa: E731
        print("| step | wall | snarkjs peak RSS | file |")
        print("| --- | --- | --- | --- |")
        steps = list(c.init(Beacon(NET, 1000), Beacon(NET, 2000), say=quiet))
        for m in MEMBERS:
            steps.append(c.contribute(m, say=quiet))
        steps += c.beacon("11" * 32, say=quiet)
        for m in MEMBERS:
            steps.append(c.contribute(m, say=quiet))
        steps += c.beacon("22" * 32, say=quiet)
        for s in steps:
            row(f"{s.step} -> {s.file}", s.seconds, s.max_rss_mb, c.root / s.file)
        t0 = time.monotonic()
        results = c.verify(say=quiet)
        for s in results:
            row(f"verify {s.file}", s.seconds, s.max_rss_mb, None)
        t1 = time.monotonic()
        c.finalize(say=quiet)
        print(f"| finalize (verify again, export, transcript) | {time.monotonic() - t1:.1f} s |")
        print(f"verify total {t1 - t0:.1f} s")
        t = time.monotonic()
        key = proving_key(c.root)
        print(f"load final.zkey in Rust (every point checked): {time.monotonic() - t:.2f} s")
        dev = zk.ProvingKey.setup(insecure_dev_seed=1)
        for name, k in (("ceremony key (snarkjs reduction)", key), ("dev key (arkworks)", dev)):
            times = []
            for i in range(5):
                t = time.perf_counter()
                zk.prove_delivery(
                    k, [40] * 15, zk.random_salt(), i, 60, bytes(32), domain=bytes(32)
                )
                times.append(time.perf_counter() - t)
            print(f"prove with {name}: median {statistics.median(times) * 1000:.0f} ms of 5")
        total = sum(p.stat().st_size for p in c.root.rglob("*") if p.is_file())
        print(f"whole transcript directory: {total / 1e6:.1f} MB")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()

"""Cost of a community's slots on the local network (issue 14), today's market against the
baseline market measured in the same run.

For each community size N (households; about half have meters) the demo community trades
for a few slots three times on a fresh local network: once with the market built from
BASELINE (the design before issue 14: every order, trade and nullifier a persistent entry;
with issue 13's per-reading limit patched in, BASELINE_PATCH), once with the current build
and one order per household and slot, and once with the current build and standing orders
(after the first slot each household places one order for all the remaining slots); every
other contract is the current build. Every transaction from
the first order on is read back through `getTransactions` (`urja.fees`): charged fee,
declared instructions, footprint reads and writes, write and event bytes, grouped by the
market function it invoked. Printed per design: the table, fees per delivered kWh and as a
share of the energy's value at the reference price (0.2 XLM/kWh), the share of one
ledger's published capacity a slot uses, and the ratio current / baseline.

Usage: .venv/bin/python bench/scale.py [N ...]   (default, as in `make bench`: 24)
The baseline market is built once from git into ~/.cache/urja (about ten minutes on 2 cores).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "orchestrator"))
sys.path.insert(0, str(ROOT))

from tests.localnet.conftest import free_port  # noqa: E402
from urja import demo  # noqa: E402
from urja.fees import REFERENCE_STROOPS_PER_KWH, FeeReport  # noqa: E402

BASELINE = "82c2359"
"""The last commit before issue 14's storage changes to the market."""
SLOTS = 4
"""Slots traded per run; figures are for the slots after the first (steady state: every
household's persistent entries exist; the demo prints the first slot's joining cost too)."""
LEDGER_INSTRUCTIONS = 500_000_000
"""Published ledger-wide Soroban limits (developers.stellar.org, resource limits): about
500 M instructions and 500 written entries per ledger; one slot is 15 min = about 180
ledgers on mainnet, so the share below is of one ledger's capacity per slot's transactions."""
LEDGER_WRITES = 500


BASELINE_PATCH = [
    (
        "        if energy_wh > 15 * m.max_wh_per_minute as u64 {",
        "        let limit = ((m.max_wh_per_minute as u64) * (p.slot_secs / 15) / 60).min(65_535)"
        " as u32;\n        if energy_wh > 15 * limit as u64 {",
    ),
    (
        "            max_wh_per_reading: m.max_wh_per_minute,",
        "            max_wh_per_reading: limit,",
    ),
]
"""Applied to BASELINE's market before building it: the per-reading limit of issue 13
(`urja_interfaces::metering::reading_limit_wh`), which binds a different `max` into every
proof, so that both designs prove the same readings; nothing else of the baseline changes."""


def patch_baseline(src: Path) -> None:
    """Applies BASELINE_PATCH to the extracted source, refusing if a line is not found."""
    lib = src / "contracts/market/src/lib.rs"
    text = lib.read_text()
    for old, new in BASELINE_PATCH:
        if text.count(old) != 1:
            raise SystemExit(f"baseline patch: {old.strip()!r} not found once in {lib}")
        text = text.replace(old, new)
    lib.write_text(text)


def baseline_market() -> Path:
    """The market WASM built from BASELINE with BASELINE_PATCH (cached outside the
    repository)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "urja"
    out = cache / f"market-{BASELINE}-reading-limit.wasm"
    if out.exists():
        return out
    src = cache / f"src-{BASELINE}-reading-limit"
    if not src.exists():
        cache.mkdir(parents=True, exist_ok=True)
        tar = subprocess.run(
            ["git", "-C", str(ROOT), "archive", BASELINE], check=True, capture_output=True
        ).stdout
        src.mkdir()
        subprocess.run(["tar", "-x", "-C", str(src)], input=tar, check=True)
        patch_baseline(src)
    print(f"building the baseline market ({BASELINE}) once into {cache} ...", flush=True)
    subprocess.run(["scripts/build-contracts.sh"], cwd=src, check=True, stdout=subprocess.DEVNULL)
    shutil.copy(src / "target/wasm/urja_market.wasm", out)
    return out


def wasm_dir(market: Path) -> Path:
    """A directory of the current builds with `market` in place of the current market."""
    d = Path(tempfile.mkdtemp(prefix="urja-scale-wasm-"))
    for w in (ROOT / "target/wasm").glob("urja_*.wasm"):
        (d / w.name).symlink_to(w)
    (d / "urja_market.wasm").unlink()
    (d / "urja_market.wasm").symlink_to(market)
    return d


def measure(households: int, wasms: Path | None, standing: bool = False) -> FeeReport:
    """The fees of the slots after the first of one demo run (`standing`: each household
    trades them through one standing order)."""
    data = Path(tempfile.mkdtemp(prefix="urja-scale-"))
    result = demo.run(
        households,
        SLOTS,
        2,
        port=free_port(),
        data_dir=data / "run",
        seed=1,
        web=None,
        api_port=free_port(),
        keep_running=False,
        wasm_dir=wasms,
        standing=standing,
    )
    if not result.ok:
        raise SystemExit(f"the {households}-household run's audit failed")
    return result.steady


def summary(name: str, rep: FeeReport) -> str:
    t = rep.total
    n = SLOTS - 1
    per_slot_ins = t.instructions / n
    per_slot_writes = t.writes / n
    return (
        f"{name:<9} txs/slot {t.count / n:7.1f}  fee/kWh {rep.per_kwh / 1e7:8.4f} XLM"
        f" ({100 * rep.share_of_value:7.2f} % of value)  per slot: {per_slot_ins / 1e6:8.1f} M"
        f" instr ({100 * per_slot_ins / LEDGER_INSTRUCTIONS:5.1f} % of a ledger),"
        f" {per_slot_writes:6.1f} writes ({100 * per_slot_writes / LEDGER_WRITES:5.1f} %)"
    )


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [24]
    base = wasm_dir(baseline_market())
    for n in sizes:
        print(f"\n=== {n} households, {SLOTS} slots", flush=True)
        before = measure(n, base)
        after = measure(n, None)
        standing = measure(n, None, standing=True)
        print(f"\n--- baseline market ({BASELINE})\n{before.text()}")
        print(f"\n--- current market, one order per slot\n{after.text()}")
        print(f"\n--- current market, standing orders\n{standing.text()}")
        print()
        print(summary("baseline", before))
        print(summary("current", after))
        print(summary("standing", standing))
        for name, rep in (("current", after), ("standing", standing)):
            print(
                f"ratio {name}/baseline: fee per kWh {rep.per_kwh / before.per_kwh:.3f}, "
                f"transactions {rep.total.count / before.total.count:.2f}, "
                f"writes {rep.total.writes / max(before.total.writes, 1):.2f}"
            )
        target = 0.10 if n < 1000 else 0.01
        print(
            f"target: {target:.0%} of value = "
            f"{target * REFERENCE_STROOPS_PER_KWH / 1e7:.4f} XLM/kWh"
        )


if __name__ == "__main__":
    main()

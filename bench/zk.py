"""Zero-knowledge benchmark (issue: proof of delivery).

Prints: the delivery circuit's constraint count; proving time per proof (target under
150 ms on the 2-core machine); native (arkworks) and py_ecc verification time; and the CPU
instructions and memory of one on-chain verification and of a full `deliver` on the WASM
build, measured by the Soroban host in the contract tests, against Stellar mainnet's
per-transaction limits (target for deliver: under 40 million instructions).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from urja import _native, proof_check, zk  # noqa: E402

MAINNET_INSTRUCTIONS = 400_000_000
MAINNET_MEMORY = 41_943_040


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def onchain() -> None:
    if not (ROOT / "target/wasm/urja_market.wasm").exists():
        subprocess.run(
            ["bash", "scripts/build-contracts.sh"], cwd=ROOT, check=True, capture_output=True
        )
    for pkg, test, name in (
        ("urja-verifier", "wasm_cost_of_one_verification", "verifier"),
        ("urja-market", "wasm_cost_of_deliver", "deliver"),
    ):
        subprocess.run(
            ["cargo", "test", "-q", "-p", pkg, test], cwd=ROOT, check=True, capture_output=True
        )
        label, insns, mem = (ROOT / f"target/contract-costs-{name}.txt").read_text().split()
        target = (
            " (target < 40,000,000: {})".format("met" if int(insns) < 40_000_000 else "MISSED")
            if name == "deliver"
            else ""
        )
        print(
            f"on-chain {label:8s} (WASM): {int(insns):>12,} instructions "
            f"({int(insns) / MAINNET_INSTRUCTIONS:.1%} of mainnet's {MAINNET_INSTRUCTIONS:,}),"
            f" {int(mem):>10,} bytes memory ({int(mem) / MAINNET_MEMORY:.1%}){target}"
        )


def main() -> None:
    print(f"delivery circuit: {_native.constraint_count()} constraints, 1 public input")
    key = zk.ProvingKey.setup(insecure_dev_seed=1)
    meter = bytes(range(32))
    domain = bytes([0xD0]) * 32
    readings = [37] * 15
    salt = zk.random_salt()
    zk.prove_delivery(key, readings, salt, 9, 60, meter, domain=domain)  # warm up
    times = timed(lambda: zk.prove_delivery(key, readings, salt, 9, 60, meter, domain=domain), 10)
    med = statistics.median(times)
    print(
        f"prove: median {med * 1e3:.1f} ms, min {min(times) * 1e3:.1f} ms over 10 "
        f"(target < 150 ms: {'met' if med < 0.150 else 'MISSED'})"
    )
    p = zk.prove_delivery(key, readings, salt, 9, 60, meter, domain=domain)
    vk = key.vk_bytes()
    native = statistics.median(timed(lambda: zk.verify(vk, p.proof, p.public_input), 10))
    h = int.from_bytes(p.public_input, "big")
    parsed = proof_check.parse_vk(vk)
    py = statistics.median(timed(lambda: proof_check.verify_groth16(parsed, p.proof, [h]), 3))
    print(
        f"verify: arkworks {native * 1e3:.2f} ms, py_ecc {py * 1e3:.0f} ms "
        f"(py_ecc / arkworks = {py / native:.0f}x)"
    )
    onchain()


if __name__ == "__main__":
    main()

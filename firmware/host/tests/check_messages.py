#!/usr/bin/env python3
"""Checks meter messages (one JSON document per line) the way the relayer will receive them.

- layout exactly as docs/formats.md (keys, integer ranges, lowercase hex lengths), and every
  message signed for the expected market domain (--domain);
- per meter: slots strictly consecutive, none twice, and (with --expect) all of them;
- with the repo's Python package importable (the orchestrator's own code, not the firmware's):
  the ed25519 signature verifies with `urja.audit.verify_signature` and the commitment equals
  `urja.audit.poseidon(export_wh + [salt])`, i.e. the relayer accepts what the C++ core made.

With --prove N, the first N messages also go through the delivery prover (`urja.zk`): the
circuit recomputes C from the readings and salt, so the proof exists only if the C++
commitment is the circuit's; the proof is then verified.

Usage: check_messages.py MESSAGES.jsonl --domain HEX [--expect METER_HEX=COUNT ...]
                         [--require-urja] [--prove N]
Exit 0 on success, 1 with a message naming the first problem, 77 if --require-urja and the
package is missing (ctest treats 77 as skipped).
"""

from __future__ import annotations

import json
import re
import sys

HEX = re.compile(r"^[0-9a-f]*$")
KEYS = ["v", "domain", "meter", "slot", "export_wh", "import_wh", "salt", "commitment", "signature"]


def fail(msg: str) -> None:
    print(f"check_messages: {msg}", file=sys.stderr)
    sys.exit(1)


def check_layout(n: int, d: dict) -> None:
    if list(d) != KEYS:
        fail(f"message {n}: keys {list(d)} != {KEYS}")
    if d["v"] != 2:
        fail(f"message {n}: v must be 2")
    for k, length in (
        ("domain", 64),
        ("meter", 64),
        ("salt", 64),
        ("commitment", 64),
        ("signature", 128),
    ):
        if not isinstance(d[k], str) or len(d[k]) != length or not HEX.match(d[k]):
            fail(f"message {n}: {k} must be {length} lowercase hex characters")
    if int(d["salt"][:2], 16) & 0xE0:
        fail(f"message {n}: salt has its top 3 bits set")
    if not isinstance(d["slot"], int) or not 0 <= d["slot"] < 2**64:
        fail(f"message {n}: slot must be a u64")
    for k in ("export_wh", "import_wh"):
        v = d[k]
        if not (isinstance(v, list) and len(v) == 15 and all(isinstance(x, int) for x in v)):
            fail(f"message {n}: {k} must be 15 integers")
        if any(not 0 <= x < 2**16 for x in v):
            fail(f"message {n}: {k} values must be in [0, 65536)")


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    path, rest = argv[0], argv[1:]
    require = "--require-urja" in rest
    expect: dict[str, int] = {}
    prove = 0
    domain = None
    for i, a in enumerate(rest):
        if a == "--domain":
            domain = rest[i + 1]
        if a == "--expect":
            meter, count = rest[i + 1].split("=")
            expect[meter] = int(count)
        if a == "--prove":
            prove = int(rest[i + 1])
    try:
        from urja import audit
    except ImportError:
        audit = None
        if require:
            print("check_messages: urja package not importable (run scripts/setup.sh)")
            return 77
    if domain is None or len(domain) != 64 or not HEX.match(domain):
        fail("--domain HEX (the expected market domain, 64 lowercase hex digits) is required")
    dom = bytes.fromhex(domain)
    msgs = [json.loads(line) for line in open(path) if line.strip()]
    if not msgs:
        fail("no messages")
    last: dict[str, int] = {}
    counts: dict[str, int] = {}
    for n, d in enumerate(msgs):
        check_layout(n, d)
        if d["domain"] != domain:
            fail(f"message {n}: signed for domain {d['domain']}, expected {domain}")
        m, slot = d["meter"], d["slot"]
        if m in last and slot != last[m] + 1:
            what = "twice" if slot <= last[m] else "after a gap"
            fail(f"message {n}: meter {m[:8]} slot {slot} arrived {what} (previous {last[m]})")
        last[m] = slot
        counts[m] = counts.get(m, 0) + 1
        if audit is not None:
            key, c = bytes.fromhex(m), bytes.fromhex(d["commitment"])
            sig = bytes.fromhex(d["signature"])
            if not audit.verify_signature(key, slot, c, sig, domain=dom):
                fail(f"message {n}: urja.audit rejects the signature")
            want = audit.poseidon(d["export_wh"] + [int(d["salt"], 16)])
            if want != int(d["commitment"], 16):
                fail(f"message {n}: commitment differs from urja.audit.poseidon")
    for m, want in expect.items():
        if counts.get(m, 0) != want:
            fail(f"meter {m[:8]}: {counts.get(m, 0)} slots arrived, expected {want}")
    if prove and audit is not None:
        from urja import zk

        key = zk.ProvingKey.setup()
        for n, d in enumerate(msgs[:prove]):
            p = zk.prove_delivery(
                key,
                d["export_wh"],
                bytes.fromhex(d["salt"]),
                d["slot"],
                1000,
                bytes.fromhex(d["meter"]),
                domain=dom,
            )
            if p.commitment.hex() != d["commitment"]:
                fail(f"message {n}: the delivery circuit computes another commitment")
            if p.energy_wh != sum(d["export_wh"]) or not zk.verify(
                key.vk_bytes(), p.proof, p.public_input
            ):
                fail(f"message {n}: delivery proof does not verify")
        print(f"check_messages: {min(prove, len(msgs))} delivery proofs built and verified")
    checked = "signatures and commitments checked with urja.audit" if audit else "layout only"
    print(f"check_messages: {len(msgs)} messages from {len(counts)} meters ok ({checked})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The market audit: rebuild the market from its events alone and check every rule.

An auditor needs only the contract ids. From the raw events (the indexer's `events` table, or
fetched afresh from the RPC) it rebuilds orders, trades, deliveries and token mints, then:
- re-verifies every delivery proof with py_ecc against the verifying key governance installed
  (taken from the verifier's `vk_set` event) and the meter's signature with PyNaCl;
- checks each proven slot's energy was minted exactly once: to buyers pro rata plus surplus;
- checks token supply equals proven delivered Wh (events, and the token's own total_supply);
- checks escrow conservation: locked = paid + refunded + still held, against the market's
  `totals()` and the payment token's balance of the market;
- checks every trade against its orders: same slot, sides, price limits, uniform price per
  slot, no overfill, no self-trade;
- checks the index's derived tables agree with the rebuild (a doctored database fails).
Proofs are verified in parallel processes: py_ecc takes most of a second per proof.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from . import audit
from .indexer.store import Index

CIRCUIT_ID = 1


@dataclass
class Report:
    """Findings of one audit."""

    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    figures: dict[str, int] = field(default_factory=dict)

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append((name, bool(ok), detail))
        return ok

    @property
    def ok(self) -> bool:
        return all(ok for _, ok, _ in self.checks)

    @property
    def failures(self) -> list[str]:
        return [f"{n}: {d}" for n, ok, d in self.checks if not ok]

    def text(self) -> str:
        lines = ["Urja market audit", ""]
        for k, v in self.figures.items():
            lines.append(f"  {k:28s} {v}")
        lines.append("")
        passed = sum(ok for _, ok, _ in self.checks)
        for name, ok, detail in self.checks:
            if not ok:
                lines.append(f"  FAIL {name}: {detail}")
        lines.append(
            f"{passed}/{len(self.checks)} checks passed -> "
            + ("AUDIT PASSED" if self.ok else "AUDIT FAILED")
        )
        return "\n".join(lines)


def _load(index: Index) -> list[dict]:
    rows = index.rows("SELECT * FROM events ORDER BY ledger, id")
    for r in rows:
        r["topics"] = json.loads(r["topics"])
        r["data"] = json.loads(r["data"])
    return rows


def _verify(args) -> tuple[bool, bool]:
    vk, proof, commitment, energy, slot, cap, meter, sig, domain = args
    ok_proof = audit.verify_delivery(vk, proof, commitment, energy, slot, cap, meter, domain=domain)
    ok_sig = audit.verify_signature(meter, slot, commitment, sig, domain=domain)
    return ok_proof, ok_sig


def run(
    index: Index,
    chain_state: dict | None = None,
    workers: int | None = None,
    *,
    domain: bytes,
) -> Report:
    """Audits the events in `index` of the market whose domain (`urja.domain.market_domain`
    of its network and address) is `domain`: every signature and proof is checked for it.
    `chain_state` (optional) carries what the chain itself says now: {"total_supply",
    "totals", "escrow_balance"}."""
    rep = Report()
    events = _load(index)
    orders: dict[int, dict] = {}
    trades: dict[int, dict] = {}
    proofs: list[dict] = []
    surplus: dict[tuple[str, int], int] = defaultdict(int)
    delivered: dict[int, dict] = {}
    mints = 0
    vk: bytes | None = None
    meters: dict[str, list[tuple[int, int]]] = defaultdict(list)  # meter -> [(ledger, cap)]
    settle_price: dict[int, set] = defaultdict(set)
    refunds = 0
    for e in events:
        k, n, t, d = e["kind"], e["name"], e["topics"], e["data"]
        if k == "verifier" and n == "vk_set" and t[0] == CIRCUIT_ID:
            vk = bytes.fromhex(d)
        elif k == "registry" and n == "meter":
            meters[t[0]].append((e["ledger"], d[2]))
        elif k == "token" and n == "mint":
            mints += int(d["amount"] if isinstance(d, dict) else d)
        elif k != "market":
            continue
        elif n == "order":
            oid, owner, side, wh, price, escrow = d
            orders[oid] = {
                "slot": t[0],
                "owner": owner,
                "side": "sell" if side == 0 else "buy",
                "wh": wh,
                "price": price,
                "escrow": escrow,
                "filled": 0,
                "status": "open",
            }
        elif n in ("cancel", "release"):
            orders[d[0]]["status"] = "cancelled" if n == "cancel" else "closed"
            refunds += d[1]
        elif n == "trade":
            tid, buy, sell, buyer, seller, wh, price = d
            trades[tid] = {
                "slot": t[0],
                "buy": buy,
                "sell": sell,
                "buyer": buyer,
                "seller": seller,
                "wh": wh,
                "price": price,
            }
        elif n == "settle":
            settle_price[t[0]].add(d[1])
        elif n == "delivered":
            delivered[d[0]] = {"wh": d[1], "paid": d[2], "fee": d[3], "refund": d[4]}
            refunds += d[4]
        elif n == "expired":
            delivered[d[0]] = {"wh": 0, "paid": 0, "fee": 0, "refund": d[1], "expired": True}
            refunds += d[1]
        elif n == "surplus":
            surplus[(d[0], t[0])] += d[1]
        elif n == "proof":
            proofs.append(
                {
                    "meter": t[0],
                    "slot": t[1],
                    "donor": d[0],
                    "commitment": d[1],
                    "energy": d[2],
                    "signature": d[3],
                    "proof": d[4],
                    "ledger": e["ledger"],
                }
            )

    # Trades against their orders.
    bad = []
    for tid, tr in trades.items():
        b, s = orders.get(tr["buy"]), orders.get(tr["sell"])
        if b is None or s is None:
            bad.append(f"trade {tid}: unknown order")
            continue
        b["filled"] += tr["wh"]
        s["filled"] += tr["wh"]
        if b["side"] != "buy" or s["side"] != "sell":
            bad.append(f"trade {tid}: wrong sides")
        if not b["slot"] == s["slot"] == tr["slot"]:
            bad.append(f"trade {tid}: orders of another slot")
        if not s["price"] <= tr["price"] <= b["price"]:
            bad.append(f"trade {tid}: price {tr['price']} outside [{s['price']}, {b['price']}]")
        if b["owner"] == s["owner"] or tr["buyer"] != b["owner"] or tr["seller"] != s["owner"]:
            bad.append(f"trade {tid}: parties do not match the orders")
        prices = settle_price.get(tr["slot"], set()) - {None}
        if prices and prices != {tr["price"]}:
            bad.append(f"trade {tid}: not at the slot's uniform price {sorted(prices)}")
    for oid, o in orders.items():
        if o["filled"] > o["wh"]:
            bad.append(f"order {oid}: filled {o['filled']} of {o['wh']} Wh")
    rep.check("trades obey their orders", not bad, "; ".join(bad[:5]))

    # Proofs: py_ecc and signatures.
    if not rep.check("verifying key installed", vk is not None, "no vk_set event for circuit 1"):
        return rep

    def cap(meter: str, ledger: int) -> int:
        caps = [c for (lg, c) in meters.get(meter, []) if lg <= ledger]
        return caps[-1] if caps else -1

    jobs = [
        (
            vk,
            bytes.fromhex(p["proof"]),
            bytes.fromhex(p["commitment"]),
            p["energy"],
            p["slot"],
            cap(p["meter"], p["ledger"]),
            bytes.fromhex(p["meter"]),
            bytes.fromhex(p["signature"]),
            domain,
        )
        for p in proofs
    ]
    workers = workers or os.cpu_count() or 1
    if len(jobs) > 2 and workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_verify, jobs, chunksize=4))
    else:
        results = [_verify(j) for j in jobs]
    bad_proofs = [
        f"meter {p['meter'][:12]} slot {p['slot']}"
        for p, (okp, _) in zip(proofs, results, strict=True)
        if not okp
    ]
    bad_sigs = [
        f"meter {p['meter'][:12]} slot {p['slot']}"
        for p, (_, oks) in zip(proofs, results, strict=True)
        if not oks
    ]
    rep.check(
        "every delivery proof verifies (py_ecc)",
        not bad_proofs,
        f"{len(bad_proofs)} fail: " + ", ".join(bad_proofs[:5]),
    )
    rep.check(
        "every meter signature verifies",
        not bad_sigs,
        f"{len(bad_sigs)} fail: " + ", ".join(bad_sigs[:5]),
    )
    seen = set()
    dup = [
        (p["meter"], p["slot"])
        for p in proofs
        if (p["meter"], p["slot"]) in seen or seen.add((p["meter"], p["slot"]))
    ]
    rep.check("one delivery per meter and slot", not dup, f"repeated: {dup[:5]}")

    # Energy: each proof's energy is minted once, to buyers pro rata plus surplus.
    by_donor_slot: dict[tuple[str, int], int] = defaultdict(int)
    for p in proofs:
        by_donor_slot[(p["donor"], p["slot"])] += p["energy"]
    minted_for: dict[tuple[str, int], int] = defaultdict(int)
    for tid, dv in delivered.items():
        tr = trades.get(tid)
        if tr is not None and not dv.get("expired"):
            minted_for[(tr["seller"], tr["slot"])] += dv["wh"]
    for key, wh in surplus.items():
        minted_for[key] += wh
    mismatch = [
        f"{d[:8]} slot {s}: proven {e}, minted {minted_for.get((d, s), 0)}"
        for (d, s), e in by_donor_slot.items()
        if minted_for.get((d, s), 0) != e
    ]
    extra = [k for k in minted_for if k not in by_donor_slot and minted_for[k]]
    rep.check(
        "each proven slot minted exactly its energy",
        not mismatch and not extra,
        "; ".join(mismatch[:5]) + (f" minted without proof: {extra[:5]}" if extra else ""),
    )
    proven = sum(p["energy"] for p in proofs)
    rep.figures.update(
        proofs=len(proofs),
        proven_wh=proven,
        minted_wh=mints,
        orders=len(orders),
        trades=len(trades),
    )
    rep.check(
        "kWh minted equals proven delivered Wh (events)",
        mints == proven,
        f"minted {mints} Wh, proven {proven} Wh",
    )

    # Escrow.
    locked = sum(o["escrow"] for o in orders.values())
    paid = sum(d["paid"] + d["fee"] for d in delivered.values())
    fees = sum(d["fee"] for d in delivered.values())
    held = locked - paid - refunds
    rep.figures.update(
        escrow_locked=locked, escrow_paid=paid, escrow_refunded=refunds, escrow_held=held
    )
    rep.check("escrow never negative", held >= 0, f"held {held}")
    if chain_state is not None:
        ts = chain_state.get("total_supply")
        rep.check(
            "token total_supply equals proven Wh",
            ts == proven,
            f"chain says {ts} Wh, events prove {proven} Wh",
        )
        tot = chain_state.get("totals") or {}
        want = {
            "locked": locked,
            "paid": paid,
            "fees": fees,
            "refunded": refunds,
            "minted_wh": proven,
        }
        diff = {k: (tot.get(k), v) for k, v in want.items() if tot.get(k) != v}
        rep.check("market totals() match the events", not diff, f"(chain, events): {diff}")
        bal = chain_state.get("escrow_balance")
        rep.check(
            "payment token held by the market equals escrow",
            bal == held,
            f"market holds {bal}, events say {held}",
        )

    # The index's derived tables against the rebuild.
    doctored = []
    for r in index.rows("SELECT * FROM trades"):
        tr = trades.get(r["trade_id"])
        if tr is None or any(r[k] != tr[k] for k in ("slot", "buy", "sell", "wh", "price")):
            doctored.append(f"trades row {r['trade_id']}")
        dv = delivered.get(r["trade_id"])
        if dv is not None and not dv.get("expired") and r["delivered_wh"] != dv["wh"]:
            doctored.append(f"trades row {r['trade_id']} delivered_wh")
    if len(index.rows("SELECT trade_id FROM trades")) != len(trades):
        doctored.append("trades row count")
    by_key = {(p["meter"], p["slot"]): p for p in proofs}
    rows = index.rows("SELECT * FROM deliveries")
    for r in rows:
        p = by_key.get((r["meter"], r["slot"]))
        if p is None or r["energy_wh"] != p["energy"] or r["proof"] != p["proof"]:
            doctored.append(f"deliveries row meter {r['meter'][:12]} slot {r['slot']}")
    if len(rows) != len(proofs):
        doctored.append("deliveries row count")
    for r in index.rows("SELECT * FROM orders"):
        o = orders.get(r["id"])
        if o is None or any(
            r[k] != o[k] for k in ("slot", "owner", "side", "wh", "price", "escrow")
        ):
            doctored.append(f"orders row {r['id']}")
    rep.check("index tables agree with the events", not doctored, "; ".join(doctored[:5]))
    return rep

"""The market audit: rebuild the market from its events alone and check every rule.

An auditor needs only the contract ids. From the raw events (the indexer's `events` table, or
fetched afresh from the RPC) it rebuilds orders, trades, deliveries and token mints, then:
- re-verifies every delivery proof with py_ecc against the verifying key in force at that
  delivery's ledger (the latest `vk_set` event of the market's circuit before it: governance
  may rotate keys, and an older delivery stays valid under the key it was proven for) and
  the meter's signature with PyNaCl;
- checks a meter's proof settled exactly the trades of offers bound to that meter, and the
  rest of its energy was minted to the donor as surplus;
- checks token supply equals proven delivered Wh (events, and the token's own total_supply);
- checks escrow conservation with pull payments: held = locked - paid - refunded >= 0,
  credits owed = paid + refunded - withdrawn, the market's payment-token balance equals
  locked - withdrawn, and each household's credit (the market's `credit` view) equals what
  events credited it less what it withdrew, against the market's `totals()`;
- checks every trade against its orders: same slot, sides, price limits, uniform price per
  slot, no overfill, no self-trade;
- checks the index's derived tables agree with the rebuild (a doctored database fails).
Proofs are verified in parallel processes: py_ecc takes most of a second per proof.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from . import audit
from .indexer.store import Index

CIRCUIT_ID = 1
"""The delivery circuit's id in the verifier, until a market `params` event names another."""
MAX_TRADES_PER_METER_SLOT = 20
"""The market's cap on one meter's trades in a slot (contracts/market)."""


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


def check_transcript(
    rep: Report,
    installed_vk: bytes | None,
    transcript_vk: bytes,
    transcript_sha256: str,
    recorded_transcript_sha256: str,
) -> bool:
    """The verifying key the verifier holds is the one the published ceremony transcript
    yields, and that transcript is the one the deployment record names (`urja audit
    --ceremony DIR`, which re-verifies the ceremony with snarkjs first)."""
    got = hashlib.sha256(installed_vk).hexdigest() if installed_vk is not None else "none"
    want = hashlib.sha256(transcript_vk).hexdigest()
    a = rep.check(
        "installed verifying key is the ceremony's",
        installed_vk == transcript_vk,
        f"verifier holds {got}, the transcript yields {want}",
    )
    b = rep.check(
        "ceremony transcript is the deployment's",
        transcript_sha256 == recorded_transcript_sha256,
        f"transcript {transcript_sha256}, deployment record names "
        f"{recorded_transcript_sha256 or 'none (insecure development setup)'}",
    )
    return a and b


def _load(index: Index) -> list[dict]:
    rows = index.rows("SELECT * FROM events ORDER BY ledger, id")
    for r in rows:
        r["topics"] = json.loads(r["topics"])
        r["data"] = json.loads(r["data"])
    return rows


def _verify(args) -> tuple[bool, bool]:
    vk, proof, commitment, energy, slot, cap, meter, sig, domain = args
    ok_proof = vk is not None and audit.verify_delivery(
        vk, proof, commitment, energy, slot, cap, meter, domain=domain
    )
    ok_sig = audit.verify_signature(meter, slot, commitment, sig, domain=domain)
    return ok_proof, ok_sig


def run(
    index: Index,
    chain_state: dict | None = None,
    workers: int | None = None,
    *,
    domain: bytes,
    circuit_id: int = CIRCUIT_ID,
    fee_recipient: str | None = None,
) -> Report:
    """Audits the events in `index` of the market whose domain (`urja.domain.market_domain`
    of its network and address) is `domain`: every signature and proof is checked for it,
    each proof against the verifying key of the market's circuit (`circuit_id`, then as
    `params` events set it) in force when it was delivered.

    `fee_recipient` is the fee recipient the market was constructed with (its constructor
    emits no `params` event); when not given it is taken from the index (the indexer reads
    it from the chain's first fee-paying trade) or, with no `params` event at all, from
    `chain_state["params"]`. `chain_state` (optional) carries what the chain itself says
    now: {"total_supply", "totals", "escrow_balance", "params", "credit"} where `credit` is
    a function address -> the market's `credit(address)` view."""
    rep = Report()
    events = _load(index)
    orders: dict[int, dict] = {}
    trades: dict[int, dict] = {}
    proofs: list[dict] = []
    surplus: dict[tuple[str, int], int] = defaultdict(int)
    delivered: dict[int, dict] = {}
    mints = 0
    keys: dict[int, bytes] = {}  # circuit id -> key in force at the current event
    rotations = 0
    meters: dict[str, list[tuple[int, int]]] = defaultdict(list)  # meter -> [(ledger, cap)]
    settle_price: dict[int, set] = defaultdict(set)
    refunds = 0
    cancelled_refunds = 0
    credited: dict[str | None, int] = defaultdict(int)
    withdrawn: dict[str, int] = defaultdict(int)
    params_seen = any(e["kind"] == "market" and e["name"] == "params" for e in events)
    fee_to = fee_recipient or index.meta("initial_fee_recipient")
    if fee_to is None and not params_seen and chain_state:
        fee_to = (chain_state.get("params") or {}).get("fee_recipient")
    for e in events:
        k, n, t, d = e["kind"], e["name"], e["topics"], e["data"]
        if k == "verifier" and n == "vk_set":
            rotations += t[0] in keys and t[0] == circuit_id
            keys[t[0]] = bytes.fromhex(d)
        elif k == "registry" and n == "meter":
            meters[t[0]].append((e["ledger"], d[2]))
        elif k == "token" and n == "mint":
            mints += int(d["amount"] if isinstance(d, dict) else d)
        elif k != "market":
            continue
        elif n == "params":
            circuit_id = d["circuit_id"]
            fee_to = d["fee_recipient"]
        elif n == "order":
            oid, owner, side, wh, price, escrow, meter = d
            orders[oid] = {
                "slot": t[0],
                "owner": owner,
                "side": "sell" if side == 0 else "buy",
                "wh": wh,
                "price": price,
                "escrow": escrow,
                "meter": meter,
                "filled": 0,
                "status": "open",
            }
        elif n in ("cancel", "release"):
            o = orders.get(d[0])
            if o is not None:
                o["status"] = "cancelled" if n == "cancel" else "closed"
            refunds += d[1]
            if n == "cancel":  # transferred to the owner directly
                cancelled_refunds += d[1]
            else:
                credited[o["owner"] if o else None] += d[1]
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
                "fee_recipient": fee_to,
            }
        elif n == "settle":
            settle_price[t[0]].add(d[1])
        elif n == "delivered":
            tid, wh, paid, fee, refund = d
            delivered[tid] = {"wh": wh, "paid": paid, "fee": fee, "refund": refund}
            refunds += refund
            tr = trades.get(tid, {})
            credited[tr.get("seller")] += paid
            credited[tr.get("fee_recipient")] += fee
            credited[tr.get("buyer")] += refund
        elif n == "expired":
            delivered[d[0]] = {"wh": 0, "paid": 0, "fee": 0, "refund": d[1], "expired": True}
            refunds += d[1]
            credited[trades.get(d[0], {}).get("buyer")] += d[1]
        elif n == "withdraw":
            withdrawn[t[0]] += int(d)
        elif n == "swept":  # escrow past every deadline of its owner, credited back
            refunds += d[0]
            credited[t[0]] += d[0]
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
                    "vk": keys.get(circuit_id),
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
        if s["meter"] is None:
            bad.append(f"trade {tid}: its offer names no meter")
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
    per_meter: dict[tuple[str, int], list[int]] = defaultdict(list)
    for tid, tr in trades.items():
        s = orders.get(tr["sell"])
        if s is not None and s["meter"] is not None:
            per_meter[(s["meter"], tr["slot"])].append(tid)
    crowded = [
        f"meter {m[:12]} slot {sl}: {len(ids)}"
        for (m, sl), ids in per_meter.items()
        if len(ids) > MAX_TRADES_PER_METER_SLOT
    ]
    rep.check(
        f"at most {MAX_TRADES_PER_METER_SLOT} trades per meter and slot",
        not crowded,
        "; ".join(crowded[:5]),
    )

    # Proofs: py_ecc and signatures, each against the key in force at its delivery.
    rep.check(
        "verifying key installed",
        circuit_id in keys,
        f"no vk_set event for circuit {circuit_id}",
    )

    def cap(meter: str, ledger: int) -> int:
        caps = [c for (lg, c) in meters.get(meter, []) if lg <= ledger]
        return caps[-1] if caps else -1

    jobs = [
        (
            p["vk"],
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
    keyless = [f"meter {p['meter'][:12]} slot {p['slot']}" for p in proofs if p["vk"] is None]
    rep.check(
        "every delivery had a verifying key in force",
        not keyless,
        f"{len(keyless)} before any key: " + ", ".join(keyless[:5]),
    )
    bad_proofs = [
        f"meter {p['meter'][:12]} slot {p['slot']}"
        for p, (okp, _) in zip(proofs, results, strict=True)
        if not okp and p["vk"] is not None
    ]
    bad_sigs = [
        f"meter {p['meter'][:12]} slot {p['slot']}"
        for p, (_, oks) in zip(proofs, results, strict=True)
        if not oks
    ]
    rep.check(
        "every delivery proof verifies (py_ecc) under the key in force at its ledger",
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

    # Energy: a meter's proof settles exactly that meter's trades of the slot (offers are
    # bound to meters); what it proved beyond them is minted to the donor as surplus.
    proven_at = {(p["meter"], p["slot"]): p for p in proofs}
    wrong = []
    want_surplus: dict[tuple[str, int], int] = defaultdict(int)
    for (meter, slot), p in proven_at.items():
        ids = per_meter.get((meter, slot), [])
        open_ = [tid for tid in ids if tid not in delivered]
        if open_:
            wrong.append(f"meter {meter[:12]} slot {slot}: trades {open_[:3]} not settled")
        got = sum(delivered[tid]["wh"] for tid in ids if tid in delivered)
        if got > p["energy"]:
            wrong.append(f"meter {meter[:12]} slot {slot}: {got} Wh settled of {p['energy']}")
        want_surplus[(p["donor"], slot)] += p["energy"] - got
    for tid, dv in delivered.items():
        tr = trades.get(tid)
        if dv.get("expired") or tr is None:
            continue
        s = orders.get(tr["sell"]) or {}
        if (s.get("meter"), tr["slot"]) not in proven_at:
            wrong.append(f"trade {tid} delivered without a proof by its offer's meter")
    for key in set(want_surplus) | set(surplus):
        if want_surplus.get(key, 0) != surplus.get(key, 0):
            wrong.append(
                f"{key[0][:8]} slot {key[1]}: surplus minted {surplus.get(key, 0)}, "
                f"proven beyond trades {want_surplus.get(key, 0)}"
            )
    rep.check("each proven slot minted exactly its energy", not wrong, "; ".join(wrong[:5]))
    proven = sum(p["energy"] for p in proofs)
    rep.figures.update(
        proofs=len(proofs),
        proven_wh=proven,
        minted_wh=mints,
        orders=len(orders),
        trades=len(trades),
        key_rotations=rotations,
    )
    rep.check(
        "kWh minted equals proven delivered Wh (events)",
        mints == proven,
        f"minted {mints} Wh, proven {proven} Wh",
    )

    # Escrow and credits (pull payments).
    locked = sum(o["escrow"] for o in orders.values())
    paid = sum(d["paid"] + d["fee"] for d in delivered.values())
    fees = sum(d["fee"] for d in delivered.values())
    out = cancelled_refunds + sum(withdrawn.values())
    held = locked - paid - refunds
    owed = paid + refunds - out
    rep.figures.update(
        escrow_locked=locked,
        escrow_paid=paid,
        escrow_refunded=refunds,
        escrow_held=held,
        credits_owed=owed,
        withdrawn=out,
    )
    rep.check("escrow never negative", held >= 0, f"held {held}")
    balances = {a: c - withdrawn.get(a, 0) for a, c in credited.items() if a is not None}
    for a, w in withdrawn.items():
        balances.setdefault(a, -w)
    over = [f"{a[:8]} {b}" for a, b in balances.items() if b < 0]
    rep.check("no household withdrew more than it was credited", not over, "; ".join(over[:5]))
    unknown = credited.get(None, 0)
    rep.check(
        "every credit has a known recipient",
        not unknown,
        f"{unknown} credited to an unknown address (pass the market's first fee recipient)",
    )
    rep.check(
        "credits owed equal the households' credits",
        owed == sum(balances.values()) + unknown,
        f"paid + refunded - withdrawn = {owed}, households' credits {sum(balances.values())}",
    )
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
            "withdrawn": out,
            "minted_wh": proven,
        }
        diff = {k: (tot.get(k), v) for k, v in want.items() if tot.get(k) != v}
        rep.check("market totals() match the events", not diff, f"(chain, events): {diff}")
        bal = chain_state.get("escrow_balance")
        rep.check(
            "payment token held by the market equals locked - withdrawn",
            bal == locked - out,
            f"market holds {bal}, events say {locked - out}",
        )
        credit = chain_state.get("credit")
        if credit is not None:
            off = []
            for a, b in sorted(balances.items()):
                c = credit(a)
                if c != b:
                    off.append(f"{a[:8]}: chain {c}, events {b}")
            rep.check(
                "each household's credit on chain equals its credits less withdrawals",
                not off,
                "; ".join(off[:5]),
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
    rows = index.rows("SELECT * FROM deliveries")
    for r in rows:
        p = proven_at.get((r["meter"], r["slot"]))
        if p is None or r["energy_wh"] != p["energy"] or r["proof"] != p["proof"]:
            doctored.append(f"deliveries row meter {r['meter'][:12]} slot {r['slot']}")
    if len(rows) != len(proofs):
        doctored.append("deliveries row count")
    for r in index.rows("SELECT * FROM orders"):
        o = orders.get(r["id"])
        if o is None or any(
            r[k] != o[k] for k in ("slot", "owner", "side", "wh", "price", "escrow", "meter")
        ):
            doctored.append(f"orders row {r['id']}")
    for a, b in balances.items():
        if index.credit_of(a) != b:
            doctored.append(f"credit of {a[:8]}: index {index.credit_of(a)}, events {b}")
    rep.check("index tables agree with the events", not doctored, "; ".join(doctored[:5]))
    return rep

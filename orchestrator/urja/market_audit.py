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
- checks every trade against its orders: a slot both orders stand for (a standing order
  stands for `slots` consecutive slots from its first), sides, price limits, uniform price
  per slot, no overfill of any slot (`wh` each) or of the order (`wh * slots`), slots
  traded in order, a pair at most once per slot, no self-trade, no trade of a closed order;
  each bid locked `wh * price * slots`, and a cancel or release refunded exactly the
  unmatched escrow;
- checks the index's derived tables agree with the rebuild (a doctored database fails).
Proofs are verified in parallel processes: py_ecc takes most of a second per proof.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import events, metering, proof_check
from .indexer.store import Index

if TYPE_CHECKING:
    from .stack import Stack

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


INDEX_WAIT_SECS = 60.0
"""How long an audit waits for the index to follow the chain to the ledgers it read."""


class AuditError(RuntimeError):
    """The audit could not gather a consistent view (the index is not following the chain)."""


def chain_state(s: Stack, owners: list[str]) -> dict:
    """What the chain says now: kWh supply, the market's totals and parameters, the escrow it
    holds and the credit of each of `owners`, each with the ledger it was read at
    (`"ledgers"`): the audit compares every value with the events up to its own ledger, so a
    market that moves while the audit reads it is not mistaken for a wrong one."""
    from .bindings import Market, Token

    ids = s.dep.contracts
    market = Market(s.chain, ids["market"])
    supply, supply_at = Token(s.chain, ids["token"]).view_at("total_supply")
    totals, totals_at = market.view_at("totals")
    params, _ = market.view_at("params")
    held, held_at = Token(s.chain, ids["payment"], "token").view_at("balance", market.id)
    credit, credit_at = {}, {}
    for a in owners:
        credit[a], credit_at[a] = market.view_at("credit", a)
    return {
        "total_supply": supply,
        "totals": totals,
        "params": params,
        "credit": credit,
        "escrow_balance": held,
        "ledgers": {
            "total_supply": supply_at,
            "totals": totals_at,
            "escrow_balance": held_at,
            "credit": credit_at,
        },
    }


def _last_ledger_read(state: dict) -> int:
    at = state["ledgers"]
    return max([at["total_supply"], at["totals"], at["escrow_balance"], *at["credit"].values()])


def _follow_to(s: Stack, index: Index, ledger: int, wait_secs: float) -> None:
    """Returns once `index` holds every event of the deployment up to `ledger`: when it is
    synced that far, or the chain emitted nothing since the ledger it is synced to. Raises
    `AuditError` if the indexer does not get there within `wait_secs`."""
    from .indexer.follow import events_between

    deadline = time.monotonic() + wait_secs
    while True:
        at = index.synced()[0]
        if at >= ledger or not events_between(s.chain, s.dep.contracts, at, ledger):
            return
        if time.monotonic() > deadline:
            raise AuditError(
                f"the index at {index.path} is synced to ledger {at} but the chain's state "
                f"was read at ledger {ledger} with events between: start `urja indexer run`, "
                "or audit with --from-chain or --offline"
            )
        time.sleep(0.25)


def audit_deployment(
    s: Stack, from_chain: bool = False, offline: bool = False, wait_secs: float = INDEX_WAIT_SECS
) -> Report:
    """Audits a deployment from its index, or from every event fetched afresh from the RPC
    into a temporary index (`from_chain`); against the chain's current state unless
    `offline`. The chain is read first, then the index once it holds every event up to the
    ledgers read, in one read transaction (`Index.snapshot`)."""
    from .domain import market_domain
    from .indexer.follow import Indexer

    indexer = None
    if from_chain:
        tmp = Path(tempfile.mkdtemp(prefix="urja-audit-"))
        index = Index(tmp / "index.sqlite")
        indexer = Indexer(s.chain, s.dep.contracts, index, s.dep.ledger)
        indexer.poll(limit=1000)
    else:
        index = Index(s.index_path, readonly=True)
    state = None
    if not offline:
        with index.snapshot():
            owners_at, owners = index.synced()[0], index.credit_owners()
        state = chain_state(s, owners)
        state["ledgers"]["owners_at"] = owners_at
        if indexer is not None:
            indexer.poll(limit=1000)
        _follow_to(s, index, _last_ledger_read(state), wait_secs)
    domain = market_domain(s.dep.passphrase, s.dep.contracts["market"])
    return run(
        index, state, domain=domain, slot_secs=s.clock.slot_secs, circuit_id=s.dep.circuit_id
    )


def _verify(args) -> tuple[bool, bool]:
    vk, proof, commitment, energy, slot, limit, meter, sig, domain = args
    ok_proof = vk is not None and proof_check.verify_delivery(
        vk, proof, commitment, energy, slot, limit, meter, domain=domain
    )
    ok_sig = proof_check.verify_signature(meter, slot, commitment, sig, domain=domain)
    return ok_proof, ok_sig


@dataclass
class Rebuild:
    """The market as its events alone say it is (`rebuild`)."""

    circuit_id: int
    fee_to: str | None
    orders: dict[int, dict] = field(default_factory=dict)
    trades: dict[int, dict] = field(default_factory=dict)
    proofs: list[dict] = field(default_factory=list)
    surplus: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    delivered: dict[int, dict] = field(default_factory=dict)
    mints: int = 0
    keys: dict[int, bytes] = field(default_factory=dict)
    """circuit id -> the key in force at the current event"""
    rotations: int = 0
    meters: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    """meter (hex) -> [(ledger, cap)]"""
    settle_price: dict[int, set] = field(default_factory=lambda: defaultdict(set))
    refunds: int = 0
    cancelled_refunds: int = 0
    credited: dict[str | None, int] = field(default_factory=lambda: defaultdict(int))
    withdrawn: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def cap(self, meter: str, ledger: int) -> int:
        """`meter`'s registered Wh per minute at `ledger` (-1 before it was registered)."""
        caps = [c for (lg, c) in self.meters.get(meter, []) if lg <= ledger]
        return caps[-1] if caps else -1


def rebuild(rows: list[dict], circuit_id: int, fee_to: str | None) -> Rebuild:
    """Replays the index's raw `events` rows (ledger order), each decoded by name from the
    contracts' event table (`urja.events`)."""
    m = Rebuild(circuit_id, fee_to)
    for row in rows:
        ev = events.from_row(row)
        if ev is None:
            continue
        k, n = ev.contract, ev.event
        if k == "verifier" and n == "vk_set":
            m.rotations += ev.circuit_id in m.keys and ev.circuit_id == m.circuit_id
            m.keys[ev.circuit_id] = ev.vk
        elif k == "registry" and n == "meter":
            m.meters[ev.meter_id.hex()].append((row["ledger"], ev.max_wh_per_minute))
        elif k == "token" and n == "mint":
            m.mints += ev.amount
        elif k == "market":
            _replay_market(m, ev, row["ledger"])
    return m


def _replay_market(m: Rebuild, ev, ledger: int) -> None:
    """One market event applied to the rebuild."""
    n = ev.event
    if n == "params":
        m.circuit_id = ev.params["circuit_id"]
        m.fee_to = ev.params["fee_recipient"]
    elif n == "order":
        m.orders[ev.id] = {
            "slot": ev.slot,
            "owner": ev.owner,
            "side": ev.side.name,
            "wh": ev.wh,
            "price": ev.price,
            "escrow": ev.escrow,
            "meter": ev.meter.hex() if ev.meter is not None else None,
            "slots": events.order_slots(ev),
            "filled": 0,
            "status": "open",
            "refund": None,
        }
    elif n in ("cancel", "release"):
        o = m.orders.get(ev.id)
        if o is not None:
            o["status"] = "cancelled" if n == "cancel" else "closed"
            o["refund"] = ev.refund
        m.refunds += ev.refund
        if n == "cancel":  # transferred to the owner directly
            m.cancelled_refunds += ev.refund
        else:
            m.credited[o["owner"] if o else None] += ev.refund
    elif n == "trade":
        closed = [
            oid
            for oid in (ev.buy, ev.sell)
            if m.orders.get(oid, {}).get("status", "open") != "open"
        ]
        m.trades[ev.trade_id] = {
            "slot": ev.slot,
            "buy": ev.buy,
            "sell": ev.sell,
            "buyer": ev.buyer,
            "seller": ev.seller,
            "wh": ev.wh,
            "price": ev.price,
            "fee_recipient": m.fee_to,
            "closed_orders": closed,
        }
    elif n == "settle":
        m.settle_price[ev.slot].add(ev.clearing_price)
    elif n == "delivered":
        m.delivered[ev.trade_id] = {
            "wh": ev.delivered_wh,
            "paid": ev.paid,
            "fee": ev.fee,
            "refund": ev.refund,
        }
        m.refunds += ev.refund
        tr = m.trades.get(ev.trade_id, {})
        m.credited[tr.get("seller")] += ev.paid
        m.credited[tr.get("fee_recipient")] += ev.fee
        m.credited[tr.get("buyer")] += ev.refund
    elif n == "expired":
        m.delivered[ev.trade_id] = {
            "wh": 0,
            "paid": 0,
            "fee": 0,
            "refund": ev.refund,
            "expired": True,
        }
        m.refunds += ev.refund
        m.credited[m.trades.get(ev.trade_id, {}).get("buyer")] += ev.refund
    elif n == "withdraw":
        m.withdrawn[ev.owner] += ev.amount
    elif n == "swept":  # escrow past every deadline of its owner, credited back
        m.refunds += ev.amount
        m.credited[ev.owner] += ev.amount
    elif n == "surplus":
        m.surplus[(ev.donor, ev.slot)] += ev.wh
    elif n == "proof":
        m.proofs.append(
            {
                "meter": ev.meter.hex(),
                "slot": ev.slot,
                "donor": ev.donor,
                "commitment": ev.commitment,
                "energy": ev.energy_wh,
                "signature": ev.signature,
                "proof": ev.proof,
                "ledger": ledger,
                "vk": m.keys.get(m.circuit_id),
            }
        )


def run(
    index: Index,
    chain_state: dict | None = None,
    workers: int | None = None,
    *,
    domain: bytes,
    slot_secs: int,
    circuit_id: int = CIRCUIT_ID,
    fee_recipient: str | None = None,
) -> Report:
    """Audits the events in `index` of the market whose domain (`urja.domain.market_domain`
    of its network and address) is `domain`: every signature and proof is checked for it,
    each proof against the verifying key of the market's circuit (`circuit_id`, then as
    `params` events set it) in force when it was delivered, and against the per-reading
    limit of the meter's rate then registered at the market's `slot_secs` (fixed for the
    market's life).

    `fee_recipient` is the fee recipient the market was constructed with (its constructor
    emits no `params` event); when not given it is taken from the index (the indexer reads
    it from the chain's first fee-paying trade) or, with no `params` event at all, from
    `chain_state["params"]`. `chain_state` (optional) carries what the chain itself says
    (`chain_state(...)`): {"total_supply", "totals", "escrow_balance", "params", "credit"}
    where `credit` maps each household read to its `credit` view, and, optionally,
    "ledgers", the ledger each value was read at (without it, every value is compared with
    the whole history)."""
    rep = Report()
    with index.snapshot():  # events and derived tables as of one moment
        rows = index.events()
        params_seen = any(e["kind"] == "market" and e["name"] == "params" for e in rows)
        fee_to = fee_recipient or index.meta("initial_fee_recipient")
        if fee_to is None and not params_seen and chain_state:
            fee_to = (chain_state.get("params") or {}).get("fee_recipient")
        m = rebuild(rows, circuit_id, fee_to)
        per_meter = _check_trades(rep, m)
        _check_proofs(rep, m, domain, slot_secs, workers)
        proven_at = _check_energy(rep, m, per_meter)
        balances = _check_escrow(rep, m)
        if chain_state is not None:
            past = _Past(rows, circuit_id, fee_to, m, balances)
            _check_chain(rep, past, chain_state)
        _check_index(rep, m, index, proven_at, balances)
    return rep


def covers(order: dict, slot: int) -> bool:
    """Whether `order` (a rebuilt order) stands for `slot`: the market lets a trade of slot
    `slot` use only orders standing for it (`slot`, its first, to `slot + slots - 1`)."""
    return order["slot"] <= slot < order["slot"] + order["slots"]


def _check_trades(rep: Report, m: Rebuild) -> dict[tuple[str, int], list[int]]:
    """Every trade against its orders, and the per-meter cap; returns (meter, slot) -> the
    ids of the trades of offers bound to that meter."""
    bad = []
    in_slot: dict[tuple[int, int], int] = defaultdict(int)
    """(order, slot) -> Wh its trades of that slot matched"""
    last_slot: dict[int, int] = {}
    """order -> the slot of its latest trade (slots settle in order)"""
    pairs: set[tuple[int, int, int]] = set()
    for tid, tr in m.trades.items():
        b, s = m.orders.get(tr["buy"]), m.orders.get(tr["sell"])
        if b is None or s is None:
            bad.append(f"trade {tid}: unknown order")
            continue
        b["filled"] += tr["wh"]
        s["filled"] += tr["wh"]
        if b["side"] != "buy" or s["side"] != "sell":
            bad.append(f"trade {tid}: wrong sides")
        if s["meter"] is None:
            bad.append(f"trade {tid}: its offer names no meter")
        if not (covers(b, tr["slot"]) and covers(s, tr["slot"])):
            bad.append(f"trade {tid}: an order that does not stand for slot {tr['slot']}")
        if tr.get("closed_orders"):
            bad.append(f"trade {tid}: orders {tr['closed_orders']} no longer open")
        pair = (tr["buy"], tr["sell"], tr["slot"])
        if pair in pairs:
            bad.append(f"trade {tid}: orders {pair[:2]} already traded in slot {pair[2]}")
        pairs.add(pair)
        for oid, o in ((tr["buy"], b), (tr["sell"], s)):
            if tr["slot"] < last_slot.get(oid, tr["slot"]):
                bad.append(f"trade {tid}: order {oid} already traded in slot {last_slot[oid]}")
            last_slot[oid] = max(last_slot.get(oid, tr["slot"]), tr["slot"])
            in_slot[(oid, tr["slot"])] += tr["wh"]
            if in_slot[(oid, tr["slot"])] > o["wh"]:
                bad.append(
                    f"trade {tid}: order {oid} filled {in_slot[(oid, tr['slot'])]} of "
                    f"{o['wh']} Wh in slot {tr['slot']}"
                )
        if not s["price"] <= tr["price"] <= b["price"]:
            bad.append(f"trade {tid}: price {tr['price']} outside [{s['price']}, {b['price']}]")
        if b["owner"] == s["owner"] or tr["buyer"] != b["owner"] or tr["seller"] != s["owner"]:
            bad.append(f"trade {tid}: parties do not match the orders")
        prices = m.settle_price.get(tr["slot"], set()) - {None}
        if prices and prices != {tr["price"]}:
            bad.append(f"trade {tid}: not at the slot's uniform price {sorted(prices)}")
    for oid, o in m.orders.items():
        if o["filled"] > o["wh"] * o["slots"]:
            bad.append(f"order {oid}: filled {o['filled']} of {o['wh']} Wh x {o['slots']} slots")
    rep.check("trades obey their orders", not bad, "; ".join(bad[:5]))
    _check_order_escrow(rep, m)
    per_meter: dict[tuple[str, int], list[int]] = defaultdict(list)
    for tid, tr in m.trades.items():
        s = m.orders.get(tr["sell"])
        if s is not None and s["meter"] is not None:
            per_meter[(s["meter"], tr["slot"])].append(tid)
    crowded = [
        f"meter {meter[:12]} slot {sl}: {len(ids)}"
        for (meter, sl), ids in per_meter.items()
        if len(ids) > MAX_TRADES_PER_METER_SLOT
    ]
    rep.check(
        f"at most {MAX_TRADES_PER_METER_SLOT} trades per meter and slot",
        not crowded,
        "; ".join(crowded[:5]),
    )
    return per_meter


def _check_order_escrow(rep: Report, m: Rebuild) -> None:
    """Each bid locked `wh * price * slots` (offers nothing), and a cancel or release
    refunded exactly the unmatched part, `(wh * slots - filled) * price` for a bid (run
    after `_check_trades` has summed the fills)."""
    bad = []
    for oid, o in m.orders.items():
        bid = o["side"] == "buy"
        want = o["wh"] * o["price"] * o["slots"] if bid else 0
        if o["escrow"] != want:
            bad.append(f"order {oid}: escrow {o['escrow']}, wh x price x slots is {want}")
        if o["refund"] is not None:
            unmatched = (o["wh"] * o["slots"] - o["filled"]) * o["price"] if bid else 0
            if o["refund"] != unmatched:
                bad.append(f"order {oid}: refunded {o['refund']}, unmatched escrow {unmatched}")
    rep.check("orders lock and refund their escrow exactly", not bad, "; ".join(bad[:5]))


def _check_proofs(
    rep: Report, m: Rebuild, domain: bytes, slot_secs: int, workers: int | None
) -> None:
    """Every proof (py_ecc) and meter signature, each against the key in force at its
    delivery; one delivery per meter and slot."""
    rep.check(
        "verifying key installed",
        m.circuit_id in m.keys,
        f"no vk_set event for circuit {m.circuit_id}",
    )
    jobs = [
        (
            p["vk"],
            p["proof"],
            p["commitment"],
            p["energy"],
            p["slot"],
            metering.reading_limit_wh(max(0, m.cap(p["meter"], p["ledger"])), slot_secs),
            bytes.fromhex(p["meter"]),
            p["signature"],
            domain,
        )
        for p in m.proofs
    ]
    workers = workers or os.cpu_count() or 1
    if len(jobs) > 2 and workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_verify, jobs, chunksize=4))
    else:
        results = [_verify(j) for j in jobs]
    keyless = [f"meter {p['meter'][:12]} slot {p['slot']}" for p in m.proofs if p["vk"] is None]
    rep.check(
        "every delivery had a verifying key in force",
        not keyless,
        f"{len(keyless)} before any key: " + ", ".join(keyless[:5]),
    )
    bad_proofs = [
        f"meter {p['meter'][:12]} slot {p['slot']}"
        for p, (okp, _) in zip(m.proofs, results, strict=True)
        if not okp and p["vk"] is not None
    ]
    bad_sigs = [
        f"meter {p['meter'][:12]} slot {p['slot']}"
        for p, (_, oks) in zip(m.proofs, results, strict=True)
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
        for p in m.proofs
        if (p["meter"], p["slot"]) in seen or seen.add((p["meter"], p["slot"]))
    ]
    rep.check("one delivery per meter and slot", not dup, f"repeated: {dup[:5]}")


def _check_energy(
    rep: Report, m: Rebuild, per_meter: dict[tuple[str, int], list[int]]
) -> dict[tuple[str, int], dict]:
    """A meter's proof settles exactly that meter's trades of the slot (offers are bound to
    meters); what it proved beyond them is minted to the donor as surplus. Returns
    (meter, slot) -> its proof."""
    proven_at = {(p["meter"], p["slot"]): p for p in m.proofs}
    wrong = []
    want_surplus: dict[tuple[str, int], int] = defaultdict(int)
    for (meter, slot), p in proven_at.items():
        ids = per_meter.get((meter, slot), [])
        open_ = [tid for tid in ids if tid not in m.delivered]
        if open_:
            wrong.append(f"meter {meter[:12]} slot {slot}: trades {open_[:3]} not settled")
        got = sum(m.delivered[tid]["wh"] for tid in ids if tid in m.delivered)
        if got > p["energy"]:
            wrong.append(f"meter {meter[:12]} slot {slot}: {got} Wh settled of {p['energy']}")
        want_surplus[(p["donor"], slot)] += p["energy"] - got
    for tid, dv in m.delivered.items():
        tr = m.trades.get(tid)
        if dv.get("expired") or tr is None:
            continue
        s = m.orders.get(tr["sell"]) or {}
        if (s.get("meter"), tr["slot"]) not in proven_at:
            wrong.append(f"trade {tid} delivered without a proof by its offer's meter")
    for key in set(want_surplus) | set(m.surplus):
        if want_surplus.get(key, 0) != m.surplus.get(key, 0):
            wrong.append(
                f"{key[0][:8]} slot {key[1]}: surplus minted {m.surplus.get(key, 0)}, "
                f"proven beyond trades {want_surplus.get(key, 0)}"
            )
    rep.check("each proven slot minted exactly its energy", not wrong, "; ".join(wrong[:5]))
    proven = sum(p["energy"] for p in m.proofs)
    rep.figures.update(
        proofs=len(m.proofs),
        proven_wh=proven,
        minted_wh=m.mints,
        orders=len(m.orders),
        trades=len(m.trades),
        key_rotations=m.rotations,
    )
    rep.check(
        "kWh minted equals proven delivered Wh (events)",
        m.mints == proven,
        f"minted {m.mints} Wh, proven {proven} Wh",
    )
    return proven_at


def _escrow(m: Rebuild) -> dict[str, int]:
    """The escrow figures the events give: locked, paid (with fees), fees, refunded,
    withdrawn (with cancel refunds), held and credits owed."""
    locked = sum(o["escrow"] for o in m.orders.values())
    paid = sum(d["paid"] + d["fee"] for d in m.delivered.values())
    out = m.cancelled_refunds + sum(m.withdrawn.values())
    return {
        "locked": locked,
        "paid": paid,
        "fees": sum(d["fee"] for d in m.delivered.values()),
        "refunded": m.refunds,
        "withdrawn": out,
        "held": locked - paid - m.refunds,
        "owed": paid + m.refunds - out,
    }


def _balances(m: Rebuild) -> dict[str, int]:
    """Each household's credit by the events: what they credited it less what it withdrew."""
    balances = {a: c - m.withdrawn.get(a, 0) for a, c in m.credited.items() if a is not None}
    for a, w in m.withdrawn.items():
        balances.setdefault(a, -w)
    return balances


def _check_escrow(rep: Report, m: Rebuild) -> dict[str, int]:
    """Escrow and credits (pull payments); returns each household's credit by the events."""
    e = _escrow(m)
    rep.figures.update(
        escrow_locked=e["locked"],
        escrow_paid=e["paid"],
        escrow_refunded=e["refunded"],
        escrow_held=e["held"],
        credits_owed=e["owed"],
        withdrawn=e["withdrawn"],
    )
    rep.check("escrow never negative", e["held"] >= 0, f"held {e['held']}")
    balances = _balances(m)
    over = [f"{a[:8]} {b}" for a, b in balances.items() if b < 0]
    rep.check("no household withdrew more than it was credited", not over, "; ".join(over[:5]))
    unknown = m.credited.get(None, 0)
    rep.check(
        "every credit has a known recipient",
        not unknown,
        f"{unknown} credited to an unknown address (pass the market's first fee recipient)",
    )
    rep.check(
        "credits owed equal the households' credits",
        e["owed"] == sum(balances.values()) + unknown,
        f"paid + refunded - withdrawn = {e['owed']}, households' credits {sum(balances.values())}",
    )
    return balances


class _Past:
    """The market as the events left it at any ledger: the chain's values are each read at
    their own ledger (`chain_state(...)["ledgers"]`), and each is compared with the events
    up to it. Without ledgers, everything is compared with the whole history."""

    def __init__(self, rows, circuit_id: int, fee_to, now: Rebuild, balances: dict[str, int]):
        self.rows, self.circuit_id, self.fee_to = rows, circuit_id, fee_to
        self.cache: dict[int | None, tuple[dict, int, dict[str, int]]] = {
            None: (_escrow(now), sum(p["energy"] for p in now.proofs), balances)
        }

    def at(self, ledger: int | None) -> tuple[dict, int, dict[str, int]]:
        """(escrow figures, proven Wh, households' credits) after `ledger` (None: now)."""
        if ledger not in self.cache:
            m = rebuild(
                [r for r in self.rows if r["ledger"] <= ledger], self.circuit_id, self.fee_to
            )
            self.cache[ledger] = (_escrow(m), sum(p["energy"] for p in m.proofs), _balances(m))
        return self.cache[ledger]


def _check_chain(rep: Report, past: _Past, chain_state: dict) -> None:
    """What the chain said against the events up to the ledger it said it at: supply,
    totals, balance, credits."""
    at = chain_state.get("ledgers") or {}
    _, proven, _ = past.at(at.get("total_supply"))
    ts = chain_state.get("total_supply")
    rep.check(
        "token total_supply equals proven Wh",
        ts == proven,
        f"chain says {ts} Wh, events prove {proven} Wh",
    )
    e, proven, _ = past.at(at.get("totals"))
    tot = chain_state.get("totals") or {}
    want = {k: e[k] for k in ("locked", "paid", "fees", "refunded", "withdrawn")}
    want["minted_wh"] = proven
    diff = {k: (tot.get(k), v) for k, v in want.items() if tot.get(k) != v}
    rep.check("market totals() match the events", not diff, f"(chain, events): {diff}")
    e, _, _ = past.at(at.get("escrow_balance"))
    bal = chain_state.get("escrow_balance")
    rep.check(
        "payment token held by the market equals locked - withdrawn",
        bal == e["locked"] - e["withdrawn"],
        f"market holds {bal}, events say {e['locked'] - e['withdrawn']}",
    )
    credit = chain_state.get("credit")
    if credit is None:
        return
    off = []
    listed_at = at.get("owners_at")  # the households read are those the index listed then
    for a, c in sorted(credit.items()):
        b = past.at(at.get("credit", {}).get(a))[2].get(a, 0)
        if c != b:
            off.append(f"{a[:8]}: chain {c}, events {b}")
    for a in sorted(set(past.at(listed_at)[2]) - set(credit)):
        off.append(f"{a[:8]}: credited by ledger {listed_at}, not listed by the index")
    rep.check(
        "each household's credit on chain equals its credits less withdrawals",
        not off,
        "; ".join(off[:5]),
    )


def _check_index(
    rep: Report,
    m: Rebuild,
    index: Index,
    proven_at: dict[tuple[str, int], dict],
    balances: dict[str, int],
) -> None:
    """The index's derived tables against the rebuild (a doctored database fails)."""
    doctored = []
    rows = index.trades()
    for r in rows:
        tr = m.trades.get(r["trade_id"])
        if tr is None or any(r[k] != tr[k] for k in ("slot", "buy", "sell", "wh", "price")):
            doctored.append(f"trades row {r['trade_id']}")
        dv = m.delivered.get(r["trade_id"])
        if dv is not None and not dv.get("expired") and r["delivered_wh"] != dv["wh"]:
            doctored.append(f"trades row {r['trade_id']} delivered_wh")
    if len(rows) != len(m.trades):
        doctored.append("trades row count")
    rows = index.deliveries()
    for r in rows:
        p = proven_at.get((r["meter"], r["slot"]))
        if p is None or r["energy_wh"] != p["energy"] or r["proof"] != p["proof"].hex():
            doctored.append(f"deliveries row meter {r['meter'][:12]} slot {r['slot']}")
    if len(rows) != len(m.proofs):
        doctored.append("deliveries row count")
    for r in index.orders():
        o = m.orders.get(r["id"])
        if o is None or any(
            r[k] != o[k]
            for k in ("slot", "slots", "owner", "side", "wh", "price", "escrow", "meter")
        ):
            doctored.append(f"orders row {r['id']}")
    for a, b in balances.items():
        if index.credit_of(a) != b:
            doctored.append(f"credit of {a[:8]}: index {index.credit_of(a)}, events {b}")
    rep.check("index tables agree with the events", not doctored, "; ".join(doctored[:5]))

"""Network fees as the chain charged them: every transaction in a ledger range read back
through the RPC's `getTransactions`, its charged fee taken from its result and its declared
resources from its envelope, grouped by the contract function it invoked and by who paid.

This is how the demo, `urja report` and `bench/scale.py` show what trading cost, in
stroops and per delivered kWh (issue 14), rather than estimating it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stellar_sdk import SorobanServer, StrKey
from stellar_sdk import xdr as sx

STROOPS_PER_XLM = 10_000_000
INR_PER_XLM = 25
"""The reference exchange rate of issue 14's cost model (and of the demo's prices and KPIs)."""
REFERENCE_STROOPS_PER_KWH = 5 * STROOPS_PER_XLM // INR_PER_XLM
"""The value of one kWh at the reference price of issue 14: ₹5/kWh at ₹25 per XLM = 0.2 XLM."""


@dataclass(frozen=True)
class TxCost:
    """One applied transaction: what it invoked, who paid, what it was charged and used."""

    ledger: int
    source: str
    contract: str | None
    function: str
    fee: int
    """Charged fee in stroops (the transaction result's `feeCharged`)."""
    instructions: int
    """Declared instructions (the envelope's Soroban resources)."""
    reads: int
    """Ledger entries in the footprint (read-only and read-write)."""
    writes: int
    """Read-write ledger entries in the footprint."""
    write_bytes: int
    events_bytes: int
    """XDR size of the contract events the transaction emitted."""
    success: bool
    args: tuple[Any, ...] = field(default=(), compare=False, repr=False)
    """The invoked function's arguments (SCVal)."""


def _function(op: sx.Operation) -> tuple[str | None, str, tuple]:
    body = op.body
    if body.type == sx.OperationType.INVOKE_HOST_FUNCTION:
        hf = body.invoke_host_function_op.host_function
        if hf.type == sx.HostFunctionType.HOST_FUNCTION_TYPE_INVOKE_CONTRACT:
            ic = hf.invoke_contract
            cid = StrKey.encode_contract(ic.contract_address.contract_id.contract_id.hash)
            return cid, ic.function_name.sc_symbol.decode(), tuple(ic.args)
        if hf.type == sx.HostFunctionType.HOST_FUNCTION_TYPE_UPLOAD_CONTRACT_WASM:
            return None, "(upload)", ()
        return None, "(create contract)", ()
    return None, f"({body.type.name.lower()})", ()


def _events_bytes(meta_xdr: str) -> int:
    meta = sx.TransactionMeta.from_xdr(meta_xdr)
    if meta.v4 is not None:
        ops = meta.v4.operations or []
        return sum(len(e.to_xdr_bytes()) for o in ops for e in (o.events or []))
    if meta.v3 is not None and meta.v3.soroban_meta is not None:
        return sum(len(e.to_xdr_bytes()) for e in meta.v3.soroban_meta.events)
    return 0


def decode(t) -> TxCost:
    """One `getTransactions` entry as a `TxCost`."""
    env = sx.TransactionEnvelope.from_xdr(t.envelope_xdr)
    tx = env.v1.tx if env.v1 is not None else env.fee_bump.tx.inner_tx.v1.tx
    source = StrKey.encode_ed25519_public_key(tx.source_account.ed25519.uint256)
    contract, function, args = _function(tx.operations[0])
    res = sx.TransactionResult.from_xdr(t.result_xdr)
    ins = reads = writes = wbytes = 0
    if tx.ext.v == 1:
        r = tx.ext.soroban_data.resources
        ins, wbytes = r.instructions.uint32, r.write_bytes.uint32
        writes = len(r.footprint.read_write)
        reads = len(r.footprint.read_only) + writes
    return TxCost(
        ledger=t.ledger,
        source=source,
        contract=contract,
        function=function,
        fee=res.fee_charged.int64,
        instructions=ins,
        reads=reads,
        writes=writes,
        write_bytes=wbytes,
        events_bytes=_events_bytes(t.result_meta_xdr) if t.result_meta_xdr else 0,
        success=t.status.upper() == "SUCCESS",
        args=args,
    )


def transactions(rpc_url: str, start_ledger: int, end_ledger: int | None = None) -> list[TxCost]:
    """Every transaction applied from `start_ledger` (through `end_ledger`, if given)."""
    server = SorobanServer(rpc_url)
    out: list[TxCost] = []
    page = server.get_transactions(start_ledger=start_ledger, limit=200)
    while page.transactions:
        for t in page.transactions:
            if end_ledger is not None and t.ledger > end_ledger:
                return out
            out.append(decode(t))
        page = server.get_transactions(cursor=page.cursor, limit=200)
    return out


@dataclass
class Line:
    """Totals of one group of transactions."""

    count: int = 0
    failed: int = 0
    """Transactions that failed on-chain: charged, without effect (e.g. re-sent after
    another transaction changed the state they were simulated against)."""
    fee: int = 0
    instructions: int = 0
    reads: int = 0
    writes: int = 0
    write_bytes: int = 0
    events_bytes: int = 0

    def add(self, c: TxCost) -> None:
        self.count += 1
        self.failed += not c.success
        self.fee += c.fee
        self.instructions += c.instructions
        self.reads += c.reads
        self.writes += c.writes
        self.write_bytes += c.write_bytes
        self.events_bytes += c.events_bytes

    def mean(self, attr: str) -> float:
        return getattr(self, attr) / self.count if self.count else 0.0


@dataclass
class FeeReport:
    """Fees of a run of the market, grouped by function and by payer, against its energy."""

    by_function: dict[str, Line] = field(default_factory=dict)
    by_payer: dict[str, Line] = field(default_factory=dict)
    total: Line = field(default_factory=Line)
    delivered_wh: int = 0

    @property
    def per_kwh(self) -> float:
        """Stroops of network fees per delivered kWh."""
        return self.total.fee * 1000 / self.delivered_wh if self.delivered_wh else float("inf")

    @property
    def share_of_value(self) -> float:
        """Fees as a share of the energy's value at the reference price."""
        return self.per_kwh / REFERENCE_STROOPS_PER_KWH

    def text(self) -> str:
        """The report as a table a household or operator can read."""
        rows = [
            f"{'function':<16}{'txs':>6}{'failed':>8}{'mean fee (XLM)':>16}{'total (XLM)':>13}"
            f"{'mean M instr':>14}{'mean writes':>13}{'mean events B':>15}"
        ]
        for name, ln in sorted(self.by_function.items(), key=lambda kv: -kv[1].fee):
            rows.append(
                f"{name:<16}{ln.count:>6}{ln.failed:>8}{ln.mean('fee') / STROOPS_PER_XLM:>16.4f}"
                f"{ln.fee / STROOPS_PER_XLM:>13.3f}{ln.mean('instructions') / 1e6:>14.1f}"
                f"{ln.mean('writes'):>13.1f}{ln.mean('events_bytes'):>15.0f}"
            )
        payers = ", ".join(
            f"{who} {ln.fee / STROOPS_PER_XLM:.3f} XLM"
            for who, ln in sorted(self.by_payer.items(), key=lambda kv: -kv[1].fee)
        )
        rows.append(f"paid by: {payers}")
        rows.append(
            f"total {self.total.fee / STROOPS_PER_XLM:.3f} XLM in {self.total.count} transactions"
            f" ({self.total.failed} failed)"
            f" for {self.delivered_wh / 1000:.2f} kWh delivered: "
            f"{self.per_kwh / STROOPS_PER_XLM:.4f} XLM per kWh, "
            f"{100 * self.share_of_value:.1f} % of its value at 0.2 XLM/kWh"
        )
        return "\n".join(rows)


def report(
    costs: list[TxCost],
    payers: dict[str, str],
    delivered_wh: int,
    contracts: set[str] | None = None,
) -> FeeReport:
    """Groups `costs` (only calls into `contracts`, if given) by function and by payer
    (`payers` maps public keys to a role such as "operator"; others count as "households")."""
    rep = FeeReport(delivered_wh=delivered_wh)
    for c in costs:
        if contracts is not None and c.contract not in contracts:
            continue
        rep.by_function.setdefault(c.function, Line()).add(c)
        rep.by_payer.setdefault(payers.get(c.source, "households"), Line()).add(c)
        rep.total.add(c)
    return rep


MARKET_SLOT_ARG = {
    "offer": 2,
    "bid": 1,
    "offer_slots": 2,
    "bid_slots": 1,
    "settle": 0,
    "deliver": 1,
}
"""Position of the slot argument of the market functions that name one (a standing order's
first slot)."""


def market_slot(c: TxCost) -> int | None:
    """The delivery slot a market call is for (None for calls that name no slot)."""
    i = MARKET_SLOT_ARG.get(c.function)
    return c.args[i].u64.uint64 if i is not None and len(c.args) > i else None


def delivered_wh(c: TxCost) -> int:
    """Energy a successful market `deliver` call proved (its `energy_wh` argument)."""
    return c.args[3].u64.uint64 if c.function == "deliver" and c.success else 0


def by_slot(costs: list[TxCost], market: str) -> dict[int, list[TxCost]]:
    """The market's calls grouped by the slot they are for."""
    out: dict[int, list[TxCost]] = {}
    for c in costs:
        if c.contract == market and (s := market_slot(c)) is not None:
            out.setdefault(s, []).append(c)
    return out

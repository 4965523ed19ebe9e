"""Hand-written bindings: typed calls to Urja's contracts, so commands and services never
assemble SCVals by hand.

One class per contract; argument encodings follow the Rust signatures in `contracts/` (see
docs/contracts.md). Results are decoded into plain Python values.
"""

from __future__ import annotations

from dataclasses import dataclass

from stellar_sdk import Keypair, scval
from stellar_sdk import xdr as sx

from . import events
from .chain import Chain, addr
from .scval_codec import native, struct

ROLES = {r.name: r.value for r in events.enum_type("registry", "Role")}
"""Registry member roles by name (the registry's `Role` enum, from the event table)."""


@dataclass
class Contract:
    """A deployed contract on a chain."""

    chain: Chain
    id: str
    kind: str = "contract"

    def __post_init__(self) -> None:
        self.chain.kinds[self.id] = self.kind

    def call(self, fn: str, args: list[sx.SCVal], kp: Keypair):
        """A signed call; the decoded result."""
        return native(self.chain.invoke(self.id, fn, args, kp) or scval.to_void())

    def view(self, fn: str, args: list[sx.SCVal] | None = None):
        """A read-only call (simulation); the decoded result."""
        return native(self.chain.read(self.id, fn, args or []))

    def view_at(self, fn: str, args: list[sx.SCVal] | None = None) -> tuple[object, int]:
        """A read-only call's decoded result and the ledger it read (`Chain.read_at`)."""
        v, ledger = self.chain.read_at(self.id, fn, args or [])
        return native(v), ledger


class Token(Contract):
    """The kWh token (SEP-41) or any SEP-41 token such as the payment asset's SAC."""

    def __init__(self, chain: Chain, id: str, kind: str = "token"):
        super().__init__(chain, id, kind)

    def balance(self, who: str) -> int:
        return self.view("balance", [addr(who)])

    def total_supply(self) -> int:
        return self.view("total_supply")


class Registry(Contract):
    """Members and meters of the community."""

    def __init__(self, chain: Chain, id: str):
        super().__init__(chain, id, "registry")

    def add_member(self, op: Keypair, who: str, role: str, feeder: int) -> None:
        if role not in ROLES:
            raise ValueError(f"role {role!r}: expected one of {sorted(ROLES)}")
        self.call(
            "add_member", [addr(who), scval.to_uint32(ROLES[role]), scval.to_uint32(feeder)], op
        )

    def register_meter(
        self, op: Keypair, meter: bytes, owner: str, feeder: int, max_wh_per_minute: int
    ) -> None:
        self.call(
            "register_meter",
            [
                scval.to_bytes(meter),
                addr(owner),
                scval.to_uint32(feeder),
                scval.to_uint32(max_wh_per_minute),
            ],
            op,
        )

    def accept_meter(self, owner: Keypair, meter: bytes) -> None:
        """The owner signs for a meter the operator proposed: from now on it may deliver."""
        self.call("accept_meter", [scval.to_bytes(meter)], owner)

    def retire_meter(self, owner: Keypair, meter: bytes) -> None:
        """The owner withdraws its own meter (reinstating it is a governance decision)."""
        self.call("retire_meter", [scval.to_bytes(meter)], owner)

    def set_meter_active(self, admin: Keypair, meter: bytes, active: bool) -> None:
        """Suspends or reinstates a meter: only the registry's admin (governance) may."""
        self.call("set_meter_active", [scval.to_bytes(meter), scval.to_bool(active)], admin)

    def meter(self, meter: bytes) -> dict | None:
        """{owner, feeder, max_wh_per_minute, active, accepted} or None when unknown."""
        return self.view("meter", [scval.to_bytes(meter)])

    def member(self, who: str) -> dict | None:
        return self.view("member", [addr(who)])


class Market(Contract):
    """The order book, escrow, settlement and delivery verification."""

    def __init__(self, chain: Chain, id: str):
        super().__init__(chain, id, "market")

    def order(
        self,
        kp: Keypair,
        side: str,
        slot: int,
        wh: int,
        price: int,
        meter: bytes | None = None,
        slots: int = 1,
    ) -> int:
        """Places an offer (side "sell", from one of the owner's meters) or a bid ("buy")
        for `wh` in each of `slots` slots from `slot` (a standing order when more than one:
        one transaction instead of one per slot); returns the order id."""
        if slots < 1:
            raise ValueError(f"slots {slots}: an order covers at least one slot")
        amounts = [scval.to_int128(wh), scval.to_int128(price)]
        first = [scval.to_uint64(slot)] + ([scval.to_uint32(slots)] if slots > 1 else [])
        suffix = "_slots" if slots > 1 else ""
        if side == "sell":
            if meter is None:
                raise ValueError("an offer names the meter it delivers from")
            args = [addr(kp), scval.to_bytes(meter), *first, *amounts]
            return self.call("offer" + suffix, args, kp)
        if side != "buy":
            raise ValueError(f"side {side!r}: expected 'sell' or 'buy'")
        return self.call("bid" + suffix, [addr(kp), *first, *amounts], kp)

    def withdraw(self, kp: Keypair) -> int:
        """Withdraws the household's whole credit of the payment token; returns it."""
        return self.call("withdraw", [addr(kp)], kp)

    def credit(self, who: str) -> int:
        """The payment-token credit `who` may withdraw."""
        return self.view("credit", [addr(who)])

    def domain(self) -> bytes:
        """The market's domain (what its meters sign, docs/formats.md)."""
        return self.view("domain")

    def installed_vk(self) -> bytes | None:
        """The verifying key the market's verifier holds for its circuit (None before the
        members voted one in)."""
        p = self.params()
        return self.chain_read(p["verifier"], "key", [scval.to_uint32(int(p["circuit_id"]))])

    def chain_read(self, contract: str, fn: str, args: list):
        """A read-only call on another contract, as a plain value."""
        return native(self.chain.read(contract, fn, args))

    def cancel(self, kp: Keypair, order_id: int) -> None:
        self.call("cancel", [addr(kp), scval.to_uint64(order_id)], kp)

    def settle_args(self, slot: int, trades: list[dict], price: int | None) -> list[sx.SCVal]:
        """`settle` arguments: trades as {buy, sell, wh, price} dicts."""
        vec = scval.to_vec(
            [
                struct(
                    {
                        "buy": scval.to_uint64(int(t["buy"])),
                        "sell": scval.to_uint64(int(t["sell"])),
                        "wh": scval.to_int128(int(t["wh"])),
                        "price": scval.to_int128(int(t["price"])),
                    }
                )
                for t in trades
            ]
        )
        cp = scval.to_int128(price) if price is not None else scval.to_void()
        return [scval.to_uint64(slot), vec, cp]

    def settle(self, op: Keypair, slot: int, trades: list[dict], price: int | None) -> None:
        self.call("settle", self.settle_args(slot, trades, price), op)

    def deliver(
        self,
        op: Keypair,
        meter: bytes,
        slot: int,
        commitment: bytes,
        energy_wh: int,
        signature: bytes,
        proof: bytes,
    ) -> None:
        self.call(
            "deliver",
            [
                scval.to_bytes(meter),
                scval.to_uint64(slot),
                scval.to_bytes(commitment),
                scval.to_uint64(energy_wh),
                scval.to_bytes(signature),
                scval.to_bytes(proof),
            ],
            op,
        )

    def delivered(self, meter: bytes, slot: int) -> bool:
        return self.view("delivered", [scval.to_bytes(meter), scval.to_uint64(slot)])

    def params(self) -> dict:
        return self.view("params")

    def totals(self) -> dict:
        return self.view("totals")

    def release(self, kp: Keypair, order_id: int) -> None:
        self.call("release", [scval.to_uint64(order_id)], kp)

    def refund_expired(self, kp: Keypair, trade_id: int) -> None:
        self.call("refund_expired", [scval.to_uint64(trade_id)], kp)

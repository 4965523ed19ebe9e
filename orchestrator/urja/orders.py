"""A household's orders as it sees them: the slot an order goes to by default, the price
range it must keep, the meter an offer delivers from, and an order's state from its trades
and the slot's clock. Owns these rules for the CLI (`urja offer`, `urja bid`, `urja orders`)
and the household agents; raises ValueError naming what was wrong.
"""

from __future__ import annotations

from pathlib import Path

from .agent.units import XLM
from .slots import SlotClock

MIN_LEAD_SECS = 60
"""The default slot's gate is at least this far away, so an offer and the matching bid typed
one after the other land in the same open slot (`urja slots`)."""


def default_slot(clock: SlotClock, now: int, min_lead: int = MIN_LEAD_SECS) -> int:
    """The first slot whose gate closes at least `min_lead` seconds after `now`."""
    s = clock.next_open(now)
    while clock.gate(s) - now < min_lead:
        s += 1
    return s


def check_price(market: dict, price: int) -> None:
    """Refuses (ValueError) a price outside the market's floor and cap, naming both."""
    floor, cap = int(market["price_floor"]), int(market["price_cap"])
    if not floor <= price <= cap:
        raise ValueError(
            f"{XLM.price_text(price)} is outside the market's range "
            f"{XLM.price_text(floor)} to {XLM.price_text(cap)} "
            f"(price_floor {floor}, price_cap {cap} stroops per Wh)"
        )


def check_slots(market: dict, clock: SlotClock, now: int, slot: int, slots: int) -> None:
    """Refuses (ValueError) a standing order that covers no slot or runs past the market's
    horizon (`horizon_slots` ahead of the current slot), naming the last slot it may cover;
    the contract refuses the same with `InvalidSlots`."""
    if slots < 1:
        raise ValueError(f"--slots {slots}: an order covers at least one slot")
    last = clock.current(now) + int(market["horizon_slots"])
    if slot + slots - 1 > last:
        raise ValueError(
            f"--slots {slots} from slot {slot} ends at slot {slot + slots - 1}, past the"
            f" market's horizon (slot {last}, horizon_slots {market['horizon_slots']}):"
            f" at most {max(last - slot + 1, 0)} slots from slot {slot}"
        )


def parse_meter(meter: str) -> bytes:
    """A meter id given as 64 hex digits; ValueError otherwise."""
    try:
        b = bytes.fromhex(meter)
    except ValueError:
        b = b""
    if len(b) != 32:
        raise ValueError(f"{meter!r}: expected the meter's 64-hex ed25519 public key")
    return b


def offer_meter(index_path: Path, owner: str) -> bytes:
    """The meter `owner`'s offer delivers from when it names none: its only accepted,
    active meter as the index at `index_path` knows it (LookupError naming the candidates
    otherwise)."""
    from .indexer.store import Index

    rows: list[str] = []
    if index_path.exists():
        ix = Index(index_path, readonly=True)
        try:
            rows = [r["meter"] for r in ix.meters_of(owner) if r["active"]]
        finally:
            ix.db.close()
    if len(rows) != 1:
        found = ", ".join(rows) or "none in the index"
        raise LookupError(
            f"name the meter this offer delivers from with --meter (active meters of {owner}:"
            f" {found})"
        )
    return bytes.fromhex(rows[0])


def order_state(order: dict, trades: list[dict], clock: SlotClock, now: int) -> dict:
    """An order as its owner sees it, agreeing with its trades and the slot's clock:
    `state` is cancelled, open (the book of its last slot still open: a standing order
    covers `slots` slots from `slot`), unmatched, matched or part-matched (that gate
    closed; matched means `wh` in every slot), then delivered (every matched Wh),
    part-delivered (a shortfall) or expired once its trades are; `filled` says how much of
    it was matched; `refund` adds
    the refunds of its trades (a buyer's escrow above the price paid or not delivered) to the
    order's own released escrow. Amounts are in payment-token units (stroops for XLM)."""
    mine = [t for t in trades if order["id"] in (t["buy"], t["sell"])]
    refund = int(order["refund"]) + sum(int(t["refund"]) for t in mine if t["buy"] == order["id"])
    if order["status"] == "cancelled":
        state = "cancelled"
    elif now < clock.gate(order["slot"] + order["slots"] - 1):
        state = "open"
    elif not mine:
        state = "unmatched"
    else:
        states = {t["state"] for t in mine}
        if states == {"matched"}:
            whole = order["wh"] * order["slots"]
            state = "matched" if order["filled"] == whole else "part-matched"
        elif states == {"expired"}:
            state = "expired"
        elif "matched" in states:
            state = "part-delivered"
        else:
            full = all(t["delivered_wh"] == t["wh"] for t in mine)
            state = "delivered" if full else "part-delivered"
    return {**order, "state": state, "refund": refund}

"""Slot timing, mirroring contracts/market/src/clock.rs (one source: the market's params).

Slot k covers unix seconds [k*slot_secs, (k+1)*slot_secs); its book closes gate_lead_secs
before it starts; deliveries are accepted until delivery_deadline_secs after it ends.
"""

from __future__ import annotations

from dataclasses import dataclass

REFUND_WINDOW_SECS = 86_400
"""How long past its deadline the market keeps an order or trade readable for `release` and
`refund_expired` (`contracts/market/src/storage.rs`, same name; a test compares them)."""


@dataclass(frozen=True)
class SlotClock:
    """The market's timing parameters."""

    slot_secs: int
    gate_lead_secs: int
    delivery_deadline_secs: int = 3600

    @staticmethod
    def from_params(p: dict) -> SlotClock:
        """From the market's `params()` (or a deployment record's market settings)."""
        return SlotClock(
            int(p["slot_secs"]), int(p["gate_lead_secs"]), int(p["delivery_deadline_secs"])
        )

    def start(self, slot: int) -> int:
        return slot * self.slot_secs

    def end(self, slot: int) -> int:
        return (slot + 1) * self.slot_secs

    def gate(self, slot: int) -> int:
        return max(0, self.start(slot) - self.gate_lead_secs)

    def deadline(self, slot: int) -> int:
        return self.end(slot) + self.delivery_deadline_secs

    def current(self, now: int) -> int:
        """The slot running at unix time `now`."""
        return now // self.slot_secs

    def last_ended(self, now: int) -> int:
        """The newest slot that has ended by `now` (`end(slot) <= now`)."""
        return self.current(now) - 1

    def last_past_deadline(self, now: int) -> int:
        """The newest slot whose delivery deadline has passed by `now` (`deadline(slot) <=
        now`): its trades still undelivered may be refunded."""
        return self.current(now - self.delivery_deadline_secs) - 1

    def first_refundable(self, now: int) -> int:
        """The oldest slot whose orders and trades the market still holds at `now`: they
        live until a day past their deadline (`REFUND_WINDOW_SECS`), then the households'
        own `withdraw` sweeps what is left."""
        return self.current(now - self.delivery_deadline_secs - REFUND_WINDOW_SECS)

    def next_open(self, now: int) -> int:
        """The first slot still taking orders at `now`."""
        s = self.current(now) + 1
        while self.gate(s) <= now:
            s += 1
        return s

    def settling(self, now: int) -> list[int]:
        """Slots whose gate has closed and which have not ended: the ones to settle now."""
        s = self.current(now)
        return [k for k in (s, s + 1) if self.gate(k) <= now < self.end(k)]

"""Soroban's per-transaction resource limits, which every submitted batch must fit.

Values are mainnet's network settings (Protocol 23+); a community on a network with other
settings overrides them in the config's `[limits]` table. The matcher sizes `settle` batches
from simulateTransaction's resource figures against these, with a safety margin.
"""

from __future__ import annotations

from dataclasses import dataclass

from stellar_sdk import xdr as sx


@dataclass(frozen=True)
class TxLimits:
    """Per-transaction ceilings (mainnet defaults)."""

    instructions: int = 400_000_000
    read_entries: int = 100
    write_entries: int = 50
    read_bytes: int = 200_000
    write_bytes: int = 132_096
    tx_bytes: int = 132_096


@dataclass(frozen=True)
class Usage:
    """What one simulated transaction needs."""

    instructions: int
    read_entries: int
    write_entries: int
    read_bytes: int
    write_bytes: int

    @staticmethod
    def from_simulation(sim) -> Usage:
        """Reads the resources of a simulateTransaction response."""
        data = sx.SorobanTransactionData.from_xdr(sim.transaction_data)
        r = data.resources
        fp = r.footprint
        return Usage(
            instructions=r.instructions.uint32,
            read_entries=len(fp.read_only) + len(fp.read_write),
            write_entries=len(fp.read_write),
            read_bytes=r.disk_read_bytes.uint32,
            write_bytes=r.write_bytes.uint32,
        )

    def share(self, lim: TxLimits) -> float:
        """The largest fraction of any limit this usage takes (1.0 = exactly at a limit)."""
        return max(
            self.instructions / lim.instructions,
            self.read_entries / lim.read_entries,
            self.write_entries / lim.write_entries,
            self.read_bytes / lim.read_bytes,
            self.write_bytes / lim.write_bytes,
        )

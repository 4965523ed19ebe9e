"""The market domain: what a meter's signature and a delivery proof are bound to.

One meter may be registered in several markets (another community, testnet and mainnet).
Its signed message and the proof's public input `h` both carry the 32-byte domain of one
market contract on one network, so a delivery cannot be replayed into another market
(docs/formats.md, "Market domain"). The verifier and market contracts derive the same bytes
from `env.ledger().network_id()` and their own address.
"""

from __future__ import annotations

import hashlib

from stellar_sdk import StrKey

DOMAIN_TAG = b"URJA/domain/v1"
"""The 14 ASCII bytes that start the domain's preimage."""

MESSAGE_TAG = b"URJA/delivery/v2"
"""The 16 ASCII bytes that start every signed delivery message."""

MESSAGE_LEN = 120
"""Length of the signed delivery message."""


class DomainError(ValueError):
    """A network passphrase, market address or domain that cannot be used; says which."""


def network_id(passphrase: str) -> bytes:
    """SHA-256 of the network passphrase: what Soroban's `env.ledger().network_id()` is."""
    if not isinstance(passphrase, str) or not passphrase:
        raise DomainError("network passphrase: expected a non-empty string")
    return hashlib.sha256(passphrase.encode()).digest()


def market_domain(passphrase: str, market_id: str) -> bytes:
    """`SHA-256("URJA/domain/v1" || network_id || market strkey)`: the 32 bytes a meter is
    provisioned with for the market contract `market_id` ("C...") on that network."""
    if not isinstance(market_id, str) or not StrKey.is_valid_contract(market_id):
        raise DomainError(f"market: {market_id!r} is not a contract address (C..., 56 characters)")
    return hashlib.sha256(DOMAIN_TAG + network_id(passphrase) + market_id.encode()).digest()


def domain_scalar(domain: bytes) -> int:
    """`D`: the domain's first 31 bytes as a big-endian integer (a field element)."""
    _check(domain, "domain")
    return int.from_bytes(domain[:31], "big")


def delivery_message(domain: bytes, meter_id: bytes, slot: int, commitment: bytes) -> bytes:
    """The 120 bytes a meter signs: tag, domain, meter key, slot (u64 big-endian), `C`."""
    _check(domain, "domain")
    _check(meter_id, "meter key")
    _check(commitment, "commitment")
    if isinstance(slot, bool) or not isinstance(slot, int) or not 0 <= slot < 2**64:
        raise DomainError(f"slot {slot!r} is not a u64")
    return MESSAGE_TAG + domain + meter_id + slot.to_bytes(8, "big") + commitment


def parse_domain(text: str) -> bytes:
    """A domain from its 64 lowercase or uppercase hex digits (as printed for provisioning)."""
    try:
        d = bytes.fromhex(text)
    except (TypeError, ValueError):
        d = b""
    if len(d) != 32:
        raise DomainError(f"domain: expected 64 hex digits, got {text!r}")
    return d


def _check(b: bytes, what: str) -> None:
    if not isinstance(b, bytes | bytearray) or len(b) != 32:
        raise DomainError(f"{what} must be 32 bytes")

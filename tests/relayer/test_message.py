"""Meter messages: every malformed, out-of-range, forged or replayed input is refused with
a message naming the field, and nothing is stored for it; a message signed for another market
or another network, or in the old v1 format, is refused with a named error, by the relayer
itself before any chain read."""

from __future__ import annotations

import dataclasses
import json
import re
import signal
import subprocess
import sys

import pytest
from nacl.signing import SigningKey

from urja import zk
from urja.bindings import Market, Registry
from urja.chain import Chain, ChainError
from urja.domain import delivery_message, market_domain
from urja.fleet import sign_slot
from urja.relayer.inbox import Inbox
from urja.relayer.message import MessageError, MeterSlot, check_limit, encode, parse_and_verify
from urja.relayer.service import Relayer
from urja.slots import SlotClock

SK = SigningKey(bytes([3]) * 32)
TESTNET = "Test SDF Network ; September 2015"
MAINNET = "Public Global Stellar Network ; September 2015"
MARKET = "CDKGUPGOETSY4MHSOX7QWVPR3UW4ABL2WRR6SWWSR4KI6MO5XDCAWVSZ"
OTHER_MARKET = "CATAUA224BAFSLAOJOU7X65KXD472N5KIK6GDANCB56T4F5GDUP5SLVK"
REGISTRY = "CCZP2XUWYGDO2HN7PZDYMXZB37VF274MKEEKZTJCY6D27ME4VILHXIEB"
DOMAIN = market_domain(TESTNET, MARKET)


def make(slot=100, export=None, sk=SK, domain=DOMAIN) -> MeterSlot:
    export = export or [10 * i for i in range(15)]
    salt = bytes([0x1F]) + bytes(31)
    c = zk.commitment(export, salt)
    meter = bytes(sk.verify_key)
    sig = sk.sign(delivery_message(domain, meter, slot, c)).signature
    return MeterSlot(domain, meter, slot, tuple(export), tuple([0] * 15), salt, c, sig)


def test_a_good_message_round_trips():
    m = make()
    assert parse_and_verify(encode(m), DOMAIN, reading_limit=500) == m
    assert m.energy_wh == sum(10 * i for i in range(15))
    assert m == sign_slot(SK, 100, list(m.export_wh), [0] * 15, m.salt, domain=DOMAIN)


def mutate(**changes) -> str:
    d = json.loads(encode(make()))
    d.update(changes)
    return json.dumps(d)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("{not json", "malformed JSON"),
        ("[1, 2]", "message must be a JSON object"),
        (mutate(v=3), "v: unsupported message version 3 (expected 2)"),
        (mutate(v=1), "v: message version 1 is signed without a market domain"),
        (mutate(domain="00" * 31), "domain: expected 64 lowercase hex digits"),
        (mutate(meter="AB" * 32), "meter: expected 64 lowercase hex digits"),
        (mutate(signature="00"), "signature: expected 128 lowercase hex digits"),
        (mutate(slot=-1), "slot: expected an integer"),
        (mutate(export_wh=[1] * 14), "export_wh: expected a list of 15 integers"),
        (mutate(export_wh=[1] * 14 + [70000]), "export_wh[14]: 70000 Wh is outside 0..=65535"),
        (mutate(import_wh=[1.5] * 15), "import_wh[0]: not an integer"),
        (mutate(salt="ff" * 32), "salt: not below the BN254 scalar modulus"),
    ],
)
def test_malformed_messages_name_the_field(payload, message):
    with pytest.raises(MessageError, match=re.escape(message)):
        parse_and_verify(payload, DOMAIN)


def test_forged_or_inconsistent_messages_are_refused():
    m = make()
    other = make(sk=SigningKey(bytes([4]) * 32))
    forged = MeterSlot(
        DOMAIN, m.meter, m.slot, m.export_wh, m.import_wh, m.salt, m.commitment, other.signature
    )
    with pytest.raises(MessageError, match="signature: not the meter's signature"):
        parse_and_verify(encode(forged), DOMAIN)
    moved = MeterSlot(
        DOMAIN, m.meter, m.slot + 1, m.export_wh, m.import_wh, m.salt, m.commitment, m.signature
    )
    with pytest.raises(MessageError, match="signature"):
        parse_and_verify(encode(moved), DOMAIN)
    lied = list(m.export_wh)
    lied[0] += 1
    with pytest.raises(MessageError, match="signature|commitment"):
        parse_and_verify(
            encode(
                MeterSlot(
                    DOMAIN,
                    m.meter,
                    m.slot,
                    tuple(lied),
                    m.import_wh,
                    m.salt,
                    m.commitment,
                    m.signature,
                )
            ),
            DOMAIN,
        )
    with pytest.raises(MessageError, match=r"export_wh\[11\]: 110 Wh is above the meter's limit"):
        parse_and_verify(encode(m), DOMAIN, reading_limit=100)


def unreachable_relayer(tmp_path, passphrase: str, market: str) -> Relayer:
    """A relayer for `market` on the network `passphrase` whose RPC cannot be reached: any
    check that needed the chain would raise `ChainUnavailable` instead of refusing."""
    chain = Chain("http://127.0.0.1:9", passphrase, patience_secs=0)
    return Relayer(
        Market(chain, market),
        Registry(chain, REGISTRY),
        None,
        None,
        Inbox(tmp_path / "inbox.sqlite"),
        SlotClock(900, 60, 3600),
    )


@pytest.mark.parametrize(
    ("passphrase", "market", "what"),
    [(TESTNET, OTHER_MARKET, "another market"), (MAINNET, MARKET, "another network")],
)
def test_the_relayer_refuses_a_message_signed_for_another_market_or_network(
    tmp_path, passphrase, market, what
):
    relayer = unreachable_relayer(tmp_path, TESTNET, MARKET)
    assert relayer.domain == DOMAIN
    theirs = market_domain(passphrase, market)
    assert theirs != DOMAIN, what
    m = make(domain=theirs)  # genuinely signed by the meter, for the other market
    assert parse_and_verify(encode(m), theirs) == m
    assert relayer.handle(encode(m)) is False
    (dead,) = relayer.inbox.dead_letters()
    assert dead["reason"] == (
        f"domain: signed for another market or network: domain {theirs.hex()} != {DOMAIN.hex()}"
    )
    assert (dead["meter"], dead["slot"]) == (m.meter.hex(), m.slot)
    assert relayer.inbox.pending() == []
    # Relabelling the message with this market's domain breaks the meter's signature.
    relabelled = dataclasses.replace(m, domain=DOMAIN)
    assert relayer.handle(encode(relabelled)) is False
    assert relayer.inbox.dead_letters()[1]["reason"].startswith(
        "signature: not the meter's signature"
    )


def test_the_relayer_refuses_a_v1_message_with_a_clear_error(tmp_path):
    relayer = unreachable_relayer(tmp_path, TESTNET, MARKET)
    d = json.loads(encode(make()))
    del d["domain"]
    d["v"] = 1
    assert relayer.handle(json.dumps(d)) is False
    (dead,) = relayer.inbox.dead_letters()
    assert dead["reason"].startswith(
        "v: message version 1 is signed without a market domain and is no longer accepted"
    )


def test_a_stored_v1_message_is_kept_and_filed_not_retried(tmp_path):
    inbox = Inbox(tmp_path / "inbox.sqlite")
    m = make()
    d = json.loads(encode(m))
    del d["domain"]
    d["v"] = 1
    old = json.dumps(d)
    inbox.db.execute(
        "INSERT INTO slots(meter, slot, message) VALUES (?, ?, ?)", (m.meter, m.slot, old)
    )
    assert inbox.pending() == []
    (dead,) = inbox.dead_letters()
    assert dead["payload"] == old.encode()
    assert dead["reason"].startswith("stored message unreadable: v: message version 1")
    row = inbox.db.execute("SELECT message, delivered_tx FROM slots").fetchone()
    assert row[0] == old and row[1].startswith("refused: v: message version 1")
    assert inbox.pending() == []  # filed once, not again


def test_inbox_deduplicates_resends_and_refuses_conflicting_replays(tmp_path):
    inbox = Inbox(tmp_path / "inbox.sqlite")
    m = make()
    assert inbox.accept(m) is True
    assert inbox.accept(m) is False  # the meter resent after a lost acknowledgement
    conflicting = make(export=[5] * 15)
    with pytest.raises(MessageError, match="already reported different readings"):
        inbox.accept(conflicting)
    assert inbox.pending() == [m]
    inbox.mark_delivered(m, "ab" * 32)
    assert inbox.pending() == []


def test_inbox_survives_a_kill_mid_stream(tmp_path):
    path = tmp_path / "inbox.sqlite"
    code = (
        "import sys; sys.path.insert(0, {!r})\n"
        "from tests.relayer.test_message import make\n"
        "from urja.relayer.inbox import Inbox\n"
        "inbox = Inbox(__import__('pathlib').Path({!r}))\n"
        "for s in range(10**6):\n"
        "    inbox.accept(make(slot=s))\n"
        "    print(s, flush=True)\n"
    ).format(str(__import__("pathlib").Path(__file__).resolve().parents[2]), str(path))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    acked = [int(proc.stdout.readline()) for _ in range(20)]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    pending = Inbox(path).pending()
    slots = [m.slot for m in pending]
    assert slots == list(range(len(slots)))  # a consistent prefix, nothing torn
    assert set(acked) <= set(slots)  # every acknowledged slot survived


def test_the_grid_monitor_skips_a_stored_v1_message(tmp_path):
    from urja.indexer.store import Index
    from urja.monitor import grid_status

    inbox = Inbox(tmp_path / "inbox.sqlite")
    m = make(slot=100)
    d = json.loads(encode(m))
    del d["domain"]
    d["v"] = 1
    inbox.db.execute(
        "INSERT INTO slots(meter, slot, message) VALUES (?, ?, ?)", (m.meter, 100, json.dumps(d))
    )
    assert inbox.accept(make(slot=101)) is True
    clock = SlotClock(900, 60, 3600)
    rows = grid_status(Index(tmp_path / "index.sqlite"), inbox, clock, None, {0: 1000}, 102 * 900)
    # Computed (not raised) for feeder 0 over the last 24 ended slots, 78..101.
    assert sorted(r.slot for r in rows) == list(range(78, 102))


class _RotatingMarket:
    """A market whose members vote the delivery key from `old` to `new` while the first
    delivery (proved under `old`) is in flight: the verifier then rejects that proof."""

    def __init__(self, old, new, rotate: bool):
        self.id, self.new, self.rotate = MARKET, new, rotate
        self.chain = type("C", (), {"passphrase": TESTNET, "ledger_time": lambda _: 10**10})()
        self.chain.local = type("L", (), {"instructions": 1, "tx_hash": "tx"})()
        self.vk, self.proved_under = old.vk_bytes(), []

    def installed_vk(self):
        return self.vk

    def delivered(self, meter, slot):
        return False

    def deliver(self, op, meter, slot, commitment, energy, signature, proof):
        self.proved_under.append(proof)
        if len(self.proved_under) == 1:
            if self.rotate:
                self.vk = self.new.vk_bytes()
            raise ChainError("market.deliver: ProofRejected (#32)", 32, "ProofRejected")


class _Registry:
    def meter(self, meter):
        return {"active": True, "max_wh_per_minute": 1000}


@pytest.mark.parametrize("rotate", [True, False])
def test_a_proof_rejected_because_the_key_rotated_meanwhile_is_proved_again(tmp_path, rotate):
    old, new = zk.ProvingKey.setup(5), zk.ProvingKey.setup(6)
    zk.save_keys(old, tmp_path / "keys" / "old")
    zk.save_keys(new, tmp_path / "keys" / "new")
    market = _RotatingMarket(old, new, rotate)
    relayer = Relayer(
        market,
        _Registry(),
        None,
        old,
        Inbox(tmp_path / "inbox.sqlite"),
        SlotClock(900, 60, 3600),
        keys_dir=tmp_path / "keys",
    )
    m = make()
    relayer.inbox.accept(m)
    assert relayer.deliver_ready() == 0
    if not rotate:
        # The installed key did not change: the rejection is the message's own; filed.
        assert relayer.inbox.pending() == []
        assert relayer.inbox.dead_letters()[0]["reason"].startswith("delivery refused")
        return
    # Rotated: nothing filed, the slot stays pending and the next round proves it anew
    # under the key the verifier now holds.
    assert relayer.inbox.pending() == [m] and relayer.inbox.dead_letters() == []
    assert relayer.deliver_ready() == 1
    assert relayer.inbox.pending() == []
    first, second = market.proved_under
    assert first != second


@pytest.mark.parametrize(("slot_secs", "limit"), [(900, 1000), (30, 33), (15, 16)])
def test_the_relayer_limits_each_reading_to_the_rate_over_its_interval(tmp_path, slot_secs, limit):
    # The registered rate is 1,000 Wh a minute: a reading of a 15-second slot covers one
    # second and may hold 16 Wh, as the market binds into the proof.
    key = zk.ProvingKey.setup(5)
    relayer = Relayer(
        _RotatingMarket(key, key, False),
        _Registry(),
        None,
        key,
        Inbox(tmp_path / "inbox.sqlite"),
        SlotClock(slot_secs, 5, 600),
    )
    assert relayer.meter_limit(bytes(32)) == limit
    over = make(slot=5, export=[limit + 1] + [0] * 14)
    with pytest.raises(MessageError, match=rf"export_wh\[0\]: {limit + 1} Wh is above"):
        check_limit(over, relayer.meter_limit(over.meter))

"""Meter messages: every malformed, out-of-range, forged or replayed input is refused with
a message naming the field, and nothing is stored for it; messages made by the firmware's
C++ core are accepted."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest
from nacl.signing import SigningKey

from urja import zk
from urja.relayer.inbox import Inbox
from urja.relayer.message import MessageError, MeterSlot, encode, parse_and_verify

SK = SigningKey(bytes([3]) * 32)


def make(slot=100, export=None, sk=SK) -> MeterSlot:
    export = export or [10 * i for i in range(15)]
    salt = bytes([0x1F]) + bytes(31)
    c = zk.commitment(export, salt)
    meter = bytes(sk.verify_key)
    sig = sk.sign(zk.delivery_message(meter, slot, c)).signature
    return MeterSlot(meter, slot, tuple(export), tuple([0] * 15), salt, c, sig)


def test_a_good_message_round_trips():
    m = make()
    assert parse_and_verify(encode(m), max_wh_per_minute=500) == m
    assert m.energy_wh == sum(10 * i for i in range(15))


def mutate(**changes) -> str:
    d = json.loads(encode(make()))
    d.update(changes)
    return json.dumps(d)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("{not json", "malformed JSON"),
        ("[1, 2]", "message must be a JSON object"),
        (mutate(v=2), "v: unsupported message version 2"),
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
    with pytest.raises(MessageError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_and_verify(payload)


def test_forged_or_inconsistent_messages_are_refused():
    m = make()
    other = make(sk=SigningKey(bytes([4]) * 32))
    forged = MeterSlot(
        m.meter, m.slot, m.export_wh, m.import_wh, m.salt, m.commitment, other.signature
    )
    with pytest.raises(MessageError, match="signature: not the meter's signature"):
        parse_and_verify(encode(forged))
    moved = MeterSlot(
        m.meter, m.slot + 1, m.export_wh, m.import_wh, m.salt, m.commitment, m.signature
    )
    with pytest.raises(MessageError, match="signature"):
        parse_and_verify(encode(moved))
    lied = list(m.export_wh)
    lied[0] += 1
    with pytest.raises(MessageError, match="signature|commitment"):
        parse_and_verify(
            encode(
                MeterSlot(
                    m.meter, m.slot, tuple(lied), m.import_wh, m.salt, m.commitment, m.signature
                )
            )
        )
    with pytest.raises(MessageError, match=r"export_wh\[11\]: 110 Wh is above the meter's limit"):
        parse_and_verify(encode(m), max_wh_per_minute=100)


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

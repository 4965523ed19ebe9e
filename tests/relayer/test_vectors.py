"""The shared cross-language vectors (docs/vectors/delivery.json, tools/gen_vectors.py): the
file is what the tool generates, and the orchestrator's market domain, signed message, `h`
(native prover and pure-Python auditor), meter message encoding and relayer checks all
reproduce it. Rust (circuits/tests/vectors.rs) and C++ (firmware delivery_test) check the
same file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from nacl.signing import SigningKey

from urja import metering, proof_check, zk
from urja.domain import DomainError, delivery_message, domain_scalar, market_domain, network_id
from urja.fleet import sign_slot
from urja.relayer.message import MessageError, encode, parse_and_verify

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "docs" / "vectors" / "delivery.json").read_text())
SECTIONS = ["delivery", "other_market", "other_network"]


def test_the_vectors_file_is_what_the_tool_generates():
    r = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_vectors.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("section", SECTIONS)
def test_orchestrator_reproduces_the_vectors(section):
    v = VECTORS[section]
    dom = market_domain(v["passphrase"], v["market"])
    assert network_id(v["passphrase"]).hex() == v["network_id"]
    assert dom.hex() == v["domain"]
    assert domain_scalar(dom) == int(v["domain_scalar"])
    meter, c = bytes.fromhex(v["meter"]), bytes.fromhex(v["commitment"])
    salt = bytes.fromhex(v["salt"])
    assert zk.commitment(v["export_wh"], salt) == c
    msg = delivery_message(dom, meter, v["slot"], c)
    assert msg.hex() == v["message"]
    assert zk.delivery_message(meter, v["slot"], c, domain=dom) == msg
    sk = SigningKey(bytes.fromhex(v["meter_seed"]))
    m = sign_slot(sk, v["slot"], v["export_wh"], v["import_wh"], salt, domain=dom)
    assert m.signature.hex() == v["signature"]
    assert encode(m) == v["payload"]
    assert parse_and_verify(v["payload"], dom, v["max_wh_per_reading"]) == m
    args = (c, v["energy_wh"], v["slot"], v["max_wh_per_reading"], meter)
    h = bytes.fromhex(v["public_input"])
    assert zk.delivery_public_input(*args, domain=dom) == h
    assert proof_check.delivery_public_input(*args, domain=dom) == int.from_bytes(h, "big")
    assert proof_check.verify_signature(meter, v["slot"], c, m.signature, domain=dom)


def test_each_vector_is_refused_by_the_relayer_of_the_others():
    for mine in SECTIONS:
        dom = bytes.fromhex(VECTORS[mine]["domain"])
        for theirs in SECTIONS:
            if theirs == mine:
                continue
            with pytest.raises(MessageError, match="signed for another market or network"):
                parse_and_verify(VECTORS[theirs]["payload"], dom)
    hs = {VECTORS[s]["public_input"] for s in SECTIONS}
    assert len(hs) == 3  # the same meter, slot and readings: another h in each market


def test_a_proof_for_the_vector_verifies_only_in_its_own_domain():
    v = VECTORS["delivery"]
    key = zk.ProvingKey.setup(insecure_dev_seed=11)
    dom = bytes.fromhex(v["domain"])
    meter = bytes.fromhex(v["meter"])
    p = zk.prove_delivery(
        key,
        v["export_wh"],
        bytes.fromhex(v["salt"]),
        v["slot"],
        v["max_wh_per_reading"],
        meter,
        domain=dom,
    )
    assert p.public_input.hex() == v["public_input"]
    args = (key.vk_bytes(), p.proof, p.commitment, p.energy_wh, v["slot"], 60, meter)
    assert proof_check.verify_delivery(*args, domain=dom)
    for other in ("other_market", "other_network"):
        assert not proof_check.verify_delivery(
            *args, domain=bytes.fromhex(VECTORS[other]["domain"])
        )


def test_bad_domain_inputs_name_what_is_wrong():
    with pytest.raises(DomainError, match="is not a contract address"):
        market_domain("Test SDF Network ; September 2015", "G" + "A" * 55)
    with pytest.raises(DomainError, match="network passphrase"):
        market_domain("", VECTORS["delivery"]["market"])
    with pytest.raises(DomainError, match="domain must be 32 bytes"):
        delivery_message(b"x", bytes(32), 1, bytes(32))
    with pytest.raises(DomainError, match="slot -1 is not a u64"):
        delivery_message(bytes(32), bytes(32), -1, bytes(32))


def test_the_reading_limit_matches_the_shared_vectors():
    """The relayer's and auditor's per-reading limit is the contracts' (checked against the
    same cases by contracts/interfaces/tests/metering.rs)."""
    cases = VECTORS["reading_limits"]
    assert len(cases) >= 8
    for c in cases:
        got = metering.reading_limit_wh(c["max_wh_per_minute"], c["slot_secs"])
        assert got == c["reading_limit_wh"], c


def test_a_bad_reading_limit_input_is_named():
    with pytest.raises(ValueError, match="slot_secs 0"):
        metering.reading_limit_wh(60, 0)
    with pytest.raises(ValueError, match="max_wh_per_minute -1"):
        metering.reading_limit_wh(-1, 900)

"""The multi-party trusted setup: a ceremony with three contributors per phase and announced
beacons, checked by snarkjs (a tool nobody here wrote) and by py_ecc; proofs made with its
final key verify in snarkjs, py_ecc and arkworks; tampered, truncated, out-of-order and
mismatched files are refused naming the file and the step."""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from urja import _native, proof_check, zk
from urja.ceremony import (
    Beacon,
    Ceremony,
    CeremonyError,
    deploy_key_from_ceremony,
    key_for_deploy,
    proving_key,
    vk_bytes_from_snarkjs,
)
from urja.cli import main

ROOT = Path(__file__).resolve().parents[2]
SNARKJS = ROOT / "tools" / "zk-js" / "node_modules" / ".bin" / "snarkjs"
METER = bytes(range(32))
DOMAIN = bytes([0xD0]) * 32
NETWORK = "Test SDF Network ; September 2015"
# Stand-ins for the hashes of the announced ledgers (a test cannot wait for testnet).
BEACON1 = hashlib.sha256(b"ledger 1000").hexdigest()
BEACON2 = hashlib.sha256(b"ledger 2000").hexdigest()
MEMBERS = ("alice", "bob", "carol")

pytestmark = pytest.mark.skipif(not SNARKJS.exists(), reason="snarkjs: npm ci in tools/zk-js")


def snarkjs(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(SNARKJS), *args], cwd=cwd, capture_output=True, text=True)


def hash_lines(h: str) -> str:
    """A 64-byte hash as snarkjs prints it: four lines of four 8-digit groups."""
    return "\n".join(
        "\t\t" + " ".join(h[i + 8 * k : i + 8 * k + 8] for k in range(4)) for i in range(0, 128, 32)
    )


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A finished ceremony: three contributors in each phase, both beacons, finalize.
    Returns `(ceremony, steps, key)`."""
    c = Ceremony(tmp_path_factory.mktemp("ceremony") / "c")
    steps = []
    t0 = time.monotonic()
    steps += c.init(Beacon(NETWORK, 1000), Beacon(NETWORK, 2000), say=lambda _: None)
    for m in MEMBERS:
        steps.append(c.contribute(m, say=lambda _: None))
    steps += c.beacon(BEACON1, say=lambda _: None)
    for m in MEMBERS:
        steps.append(c.contribute(m, say=lambda _: None))
    steps += c.beacon(BEACON2, say=lambda _: None)
    key = c.finalize(say=lambda _: None)
    for s in steps:
        print(f"{s.step:22s} {s.file:20s} {s.seconds:6.1f} s {s.max_rss_mb:6.0f} MB")
    print(f"ceremony total {time.monotonic() - t0:.1f} s")
    return c, steps, key


@pytest.fixture(scope="module")
def open_phase2(finished, tmp_path_factory):
    """The finished ceremony as it was after alice's phase-2 contribution (phase 2 open):
    a starting point for bad inputs."""
    c = copy(finished[0], tmp_path_factory.mktemp("open") / "c")
    for name in ("transcript.json", "verification_key.json", "vk.bin"):
        (c.root / name).unlink()
    for p in c.root.glob("phase2/*"):
        if p.stem not in ("0000", "0001"):
            p.unlink()
    assert c.state() == "phase2"
    return c


def copy(c: Ceremony, dest: Path) -> Ceremony:
    shutil.copytree(c.root, dest)
    return Ceremony(dest)


def test_three_contributors_and_a_beacon_end_to_end(finished):
    c, steps, key = finished
    assert c.state() == "finalized"
    contributions = [s for s in steps if s.contribution_hash]
    assert len(contributions) == 6 and len({s.contribution_hash for s in contributions}) == 6
    # snarkjs itself (not our parsing) accepts both phases and lists each member's hash:
    # this is how a member checks its contribution is in the final key.
    pot = snarkjs("powersoftau", "verify", "phase1/final.ptau", cwd=c.root)
    assert pot.returncode == 0 and "Powers of Tau Ok!" in pot.stdout, pot.stdout[-2000:]
    zkv = snarkjs(
        "zkey", "verify", "circuit.r1cs", "phase1/final.ptau", "phase2/final.zkey", cwd=c.root
    )
    assert zkv.returncode == 0 and "ZKey Ok!" in zkv.stdout, zkv.stdout[-2000:]
    plain = zkv.stdout.replace("\x1b[32;22m", "").replace("\x1b[39;1m", "").replace("\x1b[0m", "")
    for k, s in enumerate(contributions[3:], start=1):
        assert f"contribution #{k} {MEMBERS[k - 1]}:\n{hash_lines(s.contribution_hash)}" in plain
    assert f"Beacon generator: {BEACON2}" in plain
    for s in contributions[:3]:
        assert hash_lines(s.contribution_hash) in pot.stdout
    # The transcript names the announced beacons and every file's hash.
    t = json.loads((c.root / "transcript.json").read_text())
    assert [r["name"] for r in t["phase2"] if r["step"] == "contribute"] == list(MEMBERS)
    beacon2 = next(r for r in t["phase2"] if r["step"] == "beacon")
    assert (beacon2["ledger"], beacon2["value"]) == (2000, BEACON2)
    assert t["ceremony"]["beacons"]["phase1"] == {"network": NETWORK, "ledger": 1000}
    # What governance installs: the contract encoding of snarkjs's own export.
    vk_json = json.loads((c.root / "verification_key.json").read_text())
    assert key.vk_bytes == vk_bytes_from_snarkjs(vk_json) == (c.root / "vk.bin").read_bytes()
    assert key.vk_sha256 == hashlib.sha256(key.vk_bytes).hexdigest()
    assert (
        key.transcript_hash == hashlib.sha256((c.root / "transcript.json").read_bytes()).hexdigest()
    )
    # (finalize has just run the snarkjs verification deploy repeats by default.)
    assert deploy_key_from_ceremony(c.root, verify=False) == (
        key.vk_bytes,
        key.vk_sha256,
        key.transcript_hash,
    )


def test_proofs_from_the_final_zkey_verify_in_snarkjs_py_ecc_and_arkworks(finished, tmp_path):
    c, _, key = finished
    pk = proving_key(c.root)
    assert pk.from_ceremony and pk.vk_bytes() == key.vk_bytes
    p = zk.prove_delivery(pk, [40] * 14 + [7], zk.random_salt(), 77, 60, METER, domain=DOMAIN)
    h = int.from_bytes(p.public_input, "big")
    assert zk.verify(key.vk_bytes, p.proof, p.public_input)
    assert proof_check.verify_groth16(key.vk_bytes, p.proof, [h])
    assert not proof_check.verify_groth16(key.vk_bytes, p.proof, [h + 1])
    (tmp_path / "proof.json").write_text(_native.proof_snarkjs(p.proof))
    (tmp_path / "public.json").write_text(json.dumps([str(h)]))
    ok = snarkjs(
        "groth16",
        "verify",
        str(c.root / "verification_key.json"),
        "public.json",
        "proof.json",
        cwd=tmp_path,
    )
    assert ok.returncode == 0 and "OK" in ok.stdout, ok.stdout + ok.stderr
    (tmp_path / "public.json").write_text(json.dumps([str(h + 1)]))
    bad = snarkjs(
        "groth16",
        "verify",
        str(c.root / "verification_key.json"),
        "public.json",
        "proof.json",
        cwd=tmp_path,
    )
    assert bad.returncode != 0 or "OK!" not in bad.stdout
    # The key survives save/load (what `urja deploy` hands to the relayer).
    zk.save_keys(pk, tmp_path / "keys")
    again = zk.load_proving_key(tmp_path / "keys" / "delivery.pk")
    assert again.from_ceremony and again.vk_bytes() == key.vk_bytes
    p2 = zk.prove_delivery(again, [1] * 15, zk.random_salt(), 78, 60, METER, domain=DOMAIN)
    assert proof_check.verify_groth16(
        key.vk_bytes, p2.proof, [int.from_bytes(p2.public_input, "big")]
    )


def section_start(data: bytes, ty: int) -> int:
    """Offset of the body of section `ty` in a snarkjs binary file."""
    (n,) = struct.unpack_from("<I", data, 8)
    pos = 12
    for _ in range(n):
        t, size = struct.unpack_from("<IQ", data, pos)
        if t == ty:
            return pos + 12
        pos += 12 + size
    raise KeyError(ty)


def test_snarkjs_rejects_an_altered_contribution(finished, tmp_path):
    c = copy(finished[0], tmp_path / "c")
    zkey = c.root / "phase2" / "final.zkey"
    data = bytearray(zkey.read_bytes())
    # Alice's record in the contributions section: after the circuit hash (64) and the
    # count (4), a byte of the delta her contribution left.
    data[section_start(data, 10) + 68 + 10] ^= 0x01
    zkey.write_bytes(bytes(data))
    r = snarkjs(
        "zkey", "verify", "circuit.r1cs", "phase1/final.ptau", "phase2/final.zkey", cwd=c.root
    )
    assert r.returncode != 0 or "ZKey Ok!" not in r.stdout
    with pytest.raises(CeremonyError, match=r"^verify: phase2/final.zkey: SHA-256 differs"):
        c.verify(say=lambda _: None)
    with pytest.raises(CeremonyError, match=r"^deploy: phase2/final.zkey: SHA-256 differs"):
        deploy_key_from_ceremony(c.root, verify=False)
    # Phase 1 likewise: one altered contribution and snarkjs refuses the powers of tau.
    ptau = c.root / "phase1" / "final.ptau"
    data = bytearray(ptau.read_bytes())
    data[section_start(data, 7) + 4 + 10] ^= 0x01
    ptau.write_bytes(bytes(data))
    r = snarkjs("powersoftau", "verify", "phase1/final.ptau", cwd=c.root)
    assert r.returncode != 0 or "Powers of Tau Ok!" not in r.stdout


def test_a_truncated_contribution_is_refused_naming_file_and_step(open_phase2, tmp_path):
    c = copy(open_phase2, tmp_path / "c")
    f = c.root / "phase2" / "0001.zkey"
    f.write_bytes(f.read_bytes()[:-1000])
    with pytest.raises(CeremonyError) as e:
        c.contribute("bob", say=lambda _: None)
    assert str(e.value).startswith("contribute (phase 2): phase2/0001.zkey: truncated: section")
    with pytest.raises(CeremonyError, match=r"^verify: phase2/0001.zkey: truncated"):
        c.verify(say=lambda _: None)
    assert not (c.root / "phase2" / "0002.zkey").exists()


def test_a_contribution_made_out_of_order_is_refused(open_phase2, tmp_path):
    a = copy(open_phase2, tmp_path / "a")
    b = copy(open_phase2, tmp_path / "b")
    a.contribute("bob", say=lambda _: None)  # a: alice, bob
    b.contribute("carol", say=lambda _: None)  # b: alice, carol (carol missed bob's)
    # carol's file arrives as the next contribution after bob's.
    shutil.copyfile(b.root / "phase2/0002.zkey", a.root / "phase2/0003.zkey")
    rec = json.loads((b.root / "phase2/0002.json").read_text())
    rec.update(index=3, file="phase2/0003.zkey")
    (a.root / "phase2/0003.json").write_text(json.dumps(rec))
    msg = r"^{}: phase2/0003.zkey: contribution 3 \(carol\) does not build on phase2/0002.zkey"
    with pytest.raises(CeremonyError, match=msg.format("verify")):
        a.verify(say=lambda _: None)
    with pytest.raises(CeremonyError, match=msg.format(r"contribute \(phase 2\)")):
        a.contribute("dave", say=lambda _: None)
    # Swapping two files under their records is caught too.
    (a.root / "phase2/0003.zkey").unlink()
    (a.root / "phase2/0003.json").unlink()
    one, two = a.root / "phase2/0001.zkey", a.root / "phase2/0002.zkey"
    one_bytes = one.read_bytes()
    one.write_bytes(two.read_bytes())
    two.write_bytes(one_bytes)
    with pytest.raises(CeremonyError, match=r"^verify: phase2/0001.zkey: SHA-256 differs"):
        a.verify(say=lambda _: None)


def tiny_r1cs() -> bytes:
    """circom .r1cs of another circuit: x * x = y with y public (3 wires, 1 constraint)."""
    r = proof_check.R.to_bytes(32, "little")
    one = (1).to_bytes(32, "little")
    header = struct.pack("<I", 32) + r + struct.pack("<IIIIQI", 3, 0, 1, 1, 3, 1)
    lc = lambda w: struct.pack("<II", 1, w) + one  # noqa: E731
    constraints = lc(2) + lc(2) + lc(1)
    labels = b"".join(struct.pack("<Q", i) for i in range(3))
    body = b"".join(
        struct.pack("<IQ", t, len(s)) + s for t, s in ((1, header), (2, constraints), (3, labels))
    )
    return b"r1cs" + struct.pack("<II", 1, 3) + body


def test_a_zkey_for_another_circuit_is_refused(finished, open_phase2, tmp_path):
    (tmp_path / "other.r1cs").write_bytes(tiny_r1cs())
    ptau = finished[0].root / "phase1" / "final.ptau"
    r = snarkjs("zkey", "new", "other.r1cs", str(ptau), "other.zkey", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    with pytest.raises(
        zk.ZkError, match=r"other.zkey: zkey is for another circuit: the key has 3 wires"
    ):
        zk.load_proving_key(tmp_path / "other.zkey")
    c = copy(open_phase2, tmp_path / "c")
    shutil.copyfile(tmp_path / "other.zkey", c.root / "phase2" / "0001.zkey")
    with pytest.raises(
        CeremonyError, match=r"^verify: phase2/0001.zkey: a key for another circuit"
    ):
        c.verify(say=lambda _: None)


def test_a_key_from_another_transcript_rejects_the_proof(finished, open_phase2, tmp_path):
    c = copy(open_phase2, tmp_path / "c")
    c.contribute("dave", say=lambda _: None)
    c.beacon(BEACON2, say=lambda _: None)
    other = proving_key(c.root)
    final = proving_key(finished[0].root)
    assert other.vk_bytes() != final.vk_bytes()
    p = zk.prove_delivery(final, [5] * 15, zk.random_salt(), 9, 60, METER, domain=DOMAIN)
    h = int.from_bytes(p.public_input, "big")
    assert proof_check.verify_groth16(final.vk_bytes(), p.proof, [h])
    assert not proof_check.verify_groth16(other.vk_bytes(), p.proof, [h])
    assert not zk.verify(other.vk_bytes(), p.proof, p.public_input)


def test_a_powers_of_tau_too_small_for_the_circuit_is_refused(tmp_path):
    _, need = _native.circuit_r1cs()
    small = tmp_path / "small.ptau"
    r = snarkjs("powersoftau", "new", "bn128", str(need - 1), str(small), cwd=tmp_path)
    assert r.returncode == 0, r.stdout
    c = Ceremony(tmp_path / "c")
    with pytest.raises(CeremonyError) as e:
        c.init(None, Beacon(NETWORK, 5), phase1_ptau=small, say=lambda _: None)
    assert str(e.value) == (
        f"init: {small}: powers of tau of size 2^{need - 1} are too small for the delivery "
        f"circuit, which needs 2^{need}"
    )
    with pytest.raises(
        CeremonyError, match=rf"^init: powers of tau of size 2\^{need - 1} are too small"
    ):
        c.init(Beacon(NETWORK, 5), Beacon(NETWORK, 6), power=need - 1, say=lambda _: None)
    assert not (c.root / "ceremony.json").exists()


def test_cli_names_the_step_and_refuses_single_party_setup_without_the_flag(tmp_path):
    r = CliRunner().invoke(main, ["zk", "setup", "--out", str(tmp_path / "k")])
    assert r.exit_code != 0 and "urja zk ceremony init" in r.output
    r = CliRunner().invoke(
        main, ["zk", "setup", "--out", str(tmp_path / "k"), "--insecure-dev-setup"]
    )
    assert r.exit_code == 0 and "WARNING: single-party setup" in r.output
    r = CliRunner().invoke(
        main, ["zk", "ceremony", "contribute", str(tmp_path / "none"), "--name", "x"]
    )
    assert r.exit_code == 1 and "contribute (phase 1): ceremony.json: missing" in r.output


def test_deploy_installs_a_ceremony_key_or_an_explicitly_insecure_one(finished, tmp_path):
    from urja.deploy import DeployError, GovernanceSettings, MarketSettings, deploy_and_record

    c, _, key = finished
    quiet = lambda _: None  # noqa: E731
    with pytest.raises(CeremonyError, match="^deploy: no trusted setup given: pass --ceremony"):
        key_for_deploy(None, say=quiet)
    with pytest.raises(CeremonyError, match="not both"):
        key_for_deploy(c.root, insecure_dev_setup=True, say=quiet)
    # `urja deploy` refuses before touching the network or writing keys.
    with pytest.raises(DeployError, match="no trusted setup given"):
        deploy_and_record(
            None,
            None,
            tmp_path,
            "local",
            MarketSettings(),
            GovernanceSettings(),
            [],
            {},
            say=quiet,
        )
    assert not (tmp_path / "keys").exists()
    said = []
    dev = key_for_deploy(None, insecure_dev_setup=True, say=said.append)
    assert dev.insecure and dev.transcript_hash is None and not dev.key.from_ceremony
    assert said[0].startswith("WARNING: insecure development setup")
    # The ceremony path re-verifies with snarkjs and returns what the proposal carries.
    real = key_for_deploy(c.root, say=quiet)
    assert not real.insecure and real.key.from_ceremony
    assert (real.vk_bytes, real.vk_sha256, real.transcript_hash) == (
        key.vk_bytes,
        key.vk_sha256,
        key.transcript_hash,
    )


def test_the_wasm_verifier_on_the_local_network_takes_only_the_ceremony_key(
    finished, open_phase2, tmp_path
):
    from stellar_sdk import Keypair, scval

    from tests.localnet.conftest import start_localnet
    from urja.ceremony import ledger_hash
    from urja.chain import Chain, addr
    from urja.deploy import wasm

    c, _, key = finished
    node = start_localnet(tmp_path / "net")
    try:
        chain = Chain(node.url, node.passphrase)
        op = Keypair.random()
        node.fund(op.public_key)
        vid = chain.deploy(op, chain.upload(op, wasm("verifier")), [addr(op)], "verifier")
        # Another transcript of the same circuit, closed with the hash of a ledger of this
        # network announced before it closed (fetched by the beacon step over RPC).
        other = copy(open_phase2, tmp_path / "other")
        cfg = json.loads((other.root / "ceremony.json").read_text())
        target = chain.latest_ledger() + 3
        cfg["beacons"]["phase2"] = {"network": node.passphrase, "ledger": target}
        (other.root / "ceremony.json").write_text(json.dumps(cfg))
        with pytest.raises(CeremonyError, match=f"ledger {target} is not"):
            other.beacon(rpc_url=node.url, say=lambda _: None)
        while chain.latest_ledger() < target:
            time.sleep(0.1)
        other.beacon(rpc_url=node.url, say=lambda _: None)
        rec = json.loads((other.root / "phase2" / "final.json").read_text())
        got = node.rpc("getLedgers", {"startLedger": target, "pagination": {"limit": 1}})
        assert rec["value"] == ledger_hash(node.url, target) == got["result"]["ledgers"][0]["hash"]

        for cid, vk in ((1, key.vk_bytes), (2, proving_key(other.root).vk_bytes())):
            chain.invoke(vid, "set_key", [scval.to_uint32(cid), scval.to_bytes(vk)], op)
        p = zk.prove_delivery(
            proving_key(c.root), [30] * 15, zk.random_salt(), 5, 60, METER, domain=DOMAIN
        )

        def verify(cid: int, public_input: bytes) -> bool:
            args = [
                scval.to_uint32(cid),
                scval.to_bytes(p.proof),
                scval.to_vec([scval.to_bytes(public_input)]),
            ]
            return scval.to_native(chain.read(vid, "verify", args))

        assert verify(1, p.public_input) is True
        wrong = (int.from_bytes(p.public_input, "big") + 1).to_bytes(32, "big")
        assert verify(1, wrong) is False
        assert verify(2, p.public_input) is False
    finally:
        node.stop()


def test_cli_runs_a_ceremony_on_an_imported_phase_1(finished, tmp_path):
    run = lambda *a: CliRunner().invoke(main, ["zk", "ceremony", *a])  # noqa: E731
    d = str(tmp_path / "c")
    ptau = str(finished[0].root / "phase1" / "final.ptau")
    r = run("init", d, "--phase2-beacon", "testnet:12", "--phase1-ptau", ptau)
    assert r.exit_code == 0 and "phase 2 opened: phase2/0000.zkey" in r.output, r.output
    r = run("contribute", d, "--name", "erin")
    assert r.exit_code == 0, r.output
    printed = r.output.strip().splitlines()[-1]
    assert (
        len(printed) == 128
        and json.loads(Path(d, "phase2/0001.json").read_text())["contribution_hash"] == printed
    )
    r = run("beacon", d, "--ledger-hash", "zz")
    assert r.exit_code == 1 and "beacon (phase 2): beacon value 'zz': expected 64 hex" in r.output
    assert run("beacon", d, "--ledger-hash", BEACON2).exit_code == 0
    r = run("finalize", d)
    assert r.exit_code == 0, r.output
    assert "phase 1 (phase1/final.ptau): imported" in r.output
    assert "phase 2 (phase2/final.zkey): 1 contributions and the beacon, zkey verify OK" in r.output
    vk, digest, transcript = deploy_key_from_ceremony(d, verify=False)
    assert f"verifying key SHA-256: {digest}" in r.output
    assert f"transcript SHA-256:    {transcript}" in r.output
    r = run("contribute", d, "--name", "late")
    assert (
        r.exit_code == 1 and "contribute: the ceremony is finalized: no phase is open" in r.output
    )


def test_a_phase_1_contribution_made_out_of_order_is_refused(tmp_path):
    quiet = lambda _: None  # noqa: E731
    a = Ceremony(tmp_path / "a")
    a.init(Beacon(NETWORK, 10), Beacon(NETWORK, 20), say=quiet)
    a.contribute("alice", say=quiet)
    b = copy(a, tmp_path / "b")
    a.contribute("bob", say=quiet)
    b.contribute("carol", say=quiet)  # on alice's file, not bob's
    shutil.copyfile(b.root / "phase1/0002.ptau", a.root / "phase1/0003.ptau")
    rec = json.loads((b.root / "phase1/0002.json").read_text())
    rec.update(index=3, file="phase1/0003.ptau")
    (a.root / "phase1/0003.json").write_text(json.dumps(rec))
    with pytest.raises(
        CeremonyError,
        match=r"^beacon \(phase 1\): phase1/0003.ptau: contribution 3 \(carol\) does not build "
        r"on phase1/0002.ptau",
    ):
        a.beacon(BEACON1, say=quiet)
    assert not (a.root / "phase1" / "beacon.ptau").exists()


def test_the_audit_checks_the_installed_key_against_the_transcript(finished):
    """`urja audit --ceremony DIR` (issue 15, item 3): the key the verifier holds must be the
    one the published transcript yields, and the transcript the deployment's."""
    from urja.ceremony import deploy_key_from_ceremony
    from urja.market_audit import Report, check_transcript

    c = finished[0]
    vk, _, transcript = deploy_key_from_ceremony(c.root, verify=False, say=lambda *_: None)
    ok = Report()
    assert check_transcript(ok, vk, vk, transcript, transcript) and ok.ok
    other = zk.ProvingKey.setup(9).vk_bytes()
    for installed, recorded in ((other, transcript), (None, transcript), (vk, "")):
        rep = Report()
        assert not check_transcript(rep, installed, vk, transcript, recorded)
        assert "AUDIT FAILED" in rep.text()

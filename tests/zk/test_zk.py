"""Zero-knowledge side from Python: Poseidon everywhere agrees with the shared vectors, the
prover refuses bad readings, py_ecc agrees with arkworks on valid and tampered proofs, and
snarkjs accepts what we export."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from urja import proof_check, zk
from urja.cli import main

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT.parent / "shared" / "vectors" / "poseidon.json"
ZKJS = ROOT / "tools" / "zk-js"
SNARKJS = ZKJS / "node_modules" / ".bin" / "snarkjs"
METER = bytes(range(32))
DOMAIN = bytes([0xD0]) * 32


@pytest.fixture(scope="module")
def key():
    return zk.ProvingKey.setup(insecure_dev_seed=5)


@pytest.fixture(scope="module")
def proved(key):
    return zk.prove_delivery(key, [40] * 14 + [7], zk.random_salt(), 1234, 60, METER, domain=DOMAIN)


def test_poseidon_native_and_pure_python_match_the_shared_vectors():
    for v in json.loads(VECTORS.read_text())["vectors"]:
        inputs = [int(x) for x in v["inputs"]]
        assert zk.poseidon(inputs) == int(v["hash"])
        assert proof_check.poseidon(inputs) == int(v["hash"])


def test_the_parameter_file_is_exactly_what_circomlibjs_generates(tmp_path):
    out = tmp_path / "p.bin"
    subprocess.run(
        ["node", str(ZKJS / "gen-poseidon.js"), str(out)], check=True, capture_output=True
    )
    assert out.read_bytes() == (ROOT / "orchestrator/urja/data/poseidon_bn254_x5.bin").read_bytes()


def test_out_of_range_readings_are_refused_naming_the_reading(key):
    with pytest.raises(zk.ZkError, match="reading 3 is 70000 Wh, outside 0..=65535"):
        zk.prove_delivery(
            key, [1, 2, 70000] + [0] * 12, zk.random_salt(), 1, 65535, METER, domain=DOMAIN
        )
    with pytest.raises(zk.ZkError, match="reading 15 is 61 Wh, above the meter's limit of 60"):
        zk.prove_delivery(key, [0] * 14 + [61], zk.random_salt(), 1, 60, METER, domain=DOMAIN)
    with pytest.raises(zk.ZkError, match="expected 15 readings, got 2"):
        zk.prove_delivery(key, [1, 2], zk.random_salt(), 1, 60, METER, domain=DOMAIN)
    with pytest.raises(zk.ZkError, match="salt must be 32 bytes"):
        zk.prove_delivery(key, [1] * 15, b"x", 1, 60, METER, domain=DOMAIN)


def test_public_input_is_the_same_in_rust_and_python(proved):
    c, e = proved.commitment, proved.energy_wh
    h = proof_check.delivery_public_input(c, e, 1234, 60, METER, domain=DOMAIN)
    assert h.to_bytes(32, "big") == proved.public_input
    assert zk.delivery_public_input(c, e, 1234, 60, METER, domain=DOMAIN) == proved.public_input
    assert proved.energy_wh == 40 * 14 + 7


def test_py_ecc_agrees_with_arkworks_on_valid_and_tampered_proofs(key, proved):
    vk = key.vk_bytes()
    parsed = proof_check.parse_vk(vk)
    h = int.from_bytes(proved.public_input, "big")
    cases = [(proved.proof, h)]
    for byte in (31, 95, 159, 223, 255):  # a bit in A.x, B.x, B.y, C.x, C.y
        t = bytearray(proved.proof)
        t[byte] ^= 1
        cases.append((bytes(t), h))
    cases.append((proved.proof, h + 1))
    for proof, x in cases:
        native = zk.verify(vk, proof, x.to_bytes(32, "big"))
        assert proof_check.verify_groth16(parsed, proof, [x]) == native
    assert zk.verify(vk, proved.proof, proved.public_input)
    assert sum(proof_check.verify_groth16(parsed, p, [x]) for p, x in cases) == 1


def test_a_key_from_another_setup_rejects_the_proof(proved):
    other = zk.ProvingKey.setup(insecure_dev_seed=6)
    assert not proof_check.verify_groth16(
        other.vk_bytes(), proved.proof, [int.from_bytes(proved.public_input, "big")]
    )


def test_signature_check_matches_the_documented_message():
    from nacl.signing import SigningKey

    sk = SigningKey(bytes([7]) * 32)
    meter = bytes(sk.verify_key)
    c = bytes(31) + b"\x05"
    sig = sk.sign(zk.delivery_message(meter, 99, c, domain=DOMAIN)).signature
    assert len(zk.delivery_message(meter, 99, c, domain=DOMAIN)) == 120
    assert proof_check.verify_signature(meter, 99, c, sig, domain=DOMAIN)
    assert not proof_check.verify_signature(meter, 100, c, sig, domain=DOMAIN)
    assert not proof_check.verify_signature(meter, 99, c, sig, domain=bytes(32))


@pytest.mark.skipif(shutil.which("node") is None, reason="node is installed by scripts/setup.sh")
def test_snarkjs_accepts_the_exported_example_and_rejects_a_changed_input(tmp_path, key):
    paths = zk.export_example(tmp_path, key)
    cmd = [
        str(SNARKJS),
        "groth16",
        "verify",
        str(paths["verification_key.json"]),
        str(paths["public.json"]),
        str(paths["proof.json"]),
    ]
    ok = subprocess.run(cmd, capture_output=True, text=True)
    assert ok.returncode == 0 and "OK" in ok.stdout, ok.stdout + ok.stderr
    public = json.loads(paths["public.json"].read_text())
    paths["public.json"].write_text(json.dumps([str(int(public[0]) + 1)]))
    bad = subprocess.run(cmd, capture_output=True, text=True)
    assert bad.returncode != 0 or "OK" not in bad.stdout
    # py_ecc on the same files, and the snarkjs files import back to the contract bytes.
    texts = [paths[n].read_text() for n in ("verification_key.json", "proof.json")]
    assert not proof_check.verify_snarkjs(texts[0], texts[1], paths["public.json"].read_text())
    assert proof_check.verify_snarkjs(texts[0], texts[1], json.dumps(public))
    vk, proof, inputs = zk.import_snarkjs(texts[0], texts[1], json.dumps(public))
    assert (vk, proof, inputs) == (
        key.vk_bytes(),
        paths["proof.bin"].read_bytes(),
        [paths["public.bin"].read_bytes()],
    )


def test_cli_setup_export_and_verify(tmp_path):
    r = CliRunner().invoke(main, ["zk", "export-example", "--out", str(tmp_path / "ex")])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["zk", "verify", "--dir", str(tmp_path / "ex")])
    assert r.exit_code == 0 and "verifies" in r.output, r.output
    r = CliRunner().invoke(
        main, ["zk", "setup", "--out", str(tmp_path / "k"), "--insecure-dev-seed", "1"]
    )
    assert r.exit_code == 0 and "WARNING" in r.output
    # The proving key holds no secret: it is published so anyone may prove (issue 13).
    assert (tmp_path / "k" / "delivery.pk").stat().st_mode & 0o044 == 0o044
    key = zk.load_proving_key(tmp_path / "k" / "delivery.pk")
    assert key.vk_bytes() == (tmp_path / "k" / "vk.bin").read_bytes()
    with pytest.raises(zk.ZkError, match="not a delivery proving key"):
        zk.ProvingKey.from_bytes(b"garbage")

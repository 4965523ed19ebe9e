"""Zero-knowledge proofs of delivery: the grid server's prover and the meter-side encodings.

The statement, every encoding and the trusted-setup caveats are in `docs/zk.md`. Proving
runs in Rust (`urja._native`, GIL released); `urja.proof_check` re-checks proofs with py_ecc,
independently of this code.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from . import _native, metering
from . import domain as _domain

ZkError = _native.ZkError
"""Bad input to the prover, or a key or proof that cannot be read (a ValueError)."""

ProvingKey = _native.ProvingKey
"""A Groth16 proving key of the delivery circuit (with its verifying key)."""

READINGS = metering.READINGS
"""Readings per slot (`urja.metering.READINGS`)."""

DOMAIN = _domain.MESSAGE_TAG
"""Tag that starts every signed delivery message ("URJA/delivery/v2")."""


@dataclass(frozen=True)
class DeliveryProof:
    """A proven delivery, ready for `market.deliver`."""

    proof: bytes
    """256-byte Groth16 proof (contract encoding)."""
    public_input: bytes
    """32-byte big-endian `h`."""
    commitment: bytes
    """32-byte big-endian `C`, the value the meter signs."""
    energy_wh: int
    """`E`, the energy delivered in the slot."""


def poseidon(inputs: list[int]) -> int:
    """circomlib Poseidon over BN254 of 1 to 16 field elements."""
    return _native.poseidon(list(inputs))


def random_salt() -> bytes:
    """32 random bytes with the top 3 bits cleared, so the salt is a field element."""
    salt = bytearray(secrets.token_bytes(32))
    salt[0] &= 0x1F
    return bytes(salt)


def commitment(readings: list[int], salt: bytes) -> bytes:
    """`C = Poseidon(r_1..r_15, salt)` as 32 big-endian bytes."""
    return _native.commitment(list(readings), salt)


def delivery_message(
    meter_key: bytes, slot: int, commitment_bytes: bytes, *, domain: bytes
) -> bytes:
    """The 120 bytes a meter signs: tag, market domain, meter key, slot (u64 big-endian),
    commitment (`urja.domain.delivery_message`)."""
    try:
        return _domain.delivery_message(domain, meter_key, slot, commitment_bytes)
    except _domain.DomainError as e:
        raise ZkError(str(e)) from None


def delivery_public_input(
    commitment_bytes: bytes,
    energy_wh: int,
    slot: int,
    reading_limit: int,
    meter_key: bytes,
    *,
    domain: bytes,
) -> bytes:
    """`h`, the proof's single public input for the market `domain`, as 32 big-endian bytes
    (`reading_limit` from `reading_limit_wh`)."""
    return _native.delivery_public_input(
        commitment_bytes, energy_wh, slot, reading_limit, meter_key, domain
    )


def prove_delivery(
    key: ProvingKey,
    readings: list[int],
    salt: bytes,
    slot: int,
    reading_limit: int,
    meter_key: bytes,
    *,
    domain: bytes,
) -> DeliveryProof:
    """Proves a meter's slot in the market `domain`, every reading within `reading_limit`
    Wh (`reading_limit_wh`). Raises `ZkError` naming the reading when one is out of
    range."""
    proof, h, c, energy = key.prove_delivery(
        list(readings), salt, slot, reading_limit, meter_key, domain
    )
    return DeliveryProof(proof=proof, public_input=h, commitment=c, energy_wh=energy)


def load_proving_key(path: str | os.PathLike) -> ProvingKey:
    """Loads a proving key file written by `save_keys`, or the final `.zkey` of a snarkjs
    ceremony (every point is checked; a zkey must be for the delivery circuit)."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise ZkError(f"cannot read proving key {path}: {e.strerror}") from e
    if data[:4] == b"zkey":
        try:
            return ProvingKey.from_zkey(data)
        except ZkError as e:
            raise ZkError(f"{path}: {e}") from None
    return ProvingKey.from_bytes(data)


def save_keys(key: ProvingKey, out_dir: str | os.PathLike) -> dict[str, Path]:
    """Writes `delivery.pk`, `vk.bin` (contract encoding) and snarkjs
    `verification_key.json` into `out_dir`; returns their paths. A Groth16 proving key holds
    no secret (the setup's randomness is not in it), so it is published with the deployment
    record: anyone, not only the operator, can prove a delivery."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "pk": out / "delivery.pk",
        "vk": out / "vk.bin",
        "vk_json": out / "verification_key.json",
    }
    tmp = paths["pk"].with_suffix(".pk.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(key.to_bytes())
    os.replace(tmp, paths["pk"])
    paths["vk"].write_bytes(key.vk_bytes())
    paths["vk_json"].write_text(json.dumps(json.loads(key.vk_snarkjs()), indent=1) + "\n")
    return paths


def export_example(out_dir: str | os.PathLike, key: ProvingKey | None = None) -> dict[str, Path]:
    """Writes a fresh valid example for outside tools: snarkjs `verification_key.json`,
    `proof.json`, `public.json`, plus the contract encodings (`vk.bin`, `proof.bin`,
    `public.bin`) and `statement.json` (the public values behind `h`)."""
    key = key or ProvingKey.setup()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    meter_key = secrets.token_bytes(32)
    readings = [secrets.randbelow(501) for _ in range(READINGS)]
    slot = 1_900_000 + secrets.randbelow(1000)
    domain = secrets.token_bytes(32)
    p = prove_delivery(key, readings, random_salt(), slot, 500, meter_key, domain=domain)
    files = {
        "verification_key.json": json.dumps(json.loads(key.vk_snarkjs()), indent=1),
        "proof.json": json.dumps(json.loads(_native.proof_snarkjs(p.proof)), indent=1),
        "public.json": json.dumps(json.loads(_native.public_snarkjs([p.public_input]))),
        "statement.json": json.dumps(
            {
                "commitment": p.commitment.hex(),
                "energy_wh": p.energy_wh,
                "slot": slot,
                "max_wh_per_reading": 500,
                "meter": meter_key.hex(),
                "domain": domain.hex(),
                "public_input": p.public_input.hex(),
            },
            indent=1,
        ),
    }
    paths = {}
    for name, text in files.items():
        paths[name] = out / name
        paths[name].write_text(text + "\n")
    for name, data in (
        ("vk.bin", key.vk_bytes()),
        ("proof.bin", p.proof),
        ("public.bin", p.public_input),
    ):
        paths[name] = out / name
        paths[name].write_bytes(data)
    return paths


def import_snarkjs(vk_json: str, proof_json: str, public_json: str) -> tuple[bytes, bytes, list]:
    """snarkjs JSON texts to the contract encoding: `(vk, proof, [public inputs])`."""
    return _native.import_snarkjs(vk_json, proof_json, public_json)


def verify(vk: bytes, proof: bytes, public_input: bytes) -> bool:
    """Native (arkworks) verification; `urja.proof_check.verify_groth16` is the independent one."""
    return _native.verify(vk, proof, public_input)

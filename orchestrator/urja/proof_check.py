"""Independent verification for auditors: Groth16 with py_ecc and Poseidon in pure Python.

Nothing here calls the Rust code: an auditor who distrusts the grid server's binaries can
re-check every delivery from the chain's events (commitment, energy, slot, meter, signature,
proof), the registry's meter limit and the verifying key the verifier contract published.
The Poseidon constants come from Urja's one parameter file (`urja/data`), generated from
circomlibjs; the encodings are documented in `docs/zk.md`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from py_ecc.optimized_bn128 import (
    FQ,
    FQ2,
    FQ12,
    add,
    b,
    b2,
    curve_order,
    final_exponentiate,
    is_inf,
    is_on_curve,
    multiply,
    neg,
    pairing,
)

R = curve_order
"""The BN254 scalar field modulus (public inputs and Poseidon live here)."""

P = 21888242871839275222246405745257275088696311157297823662689037894645226208583
"""The BN254 base field modulus (point coordinates)."""


class AuditError(ValueError):
    """Input an auditor's check cannot even parse: the message names what is malformed."""


def poseidon_sections() -> dict[int, bytes]:
    """Urja's Poseidon parameter file split per state width t (each section as stored:
    header `t, full, partial` then constants and MDS; docs/formats.md)."""
    data = resources.files("urja").joinpath("data/poseidon_bn254_x5.bin").read_bytes()
    out, at = {}, 0
    while at < len(data):
        t, f, p = data[at], data[at + 1], data[at + 2]
        n = 3 + ((f + p) * t + t * t) * 32
        out[t] = data[at : at + n]
        at += n
    return out


@cache
def _poseidon_params() -> dict[int, tuple[int, int, list[int], list[list[int]]]]:
    out = {}
    for t, sec in poseidon_sections().items():
        f, p = sec[1], sec[2]
        words = [
            int.from_bytes(sec[3 + 32 * i : 3 + 32 * (i + 1)], "big")
            for i in range((f + p) * t + t * t)
        ]
        rc = words[: (f + p) * t]
        mds = [words[(f + p) * t + i * t : (f + p) * t + (i + 1) * t] for i in range(t)]
        out[t] = (f, p, rc, mds)
    return out


def poseidon(inputs: list[int]) -> int:
    """circomlib Poseidon over BN254 Fr of 1 to 16 inputs, in plain Python."""
    if not 1 <= len(inputs) <= 16:
        raise AuditError(f"Poseidon takes 1 to 16 inputs, got {len(inputs)}")
    if any(not 0 <= x < R for x in inputs):
        raise AuditError("Poseidon inputs must be field elements (0 <= x < r)")
    t = len(inputs) + 1
    f, p, rc, mds = _poseidon_params()[t]
    state = [0, *inputs]
    for r in range(f + p):
        state = [(s + rc[r * t + i]) % R for i, s in enumerate(state)]
        if r < f // 2 or r >= f // 2 + p:
            state = [pow(s, 5, R) for s in state]
        else:
            state[0] = pow(state[0], 5, R)
        state = [sum(m * s for m, s in zip(row, state, strict=True)) % R for row in mds]
    return state[0]


def delivery_public_input(
    commitment: bytes,
    energy_wh: int,
    slot: int,
    reading_limit: int,
    meter_key: bytes,
    *,
    domain: bytes,
) -> int:
    """`h = Poseidon(C, E, slot, max, K)` with `K = Poseidon(Poseidon(key_hi, key_lo), D)`,
    `D` the first 31 bytes of the market `domain` and `max` the per-reading limit
    (`metering.reading_limit_wh` of the meter's rate and the market's slot length;
    docs/formats.md)."""
    if len(meter_key) != 32 or len(commitment) != 32 or len(domain) != 32:
        raise AuditError("meter key, commitment and domain must be 32 bytes each")
    inner = poseidon([int.from_bytes(meter_key[:16], "big"), int.from_bytes(meter_key[16:], "big")])
    k = poseidon([inner, int.from_bytes(domain[:31], "big")])
    c = int.from_bytes(commitment, "big")
    if c >= R:
        raise AuditError("commitment is not below the scalar field modulus")
    return poseidon([c, energy_wh, slot, reading_limit, k])


def _fq(data: bytes, what: str) -> int:
    x = int.from_bytes(data, "big")
    if x >= P:
        raise AuditError(f"{what}: coordinate not below the base field modulus")
    return x


def _g1(data: bytes, what: str):
    if len(data) != 64:
        raise AuditError(f"{what}: G1 point must be 64 bytes")
    if not any(data):
        return (FQ(1), FQ(1), FQ(0))
    pt = (FQ(_fq(data[:32], what)), FQ(_fq(data[32:], what)), FQ(1))
    if not is_on_curve(pt, b):
        raise AuditError(f"{what}: G1 point not on the curve")
    return pt


def _g2(data: bytes, what: str):
    if len(data) != 128:
        raise AuditError(f"{what}: G2 point must be 128 bytes")
    if not any(data):
        return (FQ2.one(), FQ2.one(), FQ2.zero())
    c = [_fq(data[32 * k : 32 * (k + 1)], what) for k in range(4)]
    pt = (FQ2([c[1], c[0]]), FQ2([c[3], c[2]]), FQ2.one())
    if not is_on_curve(pt, b2) or not is_inf(multiply(pt, R)):
        raise AuditError(f"{what}: G2 point not on the curve or not in the subgroup")
    return pt


@dataclass(frozen=True)
class VerifyingKey:
    """A Groth16 verifying key as py_ecc points."""

    alpha: tuple
    beta: tuple
    gamma: tuple
    delta: tuple
    ic: list


def parse_vk(data: bytes) -> VerifyingKey:
    """Parses the contract encoding: alpha, beta, gamma, delta, IC_0..IC_n."""
    if len(data) < 448 + 64 or (len(data) - 448) % 64:
        raise AuditError(f"verifying key has a bad length: {len(data)} bytes")
    return VerifyingKey(
        alpha=_g1(data[:64], "alpha"),
        beta=_g2(data[64:192], "beta"),
        gamma=_g2(data[192:320], "gamma"),
        delta=_g2(data[320:448], "delta"),
        ic=[_g1(data[i : i + 64], f"IC[{(i - 448) // 64}]") for i in range(448, len(data), 64)],
    )


def verify_groth16(vk: VerifyingKey | bytes, proof: bytes, public_inputs: list[int]) -> bool:
    """Checks `e(-A, B) e(alpha, beta) e(vk_x, gamma) e(C, delta) = 1` with py_ecc. A proof
    whose points do not parse, or inputs outside the field, are simply invalid (False)."""
    if isinstance(vk, bytes | bytearray):
        vk = parse_vk(bytes(vk))
    if len(public_inputs) + 1 != len(vk.ic):
        raise AuditError(f"expected {len(vk.ic) - 1} public inputs, got {len(public_inputs)}")
    if len(proof) != 256:
        return False
    try:
        a, b_pt, c = _g1(proof[:64], "A"), _g2(proof[64:192], "B"), _g1(proof[192:], "C")
    except AuditError:
        return False
    if any(not 0 <= x < R for x in public_inputs):
        return False
    vk_x = vk.ic[0]
    for x, point in zip(public_inputs, vk.ic[1:], strict=True):
        vk_x = add(vk_x, multiply(point, x))
    product = FQ12.one()
    for q, p in ((b_pt, neg(a)), (vk.beta, vk.alpha), (vk.gamma, vk_x), (vk.delta, c)):
        product *= pairing(q, p, final_exponentiate=False)
    return final_exponentiate(product) == FQ12.one()


def verify_signature(
    meter_key: bytes, slot: int, commitment: bytes, signature: bytes, *, domain: bytes
) -> bool:
    """The meter's ed25519 signature over the documented 120-byte delivery message
    `"URJA/delivery/v2" || domain || meter || slot (u64 BE) || C`."""
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    if len(domain) != 32 or len(meter_key) != 32 or len(commitment) != 32:
        raise AuditError("domain, meter key and commitment must be 32 bytes each")
    if not 0 <= slot < 2**64:
        raise AuditError(f"slot {slot} is not a u64")
    msg = b"URJA/delivery/v2" + domain + meter_key + slot.to_bytes(8, "big") + commitment
    try:
        VerifyKey(meter_key).verify(msg, signature)
        return True
    except (BadSignatureError, ValueError):
        return False


def verify_delivery(
    vk: bytes,
    proof: bytes,
    commitment: bytes,
    energy_wh: int,
    slot: int,
    reading_limit: int,
    meter_key: bytes,
    *,
    domain: bytes,
) -> bool:
    """Recomputes `h` from the public values and the market `domain` and verifies the proof
    against it."""
    h = delivery_public_input(commitment, energy_wh, slot, reading_limit, meter_key, domain=domain)
    return verify_groth16(vk, proof, [h])


def verify_snarkjs(vk_json: str, proof_json: str, public_json: str) -> bool:
    """Verifies snarkjs-format files (Groth16 on bn128) with py_ecc."""
    vk, proof, public = json.loads(vk_json), json.loads(proof_json), json.loads(public_json)
    if vk.get("protocol") != "groth16" or vk.get("curve") != "bn128":
        raise AuditError("verification key: expected protocol groth16 on curve bn128")

    def g1(v):
        if int(v[2]) == 0:
            return bytes(64)
        return int(v[0]).to_bytes(32, "big") + int(v[1]).to_bytes(32, "big")

    def g2(v):
        if int(v[2][0]) == 0 and int(v[2][1]) == 0:
            return bytes(128)
        (x0, x1), (y0, y1) = v[0], v[1]
        return b"".join(int(z).to_bytes(32, "big") for z in (x1, x0, y1, y0))

    try:
        vk_bytes = (
            g1(vk["vk_alpha_1"])
            + g2(vk["vk_beta_2"])
            + g2(vk["vk_gamma_2"])
            + g2(vk["vk_delta_2"])
            + b"".join(g1(p) for p in vk["IC"])
        )
        proof_bytes = g1(proof["pi_a"]) + g2(proof["pi_b"]) + g1(proof["pi_c"])
        inputs = [int(x) for x in public]
    except (KeyError, IndexError, TypeError, ValueError, OverflowError) as e:
        raise AuditError(f"malformed snarkjs JSON: {e}") from e
    return verify_groth16(vk_bytes, proof_bytes, inputs)

#!/usr/bin/env python3
"""Emits the C++ Poseidon table header from Urja's one Poseidon parameter file.

The circomlib round constants and MDS matrices live in exactly one place,
`orchestrator/urja/data/poseidon_bn254_x5.bin` (generated from circomlibjs, layout in
docs/formats.md). This script converts them to BN254 Fr elements in Montgomery form
(eight little-endian 32-bit limbs, R = 2^256) so the firmware keeps them in flash as
`const` data and never converts at run time.

It also emits the equivalent "optimised" form of the permutation (Poseidon paper,
appendix B, as circomlib's poseidon_opt): the constants of the partial rounds are folded so
only one scalar is added per partial round, and each partial round's MDS matrix is
factored M = A_i B_i with A_i sparse (first row and column plus the identity) and B_i
moved into the previous round, so a partial round costs 2t-1 multiplications instead of t^2.
The script checks that the optimised form hashes exactly like the plain one before writing.

Usage: gen_poseidon_constants.py [--check] [BIN] [OUT]
With --check it exits 1 if OUT differs from what it would write (a ctest runs this).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIN = ROOT / "orchestrator/urja/data/poseidon_bn254_x5.bin"
DEFAULT_OUT = ROOT / "firmware/components/urja_core/src/poseidon_constants.inc"
R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
MONT = 1 << 256


def parse(data: bytes) -> list[tuple[int, int, int, list[int], list[int]]]:
    """Returns (t, full, partial, round_constants, mds_row_major) for every width."""
    out, at = [], 0
    while at < len(data):
        if at + 3 > len(data):
            raise ValueError(f"truncated width header at byte {at}")
        t, f, p = data[at], data[at + 1], data[at + 2]
        at += 3
        n = (f + p) * t + t * t
        if at + 32 * n > len(data):
            raise ValueError(f"truncated tables for t={t} at byte {at}")
        words = [int.from_bytes(data[at + 32 * i : at + 32 * (i + 1)], "big") for i in range(n)]
        if any(w >= R for w in words):
            raise ValueError(f"t={t}: a constant is not below r")
        at += 32 * n
        out.append((t, f, p, words[: (f + p) * t], words[(f + p) * t :]))
    return out


def inv(a: int) -> int:
    return pow(a, R - 2, R)


def mat_mul(a, b):
    n, m, k = len(a), len(b[0]), len(b)
    return [[sum(a[i][x] * b[x][j] for x in range(k)) % R for j in range(m)] for i in range(n)]


def mat_vec(a, v):
    return [sum(x * y for x, y in zip(row, v, strict=True)) % R for row in a]


def mat_inv(a):
    n = len(a)
    m = [row[:] + [int(i == j) for j in range(n)] for i, row in enumerate(a)]
    for col in range(n):
        piv = next(r for r in range(col, n) if m[r][col])
        m[col], m[piv] = m[piv], m[col]
        f = inv(m[col][col])
        m[col] = [x * f % R for x in m[col]]
        for r in range(n):
            if r != col and m[r][col]:
                g = m[r][col]
                m[r] = [(x - g * y) % R for x, y in zip(m[r], m[col], strict=True)]
    return [row[n:] for row in m]


def optimise(t, f, p, rc, mds):
    """Returns (full_rc, partial_c, pre_matrix, sparse) of the equivalent permutation."""
    m = [mds[i * t : (i + 1) * t] for i in range(t)]
    rounds = [rc[r * t : (r + 1) * t] for r in range(f + p)]
    half = f // 2
    # 1. Fold partial-round constants: only element 0 meets the S-box; the rest passes
    #    linearly and is carried through M into the next round.
    partial_c, carry = [], [0] * t
    for i in range(p):
        c = [(x + y) % R for x, y in zip(rounds[half + i], carry, strict=True)]
        partial_c.append(c[0])
        carry = mat_vec(m, [0] + c[1:])
    full = [r[:] for r in rounds[:half]] + [r[:] for r in rounds[half + p :]]
    full[half] = [(x + y) % R for x, y in zip(full[half], carry, strict=True)]
    # 2. Sparse factorisation, from the last partial round backwards: cur = A_i B_i with
    #    B_i = diag(1, cur[1:,1:]); B_i moves into the previous round (cur_{i-1} = B_i M).
    sparse = [None] * p
    cur = m
    for i in reversed(range(p)):
        hat = [row[1:] for row in cur[1:]]
        hat_inv_t = [list(col) for col in zip(*mat_inv(hat), strict=True)]
        v = mat_vec(hat_inv_t, cur[0][1:])  # the row vector cur[0,1:] times hat^-1
        w = [cur[j][0] for j in range(1, t)]
        sparse[i] = [cur[0][0]] + v + w
        b = [[1] + [0] * (t - 1)] + [[0] + hat[j] for j in range(t - 1)]
        cur = mat_mul(b, m)
    return full, partial_c, cur, sparse


def permute_plain(t, f, p, rc, mds, state):
    m = [mds[i * t : (i + 1) * t] for i in range(t)]
    for r in range(f + p):
        state = [(s + rc[r * t + i]) % R for i, s in enumerate(state)]
        if r < f // 2 or r >= f // 2 + p:
            state = [pow(s, 5, R) for s in state]
        else:
            state[0] = pow(state[0], 5, R)
        state = mat_vec(m, state)
    return state[0]


def permute_opt(t, f, p, mds, opt, state):
    full, pc, pre, sparse = opt
    m = [mds[i * t : (i + 1) * t] for i in range(t)]
    half = f // 2
    for r in range(half):
        state = [pow((s + c) % R, 5, R) for s, c in zip(state, full[r], strict=True)]
        state = mat_vec(pre if r == half - 1 else m, state)
    for i in range(p):
        x0 = pow((state[0] + pc[i]) % R, 5, R)
        sp = sparse[i]
        new0 = (sp[0] * x0 + sum(a * b for a, b in zip(sp[1:t], state[1:], strict=True))) % R
        state = [new0] + [(s + wj * x0) % R for s, wj in zip(state[1:], sp[t:], strict=True)]
    for r in range(half, f):
        state = [pow((s + c) % R, 5, R) for s, c in zip(state, full[r], strict=True)]
        state = mat_vec(m, state)
    return state[0]


def limbs(x: int) -> str:
    m = x * MONT % R
    return "{" + ",".join(f"0x{(m >> (32 * i)) & 0xFFFFFFFF:08x}u" for i in range(8)) + "}"


def render(widths) -> str:
    lines = [
        "// GENERATED by firmware/tools/gen_poseidon_constants.py from",
        "// orchestrator/urja/data/poseidon_bn254_x5.bin (circomlibjs 0.1.7). Do not edit.",
        "// Montgomery form, 8 little-endian 32-bit limbs per element.",
        "// Included once by poseidon.cpp inside namespace urja::detail. With",
        "// URJA_POSEIDON_DEVICE defined (the ESP32 build) only width 17 -- the commitment's --",
        "// is kept, to save about 700 KiB of flash.",
        "",
    ]

    def table(name, values):
        lines.append(f"static const Fr::Limbs {name}[{len(values)}] = {{")
        lines.extend(f"  {limbs(x)}," for x in values)
        lines.append("};")

    for t, f, p, rc, mds in widths:
        full, pc, pre, sparse = optimise(t, f, p, rc, mds)
        for n in range(1, t):  # the optimised form must hash exactly like the plain one
            st = [0] + list(range(1, n + 1)) + [7] * (t - 1 - n)
            opt = permute_opt(t, f, p, mds, (full, pc, pre, sparse), st)
            if permute_plain(t, f, p, rc, mds, st) != opt:
                raise AssertionError(f"optimised Poseidon differs from plain for t={t}")
        lines.append("#if !defined(URJA_POSEIDON_DEVICE)" if t != 17 else "// width 17: always")
        table(f"kFullRc{t}", [x for r in full for x in r])
        table(f"kPartialRc{t}", pc)
        table(f"kMds{t}", mds)
        table(f"kPreSparse{t}", [x for row in pre for x in row])
        table(f"kSparse{t}", [x for row in sparse for x in row])
        if t != 17:
            lines.append("#endif")
    lines.append(f"static const PoseidonParams kParams[{len(widths)}] = {{")
    for t, f, p, _, _ in widths:
        entry = f"{{{t}, {f}, {p}, kFullRc{t}, kPartialRc{t}, kMds{t}, kPreSparse{t}, kSparse{t}}},"
        if t == 17:
            lines.append(f"  {entry}")
        else:
            absent = f"  {{{t}, {f}, {p}, nullptr, nullptr, nullptr, nullptr, nullptr}},"
            lines += ["#if !defined(URJA_POSEIDON_DEVICE)", f"  {entry}", "#else", absent, "#endif"]
    lines.append("};")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    src = Path(args[0]) if args else DEFAULT_BIN
    dst = Path(args[1]) if len(args) > 1 else DEFAULT_OUT
    widths = parse(src.read_bytes())
    if [w[0] for w in widths] != list(range(2, 18)):
        raise ValueError(f"expected widths 2..17, got {[w[0] for w in widths]}")
    text = render(widths)
    if check:
        if not dst.exists() or dst.read_text() != text:
            print(f"{dst} is stale: rerun {Path(__file__).name}", file=sys.stderr)
            return 1
        print(f"{dst.name} matches {src.name}")
        return 0
    dst.write_text(text)
    print(f"wrote {dst} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

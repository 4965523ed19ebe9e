"""Multi-party trusted setup of the delivery circuit: a Groth16 ceremony run with snarkjs.

A Groth16 key is safe when at least one contributor of the ceremony was honest (kept no
copy of its randomness): that is the 1-of-N assumption (docs/zk.md). The ceremony has two
phases, both in the formats of the circom/snarkjs ecosystem so that anyone can check it
with `snarkjs`, a tool nobody in this project wrote:

1. *Powers of tau* (`.ptau`), sized to the circuit: `powersoftau new`, then any number of
   `powersoftau contribute`, closed by `powersoftau beacon` with a public random value
   announced in advance (the hash of a named Stellar ledger) and `prepare phase2`.
2. *Circuit-specific* (`.zkey`) over the circuit's `.r1cs` (exported by the Rust code):
   `zkey new`, any number of `zkey contribute`, closed by `zkey beacon`.

Every contribution reads the previous file, adds randomness from the operating system fed
to snarkjs through a pipe (never a file, never the command line) and writes the next file;
snarkjs prints the contribution hash the member publishes. A record (`NNNN.json`) next to
each file names the contributor, the file's SHA-256, the file it builds on and the hash.

Directory layout::

    ceremony.json            circuit, phase-1 size and the announced beacons (written once)
    circuit.r1cs             the delivery circuit (circom's binary format)
    phase1/0000.ptau ...     phase-1 files and their records (0000 = powersoftau new)
    phase1/beacon.ptau       after the beacon; phase1/final.ptau prepared for phase 2
    phase2/0000.zkey ...     phase-2 files and their records (0000 = zkey new)
    phase2/final.zkey        after the beacon: the ceremony's proving key
    verification_key.json    snarkjs export of the final key (finalize)
    vk.bin                   the same key in the verifier contract's encoding (finalize)
    transcript.json          every record and final hash; its SHA-256 is the transcript hash

Errors name the file and the step (`CeremonyError`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import _native, zk

REPO = Path(__file__).resolve().parents[2]
FORMAT = "urja-ceremony/1"
BEACON_ITERATIONS_EXP = 10
"""The beacon value is hashed 2^10 times (snarkjs's `numIterationsExp`)."""
OUT = object()
"""Placeholder for the output file in a snarkjs argument list (see `Ceremony._atomic`)."""
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$")

BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
BN254_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583

PTAU_SECTIONS = {1, 2, 3, 4, 5, 6, 7}
PTAU_PREPARED = PTAU_SECTIONS | {12, 13, 14, 15}
ZKEY_SECTIONS = set(range(1, 11))


class CeremonyError(RuntimeError):
    """A ceremony step cannot proceed; the message names the file and the step."""


@dataclass(frozen=True)
class Beacon:
    """A public random value announced before the phase it closes: the hash of ledger
    `ledger` of the Stellar network `network` (a passphrase or a well-known name)."""

    network: str
    ledger: int


@dataclass(frozen=True)
class StepResult:
    """What one step did: the file it wrote, the hash to publish, and what it cost."""

    step: str
    file: str
    contribution_hash: str
    seconds: float
    max_rss_mb: float


@dataclass(frozen=True)
class CeremonyKey:
    """The outcome of a finished ceremony, as governance installs it."""

    vk_bytes: bytes
    """Verifying key in the contract encoding (docs/formats.md)."""
    vk_sha256: str
    """SHA-256 of `vk_bytes`, hex."""
    transcript_hash: str
    """SHA-256 of `transcript.json`, hex."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fail(step: str, path: Path | str | None, msg: str) -> CeremonyError:
    where = f"{path}: " if path is not None else ""
    return CeremonyError(f"{step}: {where}{msg}")


# --------------------------------------------------------------------------------------
# snarkjs


def snarkjs_path() -> Path:
    """The snarkjs executable: $URJA_SNARKJS, tools/zk-js's npm install, or PATH."""
    env = os.environ.get("URJA_SNARKJS")
    if env:
        return Path(env)
    local = REPO / "tools" / "zk-js" / "node_modules" / ".bin" / "snarkjs"
    if local.exists():
        return local
    found = shutil.which("snarkjs")
    if found:
        return Path(found)
    raise CeremonyError(
        "snarkjs not found: run `npm ci --prefix tools/zk-js` (scripts/setup.sh does) "
        "or set URJA_SNARKJS"
    )


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class _Run:
    output: str
    seconds: float
    max_rss_mb: float


def _snarkjs(step: str, args: list[str], *, stdin: bytes | None = None, cwd: Path) -> _Run:
    """Runs snarkjs; `stdin` (entropy) goes through a pipe. Fails on a non-zero exit or an
    `[ERROR]` line (some snarkjs commands log an error and still exit 0)."""
    start = time.monotonic()
    proc = subprocess.Popen(
        [str(snarkjs_path()), *args],
        cwd=cwd,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    if stdin is not None:
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
    assert proc.stdout is not None
    out = _ANSI.sub("", proc.stdout.read().decode(errors="replace"))
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    run = _Run(out, time.monotonic() - start, usage.ru_maxrss / 1024)
    errors = [ln for ln in out.splitlines() if "[ERROR]" in ln]
    if proc.returncode != 0 or errors:
        detail = "\n".join(errors) or "\n".join(out.strip().splitlines()[-6:])
        raise _fail(step, None, f"snarkjs {' '.join(args[:2])} failed:\n{detail}")
    return run


_HASH_LINE = re.compile(r"^\s+((?:[0-9a-f]{8} ){3}[0-9a-f]{8})\s*$")


def _hash_after(lines: list[str], i: int) -> str:
    """The 64-byte hash snarkjs prints on the four lines after line `i`."""
    parts = []
    for ln in lines[i + 1 : i + 5]:
        m = _HASH_LINE.match(ln)
        if not m:
            raise CeremonyError(f"unexpected snarkjs output near {lines[i]!r}")
        parts.append(m.group(1).replace(" ", ""))
    return "".join(parts)


def _printed_hash(out: str, title: str) -> str:
    lines = out.splitlines()
    for i, ln in enumerate(lines):
        if title in ln:
            return _hash_after(lines, i)
    raise CeremonyError(f"snarkjs did not print {title!r}")


# --------------------------------------------------------------------------------------
# file structure (snarkjs binary files: magic, version, sections)


@dataclass(frozen=True)
class _BinFile:
    path: Path
    data: bytes
    sections: dict[int, bytes]


def _read_bin(step: str, path: Path, magic: bytes, rel: str) -> _BinFile:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _fail(step, rel, "missing") from None
    kind = magic.decode()
    if len(data) < 12 or data[:4] != magic:
        raise _fail(step, rel, f"not a snarkjs .{kind} file (bad magic)")
    (n,) = struct.unpack_from("<I", data, 8)
    pos, sections = 12, {}
    for i in range(n):
        if pos + 12 > len(data):
            raise _fail(
                step,
                rel,
                f"truncated: the file ends at byte {len(data)} inside the header of section "
                f"{i + 1} of {n}",
            )
        ty, size = struct.unpack_from("<IQ", data, pos)
        if pos + 12 + size > len(data):
            raise _fail(
                step,
                rel,
                f"truncated: section {ty} announces {size} bytes at byte {pos + 12}, "
                f"the file has {len(data)}",
            )
        if ty in sections:
            raise _fail(step, rel, f"section {ty} appears twice")
        sections[ty] = data[pos + 12 : pos + 12 + size]
        pos += 12 + size
    if pos != len(data):
        raise _fail(step, rel, f"{len(data) - pos} unexpected bytes after the last section")
    return _BinFile(path, data, sections)


def _u32(b: bytes, at: int) -> int:
    return struct.unpack_from("<I", b, at)[0]


def ptau_power(step: str, path: Path, rel: str) -> tuple[int, bool]:
    """`(power, prepared)` of a `.ptau` file, checking its structure."""
    f = _read_bin(step, path, b"ptau", rel)
    if not PTAU_SECTIONS <= f.sections.keys():
        raise _fail(step, rel, f"not a powers-of-tau file (sections {sorted(f.sections)})")
    h = f.sections[1]
    n8 = _u32(h, 0)
    if int.from_bytes(h[4 : 4 + n8], "little") != BN254_Q:
        raise _fail(step, rel, "powers of tau for another curve than BN254 (bn128)")
    return _u32(h, 4 + n8), PTAU_PREPARED <= f.sections.keys()


@dataclass(frozen=True)
class R1csHeader:
    """The sizes in a `.r1cs` header that a `.zkey` must agree with."""

    wires: int
    public: int
    constraints: int

    @property
    def power(self) -> int:
        """The smallest phase-1 size snarkjs accepts: 2^power >= constraints + public + 1."""
        return max(1, (self.constraints + self.public + 1 - 1).bit_length())


def r1cs_header(step: str, path: Path, rel: str) -> R1csHeader:
    """Reads and checks the header of a circom `.r1cs` file."""
    f = _read_bin(step, path, b"r1cs", rel)
    if 1 not in f.sections:
        raise _fail(step, rel, "no header section")
    h = f.sections[1]
    n8 = _u32(h, 0)
    if int.from_bytes(h[4 : 4 + n8], "little") != BN254_R:
        raise _fail(step, rel, "circuit over another field than BN254's scalar field")
    p = 4 + n8
    wires, outs, ins = _u32(h, p), _u32(h, p + 4), _u32(h, p + 8)
    return R1csHeader(wires=wires, public=outs + ins, constraints=_u32(h, p + 24))


def _zkey_check(step: str, path: Path, rel: str, circuit: R1csHeader) -> _BinFile:
    f = _read_bin(step, path, b"zkey", rel)
    if not ZKEY_SECTIONS <= f.sections.keys() or _u32(f.sections[1], 0) != 1:
        raise _fail(step, rel, "not a Groth16 .zkey")
    h = f.sections[2]
    n8q = _u32(h, 0)
    n8r = _u32(h, 4 + n8q)
    p = 8 + n8q + n8r
    wires, public, domain = _u32(h, p), _u32(h, p + 4), _u32(h, p + 8)
    if (wires, public, domain) != (circuit.wires, circuit.public, 1 << circuit.power):
        raise _fail(
            step,
            rel,
            f"a key for another circuit ({wires} wires, {public} public inputs, domain "
            f"{domain}); the delivery circuit has {circuit.wires} wires, {circuit.public} "
            f"public input, domain {1 << circuit.power}",
        )
    return f


def _contributions(f: _BinFile) -> tuple[bytes, int, bytes]:
    """`(fixed prefix, count, records)` of a file's contributions section."""
    if f.data[:4] == b"ptau":
        sec = f.sections[7]
        return b"", _u32(sec, 0), sec[4:]
    sec = f.sections[10]
    return sec[:64], _u32(sec, 64), sec[68:]


def _builds_on(new: _BinFile, old: _BinFile) -> bool:
    """True when `new` carries exactly `old`'s contributions and one more (snarkjs appends
    one record per contribution and rewrites the earlier ones unchanged)."""
    p1, n1, r1 = _contributions(old)
    p2, n2, r2 = _contributions(new)
    return p1 == p2 and n2 == n1 + 1 and r2[: len(r1)] == r1


# --------------------------------------------------------------------------------------
# the ceremony directory


def _write_json(path: Path, obj: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(obj, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, path)


def _read_json(step: str, path: Path, rel: str) -> dict:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise _fail(step, rel, "missing") from None
    except json.JSONDecodeError as e:
        raise _fail(step, rel, f"not JSON: {e}") from None


class Ceremony:
    """A ceremony directory (see the module documentation)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    # paths -----------------------------------------------------------------------------
    def rel(self, path: Path) -> str:
        """`path` relative to the ceremony directory (as errors and records name files)."""
        return path.relative_to(self.root).as_posix()

    @property
    def r1cs(self) -> Path:
        """The circuit file."""
        return self.root / "circuit.r1cs"

    def _file(self, phase: int, name: str) -> Path:
        ext = "ptau" if phase == 1 else "zkey"
        return self.root / f"phase{phase}" / f"{name}.{ext}"

    def _record(self, phase: int, name: str) -> Path:
        return self.root / f"phase{phase}" / f"{name}.json"

    def config(self, step: str) -> dict:
        """ceremony.json: the circuit and the announced beacons."""
        return _read_json(step, self.root / "ceremony.json", "ceremony.json")

    def circuit(self, step: str) -> R1csHeader:
        """The header of circuit.r1cs."""
        return r1cs_header(step, self.r1cs, "circuit.r1cs")

    def contributions(self, phase: int) -> list[str]:
        """Names (`0000`, `0001`, ...) of the numbered files of `phase`, in order."""
        ext = "ptau" if phase == 1 else "zkey"
        d = self.root / f"phase{phase}"
        if not d.is_dir():
            return []
        return sorted(p.stem for p in d.glob(f"[0-9][0-9][0-9][0-9].{ext}"))

    def state(self) -> str:
        """`phase1`, `closing1` (phase-1 beacon begun, phase 2 not yet opened: run the beacon
        step again to finish), `phase2`, `closed` (both beacons applied) or `finalized`."""
        if (self.root / "transcript.json").exists():
            return "finalized"
        if self._record(2, "final").exists():
            return "closed"
        if self._record(2, "0000").exists():
            return "phase2"
        if self._record(1, "beacon").exists() or self._record(1, "final").exists():
            return "closing1"
        return "phase1"

    def imported_phase1(self) -> bool:
        """True when phase 1 was not run here but imported (`init --phase1-ptau`)."""
        rec = self._record(1, "final")
        return rec.exists() and json.loads(rec.read_text()).get("step") == "import"

    # checks ------------------------------------------------------------------------------
    def _check_chain(self, step: str, phase: int) -> list[dict]:
        """Checks every numbered file of `phase` against its record and its predecessor;
        returns the records in order."""
        circuit = self.circuit(step) if phase == 2 else None
        names = self.contributions(phase)
        if not names:
            raise _fail(step, f"phase{phase}", "no files: run `urja zk ceremony init`")
        records, prev = [], None
        for k, name in enumerate(names):
            path, rec_path = self._file(phase, name), self._record(phase, name)
            rel = self.rel(path)
            if name != f"{k:04d}":
                raise _fail(
                    step,
                    rel,
                    f"contribution {k} is missing before it (files must be "
                    f"numbered 0000, 0001, ... without gaps)",
                )
            rec = _read_json(step, rec_path, self.rel(rec_path))
            if rec.get("file") != rel or rec.get("index") != k:
                raise _fail(
                    step,
                    self.rel(rec_path),
                    f"records {rec.get('file')} (contribution {rec.get('index')}), not {rel}: "
                    "records out of order",
                )
            f = (
                _zkey_check(step, path, rel, circuit)
                if circuit
                else _read_bin(step, path, b"ptau", rel)
            )
            if hashlib.sha256(f.data).hexdigest() != rec.get("sha256"):
                raise _fail(
                    step,
                    rel,
                    f"SHA-256 differs from its record {self.rel(rec_path)}: the file was "
                    "altered or replaced after it was recorded",
                )
            if prev is not None:
                prev_rel = self.rel(prev.path)
                if (
                    not _builds_on(f, prev)
                    or rec.get("prev_sha256") != hashlib.sha256(prev.data).hexdigest()
                ):
                    raise _fail(
                        step,
                        rel,
                        f"contribution {k} ({rec.get('name')}) does not build on {prev_rel}, "
                        "the contribution before it: contributions must be made in order, "
                        f"each on the latest file, so {rec.get('name')} must contribute again",
                    )
            records.append(rec)
            prev = f
        return records

    def _latest(self, step: str, phase: int) -> tuple[Path, dict]:
        records = self._check_chain(step, phase)
        last = records[-1]
        return self.root / last["file"], last

    # steps -------------------------------------------------------------------------------
    def init(
        self,
        phase1_beacon: Beacon | None,
        phase2_beacon: Beacon,
        *,
        power: int | None = None,
        phase1_ptau: Path | None = None,
        say: Callable[[str], None] = print,
    ) -> list[StepResult]:
        """Starts a ceremony: writes circuit.r1cs and ceremony.json (announcing the beacons)
        and either phase1/0000.ptau (`powersoftau new`, 2^power points; by default the
        smallest size the circuit fits) or, with `phase1_ptau`, imports a finished and
        prepared phase 1 (for instance a public powers-of-tau ceremony) and opens phase 2."""
        step = "init"
        if (self.root / "ceremony.json").exists():
            raise _fail(step, "ceremony.json", "a ceremony already exists in this directory")
        if phase1_ptau is None and phase1_beacon is None:
            raise _fail(step, None, "announce a phase-1 beacon (or import a phase 1)")
        if phase1_beacon and phase1_beacon.ledger >= phase2_beacon.ledger:
            raise _fail(step, None, "the phase-2 beacon ledger must come after phase 1's")
        r1cs, need = _native.circuit_r1cs()
        if phase1_ptau is not None:
            src = Path(phase1_ptau)
            have, prepared = ptau_power(step, src, str(src))
            if have < need:
                raise _fail(
                    step,
                    src,
                    f"powers of tau of size 2^{have} are too small for the delivery circuit, "
                    f"which needs 2^{need}",
                )
            if not prepared:
                raise _fail(
                    step, src, "not prepared for phase 2 (snarkjs powersoftau prepare phase2)"
                )
            power = have
        power = need if power is None else power
        if power < need:
            raise _fail(
                step,
                None,
                f"powers of tau of size 2^{power} are too small for the delivery circuit, "
                f"which needs 2^{need}",
            )
        if power > 28:
            raise _fail(step, None, f"2^{power} is beyond BN254's largest FFT domain (2^28)")
        (self.root / "phase1").mkdir(parents=True, exist_ok=True)
        (self.root / "phase2").mkdir(exist_ok=True)
        self.r1cs.write_bytes(r1cs)
        circuit = self.circuit(step)
        beacons = {
            "phase2": {"network": phase2_beacon.network, "ledger": phase2_beacon.ledger},
            "rule": "the beacon value is the hash (hex) of the announced ledger, "
            f"iterated 2^{BEACON_ITERATIONS_EXP} times with SHA-256 by snarkjs",
        }
        if phase1_beacon is not None and phase1_ptau is None:
            beacons["phase1"] = {"network": phase1_beacon.network, "ledger": phase1_beacon.ledger}
        _write_json(
            self.root / "ceremony.json",
            {
                "format": FORMAT,
                "circuit": {
                    "name": "urja delivery",
                    "file": "circuit.r1cs",
                    "sha256": _sha256(self.r1cs),
                    "constraints": circuit.constraints,
                    "wires": circuit.wires,
                    "public_inputs": circuit.public,
                },
                "phase1_power": power,
                "phase1_imported": phase1_ptau is not None,
                "beacons": beacons,
            },
        )
        results = []
        if phase1_ptau is None:
            out = self._file(1, "0000")
            run = self._atomic(step, out, ["powersoftau", "new", "bn128", str(power)])
            _write_json(
                self._record(1, "0000"),
                {"step": "new", "index": 0, "file": self.rel(out), "sha256": _sha256(out)},
            )
            results.append(StepResult(step, self.rel(out), "", run.seconds, run.max_rss_mb))
            say(
                f"ceremony started in {self.root}: delivery circuit with {circuit.constraints} "
                f"constraints, phase 1 of size 2^{power}; beacons: ledger "
                f"{phase1_beacon.ledger} then {phase2_beacon.ledger} of {phase2_beacon.network}"
            )
        else:
            final = self._file(1, "final")
            tmp = final.with_name(".final.ptau.partial")
            shutil.copyfile(phase1_ptau, tmp)
            os.replace(tmp, final)
            _write_json(
                self._record(1, "final"),
                {
                    "step": "import",
                    "file": self.rel(final),
                    "sha256": _sha256(final),
                    "source": Path(phase1_ptau).name,
                },
            )
            say(
                f"ceremony started in {self.root}: delivery circuit with {circuit.constraints} "
                f"constraints, phase 1 imported from {Path(phase1_ptau).name} (2^{power}); "
                f"beacon: ledger {phase2_beacon.ledger} of {phase2_beacon.network}"
            )
            results.append(self._zkey_new(final, say))
        return results

    def _atomic(self, step: str, out: Path, args: list, *, stdin: bytes | None = None) -> _Run:
        """Runs snarkjs writing `out` (the argument `OUT`, last when absent) through a
        temporary name, so a failed or interrupted step never leaves a partial file under the
        real name."""
        tmp = out.with_name(f".{out.name}.partial")
        tmp.unlink(missing_ok=True)
        if OUT not in args:
            args = [*args, OUT]
        args = [self.rel(tmp) if a is OUT else a for a in args]
        try:
            run = _snarkjs(step, args, stdin=stdin, cwd=self.root)
            if not tmp.exists():
                raise _fail(step, self.rel(out), "snarkjs wrote no file")
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
        return run

    def contribute(self, name: str, *, say: Callable[[str], None] = print) -> StepResult:
        """Adds a contribution to the open phase: reads the latest file (after checking the
        chain up to it), feeds 64 bytes of OS randomness to snarkjs through a pipe, writes the
        next numbered file and its record, and returns the contribution hash to publish."""
        state = self.state()
        phase = {"phase1": 1, "phase2": 2}.get(state)
        if state == "closing1":
            raise _fail(
                "contribute",
                None,
                "phase 1 is closed and phase 2 not yet opened: run `urja zk ceremony beacon` "
                "again to finish closing phase 1",
            )
        if phase is None:
            raise _fail("contribute", None, f"the ceremony is {state}: no phase is open")
        step = f"contribute (phase {phase})"
        if not NAME_RE.match(name) or name.lower() == "beacon":
            raise _fail(
                step,
                None,
                f"name {name!r}: use 1-64 letters, digits, spaces or ._@- (and not 'beacon')",
            )
        self.config(step)
        prev, prev_rec = self._latest(step, phase)
        k = prev_rec["index"] + 1
        out = self._file(phase, f"{k:04d}")
        cmd = "powersoftau" if phase == 1 else "zkey"
        run = self._atomic(
            step,
            out,
            [cmd, "contribute", self.rel(prev), f"--name={name}"],
            stdin=os.urandom(64).hex().encode() + b"\n",
        )
        title = "Contribution Response Hash imported" if phase == 1 else "Contribution Hash"
        h = _printed_hash(run.output, title)
        _write_json(
            self._record(phase, f"{k:04d}"),
            {
                "step": "contribute",
                "index": k,
                "name": name,
                "file": self.rel(out),
                "sha256": _sha256(out),
                "prev": self.rel(prev),
                "prev_sha256": _sha256(prev),
                "contribution_hash": h,
            },
        )
        say(f"{name}: contribution {k} of phase {phase} written to {self.rel(out)}")
        say(f"contribution hash (publish it, then check it is in the final key):\n{h}")
        return StepResult(step, self.rel(out), h, run.seconds, run.max_rss_mb)

    def beacon(
        self,
        value_hex: str | None = None,
        *,
        rpc_url: str | None = None,
        say: Callable[[str], None] = print,
    ) -> list[StepResult]:
        """Closes the open phase with the announced beacon: the hash of the announced ledger,
        given as `value_hex` (64 hex digits) or fetched from a Stellar RPC at `rpc_url`.
        Phase 1: `powersoftau beacon`, `prepare phase2` and `zkey new` (phase 2's first
        file); run again after an interruption, it resumes. Phase 2: `zkey beacon` into
        phase2/final.zkey."""
        state = self.state()
        phase = {"phase1": 1, "closing1": 1, "phase2": 2}.get(state)
        if phase is None:
            raise _fail("beacon", None, f"the ceremony is {state}: no phase is open")
        step = f"beacon (phase {phase})"
        cfg = self.config(step)
        if phase == 1 and self.imported_phase1():
            # An imported phase 1 has no beacon here; only opening phase 2 can be left.
            return [self._zkey_new(self._file(1, "final"), say)]
        announced = cfg["beacons"][f"phase{phase}"]
        if value_hex is None:
            if rpc_url is None:
                raise _fail(step, None, "give the ledger hash or an RPC URL to fetch it")
            value_hex = ledger_hash(rpc_url, announced["ledger"], step=step)
        value = value_hex.lower().removeprefix("0x")
        if not re.fullmatch(r"[0-9a-f]{64}", value):
            raise _fail(step, None, f"beacon value {value_hex!r}: expected 64 hex digits")
        results = []
        if phase == 1:
            out = self._file(1, "beacon")
            rec = self._record(1, "beacon")
            if rec.exists():
                if _read_json(step, rec, self.rel(rec)).get("value") != value:
                    raise _fail(step, self.rel(rec), "was made with another beacon value")
            else:
                prev, _ = self._latest(step, 1)
                run = self._atomic(step, out, self._beacon_args("powersoftau", prev, value))
                self._beacon_record(1, "beacon", out, prev, value, announced)
                results.append(StepResult(step, self.rel(out), "", run.seconds, run.max_rss_mb))
            final = self._file(1, "final")
            if not self._record(1, "final").exists():
                run = self._atomic(
                    "prepare phase 2",
                    final,
                    ["powersoftau", "prepare", "phase2", self.rel(out)],
                )
                _write_json(
                    self._record(1, "final"),
                    {
                        "step": "prepare phase2",
                        "file": self.rel(final),
                        "sha256": _sha256(final),
                        "prev": self.rel(out),
                        "prev_sha256": _sha256(out),
                    },
                )
                results.append(
                    StepResult("prepare phase 2", self.rel(final), "", run.seconds, run.max_rss_mb)
                )
            results.append(self._zkey_new(final, say))
        else:
            prev, _ = self._latest(step, 2)
            out = self._file(2, "final")
            run = self._atomic(step, out, self._beacon_args("zkey", prev, value))
            self._beacon_record(2, "final", out, prev, value, announced)
            results.append(StepResult(step, self.rel(out), "", run.seconds, run.max_rss_mb))
        say(
            f"phase {phase} closed with the hash of ledger {announced['ledger']} of "
            f"{announced['network']}: {value}"
        )
        return results

    def _beacon_args(self, cmd: str, prev: Path, value: str) -> list:
        # snarkjs: <cmd> beacon <old> <new> <beaconHash(hex)> <numIterationsExp>
        return [cmd, "beacon", self.rel(prev), OUT, value, str(BEACON_ITERATIONS_EXP), "-n=beacon"]

    def _beacon_record(
        self, phase: int, name: str, out: Path, prev: Path, value: str, announced: dict
    ) -> None:
        _write_json(
            self._record(phase, name),
            {
                "step": "beacon",
                "file": self.rel(out),
                "sha256": _sha256(out),
                "prev": self.rel(prev),
                "prev_sha256": _sha256(prev),
                "network": announced["network"],
                "ledger": announced["ledger"],
                "value": value,
                "iterations_exp": BEACON_ITERATIONS_EXP,
            },
        )

    def _zkey_new(self, ptau: Path, say: Callable[[str], None]) -> StepResult:
        step = "zkey new"
        circuit = self.circuit(step)
        power, prepared = ptau_power(step, ptau, self.rel(ptau))
        if power < circuit.power:
            raise _fail(
                step,
                self.rel(ptau),
                f"powers of tau of size 2^{power} are too small for circuit.r1cs "
                f"({circuit.constraints} constraints and {circuit.public + 1} public rows "
                f"need 2^{circuit.power})",
            )
        if not prepared:
            raise _fail(step, self.rel(ptau), "not prepared for phase 2 (prepare phase2)")
        out = self._file(2, "0000")
        run = self._atomic(step, out, ["zkey", "new", "circuit.r1cs", self.rel(ptau)])
        _zkey_check(step, out, self.rel(out), circuit)
        _write_json(
            self._record(2, "0000"),
            {
                "step": "new",
                "index": 0,
                "file": self.rel(out),
                "sha256": _sha256(out),
                "ptau": self.rel(ptau),
                "ptau_sha256": _sha256(ptau),
                "circuit_hash": _printed_hash(run.output, "Circuit hash"),
            },
        )
        say(f"phase 2 opened: {self.rel(out)}")
        return StepResult(step, self.rel(out), "", run.seconds, run.max_rss_mb)

    def verify(
        self, *, rpc_url: str | None = None, say: Callable[[str], None] = print
    ) -> list[StepResult]:
        """Checks the whole ceremony so far: circuit.r1cs is the delivery circuit this code
        proves, every file matches its record and builds on the one before, the beacons are
        the announced ones (with `rpc_url`, their values are those ledgers' hashes), and
        snarkjs verifies the latest files (`powersoftau verify`, `zkey verify circuit.r1cs
        final.ptau <latest>.zkey`), listing exactly the recorded contribution hashes."""
        step = "verify"
        cfg = self.config(step)
        r1cs, _ = _native.circuit_r1cs()
        if self.r1cs.read_bytes() != r1cs or cfg["circuit"]["sha256"] != _sha256(self.r1cs):
            raise _fail(
                step,
                "circuit.r1cs",
                "not the delivery circuit this code proves (or not the one ceremony.json names)",
            )
        # Every file against its record and its predecessor first (cheap), then snarkjs.
        if self.imported_phase1():
            last1 = self._file(1, "final")
            rec = _read_json(step, self._record(1, "final"), "phase1/final.json")
            self._check_step(step, last1, rec, None, 1)
            records1, beacon1 = None, None
        else:
            records1 = self._check_chain(step, 1)
            last1 = self.root / records1[-1]["file"]
            beacon1 = None
            if self._record(1, "beacon").exists():
                beacon1 = self._check_beacon(step, 1, last1, cfg, rpc_url)
                last1 = self._file(1, "beacon")
            if self._record(1, "final").exists():
                final = self._file(1, "final")
                rec = _read_json(step, self._record(1, "final"), "phase1/final.json")
                self._check_step(step, final, rec, last1, 1)
                last1 = final
        records2, last2, beacon2 = None, None, None
        if self._record(2, "0000").exists():
            if last1 != self._file(1, "final"):
                raise _fail(step, "phase2/0000.zkey", "phase 2 began before phase 1 was prepared")
            power, prepared = ptau_power(step, last1, self.rel(last1))
            need = self.circuit(step).power
            if not prepared or power < need:
                raise _fail(
                    step,
                    self.rel(last1),
                    f"a powers of tau of size 2^{power} is too small for circuit.r1cs (needs "
                    f"2^{need}, prepared for phase 2)",
                )
            records2 = self._check_chain(step, 2)
            if records2[0].get("ptau_sha256") != _sha256(last1):
                raise _fail(step, records2[0]["file"], "was not made from phase1/final.ptau")
            last2 = self.root / records2[-1]["file"]
            if self._record(2, "final").exists():
                beacon2 = self._check_beacon(step, 2, last2, cfg, rpc_url)
                last2 = self._file(2, "final")

        results = []
        run = _snarkjs(step, ["powersoftau", "verify", self.rel(last1)], cwd=self.root)
        if records1 is not None:
            self._match_hashes(step, last1, run.output, records1, beacon1, phase=1)
        results.append(StepResult(step, self.rel(last1), "", run.seconds, run.max_rss_mb))
        if records1 is None:
            what = f"imported, {len(_listed_contributions(run.output, 1))} contributions"
        else:
            what = f"{len(records1) - 1} contributions{' and the beacon' if beacon1 else ''}"
        say(f"phase 1 ({self.rel(last1)}): {what}, powersoftau verify OK")
        if records2 is None:
            return results
        run = _snarkjs(
            step,
            ["zkey", "verify", "circuit.r1cs", self.rel(last1), self.rel(last2)],
            cwd=self.root,
        )
        self._match_hashes(step, last2, run.output, records2, beacon2, phase=2)
        results.append(StepResult(step, self.rel(last2), "", run.seconds, run.max_rss_mb))
        say(
            f"phase 2 ({self.rel(last2)}): {len(records2) - 1} contributions"
            f"{' and the beacon' if beacon2 else ''}, zkey verify OK"
        )
        return results

    def _check_beacon(
        self, step: str, phase: int, prev: Path, cfg: dict, rpc_url: str | None
    ) -> str:
        """Checks the beacon step after `prev` against the announcement; returns its value."""
        name = "beacon" if phase == 1 else "final"
        out, rec_path = self._file(phase, name), self._record(phase, name)
        rec = _read_json(step, rec_path, self.rel(rec_path))
        announced = cfg["beacons"][f"phase{phase}"]
        if (rec.get("network"), rec.get("ledger")) != (announced["network"], announced["ledger"]):
            raise _fail(
                step,
                self.rel(rec_path),
                f"beacon from ledger {rec.get('ledger')} of {rec.get('network')}, but "
                f"ceremony.json announced ledger {announced['ledger']} of "
                f"{announced['network']}",
            )
        if (
            rpc_url is not None
            and ledger_hash(rpc_url, announced["ledger"], step=step) != rec["value"]
        ):
            raise _fail(
                step,
                self.rel(rec_path),
                f"the beacon value is not the hash of ledger {announced['ledger']} at {rpc_url}",
            )
        self._check_step(step, out, rec, prev, phase)
        return rec["value"]

    def _check_step(self, step: str, out: Path, rec: dict, prev: Path | None, phase: int) -> None:
        rel = self.rel(out)
        f = (
            _zkey_check(step, out, rel, self.circuit(step))
            if phase == 2
            else _read_bin(step, out, b"ptau", rel)
        )
        if hashlib.sha256(f.data).hexdigest() != rec.get("sha256"):
            raise _fail(step, rel, "SHA-256 differs from its record: altered after the step")
        if prev is not None and (
            rec.get("prev_sha256") != _sha256(prev) or rec.get("prev") != self.rel(prev)
        ):
            raise _fail(step, rel, f"does not follow {self.rel(prev)}")

    def _match_hashes(
        self,
        step: str,
        path: Path,
        output: str,
        records: list[dict],
        beacon: str | None,
        *,
        phase: int,
    ) -> None:
        """The contribution list snarkjs printed must be the recorded one, in order, then
        the beacon (with the recorded value) when the phase is closed."""
        listed = _listed_contributions(output, phase)
        wanted = [(r["name"], r["contribution_hash"]) for r in records[1:]]
        names = [n for n, _ in listed]
        ok = listed[: len(wanted)] == wanted and len(listed) == len(wanted) + (beacon is not None)
        if ok and beacon is not None:
            ok = names[-1] == "beacon" and f"Beacon generator: {beacon}" in output
        if not ok:
            raise _fail(
                step,
                self.rel(path),
                f"snarkjs lists other contributions than the records: {names} vs "
                f"{[n for n, _ in wanted] + (['beacon'] if beacon else [])}",
            )

    def finalize(
        self, *, rpc_url: str | None = None, say: Callable[[str], None] = print
    ) -> CeremonyKey:
        """Verifies the closed ceremony, exports the verifying key (snarkjs JSON and contract
        bytes, checked equal to what the Rust reader takes from the key) and writes
        transcript.json; returns the key, its SHA-256 and the transcript hash."""
        step = "finalize"
        if self.state() not in ("closed", "finalized"):
            raise _fail(step, None, f"the ceremony is {self.state()}: both beacons must be applied")
        self.verify(rpc_url=rpc_url, say=say)
        final = self._file(2, "final")
        vk_json = self.root / "verification_key.json"
        tmp = self.root / ".verification_key.json.partial"
        try:
            _snarkjs(
                step,
                ["zkey", "export", "verificationkey", self.rel(final), self.rel(tmp)],
                cwd=self.root,
            )
            os.replace(tmp, vk_json)
        finally:
            tmp.unlink(missing_ok=True)
        vk = vk_bytes_from_snarkjs(json.loads(vk_json.read_text()))
        key = proving_key(self.root, step=step)
        if key.vk_bytes() != vk:
            raise _fail(step, "verification_key.json", "differs from the key read from the zkey")
        (self.root / "vk.bin").write_bytes(vk)
        records = {
            f"phase{ph}": [
                _read_json(step, p, self.rel(p))
                for p in sorted((self.root / f"phase{ph}").glob("*.json"), key=_record_order)
            ]
            for ph in (1, 2)
        }
        transcript = {
            "format": FORMAT,
            "ceremony": self.config(step),
            **records,
            "final": {
                "zkey": self.rel(final),
                "zkey_sha256": _sha256(final),
                "ptau": "phase1/final.ptau",
                "ptau_sha256": _sha256(self._file(1, "final")),
                "verification_key_json_sha256": _sha256(vk_json),
                "vk_bin": "vk.bin",
                "vk_sha256": hashlib.sha256(vk).hexdigest(),
            },
        }
        _write_json(self.root / "transcript.json", transcript)
        result = CeremonyKey(
            vk, hashlib.sha256(vk).hexdigest(), _sha256(self.root / "transcript.json")
        )
        say(f"verifying key SHA-256: {result.vk_sha256}")
        say(f"transcript SHA-256:    {result.transcript_hash}")
        return result


def ledger_hash(rpc_url: str, ledger: int, *, step: str = "beacon") -> str:
    """The hash (hex) of ledger `ledger` from a Stellar RPC (`getLedgers`)."""
    from . import rpc

    params = {"startLedger": ledger, "pagination": {"limit": 1}}
    try:
        r = rpc.call(rpc_url, "getLedgers", params, timeout=30)
    except rpc.RpcError as e:
        if e.refused is None:
            raise _fail(step, None, f"cannot read ledger {ledger} from {rpc_url}: {e}") from None
        latest = ""
        try:
            latest = f" (latest ledger: {rpc.latest_ledger(rpc_url, timeout=30)[0]})"
        except rpc.RpcError:
            pass
        error = e.refused
        detail = error.get("message", error) if isinstance(error, dict) else error
        raise _fail(
            step, None, f"ledger {ledger} is not available at {rpc_url}{latest}: {detail}"
        ) from None
    rows = r.get("ledgers", [])
    if not rows or rows[0].get("sequence") != ledger:
        raise _fail(step, None, f"ledger {ledger} is not closed yet at {rpc_url}")
    return rows[0]["hash"]


def _record_order(p: Path) -> tuple[int, str]:
    return (1, p.stem) if not p.stem.isdigit() else (0, p.stem)


_CONTRIB_1 = re.compile(r"Contribution #(\d+): (.*)$")
_CONTRIB_2 = re.compile(r"contribution #(\d+) (.*):$")


def _listed_contributions(output: str, phase: int) -> list[tuple[str, str]]:
    """`(name, hash)` of each contribution a snarkjs verify listed, oldest first. Phase 1:
    the first "Response Hash" after "Contribution #k: name" (what `powersoftau contribute`
    printed as the contribution's hash); phase 2: the hash after "contribution #k name:"."""
    lines = output.splitlines()
    found: dict[int, tuple[str, str]] = {}
    for i, ln in enumerate(lines):
        if phase == 1 and (m := _CONTRIB_1.search(ln)):
            j = next(j for j in range(i + 1, len(lines)) if "Response Hash" in lines[j])
            found[int(m.group(1))] = (m.group(2).strip(), _hash_after(lines, j))
        elif phase == 2 and (m := _CONTRIB_2.search(ln)):
            found[int(m.group(1))] = (m.group(2).strip(), _hash_after(lines, i))
    return [found[k] for k in sorted(found)]


def _fq_be(x: str) -> bytes:
    return int(x).to_bytes(32, "big")


def vk_bytes_from_snarkjs(vk: dict) -> bytes:
    """A snarkjs `verification_key.json` (Groth16, bn128) in the contract encoding: alpha,
    beta, gamma, delta, then IC; G1 `x || y`, G2 `x.c1 || x.c0 || y.c1 || y.c0`, 32-byte
    big-endian coordinates (docs/formats.md). Independent of the Rust encoder."""
    if vk.get("protocol") != "groth16" or vk.get("curve") != "bn128":
        raise CeremonyError("verification key: expected protocol groth16 on curve bn128")

    def g1(p: list) -> bytes:
        if p[2] != "1":
            raise CeremonyError("verification key: expected affine points")
        return _fq_be(p[0]) + _fq_be(p[1])

    def g2(p: list) -> bytes:
        if p[2] != ["1", "0"]:
            raise CeremonyError("verification key: expected affine points")
        return _fq_be(p[0][1]) + _fq_be(p[0][0]) + _fq_be(p[1][1]) + _fq_be(p[1][0])

    out = g1(vk["vk_alpha_1"]) + g2(vk["vk_beta_2"]) + g2(vk["vk_gamma_2"])
    out += g2(vk["vk_delta_2"])
    for p in vk["IC"]:
        out += g1(p)
    return out


def proving_key(root: str | os.PathLike, *, step: str = "load key") -> zk.ProvingKey:
    """The prover's key from a ceremony's phase2/final.zkey (checked to be a key for the
    delivery circuit, every point validated)."""
    path = Path(root) / "phase2" / "final.zkey"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _fail(step, path, "missing: the ceremony is not closed") from None
    try:
        return zk.ProvingKey.from_zkey(data)
    except zk.ZkError as e:
        raise _fail(step, path, str(e)) from None


def deploy_key_from_ceremony(
    root: str | os.PathLike, *, verify: bool = True, say: Callable[[str], None] = print
) -> tuple[bytes, str, str]:
    """`(vk_bytes, vk_sha256, transcript_hash)` of a finalized ceremony, for the governance
    proposal that installs the key. With `verify` (the default) the whole ceremony is
    re-verified with snarkjs first; in every case the final files must match
    transcript.json and vk.bin must be the key the final zkey holds."""
    c = Ceremony(root)
    step = "deploy"
    t = _read_json(step, c.root / "transcript.json", "transcript.json")
    final = t.get("final")
    if not isinstance(final, dict) or t.get("format") != FORMAT:
        raise _fail(step, "transcript.json", f"not a finished {FORMAT} transcript")
    if verify:
        c.verify(say=say)
    for name, digest in (
        (final["zkey"], final["zkey_sha256"]),
        (final["ptau"], final["ptau_sha256"]),
        (final["vk_bin"], final["vk_sha256"]),
    ):
        path = c.root / name
        if not path.exists():
            raise _fail(step, name, "missing")
        if _sha256(path) != digest:
            raise _fail(step, name, "SHA-256 differs from transcript.json")
    vk = (c.root / final["vk_bin"]).read_bytes()
    if proving_key(c.root, step=step).vk_bytes() != vk:
        raise _fail(step, final["vk_bin"], "is not the verifying key of phase2/final.zkey")
    return vk, hashlib.sha256(vk).hexdigest(), _sha256(c.root / "transcript.json")


@dataclass(frozen=True)
class DeployKey:
    """The delivery key a deployment installs, and where it came from."""

    key: zk.ProvingKey
    """The prover's key (saved for the relayer)."""
    vk_bytes: bytes
    """Verifying key, contract encoding."""
    vk_sha256: str
    """SHA-256 of `vk_bytes`, hex."""
    transcript_hash: str | None
    """SHA-256 of the ceremony's transcript.json; None for the insecure development setup."""
    insecure: bool
    """True for a single-party development setup (whoever ran it can forge proofs)."""


INSECURE_WARNING = (
    "WARNING: insecure development setup: a single-party Groth16 setup on this machine. "
    "Whoever runs it could keep its randomness and forge proofs of any delivery; use it "
    "only on a local or test network. Real deployments install the key of a finalized "
    "ceremony (`urja zk ceremony`, docs/zk.md)."
)


def key_for_deploy(
    ceremony_dir: str | os.PathLike | None = None,
    *,
    insecure_dev_setup: bool = False,
    insecure_seed: int | None = None,
    say: Callable[[str], None] = print,
) -> DeployKey:
    """The key `urja deploy` installs: a finalized ceremony's (re-verified with snarkjs), or
    only when explicitly asked (`insecure_dev_setup`, or a repeatable `insecure_seed`) a
    single-party development setup. Neither given is an error."""
    insecure = insecure_dev_setup or insecure_seed is not None
    if ceremony_dir is not None:
        if insecure:
            raise CeremonyError(
                "deploy: choose a ceremony or the insecure development setup, not both"
            )
        say(f"verifying the ceremony in {ceremony_dir} ...")
        vk, digest, transcript = deploy_key_from_ceremony(ceremony_dir, say=say)
        key = proving_key(ceremony_dir, step="deploy")
        say(f"verifying key {digest} from transcript {transcript}")
        return DeployKey(key, vk, digest, transcript, False)
    if not insecure:
        raise CeremonyError(
            "deploy: no trusted setup given: pass --ceremony DIR (a finalized "
            "`urja zk ceremony`, docs/zk.md) or, for development only, --insecure-dev-setup"
        )
    say(INSECURE_WARNING)
    key = zk.ProvingKey.setup(insecure_seed)
    vk = key.vk_bytes()
    return DeployKey(key, vk, hashlib.sha256(vk).hexdigest(), None, True)

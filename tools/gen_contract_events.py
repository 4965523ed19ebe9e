#!/usr/bin/env python3
"""Writes orchestrator/urja/data/contract_events.json from the contracts' event specs.

soroban-sdk writes every `#[contractevent]` struct into its WASM's `contractspecv0` custom
section (an XDR stream of `SCSpecEntry`): the event's name, its prefix topics, each field
with its type and whether it is a topic or part of the data, and the data format (a single
value, a vec in field order, or a map by field name). This tool reads that section from
each built contract (`target/wasm/urja_<contract>.wasm`, built by
scripts/build-contracts.sh) and writes one table of every event, with the user-defined
types those events use, so the orchestrator's decoders (`urja.events`) never restate a
field order by hand. A test fails when the table and the built contracts disagree.
Usage: `tools/gen_contract_events.py [--check] [--wasm-dir DIR]`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from stellar_sdk import xdr
from xdrlib3 import Unpacker

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "orchestrator" / "urja" / "data" / "contract_events.json"
CONTRACTS = ("market", "registry", "token", "verifier", "governance")
"""Contract kinds, each built as target/wasm/urja_<kind>.wasm."""

_T = xdr.SCSpecType
_PRIMITIVE = {
    _T.SC_SPEC_TYPE_VAL: "val",
    _T.SC_SPEC_TYPE_BOOL: "bool",
    _T.SC_SPEC_TYPE_VOID: "void",
    _T.SC_SPEC_TYPE_ERROR: "error",
    _T.SC_SPEC_TYPE_U32: "u32",
    _T.SC_SPEC_TYPE_I32: "i32",
    _T.SC_SPEC_TYPE_U64: "u64",
    _T.SC_SPEC_TYPE_I64: "i64",
    _T.SC_SPEC_TYPE_TIMEPOINT: "timepoint",
    _T.SC_SPEC_TYPE_DURATION: "duration",
    _T.SC_SPEC_TYPE_U128: "u128",
    _T.SC_SPEC_TYPE_I128: "i128",
    _T.SC_SPEC_TYPE_U256: "u256",
    _T.SC_SPEC_TYPE_I256: "i256",
    _T.SC_SPEC_TYPE_BYTES: "bytes",
    _T.SC_SPEC_TYPE_STRING: "string",
    _T.SC_SPEC_TYPE_SYMBOL: "symbol",
    _T.SC_SPEC_TYPE_ADDRESS: "address",
    _T.SC_SPEC_TYPE_MUXED_ADDRESS: "muxed_address",
}
_FORMAT = {0: "single-value", 1: "vec", 2: "map"}
_LOCATION = {0: "data", 1: "topic"}


def custom_section(wasm: bytes, name: str) -> bytes:
    """The payload of the WASM custom section called `name` (WASM binary format 1.0:
    sections are an id byte and a LEB128 size; custom sections (id 0) start with their
    name)."""
    if wasm[:4] != b"\0asm":
        raise ValueError("not a WebAssembly module (no \\0asm magic)")

    def leb(i: int) -> tuple[int, int]:
        value = shift = 0
        while True:
            b = wasm[i]
            i += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return value, i

    i = 8
    while i < len(wasm):
        section, i = wasm[i], i + 1
        size, i = leb(i)
        end = i + size
        if section == 0:
            n, j = leb(i)
            if wasm[j : j + n].decode() == name:
                return wasm[j + n : end]
        i = end
    raise ValueError(f"no {name!r} custom section")


def spec_entries(wasm: bytes) -> list[xdr.SCSpecEntry]:
    """Every `SCSpecEntry` in a contract's `contractspecv0` section, in order."""
    body = custom_section(wasm, "contractspecv0")
    up = Unpacker(body)
    out = []
    while up.get_position() < len(body):
        out.append(xdr.SCSpecEntry.unpack(up))
    return out


def type_of(t: xdr.SCSpecTypeDef):
    """A spec type as JSON: a primitive's name, or {"option": T}, {"vec": T}, {"map": [K, V]},
    {"tuple": [T...]}, {"result": [T, E]}, {"bytes_n": N}, {"udt": name}."""
    if t.type in _PRIMITIVE:
        return _PRIMITIVE[t.type]
    if t.type == _T.SC_SPEC_TYPE_OPTION:
        return {"option": type_of(t.option.value_type)}
    if t.type == _T.SC_SPEC_TYPE_VEC:
        return {"vec": type_of(t.vec.element_type)}
    if t.type == _T.SC_SPEC_TYPE_MAP:
        return {"map": [type_of(t.map.key_type), type_of(t.map.value_type)]}
    if t.type == _T.SC_SPEC_TYPE_TUPLE:
        return {"tuple": [type_of(x) for x in t.tuple.value_types]}
    if t.type == _T.SC_SPEC_TYPE_RESULT:
        return {"result": [type_of(t.result.ok_type), type_of(t.result.error_type)]}
    if t.type == _T.SC_SPEC_TYPE_BYTES_N:
        return {"bytes_n": t.bytes_n.n.uint32}
    if t.type == _T.SC_SPEC_TYPE_UDT:
        return {"udt": t.udt.name.decode()}
    raise ValueError(f"spec type {t.type!r} has no table form")


def _udts(t, out: set[str]) -> None:
    if isinstance(t, dict):
        if "udt" in t:
            out.add(t["udt"])
        for v in t.values():
            for x in v if isinstance(v, list) else [v]:
                _udts(x, out)


def _doc(b: bytes) -> str:
    return " ".join(b.decode().split())


def contract_table(entries: list[xdr.SCSpecEntry]) -> dict:
    """{"events": {name: [variant...]}, "types": {udt name: type}} of one contract's spec.
    An event's name is its first prefix topic (the symbol it is emitted under); a name may
    have several layouts (OpenZeppelin's token emits `transfer` plain and with a muxed id),
    listed by struct name."""
    K = xdr.SCSpecEntryKind
    events, udts, used = {}, {}, set()
    for e in entries:
        if e.kind == K.SC_SPEC_ENTRY_EVENT_V0:
            ev = e.event_v0
            prefix = [s.sc_symbol.decode() for s in ev.prefix_topics]
            params = [
                {
                    "name": p.name.decode(),
                    "location": _LOCATION[p.location.value],
                    "type": type_of(p.type),
                }
                for p in ev.params
            ]
            for p in params:
                _udts(p["type"], used)
            name = prefix[0] if prefix else ev.name.sc_symbol.decode()
            spec = {
                "struct": ev.name.sc_symbol.decode(),
                "doc": _doc(ev.doc),
                "prefix_topics": prefix,
                "data_format": _FORMAT[ev.data_format.value],
                "params": params,
            }
            variants = events.setdefault(name, [])
            if spec not in variants:  # a library may list one event twice
                variants.append(spec)
        elif e.kind == K.SC_SPEC_ENTRY_UDT_ENUM_V0:
            u = e.udt_enum_v0
            udts[u.name.decode()] = {
                "kind": "enum",
                "cases": {c.name.decode(): c.value.uint32 for c in u.cases},
            }
        elif e.kind == K.SC_SPEC_ENTRY_UDT_STRUCT_V0:
            u = e.udt_struct_v0
            fields = [{"name": f.name.decode(), "type": type_of(f.type)} for f in u.fields]
            udts[u.name.decode()] = {"kind": "struct", "fields": fields}
        elif e.kind == K.SC_SPEC_ENTRY_UDT_UNION_V0:
            u = e.udt_union_v0
            cases = []
            for c in u.cases:
                if c.kind == xdr.SCSpecUDTUnionCaseV0Kind.SC_SPEC_UDT_UNION_CASE_VOID_V0:
                    cases.append({"name": c.void_case.name.decode(), "types": []})
                else:
                    tc = c.tuple_case
                    cases.append({"name": tc.name.decode(), "types": [type_of(x) for x in tc.type]})
            udts[u.name.decode()] = {"kind": "union", "cases": cases}
    # The user-defined types the events reach, and the types those reach in turn.
    types, todo = {}, sorted(used)
    while todo:
        name = todo.pop()
        if name in types:
            continue
        if name not in udts:
            raise ValueError(f"event type {name!r} is not defined in the contract's spec")
        types[name] = udts[name]
        more: set[str] = set()
        for f in types[name].get("fields", []):
            _udts(f["type"], more)
        for c in types[name].get("cases", []) if types[name]["kind"] == "union" else []:
            for x in c["types"]:
                _udts(x, more)
        todo.extend(sorted(more - set(types)))
    return {
        "events": {k: sorted(v, key=lambda x: x["struct"]) for k, v in sorted(events.items())},
        "types": dict(sorted(types.items())),
    }


def table(wasm_dir: Path) -> dict:
    """contract kind -> its events and their types, read from the built WASMs."""
    out = {}
    for kind in CONTRACTS:
        path = wasm_dir / f"urja_{kind}.wasm"
        if not path.exists():
            raise SystemExit(f"{path}: missing; build the contracts (scripts/build-contracts.sh)")
        try:
            out[kind] = contract_table(spec_entries(path.read_bytes()))
        except ValueError as e:
            raise SystemExit(f"{path}: {e}") from None
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if the table is stale")
    ap.add_argument("--wasm-dir", type=Path, default=ROOT / "target" / "wasm")
    args = ap.parse_args()
    text = json.dumps(table(args.wasm_dir), indent=1, sort_keys=True) + "\n"
    if args.check:
        if not OUT.exists() or OUT.read_text() != text:
            print(
                f"{OUT} is stale: the built contracts' events differ; run "
                "tools/gen_contract_events.py",
                file=sys.stderr,
            )
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

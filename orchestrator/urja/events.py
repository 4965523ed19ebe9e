"""Contract events as typed records with named fields, decoded from the one event table.

Owns the reading of every event the contracts emit. The table
(`data/contract_events.json`) is generated from the contracts' own specs by
tools/gen_contract_events.py (soroban-sdk writes each `#[contractevent]` into the WASM), so
no field order is restated here; a test fails when a contract changes its events and the
table is not regenerated. The indexer, the auditor and the read API decode through
`decode` / `from_row`, by contract and event name:

    ev = decode("market", ["trade", 7], [3, 1, 2, "GB..", "GS..", 500, 9])
    ev.slot, ev.trade_id, ev.price   # 7, 3, 9

Values are typed from the spec: integers as int, bytes as bytes (from raw bytes or the
index's hex), addresses and strings as str, `Option` as None or its value, integer enums as
`IntEnum` members (`ev.side.name == "sell"`), structs as dicts of typed fields.
"""

from __future__ import annotations

import enum
import functools
import json
import keyword
from collections import namedtuple
from importlib import resources
from typing import Any

_INTEGERS = {"u32", "i32", "u64", "i64", "u128", "i128", "u256", "i256", "timepoint", "duration"}
_TEXT = {"address", "muxed_address", "string", "symbol"}


class EventLayoutError(ValueError):
    """An event whose topics or data do not have the shape its contract's spec gives
    (a contract changed its events and `urja` was not rebuilt with the new table)."""


@functools.cache
def table() -> dict[str, dict]:
    """contract kind -> {"events": {name: spec}, "types": {udt: spec}}, as generated."""
    text = resources.files("urja").joinpath("data/contract_events.json").read_text()
    return json.loads(text)


@functools.cache
def enum_type(contract: str, udt: str) -> type[enum.IntEnum]:
    """The integer enum `udt` of `contract` (e.g. market `Side`, registry `Role`) with its
    cases named in lower case: `enum_type("market", "Side")(0).name == "sell"`."""
    spec = table()[contract]["types"].get(udt)
    if spec is None or spec["kind"] != "enum":
        raise KeyError(f"{contract} has no integer enum {udt!r} in its event table")
    return enum.IntEnum(udt, {k.lower(): v for k, v in spec["cases"].items()})


def variants(contract: str, name: str) -> list[dict]:
    """The layouts `contract` emits event `name` with (usually one; OpenZeppelin's token
    emits `transfer` plain and with a muxed id), empty for an event the table lacks."""
    return table().get(contract, {}).get("events", {}).get(name, [])


@functools.cache
def record_type(contract: str, name: str, struct: str) -> type:
    """The record class of `contract`'s event `name` in the layout of Rust struct `struct`:
    a namedtuple named after the struct, its fields in declaration order (a field named by
    a Python keyword gets a trailing underscore, `from_`)."""
    spec = next(v for v in variants(contract, name) if v["struct"] == struct)
    names = [p["name"] + "_" * keyword.iskeyword(p["name"]) for p in spec["params"]]
    cls = namedtuple(struct, names)  # type: ignore[misc]
    cls.contract = contract
    cls.event = name
    cls.__doc__ = spec["doc"] or f"{contract} event {name!r}"
    return cls


def _value(contract: str, where: str, t, v) -> Any:
    """`v` (an SCVal decoded by `urja.scval_codec.native`, or its JSON form in the index) as
    the spec type `t`; EventLayoutError naming `where` when it is not one."""

    def wrong(what: str) -> EventLayoutError:
        return EventLayoutError(f"{where}: expected {what}, got {v!r}")

    if isinstance(t, str):
        if t in _INTEGERS:
            if isinstance(v, bool) or not isinstance(v, int):
                raise wrong(t)
            return v
        if t == "bool":
            if not isinstance(v, bool):
                raise wrong(t)
            return v
        if t == "bytes":
            if isinstance(v, str):
                try:
                    return bytes.fromhex(v)
                except ValueError:
                    raise wrong("bytes") from None
            if not isinstance(v, bytes):
                raise wrong("bytes")
            return v
        if t in _TEXT:
            if not isinstance(v, str):
                raise wrong(t)
            return v
        return v  # "val" and the rest: as decoded
    if "option" in t:
        return None if v is None else _value(contract, where, t["option"], v)
    if "bytes_n" in t:
        b = _value(contract, where, "bytes", v)
        if len(b) != t["bytes_n"]:
            raise wrong(f"{t['bytes_n']} bytes")
        return b
    if "vec" in t:
        if not isinstance(v, list):
            raise wrong("a vec")
        return [_value(contract, f"{where}[{i}]", t["vec"], x) for i, x in enumerate(v)]
    if "udt" in t:
        spec = table()[contract]["types"].get(t["udt"])
        if spec is None:
            return v
        if spec["kind"] == "enum":
            try:
                return enum_type(contract, t["udt"])(v)
            except ValueError:
                raise wrong(f"a {t['udt']} case {sorted(spec['cases'].values())}") from None
        if spec["kind"] == "struct":
            if not isinstance(v, dict):
                raise wrong(f"a {t['udt']} struct")
            return {
                f["name"]: _value(contract, f"{where}.{f['name']}", f["type"], v.get(f["name"]))
                for f in spec["fields"]
            }
    return v  # maps, tuples, results and unions: as decoded


def decode(contract: str, topics: list, data) -> tuple | None:
    """The typed record of an event `contract` (market, registry, token, verifier,
    governance) emitted with `topics` (all of them, its name first) and `data`, or None when
    the table has no event of that name. EventLayoutError when the shape fits none of the
    event's layouts in the contract's spec (a changed contract: regenerate the table)."""
    if not topics or not isinstance(topics[0], str):
        return None
    layouts = variants(contract, topics[0])
    errors = []
    for spec in layouts:
        try:
            values = _layout(contract, spec, topics, data)
        except EventLayoutError as e:
            errors.append(e)
            continue
        return record_type(contract, topics[0], spec["struct"])(*values)
    if not errors:
        return None
    raise errors[0] if len(errors) == 1 else EventLayoutError("; ".join(map(str, errors)))


def _layout(contract: str, spec: dict, topics: list, data) -> list:
    """The typed field values of an event in the layout `spec`, in declaration order."""
    where = f"{contract} event {topics[0]!r}"
    if len(variants(contract, topics[0])) > 1:
        where += f" as {spec['struct']}"
    prefix = spec["prefix_topics"]
    if list(topics[: len(prefix)]) != prefix:
        raise EventLayoutError(f"{where}: topics {topics!r} do not start with {prefix!r}")
    in_topics = [p for p in spec["params"] if p["location"] == "topic"]
    in_data = [p for p in spec["params"] if p["location"] == "data"]
    rest = list(topics[len(prefix) :])
    if len(rest) != len(in_topics):
        raise EventLayoutError(
            f"{where}: {len(rest)} topics after its name, the spec has {len(in_topics)} "
            f"({', '.join(p['name'] for p in in_topics) or 'none'})"
        )
    raw = dict(zip((p["name"] for p in in_topics), rest, strict=True))
    fmt = spec["data_format"]
    if fmt == "single-value":
        if len(in_data) == 1:
            raw[in_data[0]["name"]] = data
        elif data is not None:
            raise EventLayoutError(f"{where}: data {data!r} where the spec has none")
    elif fmt == "vec":
        if not isinstance(data, list) or len(data) != len(in_data):
            raise EventLayoutError(
                f"{where}: data {data!r} is not a vec of its {len(in_data)} fields "
                f"({', '.join(p['name'] for p in in_data)})"
            )
        raw.update(zip((p["name"] for p in in_data), data, strict=True))
    elif isinstance(data, dict):
        unknown = set(data) - {p["name"] for p in in_data}
        if unknown:
            raise EventLayoutError(f"{where}: data has fields {sorted(unknown)} the spec lacks")
        raw.update({p["name"]: data.get(p["name"]) for p in in_data})
    else:
        # A map event with only its one required field sends that field's value alone
        # (CAP-67: a token `transfer`/`mint` without a muxed id carries just the amount).
        required = [p for p in in_data if "option" not in p["type"]]
        if len(required) != 1:
            raise EventLayoutError(f"{where}: data {data!r} is not a map")
        raw.update({p["name"]: None for p in in_data})
        raw[required[0]["name"]] = data
    return [
        _value(contract, f"{where} field {p['name']!r}", p["type"], raw[p["name"]])
        for p in spec["params"]
    ]


def from_row(row: dict) -> tuple | None:
    """The typed record of a row of the index's `events` table as `Index.events` returns
    it (kind, name, and the topics after the name and data parsed from JSON)."""
    return decode(row["kind"], [row["name"], *row["topics"]], row["data"])


def fields(record: tuple) -> dict:
    """A record's fields by their names in the contract, bytes as hex and enums by name
    (JSON-ready, as the read API serves them)."""

    def plain(v):
        if isinstance(v, bytes):
            return v.hex()
        if isinstance(v, enum.IntEnum):
            return v.name
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v

    spec = next(
        v for v in variants(record.contract, record.event) if v["struct"] == type(record).__name__
    )
    return {p["name"]: plain(v) for p, v in zip(spec["params"], record, strict=True)}


def order_slots(record: tuple) -> int:
    """How many slots a market `order` event's order stands for: its `slots` in the standing
    layout (`StandingOrderPlaced`), 1 in the one-slot layout (`OrderPlaced`, the one every
    market version emits). The indexer and the auditor read it here, alike."""
    return getattr(record, "slots", 1)

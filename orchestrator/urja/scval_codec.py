"""SCVal values as plain Python (`native`): how the indexer stores event values and how
`urja.bindings.plain` reads a raw SCVal inside a generated client's result. Contract
arguments are encoded by the generated clients (`urja.clients`), not here."""

from __future__ import annotations

from stellar_sdk import Address, scval
from stellar_sdk import xdr as sx


def native(v: sx.SCVal):
    """An SCVal as a plain Python value (structs become dicts, enums become [name, ...])."""
    t = v.type
    T = sx.SCValType
    if t == T.SCV_VOID:
        return None
    if t == T.SCV_BOOL:
        return v.b
    if t in (T.SCV_U32, T.SCV_I32, T.SCV_U64, T.SCV_I64, T.SCV_U128, T.SCV_I128):
        return scval.to_native(v)
    if t == T.SCV_BYTES:
        return bytes(v.bytes.sc_bytes)
    if t == T.SCV_SYMBOL:
        return v.sym.sc_symbol.decode()
    if t == T.SCV_STRING:
        return v.str.sc_string.decode()
    if t == T.SCV_ADDRESS:
        return Address.from_xdr_sc_address(v.address).address
    if t == T.SCV_VEC:
        return [native(x) for x in (v.vec.sc_vec if v.vec else [])]
    if t == T.SCV_MAP:
        return {native(e.key): native(e.val) for e in (v.map.sc_map if v.map else [])}
    return scval.to_native(v)

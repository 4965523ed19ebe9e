"""Talking to Soroban through the Stellar RPC API with stellar-sdk: upload, deploy, invoke, read.

Works unchanged against the embedded local network, testnet or mainnet: only the RPC URL
and passphrase differ. Every call is simulated, assembled, signed by the given key, sent and
awaited. Refusals raise `ChainError` naming the call and, for contract errors, the error's
name and meaning from the contracts' own enums; an unreachable RPC raises `ChainUnavailable`
after tenacity's retries, so services can report it and try again later.

A transaction is never sent twice blindly: when the connection drops after `sendTransaction`,
the same signed transaction (same hash) is looked up rather than a new one built.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import requests
from stellar_sdk import Account, Address, Keypair, SorobanServer, StrKey, TransactionBuilder, scval
from stellar_sdk import xdr as sx
from stellar_sdk.exceptions import ConnectionError as SdkConnectionError
from tenacity import retry, retry_if_exception_type, stop_after_delay, wait_exponential

from .rpc import RpcError
from .rpc import call as rpc_call

__all__ = ["RpcError", "rpc_call"]  # re-exported: plain JSON-RPC requests (urja.rpc)

log = logging.getLogger("urja.chain")
_NET_ERRORS = (requests.ConnectionError, requests.Timeout, SdkConnectionError, ConnectionError)
_CONTRACT_ERROR = re.compile(r"Error\(Contract, #(\d+)\)")
_READER = Keypair.from_raw_ed25519_seed(bytes(32)).public_key


class ChainError(RuntimeError):
    """A call was refused or failed; `code` is the contract error number when there is one."""

    def __init__(self, message: str, code: int | None = None, name: str | None = None):
        super().__init__(message)
        self.code = code
        self.name = name


class ChainUnavailable(ChainError):
    """The RPC endpoint could not be reached (after retries)."""


class StaleSimulation(ChainError):
    """A transaction failed on-chain although its simulation succeeded."""


STALE_RETRIES = 8
"""How often a call is re-simulated and resent after failing on-chain."""


@cache
def contract_errors() -> dict[str, dict[str, dict[str, str]]]:
    """contract -> code -> {name, doc}, generated from the Rust enums by
    tools/gen_contract_errors.py."""
    text = resources.files("urja").joinpath("data/contract_errors.json").read_text()
    return json.loads(text)


def explain(detail: str, contract_kind: str | None) -> tuple[str, int | None, str | None]:
    """Turns a host error string into words: the contract error's name and documentation."""
    m = _CONTRACT_ERROR.search(detail or "")
    if not m:
        return (detail or "unknown error").splitlines()[0][:300], None, None
    code = int(m.group(1))
    entry = contract_errors().get(contract_kind or "", {}).get(str(code))
    if entry is None:
        return f"contract error #{code}", code, None
    return f"{entry['name']} (#{code}): {entry['doc']}", code, entry["name"]


def _retrying(seconds: float, url: str):
    def report(state) -> None:
        log.warning(
            "RPC %s unreachable (%s); retrying, attempt %d",
            url,
            type(state.outcome.exception()).__name__,
            state.attempt_number,
        )

    return retry(
        retry=retry_if_exception_type(_NET_ERRORS),
        stop=stop_after_delay(seconds),
        wait=wait_exponential(multiplier=0.2, max=5),
        before_sleep=report,
        reraise=True,
    )


@dataclass
class Chain:
    """An RPC endpoint, its network passphrase and how long to keep retrying when it is down."""

    rpc_url: str
    passphrase: str
    patience_secs: float = 30.0

    def __post_init__(self) -> None:
        self.server = SorobanServer(self.rpc_url)
        self.kinds: dict[str, str] = {}
        """contract id -> contract kind ("market", ...), to name contract errors."""
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self.local = threading.local()
        """Per thread: `tx_hash`, `ledger` and `instructions` of the last transaction."""
        self.before_signing = None
        """`f(what, fee_stroops)` called with each transaction's most it may be charged
        (inclusion plus resource fee, from the simulation) before it is signed, so a household
        sees the network fee of an action first; `f` raises to refuse it."""

    # -- plumbing -------------------------------------------------------------------------

    def _net(self, fn, *args):
        try:
            return _retrying(self.patience_secs, self.rpc_url)(fn)(*args)
        except _NET_ERRORS as e:
            raise ChainUnavailable(f"RPC {self.rpc_url} unreachable: {e}") from e

    def _submit(self, kp: Keypair, build, what: str, kind: str | None = None) -> sx.SCVal | None:
        # One transaction at a time per source account: threads sharing a key (matcher and
        # relayer in one process) would otherwise race for the same sequence number.
        with self._locks[kp.public_key]:
            for attempt in range(1, STALE_RETRIES + 1):
                acct = self._net(self.server.load_account, kp.public_key)
                tx = build(TransactionBuilder(acct, self.passphrase, 100)).set_timeout(120).build()
                sim = self._net(self.server.simulate_transaction, tx)
                if sim.error:
                    msg, code, name = explain(sim.error, kind)
                    raise ChainError(f"{what}: {msg}", code, name)
                foreign = _foreign_signers(sim, kp.public_key)
                if foreign:
                    raise ChainError(
                        f"{what}: needs the authorization of {', '.join(foreign)}, which"
                        f" {kp.public_key} cannot give (see `urja governance` for what only a"
                        " vote may do)"
                    )
                if sim.transaction_data:
                    res = sx.SorobanTransactionData.from_xdr(sim.transaction_data).resources
                    self.local.instructions = res.instructions.uint32
                tx = self._net(self.server.prepare_transaction, tx, sim)
                if self.before_signing is not None:
                    self.before_signing(what, tx.transaction.fee)
                tx.sign(kp)
                try:
                    return self._send(tx, what, kind)
                except StaleSimulation:
                    # Another transaction changed the state this one was simulated against.
                    # A failed transaction has no effect, so simulate afresh and try again.
                    if attempt == STALE_RETRIES:
                        raise ChainError(
                            f"{what}: failed {attempt} times although each simulation succeeded"
                        ) from None
                    time.sleep(random.uniform(0.1, 0.4) * attempt)  # jitter: do not collide again
        raise AssertionError("unreachable")

    def _send(self, tx, what: str, kind: str | None) -> sx.SCVal | None:
        tx_hash = tx.hash_hex()
        try:
            sent = self.server.send_transaction(tx)
            status = sent.status.value
        except _NET_ERRORS:
            status = "UNKNOWN"  # it may have arrived: look it up before anything else
        if status in ("ERROR", "TRY_AGAIN_LATER"):
            raise ChainError(f"{what}: sendTransaction {status} {sent.error_result_xdr}")
        deadline = time.monotonic() + max(self.patience_secs, 60)
        while time.monotonic() < deadline:
            try:
                r = self.server.get_transaction(tx_hash)
            except _NET_ERRORS:
                time.sleep(0.5)
                continue
            if r.status.value == "SUCCESS":
                self.local.tx_hash = tx_hash
                self.local.ledger = r.ledger
                meta = sx.TransactionMeta.from_xdr(r.result_meta_xdr)
                soroban = (meta.v4 or meta.v3).soroban_meta
                return soroban.return_value if soroban else None
            if r.status.value == "FAILED":
                raise StaleSimulation(f"{what}: transaction {tx_hash} failed")
            if status == "UNKNOWN":  # never arrived: send it again (same hash, same effect)
                try:
                    status = self.server.send_transaction(tx).status.value
                except _NET_ERRORS:
                    pass
            time.sleep(0.1)
        raise ChainUnavailable(f"{what}: transaction {tx_hash} not included in time")

    # -- calls ----------------------------------------------------------------------------

    def upload(self, kp: Keypair, wasm: Path) -> bytes:
        """Uploads a contract's WASM; returns its hash."""
        rv = self._submit(
            kp, lambda b: b.append_upload_contract_wasm_op(wasm.read_bytes()), f"upload {wasm.name}"
        )
        return rv.bytes.sc_bytes

    def deploy(
        self,
        kp: Keypair,
        wasm_hash: bytes,
        args: list[sx.SCVal],
        kind: str,
        salt: bytes | None = None,
    ) -> str:
        """Deploys a contract instance with constructor `args` (at the id `contract_id(kp,
        salt)` when a salt is given); returns its C... id."""
        rv = self._submit(
            kp,
            lambda b: b.append_create_contract_op(
                wasm_hash, kp.public_key, constructor_args=args, salt=salt
            ),
            f"deploy {kind}",
            kind,
        )
        cid = Address.from_xdr_sc_address(rv.address).address
        self.kinds[cid] = kind
        return cid

    def contract_id(self, deployer: str, salt: bytes) -> str:
        """The C... id a contract deployed by `deployer` with `salt` gets on this network
        (Stellar's contract-id preimage), so contracts can name each other before they
        exist: governance administers every contract from its construction."""
        preimage = sx.HashIDPreimage(
            type=sx.EnvelopeType.ENVELOPE_TYPE_CONTRACT_ID,
            contract_id=sx.HashIDPreimageContractID(
                network_id=sx.Hash(hashlib.sha256(self.passphrase.encode()).digest()),
                contract_id_preimage=sx.ContractIDPreimage(
                    type=sx.ContractIDPreimageType.CONTRACT_ID_PREIMAGE_FROM_ADDRESS,
                    from_address=sx.ContractIDPreimageFromAddress(
                        address=Address(deployer).to_xdr_sc_address(),
                        salt=sx.Uint256(salt),
                    ),
                ),
            ),
        )
        return StrKey.encode_contract(hashlib.sha256(preimage.to_xdr_bytes()).digest())

    def deploy_asset(self, kp: Keypair, asset) -> str:
        """Deploys the Stellar Asset Contract of `asset`, or finds it when it already exists."""
        cid = asset.contract_id(self.passphrase)
        try:
            self.read(cid, "decimals", [])
            return cid
        except ChainError:
            pass
        self._submit(
            kp,
            lambda b: b.append_create_stellar_asset_contract_from_asset_op(asset),
            f"deploy SAC {asset.code}",
        )
        return cid

    def invoke(self, contract: str, fn: str, args: list[sx.SCVal], kp: Keypair) -> sx.SCVal:
        """Calls `fn` as a transaction signed by `kp` and returns the result."""
        return self._submit(
            kp,
            lambda b: b.append_invoke_contract_function_op(contract, fn, args),
            f"{self.kinds.get(contract, 'contract')}.{fn}",
            self.kinds.get(contract),
        )

    def simulate(self, contract: str, fn: str, args: list[sx.SCVal], source: str):
        """The simulation of a call: its result and resource figures (no transaction sent)."""
        acct = Account(source, 0)
        tx = (
            TransactionBuilder(acct, self.passphrase, 100)
            .append_invoke_contract_function_op(contract, fn, args)
            .set_timeout(60)
            .build()
        )
        sim = self._net(self.server.simulate_transaction, tx)
        if sim.error:
            msg, code, name = explain(sim.error, self.kinds.get(contract))
            raise ChainError(f"{self.kinds.get(contract, 'contract')}.{fn}: {msg}", code, name)
        return sim

    def read(self, contract: str, fn: str, args: list[sx.SCVal], source: str = _READER):
        """Simulates a read-only call and returns its result value."""
        return self.read_at(contract, fn, args, source)[0]

    def read_at(
        self, contract: str, fn: str, args: list[sx.SCVal], source: str = _READER
    ) -> tuple[sx.SCVal, int]:
        """A read-only call's result and the ledger whose state it read (the simulation's
        `latestLedger`): lets an auditor compare values read at different moments with the
        events up to each one's ledger."""
        sim = self.simulate(contract, fn, args, source)
        return sx.SCVal.from_xdr(sim.results[0].xdr), int(sim.latest_ledger)

    def ledger_time(self) -> int:
        """Close time of the latest ledger (the chain's clock)."""
        return int(self._net(self.server.get_latest_ledger).close_time)

    def latest_ledger(self) -> int:
        """Sequence number of the latest ledger."""
        return int(self._net(self.server.get_latest_ledger).sequence)

    def fund_if_new(self, public_key: str, friendbot_url: str | None) -> bool:
        """Creates `public_key`'s account through the network's friendbot (`friendbot_url`)
        when it does not exist yet; True when it did. ChainError when the account is missing
        and there is no friendbot or it refuses; ChainUnavailable when it is unreachable."""
        try:
            self.server.load_account(public_key)
            return False
        except Exception:  # noqa: BLE001 - NotFoundError or an unreachable RPC: ask friendbot
            pass
        if not friendbot_url:
            raise ChainError(
                f"account {public_key} does not exist and this network has no friendbot "
                "([network].friendbot_url): fund it first"
            )
        try:
            r = requests.get(friendbot_url, params={"addr": public_key}, timeout=60)
        except requests.RequestException as e:
            raise ChainUnavailable(f"friendbot {friendbot_url} unreachable: {e}") from None
        if r.status_code != 200:
            raise ChainError(f"friendbot refused {public_key}: {r.text[:200]}")
        return True


def _foreign_signers(sim, source: str) -> list[str]:
    """Addresses other than `source` whose authorization the simulated call needs: a
    transaction signed only by `source` would fail when applied, however often it is sent."""
    out = []
    for r in sim.results or []:
        for entry in r.auth or []:
            c = sx.SorobanAuthorizationEntry.from_xdr(entry).credentials
            # Every credential type but the source account's names an address that signs.
            creds = c.address or getattr(c, "address_v2", None)
            if creds is None:
                creds = getattr(c, "address_with_delegates", None)
            if creds is None or not hasattr(creds, "address"):
                continue
            who = Address.from_xdr_sc_address(creds.address).address
            if who != source and who not in out:
                out.append(who)
    return out


def addr(a: str | Keypair) -> sx.SCVal:
    """An address argument; a malformed address is refused with its text."""
    text = a.public_key if isinstance(a, Keypair) else a
    try:
        return scval.to_address(text)
    except Exception:  # noqa: BLE001 - the SDK raises several types for bad strkeys
        raise ValueError(
            f"{text!r} is not a Stellar address (G... account or C... contract)"
        ) from None

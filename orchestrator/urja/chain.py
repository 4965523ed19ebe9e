"""Talking to Soroban through the Stellar RPC API with stellar-sdk: upload, deploy, invoke.

Works unchanged against the embedded local network, testnet or mainnet: only the RPC URL
and passphrase differ. Every call is simulated, assembled, signed by the given key, sent and
awaited; a failed transaction raises `ChainError` naming the call.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from stellar_sdk import Address, Keypair, SorobanServer, TransactionBuilder, scval
from stellar_sdk import xdr as sx
from stellar_sdk.contract import ContractClient
from tenacity import retry, stop_after_attempt, wait_fixed


class ChainError(RuntimeError):
    """A transaction was rejected or failed; the message names the call."""


@dataclass
class Chain:
    """An RPC endpoint and its network passphrase."""

    rpc_url: str
    passphrase: str

    def __post_init__(self) -> None:
        self.server = SorobanServer(self.rpc_url)

    def _submit(self, kp: Keypair, build, what: str) -> sx.SCVal | None:
        acct = self.server.load_account(kp.public_key)
        tx = self.server.prepare_transaction(
            build(TransactionBuilder(acct, self.passphrase, 100)).set_timeout(60).build()
        )
        tx.sign(kp)
        sent = self.server.send_transaction(tx)
        if sent.status.value != "PENDING":
            raise ChainError(f"{what}: {sent.status.value} {sent.error_result_xdr}")
        for _ in range(600):
            r = self.server.get_transaction(sent.hash)
            if r.status.value == "SUCCESS":
                meta = sx.TransactionMeta.from_xdr(r.result_meta_xdr)
                return (meta.v4 or meta.v3).soroban_meta.return_value
            if r.status.value == "FAILED":
                raise ChainError(f"{what}: transaction {sent.hash} failed")
            time.sleep(0.1)
        raise ChainError(f"{what}: transaction {sent.hash} not included")

    def upload(self, kp: Keypair, wasm: Path) -> bytes:
        """Uploads a contract's WASM; returns its hash."""
        rv = self._submit(
            kp, lambda b: b.append_upload_contract_wasm_op(wasm.read_bytes()), f"upload {wasm.name}"
        )
        return rv.bytes.sc_bytes

    def deploy(self, kp: Keypair, wasm_hash: bytes, args: list[sx.SCVal], what: str) -> str:
        """Deploys a contract instance with constructor `args`; returns its C... id."""
        rv = self._submit(
            kp,
            lambda b: b.append_create_contract_op(wasm_hash, kp.public_key, constructor_args=args),
            f"deploy {what}",
        )
        return Address.from_xdr_sc_address(rv.address).address

    def deploy_asset(self, kp: Keypair, asset) -> str:
        """Deploys (or finds) the Stellar Asset Contract of `asset`."""
        cid = asset.contract_id(self.passphrase)
        try:
            self._submit(
                kp,
                lambda b: b.append_create_stellar_asset_contract_from_asset_op(asset),
                f"deploy SAC {asset.code}",
            )
        except Exception:  # already deployed: the id is deterministic
            pass
        return cid

    @retry(stop=stop_after_attempt(3), wait=wait_fixed(1), reraise=True)
    def invoke(self, contract: str, fn: str, args: list[sx.SCVal], kp: Keypair) -> sx.SCVal:
        """Calls `fn` as a signed transaction from `kp`."""
        client = ContractClient(contract, self.rpc_url, self.passphrase)
        tx = client.invoke(fn, args, source=kp.public_key, signer=kp)
        return tx.sign_and_submit()

    def read(self, contract: str, fn: str, args: list[sx.SCVal], source: str) -> sx.SCVal:
        """Simulates a read-only call."""
        client = ContractClient(contract, self.rpc_url, self.passphrase)
        return client.invoke(fn, args, source=source).result()

    def ledger_time(self) -> int:
        """Close time of the latest ledger (the chain's clock)."""
        return int(self.server.get_latest_ledger().close_time)


def addr(a: str | Keypair) -> sx.SCVal:
    """An address argument."""
    return scval.to_address(a.public_key if isinstance(a, Keypair) else a)

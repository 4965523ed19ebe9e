"""Local network benchmark (issue: local Stellar network).

Prints applied SEP-41 transfers per second submitted through sendTransaction (target at
least 300 per second) and simulateTransaction latency p50/p99, on a fresh node started for
the run. Transfers are pre-built and signed (one simulation, sequence numbers in order),
sent over one HTTP session as fast as the client can, and counted when the ledger that
includes the last one has closed.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests
from stellar_sdk import Keypair, SorobanServer, TransactionBuilder, scval
from stellar_sdk.contract import ContractClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.localnet.conftest import start_localnet  # noqa: E402
from urja.chain import Chain  # noqa: E402

N = 1000


def main() -> None:
    node = start_localnet(Path(tempfile.mkdtemp(prefix="urja-bench-")), close_ms=250)
    try:
        server = SorobanServer(node.url)
        admin, bob = Keypair.random(), Keypair.random()
        node.fund(admin.public_key)
        node.fund(bob.public_key)
        chain = Chain(node.url, node.passphrase)
        wasm_hash = chain.upload(admin, ROOT / "target/wasm/urja_token.wasm")
        cid = chain.deploy(admin, wasm_hash, [scval.to_address(admin.public_key)], "token")
        client = ContractClient(cid, node.url, node.passphrase)
        client.invoke(
            "set_minter",
            [scval.to_address(admin.public_key)],
            source=admin.public_key,
            signer=admin,
        ).sign_and_submit()
        client.invoke(
            "mint",
            [scval.to_address(admin.public_key), scval.to_int128(10**12)],
            source=admin.public_key,
            signer=admin,
        ).sign_and_submit()
        # Bob's balance must exist before the simulation that every transfer reuses.
        client.invoke(
            "transfer",
            [
                scval.to_address(admin.public_key),
                scval.to_address(bob.public_key),
                scval.to_int128(1),
            ],
            source=admin.public_key,
            signer=admin,
        ).sign_and_submit()
        # One simulation gives the footprint and fee every identical transfer needs.
        acct = server.load_account(admin.public_key)
        args = [
            scval.to_address(admin.public_key),
            scval.to_address(bob.public_key),
            scval.to_int128(1),
        ]
        template = server.prepare_transaction(
            TransactionBuilder(acct, node.passphrase, 100)
            .append_invoke_contract_function_op(cid, "transfer", args)
            .set_timeout(300)
            .build()
        )
        sim_times = []
        for _ in range(50):
            t0 = time.perf_counter()
            server.simulate_transaction(template)
            sim_times.append(time.perf_counter() - t0)
        data = template.transaction.soroban_data
        auth = template.transaction.operations[0].auth
        acct = server.load_account(admin.public_key)
        txs = []
        for _ in range(N):
            tx = (
                TransactionBuilder(acct, node.passphrase, 100)
                .append_invoke_contract_function_op(cid, "transfer", args, auth=auth)
                .set_soroban_data(data)
                .set_timeout(300)
                .build()
            )
            tx.transaction.fee += data.resource_fee.int64
            tx.sign(admin)
            txs.append(tx.to_xdr())
        session = requests.Session()
        t0 = time.perf_counter()
        last = None
        for x in txs:
            res = session.post(
                node.url,
                json={
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "sendTransaction",
                    "params": {"transaction": x},
                },
            ).json()["result"]
            assert res["status"] == "PENDING", res
            last = res["hash"]
        while server.get_transaction(last).status.value == "NOT_FOUND":
            time.sleep(0.01)
        elapsed = time.perf_counter() - t0
        final = server.get_transaction(last)
        ok = final.status.value == "SUCCESS"
        if not ok:
            from stellar_sdk import xdr as sx2

            print("last result:", sx2.TransactionResult.from_xdr(final.result_xdr).result)
        got = scval.from_int128(
            client.invoke(
                "balance", [scval.to_address(bob.public_key)], source=admin.public_key
            ).result()
        )
        ok = ok and got == N + 1  # every transfer applied (plus the warm-up one)
        rate = N / elapsed
        print(
            f"SEP-41 transfers via sendTransaction: {N} in {elapsed:.2f} s = {rate:.0f} tx/s "
            f"(last {'succeeded' if ok else 'FAILED'}; target >= 300/s: "
            f"{'met' if rate >= 300 and ok else 'MISSED'})"
        )
        q = statistics.quantiles(sim_times, n=100)
        print(
            f"simulateTransaction (transfer): p50 {q[49] * 1e3:.1f} ms, "
            f"p99 {q[98] * 1e3:.1f} ms over {len(sim_times)}"
        )
    finally:
        node.stop()


if __name__ == "__main__":
    main()

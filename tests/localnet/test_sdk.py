"""The official Python stellar-sdk against urja-localnet, unchanged: friendbot, upload and
deploy the project's token WASM, call it, read results and events, bad input, restart."""

from __future__ import annotations

import base64
import signal
import time
from pathlib import Path

import pytest
from stellar_sdk import Asset, Keypair, SorobanServer, TransactionBuilder, scval
from stellar_sdk import xdr as sx
from stellar_sdk.contract import ContractClient

from .conftest import ROOT, start_localnet

TOKEN_WASM = ROOT / "target" / "wasm" / "urja_token.wasm"


def wait_tx(server: SorobanServer, tx_hash: str):
    for _ in range(100):
        r = server.get_transaction(tx_hash)
        if r.status.value != "NOT_FOUND":
            return r
        time.sleep(0.1)
    raise AssertionError("transaction not included")


def submit(server: SorobanServer, kp: Keypair, tx):
    tx = server.prepare_transaction(tx)
    tx.sign(kp)
    sent = server.send_transaction(tx)
    assert sent.status.value == "PENDING", sent
    return wait_tx(server, sent.hash)


@pytest.fixture(scope="module")
def deployed(localnet):
    """A funded admin and a deployed Urja kWh token contract."""
    server = SorobanServer(localnet.url)
    admin = Keypair.random()
    localnet.fund(admin.public_key)
    acct = server.load_account(admin.public_key)
    upload = (
        TransactionBuilder(acct, localnet.passphrase, 100)
        .append_upload_contract_wasm_op(TOKEN_WASM.read_bytes())
        .set_timeout(30)
        .build()
    )
    r = submit(server, admin, upload)
    assert r.status.value == "SUCCESS"
    wasm_hash = sx.TransactionMeta.from_xdr(
        r.result_meta_xdr
    ).v4.soroban_meta.return_value.bytes.sc_bytes
    acct = server.load_account(admin.public_key)
    create = (
        TransactionBuilder(acct, localnet.passphrase, 100)
        .append_create_contract_op(
            wasm_hash,
            admin.public_key,
            # The kWh token's constructor: admin and minter (here both the test's account).
            constructor_args=[scval.to_address(admin.public_key)] * 2,
        )
        .set_timeout(30)
        .build()
    )
    r = submit(server, admin, create)
    assert r.status.value == "SUCCESS", r
    cid = sx.TransactionMeta.from_xdr(r.result_meta_xdr).v4.soroban_meta.return_value.address
    from stellar_sdk import Address

    contract_id = Address.from_xdr_sc_address(cid).address
    return server, admin, contract_id


def test_network_identity(localnet):
    net = localnet.rpc("getNetwork")["result"]
    assert net["passphrase"].startswith("Urja Local Network")
    assert net["protocolVersion"] >= 25
    health = localnet.rpc("getHealth")["result"]
    assert health["status"] == "healthy"


def test_browsers_on_other_origins_may_call_the_rpc(localnet):
    """A wallet web app served from another origin needs CORS, as public RPC providers allow."""
    import requests

    origin = "http://127.0.0.1:5173"
    pre = requests.options(
        localnet.url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=10,
    )
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] in ("*", origin)
    r = requests.post(
        localnet.url,
        json={"jsonrpc": "2.0", "id": 1, "method": "getHealth"},
        headers={"Origin": origin},
        timeout=10,
    )
    assert r.headers["access-control-allow-origin"] in ("*", origin)


def test_contract_calls_through_the_sdk(localnet, deployed):
    server, admin, contract_id = deployed
    client = ContractClient(contract_id, localnet.url, localnet.passphrase)
    assert client.invoke("symbol", source=admin.public_key).result().str.sc_string == b"kWh"
    alice = Keypair.random()
    localnet.fund(alice.public_key)
    tx = client.invoke(
        "set_minter", [scval.to_address(admin.public_key)], source=admin.public_key, signer=admin
    )
    tx.sign_and_submit()
    mint = client.invoke(
        "mint",
        [scval.to_address(alice.public_key), scval.to_int128(1234)],
        source=admin.public_key,
        signer=admin,
    )
    mint.sign_and_submit()
    bal = client.invoke(
        "balance", [scval.to_address(alice.public_key)], source=admin.public_key
    ).result()
    assert scval.from_int128(bal) == 1234


def test_events_are_paged_with_a_cursor(localnet, deployed):
    server, admin, contract_id = deployed
    client = ContractClient(contract_id, localnet.url, localnet.passphrase)
    client.invoke(
        "set_minter", [scval.to_address(admin.public_key)], source=admin.public_key, signer=admin
    ).sign_and_submit()
    for amount in (1, 2, 3):
        client.invoke(
            "mint",
            [scval.to_address(admin.public_key), scval.to_int128(amount)],
            source=admin.public_key,
            signer=admin,
        ).sign_and_submit()
    topic = base64.b64encode(scval.to_symbol("mint").to_xdr_bytes()).decode()
    filters = [{"type": "contract", "contractIds": [contract_id], "topics": [[topic, "**"]]}]
    seen, cursor = [], None
    for _ in range(10):
        params = {"filters": filters, "pagination": {"limit": 1}}
        if cursor:
            params["pagination"]["cursor"] = cursor
        else:
            params["startLedger"] = 2
        res = localnet.rpc("getEvents", params)["result"]
        if not res["events"]:
            break
        seen.extend(res["events"])
        cursor = res["cursor"]

    def amount(value: str) -> int:
        v = sx.SCVal.from_xdr(value)
        if v.type == sx.SCValType.SCV_MAP:  # SEP-41 events with muxed ids carry a map
            v = next(e.val for e in v.map.sc_map if e.key.sym.sc_symbol == b"amount")
        return scval.from_int128(v)

    amounts = [amount(e["value"]) for e in seen]
    assert amounts[-3:] == [1, 2, 3], amounts
    assert len({e["id"] for e in seen}) == len(seen)  # one page per event, no repeats
    assert all(e["contractId"] == contract_id for e in seen)


def test_bad_input_gets_rpc_errors_and_the_node_keeps_serving(localnet):
    assert localnet.rpc("sendTransaction", {"transaction": "not-xdr"})["error"]["code"] == -32602
    assert localnet.rpc("noSuchMethod")["error"]["code"] == -32601
    server = SorobanServer(localnet.url)
    kp = Keypair.random()
    localnet.fund(kp.public_key)
    acct = server.load_account(kp.public_key)
    other = Keypair.random()
    tx = (
        TransactionBuilder(acct, localnet.passphrase, 100)
        .append_payment_op(kp.public_key, Asset.native(), "1")
        .set_timeout(30)
        .build()
    )
    tx.sign(other)  # a signature by the wrong key
    sent = server.send_transaction(tx)
    assert sent.status.value == "ERROR"
    assert sx.TransactionResult.from_xdr(sent.error_result_xdr).result.code == (
        sx.TransactionResultCode.txBAD_AUTH
    )
    acct.sequence -= 5  # stale sequence number
    tx = (
        TransactionBuilder(acct, localnet.passphrase, 100)
        .append_payment_op(kp.public_key, Asset.native(), "1")
        .set_timeout(30)
        .build()
    )
    tx.sign(kp)
    sent = server.send_transaction(tx)
    assert sx.TransactionResult.from_xdr(sent.error_result_xdr).result.code == (
        sx.TransactionResultCode.txBAD_SEQ
    )
    assert localnet.rpc("getHealth")["result"]["status"] == "healthy"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_state_survives_a_restart(tmp_path: Path, sig):
    node = start_localnet(tmp_path)
    kp = Keypair.random()
    node.fund(kp.public_key)
    latest = node.rpc("getLatestLedger")["result"]["sequence"]
    node.stop(sig)
    node = start_localnet(tmp_path)
    try:
        assert node.rpc("getLatestLedger")["result"]["sequence"] >= latest
        SorobanServer(node.url).load_account(kp.public_key)
    finally:
        node.stop()


def test_cli_starts_reports_and_stops_the_node(tmp_path):
    from click.testing import CliRunner

    from urja.cli import main

    from .conftest import free_port

    args = ["--data-dir", str(tmp_path)]
    r = CliRunner().invoke(
        main, ["node", "start", "--port", str(free_port()), "--ledger-close-ms", "200", *args]
    )
    assert r.exit_code == 0 and "local network running" in r.output, r.output
    try:
        r = CliRunner().invoke(main, ["node", "status", *args])
        assert r.exit_code == 0 and "latest ledger" in r.output, r.output
    finally:
        r = CliRunner().invoke(main, ["node", "stop", *args])
    assert "stopped" in r.output
    assert CliRunner().invoke(main, ["node", "status", *args]).exit_code == 1


def test_low_fee_missing_footprint_and_oversized_requests(localnet, deployed):
    import requests

    server, admin, contract_id = deployed
    kp = Keypair.random()
    localnet.fund(kp.public_key)
    acct = server.load_account(kp.public_key)
    seq_before = acct.sequence
    tx = (
        TransactionBuilder(acct, localnet.passphrase, 50)  # below the 100-stroop base fee
        .append_payment_op(admin.public_key, Asset.native(), "1")
        .set_timeout(30)
        .build()
    )
    tx.sign(kp)
    sent = server.send_transaction(tx)
    assert sx.TransactionResult.from_xdr(sent.error_result_xdr).result.code == (
        sx.TransactionResultCode.txINSUFFICIENT_FEE
    )
    assert server.load_account(kp.public_key).sequence == seq_before  # nothing changed
    # A footprint that misses the entry the call writes: the host refuses the access.
    acct = server.load_account(admin.public_key)
    call = server.prepare_transaction(
        TransactionBuilder(acct, localnet.passphrase, 100)
        .append_invoke_contract_function_op(
            contract_id, "set_minter", [scval.to_address(kp.public_key)]
        )
        .set_timeout(30)
        .build()
    )
    call.transaction.soroban_data.resources.footprint.read_write = []
    call.sign(admin)
    sent = server.send_transaction(call)
    assert sent.status.value == "PENDING"
    done = wait_tx(server, sent.hash)
    assert done.status.value == "FAILED"
    op = sx.TransactionResult.from_xdr(done.result_xdr).result.results[0]
    assert op.tr.invoke_host_function_result.code == (
        sx.InvokeHostFunctionResultCode.INVOKE_HOST_FUNCTION_TRAPPED
    )
    # Oversized request body.
    big = requests.post(localnet.url, data=b"x" * (600 * 1024), timeout=30)
    assert big.status_code == 413
    assert localnet.rpc("getHealth")["result"]["status"] == "healthy"


def test_stellar_asset_contract_for_a_classic_asset(localnet):
    from stellar_sdk import Address

    server = SorobanServer(localnet.url)
    issuer, alice, bob = Keypair.random(), Keypair.random(), Keypair.random()
    for kp in (issuer, alice, bob):
        localnet.fund(kp.public_key)
    usdc = Asset("USDC", issuer.public_key)
    for kp in (alice, bob):
        acct = server.load_account(kp.public_key)
        tx = (
            TransactionBuilder(acct, localnet.passphrase, 100)
            .append_change_trust_op(usdc, limit="1000000")
            .set_timeout(30)
            .build()
        )
        tx.sign(kp)
        assert wait_tx(server, server.send_transaction(tx).hash).status.value == "SUCCESS"
    # A classic payment from the issuer mints to Alice's trustline.
    acct = server.load_account(issuer.public_key)
    tx = (
        TransactionBuilder(acct, localnet.passphrase, 100)
        .append_payment_op(alice.public_key, usdc, "100")
        .set_timeout(30)
        .build()
    )
    tx.sign(issuer)
    assert wait_tx(server, server.send_transaction(tx).hash).status.value == "SUCCESS"
    # Deploy the asset's Stellar Asset Contract and move the asset through it.
    acct = server.load_account(issuer.public_key)
    deploy = (
        TransactionBuilder(acct, localnet.passphrase, 100)
        .append_create_stellar_asset_contract_from_asset_op(usdc)
        .set_timeout(30)
        .build()
    )
    r = submit(server, issuer, deploy)
    assert r.status.value == "SUCCESS", r
    sac = usdc.contract_id(localnet.passphrase)
    meta = sx.TransactionMeta.from_xdr(r.result_meta_xdr)
    assert Address.from_xdr_sc_address(meta.v4.soroban_meta.return_value.address).address == sac
    client = ContractClient(sac, localnet.url, localnet.passphrase)
    amount = 40 * 10**7  # 40 USDC in stroops
    client.invoke(
        "transfer",
        [
            scval.to_address(alice.public_key),
            scval.to_address(bob.public_key),
            scval.to_int128(amount),
        ],
        source=alice.public_key,
        signer=alice,
    ).sign_and_submit()

    def balance(kp):
        out = client.invoke("balance", [scval.to_address(kp.public_key)], source=kp.public_key)
        return scval.from_int128(out.result())

    assert (balance(alice), balance(bob)) == (60 * 10**7, 40 * 10**7)
    # The trustline entry itself moved too (classic and contract views agree).
    key = sx.LedgerKey(
        sx.LedgerEntryType.TRUSTLINE,
        trust_line=sx.LedgerKeyTrustLine(
            Keypair.from_public_key(bob.public_key).xdr_account_id(),
            usdc.to_trust_line_asset_xdr_object(),
        ),
    )
    entry = localnet.rpc("getLedgerEntries", {"keys": [key.to_xdr()]})["result"]["entries"][0]
    assert sx.LedgerEntryData.from_xdr(entry["xdr"]).trust_line.balance.int64 == 40 * 10**7

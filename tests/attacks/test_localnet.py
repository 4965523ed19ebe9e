"""Issue 13's attacks against the WASM builds on the local network, through the Stellar RPC
API as a real operator or household would send them: each is refused on-chain with its
named contract error (or a failed authorization), and nothing changes.

The same attacks run in the contracts' own tests on the native and WASM builds in the test
environment (`cargo test -p urja-market attack_`, `-p urja-governance attack_`); here the
network's own transaction path (simulation, footprints, auth) is in the loop."""

from __future__ import annotations

import time

import pytest
from stellar_sdk import Keypair, scval

from urja import localnet, zk
from urja.bindings import Market, Registry, Token
from urja.chain import Chain, ChainError, addr
from urja.deploy import (
    Deployment,
    MarketSettings,
    action_call,
    deploy_trial,
    install_key_by_vote,
)

from ..localnet.conftest import free_port

SLOT_SECS = 15


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    root = tmp_path_factory.mktemp("attacks")
    node = localnet.start(root / "net", free_port(), ledger_close_ms=250)
    try:
        chain = Chain(node.url, localnet.status(node.url)["network"]["passphrase"])
        op = Keypair.random()
        chain.fund_if_new(op.public_key, f"{node.url}/friendbot")
        settings = MarketSettings(
            slot_secs=SLOT_SECS, gate_lead_secs=5, delivery_deadline_secs=600, price_cap=1000
        )
        yield chain, op, deploy_trial(chain, op, settings)
    finally:
        localnet.stop(root / "net")


def household(chain: Chain, op: Keypair, dep: Deployment, role: str) -> Keypair:
    kp = Keypair.random()
    chain.fund_if_new(kp.public_key, f"{chain.rpc_url}/friendbot")
    Registry(chain, dep.contracts["registry"]).add_member(op, kp.public_key, role, 0)
    return kp


def after(chain: Chain, t: int) -> None:
    """Waits until the chain's clock has passed `t` (ledger times count whole seconds)."""
    while chain.ledger_time() <= t:
        time.sleep(0.2)


def refused(name: str, fn, *args) -> None:
    """`fn(*args)` is refused on-chain with the contract error `name`."""
    with pytest.raises(ChainError) as e:
        fn(*args)
    assert e.value.name == name, str(e.value)


def unauthorized(fn, *args) -> None:
    """`fn(*args)` is refused for want of the right signature (no contract error code)."""
    with pytest.raises(ChainError) as e:
        fn(*args)
    assert e.value.code is None, str(e.value)
    assert "auth" in str(e.value).lower(), str(e.value)


def test_the_key_reaches_the_verifier_only_by_a_vote(net):
    # First in this module: its three voters must be a majority of the members.
    chain, op, dep = net
    voters = [household(chain, op, dep, "receiver") for _ in range(3)]
    key = zk.ProvingKey.setup(5)
    assert chain.read(dep.contracts["verifier"], "key", [scval.to_uint32(1)]).type.name == (
        "SCV_VOID"
    )
    install_key_by_vote(chain, dep, key.vk_bytes(), voters, say=lambda *_: None)
    stored = chain.read(dep.contracts["verifier"], "key", [scval.to_uint32(1)])
    assert bytes(stored.bytes.sc_bytes) == key.vk_bytes()


def test_the_operator_holds_no_power_beyond_its_role(net):
    chain, op, dep = net
    reg = Registry(chain, dep.contracts["registry"])
    donor = household(chain, op, dep, "donor")
    meter = bytes(range(32))
    reg.register_meter(op, meter, donor.public_key, 0, 100)
    # A meter the operator registered cannot sell until its owner signs for it.
    refused(
        "MeterNotAccepted",
        Market(chain, dep.contracts["market"]).order,
        donor,
        "sell",
        chain.ledger_time() // SLOT_SECS + 10,
        100,
        5,
        meter,
    )
    # The operator cannot suspend it, raise its limit, change the minter, or install a key.
    unauthorized(reg.set_meter_active, op, meter, False)
    unauthorized(
        chain.invoke,
        dep.contracts["registry"],
        "set_meter_capacity",
        [scval.to_bytes(meter), scval.to_uint32(60_000)],
        op,
    )
    unauthorized(chain.invoke, dep.contracts["token"], "set_minter", [addr(op)], op)
    unauthorized(
        chain.invoke,
        dep.contracts["verifier"],
        "set_key",
        [scval.to_uint32(1), scval.to_bytes(zk.ProvingKey.setup(3).vk_bytes())],
        op,
    )
    assert Token(chain, dep.contracts["token"]).total_supply() == 0
    assert reg.meter(meter)["active"] is False


def test_a_flood_of_one_wh_bids_is_refused_at_settlement(net):
    chain, op, dep = net
    market = Market(chain, dep.contracts["market"])
    reg = Registry(chain, dep.contracts["registry"])
    donor = household(chain, op, dep, "donor")
    meter = bytes([7] * 32)
    reg.register_meter(op, meter, donor.public_key, 0, 100)
    reg.accept_meter(donor, meter)
    buyers = [household(chain, op, dep, "receiver") for _ in range(21)]
    slot = chain.ledger_time() // SLOT_SECS + 6
    sell = market.order(donor, "sell", slot, 1000, 5, meter)
    bids = [market.order(b, "buy", slot, 1, 9) for b in buyers]
    gate = slot * SLOT_SECS - 5
    while chain.ledger_time() < gate:
        time.sleep(0.25)
    trades = [{"buy": b, "sell": sell, "wh": 1, "price": 7} for b in bids]
    refused("TooManyTrades", market.settle, op, slot, trades, 7)
    market.settle(op, slot, trades[:20], 7)
    refused("TooManyTrades", market.settle, op, slot, trades[20:], 7)


def test_a_member_admitted_after_a_proposal_cannot_vote_on_it(net):
    chain, op, dep = net
    voters = [household(chain, op, dep, "receiver") for _ in range(2)]
    g = dep.contracts["governance"]
    action = action_call(dep.contracts["token"], "set_minter", [addr(op)]).to_scval()
    after(chain, chain.ledger_time())  # members vote on proposals made after their admission
    pid = chain.invoke(
        g,
        "propose",
        [addr(voters[0]), action, scval.to_string("make the operator minter")],
        voters[0],
    )
    created = chain.ledger_time()
    after(chain, created)  # admitted strictly after the proposal, not in its second
    late = household(chain, op, dep, "receiver")
    refused(
        "NotEligible",
        chain.invoke,
        g,
        "vote",
        [addr(late), pid, scval.to_bool(True)],
        late,
    )


def test_a_short_slot_meter_claims_no_more_than_its_rate(net):
    # Needs the key the first test voted in. 15-second slots: each reading covers a second,
    # so a meter registered at 60 Wh a minute may claim 1 Wh a reading. The market used to
    # take the per-minute rate as the per-reading cap: 60 times the meter's rate.
    from nacl.signing import SigningKey

    from urja import metering
    from urja.domain import market_domain
    from urja.fleet import sign_slot

    chain, op, dep = net
    market = Market(chain, dep.contracts["market"])
    reg = Registry(chain, dep.contracts["registry"])
    donor = household(chain, op, dep, "donor")
    sk = SigningKey(bytes([11] * 32))
    meter = bytes(sk.verify_key)
    reg.register_meter(op, meter, donor.public_key, 0, 60)
    reg.accept_meter(donor, meter)
    limit = metering.reading_limit_wh(60, SLOT_SECS)
    assert limit == 1
    key = zk.ProvingKey.setup(5)
    domain = market_domain(chain.passphrase, dep.contracts["market"])
    slot = chain.ledger_time() // SLOT_SECS
    after(chain, (slot + 1) * SLOT_SECS)

    def send(readings: list[int], proven_limit: int) -> None:
        m = sign_slot(sk, slot, readings, [0] * 15, None, domain=domain)
        p = zk.prove_delivery(key, readings, m.salt, slot, proven_limit, meter, domain=domain)
        market.deliver(op, meter, slot, m.commitment, p.energy_wh, m.signature, p.proof)

    supply = Token(chain, dep.contracts["token"]).total_supply()
    refused("EnergyOutOfRange", send, [60] * 15, 60)  # 900 Wh in 15 seconds
    refused("ProofRejected", send, [1] * 15, 60)  # proven against the per-minute rate
    assert Token(chain, dep.contracts["token"]).total_supply() == supply
    send([limit] * 15, limit)  # what the meter can export in 15 seconds
    assert market.delivered(meter, slot)
    assert Token(chain, dep.contracts["token"]).total_supply() == supply + 15


def test_attack_new_households_first_orders_simulated_together_all_land(net):
    """Four new households' first bids, each simulated against the same state and only then
    all sent: every one succeeds on chain, the first time. While a household's number came
    from the market's counter at its first order, all but the first applied failed (charged,
    without effect): their order ids, and so their footprints, were not the ones simulated.
    The registry now numbers members at admission."""
    from stellar_sdk import TransactionBuilder

    chain, op, dep = net
    homes = [household(chain, op, dep, "receiver") for _ in range(4)]
    market = Market(chain, dep.contracts["market"])
    slot = chain.ledger_time() // SLOT_SECS + 8
    prepared = []
    for kp in homes:  # every simulation sees the same market: none is sent yet
        args = market.encode("bid", kp.public_key, slot, 10, 5)
        tx = (
            TransactionBuilder(chain.server.load_account(kp.public_key), chain.passphrase, 100)
            .append_invoke_contract_function_op(market.id, "bid", args)
            .set_timeout(120)
            .build()
        )
        tx = chain.server.prepare_transaction(tx)
        tx.sign(kp)
        prepared.append(tx)
    hashes = [chain.server.send_transaction(tx).hash for tx in prepared]
    results = []
    for h in hashes:
        for _ in range(200):
            r = chain.server.get_transaction(h)
            if r.status.value in ("SUCCESS", "FAILED"):
                results.append(r.status.value)
                break
            time.sleep(0.1)
    assert results == ["SUCCESS"] * 4
    ids = [market.view("account", kp.public_key)["number"] for kp in homes]
    assert len(set(ids)) == 4

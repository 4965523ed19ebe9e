"""`urja.fees` reads what the network charged: each transaction's fee from its result, its
declared resources from its envelope, its events from its metadata, grouped by function."""

from __future__ import annotations

from stellar_sdk import Asset, Keypair, SorobanServer, scval
from stellar_sdk import xdr as sx

from urja import fees
from urja.chain import Chain, addr


def test_fees_are_the_charged_fees_of_the_applied_transactions(localnet):
    chain = Chain(localnet.url, localnet.passphrase)
    a, b = Keypair.random(), Keypair.random()
    localnet.fund(a.public_key)
    localnet.fund(b.public_key)
    start = chain.latest_ledger()
    sac = chain.deploy_asset(a, Asset.native())
    chain.invoke(sac, "transfer", [addr(a), addr(b), scval.to_int128(5)], a)
    first = chain.local.tx_hash
    chain.invoke(sac, "transfer", [addr(b), addr(a), scval.to_int128(2)], b)
    costs = fees.transactions(localnet.url, start)
    mine = [c for c in costs if c.function == "transfer" and c.contract == sac]
    assert [c.source for c in mine] == [a.public_key, b.public_key]
    r = SorobanServer(localnet.url).get_transaction(first)
    charged = sx.TransactionResult.from_xdr(r.result_xdr).fee_charged.int64
    # More than the 100-stroop inclusion fee: instructions, entries and bytes are charged.
    assert mine[0].fee == charged > 100
    assert mine[0].success
    assert mine[0].instructions > 0 and mine[0].writes >= 2 and mine[0].reads >= mine[0].writes
    assert mine[0].events_bytes > 0 and mine[0].write_bytes > 0
    rep = fees.report(costs, {a.public_key: "operator"}, delivered_wh=2_000, contracts={sac})
    assert rep.by_function["transfer"].count == 2
    assert rep.by_function["transfer"].failed == 0 and rep.total.failed == 0
    assert rep.by_payer["operator"].fee == charged
    assert rep.by_payer["households"].fee == mine[1].fee
    assert rep.per_kwh == (charged + mine[1].fee) / 2
    assert "XLM per kWh" in rep.text()

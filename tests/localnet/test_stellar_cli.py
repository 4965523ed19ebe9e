"""The official stellar CLI against the local network with the project's deployed contracts:
the household, operator and auditor tasks docs/stellar-cli.md shows, run as written there.

The CLI is a 35-45 minute build on 2 cores, so it is not part of `make test`'s set-up:
`make stellar-cli` builds it once into a cache outside the repo, and this module skips, saying
so, when it is absent (as on a clean CI machine)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from stellar_sdk import Keypair, SorobanServer
from stellar_sdk.soroban_rpc import EventFilter, EventFilterType

from urja import events, localnet
from urja.bindings import Market
from urja.chain import Chain, contract_errors
from urja.deploy import MarketSettings, deploy_trial
from urja.indexer.follow import decode
from urja.slots import SlotClock

from .conftest import ROOT, free_port

CLI = Path(
    subprocess.run(
        [ROOT / "scripts/build-stellar-cli.sh", "--path"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
)
NETWORK = "urja-local"
"""The name the docs give the local network in the CLI's configuration."""

pytestmark = pytest.mark.skipif(
    not CLI.exists(),
    reason=f"the stellar CLI is not built ({CLI} is absent): `make stellar-cli` builds it "
    "once (35-45 minutes on 2 cores)",
)


class StellarCli:
    """The CLI with its own configuration directory, pointed at one local network."""

    def __init__(self, config_dir: Path):
        self.config_dir = config_dir

    def run(
        self, *args: str, env: dict | None = None, ok: bool = True
    ) -> subprocess.CompletedProcess:
        """Runs `stellar ARGS` and returns the finished process; with `ok`, fails the test on
        a non-zero exit, showing what the CLI said."""
        p = subprocess.run(
            [str(CLI), "--config-dir", str(self.config_dir), "--no-cache", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "NO_COLOR": "1", **(env or {})},
        )
        if ok:
            assert p.returncode == 0, f"stellar {' '.join(args)}:\n{p.stdout}\n{p.stderr}"
        return p

    def out(self, *args: str, **kw) -> str:
        return self.run(*args, **kw).stdout.strip()

    def invoke(self, contract: str, source: str, fn: str, *args: str, ok: bool = True):
        """`contract invoke` of `fn` as `source` (a key's name in the configuration)."""
        return self.run(
            "contract", "invoke", "--id", contract, "--source", source, "--network", NETWORK,
            "--", fn, *args, ok=ok,
        )  # fmt: skip

    def json(self, contract: str, source: str, fn: str, *args: str):
        return json.loads(self.invoke(contract, source, fn, *args).stdout)

    def spec(self, contract: str) -> list[dict]:
        """The contract's interface as the CLI reads it from the deployed WASM's spec."""
        return json.loads(self.out("contract", "info", "interface", "--id", contract,
                                   "--network", NETWORK, "--output", "json"))  # fmt: skip

    def household(self, name: str) -> str:
        """A new key, funded by friendbot through the CLI; returns its address."""
        self.run("keys", "generate", name, "--network", NETWORK, "--fund")
        return self.out("keys", "address", name)

    def balance(self, token: str, account: str) -> int:
        return int(self.out("token", "balance", "--id", token, "--account", account,
                            "--network", NETWORK))  # fmt: skip


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    """A local network with the project's contracts deployed by `urja.deploy`, and a CLI
    configured for it as the docs say, holding the operator's key as `operator`."""
    root = tmp_path_factory.mktemp("stellar-cli")
    node = localnet.start(root / "net", free_port(), ledger_close_ms=250)
    try:
        chain = Chain(node.url, localnet.status(node.url)["network"]["passphrase"])
        op = Keypair.random()
        chain.fund_if_new(op.public_key, f"{node.url}/friendbot")
        settings = MarketSettings(
            slot_secs=60, gate_lead_secs=5, delivery_deadline_secs=600, price_cap=1000
        )
        dep = deploy_trial(chain, op, settings)
        cli = StellarCli(root / "cli")
        cli.run("network", "add", NETWORK, "--rpc-url", node.url,
                "--network-passphrase", chain.passphrase)  # fmt: skip
        cli.run("keys", "add", "operator", env={"STELLAR_SECRET_KEY": op.secret})
        assert cli.out("keys", "address", "operator") == op.public_key
        yield cli, chain, dep
    finally:
        localnet.stop(root / "net")


def open_slot(chain: Chain, market: Market) -> int:
    """A slot whose order book stays open for the rest of the test (its gate is over 50 s
    away on the chain's clock)."""
    return SlotClock.from_params(market.params()).current(chain.ledger_time()) + 2


def test_the_cli_reads_each_contracts_interface_and_errors_from_its_wasm(community):
    cli, _, dep = community
    rust = cli.out("contract", "info", "interface", "--id", dep.contracts["market"],
                   "--network", NETWORK)  # fmt: skip
    assert "fn bid(" in rust and "max_price: i128" in rust
    for kind in ("token", "registry", "verifier", "market", "governance"):
        spec = cli.spec(dep.contracts[kind])
        cases = {
            str(c["value"]): c["name"]
            for e in spec
            if "udt_error_enum_v0" in e
            for c in e["udt_error_enum_v0"]["cases"]
        }
        # What a household sees as `Error(Contract, #N)` is named by the project's error
        # table, generated from the same contracts: the two agree on every code deployed.
        table = {code: e["name"] for code, e in contract_errors()[kind].items()}
        assert cases and {c: table.get(c) for c in cases} == cases, kind


def test_a_receiver_joins_bids_and_reads_its_escrow_and_balance(community):
    cli, chain, dep = community
    m, pay = dep.contracts["market"], dep.contracts["payment"]
    who = cli.household("asha")
    cli.invoke(dep.contracts["registry"], "operator", "add_member",
               "--addr", "asha", "--role", "2", "--feeder", "0")  # fmt: skip
    assert cli.json(dep.contracts["registry"], "asha", "member", "--addr", "asha")["active"]

    market = Market(chain, m)
    slot = open_slot(chain, market)
    before = cli.balance(pay, "asha")
    order_id = int(cli.out("contract", "invoke", "--id", m, "--source", "asha", "--network",
                           NETWORK, "--", "bid", "--receiver", "asha", "--slot", str(slot),
                           "--wh", "500", "--max_price", "90"))  # fmt: skip
    spent = before - cli.balance(pay, "asha")

    order = cli.json(m, "asha", "order", "--order_id", str(order_id))
    assert (order["owner"], order["slot"], int(order["wh"]), int(order["price"])) == (
        who, slot, 500, 90,
    )  # fmt: skip
    assert market.view("order", order_id)["wh"] == 500  # as urja reads it
    assert int(cli.json(m, "asha", "account", "--owner", "asha")["held"]) == 500 * 90
    # The escrow left the household's payment balance, and so did the network fee (which
    # the CLI showed no more than 1 XLM of).
    assert 500 * 90 < spent < 500 * 90 + 10_000_000


def test_a_donor_offers_from_its_meter_and_cancels(community):
    cli, chain, dep = community
    m, reg = dep.contracts["market"], dep.contracts["registry"]
    cli.household("bo")
    cli.invoke(reg, "operator", "add_member", "--addr", "bo", "--role", "1", "--feeder", "0")
    meter = Keypair.random().raw_public_key().hex()
    cli.invoke(reg, "operator", "register_meter", "--meter_id", meter, "--owner", "bo",
               "--feeder", "0", "--max_wh_per_minute", "20")  # fmt: skip
    cli.invoke(reg, "bo", "accept_meter", "--meter_id", meter)
    assert cli.json(reg, "bo", "meter", "--meter_id", meter)["accepted"] is True

    slot = open_slot(chain, Market(chain, m))
    oid = cli.out("contract", "invoke", "--id", m, "--source", "bo", "--network", NETWORK,
                  "--", "offer", "--donor", "bo", "--meter", meter, "--slot", str(slot),
                  "--wh", "300", "--min_price", "40")  # fmt: skip
    assert cli.json(m, "bo", "order", "--order_id", oid)["meter"] == meter
    cli.invoke(m, "bo", "cancel", "--owner", "bo", "--order_id", oid)
    status = next(e["udt_enum_v0"] for e in cli.spec(m)
                  if e.get("udt_enum_v0", {}).get("name") == "OrderStatus")  # fmt: skip
    names = {c["value"]: c["name"] for c in status["cases"]}
    assert names[cli.json(m, "bo", "order", "--order_id", oid)["status"]] == "Cancelled"


def test_a_bid_for_a_closed_slot_is_refused_by_name_and_changes_nothing(community):
    cli, chain, dep = community
    m, pay = dep.contracts["market"], dep.contracts["payment"]
    cli.household("chen")
    cli.invoke(dep.contracts["registry"], "operator", "add_member",
               "--addr", "chen", "--role", "2", "--feeder", "0")  # fmt: skip
    before = cli.balance(pay, "chen")
    past = open_slot(chain, Market(chain, m)) - 3
    p = cli.invoke(m, "chen", "bid", "--receiver", "chen", "--slot", str(past), "--wh", "100",
                   "--max_price", "50", ok=False)  # fmt: skip
    assert p.returncode != 0
    assert "Error(Contract, #4)" in p.stderr, p.stderr
    assert contract_errors()["market"]["4"]["name"] == "SlotClosed"
    # Refused in simulation: nothing was sent, so nothing was held and no fee was charged.
    assert cli.balance(pay, "chen") == before
    assert int(cli.json(m, "chen", "account", "--owner", "chen")["held"]) == 0


def test_the_cli_decodes_the_markets_events_as_the_indexer_does(community):
    cli, chain, dep = community
    m = dep.contracts["market"]
    # Orders of the tests above (this module's tests share one network): at least a bid, an
    # offer and a cancellation.
    printed = cli.out("events", "--id", m, "--start-ledger", "1", "--count", "100",
                      "--network", NETWORK, "--output", "json")  # fmt: skip
    got = [json.loads(line) for line in printed.splitlines()]
    assert len(got) >= 3
    rpc = SorobanServer(chain.rpc_url).get_events(
        1, filters=[EventFilter(event_type=EventFilterType.CONTRACT, contract_ids=[m])], limit=100
    )
    ours = {}
    for ev in rpc.events:
        name, topics, data = decode(ev)
        ours[ev.id] = events.decode("market", [name, *topics], data)
    assert {ev["event_name"] for ev in got} >= {"OrderPlaced", "OrderCancelled"}
    for ev in got:
        rec = ours[ev["id"]]
        assert type(rec).__name__ == ev["event_name"]
        mine = {k.rstrip("_"): plain(v) for k, v in rec._asdict().items()}
        theirs = {k: plain(v) for k, v in ev["params"].items()}
        assert mine == theirs, ev["event_name"]


def plain(v):
    """A field as text both decoders agree on: integers (the CLI prints i128 as strings,
    enums as their integer) in decimal, bytes in hex."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, int) or (isinstance(v, str) and v.lstrip("-").isdigit()):
        return str(int(v))
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v

"""Deploying a community: upload and wire Urja's contracts so that the community's governance
administers every one of them from its construction, and write the deployment record every
other command reads.

Every contract id is computed before anything is deployed (Stellar derives a contract's id
from its deployer and a salt), so each constructor names its final admin and peers: token
(admin governance, minter the market), registry (admin governance, operator role the
operator's key), verifier (admin governance; the Poseidon tables, which anyone may install
because their hashes are compiled in), the payment asset's Stellar Asset Contract, market
(admin governance), and governance (the registry whose members vote, the governed set, the
voting rules and the deployment's floors). No key has a bootstrap power: the delivery
verifying key reaches the verifier only through a passed proposal (`propose_key`), once the
community has members (docs/contracts.md, "Deployment").
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from stellar_sdk import Asset, Keypair, scval
from stellar_sdk import xdr as sx

from . import ceremony, proof_check, zk
from .bindings import Contract
from .chain import Chain, addr
from .clients import governance as gov_client
from .clients import market as market_client

REPO = Path(__file__).resolve().parents[2]
CIRCUIT_ID = 1
RECORD = "deployment.json"


class DeployError(RuntimeError):
    """A deployment cannot proceed; the message says what is missing."""


@dataclass
class MarketSettings:
    """The market's parameters at deployment (contracts/market `Params`)."""

    slot_secs: int = 900
    gate_lead_secs: int = 300
    delivery_deadline_secs: int = 3600
    horizon_slots: int = 96
    price_floor: int = 1
    price_cap: int = 100_000
    fee_bps: int = 100


@dataclass
class GovernanceSettings:
    """Voting rules of governance (contracts/governance `GovParams`) and the deployment's
    floors, under which no later vote may set them."""

    quorum_bps: int = 5000
    voting_secs: int = 3 * 24 * 3600
    timelock_secs: int = 24 * 3600
    grace_secs: int = 7 * 24 * 3600
    maturity_secs: int = 7 * 24 * 3600
    floors: dict = field(
        default_factory=lambda: {
            "quorum_bps": 1000,
            "voting_secs": 24 * 3600,
            "timelock_secs": 24 * 3600,
            "grace_secs": 24 * 3600,
            "maturity_secs": 24 * 3600,
        }
    )

    @staticmethod
    def trial(voters: int = 0) -> GovernanceSettings:
        """Seconds-long rules for a local trial, the demo and tests: a vote takes about
        ten seconds, plus a second for each of the `voters` expected to vote one after the
        other. Never for a real community (the contract's absolute floors apply)."""
        return GovernanceSettings(
            quorum_bps=5000,
            voting_secs=6 + voters,
            timelock_secs=5,
            grace_secs=3600,
            maturity_secs=0,
            floors={
                "quorum_bps": 1,
                "voting_secs": 5,
                "timelock_secs": 5,
                "grace_secs": 60,
                "maturity_secs": 0,
            },
        )

    def params(self) -> dict:
        """The rules as the contract's `GovParams` fields."""
        return {
            "quorum_bps": self.quorum_bps,
            "voting_secs": self.voting_secs,
            "timelock_secs": self.timelock_secs,
            "grace_secs": self.grace_secs,
            "maturity_secs": self.maturity_secs,
        }


def gov_params(p: dict) -> sx.SCVal:
    """A `GovParams` argument (the governance contract's generated type)."""
    return gov_client.GovParams(**{k: int(v) for k, v in p.items()}).to_scval()


@dataclass
class Deployment:
    """What `urja deploy` wrote: where the contracts are and how the market is set up."""

    network: str
    rpc_url: str
    passphrase: str
    contracts: dict[str, str]
    market: dict
    operator: str
    circuit_id: int = CIRCUIT_ID
    vk_sha256: str = ""
    """SHA-256 of the delivery verifying key this deployment proposes (contract encoding)."""
    transcript_sha256: str = ""
    """SHA-256 of the ceremony transcript the key comes from; empty for the insecure
    development setup."""
    governance: dict = field(default_factory=dict)
    """Voting rules and floors at deployment."""
    proving_key_sha256: str = ""
    """SHA-256 of the published proving key `keys/delivery.pk` (anyone may prove with it)."""
    feeders: list[dict] = field(default_factory=list)
    ledger: int = 0
    site: dict = field(default_factory=dict)
    """`SiteClock` fields: latitude, longitude and (demo) the compressed slot-time mapping."""

    def save(self, data_dir: Path) -> Path:
        """Writes `<data_dir>/deployment.json` atomically."""
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / RECORD
        fd, tmp = tempfile.mkstemp(dir=data_dir, prefix=".deployment-")
        with os.fdopen(fd, "w") as f:
            json.dump(asdict(self), f, indent=1, sort_keys=True)
            f.write("\n")
        os.replace(tmp, path)
        return path

    @staticmethod
    def load(data_dir: Path) -> Deployment | None:
        """The record in `data_dir`, or None when nothing was deployed from there."""
        path = data_dir / RECORD
        if not path.exists():
            return None
        try:
            return Deployment(**json.loads(path.read_text()))
        except (json.JSONDecodeError, TypeError) as e:
            raise DeployError(f"{path} is not a deployment record: {e}") from None


def wasm(name: str, wasm_dir: Path | None = None) -> Path:
    """The built WASM of contract `name`; in a source checkout it is built when missing."""
    path = (wasm_dir or REPO / "target" / "wasm") / f"urja_{name}.wasm"
    script = REPO / "scripts" / "build-contracts.sh"
    if not path.exists() and wasm_dir is None and script.exists():
        print(f"{path.name} not built yet: running {script} ...")
        if subprocess.run([str(script)], cwd=REPO).returncode != 0:
            raise DeployError("building the contracts failed (see the output above)")
    if not path.exists():
        raise DeployError(f"{path} missing: build the contracts with `make contracts`")
    return path


def payment_asset(spec: str) -> Asset:
    """`native` (XLM) or `CODE:ISSUER` for a classic asset such as a community stablecoin."""
    if spec == "native":
        return Asset.native()
    code, _, issuer = spec.partition(":")
    if not code or not issuer:
        raise DeployError(f"payment asset {spec!r}: expected 'native' or 'CODE:ISSUER'")
    return Asset(code, issuer)


def action_call(target: str, fn: str, args: list[sx.SCVal]) -> gov_client.Action:
    """A governance `Action::Call(target, fn, args)`; `args` are the call's encoded arguments
    (`Contract.encode` of the target's generated client)."""
    return gov_client.Action(gov_client.ActionKind.Call, call=(target, fn, args))


NAMES = ("token", "registry", "verifier", "market", "governance")
"""The contracts `deploy` creates, each at an id computed in advance."""


def deploy(
    chain: Chain,
    op: Keypair,
    market: MarketSettings,
    gov: GovernanceSettings,
    *,
    payment: str = "native",
    wasm_dir: Path | None = None,
    say=print,
) -> dict[str, str]:
    """Deploys and wires every contract, administered by governance from construction, with
    `op` holding the registry's operator role and the market's settling role; returns the
    contract ids."""
    run = os.urandom(16)
    salts = {n: hashlib.sha256(run + n.encode()).digest() for n in NAMES}
    ids = {n: chain.contract_id(op.public_key, salts[n]) for n in NAMES}
    g = ids["governance"]

    def up(name: str, args: list) -> None:
        say(f"  deploying {name} ...")
        got = chain.deploy(op, chain.upload(op, wasm(name, wasm_dir)), args, name, salts[name])
        if got != ids[name]:
            raise DeployError(f"{name} deployed at {got}, expected the computed id {ids[name]}")

    up("token", [addr(g), addr(ids["market"])])
    up("registry", [addr(g), addr(op)])
    up("verifier", [addr(g)])
    for t, table in sorted(proof_check.poseidon_sections().items()):
        if t in (3, 6):
            Contract(chain, ids["verifier"], "verifier").call("set_poseidon", table, signer=op)
    ids["payment"] = chain.deploy_asset(op, payment_asset(payment))
    chain.kinds[ids["payment"]] = "token"
    params = market_client.Params(
        payment_token=ids["payment"],
        kwh_token=ids["token"],
        registry=ids["registry"],
        verifier=ids["verifier"],
        circuit_id=CIRCUIT_ID,
        operator=op.public_key,
        fee_recipient=op.public_key,
        fee_bps=market.fee_bps,
        slot_secs=market.slot_secs,
        gate_lead_secs=market.gate_lead_secs,
        delivery_deadline_secs=market.delivery_deadline_secs,
        horizon_slots=market.horizon_slots,
        price_floor=market.price_floor,
        price_cap=market.price_cap,
    ).to_scval()
    up("market", [addr(g), params])
    governed = scval.to_vec([addr(ids[n]) for n in ("token", "registry", "verifier", "market")])
    up(
        "governance",
        [addr(ids["registry"]), governed, gov_params(gov.params()), gov_params(gov.floors)],
    )
    say("  governance administers token, registry, verifier and market from construction")
    return ids


def deploy_trial(chain: Chain, op: Keypair, market: MarketSettings) -> Deployment:
    """`deploy` with trial governance, returning a record (not saved): what tests and local
    experiments need to act on a fresh local network."""
    ids = deploy(chain, op, market, GovernanceSettings.trial(), say=lambda *_: None)
    return Deployment(
        network="local",
        rpc_url=chain.rpc_url,
        passphrase=chain.passphrase,
        contracts=ids,
        market=asdict(market),
        operator=op.public_key,
    )


def key_description(vk_sha256: str, transcript_sha256: str) -> str:
    """The description of a key proposal: what members check before they vote."""
    origin = (
        f"ceremony transcript sha256 {transcript_sha256}"
        if transcript_sha256
        else "INSECURE single-party development setup (local or test network only)"
    )
    return f"install delivery verifying key sha256 {vk_sha256} ({origin})"


def propose_key(chain: Chain, dep: Deployment, vk: bytes, proposer: Keypair) -> int:
    """A member proposes installing `vk` as the delivery key; returns the proposal id. The
    description carries the key's SHA-256 and the ceremony transcript's."""
    digest = hashlib.sha256(vk).hexdigest()
    verifier = Contract(chain, dep.contracts["verifier"], "verifier")
    action = action_call(verifier.id, "set_key", verifier.encode("set_key", dep.circuit_id, vk))
    governance = Contract(chain, dep.contracts["governance"], "governance")
    description = key_description(digest, dep.transcript_sha256)
    return int(
        governance.call("propose", proposer.public_key, action, description, signer=proposer)
    )


def vote(chain: Chain, dep: Deployment, voter: Keypair, proposal: int, support: bool) -> None:
    """`voter` votes on `proposal`."""
    governance = Contract(chain, dep.contracts["governance"], "governance")
    governance.call("vote", voter.public_key, proposal, support, signer=voter)


def execute_when_ready(chain: Chain, dep: Deployment, proposal: int, executor: Keypair) -> None:
    """Waits (on the chain's clock) for the end of voting and timelock, then executes."""
    governance = Contract(chain, dep.contracts["governance"], "governance")
    p = governance.view("proposal", proposal)
    while chain.ledger_time() < int(p["executable_at"]):
        time.sleep(0.5)
    governance.call("execute", proposal, signer=executor)


def install_key_by_vote(
    chain: Chain, dep: Deployment, vk: bytes, voters: list[Keypair], say=print
) -> int:
    """The whole vote for a key, for local trials, the demo and tests: the first voter
    proposes, every voter votes yes, then the proposal executes after its timelock."""
    # A member votes only on proposals created after the second it was admitted in.
    admitted_by = chain.ledger_time()
    while chain.ledger_time() <= admitted_by:
        time.sleep(0.2)
    pid = propose_key(chain, dep, vk, voters[0])
    digest = hashlib.sha256(vk).hexdigest()
    say(f"  proposal {pid}: {key_description(digest, dep.transcript_sha256)}")
    for v in voters:
        vote(chain, dep, v, pid, True)
    execute_when_ready(chain, dep, pid, voters[0])
    say(f"  proposal {pid} executed: the verifier holds the voted key")
    return pid


def deploy_and_record(
    chain: Chain,
    op: Keypair,
    data_dir: Path,
    network: str,
    market: MarketSettings,
    gov: GovernanceSettings,
    feeders: list[dict],
    site: dict,
    *,
    payment: str = "native",
    insecure_seed: int | None = None,
    ceremony_dir: Path | None = None,
    insecure_dev_setup: bool = False,
    wasm_dir: Path | None = None,
    say=print,
) -> Deployment:
    """The whole of `urja deploy`: the delivery key (keys into `<data_dir>/keys`), `deploy`,
    and the deployment record in `data_dir`. The key is installed later, by a vote."""
    # --- trusted setup (issue 15, urja.ceremony): a finalized ceremony's key, or only behind
    # an explicit flag (insecure_dev_setup / insecure_seed) a single-party development setup.
    try:
        setup = ceremony.key_for_deploy(
            ceremony_dir,
            insecure_dev_setup=insecure_dev_setup,
            insecure_seed=insecure_seed,
            say=say,
        )
    except ceremony.CeremonyError as e:
        raise DeployError(str(e)) from None
    key = setup.key
    # --- end of the trusted-setup choice
    pk_path = zk.save_keys(key, data_dir / "keys")["pk"]
    start = chain.latest_ledger()
    ids = deploy(chain, op, market, gov, payment=payment, wasm_dir=wasm_dir, say=say)
    dep = Deployment(
        network=network,
        rpc_url=chain.rpc_url,
        passphrase=chain.passphrase,
        contracts=ids,
        market=asdict(market),
        operator=op.public_key,
        vk_sha256=setup.vk_sha256,
        transcript_sha256=setup.transcript_hash or "",
        governance={"params": gov.params(), "floors": gov.floors},
        proving_key_sha256=hashlib.sha256(pk_path.read_bytes()).hexdigest(),
        feeders=feeders,
        ledger=start,
        site=site,
    )
    dep.save(data_dir)
    return dep


def vk_digest(key: zk.ProvingKey) -> str:
    """SHA-256 of the contract encoding of the verifying key (recorded for auditors)."""
    return hashlib.sha256(key.vk_bytes()).hexdigest()

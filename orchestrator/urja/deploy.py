"""Deploying a community: upload and wire Urja's contracts, hand administration to governance,
and write the deployment record every other command reads.

Order (docs/contracts.md, "Deployment"): kWh token, registry, verifier (with the Poseidon
tables), governance, the payment asset's Stellar Asset Contract, market; the market becomes
the token's only minter; token, verifier and market are handed to governance, which installs
the delivery verifying key through its bootstrap action; the bootstrap then ends unless asked
to stay open, so from then on only passed proposals change them. The registry stays with the
operator, who admits members and registers meters (design: the operator registers meters).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from stellar_sdk import Asset, Keypair, scval

from . import audit, ceremony, zk
from .chain import Chain, addr
from .contracts import struct

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
    """Voting rules of governance (contracts/governance `GovParams`)."""

    quorum_bps: int = 5000
    voting_secs: int = 3 * 24 * 3600
    timelock_secs: int = 24 * 3600


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


def action_call(target: str, fn: str, args: list) -> object:
    """A governance `Action::Call(target, fn, args)`."""
    return scval.to_vec(
        [scval.to_symbol("Call"), addr(target), scval.to_symbol(fn), scval.to_vec(args)]
    )


def action_govern(target: str) -> object:
    """A governance `Action::Govern(target)`."""
    return scval.to_vec([scval.to_symbol("Govern"), addr(target)])


def deploy(
    chain: Chain,
    op: Keypair,
    key: zk.ProvingKey,
    market: MarketSettings,
    gov: GovernanceSettings,
    *,
    payment: str = "native",
    end_bootstrap: bool = True,
    wasm_dir: Path | None = None,
    say=print,
) -> dict[str, str]:
    """Deploys and wires every contract with `op` as operator; returns the contract ids."""
    ids: dict[str, str] = {}

    def up(name: str, args: list) -> str:
        say(f"  deploying {name} ...")
        ids[name] = chain.deploy(op, chain.upload(op, wasm(name, wasm_dir)), args, name)
        return ids[name]

    up("token", [addr(op)])
    up("registry", [addr(op)])
    up("verifier", [addr(op)])
    for t, table in sorted(audit.poseidon_sections().items()):
        if t in (3, 6):
            chain.invoke(ids["verifier"], "set_poseidon", [scval.to_bytes(table)], op)
    up(
        "governance",
        [
            addr(op),
            addr(ids["registry"]),
            struct(
                {
                    "quorum_bps": scval.to_uint32(gov.quorum_bps),
                    "voting_secs": scval.to_uint64(gov.voting_secs),
                    "timelock_secs": scval.to_uint64(gov.timelock_secs),
                }
            ),
        ],
    )
    ids["payment"] = chain.deploy_asset(op, payment_asset(payment))
    chain.kinds[ids["payment"]] = "token"
    params = struct(
        {
            "payment_token": addr(ids["payment"]),
            "kwh_token": addr(ids["token"]),
            "registry": addr(ids["registry"]),
            "verifier": addr(ids["verifier"]),
            "circuit_id": scval.to_uint32(CIRCUIT_ID),
            "operator": addr(op),
            "fee_recipient": addr(op),
            "fee_bps": scval.to_uint32(market.fee_bps),
            "slot_secs": scval.to_uint64(market.slot_secs),
            "gate_lead_secs": scval.to_uint64(market.gate_lead_secs),
            "delivery_deadline_secs": scval.to_uint64(market.delivery_deadline_secs),
            "horizon_slots": scval.to_uint64(market.horizon_slots),
            "price_floor": scval.to_int128(market.price_floor),
            "price_cap": scval.to_int128(market.price_cap),
        }
    )
    up("market", [addr(op), params])
    chain.invoke(ids["token"], "set_minter", [addr(ids["market"])], op)

    say("  handing token, verifier and market to governance ...")
    g = ids["governance"]
    for name in ("token", "verifier", "market"):
        chain.invoke(g, "bootstrap_execute", [action_govern(ids[name])], op)
        chain.invoke(ids[name], "set_admin", [addr(g)], op)
    say("  installing the delivery verifying key through governance ...")
    vk = key.vk_bytes()
    chain.invoke(
        g,
        "bootstrap_execute",
        [
            action_call(
                ids["verifier"], "set_key", [scval.to_uint32(CIRCUIT_ID), scval.to_bytes(vk)]
            )
        ],
        op,
    )
    if end_bootstrap:
        chain.invoke(g, "end_bootstrap", [], op)
        say("  governance bootstrap ended: changes now need a passed proposal")
    return ids


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
    end_bootstrap: bool = True,
    insecure_seed: int | None = None,
    ceremony_dir: Path | None = None,
    insecure_dev_setup: bool = False,
    say=print,
) -> Deployment:
    """The whole of `urja deploy`: the delivery key (keys into `<data_dir>/keys`), `deploy`,
    and the deployment record in `data_dir`."""
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
    zk.save_keys(key, data_dir / "keys")
    start = chain.latest_ledger()
    ids = deploy(chain, op, key, market, gov, payment=payment, end_bootstrap=end_bootstrap, say=say)
    dep = Deployment(
        network=network,
        rpc_url=chain.rpc_url,
        passphrase=chain.passphrase,
        contracts=ids,
        market=asdict(market),
        operator=op.public_key,
        vk_sha256=vk_digest(key),
        feeders=feeders,
        ledger=start,
        site=site,
    )
    dep.save(data_dir)
    return dep


def vk_digest(key: zk.ProvingKey) -> str:
    """SHA-256 of the contract encoding of the verifying key (recorded for auditors)."""
    return hashlib.sha256(key.vk_bytes()).hexdigest()

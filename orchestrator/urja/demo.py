"""`urja demo`: a simulated community on the embedded local network, end to end.

Starts the local Stellar network, deploys Urja's contracts (kWh token, registry, Groth16
verifier with a fresh trusted setup, market paying in XLM through its Stellar Asset
Contract), admits donor and receiver households with their meters, and runs delivery slots:
households place orders, the operator clears the slot with the matching engine and settles
it on-chain, each donor's meter commits to and signs its readings, the grid server proves
the delivery in zero knowledge, the market verifies it and mints kWh, and an independent
py_ecc audit re-checks every proof.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path

import click
import requests
from nacl.signing import SigningKey
from stellar_sdk import Asset, Keypair, scval

from . import audit, localnet, matching, zk
from .chain import Chain, addr

REPO = Path(__file__).resolve().parents[2]
SLOT_SECS = 30
GATE_LEAD = 10
MAX_WH = 100


def wasm(name: str) -> Path:
    path = REPO / "target" / "wasm" / f"urja_{name}.wasm"
    if not path.exists():
        raise click.ClickException(f"{path} missing: run `make contracts`")
    return path


def struct(fields: dict) -> object:
    """A contracttype struct argument (symbol keys in order)."""
    return scval.to_struct({k: fields[k] for k in sorted(fields)})


@dataclass
class Household:
    """A member of the community."""

    name: str
    kp: Keypair
    role: str
    meter: SigningKey | None = None


def fund(url: str, kp: Keypair) -> None:
    r = requests.get(f"{url}/friendbot", params={"addr": kp.public_key}, timeout=60)
    if r.status_code != 200:
        raise click.ClickException(f"friendbot: {r.text}")


def wait_until(chain: Chain, t: int) -> None:
    while chain.ledger_time() < t:
        time.sleep(0.3)


@dataclass
class Community:
    """A deployed community: contract ids, the operator and the delivery proving key."""

    chain: Chain
    op: Keypair
    ids: dict
    key: zk.ProvingKey


def deploy_community(chain: Chain, op: Keypair, say=click.echo) -> Community:
    """Deploys and wires Urja's contracts with `op` as admin, operator and fee recipient."""
    ids = {}
    for name in ("token", "registry", "verifier"):
        ids[name] = chain.deploy(op, chain.upload(op, wasm(name)), [addr(op)], name)
    for t in (3, 6):
        chain.invoke(
            ids["verifier"], "set_poseidon", [scval.to_bytes(audit.poseidon_sections()[t])], op
        )
    say("trusted setup of the delivery circuit (OS randomness) ...")
    key = zk.ProvingKey.setup()
    chain.invoke(
        ids["verifier"], "set_key", [scval.to_uint32(1), scval.to_bytes(key.vk_bytes())], op
    )
    ids["payment"] = chain.deploy_asset(op, Asset.native())
    params = struct(
        {
            "payment_token": addr(ids["payment"]),
            "kwh_token": addr(ids["token"]),
            "registry": addr(ids["registry"]),
            "verifier": addr(ids["verifier"]),
            "circuit_id": scval.to_uint32(1),
            "operator": addr(op),
            "fee_recipient": addr(op),
            "fee_bps": scval.to_uint32(100),
            "slot_secs": scval.to_uint64(SLOT_SECS),
            "gate_lead_secs": scval.to_uint64(GATE_LEAD),
            "delivery_deadline_secs": scval.to_uint64(600),
            "horizon_slots": scval.to_uint64(100),
            "price_floor": scval.to_int128(1),
            "price_cap": scval.to_int128(1000),
        }
    )
    ids["market"] = chain.deploy(op, chain.upload(op, wasm("market")), [addr(op), params], "market")
    chain.invoke(ids["token"], "set_minter", [addr(ids["market"])], op)
    for name, cid in ids.items():
        say(f"  {name:9s} {cid}")
    return Community(chain, op, ids, key)


def admit(c: Community, kp: Keypair, role: str, feeder: int) -> None:
    """Adds a household to the registry (role "donor" or "receiver")."""
    c.chain.invoke(
        c.ids["registry"],
        "add_member",
        [addr(kp), scval.to_uint32(1 if role == "donor" else 2), scval.to_uint32(feeder)],
        c.op,
    )


def register_meter(c: Community, meter: bytes, owner: Keypair, feeder: int, max_wh: int) -> None:
    """Registers a meter's ed25519 key against its owner."""
    c.chain.invoke(
        c.ids["registry"],
        "register_meter",
        [scval.to_bytes(meter), addr(owner), scval.to_uint32(feeder), scval.to_uint32(max_wh)],
        c.op,
    )


def run(households: int, slots: int, port: int, data_dir: Path, seed: int) -> None:
    rng = random.Random(seed)
    say = click.echo
    node = localnet.start(data_dir, port, ledger_close_ms=500)
    net = localnet.status(node.url)["network"]
    chain = Chain(node.url, net["passphrase"])
    say(f"local network {node.url} ({net['passphrase']})")
    op = Keypair.random()
    fund(node.url, op)
    community = deploy_community(chain, op, say)
    ids, key = community.ids, community.key
    members = []
    for i in range(households):
        role = "donor" if i % 2 == 0 else "receiver"
        h = Household(
            f"{role}-{i}",
            Keypair.random(),
            role,
            SigningKey.generate() if role == "donor" else None,
        )
        fund(node.url, h.kp)
        feeder = i % 2
        chain.invoke(
            ids["registry"],
            "add_member",
            [addr(h.kp), scval.to_uint32(1 if role == "donor" else 2), scval.to_uint32(feeder)],
            op,
        )
        if h.meter is not None:
            chain.invoke(
                ids["registry"],
                "register_meter",
                [
                    scval.to_bytes(bytes(h.meter.verify_key)),
                    addr(h.kp),
                    scval.to_uint32(feeder),
                    scval.to_uint32(MAX_WH),
                ],
                op,
            )
        members.append(h)
    say(
        f"community: {households} households admitted, "
        f"{sum(h.role == 'donor' for h in members)} meters registered"
    )
    for _ in range(slots):
        run_slot(chain, ids, op, key, members, rng, say)
    say("kWh balances (Wh):")
    for h in members:
        bal = scval.from_int128(chain.read(ids["token"], "balance", [addr(h.kp)], op.public_key))
        say(f"  {h.name:12s} {bal:6d}")
    say(
        f"local network left running at {node.url}; stop it with `urja node stop --data-dir "
        f"{data_dir}`"
    )


def run_slot(chain, ids, op, key, members, rng, say) -> None:
    now = chain.ledger_time()
    slot = (now + GATE_LEAD + 15) // SLOT_SECS + 1
    say(f"slot {slot}: orders")
    orders = []
    for h in members:
        wh = rng.randint(200, 600)
        price = rng.randint(3, 6) if h.role == "donor" else rng.randint(5, 10)
        fn = "offer" if h.role == "donor" else "bid"
        oid = scval.from_uint64(
            chain.invoke(
                ids["market"],
                fn,
                [addr(h.kp), scval.to_uint64(slot), scval.to_int128(wh), scval.to_int128(price)],
                h.kp,
            )
        )
        orders.append(
            {
                "id": str(oid),
                "side": "sell" if h.role == "donor" else "buy",
                "wh": wh,
                "price": price,
                "feeder": "f",
                "ts": oid,
                "owner": h,
            }
        )
    wait_until(chain, slot * SLOT_SECS - GATE_LEAD)
    book = [{k: o[k] for k in ("id", "side", "wh", "price", "feeder", "ts")} for o in orders]
    result = matching.clear(book, "uniform")
    say(
        f"slot {slot}: cleared {len(result.trades)} trades, {result.volume_wh} Wh at "
        f"{result.price} stroops/Wh (welfare {result.welfare})"
    )
    if result.trades:
        trades = scval.to_vec(
            [
                struct(
                    {
                        "buy": scval.to_uint64(int(t.buy)),
                        "sell": scval.to_uint64(int(t.sell)),
                        "wh": scval.to_int128(t.wh),
                        "price": scval.to_int128(t.price),
                    }
                )
                for t in result.trades
            ]
        )
        chain.invoke(
            ids["market"],
            "settle",
            [scval.to_uint64(slot), trades, scval.to_int128(result.price)],
            op,
        )
    wait_until(chain, (slot + 1) * SLOT_SECS)
    for h in members:
        if h.meter is None:
            continue
        readings = [rng.randint(10, MAX_WH) for _ in range(zk.READINGS)]
        salt = zk.random_salt()
        meter = bytes(h.meter.verify_key)
        p = zk.prove_delivery(key, readings, salt, slot, MAX_WH, meter)
        sig = h.meter.sign(zk.delivery_message(meter, slot, p.commitment)).signature
        chain.invoke(
            ids["market"],
            "deliver",
            [
                scval.to_bytes(meter),
                scval.to_uint64(slot),
                scval.to_bytes(p.commitment),
                scval.to_uint64(p.energy_wh),
                scval.to_bytes(sig),
                scval.to_bytes(p.proof),
            ],
            op,
        )
        ok = audit.verify_delivery(
            key.vk_bytes(), p.proof, p.commitment, p.energy_wh, slot, MAX_WH, meter
        ) and audit.verify_signature(meter, slot, p.commitment, sig)
        say(
            f"slot {slot}: {h.name} delivered {p.energy_wh} Wh, proof verified on-chain; "
            f"independent audit (py_ecc): {'OK' if ok else 'FAILED'}"
        )


@click.command("demo")
@click.option("--households", type=int, default=6, show_default=True)
@click.option("--slots", type=int, default=2, show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".urja/demo-net"),
    show_default=True,
)
@click.option("--seed", type=int, default=1, show_default=True)
def demo_cmd(households: int, slots: int, port: int, data_dir: Path, seed: int) -> None:
    """Run a simulated community on the embedded local network."""
    if households < 2:
        raise click.ClickException("--households must be at least 2 (a donor and a receiver)")
    run(households, slots, port, data_dir, seed)

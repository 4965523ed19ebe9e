"""Operator commands: keys, `urja deploy`, members and meters."""

from __future__ import annotations

from pathlib import Path

import click
import requests
from nacl.signing import SigningKey

from ..chain import ChainUnavailable
from ..contracts import ROLES
from ..deploy import GovernanceSettings, MarketSettings, deploy_and_record
from ..keystore import Keystore
from ..services import RELAYER_KEY, Stack, connect
from .common import config, friendly


def fund_if_new(cfg, chain, public_key: str) -> None:
    """Creates the account through the network's friendbot when it does not exist yet."""
    try:
        chain.server.load_account(public_key)
        return
    except Exception:  # noqa: BLE001 - NotFoundError or an unreachable RPC, handled below
        pass
    if not cfg.friendbot_url:
        raise click.ClickException(
            f"account {public_key} does not exist and network {cfg.network!r} has no friendbot:"
            " fund it first"
        )
    try:
        r = requests.get(cfg.friendbot_url, params={"addr": public_key}, timeout=60)
    except requests.RequestException as e:
        raise ChainUnavailable(f"friendbot {cfg.friendbot_url} unreachable: {e}") from None
    if r.status_code != 200:
        raise click.ClickException(f"friendbot refused {public_key}: {r.text[:200]}")


@click.group("keys")
def keys() -> None:
    """Named Stellar keys in the owner-only keystore (secrets are never printed)."""


@keys.command("add")
@click.argument("name")
@click.option("--secret-stdin", is_flag=True, help="Read an existing S... seed from stdin.")
@click.option("--fund", is_flag=True, help="Create the account through the network's friendbot.")
@friendly
def keys_add(name: str, secret_stdin: bool, fund: bool) -> None:
    """Create (or import) the key NAME and print its public key."""
    cfg = config()
    secret = click.get_text_stream("stdin").readline().strip() if secret_stdin else None
    kp = Keystore(cfg.keystore).add(name, secret)
    if fund:
        fund_if_new(cfg, connect(cfg), kp.public_key)
    click.echo(f"{name}: {kp.public_key}")


@keys.command("list")
@friendly
def keys_list() -> None:
    """Print every key's name and public key."""
    for name, pk in Keystore(config().keystore).public_keys().items():
        click.echo(f"{name}\t{pk}")


@click.command("deploy")
@click.option(
    "--slot-secs",
    type=int,
    default=900,
    show_default=True,
    help="Length of a delivery slot (a multiple of 15).",
)
@click.option(
    "--gate-lead",
    "gate_lead_secs",
    type=int,
    default=300,
    show_default=True,
    help="Orders close this many seconds before their slot starts.",
)
@click.option(
    "--delivery-deadline",
    "delivery_deadline_secs",
    type=int,
    default=3600,
    show_default=True,
    help="Deliveries accepted until this long after a slot ends.",
)
@click.option("--horizon", "horizon_slots", type=int, default=96, show_default=True)
@click.option("--price-floor", type=int, default=1, show_default=True)
@click.option("--price-cap", type=int, default=100_000, show_default=True)
@click.option("--fee-bps", type=int, default=100, show_default=True)
@click.option(
    "--payment",
    default="native",
    show_default=True,
    help="Payment asset: 'native' (XLM) or CODE:ISSUER.",
)
@click.option(
    "--feeder",
    "feeders",
    multiple=True,
    metavar="ID:CAPACITY_WH",
    help="A feeder and its capacity per slot in Wh (repeatable).",
)
@click.option("--latitude", type=float, default=28.61, show_default=True)
@click.option("--longitude", type=float, default=77.21, show_default=True)
@click.option("--quorum-bps", type=int, default=5000, show_default=True)
@click.option("--voting-secs", type=int, default=3 * 24 * 3600, show_default=True)
@click.option("--timelock-secs", type=int, default=24 * 3600, show_default=True)
@click.option(
    "--keep-bootstrap",
    is_flag=True,
    help="Leave governance's bootstrap open (the operator can still act alone).",
)
@click.option(
    "--insecure-dev-seed",
    type=int,
    default=None,
    help="INSECURE: repeatable trusted setup, for tests only.",
)
@friendly
def deploy_cmd(
    feeders,
    latitude,
    longitude,
    quorum_bps,
    voting_secs,
    timelock_secs,
    keep_bootstrap,
    insecure_dev_seed,
    payment,
    **market,
) -> None:
    """Upload and deploy all contracts, hand them to governance, install the verifying key,
    and write the deployment record (DATA_DIR/deployment.json) every other command reads."""
    cfg = config()
    chain = connect(cfg)
    op = Keystore(cfg.keystore).get_or_create(cfg.operator_key)
    fund_if_new(cfg, chain, op.public_key)
    fund_if_new(cfg, chain, Keystore(cfg.keystore).get_or_create(RELAYER_KEY).public_key)
    feeder_list = []
    for f in feeders or ("0:50000",):
        fid, _, cap = f.partition(":")
        if not fid.isdigit() or not cap.isdigit():
            raise click.BadParameter(f"{f!r}: expected ID:CAPACITY_WH", param_hint="--feeder")
        feeder_list.append({"id": int(fid), "capacity_wh": int(cap)})
    if insecure_dev_seed is not None:
        click.secho(
            "WARNING: deterministic trusted setup - anyone can forge proofs.", fg="red", err=True
        )
    click.echo(f"deploying to {cfg.network} ({chain.rpc_url}) as operator {op.public_key}")
    dep = deploy_and_record(
        chain,
        op,
        cfg.data_dir,
        cfg.network,
        MarketSettings(**market),
        GovernanceSettings(quorum_bps, voting_secs, timelock_secs),
        feeder_list,
        {"latitude": latitude, "longitude": longitude},
        payment=payment,
        end_bootstrap=not keep_bootstrap,
        insecure_seed=insecure_dev_seed,
        say=click.echo,
    )
    ids = dep.contracts
    path = cfg.data_dir / "deployment.json"
    for name, cid in ids.items():
        click.echo(f"  {name:10s} {cid}")
    click.echo(f"deployment record: {path}")


@click.group("member")
def member() -> None:
    """Community members (registry; operator only)."""


@member.command("add")
@click.argument("address")
@click.option("--role", type=click.Choice(sorted(ROLES)), required=True)
@click.option("--feeder", type=int, default=0, show_default=True)
@friendly
def member_add(address: str, role: str, feeder: int) -> None:
    """Admit ADDRESS (G...) as a donor, receiver or both on FEEDER."""
    s = Stack.open(config())
    s.registry().add_member(s.operator, address, role, feeder)
    click.echo(f"admitted {address} as {role} on feeder {feeder}")


@click.group("meter")
def meter() -> None:
    """Smart meters (registry; operator only)."""


def _meter_id(text: str) -> bytes:
    try:
        b = bytes.fromhex(text)
    except ValueError:
        b = b""
    if len(b) != 32:
        raise click.BadParameter(f"{text!r}: expected the meter's 64-hex ed25519 public key")
    return b


@meter.command("register")
@click.option("--owner", required=True, help="The member (G...) the meter belongs to.")
@click.option("--feeder", type=int, default=0, show_default=True)
@click.option(
    "--max-wh-per-minute",
    type=int,
    required=True,
    help="The meter's capacity: the most it can export in one minute.",
)
@click.option("--meter-id", default=None, help="The meter's public key (64 hex).")
@click.option(
    "--new-key",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Generate a meter key into this file (for simulated meters).",
)
@friendly
def meter_register(owner, feeder, max_wh_per_minute, meter_id, new_key) -> None:
    """Bind a meter's ed25519 key to its owner."""
    if (meter_id is None) == (new_key is None):
        raise click.UsageError("give exactly one of --meter-id and --new-key")
    if new_key is not None:
        sk = SigningKey.generate()
        new_key.parent.mkdir(parents=True, exist_ok=True)
        new_key.touch(mode=0o600)
        new_key.write_text(bytes(sk).hex() + "\n")
        mid = bytes(sk.verify_key)
    else:
        mid = _meter_id(meter_id)
    s = Stack.open(config())
    s.registry().register_meter(s.operator, mid, owner, feeder, max_wh_per_minute)
    click.echo(f"meter {mid.hex()} registered to {owner}")


@meter.command("suspend")
@click.argument("meter_id")
@click.option("--resume", is_flag=True, help="Reactivate instead.")
@friendly
def meter_suspend(meter_id: str, resume: bool) -> None:
    """Suspend (or with --resume reactivate) a meter: its deliveries are refused meanwhile."""
    s = Stack.open(config())
    s.registry().set_meter_active(s.operator, _meter_id(meter_id), resume)
    click.echo(f"meter {meter_id} {'active' if resume else 'suspended'}")

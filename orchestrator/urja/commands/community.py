"""Operator commands: keys, `urja deploy`, members and meters (and a simulated meter's
report). The Stellar SDK and the services are imported inside the commands that use them."""

from __future__ import annotations

import os
import time
from pathlib import Path

import click

from ..events import enum_type
from .common import config, friendly

ROLE_NAMES = tuple(sorted(r.name for r in enum_type("registry", "Role")))
"""Registry roles (the registry's `Role` enum from the event table; no SDK for --help)."""


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
    from ..keystore import Keystore
    from ..stack import connect

    cfg = config()
    secret = click.get_text_stream("stdin").readline().strip() if secret_stdin else None
    kp = Keystore(cfg.keystore).add(name, secret)
    if fund:
        connect(cfg).fund_if_new(kp.public_key, cfg.friendbot_url)
    click.echo(f"{name}: {kp.public_key}")


@keys.command("list")
@friendly
def keys_list() -> None:
    """Print every key's name and public key."""
    from ..keystore import Keystore

    for name, pk in Keystore(config().keystore).public_keys().items():
        click.echo(f"{name}\t{pk}")


@keys.command("show")
@click.argument("name")
@friendly
def keys_show(name: str) -> None:
    """Print the public key (G...) of the key NAME alone (for scripts: `$(urja keys show x)`)."""
    from ..keystore import Keystore

    click.echo(Keystore(config().keystore).get(name).public_key)


def parse_feeders(feeders: tuple[str, ...]) -> list[dict]:
    """`ID:CAPACITY_WH` options as feeder records (default: feeder 0 with 50,000 Wh)."""
    out = []
    for f in feeders or ("0:50000",):
        fid, _, cap = f.partition(":")
        if not fid.isdigit() or not cap.isdigit():
            raise click.BadParameter(f"{f!r}: expected ID:CAPACITY_WH", param_hint="--feeder")
        out.append({"id": int(fid), "capacity_wh": int(cap)})
    return out


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
@click.option(
    "--trial-governance",
    is_flag=True,
    help="Seconds-long votes (local trials and tests only; default on the local network).",
)
@click.option(
    "--insecure-dev-seed",
    type=int,
    default=None,
    help="INSECURE: repeatable trusted setup, for tests only.",
)
@click.option(
    "--ceremony",
    "ceremony_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A finalized `urja zk ceremony` directory: its key is installed (docs/zk.md).",
)
@click.option(
    "--insecure-dev-setup",
    is_flag=True,
    help="INSECURE: single-party trusted setup on this machine, for development only.",
)
@friendly
def deploy_cmd(
    feeders,
    latitude,
    longitude,
    trial_governance,
    insecure_dev_seed,
    ceremony_dir,
    insecure_dev_setup,
    payment,
    **market,
) -> None:
    """Upload and deploy all contracts, administered by the community's governance from
    construction, and write the deployment record (DATA_DIR/deployment.json) every other
    command reads. The delivery key is installed afterwards by the members' vote."""
    # Every argument is checked before anything touches the network or the keystore.
    feeder_list = parse_feeders(feeders)
    from ..deploy import MarketSettings

    settings = MarketSettings(**market)
    check_market(settings)
    cfg = config()
    run_deploy(
        cfg,
        settings,
        feeder_list,
        {"latitude": latitude, "longitude": longitude},
        trial_governance=trial_governance or cfg.network == "local",
        payment=payment,
        insecure_dev_seed=insecure_dev_seed,
        ceremony_dir=ceremony_dir,
        insecure_dev_setup=insecure_dev_setup,
    )
    click.echo("next: admit households with `urja member add ADDRESS --role donor|receiver`,")
    click.echo("      register meters with `urja meter register` (each owner accepts its own),")
    click.echo("      let the members vote the delivery key in with `urja governance install-key`,")
    click.echo("      then run `urja serve` in a terminal of its own (docs/operations.md)")


def check_market(m) -> None:
    """Refuses market settings the contract would refuse, naming the option."""
    if m.slot_secs <= 0 or m.slot_secs % 15:
        raise click.BadParameter(f"{m.slot_secs}: a positive multiple of 15", "--slot-secs")
    if not 0 <= m.gate_lead_secs < 10 * m.slot_secs:
        raise click.BadParameter(f"{m.gate_lead_secs}: must be >= 0", "--gate-lead")
    if m.delivery_deadline_secs <= 0:
        raise click.BadParameter(f"{m.delivery_deadline_secs}: must be > 0", "--delivery-deadline")
    if not 1 <= m.price_floor <= m.price_cap:
        raise click.BadParameter(
            f"floor {m.price_floor}, cap {m.price_cap}: need 1 <= floor <= cap", "--price-cap"
        )


def run_deploy(
    cfg,
    market,
    feeder_list: list[dict],
    site: dict,
    *,
    trial_governance: bool = False,
    payment: str = "native",
    insecure_dev_seed: int | None = None,
    ceremony_dir: Path | None = None,
    insecure_dev_setup: bool = False,
):
    """Funds operator and relayer, deploys, and prints the contract ids (`urja deploy` and
    `urja quickstart`); returns the deployment record."""
    from ..deploy import GovernanceSettings, deploy_and_record
    from ..keystore import Keystore
    from ..stack import RELAYER_KEY, connect

    chain = connect(cfg)
    op = Keystore(cfg.keystore).get_or_create(cfg.operator_key)
    chain.fund_if_new(op.public_key, cfg.friendbot_url)
    relayer = Keystore(cfg.keystore).get_or_create(RELAYER_KEY)
    chain.fund_if_new(relayer.public_key, cfg.friendbot_url)
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
        market,
        GovernanceSettings.trial() if trial_governance else GovernanceSettings(),
        feeder_list,
        site,
        payment=payment,
        insecure_seed=insecure_dev_seed,
        ceremony_dir=ceremony_dir,
        insecure_dev_setup=insecure_dev_setup,
        say=click.echo,
    )
    ids = dep.contracts
    path = cfg.data_dir / "deployment.json"
    for name, cid in ids.items():
        click.echo(f"  {name:10s} {cid}")
    click.echo(f"deployment record: {path}")
    return dep


@click.group("member")
def member() -> None:
    """Community members (registry; operator only)."""


@member.command("add")
@click.argument("address")
@click.option("--role", type=click.Choice(ROLE_NAMES), required=True)
@click.option("--feeder", type=int, default=0, show_default=True)
@friendly
def member_add(address: str, role: str, feeder: int) -> None:
    """Admit ADDRESS (G...) as a donor, receiver or both on FEEDER."""
    from ..stack import Stack

    s = Stack.open(config())
    s.registry().add_member(s.operator, address, role, feeder)
    click.echo(f"admitted {address} as {role} on feeder {feeder}")


@click.group("meter")
def meter() -> None:
    """Smart meters (registry; operator only)."""


def _meter_id(text: str) -> bytes:
    from ..orders import parse_meter

    try:
        return parse_meter(text)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None


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
    "--accept-as",
    "accept_as",
    default=None,
    help="The owner's key name in this keystore: the owner signs its acceptance at once"
    " (otherwise the owner runs `urja meter accept`).",
)
@click.option(
    "--new-key",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Generate a meter key into this new file (for simulated meters; an existing file"
    " is never overwritten).",
)
@friendly
def meter_register(owner, feeder, max_wh_per_minute, meter_id, new_key, accept_as) -> None:
    """Bind a meter's ed25519 key to its owner; prints the market domain (network and market
    contract) to provision into the meter with its key (docs/firmware.md)."""
    from .. import metering
    from ..domain import market_domain
    from ..stack import Stack

    if (meter_id is None) == (new_key is None):
        raise click.UsageError("give exactly one of --meter-id and --new-key")
    if new_key is not None and new_key.exists():
        new_meter_key(new_key)  # refuses, naming the file
    s = Stack.open(config())
    if new_key is not None:
        mid = new_meter_key(new_key)
        click.echo(f"meter key written to {new_key} (keep it: it is the meter's identity)")
    else:
        mid = _meter_id(meter_id)
    s.registry().register_meter(s.operator, mid, owner, feeder, max_wh_per_minute)
    click.echo(f"meter {mid.hex()} proposed for {owner}")
    limit = metering.reading_limit_wh(max_wh_per_minute, s.clock.slot_secs)
    click.echo(
        f"at this market's {s.clock.slot_secs}-second slots it may claim up to {limit} Wh a "
        f"reading, {limit * metering.READINGS} Wh a slot"
    )
    if accept_as is not None:
        from ..keystore import Keystore

        s.registry().accept_meter(Keystore(s.cfg.keystore).get(accept_as), mid)
        click.echo(f"meter {mid.hex()} accepted by its owner: it may deliver")
    else:
        click.echo(f"its owner accepts it with `urja meter accept {mid.hex()} --key NAME`")
    domain = market_domain(s.dep.passphrase, s.dep.contracts["market"])
    click.echo(f"provision the meter with this market's domain: {domain.hex()}")


def new_meter_key(path: Path) -> bytes:
    """Generates a meter's ed25519 key into the new owner-only file `path` and returns its
    public key. An existing file is refused, never overwritten: it may hold a registered
    meter's only key."""
    from nacl.signing import SigningKey

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise click.BadParameter(
            f"{path} already exists and may be another meter's only key: choose a new file"
            " name (or register that key with --meter-id)",
            param_hint="--new-key",
        ) from None
    sk = SigningKey.generate()
    with os.fdopen(fd, "w") as f:
        f.write(bytes(sk).hex() + "\n")
        f.flush()
        os.fsync(f.fileno())
    return bytes(sk.verify_key)


@meter.command("accept")
@click.argument("meter_id")
@click.option("--key", "key_name", required=True, help="The owner's key name in the keystore.")
@friendly
def meter_accept(meter_id: str, key_name: str) -> None:
    """The owner signs for a meter the operator proposed; until then it cannot deliver."""
    from ..keystore import Keystore
    from ..stack import Stack

    s = Stack.open(config())
    s.registry().accept_meter(Keystore(s.cfg.keystore).get(key_name), _meter_id(meter_id))
    click.echo(f"meter {meter_id} accepted: it may deliver")


@meter.command("retire")
@click.argument("meter_id")
@click.option("--key", "key_name", required=True, help="The owner's key name in the keystore.")
@friendly
def meter_retire(meter_id: str, key_name: str) -> None:
    """The owner withdraws its own meter (lost, stolen, replaced): its deliveries are refused
    from now on; reinstating it takes a governance vote."""
    from ..keystore import Keystore
    from ..stack import Stack

    s = Stack.open(config())
    s.registry().retire_meter(Keystore(s.cfg.keystore).get(key_name), _meter_id(meter_id))
    click.echo(f"meter {meter_id} retired")


@meter.command("report")
@click.option(
    "--key-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="The meter's key file (from `meter register --new-key`).",
)
@click.option("--slot", type=int, required=True)
@click.option(
    "--wh",
    type=click.IntRange(min=0),
    required=True,
    help="Energy exported in the slot, spread over its 15 readings.",
)
@click.option(
    "--wait",
    "wait_secs",
    type=click.FloatRange(min=0),
    default=300,
    show_default=True,
    help="After publishing, how long to wait for the relayer's verdict and the proven delivery"
    " (0: publish only).",
)
@friendly
def meter_report(key_file: Path, slot: int, wh: int, wait_secs: float) -> None:
    """Publish one signed meter message over MQTT, as a meter would (simulated meters).

    Like a meter, it publishes once the slot has ended (waiting for that on the chain's
    clock). When the relayer keeps its inbox in this data directory, it then waits for the
    verdict: refused (with the reason, exit status 1), or accepted and then proven on-chain.
    The relayer checks every reading against the chain's clock, the meter's registered
    capacity and the sun at the community's site: export while the sun is down is refused."""
    from nacl.signing import SigningKey

    from ..domain import market_domain
    from ..fleet import publish, sign_slot, spread
    from ..relayer.inbox import await_verdict, last_dead_letter
    from ..stack import Stack

    cfg = config()
    sk = SigningKey(bytes.fromhex(key_file.read_text().strip()))
    meter_hex = bytes(sk.verify_key).hex()
    stack = _local_stack(cfg)
    if stack is not None and wait_secs > 0:
        _wait_slot_end(stack, slot)
    inbox_path = cfg.data_dir / "inbox.sqlite"
    seen = last_dead_letter(inbox_path)
    dep = (stack or Stack.open(cfg)).dep
    domain = market_domain(dep.passphrase, dep.contracts["market"])
    msg = sign_slot(sk, slot, spread(wh), [0] * 15, None, domain=domain)
    try:
        publish([msg], cfg.mqtt_host, cfg.mqtt_port, cfg.mqtt_community)
    except OSError as e:
        raise click.ClickException(
            f"cannot publish to the MQTT broker at {cfg.mqtt_host}:{cfg.mqtt_port} "
            f"([mqtt] host and port): {e}"
        ) from None
    click.echo(f"published slot {slot}: {wh} Wh from meter {meter_hex}")
    if wait_secs == 0 or not inbox_path.exists():
        click.echo(
            "queued for the relayer, which checks it against the chain's clock, the meter's"
            " capacity and the sun at the site; refusals: `urja relayer dead-letters`"
        )
        return
    tx = await_verdict(
        inbox_path,
        cfg.data_dir / "index.sqlite",
        meter_hex,
        slot,
        seen,
        time.monotonic() + wait_secs,
        say=click.echo,
    )
    click.echo(f"delivery proven on-chain (transaction {tx})")


def _local_stack(cfg):
    """The deployment's services when this data directory has a deployment record."""
    from ..stack import Stack

    return Stack.open(cfg) if (cfg.data_dir / "deployment.json").exists() else None


def _wait_slot_end(stack, slot: int) -> None:
    from .trading import clock_time

    end = stack.clock.end(slot)
    now = stack.chain.ledger_time()
    if now < end:
        click.echo(f"slot {slot} ends at {clock_time(end)}: publishing then (in {end - now} s)")
    while now < end:
        time.sleep(min(1.0, end - now))
        now = stack.chain.ledger_time()

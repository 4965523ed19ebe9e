"""`urja quickstart`: a whole local trial in one command.

Starts the embedded local network and a loopback MQTT broker (both in the background, in the
data directory), writes `urja.toml` naming them, deploys Urja with timings that let a first
slot settle within a minute or two, creates two households (a donor with a meter and a
receiver) and prints the commands to type next. docs/operations.md walks through the rest;
tests/walkthrough runs that walkthrough exactly as written.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from .common import friendly

TRIAL = {"slot_secs": 30, "gate_lead_secs": 10, "delivery_deadline_secs": 600}
ROOF_WH_PER_MINUTE = 100
"""alice's roof: 6 kW at its peak."""
TRIAL_STANDS_FOR_SECS = 900
"""Each trial slot's energy stands for a 15-minute slot's (the trial's clock is compressed)."""
"""Trial timings: 30 s slots whose gate closes 10 s before they start, deliveries accepted
for 10 minutes after (a real community would use 900 / 300 / 3,600)."""

HOUSEHOLDS = (("alice", "donor"), ("bob", "receiver"))
"""The trial's households: alice sells from her rooftop (with a meter), bob buys."""


def site_time_origin(hhmm: str, longitude: float, now: int) -> int:
    """Unix time of today's `hhmm` in local solar time at `longitude` (UTC shifted by
    longitude / 15 hours), the moment the trial's current slot stands for."""
    try:
        h, m = (int(x) for x in hhmm.split(":"))
        if not (0 <= h < 24 and 0 <= m < 60):
            raise ValueError
    except ValueError:
        raise click.BadParameter(f"{hhmm!r}: expected HH:MM", param_hint="--site-time") from None
    day = datetime.fromtimestamp(now, UTC).replace(hour=0, minute=0, second=0)
    return int(day.timestamp() + h * 3600 + m * 60 - longitude / 15 * 3600)


def _stop(data_dir: Path) -> None:
    from .. import broker, localnet

    node = localnet.stop(data_dir / "localnet")
    mqtt = broker.stop(data_dir / "mqtt")
    click.echo(f"local network: {'stopped' if node else 'not running'}")
    click.echo(f"MQTT broker: {'stopped' if mqtt else 'not running'}")


@click.command("quickstart")
@click.option(
    "--site-time",
    default=None,
    metavar="HH:MM",
    help="Let the first slot stand for this solar time at the site (a daytime trial at any"
    " hour); default: the real clock, so meters at night are refused.",
)
@click.option("--latitude", type=float, default=28.61, show_default=True)
@click.option("--longitude", type=float, default=77.21, show_default=True)
@click.option("--port", type=int, default=0, help="Local network port (default: a free one).")
@click.option("--stop", is_flag=True, help="Stop the trial's network and broker.")
@friendly
def quickstart(site_time, latitude, longitude, port, stop) -> None:
    """A local trial in one command: network, broker, deployment, two households, a meter.

    Writes urja.toml (or the --config file) in the current directory and keeps everything
    else in the data directory (.urja). Prints the commands to type next."""
    root = click.get_current_context().find_root().params
    conf = Path(root.get("config_path") or "urja.toml")
    data_dir = Path(root.get("data_dir") or ".urja")
    if stop:
        _stop(data_dir)
        return
    for existing in (conf, data_dir / "deployment.json"):
        if existing.exists():
            raise click.ClickException(
                f"{existing} already exists: this directory holds a trial (or a community)"
                " already; run quickstart in an empty directory (`urja quickstart --stop`"
                " stops a trial's network and broker)"
            )
    if site_time is not None:
        site_time_origin(site_time, longitude, 0)  # a bad --site-time stops us before anything
    meter_file = data_dir / "alice-meter.key"
    try:
        s, now = _set_up(conf, data_dir, meter_file, site_time, latitude, longitude, port)
    except BaseException:
        click.echo("quickstart failed: stopping the network and broker it started", err=True)
        _stop(data_dir)
        conf.unlink(missing_ok=True)  # written by this run; the data directory is kept
        raise
    _say_sky(s, now)
    click.echo(
        "\nnext:\n"
        "  in a second terminal:  urja serve      (indexer, matcher, relayer, read API)\n"
        "  then, here:\n"
        "    urja slots                           (upcoming slots and their gates)\n"
        "    SLOT=$(urja slots --next)\n"
        "    urja offer --key alice --slot $SLOT --kwh 0.5 --price 0.0006\n"
        "    urja bid --key bob --slot $SLOT --kwh 0.4 --price 0.0008\n"
        f"    urja meter report --key-file {meter_file} --slot $SLOT --wh 450\n"
        "    urja trades --slot $SLOT\n"
        "    urja audit\n"
        "  stop the trial:          urja quickstart --stop\n"
        "  walkthrough:             docs/operations.md"
    )


def _say_sky(s, now: int) -> None:
    """Warns when the relayer will refuse export because the sun is down at the site."""
    from ..solar import sun_down
    from ..stack import site_clock

    site = site_clock(s.dep)
    slot = s.clock.current(now) + 4
    t = datetime.fromtimestamp(site.unix(slot), UTC)
    solar = (t.hour * 60 + t.minute + site.longitude * 4) % 1440
    where = f"{site.latitude:.2f}, {site.longitude:.2f}"
    hhmm = f"{int(solar // 60):02d}:{int(solar % 60):02d}"
    click.echo(f"site {where}: the next slots stand for {hhmm} solar time there")
    if sun_down(site, slot):
        click.echo(
            "  the sun is down there: the relayer refuses export reported now. For a daytime"
            " trial start over with `urja quickstart --site-time 12:00`."
        )


def _set_up(conf, data_dir, meter_file, site_time, latitude, longitude, port):
    """Network, broker, config, deployment, households and meter; returns (stack, now)."""
    from .. import broker, localnet, metering
    from ..config import load
    from ..deploy import MarketSettings
    from ..keystore import Keystore
    from ..stack import Stack
    from .community import new_meter_key, run_deploy

    node = localnet.start(data_dir / "localnet", port or broker.free_port(), ledger_close_ms=500)
    click.echo(f"local network: {node.url} (data {data_dir / 'localnet'})")
    _, mqtt_port = broker.start(data_dir / "mqtt", detach=True)
    click.echo(f"MQTT broker: 127.0.0.1:{mqtt_port} (mosquitto, loopback only)")
    conf.write_text(
        "# Written by `urja quickstart`: a local trial (docs/operations.md).\n"
        f'[network]\nname = "local"\nrpc_url = "{node.url}"\n'
        f'[data]\ndir = "{data_dir}"\n'
        f"[mqtt]\nport = {mqtt_port}\n"
        f"[api]\nport = {broker.free_port()}\n"
    )
    click.echo(f"config: {conf}")
    cfg = load(conf)
    site: dict = {"latitude": latitude, "longitude": longitude}
    run_deploy(
        cfg,
        MarketSettings(**TRIAL),
        [{"id": 0, "capacity_wh": 50_000}],
        site,
        insecure_dev_setup=True,  # a local trial: no ceremony (docs/zk.md)
        trial_governance=True,  # seconds-long votes, members eligible at once
    )
    s = Stack.open(cfg)
    now = s.chain.ledger_time()
    if site_time is not None:
        s.dep.site.update(
            origin_slot=s.clock.current(now),
            origin_unix=site_time_origin(site_time, longitude, now),
            sim_slot_secs=s.clock.slot_secs,
        )
        s.dep.save(cfg.data_dir)
    ks = Keystore(cfg.keystore)
    for name, role in HOUSEHOLDS:
        kp = ks.get_or_create(name)
        s.chain.fund_if_new(kp.public_key, cfg.friendbot_url)
        s.registry().add_member(s.operator, kp.public_key, role, 0)
        click.echo(f"household {name}: {kp.public_key} ({role}, feeder 0)")
    alice = ks.get("alice").public_key
    mid = new_meter_key(meter_file)
    # A trial slot's energy stands for a 15-minute slot's, so the roof's rate is registered
    # times that compression (metering.compressed_rate); on a real network it is the meter's own.
    rate = metering.compressed_rate(ROOF_WH_PER_MINUTE, s.clock.slot_secs, TRIAL_STANDS_FOR_SECS)
    limit = metering.reading_limit_wh(rate, s.clock.slot_secs)
    s.registry().register_meter(s.operator, mid, alice, 0, rate)
    s.registry().accept_meter(ks.get("alice"), mid)  # the owner signs for its meter
    kw = ROOF_WH_PER_MINUTE * 60 / 1000
    click.echo(
        f"meter {mid.hex()[:16]}... of alice, key in {meter_file}: a {kw:g} kW "
        f"roof whose {s.clock.slot_secs}-second trial slots stand for 15 minutes, registered at "
        f"{rate} Wh a minute: up to {limit} Wh a reading, {limit * metering.READINGS} Wh a slot"
    )
    from ..deploy import install_key_by_vote

    click.echo("the households vote the delivery key in (no key installs it alone) ...")
    install_key_by_vote(
        s.chain,
        s.dep,
        (cfg.data_dir / "keys" / "vk.bin").read_bytes(),
        [ks.get(name) for name, _ in HOUSEHOLDS],
        say=click.echo,
    )
    return s, now

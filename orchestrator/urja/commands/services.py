"""Long-running services: indexer, matcher, relayer, monitor, read API, or all at once."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path

import click
from nacl.signing import SigningKey

from ..api import ApiContext, create_app
from ..fleet import publish, sign_slot
from ..indexer.store import Index
from ..monitor import grid_status
from ..relayer.inbox import Inbox
from ..services import Stack, site_clock
from .common import config, friendly, logging_setup

INTERVAL = click.option(
    "--interval", type=float, default=1.0, show_default=True, help="Seconds between polls."
)


def _until_signal(stop: threading.Event) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())


@click.group("indexer")
def indexer() -> None:
    """Contract events into DATA_DIR/index.sqlite."""


@indexer.command("run")
@INTERVAL
@friendly
def indexer_run(interval: float) -> None:
    """Follow the chain's events (resumes from the stored cursor)."""
    logging_setup()
    s = Stack.open(config())
    _until_signal(s.stop)
    s.indexer().run(s.stop, interval)


@click.group("matcher")
def matcher() -> None:
    """Gate-closure clearing and settlement."""


@matcher.command("run")
@INTERVAL
@friendly
def matcher_run(interval: float) -> None:
    """Clear and settle each slot at its gate (needs a running indexer)."""
    logging_setup()
    s = Stack.open(config())
    _until_signal(s.stop)
    s.matcher().run(s.stop, interval)


@click.group("relayer")
def relayer() -> None:
    """Meter messages to proven deliveries."""


@relayer.command("run")
@INTERVAL
@friendly
def relayer_run(interval: float) -> None:
    """Subscribe to meter messages over MQTT and deliver ended slots."""
    logging_setup()
    s = Stack.open(config())
    _until_signal(s.stop)
    client = s.start(indexer=False, matcher=False, relayer=True, mqtt=True, interval=interval)
    s.stop.wait()
    client.loop_stop()
    s.shutdown()


@relayer.command("dead-letters")
@friendly
def relayer_dead_letters() -> None:
    """List refused meter messages and why."""
    inbox = Inbox(config().data_dir / "inbox.sqlite")
    for d in inbox.dead_letters():
        click.echo(f"{d['received_at']}\tslot {d['slot']}\t{d['meter'] or '-'}\t{d['reason']}")


@click.command("monitor")
@click.option("--slots", type=int, default=8, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@friendly
def monitor(slots: int, as_json: bool) -> None:
    """Per-feeder export/import of recent slots, with anomaly flags."""
    s = Stack.open(config())
    rows = grid_status(
        Index(s.index_path, readonly=True),
        Inbox(s.inbox_path),
        s.clock,
        site_clock(s.dep),
        {int(f["id"]): int(f["capacity_wh"]) for f in s.dep.feeders},
        s.chain.ledger_time(),
        slots,
        log_flags=True,
    )
    if as_json:
        click.echo(json.dumps([r.__dict__ for r in rows], indent=1))
        return
    click.echo("slot\tfeeder\texport_wh\timport_wh\tcapacity_wh\tflags")
    for r in rows:
        click.echo(
            f"{r.slot}\t{r.feeder}\t{r.export_wh}\t{r.import_wh}\t{r.capacity_wh}\t"
            f"{','.join(r.flags) or '-'}"
        )


def api_app(s: Stack, web: Path | None):
    """The read API over a stack's data."""
    return create_app(
        ApiContext(
            deployment=s.dep,
            chain=s.chain,
            index_path=s.index_path,
            inbox_path=s.inbox_path,
            friendbot_url=s.cfg.friendbot_url if s.dep.network == "local" else None,
            web_dir=web,
            grid_tariff=s.cfg.grid_tariff,
            site=site_clock(s.dep),
        )
    )


WEB = click.option(
    "--web",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("web/dist"),
    show_default=True,
    help="Built dashboard to serve at / (skipped when absent).",
)


def serve_api(s: Stack, web: Path | None, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(api_app(s, web), host=host, port=port, log_level="warning")


@click.command("api")
@WEB
@click.option("--port", type=int, default=None, help="Default: [api].port (8080).")
@friendly
def api(web: Path, port: int | None) -> None:
    """Serve the read-only HTTP API (and the dashboard)."""
    logging_setup()
    s = Stack.open(config())
    port = port or s.cfg.api_port
    click.echo(f"read API on http://{s.cfg.api_host}:{port} (OpenAPI at /openapi.json)")
    serve_api(s, web, s.cfg.api_host, port)


@click.command("serve")
@WEB
@click.option("--port", type=int, default=None, help="API port (default: [api].port).")
@click.option("--no-mqtt", is_flag=True, help="Do not subscribe to meter messages.")
@INTERVAL
@friendly
def serve(web: Path, port: int | None, no_mqtt: bool, interval: float) -> None:
    """Run indexer, matcher, relayer and the read API together."""
    logging_setup()
    s = Stack.open(config())
    s.start(mqtt=not no_mqtt, interval=interval)
    port = port or s.cfg.api_port
    click.echo(f"urja services running; read API on http://{s.cfg.api_host}:{port}", err=True)
    serve_api(s, web, s.cfg.api_host, port)
    s.shutdown()


@click.command("report")
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
@friendly
def meter_report(key_file: Path, slot: int, wh: int) -> None:
    """Publish one signed meter message over MQTT, as a meter would (simulated meters)."""
    cfg = config()
    sk = SigningKey(bytes.fromhex(key_file.read_text().strip()))
    base, extra = divmod(wh, 15)
    export = [base + (1 if i < extra else 0) for i in range(15)]
    msg = sign_slot(sk, slot, export, [0] * 15, None)
    publish([msg], cfg.mqtt_host, cfg.mqtt_port, cfg.mqtt_community)
    click.echo(f"published slot {slot}: {wh} Wh from meter {msg.meter.hex()}")

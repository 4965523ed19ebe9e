"""Commands that run the long-running services: indexer, matcher, relayer, monitor, read
API, or all at once (`urja serve`); the services themselves are built by `urja.stack`."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path

import click

from ..stack import Stack, default_web_dir, ensure_broker, site_clock, where_dashboard
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
    from ..relayer.inbox import Inbox

    inbox = Inbox(config().data_dir / "inbox.sqlite")
    for d in inbox.dead_letters():
        click.echo(f"{d['received_at']}\tslot {d['slot']}\t{d['meter'] or '-'}\t{d['reason']}")


@click.command("monitor")
@click.option("--slots", type=int, default=8, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@friendly
def monitor(slots: int, as_json: bool) -> None:
    """Per-feeder export/import of recent slots, with anomaly flags."""
    from ..indexer.store import Index
    from ..monitor import grid_status
    from ..relayer.inbox import Inbox

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


WEB = click.option(
    "--web",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Built dashboard to serve at / (default: $URJA_WEB_DIR, else web/dist of the checkout).",
)


def serve_api(s: Stack, web: Path | None, host: str, port: int) -> None:
    """Runs the read API (and the dashboard, when built) in the foreground."""
    import uvicorn

    uvicorn.run(s.api_app(web), host=host, port=port, log_level="warning")


@click.command("api")
@WEB
@click.option("--port", type=int, default=None, help="Default: [api].port (8080).")
@friendly
def api(web: Path | None, port: int | None) -> None:
    """Serve the read-only HTTP API (and the dashboard)."""
    web = web if web is not None else default_web_dir()
    logging_setup()
    s = Stack.open(config())
    port = port or s.cfg.api_port
    url = f"http://{s.cfg.api_host}:{port}"
    click.echo(f"read API on {url} (OpenAPI at /openapi.json); {where_dashboard(web, url)}")
    serve_api(s, web, s.cfg.api_host, port)


@click.command("serve")
@WEB
@click.option("--port", type=int, default=None, help="API port (default: [api].port).")
@click.option("--no-mqtt", is_flag=True, help="Do not subscribe to meter messages.")
@INTERVAL
@friendly
def serve(web: Path | None, port: int | None, no_mqtt: bool, interval: float) -> None:
    """Run indexer, matcher, relayer and the read API together.

    Runs in the foreground until Ctrl-C: start it in a terminal of its own. On the local
    network it starts an MQTT broker for meter readings when none answers at [mqtt]."""
    web = web if web is not None else default_web_dir()
    logging_setup()
    s = Stack.open(config())
    mosquitto = None if no_mqtt else ensure_broker(s.cfg, lambda m: click.echo(m, err=True))
    try:
        s.start(mqtt=not no_mqtt, interval=interval)
        port = port or s.cfg.api_port
        url = f"http://{s.cfg.api_host}:{port}"
        where = where_dashboard(web, url)
        click.echo(f"urja services running; read API on {url}; {where}", err=True)
        serve_api(s, web, s.cfg.api_host, port)
        s.shutdown()
    finally:
        if mosquitto is not None:
            mosquitto.terminate()

"""Long-running services: indexer, matcher, relayer, monitor, read API, or all at once."""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path

import click

from .. import broker
from ..config import Config
from ..services import REPO, ServiceError, Stack, site_clock
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


def api_app(s: Stack, web: Path | None):
    """The read API over a stack's data (and the dashboard in `web` when it is built)."""
    from ..api import ApiContext, create_app

    return create_app(
        ApiContext(
            deployment=s.dep,
            chain=s.chain,
            index_path=s.index_path,
            inbox_path=s.inbox_path,
            friendbot_url=s.cfg.friendbot_url if s.dep.network == "local" else None,
            web_dir=dashboard(web),
            grid_tariff=s.cfg.grid_tariff,
            site=site_clock(s.dep),
        )
    )


def default_web_dir() -> Path:
    """Where the built dashboard is: `$URJA_WEB_DIR`, else `web/dist` of the checkout this
    package runs from (found from the package's own location, not the working directory)."""
    return Path(os.environ.get("URJA_WEB_DIR") or REPO / "web" / "dist")


def dashboard(web: Path | None) -> Path | None:
    """`web` when it holds a built dashboard, else None."""
    return web if web is not None and (web / "index.html").is_file() else None


def where_dashboard(web: Path, url: str) -> str:
    """One line saying where the dashboard is served, or why it is not."""
    if dashboard(web) is not None:
        return f"dashboard on {url}/ (from {web})"
    return f"no dashboard: {web / 'index.html'} does not exist (build it with `make web`)"


WEB = click.option(
    "--web",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Built dashboard to serve at / (default: $URJA_WEB_DIR, else web/dist of the checkout).",
)


def serve_api(s: Stack, web: Path | None, host: str, port: int) -> None:
    """Runs the read API (and the dashboard, when built) in the foreground."""
    import uvicorn

    uvicorn.run(api_app(s, web), host=host, port=port, log_level="warning")


def ensure_broker(cfg: Config, say=click.echo):
    """Makes sure the relayer has an MQTT broker: the configured one when it answers; on the
    local network with a loopback address, a mosquitto started here (returned, so it stops with
    the caller); anywhere else an error naming the address and how to start one."""
    host, port = cfg.mqtt_host, cfg.mqtt_port
    if broker.reachable(host, port):
        return None
    if cfg.network == "local" and host in ("127.0.0.1", "localhost"):
        try:
            proc, _ = broker.start(cfg.data_dir / "mqtt", port)
        except broker.BrokerError as e:
            raise ServiceError(f"no MQTT broker at {host}:{port}, and none could start: {e}") from e
        say(f"started an MQTT broker (mosquitto) on {host}:{port} for the local network")
        return proc
    raise ServiceError(
        f"no MQTT broker answers at {host}:{port} ([mqtt] host and port in "
        f"{cfg.source or 'the config'}): the relayer receives meter readings through one. "
        f"Start one (for a trial: `mosquitto -p {port}`, or `urja broker start --port {port}`), "
        "point [mqtt] at yours, or run without meter readings: `urja serve --no-mqtt`"
    )


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

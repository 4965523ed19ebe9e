"""`urja node`: start, stop and inspect the embedded local Stellar network."""

from __future__ import annotations

from pathlib import Path

import click

from .. import localnet


@click.group()
def node() -> None:
    """The local Stellar network (Stellar RPC API on loopback, real Soroban host)."""


DATA_DIR = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".urja/localnet"),
    show_default=True,
    help="Where the node keeps its ledger.",
)


@node.command("start")
@click.option("--port", type=int, default=8000, show_default=True)
@DATA_DIR
@click.option("--ledger-close-ms", type=int, default=1000, show_default=True)
def start_cmd(port: int, data_dir: Path, ledger_close_ms: int) -> None:
    """Start the node in the background and print its RPC URL."""
    try:
        info = localnet.start(data_dir, port, ledger_close_ms)
    except localnet.LocalnetError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"local network running: {info.url} (pid {info.pid}, data {data_dir})")


@node.command("stop")
@DATA_DIR
def stop_cmd(data_dir: Path) -> None:
    """Stop the node started from this data directory."""
    click.echo("stopped" if localnet.stop(data_dir) else "no node running")


@node.command("status")
@DATA_DIR
def status_cmd(data_dir: Path) -> None:
    """Show whether the node runs, its network and its latest ledger."""
    info = localnet.running(data_dir)
    if info is None:
        raise click.ClickException(f"no node running from {data_dir}")
    try:
        s = localnet.status(info.url)
    except localnet.LocalnetError as e:
        raise click.ClickException(str(e)) from e
    click.echo(
        f"url: {info.url}\npid: {info.pid}\npassphrase: {s['network']['passphrase']}\n"
        f"protocol: {s['network']['protocolVersion']}\n"
        f"latest ledger: {s['latest_ledger']['sequence']}"
    )


@click.group("broker")
def broker_group() -> None:
    """A loopback MQTT broker (mosquitto) for a local trial's meter messages."""


BROKER_DIR = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".urja/mqtt"),
    show_default=True,
    help="Where the broker keeps its config, log and pid.",
)


@broker_group.command("start")
@click.option("--port", type=int, default=1883, show_default=True)
@BROKER_DIR
def broker_start(port: int, data_dir: Path) -> None:
    """Start mosquitto on 127.0.0.1:PORT in the background (anonymous, loopback only)."""
    from .. import broker

    found = broker.running(data_dir)
    if found is not None:
        click.echo(f"MQTT broker already running on 127.0.0.1:{found[1]} (pid {found[0]})")
        return
    try:
        proc, port = broker.start(data_dir, port, detach=True)
    except broker.BrokerError as e:
        raise click.ClickException(str(e)) from e
    click.echo(
        f"MQTT broker running on 127.0.0.1:{port} (pid {proc.pid}); set [mqtt] port = {port}"
    )


@broker_group.command("stop")
@BROKER_DIR
def broker_stop(data_dir: Path) -> None:
    """Stop the broker started from this data directory."""
    from .. import broker

    click.echo("stopped" if broker.stop(data_dir) else "no broker running")

"""The `urja` command line: one entry point for operators, households and auditors.

Each area registers its own click command or group in `urja.commands.<area>`; this module
only names them. Commands are imported when they run, never before: `urja --help` and a
household's `urja offer` must not pay for pvlib, pandas, matplotlib or FastAPI, which only
some commands need (tests/services/test_newcomer.py checks what `--help` imports).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from . import __version__

COMMANDS: dict[str, tuple[str, str]] = {
    # name: ("module:attribute", short help shown by `urja --help`); keep alphabetical.
    # Short help as click gives it with a 60-character limit (tests/services/test_newcomer.py).
    "agent": (
        "urja.agent.commands:agent",
        "A household's trading agent, and the scenario simulator.",
    ),
    "api": ("urja.commands.services:api", "Serve the read-only HTTP API (and the dashboard)."),
    "audit": (
        "urja.commands.audit:audit",
        "Rebuild the market from events, re-verify every delivery...",
    ),
    "bid": ("urja.commands.trading:bid", "Bid for energy in a slot (receivers)."),
    "broker": (
        "urja.commands.node:broker_group",
        "A loopback MQTT broker (mosquitto) for a local trial's...",
    ),
    "cancel": (
        "urja.commands.trading:cancel",
        "Withdraw an order before its gate closes (a bid's escrow...",
    ),
    "demo": ("urja.demo:demo_cmd", "Run a simulated community on the embedded local network."),
    "deploy": (
        "urja.commands.community:deploy_cmd",
        "Upload and deploy all contracts, administered by the...",
    ),
    "governance": (
        "urja.commands.governance:governance",
        "Proposals and votes of the community's governance...",
    ),
    "indexer": ("urja.commands.services:indexer", "Contract events into DATA_DIR/index.sqlite."),
    "keys": (
        "urja.commands.community:keys",
        "Named Stellar keys in the owner-only keystore (secrets...",
    ),
    "market": ("urja.commands.market:market", "Clear slots and inspect the market."),
    "matcher": ("urja.commands.services:matcher", "Gate-closure clearing and settlement."),
    "member": ("urja.commands.community:member", "Community members (registry; operator only)."),
    "meter": ("urja.commands.community:meter", "Smart meters (registry; operator only)."),
    "monitor": (
        "urja.commands.services:monitor",
        "Per-feeder export/import of recent slots, with anomaly...",
    ),
    "node": (
        "urja.commands.node:node",
        "The local Stellar network (Stellar RPC API on loopback,...",
    ),
    "offer": ("urja.commands.trading:offer", "Offer surplus energy for a slot (donors)."),
    "orders": ("urja.commands.trading:orders", "List orders from the index."),
    "quickstart": (
        "urja.commands.quickstart:quickstart",
        "A local trial in one command: network, broker,...",
    ),
    "relayer": ("urja.commands.services:relayer", "Meter messages to proven deliveries."),
    "report": (
        "urja.agent.commands:report_cmd",
        "What the market did for each household and the community,...",
    ),
    "serve": (
        "urja.commands.services:serve",
        "Run indexer, matcher, relayer and the read API together.",
    ),
    "slots": (
        "urja.commands.trading:slots",
        "Upcoming delivery slots: clock times and when each gate...",
    ),
    "trades": ("urja.commands.trading:trades", "List settled trades from the index."),
    "withdraw": (
        "urja.commands.trading:withdraw",
        "Withdraw your credit: payments for delivered energy,...",
    ),
    "zk": ("urja.commands.zk:zk_group", "Zero-knowledge proofs of delivery (see docs/zk.md)."),
}
"""Every top-level command, imported only when it is run (or its own --help is asked for)."""


def load_command(spec: str) -> click.Command:
    """Imports `module:attribute` and returns the click command it names."""
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr)


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use (click documents this
    pattern as "lazily loading subcommands"); `--help` lists them from their stored help."""

    def __init__(self, *args, lazy: dict[str, tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            self.add_command(load_command(self.lazy[cmd_name][0]), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in self.commands:
                cmd = self.commands[name]
                if cmd.hidden:
                    continue
                rows.append((name, cmd.get_short_help_str(formatter.width - 6 - len(name))))
            else:
                rows.append((name, self.lazy[name][1]))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, lazy=COMMANDS)
@click.version_option(__version__, prog_name="urja")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="TOML config (default: $URJA_CONFIG, else ./urja.toml if present).",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where deployment record, keys, index and inbox live (default: .urja).",
)
def main(config_path: Path | None, data_dir: Path | None) -> None:
    """Urja: a community peer-to-peer solar energy market on Stellar.

    \b
    First time:  urja quickstart   (a local trial; docs/operations.md walks through it)
    Operator:    urja node start; urja deploy; urja member add; urja meter register; urja serve
    Household:   urja keys add; urja slots; urja offer; urja bid; urja orders; urja trades
    Auditor:     urja audit
    Everything:  urja demo
    """


if __name__ == "__main__":
    main()

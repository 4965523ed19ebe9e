"""The `urja` command line: one entry point for operators, households and auditors.

Each area registers its own click group from `urja.commands.<area>`; this module only
assembles them, so areas evolve independently.
"""

from pathlib import Path

import click

from . import __version__


@click.group()
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
    Operator:   urja node start; urja deploy; urja member add; urja meter register; urja serve
    Household:  urja keys add; urja offer; urja bid; urja cancel; urja orders; urja trades
    Auditor:    urja audit
    Everything: urja demo
    """


# Command groups (one line per area; keep alphabetical).
from .commands.audit import audit  # noqa: E402
from .commands.community import deploy_cmd, keys, member, meter  # noqa: E402
from .commands.market import market  # noqa: E402
from .commands.node import node  # noqa: E402
from .commands.services import api, indexer, matcher, meter_report, monitor, relayer, serve  # noqa: E402
from .commands.trading import bid, cancel, offer, orders, trades  # noqa: E402
from .commands.zk import zk_group  # noqa: E402
from .demo import demo_cmd  # noqa: E402

meter.add_command(meter_report)
for cmd in (
    api,
    audit,
    bid,
    cancel,
    deploy_cmd,
    demo_cmd,
    indexer,
    keys,
    market,
    matcher,
    member,
    meter,
    monitor,
    node,
    offer,
    orders,
    relayer,
    serve,
    trades,
    zk_group,
):
    main.add_command(cmd)

if __name__ == "__main__":
    main()

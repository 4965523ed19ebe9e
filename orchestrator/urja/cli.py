"""The `urja` command line: one entry point for operators, households and auditors.

Each area registers its own click group from `urja.commands.<area>`; this module only
assembles them, so areas evolve independently.
"""

import click

from . import __version__


@click.group()
@click.version_option(__version__, prog_name="urja")
def main() -> None:
    """Urja: a community peer-to-peer solar energy market on Stellar."""


# Command groups (one line per area; keep alphabetical).
from .commands.market import market  # noqa: E402

main.add_command(market)
from .demo import demo_cmd  # noqa: E402

main.add_command(demo_cmd)
from .commands.node import node  # noqa: E402

main.add_command(node)
from .commands.zk import zk_group  # noqa: E402

main.add_command(zk_group)

if __name__ == "__main__":
    main()

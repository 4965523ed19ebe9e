"""The `urja` command line: one entry point for operators, households and auditors."""

import click

from . import __version__


@click.group()
@click.version_option(__version__, prog_name="urja")
def main() -> None:
    """Urja: a community peer-to-peer solar energy market on Stellar."""


if __name__ == "__main__":
    main()

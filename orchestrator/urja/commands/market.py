"""`urja market`: market operations an operator or auditor runs by hand."""

from __future__ import annotations

import json
import sys

import click

from .. import clearing


@click.group()
def market() -> None:
    """Clear slots and inspect the market."""


@market.command("clear")
@click.option(
    "--in",
    "in_path",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Order book JSON (see docs/matching.md); '-' reads stdin.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the result JSON here instead of stdout.",
)
def clear_cmd(in_path: str, out_path: str | None) -> None:
    """Clear one slot's order book with the Rust engine and print the trades."""
    try:
        text = sys.stdin.read() if in_path == "-" else open(in_path, encoding="utf-8").read()
    except OSError as e:
        raise click.ClickException(f"cannot read {in_path}: {e.strerror}") from e
    try:
        result = json.loads(clearing.clear_json(text))
    except clearing.MatchingError as e:
        raise click.ClickException(f"invalid order book {in_path}: {e}") from e
    rendered = json.dumps(result, indent=2) + "\n"
    if out_path is None:
        click.echo(rendered, nl=False)
    else:
        with open(out_path, "w", encoding="utf-8") as f:
            f.write(rendered)
        click.echo(
            f"{len(result['trades'])} trades, {result['volume_wh']} Wh, "
            f"welfare {result['welfare']} -> {out_path}",
            err=True,
        )

"""Governance commands: members propose and vote; anyone executes a passed proposal.

The delivery verifying key reaches the verifier only through a passed proposal whose
description carries the key's SHA-256 (and the ceremony transcript's); `install-key` runs the
whole vote at once for a local trial, where the keystore holds the members' keys.
"""

from __future__ import annotations

from pathlib import Path

import click

from .common import config, friendly


def _stack():
    from ..stack import Stack

    return Stack.open(config())


def _vk(s, vk_file: Path | None) -> bytes:
    """The key to propose: `vk_file`, else the deployment's own (`DATA_DIR/keys/vk.bin`),
    which must match the SHA-256 the deployment record published."""
    import hashlib

    path = vk_file or s.cfg.data_dir / "keys" / "vk.bin"
    if not path.exists():
        raise click.ClickException(f"{path}: no verifying key (see `urja zk ceremony`)")
    vk = path.read_bytes()
    if vk_file is None and hashlib.sha256(vk).hexdigest() != s.dep.vk_sha256:
        raise click.ClickException(
            f"{path} does not match the deployment record's vk_sha256 {s.dep.vk_sha256}"
        )
    return vk


VK_FILE = click.option(
    "--vk-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Verifying key in contract encoding (default: the deployment's keys/vk.bin).",
)


@click.group("governance")
def governance() -> None:
    """Proposals and votes of the community's governance (docs/contracts.md)."""


@governance.command("propose-key")
@click.option("--key", "key_name", required=True, help="The proposing member's key name.")
@VK_FILE
@friendly
def propose_key_cmd(key_name: str, vk_file: Path | None) -> None:
    """Propose installing the delivery verifying key; prints the proposal id."""
    from ..deploy import propose_key
    from ..keystore import Keystore

    s = _stack()
    pid = propose_key(s.chain, s.dep, _vk(s, vk_file), Keystore(s.cfg.keystore).get(key_name))
    click.echo(f"proposal {pid}: members vote with `urja governance vote {pid} --key NAME`")


@governance.command("vote")
@click.argument("proposal", type=int)
@click.option("--key", "key_name", required=True, help="The voting member's key name.")
@click.option("--no", "against", is_flag=True, help="Vote against (default: for).")
@friendly
def vote_cmd(proposal: int, key_name: str, against: bool) -> None:
    """Vote on a proposal (once per member, while voting is open)."""
    from ..deploy import vote
    from ..keystore import Keystore

    s = _stack()
    vote(s.chain, s.dep, Keystore(s.cfg.keystore).get(key_name), proposal, not against)
    click.echo(f"voted {'against' if against else 'for'} proposal {proposal}")


@governance.command("execute")
@click.argument("proposal", type=int)
@friendly
def execute_cmd(proposal: int) -> None:
    """Execute a passed proposal once its timelock is over (waits for it)."""
    from ..deploy import execute_when_ready
    from ..stack import RELAYER_KEY

    s = _stack()
    from ..keystore import Keystore

    execute_when_ready(s.chain, s.dep, proposal, Keystore(s.cfg.keystore).get(RELAYER_KEY))
    click.echo(f"proposal {proposal} executed")


@governance.command("install-key")
@click.option(
    "--voter",
    "voters",
    multiple=True,
    required=True,
    help="A member's key name (repeat); the first proposes, all vote for.",
)
@VK_FILE
@friendly
def install_key_cmd(voters: tuple[str, ...], vk_file: Path | None) -> None:
    """Propose the delivery key, vote for it with every --voter, wait out voting and
    timelock, execute (a local trial's whole vote; on a real network members vote with
    `propose-key`, `vote` and `execute` from their own machines)."""
    from ..deploy import install_key_by_vote
    from ..keystore import Keystore

    s = _stack()
    ks = Keystore(s.cfg.keystore)
    install_key_by_vote(
        s.chain, s.dep, _vk(s, vk_file), [ks.get(v) for v in voters], say=click.echo
    )

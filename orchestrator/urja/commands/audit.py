"""`urja audit`: rebuild the market from events, re-verify every proof, check the books."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .. import market_audit
from ..bindings import Market
from ..chain import ChainError
from ..stack import Stack
from .common import config, friendly


@click.command("audit")
@click.option(
    "--from-chain",
    is_flag=True,
    help="Fetch every event afresh from the RPC instead of trusting the local index.",
)
@click.option("--offline", is_flag=True, help="Do not compare with the chain's current state.")
@click.option(
    "--ceremony",
    "ceremony_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="The published ceremony: re-verify it with snarkjs and check the installed key is"
    " the one its transcript yields.",
)
@click.option("--json", "as_json", is_flag=True)
@friendly
def audit(from_chain: bool, offline: bool, ceremony_dir: Path | None, as_json: bool) -> None:
    """Rebuild the market from events, re-verify every delivery proof with py_ecc, check
    that kWh supply equals proven energy and that escrow is conserved. Exits 1 on any
    discrepancy."""
    s = Stack.open(config())
    try:
        rep = market_audit.audit_deployment(s, from_chain, offline)
    except ChainError as e:
        raise click.ClickException(f"audit could not read the chain: {e}") from e
    except market_audit.AuditError as e:
        raise click.ClickException(str(e)) from e
    if ceremony_dir is not None:
        from ..ceremony import CeremonyError, deploy_key_from_ceremony

        try:
            vk, _, transcript = deploy_key_from_ceremony(ceremony_dir, say=lambda *_: None)
        except CeremonyError as e:
            raise click.ClickException(str(e)) from e
        installed = Market(s.chain, s.dep.contracts["market"]).installed_vk()
        market_audit.check_transcript(rep, installed, vk, transcript, s.dep.transcript_sha256)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "ok": rep.ok,
                    "figures": rep.figures,
                    "checks": [{"name": n, "ok": ok, "detail": d} for n, ok, d in rep.checks],
                },
                indent=1,
            )
        )
    else:
        click.echo(rep.text())
    if not rep.ok:
        raise SystemExit(1)

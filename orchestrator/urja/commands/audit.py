"""`urja audit`: rebuild the market from events, re-verify every proof, check the books."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click

from .. import auditor
from ..chain import ChainError
from ..contracts import Market, Token
from ..domain import market_domain
from ..indexer.follow import Indexer
from ..indexer.store import Index
from ..services import Stack
from .common import config, friendly


def chain_state(s: Stack) -> dict:
    """What the chain says now: kWh supply, the market's totals and parameters, the escrow it
    holds, and each household's credit (asked per address by the audit)."""
    ids = s.dep.contracts
    market = Market(s.chain, ids["market"])
    return {
        "total_supply": Token(s.chain, ids["token"]).total_supply(),
        "totals": market.totals(),
        "params": market.params(),
        "credit": market.credit,
        "escrow_balance": Token(s.chain, ids["payment"], "token").balance(ids["market"]),
    }


def audit_stack(s: Stack, from_chain: bool, offline: bool = False) -> auditor.Report:
    """Audits a deployment from its index (or from events fetched afresh)."""
    if from_chain:
        tmp = Path(tempfile.mkdtemp(prefix="urja-audit-"))
        index = Index(tmp / "index.sqlite")
        Indexer(s.chain, s.dep.contracts, index, s.dep.ledger).poll(limit=1000)
    else:
        index = Index(s.index_path, readonly=True)
    state = None if offline else chain_state(s)
    domain = market_domain(s.dep.passphrase, s.dep.contracts["market"])
    return auditor.run(index, state, domain=domain, circuit_id=s.dep.circuit_id)


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
        rep = audit_stack(s, from_chain, offline)
    except ChainError as e:
        raise click.ClickException(f"audit could not read the chain: {e}") from e
    if ceremony_dir is not None:
        from ..ceremony import CeremonyError, deploy_key_from_ceremony

        try:
            vk, _, transcript = deploy_key_from_ceremony(ceremony_dir, say=lambda *_: None)
        except CeremonyError as e:
            raise click.ClickException(str(e)) from e
        installed = Market(s.chain, s.dep.contracts["market"]).installed_vk()
        auditor.check_transcript(rep, installed, vk, transcript, s.dep.transcript_sha256)
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

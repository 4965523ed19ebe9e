"""`urja zk`: the multi-party trusted-setup ceremony, example export and independent
verification (and, for development only, a single-party setup)."""

from __future__ import annotations

from pathlib import Path

import click

from .. import proof_check, zk


@click.group("zk")
def zk_group() -> None:
    """Zero-knowledge proofs of delivery (see docs/zk.md)."""


@zk_group.command("setup")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory for delivery.pk, vk.bin and verification_key.json.",
)
@click.option(
    "--insecure-dev-setup",
    is_flag=True,
    help="INSECURE: single-party setup from OS randomness; whoever runs it can forge proofs.",
)
@click.option(
    "--insecure-dev-seed",
    type=int,
    default=None,
    help="INSECURE: repeatable setup for tests and demos; anyone can forge proofs.",
)
def setup_cmd(out_dir: str, insecure_dev_setup: bool, insecure_dev_seed: int | None) -> None:
    """Development only: a single-party Groth16 setup. Real keys come from
    `urja zk ceremony` (docs/zk.md)."""
    if not insecure_dev_setup and insecure_dev_seed is None:
        raise click.UsageError(
            "a single-party setup lets its operator forge proofs: run a ceremony "
            "(`urja zk ceremony init`) or pass --insecure-dev-setup for development"
        )
    click.secho(
        "WARNING: single-party setup - "
        + (
            "anyone who knows the seed can forge proofs."
            if insecure_dev_seed is not None
            else "whoever ran it could have kept its randomness and can forge proofs."
        )
        + " Never register this key on a real network.",
        fg="red",
        err=True,
    )
    key = zk.ProvingKey.setup(insecure_dev_seed)
    for name, path in zk.save_keys(key, out_dir).items():
        click.echo(f"{name}: {path}")


@zk_group.command("export-example")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory for the snarkjs JSON files and contract encodings.",
)
def export_example_cmd(out_dir: str) -> None:
    """Write a fresh valid proof (new setup, random readings) for outside tools."""
    for name, path in zk.export_example(out_dir).items():
        click.echo(f"{name}: {path}")
    click.echo(
        f"check it with: npx snarkjs groth16 verify {Path(out_dir) / 'verification_key.json'}"
        f" {Path(out_dir) / 'public.json'} {Path(out_dir) / 'proof.json'}"
    )


@zk_group.command("verify")
@click.option(
    "--dir",
    "in_dir",
    required=True,
    type=click.Path(exists=True, file_okay=False),
    help="Directory with verification_key.json, proof.json and public.json.",
)
def verify_cmd(in_dir: str) -> None:
    """Verify snarkjs-format files independently with py_ecc (no Rust code involved)."""
    d = Path(in_dir)
    try:
        ok = proof_check.verify_snarkjs(
            *((d / n).read_text() for n in ("verification_key.json", "proof.json", "public.json"))
        )
    except (OSError, proof_check.AuditError) as e:
        raise click.ClickException(str(e)) from e
    if not ok:
        raise click.ClickException("proof does NOT verify")
    click.echo("proof verifies (py_ecc)")


@zk_group.group("ceremony")
def ceremony_group() -> None:
    """Multi-party trusted setup with snarkjs (docs/zk.md): init, contribute, beacon,
    verify, finalize. Safe when at least one contributor kept no copy of its randomness."""


def _ceremony(path: str):
    from ..ceremony import Ceremony

    return Ceremony(Path(path))


def _ceremony_errors(fn):
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from ..ceremony import CeremonyError

        try:
            return fn(*args, **kwargs)
        except CeremonyError as e:
            raise click.ClickException(str(e)) from e

    return wrapper


def _beacon(spec: str, what: str):
    from ..ceremony import Beacon

    network, _, ledger = spec.rpartition(":")
    if not network or not ledger.isdigit():
        raise click.BadParameter(f"{spec!r}: expected NETWORK:LEDGER", param_hint=what)
    return Beacon(network, int(ledger))


DIR = click.argument("directory", type=click.Path(file_okay=False))


@ceremony_group.command("init")
@DIR
@click.option(
    "--phase1-beacon",
    metavar="NETWORK:LEDGER",
    help="Announced beacon closing phase 1: a future Stellar ledger, e.g. testnet:1234567.",
)
@click.option(
    "--phase2-beacon",
    metavar="NETWORK:LEDGER",
    required=True,
    help="Announced beacon closing phase 2 (a later ledger).",
)
@click.option("--power", type=int, default=None, help="Phase-1 size 2^POWER (default: fitted).")
@click.option(
    "--phase1-ptau",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Import a finished, prepared phase 1 (e.g. a public powers-of-tau) instead.",
)
@_ceremony_errors
def ceremony_init(directory, phase1_beacon, phase2_beacon, power, phase1_ptau) -> None:
    """Start a ceremony in DIRECTORY: circuit.r1cs, ceremony.json (publish it: it announces
    the beacons) and phase 1's first file."""
    b1 = _beacon(phase1_beacon, "--phase1-beacon") if phase1_beacon else None
    b2 = _beacon(phase2_beacon, "--phase2-beacon")
    if b1 is None and phase1_ptau is None:
        raise click.UsageError("give --phase1-beacon (or --phase1-ptau to import phase 1)")
    _ceremony(directory).init(
        b1,
        b2,
        power=power,
        phase1_ptau=Path(phase1_ptau) if phase1_ptau else None,
        say=click.echo,
    )


@ceremony_group.command("contribute")
@DIR
@click.option("--name", required=True, help="Your public name in the transcript.")
@_ceremony_errors
def ceremony_contribute(directory, name) -> None:
    """Add your contribution to the open phase. Randomness comes from the operating system
    and reaches snarkjs through a pipe; it is never written anywhere. Publish the hash
    printed at the end."""
    _ceremony(directory).contribute(name, say=click.echo)


@ceremony_group.command("beacon")
@DIR
@click.option("--ledger-hash", default=None, help="Hash of the announced ledger (64 hex).")
@click.option("--rpc", "rpc_url", default=None, help="Fetch that hash from this Stellar RPC.")
@_ceremony_errors
def ceremony_beacon(directory, ledger_hash, rpc_url) -> None:
    """Close the open phase with the announced ledger's hash (phase 1: then prepare phase 2
    and open it)."""
    _ceremony(directory).beacon(ledger_hash, rpc_url=rpc_url, say=click.echo)


@ceremony_group.command("verify")
@DIR
@click.option("--rpc", "rpc_url", default=None, help="Also check the beacons' ledger hashes.")
@_ceremony_errors
def ceremony_verify(directory, rpc_url) -> None:
    """Check the ceremony so far with snarkjs (powersoftau verify, zkey verify) and check
    every file against its record."""
    _ceremony(directory).verify(rpc_url=rpc_url, say=click.echo)
    click.echo("ceremony verifies")


@ceremony_group.command("finalize")
@DIR
@click.option("--rpc", "rpc_url", default=None, help="Also check the beacons' ledger hashes.")
@_ceremony_errors
def ceremony_finalize(directory, rpc_url) -> None:
    """Verify the closed ceremony and write verification_key.json, vk.bin and
    transcript.json; prints the key's and the transcript's SHA-256 (the governance proposal
    carries both)."""
    _ceremony(directory).finalize(rpc_url=rpc_url, say=click.echo)

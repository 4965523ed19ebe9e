"""`urja zk`: trusted setup, example export and independent verification."""

from __future__ import annotations

from pathlib import Path

import click

from .. import audit, zk


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
    "--insecure-dev-seed",
    type=int,
    default=None,
    help="INSECURE: repeatable setup for tests and demos; anyone can forge proofs.",
)
def setup_cmd(out_dir: str, insecure_dev_seed: int | None) -> None:
    """Run the circuit-specific Groth16 setup from OS randomness."""
    if insecure_dev_seed is not None:
        click.secho(
            "WARNING: deterministic setup - anyone who knows the seed can forge "
            "proofs. Never register this key on a real network.",
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
        ok = audit.verify_snarkjs(
            *((d / n).read_text() for n in ("verification_key.json", "proof.json", "public.json"))
        )
    except (OSError, audit.AuditError) as e:
        raise click.ClickException(str(e)) from e
    if not ok:
        raise click.ClickException("proof does NOT verify")
    click.echo("proof verifies (py_ecc)")

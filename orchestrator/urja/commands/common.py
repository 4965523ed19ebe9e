"""What every command shares: the loaded configuration and friendly error reporting.

Nothing here imports the Stellar SDK or the services: commands import what they need when they
run, so `urja --help` and `urja offer --help` stay fast.
"""

from __future__ import annotations

import functools
import logging
import sys

import click

from ..config import Config, ConfigError, load

KNOWN_ERRORS = (ConfigError, ValueError, OSError)
"""Errors every command turns into one line; see `known_errors` for the rest."""

LAZY_ERRORS = (
    ("urja.chain", "ChainError"),
    ("urja.deploy", "DeployError"),
    ("urja.keystore", "KeystoreError"),
    ("urja.stack", "ServiceError"),
    ("urja.broker", "BrokerError"),
    ("urja.localnet", "LocalnetError"),
)
"""Error classes of modules a command may have imported (only those can have been raised)."""


def known_errors() -> tuple[type[BaseException], ...]:
    """`KNOWN_ERRORS` plus the error classes of every Urja module loaded so far."""
    extra = [getattr(sys.modules[m], name) for m, name in LAZY_ERRORS if m in sys.modules]
    return (*KNOWN_ERRORS, *extra)


def config() -> Config:
    """The configuration named by the root `--config` option (or its defaults)."""
    ctx = click.get_current_context()
    root = ctx.find_root()
    if "urja_config" not in root.meta:
        env = None
        cfg = load(root.params.get("config_path"), env)
        if root.params.get("data_dir"):
            from dataclasses import replace
            from pathlib import Path

            d = Path(root.params["data_dir"])
            keystore = cfg.keystore
            if keystore == cfg.data_dir / "keystore.json":
                keystore = d / "keystore.json"
            cfg = replace(cfg, data_dir=d, keystore=keystore)
        root.meta["urja_config"] = cfg
    return root.meta["urja_config"]


def friendly(fn):
    """Turns known errors into one clear line and exit status 1 (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as e:
            if isinstance(e, known_errors()):
                raise click.ClickException(str(e)) from e
            raise

    return wrapper


def logging_setup(verbose: bool = False) -> None:
    """Service logs: one line per event, to stderr."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    for noisy in ("httpx", "urllib3", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

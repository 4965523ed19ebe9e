"""What every command shares: the loaded configuration and friendly error reporting."""

from __future__ import annotations

import functools
import logging

import click

from ..chain import ChainError
from ..config import Config, ConfigError, load
from ..deploy import DeployError
from ..keystore import KeystoreError

KNOWN_ERRORS = (ConfigError, KeystoreError, ChainError, DeployError, ValueError, OSError)


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
        except KNOWN_ERRORS as e:
            raise click.ClickException(str(e)) from e

    return wrapper


def logging_setup(verbose: bool = False) -> None:
    """Service logs: one line per event, to stderr."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    for noisy in ("httpx", "urllib3", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

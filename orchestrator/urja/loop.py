"""The loop every long-running service shares: tick, report outages once, carry on."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from .chain import ChainError, ChainUnavailable


def keep_running(
    log: logging.Logger,
    tick: Callable[[], object],
    stop: threading.Event,
    interval: float,
    on_refusal: bool = False,
) -> None:
    """Calls `tick` every `interval` seconds until `stop` is set. An unreachable network is
    logged when it starts and when it ends; with `on_refusal`, a refused transaction is
    logged and the loop carries on (the next tick tries again)."""
    down = False
    while not stop.is_set():
        try:
            tick()
            if down:
                log.warning("network reachable again; resuming")
            down = False
        except ChainUnavailable as e:
            if not down:
                log.error("waiting for the network: %s", e)
            down = True
        except ChainError as e:
            if not on_refusal:
                raise
            log.error("refused: %s", e)
        stop.wait(interval)

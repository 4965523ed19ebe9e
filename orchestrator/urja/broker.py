"""A loopback mosquitto broker for the demo and the tests (meter traffic over MQTT)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path


class BrokerError(RuntimeError):
    """mosquitto is missing or did not start."""


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(data_dir: Path, port: int | None = None) -> tuple[subprocess.Popen, int]:
    """Starts mosquitto on 127.0.0.1 (anonymous, loopback only); returns (process, port)."""
    exe = shutil.which("mosquitto") or (
        "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
    )
    if exe is None:
        raise BrokerError("mosquitto is not installed: run scripts/setup.sh (or make setup)")
    port = port or free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    conf = data_dir / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\n")
    log = open(data_dir / "mosquitto.log", "w")  # noqa: SIM115 - lives as long as the broker
    proc = subprocess.Popen([exe, "-c", str(conf)], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            if proc.poll() is not None:
                raise BrokerError(f"mosquitto exited: see {data_dir / 'mosquitto.log'}") from None
            time.sleep(0.05)
    proc.kill()
    raise BrokerError(f"mosquitto did not listen on port {port}")

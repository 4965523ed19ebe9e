"""A loopback mosquitto broker for the demo, the tests and local trials (meter traffic over
MQTT).

`start` runs mosquitto as a child of the caller (the demo, `urja serve` on the local network)
or, with `detach=True`, in the background with its pid and port recorded in the data
directory (`urja broker start`, `urja quickstart`), so `running` and `stop` find it later.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path


class BrokerError(RuntimeError):
    """mosquitto is missing or did not start."""


STATE = "broker.json"


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reachable(host: str, port: int, timeout: float = 1.0) -> bool:
    """True when something accepts TCP connections at host:port."""
    try:
        socket.create_connection((host, port), timeout=timeout).close()
        return True
    except OSError:
        return False


def executable() -> str:
    """The mosquitto binary, or an error saying how to install it."""
    exe = shutil.which("mosquitto") or (
        "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
    )
    if exe is None:
        raise BrokerError(
            "mosquitto is not installed: `sudo apt-get install mosquitto` (or make setup)"
        )
    return exe


def start(
    data_dir: Path, port: int | None = None, *, detach: bool = False
) -> tuple[subprocess.Popen, int]:
    """Starts mosquitto on 127.0.0.1 (anonymous, loopback only); returns (process, port)."""
    exe = executable()
    port = port or free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    conf = data_dir / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\n")
    log = open(data_dir / "mosquitto.log", "w")  # noqa: SIM115 - lives as long as the broker
    proc = subprocess.Popen(
        [exe, "-c", str(conf)], stdout=log, stderr=subprocess.STDOUT, start_new_session=detach
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if reachable("127.0.0.1", port, 0.2):
            if detach:
                (data_dir / STATE).write_text(json.dumps({"pid": proc.pid, "port": port}))
            return proc, port
        if proc.poll() is not None:
            raise BrokerError(f"mosquitto exited: see {data_dir / 'mosquitto.log'}") from None
        time.sleep(0.05)
    proc.kill()
    raise BrokerError(f"mosquitto did not listen on port {port}")


def running(data_dir: Path) -> tuple[int, int] | None:
    """(pid, port) of the detached broker recorded in `data_dir`, if it still runs."""
    from .localnet import _alive

    try:
        state = json.loads((data_dir / STATE).read_text())
    except (OSError, ValueError):
        return None
    pid, port = int(state["pid"]), int(state["port"])
    return (pid, port) if _alive(pid) else None


def stop(data_dir: Path, timeout: float = 10.0) -> bool:
    """Stops the detached broker recorded in `data_dir`; False when none was running."""
    from .localnet import _alive

    found = running(data_dir)
    (data_dir / STATE).unlink(missing_ok=True)
    if found is None:
        return False
    pid = found[0]
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
    return True

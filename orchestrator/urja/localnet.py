"""Running the embedded local network (`urja-localnet`) as a background process.

`start` launches the node detached, waits for its READY line and records its pid and URL
in the data directory; `stop` and `status` find it there. The node serves the Stellar RPC
API, so everything else in Urja talks to it exactly as to testnet.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from . import rpc

REPO = Path(__file__).resolve().parents[2]


class LocalnetError(RuntimeError):
    """The node could not be found, started, stopped or reached."""


def binary() -> Path:
    """`$URJA_LOCALNET_BIN`, else the repository's release build, else `urja-localnet` on PATH."""
    if os.environ.get("URJA_LOCALNET_BIN"):
        return Path(os.environ["URJA_LOCALNET_BIN"])
    built = REPO / "target" / "release" / "urja-localnet"
    if built.exists():
        return built
    found = shutil.which("urja-localnet")
    if found:
        return Path(found)
    raise LocalnetError("urja-localnet not found: run `make localnet` (or set URJA_LOCALNET_BIN)")


@dataclass(frozen=True)
class NodeInfo:
    """A running node as recorded in its data directory."""

    pid: int
    url: str
    data_dir: Path


def _state_file(data_dir: Path) -> Path:
    return data_dir / "node.json"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # an exited child not yet reaped by its parent is a zombie, not a node
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return True


def running(data_dir: Path) -> NodeInfo | None:
    """The node recorded in `data_dir` if its process is alive."""
    try:
        state = json.loads(_state_file(data_dir).read_text())
    except (OSError, ValueError):
        return None
    info = NodeInfo(pid=int(state["pid"]), url=state["url"], data_dir=data_dir)
    return info if _alive(info.pid) else None


def start(data_dir: Path, port: int = 8000, ledger_close_ms: int = 1000) -> NodeInfo:
    """Starts the node in the background (or returns the one already running there)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if (existing := running(data_dir)) is not None:
        return existing
    log = open(data_dir / "node.log", "ab")
    proc = subprocess.Popen(
        [
            str(binary()),
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            "--ledger-close-ms",
            str(ledger_close_ms),
        ],
        stdout=subprocess.PIPE,
        stderr=log,
        start_new_session=True,
    )
    line = proc.stdout.readline().decode().strip()
    if not line.startswith("READY "):
        proc.kill()
        raise LocalnetError(f"urja-localnet did not start (see {data_dir / 'node.log'}): {line}")
    info = NodeInfo(pid=proc.pid, url=line.split()[1], data_dir=data_dir)
    _state_file(data_dir).write_text(json.dumps({"pid": info.pid, "url": info.url}))
    return info


def stop(data_dir: Path, timeout: float = 10.0) -> bool:
    """Stops the node recorded in `data_dir`; False when none was running."""
    info = running(data_dir)
    if info is None:
        return False
    os.kill(info.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(info.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _alive(info.pid):
        os.kill(info.pid, signal.SIGKILL)
    _state_file(data_dir).unlink(missing_ok=True)
    return True


def status(url: str) -> dict:
    """getNetwork and getLatestLedger of the node at `url`."""

    def call(method: str) -> dict:
        try:
            return rpc.call(url, method, timeout=5)
        except rpc.RpcError as e:
            raise LocalnetError(f"no Stellar RPC answering at {url}: {e}") from e

    return {"network": call("getNetwork"), "latest_ledger": call("getLatestLedger")}

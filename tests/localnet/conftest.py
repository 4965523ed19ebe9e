"""Starts `urja-localnet` on a free loopback port for the tests that need a network."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from urja import localnet as urja_localnet

ROOT = Path(__file__).resolve().parents[2]


def localnet_binary() -> Path:
    """The node binary as `urja.localnet.binary` finds it; the release build is made first
    when neither $URJA_LOCALNET_BIN nor a build exists."""
    if (
        not os.environ.get("URJA_LOCALNET_BIN")
        and not (ROOT / "target/release/urja-localnet").exists()
    ):
        subprocess.run(
            ["cargo", "build", "--release", "-q", "-p", "urja-localnet"], cwd=ROOT, check=True
        )
    return urja_localnet.binary()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Localnet:
    """A running node: its URL, passphrase, data directory and process."""

    url: str
    passphrase: str
    data_dir: Path
    proc: subprocess.Popen
    port: int

    def rpc(self, method: str, params: dict | None = None) -> dict:
        body = {"jsonrpc": "2.0", "id": 1, "method": method}
        if params is not None:
            body["params"] = params
        return requests.post(self.url, json=body, timeout=30).json()

    def fund(self, address: str) -> None:
        r = requests.get(f"{self.url}/friendbot", params={"addr": address}, timeout=30)
        assert r.status_code == 200, r.text

    def stop(self, sig: int = signal.SIGTERM) -> None:
        self.proc.send_signal(sig)
        self.proc.wait(timeout=30)


def start_localnet(data_dir: Path, port: int | None = None, close_ms: int = 200) -> Localnet:
    """Starts a node and waits for its READY line."""
    port = port or free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [
            str(localnet_binary()),
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            "--ledger-close-ms",
            str(close_ms),
        ],
        # The node's log goes to a file: a pipe nobody reads would eventually block it.
        stdout=subprocess.PIPE,
        stderr=open(data_dir / "node.log", "ab"),
        text=True,
    )
    line = proc.stdout.readline()
    if not line.startswith("READY "):
        proc.kill()
        log = (data_dir / "node.log").read_text(errors="replace")
        raise RuntimeError(f"urja-localnet did not start: {line}{log}")
    url = line.split()[1]
    net = requests.post(
        url, json={"jsonrpc": "2.0", "id": 1, "method": "getNetwork"}, timeout=30
    ).json()["result"]
    time.sleep(0.05)
    return Localnet(url=url, passphrase=net["passphrase"], data_dir=data_dir, proc=proc, port=port)


@pytest.fixture(scope="module")
def localnet(tmp_path_factory) -> Iterator[Localnet]:
    node = start_localnet(tmp_path_factory.mktemp("localnet"))
    yield node
    if node.proc.poll() is None:
        node.stop()

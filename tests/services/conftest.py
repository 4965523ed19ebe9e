"""A deployed community on a fresh local network, with the operator's services run as real
processes (`urja indexer run`, `urja matcher run`, `urja relayer run`) so tests can kill -9
them, stop the network, and check that nothing is lost or done twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from nacl.signing import SigningKey

from urja import broker, localnet, metering
from urja.bindings import Market, Registry, Token
from urja.cli import main
from urja.config import load
from urja.domain import market_domain
from urja.indexer.store import Index
from urja.keystore import Keystore
from urja.stack import Stack

SLOT_SECS = 15
DAWN_UNIX = 1774060200
"""2026-03-21 02:30 UTC = 08:00 in Delhi: what the fixture's origin slot stands for."""
SERVICES = ("indexer", "matcher", "relayer")


@dataclass
class Community:
    """Everything a test needs to drive and inspect the community."""

    root: Path
    config: Path
    data: Path
    net: Path
    port: int
    mqtt_port: int
    stack: Stack
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    meters: dict[str, SigningKey] = field(default_factory=dict)

    def urja(self, *args: str) -> str:
        r = CliRunner().invoke(main, ["--config", str(self.config), *args])
        assert r.exit_code == 0, r.output + repr(r.exception)
        return r.output

    def urja_fails(self, *args: str) -> str:
        r = CliRunner().invoke(main, ["--config", str(self.config), *args])
        assert r.exit_code != 0, r.output
        return r.output

    def start(self, name: str) -> None:
        log = open(self.root / f"{name}.log", "ab")
        self.procs[name] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "urja.cli",
                "--config",
                str(self.config),
                name,
                "run",
                "--interval",
                "0.3",
            ],
            stdout=log,
            stderr=log,
            start_new_session=True,
        )

    def kill9(self, name: str) -> None:
        p = self.procs.pop(name)
        os.killpg(p.pid, signal.SIGKILL)
        p.wait(10)

    def log(self, name: str) -> str:
        return (self.root / f"{name}.log").read_text()

    def key(self, name: str):
        return Keystore(self.data / "keystore.json").get(name)

    def addr(self, name: str) -> str:
        return self.key(name).public_key

    @property
    def market(self) -> Market:
        return self.stack.market()

    def kwh(self, name: str) -> int:
        return Token(self.stack.chain, self.stack.dep.contracts["token"]).balance(self.addr(name))

    def supply(self) -> int:
        return Token(self.stack.chain, self.stack.dep.contracts["token"]).total_supply()

    def index(self) -> Index:
        return Index(self.data / "index.sqlite", readonly=True)

    def now(self) -> int:
        return self.stack.chain.ledger_time()

    def sky_slot(self, hour: float) -> int:
        """A past slot that stands for `hour` (08:00 minus up to seven hours) in Delhi on
        the fixture's sky, kept for tests of refused messages (no order uses it)."""
        assert 1 <= hour <= 8, hour
        return int(self.stack.dep.site["origin_slot"]) - round((8 - hour) * 6)

    def next_slot(self, lead: int = 6) -> int:
        """A slot whose gate is at least `lead` seconds away."""
        clock = self.stack.clock
        s = clock.next_open(self.now())
        while clock.gate(s) - self.now() < lead:
            s += 1
        return s

    def wait(self, what, timeout: float = 60, step: float = 0.3):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            v = what()
            if v:
                return v
            time.sleep(step)
        raise AssertionError(f"timed out waiting for {what.__doc__ or what}")

    def wait_time(self, t: int) -> None:
        self.wait(lambda: self.now() >= t, timeout=120)


@pytest.fixture(scope="module")
def community(tmp_path_factory) -> Community:
    root = tmp_path_factory.mktemp("community")
    mqtt, mqtt_port = broker.start(root / "mqtt")
    port = broker.free_port()
    net = root / "net"
    localnet.start(net, port, ledger_close_ms=250)
    data = root / "data"
    config = root / "urja.toml"
    config.write_text(
        # No friendbot_url: on the local network it follows rpc_url (issue 18).
        f'[network]\nname = "local"\nrpc_url = "http://127.0.0.1:{port}"\n'
        f'[data]\ndir = "{data}"\n[mqtt]\nport = {mqtt_port}\ncommunity = "test"\n'
    )
    runner = CliRunner()

    def urja(*args):
        r = runner.invoke(main, ["--config", str(config), *args])
        assert r.exit_code == 0, r.output + repr(r.exception)
        return r.output

    deployed = urja(
        "deploy",
        "--slot-secs",
        str(SLOT_SECS),
        "--gate-lead",
        "5",
        "--delivery-deadline",
        "3600",
        "--feeder",
        "0:100000",
        "--feeder",
        "1:100000",
        "--insecure-dev-seed",
        "7",
    )
    assert "next: admit households with `urja member add" in deployed  # issue 18, point 7
    # The sky: slot ORIGIN = (current + 3) stands for 08:00 in Delhi (equinox), ten minutes
    # per slot, so every slot the tests trade in (the next hour of wall time) is daylight,
    # whatever the machine's speed, and slots 42 before ORIGIN are 01:00, still within the
    # hour-long delivery window: `night_slot` and `dawn_slot` below.
    rec = json.loads((data / "deployment.json").read_text())
    now_slot = int(time.time()) // SLOT_SECS
    rec["site"].update(origin_slot=now_slot + 3, origin_unix=DAWN_UNIX, sim_slot_secs=600)
    (data / "deployment.json").write_text(json.dumps(rec))
    stack = Stack.open(load(config))
    c = Community(root, config, data, net, port, mqtt_port, stack)
    for name, role, feeder in (
        ("d1", "donor", 0),
        ("d2", "donor", 1),
        ("r1", "receiver", 0),
        ("r2", "receiver", 1),
    ):
        urja("keys", "add", name, "--fund")
        urja("member", "add", c.addr(name), "--role", role, "--feeder", str(feeder))
        if role == "donor":
            kf = root / f"{name}.meter"
            out = urja(
                "meter",
                "register",
                "--owner",
                c.addr(name),
                "--feeder",
                str(feeder),
                "--max-wh-per-minute",
                # 100 Wh a reading: the 15-second slots stand for 15 minutes of energy.
                str(metering.compressed_rate(100, SLOT_SECS, 900)),
                "--new-key",
                str(kf),
                "--accept-as",
                name,
            )
            # The domain to provision into the meter (docs/firmware.md), as the relayer has it.
            domain = market_domain(stack.dep.passphrase, stack.dep.contracts["market"])
            assert f"provision the meter with this market's domain: {domain.hex()}" in out
            c.meters[name] = SigningKey(bytes.fromhex(kf.read_text().strip()))
    # The members vote the delivery key in (issue 13: no key installs it alone).
    voters = [a for n in ("d1", "d2", "r1", "r2") for a in ("--voter", n)]
    urja("governance", "install-key", *voters)
    for s in SERVICES:
        c.start(s)

    def indexed():
        """the indexer has caught up once"""
        f = data / "index.sqlite"
        return f.exists() and Index(f, readonly=True).synced()[0] > 0

    c.wait(indexed, timeout=60)
    yield c
    for s in list(c.procs):
        c.kill9(s)
    mqtt.terminate()
    localnet.stop(net)


__all__ = ["Community", "Registry", "SLOT_SECS"]

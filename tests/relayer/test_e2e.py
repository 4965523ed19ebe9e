"""Meter to chain: urja-meter-sim (the firmware's C++ core), provisioned with the market's
domain, publishes signed slots to mosquitto, the relayer verifies and stores them, proves
each delivery and the market mints kWh for it on the local network."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
from stellar_sdk import Keypair, scval

from urja import localnet, zk
from urja.bindings import Market, Registry
from urja.chain import Chain, addr
from urja.deploy import MarketSettings, deploy_trial, install_key_by_vote
from urja.domain import market_domain
from urja.relayer.inbox import Inbox
from urja.relayer.service import Relayer, subscribe
from urja.slots import SlotClock

from ..localnet.conftest import ROOT, free_port

SIM = ROOT / "target" / "firmware-host" / "urja-meter-sim"
SLOT_SECS = 30


@pytest.mark.skipif(
    shutil.which("mosquitto") is None or not SIM.exists(),
    reason="needs mosquitto and the firmware host build (make test builds both)",
)
def test_meter_sim_to_minted_kwh(tmp_path: Path):
    port = free_port()
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\n")
    broker = subprocess.Popen(["mosquitto", "-c", str(conf)], stderr=subprocess.DEVNULL)
    node = localnet.start(tmp_path / "net", free_port(), ledger_close_ms=500)
    client = None
    try:
        time.sleep(0.3)
        chain = Chain(node.url, localnet.status(node.url)["network"]["passphrase"])
        op = Keypair.random()
        chain.fund_if_new(op.public_key, f"{node.url}/friendbot")
        key = zk.ProvingKey.setup()
        settings = MarketSettings(
            slot_secs=SLOT_SECS, gate_lead_secs=10, delivery_deadline_secs=600, price_cap=1000
        )
        dep = deploy_trial(chain, op, settings)
        ids = dep.contracts
        registry = Registry(chain, ids["registry"])
        domain = market_domain(chain.passphrase, ids["market"])
        profile = tmp_path / "profile.txt"
        profile.write_text(
            f"community e2e\nslot_secs {SLOT_SECS}\nmeter solar count=2 peak_w=3500 load_w=300\n"
        )
        state = tmp_path / "state"
        # Slots that ended within the market's delivery window (10 minutes).
        now = chain.ledger_time()
        start = (now - 300) // SLOT_SECS * SLOT_SECS
        # First run creates the meters' keys (no broker: messages go to stdout).
        subprocess.run(
            [
                str(SIM),
                "--profile",
                str(profile),
                "--state",
                str(state),
                "--start",
                str(start),
                "--seconds",
                "0",
                "--speed",
                "0",
                "--domain",
                domain.hex(),
            ],
            check=True,
            capture_output=True,
        )
        meters = [
            line.split("\t")
            for line in (state / "meters.tsv").read_text().splitlines()
            if not line.startswith("index")
        ]
        owners = []
        for _, _kind, meter_hex in meters:
            owner = Keypair.random()
            requests.get(f"{node.url}/friendbot", params={"addr": owner.public_key}, timeout=60)
            registry.add_member(op, owner.public_key, "donor", 0)
            registry.register_meter(op, bytes.fromhex(meter_hex), owner.public_key, 0, 1000)
            registry.accept_meter(owner, bytes.fromhex(meter_hex))
            owners.append(owner)
        # The members vote the delivery key in: nobody else can install it.
        install_key_by_vote(chain, dep, key.vk_bytes(), owners, say=lambda *_: None)
        relayer = Relayer(
            Market(chain, ids["market"]),
            registry,
            op,
            key,
            Inbox(tmp_path / "inbox.sqlite"),
            SlotClock(SLOT_SECS, 10, 600),
        )
        client = subscribe(relayer, "127.0.0.1", port, "e2e", "relayer-e2e")
        time.sleep(0.5)
        subprocess.run(
            [
                str(SIM),
                "--profile",
                str(profile),
                "--state",
                str(state),
                "--start",
                str(start),
                "--seconds",
                str(4 * SLOT_SECS),
                "--speed",
                "0",
                "--domain",
                domain.hex(),
                "--broker",
                f"127.0.0.1:{port}",
                "--linger",
                "3",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        deadline = time.time() + 30
        while len(relayer.inbox.pending()) < 2 * 4 and time.time() < deadline:
            time.sleep(0.2)
        stored = relayer.inbox.pending()
        assert len(stored) >= 2 * 3, (len(stored), relayer.inbox.dead_letters())
        delivered = relayer.deliver_ready()
        assert delivered == len(stored), relayer.inbox.dead_letters()
        energy = {}
        for m in stored:
            energy[m.meter] = energy.get(m.meter, 0) + m.energy_wh
        for (_, _, meter_hex), owner in zip(meters, owners, strict=True):
            bal = scval.from_int128(chain.read(ids["token"], "balance", [addr(owner)]))
            assert bal == energy[bytes.fromhex(meter_hex)]  # all surplus: no trades matched
    finally:
        if client is not None:
            client.loop_stop()
        localnet.stop(tmp_path / "net")
        broker.terminate()
        broker.wait(timeout=10)

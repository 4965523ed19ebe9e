"""The relayer service: meter messages from MQTT into the inbox, proven deliveries on-chain.

Each message is checked before it is stored: layout and ranges, that it was signed for this
market on this network (its domain), the meter's signature and commitment, that the meter is
registered and active, that the slot has ended and is still deliverable, that no reading
exceeds the meter's registered capacity, and that nothing was exported while the sun was
down. A refused message goes to the dead-letter table with its
reason. Once a slot has ended on the chain's clock, the grid server proves it in zero
knowledge and submits `market.deliver`, after asking the chain whether that slot was already
delivered (so a crash between submitting and recording never delivers twice). An unreachable
network leaves slots pending, to be retried; a refusal by the market is recorded as final.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .. import metering, zk
from ..bindings import Market, Registry
from ..chain import ChainError, ChainUnavailable
from ..domain import market_domain
from ..loop import keep_running
from ..slots import SlotClock
from ..solar import SiteClock, sun_down
from .inbox import Inbox
from .message import MessageError, MeterSlot, check_domain, check_limit, parse, verify

log = logging.getLogger("urja.relayer")

FUTURE_TOLERANCE_SECS = 60
"""How far a meter's clock may run ahead of the chain's before its slot counts as future."""


@dataclass
class Relayer:
    """Turns verified meter slots into `market.deliver` transactions."""

    market: Market
    registry: Registry
    operator: object
    key: zk.ProvingKey
    inbox: Inbox
    clock: SlotClock
    site: SiteClock | None = None
    keys_dir: Path | None = None
    """Where proving keys live (every `delivery.pk` below it): each round the relayer proves
    with the one whose verifying key the verifier holds, so a key rotated by a governance
    vote is followed without a restart. None: always `key`."""

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self._time = (0, 0.0)
        self.instructions: dict[int, int] = {}
        """CPU instructions of the deliveries submitted per slot (for reports)."""
        self.domain = market_domain(self.market.chain.passphrase, self.market.id)
        """The market domain every accepted message must be signed for."""
        self._keys: dict[str, zk.ProvingKey] = {}
        """Proving keys by the SHA-256 of their verifying key."""

    def now(self) -> int:
        """The chain's clock, read at most every few seconds and extrapolated in between."""
        t, at = self._time
        if time.monotonic() - at > 3:
            self._time = (self.market.chain.ledger_time(), time.monotonic())
            t, at = self._time
        return int(t + time.monotonic() - at)

    def meter_limit(self, meter: bytes) -> int:
        """The most Wh one of the meter's readings may claim: its registered rate over one
        reading's interval at this market's slot length (`metering.reading_limit_wh`, as the
        market binds it into the proof); refuses unknown or suspended meters."""
        m = self.registry.meter(meter)
        if m is None:
            raise MessageError(f"meter {meter.hex()}: not registered")
        if not m["active"]:
            raise MessageError(f"meter {meter.hex()}: suspended")
        return metering.reading_limit_wh(int(m["max_wh_per_minute"]), self.clock.slot_secs)

    def check(self, m: MeterSlot) -> None:
        """Every check that needs the chain or the sky (after signature and commitment)."""
        now = self.now()
        if self.clock.end(m.slot) > now + FUTURE_TOLERANCE_SECS:
            raise MessageError(f"slot {m.slot}: has not ended yet (chain time {now})")
        if self.clock.deadline(m.slot) <= now:
            raise MessageError(f"slot {m.slot}: past its delivery deadline")
        check_limit(m, self.meter_limit(m.meter))
        if self.site is not None and m.energy_wh > 0 and sun_down(self.site, m.slot):
            raise MessageError(
                f"export_wh: {m.energy_wh} Wh exported in slot {m.slot} while the sun was down"
            )

    def handle(self, payload: bytes | str) -> bool:
        """Verifies and stores one message; False (and a dead letter) when refused."""
        m = None
        try:
            m = parse(payload)
            # Domain, signature and commitment first: forgeries cost no chain reads.
            verify(m, self.domain)
            self.check(m)
            with self.lock:
                self.inbox.accept(m)
            return True
        except MessageError as e:
            log.warning("refused meter message: %s", e)
            with self.lock:
                self.inbox.reject(payload, str(e), m)
            return False
        except ChainUnavailable as e:
            # Not the meter's fault: leave it unacknowledged so the broker redelivers it.
            log.error("cannot check meter message, network unreachable: %s", e)
            raise

    def installed_key(self) -> zk.ProvingKey:
        """The proving key matching the verifying key the verifier holds now."""
        if self.keys_dir is None:
            return self.key
        vk = self.market.installed_vk()
        if vk is None:
            raise MessageError("no verifying key installed yet: the members have not voted one in")
        digest = hashlib.sha256(vk).hexdigest()
        if digest not in self._keys:
            for path in sorted(self.keys_dir.rglob("delivery.pk")):
                k = zk.load_proving_key(path)
                self._keys[hashlib.sha256(k.vk_bytes()).hexdigest()] = k
        if digest not in self._keys:
            raise MessageError(
                f"no proving key in {self.keys_dir} for the installed verifying key {digest}"
            )
        return self._keys[digest]

    def deliver_one(self, m: MeterSlot, key: zk.ProvingKey | None = None) -> str:
        """Proves and delivers one slot unless the chain already has it; returns the outcome."""
        check_domain(m, self.domain)  # an inbox carried over from another market
        if self.market.delivered(m.meter, m.slot):
            return "already delivered"
        limit = self.meter_limit(m.meter)
        p = zk.prove_delivery(
            key or self.key, list(m.export_wh), m.salt, m.slot, limit, m.meter, domain=self.domain
        )
        self.market.deliver(
            self.operator, m.meter, m.slot, m.commitment, p.energy_wh, m.signature, p.proof
        )
        local = self.market.chain.local
        self.instructions[m.slot] = self.instructions.get(m.slot, 0) + local.instructions
        return local.tx_hash

    def key_rotated_since(self, key: zk.ProvingKey) -> bool:
        """Whether the verifier now holds another verifying key than `key`'s."""
        if self.keys_dir is None:
            return False
        vk = self.market.installed_vk()
        return vk is not None and vk != key.vk_bytes()

    def refuse(self, m: MeterSlot, e: Exception) -> None:
        """Files a slot the chain or the prover refused: delivered as refused, and a dead
        letter naming why."""
        log.warning("delivery of slot %s for %s refused: %s", m.slot, m.meter.hex(), e)
        with self.lock:
            self.inbox.mark_delivered(m, f"refused: {e}")
            self.inbox.reject(b"", f"delivery refused: {e}", m)

    def deliver_ready(self) -> int:
        """Proves and delivers every stored slot that has ended; returns how many landed.
        Raises `ChainUnavailable` (slots stay pending) when the network is down."""
        now = self.now()
        done = 0
        with self.lock:
            pending = self.inbox.pending()
        ready = [m for m in pending if self.clock.end(m.slot) <= now]
        if not ready:
            return 0
        key = self.installed_key()  # once a round: a rotation applies from the next round
        for m in ready:
            try:
                outcome = self.deliver_one(m, key)
            except ChainUnavailable:
                raise
            except ChainError as e:
                if e.name == "ProofRejected" and self.key_rotated_since(key):
                    # Proved under the key the members just voted out: the proof says nothing
                    # about the message. It stays pending and the next round proves it under
                    # the installed key.
                    log.info("slot %s for %s: key rotated while proving", m.slot, m.meter.hex())
                    continue
                self.refuse(m, e)
                continue
            except (MessageError, zk.ZkError) as e:
                self.refuse(m, e)
                continue
            with self.lock:
                self.inbox.mark_delivered(m, outcome)
            done += 1
        return done

    def run(self, stop: threading.Event, interval: float = 1.0) -> None:
        """Delivers ended slots until `stop` is set, retrying while the network is down."""

        def tick() -> None:
            n = self.deliver_ready()
            if n:
                log.info("delivered %d slots", n)

        keep_running(log, tick, stop, interval)


def subscribe(
    relayer: Relayer,
    host: str,
    port: int,
    community: str,
    client_id: str,
    *,
    username: str | None = None,
    password: str | None = None,
    ca_file: str | None = None,
):
    """Subscribes to `urja/<community>/meter/+/slot` with a persistent QoS-1 session (TLS and
    credentials when configured). A message is acknowledged only after it was handled: while
    the network is down the handler waits and retries (the broker keeps queueing for the
    persistent session meanwhile). Returns the running paho client."""
    import paho.mqtt.client as mqtt

    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        clean_session=False,
    )
    if username:
        client.username_pw_set(username, password)
    if ca_file:
        client.tls_set(ca_certs=ca_file)
    topic = f"urja/{community}/meter/+/slot"

    def on_connect(c, _userdata, _flags, _rc, _props=None):
        c.subscribe(topic, qos=1)

    def on_message(_c, _userdata, msg):
        while True:
            try:
                relayer.handle(msg.payload)
                return
            except ChainUnavailable:
                time.sleep(2)

    client.on_connect = on_connect
    client.on_message = on_message
    client.connect(host, port)
    client.loop_start()
    return client

"""The relayer service: meter messages from MQTT into the inbox, proven deliveries on-chain.

Each message is parsed and verified (signature, commitment, the meter's registered limit
read from the registry) before it is stored; once its slot has ended on the chain's clock,
the grid server proves the delivery in zero knowledge and submits `market.deliver`. A
delivery the market refuses is recorded with its reason and not retried blindly.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from stellar_sdk import scval

from .. import zk
from ..chain import Chain, ChainError
from .inbox import Inbox
from .message import MessageError, MeterSlot, check_limit, parse_and_verify

log = logging.getLogger("urja.relayer")


@dataclass
class Relayer:
    """Turns verified meter slots into `market.deliver` transactions."""

    chain: Chain
    ids: dict
    operator: object
    key: zk.ProvingKey
    inbox: Inbox
    slot_secs: int
    refused: list[tuple[MeterSlot | None, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def meter_limit(self, meter: bytes) -> int | None:
        """The meter's registered `max_wh_per_minute`, or None when not registered/active."""
        v = self.chain.read(
            self.ids["registry"], "meter", [scval.to_bytes(meter)], self.operator.public_key
        )
        if v.map is None:  # Option::None
            return None
        fields = {e.key.sym.sc_symbol.decode(): e.val for e in v.map.sc_map}
        if not fields["active"].b:
            return None
        return fields["max_wh_per_minute"].u32.uint32

    def handle(self, payload: bytes) -> bool:
        """Verifies and stores one message; False (and a recorded reason) when refused."""
        try:
            # Signature and commitment first, so forged messages cost no chain reads.
            meter = parse_and_verify(payload)
            limit = self.meter_limit(meter.meter)
            if limit is None:
                raise MessageError(f"meter {meter.meter.hex()}: not registered or suspended")
            check_limit(meter, limit)
            with self.lock:
                self.inbox.accept(meter)
            return True
        except (MessageError, ChainError) as e:
            log.warning("refused meter message: %s", e)
            self.refused.append((None, str(e)))
            return False

    def deliver_ready(self) -> int:
        """Proves and delivers every stored slot that has ended; returns how many landed."""
        now = self.chain.ledger_time()
        done = 0
        with self.lock:
            pending = self.inbox.pending()
        for m in pending:
            if (m.slot + 1) * self.slot_secs > now:
                continue
            limit = self.meter_limit(m.meter)
            try:
                p = zk.prove_delivery(self.key, list(m.export_wh), m.salt, m.slot, limit, m.meter)
                self.chain.invoke(
                    self.ids["market"],
                    "deliver",
                    [
                        scval.to_bytes(m.meter),
                        scval.to_uint64(m.slot),
                        scval.to_bytes(m.commitment),
                        scval.to_uint64(p.energy_wh),
                        scval.to_bytes(m.signature),
                        scval.to_bytes(p.proof),
                    ],
                    self.operator,
                )
            except Exception as e:  # recorded, the slot stays out of the pending set
                log.warning("delivery of slot %s for %s refused: %s", m.slot, m.meter.hex(), e)
                self.refused.append((m, str(e)))
                with self.lock:
                    self.inbox.mark_delivered(m, f"refused: {e}")
                continue
            with self.lock:
                self.inbox.mark_delivered(m, "delivered")
            done += 1
        return done


def subscribe(relayer: Relayer, host: str, port: int, community: str, client_id: str):
    """Subscribes to `urja/<community>/meter/+/slot` with a persistent QoS-1 session; each
    message is handled before it is acknowledged. Returns the running paho client."""
    import paho.mqtt.client as mqtt

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False)
    topic = f"urja/{community}/meter/+/slot"

    def on_connect(c, _userdata, _flags, _rc, _props=None):
        c.subscribe(topic, qos=1)

    def on_message(_c, _userdata, msg):
        relayer.handle(msg.payload)

    client.on_connect = on_connect
    client.on_message = on_message
    client.connect(host, port)
    client.loop_start()
    return client

"""The operator's stack: the long-running services built from the configuration and a
deployment, run together, with the read API app, the dashboard and the MQTT broker they need.

`urja indexer run`, `urja matcher run`, `urja relayer run` and `urja api` each run one
service; `urja serve` runs all four in one process (threads), which is what the demo and a
small community use. Every service keeps its state in the data directory (index.sqlite,
inbox.sqlite), so any of them can be killed and restarted at any moment.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .bindings import Market, Registry
from .chain import Chain, ChainUnavailable, RpcError, rpc_call
from .config import Config, ConfigError
from .keystore import Keystore
from .slots import SlotClock

if TYPE_CHECKING:  # the services themselves are imported when started, not by every command
    from .deploy import Deployment
    from .indexer.follow import Indexer
    from .matcher_service import Matcher
    from .relayer.service import Relayer
    from .solar import SiteClock

log = logging.getLogger("urja.stack")

REPO = Path(__file__).resolve().parents[2]
"""The source checkout this package runs from (built contracts, the dashboard)."""


class ServiceError(RuntimeError):
    """A service cannot start; the message says what is missing and how to provide it."""


RELAYER_KEY = "relayer"
"""Keystore name of the account that submits deliveries."""


def passphrase(cfg: Config) -> str:
    """The network passphrase: configured, else asked from the RPC (local network)."""
    if cfg.passphrase:
        return cfg.passphrase
    url = cfg.require_rpc()
    try:
        return rpc_call(url, "getNetwork")["passphrase"]
    except (RpcError, KeyError, TypeError) as e:
        raise ChainUnavailable(f"cannot ask {url} for its network passphrase: {e}") from None


def connect(cfg: Config) -> Chain:
    """A `Chain` for the configured network."""
    return Chain(cfg.require_rpc(), passphrase(cfg))


def deployment(cfg: Config) -> Deployment:
    """The deployment record, or an error saying to deploy first."""
    dep = cfg.deployment()
    if dep is None:
        raise ConfigError(f"nothing deployed from {cfg.data_dir}: run `urja deploy` first")
    return dep


def site_clock(dep: Deployment) -> SiteClock:
    """The community's site and slot-to-time mapping recorded at deployment."""
    from .solar import SiteClock

    return SiteClock(slot_secs=int(dep.market["slot_secs"]), **dep.site)


@dataclass
class Stack:
    """The operator's services over one deployment."""

    cfg: Config
    chain: Chain
    dep: Deployment
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    matcher_service: Matcher | None = None
    relayer_service: Relayer | None = None

    @staticmethod
    def open(cfg: Config) -> Stack:
        dep = deployment(cfg)
        chain = Chain(dep.rpc_url if cfg.network == "local" else cfg.require_rpc(), dep.passphrase)
        return Stack(cfg, chain, dep)

    @property
    def operator(self):
        return Keystore(self.cfg.keystore).get(self.cfg.operator_key)

    @property
    def relayer_key(self):
        """The relayer's own account (anyone may submit a delivery; the proof is the
        authority), so deliveries never wait behind the operator's transactions."""
        return Keystore(self.cfg.keystore).get(RELAYER_KEY)

    @property
    def clock(self) -> SlotClock:
        return SlotClock.from_params(self.dep.market)

    @property
    def index_path(self) -> Path:
        return self.cfg.data_dir / "index.sqlite"

    @property
    def inbox_path(self) -> Path:
        return self.cfg.data_dir / "inbox.sqlite"

    def market(self) -> Market:
        return Market(self.chain, self.dep.contracts["market"])

    def registry(self) -> Registry:
        return Registry(self.chain, self.dep.contracts["registry"])

    def indexer(self) -> Indexer:
        from .indexer.follow import Indexer
        from .indexer.store import Index

        return Indexer(self.chain, self.dep.contracts, Index(self.index_path), self.dep.ledger)

    def matcher(self) -> Matcher:
        from .indexer.store import Index
        from .matcher_service import Matcher

        network = None
        if self.cfg.mechanism == "network":
            nodes = {"grid": {"parent": None, "capacity_wh": 0, "fee": 0}}
            for f in self.dep.feeders:
                nodes[str(f["id"])] = {
                    "parent": "grid",
                    "capacity_wh": int(f["capacity_wh"]),
                    "fee": int(f.get("fee", 0)),
                }
            network = {"nodes": nodes}
        return Matcher(
            self.market(),
            Index(self.index_path, readonly=False),
            self.operator,
            self.clock,
            self.cfg.mechanism,
            network,
        )

    def relayer(self) -> Relayer:
        from . import zk
        from .relayer.inbox import Inbox
        from .relayer.service import Relayer

        key = zk.load_proving_key(self.cfg.data_dir / "keys" / "delivery.pk")
        return Relayer(
            self.market(),
            self.registry(),
            self.relayer_key,
            key,
            Inbox(self.inbox_path),
            self.clock,
            site_clock(self.dep),
            keys_dir=self.cfg.data_dir / "keys",
        )

    def spawn(self, name: str, target, *args) -> None:
        t = threading.Thread(target=target, args=(*args,), name=name, daemon=True)
        t.start()
        self.threads.append(t)

    def start(self, *, indexer=True, matcher=True, relayer=True, mqtt=True, interval=0.5):
        """Starts the chosen services in threads; returns the relayer's MQTT client (or None)."""
        client = None
        if indexer:
            self.spawn("indexer", self.indexer().run, self.stop, interval)
        if matcher:
            self.matcher_service = self.matcher()
            self.spawn("matcher", self.matcher_service.run, self.stop, interval)
        if relayer:
            r = self.relayer()
            self.spawn("relayer", r.run, self.stop, interval)
            if mqtt:
                from .relayer.service import subscribe

                c = self.cfg
                try:
                    client = subscribe(
                        r,
                        c.mqtt_host,
                        c.mqtt_port,
                        c.mqtt_community,
                        f"urja-relayer-{self.dep.contracts['market'][:8]}",
                        username=c.mqtt_username,
                        password=c.mqtt_password,
                        ca_file=c.mqtt_ca_file,
                    )
                except OSError as e:
                    self.shutdown()
                    raise ServiceError(
                        f"cannot connect to the MQTT broker at {c.mqtt_host}:{c.mqtt_port} "
                        f"([mqtt] host and port): {e}"
                    ) from None
            self.relayer_service = r
        return client

    def api_app(self, web: Path | None = None):
        """The read API over this stack's data (and the dashboard in `web` when built)."""
        from .api import ApiContext, create_app

        return create_app(
            ApiContext(
                deployment=self.dep,
                chain=self.chain,
                index_path=self.index_path,
                inbox_path=self.inbox_path,
                friendbot_url=self.cfg.friendbot_url if self.dep.network == "local" else None,
                web_dir=dashboard(web),
                grid_tariff=self.cfg.grid_tariff,
                site=site_clock(self.dep),
                time_zone=self.cfg.timezone,
            )
        )

    def shutdown(self, timeout: float = 10) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout)


def default_web_dir() -> Path:
    """Where the built dashboard is: `$URJA_WEB_DIR`, else `web/dist` of the checkout this
    package runs from (found from the package's own location, not the working directory)."""
    return Path(os.environ.get("URJA_WEB_DIR") or REPO / "web" / "dist")


def dashboard(web: Path | None) -> Path | None:
    """`web` when it holds a built dashboard, else None."""
    return web if web is not None and (web / "index.html").is_file() else None


def where_dashboard(web: Path, url: str) -> str:
    """One line saying where the dashboard is served, or why it is not."""
    if dashboard(web) is not None:
        return f"dashboard on {url}/ (from {web})"
    return f"no dashboard: {web / 'index.html'} does not exist (build it with `make web`)"


def ensure_broker(cfg: Config, say=print):
    """Makes sure the relayer has an MQTT broker: the configured one when it answers; on the
    local network with a loopback address, a mosquitto started here (returned, so it stops
    with the caller); anywhere else a ServiceError naming the address and how to start one."""
    from . import broker

    host, port = cfg.mqtt_host, cfg.mqtt_port
    if broker.reachable(host, port):
        return None
    if cfg.network == "local" and host in ("127.0.0.1", "localhost"):
        try:
            proc, _ = broker.start(cfg.data_dir / "mqtt", port)
        except broker.BrokerError as e:
            raise ServiceError(f"no MQTT broker at {host}:{port}, and none could start: {e}") from e
        say(f"started an MQTT broker (mosquitto) on {host}:{port} for the local network")
        return proc
    raise ServiceError(
        f"no MQTT broker answers at {host}:{port} ([mqtt] host and port in "
        f"{cfg.source or 'the config'}): the relayer receives meter readings through one. "
        f"Start one (for a trial: `mosquitto -p {port}`, or `urja broker start --port {port}`), "
        "point [mqtt] at yours, or run without meter readings: `urja serve --no-mqtt`"
    )

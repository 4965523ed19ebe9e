"""`urja demo`: a simulated community on the embedded local network, end to end.

Starts the local Stellar network and a loopback MQTT broker, deploys Urja (kWh token,
registry, Groth16 verifier with a fresh trusted setup, governance, market paying in XLM via
its Stellar Asset Contract) and hands it to governance, admits households on two feeders with
their meters, and runs the operator's real services (indexer, matcher, relayer, read API) in
this process. Each slot: households place on-chain offers and bids from their forecasts, the
matcher clears the slot at its gate and settles it, the simulated meters (pvlib clear-sky PV
over Delhi with drifting clouds, household load profiles) sign and publish their readings,
the relayer proves each delivery in zero knowledge and the market verifies it on-chain. A
slot lasts 15 seconds and stands for 15 minutes of a day, from 09:00 local time. At the end an
independent audit rebuilds the market from events and re-verifies every proof with py_ecc,
and an HTML report with plots is written.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import click

from . import broker, demo_outcomes, fees, localnet, market_audit, metering, zk
from .agent.units import DEFAULT_TZ
from .bindings import Market, Registry
from .chain import Chain, ChainError
from .config import Config
from .deploy import GovernanceSettings, MarketSettings, deploy_and_record, install_key_by_vote
from .domain import market_domain
from .fleet import SimHousehold, Weather, make_community, publish, sign_slot
from .indexer.store import Index
from .keystore import Keystore
from .monitor import grid_status
from .report import write as write_report
from .slots import SlotClock
from .stack import RELAYER_KEY, Stack, site_clock

SLOT_SECS = 15
SIM_SLOT_SECS = 900
"""What each demo slot stands for: 15 minutes of the simulated day."""
GATE_LEAD = 5
DAY_START_UTC = 1774063800
"""2026-03-21 03:30 UTC = 09:00 in Delhi (equinox): the time the first demo slot stands for."""


def _stroops_per_wh(inr_per_kwh: float) -> int:
    """A price in ₹ per kWh as the chain's stroops per Wh, at `urja.fees.INR_PER_XLM`."""
    return round(inr_per_kwh * fees.STROOPS_PER_XLM / fees.INR_PER_XLM / 1000)


GRID_TARIFF = _stroops_per_wh(8.0)
"""The grid's retail price in stroops per Wh: ₹8/kWh, the top Delhi slab (3,200)."""
OFFER_PRICES = (_stroops_per_wh(3.25), _stroops_per_wh(4.0))
"""Donors' lowest prices, stroops per Wh: ₹3.25-4.00/kWh, above the ₹3 feed-in rate."""
BID_PRICES = (_stroops_per_wh(4.5), _stroops_per_wh(6.0))
"""Receivers' highest prices, stroops per Wh: ₹4.50-6.00/kWh, below the grid's retail."""


def wait_until(chain: Chain, t: int) -> None:
    """Sleeps until the chain's clock reaches `t`."""
    while chain.ledger_time() < t:
        time.sleep(0.2)


class Community:
    """The simulated households, their keys and their meters' readings."""

    def __init__(self, homes: list[SimHousehold], keys: dict, rng: random.Random, site):
        self.homes = homes
        self.keys = keys
        self.rng = rng
        self.site = site
        self.weather = Weather(random.Random(rng.random()))
        self.readings: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
        self.pv_wh: dict[tuple[str, int], float] = {}

    def read(self, h: SimHousehold, slot: int) -> tuple[list[int], list[int]]:
        """What `h`'s meter will measure in `slot` (drawn once, then fixed)."""
        k = (h.name, slot)
        if k not in self.readings:
            minutes = h.minutes(self.site, self.weather, slot, self.rng)
            self.readings[k] = h.metered(minutes)
            self.pv_wh[k] = sum(pv for pv, _ in minutes)
        return self.readings[k]

    def metered(self, slots: range) -> dict[tuple[str, int], tuple[float, int, int]]:
        """(address, slot) -> (PV Wh, export Wh, import Wh) of every household in `slots`
        (`urja.demo_outcomes.flows`)."""
        out = {}
        for h in self.homes:
            for s in slots:
                export, imp = self.read(h, s)
                out[(self.keys[h.name].public_key, s)] = (
                    self.pv_wh[(h.name, s)],
                    sum(export),
                    sum(imp),
                )
        return out

    def standing_orders(self, slots: range) -> list[tuple[SimHousehold, str, int, int]]:
        """Each household's order standing for every slot of `slots` (one slot: an order
        for that slot): the same Wh in each, its forecast of the mean over them (actual
        +-15% error), at one price."""
        out = []
        for h in self.homes:
            export, imp = zip(*(map(sum, self.read(h, s)) for s in slots), strict=True)
            if h.role == "donor":
                wh = round(sum(export) / len(slots) * self.rng.uniform(0.85, 1.15))
                if wh > 0:
                    out.append((h, "sell", wh, self.rng.randint(*OFFER_PRICES)))
            else:
                wh = round(sum(imp) / len(slots) * self.rng.uniform(0.5, 1.0))
                if wh > 0:
                    out.append((h, "buy", wh, self.rng.randint(*BID_PRICES)))
        return out


def slot_row(index: Index, stack: Stack, slot: int) -> dict:
    """One line of the per-slot table."""
    r = index.slot_summary(slot)
    rep = stack.matcher_service.reports.get(slot)
    instr = (rep.instructions if rep else 0) + stack.relayer_service.instructions.get(slot, 0)
    return {
        "slot": slot,
        "offers": r["offers"],
        "bids": r["bids"],
        "trades": r["trades"],
        "cleared_wh": r["cleared_wh"],
        "price": r["price"],
        "proven": r["deliveries"],
        "shortfalls": r["shortfalls"],
        "instructions_M": round(instr / 1e6, 1),
    }


def rotate_key(chain, dep, keys_dir: Path, voters: list, say) -> None:
    """Governance replaces the delivery key while the community trades: a new (development)
    setup, its proving key stored for the relayer first, then the members' vote. Deliveries
    before the vote executes are proven under the old key, after it under the new one; the
    closing audit checks each against the key in force at its ledger."""
    new = zk.ProvingKey.setup()
    digest = hashlib.sha256(new.vk_bytes()).hexdigest()
    zk.save_keys(new, keys_dir / "rotated" / digest[:16])
    say(f"governance: the members vote to rotate the delivery key to {digest[:16]}...")
    pid = install_key_by_vote(chain, dep, new.vk_bytes(), voters, say=lambda *_: None)
    say(f"governance: proposal {pid} executed; the relayer now proves under the new key")


def _set_up_community(
    chain: Chain, cfg: Config, households: int, feeders: int, rng, say, wasm_dir: Path | None
):
    """Funds the operator and relayer, deploys the contracts, admits `households` simulated
    households (meters registered and accepted by their owners) and has a majority vote the
    delivery key in. Returns (deployment, settings, feeder capacities, homes, keypairs by
    household name, the voters)."""
    ks = Keystore(cfg.keystore)
    op = ks.get_or_create("operator")
    for kp in (op, ks.get_or_create(RELAYER_KEY)):
        chain.fund_if_new(kp.public_key, cfg.friendbot_url)
    majority = households // 2 + 1  # the members who vote the delivery key in, one by one
    settings = MarketSettings(
        slot_secs=SLOT_SECS,
        gate_lead_secs=GATE_LEAD,
        delivery_deadline_secs=60 * SLOT_SECS,
        horizon_slots=400,
        price_floor=1,
        price_cap=10_000,
        fee_bps=100,
    )
    feeder_caps = [{"id": f, "capacity_wh": 400 * households // feeders} for f in range(feeders)]
    say(
        "trusted setup: the demo uses the insecure development setup (one party, this "
        "machine) because a multi-party ceremony's phase 1 alone takes minutes on 2 cores; "
        "a real community installs the key of `urja zk ceremony` (docs/zk.md)"
    )
    dep = deploy_and_record(
        chain,
        op,
        cfg.data_dir,
        "local",
        settings,
        GovernanceSettings.trial(majority),
        feeder_caps,
        {},
        insecure_dev_setup=True,
        wasm_dir=wasm_dir,
        say=say,
    )
    ids = dep.contracts
    homes = make_community(households, feeders, rng)
    registry = Registry(chain, ids["registry"])
    keys = {}
    for h in homes:
        kp = ks.get_or_create(h.name)
        keys[h.name] = kp
        chain.fund_if_new(kp.public_key, cfg.friendbot_url)
        registry.add_member(op, kp.public_key, h.role, h.feeder)
        if h.meter is not None:
            # 15-second slots stand for 15 minutes: the meter is registered at its
            # rate times that compression, so a reading may hold a simulated minute.
            rate = metering.compressed_rate(h.max_wh_per_minute, SLOT_SECS, SIM_SLOT_SECS)
            registry.register_meter(op, h.meter_id, kp.public_key, h.feeder, rate)
            registry.accept_meter(kp, h.meter_id)  # the owner signs for its meter
    # No key installs the delivery key alone: a majority of the members vote it in.
    voters = [keys[h.name] for h in homes][:majority]
    say(f"governance: {len(voters)} of {households} members vote the delivery key in ...")
    install_key_by_vote(chain, dep, (cfg.data_dir / "keys" / "vk.bin").read_bytes(), voters, say)
    return dep, settings, feeder_caps, homes, keys, voters


@dataclass(frozen=True)
class DemoResult:
    """What a demo run shows: whether its closing audit passed, and the fees it paid."""

    ok: bool
    fees: fees.FeeReport
    """Every market call from the first order on."""
    steady: fees.FeeReport
    """The market calls for the slots after the first (households' entries exist)."""


def fees_paid(
    costs: list[fees.TxCost], market: str, payers: dict[str, str], first: int
) -> tuple[fees.FeeReport, fees.FeeReport]:
    """Fees of all the market's calls and of those for the slots after `first`, each
    against the energy its deliveries proved."""
    mine = [c for c in costs if c.contract == market]
    later = [c for s, cs in fees.by_slot(costs, market).items() if s > first for c in cs]
    return (
        fees.report(mine, payers, sum(map(fees.delivered_wh, mine))),
        fees.report(later, payers, sum(map(fees.delivered_wh, later))),
    )


def _config(rpc_url: str, passphrase: str, data_dir: Path, mqtt_port: int, api_port: int):
    """The demo community's configuration on the local network it started."""
    return Config(
        network="local",
        rpc_url=rpc_url,
        passphrase=passphrase,
        friendbot_url=f"{rpc_url}/friendbot",
        data_dir=data_dir,
        keystore=data_dir / "keystore.json",
        mqtt_port=mqtt_port,
        mqtt_community="demo",
        api_port=api_port,
        grid_tariff=GRID_TARIFF,
    )


SLOT_TABLE = [
    "slot",
    "offers",
    "bids",
    "trades",
    "cleared_wh",
    "price",
    "proven",
    "shortfalls",
    "instructions_M",
]
"""The columns of the demo's slot table (printed as slots finish, and in the report)."""


def _trade(
    stack: Stack,
    community: Community,
    index: Index,
    rotation: threading.Thread,
    domain: bytes,
    mqtt_port: int,
    slots: range,
    standing: bool,
    say,
) -> list[dict]:
    """Trades `slots`: places each slot's orders three slots ahead (with `standing`, every
    slot after the first through one standing order per household), publishes the meters'
    signed readings when a slot ends, starts the key rotation vote once the first slot is
    out, and prints each slot's row once its deliveries are in. Returns the rows."""
    chain, clock = stack.chain, stack.clock
    homes, keys = community.homes, community.keys
    market = Market(chain, stack.dep.contracts["market"])
    pool = ThreadPoolExecutor(4)
    placed: set[int] = set()
    published: set[int] = set()
    printed: set[int] = set()
    table: list[dict] = []
    first, last = slots[0], slots[-1]
    donors = sum(h.meter is not None for h in homes)
    say("\n         " + "  ".join(f"{h:>10s}" for h in SLOT_TABLE))
    while len(printed) < len(slots):
        if not rotation.is_alive() and not rotation.ident and published:
            rotation.start()  # after the first slot is out: deliveries on both sides
        now = chain.ledger_time()
        for s in slots:
            if s not in placed and now >= clock.start(s) - 3 * SLOT_SECS:
                covers = range(s, last + 1 if standing and s > first else s + 1)
                n = len(covers)
                list(
                    pool.map(
                        lambda o, s=s, n=n: market.order(
                            keys[o[0].name],
                            o[1],
                            s,
                            o[2],
                            o[3],
                            o[0].meter_id if o[1] == "sell" else None,
                            n,
                        ),
                        community.standing_orders(covers),
                    )
                )
                placed.update(covers)
            if s not in published and now >= clock.end(s):
                msgs = [
                    sign_slot(h.meter, s, *community.read(h, s), None, domain=domain)
                    for h in homes
                    if h.meter is not None
                ]
                publish(msgs, "127.0.0.1", mqtt_port, "demo")
                published.add(s)
        for s in sorted(published - printed):
            if index.delivery_count(s) >= donors or now >= clock.end(s) + 8 * SLOT_SECS:
                row = slot_row(index, stack, s)
                table.append(row)
                printed.add(s)
                bar = "#" * round(10 * len(printed) / len(slots))
                say(f"[{bar:10s}] " + "  ".join(f"{str(row[h]):>10s}" for h in SLOT_TABLE))
        time.sleep(0.3)
    pool.shutdown()
    rotation.join()
    return table


def _close(
    stack: Stack,
    community: Community,
    rpc_url: str,
    index: Index,
    table: list[dict],
    feeder_caps: list[dict],
    trading_from: int,
    slots: range,
    say,
):
    """Audits the market from its events, reads back the network fees trading paid, and
    writes the HTML report. Returns (audit report, fees of all trading, fees of the slots
    after the first)."""
    chain, dep, cfg = stack.chain, stack.dep, stack.cfg
    say(
        f"\nall {len(slots)} slots settled and delivered; auditing from events "
        "(py_ecc re-verifies every proof) ..."
    )
    wait_until(chain, chain.ledger_time() + 2)
    rep = market_audit.audit_deployment(stack)
    say(rep.text())
    paid, steady = fees_paid(
        fees.transactions(rpc_url, trading_from),
        dep.contracts["market"],
        {
            dep.operator: "operator",
            Keystore(cfg.keystore).get(RELAYER_KEY).public_key: "relayer",
        },
        slots[0],
    )
    fee_text = (
        "all trading (each household's first credit and kWh balance are new entries: a"
        f" one-time cost of joining):\n{paid.text()}\n\nslots after the first:\n{steady.text()}"
    )
    say("\nnetwork fees (charged, read back from the ledger), " + fee_text)
    grid = grid_status(
        index,
        stack.relayer_service.inbox,
        stack.clock,
        site_clock(dep),
        {f["id"]: f["capacity_wh"] for f in feeder_caps},
        chain.ledger_time(),
        len(slots) + 2,
    )
    site = site_clock(dep)
    outcome = demo_outcomes.flows(
        community.metered(slots), {s: int(site.unix(s)) for s in slots}, index.trades()
    )
    names = {kp.public_key: name for name, kp in community.keys.items()}
    kpis = demo_outcomes.kpi_tables(outcome, names, DEFAULT_TZ, SIM_SLOT_SECS)
    say("\n" + next(iter(kpis)) + ":")
    for k, v in next(iter(kpis.values()))[0].items():
        say(f"  {k:26s} {v}")
    path = write_report(
        cfg.data_dir / "report.html",
        "Urja demo community",
        table,
        index,
        [g for g in grid if slots[0] <= g.slot <= slots[-1]],
        rep.text() + "\n\nNetwork fees of " + fee_text,
        kpis,
    )
    say(f"HTML report: {path.resolve()}")
    return rep, paid, steady


def run(
    households: int,
    slots: int,
    feeders: int,
    port: int,
    data_dir: Path,
    seed: int,
    web: Path | None,
    api_port: int,
    keep_running: bool,
    wasm_dir: Path | None = None,
    standing: bool = False,
) -> DemoResult:
    """Runs the demo; returns whether the closing audit passed and the fees it paid.
    `wasm_dir` deploys other contract builds (the cost benchmark's baseline). With
    `standing`, households trade the first slot with one-slot orders and every later slot
    through one standing order each, placed once (`offer_slots`/`bid_slots`)."""
    say = click.echo
    rng = random.Random(seed)
    if data_dir.exists():
        localnet.stop(data_dir / "net")
        shutil.rmtree(data_dir)
    started = time.monotonic()
    node = localnet.start(data_dir / "net", port, ledger_close_ms=250)
    mqtt, mqtt_port = broker.start(data_dir / "mqtt")
    stack = None
    try:
        passphrase = localnet.status(node.url)["network"]["passphrase"]
        chain = Chain(node.url, passphrase)
        say(f"local network {node.url} ({passphrase}); MQTT broker 127.0.0.1:{mqtt_port}")
        cfg = _config(node.url, passphrase, data_dir, mqtt_port, api_port)
        dep, settings, feeder_caps, homes, keys, voters = _set_up_community(
            chain, cfg, households, feeders, rng, say, wasm_dir
        )
        ids = dep.contracts
        domain = market_domain(passphrase, ids["market"])
        clock = SlotClock.from_params(asdict(settings))
        first = clock.next_open(chain.ledger_time()) + 2
        site = {
            "latitude": 28.61,
            "longitude": 77.21,
            "origin_slot": first,
            "origin_unix": DAY_START_UTC,
            "sim_slot_secs": SIM_SLOT_SECS,
        }
        dep.site = site
        dep.save(data_dir)
        say(
            f"community: {households} households on {feeders} feeders, "
            f"{sum(h.meter is not None for h in homes)} meters; slots {first}..{first + slots - 1} "
            f"({SLOT_SECS} s each, standing for 15 minutes from 09:00 in Delhi)"
        )

        stack = Stack(cfg, chain, dep)
        stack.start(interval=0.3)
        api_url = serve_api(stack, web, api_port)
        say(f"dashboard and read API: {api_url}  (OpenAPI: {api_url}/docs)")

        community = Community(homes, keys, rng, site_clock(dep))
        index = Index(stack.index_path, readonly=False)
        trading_from = chain.latest_ledger() + 1
        rotation = threading.Thread(
            target=rotate_key, args=(chain, dep, data_dir / "keys", voters, say), daemon=True
        )
        table = _trade(
            stack,
            community,
            index,
            rotation,
            domain,
            mqtt_port,
            range(first, first + slots),
            standing,
            say,
        )
        rep, paid, steady = _close(
            stack,
            community,
            node.url,
            index,
            table,
            feeder_caps,
            trading_from,
            range(first, first + slots),
            say,
        )
        say(f"demo took {time.monotonic() - started:.0f} s")
        if keep_running:
            say(f"services keep running (dashboard {api_url}); press Ctrl-C to stop")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
        return DemoResult(rep.ok, paid, steady)
    except ChainError as e:
        raise click.ClickException(str(e)) from e
    finally:
        if stack is not None:
            stack.shutdown(timeout=5)
        mqtt.terminate()
        localnet.stop(data_dir / "net")


def serve_api(stack: Stack, web: Path | None, port: int) -> str:
    """Starts the read API (and dashboard) in a thread; returns its URL."""
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(stack.api_app(web), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, name="api", daemon=True).start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}"


@click.command("demo")
@click.option("--households", type=int, default=24, show_default=True)
@click.option("--slots", type=int, default=16, show_default=True)
@click.option("--feeders", type=int, default=2, show_default=True)
@click.option("--port", type=int, default=8000, show_default=True, help="Local network RPC port.")
@click.option("--api-port", type=int, default=8080, show_default=True)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".urja/demo"),
    show_default=True,
    help="Demo state (wiped at start).",
)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--web",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("web/dist"),
    show_default=True,
    help="Built dashboard to serve.",
)
@click.option("--keep-running", is_flag=True, help="Keep the services up after the run.")
@click.option(
    "--standing",
    is_flag=True,
    help="After the first slot, each household places one standing order for all the"
    " remaining slots instead of one order per slot (docs/cost-model.md).",
)
def demo_cmd(
    households, slots, feeders, port, api_port, data_dir, seed, web, keep_running, standing
):
    """Run a simulated community on the embedded local network."""
    if households < 2:
        raise click.ClickException("--households must be at least 2 (a donor and a receiver)")
    args = (households, slots, feeders, port, data_dir, seed, web, api_port, keep_running)
    if not run(*args, standing=standing).ok:
        raise SystemExit(1)

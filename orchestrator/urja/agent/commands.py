"""`urja agent run | scenarios` and `urja report`."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import replace
from pathlib import Path

import click

from ..commands.common import config, friendly, logging_setup
from ..kpi import CEA_KG_PER_KWH, read_flow_files, report
from .units import DEFAULT_TZ

log = logging.getLogger("urja.agent")


@click.group("agent")
def agent() -> None:
    """A household's trading agent, and the scenario simulator."""


@agent.command("run")
@click.option(
    "--settings",
    "settings_path",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The agent's settings (TOML; docs/agents.md).",
)
@click.option("--interval", type=float, default=5.0, show_default=True, help="Seconds per tick.")
@click.option("--once", is_flag=True, help="One tick, then exit (for scripts and tests).")
@friendly
def run_cmd(settings_path: Path, interval: float, once: bool) -> None:
    """Run one household's agent: forecast, plan and keep its orders on the book."""
    from ..keystore import Keystore
    from ..loop import keep_running
    from ..stack import Stack
    from . import settings as agent_settings
    from .household import Agent
    from .service import AgentService, index_ports, registered_kwp

    logging_setup()
    agent_settings.load(settings_path)  # every check before touching the network
    s = Stack.open(config())
    clock = s.clock
    site = s.dep.site or {}
    # A demo compresses a day: each slot then stands for `sim_slot_secs` of the day.
    slot_secs = int(site.get("sim_slot_secs") or clock.slot_secs)
    offset = 0
    if site.get("sim_slot_secs"):
        offset = int(site["origin_unix"]) - int(site["origin_slot"]) * slot_secs
    st = agent_settings.load(settings_path, slot_secs)
    kp = Keystore(s.cfg.keystore).get(st.key)
    home = st.home
    if not st.kwp_given:
        kwp = registered_kwp(s.index_path, kp.public_key, slot_secs / clock.slot_secs)
        home = replace(home, kwp=round(kwp, 2))
        click.echo(f"PV capacity from the registered meters: {home.kwp} kWp")
    a = Agent(
        home,
        st.tariff,
        st.strategy(0.0),
        st.money,
        slot_secs,
        tz=st.timezone,
        time_offset=offset,
        latitude=float(site.get("latitude", 28.61)),
        longitude=float(site.get("longitude", 77.21)),
    )
    open_orders, trades, prices = index_ports(s.index_path, kp.public_key)
    svc = AgentService(
        a,
        s.market(),
        kp,
        clock,
        open_orders=open_orders,
        trades=trades,
        prices=prices,
        address=kp.public_key,
        meter=household_meter(s, kp.public_key),
        readings=st.readings,
        flows_path=s.cfg.data_dir / "agents" / f"{st.key}.jsonl",
        plan_ahead_slots=st.plan_ahead_slots,
    )

    def tick() -> None:
        svc.agent.strategy = st.strategy(svc.agent.monthly_kwh())
        for line in svc.tick(s.chain.ledger_time()):
            click.echo(line)

    if once:
        tick()
        return
    click.echo(f"agent {st.key} ({kp.public_key}) running; Ctrl-C to stop")
    try:
        keep_running(log, tick, threading.Event(), interval, on_refusal=True)
    except KeyboardInterrupt:
        pass


@agent.command("scenarios")
@click.option("--households", type=click.IntRange(min=2), default=40, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--day",
    type=click.IntRange(7, 364),
    default=79,
    show_default=True,
    help="Day of the simulated year 2025 (79: 21 March).",
)
@click.option("--battery-share", type=click.FloatRange(0, 1), default=0.3, show_default=True)
@click.option(
    "--tariff",
    "tariff_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Tariff TOML (default: Delhi slabs).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write flows (JSON lines), the KPI table (JSON) and a plot (PNG) here.",
)
@friendly
def scenarios_cmd(households, seed, day, battery_share, tariff_path, out) -> None:
    """The same simulated day under no market, manual orders, agents, agents + batteries."""
    from . import scenarios
    from .tariff import load as load_tariff

    setup = scenarios.Setup(households=households, seed=seed, day=day, battery_share=battery_share)
    if tariff_path is not None:
        setup = replace(setup, tariff=load_tariff(tariff_path))
    results = scenarios.run_all(setup)
    table = {}
    for name, o in results.items():
        table[name] = report(o.flows, setup.tariff)["community"][0]
    click.echo(format_table(table, setup.tariff.currency))
    if out is not None:
        from ..kpi import write_flows
        from .plot import scenario_plot

        out.mkdir(parents=True, exist_ok=True)
        for name, o in results.items():
            write_flows(out / f"{name}.jsonl", o.flows)
        (out / "kpi.json").write_text(
            json.dumps(
                {
                    "setup": {
                        "households": households,
                        "seed": seed,
                        "day": day,
                        "battery_share": battery_share,
                    },
                    "community": table,
                },
                indent=1,
            )
        )
        scenario_plot(results, table, out / "scenarios.png", setup.tariff.currency)
        click.echo(f"wrote {out}/<scenario>.jsonl, kpi.json, scenarios.png")


ROWS = [
    ("self_sufficiency", "self-sufficiency", "{:.1%}"),
    ("self_consumption", "self-consumption", "{:.1%}"),
    ("traded_kwh", "traded between neighbours, kWh", "{:.1f}"),
    ("grid_import_kwh", "grid import, kWh", "{:.1f}"),
    ("grid_export_kwh", "fed into the grid, kWh", "{:.1f}"),
    ("saved", "saved vs grid-only, {cur}", "{:.2f}"),
    ("peak_import_kw", "community peak grid import, kW", "{:.1f}"),
    ("co2_avoided_kg", "CO2 avoided, kg", "{:.1f}"),
    ("gini_saved", "Gini of savings (0 = equal)", "{:.2f}"),
    ("better_off", "households better off", "{}"),
    ("worse_off", "households worse off", "{}"),
]


def format_table(cols: dict[str, dict], currency: str) -> str:
    """Community KPIs as a text table, one column per scenario or day."""
    names = list(cols)
    width = max(12, *(len(n) for n in names))
    lines = [f"{'':34s}" + "".join(f"{n:>{width + 2}s}" for n in names)]
    for key, label, fmt in ROWS:
        cells = []
        for n in names:
            v = cols[n].get(key)
            if isinstance(v, float):
                v = round(v, 6) + 0.0  # no "-0.00" from rounding noise
            cells.append("—" if v is None else fmt.format(v))
        lines.append(
            f"{label.format(cur=currency):34s}" + "".join(f"{c:>{width + 2}s}" for c in cells)
        )
    return "\n".join(lines)


@click.command("report")
@click.option(
    "--flows",
    "flow_paths",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Flow files (JSON lines); default: every agent's in <data>/agents/.",
)
@click.option(
    "--tariff",
    "tariff_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Tariff TOML (default: Delhi slabs).",
)
@click.option(
    "--emission-factor",
    type=click.FloatRange(min=0),
    default=CEA_KG_PER_KWH,
    show_default=True,
    help="Grid emission factor, kg CO2 per kWh.",
)
@click.option("--timezone", default=DEFAULT_TZ, show_default=True)
@click.option("--households", "per_home", is_flag=True, help="Also one line per household.")
@click.option("--json", "as_json", is_flag=True)
@friendly
def report_cmd(flow_paths, tariff_path, emission_factor, timezone, per_home, as_json) -> None:
    """What the market did for each household and the community, per day.

    Self-sufficiency, self-consumption, money saved against grid-only, peak grid import,
    CO2 avoided and how evenly the savings are shared (docs/agents.md)."""
    from .tariff import delhi
    from .tariff import load as load_tariff

    tariff = load_tariff(tariff_path) if tariff_path else delhi()
    paths = list(flow_paths)
    if not paths:
        d = config().data_dir / "agents"
        paths = sorted(d.glob("*.jsonl"))
        if not paths:
            raise click.ClickException(
                f"no flows in {d}: run `urja agent run`, or pass --flows FILE"
            )
    doc = report(read_flow_files(paths), tariff, emission_factor, timezone)
    if as_json:
        click.echo(json.dumps(doc, indent=1))
        return
    cur = tariff.currency
    click.echo(f"community (days in {timezone}; CO2 at {emission_factor} kg/kWh)")
    click.echo(format_table({d["day"]: d for d in doc["community"]}, cur))
    if per_home:
        click.echo(
            "\nhousehold        day          use kWh   PV kWh  grid kWh  self-suff.  self-cons."
            f"  saved {cur}  peak kW  CO2 kg"
        )
        pct = lambda v: "—" if v is None else f"{v:.1%}"  # noqa: E731
        for h in doc["households"]:
            click.echo(
                f"{h['household']:16s} {h['day']}  {h['consumption_kwh']:8.2f} {h['pv_kwh']:8.2f}"
                f" {h['grid_import_kwh']:9.2f}  {pct(h['self_sufficiency']):>10s}"
                f"  {pct(h['self_consumption']):>10s} {h['saved']:9.2f} "
                f"{h['peak_import_kw']:8.2f} {h['co2_avoided_kg']:7.2f}"
            )


def household_meter(s, address: str) -> bytes | None:
    """The household's only active meter from the index (None when it has none; a
    household with several names one in its agent settings in a later version)."""
    from ..orders import offer_meter

    try:
        return offer_meter(s.index_path, address)
    except LookupError:
        return None

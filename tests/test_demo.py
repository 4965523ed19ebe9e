"""`urja demo` end to end on a fresh local network: households, the operator's services,
orders, clearing, settlement, proven deliveries, the closing audit and the HTML report."""

from __future__ import annotations

import re

from click.testing import CliRunner

from urja import localnet
from urja.broker import free_port
from urja.cli import main


def test_demo_runs_a_small_community_end_to_end(tmp_path):
    data = tmp_path / "demo"
    args = [
        "demo",
        "--households",
        "4",
        "--slots",
        "2",
        "--port",
        str(free_port()),
        "--api-port",
        str(free_port()),
        "--data-dir",
        str(data),
    ]
    try:
        r = CliRunner().invoke(main, args)
    finally:
        localnet.stop(data / "net")
    assert r.exit_code == 0, r.output + repr(r.exception)
    rows = re.findall(
        r"^\[#+\s*\]\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\S+\s+(\d+)", r.output, re.M
    )
    assert len(rows) == 2, r.output
    assert sum(int(row[5]) for row in rows) == 4  # 2 donors x 2 slots proven on-chain
    assert "AUDIT PASSED" in r.output
    # The fees the households, the operator and the relayer paid, read from the ledger.
    assert "network fees (charged, read back from the ledger)" in r.output
    fee_rows = re.findall(r"^(offer|bid|settle|deliver)\s+(\d+)\s+(\d+)\s+([\d.]+)", r.output, re.M)
    assert {row[0] for row in fee_rows} == {"offer", "bid", "settle", "deliver"}, r.output
    # Failed transactions (charged, without effect) are counted among them, never more.
    assert all(int(n) > 0 and int(n) >= int(bad) and float(fee) > 0 for _, n, bad, fee in fee_rows)
    assert re.search(r"XLM per kWh, [\d.]+ % of its value", r.output)
    report = data / "report.html"
    assert report.exists() and "data:image/png;base64," in report.read_text()
    assert "Network fees of all trading" in report.read_text()
    # What the market did for the households: KPIs in the output and the report.
    assert "What the market did for the community" in r.output
    assert re.search(r"^  self-sufficiency\s+\d+ %$", r.output, re.M), r.output
    traded = re.search(r"^  traded kWh\s+([\d.]+)$", r.output, re.M)
    assert traded and float(traded.group(1)) > 0, r.output
    text = report.read_text()
    assert "What it did for each household" in text and text.count("donor-") >= 2

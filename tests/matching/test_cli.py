"""`urja market clear`: files in, files out, clear errors."""

from __future__ import annotations

import json

from click.testing import CliRunner

from urja.cli import main

BOOK = {
    "mechanism": "uniform",
    "orders": [
        {"id": "b1", "side": "buy", "wh": 500, "price": 12, "feeder": "f1", "ts": 1},
        {"id": "s1", "side": "sell", "wh": 400, "price": 5, "feeder": "f2", "ts": 1},
    ],
}


def test_clear_writes_the_result_file(tmp_path):
    src, out = tmp_path / "book.json", tmp_path / "result.json"
    src.write_text(json.dumps(BOOK))
    r = CliRunner().invoke(main, ["market", "clear", "--in", str(src), "--out", str(out)])
    assert r.exit_code == 0, r.output
    result = json.loads(out.read_text())
    assert result["trades"] == [{"buy": "b1", "sell": "s1", "wh": 400, "price": 8}]
    assert result["price"] == 8 and result["welfare"] == 400 * 7


def test_clear_rejects_a_bad_book_naming_the_order(tmp_path):
    src = tmp_path / "book.json"
    bad = json.loads(json.dumps(BOOK))
    bad["orders"][1]["wh"] = -5
    src.write_text(json.dumps(bad))
    r = CliRunner().invoke(main, ["market", "clear", "--in", str(src)])
    assert r.exit_code == 1
    assert 'order "s1": wh must be positive, got -5' in r.output


def test_clear_reports_a_missing_file(tmp_path):
    r = CliRunner().invoke(main, ["market", "clear", "--in", str(tmp_path / "nope.json")])
    assert r.exit_code == 1 and "cannot read" in r.output

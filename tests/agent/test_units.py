"""Household units against the shared vectors (docs/vectors/units.json), which the web app's
tests (web/src/logic.test.js) check too: typed kWh and prices per kWh convert exactly to the
chain's Wh and smallest units per Wh, or are refused; what is shown parses back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from urja.agent.units import Money, kwh_text, parse_kwh

VECTORS = json.loads((Path(__file__).resolve().parents[2] / "docs/vectors/units.json").read_text())


@pytest.mark.parametrize("v", VECTORS["energy"], ids=lambda v: repr(v["kwh"]))
def test_energy_typed_in_kwh(v):
    if "refused" in v:
        with pytest.raises(ValueError, match=f"energy {v['kwh']!r}"):
            parse_kwh(v["kwh"])
        return
    assert parse_kwh(v["kwh"]) == v["wh"]
    assert kwh_text(v["wh"]) == v["text"]
    assert parse_kwh(kwh_text(v["wh"]).removesuffix(" kWh")) == v["wh"]


@pytest.mark.parametrize("v", VECTORS["price"], ids=lambda v: f"{v['per_kwh']} {v['symbol']}")
def test_prices_typed_per_kwh(v):
    money = Money(v["symbol"], v["decimals"])
    if "refused" in v:
        with pytest.raises(ValueError, match=f"price {v['per_kwh']!r}"):
            money.parse_price_per_kwh(v["per_kwh"])
        return
    assert money.parse_price_per_kwh(v["per_kwh"]) == v["units_per_wh"]
    assert money.price_text(v["units_per_wh"]) == v["text"]
    shown = money.price_text(v["units_per_wh"]).split(" ")[0]
    assert money.parse_price_per_kwh(shown) == v["units_per_wh"]


def test_a_refused_price_names_the_step():
    with pytest.raises(ValueError, match=r"0\.0001 XLM/kWh steps"):
        Money("XLM", 7).parse_price_per_kwh("0.00045")

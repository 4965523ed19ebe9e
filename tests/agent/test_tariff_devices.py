"""Bad input is refused with the field named: tariffs with gaps, impossible batteries."""

from __future__ import annotations

import math

import pytest

from urja.agent import settings, tariff
from urja.agent.devices import Battery, DeferrableLoad, DeviceError
from urja.agent.settings import SettingsError


def test_delhi_slabs_bill_and_marginal_rate():
    t = tariff.delhi()
    # 200 kWh at 3.00, 200 at 4.50, 50 at 6.50
    assert t.monthly_bill(450) == pytest.approx(600 + 900 + 325)
    assert t.marginal_rate(150) == 3.0
    assert t.marginal_rate(450) == 6.5
    assert t.marginal_rate(5000) == 8.0
    assert t.daily_cost(15) == pytest.approx(t.monthly_bill(450) / 30)


GOOD = """
feed_in = 3.0
[[slabs]]
from_kwh = 0
to_kwh = 200
rate = 3.0
[[slabs]]
from_kwh = 200
to_kwh = 400
rate = 4.5
[[slabs]]
from_kwh = {third}
rate = 6.5
"""


def test_tariff_file_round_trip(tmp_path):
    p = tmp_path / "t.toml"
    p.write_text(GOOD.format(third=400))
    t = tariff.load(p)
    assert t.slabs[-1].to_kwh == math.inf and t.feed_in == 3.0


@pytest.mark.parametrize(
    "third,words",
    [
        (450, "slabs[2].from_kwh is 450 kWh but slabs[1] ends at 400 kWh (gap of 50 kWh)"),
        (350, "overlap of 50 kWh"),
    ],
)
def test_tariff_with_a_gap_or_overlap_names_the_slab(tmp_path, third, words):
    p = tmp_path / "t.toml"
    p.write_text(GOOD.format(third=third))
    with pytest.raises(tariff.TariffError) as e:
        tariff.load(p)
    assert words in str(e.value) and str(p) in str(e.value)


@pytest.mark.parametrize(
    "doc,field",
    [
        ({"slabs": [{"from_kwh": 0, "to_kwh": 200, "rate": 3}], "feed_in": 3}, "slabs[0].to_kwh"),
        ({"slabs": [{"from_kwh": 10, "rate": 3}], "feed_in": 3}, "slabs[0].from_kwh"),
        ({"slabs": [{"from_kwh": 0, "rate": -1}], "feed_in": 3}, "slabs[0].rate"),
        ({"slabs": [{"from_kwh": 0, "rate": "cheap"}], "feed_in": 3}, "slabs[0].rate"),
        ({"slabs": [{"from_kwh": 0, "rate": 3}]}, "feed_in"),
        ({"feed_in": 3}, "slabs"),
    ],
)
def test_bad_tariff_documents_name_the_field(doc, field):
    with pytest.raises(tariff.TariffError, match=__import__("re").escape(field)):
        tariff.from_dict(doc)


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"capacity_kwh": -5, "power_kw": 2}, "battery.capacity_kwh"),
        (
            {"capacity_kwh": 5, "power_kw": 2, "round_trip_efficiency": 1.2},
            "battery.round_trip_efficiency",
        ),
        ({"capacity_kwh": 5, "power_kw": 0}, "battery.power_kw"),
        ({"capacity_kwh": 5, "power_kw": 2, "soc_min": 0.9, "soc_max": 0.5}, "battery.soc_min"),
        ({"capacity_kwh": 5, "power_kw": 2, "cycling_cost": -1}, "battery.cycling_cost"),
    ],
)
def test_impossible_battery_names_the_field(kwargs, field):
    with pytest.raises(DeviceError, match=field.replace(".", r"\.")):
        Battery(**kwargs)


def test_deferrable_load_that_cannot_fit_its_window():
    ld = DeferrableLoad("EV", energy_kwh=20, power_kw=3.3, earliest=32, deadline=40)
    with pytest.raises(DeviceError, match=r"EV\.energy_kwh"):
        ld.check_feasible(900)


def test_settings_file_refuses_impossible_battery_before_anything(tmp_path):
    p = tmp_path / "agent.toml"
    p.write_text('key = "home"\nkwp = 4\n[battery]\ncapacity_kwh = -5\npower_kw = 2\n')
    with pytest.raises(SettingsError, match=r"battery\.capacity_kwh must be above 0, got -5"):
        settings.load(p)
    p.write_text(
        'key = "home"\n[battery]\ncapacity_kwh = 5\npower_kw = 2\nround_trip_efficiency = 1.1\n'
    )
    with pytest.raises(SettingsError, match=r"battery\.round_trip_efficiency"):
        settings.load(p)


def test_settings_file_with_gapped_tariff_and_bad_strategy(tmp_path):
    (tmp_path / "t.toml").write_text(GOOD.format(third=500))
    p = tmp_path / "agent.toml"
    p.write_text('key = "home"\ntariff = "t.toml"\n')
    with pytest.raises(SettingsError, match=r"slabs\[2\]\.from_kwh is 500 kWh"):
        settings.load(p)
    p.write_text('key = "home"\nstrategy = "ramp"\n[ramp]\nsell_start = 7\n')
    with pytest.raises(SettingsError, match=r"\[ramp\] is missing"):
        settings.load(p)
    p.write_text(
        'key = "home"\n[[loads]]\nname = "pump"\nenergy_kwh = 1\npower_kw = 1\n'
        'earliest = "25:00"\ndeadline = "18:00"\n'
    )
    with pytest.raises(SettingsError, match=r"loads\[0\]\.earliest must be a clock time"):
        settings.load(p)


def test_good_settings_file(tmp_path):
    p = tmp_path / "agent.toml"
    p.write_text(
        'key = "donor-00"\nkwp = 4.5\nstrategy = "fixed"\n[fixed]\nsell = 4.0\nbuy = 5.0\n'
        "[battery]\ncapacity_kwh = 5\npower_kw = 2.5\n"
        '[[loads]]\nname = "pump"\nenergy_kwh = 1.5\npower_kw = 0.75\n'
        'earliest = "06:00"\ndeadline = "18:00"\n'
    )
    st = settings.load(p)
    assert st.home.kwp == 4.5 and st.home.battery.capacity_kwh == 5
    assert st.home.loads[0].earliest == 24 and st.home.loads[0].deadline == 72
    assert st.strategy(300).price("sell", 0, 0, 1) == 4.0

"""The matching engine against its references and invariants (issue: matching engine)."""

from __future__ import annotations

import json
import random
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from urja import clearing
from urja.clearing import MatchingError

from .checks import check_clearing
from .reference import lp_welfare, network_lp, uniform_reference
from .strategies import books, random_network_book


def as_reference(result) -> dict:
    return {
        "price": result.price,
        "prices": result.prices,
        "trades": [(t.buy, t.sell, t.wh, t.price) for t in result.trades],
        "welfare": result.welfare,
        "volume_wh": result.volume_wh,
    }


@settings(max_examples=2000, deadline=None)
@given(books(), st.sampled_from(["uniform", "pay_as_bid"]))
def test_auction_equals_python_reference(orders, mechanism):
    result = clearing.clear(orders, mechanism)
    assert as_reference(result) == uniform_reference(orders, mechanism)
    check_clearing(orders, result)


@settings(max_examples=300, deadline=None)
@given(books(), st.randoms(use_true_random=False), st.sampled_from(clearing.MECHANISMS))
def test_any_permutation_of_orders_gives_the_same_result(orders, rnd, mechanism):
    nodes = {
        "root": {"parent": None, "capacity_wh": 0, "fee": 0},
        "a": {"parent": "root", "capacity_wh": 60, "fee": 1},
        "b": {"parent": "root", "capacity_wh": 40, "fee": 2},
    }
    for k, o in enumerate(orders):
        o["feeder"] = "ab"[k % 2]
    network = nodes if mechanism == "network" else None
    net = {"nodes": network} if network else None
    first = clearing.clear(orders, mechanism, net)
    shuffled = list(orders)
    rnd.shuffle(shuffled)
    assert clearing.clear(shuffled, mechanism, net) == first
    check_clearing(orders, first, network)


@pytest.mark.parametrize("seed", range(40))
def test_network_reaches_the_lp_optimum_on_three_level_trees(seed):
    rng = random.Random(seed)
    orders, nodes = random_network_book(rng, rng.choice([3, 20, 80, 200, 500]))
    result = clearing.clear(orders, "network", {"nodes": nodes})
    check_clearing(orders, result, nodes)
    assert result.welfare == lp_welfare(network_lp(orders, nodes))


@pytest.mark.parametrize("seed", range(40))
def test_network_reaches_the_lp_optimum_on_random_deep_trees(seed):
    rng = random.Random(1000 + seed)
    orders, nodes = random_network_book(rng, rng.choice([2, 10, 60, 250]), deep=True)
    result = clearing.clear(orders, "network", {"nodes": nodes})
    check_clearing(orders, result, nodes)
    assert result.welfare == lp_welfare(network_lp(orders, nodes))


@settings(max_examples=300, deadline=None)
@given(books())
def test_network_without_limits_matches_the_auction_welfare(orders):
    nodes = {
        "root": {"parent": None, "capacity_wh": 0, "fee": 0},
        "f": {"parent": "root", "capacity_wh": 10**9, "fee": 0},
    }
    net = clearing.clear(orders, "network", {"nodes": nodes})
    assert net.welfare == clearing.clear(orders, "uniform").welfare
    check_clearing(orders, net, nodes)


def test_worked_example_uniform_price_is_midpoint_of_marginal_limits():
    orders = [
        {"id": "b1", "side": "buy", "wh": 500, "price": 12, "feeder": "f", "ts": 1},
        {"id": "b2", "side": "buy", "wh": 300, "price": 9, "feeder": "f", "ts": 2},
        {"id": "s1", "side": "sell", "wh": 400, "price": 5, "feeder": "f", "ts": 1},
        {"id": "s2", "side": "sell", "wh": 600, "price": 10, "feeder": "f", "ts": 3},
    ]
    r = clearing.clear(orders)
    assert r.price == 11
    assert [(t.buy, t.sell, t.wh) for t in r.trades] == [("b1", "s1", 400), ("b1", "s2", 100)]
    assert r.welfare == 400 * 7 + 100 * 2
    p = clearing.clear(orders, "pay_as_bid")
    assert [t.price for t in p.trades] == [8, 11] and p.price is None


def test_congested_feeder_gets_a_higher_locational_price():
    orders = [
        {"id": "b", "side": "buy", "wh": 500, "price": 12, "feeder": "f1", "ts": 1},
        {"id": "s", "side": "sell", "wh": 400, "price": 5, "feeder": "f2", "ts": 1},
    ]
    nodes = {
        "root": {"parent": None, "capacity_wh": 0, "fee": 0},
        "f1": {"parent": "root", "capacity_wh": 300, "fee": 1},
        "f2": {"parent": "root", "capacity_wh": 1000, "fee": 1},
    }
    r = clearing.clear(orders, "network", {"nodes": nodes})
    assert [(t.buy, t.sell, t.wh) for t in r.trades] == [("b", "s", 300)]
    assert r.welfare == 300 * (12 - 5) - 300 * 2
    assert r.prices["f2"] == 5 and r.prices["root"] == 6 and r.prices["f1"] == 12


@pytest.mark.parametrize("mechanism", ["uniform", "pay_as_bid", "network"])
def test_numpy_columns_give_the_same_clearing_as_dicts(mechanism):
    rng = random.Random(7)
    orders, nodes = random_network_book(rng, 60)
    names = list(nodes)
    net = {"nodes": nodes} if mechanism == "network" else None
    by_dict = clearing.clear(orders, mechanism, net)
    ids = [int(o["id"][1:]) for o in orders]
    cols = {
        "side": np.array([1 if o["side"] == "buy" else 0 for o in orders]),
        "wh": np.array([o["wh"] for o in orders]),
        "price": np.array([o["price"] for o in orders]),
        "ts": np.array([o["ts"] for o in orders]),
        "id": np.array(ids),
        "feeder": np.array([names.index(o["feeder"]) for o in orders]),
    }
    by_cols = clearing.clear(cols, mechanism, net)
    assert (by_cols.price, by_cols.welfare, by_cols.volume_wh) == (
        by_dict.price,
        by_dict.welfare,
        by_dict.volume_wh,
    )
    # Integer ids order like the string ids only when they have equal width, so compare
    # the multiset of trades rather than their order.
    got = sorted(
        zip(
            [f"o{ids[i]}" for i in by_cols.buy],
            [f"o{ids[i]}" for i in by_cols.sell],
            by_cols.wh.tolist(),
            by_cols.trade_price.tolist(),
            strict=True,
        )
    )
    if mechanism != "network":
        assert sum(got[k][2] for k in range(len(got))) == by_dict.volume_wh
    else:
        assert got == sorted((t.buy, t.sell, t.wh, t.price) for t in by_dict.trades)


def order(**kw):
    base = {"id": "a", "side": "buy", "wh": 10, "price": 5, "feeder": "f", "ts": 0}
    base.update(kw)
    return base


@pytest.mark.parametrize(
    ("orders", "message"),
    [
        ([order(), order()], 'order "a": duplicate order id'),
        ([order(wh=0)], 'order "a": wh must be positive, got 0'),
        ([order(price=-3)], 'order "a": price must be positive, got -3'),
        ([order(wh=2**53)], 'order "a": wh 9007199254740992 overflows'),
        ([order(wh=2**70)], 'order "a": field "wh" overflows a 64-bit integer'),
        ([order(wh=1.5)], 'order "a": field "wh" must be an integer'),
        ([order(side="hold")], 'order "a": side must be "buy" or "sell", got "hold"'),
        ([{"id": "x", "side": "buy"}], 'order "x": missing field "wh"'),
        ([order(), 5], "orders[1]: must be an object (a dict)"),
        ([order(wh=None)], 'order "a": field "wh" must be an integer, got null'),
        (
            [order(price=np.int64(5))],
            'order "a": field "price" must be an integer, got "np.int64(5)"',
        ),
    ],
)
def test_bad_orders_are_rejected_naming_the_order(orders, message):
    with pytest.raises(MatchingError, match=re.escape(message)):
        clearing.clear(orders)


@pytest.mark.parametrize(
    ("nodes", "message"),
    [
        (
            {
                "r": {"parent": None, "capacity_wh": 1, "fee": 0},
                "a": {"parent": "b", "capacity_wh": 1, "fee": 0},
                "b": {"parent": "a", "capacity_wh": 1, "fee": 0},
            },
            "lies on a cycle",
        ),
        ({"a": {"parent": "a", "capacity_wh": 1, "fee": 0}}, 'node "a": is its own parent'),
        (
            {
                "r": {"parent": None, "capacity_wh": 1, "fee": 0},
                "f": {"parent": "zz", "capacity_wh": 1, "fee": 0},
            },
            'node "f": unknown parent "zz"',
        ),
        (
            {
                "r": {"parent": None, "capacity_wh": 1, "fee": 0},
                "f": {"parent": "r", "capacity_wh": -1, "fee": 0},
            },
            'node "f": capacity_wh must be',
        ),
        (
            {
                "r": {"parent": None, "capacity_wh": 1, "fee": 0},
                "f": {"parent": None, "capacity_wh": 1, "fee": 0},
            },
            'node "f": a second root',
        ),
        ({"r": {"parent": None, "capacity_wh": 1, "fee": 0}}, 'order "a": unknown feeder "f"'),
    ],
)
def test_bad_networks_are_rejected_naming_the_node(nodes, message):
    with pytest.raises(MatchingError, match=re.escape(message)):
        clearing.clear([order()], "network", {"nodes": nodes})


def test_json_errors_name_the_problem():
    with pytest.raises(MatchingError, match="malformed JSON at line 1"):
        clearing.clear_json('{"mechanism": ')
    with pytest.raises(MatchingError, match='unknown mechanism "best"'):
        clearing.clear_json('{"mechanism": "best", "orders": []}')
    book = {"mechanism": "uniform", "orders": [order(), order(id="b", wh=-1)]}
    with pytest.raises(MatchingError, match='order "b": wh must be positive'):
        clearing.clear_json(json.dumps(book))


def test_json_round_trip_matches_the_typed_api():
    rng = random.Random(3)
    orders, nodes = random_network_book(rng, 40)
    book = {"mechanism": "network", "orders": orders, "network": {"nodes": nodes}}
    assert (
        json.loads(clearing.clear_json(json.dumps(book)))
        == clearing.clear(orders, "network", {"nodes": nodes}).to_json_dict()
    )


def test_column_books_get_the_cores_node_errors():
    """The column path resolves the feeder tree in the core, as the dict path does: the
    same message names the node."""
    cols = {
        "side": np.array([1, 0]),
        "wh": np.array([1, 1]),
        "price": np.array([1, 1]),
        "ts": np.array([0, 0]),
        "feeder": np.array([1, 1]),
    }
    nodes = {
        "r": {"parent": None, "capacity_wh": 1, "fee": 0},
        "f": {"parent": "zz", "capacity_wh": 1, "fee": 0},
    }
    with pytest.raises(MatchingError, match=re.escape('node "f": unknown parent "zz"')):
        clearing.clear(cols, "network", {"nodes": nodes})
    nodes["f"] = {"parent": "r", "capacity_wh": "lots", "fee": 0}
    with pytest.raises(MatchingError, match='node "f": field "capacity_wh" must be an integer'):
        clearing.clear(cols, "network", {"nodes": nodes})


def test_bad_numpy_columns_are_rejected():
    cols = {
        "side": np.array([1, 2]),
        "wh": np.array([1, 1]),
        "price": np.array([1, 1]),
        "ts": np.array([0, 0]),
    }
    with pytest.raises(MatchingError, match=r"side\[1\]: must be 1 \(buy\) or 0 \(sell\)"):
        clearing.clear(cols)
    cols["side"] = np.array([1, 0])
    cols["id"] = np.array([4, 4])
    with pytest.raises(MatchingError, match="order 4: duplicate order id"):
        clearing.clear(cols)

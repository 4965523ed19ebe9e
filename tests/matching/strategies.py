"""Hypothesis strategies and generators for random order books and feeder trees."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import strategies as st


@st.composite
def books(draw, max_orders: int = 40, max_price: int = 30) -> list[dict[str, Any]]:
    """Random books with many price and time ties, so tie-breaking is exercised."""
    n = draw(st.integers(0, max_orders))
    ids = draw(
        st.lists(st.text("abcdefgh", min_size=1, max_size=4), min_size=n, max_size=n, unique=True)
    )
    return [
        {
            "id": i,
            "side": draw(st.sampled_from(["buy", "sell"])),
            "wh": draw(st.integers(1, 50)),
            "price": draw(st.integers(1, max_price)),
            "feeder": "f",
            "ts": draw(st.integers(0, 5)),
        }
        for i in ids
    ]


def random_network(rng: random.Random, households: int, deep: bool):
    """A feeder tree with `households` leaves: three levels (root, feeders, households), or
    with `deep` a random tree where any earlier node may be a parent."""
    nodes: dict[str, dict[str, Any]] = {"root": {"parent": None, "capacity_wh": 0, "fee": 0}}
    if deep:
        for k in range(households):
            parent = rng.choice(list(nodes))
            nodes[f"n{k}"] = {
                "parent": parent,
                "capacity_wh": rng.choice([0, rng.randint(1, 60), rng.randint(1, 400)]),
                "fee": rng.randint(0, 3),
            }
        leaves = [n for n in nodes if n != "root"]
    else:
        feeders = [f"f{k}" for k in range(max(1, households // 20))]
        for f in feeders:
            nodes[f] = {
                "parent": "root",
                "capacity_wh": rng.randint(50, 2000),
                "fee": rng.randint(0, 4),
            }
        leaves = []
        for k in range(households):
            h = f"h{k}"
            nodes[h] = {
                "parent": rng.choice(feeders),
                "capacity_wh": rng.randint(10, 300),
                "fee": rng.randint(0, 2),
            }
            leaves.append(h)
    return nodes, leaves


def random_network_book(rng: random.Random, households: int, deep: bool = False):
    """Orders at random households of a random tree: `(orders, nodes)`."""
    nodes, leaves = random_network(rng, households, deep)
    orders = []
    for k in range(rng.randint(1, 2 * households + 2)):
        orders.append(
            {
                "id": f"o{k}",
                "side": rng.choice(["buy", "sell"]),
                "wh": rng.randint(1, 200),
                "price": rng.randint(1, 60),
                "feeder": rng.choice(leaves),
                "ts": rng.randint(0, 10),
            }
        )
    return orders, nodes

//! Engine invariants on random books: limits, fills, capacities, totals and
//! order-independence, for every mechanism.

use proptest::prelude::*;
use urja_matching::{clear, Book, Clearing, Columns, Mechanism, NodeSpec, OrderIds, Side};

/// A fixed three-level tree: root, two feeders, four households.
fn tree() -> Vec<NodeSpec> {
    let node = |id: &str, parent: Option<usize>, cap: i64, fee: i64| NodeSpec {
        id: id.into(),
        parent,
        capacity_wh: cap,
        fee,
    };
    vec![
        node("root", None, 0, 0),
        node("f1", Some(0), 80, 1),
        node("f2", Some(0), 30, 2),
        node("h1", Some(1), 50, 0),
        node("h2", Some(1), 20, 1),
        node("h3", Some(2), 60, 0),
        node("h4", Some(2), 0, 0),
    ]
}

type Raw = (bool, i64, i64, i64, u32);

fn book(mechanism: Mechanism, raw: &[Raw]) -> Book {
    let cols = Columns {
        side: raw
            .iter()
            .map(|r| if r.0 { Side::Buy } else { Side::Sell })
            .collect(),
        wh: raw.iter().map(|r| r.1).collect(),
        price: raw.iter().map(|r| r.2).collect(),
        ts: raw.iter().map(|r| r.3).collect(),
        node: raw.iter().map(|r| 3 + r.4 % 4).collect(),
        ids: OrderIds::Names((0..raw.len()).map(|i| format!("o{i:03}")).collect()),
    };
    Book::new(mechanism, cols, tree()).expect("valid book")
}

fn check(b: &Book, c: &Clearing) {
    let mut filled = vec![0i64; b.len()];
    let mut flow = vec![0i128; b.nodes.len()];
    let mut welfare = 0i128;
    for t in &c.trades {
        let (bu, se) = (t.buy as usize, t.sell as usize);
        assert_eq!(b.side[bu], Side::Buy);
        assert_eq!(b.side[se], Side::Sell);
        assert!(t.price <= b.price[bu], "buyer pays above limit");
        assert!(t.price >= b.price[se], "seller paid below limit");
        filled[bu] += t.wh;
        filled[se] += t.wh;
        welfare += t.wh as i128 * (b.price[bu] - b.price[se]) as i128;
        if b.mechanism == Mechanism::Network {
            flow[b.node[se] as usize] += t.wh as i128;
            flow[b.node[bu] as usize] -= t.wh as i128;
        }
    }
    for (f, wh) in filled.iter().zip(&b.wh) {
        assert!(f <= wh, "order over-filled");
    }
    if b.mechanism == Mechanism::Network {
        // Households -> feeders -> root: accumulate flows up the fixed tree.
        for v in (1..b.nodes.len()).rev() {
            let p = b.nodes[v].parent.unwrap();
            assert!(
                flow[v].abs() <= b.nodes[v].capacity_wh as i128,
                "edge over capacity"
            );
            welfare -= flow[v].abs() * b.nodes[v].fee as i128;
            flow[p] += flow[v];
        }
        assert_eq!(flow[0], 0);
    }
    assert_eq!(welfare, c.welfare);
}

fn raw_orders() -> impl Strategy<Value = Vec<Raw>> {
    prop::collection::vec((any::<bool>(), 1i64..60, 1i64..25, 0i64..4, 0u32..4), 0..40)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_mechanism_respects_limits_and_capacities(raw in raw_orders()) {
        for m in [Mechanism::Uniform, Mechanism::PayAsBid, Mechanism::Network] {
            let b = book(m, &raw);
            check(&b, &clear(&b).unwrap());
        }
    }

    #[test]
    fn reversing_the_input_changes_nothing(raw in raw_orders()) {
        for m in [Mechanism::Uniform, Mechanism::PayAsBid, Mechanism::Network] {
            let forward = book(m, &raw);
            let c1 = clear(&forward).unwrap();
            // Same orders (same ids) listed backwards.
            let mut cols = Columns {
                side: forward.side.clone(), wh: forward.wh.clone(), price: forward.price.clone(),
                ts: forward.ts.clone(), node: forward.node.clone(), ids: forward.ids.clone(),
            };
            cols.side.reverse(); cols.wh.reverse(); cols.price.reverse(); cols.ts.reverse();
            cols.node.reverse();
            if let OrderIds::Names(v) = &mut cols.ids { v.reverse(); }
            let backward = Book::new(m, cols, tree()).unwrap();
            let c2 = clear(&backward).unwrap();
            let n = raw.len() as u32;
            let mapped: Vec<_> = c2.trades.iter()
                .map(|t| (n - 1 - t.buy, n - 1 - t.sell, t.wh, t.price)).collect();
            let orig: Vec<_> = c1.trades.iter().map(|t| (t.buy, t.sell, t.wh, t.price)).collect();
            prop_assert_eq!(mapped, orig);
            prop_assert_eq!((c1.price, c1.prices, c1.welfare), (c2.price, c2.prices, c2.welfare));
        }
    }

    #[test]
    fn wide_keys_sort_like_narrow_ones(raw in raw_orders()) {
        // Times stretched far apart force the comparison-sort path; the order is the same.
        let wide: Vec<Raw> = raw.iter().map(|r| (r.0, r.1, r.2, r.3 << 60, r.4)).collect();
        for m in [Mechanism::Uniform, Mechanism::PayAsBid] {
            prop_assert_eq!(clear(&book(m, &raw)).unwrap(), clear(&book(m, &wide)).unwrap());
        }
    }

    #[test]
    fn spread_prices_trade_like_narrow_ones(raw in raw_orders()) {
        // Prices spread over more levels than the level walk takes force the full sort.
        let wide: Vec<Raw> = raw.iter().map(|r| (r.0, r.1, r.2 << 20, r.3, r.4)).collect();
        for m in [Mechanism::Uniform, Mechanism::PayAsBid] {
            let (a, b) = (clear(&book(m, &raw)).unwrap(), clear(&book(m, &wide)).unwrap());
            let pairs = |c: &Clearing| c.trades.iter().map(|t| (t.buy, t.sell, t.wh)).collect::<Vec<_>>();
            prop_assert_eq!(pairs(&a), pairs(&b));
            prop_assert_eq!(a.welfare << 20, b.welfare);
        }
    }

    #[test]
    fn the_network_never_beats_the_unconstrained_auction(raw in raw_orders()) {
        let net = clear(&book(Mechanism::Network, &raw)).unwrap();
        let free = clear(&book(Mechanism::Uniform, &raw)).unwrap();
        prop_assert!(net.welfare <= free.welfare);
    }
}

#[test]
fn json_errors_name_the_offender() {
    let e = urja_matching::clear_json(
        r#"{"mechanism":"network","orders":[{"id":"x","side":"buy","wh":5,"price":3,"feeder":"nowhere","ts":0}],
            "network":{"nodes":{"r":{"parent":null,"capacity_wh":0,"fee":0}}}}"#,
    )
    .unwrap_err();
    assert_eq!(e.message(), "order \"x\": unknown feeder \"nowhere\"");
    let e =
        urja_matching::clear_json(r#"{"mechanism":"uniform","orders":[{"id":"y"}]}"#).unwrap_err();
    assert_eq!(e.message(), "order \"y\": missing field \"side\"");
}

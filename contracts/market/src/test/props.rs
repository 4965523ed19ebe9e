//! Property tests: random sequences of orders, cancels, settlements, deliveries, releases and
//! refunds keep escrow conserved, never over-fill an order and never settle a pair twice.
use super::*;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Offer {
        who: usize,
        slot: u64,
        wh: i128,
        price: i128,
    },
    Bid {
        who: usize,
        slot: u64,
        wh: i128,
        price: i128,
    },
    Cancel {
        order: u64,
    },
}

#[derive(Clone, Debug)]
struct Batch {
    trades: std::vec::Vec<(u64, u64, i128, i128)>,
    uniform: bool,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3usize, 0..2u64, 1..200i128, 1..30i128).prop_map(|(who, slot, wh, price)| Op::Offer {
            who,
            slot,
            wh,
            price
        }),
        (0..3usize, 0..2u64, 1..200i128, 1..30i128).prop_map(|(who, slot, wh, price)| Op::Bid {
            who,
            slot,
            wh,
            price
        }),
        (0..12u64).prop_map(|order| Op::Cancel { order }),
    ]
}

fn batch() -> impl Strategy<Value = Batch> {
    (
        prop::collection::vec((0..12u64, 0..12u64, 1..150i128, 1..30i128), 1..5),
        any::<bool>(),
    )
        .prop_map(|(trades, uniform)| Batch { trades, uniform })
}

/// `ids`: every order placed so far (order ids are per household, not 0, 1, 2, ...).
fn check_invariants(w: &World, locked: i128, ids: &[u64]) {
    let t = w.market.totals();
    assert_eq!(t.locked, locked, "locked total tracks every accepted bid");
    assert_eq!(
        w.pay.balance(&w.market.address),
        t.locked - t.withdrawn,
        "the market holds exactly what came in and was not taken out"
    );
    assert!(
        t.locked - t.paid - t.refunded >= 0,
        "escrow held is never negative"
    );
    let everyone = w
        .donors
        .iter()
        .chain(w.receivers.iter())
        .chain(core::iter::once(&w.fee_to));
    let accounts: std::vec::Vec<Account> = everyone.map(|a| w.market.account(a)).collect();
    assert_eq!(
        accounts.iter().map(|a| a.credit).sum::<i128>(),
        t.paid + t.refunded - t.withdrawn,
        "credits owed = paid + refunded - withdrawn"
    );
    assert_eq!(
        accounts.iter().map(|a| a.held).sum::<i128>(),
        t.locked - t.paid - t.refunded,
        "escrow in flight, household by household, = locked - paid - refunded"
    );
    let mut n = 0u64;
    let mut seen = std::collections::BTreeSet::new();
    while let Some(tr) = w.market.trade(&n) {
        assert!(
            seen.insert((tr.buy, tr.sell)),
            "pair ({}, {}) settled twice",
            tr.buy,
            tr.sell
        );
        n += 1;
    }
    for &id in ids {
        let Some(o) = w.market.order(&id) else {
            continue;
        };
        let mut sum = 0;
        for k in 0..n {
            let tr = w.market.trade(&k).unwrap();
            if tr.buy == id || tr.sell == id {
                sum += tr.wh;
            }
        }
        assert!(o.filled <= o.wh, "order {id} over-filled");
        assert_eq!(o.filled, sum, "order {id} fill equals its trades");
    }
}

/// The id an index drawn by the strategy stands for: the `i`-th order placed, or (past
/// them) an id no order has, so that unknown orders are exercised too.
fn nth(ids: &[u64], i: u64) -> u64 {
    ids.get(i as usize).copied().unwrap_or(i)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn escrow_is_conserved_and_nothing_settles_twice(
        ops in prop::collection::vec(op(), 1..14),
        batches in prop::collection::vec(batch(), 0..4),
        deliveries in prop::collection::vec((0..3usize, 0..2u64, 0..400i128), 0..4),
    ) {
        let w = world(Build::Native, 3, 3);
        let mut locked = 0i128;
        let mut ids = std::vec::Vec::new();
        for o in &ops {
            match *o {
                Op::Offer { who, slot, wh, price } => {
                    if let Ok(Ok(id)) = w.market.try_offer(&w.donors[who], &w.meters[who], &(SLOT + slot), &wh, &price) {
                        ids.push(id);
                    }
                }
                Op::Bid { who, slot, wh, price } => {
                    if let Ok(Ok(id)) = w.market.try_bid(&w.receivers[who], &(SLOT + slot), &wh, &price) {
                        locked += wh * price;
                        ids.push(id);
                    }
                }
                Op::Cancel { order } => {
                    let order = nth(&ids, order);
                    if let Some(o) = w.market.order(&order) {
                        let _ = w.market.try_cancel(&o.owner, &order);
                    }
                }
            }
            check_invariants(&w, locked, &ids);
        }
        at_gate(&w, SLOT + 1);
        for b in &batches {
            for slot in [SLOT, SLOT + 1] {
                let trades: soroban_sdk::Vec<TradeIn> = soroban_sdk::Vec::from_iter(
                    &w.env,
                    b.trades.iter().map(|&(buy, sell, wh, price)| trade(nth(&ids, buy), nth(&ids, sell), wh, price)),
                );
                let price = if b.uniform { Some(b.trades[0].3) } else { None };
                if slot == SLOT {
                    // Slot SLOT is already under way at SLOT+1's gate; settle it in its window.
                    continue;
                }
                let _ = w.market.try_settle(&slot, &trades, &price);
                check_invariants(&w, locked, &ids);
            }
        }
        at(&w, (SLOT + 2) * SLOT_SECS);
        for &(who, slot, wh) in &deliveries {
            let (donor, meter) = (w.donors[who].clone(), w.meters[who].clone());
            let _ = w.env.as_contract(&w.market.address, || settle_delivery(&w.env, &meter, &donor, SLOT + slot, wh));
            check_invariants(&w, locked, &ids);
            // Households withdraw at random moments; nothing else changes.
            let _ = w.market.try_withdraw(&w.donors[who]);
            check_invariants(&w, locked, &ids);
        }
        for id in &ids {
            let _ = w.market.try_release(id);
        }
        at(&w, (SLOT + 2) * SLOT_SECS + 3_600);
        let mut n = 0;
        while let Some(tr) = w.market.trade(&n) {
            let r = w.market.try_refund_expired(&n);
            prop_assert_eq!(r.is_ok(), tr.state == TradeState::Matched);
            n += 1;
        }
        check_invariants(&w, locked, &ids);
        for a in w.donors.iter().chain(w.receivers.iter()).chain(core::iter::once(&w.fee_to)) {
            let _ = w.market.try_withdraw(a);
        }
        check_invariants(&w, locked, &ids);
        prop_assert_eq!(w.pay.balance(&w.market.address), 0, "all escrow returned or paid in the end");
    }
}

//! Pins the topics and data layout of every market event the indexer and the auditor decode
//! (`orchestrator/urja/data/contract_events.json` is generated from the same contract spec;
//! the proof, delivered and surplus events are pinned in `deliver.rs`).
use super::*;
use soroban_sdk::testutils::Events as _;
use soroban_sdk::{Env, IntoVal, Symbol, Val};

/// The market's events of the last call.
pub fn market_events(w: &World) -> soroban_sdk::testutils::ContractEvents {
    w.env.events().all().filter_by_contract(&w.market.address)
}

/// A topic list: the event's name, then its topic fields.
pub fn topics(w: &World, name: &str, rest: &[Val]) -> soroban_sdk::Vec<Val> {
    let mut t = vals!(&w.env; Symbol::new(&w.env, name));
    for v in rest {
        t.push_back(*v);
    }
    t
}

/// One market event, as `market_events` lists it.
pub fn event(
    w: &World,
    name: &str,
    topic: &[Val],
    data: Val,
) -> (Address, soroban_sdk::Vec<Val>, Val) {
    (w.market.address.clone(), topics(w, name, topic), data)
}

fn val<T: IntoVal<Env, Val>>(w: &World, x: T) -> Val {
    x.into_val(&w.env)
}

#[test]
fn order_cancel_settle_release_expired_withdraw_and_params_events_are_pinned() {
    let w = world(Build::Native, 1, 2);
    let e = &w.env;
    let (d, r, r2) = (&w.donors[0], &w.receivers[0], &w.receivers[1]);
    let slot = val(&w, SLOT);
    let s = offer(&w, 0, SLOT, 100, 5);
    let data = vals!(e; s, d, Side::Sell, 100i128, 5i128, 0i128, w.meters[0]);
    assert_eq!(
        market_events(&w),
        vec![e, event(&w, "order", &[slot], val(&w, data))]
    );
    let b = w.market.bid(r, &SLOT, &100, &9);
    let data = vals!(e; b, r, Side::Buy, 100i128, 9i128, 900i128, ());
    assert_eq!(
        market_events(&w),
        vec![e, event(&w, "order", &[slot], val(&w, data))]
    );
    // A standing bid (the second `order` layout) names its slot count and locks its
    // escrow for every slot.
    let sb = w.market.bid_slots(r2, &SLOT, &3, &10, &9);
    let data = vals!(e; sb, r2, Side::Buy, 10i128, 9i128, 270i128, (), 3u32);
    assert_eq!(
        market_events(&w),
        vec![e, event(&w, "order", &[slot], val(&w, data))]
    );
    w.market.cancel(r2, &sb);
    let b2 = w.market.bid(r2, &SLOT, &10, &9);
    w.market.cancel(r2, &b2);
    let data = vals!(e; b2, 90i128);
    assert_eq!(
        market_events(&w),
        vec![e, event(&w, "cancel", &[slot], val(&w, data))]
    );
    at_gate(&w, SLOT);
    w.market
        .settle(&SLOT, &vec![e, trade(b, s, 60, 6)], &Some(6));
    let traded = vals!(e; 0u64, b, s, r, d, 60i128, 6i128);
    let settled = vals!(e; 1u32, Some(6i128));
    assert_eq!(
        market_events(&w),
        vec![
            e,
            event(&w, "trade", &[slot], val(&w, traded)),
            event(&w, "settle", &[slot], val(&w, settled))
        ]
    );
    at(&w, (SLOT + 1) * SLOT_SECS);
    w.market.release(&b);
    let data = vals!(e; b, 360i128);
    assert_eq!(
        market_events(&w),
        vec![e, event(&w, "release", &[slot], val(&w, data))]
    );
    at(&w, (SLOT + 1) * SLOT_SECS + 3_600);
    w.market.refund_expired(&0);
    let data = vals!(e; 0u64, 540i128);
    assert_eq!(
        market_events(&w),
        vec![e, event(&w, "expired", &[slot], val(&w, data))]
    );
    w.market.withdraw(r);
    let owner = val(&w, r.clone());
    assert_eq!(
        market_events(&w),
        vec![e, event(&w, "withdraw", &[owner], val(&w, 900i128))]
    );
    let p = w.market.params();
    w.market.set_params(&p);
    assert_eq!(
        market_events(&w),
        vec![e, event(&w, "params", &[], val(&w, p))]
    );
}

#[test]
fn the_sweep_event_is_pinned() {
    let w = world(Build::Native, 1, 1);
    let e = &w.env;
    let r = &w.receivers[0];
    w.market.bid(r, &SLOT, &10, &9);
    let deadline = (SLOT + 1) * SLOT_SECS + 3_600;
    at(&w, deadline);
    w.market.withdraw(r);
    let owner = val(&w, r.clone());
    assert_eq!(
        market_events(&w),
        vec![
            e,
            event(&w, "swept", &[owner], val(&w, vals!(e; 90i128, deadline))),
            event(&w, "withdraw", &[owner], val(&w, 90i128))
        ]
    );
}

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

#[test]
fn order_cancel_settle_release_expired_withdraw_and_params_events_are_pinned() {
    let w = world(Build::Native, 1, 2);
    let e = &w.env;
    let (d, r, r2) = (&w.donors[0], &w.receivers[0], &w.receivers[1]);
    let s = offer(&w, 0, SLOT, 100, 5);
    assert_eq!(
        market_events(&w),
        vec![
            e,
            (
                w.market.address.clone(),
                topics(&w, "order", &[IntoVal::<Env, Val>::into_val(&SLOT, e)]),
                IntoVal::<Env, Val>::into_val(
                    &vals!(e; s,
                    d,
                    Side::Sell,
                    100i128,
                    5i128,
                    0i128,
                    w.meters[0]),
                    e
                )
            )
        ]
    );
    let b = w.market.bid(r, &SLOT, &100, &9);
    assert_eq!(
        market_events(&w),
        vec![
            e,
            (
                w.market.address.clone(),
                topics(&w, "order", &[IntoVal::<Env, Val>::into_val(&SLOT, e)]),
                IntoVal::<Env, Val>::into_val(
                    &vals!(e; b,
                    r,
                    Side::Buy,
                    100i128,
                    9i128,
                    900i128,
                    ()),
                    e
                )
            )
        ]
    );
    let b2 = w.market.bid(r2, &SLOT, &10, &9);
    w.market.cancel(r2, &b2);
    assert_eq!(
        market_events(&w),
        vec![
            e,
            (
                w.market.address.clone(),
                topics(&w, "cancel", &[IntoVal::<Env, Val>::into_val(&SLOT, e)]),
                IntoVal::<Env, Val>::into_val(&vals!(e; b2, 90i128), e)
            )
        ]
    );
    at_gate(&w, SLOT);
    w.market
        .settle(&SLOT, &vec![e, trade(b, s, 60, 6)], &Some(6));
    assert_eq!(
        market_events(&w),
        vec![
            e,
            (
                w.market.address.clone(),
                topics(&w, "trade", &[IntoVal::<Env, Val>::into_val(&SLOT, e)]),
                IntoVal::<Env, Val>::into_val(
                    &vals!(e; 0u64,
                    b,
                    s,
                    r,
                    d,
                    60i128,
                    6i128),
                    e
                )
            ),
            (
                w.market.address.clone(),
                topics(&w, "settle", &[IntoVal::<Env, Val>::into_val(&SLOT, e)]),
                IntoVal::<Env, Val>::into_val(&vals!(e; 1u32, Some(6i128)), e)
            )
        ]
    );
    at(&w, (SLOT + 1) * SLOT_SECS);
    w.market.release(&b);
    assert_eq!(
        market_events(&w),
        vec![
            e,
            (
                w.market.address.clone(),
                topics(&w, "release", &[IntoVal::<Env, Val>::into_val(&SLOT, e)]),
                IntoVal::<Env, Val>::into_val(&vals!(e; b, 360i128), e)
            )
        ]
    );
    let deadline = (SLOT + 1) * SLOT_SECS + 3_600;
    at(&w, deadline);
    w.market.refund_expired(&0);
    assert_eq!(
        market_events(&w),
        vec![
            e,
            (
                w.market.address.clone(),
                topics(&w, "expired", &[IntoVal::<Env, Val>::into_val(&SLOT, e)]),
                IntoVal::<Env, Val>::into_val(&vals!(e; 0u64, 540i128), e)
            )
        ]
    );
    w.market.withdraw(r);
    assert_eq!(
        market_events(&w),
        vec![
            e,
            (
                w.market.address.clone(),
                topics(&w, "withdraw", &[IntoVal::<Env, Val>::into_val(r, e)]),
                IntoVal::<Env, Val>::into_val(&900i128, e)
            )
        ]
    );
    let p = w.market.params();
    w.market.set_params(&p);
    assert_eq!(
        market_events(&w),
        vec![
            e,
            (
                w.market.address.clone(),
                topics(&w, "params", &[]),
                IntoVal::<Env, Val>::into_val(&p, e)
            )
        ]
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
    assert_eq!(
        market_events(&w),
        vec![
            e,
            (
                w.market.address.clone(),
                topics(&w, "swept", &[IntoVal::<Env, Val>::into_val(r, e)]),
                IntoVal::<Env, Val>::into_val(&vals!(e; 90i128, deadline), e)
            ),
            (
                w.market.address.clone(),
                topics(&w, "withdraw", &[IntoVal::<Env, Val>::into_val(r, e)]),
                IntoVal::<Env, Val>::into_val(&90i128, e)
            )
        ]
    );
}

//! Short-lived records live in temporary storage (issue 14): these tests let them expire and
//! show that no path frees or doubles money. A bid's escrow is counted in its owner's
//! account until a delivery, refund or release moves it; after every deadline of the owner's
//! escrow has passed, `withdraw` sweeps the rest, and refunds of older records are refused.
use super::*;
use soroban_sdk::testutils::storage::Temporary as _;

/// Jumps far past every temporary entry's TTL (and the delivery deadline).
fn expire_everything(w: &World) {
    w.env.ledger().with_mut(|l| {
        l.sequence_number += 500_000;
        l.timestamp = (SLOT + 1) * SLOT_SECS + 3_600 + 90_000;
    });
}

/// One receiver's bid of 100 Wh at 9 (escrow 900), 60 Wh of it matched at 6.
fn matched(w: &World) -> u64 {
    let s = offer(w, 0, SLOT, 100, 5);
    let b = w.market.bid(&w.receivers[0], &SLOT, &100, &9);
    at_gate(w, SLOT);
    w.market
        .settle(&SLOT, &vec![&w.env, trade(b, s, 60, 6)], &None);
    b
}

#[test]
fn attack_expired_records_neither_free_nor_double_escrow() {
    let w = world(Build::Native, 1, 1);
    let r = &w.receivers[0];
    let b = matched(&w);
    expire_everything(&w);
    // The order, the trade and the delivery nullifier are gone ...
    assert_eq!(w.market.order(&b), None);
    assert_eq!(w.market.trade(&0), None);
    assert_eq!(
        w.market.try_refund_expired(&0),
        Err(Ok(MarketError::UnknownTrade))
    );
    assert_eq!(w.market.try_release(&b), Err(Ok(MarketError::UnknownOrder)));
    // ... but the escrow is not: it returns once, through the sweep.
    assert_eq!(w.market.account(r).held, 900);
    assert_eq!(withdraw(&w, r), 900);
    assert_eq!(withdraw(&w, r), 0);
    assert_eq!(escrow(&w), 0);
    assert_eq!(w.pay.balance(r), 1_000_000_000);
    let t = w.market.totals();
    assert_eq!(
        (t.locked, t.paid, t.refunded, t.withdrawn),
        (900, 0, 900, 900)
    );
}

#[test]
fn attack_a_refund_after_the_sweep_is_refused() {
    let w = world(Build::Native, 1, 1);
    let r = &w.receivers[0];
    let b = matched(&w);
    // At the deadline the records still live; the household sweeps first ...
    at(&w, (SLOT + 1) * SLOT_SECS + 3_600);
    assert_eq!(withdraw(&w, r), 900);
    // ... so refunding the same escrow again through the records is refused.
    assert_eq!(
        w.market.try_refund_expired(&0),
        Err(Ok(MarketError::EscrowSwept))
    );
    assert_eq!(w.market.try_release(&b), Err(Ok(MarketError::EscrowSwept)));
    assert_eq!(escrow(&w), 0);
    // Escrow placed after the sweep is not affected by it.
    let s2 = offer(&w, 0, SLOT + 8, 10, 5);
    let b2 = w.market.bid(r, &(SLOT + 8), &10, &5);
    at(&w, (SLOT + 9) * SLOT_SECS);
    w.market.release(&b2);
    assert_eq!(w.market.order(&s2).unwrap().status, OrderStatus::Open);
    assert_eq!(withdraw(&w, r), 50);
}

#[test]
fn escrow_is_not_swept_while_a_delivery_can_still_pay_from_it() {
    let w = world(Build::Native, 1, 1);
    let r = &w.receivers[0];
    let b = matched(&w);
    at(&w, (SLOT + 1) * SLOT_SECS + 3_599);
    assert_eq!(
        w.market.try_withdraw(r),
        Err(Ok(MarketError::NothingToWithdraw))
    );
    // The delivery (one second before the deadline) pays from the held escrow.
    settle_direct(&w, 0, SLOT, 60);
    // The trade's escrow (540) paid 360 and credited back 180; the bid's unmatched 40 Wh
    // (360) stay held until the bid is released.
    assert_eq!(withdraw(&w, r), 180);
    assert_eq!(w.market.account(r).held, 360);
    w.market.release(&b);
    assert_eq!(withdraw(&w, r), 360);
    assert_eq!(w.market.account(r).held, 0);
    assert_eq!(
        escrow(&w),
        360,
        "the donor's 357 and the 3 fee remain, as credits"
    );
}

#[test]
fn a_trade_past_its_own_deadline_is_not_paid_by_a_later_delivery() {
    let w = world(Build::Native, 1, 1);
    let r = &w.receivers[0];
    matched(&w);
    // Governance lengthens the window; the trade keeps the deadline of its bid.
    let mut q = w.market.params();
    q.delivery_deadline_secs = 7_200;
    w.market.set_params(&q);
    at(&w, (SLOT + 1) * SLOT_SECS + 3_600);
    assert_eq!(withdraw(&w, r), 900, "swept at the bid's deadline");
    settle_direct(&w, 0, SLOT, 60);
    assert_eq!(w.kwh.balance(r), 0, "nothing minted to the buyer");
    assert_eq!(w.kwh.balance(&w.donors[0]), 60, "all surplus");
    assert_eq!(
        w.market.credit(&w.donors[0]),
        0,
        "the donor is not paid twice-spent escrow"
    );
    assert_eq!(escrow(&w), 0);
}

#[test]
fn a_deadline_beyond_one_day_is_refused() {
    let w = world(Build::Native, 1, 1);
    let mut q = w.market.params();
    q.delivery_deadline_secs = MAX_DELIVERY_DEADLINE_SECS + 1;
    assert_eq!(
        w.market.try_set_params(&q),
        Err(Ok(MarketError::InvalidParams))
    );
}

#[test]
fn short_lived_records_are_temporary_and_live_past_their_last_use() {
    let w = world(Build::Native, 1, 1);
    let b = matched(&w);
    let sell = w.market.trade(&0).unwrap().sell;
    let now = w.env.ledger().timestamp();
    let end = (SLOT + 1) * SLOT_SECS;
    w.env.as_contract(&w.market.address, || {
        let tmp = w.env.storage().temporary();
        let ttl = |k: &Key| tmp.get_ttl(k) as u64;
        // One ledger per second at the fastest: each record outlives its last use, orders
        // and trades by a day for refunds.
        let refunds_until = end + 3_600 + crate::storage::REFUND_WINDOW_SECS;
        assert!(ttl(&Key::Order(b)) >= refunds_until - now);
        assert!(ttl(&Key::Trade(0)) >= refunds_until - now);
        assert!(ttl(&Key::Pair(b, sell, SLOT)) >= end - now);
        assert!(
            ttl(&Key::MeterTrades(w.meters[0].clone(), SLOT))
                >= end + MAX_DELIVERY_DEADLINE_SECS - now
        );
        assert!(!w.env.storage().persistent().has(&Key::Order(b)));
        assert!(!w.env.storage().persistent().has(&Key::Trade(0)));
    });
}

//! Standing orders: one order, one transaction, many slots (issue 14).
use super::*;

/// Donor 0 offers 500 Wh in each of slots SLOT..SLOT+2; receiver 0 bids 400 Wh in each.
fn standing(w: &World) -> (u64, u64) {
    let s = w
        .market
        .offer_slots(&w.donors[0], &w.meters[0], &SLOT, &3, &500, &10);
    let b = w.market.bid_slots(&w.receivers[0], &SLOT, &3, &400, &20);
    (s, b)
}

#[test]
fn one_standing_pair_trades_in_each_of_its_slots_and_settles_each_delivery() {
    let w = world(Build::Native, 1, 1);
    let r = &w.receivers[0];
    let (s, b) = standing(&w);
    // The whole standing bid's escrow is locked once, for its three slots.
    assert_eq!(escrow(&w), 400 * 20 * 3);
    assert_eq!(w.market.account(r).held, 400 * 20 * 3);
    for k in 0..3 {
        let slot = SLOT + k;
        at_gate(&w, slot);
        w.market
            .settle(&slot, &vec![&w.env, trade(b, s, 400, 12)], &Some(12));
        let trades = w.market.meter_trades(&w.meters[0], &slot);
        assert_eq!(trades.len(), 1, "slot {slot}");
        let t = w.market.trade(&trades.get(0).unwrap()).unwrap();
        // Each trade keeps its own slot's delivery deadline.
        assert_eq!(t.deadline, (slot + 1) * SLOT_SECS + 3_600);
        at(&w, (slot + 1) * SLOT_SECS);
        settle_direct(&w, 0, slot, 400);
    }
    let o = w.market.order(&b).unwrap();
    assert_eq!(
        (o.filled, o.fill_slot, o.slot_filled),
        (1_200, SLOT + 2, 400)
    );
    assert_eq!(w.kwh.balance(r), 1_200);
    // Everything matched: nothing left to release, and the books balance.
    w.market.release(&b);
    withdraw(&w, r);
    withdraw(&w, &w.donors[0]);
    withdraw(&w, &w.fee_to);
    assert_eq!(w.pay.balance(r), 1_000_000_000 - 3 * 400 * 12);
    assert_eq!(escrow(&w), 0);
    let t = w.market.totals();
    assert_eq!(t.locked - t.paid - t.refunded, 0);
}

#[test]
fn a_standing_bid_returns_what_its_slots_left_unmatched_after_its_last_slot() {
    let w = world(Build::Native, 1, 1);
    let r = &w.receivers[0];
    let (s, b) = standing(&w);
    at_gate(&w, SLOT + 1);
    // Only the middle slot trades, and only 100 of its 400 Wh.
    w.market
        .settle(&(SLOT + 1), &vec![&w.env, trade(b, s, 100, 12)], &Some(12));
    // Not before its last slot ended: a later slot may still trade.
    at(&w, (SLOT + 2) * SLOT_SECS);
    assert_eq!(w.market.try_release(&b), Err(Ok(MarketError::TooEarly)));
    at(&w, (SLOT + 3) * SLOT_SECS);
    w.market.release(&b);
    assert_eq!(w.market.credit(r), (3 * 400 - 100) * 20);
    assert_eq!(
        w.market.try_release(&b),
        Err(Ok(MarketError::OrderNotOpen)),
        "released once"
    );
}

#[test]
fn attack_a_standing_order_cannot_be_overfilled_reused_out_of_order_or_outside_its_slots() {
    let w = world(Build::Native, 2, 2);
    let (s, b) = standing(&w);
    let b2 = w.market.bid(&w.receivers[1], &(SLOT + 1), &400, &20);
    let s2 = offer(&w, 1, SLOT + 1, 400, 10);
    let before = escrow(&w);
    // Outside its slots: SLOT + 3 is past its last slot.
    at_gate(&w, SLOT + 3);
    let late = vec![&w.env, trade(b, s, 100, 12)];
    assert_eq!(
        w.market.try_settle(&(SLOT + 3), &late, &None),
        Err(Ok(MarketError::WrongSlot))
    );
    // More than its per-slot size in one slot, across two counterparties.
    at_gate(&w, SLOT + 1);
    let over = vec![&w.env, trade(b, s, 300, 12), trade(b, s2, 101, 12)];
    assert_eq!(
        w.market.try_settle(&(SLOT + 1), &over, &None),
        Err(Ok(MarketError::Overfill))
    );
    // The same pair twice in one slot, over two batches.
    w.market
        .settle(&(SLOT + 1), &vec![&w.env, trade(b, s, 100, 12)], &None);
    assert_eq!(
        w.market
            .try_settle(&(SLOT + 1), &vec![&w.env, trade(b, s, 100, 12)], &None),
        Err(Ok(MarketError::DuplicateTrade))
    );
    // Its slot's fill carries over batches: 100 matched, so 301 more overfill the slot.
    assert_eq!(
        w.market
            .try_settle(&(SLOT + 1), &vec![&w.env, trade(b, s2, 301, 12)], &None),
        Err(Ok(MarketError::Overfill))
    );
    w.market
        .settle(&(SLOT + 1), &vec![&w.env, trade(b2, s, 400, 12)], &None);
    // Its first slot is still open for settlement (its end is past the next gate), but
    // the order already traded in a later slot, whose fill replaced the earlier one's.
    assert_eq!(
        w.market
            .try_settle(&SLOT, &vec![&w.env, trade(b, s, 400, 12)], &None),
        Err(Ok(MarketError::SlotOutOfOrder))
    );
    let o = w.market.order(&b).unwrap();
    assert_eq!((o.filled, o.fill_slot, o.slot_filled), (100, SLOT + 1, 100));
    assert_eq!(escrow(&w), before, "no refused batch moved money");
}

#[test]
fn standing_orders_are_validated_with_specific_errors() {
    let w = world(Build::Native, 1, 1);
    let (d, m, r) = (&w.donors[0], &w.meters[0], &w.receivers[0]);
    let horizon = (w.env.ledger().timestamp() / SLOT_SECS) + 96;
    assert_eq!(
        w.market.try_bid_slots(r, &SLOT, &0, &400, &20),
        Err(Ok(MarketError::InvalidSlots))
    );
    let too_many = (horizon - SLOT + 2) as u32;
    assert_eq!(
        w.market.try_offer_slots(d, m, &SLOT, &too_many, &400, &10),
        Err(Ok(MarketError::InvalidSlots))
    );
    assert_eq!(
        w.market.try_bid_slots(r, &SLOT, &u32::MAX, &i128::MAX, &20),
        Err(Ok(MarketError::InvalidSlots))
    );
    // Its last slot may be the horizon itself.
    let fits = (horizon - SLOT + 1) as u32;
    let id = w.market.bid_slots(r, &SLOT, &fits, &1, &20);
    assert_eq!(w.market.order(&id).unwrap().last_slot(), horizon);
    assert_eq!(escrow(&w), fits as i128 * 20);
    // Cancelled before its first gate, the whole escrow returns.
    w.market.cancel(r, &id);
    assert_eq!(escrow(&w), 0);
    // After its first gate it stands: cancel is refused.
    let id = w.market.bid_slots(r, &SLOT, &3, &400, &20);
    at_gate(&w, SLOT);
    assert_eq!(
        w.market.try_cancel(r, &id),
        Err(Ok(MarketError::GateClosed))
    );
}

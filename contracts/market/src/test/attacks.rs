//! Attacks on the market's settlement rules (issue 13), each refused: a flood of tiny bids
//! that would make a donor's delivery too large to settle, and parameter changes that
//! would rewrite open escrow or renumber slots. Proof-based attacks (cross-market and
//! cross-network replay, two meters of one owner, a blocked buyer, a suspended owner) are
//! in `deliver.rs`.
use super::*;

#[test]
fn attack_sixty_one_wh_bids_cannot_make_a_donor_undeliverable() {
    let w = world(Build::Native, 1, 60);
    let s = offer(&w, 0, SLOT, 1_000, 5);
    let bids: std::vec::Vec<u64> = w
        .receivers
        .iter()
        .map(|r| w.market.bid(r, &SLOT, &1, &1_000))
        .collect();
    at_gate(&w, SLOT);
    let cap = MAX_TRADES_PER_METER_SLOT as usize;
    let mut all = soroban_sdk::Vec::new(&w.env);
    for &b in &bids {
        all.push_back(trade(b, s, 1, 5));
    }
    // All sixty in one batch, or the cap plus one across batches: refused. The test host
    // records diagnostics of this failing call (all sixty trades in its arguments) in its
    // shadow budget, about 47 MB, over the default memory limit; diagnostics do not affect
    // fees, so that budget is lifted here. What settling costs on the network is measured
    // on the WASM build in `deliver::deliver_at_the_trade_cap_fits_a_transaction`.
    w.env.cost_estimate().budget().reset_unlimited();
    assert_eq!(
        w.market.try_settle(&SLOT, &all, &Some(5)),
        Err(Ok(MarketError::TooManyTrades))
    );
    let mut first = soroban_sdk::Vec::new(&w.env);
    for &b in &bids[..cap] {
        first.push_back(trade(b, s, 1, 5));
    }
    w.market.settle(&SLOT, &first, &Some(5));
    assert_eq!(
        w.market
            .try_settle(&SLOT, &vec![&w.env, trade(bids[cap], s, 1, 5)], &Some(5)),
        Err(Ok(MarketError::TooManyTrades))
    );
    assert_eq!(
        w.market.meter_trades(&w.meters[0], &SLOT).len(),
        MAX_TRADES_PER_METER_SLOT
    );
    // At the cap the delivery settles (its cost on the WASM build is measured in
    // `deliver::deliver_at_the_trade_cap_fits_a_transaction`).
    settle_direct(&w, 0, SLOT, cap as i128);
    assert_eq!(w.kwh.total_supply(), cap as i128);
}

#[test]
fn attack_set_params_cannot_rewrite_open_escrow() {
    let w = world(Build::Native, 1, 1);
    let r = &w.receivers[0];
    let s = offer(&w, 0, SLOT, 100, 5);
    let b = w.market.bid(r, &SLOT, &100, &9);
    at_gate(&w, SLOT);
    w.market
        .settle(&SLOT, &vec![&w.env, trade(b, s, 100, 7)], &Some(7));
    let p = w.market.params();
    // A new payment token would strand the escrow locked in the old one.
    let mut q = p.clone();
    q.payment_token = Address::generate(&w.env);
    assert_eq!(
        w.market.try_set_params(&q),
        Err(Ok(MarketError::ImmutableParam))
    );
    // New timing would renumber slots: `Delivered` and per-meter trade keys would collide.
    let mut q = p.clone();
    q.slot_secs = 60;
    assert_eq!(
        w.market.try_set_params(&q),
        Err(Ok(MarketError::ImmutableParam))
    );
    for mut q in [p.clone(), p.clone()] {
        q.kwh_token = Address::generate(&w.env);
        assert_eq!(
            w.market.try_set_params(&q),
            Err(Ok(MarketError::ImmutableParam))
        );
    }
    // A new fee, fee recipient and deadline apply to later trades only.
    let mut q = p.clone();
    q.fee_bps = 5_000;
    q.fee_recipient = Address::generate(&w.env);
    q.delivery_deadline_secs = 60;
    w.market.set_params(&q);
    at(&w, (SLOT + 1) * SLOT_SECS + 600);
    // The trade keeps its 3,600 s deadline: not yet refundable, still deliverable.
    assert_eq!(
        w.market.try_refund_expired(&0),
        Err(Ok(MarketError::TooEarly))
    );
    settle_direct(&w, 0, SLOT, 100);
    assert_eq!(
        w.market.credit(&w.fee_to),
        7,
        "1 % of 700, the fee of the trade's terms"
    );
    assert_eq!(w.market.credit(&q.fee_recipient), 0);
    assert_eq!(w.market.credit(&w.donors[0]), 700 - 7);
}

//! Settlement of a donor's proven delivery against its matched trades in one slot.
//!
//! `settle_delivery` is what `deliver` calls once the meter's signature and the Groth16 proof
//! have been verified: it mints kWh to each buyer for the energy delivered (pro rata when the
//! donor fell short), credits the donor the trade price less the fee (fixed in the trade),
//! credits the fee to the trade's fee recipient and each buyer the rest of its escrow share,
//! and mints any surplus to the donor. Households withdraw credits with `withdraw`.
use soroban_sdk::{Address, BytesN, Env, Map, Vec};
use urja_interfaces::MintClient;

use crate::errors::MarketError;
use crate::events::{SurplusMinted, TradeDelivered};
use crate::storage;
use crate::types::{Trade, TradeState};

/// Splits `delivered` Wh over trades of `wh` quantities: full fills when there is enough,
/// otherwise each gets `floor(wh * delivered / total)` and the leftover units go one by one
/// to the earliest trades with room. Returns the per-trade amounts and the surplus.
pub fn allocate(
    env: &Env,
    wh: &Vec<i128>,
    delivered: i128,
) -> Result<(Vec<i128>, i128), MarketError> {
    let mut total: i128 = 0;
    for w in wh.iter() {
        total = total.checked_add(w).ok_or(MarketError::Overflow)?;
    }
    let mut out = Vec::new(env);
    if delivered >= total {
        for w in wh.iter() {
            out.push_back(w);
        }
        return Ok((out, delivered - total));
    }
    let mut given: i128 = 0;
    for w in wh.iter() {
        let share = w.checked_mul(delivered).ok_or(MarketError::Overflow)? / total;
        given += share;
        out.push_back(share);
    }
    let mut leftover = delivered - given;
    let mut i = 0;
    while leftover > 0 {
        let (w, s) = (wh.get_unchecked(i), out.get_unchecked(i));
        if s < w {
            out.set(i, s + 1);
            leftover -= 1;
        }
        i = (i + 1) % out.len();
    }
    Ok((out, 0))
}

/// Settles `delivered` Wh proven by `meter` (owned by `donor`) for `slot`: the meter's
/// matched trades, then surplus. Money moves only as credits (pull payments): no
/// household's account state can make this fail.
pub fn settle_delivery(
    env: &Env,
    meter: &BytesN<32>,
    donor: &Address,
    slot: u64,
    delivered: i128,
) -> Result<(), MarketError> {
    if delivered < 0 {
        return Err(MarketError::InvalidAmount);
    }
    let ids = storage::meter_trades(env, meter, slot);
    let now = env.ledger().timestamp();
    let mut open: Vec<(u64, Trade)> = Vec::new(env);
    let mut wh = Vec::new(env);
    for id in ids.iter() {
        let t = storage::trade(env, id).ok_or(MarketError::UnknownTrade)?;
        // A trade past its own deadline is its buyer's to refund (or already swept).
        if t.state == TradeState::Matched && now < t.deadline {
            wh.push_back(t.wh);
            open.push_back((id, t));
        }
    }
    let (shares, surplus) = allocate(env, &wh, delivered)?;
    let p = storage::params(env);
    let kwh = MintClient::new(env, &p.kwh_token);
    let mut totals = storage::totals(env);
    let mut accounts: storage::Pending = Map::new(env);
    for (i, (id, mut t)) in open.iter().enumerate() {
        let d = shares.get_unchecked(i as u32);
        let gross = d.checked_mul(t.price).ok_or(MarketError::Overflow)?;
        let fee = gross
            .checked_mul(t.fee_bps as i128)
            .ok_or(MarketError::Overflow)?
            / 10_000;
        let escrow = t.wh.checked_mul(t.buy_price).ok_or(MarketError::Overflow)?;
        let refund = escrow - gross;
        if d > 0 {
            kwh.mint(&t.buyer, &d);
        }
        storage::add(&mut accounts, &t.seller, gross - fee, 0, 0);
        storage::add(&mut accounts, &t.fee_recipient, fee, 0, 0);
        storage::add(&mut accounts, &t.buyer, refund, -escrow, 0);
        totals.paid += gross;
        totals.fees += fee;
        totals.refunded += refund;
        totals.minted_wh += d;
        t.state = TradeState::Delivered;
        t.delivered_wh = d;
        storage::set_trade(env, id, &t);
        TradeDelivered {
            slot,
            trade_id: id,
            delivered_wh: d,
            paid: gross - fee,
            fee,
            refund,
        }
        .publish(env);
    }
    storage::flush(env, &accounts)?;
    if surplus > 0 {
        kwh.mint(donor, &surplus);
        totals.minted_wh += surplus;
        SurplusMinted {
            slot,
            donor: donor.clone(),
            wh: surplus,
        }
        .publish(env);
    }
    storage::set_totals(env, &totals);
    Ok(())
}

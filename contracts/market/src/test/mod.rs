extern crate std;

use super::*;
use crate::settlement::settle_delivery;
use soroban_sdk::testutils::{Address as _, Ledger as _};
use soroban_sdk::token::{StellarAssetClient, TokenClient};
use soroban_sdk::{vec, Address, Env, InvokeError};
use urja_interfaces::testing::{auth_as, wasm};
use urja_interfaces::Role;
use urja_registry::{Registry, RegistryClient};
use urja_token::{KwhToken, KwhTokenClient};

pub const SLOT: u64 = 2_000;
const SLOT_SECS: u64 = 900;

pub struct World {
    pub env: Env,
    /// The accepted meter of each donor (donor i's key is `meter_key(i + 1)`).
    pub meters: std::vec::Vec<soroban_sdk::BytesN<32>>,
    pub market: MarketClient<'static>,
    pub registry: RegistryClient<'static>,
    pub pay: TokenClient<'static>,
    pub kwh: KwhTokenClient<'static>,
    pub admin: Address,
    pub operator: Address,
    pub fee_to: Address,
    pub donors: std::vec::Vec<Address>,
    pub receivers: std::vec::Vec<Address>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Build {
    Native,
    Wasm,
}

pub fn world(build: Build, n_donors: usize, n_receivers: usize) -> World {
    world_with_slots(build, n_donors, n_receivers, SLOT_SECS)
}

/// A world whose market has slots of `slot_secs` seconds (every other test uses 900).
pub fn world_with_slots(
    build: Build,
    n_donors: usize,
    n_receivers: usize,
    slot_secs: u64,
) -> World {
    let env = Env::default();
    env.mock_all_auths();
    env.ledger()
        .with_mut(|l| l.timestamp = SLOT * slot_secs - 3_600.min(slot_secs * 48));
    let admin = Address::generate(&env);
    let operator = Address::generate(&env);
    let fee_to = Address::generate(&env);
    // The market's address is fixed in advance so the token names it as its minter at
    // construction, as `urja deploy` does with computed contract ids.
    // Every world gets a market address of its own, as separate deployments do.
    static WORLDS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    for _ in 0..WORLDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 64 {
        Address::generate(&env);
    }
    let market_id = Address::generate(&env);
    let (reg_id, kwh_id) = match build {
        Build::Native => (
            env.register(Registry, (&admin, &admin)),
            env.register(KwhToken, (&admin, &market_id)),
        ),
        Build::Wasm => (
            env.register(wasm("registry").as_slice(), (&admin, &admin)),
            env.register(wasm("token").as_slice(), (&admin, &market_id)),
        ),
    };
    let sac = env.register_stellar_asset_contract_v2(admin.clone());
    // Revocable, so tests can deauthorise a household as an issuer can on the network.
    sac.issuer()
        .set_flag(soroban_sdk::testutils::IssuerFlags::RevocableFlag);
    let params = Params {
        payment_token: sac.address(),
        kwh_token: kwh_id.clone(),
        registry: reg_id.clone(),
        verifier: Address::generate(&env),
        circuit_id: 1,
        operator: operator.clone(),
        fee_recipient: fee_to.clone(),
        fee_bps: 100,
        slot_secs,
        gate_lead_secs: 300,
        delivery_deadline_secs: 3_600,
        horizon_slots: 96,
        price_floor: 1,
        price_cap: 1_000,
    };
    match build {
        Build::Native => env.register_at(&market_id, Market, (&admin, params)),
        Build::Wasm => env.register_at(&market_id, wasm("market").as_slice(), (&admin, params)),
    };
    let registry = RegistryClient::new(&env, &reg_id);
    let kwh = KwhTokenClient::new(&env, &kwh_id);
    let mint = StellarAssetClient::new(&env, &sac.address());
    let mut donors = std::vec::Vec::new();
    let mut meters = std::vec::Vec::new();
    let mut receivers = std::vec::Vec::new();
    for i in 0..n_donors {
        let d = Address::generate(&env);
        let feeder = i as u32 % 2;
        registry.add_member(&d, &Role::Donor, &feeder);
        let m = meter_id(&env, i as u8 + 1);
        registry.register_meter(&m, &d, &feeder, &METER_MAX);
        registry.accept_meter(&m);
        donors.push(d);
        meters.push(m);
    }
    for i in 0..n_receivers {
        let r = Address::generate(&env);
        registry.add_member(&r, &Role::Receiver, &(i as u32 % 2));
        mint.mint(&r, &1_000_000_000);
        receivers.push(r);
    }
    World {
        meters,
        market: MarketClient::new(&env, &market_id),
        pay: TokenClient::new(&env, &sac.address()),
        env,
        registry,
        kwh,
        admin,
        operator,
        fee_to,
        donors,
        receivers,
    }
}

/// Per-minute cap of every test meter.
pub const METER_MAX: u32 = 60;

/// The ed25519 key of test meter `seed` (donor i's meter is seed i + 1).
pub fn meter_key(seed: u8) -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[seed; 32])
}

/// The meter id (public key) of test meter `seed`.
pub fn meter_id(env: &Env, seed: u8) -> soroban_sdk::BytesN<32> {
    soroban_sdk::BytesN::from_array(env, &meter_key(seed).verifying_key().to_bytes())
}

/// Donor `i` offers from its meter.
pub fn offer(w: &World, i: usize, slot: u64, wh: i128, price: i128) -> u64 {
    w.market
        .offer(&w.donors[i], &w.meters[i], &slot, &wh, &price)
}

/// Settles the delivery of donor `i`'s meter directly (without a proof).
pub fn settle_direct(w: &World, i: usize, slot: u64, wh: i128) {
    // Not a top-level invocation, so the test budget is not reset for it: this measures
    // nothing (`deliver`'s cost is measured through the real entry point).
    w.env.cost_estimate().budget().reset_unlimited();
    w.env
        .as_contract(&w.market.address, || {
            settle_delivery(&w.env, &w.meters[i], &w.donors[i], slot, wh)
        })
        .unwrap();
}

/// `who` withdraws its credit; returns the amount (0 when it had none).
pub fn withdraw(w: &World, who: &Address) -> i128 {
    match w.market.try_withdraw(who) {
        Ok(Ok(a)) => a,
        Err(Ok(MarketError::NothingToWithdraw)) => 0,
        other => panic!("withdraw: {other:?}"),
    }
}

pub fn at_gate(w: &World, slot: u64) {
    let secs = w.market.params().slot_secs;
    w.env.ledger().with_mut(|l| l.timestamp = slot * secs - 300);
}

fn at(w: &World, t: u64) {
    w.env.ledger().with_mut(|l| l.timestamp = t);
}

fn escrow(w: &World) -> i128 {
    w.pay.balance(&w.market.address)
}

fn trade(buy: u64, sell: u64, wh: i128, price: i128) -> TradeIn {
    TradeIn {
        buy,
        sell,
        wh,
        price,
    }
}

#[test]
fn a_slot_settles_and_delivery_pays_mints_and_refunds() {
    let w = world(Build::Native, 1, 2);
    let (d, r1, r2) = (&w.donors[0], &w.receivers[0], &w.receivers[1]);
    let s = offer(&w, 0, SLOT, 1_000, 10);
    let b1 = w.market.bid(r1, &SLOT, &600, &20);
    let b2 = w.market.bid(r2, &SLOT, &600, &15);
    assert_eq!(escrow(&w), 600 * 20 + 600 * 15);
    at_gate(&w, SLOT);
    w.market.settle(
        &SLOT,
        &vec![&w.env, trade(b1, s, 600, 12), trade(b2, s, 400, 12)],
        &Some(12),
    );
    assert_eq!(w.market.order(&s).unwrap().filled, 1_000);
    assert_eq!(w.market.slot_price(&SLOT), Some(12));
    // The donor proves 1_100 Wh: both trades fill, 100 Wh surplus goes to the donor.
    settle_direct(&w, 0, SLOT, 1_100);
    assert_eq!(w.kwh.balance(r1), 600);
    assert_eq!(w.kwh.balance(r2), 400);
    assert_eq!(w.kwh.balance(d), 100);
    assert_eq!(w.kwh.total_supply(), 1_100);
    let gross = 1_000 * 12;
    // Money is credited, not pushed: nothing moved until each household withdraws.
    assert_eq!(w.pay.balance(d), 0);
    assert_eq!(w.market.credit(d), gross - gross / 100);
    assert_eq!(withdraw(&w, &w.fee_to), gross / 100);
    assert_eq!(withdraw(&w, d), gross - gross / 100);
    assert_eq!(withdraw(&w, d), 0, "a credit is withdrawn once");
    withdraw(&w, r1);
    withdraw(&w, r2);
    assert_eq!(w.pay.balance(&w.fee_to), gross / 100);
    assert_eq!(w.pay.balance(d), gross - gross / 100);
    // r1: 600*20 escrow - 600*12 paid; r2 keeps 200 Wh of escrow locked until release.
    assert_eq!(w.pay.balance(r1), 1_000_000_000 - 600 * 12);
    assert_eq!(
        w.pay.balance(r2),
        1_000_000_000 - 600 * 15 + (400 * 15 - 400 * 12)
    );
    at(&w, (SLOT + 1) * SLOT_SECS);
    w.market.release(&b2);
    withdraw(&w, r2);
    assert_eq!(w.pay.balance(r2), 1_000_000_000 - 400 * 12);
    assert_eq!(escrow(&w), 0);
    let t = w.market.totals();
    assert_eq!(t.locked - t.paid - t.refunded, 0);
    assert_eq!(t.locked - t.withdrawn, 0);
    assert_eq!(t.minted_wh, 1_100);
}

#[test]
fn a_short_delivery_settles_pro_rata_and_refunds_the_rest() {
    let w = world(Build::Native, 1, 3);
    let d = &w.donors[0];
    let s = offer(&w, 0, SLOT, 900, 5);
    let bids: std::vec::Vec<u64> = w
        .receivers
        .iter()
        .map(|r| w.market.bid(r, &SLOT, &300, &10))
        .collect();
    at_gate(&w, SLOT);
    let trades = vec![
        &w.env,
        trade(bids[0], s, 300, 7),
        trade(bids[1], s, 300, 7),
        trade(bids[2], s, 300, 7),
    ];
    w.market.settle(&SLOT, &trades, &Some(7));
    // 700 of 900 Wh delivered: 233/233/234 -> leftover unit to the earliest trade.
    settle_direct(&w, 0, SLOT, 700);
    let got: std::vec::Vec<i128> = w.receivers.iter().map(|r| w.kwh.balance(r)).collect();
    assert_eq!(got.iter().sum::<i128>(), 700);
    assert_eq!(got, std::vec![234, 233, 233]);
    for (r, g) in w.receivers.iter().zip(got) {
        withdraw(&w, r);
        assert_eq!(
            w.pay.balance(r),
            1_000_000_000 - g * 7,
            "buyer pays only for delivered Wh"
        );
    }
    assert_eq!(w.kwh.balance(d), 0);
    withdraw(&w, d);
    withdraw(&w, &w.fee_to);
    assert_eq!(escrow(&w), 0);
    // A second delivery finds no open trade: only surplus could mint.
    settle_direct(&w, 0, SLOT, 0);
    assert_eq!(w.kwh.total_supply(), 700);
}

#[test]
fn undelivered_trades_refund_after_the_deadline() {
    let w = world(Build::Native, 1, 1);
    let r = &w.receivers[0];
    let s = offer(&w, 0, SLOT, 100, 5);
    let b = w.market.bid(r, &SLOT, &100, &9);
    at_gate(&w, SLOT);
    w.market
        .settle(&SLOT, &vec![&w.env, trade(b, s, 100, 6)], &None);
    at(&w, (SLOT + 1) * SLOT_SECS + 3_599);
    assert_eq!(
        w.market.try_refund_expired(&0),
        Err(Ok(MarketError::TooEarly))
    );
    at(&w, (SLOT + 1) * SLOT_SECS + 3_600);
    w.market.refund_expired(&0);
    assert_eq!(withdraw(&w, r), 900);
    assert_eq!(w.pay.balance(r), 1_000_000_000);
    assert_eq!(
        w.market.try_refund_expired(&0),
        Err(Ok(MarketError::TradeNotOpen))
    );
    assert_eq!(
        w.market.try_refund_expired(&7),
        Err(Ok(MarketError::UnknownTrade))
    );
    assert_eq!(escrow(&w), 0);
}

#[test]
fn order_input_is_validated_with_specific_errors() {
    let w = world(Build::Native, 1, 1);
    let (d, r) = (&w.donors[0], &w.receivers[0]);
    let m = &w.market;
    assert_eq!(
        m.try_offer(d, &w.meters[0], &SLOT, &0, &5),
        Err(Ok(MarketError::InvalidAmount))
    );
    assert_eq!(
        m.try_offer(d, &w.meters[0], &SLOT, &-5, &5),
        Err(Ok(MarketError::InvalidAmount))
    );
    assert_eq!(
        m.try_offer(d, &w.meters[0], &SLOT, &5, &0),
        Err(Ok(MarketError::PriceOutOfRange))
    );
    assert_eq!(
        m.try_bid(r, &SLOT, &5, &1_001),
        Err(Ok(MarketError::PriceOutOfRange))
    );
    assert_eq!(
        m.try_bid(r, &SLOT, &i128::MAX, &2),
        Err(Ok(MarketError::Overflow))
    );
    assert_eq!(
        m.try_offer(d, &w.meters[0], &(SLOT - 5), &5, &5),
        Err(Ok(MarketError::SlotClosed))
    );
    assert_eq!(
        m.try_offer(d, &w.meters[0], &(SLOT + 500), &5, &5),
        Err(Ok(MarketError::SlotTooFar))
    );
    assert_eq!(
        m.try_offer(d, &w.meters[0], &u64::MAX, &5, &5),
        Err(Ok(MarketError::Overflow))
    );
    let stranger = Address::generate(&w.env);
    assert_eq!(
        m.try_offer(&stranger, &w.meters[0], &SLOT, &5, &5),
        Err(Ok(MarketError::UnknownMember))
    );
    assert_eq!(
        m.try_offer(r, &w.meters[0], &SLOT, &5, &5),
        Err(Ok(MarketError::RoleNotAllowed))
    );
    assert_eq!(
        m.try_bid(d, &SLOT, &5, &5),
        Err(Ok(MarketError::RoleNotAllowed))
    );
    // An offer names a meter of its own owner, accepted and active.
    let other = meter_id(&w.env, 42);
    assert_eq!(
        m.try_offer(d, &other, &SLOT, &5, &5),
        Err(Ok(MarketError::UnknownMeter))
    );
    let d2 = Address::generate(&w.env);
    w.registry.add_member(&d2, &Role::Donor, &0);
    assert_eq!(
        m.try_offer(&d2, &w.meters[0], &SLOT, &5, &5),
        Err(Ok(MarketError::NotMeterOwner))
    );
    w.registry.register_meter(&other, &d2, &0, &METER_MAX);
    assert_eq!(
        m.try_offer(&d2, &other, &SLOT, &5, &5),
        Err(Ok(MarketError::MeterNotAccepted))
    );
    w.registry.set_meter_active(&w.meters[0], &false);
    assert_eq!(
        m.try_offer(d, &w.meters[0], &SLOT, &5, &5),
        Err(Ok(MarketError::MeterSuspended))
    );
    w.registry.set_meter_active(&w.meters[0], &true);
    w.registry.set_member_active(d, &false);
    assert_eq!(
        m.try_offer(d, &w.meters[0], &SLOT, &5, &5),
        Err(Ok(MarketError::MemberSuspended))
    );
    assert_eq!(escrow(&w), 0);
    assert_eq!(m.try_order(&0), Ok(Ok(None)));
    // Cancel rules.
    let b = m.bid(r, &SLOT, &10, &10);
    assert_eq!(m.try_cancel(d, &b), Err(Ok(MarketError::NotOrderOwner)));
    assert_eq!(m.try_cancel(r, &99), Err(Ok(MarketError::UnknownOrder)));
    at_gate(&w, SLOT);
    assert_eq!(m.try_cancel(r, &b), Err(Ok(MarketError::GateClosed)));
    assert_eq!(
        m.try_bid(r, &SLOT, &5, &5),
        Err(Ok(MarketError::SlotClosed))
    );
    assert_eq!(escrow(&w), 100);
}

#[test]
fn cancel_returns_escrow_once() {
    let w = world(Build::Native, 0, 1);
    let r = &w.receivers[0];
    let b = w.market.bid(r, &SLOT, &10, &10);
    w.market.cancel(r, &b);
    assert_eq!(w.pay.balance(r), 1_000_000_000);
    assert_eq!(
        w.market.try_cancel(r, &b),
        Err(Ok(MarketError::OrderNotOpen))
    );
    at(&w, (SLOT + 1) * SLOT_SECS);
    assert_eq!(w.market.try_release(&b), Err(Ok(MarketError::OrderNotOpen)));
    assert_eq!(escrow(&w), 0);
}

#[test]
fn settle_checks_every_trade_and_refuses_the_whole_batch() {
    let w = world(Build::Native, 2, 2);
    let m = &w.market;
    let (d1, d2, r1, r2) = (&w.donors[0], &w.donors[1], &w.receivers[0], &w.receivers[1]);
    let _ = (d1, d2);
    let s1 = offer(&w, 0, SLOT, 100, 5);
    let s2 = offer(&w, 1, SLOT, 100, 8);
    let b1 = m.bid(r1, &SLOT, &100, &10);
    let b2 = m.bid(r2, &SLOT, &50, &7);
    let other = m.bid(r2, &(SLOT + 1), &50, &7);
    let e = &w.env;
    assert_eq!(
        m.try_settle(&SLOT, &vec![e, trade(b1, s1, 10, 6)], &Some(6)),
        Err(Ok(MarketError::GateNotClosed))
    );
    at_gate(&w, SLOT);
    let bad = |t: TradeIn| m.try_settle(&SLOT, &vec![e, trade(b1, s1, 10, 6), t], &None);
    assert_eq!(bad(trade(99, s1, 1, 6)), Err(Ok(MarketError::UnknownOrder)));
    assert_eq!(bad(trade(s2, b1, 1, 6)), Err(Ok(MarketError::WrongSide)));
    assert_eq!(bad(trade(other, s2, 1, 8)), Err(Ok(MarketError::WrongSlot)));
    assert_eq!(
        bad(trade(b2, s2, 1, 8)),
        Err(Ok(MarketError::PriceOutsideLimits))
    );
    assert_eq!(
        bad(trade(b1, s2, 1, 7)),
        Err(Ok(MarketError::PriceOutsideLimits))
    );
    assert_eq!(
        bad(trade(b1, s2, 0, 9)),
        Err(Ok(MarketError::InvalidAmount))
    );
    assert_eq!(bad(trade(b1, s2, 91, 9)), Err(Ok(MarketError::Overfill)));
    assert_eq!(
        bad(trade(b1, s1, 1, 6)),
        Err(Ok(MarketError::DuplicateTrade))
    );
    assert_eq!(
        m.try_settle(&SLOT, &vec![e, trade(b1, s1, 10, 2_000)], &None),
        Err(Ok(MarketError::PriceOutOfRange))
    );
    assert_eq!(
        m.try_settle(&SLOT, &vec![e, trade(b1, s1, 10, 6)], &Some(7)),
        Err(Ok(MarketError::PriceMismatch))
    );
    assert_eq!(
        m.try_settle(&SLOT, &vec![e], &None),
        Err(Ok(MarketError::EmptyBatch))
    );
    // Nothing above changed state.
    assert_eq!(m.order(&b1).unwrap().filled, 0);
    assert_eq!(m.meter_trades(&w.meters[0], &SLOT).len(), 0);
    // Uniform price holds across batches; a pair settles once.
    m.settle(&SLOT, &vec![e, trade(b1, s1, 10, 8)], &Some(8));
    assert_eq!(
        m.try_settle(&SLOT, &vec![e, trade(b1, s1, 10, 8)], &Some(8)),
        Err(Ok(MarketError::DuplicateTrade))
    );
    assert_eq!(
        m.try_settle(&SLOT, &vec![e, trade(b1, s2, 10, 9)], &Some(9)),
        Err(Ok(MarketError::PriceMismatch))
    );
    assert_eq!(
        m.try_settle(&SLOT, &vec![e, trade(b1, s2, 10, 9)], &None),
        Err(Ok(MarketError::PriceMismatch))
    );
    m.settle(&SLOT, &vec![e, trade(b1, s2, 90, 8)], &Some(8));
    assert_eq!(m.order(&b1).unwrap().filled, 100);
    at(&w, (SLOT + 1) * SLOT_SECS);
    assert_eq!(
        m.try_settle(&SLOT, &vec![e, trade(b2, s2, 1, 8)], &Some(8)),
        Err(Ok(MarketError::SettlementClosed))
    );
}

#[test]
fn self_trades_are_refused() {
    let w = world(Build::Native, 0, 0);
    let both = Address::generate(&w.env);
    w.registry.add_member(&both, &Role::Both, &0);
    let m = meter_id(&w.env, 77);
    w.registry.register_meter(&m, &both, &0, &METER_MAX);
    w.registry.accept_meter(&m);
    StellarAssetClient::new(&w.env, &w.pay.address).mint(&both, &1_000);
    let s = w.market.offer(&both, &m, &SLOT, &10, &5);
    let b = w.market.bid(&both, &SLOT, &10, &5);
    at_gate(&w, SLOT);
    assert_eq!(
        w.market
            .try_settle(&SLOT, &vec![&w.env, trade(b, s, 10, 5)], &None),
        Err(Ok(MarketError::SelfTrade))
    );
}

#[test]
fn every_state_change_needs_the_right_signer() {
    let w = world(Build::Native, 1, 1);
    let (d, r) = (&w.donors[0], &w.receivers[0]);
    let (m, e, id) = (&w.market, &w.env, w.market.address.clone());
    let eve = Address::generate(e);
    let meter = &w.meters[0];
    auth_as(e, &eve, &id, "offer", (d, meter, SLOT, 10i128, 5i128));
    assert_eq!(
        m.try_offer(d, meter, &SLOT, &10, &5),
        Err(Err(InvokeError::Abort))
    );
    auth_as(e, &eve, &id, "bid", (r, SLOT, 10i128, 5i128));
    assert_eq!(m.try_bid(r, &SLOT, &10, &5), Err(Err(InvokeError::Abort)));
    e.mock_all_auths();
    let s = offer(&w, 0, SLOT, 10, 5);
    let b = m.bid(r, &SLOT, &10, &5);
    auth_as(e, &eve, &id, "cancel", (r, b));
    assert_eq!(m.try_cancel(r, &b), Err(Err(InvokeError::Abort)));
    at_gate(&w, SLOT);
    let batch = vec![e, trade(b, s, 10, 5)];
    for wrong in [&eve, &w.admin, d] {
        auth_as(e, wrong, &id, "settle", (SLOT, batch.clone(), Some(5i128)));
        assert_eq!(
            m.try_settle(&SLOT, &batch, &Some(5)),
            Err(Err(InvokeError::Abort))
        );
    }
    let p = m.params();
    auth_as(e, &w.operator, &id, "set_params", (p.clone(),));
    assert_eq!(m.try_set_params(&p), Err(Err(InvokeError::Abort)));
    auth_as(e, &w.operator, &id, "transfer_ownership", (&eve, 1u32));
    assert!(m.try_transfer_ownership(&eve, &1).is_err());
    assert_eq!(m.get_owner(), Some(w.admin.clone()));
    auth_as(e, &eve, &id, "withdraw", (r,));
    assert!(m.try_withdraw(r).is_err());
    let hash = soroban_sdk::BytesN::from_array(e, &[0; 32]);
    auth_as(e, &eve, &id, "upgrade", (&hash, &eve));
    assert!(m.try_upgrade(&hash, &eve).is_err());
    assert_eq!(m.order(&b).unwrap().filled, 0);
    auth_as(
        e,
        &w.operator,
        &id,
        "settle",
        (SLOT, batch.clone(), Some(5i128)),
    );
    m.settle(&SLOT, &batch, &Some(5));
    assert_eq!(m.order(&b).unwrap().filled, 10);
}

#[test]
fn parameters_are_validated_and_admin_only() {
    let w = world(Build::Native, 0, 0);
    let mut p = w.market.params();
    p.fee_bps = 10_001;
    assert_eq!(
        w.market.try_set_params(&p),
        Err(Ok(MarketError::InvalidParams))
    );
    p.fee_bps = 50;
    p.slot_secs = 100;
    assert_eq!(
        w.market.try_set_params(&p),
        Err(Ok(MarketError::InvalidParams))
    );
    p.slot_secs = SLOT_SECS;
    p.price_floor = 10;
    p.price_cap = 9;
    assert_eq!(
        w.market.try_set_params(&p),
        Err(Ok(MarketError::InvalidParams))
    );
    p.price_cap = 100;
    w.market.set_params(&p);
    assert_eq!(w.market.params().fee_bps, 50);
}

/// A `Vec<Val>` of values of any contract types.
macro_rules! vals {
    ($e:expr; $($x:expr),* $(,)?) => {{
        let mut v = soroban_sdk::Vec::<soroban_sdk::Val>::new($e);
        $(v.push_back(soroban_sdk::IntoVal::<soroban_sdk::Env, soroban_sdk::Val>::into_val(&$x, $e));)*
        v
    }};
}

mod attacks;
mod deliver;
mod events;
mod expiry;
mod ids;
mod props;
mod standing;
mod wasm_costs;

/// The per-call load cost of the WASM build: one `get_owner` (a single instance read), whose
/// instructions are mostly the module's instantiation (docs/contracts.md, "Sizes").
#[test]
fn load_cost_of_an_owner_read_on_the_wasm_build() {
    let w = world(Build::Wasm, 0, 0);
    let cost = urja_interfaces::testing::call_cost(&w.env, || w.market.get_owner());
    std::println!("LOAD_COST market get_owner {cost}");
    assert_eq!(w.market.get_owner(), Some(w.admin.clone()));
    assert!(cost > 0);
}

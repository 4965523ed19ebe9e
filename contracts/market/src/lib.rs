//! The Urja energy market: orders, escrow, operator settlement, delivery settlement, refunds.
//!
//! Donors `offer` energy from one of their meters for a future slot; receivers `bid`, locking
//! `wh * max_price` of the payment token (any SEP-41 token). After gate closure the operator
//! `settle`s the slot in batches: every proposed trade is checked against its orders and the
//! clearing rule, and a batch with one bad trade is refused whole. A meter's proven delivery
//! settles that meter's trades (see `settlement`); after a trade's delivery deadline anyone
//! may `refund_expired` it, and after the slot ends anyone may `release` unmatched escrow.
//! Money leaves only through `withdraw` (pull payments) or an owner's own `cancel`, so no
//! household's account state can block another's settlement.
#![no_std]

mod clock;
mod errors;
mod events;
mod settlement;
mod storage;
mod types;

#[cfg(test)]
mod test;

use soroban_sdk::{
    contract, contractimpl, token::TokenClient, Address, Bytes, BytesN, Env, Map, Vec,
};
use urja_interfaces::metering::{reading_limit_wh, READINGS_PER_SLOT};
use urja_interfaces::{admin, DeliveryClaim, Meter, RegistryClient, VerifierClient};

pub use errors::MarketError;
use events::*;
use storage::Key;
pub use types::{Account, Order, OrderStatus, Params, Side, Totals, Trade, TradeIn, TradeState};

/// Most trades one `settle` call accepts (see docs/contracts.md for the measured limit).
pub const MAX_BATCH: u32 = 100;

/// Most trades one meter's offers may have in one slot: `deliver` settles them all in one
/// transaction, and at this cap it stays within the network's per-transaction limits
/// (measured by `test::deliver::deliver_at_the_trade_cap_fits_a_transaction`).
pub const MAX_TRADES_PER_METER_SLOT: u32 = 20;

/// Longest delivery deadline the parameters may set (one day after the slot ends): it
/// bounds how long a slot's temporary records, delivery nullifiers included, must live.
pub const MAX_DELIVERY_DEADLINE_SECS: u64 = 86_400;

#[contract]
pub struct Market;

urja_interfaces::admin_entry_points!(Market);

fn validate(p: &Params) -> Result<(), MarketError> {
    let ok = p.slot_secs >= 15
        && p.slot_secs.is_multiple_of(15)
        && p.gate_lead_secs > 0
        && p.delivery_deadline_secs > 0
        && p.delivery_deadline_secs <= MAX_DELIVERY_DEADLINE_SECS
        && p.horizon_slots > 0
        && p.price_floor > 0
        && p.price_floor <= p.price_cap
        && p.fee_bps <= 10_000;
    if ok {
        Ok(())
    } else {
        Err(MarketError::InvalidParams)
    }
}

fn check_price(p: &Params, price: i128) -> Result<(), MarketError> {
    if price < p.price_floor || price > p.price_cap {
        return Err(MarketError::PriceOutOfRange);
    }
    Ok(())
}

/// Refuses a parameter change that would alter open escrow or renumber slots.
fn check_immutable(old: &Params, new: &Params) -> Result<(), MarketError> {
    if old.payment_token != new.payment_token
        || old.kwh_token != new.kwh_token
        || old.registry != new.registry
        || old.slot_secs != new.slot_secs
    {
        return Err(MarketError::ImmutableParam);
    }
    Ok(())
}

/// The registered, active meter `id`, owned by `owner`.
fn owned_meter(
    env: &Env,
    p: &Params,
    id: &BytesN<32>,
    owner: &Address,
) -> Result<Meter, MarketError> {
    let m = RegistryClient::new(env, &p.registry)
        .meter(id)
        .ok_or(MarketError::UnknownMeter)?;
    if m.owner != *owner {
        return Err(MarketError::NotMeterOwner);
    }
    if !m.accepted {
        return Err(MarketError::MeterNotAccepted);
    }
    if !m.active {
        return Err(MarketError::MeterSuspended);
    }
    Ok(m)
}

/// Refuses an address that is not an active member (cached per call in `seen`).
fn check_active(
    env: &Env,
    p: &Params,
    seen: &mut Map<Address, ()>,
    who: &Address,
) -> Result<(), MarketError> {
    if seen.contains_key(who.clone()) {
        return Ok(());
    }
    let m = RegistryClient::new(env, &p.registry)
        .member(who)
        .ok_or(MarketError::UnknownMember)?;
    if !m.active {
        return Err(MarketError::MemberSuspended);
    }
    seen.set(who.clone(), ());
    Ok(())
}

fn check_member(env: &Env, p: &Params, who: &Address, side: Side) -> Result<(), MarketError> {
    let m = RegistryClient::new(env, &p.registry)
        .member(who)
        .ok_or(MarketError::UnknownMember)?;
    if !m.active {
        return Err(MarketError::MemberSuspended);
    }
    let allowed = match side {
        Side::Sell => m.role.can_sell(),
        Side::Buy => m.role.can_buy(),
    };
    if !allowed {
        return Err(MarketError::RoleNotAllowed);
    }
    Ok(())
}

/// What an order asks for: its first slot, how many slots it stands for, Wh per slot and
/// its limit price.
struct Ask {
    slot: u64,
    slots: u32,
    wh: i128,
    price: i128,
}

fn place(
    env: &Env,
    owner: Address,
    side: Side,
    meter: Option<BytesN<32>>,
    ask: Ask,
) -> Result<u64, MarketError> {
    owner.require_auth();
    let Ask {
        slot,
        slots,
        wh,
        price,
    } = ask;
    let p = storage::params(env);
    if wh <= 0 {
        return Err(MarketError::InvalidAmount);
    }
    check_price(&p, price)?;
    let now = env.ledger().timestamp();
    if now >= clock::gate(&p, slot)? {
        return Err(MarketError::SlotClosed);
    }
    let horizon = (now / p.slot_secs).saturating_add(p.horizon_slots);
    if slot > horizon {
        return Err(MarketError::SlotTooFar);
    }
    if slots == 0 || slot.saturating_add(slots as u64 - 1) > horizon {
        return Err(MarketError::InvalidSlots);
    }
    check_member(env, &p, &owner, side)?;
    if let Some(m) = &meter {
        owned_meter(env, &p, m, &owner)?;
    }
    let escrow = match side {
        Side::Buy => wh
            .checked_mul(price)
            .and_then(|e| e.checked_mul(slots as i128))
            .ok_or(MarketError::Overflow)?,
        Side::Sell => 0,
    };
    let deadline = clock::deadline(&p, slot + slots as u64 - 1)?;
    if escrow > 0 {
        let mut t = storage::totals(env);
        t.locked = t.locked.checked_add(escrow).ok_or(MarketError::Overflow)?;
        storage::set_totals(env, &t);
        let mut pending = Map::new(env);
        storage::add(&mut pending, &owner, 0, escrow, deadline);
        storage::flush(env, &pending)?;
        TokenClient::new(env, &p.payment_token).transfer(
            &owner,
            env.current_contract_address(),
            &escrow,
        );
    }
    let id = storage::next_order_id(env, &owner, &p.registry)?;
    let order = Order {
        owner: owner.clone(),
        side,
        meter: meter.clone(),
        slot,
        slots,
        wh,
        price,
        filled: 0,
        fill_slot: slot,
        slot_filled: 0,
        status: OrderStatus::Open,
        deadline,
    };
    storage::set_order(env, id, &order);
    storage::bump_instance(env);
    if slots == 1 {
        OrderPlaced {
            slot,
            id,
            owner,
            side,
            wh,
            price,
            escrow,
            meter,
        }
        .publish(env);
    } else {
        StandingOrderPlaced {
            slot,
            id,
            owner,
            side,
            wh,
            price,
            escrow,
            meter,
            slots,
        }
        .publish(env);
    }
    Ok(id)
}

/// An order as a settle batch sees it: its staged copy if the batch touched it already.
fn staged_order(env: &Env, staged: &Map<u64, Order>, id: u64) -> Result<Order, MarketError> {
    match staged.get(id) {
        Some(o) => Ok(o),
        None => storage::order(env, id).ok_or(MarketError::UnknownOrder),
    }
}

/// Whether `a`'s escrow in flight can no longer pay any delivery: every deadline passed.
fn sweepable(env: &Env, a: &Account) -> bool {
    a.held > 0 && env.ledger().timestamp() >= a.held_until
}

/// Moves `owner`'s escrow to credit once every deadline of it has passed (no delivery can
/// pay from it any more, and its records may have expired); returns the account, stored.
fn sweep(env: &Env, owner: &Address) -> Account {
    let mut a = storage::account(env, owner);
    if sweepable(env, &a) {
        let amount = a.held;
        a.credit += amount;
        a.held = 0;
        a.swept_until = a.held_until;
        storage::store(env, &Key::Account(owner.clone()), &a);
        let mut t = storage::totals(env);
        t.refunded += amount;
        storage::set_totals(env, &t);
        EscrowSwept {
            owner: owner.clone(),
            amount,
            until: a.swept_until,
        }
        .publish(env);
    }
    a
}

/// The unmatched part of an order's escrow over all its slots (zero for offers).
fn unmatched_escrow(o: &Order) -> i128 {
    match o.side {
        Side::Buy => (o.wh * o.slots as i128 - o.filled) * o.price,
        Side::Sell => 0,
    }
}

/// Adds `wh` matched in `slot` to an order (which must stand for that slot), refusing a
/// slot before one it already traded in and any overfill of the slot.
fn fill(o: &mut Order, slot: u64, wh: i128) -> Result<(), MarketError> {
    if !o.covers(slot) {
        return Err(MarketError::WrongSlot);
    }
    if slot < o.fill_slot {
        return Err(MarketError::SlotOutOfOrder);
    }
    let in_slot = o
        .filled_in(slot)
        .checked_add(wh)
        .ok_or(MarketError::Overflow)?;
    if in_slot > o.wh {
        return Err(MarketError::Overfill);
    }
    o.fill_slot = slot;
    o.slot_filled = in_slot;
    o.filled = o.filled.checked_add(wh).ok_or(MarketError::Overflow)?;
    Ok(())
}

#[contractimpl]
impl Market {
    /// Deploys the market with its first admin (bootstrap deployer) and parameters.
    pub fn __constructor(env: Env, admin: Address, params: Params) -> Result<(), MarketError> {
        validate(&params)?;
        admin::init(&env, &admin);
        env.storage().instance().set(&Key::Params, &params);
        let domain = urja_interfaces::domain::market_domain(&env, &env.current_contract_address());
        env.storage().instance().set(&Key::Domain, &domain);
        storage::bump_instance(&env);
        // Indexers learn the first terms (fee recipient, circuit) from the chain itself.
        ParamsChanged { params }.publish(&env);
        Ok(())
    }

    /// Replaces the parameters (a governance decision). Admin only. Payment token, kWh token,
    /// registry and slot length are fixed for the market's life; fee and deadline changes
    /// apply to trades settled afterwards (each trade keeps the terms it settled under).
    pub fn set_params(env: Env, params: Params) -> Result<(), MarketError> {
        admin::require(&env);
        validate(&params)?;
        check_immutable(&storage::params(&env), &params)?;
        env.storage().instance().set(&Key::Params, &params);
        storage::bump_instance(&env);
        ParamsChanged { params }.publish(&env);
        Ok(())
    }

    /// A donor offers `wh` Wh from its `meter` in `slot` at no less than `min_price` per Wh.
    /// The offer's trades settle on that meter's proven delivery. Returns the order id.
    pub fn offer(
        env: Env,
        donor: Address,
        meter: BytesN<32>,
        slot: u64,
        wh: i128,
        min_price: i128,
    ) -> Result<u64, MarketError> {
        Self::offer_slots(env, donor, meter, slot, 1, wh, min_price)
    }

    /// A standing offer: up to `wh` Wh from `meter` in each of `slots` consecutive slots
    /// from `first_slot` (all within the horizon), at no less than `min_price` per Wh.
    /// One transaction for many slots. Returns the order id.
    pub fn offer_slots(
        env: Env,
        donor: Address,
        meter: BytesN<32>,
        first_slot: u64,
        slots: u32,
        wh: i128,
        min_price: i128,
    ) -> Result<u64, MarketError> {
        let ask = Ask {
            slot: first_slot,
            slots,
            wh,
            price: min_price,
        };
        place(&env, donor, Side::Sell, Some(meter), ask)
    }

    /// A receiver bids for `wh` Wh in `slot` at no more than `max_price` per Wh, locking
    /// `wh * max_price` of the payment token in escrow. Returns the order id.
    pub fn bid(
        env: Env,
        receiver: Address,
        slot: u64,
        wh: i128,
        max_price: i128,
    ) -> Result<u64, MarketError> {
        Self::bid_slots(env, receiver, slot, 1, wh, max_price)
    }

    /// A standing bid: up to `wh` Wh in each of `slots` consecutive slots from
    /// `first_slot`, at no more than `max_price` per Wh, locking `wh * max_price * slots`;
    /// what its slots leave unmatched returns once the last slot ends (`release`).
    /// Returns the order id.
    pub fn bid_slots(
        env: Env,
        receiver: Address,
        first_slot: u64,
        slots: u32,
        wh: i128,
        max_price: i128,
    ) -> Result<u64, MarketError> {
        let ask = Ask {
            slot: first_slot,
            slots,
            wh,
            price: max_price,
        };
        place(&env, receiver, Side::Buy, None, ask)
    }

    /// The owner withdraws an order before its (first) slot's gate closes; a bid's escrow
    /// returns.
    pub fn cancel(env: Env, owner: Address, order_id: u64) -> Result<(), MarketError> {
        owner.require_auth();
        let p = storage::params(&env);
        let mut o = storage::order(&env, order_id).ok_or(MarketError::UnknownOrder)?;
        if o.owner != owner {
            return Err(MarketError::NotOrderOwner);
        }
        if o.status != OrderStatus::Open {
            return Err(MarketError::OrderNotOpen);
        }
        if env.ledger().timestamp() >= clock::gate(&p, o.slot)? {
            return Err(MarketError::GateClosed);
        }
        // The owner asked for it, so its own account takes the refund directly.
        let refund = unmatched_escrow(&o);
        if refund > 0 {
            let mut t = storage::totals(&env);
            t.refunded += refund;
            t.withdrawn += refund;
            storage::set_totals(&env, &t);
            let mut pending = Map::new(&env);
            storage::add(&mut pending, &owner, 0, -refund, 0);
            storage::flush(&env, &pending)?;
            TokenClient::new(&env, &p.payment_token).transfer(
                &env.current_contract_address(),
                &owner,
                &refund,
            );
        }
        o.status = OrderStatus::Cancelled;
        storage::set_order(&env, order_id, &o);
        storage::bump_instance(&env);
        OrderCancelled {
            slot: o.slot,
            id: order_id,
            refund,
        }
        .publish(&env);
        Ok(())
    }

    /// The operator settles a batch of trades for `slot` after its gate closed and before it
    /// ends. With `clearing_price` set, every trade must carry that price (uniform pricing,
    /// the same for every batch of the slot); without it each trade's price must lie within
    /// its own bid and offer (pay-as-bid, network pricing). Any violation refuses the batch.
    pub fn settle(
        env: Env,
        slot: u64,
        trades: Vec<TradeIn>,
        clearing_price: Option<i128>,
    ) -> Result<(), MarketError> {
        let p = storage::params(&env);
        p.operator.require_auth();
        let now = env.ledger().timestamp();
        if now < clock::gate(&p, slot)? {
            return Err(MarketError::GateNotClosed);
        }
        if now >= clock::end(&p, slot)? {
            return Err(MarketError::SettlementClosed);
        }
        if trades.is_empty() {
            return Err(MarketError::EmptyBatch);
        }
        if trades.len() > MAX_BATCH {
            return Err(MarketError::BatchTooLarge);
        }
        let stored_price: Option<i128> = storage::load_temp(&env, &Key::SlotPrice(slot));
        match (clearing_price, stored_price) {
            (Some(c), Some(s)) if c != s => return Err(MarketError::PriceMismatch),
            (None, Some(_)) => return Err(MarketError::PriceMismatch),
            (Some(c), _) => check_price(&p, c)?,
            _ => {}
        }
        // Orders touched by this batch, updated in memory and written once at the end.
        let mut orders: Map<u64, Order> = Map::new(&env);
        let mut members: Map<Address, ()> = Map::new(&env);
        // Trades per meter in this slot, so far stored plus this batch's (bounded).
        let mut counts: Map<BytesN<32>, u32> = Map::new(&env);
        let mut staged: Vec<(TradeIn, Order, Order)> = Vec::new(&env);
        let mut pairs: Map<(u64, u64), ()> = Map::new(&env);
        for t in trades.iter() {
            let mut buy = staged_order(&env, &orders, t.buy)?;
            let mut sell = staged_order(&env, &orders, t.sell)?;
            if buy.side != Side::Buy || sell.side != Side::Sell {
                return Err(MarketError::WrongSide);
            }
            if !buy.covers(slot) || !sell.covers(slot) {
                return Err(MarketError::WrongSlot);
            }
            if buy.status != OrderStatus::Open || sell.status != OrderStatus::Open {
                return Err(MarketError::OrderNotOpen);
            }
            if buy.owner == sell.owner {
                return Err(MarketError::SelfTrade);
            }
            check_active(&env, &p, &mut members, &buy.owner)?;
            check_active(&env, &p, &mut members, &sell.owner)?;
            let meter = sell.meter.clone().ok_or(MarketError::WrongSide)?;
            let n = match counts.get(meter.clone()) {
                Some(n) => n,
                None => storage::meter_trades(&env, &meter, slot).len(),
            } + 1;
            if n > MAX_TRADES_PER_METER_SLOT {
                return Err(MarketError::TooManyTrades);
            }
            counts.set(meter, n);
            if t.wh <= 0 {
                return Err(MarketError::InvalidAmount);
            }
            check_price(&p, t.price)?;
            if t.price < sell.price || t.price > buy.price {
                return Err(MarketError::PriceOutsideLimits);
            }
            if let Some(c) = clearing_price {
                if t.price != c {
                    return Err(MarketError::PriceMismatch);
                }
            }
            if pairs.contains_key((t.buy, t.sell))
                || env
                    .storage()
                    .temporary()
                    .has(&Key::Pair(t.buy, t.sell, slot))
            {
                return Err(MarketError::DuplicateTrade);
            }
            pairs.set((t.buy, t.sell), ());
            fill(&mut buy, slot, t.wh)?;
            fill(&mut sell, slot, t.wh)?;
            orders.set(t.buy, buy.clone());
            orders.set(t.sell, sell.clone());
            staged.push_back((t, buy, sell));
        }
        for (id, o) in orders.iter() {
            storage::set_order(&env, id, &o);
        }
        let end = clock::end(&p, slot)?;
        let last_deadline = end.saturating_add(MAX_DELIVERY_DEADLINE_SECS);
        let mut lists: Map<BytesN<32>, Vec<u64>> = Map::new(&env);
        for (t, buy, sell) in staged.iter() {
            let trade_id = storage::next_id(&env, &Key::NextTrade);
            let meter = sell.meter.clone().ok_or(MarketError::WrongSide)?;
            let trade = Trade {
                slot,
                buy: t.buy,
                sell: t.sell,
                buyer: buy.owner.clone(),
                seller: sell.owner.clone(),
                wh: t.wh,
                price: t.price,
                buy_price: buy.price,
                state: TradeState::Matched,
                delivered_wh: 0,
                fee_bps: p.fee_bps,
                fee_recipient: p.fee_recipient.clone(),
                // The bid's deadline for this slot: its owner's escrow accounting counts
                // on it.
                deadline: buy.deadline_of(slot, p.slot_secs),
            };
            storage::set_trade(&env, trade_id, &trade);
            storage::store_temp(&env, &Key::Pair(t.buy, t.sell, slot), &trade_id, end);
            let mut list = match lists.get(meter.clone()) {
                Some(l) => l,
                None => storage::meter_trades(&env, &meter, slot),
            };
            list.push_back(trade_id);
            lists.set(meter, list);
            TradeSettled {
                slot,
                trade_id,
                buy: t.buy,
                sell: t.sell,
                buyer: buy.owner,
                seller: sell.owner,
                wh: t.wh,
                price: t.price,
            }
            .publish(&env);
        }
        for (meter, list) in lists.iter() {
            storage::store_temp(&env, &Key::MeterTrades(meter, slot), &list, last_deadline);
        }
        if let Some(c) = clearing_price {
            storage::store_temp(&env, &Key::SlotPrice(slot), &c, end);
        }
        storage::bump_instance(&env);
        BatchSettled {
            slot,
            trades: trades.len(),
            clearing_price,
        }
        .publish(&env);
        Ok(())
    }

    /// After its (last) slot ended, anyone closes an open order; a bid's unmatched escrow
    /// returns to its owner.
    pub fn release(env: Env, order_id: u64) -> Result<(), MarketError> {
        let p = storage::params(&env);
        let mut o = storage::order(&env, order_id).ok_or(MarketError::UnknownOrder)?;
        if o.status != OrderStatus::Open {
            return Err(MarketError::OrderNotOpen);
        }
        if env.ledger().timestamp() < clock::end(&p, o.last_slot())? {
            return Err(MarketError::TooEarly);
        }
        let refund = unmatched_escrow(&o);
        if refund > 0 {
            if o.deadline <= storage::account(&env, &o.owner).swept_until {
                return Err(MarketError::EscrowSwept);
            }
            let mut pending = Map::new(&env);
            storage::add(&mut pending, &o.owner, refund, -refund, 0);
            storage::flush(&env, &pending)?;
            let mut t = storage::totals(&env);
            t.refunded += refund;
            storage::set_totals(&env, &t);
        }
        o.status = OrderStatus::Closed;
        storage::set_order(&env, order_id, &o);
        storage::bump_instance(&env);
        OrderReleased {
            slot: o.slot,
            id: order_id,
            refund,
        }
        .publish(&env);
        Ok(())
    }

    /// After the trade's delivery deadline, anyone credits a never-delivered trade's escrow
    /// share back to its buyer.
    pub fn refund_expired(env: Env, trade_id: u64) -> Result<(), MarketError> {
        let mut t = storage::trade(&env, trade_id).ok_or(MarketError::UnknownTrade)?;
        if t.state != TradeState::Matched {
            return Err(MarketError::TradeNotOpen);
        }
        if env.ledger().timestamp() < t.deadline {
            return Err(MarketError::TooEarly);
        }
        if t.deadline <= storage::account(&env, &t.buyer).swept_until {
            return Err(MarketError::EscrowSwept);
        }
        let refund = t.wh * t.buy_price;
        let mut pending = Map::new(&env);
        storage::add(&mut pending, &t.buyer, refund, -refund, 0);
        storage::flush(&env, &pending)?;
        let mut totals = storage::totals(&env);
        totals.refunded += refund;
        storage::set_totals(&env, &totals);
        t.state = TradeState::Expired;
        storage::set_trade(&env, trade_id, &t);
        storage::bump_instance(&env);
        TradeExpired {
            slot: t.slot,
            trade_id,
            refund,
        }
        .publish(&env);
        Ok(())
    }

    /// A meter's proven delivery for `slot` settles the trades of that meter's offers
    /// (`docs/zk.md`).
    ///
    /// Open to any submitter (the relayer usually): authority comes from the meter's
    /// ed25519 signature over `"URJA/delivery/v2" || domain || meter || slot (u64 BE) ||
    /// commitment`, where `domain` names this market and network (`docs/formats.md`), and
    /// from the Groth16 proof that the signed commitment hides readings, each within the
    /// meter's rate over one reading's interval (`metering::reading_limit_wh`), summing to
    /// `energy_wh`; both are checked by the verifier contract (the
    /// signature host function aborts the call on a bad signature). Accepted from the end
    /// of the slot until the delivery deadline, once per (meter, slot), and only while the
    /// meter and its owner are active.
    pub fn deliver(
        env: Env,
        meter: BytesN<32>,
        slot: u64,
        commitment: BytesN<32>,
        energy_wh: u64,
        signature: BytesN<64>,
        proof: Bytes,
    ) -> Result<(), MarketError> {
        let p = storage::params(&env);
        let now = env.ledger().timestamp();
        if now < clock::end(&p, slot)? {
            return Err(MarketError::TooEarly);
        }
        if now >= clock::deadline(&p, slot)? {
            return Err(MarketError::DeliveryWindowClosed);
        }
        let registry = RegistryClient::new(&env, &p.registry);
        let m = registry.meter(&meter).ok_or(MarketError::UnknownMeter)?;
        if !m.accepted {
            return Err(MarketError::MeterNotAccepted);
        }
        if !m.active {
            return Err(MarketError::MeterSuspended);
        }
        match registry.member(&m.owner) {
            Some(owner) if owner.active => {}
            Some(_) => return Err(MarketError::MemberSuspended),
            None => return Err(MarketError::UnknownMember),
        }
        let done = Key::Delivered(meter.clone(), slot);
        if env.storage().temporary().has(&done) {
            return Err(MarketError::AlreadyDelivered);
        }
        let limit = reading_limit_wh(m.max_wh_per_minute, p.slot_secs);
        if energy_wh > READINGS_PER_SLOT * limit as u64 {
            return Err(MarketError::EnergyOutOfRange);
        }
        let claim = DeliveryClaim {
            meter: meter.clone(),
            slot,
            commitment: commitment.clone(),
            energy_wh,
            max_wh_per_reading: limit,
            signature: signature.clone(),
        };
        let verified = VerifierClient::new(&env, &p.verifier).try_verify_delivery(
            &p.circuit_id,
            &storage::domain(&env),
            &claim,
            &proof,
        );
        match verified {
            Ok(Ok(true)) => {}
            Ok(Ok(false)) => return Err(MarketError::ProofRejected),
            _ => return Err(MarketError::MalformedProof),
        }
        // Kept past the latest deadline any parameters allow, so no replay outlives it.
        let until = clock::end(&p, slot)?.saturating_add(MAX_DELIVERY_DEADLINE_SECS);
        storage::store_temp(&env, &done, &true, until);
        settlement::settle_delivery(&env, &meter, &m.owner, slot, energy_wh as i128)?;
        storage::bump_instance(&env);
        DeliveryProven {
            meter,
            slot,
            donor: m.owner,
            commitment,
            energy_wh,
            signature,
            proof,
        }
        .publish(&env);
        Ok(())
    }

    /// A household withdraws its whole credit of the payment token (what deliveries,
    /// expired trades and released bids credited it, and escrow whose every deadline has
    /// passed). Returns the amount.
    pub fn withdraw(env: Env, owner: Address) -> Result<i128, MarketError> {
        owner.require_auth();
        let mut a = sweep(&env, &owner);
        let amount = a.credit;
        if amount <= 0 {
            return Err(MarketError::NothingToWithdraw);
        }
        // The account stays (with its sweep mark): it is what refuses a swept refund.
        a.credit = 0;
        storage::store(&env, &Key::Account(owner.clone()), &a);
        let mut t = storage::totals(&env);
        t.withdrawn += amount;
        storage::set_totals(&env, &t);
        storage::bump_instance(&env);
        TokenClient::new(&env, &storage::params(&env).payment_token).transfer(
            &env.current_contract_address(),
            &owner,
            &amount,
        );
        Withdrawn { owner, amount }.publish(&env);
        Ok(amount)
    }

    /// The payment-token credit `owner` has been credited and not withdrawn (`withdraw`
    /// also pays escrow whose every deadline has passed: see `account`).
    pub fn credit(env: Env, owner: Address) -> i128 {
        storage::account(&env, &owner).credit
    }

    /// `owner`'s account: credit, escrow in flight and its deadlines.
    pub fn account(env: Env, owner: Address) -> Account {
        storage::account(&env, &owner)
    }

    /// This market's domain: what its meters sign and its proofs bind (`docs/formats.md`).
    pub fn domain(env: Env) -> BytesN<32> {
        storage::domain(&env)
    }

    /// True once `meter` delivered for `slot`.
    pub fn delivered(env: Env, meter: BytesN<32>, slot: u64) -> bool {
        env.storage().temporary().has(&Key::Delivered(meter, slot))
    }

    /// The market parameters.
    pub fn params(env: Env) -> Params {
        storage::params(&env)
    }

    /// An order by id.
    pub fn order(env: Env, order_id: u64) -> Option<Order> {
        storage::order(&env, order_id)
    }

    /// A trade by id.
    pub fn trade(env: Env, trade_id: u64) -> Option<Trade> {
        storage::trade(&env, trade_id)
    }

    /// The trade ids of `meter`'s offers in `slot`.
    pub fn meter_trades(env: Env, meter: BytesN<32>, slot: u64) -> Vec<u64> {
        storage::meter_trades(&env, &meter, slot)
    }

    /// The uniform clearing price of `slot`, once set.
    pub fn slot_price(env: Env, slot: u64) -> Option<i128> {
        storage::load_temp(&env, &Key::SlotPrice(slot))
    }

    /// Payment-token totals: escrow held = locked - paid - refunded.
    pub fn totals(env: Env) -> Totals {
        storage::totals(&env)
    }
}
